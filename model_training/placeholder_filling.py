"""Concrete text for generated symbol sequences: placeholders filled from corpus lexeme statistics.

The diffusion model speaks in vocabulary symbols, where every rare name, string, number or cell
reference is a typed placeholder (DESIGN.md "Tokens"). A training pair for another repair model must be
real code (paper 4.3 fine-tunes code LMs on the pairs), so each placeholder slot gets a lexeme drawn, in
proportion to its frequency, from the texts the corpus shows for that placeholder kind. Broken and fixed
sides share their draws slot by slot (aligned with difflib), so the pair differs only where the symbols
differ. No torch here: generation runs on the ONNX runtime.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from lastfix.grammars.base import Grammar, Token, TokenClass, is_placeholder
from lastfix.grammars.errors import InputError
from lastfix.grammars.vocab import Vocabulary

__all__ = ["LexemeStats", "count_lexemes", "lexeme_stats", "default_cache_dir", "Filler", "detokenize"]

STATS_FORMAT = 1
TOP_PER_KIND = 2000  # the long tail adds nothing a model could learn from
# Names repeat inside real code (``x = f(x)``), so a name slot reuses one drawn earlier for the same
# snippet this often; strings, numbers and references are drawn afresh.
REUSE_NAME = 0.35


@dataclass(frozen=True)
class LexemeStats:
    """Per placeholder kind (``<STRING>``, ``<CELL>``, ...): corpus texts and counts, frequent first."""

    language: str
    kinds: dict[str, list[tuple[str, int]]]
    classes: dict[str, str] = field(default_factory=dict)  # kind -> TokenClass name

    def to_json(self) -> dict[str, object]:
        return {
            "format": STATS_FORMAT,
            "language": self.language,
            "kinds": self.kinds,
            "classes": self.classes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LexemeStats:
        kinds = {str(k): [(str(t), int(c)) for t, c in v] for k, v in dict(data["kinds"]).items()}
        classes = {str(k): str(v) for k, v in dict(data.get("classes", {})).items()}
        return cls(str(data["language"]), kinds, classes)


def count_lexemes(grammar: Grammar, snippets: Sequence[str], top: int = TOP_PER_KIND) -> LexemeStats:
    """Tokenize ``snippets`` and count the texts behind every placeholder kind."""
    counts: dict[str, Counter[str]] = {}
    classes: dict[str, str] = {}
    for s in snippets:
        for t in grammar.tokenize(s):
            if is_placeholder(t.kind) and t.text and t.cls is not TokenClass.LAYOUT:
                counts.setdefault(t.kind, Counter())[t.text] += 1
                classes.setdefault(t.kind, t.cls.name)
    return LexemeStats(grammar.name, {k: c.most_common(top) for k, c in sorted(counts.items())}, classes)


def default_cache_dir() -> Path:
    """``$LASTFIX_CACHE`` or ``~/.cache/lastfix``: derived data, safe to delete."""
    return Path(os.environ.get("LASTFIX_CACHE") or Path.home() / ".cache" / "lastfix")


def _source_key(language: str, sources: Sequence[Path], max_documents: int) -> str:
    h = hashlib.sha256(f"{STATS_FORMAT}:{language}:{max_documents}".encode())
    for p in sources:
        st = p.stat()
        h.update(f"{p.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def lexeme_stats(
    language: str,
    sources: Sequence[Path] | None = None,
    *,
    max_documents: int = 5000,
    cache_dir: Path | None = None,
) -> LexemeStats:
    """Lexeme statistics of the corpus (default: shared/corpora/<language>), cached by source and size."""
    from lastfix.grammars import get_grammar

    from .corpus import CorpusOptions, build_corpus, default_sources

    grammar = get_grammar(language)
    paths = list(sources) if sources else default_sources(grammar.name)
    if not paths:
        raise InputError(
            f"no corpus for {language} to draw placeholder texts from: pass --corpus PATH "
            "(shared/corpora is not beside this checkout)"
        )
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such corpus file or directory")
    cache = (
        cache_dir or default_cache_dir()
    ) / f"lexemes-{grammar.name}-{_source_key(grammar.name, paths, max_documents)}.json"
    if cache.is_file():
        try:
            return LexemeStats.from_json(json.loads(cache.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a stale or torn cache file is rebuilt below
    corpus = build_corpus(grammar.name, paths, CorpusOptions(max_documents=max_documents))
    stats = count_lexemes(grammar, corpus.snippets)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(stats.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only home only costs the recount next time
    return stats


class Filler:
    """Turns (fixed, broken) symbol sequences into real code, drawing placeholder texts from ``stats``."""

    def __init__(self, grammar: Grammar, stats: LexemeStats, vocab: Vocabulary | None = None) -> None:
        self.grammar = grammar
        # layout symbols (Python's NEWLINE/INDENT/DEDENT) have no text: detokenize writes them as lines
        self._layout = frozenset(grammar.layout_symbols() or ())
        self._choices: dict[str, tuple[list[str], np.ndarray]] = {}
        self._classes = stats.classes
        for kind, pairs in stats.kinds.items():
            # Texts the vocabulary promotes to symbols of their own would not re-tokenize as this
            # placeholder: the model would have written the promoted symbol instead.
            kept = [
                (t, c)
                for t, c in pairs
                if vocab is None or vocab.symbol_of(Token(kind, t, 0, len(t), TokenClass.OTHER)) == kind
            ]
            if kept:
                weights = np.asarray([c for _, c in kept], dtype=np.float64)
                self._choices[kind] = ([t for t, _ in kept], np.cumsum(weights) / weights.sum())

    def draw(self, kind: str, rng: np.random.Generator, palette: dict[str, list[str]] | None = None) -> str:
        """A corpus text for placeholder ``kind`` (the grammar's filler when the corpus never showed one)."""
        if (
            palette is not None
            and self._classes.get(kind) == TokenClass.NAME.name
            and palette.get(kind)
            and rng.random() < REUSE_NAME
        ):
            used = palette[kind]
            return used[int(rng.integers(len(used)))]
        entry = self._choices.get(kind)
        if entry is None:
            text = self.grammar.filler(kind)
        else:
            texts, cdf = entry
            text = texts[min(int(np.searchsorted(cdf, rng.random(), side="right")), len(texts) - 1)]
        if palette is not None:
            palette.setdefault(kind, []).append(text)
        return text

    def texts_for(
        self, symbols: Sequence[str], rng: np.random.Generator, palette: dict[str, list[str]] | None = None
    ) -> list[str]:
        """One text per symbol: closed symbols as themselves, placeholders drawn."""
        palette = {} if palette is None else palette
        return [self._text(s, rng, palette) for s in symbols]

    def _text(self, symbol: str, rng: np.random.Generator, palette: dict[str, list[str]]) -> str:
        if symbol in self._layout:
            return ""
        return self.draw(symbol, rng, palette) if is_placeholder(symbol) else self.grammar.render(symbol)

    def aligned_texts(
        self,
        fixed: Sequence[str],
        fixed_texts: Sequence[str],
        broken: Sequence[str],
        rng: np.random.Generator,
        palette: dict[str, list[str]] | None = None,
    ) -> list[str]:
        """Texts for ``broken``: the fixed side's text for every slot the two share, fresh draws elsewhere."""
        palette = {} if palette is None else palette
        out: list[str] = []
        matcher = difflib.SequenceMatcher(a=list(fixed), b=list(broken), autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                out.extend(fixed_texts[i1:i2])
                continue
            for k, sym in enumerate(broken[j1:j2]):
                i = i1 + k
                # a substituted slot that keeps its symbol keeps its text; anything else is drawn the way
                # the fixed side's placeholders were
                out.append(fixed_texts[i] if i < i2 and fixed[i] == sym else self._text(sym, rng, palette))
        return out

    def render_pair(
        self, fixed: Sequence[str], broken: Sequence[str], rng: np.random.Generator
    ) -> tuple[str, str]:
        """(fixed text, broken text): the same text for every slot the two sequences share."""
        palette: dict[str, list[str]] = {}
        fixed_texts = self.texts_for(fixed, rng, palette)
        broken_texts = self.aligned_texts(fixed, fixed_texts, broken, rng, palette)
        return detokenize(self.grammar, fixed, fixed_texts), detokenize(self.grammar, broken, broken_texts)


def detokenize(grammar: Grammar, symbols: Sequence[str], texts: Sequence[str]) -> str:
    """Source text for tokens (symbol, text): the grammar's separators, and Python lines and indentation.

    Separators are the ones the repair engine writes around inserted tokens (``grammar.separator``), so
    generated pairs are spaced the way repaired code is. Where two pieces would lex as something else
    (PowerShell ``-Raw`` + ``./x`` is one argument), a blank is put between them, as a person would.
    """
    if len(symbols) != len(texts):
        raise ValueError("symbols and texts differ in length")
    layout = grammar.layout_symbols()
    if layout is not None:
        return _indented_text(symbols, texts, grammar, layout)
    pieces = [t for t in texts if t]
    seps = [""] + [grammar.separator(a, b) for a, b in zip(pieces, pieces[1:], strict=False)]
    for _ in range(_RESPACE_TRIES):
        joined = "".join(s + p for s, p in zip(seps, pieces, strict=False))
        lexed = [t.text for t in grammar.tokenize(joined)]
        if lexed == pieces:
            return joined
        k = next((i for i, (a, b) in enumerate(zip(lexed, pieces, strict=False)) if a != b), len(lexed))
        if k + 1 < len(pieces) and k < len(lexed) and len(lexed[k]) > len(pieces[k]) and not seps[k + 1]:
            seps[k + 1] = " "  # piece k swallowed the next one
        elif 0 < k < len(pieces) and not seps[k]:
            seps[k] = " "  # piece k was swallowed by the one before
        else:
            return joined
    return "".join(s + p for s, p in zip(seps, pieces, strict=False))


_RESPACE_TRIES = 4


def _indented_text(
    symbols: Sequence[str], texts: Sequence[str], grammar: Grammar, layout: tuple[str, str, str]
) -> str:
    """Layout by tokens (Python): NEWLINE ends a line, INDENT/DEDENT set the next lines' depth (four
    spaces a level)."""
    newline, indent, _ = layout
    out: list[str] = []
    prev = ""
    depth = 0
    line_start = True
    for sym, text in zip(symbols, texts, strict=False):
        if sym in layout:
            if sym == newline:
                out.append("\n")
                line_start, prev = True, ""
            elif sym == indent:
                depth += 1
            else:
                depth = max(0, depth - 1)
            continue
        if not text:
            continue
        out.append("    " * depth if line_start else grammar.separator(prev, text))
        out.append(text)
        prev, line_start = text, False
    return "".join(out)
