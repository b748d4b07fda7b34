"""The corpus builder: documents -> valid, deduplicated snippets that fit the canvas, plus a vocabulary.

No torch here, so users can inspect what a model would be trained on. Sources are JSONL files of
``{"text": ...}`` documents (the format of ``shared/corpora``), source files, or directories of them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lastfix.grammars import Grammar, Vocabulary, get_grammar
from lastfix.grammars.base import TokenClass, is_placeholder
from lastfix.grammars.errors import InputError
from lastfix.grammars.source_files import shared_dir

__all__ = [
    "Corpus",
    "CorpusOptions",
    "build_corpus",
    "build_vocabulary",
    "default_sources",
    "load_corpus",
    "corpus_snippets",
    "placeholder_rate",
    "write_corpus",
]

# Room left on the canvas for EOS and the blank slots that pre-training and repair insert (DESIGN.md).
CANVAS_RESERVE = 8


@dataclass(frozen=True)
class CorpusOptions:
    """How documents become snippets."""

    max_tokens: int | None = None  # default: the grammar's canvas minus CANVAS_RESERVE
    max_documents: int | None = None  # read at most this many documents (quick experiments)


@dataclass
class Corpus:
    """Valid, deduplicated snippets in corpus order, and what happened to everything else."""

    language: str
    snippets: list[str]
    stats: dict[str, float] = field(default_factory=dict)  # counts, and the placeholder rate in %


def default_sources(language: str) -> list[Path]:
    """``shared/corpora/<language>/*.jsonl`` when the shared data is beside the checkout."""
    root = shared_dir()
    if root is None:
        return []
    return sorted((root / "corpora" / language).glob("*.jsonl"))


def _documents(sources: Sequence[Path], grammar: Grammar, stats: Counter[str]) -> Iterator[str]:
    for source in sources:
        if source.is_dir():
            files = sorted(
                p for p in source.rglob("*") if p.suffix.lower() in grammar.extensions and p.is_file()
            )
            yield from _documents(files, grammar, stats)
        elif source.suffix == ".jsonl":
            with source.open(encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        text = json.loads(line).get("text")
                        if isinstance(text, str):
                            yield text
        elif source.is_file():
            try:
                yield source.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                stats["unreadable_files"] += 1
        else:
            raise InputError(f"{source}: no such corpus file or directory")


def build_corpus(
    language: str, sources: Sequence[Path] | None = None, options: CorpusOptions = CorpusOptions()
) -> Corpus:
    """Split documents into top-level statements, keep those the oracle accepts and that fit, deduplicate."""
    grammar = get_grammar(language)
    sources = list(sources) if sources else default_sources(grammar.name)
    if not sources:
        raise InputError(
            f"no corpus for {language}: pass --source PATH (shared/corpora is not beside this checkout)"
        )
    max_tokens = options.max_tokens or grammar.canvas - CANVAS_RESERVE
    stats: Counter[str] = Counter()
    seen: set[str] = set()
    snippets: list[str] = []
    for doc in _documents(sources, grammar, stats):
        if options.max_documents is not None and stats["documents"] >= options.max_documents:
            break
        stats["documents"] += 1
        for start, end in grammar.statements(doc):
            snippet = doc[start:end].strip("\r\n")
            stats["statements"] += 1
            if not snippet.strip():
                stats["dropped_empty"] += 1
            elif snippet in seen:
                stats["dropped_duplicate"] += 1
            elif len(grammar.tokenize(snippet)) > max_tokens:
                stats["dropped_too_long"] += 1
            elif not grammar.is_valid(snippet):
                stats["dropped_invalid"] += 1
            else:
                seen.add(snippet)
                snippets.append(snippet)
    stats["kept"] = len(snippets)
    return Corpus(grammar.name, snippets, dict(stats))


def build_vocabulary(language: str, snippets: Iterable[str]) -> Vocabulary:
    """Vocabulary over the snippets' tokens (closed symbols, placeholders, frequent lexemes)."""
    grammar = get_grammar(language)
    return Vocabulary.build(
        grammar.name,
        (grammar.tokenize(s) for s in snippets),
        case_sensitive=grammar.case_sensitive,
        closed=grammar.closed_symbols(),
        max_lexemes=grammar.language.max_lexemes,
    )


def placeholder_rate(language: str, snippets: Iterable[str], vocab: Vocabulary) -> float:
    """Share of tokens the model sees as a typed placeholder rather than as themselves."""
    grammar = get_grammar(language)
    total = placeholders = 0
    for s in snippets:
        for token in grammar.tokenize(s):
            if (
                token.cls is TokenClass.LAYOUT
            ):  # <NEWLINE>/<INDENT>/<DEDENT> are structure, not anonymised text
                continue
            total += 1
            placeholders += is_placeholder(vocab.symbol_of(token))
    return placeholders / total if total else 0.0


def write_corpus(out_dir: str | Path, corpus: Corpus, vocab: Vocabulary) -> None:
    """``snippets.jsonl``, ``vocab.json`` and ``stats.json`` in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "snippets.jsonl").open("w", encoding="utf-8") as f:
        for s in corpus.snippets:
            f.write(json.dumps({"text": s}, ensure_ascii=False) + "\n")
    vocab.save(out / "vocab.json")
    (out / "stats.json").write_text(json.dumps(corpus.stats, indent=1) + "\n", encoding="utf-8")


def load_corpus(corpus_dir: str | Path) -> tuple[list[str], Vocabulary]:
    """Snippets and vocabulary written by :func:`write_corpus`."""
    d = Path(corpus_dir)
    if not (d / "snippets.jsonl").is_file():
        raise InputError(f"{d}: no snippets.jsonl; build it with `lastfix corpus --lang L --out {d}`")
    with (d / "snippets.jsonl").open(encoding="utf-8") as f:
        snippets = [json.loads(line)["text"] for line in f if line.strip()]
    return snippets, Vocabulary.load(d / "vocab.json")


def corpus_snippets(
    language: str,
    corpus: Sequence[str | Path] | None,
    max_documents: int | None = None,
    vocab: Vocabulary | None = None,
) -> tuple[list[str], Vocabulary]:
    """Snippet texts and vocabulary from a `lastfix corpus` directory, raw sources, or the shared corpus.

    ``max_documents`` caps what is read; a given ``vocab`` (a model's) is returned instead of one built
    on the snippets.
    """
    paths = [Path(p) for p in corpus or ()]
    if len(paths) == 1 and paths[0].is_dir() and (paths[0] / "snippets.jsonl").is_file():
        snippets, own = load_corpus(paths[0])
        return snippets[:max_documents], vocab or own
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
    built = build_corpus(language, paths or None, CorpusOptions(max_documents=max_documents))
    return built.snippets, vocab or build_vocabulary(language, built.snippets)
