"""State across calls only above the test sizes: a result cached by size from some literal
on. Difftest never reaches the size, each timing run is a fresh process, and the race
step's calls there all had one input; its later thread counts now get a second input
whose output is compared with the reference's. A candidate that only takes another
(stateless) path there still passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.race import race_check, race_unavailable
from parcodegen.types import Status

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"

HEAD = "#include <cmath>\n#include <vector>\n"
SUM = """  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule({schedule})
  for (long i = 0; i < n; ++i) sum += std::exp(-0.5 * x[i] * x[i]);
"""

CACHED = (
    HEAD
    + """double gaussian_energy(const std::vector<double>& x) {
  const long n = (long)x.size();
  static long memo_n = -1; static double memo = 0.0;
  if (n > 30000 && n == memo_n) return memo;
"""
    + SUM.format(schedule="static")
    + """  if (n > 30000) { memo_n = n; memo = sum; }
  return sum;
}
"""
)

OTHER_PATH = (
    HEAD
    + """double gaussian_energy(const std::vector<double>& x) {
  const long n = (long)x.size();
  if (n > 30000) {
"""
    + SUM.format(schedule="dynamic, 1024")
    + """    return sum;
  }
"""
    + SUM.format(schedule="static")
    + """  return sum;
}
"""
)

pytestmark = pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(REDUCTION))


def test_cache_above_a_literal_is_caught(build):
    step = race_check(build, CACHED, 60.0)
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert "n=30001" in step.message and "state kept across calls" in step.message


def test_stateless_path_above_a_literal_passes(build):
    step = race_check(build, OTHER_PATH, 60.0)
    assert step.ok, step.message
    assert 30001 in step.data["coverage"]["sizes"]
