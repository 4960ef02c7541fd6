"""Verification steps are registered objects: a toy step added from outside the package
runs in the pipeline at its order, can fail a candidate, and can be removed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.types import Candidate, Status, StepResult
from parcodegen.verify.context import VerifyContext
from parcodegen.verify.pipeline import VerifyOptions, check_candidate, time_candidate, verify
from parcodegen.verify.steps import (
    STEPS,
    BaseStep,
    Cost,
    Phase,
    register_step,
    steps_in,
    unregister_step,
)

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"


class NoGotoStep(BaseStep):
    """A toy check: rejects candidates that use `goto`; reads its setting from step_options."""

    name, phase, cost, order = "no_goto", Phase.CHECK, Cost.CHEAP, 55.0

    def run(self, ctx: VerifyContext) -> StepResult:
        word = ctx.options.step_options.get("no_goto.word", "goto")
        if word in ctx.code:
            return StepResult(self.name, False, Status.WRONG_OUTPUT, f"uses `{word}`")
        return StepResult(self.name, True, None, "no goto", data={"binary": str(ctx.binary)})


@pytest.fixture
def toy_step():
    register_step(NoGotoStep())
    yield
    unregister_step("no_goto")


def test_builtin_steps_are_ordered_by_phase():
    build = ["extract", "compile", "compiler_dependence", "interface", "link"]
    assert [s.name for s in steps_in(Phase.BUILD)] == build
    assert [s.name for s in steps_in(Phase.CHECK)] == [
        "difftest",
        "race",
        "parallel_size",
        "bench_size",
    ]
    assert [s.name for s in steps_in(Phase.TIMING)] == ["timing", "plausibility", "scaling"]


def test_a_registered_step_runs_between_difftest_and_race(toy_step):
    problem = load_problem(REDUCTION)
    good = (REDUCTION / "candidates" / "good.cpp").read_text()
    opts = VerifyOptions(timing=False, race=False)
    v = verify(problem, Candidate(good), opts)
    assert v.passed
    names = [s.step for s in v.steps]
    assert names.index("difftest") < names.index("no_goto") < names.index("race")
    assert next(s for s in v.steps if s.step == "no_goto").data["binary"] != "None"
    bad = good.replace("{", "{ if (0) goto done_; done_:;", 1)
    v = verify(problem, Candidate(bad), opts)
    assert v.status is Status.WRONG_OUTPUT and v.failing_step.step == "no_goto"
    assert "race" not in [s.step for s in v.steps]  # stops at the first failure
    # the step's own option, through the one options object
    v = verify(problem, Candidate(good), VerifyOptions(timing=False, race=False,
                                                        step_options={"no_goto.word": "omp"}))  # fmt: skip
    assert v.status is Status.WRONG_OUTPUT and "`omp`" in v.message


def test_skip_by_name_is_reported_not_silent(toy_step):
    problem = load_problem(REDUCTION)
    good = (REDUCTION / "candidates" / "good.cpp").read_text()
    v = check_candidate(problem, Candidate(good), VerifyOptions(race=False, skip=("no_goto",)))
    step = next(s for s in v.steps if s.step == "no_goto")
    assert step.skipped and "disabled" in step.message
    assert "timing" not in [s.step for s in v.steps]  # check_candidate never times


def test_unregister_and_typo():
    from parcodegen.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="difftest"):
        unregister_step("difftset")
    assert "no_goto" not in STEPS


def test_time_candidate_runs_build_and_timing_only():
    problem = load_problem(REDUCTION)
    good = (REDUCTION / "candidates" / "good.cpp").read_text()
    v = time_candidate(problem, Candidate(good), VerifyOptions(timing_reps=1, warmup=0))
    assert [s.step for s in v.steps] == ["compile", "interface", "timing"]
    assert v.measurement is not None and v.passed
