"""Every verdict says whether the candidate is parallel: live OpenMP (not in comments or
`#if 0`) and threads actually used at run time. A serial rewrite passes but is not
parallel; the race detector is not spent on it."""

from __future__ import annotations

from pathlib import Path

from parcodegen.problems.load import load_problem
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, check_candidate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reduction"

SERIAL = """#include <cmath>
#include <vector>
// #pragma omp parallel for reduction(+ : sum)
#if 0
#pragma omp parallel for
#endif
double gaussian_energy(const std::vector<double>& x) {
  double sum = 0.0;  /* omp_get_num_threads() */
  for (double v : x) sum += std::exp(-0.5 * v * v);
  return sum;
}
"""


def test_serial_rewrite_passes_but_is_not_parallel():
    v = check_candidate(load_problem(EXAMPLE), Candidate(SERIAL), VerifyOptions())
    assert v.status is Status.PASS and not v.unchecked
    assert v.parallel is not None and v.parallel["parallel"] is False
    assert v.parallel["in_code"] is False and v.parallel["threads_at_run_time"] == 1
    race = next(s for s in v.steps if s.step == "race")
    assert race.ok and not race.skipped and race.message.startswith("not run")
    assert v.to_dict()["parallel"]["parallel"] is False


def test_parallel_candidate_is_parallel():
    code = (EXAMPLE / "candidates" / "good.cpp").read_text()
    v = check_candidate(load_problem(EXAMPLE), Candidate(code), VerifyOptions(race=False))
    assert v.passed and v.parallel["parallel"] is True
    assert v.parallel["threads_at_run_time"] >= 2
    assert "race: disabled by the caller" in v.not_run and not v.unchecked
