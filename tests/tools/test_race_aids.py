"""What the race step's builds link in so that races under a loaded machine's scheduling
are still seen (tools/race_aids.py): a thread that runs its whole share of a loop while
another waits for a core. Here a thread sleeps before the loop, as a loaded machine makes
it wait, at a size whose share is hundreds of thousands of accesses."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.race import race_check, race_unavailable
from parcodegen.types import Status

ROOT = Path(__file__).resolve().parents[2]
needs_race = pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))

# every thread counts into one shared double: a race whatever the schedule; thread 1
# starts late
LATE_THREAD = """#include <cmath>
#include <vector>
#include <omp.h>
#include <unistd.h>
double g_terms = 0.0;
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  double sum = 0.0;
  PREAMBLE
#pragma omp parallel num_threads(2) reduction(+ : sum)
  {
    if (omp_get_thread_num() == 1) usleep(300000);
#pragma omp for schedule(SCHEDULE)
    for (long i = 0; i < n; ++i) {
      sum += std::exp(-0.5 * x[i] * x[i]);
      g_terms += 1.0;
    }
  }
  return sum;
}
"""


@needs_race
@pytest.mark.parametrize(
    ("schedule", "preamble"),
    [
        ("static", ""),
        ("dynamic, 1024", ""),
        ("runtime", "omp_set_schedule(omp_sched_dynamic, 512);"),
    ],  # fmt: skip
)
def test_a_race_with_a_thread_that_starts_late_is_reported(schedule: str, preamble: str):
    """static: the late thread's first count met the other's first of its epoch, 500000
    iterations back, whose stack ThreadSanitizer no longer had: the report was dropped.
    dynamic (or runtime, set dynamic): the first thread took every chunk before the late
    one asked, so only one thread ran the loop (round robin deals it its share). All three
    passed the race step before."""
    build = build_problem(load_problem(ROOT / "examples" / "reduction"))
    code = LATE_THREAD.replace("SCHEDULE", schedule).replace("PREAMBLE", preamble)
    step = race_check(build, code, 60.0, at_sizes=(1000000,))
    assert step.status is Status.RACE, step.message
    assert "g_terms += 1.0" in step.message, step.message


ORDERED = """#include <cmath>
#include <vector>
#include <omp.h>
double gaussian_energy(const std::vector<double>& x) {
  const long n = static_cast<long>(x.size());
  std::vector<double> terms;
  terms.reserve(n);
  PREAMBLE
#pragma omp parallel for schedule(SCHEDULE) ordered
  for (long i = 0; i < n; ++i) {
    const double v = std::exp(-0.5 * x[i] * x[i]);
#pragma omp ordered
    terms.push_back(v);
  }
  double sum = 0.0;
  for (long i = 0; i < n; ++i) {  // out of order: not a number, a wrong output
    if (terms[i] != std::exp(-0.5 * x[i] * x[i])) return std::nan("");
    sum += terms[i];
  }
  return sum;
}
"""


@needs_race
@pytest.mark.parametrize(
    ("schedule", "preamble"),
    [("dynamic, 3", ""), ("runtime", "omp_set_schedule(omp_sched_dynamic, 2);")],
)
def test_dealt_round_robin_an_ordered_dynamic_loop_stays_ordered(schedule: str, preamble: str):
    """Correct code that relies on `ordered`: no race, outputs equal to the reference's
    in the build that deals chunks round robin too (its calls' outputs are compared)."""
    build = build_problem(load_problem(ROOT / "examples" / "reduction"))
    code = ORDERED.replace("SCHEDULE", schedule).replace("PREAMBLE", preamble)
    step = race_check(build, code, 60.0)
    assert step.ok and step.status is None and not step.skipped, step.message
    assert step.data["coverage"]["outputs_compared"] > 0
    assert "dealt round robin" in step.log
    assert (
        step.data["coverage"]["round_robin_processes"] == (step.data["coverage"]["runs"] + 1) // 2
    )
