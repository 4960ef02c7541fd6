"""Build a problem's harness and reference, and run a harness binary on one input.

`ProblemBuild` is made once per problem (and flags) and cached; candidates link their
object against its harness object.
"""

from __future__ import annotations

import glob
import itertools
import dataclasses
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from parcodegen.errors import ProblemError
from parcodegen.paths import HARNESS_INCLUDE
from parcodegen.errors import InfraError
from parcodegen.paths import cache_dir
from parcodegen.sandbox.run import HarnessIO, Limits, RunResult, Workdir, run
from parcodegen.tools.compile import GCC_FLAGS, compile_object, link_binary, link_flags
from parcodegen.tools.harness import (
    CORES_HEADER,
    GUARD_HEADER,
    HARNESS_HEADER,
    PRELUDE_HEADER,
    harness_source,
)
from parcodegen.tools.toolchain import default_toolchain
from parcodegen.tools.outputs import OutputFormatError, read_outputs
from parcodegen.types import Problem

HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".inc", ".ipp")
RUN_MEMORY_MB = 8192
RUN_FILE_MB = 2048  # the largest results file
RUN_RESIDENT_MB = 8192  # the run's cgroup memory limit (TSan included)
RUN_WORKDIR_MB = 256  # the work directory holds the programs and what they write there


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def problem_headers(problem: Problem) -> dict[str, bytes]:
    """The harness's headers plus every header in the problem directory (top level)."""
    own = (HARNESS_HEADER, CORES_HEADER, GUARD_HEADER)
    headers = {name: (HARNESS_INCLUDE / name).read_bytes() for name in own}
    for path in sorted(problem.directory.iterdir()):
        if path.is_file() and path.suffix in HEADER_SUFFIXES:
            headers[path.name] = path.read_bytes()
    if problem.prelude:
        guard = "PCG_PRELUDE_H"
        text = f"#ifndef {guard}\n#define {guard}\n{problem.prelude.rstrip()}\n#endif\n"
        headers[PRELUDE_HEADER] = text.encode()
    return headers


def candidate_name(problem: Problem) -> str:
    """The file name a candidate is compiled under: its language follows the reference's."""
    return "candidate.c" if problem.language == "c" else "candidate.cpp"


def harness_extra_flags(problem: Problem) -> tuple[str, ...]:
    """Flags every compile of this problem needs: its macros (`defines`)."""
    return tuple(f"-D{d}" for d in problem.defines)


def code_extra_flags(problem: Problem) -> tuple[str, ...]:
    """Flags for the reference and candidates: macros, and the prelude included first."""
    prelude = ("-include", PRELUDE_HEADER) if problem.prelude else ()
    return harness_extra_flags(problem) + prelude


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def drop_prelude(code: str, prelude: str) -> str:
    """The candidate without a verbatim copy of the prelude (every compile includes it):
    a reply that repeats the surrounding file must not define its types twice."""
    if not prelude.strip():
        return code
    if prelude in code:
        return code.replace(prelude, "", 1)
    lines = [ln for ln in prelude.strip().splitlines() if ln.strip()]
    if _squash(prelude) not in _squash(code):
        return code
    # same text, other whitespace: drop the lines from the first to the last prelude line
    first, last = lines[0].strip(), lines[-1].strip()
    code_lines = code.splitlines(keepends=True)
    for i, ln in enumerate(code_lines):
        if ln.strip() == first:
            for j in range(i, len(code_lines)):
                if code_lines[j].strip() == last and _squash(
                    "".join(code_lines[i : j + 1])
                ) == _squash(prelude):
                    return "".join(code_lines[:i] + code_lines[j + 1 :])
    return code


@dataclass(frozen=True)
class ProblemBuild:
    problem: Problem
    headers: dict[str, bytes]
    flags: tuple[str, ...]
    compiler: str
    harness_obj: Path
    reference_obj: Path
    reference_bin: Path
    harness_flags: tuple[str, ...] = ()  # the problem's own flags for a harness compile
    code_flags: tuple[str, ...] = ()  # ... and for reference/candidate compiles (in `flags`)


_builds: dict[tuple, ProblemBuild] = {}
_builds_lock = threading.Lock()


def build_problem(
    problem: Problem, flags: tuple[str, ...] = GCC_FLAGS, compiler: str = "g++"
) -> ProblemBuild:
    """Compile harness and reference; a failure is the problem's fault (ProblemError)."""
    headers = problem_headers(problem)
    key = (
        str(problem.directory),
        problem.reference_code,
        flags,
        compiler,
        tuple(sorted(headers.items())),
        harness_source(problem),  # a problem.toml edited in place makes another harness
        problem.ldflags,
        problem.defines,
        problem.language,
    )
    with _builds_lock:
        if key in _builds:  # the same build; the problem's comparison rules may differ
            return dataclasses.replace(_builds[key], problem=problem)
    harness_flags = harness_extra_flags(problem)
    code_flags = code_extra_flags(problem)
    ref = compile_object(problem.reference_code, headers=headers, flags=flags + code_flags,
                         compiler=compiler, source_name=problem.source_file)  # fmt: skip
    if not ref.ok:
        raise ProblemError(
            f"{problem.source_file}", f"the reference does not compile:\n{ref.message}"
        )
    harness = compile_object(harness_source(problem), headers=headers, flags=flags + harness_flags,
                             compiler=compiler, source_name="harness.cpp")  # fmt: skip
    if not harness.ok:
        raise ProblemError(
            "problem.toml: args",
            "the harness generated from the declared arguments does not compile "
            f"(do the declared types match the function's signature?):\n{harness.message}",
        )
    assert harness.path is not None and ref.path is not None  # compiled: both have objects
    linked = link_binary([harness.path, ref.path], flags=link_flags(flags), compiler=compiler,
                         ldflags=problem.ldflags)  # fmt: skip
    if not linked.ok:
        raise ProblemError(
            f"{problem.source_file}",
            f"the reference does not link with the harness:\n{linked.message}",
        )
    assert linked.path is not None
    build = ProblemBuild(problem, headers, flags + code_flags, compiler, harness.path, ref.path,
                         linked.path, harness_flags, code_flags)  # fmt: skip
    with _builds_lock:
        _builds[key] = build
    return build


@dataclass(frozen=True)
class HarnessRun:
    result: RunResult
    outputs: dict | None  # name -> numpy array (or SampledArray), None when the run failed
    error: str | None  # why there are no outputs
    call_times: tuple[float, ...] = ()  # seconds of each call, measured by the launcher

    @property
    def ok(self) -> bool:
        return self.outputs is not None

    @property
    def call_s(self) -> float:
        """The timed call(s) in seconds (the launcher's clock), NaN when there is none."""
        return sum(self.call_times) if self.call_times else float("nan")

    @property
    def outside_s(self) -> float:
        """The run's wall time outside the timed call(s): start-up, inputs, outputs, exit."""
        return self.result.wall_s - self.call_s


def call_times(events: tuple[tuple[str, float], ...]) -> tuple[tuple[float, ...], str | None]:
    """(the calls' durations, None) from the launcher's events, or ((), what is wrong).

    The harness says 'R' once, then 'S' and 'E' around each call; anything else (a code
    the harness never sends, an 'E' without an 'S', a second 'R') can only come from the
    candidate's code writing to the event descriptor, and the run is not trusted.
    """
    codes = "".join(code for code, _ in events)
    bad = f"the program broke the harness protocol (events {codes[:40]!r})"
    if not codes.startswith("R") or "R" in codes[1:]:
        return (), bad
    times, start = [], None
    for code, t in events[1:]:
        if code == "S" and start is None:
            start = t
        elif code == "E" and start is not None:
            times.append(t - start)
            start = None
        else:
            return (), bad
    if start is not None or not times:
        return (), bad
    return tuple(times), None


def harness_params(seed: int, n: int, pattern: str, samples: int, plan: str | None = None,
                   inputs: str | None = None) -> bytes:  # fmt: skip
    """What the launcher sends on the program's stdin once it has started (`inputs`:
    "save" or "load", see tools.stored_inputs; None: the program makes them)."""
    text = f"seed {seed}\nn {max(0, n)}\npattern {pattern}\nsamples {max(0, samples)}\n"
    if plan is not None:
        text += f"plan {plan}\n"
    if inputs is not None:
        text += f"inputs {inputs}\n"
    return text.encode()


TSAN_EXIT = 66  # a race build's exit status when ThreadSanitizer reported a race


@lru_cache(maxsize=1)
def archer_library() -> str | None:
    found = sorted(glob.glob("/usr/lib/llvm-*/lib/libarcher.so"))
    return found[-1] if found else None


def sanitizer_env() -> dict[str, str]:
    """What the race build needs in its environment, set for every harness run: a
    program cannot tell the race build from the tested one by its environment (the
    others ignore these variables)."""
    return {
        # (the shared libraries are ignored by the harness's suppressions: tools/harness.py)
        "TSAN_OPTIONS": f"ignore_noninstrumented_modules=0 exitcode={TSAN_EXIT} "
        "report_signal_unsafe=0 halt_on_error=0 history_size=3",
        "OMP_TOOL_LIBRARIES": default_toolchain().archer or archer_library() or "",
        # LLVM's libomp (the race build) adjusts a dynamic team by the machine's load,
        # counting processes in /proc, and aborts (z_Linux_util.cpp assertion) when the
        # sandbox's /proc (own PID namespace, hidepid=2) shows only the program itself:
        # a candidate calling omp_set_dynamic(1) crashed there and nowhere else. The
        # thread-limit mode reads nothing; libgomp (the tested build) ignores the variable.
        "KMP_DYNAMIC_MODE": "thread_limit",
        # libomp's default (queuing) omp_lock_t spins, then yields, on a 2-core machine
        # under load: a lock per element ran 6x slower than libgomp's futex locks in the
        # path probe's build (tools/path_probe.py) and timed it out; the futex kind is
        # what libgomp does.
        "KMP_LOCK_KIND": "futex",
    }


def results_file() -> IO[bytes]:
    """An unnamed file for one run's output records, in a directory only we can enter."""
    d = cache_dir("results")
    os.chmod(d, 0o700)
    return tempfile.TemporaryFile(dir=d)


def run_harness(
    binary: Path,
    *,
    seed: int,
    n: int,
    pattern: str,
    threads: int,
    wall_s: float,
    memory_mb: int | None = RUN_MEMORY_MB,
    env: Mapping[str, str | None] | None = None,
    samples: int = 0,
    plan: str | None = None,
    workdir: Workdir | None = None,
    output_kb: int = 32,
    ok_codes: tuple[int, ...] = (0,),
    inputs_fd: int | None = None,
) -> HarnessRun:
    """Run a harness binary once in a sandbox and read its outputs.

    `samples` > 0 asks the harness to write a seeded sample of that many elements of each
    longer output array (outputs.SampledArray) instead of the whole array; 0 writes
    them in full. The parameters reach the program only after it has started, its
    outputs come back through a descriptor on a file outside the work directory, and
    each call is timed by the launcher (`HarnessRun.call_times`). `plan` (tools.harness.harness_plan) makes several
    calls in the one process. `env` adds variables (None removes one of the defaults,
    e.g. OMP_NUM_THREADS). `workdir` runs in a directory shared with other runs (what
    one run leaves there the next one sees); by default every run gets a fresh one.
    `inputs_fd`: the program reads its inputs from these stored bytes (a sealed file,
    tools.stored_inputs) instead of making them; they must be of the same (seed, n,
    pattern).
    """
    final_env = harness_env(threads, env)
    limits = harness_limits(wall_s, memory_mb, output_kb)
    if workdir is not None:
        return _run_in(workdir, binary, seed, n, pattern, limits, final_env, samples, plan,
                       ok_codes, inputs_fd)  # fmt: skip
    with Workdir("run", size_mb=RUN_WORKDIR_MB) as wd:
        return _run_in(wd, binary, seed, n, pattern, limits, final_env, samples, plan, ok_codes,
                       inputs_fd)  # fmt: skip


def harness_env(threads: int, env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The environment of every harness run (`env` adds to it; None removes a default)."""
    run_env: dict[str, str | None] = {
        "OMP_NUM_THREADS": str(threads),
        "OMP_WAIT_POLICY": "passive",
        "OMP_DYNAMIC": "false",
        **sanitizer_env(),
    }
    run_env.update(env or {})
    return {k: v for k, v in run_env.items() if v is not None}


# Processes + threads of one harness run (the sandbox uid's RLIMIT_NPROC and the cgroup's
# pids.max). Correct nested parallelism at the difftest's many-threads variant creates
# 65 x 65 threads (omp_set_max_active_levels(2), default team sizes): the sandbox's
# default of 256 made libgomp fail "Thread creation failed" and called that code a crash.
# Memory (the cgroup) and wall time still bound a thread bomb.
HARNESS_NPROC = 8192


def harness_limits(wall_s: float, memory_mb: int | None = RUN_MEMORY_MB,
                   output_kb: int = 32) -> Limits:  # fmt: skip
    return Limits(wall_s=wall_s, memory_mb=memory_mb, file_mb=RUN_FILE_MB, output_kb=output_kb,
                  resident_mb=RUN_RESIDENT_MB, workdir_mb=RUN_WORKDIR_MB,
                  nproc=HARNESS_NPROC)  # fmt: skip


_out_counter = itertools.count()


def _run_in(wd: Workdir, binary: Path, seed: int, n: int, pattern: str, limits: Limits,
            env: dict[str, str], samples: int, plan: str | None,
            ok_codes: tuple[int, ...] = (0,), inputs_fd: int | None = None) -> HarnessRun:  # fmt: skip
    # a fresh name every run: in a shared work dir an earlier run may have replaced
    # what it found there (the parent never runs or reads a file the program could touch)
    prog = f"prog-{binary.stem}-{next(_out_counter)}"
    wd.add(prog, binary)
    with results_file() as results:
        mode = "load" if inputs_fd is not None else None
        io = HarnessIO(harness_params(seed, n, pattern, samples, plan, mode), results, inputs_fd)
        res = run([f"./{prog}"], wd, limits, env=env, harness=io)
        if res.launcher_failed:
            raise InfraError(f"the sandbox launcher failed: {'; '.join(res.notes)}")
        if res.timed_out or res.returncode not in ok_codes:
            return HarnessRun(res, None, res.describe())
        times, why = call_times(res.events)
        if why is not None:
            return HarnessRun(res, None, why)
        try:
            outputs = read_outputs(results)
        except OutputFormatError as exc:
            return HarnessRun(res, None, str(exc))
    return HarnessRun(res, outputs, None, times)
