"""Race detection with clang's ThreadSanitizer and LLVM's Archer (OpenMP-aware).

Missing clang or Archer makes the step `skipped` with a loud reason: it never passes
silently.
"""

from __future__ import annotations

import re
import shutil
import time

from parcodegen.errors import ProblemError
from parcodegen.tools.build import (
    TSAN_EXIT,
    ProblemBuild,
    archer_library,
    candidate_name,
    run_harness,
    sanitizer_env,
)
from parcodegen.tools.compile import TSAN_FLAGS, compile_object, link_binary
from parcodegen.tools.harness import harness_source
from parcodegen.types import LAUNCHER_FAILED, Problem, Status, StepResult

RACE_THREADS = (2, 4)
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


def race_check(build: ProblemBuild, code: str, wall_s: float) -> StepResult:
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
