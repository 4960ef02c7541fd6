"""Differential testing: reference and candidate harnesses on the same inputs.

Every test size x input pattern x seed, at several thread counts (1, 2 and more threads
than cores). Reference outputs are computed once per input (the reference is serial)
and cached in memory. A failure names the seed, size, pattern, threads and the first
differing element.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from parcodegen.errors import ProblemError
from parcodegen.tools.build import HarnessRun, ProblemBuild, cores, run_harness
from parcodegen.tools.outputs import compare_outputs
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

    def describe(self, threads: int) -> str:
        return f"n={self.n}, seed={self.seed}, pattern={self.pattern}, threads={threads}"


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
        key = (binary.name, case)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        run = run_harness(binary, seed=case.seed, n=case.n, pattern=case.pattern, threads=1,
                          wall_s=REFERENCE_WALL_S)  # fmt: skip
        if not run.ok:
            raise ProblemError(
                "problem.toml: sizes.test",
                f"the reference itself fails on n={case.n}, pattern={case.pattern}: {run.error}\n"
                f"{run.result.stderr[:500]}",
            )
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
    lines = text.splitlines()[-8:]
    return "\nstderr (last lines):\n" + "\n".join(lines)


def difftest(
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
