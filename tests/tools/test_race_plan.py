"""Race-step planning and reading: live code, literals compared against, sizes chosen,
the toolchain of one LLVM version, runtime task-memory-reuse reports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.parallelism import compared_literals, live_code, static_parallelism
from parcodegen.tools.race import cut_report, is_runtime_artifact, race_reports
from parcodegen.tools.race_plan import odd_size, plan_race
from parcodegen.tools.toolchain import find_toolchain

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def test_live_code_drops_comments_strings_and_if0():
    code = """// #pragma omp parallel for
/* omp_get_thread_num() */
#if 0
#pragma omp parallel
#else
int kept;
#endif
const char* s = "#pragma omp parallel";
"""
    live = live_code(code)
    assert "omp" not in live and "kept" in live
    assert not static_parallelism(code).may_race


@pytest.mark.parametrize(
    "code,parallel,may_race",
    [
        ("#pragma omp parallel for\nfor(;;){}", True, True),
        ("#pragma omp simd\nfor(;;){}", False, True),  # SIMD lanes: no threads, still checked
        ("int t = omp_get_max_threads();", True, True),
        ("std::thread t(f); t.join();", True, True),
        ("for (int i = 0; i < n; ++i) s += x[i];", False, False),
    ],
)
def test_static_parallelism(code, parallel, may_race):
    sp = static_parallelism(code)
    assert (sp.parallel, sp.may_race) == (parallel, may_race)


def test_compared_literals():
    code = """#define THRESH 20000
constexpr long kBig = 1'000'000;
void f(long n, std::vector<std::vector<int>>& v) {
  if (n > THRESH) {}
  if (n >= 1 << 14) {}
  for (int i = 0; i < 64; ++i) {}
  if (n < kBig) {}
#pragma omp parallel for if(n > 5e3)
  for (long i = 0; i < n; ++i) {}
  char c = 'x'; int q = 3 << 2;  // not compared
}"""
    assert compared_literals(code) == [64, 5000, 16384, 20000, 1000000]


@pytest.mark.parametrize(
    "line, want",
    [("const bool big = 4 * n * sizeof(double) > (4u << 20);", [131072]),  # bytes
     ("if (r.size() * sizeof(std::int64_t) >= 65536) {}", [8192]),
     ("if (65536 < 16 * n) {}", [16, 4096]),
     ("if (n > 20000) {}", [20000]),
     ("if (n * m > 1000) {}", [1000]),  # two sizes: the literal as it is
     ("if (2 * n + 1 > 100) {}", [1, 100]),  # not a product
     ("if (sizeof(Unknown) * n > 4096) {}", [4096])],
)  # fmt: skip
def test_a_literal_compared_with_a_multiple_of_one_size_is_scaled(line, want):
    assert compared_literals(line) == want


def test_odd_size_is_not_divisible_by_2_to_8():
    for limit in (64, 100, 1000, 4099, 5000):
        m = odd_size(limit)
        assert m is not None and limit // 2 < m <= limit
        assert all(m % d for d in range(2, 9))


def test_plan_reaches_above_thresholds_within_budget():
    problem = load_problem(ROOT / "examples" / "reduction")
    code = "#pragma omp parallel for if(n > 20000)\n// if (n > 999999999)\n"
    plan = plan_race(problem, code, lambda n: 0.01)
    assert plan.thresholds == (20000,) and 20001 in plan.sizes
    assert 4099 in plan.sizes and min(plan.sizes) < 100  # the largest and a small one
    assert 20001 not in plan.declared & set(plan.sizes)  # race only: outputs not compared
    costly = plan_race(problem, code, lambda n: None if n > 5000 else 0.01)
    assert costly.thresholds == () and "n > 20000" in costly.unreached[0]
    assert plan.threads == (2, 3, 4) and plan.runs >= 2
    log2 = load_problem(ROOT / "problems" / "builtin" / "fft" / "fft_radix2")  # n = log2(length)
    assert plan_race(log2, "if (len >= 4096) {}", lambda n: 0.01).thresholds == ()


def test_toolchain_of_another_llvm_version_is_refused(other_llvm_clang):
    tc = find_toolchain(str(other_llvm_clang))
    assert not tc.ok and tc.version == 99
    assert "LLVM 99's Archer" in (tc.problem or "")
    good = find_toolchain()
    if good.ok:  # the installed one: clang++ and Archer from one version
        assert good.archer and f"llvm-{good.version}" in good.archer
        assert os.path.exists(good.archer)


def test_runtime_task_memory_reuse_is_recognised():
    text = (FIXTURES / "race" / "task_reuse_report.txt").read_text()
    reports = race_reports(text)
    assert len(reports) == 1 and is_runtime_artifact(reports[0][1])
    user = text.replace("(libomp.so.5+0x20919)", "(t+0x1234)").replace(
        "#1 <null> <null> (t+0x1234)",
        "#1 operator new(unsigned long) <null> (t+0x1234)\n    #2 main tasks.cpp:50",
    )
    assert not is_runtime_artifact(race_reports(user)[0][1])  # user heap memory: a real race


def test_a_report_cut_off_by_the_output_limit_is_not_judged():
    """Task code gives hundreds of runtime task-memory-reuse reports a process: the last
    one, cut short by the output limit, named no heap block and read as a race (a correct
    depend chain was rejected in 1 of 3 runs); now it is not read, and the step says the
    reports were cut off (unchecked)."""
    text = (FIXTURES / "race" / "task_reuse_report.txt").read_text()
    whole = text + "\n" + text
    assert len(race_reports(whole)) == 2 and not cut_report(whole)
    cut = whole[: whole.rfind("Location is heap block")]
    assert len(race_reports(cut)) == 1 and cut_report(cut)


def test_plan_has_every_tiny_size_below_the_small_one():
    """A `nowait` race that needs n / threads below a constant shows only at tiny sizes."""
    problem = load_problem(ROOT / "problems" / "builtin" / "geometry" / "point_in_polygon")
    plan = plan_race(problem, "#pragma omp parallel for\n", lambda n: 0.01)
    assert {2, 3, 7, 100}.issubset(plan.sizes) and 1 not in plan.sizes
    assert plan.runs == 2 and plan.repeats == 1 and plan.threads == (2, 3, 4)


def test_task_code_gets_a_ladder_of_sizes_more_threads_and_runs():
    """Sibling tasks race visibly only on different threads: sizes with about as many
    tasks as threads, up to 8 threads, more processes and repeated calls."""
    problem = load_problem(ROOT / "problems" / "builtin" / "transform" / "sigmoid")
    code = "#pragma omp parallel\n#pragma omp single\n#pragma omp task\n{}\n"
    assert static_parallelism(code).tasks == 1
    assert static_parallelism("#pragma omp taskwait\n#pragma omp parallel\n").tasks == 0
    plan = plan_race(problem, code, lambda n: 0.01)
    assert {64, 128, 256, 512, 1024, 2048}.issubset(plan.sizes)
    assert {2, 3, 7, 33, 1000, 4099}.issubset(plan.sizes)
    assert 8 in plan.threads and plan.runs >= 4 and plan.repeats >= 2
    skipped = plan_race(problem, code, lambda n: None)  # ladder sizes the reference fails at
    assert 256 not in skipped.sizes and 4099 in skipped.sizes


def test_plan_has_a_power_of_two_near_half_the_largest():
    from parcodegen.tools.race_plan import round_size

    assert round_size(4099) == 2048 and round_size(65) == 32 and round_size(7) is None
    problem = load_problem(ROOT / "examples" / "reduction")
    plan = plan_race(problem, "#pragma omp parallel for\nfor(;;){}", lambda n: 0.01)
    assert 2048 in plan.sizes  # above 64 the other planned sizes are odd (4099)
    assert plan.wide is not None and plan.wide[1] > 8


def test_the_wide_call_has_one_thread_more_than_a_table_of_up_to_128():
    problem = load_problem(ROOT / "examples" / "reduction")
    body = "#pragma omp parallel\n{ part[omp_get_thread_num() % K] += 1; }\n"
    wide = {k: plan_race(problem, f"double part[{k}];\n" + body.replace("K", str(k)),
                         lambda n: 0.01).wide for k in (16, 64, 128, 256)}  # fmt: skip
    assert {k: w[1] for k, w in wide.items() if w} == {16: 17, 64: 65, 128: 129, 256: 9}


def test_the_references_budget_is_its_work_not_a_loaded_machines_wall(tmp_path: Path):
    """Whether the race step reaches a size was judged by the reference's wall there: on a
    shared 2-core machine under load that was 1.5-3x its work, and a size the race step
    had to reach was dropped (a verdict's coverage that depends on the machine's load).
    Here the reference waits 0.6 s at one size (wall, no work) and computes for 0.6 s of
    CPU at another."""
    from suite.suite_toy import make_problem

    from parcodegen.tools.build import build_problem
    from parcodegen.tools.difftest import Case
    from parcodegen.tools.race import THRESHOLD_WALL_S, budgeted_reference
    from parcodegen.tools.race_plan import THRESHOLD_BUDGET_S

    d = make_problem(tmp_path)
    (d / "reference.cpp").write_text(
        """#include <ctime>
#include <vector>
#include <unistd.h>
void scale(const std::vector<double>& x, std::vector<double>& y) {
  if (x.size() == 3000) usleep(600000);
  if (x.size() == 4000) {
    const std::clock_t start = std::clock();
    while (std::clock() - start < CLOCKS_PER_SEC * 6 / 10) {}
  }
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = 2 * x[i];
}
"""
    )
    build = build_problem(load_problem(d))
    assert THRESHOLD_BUDGET_S < 0.6 < THRESHOLD_WALL_S
    waits = budgeted_reference(build, Case(3000, "random", 7))
    assert waits is not None and waits.result.wall_s > 0.6
    assert budgeted_reference(build, Case(4000, "random", 7)) is None
    assert budgeted_reference(build, Case(2000, "random", 7)) is not None


def test_the_paired_process_calls_above_the_candidates_literals_too():
    """Static scratch used only for large inputs (`if (n > 600)`): the paired process's
    two callers meet there as well, for serial code and for OpenMP code."""
    from parcodegen.tools.race import _paired_calls
    from parcodegen.tools.race_plan import paired_plan

    problem = load_problem(ROOT / "examples" / "reduction")
    code = "static double big[1 << 20];\nif (n > 6000) { big[0] = 1; }\n"
    serial = paired_plan(problem, code, lambda n: 0.01)
    assert serial.thresholds == (6000,) and 6001 in serial.sizes and serial.above() == {6001}
    assert {c.n for c in _paired_calls(serial, "random", 7)} >= {6001, max(problem.test_sizes)}
    assert paired_plan(problem, code, lambda n: None).above() == set()  # beyond the budget
    omp = plan_race(problem, "#pragma omp parallel for\n" + code, lambda n: 0.01)
    assert 6001 in {c.n for c in _paired_calls(omp, "random", 7)}
