"""Environments the tests did not have: more threads than a fixed per-thread table holds,
OMP_SCHEDULE without a chunk, nested teams allowed, and thread ids equal modulo k.
Each wrong candidate passed difftest and the race step before; the correct siblings
(a table sized by the team, nesting with an inner reduction) still pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.difftest import MANY_THREADS, difftest
from parcodegen.tools.race import race_check, race_unavailable
from parcodegen.tools.race_plan import WIDE_THREADS
from parcodegen.types import Status

from candidate_binary import candidate_binary

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"
HEAD = "#include <cmath>\n#include <cstdlib>\n#include <cstring>\n#include <vector>\n#include <omp.h>\n"
SIG = "double gaussian_energy(const std::vector<double>& x) {\n  const long n = (long)x.size();\n"
TERM = "std::exp(-0.5 * x[i] * x[i])"

TABLE16 = (
    HEAD
    + SIG
    + f"""  double part[16] = {{0}};
#pragma omp parallel
  {{
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += {TERM};
    part[omp_get_thread_num() & 15] = s;
  }}
  double total = 0.0;
  for (double p : part) total += p;
  return total;
}}
"""
)

TEAM_TABLE = (
    HEAD
    + SIG
    + f"""  std::vector<double> part(omp_get_max_threads(), 0.0);
#pragma omp parallel
  {{
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += {TERM};
    part[omp_get_thread_num()] = s;
  }}
  double total = 0.0;
  for (double p : part) total += p;
  return total;
}}
"""
)

SCHEDULE_CHUNK = (
    HEAD
    + SIG
    + f"""  long chunk = 256;
  if (const char* s = std::getenv("OMP_SCHEDULE")) chunk = std::atol(std::strchr(s, ',') + 1);
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule(dynamic, chunk)
  for (long i = 0; i < n; ++i) sum += {TERM};
  return sum;
}}
"""
)

NESTED = (
    HEAD
    + SIG
    + f"""  double part[2] = {{0, 0}};
#pragma omp parallel for
  for (long b = 0; b < 2; ++b) {{
    const long lo = n * b / 2, hi = n * (b + 1) / 2;
    double s = 0.0;
#pragma omp parallel for {{clause}}
    for (long i = lo; i < hi; ++i) s += {TERM};
    part[b] = s;
  }}
  return part[0] + part[1];
}}
"""
)

MOD4 = (
    HEAD
    + SIG
    + f"""  double part[4] = {{0, 0, 0, 0}};
#pragma omp parallel
  {{
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += {TERM};
    part[omp_get_thread_num() % 4] += s;
  }}
  return part[0] + part[1] + part[2] + part[3];
}}
"""
)


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(REDUCTION))


def test_fixed_table_fails_with_many_threads(build):
    step = difftest(build, candidate_binary(build, TABLE16))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert f"threads={MANY_THREADS}" in step.message


def test_table_sized_by_the_team_passes(build):
    step = difftest(build, candidate_binary(build, TEAM_TABLE))
    assert step.ok, step.message


def test_schedule_without_chunk_crashes_a_parser(build):
    step = difftest(build, candidate_binary(build, SCHEDULE_CHUNK))
    assert not step.ok and step.status is Status.CRASH, step.message
    assert "OMP_SCHEDULE=guided" in step.message


@pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))
def test_nested_race_needs_nested_teams(build):
    racy = race_check(build, NESTED.replace("{clause}", ""), 60.0)
    assert not racy.ok and racy.status is Status.RACE, racy.message
    ok = race_check(build, NESTED.replace("{clause}", "reduction(+ : s)"), 60.0)
    assert ok.ok, ok.message


@pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))
def test_slots_shared_modulo_four_race_with_the_wide_call(build):
    step = race_check(build, MOD4, 60.0)
    assert not step.ok and step.status is Status.RACE, step.message
    assert step.data["coverage"]["wide_call"][1] == WIDE_THREADS


SIZED_ONCE = (
    HEAD
    + SIG
    + f"""  static std::vector<double> part;
  if (part.empty()) part.resize(omp_get_max_threads());
  int team = 1;
#pragma omp parallel
  {{
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += {TERM};
#pragma omp single
    team = omp_get_num_threads();
    part.at(omp_get_thread_num()) = s;
  }}
  double total = 0.0;
  for (int t = 0; t < team; ++t) total += part.at(t);
  return total;
}}
"""
)


def test_per_thread_buffer_sized_once_fails_when_the_team_grows(build):
    step = difftest(build, candidate_binary(build, SIZED_ONCE))
    assert not step.ok and step.status is Status.CRASH, step.message
    assert "changing between calls" in step.message
