"""Code that runs in a team only above a size computed at run time (no literal the race
plan can read), in a candidate serial at the test sizes or in one already parallel there
(another region, another branch of a region), is race-checked where it runs in a team, or
named unchecked: never a plain PASS whose parallel path no check ran
(verify/parallel_size_step.py, tools/path_probe.py). With timing off, the benchmark size's
outputs are compared (verify/bench_size_step.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools import path_probe, probe_build, race
from parcodegen.tools.path_probe import probe_sizes
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
    assert probe_sizes(4099, 20000) == [8198, 16396, 20000]
    assert probe_sizes(5000, 5000) == []
    assert probe_sizes(11, 22) == list(range(12, 23))  # n is a log2: every size


def test_race_behind_a_runtime_threshold_is_found_where_the_code_goes_parallel():
    v = _check(BEHIND_THRESHOLD.replace("REDUCTION", ""))
    assert v.status is Status.RACE, v.message
    assert v.failing_step is not None and v.failing_step.step == "parallel_size"
    assert (
        "a probed size where code runs in a team that no race-checked size ran in one" in v.message
    )
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


def test_std_thread_code_is_probed_with_every_block_counted_as_parallel():
    """Threads of its own have no OpenMP team: every block counts as run in one, and
    nothing runs at the benchmark size that did not at the race sizes."""
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
    probe = v.coverage["parallel_size"]["probe"]
    assert set(probe["new_parallel"]) == {0} and probe["bench_new_blocks"] == 0, probe


def test_no_race_asked_by_the_caller_is_not_turned_into_unchecked():
    code = BEHIND_THRESHOLD.replace(
        "REDUCTION if (n > omp_get_max_threads() * per_thread)",
        "reduction(+ : sum) if (omp_get_max_threads() == 6 && per_thread > 0)",
    )
    opts = VerifyOptions(threads=6, timing_reps=2, timing_quiet_wait_s=0.0, race=False)
    v = verify(load_problem(EXAMPLE), Candidate(code), opts)
    assert v.status is Status.PASS and not v.unchecked, v.message
    assert v.parallel is not None and v.parallel["threads_at_bench_size"] == 6


TWO_REGIONS = """#include <cmath>
#include <omp.h>
#include <vector>
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  const long half = n / 2;
  const long grain = 6000;
  double head = 0.0, tail = 0.0;
#pragma omp parallel for reduction(+ : head)
  for (long i = 0; i < half; ++i) head += std::exp(-0.5 * x[i] * x[i]);
#pragma omp parallel for TAIL if (n - half > omp_get_max_threads() * grain)
  for (long i = half; i < n; ++i) tail += std::exp(-0.5 * x[i] * x[i]);
  return head + tail;
}
"""


def test_a_second_region_behind_a_runtime_threshold_is_race_checked_where_it_has_a_team():
    """Parallel at every test size (difftest and the race step see threads), but the
    second region gets a team only above 2 x 6000 elements per half: the old per-process
    thread count never looked further."""
    v = _check(TWO_REGIONS.replace("TAIL", ""))
    assert v.status is Status.RACE, v.message
    assert v.failing_step is not None and v.failing_step.step == "parallel_size"
    assert "n=32792" in v.message, v.message  # the first doubling of 4099 with n/2 > 12000


def test_the_race_free_second_region_passes_and_names_where_it_was_race_checked():
    v = _check(TWO_REGIONS.replace("TAIL", "reduction(+ : tail)"))
    assert v.status is Status.PASS and not v.unchecked, v.message
    cov = v.coverage["parallel_size"]
    assert cov["race_sizes"] == [32792], cov
    assert cov["probe"]["baseline_team"] >= 2 and cov["probe"]["new_parallel"][-1] > 0


BRANCH_IN_REGION = """#include <cmath>
#include <omp.h>
#include <vector>
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  double sum = 0.0;
  double partial[256];  // shared by the team (a static would be shared by two callers too)
#pragma omp parallel reduction(+ : sum)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    if (hi - lo > 4 * 4096) {  // a long chunk: blocked, through a buffer every thread shares
      for (long b = lo; b < hi; b += 256) {
        const long e = b + 256 < hi ? b + 256 : hi;
        for (long i = b; i < e; ++i) partial[i - b] = std::exp(-0.5 * x[i] * x[i]);
        for (long i = b; i < e; ++i) sum += partial[i - b];
      }
    } else {
      for (long i = lo; i < hi; ++i) sum += std::exp(-0.5 * x[i] * x[i]);
    }
  }
  return sum;
}
"""


def test_another_branch_of_a_region_that_runs_only_above_the_race_sizes_is_race_checked():
    """The same region, parallel at every size, takes a racy branch only for long chunks
    (the literal is compared with a chunk, not with n: going above it is not enough)."""
    v = _check(BRANCH_IN_REGION)
    assert v.status is Status.RACE, v.message
    assert v.failing_step is not None and v.failing_step.step == "parallel_size"


def test_a_probe_build_that_cannot_be_made_is_unchecked_not_pass(monkeypatch: pytest.MonkeyPatch):
    """A clang without the coverage mode (here: a flag it does not know)."""
    monkeypatch.setattr(probe_build, "COVERAGE_FLAGS", ("-fsanitize-coverage=no-such-mode",))
    v = _check(BEHIND_THRESHOLD.replace("REDUCTION", "reduction(+ : sum)"))
    assert v.status is Status.UNCHECKED, v.message
    assert any("not looked for" in u for u in v.unchecked), v.unchecked


def test_a_candidate_that_hooks_the_openmp_tool_interface_is_held():
    """`ompt_start_tool` would replace the probe's (and Archer's) tool."""
    code = BEHIND_THRESHOLD.replace("REDUCTION", "reduction(+ : sum)") + (
        'extern "C" void* ompt_start_tool(unsigned int, const char*) { return nullptr; }\n'
    )
    v = _check(code)
    assert v.status is Status.SUSPECT and "ompt_start_tool" in v.message, v.message


WRONG_ABOVE = """#include <cmath>
#include <omp.h>
#include <vector>
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  const long stop = n > 8192L * omp_get_max_threads() ? n - 1 : n;  // one short, only there
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum)
  for (long i = 0; i < stop; ++i) sum += std::exp(-0.5 * x[i] * x[i]);
  return sum;
}
"""


def test_a_result_wrong_only_above_a_runtime_size_is_caught_at_the_benchmark_size():
    """No new code path (a select, not a branch): only the outputs at the benchmark size
    tell; with timing off the bench_size step compares them."""
    v = _check(WRONG_ABOVE)
    assert v.status is Status.WRONG_OUTPUT, v.message
    assert v.failing_step is not None and v.failing_step.step == "bench_size"
    assert "every test size agrees" in v.message
    fixed = _check(WRONG_ABOVE.replace("? n - 1 : n", "? n : n"))
    assert fixed.status is Status.PASS, fixed.message
    assert fixed.coverage["bench_size"]["n"] == 20000000


def _probe_with(new_par: dict[int, set[int]]) -> path_probe.PathProbe:
    sizes = tuple(sorted(new_par))
    return path_probe.PathProbe(
        1, 10, 2, sizes, (2,) * len(sizes), (0,) * len(sizes),
        tuple(len(new_par[n]) for n in sizes), None,
        new_parallel_at={n: frozenset(b) for n, b in new_par.items()},
    )  # fmt: skip


def test_cover_sizes_checks_few_sizes_that_run_every_new_block_in_a_team():
    probe = _probe_with({100: {1}, 200: {1, 2}, 400: {1, 2, 3}, 800: {1, 2, 3}, 1600: {4}})
    assert path_probe.cover_sizes(probe, lambda n: True, 3) == ((400, 1600), ())
    # 1600 out of the reference's budget: its block is named, by where it first ran
    assert path_probe.cover_sizes(probe, lambda n: n < 1000, 3) == ((400,), (1600,))
    # one size allowed: the one covering most; what is left is named where it first ran
    assert path_probe.cover_sizes(probe, lambda n: True, 1) == ((400,), (1600,))
    assert path_probe.cover_sizes(_probe_with({100: set()}), lambda n: True, 3) == ((), ())


def test_clangs_stack_temporaries_at_the_benchmark_size_do_not_blind_the_probe():
    """clang 14 lowers an `inscan` reduction with an n-element temporary on the stack: at
    n = 1.2e8 the probe build crashed where the tested g++ build runs (it was unchecked);
    the probe's calls run on a thread with a large stack."""
    from parcodegen.problems.suite import suite_dir

    code = (ROOT / "tests/fixtures/correct/scan/running_max/scan_directive.cpp").read_text()
    problem = load_problem(suite_dir() / "scan" / "running_max")
    v = check_candidate(problem, Candidate(code), VerifyOptions(timing=False))
    assert v.status is Status.PASS and not v.unchecked, v.message
    assert v.coverage["parallel_size"]["probe"]["sizes"][-1] == problem.bench_size


NESTED = """#include <cmath>
#include <omp.h>
#include <vector>
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  double sum = 0.0;
  const int inner = n > 4500L * omp_get_max_threads() ? 2 : 1;  // above every test size at 1 thread
  omp_set_max_active_levels(2);
#pragma omp parallel for reduction(+ : sum) num_threads(2)
  for (int h = 0; h < 2; ++h) {
    const long lo = h * (n / 2), hi = h ? n : n / 2;
    double s = 0.0;
#pragma omp parallel for num_threads(inner) INNER
    for (long i = lo; i < hi; ++i) s += std::exp(-0.5 * x[i] * x[i]);
    sum += s;
  }
  return sum;
}
"""


def test_a_nested_region_that_gets_a_team_only_above_a_runtime_size_is_race_checked():
    """Its blocks run inside the outer team at every size (so per block they always ran
    in a team); the region's own team size is what changes."""
    v = _check(NESTED.replace("INNER", ""))
    assert v.status is Status.RACE, v.message
    assert v.failing_step is not None and v.failing_step.step == "parallel_size"
    ok = _check(NESTED.replace("INNER", "reduction(+ : s)"))
    assert ok.status is Status.PASS and not ok.unchecked, ok.message
    assert ok.coverage["parallel_size"]["race_sizes"], ok.coverage["parallel_size"]


def test_symbolizer_records_key_blocks_by_the_candidates_own_frame():
    from parcodegen.tools.block_locations import parse_frames

    text = (
        "__copy_m<int*>\n/usr/include/c++/12/bits/stl_algobase.h:383:4\n"
        "add(double*, double)\n/tmp/x/candidate.cpp:4:8\n"
        "msort(int*, long)\n/tmp/x/candidate.cpp:16:3\n\n"
        "msort(int*, long)\n/usr/include/c++/12/bits/stl_algobase.h:0:4\n\n"
        "??\n??:0:0\n"
    )
    assert parse_frames(text, "candidate.cpp") == [((4, 8), (16, 3)), "msort(int*, long)", None]


def test_an_atomic_retry_that_runs_only_under_contention_does_not_make_correct_code_unchecked():
    """`omp atomic` on a double is a compare-and-swap loop: its retry block runs when
    threads collide, which large n makes likely. Keyed by source location it is the atomic
    statement, which ran in a team at the race sizes."""
    from parcodegen.problems.suite import suite_dir

    rel = "geometry/vertex_normals/atomics.cpp"
    code = (ROOT / "tests/fixtures/correct" / rel).read_text()
    problem = load_problem(suite_dir() / "geometry" / "vertex_normals")
    v = check_candidate(problem, Candidate(code), VerifyOptions(timing=False))
    assert v.status is Status.PASS and not v.unchecked, v.message


def test_a_rerun_of_the_baseline_takes_what_it_runs_in_a_team_off_the_blocks_new_at_large_n():
    """Code that runs in a team only when threads collide (bfs_levels' failed
    compare-and-swap) ran at the race sizes in most runs; when it did not, it first showed
    at a size the race step cannot reach and the expert was unchecked (2 of 16 and 1 of 48
    verifications, two at a time on 2 cores). The reruns now include the baseline with other
    seeds: what it runs in a team is covered there; what it does not run stays new."""
    from parcodegen.tools.build import build_problem
    from parcodegen.tools.harness import PlannedCall
    from parcodegen.tools.probe_build import build_path_probe
    from parcodegen.tools.toolchain import default_toolchain

    problem = load_problem(EXAMPLE)
    build = build_problem(problem)
    builds, why = build_path_probe(build, BEHIND_THRESHOLD.replace("REDUCTION", "reduction(+ : sum)"),
                                   default_toolchain())  # fmt: skip
    assert builds is not None, why
    baseline = [PlannedCall(7, 100000, problem.patterns[0], 2)]  # above the threshold: a team
    probe = path_probe.probe_paths(build, builds, baseline, own_threads=False)
    assert isinstance(probe, path_probe.PathProbe), probe
    assert probe.baseline_parallel, "the baseline ran nothing in a team"
    assert probe.sizes, "nothing probed above the baseline"
    stranger = ("no such place", 0)
    big = probe.sizes[-1]  # as if the baseline's team blocks had first run in one there
    for n in probe.sizes:
        probe.new_parallel_at[n] = frozenset()
    probe.new_parallel_at[big] = probe.baseline_parallel | {stranger}
    assert path_probe.rerun_baseline(build, builds, probe, baseline, 99)
    assert probe.new_parallel_at[big] == {stranger}
    assert path_probe.cover_sizes(probe, lambda n: False, 3) == ((), (big,))
