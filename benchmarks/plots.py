"""The paper's figures from a bench report: accuracy by noise (fig. 5), noise band by error size (fig. 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lastfix.grammars.errors import InputError

__all__ = ["pyplot", "finish", "plot_noise_curve", "plot_noise_band"]


def pyplot() -> Any:
    """matplotlib.pyplot on the file-only Agg backend; InputError naming the extra when it is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display on a server or in CI
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("--plots needs matplotlib: pip install 'lastfix[train]' (or matplotlib)") from None
    return plt


def finish(fig: Any, ax: Any, out: str | Path, xlabel: str, ylabel: str, title: str | None = None) -> Path:
    """Label the axes, add the legend and a light grid, write the PNG (its folder made), close the figure."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    pyplot().close(fig)
    return path


def _blocks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(report["engines"]) if "engines" in report else {str(report.get("engine", "?")): report}


def plot_noise_curve(report: dict[str, Any], out: str | Path, metric: str = "sketch@1") -> Path | None:
    """Fig. 5: ``metric`` at each injected noise level, per engine, with each engine's best level marked."""
    curves = {name: b["by_noise"] for name, b in _blocks(report).items() if b.get("by_noise")}
    if not curves:
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name, by_noise in curves.items():
        levels = sorted(by_noise, key=float)
        ys = [by_noise[lv][metric] for lv in levels]
        xs = [float(lv) for lv in levels]
        ax.plot(xs, ys, marker="o", label=name)
        best = max(range(len(ys)), key=lambda i: ys[i])
        ax.scatter([xs[best]], [ys[best]], s=120, facecolors="none", edgecolors="black")
    title = f"{report['lang']}: repair accuracy by noise level (n={report['n']})"
    return finish(fig, ax, out, "noise injected (fraction of T)", metric, title)


def plot_noise_band(report: dict[str, Any], out: str | Path) -> Path | None:
    """Fig. 6: min and max noise level that produced the right sketch, by token edit distance of the fix."""
    bands = {name: b["noise_band"] for name, b in _blocks(report).items() if b.get("noise_band")}
    if not bands:
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name, band in bands.items():
        rows = [r for r in band if r["min"] is not None]
        if not rows:
            continue
        xs = list(range(len(rows)))
        ax.fill_between(xs, [r["min"] for r in rows], [r["max"] for r in rows], alpha=0.3, label=name)
        ax.set_xticks(xs, [r["size"] for r in rows])
    ax.set_ylim(0, 1)
    title = f"{report['lang']}: noise band by error size"
    return finish(fig, ax, out, "token edit distance broken -> fixed", "noise level that repaired", title)
