"""Races above the race sizes on code paths the race sizes already ran: the conflict probe.

The traced probe build (tools/probe_build.py) sends every load and store, the standard
library's included, through data/harness/pcg_conflicts.cpp, which reports accesses of two
threads that met on one word in one synchronization epoch, by the addresses of the two
accesses; here they are keyed by their places in the candidate's source
(tools/block_locations.py). A conflict first seen above the race sizes counts like a block
first run in a team there: the race step goes where it shows.

Traced runs cost TRACE_FACTOR x the plain one: conflicts are looked for at the largest
probed size whose traced run fits TRACE_BUDGET_S (but always up to TRACE_ALWAYS x the first
probed size) and, where new ones show, at every smaller probed size. A traced run that
fails (its time, its memory, the probe's budget, or a crash the plain build did not show)
leaves the sizes above the last traced one unlooked-for, and says so (`unchecked`).
"""

from __future__ import annotations

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

TRACE_FACTOR = 20.0  # a traced run's wall at most, x the untraced one's (measured 8-15x)
TRACE_ALWAYS = 32  # traced whatever the estimate up to this x the first probed size
TRACE_BUDGET_S = 5.0  # conflicts are looked for at the largest size whose traced run fits
BASELINE_SEEDS = (7, PROBE_SEED)  # the traced baseline's calls, at the largest race size


def traced_size(sizes: list[int], bench_wall_s: float, bench_n: int) -> int:
    """The largest of `sizes` (ascending, the last the benchmark size) whose traced run
    should take at most TRACE_BUDGET_S: TRACE_FACTOR x the untraced run there, taken as
    the benchmark size's scaled linearly; at least TRACE_ALWAYS x the smallest (a
    loaded machine's slow benchmark run must not leave the sizes just above the race
    sizes untraced)."""
    per_n = TRACE_FACTOR * max(bench_wall_s, 0.01) / bench_n
    floor = TRACE_ALWAYS * sizes[0]
    return [n for n in sizes if per_n * n <= TRACE_BUDGET_S or n <= floor][-1]


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
                     bench_wall_s: float, symbolizer: str | None) -> ConflictSearch:  # fmt: skip
    """Look for conflicts at the sizes `up` (ascending, above the largest race size `top`;
    `bench_wall_s`: the plain build's run at the benchmark size, or its limit when it
    failed)."""
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
    at = traced_size(up, bench_wall_s, build.problem.bench_size)
    runs: dict[int, PathRun] = {}
    failed: RunFailed | None = None
    seen = runner.run(builds.traced, at, traced=True)
    if isinstance(seen, PathRun):
        runs[at] = seen
    else:
        failed = seen
    # new conflicts at `at`: where they first show; its run failed: the sizes below, up to
    # the first whose traced run fails too
    if isinstance(seen, RunFailed) or places.met(seen) - base_met:
        for n in up:
            if n >= at:
                break
            more = runner.run(builds.traced, n, traced=True)
            if isinstance(more, RunFailed):
                failed = failed or more
                break
            runs[n] = more
    looked_to = max(runs, default=top)
    unchecked = None
    if failed is not None and (at not in runs or not failed.costly):
        unchecked = f"the conflict probe's run {failed}"
    return ConflictSearch({n: places.met(r) - base_met for n, r in runs.items()},
                          {n: r.team for n, r in runs.items()}, looked_to, unchecked)  # fmt: skip
