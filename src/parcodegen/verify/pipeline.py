"""The verification pipeline: cheap steps first, stop at the first failure.

extract (for raw LLM replies) > compile > interface > difftest > race > timing.
A candidate's fault is a Verdict; a harness fault is an `infra_error` Verdict (never
the model's mistake); a malformed problem raises ProblemError.
"""

from __future__ import annotations

from dataclasses import dataclass

from parcodegen.errors import InfraError
from parcodegen.tools.build import ProblemBuild, build_problem
from parcodegen.tools.compile import GCC_FLAGS, compile_object, link_binary, link_flags
from parcodegen.tools.difftest import difftest
from parcodegen.tools.extract import extract_code
from parcodegen.tools.interface import check_interface
from parcodegen.tools.race import race_check
from parcodegen.tools.timing import TIMING_SAMPLES, measure
from parcodegen.types import Candidate, Problem, Status, StepResult, Verdict

RACE_WALL_FACTOR = 60.0
MIN_RACE_WALL_S = 30.0


@dataclass(frozen=True)
class VerifyOptions:
    threads: int | None = None  # timing threads; default: the machine's cores
    timing: bool = True
    race: bool = True
    timing_reps: int = 5
    warmup: int = 1
    timing_samples: int = (
        TIMING_SAMPLES  # elements compared per output after the first timed run; 0: all
    )
    difftest_threads: tuple[int, ...] | None = None  # default (1, 2, 2*cores+1)
    seeds: int = 1  # seeds per (size, pattern)
    difftest: bool = True  # False only to time a candidate that already passed the checks
    extract: bool = False  # the candidate's code is a raw LLM reply
    flags: tuple[str, ...] = GCC_FLAGS
    compiler: str = "g++"


def _compile_step(build: ProblemBuild, code: str) -> tuple[StepResult, object]:
    out = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    if out.timed_out:
        step = StepResult("compile", False, Status.TIMEOUT, "compilation timed out (template explosion?)",
                          out.log, out.seconds)  # fmt: skip
        return step, None
    if not out.ok:
        return StepResult(
            "compile", False, Status.COMPILE_ERROR, out.message, out.log, out.seconds
        ), None
    note = "compiled (cached)" if out.cached else "compiled"
    return StepResult(
        "compile", True, None, note, out.log, out.seconds, data={"cached": out.cached}
    ), out.path


def _link_step(build: ProblemBuild, obj) -> tuple[StepResult | None, object]:
    out = link_binary([build.harness_obj, obj], flags=link_flags(build.flags), compiler=build.compiler,
                      ldflags=build.problem.ldflags)  # fmt: skip
    if not out.ok:
        msg = f"link error: {out.message}"
        return StepResult("link", False, Status.COMPILE_ERROR, msg, out.log, out.seconds), None
    return None, out.path


def _verdict(steps: list[StepResult], measurement=None) -> Verdict:
    for s in steps:
        if not s.ok and not s.skipped:
            return Verdict(s.status or Status.INFRA_ERROR, tuple(steps), measurement)
    return Verdict(Status.PASS, tuple(steps), measurement)


def verify(
    problem: Problem, candidate: Candidate, options: VerifyOptions = VerifyOptions()
) -> Verdict:
    """Decide whether `candidate` is a correct (and how much faster) replacement."""
    steps: list[StepResult] = []
    try:
        code = candidate.code
        if options.extract:
            ex = extract_code(code, problem.function)
            steps.append(ex)
            if not ex.ok:
                return _verdict(steps)
            code = ex.data["code"]
        build = build_problem(problem, options.flags, options.compiler)
        step, obj = _compile_step(build, code)
        steps.append(step)
        if obj is None:
            return _verdict(steps)
        steps.append(check_interface(build, obj, code))
        if not steps[-1].ok:
            return _verdict(steps)
        link_fail, binary = _link_step(build, obj)
        if link_fail is not None:
            steps.append(link_fail)
            return _verdict(steps)
        if options.difftest:
            steps.append(
                difftest(build, binary, threads=options.difftest_threads, seeds=options.seeds)
            )
            if not steps[-1].ok:
                return _verdict(steps)
        else:
            steps.append(
                StepResult("difftest", True, None, "skipped: checked before", skipped=True)
            )
        if options.race:
            ref_wall = steps[-1].data.get("max_reference_wall_s", 0.0)
            wall = max(MIN_RACE_WALL_S, RACE_WALL_FACTOR * ref_wall)
            steps.append(race_check(build, code, wall))
            if not steps[-1].ok:
                return _verdict(steps)
        else:
            steps.append(
                StepResult("race", True, None, "skipped: disabled by the caller", skipped=True)
            )
        if not options.timing:
            steps.append(
                StepResult("timing", True, None, "skipped: disabled by the caller", skipped=True)
            )
            return _verdict(steps)
        step, measurement = measure(build, binary, threads=options.threads, reps=options.timing_reps,
                                    warmup=options.warmup, samples=options.timing_samples)  # fmt: skip
        steps.append(step)
        return _verdict(steps, measurement)
    except InfraError as exc:
        steps.append(StepResult("harness", False, Status.INFRA_ERROR, f"infrastructure error: {exc}",
                                str(exc), 0.0))  # fmt: skip
        return _verdict(steps)
