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


def thread_scaling(scores: Sequence[Any]) -> bytes | None:
    """Speedup over the reference and parallel efficiency against the thread count, one
    line per (run, problem) that was timed with --scaling; None when none was."""
    series = [(f"{r.run_id[:12]} {pid}", pts) for r in scores
              for pid, pts in sorted(r.extra.get("scaling", {}).items()) if pts]  # fmt: skip
    if not series:
        return None
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    for label, pts in series[:12]:
        threads = [p.threads for p in pts]
        left.plot(threads, [p.speedup for p in pts], marker="o", label=label)
        lows = [p.low if p.low is not None else p.speedup for p in pts]
        highs = [p.high if p.high is not None else p.speedup for p in pts]
        left.fill_between(threads, lows, highs, alpha=0.15)
        right.plot(threads, [p.efficiency for p in pts], marker="o", label=label)
    left.set_xlabel("threads")
    left.set_ylabel("speedup over the reference (95% interval)")
    left.axhline(1.0, color="grey", lw=0.8)
    right.set_xlabel("threads")
    right.set_ylabel("parallel efficiency (own 1-thread time / (t x time))")
    right.set_ylim(0, 1.2)
    left.legend(fontsize=7)
    left.set_title("Thread scaling")
    return _png(fig)


def all_plots(scores: Sequence[Any], ks: Sequence[int]) -> dict[str, bytes]:
    out = {}
    for name, png in (("speedup_distribution", speedup_distribution(scores)),
                      ("best_speedup_vs_k", best_vs_k(scores, ks)),
                      ("thread_scaling", thread_scaling(scores))):  # fmt: skip
        if png is not None:
            out[name] = png
    return out


def b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")
