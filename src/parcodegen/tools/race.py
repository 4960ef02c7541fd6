"""Race detection with clang's ThreadSanitizer and LLVM's Archer (OpenMP-aware).

`race_check` builds the candidate with clang++ -O1 -fsanitize=thread (clang++ and Archer
of one LLVM version, `toolchain.py`) and runs RACE_RUNS processes, each calling the
function at every planned size (`race_plan.py`) and thread count, with its own seed and
thread order. The build advances each thread's TSan epoch as its code runs, and every
second process's build deals dynamic loops' chunks round robin (`race_aids.py`: what a
loaded machine's scheduling hid); the others allow nested teams and turn cancellation on.
The first process shows the program 2 cores for every call (FEW_CORES: more threads than
cores, where a table sized by the cores and indexed by the thread number is shared); the
others show each call its thread count, as difftest does.
A candidate whose object defines writable static storage gets one more process, whose
calls are made two at a time from two threads: static state two callers share is a race.
A candidate with no concurrency of its own is run in that process only (a serial rewrite
that keeps scratch or a table filled on the first call in a static is not reentrant). A process's outputs are compared with the reference
where the problem declares the size: that build is a second compiler and optimization level, which
vectorizes loops g++ -O3 left alone (a race between SIMD lanes, which TSan cannot see,
shows up there as a wrong output). Reports whose racing memory the OpenMP runtime
allocated itself (a finished task's descriptor reused for a new task: Archer has no
happens-before for that reuse) are recognised as detector artifacts and ignored. A
candidate whose live code and compiled object (`object_threads.py`) show no OpenMP
directive, omp_* call or thread, and no writable static storage (or a reference with
static storage of its own), is not run (nothing can race). Missing clang or Archer makes the step `skipped` with a loud reason,
and the verdict names it as unchecked.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from parcodegen.errors import ProblemError
from parcodegen.tools.build import (
    TSAN_EXIT,
    HarnessRun,
    ProblemBuild,
    archer_library,
    candidate_name,
    run_harness,
    sanitizer_env,
)
from parcodegen.tools.difftest import FEW_CORES, REFERENCES, Case
from parcodegen.tools.openmp_support import (
    STRICT_FLAGS,
    archer_crashed,
    only_strictness_errors,
    runtime_crashed,
    unsupported_openmp,
)
from parcodegen.tools.harness import CHANGED_PREFIX, THREADS_KEY, PlannedCall, harness_plan
from parcodegen.tools.object_threads import (
    ObjectThreads,
    holds_two_callers,
    object_threads,
    static_storage,
)
from parcodegen.tools.outputs import compare_outputs, split_calls
from parcodegen.tools.parallelism import static_parallelism
from parcodegen.tools.race_plan import (
    THRESHOLD_BUDGET_S,
    RacePlan,
    paired_plan,
    plan_race,
    threshold_literals,
)
from parcodegen.tools.race_aids import (
    EPOCH_FLAGS,
    EPOCHS_SOURCE,
    ROUND_ROBIN_NOTE,
    ROUND_ROBIN_SOURCE,
    aid_object,
)
from parcodegen.tools.toolchain import Toolchain, default_toolchain
from parcodegen.tools.compile import TSAN_FLAGS, compile_object, link_binary
from parcodegen.tools.harness import harness_source
from parcodegen.types import LAUNCHER_FAILED, Problem, Status, StepResult

RACE_THREADS = (2, 4)
NESTED_LEVELS = "4"  # OMP_MAX_ACTIVE_LEVELS of every second race process
# ... with cancellation on: a `cancel` construct takes effect there (users may turn it on;
# an early exit that is right only while it is off gives wrong outputs at the race sizes)
NESTED_NOTE = f"OMP_MAX_ACTIVE_LEVELS={NESTED_LEVELS}: nested teams; OMP_CANCELLATION=true"
# The first process shows the program this many cores for every call (sysconf,
# get_nprocs, omp_get_num_procs, hardware_concurrency, the affinity mask), also for one
# that sets 3, 4 or more threads: the other processes, like difftest, show each call its
# own thread count as the cores. A table sized by the cores and indexed by the thread
# number (`part[omp_get_thread_num() % omp_get_num_procs()]`) is shared by two threads
# only when the threads outnumber the cores (OMP_NUM_THREADS above them, a Slurm, cgroup
# or taskset CPU limit smaller than the thread count, hyperthreading off), and TSan then
# reports the shared slot whatever the timing. Code right for any team (a table sized by
# omp_get_max_threads(), or by the cores with a team of exactly that many threads,
# num_threads(P)) is unaffected; a team sized by the cores has 2 threads there (FEW_CORES,
# difftest's few-cores variant's too).
# the process (0-based) that shows them: the first, with the problem's first pattern
# (random for most problems: two threads sharing a table meet in it; sorted input gives
# them disjoint bins) and the build that deals dynamic loops' chunks round robin (every
# thread of the team runs some: a loaded machine's late thread ran none)
FEW_CORES_RUN = 0
FEW_CORES_NOTE = (f"{FEW_CORES} cores shown to every call (omp_get_num_procs, "
                  "hardware_concurrency, sysconf, the affinity mask): more threads than cores")  # fmt: skip
# what reads the core count (the hint below is given only to code that does)
CORE_COUNT = re.compile(r"\b(?:omp_get_num_procs|hardware_concurrency|_SC_NPROCESSORS_\w+|"
                        r"get_nprocs(?:_conf)?|sched_getaffinity|pthread_getaffinity_np)\b")  # fmt: skip
# a race in that process at a call of more threads than the cores shown, in code that
# reads the core count: what the model reads
FEW_CORES_FIX = ("where the threads outnumber the cores (OMP_NUM_THREADS above them, a CPU limit "
                 "or affinity mask smaller than the team), a table sized by the cores "
                 "(omp_get_num_procs(), hardware_concurrency()) and indexed by the thread number "
                 "gives two threads one slot: size it by the team (omp_get_max_threads() before the "
                 "region, omp_get_num_threads() inside it) or start exactly as many threads as it "
                 "has slots (num_threads)")  # fmt: skip
PAIRED_NOTE = ("calls made two at a time from two threads, each its own input: static storage "
               "the calls share")  # fmt: skip
# a race in that process: what the model reads
PAIRED_RACE = ("two calls made at once (two threads of a caller, each its own input) share the "
               "candidate's static storage")  # fmt: skip
PAIRED_FIX = ("a function may be called from two threads at once: keep scratch in locals (or "
              "`thread_local`), not in a `static` or a global")  # fmt: skip
NOT_RUN = ("not run: the candidate has no OpenMP directive, omp_* call or thread, in its live code "
           "or its object (nothing can race)")  # fmt: skip
RACE_MAX_N = 4096
ACCESS = re.compile(
    r"(?P<kind>(?:Previous )?(?:atomic )?(?:[Ww]rite|[Rr]ead) of size \d+) at \S+ by (?P<who>[^:\n]+):"
)
FRAME = re.compile(
    r"#\d+ (?P<func>.+?) (?P<file>[^\s:]+\.(?:cpp|cc|c|h|hpp)):(?P<line>\d+)(?::\d+)?"
)


def race_unavailable() -> str | None:
    """Why race detection cannot run here, or None when it can."""
    if shutil.which("clang++") is None:
        return "clang++ not found (install the apt packages clang and libomp-dev)"
    if archer_library() is None:
        return "LLVM's Archer (libarcher.so) not found (install the apt package libomp-dev)"
    return None


def race_size(problem: Problem) -> int:
    if problem.race_sizes:
        return problem.race_sizes[0]
    sizes = [n for n in problem.test_sizes if n <= RACE_MAX_N]
    return max(sizes) if sizes else min(problem.test_sizes)


def summarize_races(stderr: str, code: str) -> tuple[str, list[int]]:
    """Model-facing summary: the racing lines of candidate.cpp, with their text."""
    src = code.splitlines()
    reports = stderr.split("WARNING: ThreadSanitizer: data race")[1:]
    lines: list[int] = []
    parts = []
    for rep in reports[:3]:
        accesses = []
        for m in ACCESS.finditer(rep):
            body = rep[m.end() :].split("\n\n", 1)[0]
            frame = next((f for f in FRAME.finditer(body) if "candidate" in f.group("file")), None)
            if frame:
                ln = int(frame.group("line"))
                lines.append(ln)
                text = src[ln - 1].strip() if 0 < ln <= len(src) else ""
                accesses.append(
                    f"{m.group('kind').lower()} at line {ln} `{text}` ({m.group('who')})"
                )
        if accesses:
            parts.append(" conflicts with ".join(accesses))
    if not parts:
        return "data race detected (ThreadSanitizer report had no candidate source lines)", lines
    more = f" ({len(reports) - 3} more reports)" if len(reports) > 3 else ""
    return "data race: " + "; ".join(parts) + more, sorted(set(lines))


def legacy_race_check(build: ProblemBuild, code: str, wall_s: float) -> StepResult:
    """The race step of before (one size, threads 2 and 4, one process each): kept for
    benchmarks/verify_overhead.py's comparison."""
    start = time.monotonic()
    reason = race_unavailable()
    if reason:
        return StepResult("race", True, None, f"skipped: race detection unavailable: {reason}",
                          reason, 0.0, skipped=True)  # fmt: skip
    problem = build.problem
    headers = build.headers
    harness = compile_object(harness_source(problem), headers=headers,
                             flags=TSAN_FLAGS + build.harness_flags, compiler="clang++",
                             source_name="harness.cpp")  # fmt: skip
    if not harness.ok:
        raise ProblemError(
            "problem.toml: args", f"the harness does not compile with clang:\n{harness.message}"
        )
    cand = compile_object(
        code,
        headers=headers,
        flags=TSAN_FLAGS + build.code_flags,
        compiler="clang++",
        source_name=candidate_name(problem),
    )
    # The harness compiled with clang, so a failure now is the candidate's own: code that
    # only the tested compiler accepts (or that fails on purpose under clang, `#error`)
    # is rejected. Skipping would pass it unchecked for races.
    if not cand.ok:
        return StepResult("race", False, Status.COMPILE_ERROR,
                          "the candidate does not compile for the race check (clang++ "
                          f"-fsanitize=thread; it must, as the tested build does):\n{cand.message}",
                          cand.log, time.monotonic() - start)  # fmt: skip
    assert harness.path is not None and cand.path is not None  # both compiled
    linked = link_binary([harness.path, cand.path], flags=("-fopenmp", "-fsanitize=thread"),
                         compiler="clang++", ldflags=problem.ldflags)  # fmt: skip
    if not linked.ok:
        return StepResult("race", False, Status.COMPILE_ERROR,
                          f"the candidate does not link for the race check: {linked.message}",
                          linked.log, time.monotonic() - start)  # fmt: skip
    assert linked.path is not None
    env: dict[str, str | None] = dict(sanitizer_env())  # as every harness run has it
    log = []
    sizes = problem.race_sizes or (race_size(problem),)
    plan = [(n, t) for n in sizes for t in (problem.race_threads or RACE_THREADS)]
    for n, threads in plan:
        assert linked.path is not None
        run = run_harness(linked.path, seed=7, n=n, pattern=problem.patterns[0], threads=threads,
                          wall_s=wall_s, memory_mb=None, env=env)  # fmt: skip
        res = run.result
        log.append(f"threads={threads} n={n}: {res.describe()}\n{res.stderr[:20000]}")
        if "ThreadSanitizer: data race" in res.stderr or res.returncode == TSAN_EXIT:
            msg, lines = summarize_races(res.stderr, code)
            msg += f" (n={n}, threads={threads})"
            return StepResult("race", False, Status.RACE, msg, "\n".join(log),
                              time.monotonic() - start, data={"lines": lines})  # fmt: skip
        if res.timed_out:
            return StepResult("race", False, Status.TIMEOUT,
                              f"timeout under the race detector (n={n}, threads={threads}, "
                              f"limit {wall_s:.0f}s): deadlock?", "\n".join(log),
                              time.monotonic() - start)  # fmt: skip
        if res.returncode != 0:
            return StepResult("race", False, Status.CRASH,
                              f"crash under the race detector (n={n}, threads={threads}): "
                              f"{res.describe()}\n{res.stderr[-800:]}", "\n".join(log),
                              time.monotonic() - start,
                              data={LAUNCHER_FAILED: True} if res.launcher_failed else {})  # fmt: skip
    shown = ", ".join(map(str, sizes))
    threads_shown = problem.race_threads or RACE_THREADS
    return StepResult("race", True, None, f"no data race found (n={shown}, threads {threads_shown})",
                      "\n".join(log), time.monotonic() - start)  # fmt: skip


# --------------------------------------------------------------------------- the race step

AT_SIZE_RUNS = 4  # processes when asked to run at given sizes only
RACE_WALL_FACTOR = 60.0  # an instrumented process may take this much longer than the reference
# stderr kept per process: every report, not just the first ones (task code gives ~450
# runtime task-memory-reuse reports of ~5 KB a process: 1 MB cut the last one short, which
# then named no heap block and read as a race)
RACE_OUTPUT_KB = 16384
ALLOCATORS = ("malloc", "calloc", "realloc", "operator new", "posix_memalign", "aligned_alloc",
              "memalign", "valloc", "__interceptor_")  # fmt: skip
# a run's wall limit where the reference's work must fit THRESHOLD_BUDGET_S: a loaded
# machine's scheduling stretches the wall, not the work
THRESHOLD_WALL_S = 4 * THRESHOLD_BUDGET_S + 1.0
REPORT_START = "WARNING: ThreadSanitizer: data race"
REPORT_END = "=================="


def race_reports(stderr: str) -> list[tuple[int, str]]:
    """(offset, text) of every whole data-race report in a TSan stderr (one cut off by
    the output limit is not: see `cut_report`)."""
    out = []
    pos = stderr.find(REPORT_START)
    while pos >= 0:
        nxt = stderr.find(REPORT_START, pos + 1)
        end = stderr.find(REPORT_END, pos)
        if end < 0 or (0 <= nxt < end):
            break  # cut off: its end (and the heap block it names) is not there
        out.append((pos, stderr[pos:end]))
        pos = nxt
    return out


def cut_report(stderr: str) -> bool:
    """Does the stderr end inside a race report (the output limit cut it)?"""
    last = stderr.rfind(REPORT_START)
    return last >= 0 and stderr.find(REPORT_END, last) < 0


def is_runtime_artifact(report: str) -> bool:
    """True when the racing memory is a heap block the OpenMP runtime allocated itself
    (task descriptors and their private copies): Archer cannot see the runtime hand a
    finished task's block to a new task, so a reuse reads as a race (LLVM 14 and 19)."""
    loc = report.find("Location is heap block")
    if loc < 0:
        return False
    for line in report[loc:].splitlines()[1:]:
        line = line.strip()
        if not line.startswith("#"):
            break
        if any(a in line for a in ALLOCATORS):
            continue
        return "libomp" in line or "__kmp" in line or "libgomp" in line
    return False


def _call_of(stderr: str, offset: int) -> int | None:
    """The call a multi-call process was in at `offset` of its stderr (`pcg-call k`)."""
    k = None
    for line in stderr[:offset].splitlines():
        if line.startswith("pcg-call "):
            try:
                k = int(line.split()[1])
            except (IndexError, ValueError):
                pass
    return k


def _where(k: int | None, calls: list[PlannedCall], order: tuple[int, ...],
           sizes: tuple[int, ...]) -> str:  # fmt: skip
    if k is None or k >= len(calls):
        return f"threads {list(order)}, n {list(sizes)}"
    c = calls[k]
    if not c.threads and k + 1 < len(calls):  # the paired process: calls k and k + 1 at once
        return (f"n={c.n}, pattern={c.pattern}, seeds {c.seed} and {calls[k + 1].seed}; calls "
                f"{k + 1} and {k + 2} of {len(calls)} in one process")  # fmt: skip
    return (f"n={c.n}, threads={c.threads}, pattern={c.pattern}, seed={c.seed}; "
            f"call {k + 1} of {len(calls)} in one process")  # fmt: skip


def _result(ok: bool, status: Status | None, msg: str, log: list[str], start: float,
            data: dict) -> StepResult:  # fmt: skip
    return StepResult("race", ok, status, msg, "\n".join(log), time.monotonic() - start,
                      data=data)  # fmt: skip


def _skip(msg: str, log: str, start: float, data: dict) -> StepResult:
    return StepResult("race", True, None, f"skipped: {msg}", log, time.monotonic() - start,
                      skipped=True, data=dict(data, unchecked=[msg]))  # fmt: skip


def _reference_links(build: ProblemBuild, tc: Toolchain, harness_obj) -> bool:
    problem = build.problem
    ref = compile_object(problem.reference_code, headers=build.headers,
                         flags=TSAN_FLAGS + build.code_flags, compiler=tc.clangxx or "clang++",
                         source_name=problem.source_file)  # fmt: skip
    if not ref.ok or ref.path is None:
        return False
    out = link_binary([harness_obj, ref.path], flags=("-fopenmp", "-fsanitize=thread"),
                      compiler=tc.clangxx or "clang++", ldflags=tc.link_flags() + problem.ldflags)  # fmt: skip
    return out.ok


def budgeted_reference(build: ProblemBuild, case: Case) -> HarnessRun | None:
    """The reference's run on `case` when its work fits THRESHOLD_BUDGET_S (the race step
    runs there), else None. Work is the run's CPU time: on a shared 2-core machine under
    load its wall was 1.5-3x that, and a size the race step should reach was dropped."""
    run = REFERENCES.try_get(build.reference_bin, case, wall_s=THRESHOLD_WALL_S)
    work = run.result.cpu_s or run.result.wall_s
    return run if run.ok and work <= THRESHOLD_BUDGET_S else None


def above_literals(build: ProblemBuild, code: str) -> tuple[int, ...]:
    """The sizes just above the literals `code` compares against (`if (n > 20000)`) above
    the problem's test sizes that the reference reaches within THRESHOLD_BUDGET_S (the
    race step's threshold sizes; difftest compares outputs there too)."""
    problem = build.problem

    def wall(n: int) -> float | None:
        run = budgeted_reference(build, Case(n, problem.patterns[0], 7))
        return None if run is None else run.result.wall_s

    found, _ = threshold_literals(problem, code, max(problem.test_sizes), wall)
    return tuple(lit + 1 for lit in found)


def race_check(build: ProblemBuild, code: str, wall_s: float, toolchain: Toolchain | None = None,
               at_sizes: tuple[int, ...] = (), compiled: ObjectThreads | None = None) -> StepResult:  # fmt: skip
    """Race-check `code` (see the module docstring); `wall_s` is the least wall time a
    process gets. `at_sizes`: run there only (each within the reference's budget; the
    others are named unchecked) instead of the planned sizes. `compiled`: the threading
    entry points of the tested object (`object_threads.py`): code whose text hides its
    OpenMP or threads (`_Pragma(#x)`, a namespace alias) is still run."""
    start = time.monotonic()
    problem = build.problem
    static = static_parallelism(code)
    data: dict = {"static": static.to_dict()}
    if compiled is not None:
        data["static"]["object_threads"] = list(compiled.symbols)
    hidden = compiled is not None and compiled.concurrent and not static.may_race
    # no concurrency of its own: only two callers at once can race, on static storage
    serial = not static.may_race and not hidden
    if serial:
        statics = _tested_statics(build, code, compiled)
        if not statics or not holds_two_callers(build.reference_obj):
            data["coverage"] = {"runs": 0, "serial": True}
            return _result(True, None, NOT_RUN, [], start, data)
    tc = toolchain or default_toolchain()
    data["toolchain"] = tc.to_dict()
    if not tc.ok or tc.clangxx is None:
        return _skip(f"race detection unavailable: {tc.describe()}", "", start, data)
    harness = compile_object(harness_source(problem), headers=build.headers,
                             flags=TSAN_FLAGS + build.harness_flags, compiler=tc.clangxx,
                             source_name="harness.cpp")  # fmt: skip
    if not harness.ok:
        raise ProblemError(
            "problem.toml: args", f"the harness does not compile with clang:\n{harness.message}"
        )
    # its edges call pcg_epochs.cpp (tools/race_aids.py)
    flags = TSAN_FLAGS + EPOCH_FLAGS + build.code_flags
    cand = compile_object(code, headers=build.headers, flags=flags + STRICT_FLAGS,
                          compiler=tc.clangxx, source_name=candidate_name(problem))  # fmt: skip
    if not cand.ok and only_strictness_errors(cand.log):  # `#endif X`: not about OpenMP
        cand = compile_object(code, headers=build.headers, flags=flags, compiler=tc.clangxx,
                              source_name=candidate_name(problem))  # fmt: skip
    lacking = None if cand.ok else unsupported_openmp(cand.log, code)
    if lacking is not None:
        return _skip(f"the race build's compiler (clang++ of LLVM {tc.version}) does not "
                     f"support OpenMP the candidate uses: {lacking}", cand.log, start, data)  # fmt: skip
    # The harness compiled with clang, so a failure now is the candidate's own: code that
    # only the tested compiler accepts (or that fails on purpose under clang, `#error`)
    # is rejected. Skipping would pass it unchecked for races.
    if not cand.ok:
        msg = ("the candidate does not compile for the race check (clang++ -fsanitize=thread; "
               f"it must, as the tested build does):\n{cand.message}")  # fmt: skip
        return StepResult("race", False, Status.COMPILE_ERROR, msg, cand.log,
                          time.monotonic() - start, data=data)  # fmt: skip
    aids = [aid_object(source, tc.clangxx) for source in (EPOCHS_SOURCE, ROUND_ROBIN_SOURCE)]
    for aid in aids:
        if not aid.ok or aid.path is None:
            return _skip(f"the race build's runtime aids do not compile with {tc.clangxx}: "
                         f"{aid.message[:300]}", aid.log, start, data)  # fmt: skip
    epochs, dealer = (a.path for a in aids)
    assert harness.path is not None and cand.path is not None and epochs and dealer
    objects = [harness.path, cand.path, epochs]
    linked = link_binary(objects, flags=("-fopenmp", "-fsanitize=thread"),
                         compiler=tc.clangxx, ldflags=tc.link_flags() + problem.ldflags)  # fmt: skip
    dealt = linked  # (serial code: its paired process runs this build only)
    if linked.ok and not serial:  # the same, its dynamic loops dealt round robin
        dealt = link_binary([*objects, dealer], flags=("-fopenmp", "-fsanitize=thread"),
                            compiler=tc.clangxx, ldflags=tc.link_flags() + problem.ldflags)  # fmt: skip
        linked = dealt if not dealt.ok else linked
    if not linked.ok:
        # the candidate's fault only if the reference links with the same toolchain
        if _reference_links(build, tc, harness.path):
            return StepResult("race", False, Status.COMPILE_ERROR,
                              f"the candidate does not link for the race check: {linked.message}",
                              linked.log, time.monotonic() - start, data=data)  # fmt: skip
        return _skip(f"the instrumented build does not link with {tc.describe()}", linked.log,
                     start, data)  # fmt: skip

    ref_walls: dict[int, float] = {}

    def reference_wall(n: int) -> float | None:
        run = budgeted_reference(build, Case(n, problem.patterns[0], 7))
        if run is None:
            return None
        ref_walls[n] = run.result.wall_s
        return run.result.wall_s

    tasks = compiled is not None and compiled.tasks
    # serial code: the paired process only (no thread counts, sizes or literals to cover)
    plan = (paired_plan(problem, code, reference_wall) if serial
            else plan_race(problem, code, reference_wall, tasks=tasks or None))  # fmt: skip
    if at_sizes and not serial:
        reached = tuple(n for n in at_sizes if reference_wall(n) is not None)
        missed = tuple(f"n={n} (the reference fails or needs more than {THRESHOLD_BUDGET_S}s of CPU "
                       "there)" for n in at_sizes if n not in reached)  # fmt: skip
        # one size, a large one: the calls are few, so more of them (a race there went
        # unreported in 4 of 40 two-process runs under load)
        # (outputs compared there too, where the reference runs within its budget)
        plan = replace(plan, sizes=reached, thresholds=(), unreached=(), wide=None, extra=reached,
                       runs=max(plan.runs, AT_SIZE_RUNS), repeats=max(plan.repeats, 2))  # fmt: skip
        if not reached:
            data["coverage"] = plan.to_dict()
            return _skip(f"race not run at {'; '.join(missed)}", "", start, data)
        if missed:
            data["unchecked"] = [f"race not run at {m}" for m in missed]
    data["coverage"] = plan.to_dict()
    if serial:
        data["coverage"]["paired_only"] = True
    if plan.unreached:
        data["unchecked"] = [f"race above {u}" for u in plan.unreached]
    assert linked.path is not None and dealt.path is not None
    statics = static_storage(cand.path)
    if statics:
        data["static"]["static_storage"] = list(statics)
    paired = serial or (bool(statics) and holds_two_callers(build.reference_obj))
    data["coverage"]["paired_processes"] = int(paired)  # named by a failing verdict too
    return _run_plan(build, code, tc, (linked.path, dealt.path), plan, wall_s, ref_walls, data,
                     start, paired=paired)  # fmt: skip


def _tested_statics(build: ProblemBuild, code: str, compiled: ObjectThreads | None
                    ) -> tuple[str, ...]:  # fmt: skip
    """The writable static storage of the tested build's object (g++'s, compiled and cached
    by the compile step; compiled here when the caller did not pass its `compiled`)."""
    if compiled is not None:
        return compiled.statics
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler,
                         source_name=candidate_name(build.problem))  # fmt: skip
    return object_threads(obj.path).statics if obj.ok and obj.path is not None else ()


def _shared_names(statics: list[str]) -> str:
    """The static storage a paired race names (guard variables left out), at most 3."""
    names = [s for s in statics if not s.startswith("guard variable for ")] or statics
    shown = ", ".join(f"`{s}`" for s in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


PAIRED_HISTORY = 7  # TSan's history_size in the paired process (every other: build.py's)


def paired_env(env: dict[str, str | None]) -> dict[str, str | None]:
    """The paired process's environment: a longer TSan history. Two calls of a second
    each (a serial DFT of 1025 points, scratch in a static) made at once raced unreported
    in 2 of 4 runs with the default: the first call's access to the shared word was gone
    from its thread's history when the second's met it (4 of 4 with this; two threads, so
    the memory is small)."""
    options = re.sub(r"history_size=\d+", f"history_size={PAIRED_HISTORY}",
                     env.get("TSAN_OPTIONS") or "")  # fmt: skip
    return dict(env, TSAN_OPTIONS=options)


def _paired_calls(plan: RacePlan, pattern: str, seed: int) -> list[PlannedCall]:
    """The paired process's calls: two inputs of each declared race size and of each size
    above the test sizes where outputs are compared (just above a literal: static scratch
    used only for large inputs), made at once."""
    above = plan.above()
    sizes = [n for n in plan.sizes if n in plan.declared or n in above] or list(plan.sizes[:1])
    return [PlannedCall(seed + j, n, pattern, 0) for n in sizes for j in range(2)]


def _run_plan(build: ProblemBuild, code: str, tc: Toolchain, binaries: tuple[Path, Path],
              plan: RacePlan, wall_s: float, ref_walls: dict[int, float], data: dict,
              start: float, paired: bool = False) -> StepResult:  # fmt: skip
    """The plan's processes; `paired` (the candidate has static storage): one more, whose
    calls are made two at a time from two threads (each its own input; nested regions off,
    so each call's team is one thread): storage the calls share without order is a race."""
    problem = build.problem
    # the environment every harness run has (the race build is not told apart by it)
    env: dict[str, str | None] = dict(sanitizer_env())
    log: list[str] = []
    artifacts = 0
    runtime_crashes: list[str] = []  # processes that crashed in libomp once, not again
    max_threads = 0
    above = plan.above()
    calls_done = 0
    compared = 0
    # the cores each process shows (named by a failing verdict too): FEW_CORES for every
    # call, or each call's thread count ("threads"); the paired process's calls set none
    data.setdefault("coverage", {})["cores_shown"] = [
        FEW_CORES if r == FEW_CORES_RUN else "threads" for r in range(plan.runs)
    ] + (["machine"] if paired else [])
    for r in range(plan.runs + paired):
        pattern = problem.patterns[r % len(problem.patterns)]
        seed = 7 + 1000 * r
        order = plan.threads[r % len(plan.threads) :] + plan.threads[: r % len(plan.threads)]
        pairs = r == plan.runs
        # above a literal (sizes no difftest call reaches) the second and later thread
        # counts get another input: state kept across calls there (a result cached by
        # size only above the test sizes) returns the first input's result
        calls = [PlannedCall(seed + 1 if j and n in above else seed, n, pattern, t)
                 for j, t in enumerate(order) for n in plan.sizes
                 for _ in range(plan.repeats)]  # fmt: skip
        if plan.wide is not None:
            calls.append(PlannedCall(seed, plan.wide[0], pattern, plan.wide[1]))
        if pairs:
            calls = _paired_calls(plan, pattern, seed)
        refs: dict[tuple[int, int], HarnessRun] = {}
        for c in calls:
            key = (c.n, c.seed)
            if key in refs:
                continue
            if c.n in plan.declared:
                refs[key] = REFERENCES.get(build.reference_bin, Case(c.n, pattern, c.seed))
            elif c.n in above:  # compared where the reference runs within the budget
                ref = budgeted_reference(build, Case(c.n, pattern, c.seed))
                if ref is not None and ref.outputs is not None:
                    refs[key] = ref
        est = sum(refs[(c.n, c.seed)].result.wall_s if (c.n, c.seed) in refs
                  else ref_walls.get(c.n, 0.05) for c in calls)  # fmt: skip
        wall = max(wall_s, RACE_WALL_FACTOR * est)
        # every second process allows nested teams (the default is one active level): an
        # inner region's race shows only when its team has more than one thread; the others
        # run the build that deals dynamic loops' chunks round robin (a thread late under
        # load ran none)
        run_env = (dict(env, OMP_MAX_ACTIVE_LEVELS=NESTED_LEVELS, OMP_CANCELLATION="true")
                   if r % 2 and not pairs else paired_env(env) if pairs else env)  # fmt: skip
        binary = binaries[0] if r % 2 or pairs else binaries[1]
        note = PAIRED_NOTE if pairs else NESTED_NOTE if r % 2 else ROUND_ROBIN_NOTE
        few = r == FEW_CORES_RUN and not pairs  # more threads than the cores shown
        if few:
            note += f"; {FEW_CORES_NOTE}"
        for attempt in range(2):
            run = run_harness(binary, seed=seed, n=calls[0].n, pattern=pattern,
                              threads=max(plan.threads), wall_s=wall, memory_mb=None, env=run_env,
                              plan=harness_plan(calls, pairs=pairs, cores=FEW_CORES if few else 0,
                                                fixed_cores=few),
                              output_kb=RACE_OUTPUT_KB,
                              ok_codes=(0, TSAN_EXIT))  # fmt: skip
            res = run.result
            again = " (again: the first crashed in the OpenMP runtime)" if attempt else ""
            log.append(f"run {r + 1}{again}: {len(calls)} calls (n {sorted({c.n for c in calls})}, "
                       f"threads {list(order)}, pattern {pattern}, seed {seed}, {note}): "
                       f"{res.describe()}"
                       f"\n{res.stderr[:20000]}")  # fmt: skip
            reports = race_reports(res.stderr)
            real = [(off, text) for off, text in reports if not is_runtime_artifact(text)]
            # a crash in libomp is run again (a race reported before it stands)
            if run.ok or real or not runtime_crashed(res.stderr):
                break
            if not attempt:  # the repeat crashes too (the candidate's) or runs clean
                runtime_crashes.append(f"run {r + 1}")
        artifacts += len(reports) - len(real)

        def where(k: int | None, calls: list[PlannedCall] = calls, order=order,
                  note: str = note) -> str:  # fmt: skip
            return _where(k, calls, order, tuple(sorted({c.n for c in calls}))) + f" ({note})"

        if real:
            first = real[0][0]
            msg, lines = summarize_races("\n".join(t for _, t in real), code)
            msg += f" ({where(_call_of(res.stderr, first))})"
            if pairs:  # correct for one caller, wrong for two at once
                shared = _shared_names(data["static"].get("static_storage", []))
                msg = f"{PAIRED_RACE}{f' ({shared})' if shared else ''}: {msg}; {PAIRED_FIX}"
            k = _call_of(res.stderr, first)
            if (few and k is not None and k < len(calls) and calls[k].threads > FEW_CORES
                    and CORE_COUNT.search(code)):  # fmt: skip
                msg += f"; {FEW_CORES_FIX}"
            data.update(lines=lines, artifacts_ignored=artifacts)
            return _result(False, Status.RACE, msg, log, start, data)
        if res.stderr_truncated or cut_report(res.stderr):
            return _skip(f"the race detector's reports were cut off at {RACE_OUTPUT_KB} KB "
                         f"({len(reports)} read, {artifacts} of them runtime task-memory-reuse "
                         f"reports; {where(_call_of(res.stderr, len(res.stderr)))})",
                         "\n".join(log), start, data)  # fmt: skip
        if res.timed_out:
            msg = (f"timeout under the race detector ({where(_call_of(res.stderr, len(res.stderr)))}, "
                   f"limit {wall:.0f}s): deadlock?")  # fmt: skip
            return _result(False, Status.TIMEOUT, msg, log, start, data)
        if not run.ok and archer_crashed(res.stderr):
            k = _call_of(res.stderr, len(res.stderr))
            return _skip(f"the race detector (Archer of LLVM {tc.version}) crashed in its own "
                         f"code on this candidate ({where(k)}; a `teams` region?)", "\n".join(log),
                         start, data)  # fmt: skip
        if not run.ok:
            k = _call_of(res.stderr, len(res.stderr))
            twice = " (in two runs of this process)" if runtime_crashed(res.stderr) else ""
            msg = (f"crash under the race detector{twice} ({where(k)}): {run.error}\n"
                   f"{res.stderr[-800:]}")  # fmt: skip
            return _result(False, Status.CRASH, msg, log, start, data)
        assert run.outputs is not None
        for k, got in enumerate(split_calls(run.outputs, len(calls))):
            calls_done += 1
            c = calls[k]
            live = got.get(THREADS_KEY)
            # (the paired process's two threads are the harness's own, not the candidate's)
            if isinstance(live, np.ndarray) and len(live) and not pairs:
                max_threads = max(max_threads, int(live[0]))
            changed = sorted(n[len(CHANGED_PREFIX) :] for n in got if n.startswith(CHANGED_PREFIX))
            if changed:
                msg = f"the candidate changed const input {', '.join(changed)} ({where(k)})"
                return _result(False, Status.WRONG_OUTPUT, msg, log, start, data)
            if (c.n, c.seed) not in refs:
                continue
            ref = refs[(c.n, c.seed)]
            assert ref.outputs is not None
            mismatch = compare_outputs(problem, ref.outputs, got, c.n)
            compared += 1
            if mismatch is not None:
                why = ("a race between threads or SIMD lanes that this compiler exposes, or "
                       "code whose result depends on the compiler")  # fmt: skip
                if c.n in above and any(o.n == c.n and o.seed != c.seed for o in calls[:k]):
                    why = (f"the second input of size {c.n} in this process, above the test "
                           "sizes: state kept across calls (a result cached by size)?")  # fmt: skip
                msg = (f"wrong output in the instrumented build (clang++ -O1 -fsanitize=thread, "
                       f"{where(k)}): {mismatch.message} ({why})")  # fmt: skip
                return _result(False, Status.WRONG_OUTPUT, msg, log, start, data)
    cov = data["coverage"]
    cov.update(calls=calls_done, outputs_compared=compared, artifacts_ignored=artifacts,
               max_threads_seen=max_threads, runtime_crashes_not_repeated=runtime_crashes,
               round_robin_processes=(plan.runs + 1) // 2, paired_processes=int(paired))  # fmt: skip
    msg = (f"no data race found ({plan.runs} processes x threads {', '.join(map(str, plan.threads))}"
           f" x n {', '.join(map(str, plan.sizes))}"
           f"{'; 1 process of calls two at a time (static storage)' if paired else ''}; "
           f"{compared} outputs compared)")  # fmt: skip
    if plan.runs > FEW_CORES_RUN:
        msg += (f"; cores shown: {FEW_CORES} to every call of process {FEW_CORES_RUN + 1} (more "
                "threads than cores), each call's thread count in the others")  # fmt: skip
    if not plan.runs:  # serial code with static storage: the paired process only
        msg = (f"no data race found between two calls made at once (the candidate has no OpenMP "
               f"directive, omp_* call or thread but defines static storage: 1 process of "
               f"{calls_done} calls two at a time from two threads, n "
               f"{', '.join(map(str, plan.sizes))}; {compared} outputs compared)")  # fmt: skip
    if artifacts:
        msg += f"; {artifacts} runtime task-memory-reuse reports ignored"
    if runtime_crashes:
        msg += (f"; {', '.join(runtime_crashes)} crashed in the OpenMP runtime (libomp) and "
                "ran clean when repeated")  # fmt: skip
    if plan.unreached:
        msg += f"; not reached: {'; '.join(plan.unreached)}"
    return _result(True, None, msg, log, start, data)
