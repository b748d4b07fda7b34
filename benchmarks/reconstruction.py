"""Reconstruction by noise level from a training run's ``metrics.jsonl``: a markdown table and a PNG.

``python -m lastfix.benchmarks.reconstruction RUN_DIR [--png FILE]`` — the model issue's figure: how many
held-apart
snippets the model reconstructs exactly after noising them to 10%..90% of T.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .plots import finish, pyplot

__all__ = ["last_reconstruction", "main"]


def last_reconstruction(run_dir: Path) -> tuple[int, dict[float, float]]:
    """(step, {noise: exact rate}) of the last evaluation in ``run_dir/metrics.jsonl``."""
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines() if line.strip()]
    rows = [r for r in rows if any(k.startswith("exact@") for k in r)]
    if not rows:
        raise SystemExit(f"{run_dir}/metrics.jsonl has no evaluation yet")
    last = rows[-1]
    return int(last["step"]), {
        float(k.split("@")[1]): float(v) for k, v in last.items() if k.startswith("exact@")
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs", nargs="+", type=Path, help="training run directories")
    parser.add_argument("--png", type=Path, help="write the curves here")
    args = parser.parse_args(argv)
    curves = {run.name: last_reconstruction(run) for run in args.runs}
    levels = sorted({n for _, c in curves.values() for n in c})
    print("| run | step | " + " | ".join(f"{n:.0%} noise" for n in levels) + " |")
    print("|---|---|" + "---|" * len(levels))
    for name, (step, c) in curves.items():
        print(f"| {name} | {step} | " + " | ".join(f"{c.get(n, float('nan')):.3f}" for n in levels) + " |")
    if args.png:
        plt = pyplot()
        fig, ax = plt.subplots(figsize=(6, 4))
        for name, (step, c) in curves.items():
            xs = sorted(c)
            ax.plot(xs, [c[x] for x in xs], marker="o", label=f"{name} (step {step})")
        ax.set_ylim(0, 1.02)
        finish(fig, ax, args.png, "noise (fraction of T)", "exact reconstruction of held-apart snippets")
        print(f"wrote {args.png}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
