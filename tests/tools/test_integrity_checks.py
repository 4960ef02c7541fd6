"""The compiler-dependence scan and the timing plausibility rules, on their own."""

from __future__ import annotations

import pytest

from parcodegen.tools.compile import GCC_FLAGS, TSAN_FLAGS
from parcodegen.tools.compiler_dependence import (
    common_macros,
    differing_macros,
    find_dependences,
    predefined_values,
    same_in_both,
)
from parcodegen.verify.integrity_steps import plausibility_problems

CLEAN = """#include <vector>
// __clang__ in a comment, "__has_feature" in a string are not code
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(_OPENMP)
int threads() { return omp_get_max_threads(); }
#endif
double f(const std::vector<double>& x) { return x.empty() ? 0 : x[0]; }
"""


def names(code: str, differing=frozenset()) -> list[str]:
    return [d.name for d in find_dependences(code, differing)]


def test_ordinary_openmp_code_is_clean():
    assert names(CLEAN) == []


@pytest.mark.parametrize(
    "snippet, name",
    [("#if __has_feature(thread_sanitizer)\n#endif", "__has_feature"),
     ("#ifdef __clang__\n#endif", "__clang__"),
     ("#if defined(__GNUC__) && !defined(__clang__)\n#endif", "__GNUC__"),
     ("#ifdef __SANITIZE_THREAD__\n#endif", "__SANITIZE_THREAD__"),
     ("#if __OPTIMIZE__\n#endif", "__OPTIMIZE__"),
     ("#if _OPENMP >= 201811\n#endif", "_OPENMP"),
     ("int v = _OPENMP;", "_OPENMP"),
     ("__attribute__((no_sanitize(\"thread\"))) void g();", "no_sanitize"),
     ("void g() { AnnotateBenignRaceSized(0, 0, 0, 0); }", "AnnotateBenignRaceSized"),
     ("extern \"C\" void __tsan_acquire(void*);", "__tsan_acquire"),
     ("#define CAT(a, b) a##b", "##"),
     ("void* p = dlsym(RTLD_DEFAULT, \"__tsan_init\");", "__tsan_init")],
)  # fmt: skip
def test_compiler_and_sanitizer_questions_are_found(snippet, name):
    found = find_dependences("#include <vector>\n" + snippet + "\n")
    assert name in [d.name for d in found] and found[0].line >= 2


def test_macros_only_one_build_predefines_are_found():
    diff = differing_macros(("g++", GCC_FLAGS), ("clang++", TSAN_FLAGS))
    if not diff:
        pytest.skip("REDUCED: cannot ask both compilers for their predefined macros")
    assert "__clang_major__" in diff
    assert "_OPENMP" not in diff  # both define it
    assert names("int v = __clang_major__;", diff) == ["__clang_major__"]


BUILDS = (("g++", GCC_FLAGS), ("clang++", TSAN_FLAGS))


@pytest.mark.parametrize(
    "snippet",
    ["#ifdef __GNUC__\n#define RESTRICT __restrict__\n#endif",
     "#if defined(__GNUC__)\n#endif",
     "#ifndef __GNUG__\n#endif",
     "#if defined(_OPENMP) && defined(__GNUC__)\n#endif"],
)  # fmt: skip
def test_defined_tests_of_macros_both_builds_predefine_are_clean(snippet):
    # clang defines __GNUC__ and __GNUG__ too: the same answer in
    # the tested and the race build (a guard around __restrict__ in correct code)
    common, diff = common_macros(*BUILDS), differing_macros(*BUILDS)
    if not common:
        pytest.skip("REDUCED: cannot ask both compilers for their predefined macros")
    assert "__GNUC__" in common and "__clang__" in diff
    assert [d.name for d in find_dependences(snippet, diff, common)] == []


@pytest.mark.parametrize(
    "snippet, name",
    [("#if __GNUC__ >= 5\n#endif", "__GNUC__"),  # 12 in g++, 4 in clang++
     ("int v = __GNUC_MINOR__;", "__GNUC_MINOR__"),
     ("#if defined(__GNUC__) && !defined(__clang__)\n#endif", "__clang__"),
     ("#if defined(__GNUC__) || defined(__SANITIZE_THREAD__)\n#endif", "__SANITIZE_THREAD__"),
     ("#ifdef __has_feature\n#endif", "__has_feature"),
     ("#if _OPENMP >= 201811\n#endif", "_OPENMP")],
)  # fmt: skip
def test_values_and_one_sided_macros_stay_flagged_with_the_common_set(snippet, name):
    common, diff = common_macros(*BUILDS), differing_macros(*BUILDS)
    if not common:
        pytest.skip("REDUCED: cannot ask both compilers for their predefined macros")
    assert name in [d.name for d in find_dependences(snippet, diff, common)]


def both_builds():
    builds = (predefined_values(*BUILDS[0]), predefined_values(*BUILDS[1]))
    if not all(builds):
        pytest.skip("REDUCED: cannot ask both compilers for their predefined macros")
    return builds


@pytest.mark.parametrize(
    "snippet",
    ["#if defined(__GNUC__) || defined(__clang__)\n#define HOT __attribute__((hot))\n#endif",
     "#if !defined(__clang__) || defined(__GNUC__)\n#endif",
     "#if defined(__clang__) || !defined(__clang__)\n#endif",
     "#if (defined(__GNUC__) || defined(__clang__)) && defined(USE_RESTRICT)\n#endif",
     "#ifdef __GNUC__\n#elif defined(__llvm__) || 1\n#endif",
     "#if defined(_OPENMP) && _OPENMP >= 201307\n#endif",  # 201511 and 201811
     "#if __GNUC__ >= 4\n#define API __attribute__((visibility(\"default\")))\n#endif",
     "#if __GNUC__ >= 5 || defined(__clang__)\n#endif"],
)  # fmt: skip
def test_conditions_with_one_value_in_both_builds_are_clean(snippet):
    builds = both_builds()
    common, diff = common_macros(*BUILDS), differing_macros(*BUILDS)
    assert [d.name for d in find_dependences(snippet, diff, common, builds)] == []


@pytest.mark.parametrize(
    "snippet, name",
    [("#if defined(__GNUC__) && !defined(__clang__)\n#endif", "__clang__"),
     ("#if defined(__clang__) || defined(FAST)\n#endif", "__clang__"),  # FAST undefined
     ("#if defined(__GNUC__) || defined(__SANITIZE_THREAD__)\n#endif", "__SANITIZE_THREAD__"),
     ("#if defined(__clang__) == defined(__GNUC__)\n#endif", "__clang__"),
     ("#ifdef __clang__\n#endif", "__clang__"),
     ("#if __GNUC__ >= 5\n#endif", "__GNUC__"),  # 12 in g++, 4 in clang++
     ("#if _OPENMP >= 201811\n#endif", "_OPENMP"),  # 201511 in g++ 12
     ("#if __clang_major__ >= 10\n#endif", "__clang_major__"),
     ("#if defined(__OPTIMIZE__)\n#endif", "__OPTIMIZE__"),  # optimization level: any use
     ("#if !__OPTIMIZE__\n#endif", "__OPTIMIZE__"),
     ("#if __GNUC__ >= 5 && FOO > 1\n#endif", "__GNUC__"),  # an own macro's value
     ("#define IS_CLANG defined(__clang__)\n#if IS_CLANG\n#endif", "__clang__")],
)  # fmt: skip
def test_conditions_that_differ_between_the_builds_stay_flagged(snippet, name):
    builds = both_builds()
    common, diff = common_macros(*BUILDS), differing_macros(*BUILDS)
    assert name in [d.name for d in find_dependences(snippet, diff, common, builds)]


def test_same_in_both_enumerates_the_candidates_own_macros():
    a, b = frozenset({"G"}), frozenset({"C"})
    assert same_in_both("defined(G) || defined(C)", a, b)
    assert not same_in_both("defined(C) || defined(MINE)", a, b)  # MINE undefined: differs
    assert same_in_both("defined(MINE) && (defined(G) || defined(C))", a, b)
    assert not same_in_both("defined(G) && X > 1", a, b)  # a value: not evaluated


def data(ref_call, cand_call, ref_out, cand_out, threads=2):
    return {"threads": threads, "speedup": ref_call / cand_call,
            "reference_times": [ref_call] * 3, "candidate_times": [cand_call] * 3,
            "reference_outside_s": [ref_out] * 3, "candidate_outside_s": [cand_out] * 3}  # fmt: skip


def test_plausible_timings_pass():
    assert plausibility_problems(data(1.0, 0.55, 0.30, 0.31)) == []
    assert plausibility_problems(data(1.0, 0.35, 0.30, 0.30)) == []  # 2.9x on 2 threads: cache


def test_noise_in_a_few_pairs_is_not_work_moved():
    d = data(0.02, 0.011, 0.030, 0.031)
    d["candidate_outside_s"] = [0.031, 0.25, 0.032, 0.03, 0.4]  # two stalled runs
    d["reference_outside_s"] = [0.03] * 5
    assert plausibility_problems(d) == []


def test_work_moved_outside_the_call_is_caught():
    # half the work before or after the call: a "2x" that is none
    problems = plausibility_problems(data(1.0, 0.5, 0.30, 0.80))
    assert len(problems) == 1 and "outside the timed call" in problems[0]


def test_a_speedup_beyond_the_threads_is_held():
    problems = plausibility_problems(data(1.0, 0.2, 0.30, 0.30))
    assert len(problems) == 1 and "beyond what 2 threads allow" in problems[0]


def with_cpu(d, ref_cpu, cand_cpu):
    return {**d, "reference_cpu_s": [ref_cpu] * 3, "candidate_cpu_s": [cand_cpu] * 3}


def test_a_faster_algorithm_explains_a_speedup_beyond_the_threads():
    # 5x on 2 threads, serial lookup table: the call's CPU time fell 5x as well
    assert plausibility_problems(with_cpu(data(1.0, 0.2, 0.30, 0.30), 1.30, 0.50)) == []
    # the same 5x, half algorithm (2.5x less CPU) and half 2 threads: plausible too
    assert plausibility_problems(with_cpu(data(1.0, 0.2, 0.30, 0.30), 1.30, 0.70)) == []


def test_cpu_time_does_not_excuse_threads_beyond_the_limit_or_moved_work():
    # 5x with the same CPU time as the reference: more threads than allowed (or hidden ones)
    problems = plausibility_problems(with_cpu(data(1.0, 0.2, 0.30, 0.30), 1.30, 1.30))
    assert len(problems) == 1 and "beyond what 2 threads allow" in problems[0]
    # 10x whose work was moved before the call (40 ms, under the outside allowance): the
    # moved work's CPU still counts against the call, so it is no "faster algorithm"
    d = with_cpu(data(0.05, 0.005, 0.30, 0.34), 0.35, 0.345)
    problems = plausibility_problems(d)
    assert len(problems) == 1 and "beyond what 2 threads allow" in problems[0]
