"""More threads than cores. A table sized by the machine's cores and indexed by the thread
number (`partial[omp_get_thread_num() % omp_get_num_procs()]`) is shared by two threads
only when the threads outnumber the cores: OMP_NUM_THREADS above them, a Slurm, cgroup or
taskset CPU limit smaller than the team, hyperthreading off. Every harness process showed
each call its own thread count as the core count (pcg_shown_cores.h), so such code passed
every check (histogram/byte_histogram/mutant_per_core_bins: verify PASS at 30a83cf). The
plan's 'f' keeps the process's "nK" shown for every call, also one that sets more
threads; the race step's first process shows 2 cores so, and TSan reports the shared
table. Code right for any team (a table sized by omp_get_max_threads(), or by the cores
with a team of exactly that many threads) passes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem, run_harness
from parcodegen.tools.harness import PlannedCall, harness_plan
from parcodegen.tools.outputs import split_calls
from parcodegen.tools.race import (
    FEW_CORES,
    FEW_CORES_FIX,
    FEW_CORES_NOTE,
    NESTED_NOTE,
    race_check,
    race_unavailable,
)
from parcodegen.types import Status

from candidate_binary import candidate_binary

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"
HISTOGRAM = ROOT / "problems" / "builtin" / "histogram" / "byte_histogram"
MUTANT = HISTOGRAM / "solutions" / "mutant_per_core_bins.cpp"
needs_race = pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))


def test_the_plan_flag():
    calls = [PlannedCall(7, 100, "random", 4)]
    assert harness_plan(calls, cores=2, fixed_cores=True) == "cfn2;7:100:random:4"
    assert harness_plan(calls, cores=2) == "cn2;7:100:random:4"  # the default: unchanged
    assert harness_plan(calls) == "c;7:100:random:4"
    with pytest.raises(ValueError):
        harness_plan(calls, fixed_cores=True)  # fixed at what?


# every reader of the core count, one digit each (the counts here are below 10)
SHOWN = """#include <sched.h>
#include <sys/sysinfo.h>
#include <thread>
#include <unistd.h>
#include <vector>
#include <omp.h>
double gaussian_energy(const std::vector<double>& x) {
  (void)x;
  cpu_set_t set;
  CPU_ZERO(&set);
  const int mask = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  return 10000.0 * omp_get_num_procs() + 1000.0 * std::thread::hardware_concurrency()
         + 100.0 * sysconf(_SC_NPROCESSORS_ONLN) + 10.0 * get_nprocs() + mask;
}
"""


@pytest.fixture(scope="module")
def reduction():
    return build_problem(load_problem(REDUCTION))


@pytest.mark.parametrize("fixed", [False, True])
def test_the_cores_shown_to_each_call(reduction, fixed):
    binary = candidate_binary(reduction, SHOWN)
    calls = [PlannedCall(7, 3, "random", t) for t in (4, 3, 0, 2)]
    run = run_harness(binary, seed=7, n=3, pattern="random", threads=4, wall_s=30.0,
                      plan=harness_plan(calls, cores=2, fixed_cores=fixed))  # fmt: skip
    assert run.ok and run.outputs is not None, run.error
    shown = [int(np.asarray(got["return"]).ravel()[0]) // 11111
             for got in split_calls(run.outputs, len(calls))]  # fmt: skip
    # a call that sets no thread count: the plan's 2 either way
    assert shown == ([2, 2, 2, 2] if fixed else [4, 3, 2, 2])


# -------------------------------------------------------------- the race step (histograms)

HEAD = """#include <array>
#include <cstddef>
#include <cstdint>
#include <sched.h>
#include <thread>
#include <vector>
#include <omp.h>
using Table = std::array<std::int64_t, 256>;
"""
SIG = """void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  const int* d = data.data();
  const long n = static_cast<long>(data.size());
"""
MERGE = """  for (int b = 0; b < 256; ++b) {
    std::int64_t sum = 0;
    for (const Table& t : partial) sum += t[b];
    bins[b] = sum;
  }
}
"""
AFFINITY = """  cpu_set_t set;
  CPU_ZERO(&set);
  const int cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
"""


def _per_core(cores: str) -> str:
    """One table per core, each thread counting into the one of thread id % cores."""
    return (HEAD + SIG + cores + """  std::vector<Table> partial(static_cast<std::size_t>(cores), Table{});
#pragma omp parallel
  {
    Table& mine = partial[omp_get_thread_num() % cores];
#pragma omp for schedule(dynamic, 64)
    for (long i = 0; i < n; ++i) ++mine[d[i]];
  }
""" + MERGE)  # fmt: skip


# correct for any thread count; each reads the core count
CORRECT = {
    # as many threads as tables
    "cores_team": HEAD + SIG + """  const int cores = omp_get_num_procs();
  std::vector<Table> partial(static_cast<std::size_t>(cores), Table{});
#pragma omp parallel num_threads(cores)
  {
    Table& mine = partial[omp_get_thread_num()];
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) ++mine[d[i]];
  }
""" + MERGE,
    # the mask's cores, as many threads (a program that respects taskset)
    "affinity_team": HEAD + SIG + AFFINITY + """  std::vector<Table> partial(static_cast<std::size_t>(cores), Table{});
#pragma omp parallel num_threads(cores)
  {
    Table& mine = partial[omp_get_thread_num()];
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) ++mine[d[i]];
  }
""" + MERGE,
    # tables sized by the team the region may have, more threads than cores or not
    "max_threads": HEAD + SIG + """  const int cores = omp_get_num_procs();
  const int team = omp_get_max_threads();
  std::vector<Table> partial(static_cast<std::size_t>(team > cores ? team : cores), Table{});
#pragma omp parallel
  {
    Table& mine = partial[omp_get_thread_num()];
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) ++mine[d[i]];
  }
""" + MERGE,
    # one block of the input per core, a table per block (not per thread)
    "cores_blocks": HEAD + SIG + """  const int cores = omp_get_num_procs();
  std::vector<Table> partial(static_cast<std::size_t>(cores), Table{});
#pragma omp parallel for schedule(dynamic, 1)
  for (int c = 0; c < cores; ++c)
    for (long i = n * c / cores; i < n * (c + 1) / cores; ++i) ++partial[c][d[i]];
""" + MERGE,
    # one std::thread per core, each its own table
    "hardware_threads": HEAD + SIG + """  const int cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<Table> partial(static_cast<std::size_t>(cores), Table{});
  std::vector<std::thread> workers;
  for (int c = 0; c < cores; ++c)
    workers.emplace_back([&, c] {
      for (long i = n * c / cores; i < n * (c + 1) / cores; ++i) ++partial[c][d[i]];
    });
  for (std::thread& w : workers) w.join();
""" + MERGE,
}  # fmt: skip
CORRECT["hardware_threads"] = CORRECT["hardware_threads"].replace(
    "#include <array>", "#include <algorithm>\n#include <array>"
)


@pytest.fixture(scope="module")
def histogram():
    return build_problem(load_problem(HISTOGRAM))


def _race_of_few_cores(step) -> None:
    assert not step.ok and step.status is Status.RACE, step.message
    assert FEW_CORES_NOTE in step.message and FEW_CORES_FIX in step.message, step.message
    assert "threads=3" in step.message or "threads=4" in step.message, step.message
    assert step.data["coverage"]["cores_shown"][0] == FEW_CORES


@needs_race
def test_the_suite_mutant_is_a_race(histogram):
    _race_of_few_cores(race_check(histogram, MUTANT.read_text(), 60.0))


@needs_race
@pytest.mark.parametrize("cores", [
    "  const int cores = static_cast<int>(std::thread::hardware_concurrency());\n",
    AFFINITY,
])  # fmt: skip
def test_a_table_per_core_indexed_by_thread_is_a_race(histogram, cores):
    _race_of_few_cores(race_check(histogram, _per_core(cores), 60.0))


@needs_race
@pytest.mark.parametrize("name", sorted(CORRECT))
def test_code_right_for_any_team_passes(histogram, name):
    step = race_check(histogram, CORRECT[name], 60.0)
    assert step.ok and not step.skipped, step.message
    assert f"cores shown: {FEW_CORES} to every call of process 1" in step.message
    assert step.data["coverage"]["cores_shown"] == [FEW_CORES, "threads"]


# the nested process (shows each call its threads) still finds an inner region's race
NESTED_RACE = HEAD + SIG + """  std::int64_t total[256] = {};
#pragma omp parallel for schedule(static)
  for (int half = 0; half < 2; ++half) {
    Table t{};
#pragma omp parallel for schedule(static)
    for (long i = n * half / 2; i < n * (half + 1) / 2; ++i) ++t[d[i]];
#pragma omp critical
    for (int b = 0; b < 256; ++b) total[b] += t[b];
  }
  for (int b = 0; b < 256; ++b) bins[b] = total[b];
}
"""  # fmt: skip


@needs_race
def test_the_nested_process_still_finds_an_inner_race(histogram):
    step = race_check(histogram, NESTED_RACE, 60.0)
    assert not step.ok and step.status is Status.RACE, step.message
    assert NESTED_NOTE in step.message and FEW_CORES_NOTE not in step.message, step.message
    assert FEW_CORES_FIX not in step.message
