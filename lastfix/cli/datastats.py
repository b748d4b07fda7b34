"""``lastfix datastats``: figure 7 of the paper for repair-pair files: localisation, diversity, complexity.

One row per file (a generator: diffusion, rules, a human benchmark), a table on stdout and, with
``--png``, the three bar charts side by side. Needs no torch; matplotlib only for the PNG.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from lastfix.grammars.errors import InputError

__all__ = ["add_arguments", "run", "format_table", "plot_stats"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from lastfix.grammars import LANGUAGES

    parser.add_argument(
        "files",
        nargs="+",
        metavar="PAIRS.jsonl",
        help='JSONL files of {"broken","fixed"} (generated pairs or a benchmark)',
    )
    parser.add_argument(
        "--labels", nargs="+", metavar="LABEL", help="one name per file (default: file names)"
    )
    parser.add_argument(
        "--lang",
        nargs="+",
        choices=LANGUAGES,
        metavar="LANG",
        help='language of all files, or one per file (default: each file\'s "lang" field, else '
        "the language its ids start with, as in the benchmarks)",
    )
    parser.add_argument("--png", metavar="FILE", help="write the three bar charts (figure 7) to this PNG")
    parser.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    parser.add_argument(
        "--samples",
        type=int,
        default=2000,
        help="random pairs of fixed snippets for diversity (default 2000; all pairs if fewer)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the diversity sample")
    parser.add_argument(
        "--tokens",
        choices=("sketch", "exact"),
        default="sketch",
        help="diversity over sketches (constants anonymised; default) or exact token texts",
    )
    parser.add_argument("--ngram", type=int, default=4, help="longest n-gram of the similarity (default 4)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N records of each file")
    parser.add_argument("--no-oracle", action="store_true", help="skip the validity checks of both sides")


def _read(path: Path, limit: int | None) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"{path}: cannot read the pairs file ({e.strerror or e})") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not (isinstance(rec.get("broken"), str) and isinstance(rec.get("fixed"), str)):
                raise ValueError('"broken" and "fixed" must be strings')
        except (json.JSONDecodeError, ValueError, AttributeError) as e:
            raise InputError(f'{path}:{n}: not a {{"broken","fixed"}} record ({e})') from None
        out.append(rec)
        if limit is not None and len(out) >= limit:
            break
    return out


def _language_of(record: dict[str, Any]) -> str | None:
    """The record's "lang", else the language its id starts with (benchmark ids look like "excel-200")."""
    from lastfix.grammars import LANGUAGES

    lang = record.get("lang")
    if isinstance(lang, str) and lang in LANGUAGES:
        return lang
    rid = str(record.get("id", ""))
    return next((name for name in LANGUAGES if rid.startswith(name + "-")), None)


def run(args: argparse.Namespace) -> int:
    from lastfix.grammars import get_grammar
    from lastfix.model_training.pair_stats import pair_stats

    files = [Path(f) for f in args.files]
    labels = args.labels or [f.stem for f in files]
    if len(labels) != len(files):
        raise InputError(f"--labels gives {len(labels)} names for {len(files)} files; give one per file")
    langs = args.lang or [None]
    if len(langs) not in (1, len(files)):
        raise InputError(
            f"--lang gives {len(langs)} languages for {len(files)} files; give one, or one per file"
        )
    langs = langs * len(files) if len(langs) == 1 else langs
    if args.samples < 1 or args.ngram < 1:
        raise InputError("--samples and --ngram must be positive")
    rows = []
    for path, label, given in zip(files, labels, langs, strict=False):
        records = _read(path, args.limit)
        if not records:
            raise InputError(f"{path}: no records")
        lang = given or _language_of(records[0])
        if lang is None:
            raise InputError(f'{path}: the records carry no "lang" field; pass --lang')
        stats = pair_stats(
            get_grammar(lang),
            records,
            label,
            samples=args.samples,
            seed=args.seed,
            tokens=args.tokens,
            max_n=args.ngram,
            oracle=not args.no_oracle,
        )
        rows.append((lang, stats))
    print(format_table(rows))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps([{"lang": lang, **s.to_json()} for lang, s in rows], indent=2) + "\n", encoding="utf-8"
        )
    if args.png:
        plot_stats(rows, Path(args.png))
        print(f"figure: {args.png}")
    return 0


def _cell(value: float | None, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{100 * value:.1f}%" if pct else f"{value:.3f}"


def format_table(rows: list[tuple[str, Any]]) -> str:
    """One line per data set; diversity is a similarity (lower = more diverse)."""
    head = (
        f"{'data':<22}{'lang':<11}{'n':>7}{'localisation':>14}{'diversity(sim)':>16}{'complexity':>12}"
        f"{'fixed toks':>12}{'fixed ok':>10}{'broken bad':>12}"
    )
    lines = [head]
    for lang, s in rows:
        lines.append(
            f"{s.label[:21]:<22}{lang:<11}{s.n:>7}{_cell(s.localisation):>14}{_cell(s.diversity):>16}"
            f"{_cell(s.complexity):>12}{_cell(s.fixed_tokens):>12}{_cell(s.fixed_valid, True):>10}"
            f"{_cell(s.broken_invalid, True):>12}"
        )
    lines.append(
        "localisation: mean token distance between edits (higher = more global); diversity: mean n-gram "
        "similarity of random fixed snippets (lower = more diverse); complexity: token edit distance"
    )
    return "\n".join(lines)


def plot_stats(rows: list[tuple[str, Any]], path: Path) -> None:
    """Figure 7: one panel per property, one bar per data set, standard errors as error bars."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on a server
    import matplotlib.pyplot as plt

    several = len({lang for lang, _ in rows}) > 1
    names = [f"{s.label} ({lang})" if several and lang not in s.label else s.label for lang, s in rows]
    panels = (
        ("localisation", "(a) Localisation\nmean distance between edits"),
        ("diversity", "(b) Diversity\nn-gram similarity (lower = more diverse)"),
        ("complexity", "(c) Complexity\ntoken edit distance"),
    )
    cmap = plt.get_cmap("tab10")
    fig, axes = plt.subplots(1, 3, figsize=(4.2 * 3, 3.8 + 0.12 * max(len(n) for n in names)))
    for ax, (key, title) in zip(axes, panels, strict=False):
        values = [getattr(s, key) for _, s in rows]
        errors = [getattr(s, key + "_se") for _, s in rows]
        ax.bar(
            range(len(rows)), values, yerr=errors, capsize=3, color=[cmap(i % 10) for i in range(len(rows))]
        )
        ax.set_xticks(range(len(rows)), names, rotation=45, ha="right", fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
