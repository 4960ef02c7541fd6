"""One run of a path probe build (tools/probe_build.py) and what it recorded: the blocks
that ran, those that ran in a team, the largest team and, in the traced build, the
conflicts; `ProbeRunner` runs the probe's single-call runs within one time budget."""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from parcodegen.tools.bench_reference import BENCH_SEED, bench_inputs
from parcodegen.tools.build import ProblemBuild, run_harness
from parcodegen.tools.harness import (
    CONFLICTS_KEY,
    PATHS_KEY,
    PCS_KEY,
    REGIONS_KEY,
    TEAM_KEY,
    PlannedCall,
    harness_plan,
)
from parcodegen.tools.outputs import split_calls

PROBE_RUN_S = 60.0  # one probe run's wall at most (the clang build, under load, can be slower)
PROBE_TOTAL_S = 180.0  # all probe runs of one candidate at most
PROBE_SAMPLES = 2  # output elements written per array above the race sizes (not compared)
PROBE_SEED = BENCH_SEED  # the benchmark size's input: the reference's there
TRACE_ENV = "PCG_CONFLICTS"  # "0": the probe build records no conflicts (pcg_conflicts.cpp)
REGION_BLOCK = 1 << 48  # regions' pseudo-blocks: this + where the region starts


@dataclass(frozen=True)
class PathRun:
    """One probe process: the blocks that ran, those that ran in a team, the largest team,
    and the last call's outputs (sampled above the race sizes)."""

    ran: frozenset[int]
    parallel: frozenset[int]
    team: int
    outputs: dict[str, Any] = field(repr=False, compare=False)
    wall_s: float = 0.0
    pcs: tuple[int, ...] = field(default=(), repr=False, compare=False)  # per block, its address
    # accesses of two threads that met on a word in parallel steps: (address, address) pairs
    conflicts: frozenset[tuple[int, int]] = frozenset()
    call_s: tuple[float, ...] = field(default=(), compare=False)  # each call, the launcher's


@dataclass(frozen=True)
class RunFailed:
    """Why a probe run gave nothing; `costly`: by its time or memory (or the probe's
    budget), not by itself (a crash, no paths reported)."""

    why: str
    costly: bool = False

    def __str__(self) -> str:
        return self.why

    def at(self, n: int) -> RunFailed:
        return RunFailed(f"n={n}: {self.why}", self.costly)


def _conflicts(outputs: dict[str, Any]) -> frozenset[tuple[int, int]]:
    pairs = outputs.get(CONFLICTS_KEY)
    if not isinstance(pairs, np.ndarray):
        return frozenset()
    return frozenset((int(a), int(b)) for a, b in pairs.reshape(-1, 2))


def _blocks(outputs: dict[str, Any]) -> tuple[frozenset[int], frozenset[int], int, tuple[int, ...]]:
    """(blocks that ran, blocks that ran in a team, the largest team, each block's address);
    a region that had a team counts as a pseudo-block of its own (REGION_BLOCK + where it
    starts)."""
    flags = outputs.get(PATHS_KEY)
    team = outputs.get(TEAM_KEY)
    regions = outputs.get(REGIONS_KEY)
    if not (isinstance(flags, np.ndarray) and isinstance(team, np.ndarray)
            and isinstance(regions, np.ndarray) and len(team)):  # fmt: skip
        raise ValueError("the probe build reported no paths")
    ran = frozenset(int(i) for i in np.flatnonzero(flags & 1))
    par = {int(i) for i in np.flatnonzero(flags & 2)}
    pairs = regions.reshape(-1, 2)
    par |= {REGION_BLOCK + int(start) for start, size in pairs if size > 1}
    pcs = outputs.get(PCS_KEY)
    return (
        ran,
        frozenset(par),
        int(team[0]),
        tuple(int(pc) for pc in pcs) if isinstance(pcs, np.ndarray) else (),
    )


def path_run(build: ProblemBuild, binary: Path, calls: list[PlannedCall], threads: int,
             wall_s: float, samples: int = 0, traced: bool = True,
             inputs_fd: int | None = None) -> PathRun | RunFailed:  # fmt: skip
    """Run a probe build once (all of `calls` in one process; `traced`: conflicts
    recorded, which costs 7-64x the run; `inputs_fd`: the first call's inputs, stored)."""
    first = calls[0]
    plan = harness_plan(calls, check_inputs=False) if len(calls) > 1 else None
    env = None if traced else {TRACE_ENV: "0"}
    run = run_harness(binary, seed=first.seed, n=first.n, pattern=first.pattern, threads=threads,
                      wall_s=wall_s, samples=samples, plan=plan, env=env,
                      inputs_fd=inputs_fd)  # fmt: skip
    if not run.ok or run.outputs is None:
        return RunFailed(f"the run failed: {run.error or run.result.describe()}",
                         run.result.timed_out or run.result.memory_exceeded)  # fmt: skip
    last = split_calls(run.outputs, len(calls))[-1]
    try:
        ran, par, team, pcs = _blocks(last)
    except ValueError as e:
        return RunFailed(str(e))
    return PathRun(ran, par, team, last, run.result.wall_s, pcs, _conflicts(last),
                   run.call_times)  # fmt: skip


@dataclass
class ProbeRunner:
    """Single-call probe runs above the race sizes at `threads`, the problem's first
    pattern and PROBE_SEED, all within one budget: a run at the benchmark size gets
    `bench_wall_s`, a smaller one its share of it (at least PROBE_RUN_S)."""

    build: ProblemBuild
    threads: int
    bench_wall_s: float
    started: float = field(default_factory=time.monotonic)

    @property
    def total_s(self) -> float:
        return PROBE_TOTAL_S + 2 * max(0.0, self.bench_wall_s - PROBE_RUN_S)

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def run(self, binary: Path, n: int, samples: int = PROBE_SAMPLES, traced: bool = False,
            wall_s: float | None = None) -> PathRun | RunFailed:  # fmt: skip
        """One call at n (`wall_s`: a limit of the caller's, else the run's share of the
        benchmark run's)."""
        left = self.total_s - self.elapsed_s
        if left <= 1.0:
            return RunFailed(f"probe budget ({self.total_s:.0f}s) spent before n={n}", True)
        problem = self.build.problem
        call = PlannedCall(PROBE_SEED, n, problem.patterns[0], self.threads)
        bench_n = problem.bench_size
        limit = (wall_s if wall_s is not None else self.bench_wall_s if n == bench_n
                 else max(PROBE_RUN_S, self.bench_wall_s * n / bench_n))  # fmt: skip
        # the benchmark size's inputs are the reference's there, made once
        with bench_inputs(self.build) if n == bench_n else nullcontext() as inputs_fd:
            got = path_run(self.build, binary, [call], self.threads, min(limit, left), samples,
                           traced, inputs_fd)  # fmt: skip
        return got.at(n) if isinstance(got, RunFailed) else got
