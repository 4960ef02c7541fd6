"""Which code of a candidate runs, and runs in a team, only above the race-checked sizes?

The race step runs the candidate at small sizes (and above the literals it compares
against). Code whose parallel path is chosen at run time from a computed threshold
(`if (n > omp_get_max_threads() * 8192)`, `#pragma omp parallel if(n / 64 > L)`, a
static table), maybe in only one of several regions, or whose region takes another branch
at large n, runs unchecked at the benchmark size. The path probe finds it:

- a probe build: the candidate compiled by the race toolchain's clang++ -O2 with
  `-fsanitize-coverage=inline-bool-flag,pc-table` (one byte per edge, set when it runs;
  the standard library's own functions left out) and linked with a small runtime
  (data/harness/pcg_paths.cpp): an OMPT tool that records which blocks ran while an
  OpenMP team of more than one thread was active, and every region's largest team (a
  nested region's team is its own); blocks are compared by their place in the
  candidate's source (tools/block_locations.py), so a compiler-made retry of an atomic
  or an inlined library path is the statement that ran, when everything the block does
  to memory is seen by the conflict probe (tools/block_calls.py);
- a traced build of the same source (the conflict probe): every load and store, the
  standard library's included, goes through data/harness/pcg_conflicts.cpp, which
  reports accesses of two threads that met on one word in one synchronization epoch,
  keyed by their places: a conflict first seen above the race sizes counts like a block
  first run in a team there (the same code racing on other addresses at large n);
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
counts as parallel. What it cannot see: a race on the same code paths that the conflict
probe does not record (explicit tasks, a lock on one side, atomics, above the size its
traced run affords: `conflicts_to`), code that runs only between two probed sizes,
threads beyond PROBE_THREADS (the timing step names a bench-size team that no checked
run had), and a run the budget cuts short (the step then names the sizes above it
unchecked).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from parcodegen.paths import HARNESS_INCLUDE
from parcodegen.tools.block_calls import objdump_for, opaque_blocks
from parcodegen.tools.block_locations import block_locations
from parcodegen.tools.build import ProblemBuild, candidate_name, run_harness
from parcodegen.tools.compile import compile_object, link_binary
from parcodegen.tools.harness import (
    CONFLICTS_KEY,
    PATHS_KEY,
    PCS_KEY,
    REGIONS_KEY,
    TEAM_KEY,
    PlannedCall,
    harness_plan,
)
from parcodegen.tools.harness import harness_source
from parcodegen.tools.outputs import split_calls
from parcodegen.tools.toolchain import Toolchain

PROBE_THREADS = 2
PROBE_RUN_S = 60.0  # one probe run's wall at most (the clang build, under load, can be slower)
PROBE_TOTAL_S = 180.0  # all probe runs of one candidate at most
PROBE_SAMPLES = 2  # output elements written per array above the race sizes (not compared)
PROBE_FLAGS = ("-std=c++17", "-O2", "-fopenmp")
IGNORE_FILE = "pcg_coverage_ignore.txt"
# the standard library's own functions are not the candidate's paths (mangled std::,
# __gnu_cxx:: and __cxxabi names); what is inlined into the candidate's functions still counts
IGNORED_FUNCTIONS = ("_ZSt*", "_ZNSt*", "_ZNKSt*", "_ZN9__gnu_cxx*", "_ZNK9__gnu_cxx*",
                     "_ZN10__cxxabiv1*", "__cxa_*")  # fmt: skip
BLOCK_FLAGS = ("-fsanitize-coverage=inline-bool-flag,pc-table,no-prune", "-gline-tables-only")
COVERAGE_FLAGS = (*BLOCK_FLAGS, f"-fsanitize-coverage-ignorelist={IGNORE_FILE}")
# the traced build (conflicts) calls the runtime at every load and store, the standard
# library's code included (std::sort of overlapping ranges); no tail calls (a memcpy
# reached by a jump would report its caller's caller)
TRACED_FLAGS = (*BLOCK_FLAGS, "-fsanitize-coverage=trace-loads,trace-stores",
                "-fno-optimize-sibling-calls")  # fmt: skip
RUNTIME_SOURCES = ("pcg_paths.cpp", "pcg_conflicts.cpp")  # in HARNESS_INCLUDE
PROBE_SEED = 11  # the benchmark size's input: the same as tools/bench_reference.py's
TRACE_ENV = "PCG_CONFLICTS"  # "0": the probe build records no conflicts (pcg_conflicts.cpp)
TRACE_FACTOR = 20.0  # a traced run's wall at most, x the untraced one's (measured 8-15x)
TRACE_ALWAYS = 32  # traced whatever the estimate up to this x the first probed size
TRACE_BUDGET_S = 5.0  # conflicts are looked for at the largest size whose traced run fits
STEP_ALL = 32  # probe every size up to the benchmark size when there are at most this many
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
    # accesses of two threads that met on a word in one epoch: (address, address) pairs
    conflicts: frozenset[tuple[int, int]] = frozenset()


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
    # per probed size: the blocks that ran there in a team and in no baseline team
    new_parallel_at: dict[int, frozenset[Hashable]] = field(default_factory=dict, repr=False,
                                                            compare=False)  # fmt: skip
    # a further run's blocks that ran in a team and in no baseline team (see rerun)
    new_parallel_of: Callable[[PathRun], frozenset[Hashable]] | None = field(
        default=None, repr=False, compare=False)  # fmt: skip
    conflicts_to: int = 0  # conflicts were looked for up to this size (traced runs)
    conflicts_failed: str | None = None  # a traced run that failed other than by its cost

    @property
    def parallel_from(self) -> int | None:
        """The smallest probed size with a team, when the baseline had none."""
        if self.baseline_team > 1:
            return None
        return next((n for n, t in zip(self.sizes, self.threads_seen, strict=True) if t > 1),
                    None)  # fmt: skip

    def to_dict(self) -> dict[str, object]:
        return {"baseline_calls": self.baseline_calls, "baseline_blocks": self.baseline_blocks,
                "baseline_team": self.baseline_team, "sizes": list(self.sizes),
                "threads_seen": list(self.threads_seen), "new_blocks": list(self.new_blocks),
                "new_parallel": list(self.new_parallel),
                "bench_new_blocks": self.bench_new_blocks,
                "parallel_from": self.parallel_from, "stopped": self.stopped,
                "threads": self.threads, "conflicts_to": self.conflicts_to,
                "conflicts_failed": self.conflicts_failed,
                "seconds": round(self.seconds, 3)}  # fmt: skip


@dataclass(frozen=True)
class ProbeBuilds:
    """The probe's two builds of one candidate: `plain` records blocks (its runs are about
    as fast as the candidate's), `traced` records conflicts too (TRACE_FACTOR x slower)."""

    plain: Path
    traced: Path | None
    traced_why: str = ""  # why there is no traced build


def _link_probe(build: ProblemBuild, code: str, tc: Toolchain,
                code_flags: tuple[str, ...]) -> tuple[Path | None, str]:  # fmt: skip
    assert tc.clangxx is not None
    problem = build.problem
    # the candidate first: its copy of a template the harness also uses (std::vector's) is
    # the one the linker keeps
    parts = [
        (code, PROBE_FLAGS + code_flags + build.code_flags, candidate_name(problem)),
        (harness_source(problem, paths=True), PROBE_FLAGS + build.harness_flags, "harness.cpp"),
        *((HARNESS_INCLUDE.joinpath(r).read_text(), PROBE_FLAGS, r) for r in RUNTIME_SOURCES),
    ]
    ignore = "".join(f"fun:{f}\n" for f in IGNORED_FUNCTIONS).encode()
    headers = {**build.headers, IGNORE_FILE: ignore}
    objects: list[Path] = []
    for source, flags, name in parts:
        out = compile_object(source, headers=headers, flags=flags, compiler=tc.clangxx,
                             source_name=name)  # fmt: skip
        if not out.ok or out.path is None:
            return None, f"{name} does not compile for the path probe: {out.message[:300]}"
        objects.append(out.path)
    linked = link_binary(objects, flags=("-fopenmp",), compiler=tc.clangxx,
                         ldflags=tc.link_flags() + problem.ldflags)  # fmt: skip
    if not linked.ok or linked.path is None:
        return None, f"the path probe build does not link: {linked.message[:300]}"
    return linked.path, ""


def build_path_probe(build: ProblemBuild, code: str,
                     tc: Toolchain) -> tuple[ProbeBuilds | None, str]:  # fmt: skip
    """(the probe's builds, "") or (None, why the plain one could not be built)."""
    if tc.clangxx is None:
        return None, f"no clang++ ({tc.describe()})"
    plain, why = _link_probe(build, code, tc, COVERAGE_FLAGS)
    if plain is None:
        return None, why
    traced, traced_why = _link_probe(build, code, tc, TRACED_FLAGS)
    return ProbeBuilds(plain, traced, traced_why), ""


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
             wall_s: float, samples: int = 0, traced: bool = True) -> PathRun | str:  # fmt: skip
    """Run the probe build once (all of `calls` in one process; `traced`: conflicts
    recorded, which costs up to TRACE_FACTOR x the run); a string says why it failed."""
    first = calls[0]
    plan = harness_plan(calls, check_inputs=False) if len(calls) > 1 else None
    env = None if traced else {TRACE_ENV: "0"}
    run = run_harness(binary, seed=first.seed, n=first.n, pattern=first.pattern, threads=threads,
                      wall_s=wall_s, samples=samples, plan=plan, env=env)  # fmt: skip
    if not run.ok or run.outputs is None:
        return f"the run failed: {run.error or run.result.describe()}"
    last = split_calls(run.outputs, len(calls))[-1]
    try:
        ran, par, team, pcs = _blocks(last)
    except ValueError as e:
        return str(e)
    return PathRun(ran, par, team, last, run.result.wall_s, pcs, _conflicts(last))


def _too_costly(why: str) -> bool:
    """Did a probe run fail by its cost (time, memory, the probe's budget), not by itself?"""
    return any(w in why for w in ("timed out", "memory limit", "probe budget"))


def traced_size(sizes: list[int], bench_wall_s: float, bench_n: int) -> int | None:
    """The largest of `sizes` (ascending, the last the benchmark size) whose traced run
    should take at most TRACE_BUDGET_S: TRACE_FACTOR x the untraced run there, taken as
    the benchmark size's scaled linearly; at least TRACE_ALWAYS x the smallest (a
    loaded machine's slow benchmark run must not leave the sizes just above the race
    sizes untraced)."""
    per_n = TRACE_FACTOR * max(bench_wall_s, 0.01) / bench_n
    floor = TRACE_ALWAYS * sizes[0] if sizes else 0
    fits = [n for n in sizes if per_n * n <= TRACE_BUDGET_S or n <= floor]
    return fits[-1] if fits else None


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


def probe_paths(build: ProblemBuild, builds: ProbeBuilds, baseline: list[PlannedCall],
                own_threads: bool, bench_wall_s: float = PROBE_RUN_S,
                symbolizer: str | None = None, bench_samples: int = PROBE_SAMPLES,
                threads: int = PROBE_THREADS) -> PathProbe | str:  # fmt: skip
    """Probe from the race sizes (`baseline`: the calls the race step made) up to the
    benchmark size (a run there within `bench_wall_s` writing `bench_samples` elements of
    each output, for a caller that compares them; smaller sizes within PROBE_RUN_S); a
    string says why no baseline could be taken."""
    t0 = time.monotonic()
    name = candidate_name(build.problem)
    most = max(c.threads for c in baseline)
    base = path_run(build, builds.plain, baseline, most, PROBE_RUN_S, traced=False)
    if isinstance(base, str):
        return f"the probe build at the race sizes: {base}"
    # blocks by their place in the candidate's source where it is known (a CAS retry of an
    # atomic, inlined library code: the statement that ran) and the conflict probe sees all
    # they do to memory, else by index
    locs = block_locations(builds.plain, base.pcs, name, symbolizer)
    opaque = opaque_blocks(builds.plain, base.pcs, objdump_for())
    locs = {b: loc for b, loc in locs.items() if opaque is not None and b not in opaque}

    def keyed(blocks: frozenset[int]) -> frozenset[Hashable]:
        return frozenset(("at", locs[b]) if b in locs else b for b in blocks)

    places: dict[int, Hashable] = {}  # a conflicting access's address -> where it is

    def met(r: PathRun) -> frozenset[Hashable]:
        """A traced run's conflicts, each as the pair of places of its two accesses."""
        assert builds.traced is not None
        new = sorted({pc for pair in r.conflicts for pc in pair} - places.keys())
        found = block_locations(builds.traced, new, name, symbolizer)
        places.update({pc: found.get(k, ("pc", pc)) for k, pc in enumerate(new)})
        return frozenset(("met", *sorted((places[a], places[b]), key=repr))
                         for a, b in r.conflicts)  # fmt: skip

    def ran_of(r: PathRun) -> frozenset[Hashable]:
        return keyed(r.ran)

    def par_of(r: PathRun) -> frozenset[Hashable]:
        return keyed(r.ran if own_threads else r.parallel)

    base_ran, base_par = ran_of(base), par_of(base)
    base_met: frozenset[Hashable] = frozenset()
    traced_base = None
    # threads of the candidate's own synchronize by join, futures and mutexes, which no
    # epoch sees: their conflicts would be every hand-over; not looked for
    if builds.traced is not None and not own_threads:
        # the traced runs above are at `threads` and the first pattern: so is their
        # baseline, at the largest race size, twice (every race call traced cost 10 s for
        # an n^3 matmul); a pair it misses is only checked again where it shows
        top_n = max(c.n for c in baseline)
        pattern = build.problem.patterns[0]
        calls = [PlannedCall(seed, top_n, pattern, threads) for seed in (7, PROBE_SEED)]
        traced_base = path_run(build, builds.traced, calls, threads, PROBE_RUN_S)
        if isinstance(traced_base, PathRun):
            base_met = met(traced_base)
    bench_n = build.problem.bench_size
    top = max(c.n for c in baseline)
    stopped: str | None = None
    runs: dict[int, PathRun] = {}  # the plain build's
    traced: dict[int, PathRun] = {}  # the traced build's
    traced_failed: str | None = None
    total = PROBE_TOTAL_S + 2 * max(0.0, bench_wall_s - PROBE_RUN_S)

    def run_at(n: int, samples: int = PROBE_SAMPLES, trace: bool = False) -> PathRun | str:
        left = total - (time.monotonic() - t0)
        if left <= 1.0:
            return f"probe budget ({total:.0f}s) spent before n={n}"
        call = PlannedCall(PROBE_SEED, n, build.problem.patterns[0], threads)
        limit = bench_wall_s if n == bench_n else max(PROBE_RUN_S, bench_wall_s * n / bench_n)
        binary = builds.traced if trace and builds.traced is not None else builds.plain
        got = path_run(build, binary, [call], threads, min(limit, left), samples, trace)
        return f"n={n}: {got}" if isinstance(got, str) else got

    if bench_n > top:
        up = probe_sizes(top, bench_n)
        first = run_at(bench_n, bench_samples)
        if isinstance(first, str):
            stopped = first
        elif not (ran_of(first) - base_ran) and not (par_of(first) - base_par):
            runs[bench_n] = first  # nothing runs there that did not run, checked, before
        else:
            for n in up:
                got = first if n == bench_n else run_at(n)
                if isinstance(got, str):
                    stopped = got
                    break
                runs[n] = got
        # conflicts at the largest size whose traced run is affordable (most often the
        # benchmark size); where they are new, at every smaller probed size too. A traced
        # run over its time or memory: the sizes below, up to the first that is too; one
        # that fails otherwise (a crash the plain build did not show) is named.
        at = traced_size(up, first.wall_s, bench_n) if isinstance(first, PathRun) else None
        if at is not None and isinstance(traced_base, PathRun):
            seen = run_at(at, trace=True)
            if isinstance(seen, PathRun):
                traced[at] = seen
            elif not _too_costly(seen):
                traced_failed = seen
            new_there = isinstance(seen, PathRun) and bool(met(seen) - base_met)
            for n in up if new_there or not isinstance(seen, PathRun) else ():
                more = run_at(n, trace=True) if n < at else None
                if isinstance(more, str) and not _too_costly(more):
                    traced_failed = traced_failed or more
                if not isinstance(more, PathRun):
                    break  # the largest run (if any) still names what is new
                traced[n] = more
    traced_to = max(traced, default=top)
    sizes = sorted(runs.keys() | traced.keys())

    def new_at(n: int) -> frozenset[Hashable]:
        blocks = par_of(runs[n]) - base_par if n in runs else frozenset()
        return blocks | (met(traced[n]) - base_met if n in traced else frozenset())

    new_par = {n: new_at(n) for n in sizes}
    team = {n: max(r.team for r in (runs.get(n), traced.get(n)) if r is not None) for n in sizes}
    bench = runs.get(bench_n)
    return PathProbe(len(baseline), len(base_ran), base.team, tuple(sizes),
                     tuple(team[n] for n in sizes),
                     tuple(len(ran_of(runs[n]) - base_ran) if n in runs else 0 for n in sizes),
                     tuple(len(new_par[n]) for n in sizes), stopped, bench,
                     len(ran_of(bench) - base_ran) if bench else 0, threads,
                     time.monotonic() - t0, new_par,
                     lambda r: par_of(r) - base_par, traced_to, traced_failed)  # fmt: skip


def rerun(build: ProblemBuild, builds: ProbeBuilds, probe: PathProbe, n: int, seed: int) -> bool:
    """One more probe run at the probed size n (another seed): what ran there in a team
    joins `probe.new_parallel_at[n]`. Code that runs only when threads collide (an atomic's
    failed compare-and-swap in a lock-free claim) ran at the benchmark size and in some
    runs at a smaller one; another run there may show it. False: the run failed."""
    if probe.new_parallel_of is None or n not in probe.new_parallel_at:
        return False
    call = PlannedCall(seed, n, build.problem.patterns[0], probe.threads)
    got = path_run(build, builds.plain, [call], probe.threads, PROBE_RUN_S, PROBE_SAMPLES,
                   traced=False)  # fmt: skip
    if isinstance(got, str):
        return False
    probe.new_parallel_at[n] = probe.new_parallel_at[n] | probe.new_parallel_of(got)
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
