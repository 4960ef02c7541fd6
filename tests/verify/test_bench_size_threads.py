"""The benchmark size at a thread count whose thread number x n passes 2^31
(verify/bench_size_step.py): chunk bounds in `int` overflow there only from some thread
count on, which the 2-thread run never reaches."""

from __future__ import annotations

from pathlib import Path

from parcodegen.problems.load import load_problem
from parcodegen.types import Candidate, Status
from parcodegen.verify.bench_size_step import declares_int32, overflow_threads
from parcodegen.verify.pipeline import VerifyOptions, verify

REFERENCE = """#include <cstdint>
std::int64_t mod_sum(long n) {
  std::int64_t s = 0;
  for (long i = 0; i < n; ++i) s += i % 7;
  return s;
}
"""
INT_BOUNDS = """#include <cstdint>
#include <omp.h>
std::int64_t mod_sum(long n) {
  std::int64_t s = 0;
#pragma omp parallel reduction(+ : s)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    const int m = static_cast<int>(n);  // n fits in an int: its products need not
    const int lo = t * m / T;
    const int hi = (t + 1) * m / T;  // wraps once (t + 1) * n > 2^31
    for (long i = lo; i < hi; ++i) s += i % 7;
  }
  return s;
}
"""
LONG_BOUNDS = INT_BOUNDS.replace("const int m = static_cast<int>(n)", "const long m = n")


def _problem(tmp_path: Path) -> Path:
    d = tmp_path / "mod_sum"
    d.mkdir()
    (d / "reference.cpp").write_text(REFERENCE)
    (d / "problem.toml").write_text(
        'function = "mod_sum"\nreturns = "std::int64_t"\npatterns = ["random"]\n'
        '[[args]]\nname = "n_"\ntype = "long"\nvalue = "n"\n'
        "[sizes]\ntest = [0, 1, 7, 100, 1000]\nbench = 300000000\n"
        "[compare]\nrtol = 0.0\natol = 0.0\n"
    )
    return d


def test_declares_int32() -> None:
    assert declares_int32("const int lo = t * m / T;")
    assert declares_int32("for (int i = 0; i < n; ++i) {}")
    assert declares_int32("long x = static_cast<int>(n);") and declares_int32("f((int)n);")
    assert declares_int32("unsigned k;") and declares_int32("std::vector<int> v;")
    assert not declares_int32("long lo = t * n / T; std::size_t i; // int x = 1;")
    assert not declares_int32("std::int64_t s = 0; double printf(int);"[:22])


def test_overflow_threads() -> None:
    assert overflow_threads(400_000_000) == 9  # at least 9
    assert overflow_threads(100_000_000) == 23  # 22 * 1e8 > 2^31
    assert overflow_threads(10_000_000) == 0  # would need 216 threads


def test_int_chunk_bounds_overflow_at_the_benchmark_size_with_more_threads(
    tmp_path: Path,
) -> None:
    problem = load_problem(_problem(tmp_path))
    opts = VerifyOptions(timing=False, race=False)
    bad = verify(problem, Candidate(INT_BOUNDS), opts)
    assert bad.status in (Status.WRONG_OUTPUT, Status.CRASH), bad.message
    assert "9 threads" in bad.message and "n=300000000" in bad.message
    good = verify(problem, Candidate(LONG_BOUNDS), opts)
    assert good.status is Status.PASS, good.message
    assert good.coverage["bench_size"]["wide_threads"] == 9
