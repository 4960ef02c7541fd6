"""OpenMP that g++ accepts and the race build's clang does not: the race check is named
unchecked (never a compile error or race blamed on correct code, never a pass)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.problems.suite import suite_dir
from parcodegen.tools.openmp_support import (
    archer_crashed,
    only_strictness_errors,
    unsupported_openmp,
)
from parcodegen.tools.race import race_unavailable
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, verify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "newer_openmp"
SCOPE = "candidate.cpp:14:13: error: expected an OpenMP directive\n"
LOOP = ("candidate.cpp:9:22: error: extra tokens at the end of '#pragma omp parallel' are "
        "ignored [-Werror,-Wextra-tokens]\n")  # fmt: skip
ENDIF = (
    "candidate.cpp:6:8: error: extra tokens at end of #endif directive [-Werror,-Wextra-tokens]\n"
)
OWN = 'candidate.cpp:3:2: error: "no clang"\n'


def test_only_openmp_support_errors_are_the_race_compilers_lack():
    code = "\n" * 13 + "#pragma omp scope reduction(+ : total)\n"
    assert unsupported_openmp(SCOPE, code) == (
        "line 14 `#pragma omp scope reduction(+ : total)`: expected an OpenMP directive"
    )
    assert "extra tokens at the end of '#pragma omp parallel'" in (unsupported_openmp(LOOP) or "")
    assert unsupported_openmp(OWN) is None  # `#error` under clang: the candidate's own
    assert unsupported_openmp(SCOPE + OWN) is None  # any other error: the candidate's
    assert unsupported_openmp("") is None
    assert only_strictness_errors(ENDIF) and not only_strictness_errors(LOOP + ENDIF)


def test_any_error_on_a_directive_line_g_plus_plus_compiled_is_the_race_compilers_lack():
    # clang 14 parses `num_tasks(strict: 4)` (OpenMP 5.1) as an expression
    code = "\n" * 13 + "#pragma omp taskloop num_tasks(strict: 4) \\\n    grainsize(2)\n"
    log = ("/w/candidate.cpp:14:37: error: use of undeclared identifier 'strict'\n"
           "/w/candidate.cpp:15:5: error: expected ')'\n")  # fmt: skip
    said = unsupported_openmp(log, code) or ""
    assert "line 14 `#pragma omp taskloop num_tasks(strict: 4)" in said and "line 15" in said
    # the same error elsewhere, or in a header, is the candidate's
    assert unsupported_openmp(log, "\n" * 13 + "int k = strict;\n") is None
    assert unsupported_openmp(log.replace("candidate.cpp", "hooks.h"), code) is None


def test_the_body_of_a_directive_clang_cannot_read_is_its_lack_too():
    # `#pragma omp atomic compare` (OpenMP 5.1): clang 14 rejects the clause and then the
    # statement under it, on the next line
    code = "\n" * 9 + "#pragma omp atomic compare\n    if (a[i] > mx) { mx = a[i]; }\n"
    log = ("candidate.cpp:10:20: error: unexpected OpenMP clause 'compare' in directive "
           "'#pragma omp atomic'\ncandidate.cpp:11:5: error: the statement for 'atomic' must "
           "be an expression statement of form '++x;'\n")  # fmt: skip
    assert "line 10 `#pragma omp atomic compare`" in (unsupported_openmp(log, code) or "")


def test_a_crash_in_archers_own_code_is_the_detectors():
    crash = ("==2==ERROR: ThreadSanitizer: SEGV on unknown address 0x000000000000\n"
             "    #0 <null> <null> (libarcher.so+0x4254)\n"
             "SUMMARY: ThreadSanitizer: SEGV (/usr/lib/llvm-14/lib/libarcher.so+0x4254) \n")  # fmt: skip
    assert archer_crashed(crash)
    own = crash.replace("/usr/lib/llvm-14/lib/libarcher.so+0x4254", "/w/prog+0x99")
    assert not archer_crashed(own)  # the candidate's own segfault stays a crash
    assert not archer_crashed("WARNING: ThreadSanitizer: data race ... libarcher.so\n")


def check(problem: str, name: str):
    if race_unavailable():
        pytest.fail(f"race detection must be installed for the tests: {race_unavailable()}")
    p = load_problem(suite_dir() / problem)
    code = (FIXTURES / name).read_text()
    return verify(p, Candidate(code), VerifyOptions(timing=False))


@pytest.mark.parametrize(
    "problem, name, said",
    [("reduce/log_likelihood", "log_likelihood_scope.cpp", "expected an OpenMP directive"),
     ("transform/sigmoid", "sigmoid_parallel_loop.cpp", "extra tokens at the end of"),
     ("reduce/count_primes", "count_primes_strict_tasks.cpp", "num_tasks(strict"),
     ("geometry/closest_pair", "closest_pair_atomic_compare.cpp", "clause 'compare'"),
     ("transform/sigmoid", "sigmoid_target_teams.cpp", "Archer of LLVM")],
)  # fmt: skip
def test_correct_code_the_race_compiler_lacks_is_unchecked_not_rejected(problem, name, said):
    # before: `scope` was a compile_error, `parallel loop` a race (clang ran every
    # iteration on every thread)
    v = check(problem, name)
    assert v.status is Status.UNCHECKED, v.message
    assert any(said in u for u in v.unchecked)
    assert "difftest" in [s.step for s in v.steps if s.ok and not s.skipped]
