"""Training curves of seq2seq runs side by side: the downstream half of paper table 4, as a PNG.

``python -m lastfix.benchmarks.training_curves RUN_DIR... [--labels L...] --png FILE`` reads each run's
``train.log`` (``step=N loss=X``, written by ``lastfix train-seq2seq``) and ``metrics.json`` (its own
held-apart accuracy), and plots the loss by step. Loss on each generator's own pairs says how hard the
data is, not how well the model repairs human errors: that is the bench's sketch@1 on the dev split.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .plots import finish, pyplot

__all__ = ["read_curve", "main"]

_LINE = re.compile(r"step=(\d+) loss=([0-9.]+)")


def read_curve(run_dir: Path) -> list[tuple[int, float]]:
    """(step, mean training loss since the previous log line) from ``run_dir/train.log``."""
    log = run_dir / "train.log"
    if not log.is_file():
        raise SystemExit(f"{log}: no training log (is {run_dir} a `lastfix train-seq2seq` run?)")
    return [(int(m[1]), float(m[2])) for m in _LINE.finditer(log.read_text(encoding="utf-8"))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="seq2seq run directories")
    parser.add_argument("--labels", nargs="+", help="one name per run (default: directory names)")
    parser.add_argument("--png", type=Path, required=True, help="write the curves here")
    args = parser.parse_args(argv)
    labels = args.labels or [r.name for r in args.runs]
    if len(labels) != len(args.runs):
        raise SystemExit("give one --labels entry per run")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    print("| run | steps | pairs/s | final loss | held-apart token acc | held-apart exact |")
    print("|---|---|---|---|---|---|")
    for run, label in zip(args.runs, labels, strict=True):
        curve = read_curve(run)
        metrics_file = run / "metrics.json"
        m = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file.is_file() else {}
        ax.plot([s for s, _ in curve], [v for _, v in curve], label=label)
        final = curve[-1][1] if curve else float("nan")
        print(
            f"| {label} | {m.get('steps', '?')} | {m.get('samples_per_s', '?')} | {final:.3f} | "
            f"{m.get('token_acc', float('nan')):.3f} | {m.get('exact', float('nan')):.3f} |"
        )
    ax.set_yscale("log")
    finish(fig, ax, args.png, "step (batch 64)", "training cross-entropy")
    print(f"wrote {args.png}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
