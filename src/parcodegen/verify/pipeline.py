"""The verification pipeline: the registered steps, cheap first, stop at the first failure.

A verdict whose checks all passed but some check could not run (race detection
unavailable, a size the candidate tests against out of budget, ...) is `unchecked`, not
`pass`, unless `options.allow_unchecked`; either way it names each such check.

Phases run in order: build (extract > compile > interface > link), check (difftest >
race > any registered step) and, with `options.timing`, timing. `check_candidate` runs
build and check, `time_candidate` build and timing (for a candidate that already passed
the checks: the builds are cached), `verify` all three. A candidate's fault is a
Verdict; a harness fault is an `infra_error` Verdict (never the model's mistake); a
malformed problem raises ProblemError.
"""

from __future__ import annotations

from collections.abc import Iterable

from parcodegen.errors import InfraError
from parcodegen.types import Candidate, Problem, Status, StepResult, Verdict
from parcodegen.verify import builtin_steps as _builtin  # noqa: F401  (registers the steps)
from parcodegen.verify import integrity_steps as _integrity  # noqa: F401  (registers the steps)
from parcodegen.verify import parallel_size_step as _parallel_size  # noqa: F401  (registers it)
from parcodegen.verify import bench_size_step as _bench_size  # noqa: F401  (registers it)
from parcodegen.verify.builtin_steps import MIN_RACE_WALL_S, RACE_WALL_FACTOR
from parcodegen.verify.context import VerifyContext, VerifyOptions
from parcodegen.verify.steps import CALLER_REASONS, Phase, steps_in

__all__ = [
    "MIN_RACE_WALL_S",
    "RACE_WALL_FACTOR",
    "VerifyOptions",
    "check_candidate",
    "time_candidate",
    "verify",
]


def _verdict(ctx: VerifyContext) -> Verdict:
    for s in ctx.steps:
        if not s.ok and not s.skipped:
            return Verdict(s.status or Status.INFRA_ERROR, tuple(ctx.steps), ctx.measurement)
    verdict = Verdict(Status.PASS, tuple(ctx.steps), ctx.measurement)
    if verdict.unchecked and not ctx.options.allow_unchecked:
        return Verdict(Status.UNCHECKED, verdict.steps, verdict.measurement)
    return verdict


def _run_phases(problem: Problem, candidate: Candidate, options: VerifyOptions,
                phases: Iterable[Phase]) -> Verdict:  # fmt: skip
    ctx = VerifyContext(problem, candidate, options, candidate.code)
    try:
        for phase in phases:
            for step in steps_in(phase):
                if not step.applies(ctx):
                    continue
                why = step.skip_reason(ctx)
                if why is not None:
                    # a check the caller did not switch off, skipped anyway, is unchecked
                    unchecked = phase is Phase.CHECK and why not in CALLER_REASONS
                    data = {"unchecked": [why]} if unchecked else {}
                    ctx.steps.append(StepResult(step.name, True, None, f"skipped: {why}",
                                                skipped=True, data=data))  # fmt: skip
                    continue
                result = step.run(ctx)
                if result.ok and getattr(step, "silent_on_success", False):
                    continue
                ctx.steps.append(result)
                if not result.ok and not result.skipped:
                    return _verdict(ctx)
    except InfraError as exc:
        msg = f"infrastructure error: {exc}"
        ctx.steps.append(StepResult("harness", False, Status.INFRA_ERROR, msg, str(exc), 0.0))
    return _verdict(ctx)


def verify(
    problem: Problem, candidate: Candidate, options: VerifyOptions = VerifyOptions()
) -> Verdict:
    """Decide whether `candidate` is a correct (and how much faster) replacement."""
    return _run_phases(problem, candidate, options, (Phase.BUILD, Phase.CHECK, Phase.TIMING))


def check_candidate(problem: Problem, candidate: Candidate,
                    options: VerifyOptions = VerifyOptions()) -> Verdict:  # fmt: skip
    """Correctness only: build and check phases (timing is never run)."""
    return _run_phases(problem, candidate, options, (Phase.BUILD, Phase.CHECK))


def time_candidate(problem: Problem, candidate: Candidate,
                   options: VerifyOptions = VerifyOptions()) -> Verdict:  # fmt: skip
    """Build (cached) and time a candidate that already passed `check_candidate`.

    The timing step still compares outputs at the benchmark size on fresh inputs."""
    return _run_phases(problem, candidate, options, (Phase.BUILD, Phase.TIMING))
