"""The OpenMP runtime's own faults under the race detector are not the candidate's:
correct nested code is not reported racy (hot teams, benchmarks/nested_race_artifacts.py),
and a crash inside libomp is run again before it counts (a candidate that breaks the
runtime breaks it again; LLVM 14's libomp crashed on its own in 8 of 3150 checks of
correct nested code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.openmp_support import runtime_crashed
from parcodegen.tools.race import race_check, race_unavailable
from parcodegen.types import Status

ROOT = Path(__file__).resolve().parents[2]
needs_race = pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))

HEAD = (
    "#include <atomic>\n#include <cmath>\n#include <ctime>\n#include <vector>\n#include <omp.h>\n"
)
# a correct reduction that, when `CRASHES` holds at its first call, hands libomp a lock
# that is no lock: the runtime faults in its own code (the flag is atomic: two calls at
# once, the race step's paired process, do not race on it)
CANDIDATE = (
    HEAD
    + """double gaussian_energy(const std::vector<double>& x) {
  static std::atomic<bool> first{true};
  if (first.exchange(false) && (CRASHES)) {
#pragma omp parallel
    omp_set_lock((omp_lock_t*)0x10);
  }
  const long n = (long)x.size();
  double s = 0.0;
#pragma omp parallel for reduction(+ : s)
  for (long i = 0; i < n; ++i) s += std::exp(-0.5 * x[i] * x[i]);
  return s;
}
"""
)
# a quarter of the processes, by the clock's nanoseconds (a run and its repeat differ)
SOMETIMES = (
    "[] { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (t.tv_nsec >> 10) % 4 == 0; }()"
)


def test_a_crash_is_the_runtimes_when_tsan_names_libomp():
    crash = ("==2==ERROR: ThreadSanitizer: SEGV on unknown address (pc 0x7f49b9918a7b)\n"
             "    #0 <null> <null> (libomp.so.5+0x3ba7b)\n"
             "SUMMARY: ThreadSanitizer: SEGV (/usr/lib/llvm-14/lib/libomp.so.5+0x3ba7b) \n")  # fmt: skip
    assert runtime_crashed(crash)
    assert not runtime_crashed(crash.replace("/usr/lib/llvm-14/lib/libomp.so.5", "/w/prog"))
    assert not runtime_crashed("WARNING: ThreadSanitizer: data race ... (libomp.so.5+0x1)\n")


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(ROOT / "examples" / "reduction"))


@needs_race
def test_a_runtime_crash_that_repeats_is_the_candidates(build):
    step = race_check(build, CANDIDATE.replace("CRASHES", "true"), 60.0)
    assert not step.ok and step.status is Status.CRASH, step.message
    assert "in two runs of this process" in step.message


@needs_race
def test_a_race_reported_before_a_runtime_crash_stands(build):
    racy = CANDIDATE.replace(
        "  static std::atomic<bool> first{true};\n",
        "  static std::atomic<bool> first{true};\n  static double hits;\n#pragma omp parallel\n"
        "  hits += 1.0;\n",
    )
    step = race_check(build, racy.replace("CRASHES", "true"), 60.0)
    assert not step.ok and step.status is Status.RACE, step.message


@needs_race
def test_a_runtime_crash_that_does_not_repeat_is_not_a_verdict(build):
    code = CANDIDATE.replace("CRASHES", SOMETIMES)
    seen = []
    for _ in range(12):
        step = race_check(build, code, 60.0)
        # a process that crashed twice in a row (1 in 16) is a crash; none is a race
        assert step.ok or step.status is Status.CRASH, step.message
        if step.ok and step.data["coverage"]["runtime_crashes_not_repeated"]:
            seen.append(step.message)
            if len(seen) == 2:
                break
    assert seen, "no process crashed once in 12 checks (each process crashes 1 in 4)"
    assert "crashed in the OpenMP runtime (libomp) and ran clean when repeated" in seen[0]


@needs_race
def test_the_candidate_cannot_see_the_race_builds_runtime_setting(build):
    """Hot teams are set inside the race build before main, and taken out of the
    environment again: code that races only where the variable is absent is still run
    racy there."""
    code = (HEAD + "#include <cstdlib>\n" + """double gaussian_energy(const std::vector<double>& x) {
  const long n = (long)x.size();
  double s = 0.0;
  if (std::getenv("KMP_HOT_TEAMS_MAX_LEVEL") == nullptr) {
#pragma omp parallel for
    for (long i = 0; i < n; ++i) s += std::exp(-0.5 * x[i] * x[i]);
    return s;
  }
  for (long i = 0; i < n; ++i) s += std::exp(-0.5 * x[i] * x[i]);
  return s;
}
""")  # fmt: skip
    step = race_check(build, code, 60.0)
    assert not step.ok and step.status is Status.RACE, step.message


@needs_race
def test_correct_nested_teams_are_not_reported_racy():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "nested_race_artifacts.py"),
                          "--runs", "10", "--json"], capture_output=True, text=True, timeout=600,
                         check=True)  # fmt: skip
    counts = json.loads(out.stdout)["counts"]
    hot = counts["hot teams (the race build)"]
    assert hot["correct"]["race"] == 0 and hot["correct"]["crash"] == 0, counts
    assert hot["racy"]["race"] == 10, counts  # hot teams hide no real race
