"""Thread scaling: the candidate timed against the reference at 1, 2, ... cores threads.

Every thread count is a full measurement (interleaved pairs, interval, load; see
timing.py). Per count: the speedup over the serial reference with its interval, the
candidate's own scaling (its time at 1 thread over its time at t threads) and the
parallel efficiency (scaling / t).
"""

from __future__ import annotations

import time
from pathlib import Path

from parcodegen import machine
from parcodegen.tools.build import ProblemBuild
from parcodegen.tools.timing import TimingPlan, measure
from parcodegen.types import Measurement, ScalingPoint, StepResult


def thread_counts(limit: int | None = None) -> tuple[int, ...]:
    """1 .. the usable CPUs (or `limit`)."""
    return tuple(range(1, max(1, limit or machine.usable_cpus()) + 1))


def scaling_points(by_threads: dict[int, Measurement]) -> list[ScalingPoint]:
    """Speedup, scaling and efficiency per thread count (scaling needs the 1-thread run)."""
    one = by_threads.get(1)
    out = []
    for t, m in sorted(by_threads.items()):
        scale = one.candidate_mean / m.candidate_mean if one and m.candidate_mean > 0 else 0.0
        out.append(ScalingPoint(t, m.speedup, m.lower, m.upper, m.candidate_mean, scale,
                                scale / t if t else 0.0, m.call.value if m.call else ""))  # fmt: skip
    return out


def measure_scaling(build: ProblemBuild, binary: Path, plan: TimingPlan = TimingPlan(),
                    counts: tuple[int, ...] | None = None,
                    known: dict[int, Measurement] | None = None) -> StepResult:  # fmt: skip
    """Time `binary` at every thread count (reusing `known` measurements)."""
    start = time.monotonic()
    found: dict[int, Measurement] = dict(known or {})
    log = []
    for t in counts or thread_counts():
        if t in found:
            continue
        step, m = measure(build, binary, threads=t, plan=plan)
        log.append(f"{t} threads: {step.message.splitlines()[0] if step.message else ''}")
        if m is None:
            return StepResult("scaling", False, step.status, f"at {t} threads: {step.message}",
                              "\n".join(log + [step.log]), time.monotonic() - start)  # fmt: skip
        found[t] = m
    points = scaling_points(found)
    lines = ["threads  speedup  interval        scaling  efficiency"]
    for p in points:
        iv = f"[{p.low:.2f}, {p.high:.2f}]" if p.low is not None and p.high is not None else "-"
        lines.append(
            f"{p.threads:7d}  {p.speedup:6.2f}x  {iv:14s}  {p.scaling:6.2f}x  {p.efficiency:9.0%}"
        )
    return StepResult("scaling", True, None, "\n".join(lines), "\n".join(log),
                      time.monotonic() - start, data={"points": [p.to_dict() for p in points]})  # fmt: skip
