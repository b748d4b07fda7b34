"""The model's closed vocabulary: special tokens, closed symbols, frequent lexemes, typed placeholders.

DESIGN.md "Tokens": a diffusion model over a 30-50k BPE vocabulary does not converge on a CPU budget, so
the vocabulary is lexer-level and small. A token's symbol is its closed kind (``(``, ``IF``, ``def``) or,
for open classes, its own text when that lexeme is frequent in the corpus, else its typed placeholder.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .base import Token, TokenClass, is_placeholder
from .errors import ModelLoadError

__all__ = ["PAD", "EOS", "BLANK", "UNK", "SPECIALS", "Vocabulary", "VOCAB_FORMAT"]

PAD, EOS, BLANK, UNK = "<pad>", "<eos>", "<blank>", "<unk>"
SPECIALS: tuple[str, ...] = (PAD, EOS, BLANK, UNK)  # ids 0..3, in this order
VOCAB_FORMAT = 1
# Open classes whose frequent lexemes become symbols of their own. References are never promoted: which
# cell a formula names is not learnable syntax, and the sketch metric anonymises them anyway.
MAX_LEXEME_CHARS = 24  # longer lexemes are data, not vocabulary
PROMOTABLE = frozenset({TokenClass.NAME, TokenClass.NUMBER, TokenClass.STRING})


@dataclass(frozen=True)
class Vocabulary:
    """Symbol <-> id table; lexemes are looked up case-folded when the language is case-insensitive."""

    language: str
    symbols: tuple[str, ...]
    case_sensitive: bool = True
    _ids: dict[str, int] = field(init=False, repr=False, compare=False)
    _lexemes: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.symbols[: len(SPECIALS)] != SPECIALS:
            raise ValueError(f"a vocabulary starts with the special tokens {SPECIALS}")
        object.__setattr__(self, "_ids", {s: i for i, s in enumerate(self.symbols)})
        object.__setattr__(self, "_lexemes", {self._fold(s): s for s in reversed(self.symbols)})

    def __len__(self) -> int:
        return len(self.symbols)

    @property
    def pad_id(self) -> int:
        return 0

    @property
    def eos_id(self) -> int:
        return 1

    @property
    def blank_id(self) -> int:
        return 2

    @property
    def unk_id(self) -> int:
        return 3

    def _fold(self, text: str) -> str:
        return text if self.case_sensitive else text.upper()

    def symbol_of(self, token: Token) -> str:
        """The symbol the model sees for ``token`` (promoted lexeme, closed kind, placeholder or <unk>)."""
        if is_placeholder(token.kind):
            promoted = self._lexemes.get(self._fold(token.text))
            return promoted if promoted is not None and not is_placeholder(promoted) else token.kind
        if token.kind in self._ids:
            return token.kind
        return self._lexemes.get(self._fold(token.kind), UNK)

    def symbols_of(self, tokens: Iterable[Token]) -> list[str]:
        return [self.symbol_of(t) for t in tokens]

    def id_of(self, symbol: str) -> int:
        return self._ids.get(symbol, self.unk_id)

    def encode(self, tokens: Iterable[Token]) -> list[int]:
        return [self.id_of(self.symbol_of(t)) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Ids to symbols, stopping at EOS and dropping PAD and BLANK (a blank slot decodes to nothing)."""
        out = []
        for i in ids:
            i = int(i)
            if i == self.eos_id:
                break
            if i in (self.pad_id, self.blank_id):
                continue
            out.append(self.symbols[i] if 0 <= i < len(self.symbols) else UNK)
        return out

    # ----- building and files -----------------------------------------------------------------

    @classmethod
    def build(
        cls,
        language: str,
        snippets: Iterable[Sequence[Token]],
        *,
        case_sensitive: bool = True,
        closed: Iterable[str] = (),
        max_lexemes: int = 400,
        min_count: int = 20,
    ) -> Vocabulary:
        """Closed kinds and placeholders seen (plus ``closed``), then the most frequent open lexemes."""
        kinds: Counter[str] = Counter()
        lexemes: Counter[str] = Counter()
        spelling: dict[str, Counter[str]] = {}
        for tokens in snippets:
            for t in tokens:
                kinds[t.kind] += 1
                if is_placeholder(t.kind) and 0 < len(t.text) <= MAX_LEXEME_CHARS and t.cls in PROMOTABLE:
                    key = t.text if case_sensitive else t.text.upper()
                    lexemes[key] += 1
                    spelling.setdefault(key, Counter())[t.text] += 1
        fixed = sorted(set(kinds) | set(closed))
        seen = set(SPECIALS) | set(fixed)
        promoted: list[str] = []
        for key, count in lexemes.most_common():
            if len(promoted) >= max_lexemes or count < min_count:
                break
            canonical = spelling[key].most_common(1)[0][0]
            if canonical not in seen and (
                case_sensitive or canonical.upper() not in {s.upper() for s in seen}
            ):
                promoted.append(canonical)
                seen.add(canonical)
        return cls(
            language,
            SPECIALS + tuple(s for s in fixed if s not in SPECIALS) + tuple(promoted),
            case_sensitive,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "format": VOCAB_FORMAT,
            "language": self.language,
            "case_sensitive": self.case_sensitive,
            "symbols": list(self.symbols),
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(
            json.dumps(self.to_json(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, path: str | Path) -> Vocabulary:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelLoadError(
                f"{path}: vocabulary file is missing; re-export the model with `lastfix export`"
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ModelLoadError(
                f"{path}: vocabulary file is unreadable ({e}); re-export the model"
            ) from None
        if not isinstance(data, dict) or data.get("format") != VOCAB_FORMAT:
            raise ModelLoadError(
                f"{path}: vocabulary format {data.get('format') if isinstance(data, dict) else '?'} is not "
                f"{VOCAB_FORMAT}; re-export the model with this version of lastfix"
            )
        try:
            return cls(str(data["language"]), tuple(data["symbols"]), bool(data["case_sensitive"]))
        except (KeyError, TypeError, ValueError) as e:
            raise ModelLoadError(f"{path}: vocabulary file is corrupt ({e}); re-export the model") from None
