"""Grammar figures for the foundation issue: corpus acceptance, dev flag/accept rates, error localisation.

Run ``python -m lastfix.benchmarks.grammar_coverage [--lang L ...] [--out FILE.json]``;
reads ``shared/`` by path.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from lastfix.grammars import LANGUAGES, Grammar, Token, get_grammar
from lastfix.grammars.source_files import shared_dir

__all__ = ["changed_token_indices", "localisation_distance", "coverage", "corpus_acceptance", "main"]


def changed_token_indices(broken: Sequence[Token], fixed: Sequence[Token]) -> set[int]:
    """Indices of broken tokens the human fix touched (an insertion touches both neighbours)."""
    matcher = difflib.SequenceMatcher(a=[t.text for t in broken], b=[t.text for t in fixed], autojunk=False)
    out: set[int] = set()
    for op, i1, i2, _, _ in matcher.get_opcodes():
        if op == "equal":
            continue
        if i1 < i2:
            out.update(range(i1, i2))
        else:
            out.update(i for i in (i1 - 1, i1) if 0 <= i < len(broken))
    return out


def localisation_distance(tokens: Sequence[Token], start: int, end: int, changed: set[int]) -> int | None:
    """Token distance between an error range and the nearest changed token (0 = on it)."""
    if not tokens or not changed:
        return None
    hit = [i for i, t in enumerate(tokens) if t.start < max(end, start + 1) and t.end > start]
    if not hit:  # an empty range between tokens: the tokens on both sides
        before = [i for i, t in enumerate(tokens) if t.end <= start]
        hit = ([before[-1]] if before else []) + ([len(before)] if len(before) < len(tokens) else [])
    return min(abs(i - j) for i in hit for j in changed)


def coverage(grammar: Grammar, root: Path) -> dict[str, object]:
    records = [
        json.loads(line) for line in (root / "benchmarks" / grammar.name / "dev.jsonl").open() if line.strip()
    ]
    flagged = sum(not grammar.is_valid(r["broken"]) for r in records)
    accepted = sum(grammar.is_valid(r["fixed"]) for r in records)
    on = near = located = 0
    for r in records:
        issues = grammar.errors(r["broken"])
        if not issues:
            continue
        broken_tokens = grammar.tokenize(r["broken"])
        d = localisation_distance(
            broken_tokens,
            issues[0].start,
            issues[0].end,
            changed_token_indices(broken_tokens, grammar.tokenize(r["fixed"])),
        )
        if d is None:
            continue
        located += 1
        on += d == 0
        near += d <= 2
    report: dict[str, object] = {
        "dev_n": len(records),
        "dev_broken_flagged": round(flagged / len(records), 4),
        "dev_fixed_accepted": round(accepted / len(records), 4),
        "first_error_on_fix": round(on / located, 4) if located else None,
        "first_error_within_2_tokens": round(near / located, 4) if located else None,
    }
    if grammar.language.corpus_documents_valid:
        report.update(corpus_acceptance(grammar, root))
    return report


def corpus_acceptance(grammar: Grammar, root: Path) -> dict[str, object]:
    """How many documents of ``shared/corpora/<language>/*.jsonl`` the grammar accepts, and how fast."""
    documents = [
        json.loads(line)["text"]
        for path in sorted((root / "corpora" / grammar.name).glob("*.jsonl"))
        for line in path.open()
        if line.strip()
    ]
    t0 = time.perf_counter()
    ok = sum(grammar.is_valid(d) for d in documents)
    return {
        "corpus_n": len(documents),
        "corpus_accepted": round(ok / len(documents), 5),
        "corpus_seconds": round(time.perf_counter() - t0, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    root = shared_dir()
    if root is None:
        print("shared/ is not beside this checkout; set LASTFIX_SHARED", file=sys.stderr)
        return 2
    result = {lang: coverage(get_grammar(lang), root) for lang in (args.lang or LANGUAGES)}
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
