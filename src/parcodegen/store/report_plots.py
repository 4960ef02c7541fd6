"""Report plots (matplotlib, Agg backend): PNG bytes from scored runs, no display needed."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    _pyplot().close(fig)
    return buf.getvalue()


def speedup_distribution(scores: Sequence[Any]) -> bytes | None:
    """Box plot of the measured speedups of passing samples, one box per run."""
    data, labels = [], []
    for r in scores:
        vals = [s.speedup for s in r.samples if s.passed and s.speedup is not None]
        if vals:
            data.append(vals)
            labels.append(f"{r.label['strategy']}/{r.label['model']}")
    if not data:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(4, 1.6 * len(data)), 3.5))
    ax.boxplot(data)
    ax.set_xticks(range(1, len(labels) + 1), labels, rotation=20, ha="right")
    ax.axhline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_ylabel("speedup of passing samples")
    ax.set_title("Speedup distribution")
    return _png(fig)


def best_vs_k(scores: Sequence[Any], ks: Sequence[int]) -> bytes | None:
    """Best speedup@K against K: solid = user view, dashed = correct samples only."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    drew = False
    for r in scores:
        label = f"{r.label['strategy']}/{r.label['model']}"
        for view, style in (("user", "-"), ("correct", "--")):
            pts = [(k, r.summary.at_k.get(f"best_speedup_{view}", {}).get(k, (None, 0))[0])
                   for k in ks]  # fmt: skip
            pts = [(k, v) for k, v in pts if v is not None]
            if pts:
                drew = True
                ax.plot([k for k, _ in pts], [v for _, v in pts], style, marker="o",
                        label=f"{label} ({view})")  # fmt: skip
    if not drew:
        plt.close(fig)
        return None
    ax.set_xscale("log")
    ax.set_xticks(list(ks), [str(k) for k in ks])
    ax.minorticks_off()
    ax.set_xlabel("K")
    ax.set_ylabel("best speedup@K")
    ax.legend(fontsize=7)
    ax.set_title("Best speedup against K")
    return _png(fig)


def all_plots(scores: Sequence[Any], ks: Sequence[int]) -> dict[str, bytes]:
    out = {}
    for name, png in (("speedup_distribution", speedup_distribution(scores)),
                      ("best_speedup_vs_k", best_vs_k(scores, ks))):  # fmt: skip
        if png is not None:
            out[name] = png
    return out


def b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")
