"""What a call does to its callers, and what the machine shows it: classes that passed
every check before (the wrong candidates below all passed difftest and the race step).

- two calls at once (a user's threads or parallel region): storage the calls share;
- a team sized by the machine's cores, which ignored every thread count the checks set;
- the caller's floating-point mode or OpenMP settings left changed;
- a per-thread table indexed modulo more threads than the race step's widest call had;
- a `cancel` that is right only while cancellation is off (the default).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.compile import compile_object
from parcodegen.tools.difftest import difftest, env_variants
from parcodegen.tools.object_threads import static_storage
from parcodegen.tools.parallelism import table_extents
from parcodegen.tools.race import PAIRED_NOTE, race_check, race_unavailable
from parcodegen.types import Status

from candidate_binary import candidate_binary

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"
HEAD = (
    "#include <cfenv>\n#include <cmath>\n#include <thread>\n#include <unistd.h>\n"
    "#include <vector>\n#include <omp.h>\n"
)
SIG = "double gaussian_energy(const std::vector<double>& x) {\n  const long n = (long)x.size();\n"
TERM = "std::exp(-0.5 * x[i] * x[i])"
SUM = f"""  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (long i = 0; i < n; ++i) sum += {TERM};
"""
needs_race = pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(REDUCTION))


# per-thread partial sums in a static, resized by every call: right one call at a time
STATIC_SCRATCH = (
    HEAD
    + SIG
    + f"""  static std::vector<double> part;
  part.assign(omp_get_max_threads(), 0.0);
  int team = 1;
#pragma omp parallel
  {{
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += {TERM};
#pragma omp single
    team = omp_get_num_threads();
    part[omp_get_thread_num()] = s;
  }}
  double total = 0.0;
  for (int t = 0; t < team; ++t) total += part[t];
  return total;
}}
"""
)


@needs_race
def test_static_scratch_races_between_two_callers(build):
    step = race_check(build, STATIC_SCRATCH, 60.0)
    assert not step.ok and step.status is Status.RACE, step.message
    assert PAIRED_NOTE in step.message
    assert step.data["static"]["static_storage"]
    assert step.data.get("coverage", {}).get("paired_processes", 1) == 1


@needs_race
def test_without_static_storage_no_paired_process_runs(build):
    step = race_check(build, HEAD + SIG + SUM + "  return sum;\n}\n", 60.0)
    assert step.ok, step.message
    assert step.data["coverage"]["paired_processes"] == 0
    assert "static_storage" not in step.data["static"]


def test_static_storage_reads_the_object(tmp_path):
    def storage(code: str) -> tuple[str, ...]:
        obj = compile_object(code, headers={}, flags=("-O2", "-fopenmp"))
        assert obj.ok and obj.path is not None, obj.message
        return static_storage(obj.path)

    assert any("memo" in s for s in storage("int f(int x) { static int memo = 0; "
                                            "return memo += x; }"))  # fmt: skip
    assert storage("double g[4]; void f(int i) { g[i & 3] = i; }")
    # a named critical section's lock, a constant table: no state of the candidate's
    assert not storage("static const int t[3] = {1, 2, 3}; int f(int i, int* s) {\n"
                       "#pragma omp critical(acc)\n  *s += t[i % 3];\n  return *s; }")  # fmt: skip


def test_a_reference_with_static_storage_is_not_held_to_two_callers():
    assert any(v.pairs for v in env_variants(True))
    assert not any(v.pairs for v in env_variants(False))


# a team of one thread per core: what it does with more threads than this machine's
# cores never ran; here the result is wrong with more than 2 cores
@pytest.mark.parametrize("cores", ["omp_get_num_procs()", "(int)std::thread::hardware_concurrency()",
                                   "(int)sysconf(_SC_NPROCESSORS_ONLN)"])  # fmt: skip
def test_a_team_sized_by_the_cores_is_run_with_the_tested_counts(build, cores):
    code = (
        HEAD
        + SIG
        + f"""  const int team = {cores};
  double sum = 0.0;
#pragma omp parallel for num_threads(team) reduction(+ : sum) schedule(static)
  for (long i = 0; i < n; ++i) sum += {TERM};
  return team > 2 ? sum + 1.0 : sum;
}}
"""
    )
    step = difftest(build, candidate_binary(build, code))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message


FLUSH_TO_ZERO = (
    "#include <xmmintrin.h>\n"
    + HEAD
    + SIG
    + "  _mm_setcsr(_mm_getcsr() | 0x8040u);\n"
    + SUM
    + "  return sum;\n}\n"
)
ROUND_UP = HEAD + SIG + "  std::fesetround(FE_UPWARD);\n" + SUM + "  return sum;\n}\n"
SETS_THREADS = HEAD + SIG + "  omp_set_num_threads(7);\n" + SUM + "  return sum;\n}\n"


@pytest.mark.parametrize("code, what", [(FLUSH_TO_ZERO, "flush-to-zero"),
                                        (ROUND_UP, "rounding mode")])  # fmt: skip
def test_a_floating_point_mode_left_changed_is_wrong(build, code, what):
    step = difftest(build, candidate_binary(build, code))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert "floating-point mode" in step.message and what in step.message


def test_openmp_settings_left_changed_are_a_warning(build):
    step = difftest(build, candidate_binary(build, SETS_THREADS))
    assert step.ok, step.message
    assert "warning: the call leaves its caller's OpenMP settings changed" in step.message
    assert step.data["coverage"]["caller_settings_changed"] == ["omp_get_max_threads()"]
    clean = difftest(build, candidate_binary(build, HEAD + SIG + SUM + "  return sum;\n}\n"))
    assert clean.ok and "warning" not in clean.message, clean.message


SLOTS16 = (
    HEAD
    + SIG
    + f"""  struct alignas(64) Slot {{ double v = 0.0; }};
  Slot part[16];
#pragma omp parallel
  {{
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += {TERM};
    part[omp_get_thread_num() % 16].v += s;
  }}
  double total = 0.0;
  for (const Slot& p : part) total += p.v;
  return total;
}}
"""
)


def test_table_extents_are_read_from_the_live_code():
    assert table_extents(SLOTS16) == [16]
    assert table_extents("#define K 24\nint f(int t) { double a[K]; // b[99]\n return t % 40; }") == [
        24, 40]  # fmt: skip


@needs_race
def test_slots_modulo_sixteen_race_with_seventeen_threads(build):
    step = race_check(build, SLOTS16, 60.0)
    assert not step.ok and step.status is Status.RACE, step.message
    assert step.data["coverage"]["wide_call"][1] == 17


# an early exit by `cancel` is right only while cancellation is off (users may turn it on)
CANCEL_SENSITIVE = HEAD + SIG + SUM + "  return omp_get_cancellation() ? sum + 1.0 : sum;\n}\n"


def test_cancellation_on_is_an_environment_variant(build):
    step = difftest(build, candidate_binary(build, CANCEL_SENSITIVE))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert "OMP_CANCELLATION=true" in step.message


# a const input written and put back before returning (a sentinel): the comparison after
# the call saw nothing; two calls sharing the input would see each other's sentinel
SENTINEL = (
    HEAD
    + SIG
    + f"""  if (n == 0) return 0.0;
  double& last = const_cast<double&>(x[n - 1]);
  const double keep = last;
  last = 0.0;
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (long i = 0; i < n - 1; ++i) sum += {TERM};
  last = keep;
  return sum + std::exp(-0.5 * keep * keep);
}}
"""
)


def test_a_const_input_written_and_put_back_is_caught(build):
    step = difftest(build, candidate_binary(build, SENTINEL))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert "written during the call, put back before it returned" in step.message
