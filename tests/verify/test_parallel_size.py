"""Code that goes parallel only above a size computed at run time (no literal the race
plan can read) is race-checked where it runs parallel, or named unchecked: never a plain
PASS whose parallel path no check ran (verify/parallel_size_step.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools import race
from parcodegen.tools.parallel_probe import probe_sizes
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, check_candidate, verify
from parcodegen.verify.summary import coverage_lines, verdict_line

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reduction"

BEHIND_THRESHOLD = """#include <cmath>
#include <omp.h>
#include <vector>
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  const long per_thread = 6000;
  double sum = 0.0;
#pragma omp parallel for REDUCTION if (n > omp_get_max_threads() * per_thread)
  for (long i = 0; i < n; ++i) sum += std::exp(-0.5 * x[i] * x[i]);
  return sum;
}
"""


def _check(code: str):
    return check_candidate(load_problem(EXAMPLE), Candidate(code), VerifyOptions(timing=False))


def test_probe_sizes_double_up_to_the_benchmark_size():
    assert probe_sizes(4099, 20000) == [4099, 8198, 16396, 20000]
    assert probe_sizes(5000, 5000) == [5000]


def test_race_behind_a_runtime_threshold_is_found_where_the_code_goes_parallel():
    v = _check(BEHIND_THRESHOLD.replace("REDUCTION", ""))
    assert v.status is Status.RACE, v.message
    assert v.failing_step is not None and v.failing_step.step == "parallel_size"
    assert "smallest probed size where the candidate starts threads" in v.message
    assert "n=16396" in v.message  # 2 threads x 6000 = 12000 < 16396; 8198 runs serially


def test_race_free_code_behind_a_runtime_threshold_passes_and_says_where_it_was_checked():
    v = _check(BEHIND_THRESHOLD.replace("REDUCTION", "reduction(+ : sum)"))
    assert v.status is Status.PASS and not v.unchecked, v.message
    cov = v.coverage["parallel_size"]
    assert cov["race_sizes"] == [16396] and cov["probe"]["threads_seen"][-1] >= 2
    assert v.parallel is not None and v.parallel["parallel"] is True
    assert v.parallel["parallel_from_n"] == 16396
    assert any(line.startswith("parallel size:") for line in coverage_lines(v))


def test_parallel_size_out_of_budget_is_unchecked_not_pass(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(race, "THRESHOLD_BUDGET_S", 0.0)  # no size beyond the plan reachable
    v = _check(BEHIND_THRESHOLD.replace("REDUCTION", "reduction(+ : sum)"))
    assert v.status is Status.UNCHECKED, v.message
    assert any("sizes where the code runs parallel: n>=16396" in u for u in v.unchecked)
    assert "not checked" in verdict_line(v)


def test_openmp_that_never_runs_parallel_is_probed_up_to_the_benchmark_size():
    code = BEHIND_THRESHOLD.replace("REDUCTION", "reduction(+ : sum) num_threads(1)")
    v = _check(code)
    assert v.status is Status.PASS and not v.unchecked, v.message
    probe = v.coverage["parallel_size"]["probe"]
    assert probe["sizes"][-1] == 20000000 and set(probe["threads_seen"]) == {1}
    assert v.parallel is not None and v.parallel["parallel"] is False


def test_parallel_only_at_the_timing_thread_count_is_unchecked_not_pass():
    """Serial at every checked thread count of difftest and the probe, parallel in the
    timed runs at 6 threads (no check runs 6): the timing step's threads-used count names it unchecked."""
    code = BEHIND_THRESHOLD.replace(
        "REDUCTION if (n > omp_get_max_threads() * per_thread)",
        "reduction(+ : sum) if (omp_get_max_threads() == 6 && per_thread > 0)",
    )
    opts = VerifyOptions(threads=6, timing_reps=2, timing_quiet_wait_s=0.0)
    v = verify(load_problem(EXAMPLE), Candidate(code), opts)
    assert v.status is Status.UNCHECKED, v.message
    assert v.parallel is not None and v.parallel["threads_at_bench_size"] == 6
    assert any("n=20000000 uses 6 threads" in u for u in v.unchecked)


def test_std_thread_code_is_not_probed():
    """Joined threads leave no trace after the call: probing would climb to the
    benchmark size for nothing and call the code serial."""
    code = """#include <cmath>
#include <thread>
#include <vector>
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  double part[2] = {0.0, 0.0};
  auto work = [&](int t) {
    for (long i = t * n / 2; i < (t + 1) * n / 2; ++i) part[t] += std::exp(-0.5 * x[i] * x[i]);
  };
  std::thread other(work, 1);
  work(0);
  other.join();
  return part[0] + part[1];
}
"""
    v = _check(code)
    assert v.status is Status.PASS, v.message
    assert "parallel_size" not in [s.step for s in v.steps]


def test_no_race_asked_by_the_caller_is_not_turned_into_unchecked():
    code = BEHIND_THRESHOLD.replace(
        "REDUCTION if (n > omp_get_max_threads() * per_thread)",
        "reduction(+ : sum) if (omp_get_max_threads() == 6 && per_thread > 0)",
    )
    opts = VerifyOptions(threads=6, timing_reps=2, timing_quiet_wait_s=0.0, race=False)
    v = verify(load_problem(EXAMPLE), Candidate(code), opts)
    assert v.status is Status.PASS and not v.unchecked, v.message
    assert v.parallel is not None and v.parallel["threads_at_bench_size"] == 6
