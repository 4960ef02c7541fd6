"""Differential testing: reference and candidate harnesses on the same inputs.

Every test size x input pattern x seed, at several thread counts (1, 2 and more threads
than cores). Reference outputs are computed once per input (the reference is serial, one
call per process) and cached in memory. A failure names the seed, size, pattern, threads
and the first differing element.

The candidate is called several times in one process (`difftest`): every size of a
pattern in turn (ascending for one pattern, descending for the next), then the same size
with fresh data, then an input it has already seen; every call is compared, and a call
that changed a const input fails. All the candidate's processes share one working
directory, so a file one run leaves behind is there for the next. Environment variants
run the same calls with OMP_NUM_THREADS unset, with the thread count set by
omp_set_num_threads instead, with OMP_DYNAMIC=true, with a runtime schedule and nesting
limit, from two threads at once (two calls made together by the threads of a parallel
region: a function that keeps scratch in a static or sizes its work by
omp_get_max_threads() fails there), with cancellation on and a thread limit, and with
fewer cores shown than threads; each is named in a failure. The numbers the problem
holds fixed (`steps = 10`, a pattern of 3 elements: problems/held.py) take other values
in some calls of the first pattern, where the reference runs cleanly with them. Where the
candidate compares n with a literal above the test sizes, processes just above it (the
race step's threshold sizes) make plain calls there, the held numbers changed too, and
two calls at once. Every process shows the program its thread count as the machine's
core count (pcg_shown_cores.h) unless a variant says otherwise; const inputs are
read-only while a call runs, so a write put back before returning is reported
(pcg_guarded_inputs.h), and so is a call that leaves its caller's floating-point mode
changed, on its own thread or its team's (OpenMP settings left changed: a warning).
`legacy_difftest` is the single-call version kept for comparison
(benchmarks/verify_overhead.py).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parcodegen.cxxtypes import Kind, classify
from parcodegen.errors import ProblemError
from parcodegen.problems.held import ALTERNATIVES, Held, held_values
from parcodegen.problems.held import describe as describe_held
from parcodegen.problems.held import changes as held_changes
from parcodegen.sandbox.run import Workdir
from parcodegen.tools.build import HarnessRun, ProblemBuild, cores, run_harness
from parcodegen.tools.harness import (
    CHANGED_PREFIX,
    FPENV_PREFIX,
    ICV_PREFIX,
    THREADS_KEY,
    PlannedCall,
    harness_plan,
)
from parcodegen.tools.object_threads import holds_two_callers
from parcodegen.tools.outputs import compare_outputs, nonfinite_counts, split_calls
from parcodegen.tools.race_plan import THRESHOLD_BUDGET_S
from parcodegen.types import LAUNCHER_FAILED, Problem, Status, StepResult

REFERENCE_WALL_S = 120.0
MIN_CANDIDATE_WALL_S = 3.0
WALL_FACTOR = 10.0


def default_threads() -> tuple[int, ...]:
    return (1, 2, 2 * cores() + 1)


@dataclass(frozen=True)
class Case:
    n: int
    pattern: str
    seed: int
    nudge: bool = False  # the input of (n, pattern, seed) with one element changed
    alt: int = 0  # > 0: the problem's held numbers take their alternative `alt` (held.py)

    def describe(self, threads: int) -> str:
        return f"n={self.n}, seed={self.seed}, pattern={self.pattern}, threads={threads}"

    def planned(self, threads: int = 0) -> PlannedCall:
        return PlannedCall(self.seed, self.n, self.pattern, threads, self.nudge, self.alt)


def cases(
    sizes: tuple[int, ...], patterns: tuple[str, ...], seeds: int, base_seed: int = 1
) -> list[Case]:
    out = []
    for n in sizes:
        for j, pattern in enumerate(patterns):
            for s in range(seeds):
                out.append(Case(n, pattern, base_seed + 1000 * j + s))
    return out


def problem_cases(problem: Problem, seeds: int = 1) -> list[Case]:
    """Every test size x pattern x seed, then the problem's explicit inputs ([[edge]])."""
    explicit = [Case(e.n, f"edge{k}", 1) for k, e in enumerate(problem.edges)]
    return cases(problem.test_sizes, problem.patterns, seeds) + explicit


class ReferenceCache:
    """Reference runs by (binary, case), bounded; a failing reference is a ProblemError."""

    def __init__(self, max_items: int = 512):
        self._items: OrderedDict[tuple, HarnessRun] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_items

    def get(self, binary: Path, case: Case) -> HarnessRun:
        run = self.try_get(binary, case)
        if not run.ok:
            raise ProblemError(
                "problem.toml: sizes.test",
                f"the reference itself fails on n={case.n}, pattern={case.pattern}: {run.error}\n"
                f"{run.result.stderr[:500]}",
            )
        return run

    def try_get(self, binary: Path, case: Case, wall_s: float = REFERENCE_WALL_S) -> HarnessRun:
        """The reference's run on `case`; a failed run is returned (and not cached)."""
        key = (binary.name, case)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        plan = (harness_plan([case.planned()], check_inputs=False)
                if case.nudge or case.alt else None)  # fmt: skip
        run = run_harness(binary, seed=case.seed, n=case.n, pattern=case.pattern, threads=1,
                          wall_s=wall_s, plan=plan)  # fmt: skip
        if not run.ok:
            return run
        with self._lock:
            self._items[key] = run
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return run


REFERENCES = ReferenceCache()


def _stderr_tail(run: HarnessRun) -> str:
    text = run.result.stderr.strip()
    if not text:
        return ""
    lines = [ln for ln in text.splitlines() if not ln.startswith("pcg-call ")][-8:]
    if not lines:
        return ""
    return "\nstderr (last lines):\n" + "\n".join(lines)


def legacy_difftest(
    build: ProblemBuild,
    candidate_bin: Path,
    *,
    threads: tuple[int, ...] | None = None,
    seeds: int = 1,
) -> StepResult:
    problem = build.problem
    threads = threads or default_threads()
    start = time.monotonic()
    log: list[str] = []
    runs = 0
    max_ref = 0.0
    for case in problem_cases(problem, seeds):
        ref = REFERENCES.get(build.reference_bin, case)
        max_ref = max(max_ref, ref.result.wall_s)
        wall = max(MIN_CANDIDATE_WALL_S, WALL_FACTOR * ref.result.wall_s + 1.0)
        for t in threads:
            run = run_harness(candidate_bin, seed=case.seed, n=case.n, pattern=case.pattern,
                              threads=t, wall_s=wall)  # fmt: skip
            runs += 1
            where = case.describe(t)
            if run.result.timed_out:
                msg = (f"timeout: the candidate ran longer than {wall:.1f}s on input {where} "
                       f"(the reference takes {ref.result.wall_s:.2f}s); infinite loop or deadlock?")  # fmt: skip
                return _fail(Status.TIMEOUT, msg, log, start, runs, where)
            if not run.ok:
                msg = f"crash on input {where}: {run.error}{_stderr_tail(run)}"
                return _fail(Status.CRASH, msg, log, start, runs, where,
                             launcher_failed=run.result.launcher_failed)  # fmt: skip
            assert ref.outputs is not None and run.outputs is not None
            mismatch = compare_outputs(problem, ref.outputs, run.outputs, case.n)
            if mismatch is not None:
                msg = f"wrong output on input {where}: {mismatch.message}"
                return _fail(Status.WRONG_OUTPUT, msg, log, start, runs, where)
            log.append(f"ok {where} ({run.result.wall_s:.3f}s)")
    msg = f"outputs match the reference on {runs} runs (threads {', '.join(map(str, threads))})"
    return StepResult("difftest", True, None, msg, "\n".join(log), time.monotonic() - start,
                      data={"runs": runs, "max_reference_wall_s": max_ref})  # fmt: skip


def _fail(status: Status, msg: str, log: list[str], start: float, runs: int, where: str,
          *, launcher_failed: bool = False) -> StepResult:  # fmt: skip
    log.append(msg)
    data: dict[str, object] = {"runs": runs, "input": where}
    if launcher_failed:
        data[LAUNCHER_FAILED] = True
    return StepResult("difftest", False, status, msg, "\n".join(log), time.monotonic() - start,
                      data=data)  # fmt: skip


# --------------------------------------------------------------------------- multi-call

FRESH_SEED = 500  # seed offset of the "same size, fresh data" call
MID_SIZE = 5000  # the fresh-data call and the environment variants use sizes up to this
NONFINITE_WARN = 0.25  # warn when this share of a float output is NaN/inf
# threads of the many-threads variant: one more than the fixed per-thread tables code
# sizes for "enough" threads (`double part[64]`, `t % 8`, `best[16]`) on a bigger machine
MANY_THREADS = 65
# the omp_set_num_threads variant's counts, call after call: a per-thread buffer sized
# for the first call's team (a static) is too small for a later, larger one
CALL_THREADS_CYCLE = (2, 3, 1, 5)
# the cores the few-cores variant shows (its team is larger): a table sized by the cores
# and indexed by the thread number is too small there
FEW_CORES = 2


@dataclass(frozen=True)
class Variant:
    """How the candidate's process is started: its OpenMP environment and thread setting."""

    name: str  # named in a failure: "threads=2", "OMP_NUM_THREADS unset", ...
    threads: int  # OMP_NUM_THREADS (ignored when env unsets it)
    env: tuple[tuple[str, str | None], ...] = ()
    call_threads: int = 0  # omp_set_num_threads(call_threads) before each call
    # or, when given, before call k: call_cycle[k % len] (the count changes between calls)
    call_cycle: tuple[int, ...] = ()
    pairs: bool = False  # calls made two at a time from two threads (harness_plan `pairs`)
    cores_shown: int = 0  # > 0: the core count every call is shown (else its thread count)

    def threads_of_call(self, k: int) -> int:
        return self.call_cycle[k % len(self.call_cycle)] if self.call_cycle else self.call_threads


def thread_variant(t: int) -> Variant:
    c = cores()
    if t > c and t % 2 == 1:
        return Variant(f"threads={t} (odd, more than the {c} cores)", t)
    return Variant(f"threads={t}", t)


def env_variants(reentrant: bool = True) -> tuple[Variant, ...]:
    """The environment variants; `reentrant` False (the reference itself keeps static
    storage, so two calls at once need not agree with it) leaves out the two-callers one."""
    c = cores()
    odd = 2 * c + 1
    variants = (
        Variant("OMP_NUM_THREADS unset (threads left to the runtime)", c,
                (("OMP_NUM_THREADS", None),)),
        Variant("omp_set_num_threads(2, 3, 1, 5, 2, ...) instead of OMP_NUM_THREADS, the count "
                "changing between calls", 3, (("OMP_NUM_THREADS", None),),
                call_cycle=CALL_THREADS_CYCLE),
        Variant(f"OMP_DYNAMIC=true, threads={odd}", odd, (("OMP_DYNAMIC", "true"),)),
        Variant("OMP_SCHEDULE=dynamic,3, OMP_MAX_ACTIVE_LEVELS=4 (nested teams), threads=3", 3,
                (("OMP_SCHEDULE", "dynamic,3"), ("OMP_MAX_ACTIVE_LEVELS", "4"))),
        Variant(f"threads={MANY_THREADS} (more than a per-thread table of {MANY_THREADS - 1} "
                "holds), OMP_SCHEDULE=guided", MANY_THREADS, (("OMP_SCHEDULE", "guided"),)),
        Variant("called from two threads at once (each thread of an OpenMP parallel region "
                "calls it, nested regions off: its own team is one thread), threads=3", 3,
                pairs=True),
        Variant(f"OMP_CANCELLATION=true (cancel constructs take effect), OMP_THREAD_LIMIT=2, "
                f"threads={odd}", odd,
                (("OMP_CANCELLATION", "true"), ("OMP_THREAD_LIMIT", "2"))),
        Variant(f"threads={odd}, {FEW_CORES} cores shown (more threads than cores: "
                "OMP_NUM_THREADS above a CPU limit)", odd, cores_shown=FEW_CORES),
    )  # fmt: skip
    return tuple(v for v in variants if reentrant or not v.pairs)


@dataclass(frozen=True)
class Process:
    """One candidate process: its calls in order and how it is started."""

    cases: tuple[Case, ...]
    variant: Variant
    repeat_of: tuple[int, ...]  # call index -> index of the earlier identical call, or -1
    held: tuple[Held, ...] = ()  # the numbers the problem holds fixed (named for alt calls)

    def where(self, k: int) -> str:
        case = self.cases[k]
        again = " (an input it had already seen)" if self.repeat_of[k] >= 0 else ""
        if case.nudge:
            again += (" (the previous call's input with one element changed: a result "
                      "memoized under a key of a few sampled elements?)")  # fmt: skip
        if case.alt:
            again += f" with {describe_held(self.held, case.alt)}"
        if self.variant.call_cycle:
            again += f" at {self.variant.threads_of_call(k)} threads"
        if self.variant.pairs and len(self.cases) > 1:
            other = k + 1 if k % 2 == 0 else k - 1
            if other < len(self.cases):
                again += f", made at the same time as call {other + 1} on another thread"
        return (f"n={case.n}, seed={case.seed}, pattern={case.pattern}, {self.variant.name}; "
                f"call {k + 1} of {len(self.cases)} in one process{again}")  # fmt: skip


def _process(cases: list[Case], variant: Variant, held: tuple[Held, ...] = ()) -> Process:
    seen: dict[Case, int] = {}
    repeat = []
    for k, c in enumerate(cases):
        repeat.append(seen.get(c, -1))
        seen.setdefault(c, k)
    return Process(tuple(cases), variant, tuple(repeat), held)


HELD_SEED = 800  # seed offset of the calls with the held numbers changed
HELD_SMALL = 7  # ... made at the smallest test size from this and at the middle size


def held_cases(problem: Problem, alts: tuple[int, ...]) -> list[Case]:
    """Calls with the numbers the problem holds fixed changed (held.py): alternative j at a
    small and at the middle size, fresh data."""
    sizes = sorted(problem.test_sizes)
    mid = max((n for n in sizes if n <= MID_SIZE), default=sizes[0])
    small = min((n for n in sizes if n >= HELD_SMALL), default=mid)
    pattern = problem.patterns[0]
    return [Case(n, pattern, 1 + HELD_SEED + j, alt=j) for j in alts
            for n in dict.fromkeys((small, mid))]  # fmt: skip


def call_sequence(
    problem: Problem, pattern_index: int, seeds: int, sizes_cap: int | None = None,
    alts: tuple[int, ...] = (),
) -> list[Case]:  # fmt: skip
    """Every test size (ascending for even patterns, descending for odd), then the same
    size with fresh data, then an input seen before; for the first pattern, the calls with
    the held numbers changed (`alts`, held_cases) and the problem's explicit inputs."""
    pattern = problem.patterns[pattern_index]
    sizes = [n for n in problem.test_sizes if sizes_cap is None or n <= sizes_cap]
    if not sizes:
        sizes = [min(problem.test_sizes)]
    order = sorted(sizes) if pattern_index % 2 == 0 else sorted(sizes, reverse=True)
    base = 1 + 1000 * pattern_index
    out = [Case(n, pattern, base + s) for n in order for s in range(seeds)]
    mid = max((n for n in sizes if n <= MID_SIZE), default=max(sizes))
    out.append(Case(mid, pattern, base + FRESH_SEED))
    out.append(Case(mid, pattern, base + FRESH_SEED, nudge=True))
    seen = next((c for c in out if c.n >= 2), out[0])
    out.append(seen)
    if pattern_index == 0:  # the problem's explicit inputs ([[edge]])
        out.extend(held_cases(problem, alts))
        out.extend(Case(e.n, f"edge{k}", 1) for k, e in enumerate(problem.edges))
    return out


PAIRED_SEED = 700  # seed offset of the second call of a pair (the pairs variant)
PAIRED_REPEATS = 3  # pairs of the largest size <= MID_SIZE (calls that overlap longest)


def paired_sequence(problem: Problem) -> list[Case]:
    """The pairs variant's calls: two calls of each size (fresh data each), made at once by
    two threads; the largest size <= MID_SIZE several times."""
    pattern = problem.patterns[0]
    sizes = sorted(n for n in problem.test_sizes if n <= MID_SIZE) or [min(problem.test_sizes)]
    order = sizes + [sizes[-1]] * (PAIRED_REPEATS - 1)
    out: list[Case] = []
    for j, n in enumerate(order):
        out += [Case(n, pattern, 1 + j), Case(n, pattern, 1 + j + PAIRED_SEED)]
    return out


ABOVE_SEED = 7  # the race step's seed: the reference's run at a size above a literal is shared


def above_processes(problem: Problem, above: dict[int, tuple[int, ...]],
                    reentrant: bool) -> list[Process]:  # fmt: skip
    """Processes at the sizes above the candidate's literals (`above`: size -> the held
    numbers' alternatives to call there too): a path taken only for large n (`if (n >
    20000)`) was run there by the race step alone, whose build does not check the held
    numbers, the caller's floating-point mode or two callers' outputs. One process at an
    odd thread count above the cores; one of two calls at once when the candidate is held
    to two callers."""
    if not above:
        return []
    held = held_values(problem)
    pattern = problem.patterns[0]
    odd = 2 * cores() + 1
    seq = []
    for n, alts in above.items():
        seq.append(Case(n, pattern, ABOVE_SEED))
        seq.extend(Case(n, pattern, ABOVE_SEED, alt=j) for j in alts)
    name = f"above the literals the candidate compares n with, threads={odd}"
    procs = [_process(seq, Variant(name, odd), held)]
    if reentrant:
        pairs = [c for n in above for c in (Case(n, pattern, ABOVE_SEED),
                                             Case(n, pattern, ABOVE_SEED + PAIRED_SEED))]  # fmt: skip
        variant = Variant("above the literals the candidate compares n with, called from two "
                          "threads at once (nested regions off), threads=3", 3, pairs=True)  # fmt: skip
        procs.append(_process(pairs, variant, held))
    return procs


def above_alternatives(build: ProblemBuild, sizes: tuple[int, ...],
                       alts: tuple[int, ...]) -> dict[int, tuple[int, ...]]:  # fmt: skip
    """For each size above the candidate's literals, the held numbers' alternatives (of
    `alts`) the reference runs there within the race step's budget for such a size."""
    out: dict[int, tuple[int, ...]] = {}
    pattern = build.problem.patterns[0]
    for n in sizes:
        fits = []
        for j in alts:
            run = REFERENCES.try_get(build.reference_bin, Case(n, pattern, ABOVE_SEED, alt=j),
                                     wall_s=4 * THRESHOLD_BUDGET_S + 1.0)  # fmt: skip
            if run.ok and (run.result.cpu_s or run.result.wall_s) <= 2 * THRESHOLD_BUDGET_S:
                fits.append(j)
        out[n] = tuple(fits)
    return out


def plan_processes(problem: Problem, threads: tuple[int, ...], seeds: int,
                   variants: bool, reentrant: bool = True, alts: tuple[int, ...] = (),
                   above: dict[int, tuple[int, ...]] | None = None) -> list[Process]:  # fmt: skip
    """The candidate's processes; `alts`: the alternatives of the held numbers to call
    with (held.py; those the reference runs cleanly at, see usable_alternatives);
    `above`: sizes above the candidate's literals (above_processes)."""
    held = held_values(problem)
    procs: list[Process] = []
    for j in range(len(problem.patterns)):
        seq = call_sequence(problem, j, seeds, alts=alts)
        procs.extend(_process(seq, thread_variant(t), held) for t in threads)
    if variants:
        seq = call_sequence(problem, 0, 1, sizes_cap=MID_SIZE, alts=alts)
        procs.extend(_process(paired_sequence(problem) if v.pairs else seq, v, held)
                     for v in env_variants(reentrant))  # fmt: skip
    procs.extend(above_processes(problem, above or {}, reentrant))
    return procs


def usable_alternatives(build: ProblemBuild) -> tuple[tuple[int, ...], list[str]]:
    """The alternatives of the problem's held numbers the reference runs cleanly at, and
    a note for each it does not (it crashes or runs far longer: not a valid input)."""
    problem = build.problem
    held = held_values(problem)
    if not held:
        return (), []
    usable: list[int] = []
    notes: list[str] = []
    base = [REFERENCES.get(build.reference_bin, c) for c in held_cases(problem, (0,))]
    wall = min(REFERENCE_WALL_S, 2.0 + WALL_FACTOR * max(r.result.wall_s for r in base))
    for j in range(1, ALTERNATIVES + 1):
        if not held_changes(held, j):
            continue
        runs = [REFERENCES.try_get(build.reference_bin, c, wall) for c in held_cases(problem, (j,))]
        if all(r.ok for r in runs):
            usable.append(j)
        else:
            notes.append(f"{describe_held(held, j)}: the reference fails there, not tested")
    return tuple(usable), notes


def _stderr_call(run: HarnessRun) -> int | None:
    """The call a multi-call process was in when it stopped (its last `pcg-call k` line)."""
    last = None
    for line in run.result.stderr.splitlines():
        if line.startswith("pcg-call "):
            try:
                last = int(line.split()[1])
            except (IndexError, ValueError):
                pass
    return last


def _nonfinite_warning(counts: dict[str, list[int]]) -> str:
    worst = []
    for name, (bad, total) in sorted(counts.items()):
        if total and bad / total >= NONFINITE_WARN:
            label = "the return value" if name == "return" else f"output '{name}'"
            worst.append(f"{bad / total:.0%} of {label}")
    if not worst:
        return ""
    return ("; warning: " + ", ".join(worst) + " is NaN/inf in the reference "
            "(NaN == NaN counts as agreement: such outputs check little)")  # fmt: skip


def difftest(
    build: ProblemBuild,
    candidate_bin: Path,
    *,
    threads: tuple[int, ...] | None = None,
    seeds: int = 1,
    variants: bool = True,
    above: tuple[int, ...] = (),
) -> StepResult:
    """Compare every call of the candidate's multi-call processes with the reference;
    `above`: sizes above the literals the candidate compares against, where the reference
    runs within the race step's budget (above_processes)."""
    problem = build.problem
    threads = threads or default_threads()
    start = time.monotonic()
    log: list[str] = []
    reentrant = holds_two_callers(build.reference_obj)
    alts, held_notes = usable_alternatives(build)
    above_alts = above_alternatives(build, above, alts) if above and variants else {}
    procs = plan_processes(problem, threads, seeds, variants, reentrant, alts, above_alts)
    calls = 0
    max_ref = 0.0
    max_threads = 0
    nonfinite: dict[str, list[int]] = {}
    counted: set[Case] = set()
    inputs_checked = _checked_inputs(problem)
    settings: set[str] = set()  # the caller's OpenMP settings a call left changed
    with Workdir("difftest") as wd:  # shared by every candidate process: files persist
        for proc in procs:
            refs = [REFERENCES.get(build.reference_bin, c) for c in proc.cases]
            for c, r in zip(proc.cases, refs, strict=True):
                max_ref = max(max_ref, r.result.wall_s)
                if c not in counted and r.outputs is not None:
                    counted.add(c)
                    for name, (bad, total) in nonfinite_counts(r.outputs).items():
                        acc = nonfinite.setdefault(name, [0, 0])
                        acc[0] += bad
                        acc[1] += total
            wall = max(MIN_CANDIDATE_WALL_S, sum(WALL_FACTOR * r.result.wall_s + 0.5 for r in refs))
            plan = harness_plan([c.planned(proc.variant.threads_of_call(k))
                                 for k, c in enumerate(proc.cases)],
                                pairs=proc.variant.pairs,
                                cores=proc.variant.cores_shown or proc.variant.threads,
                                fixed_cores=proc.variant.cores_shown > 0,
                                guard=not proc.variant.pairs)  # fmt: skip
            first = proc.cases[0]
            run = run_harness(candidate_bin, seed=first.seed, n=first.n, pattern=first.pattern,
                              threads=proc.variant.threads, wall_s=wall, env=dict(proc.variant.env),
                              plan=plan, workdir=wd)  # fmt: skip
            if run.result.timed_out:
                k = _stderr_call(run)
                where = (
                    proc.where(k)
                    if k is not None
                    else f"{proc.variant.name}, {len(proc.cases)} calls"
                )
                msg = (f"timeout: the candidate ran longer than {wall:.1f}s on input {where} "
                       f"(the reference takes {sum(r.result.wall_s for r in refs):.2f}s for these "
                       "calls); infinite loop or deadlock?")  # fmt: skip
                return _fail(Status.TIMEOUT, msg, log, start, calls, where)
            if not run.ok:
                k = _stderr_call(run)
                where = (
                    proc.where(k)
                    if k is not None
                    else f"{proc.variant.name} (before the first call)"
                )
                msg = f"crash on input {where}: {run.error}{_stderr_tail(run)}"
                return _fail(Status.CRASH, msg, log, start, calls, where,
                             launcher_failed=run.result.launcher_failed)  # fmt: skip
            assert run.outputs is not None
            per_call = split_calls(run.outputs, len(proc.cases))
            for k, (got, ref) in enumerate(zip(per_call, refs, strict=True)):
                calls += 1
                where = proc.where(k)
                changed = sorted(
                    n[len(CHANGED_PREFIX) :] for n in got if n.startswith(CHANGED_PREFIX)
                )
                if changed:
                    names = ", ".join(f"'{c}'" for c in changed)
                    msg = f"the candidate changed const input {names} on input {where}"
                    return _fail(Status.WRONG_OUTPUT, msg, log, start, calls, where)
                fpenv = sorted(n[len(FPENV_PREFIX) :] for n in got if n.startswith(FPENV_PREFIX))
                if fpenv:
                    msg = (f"the call left its caller's floating-point mode changed: "
                           f"{'; '.join(fpenv)} (the caller's later arithmetic differs) on "
                           f"input {where}")  # fmt: skip
                    return _fail(Status.WRONG_OUTPUT, msg, log, start, calls, where)
                settings.update(n[len(ICV_PREFIX) :].split(" (")[0] for n in got
                                if n.startswith(ICV_PREFIX))  # fmt: skip
                if not got:
                    msg = f"crash on input {where}: the call wrote no outputs"
                    return _fail(Status.CRASH, msg, log, start, calls, where)
                assert ref.outputs is not None
                mismatch = compare_outputs(problem, ref.outputs, got, proc.cases[k].n)
                if mismatch is not None:
                    msg = f"wrong output on input {where}: {mismatch.message}"
                    return _fail(Status.WRONG_OUTPUT, msg, log, start, calls, where)
                live = got.get(THREADS_KEY)
                if (isinstance(live, np.ndarray) and len(live) and not proc.variant.pairs
                        and 2 <= proc.variant.threads < MANY_THREADS):  # fmt: skip
                    max_threads = max(max_threads, int(live[0]))
            log.append(f"ok {proc.variant.name}: {len(proc.cases)} calls, n in "
                       f"{sorted({c.n for c in proc.cases})} ({run.result.wall_s:.3f}s)")  # fmt: skip
    coverage = {
        "calls": calls,
        "processes": len(procs),
        "sizes": sorted({c.n for p in procs for c in p.cases}),
        "patterns": list(problem.patterns),
        "threads": list(threads),
        "env_variants": [v.name for v in env_variants(reentrant)] if variants else [],
        "shared_workdir": True,
        "repeated_inputs": sum(1 for p in procs for r in p.repeat_of if r >= 0),
        "const_inputs_checked": inputs_checked,
        "max_threads_seen": max_threads,
        "held_values_changed": [describe_held(held_values(problem), j) for j in alts],
        "held_values_not_changed": held_notes,
        "above_literals": sorted(above_alts),
    }
    msg = (f"outputs match the reference on {calls} calls in {len(procs)} processes "
           f"(threads {', '.join(map(str, threads))}"
           f"{'; ' + str(len(env_variants(reentrant))) + ' environment variants' if variants else ''})")  # fmt: skip
    if above_alts:
        msg += f"; above the candidate's literals at n = {', '.join(map(str, above_alts))}"
    if alts:
        msg += f"; the numbers the problem holds fixed changed: {_held_summary(problem, alts)}"
    msg += _nonfinite_warning(nonfinite)
    if settings:
        msg += ("; warning: the call leaves its caller's OpenMP settings changed ("
                f"{', '.join(sorted(settings))}): the caller's next parallel regions differ")  # fmt: skip
    coverage["caller_settings_changed"] = sorted(settings)
    data = {"runs": calls, "max_reference_wall_s": max_ref, "coverage": coverage,
            "nonfinite": {k: v for k, v in nonfinite.items() if v[0]}}  # fmt: skip
    return StepResult("difftest", True, None, msg, "\n".join(log), time.monotonic() - start,
                      data=data)  # fmt: skip


def _held_summary(problem: Problem, alts: tuple[int, ...]) -> str:
    """ "steps = 11, 12, 13, 1, 0 (the problem's is 10)": each held number's tested values."""
    parts = []
    for h in held_values(problem):
        label = f"length of '{h.name}'" if h.what == "size" else h.name
        values = ", ".join(str(h.at(j)) for j in alts if h.at(j) != h.fixed)
        parts.append(f"{label} = {values} (the problem's is {h.fixed})")
    return "; ".join(parts)


MOSTLY_NONFINITE = 0.5  # suite check rejects a problem whose reference output is mostly NaN/inf


def reference_nonfinite(build: ProblemBuild) -> dict[str, float]:
    """The share of NaN/inf elements in each floating-point output of the reference over
    all its test inputs (outputs that have none are left out)."""
    acc: dict[str, list[int]] = {}
    for case in problem_cases(build.problem):
        ref = REFERENCES.get(build.reference_bin, case)
        for name, (bad, total) in nonfinite_counts(ref.outputs or {}).items():
            a = acc.setdefault(name, [0, 0])
            a[0] += bad
            a[1] += total
    return {name: bad / total for name, (bad, total) in acc.items() if bad and total}


def _checked_inputs(problem: Problem) -> list[str]:

    names = []
    for a in problem.args:
        info = classify(a.ctype)
        if info.kind is Kind.ARRAY_IN and not a.hook:
            names.append(a.name)
        elif a.hook and ("const" in a.ctype.split() or "const" in a.ctype):
            names.append(f"{a.name} (by == or, without one, field by field)")
    return names
