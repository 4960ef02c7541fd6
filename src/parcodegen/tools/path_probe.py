"""Which code of a candidate runs, and runs in a team, only above the race-checked sizes?

The race step runs the candidate at small sizes (and above the literals it compares
against). Code whose parallel path is chosen at run time from a computed threshold
(`if (n > omp_get_max_threads() * 8192)`, `#pragma omp parallel if(n / 64 > L)`, a
static table), maybe in only one of several regions, or whose region takes another branch
at large n, runs unchecked at the benchmark size. The path probe finds it:

- a probe build (tools/probe_build.py): the candidate compiled by the race toolchain's
  clang++ -O2 with `-fsanitize-coverage=inline-bool-flag,pc-table` (one byte per edge,
  set when it runs; the standard library's own functions left out) and linked with a
  small runtime (data/harness/pcg_paths.cpp): an OMPT tool that records which blocks ran while an
  OpenMP team of more than one thread was active, and every region's largest team (a
  nested region's team is its own); blocks are compared by their place in the
  candidate's source (tools/block_locations.py), so a compiler-made retry of an atomic
  or an inlined library path is the statement that ran, when everything the block does
  to memory is seen by the conflict probe (tools/block_calls.py);
- a traced build of the same source (the conflict probe, tools/conflict_probe.py): every
  load and store, the standard library's included, goes through
  data/harness/pcg_conflicts.cpp, which reports accesses of two threads that met on one
  word in steps that may run in parallel, keyed by their places: a conflict first seen
  above the race sizes counts like a block first run in a team there (the same code
  racing on other addresses at large n);
- a baseline: one process calling it at every race size, thread count and pattern the
  race step ran: the blocks that ran there, and those that ran in a team, were
  race-checked;
- the benchmark size at PROBE_THREADS threads (the timed build's default team on the CI
  machine): when no block runs there that did not run in the baseline (in a team, where
  it runs in one), nothing is new and the probe ends;
- otherwise doubling sizes from the largest race size up to the benchmark size (every size
  when there are few: n may be a log2), recording at each the blocks that ran in a team
  and in no baseline team; `cover_sizes` picks the few sizes (the race step's budget
  allowing) at which every such block runs in a team: the race step runs there.

Code with threads of its own (std::thread, pthreads) has no OMPT team: every block of it
counts as parallel; the conflict probe sees its threads (tasks of their creators, which
pthread_join waits for). What it cannot see: a race on the same code paths that the
conflict probe does not record (a read among three or more parallel ones that the word's
shadow dropped, a pair hidden by a false conflict of the same two places at the race
sizes, as hand-overs by futures, condition variables or flags make; above the size its
traced run affords:
`conflicts_to`, named unchecked when a traced run failed below the size it should have
reached), code that runs
only between two probed sizes, threads beyond PROBE_THREADS (the timing step names a
bench-size team that no checked run had), and a run the budget cuts short (the step then
names the sizes above it unchecked).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace

from parcodegen.tools.block_calls import objdump_for, opaque_blocks
from parcodegen.tools.block_locations import block_locations
from parcodegen.tools.build import ProblemBuild, candidate_name
from parcodegen.tools.conflict_probe import search_conflicts
from parcodegen.tools.harness import PlannedCall
from parcodegen.tools.probe_build import ProbeBuilds
from parcodegen.tools.probe_run import (
    PROBE_RUN_S,
    PROBE_SAMPLES,
    PathRun,
    ProbeRunner,
    RunFailed,
    path_run,
)

PROBE_THREADS = 2
STEP_ALL = 32  # probe every size up to the benchmark size when there are at most this many


@dataclass(frozen=True)
class BlockKeys:
    """How the probe compares blocks: by their place in the candidate's source where it is
    known (a CAS retry of an atomic, inlined library code: the statement that ran) and the
    conflict probe sees all they do to memory, else by index. With threads of the
    candidate's own every block that ran counts as parallel."""

    places: dict[int, Hashable]
    own_threads: bool

    def keyed(self, blocks: frozenset[int]) -> frozenset[Hashable]:
        return frozenset(("at", self.places[b]) if b in self.places else b for b in blocks)

    def ran(self, r: PathRun) -> frozenset[Hashable]:
        return self.keyed(r.ran)

    def parallel(self, r: PathRun) -> frozenset[Hashable]:
        return self.keyed(r.ran if self.own_threads else r.parallel)


@dataclass(frozen=True)
class PathProbe:
    baseline_calls: int
    baseline_blocks: int  # blocks that ran in the baseline (race-checked sizes)
    baseline_team: int  # the largest team there
    sizes: tuple[int, ...]  # probed above the race sizes, ascending
    threads_seen: tuple[int, ...]  # the largest team per probed size
    new_blocks: tuple[int, ...]  # per probed size: blocks that ran there, none in the baseline
    new_parallel: tuple[int, ...]  # ... that ran there in a team, not in a baseline team
    stopped: str | None  # why the probe ended below the benchmark size
    bench: PathRun | None = field(default=None, repr=False, compare=False)
    bench_new_blocks: int = 0  # blocks that ran at the benchmark size, none in the baseline
    threads: int = PROBE_THREADS
    seconds: float = 0.0
    # per probed size: the blocks that ran there in a team and in no baseline team, and the
    # conflicts met there and in no baseline run
    new_parallel_at: dict[int, frozenset[Hashable]] = field(default_factory=dict, repr=False,
                                                            compare=False)  # fmt: skip
    keys: BlockKeys | None = field(default=None, repr=False, compare=False)
    baseline_parallel: frozenset[Hashable] = field(default=frozenset(), repr=False,
                                                   compare=False)  # fmt: skip
    conflicts_to: int = 0  # conflicts were looked for up to this size (traced runs)
    conflicts_unchecked: str | None = None  # why not as far as they should have been
    # blocks a rerun of the baseline (another seed) ran in a team: covered there too
    baseline_rerun_parallel: set[Hashable] = field(default_factory=set, repr=False,
                                                   compare=False)  # fmt: skip

    @property
    def parallel_from(self) -> int | None:
        """The smallest probed size with a team, when the baseline had none."""
        if self.baseline_team > 1:
            return None
        return next((n for n, t in zip(self.sizes, self.threads_seen, strict=True) if t > 1),
                    None)  # fmt: skip

    def new_parallel_of(self, r: PathRun) -> frozenset[Hashable]:
        """A further run's blocks that ran in a team and in no baseline team."""
        if self.keys is None:
            return frozenset()
        return self.keys.parallel(r) - self.baseline_parallel - self.baseline_rerun_parallel

    def to_dict(self) -> dict[str, object]:
        return {"baseline_calls": self.baseline_calls, "baseline_blocks": self.baseline_blocks,
                "baseline_team": self.baseline_team, "sizes": list(self.sizes),
                "threads_seen": list(self.threads_seen), "new_blocks": list(self.new_blocks),
                "new_parallel": list(self.new_parallel),
                "bench_new_blocks": self.bench_new_blocks,
                "parallel_from": self.parallel_from, "stopped": self.stopped,
                "threads": self.threads, "conflicts_to": self.conflicts_to,
                "conflicts_unchecked": self.conflicts_unchecked,
                "seconds": round(self.seconds, 3)}  # fmt: skip


RERUN_CALLS = 4  # calls per rerun at an affordable size: a rare path has more chances


def probe_sizes(start: int, stop: int) -> list[int]:
    """2 start, 4 start, ... and stop itself (above start); every size when there are at
    most STEP_ALL of them (a problem whose n is a log2: 11 -> 22 would skip 12..21)."""
    if stop - start <= STEP_ALL:
        return list(range(start + 1, stop + 1))
    sizes = []
    n = start
    while n < stop:
        n = min(2 * n, stop)
        sizes.append(n)
    return sizes


def _block_keys(builds: ProbeBuilds, base: PathRun, name: str, symbolizer: str | None,
                own_threads: bool) -> BlockKeys:  # fmt: skip
    locs = block_locations(builds.plain, base.pcs, name, symbolizer)
    opaque = opaque_blocks(builds.plain, base.pcs, objdump_for())
    return BlockKeys({b: loc for b, loc in locs.items() if opaque is not None and b not in opaque},
                     own_threads)  # fmt: skip


def probe_paths(build: ProblemBuild, builds: ProbeBuilds, baseline: list[PlannedCall],
                own_threads: bool, bench_wall_s: float = PROBE_RUN_S,
                symbolizer: str | None = None, bench_samples: int = PROBE_SAMPLES,
                threads: int = PROBE_THREADS) -> PathProbe | str:  # fmt: skip
    """Probe from the race sizes (`baseline`: the calls the race step made) up to the
    benchmark size (a run there within `bench_wall_s` writing `bench_samples` elements of
    each output, for a caller that compares them; smaller sizes within PROBE_RUN_S); a
    string says why no baseline could be taken."""
    runner = ProbeRunner(build, threads, bench_wall_s)
    most = max(c.threads for c in baseline)
    base = path_run(build, builds.plain, baseline, most, PROBE_RUN_S, traced=False)
    if isinstance(base, RunFailed):
        return f"the probe build at the race sizes: {base}"
    keys = _block_keys(builds, base, candidate_name(build.problem), symbolizer, own_threads)
    base_ran, base_par = keys.ran(base), keys.parallel(base)
    bench_n = build.problem.bench_size
    top = max(c.n for c in baseline)
    up = probe_sizes(top, bench_n) if bench_n > top else []
    stopped: str | None = None
    runs: dict[int, PathRun] = {}  # the plain build's
    first = runner.run(builds.plain, bench_n, bench_samples) if up else None
    if isinstance(first, RunFailed):
        stopped = str(first)
    elif (
        first is not None
        and not (keys.ran(first) - base_ran)
        and not (keys.parallel(first) - base_par)
    ):
        runs[bench_n] = first  # nothing runs there that did not run, checked, before
    elif first is not None:
        for n in up:
            got = first if n == bench_n else runner.run(builds.plain, n)
            if isinstance(got, RunFailed):
                stopped = str(got)
                break
            runs[n] = got
    # the plain build's call at the largest race size, at the runner's threads where it ran
    at_top = [(c.threads != threads, t) for c, t in zip(baseline, base.call_s, strict=False)
              if c.n == top]  # fmt: skip
    met = search_conflicts(runner, builds, top, up,
                           min(at_top, default=(False, 0.0))[1],
                           first if isinstance(first, PathRun) else None, symbolizer)  # fmt: skip
    sizes = sorted(runs.keys() | met.new_at.keys())
    new_par = {n: (keys.parallel(runs[n]) - base_par if n in runs else frozenset())
               | met.new_at.get(n, frozenset()) for n in sizes}  # fmt: skip
    team = {n: max(runs[n].team if n in runs else 0, met.team_at.get(n, 0)) for n in sizes}
    bench = runs.get(bench_n)
    return PathProbe(len(baseline), len(base_ran), base.team, tuple(sizes),
                     tuple(team[n] for n in sizes),
                     tuple(len(keys.ran(runs[n]) - base_ran) if n in runs else 0 for n in sizes),
                     tuple(len(new_par[n]) for n in sizes), stopped, bench,
                     len(keys.ran(bench) - base_ran) if bench else 0, threads,
                     runner.elapsed_s, new_par, keys, base_par, met.looked_to,
                     met.unchecked)  # fmt: skip


def rerun(build: ProblemBuild, builds: ProbeBuilds, probe: PathProbe, n: int, seed: int) -> bool:
    """One more probe run at the probed size n, RERUN_CALLS calls with other seeds: what
    ran there in a team joins `probe.new_parallel_at[n]`. Code that runs only when threads
    collide (an atomic's failed compare-and-swap in a lock-free claim) or by chance (a
    randomized quicksort's rare path) ran at the benchmark size and in some runs at a
    smaller one; more calls there may show it. False: the run failed."""
    if probe.keys is None or n not in probe.new_parallel_at:
        return False
    calls = [PlannedCall(seed + 1000 * j, n, build.problem.patterns[0], probe.threads)
             for j in range(RERUN_CALLS)]  # fmt: skip
    got = path_run(build, builds.plain, calls, probe.threads, PROBE_RUN_S, PROBE_SAMPLES,
                   traced=False)  # fmt: skip
    if isinstance(got, RunFailed):
        return False
    probe.new_parallel_at[n] = probe.new_parallel_at[n] | probe.new_parallel_of(got)
    return True


def rerun_baseline(build: ProblemBuild, builds: ProbeBuilds, probe: PathProbe,
                   baseline: list[PlannedCall], seed: int) -> bool:  # fmt: skip
    """The baseline's calls once more with other seeds: what ran there in a team leaves
    `probe.new_parallel_at`, as it would have had it run in the first baseline. A lock-free
    claim's failed compare-and-swap runs when threads collide: in most runs at the race
    sizes, now and then only at a large n, where the race step cannot go (on a loaded
    machine, where a team's threads run side by side less). False: the run failed."""
    if probe.keys is None or not baseline:
        return False
    calls = [replace(c, seed=seed + c.seed) for c in baseline]
    got = path_run(build, builds.plain, calls, max(c.threads for c in baseline), PROBE_RUN_S,
                   traced=False)  # fmt: skip
    if isinstance(got, RunFailed):
        return False
    seen = probe.keys.parallel(got)
    probe.baseline_rerun_parallel.update(seen)
    for n, blocks in probe.new_parallel_at.items():
        probe.new_parallel_at[n] = blocks - seen
    return True


def cover_sizes(probe: PathProbe, affordable: Callable[[int], bool],
                limit: int) -> tuple[tuple[int, ...], tuple[int, ...]]:  # fmt: skip
    """Sizes to race-check so that every block that ran in a team above the race sizes
    runs in a team in one of them: greedily the affordable size covering most of what is
    left (the smaller on a tie), at most `limit`. Returns (chosen, ascending; the sizes
    where blocks no chosen size covers first ran in a team)."""
    left: set[Hashable] = set()
    for blocks in probe.new_parallel_at.values():
        left |= blocks
    growth = [n for n in probe.sizes if probe.new_parallel_at[n]]
    usable: list[int] = []
    for n in growth:  # ascending: the reference's time grows with n
        if not affordable(n):
            break
        usable.append(n)
    chosen: list[int] = []
    while left and usable and len(chosen) < limit:
        best = max(usable, key=lambda n: (len(probe.new_parallel_at[n] & left), -n))
        if not probe.new_parallel_at[best] & left:
            break
        chosen.append(best)
        left -= probe.new_parallel_at[best]
        usable.remove(best)
    missed = {min(n for n in growth if b in probe.new_parallel_at[n]) for b in left}
    return tuple(sorted(chosen)), tuple(sorted(missed))
