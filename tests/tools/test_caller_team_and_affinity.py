"""Two classes that passed every check before (each wrong candidate below passed difftest
and the race step):

- a team sized by the machine's cores read through the CPU affinity mask
  (`sched_getaffinity` / `pthread_getaffinity_np` + `CPU_COUNT`): pcg_shown_cores.h
  showed the call's thread count through sysconf, get_nprocs and omp_get_num_procs, and the
  mask still held this machine's cores, so the team never had the counts the checks set;
- the floating-point mode left changed on the other threads of the caller's OpenMP team
  (libgomp's pool threads keep it: the caller's next parallel regions compute
  differently), where the check read the calling thread's mode only.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from parcodegen.problems.check import check_problem
from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.difftest import difftest
from parcodegen.tools.race import race_check, race_unavailable
from parcodegen.types import Status

from candidate_binary import candidate_binary

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"
HARNESS_DIR = ROOT / "src" / "parcodegen" / "data" / "harness"
HEAD = (
    "#include <cfenv>\n#include <cmath>\n#include <pthread.h>\n#include <sched.h>\n"
    "#include <vector>\n#include <xmmintrin.h>\n#include <omp.h>\n"
)
SIG = "double gaussian_energy(const std::vector<double>& x) {\n  const long n = (long)x.size();\n"
TERM = "std::exp(-0.5 * x[i] * x[i])"
SUM = f"""  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (long i = 0; i < n; ++i) sum += {TERM};
"""
CORRECT = HEAD + SIG + SUM + "  return sum;\n}\n"
needs_race = pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(REDUCTION))


# the core count read through the affinity mask, as a program that respects taskset does
AFFINITY_CORES = {
    "sched_getaffinity": "  cpu_set_t set;\n  CPU_ZERO(&set);\n"
    "  const int cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;\n",
    "pthread_getaffinity_np": "  cpu_set_t set;\n  CPU_ZERO(&set);\n"
    "  const int cores = pthread_getaffinity_np(pthread_self(), sizeof set, &set) == 0 "
    "? CPU_COUNT(&set) : 1;\n",
}


# the team sized by the mask's cores; here the result is wrong with more than 2 cores
@pytest.mark.parametrize("how", sorted(AFFINITY_CORES))
def test_a_team_sized_by_the_affinity_cores_is_run_with_the_tested_counts(build, how):
    code = (
        HEAD
        + SIG
        + AFFINITY_CORES[how]
        + f"""  double sum = 0.0;
#pragma omp parallel for num_threads(cores) reduction(+ : sum) schedule(static)
  for (long i = 0; i < n; ++i) sum += {TERM};
  return cores > 2 ? sum + 1.0 : sum;
}}
"""
    )
    step = difftest(build, candidate_binary(build, code))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert "wrong output" in step.message


# one partial per core of the mask and a tree sum over them with no barrier between its
# levels: a race from 4 threads, which the race build runs only if it shows the count
AFFINITY_TREE = (
    HEAD
    + SIG
    + AFFINITY_CORES["sched_getaffinity"]
    + f"""  std::vector<double> part(cores, 0.0);
#pragma omp parallel num_threads(cores)
  {{
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += {TERM};
    part[t] = s;
#pragma omp barrier
    for (int stride = 1; stride < T; stride *= 2)
      if (t % (2 * stride) == 0 && t + stride < T) part[t] += part[t + stride];
  }}
  return part[0];
}}
"""
)


@needs_race
def test_the_race_build_shows_the_affinity_cores(build):
    step = race_check(build, AFFINITY_TREE, 60.0)
    assert not step.ok and step.status is Status.RACE, step.message


def _run_program(tmp_path: Path, compiler: list[str], body: str) -> str:
    src = tmp_path / "affinity.cpp"
    src.write_text('#include "pcg_shown_cores.h"\n#include <omp.h>\n#include <cstdio>\n'
                   "#include <thread>\n" + body)  # fmt: skip
    exe = tmp_path / "affinity"
    subprocess.run([*compiler, "-std=c++17", "-fopenmp", f"-I{HARNESS_DIR}", str(src), "-o",
                    str(exe)], check=True, capture_output=True, text=True)  # fmt: skip
    env = dict(os.environ, TSAN_OPTIONS="report_bugs=0", ASAN_OPTIONS="detect_leaks=0")
    run = subprocess.run([str(exe)], check=False, capture_output=True, text=True, timeout=60,
                         env=env)  # fmt: skip
    assert run.returncode == 0, run.stderr
    return run.stdout


# the shown mask respects the caller's mask size as a kernel with that many cpus would; the
# machine's mask where none is shown; another thread of the process sees the shown count
MASKS = r"""
static int count_mask() {
  cpu_set_t s;
  return sched_getaffinity(0, sizeof s, &s) == 0 ? CPU_COUNT(&s) : -1;
}
int main() {
  const int machine = count_mask();
  std::printf("machine %d %d\n", machine == (int)std::thread::hardware_concurrency(),
              machine == omp_get_num_procs());
  pcg::show_cores(65);
  cpu_set_t* small = CPU_ALLOC(64);
  const int r = sched_getaffinity(0, CPU_ALLOC_SIZE(64), small);
  std::printf("small %d %d\n", r, errno == EINVAL);
  cpu_set_t* wide = CPU_ALLOC(65);
  const std::size_t size = CPU_ALLOC_SIZE(65);
  const int w = sched_getaffinity(0, size, wide);
  std::printf("wide %d %d %d %d\n", w, CPU_COUNT_S(size, wide), CPU_ISSET_S(64, size, wide) ? 1 : 0,
              CPU_ISSET_S(65, size, wide) ? 1 : 0);
  int other = 0;
  std::thread([&] { other = count_mask(); }).join();
  cpu_set_t s;
  const int pr = pthread_getaffinity_np(pthread_self(), sizeof s, &s);
  std::printf("shown %d %d %d %d\n", count_mask(), other, pr, CPU_COUNT(&s));
  pcg::show_cores(0);
  std::printf("again %d\n", count_mask() == machine);
}
"""


@pytest.mark.parametrize("compiler", [["g++", "-O2"],
                                      ["g++", "-O1", "-fsanitize=address,undefined"],
                                      ["clang++", "-O1", "-fsanitize=thread"]],
                         ids=["gcc", "asan", "tsan"])  # fmt: skip
def test_the_shown_cores_affinity_mask(tmp_path, compiler):
    if compiler[0] == "clang++" and race_unavailable() is not None:
        pytest.skip(str(race_unavailable()))
    out = _run_program(tmp_path, compiler, MASKS).split("\n")
    assert out[:5] == ["machine 1 1", "small -1 1", "wide 0 65 1 0", "shown 65 65 0 65",
                       "again 1"], out  # fmt: skip


# libgomp reads the mask too, for a dynamic team's size: that stays the machine's (the
# OMP_DYNAMIC=true variant's team is limited by this machine's cores, as before)
DYNAMIC = r"""
int main() {
  pcg::show_cores(64);
  omp_set_dynamic(1);
  int team = 0;
#pragma omp parallel num_threads(64)
#pragma omp single
  team = omp_get_num_threads();
  cpu_set_t s;
  pcg::show_cores(0);
  sched_getaffinity(0, sizeof s, &s);
  std::printf("%d\n", team <= CPU_COUNT(&s));
}
"""


def test_the_openmp_runtime_sees_the_machine_mask(tmp_path):
    assert _run_program(tmp_path, ["g++", "-O2"], DYNAMIC).strip() == "1"


def test_the_sanitized_reference_check_links_and_runs():
    assert check_problem(load_problem(REDUCTION)).ok


# the floating-point mode changed on the team's other threads only, the caller's kept
WORKERS_FTZ = (
    HEAD
    + SIG
    + f"""  double sum = 0.0;
#pragma omp parallel reduction(+ : sum)
  {{
    if (omp_get_thread_num() != 0) _mm_setcsr(_mm_getcsr() | 0x8040u);
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) sum += {TERM};
  }}
  return sum;
}}
"""
)
# the caller's mode saved, the rounding set in every thread, only the caller's restored
SAVED_ROUNDING = (
    HEAD
    + SIG
    + f"""  const int saved = std::fegetround();
  double sum = 0.0;
#pragma omp parallel reduction(+ : sum)
  {{
    std::fesetround(FE_TONEAREST == saved ? FE_DOWNWARD : FE_TONEAREST);
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) sum += {TERM};
  }}
  std::fesetround(saved);
  return sum;
}}
"""
)


@pytest.mark.parametrize("code, what", [(WORKERS_FTZ, "flush-to-zero"),
                                        (SAVED_ROUNDING, "rounding mode")])  # fmt: skip
def test_a_floating_point_mode_left_on_the_callers_team_threads_is_wrong(build, code, what):
    step = difftest(build, candidate_binary(build, code))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert "floating-point mode" in step.message and what in step.message
    assert "other threads of the caller's OpenMP team" in step.message


def test_a_mode_restored_on_every_thread_passes_and_a_serial_call_starts_no_threads(build):
    restored = (
        HEAD
        + SIG
        + f"""  double sum = 0.0;
#pragma omp parallel reduction(+ : sum)
  {{
    const unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040u);
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) sum += {TERM};
    _mm_setcsr(saved);
  }}
  return sum;
}}
"""
    )
    step = difftest(build, candidate_binary(build, restored))
    assert step.ok, step.message
    serial = HEAD + SIG + f"  double sum = 0.0;\n  for (long i = 0; i < n; ++i) sum += {TERM};\n"
    step = difftest(build, candidate_binary(build, serial + "  return sum;\n}\n"))
    assert step.ok, step.message
    assert step.data["coverage"]["max_threads_seen"] <= 1  # the team check started none
