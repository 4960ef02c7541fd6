"""Races above the race sizes on code paths the race sizes already ran: the conflict probe.

The traced probe build (tools/probe_build.py) sends every load and store, the standard
library's included, through data/harness/pcg_conflicts.cpp, which reports accesses of two
threads that met on one word in steps that may run in parallel, by the addresses of the two
accesses; here they are keyed by their places in the candidate's source
(tools/block_locations.py). A conflict first seen above the race sizes counts like a block
first run in a team there: the race step goes where it shows.

Traced runs cost 7-64x the plain build's, the most for code that is all loads and stores:
conflicts are looked for at the largest probed size whose traced call should fit
TRACE_BUDGET_S (`TraceCost`: the traced baseline's call at the largest race size, grown as
the plain build's calls grow from there to the benchmark size; at least the first probed
size), then at each larger probed size up to CLIMB_TO x the largest race size while the
last traced call, grown to it, still fits (the first estimate rests on a call of a
millisecond, which a loaded machine inflates many times), and, where new ones show at the
first, at every smaller probed size. A traced run that fails (its time, its memory, the
probe's budget) falls back to the smaller sizes: what they reach is
the coverage (`conflicts_to`), and below TRACE_LEAST probed sizes, or after a crash the
plain build did not show, the sizes above are named unlooked-for (`unchecked`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field

from parcodegen.tools.block_locations import block_locations
from parcodegen.tools.build import candidate_name
from parcodegen.tools.harness import PlannedCall
from parcodegen.tools.probe_build import ProbeBuilds
from parcodegen.tools.probe_run import (
    PROBE_RUN_S,
    PROBE_SEED,
    PathRun,
    ProbeRunner,
    RunFailed,
    path_run,
)

TRACE_BUDGET_S = 0.5  # conflicts are looked for at the largest size whose traced call fits
TRACE_FACTOR = 40.0  # a traced call, x the plain one's (one run each: 7x a reduction, 64x a blur)
TRACE_MEASURED_S = 0.005  # a traced baseline call this long is work, not the team's start
TRACE_MARGIN = 10.0  # a traced run's limit: this x its call's estimate, plus the rest
TRACE_MIN_WALL_S = 10.0  # ... and never less than this (a loaded machine)
TRACE_LEAST = 2  # probed sizes a traced run must reach (4x the largest race size)
CLIMB_BUDGET_S = 0.5  # the traced runs above the first estimate's size, their walls in all
CLIMB_TO = 64  # ... and up to this x the largest race size (beyond, the estimate stands)
BASELINE_SEEDS = (7, PROBE_SEED)  # the traced baseline's calls, at the largest race size


@dataclass(frozen=True)
class TraceCost:
    """What a traced run at n should cost: its call, the traced baseline's call at the
    largest race size `top` grown as n ** `growth` (the plain build's calls' growth from
    `top` to the benchmark size, 1..3) or, when that call is short (mostly the team's start,
    which tracing does not slow: it underestimated a stencil 10x), the larger of it and
    TRACE_FACTOR x the plain build's call at the benchmark size, shrunk as n ** `growth`;
    and the rest of the run (making the inputs: the plain benchmark run's, in proportion)."""

    top: int
    traced_top_s: float
    growth: float
    bench_n: int
    plain_bench_s: float
    outside_bench_s: float

    @staticmethod
    def of(top: int, traced_top_s: float, plain_top_s: float, bench_n: int,
           plain_bench: PathRun | None) -> TraceCost:  # fmt: skip
        growth, call, outside = 1.0, 0.0, 0.0
        if plain_bench is not None and plain_bench.call_s:
            call = sum(plain_bench.call_s)
            outside = max(0.0, plain_bench.wall_s - call)
            if plain_top_s > 0 and bench_n > top:
                growth = math.log(max(call, plain_top_s) / plain_top_s) / math.log(bench_n / top)
        return TraceCost(top, traced_top_s, min(3.0, max(1.0, growth)), bench_n, call, outside)

    def call_s(self, n: int) -> float:
        grown = self.traced_top_s * (n / self.top) ** self.growth
        if self.traced_top_s >= TRACE_MEASURED_S:
            return grown
        return max(grown, TRACE_FACTOR * self.plain_bench_s * (n / self.bench_n) ** self.growth)

    def wall_s(self, n: int, call_s: float | None = None) -> float:
        """A traced run's limit at n (`call_s`: its call's estimate, else `call_s(n)`)."""
        call = self.call_s(n) if call_s is None else call_s
        return max(TRACE_MIN_WALL_S, TRACE_MARGIN * call + self.outside_bench_s * n / self.bench_n)

    def grown_s(self, n: int, measured_s: float, to: int) -> float:
        """A traced call measured at n (`measured_s`) grown to the size `to`."""
        return measured_s * (to / n) ** self.growth

    def size(self, sizes: list[int]) -> int:
        """The largest of `sizes` (ascending) whose traced call should fit TRACE_BUDGET_S,
        at least the smallest."""
        return max([sizes[0], *(n for n in sizes if self.call_s(n) <= TRACE_BUDGET_S)])


class ConflictPlaces:
    """A traced run's conflicts, each as the pair of places of its two accesses (their
    innermost frames in the candidate's source, or their addresses)."""

    def __init__(self, builds: ProbeBuilds, name: str, symbolizer: str | None):
        assert builds.traced is not None
        self.binary, self.name, self.symbolizer = builds.traced, name, symbolizer
        self.places: dict[int, Hashable] = {}  # a conflicting access's address -> where

    def met(self, r: PathRun) -> frozenset[Hashable]:
        new = sorted({pc for pair in r.conflicts for pc in pair} - self.places.keys())
        found = block_locations(self.binary, new, self.name, self.symbolizer)
        self.places.update({pc: found.get(k, ("pc", pc)) for k, pc in enumerate(new)})
        return frozenset(("met", *sorted((self.places[a], self.places[b]), key=repr))
                         for a, b in r.conflicts)  # fmt: skip


@dataclass(frozen=True)
class ConflictSearch:
    """Conflicts above the race sizes: per traced size, those met there and in no
    baseline run; looked for up to `looked_to`; `unchecked` says why not as far as
    they should have been (None: they were, or there was nothing above)."""

    new_at: dict[int, frozenset[Hashable]] = field(default_factory=dict)
    team_at: dict[int, int] = field(default_factory=dict)  # per traced size, its largest team
    looked_to: int = 0
    unchecked: str | None = None


def search_conflicts(runner: ProbeRunner, builds: ProbeBuilds, top: int, up: list[int],
                     plain_top_s: float, plain_bench: PathRun | None,
                     symbolizer: str | None) -> ConflictSearch:  # fmt: skip
    """Look for conflicts at the sizes `up` (ascending, above the largest race size `top`;
    `plain_top_s`: the plain build's call there, `plain_bench`: its run at the benchmark
    size, None when it failed)."""
    if not up:
        return ConflictSearch(looked_to=top)
    if builds.traced is None:
        return ConflictSearch(looked_to=top,
                              unchecked=f"no conflict probe build: {builds.traced_why}")  # fmt: skip
    build = runner.build
    places = ConflictPlaces(builds, candidate_name(build.problem), symbolizer)
    # the traced runs above are at the runner's threads and the first pattern: so is their
    # baseline, at the largest race size, twice (every race call traced cost 10 s for an
    # n^3 matmul); a pair it misses is only checked again where it shows
    pattern = build.problem.patterns[0]
    calls = [PlannedCall(seed, top, pattern, runner.threads) for seed in BASELINE_SEEDS]
    base = path_run(build, builds.traced, calls, runner.threads, PROBE_RUN_S)
    if isinstance(base, RunFailed):
        return ConflictSearch(looked_to=top,
                              unchecked=f"the conflict probe's baseline at n={top}: {base}")  # fmt: skip
    base_met = places.met(base)
    # the second call: the first also starts the team's threads
    cost = TraceCost.of(top, base.call_s[-1] if base.call_s else base.wall_s, plain_top_s,
                        build.problem.bench_size, plain_bench)  # fmt: skip
    at = cost.size(up)
    runs: dict[int, PathRun] = {}
    failed: RunFailed | None = None
    seen = runner.run(builds.traced, at, traced=True, wall_s=cost.wall_s(at))
    if isinstance(seen, PathRun):
        runs[at] = seen
        failed = _climb(runner, builds, cost, up, top, at, seen, runs)
    else:
        failed = seen
    # new conflicts at `at`: where they first show; its run failed: the sizes below, up to
    # the first whose traced run fails too
    if isinstance(seen, RunFailed) or places.met(seen) - base_met:
        for n in up:
            if n >= at:
                break
            more = runner.run(builds.traced, n, traced=True, wall_s=cost.wall_s(n))
            if isinstance(more, RunFailed):
                failed = failed or more
                break
            runs[n] = more
    looked_to = max(runs, default=top)
    # over its cost at `at` (a loaded machine, an estimate off): what the sizes below
    # reached is the coverage, named in the verdict; below TRACE_LEAST probed sizes, or a
    # crash, it is not looked for
    least = up[min(TRACE_LEAST, len(up)) - 1]
    unchecked = None
    if failed is not None and (looked_to < min(at, least) or not failed.costly):
        unchecked = f"the conflict probe's run {failed}"
    return ConflictSearch({n: places.met(r) - base_met for n, r in runs.items()},
                          {n: r.team for n, r in runs.items()}, looked_to, unchecked)  # fmt: skip


def _climb(runner: ProbeRunner, builds: ProbeBuilds, cost: TraceCost, up: list[int], top: int,
           at: int, seen: PathRun, runs: dict[int, PathRun]) -> RunFailed | None:  # fmt: skip
    """From `at` (run: `seen`), run the traced build at each larger probed size up to
    CLIMB_TO x the largest race size `top` while the last traced call, grown to it, fits
    TRACE_BUDGET_S and the runs this adds, as far as their walls grow the same way, fit
    CLIMB_BUDGET_S in all. The estimate that chose `at` rests on a call of a millisecond
    at the largest race size, which a loaded machine's scheduling inflates many times
    (with five busy loops beside it the search stopped at n=32000 or 64000 where 128000
    fit on an idle machine); the traced runs' own calls correct it, within a bounded
    cost, as far as thresholds computed at run time usually lie (`n > threads * 8192`).
    Beyond, the first estimate stands: climbing there too cost every candidate whose
    estimate is merely cautious 0.3-0.5 s. The first run that fails, or None."""
    assert builds.traced is not None
    n, last, spent = at, seen, 0.0
    for larger in (m for m in up if at < m <= CLIMB_TO * top):
        call = cost.grown_s(n, max(last.call_s, default=last.wall_s), larger)
        wall = cost.grown_s(n, last.wall_s, larger)
        if call > TRACE_BUDGET_S or spent + wall > CLIMB_BUDGET_S:
            return None
        got = runner.run(builds.traced, larger, traced=True, wall_s=cost.wall_s(larger, call))
        if isinstance(got, RunFailed):
            return got
        runs[larger] = got
        n, last, spent = larger, got, spent + got.wall_s
    return None
