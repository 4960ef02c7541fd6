"""NaN/inf: NaN == NaN counts as agreement, but a verdict says when an output is mostly
non-finite, and suite check rejects a problem whose reference is mostly NaN/inf."""

from __future__ import annotations

from pathlib import Path

from parcodegen.jobs.suite_check import all_ok, check_suite
from parcodegen.problems.load import load_problem
from parcodegen.problems.suite import SuiteProblem, load_solutions
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, check_candidate

ROOT = Path(__file__).resolve().parents[2]
NAN = ROOT / "tests" / "fixtures" / "problems" / "nan_reference"
REDUCTION = ROOT / "examples" / "reduction"


def test_matching_nan_passes_with_a_warning():
    problem = load_problem(NAN)
    code = (NAN / "solutions" / "expert.cpp").read_text()
    v = check_candidate(problem, Candidate(code), VerifyOptions(race=False))
    assert v.status is Status.PASS
    difftest = next(s for s in v.steps if s.step == "difftest")
    assert "100% of output 'y' is NaN/inf in the reference" in difftest.message
    assert difftest.data["nonfinite"]["y"][0] > 0


def test_suite_check_rejects_a_mostly_nonfinite_reference():
    sp = SuiteProblem(load_problem(NAN), load_solutions(NAN))
    report = check_suite([sp], timing=False, jobs=1)
    assert not all_ok(report)
    assert report["summary"]["problems_rejected"] == 1
    assert "mostly NaN/inf" in report["summary"]["failures"][0]
    good = SuiteProblem(load_problem(REDUCTION), ())
    assert check_suite([good], timing=False, jobs=1)["summary"]["problems_rejected"] == 0


def test_finite_outputs_have_no_warning():
    problem = load_problem(REDUCTION)
    code = (REDUCTION / "candidates" / "good.cpp").read_text()
    v = check_candidate(problem, Candidate(code), VerifyOptions(race=False))
    assert v.passed and "NaN" not in v.message and "warning" not in v.steps[-2].message
