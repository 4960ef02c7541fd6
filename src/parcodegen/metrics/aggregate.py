"""From stored samples to per-problem and per-run metrics.

A `Sample` is what a metric needs from one stored generation: which problem, its verdict
status and (when timed) its speedup. Two views of speedup are reported:

- "user" (what a user gets): every sample counts; a failed sample counts as the original
  code, speedup 1.0. A passing sample counts with its measured speedup (even below 1).
- "correct" (correct samples only): failed samples are left out; K is drawn from the c
  correct ones, and a problem with fewer than K correct samples is not reported at that K.

Samples with status infra_error are the harness's fault, not the model's: they are left
out of n entirely (and counted separately so a report can show them).
K > n: not reported (None) for that problem; a run-level average is taken over the
problems that report it, and says how many did.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from parcodegen.metrics.estimators import (
    average_speedup_at_k,
    best_speedup_at_k,
    efficiency,
    geometric_mean,
    mean,
    pass_at_k,
)
from parcodegen.types import Status

# A sample "builds" when it got past the compile and interface steps.
NOT_BUILT = frozenset({Status.NO_CODE, Status.COMPILE_ERROR, Status.INTERFACE_MISMATCH})
VIEWS = ("user", "correct")


@dataclass(frozen=True)
class Sample:
    problem_id: str
    status: Status
    speedup: float | None = None  # measured speedup when the sample passed and was timed
    category: str = ""
    threads: int = 0
    index: int = 0  # sample number within the problem
    parallel: bool = False  # passed and parallel (OpenMP/threads in live code, used at run time)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS

    @property
    def built(self) -> bool:
        return self.status not in NOT_BUILT


def view_speedups(samples: Sequence[Sample], view: str) -> list[float] | None:
    """The speedups a view draws K from; None when a needed timing is missing."""
    if view not in VIEWS:
        raise ValueError(f"unknown view '{view}' (known: {', '.join(VIEWS)})")
    out: list[float] = []
    for s in samples:
        if s.status is Status.INFRA_ERROR:
            continue
        if s.passed:
            if s.speedup is None:
                return None
            out.append(s.speedup)
        elif view == "user":
            out.append(1.0)
    return out


@dataclass(frozen=True)
class ProblemMetrics:
    problem_id: str
    category: str
    n: int  # samples counted (infra errors excluded)
    built: int
    correct: int
    infra_errors: int
    statuses: dict[str, int]
    threads: int
    # metric name -> k -> value (None = not reported)
    at_k: dict[str, dict[int, float | None]] = field(default_factory=dict)


def problem_metrics(samples: Sequence[Sample], ks: Sequence[int]) -> ProblemMetrics:
    if not samples:
        raise ValueError("no samples")
    counted = [s for s in samples if s.status is not Status.INFRA_ERROR]
    n, built = len(counted), sum(s.built for s in counted)
    correct = sum(s.passed for s in counted)
    correct_parallel = sum(s.passed and s.parallel for s in counted)
    threads = max((s.threads for s in samples), default=0)
    at_k: dict[str, dict[int, float | None]] = defaultdict(dict)
    for k in ks:
        at_k["pass"][k] = pass_at_k(n, correct, k) if n else None
        at_k["pass_parallel"][k] = pass_at_k(n, correct_parallel, k) if n else None
        at_k["build"][k] = pass_at_k(n, built, k) if n else None
    for view in VIEWS:
        values = view_speedups(samples, view)
        for k in ks:
            avg = average_speedup_at_k(values, k) if values else None
            best = best_speedup_at_k(values, k) if values else None
            at_k[f"avg_speedup_{view}"][k] = avg
            at_k[f"best_speedup_{view}"][k] = best
            at_k[f"best_efficiency_{view}"][k] = efficiency(best, threads) if threads > 0 else None
    return ProblemMetrics(
        problem_id=samples[0].problem_id,
        category=samples[0].category,
        n=n,
        built=built,
        correct=correct,
        infra_errors=len(samples) - n,
        statuses=dict(Counter(s.status.value for s in samples)),
        threads=threads,
        at_k=dict(at_k),
    )


def group_by_problem(samples: Iterable[Sample]) -> dict[str, list[Sample]]:
    groups: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        groups[s.problem_id].append(s)
    return {pid: sorted(g, key=lambda s: s.index) for pid, g in sorted(groups.items())}


@dataclass(frozen=True)
class Summary:
    """Run-level metrics: each value averaged over the problems that report it."""

    problems: int
    samples: int
    statuses: dict[str, int]
    # metric -> k -> (arithmetic mean over problems, problems reporting)
    at_k: dict[str, dict[int, tuple[float | None, int]]]
    geomean: dict[str, dict[int, float | None]]  # speedup metrics only


def summarize(per_problem: Sequence[ProblemMetrics], ks: Sequence[int]) -> Summary:
    statuses: Counter[str] = Counter()
    for pm in per_problem:
        statuses.update(pm.statuses)
    names = sorted({name for pm in per_problem for name in pm.at_k})
    at_k: dict[str, dict[int, tuple[float | None, int]]] = {}
    geo: dict[str, dict[int, float | None]] = {}
    for name in names:
        at_k[name], geo[name] = {}, {}
        for k in ks:
            vals = [v for pm in per_problem if (v := pm.at_k[name].get(k)) is not None]
            at_k[name][k] = (mean(vals), len(vals))
            positive = [v for v in vals if v > 0]
            geo[name][k] = (
                geometric_mean(positive)
                if "speedup" in name and positive and len(positive) == len(vals)
                else None
            )
    return Summary(
        problems=len(per_problem),
        samples=sum(pm.n + pm.infra_errors for pm in per_problem),
        statuses=dict(statuses),
        at_k=at_k,
        geomean=geo,
    )


def score(samples: Iterable[Sample], ks: Sequence[int]) -> tuple[list[ProblemMetrics], Summary]:
    """Per-problem metrics and their run-level summary, from samples alone."""
    per_problem = [problem_metrics(g, ks) for g in group_by_problem(samples).values()]
    return per_problem, summarize(per_problem, ks)


def by_category(per_problem: Sequence[ProblemMetrics], ks: Sequence[int]) -> dict[str, Summary]:
    groups: dict[str, list[ProblemMetrics]] = defaultdict(list)
    for pm in per_problem:
        groups[pm.category or "uncategorized"].append(pm)
    return {cat: summarize(g, ks) for cat, g in sorted(groups.items())}
