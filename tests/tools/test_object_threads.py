"""Concurrency the source text hides is found in the compiled object, and the race step
runs on it (before, a candidate whose OpenMP came from `_Pragma(#x)`, a namespace alias
of libstdc++'s parallel mode, `thread` after `using namespace std`, or a raw string
holding `#if 0` was "not run: nothing can race" and passed with a race)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.compile import GCC_FLAGS, compile_object
from parcodegen.tools.object_threads import object_threads
from parcodegen.tools.parallelism import static_parallelism
from parcodegen.tools.race import race_unavailable
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, check_candidate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reduction"

STRINGIZED = """#include <cmath>
#include <vector>
#define DO_PRAGMA(x) _Pragma(#x)
#define PARFOR(clauses) DO_PRAGMA(omp parallel for clauses)
double gaussian_energy(const std::vector<double>& x) {
  double sum = 0.0;
  long last = 0;
  const long n = (long)x.size();
  PARFOR(reduction(+ : sum))
  for (long i = 0; i < n; ++i) { sum += std::exp(-0.5 * x[i] * x[i]); last = n; }
  (void)last;
  return sum;
}
"""

GNU_ALIAS = """#include <cmath>
#include <vector>
#include <parallel/algorithm>
namespace par = __gnu_parallel;
void f(std::vector<double>& v) { par::for_each(v.begin(), v.end(), [](double& d) { d = 1; }); }
"""

USING_STD = """#include <thread>
using namespace std;
void f(int* a) { thread t([a] { a[0] = 1; }); t.join(); }
"""

RAW_IF0 = """static const char* kDoc = R"(
#if 0
)";
void f(double* a, long n) {
#pragma omp parallel for
  for (long i = 0; i < n; ++i) a[i] = 1;
}
static const char* kEnd = R"(
#endif
)";
"""

SIMD = (
    "void f(double* a, long n) {\n#pragma omp simd\n  for (long i = 0; i < n; ++i) a[i] = 1;\n}\n"
)
SERIAL = "void f(double* a, long n) { for (long i = 0; i < n; ++i) a[i] = 1; }\n"
TASKS = """void g(double*);
void f(double* a) {
#define T(x) _Pragma(#x)
  T(omp task) g(a);
}
"""


def _object(code: str) -> Path:
    out = compile_object(code, headers={}, flags=GCC_FLAGS)
    assert out.ok and out.path is not None, out.message
    return out.path


@pytest.mark.parametrize("code", [STRINGIZED, GNU_ALIAS, USING_STD, RAW_IF0])
def test_hidden_concurrency_is_in_the_object(code):
    assert object_threads(_object(code)).concurrent


def test_text_scan_sees_pragma_operator_and_skips_raw_strings():
    assert static_parallelism('_Pragma("omp parallel for")\nfor(;;){}').parallel
    assert static_parallelism('_Pragma("omp simd")\nfor(;;){}').simd_only
    assert static_parallelism(RAW_IF0).directives == 1  # the raw string's "#if 0" is text
    assert static_parallelism('auto s = R"x(a)" b)x";\n#pragma omp parallel\n{}').directives == 1


def test_simd_and_serial_objects_start_nothing():
    assert not object_threads(_object(SIMD)).concurrent
    assert not object_threads(_object(SERIAL)).concurrent


def test_tasks_seen_in_the_object():
    found = object_threads(_object(TASKS))
    assert found.concurrent and found.tasks


@pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))
def test_race_behind_a_stringized_pragma_is_caught():
    problem = load_problem(EXAMPLE)
    assert not static_parallelism(STRINGIZED).may_race  # the text alone says serial
    v = check_candidate(problem, Candidate(STRINGIZED), VerifyOptions(timing=False))
    assert v.status is Status.RACE, v.message
    assert v.parallel is not None and v.parallel["in_code"] is True
