"""A serial candidate (no OpenMP, omp_* call or thread) that keeps scratch or a table in
static storage is not reentrant: two user threads calling it at once share it. Before,
the race step was "not run: nothing can race" for such code and only difftest's
two-callers variant could catch it, when the two calls happened to collide. The race
step now runs its paired process alone (two calls at a time from two threads) for such
code; a magic static read-only after its guarded initialization and a `thread_local`
cache are right for two callers and pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem, candidate_name
from parcodegen.tools.compile import GCC_FLAGS, TSAN_FLAGS, compile_object
from parcodegen.tools.object_threads import object_threads, static_storage
from parcodegen.tools.race import NOT_RUN, PAIRED_NOTE, PAIRED_RACE, race_check, race_unavailable
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, check_candidate

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"
needs_race = pytest.mark.skipif(race_unavailable() is not None, reason=str(race_unavailable()))

HEAD = "#include <cmath>\n#include <vector>\n"
SIG = "double gaussian_energy(const std::vector<double>& x) {\n  const long n = (long)x.size();\n"

# the squares kept in a static buffer, resized and reused by every call
STATIC_SCRATCH = (
    HEAD
    + SIG
    + """  static std::vector<double> scratch;  // no allocation per call
  scratch.resize(n);
  for (long i = 0; i < n; ++i) scratch[i] = x[i] * x[i];
  double sum = 0.0;
  for (long i = 0; i < n; ++i) sum += std::exp(-0.5 * scratch[i]);
  return sum;
}
"""
)

# a table filled on the first call without synchronization: both callers write the same
# values, so every output is right whatever the timing (difftest cannot see it), but the
# writes and reads of `ready` and `half` race
UNSYNCHRONIZED_TABLE = (
    HEAD
    + SIG
    + """  static double half[4];
  static bool ready = false;
  if (!ready) {
    for (int k = 0; k < 4; ++k) half[k] = -0.5;
    ready = true;
  }
  double sum = 0.0;
  for (long i = 0; i < n; ++i) sum += std::exp(half[i & 3] * x[i] * x[i]);
  return sum;
}
"""
)

# a C++ magic static: initialized once under its guard (__cxa_guard_acquire, which TSan
# knows), read-only after
MAGIC_STATIC = (
    HEAD
    + """static std::vector<double> make_half() { return std::vector<double>(4, -0.5); }
"""
    + SIG
    + """  static const std::vector<double> half = make_half();
  double sum = 0.0;
  for (long i = 0; i < n; ++i) sum += std::exp(half[i & 3] * x[i] * x[i]);
  return sum;
}
"""
)

# the same scratch, one per thread
THREAD_LOCAL = STATIC_SCRATCH.replace("static std::vector<double> scratch;",
                                      "thread_local std::vector<double> scratch;")  # fmt: skip


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(REDUCTION))


def _tested(build, code: str):
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler,
                         source_name=candidate_name(build.problem))  # fmt: skip
    assert obj.ok and obj.path is not None, obj.message
    return object_threads(obj.path)


SECTIONS = """#include <vector>
std::vector<double> make();
double g_buf[16];
static const char* const names[] = {"a", "b", "c"};
static const double ctab[3] = {1, 2, 3};
struct B { virtual ~B(); virtual int h() { return 1; } };
B::~B() {}
inline int bump(int x) { static int count = 0; return count += x; }
template <class T> T swap_last(T x) { static T last; T r = last; last = x; return r; }
double f(int i) {
  static std::vector<double> scratch;
  static const std::vector<double> table = make();
  thread_local std::vector<double> mine;
  static thread_local int calls;
  scratch.assign(4, 1.0);
  mine.assign(4, 2.0);
  ++calls;
  return scratch[i & 3] + table[i & 3] + mine[i & 3] + ctab[i % 3] + g_buf[i & 15] + calls
         + bump(i) + swap_last(i) + names[i % 3][0];
}
"""


@pytest.mark.parametrize("compiler", ["g++", "clang++"])
def test_static_storage_is_read_by_section(compiler):
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} not found")
    flags = GCC_FLAGS if compiler == "g++" else TSAN_FLAGS
    obj = compile_object(SECTIONS, headers={}, flags=flags, compiler=compiler)
    assert obj.ok and obj.path is not None, obj.message
    found = static_storage(obj.path)
    shared = {"g_buf", "f(int)::scratch", "f(int)::table", "bump(int)::count",
              "swap_last<int>(int)::last"}  # fmt: skip
    # clang's static locals of an inline function or a template are weak objects (nm `V`)
    assert shared <= set(found), found
    # thread_local (one per thread), the loader's relocated tables (vtable, typeinfo, an
    # array of pointers to constants) and constants are nothing two callers share
    for name in ("mine", "calls", "names", "vtable", "typeinfo", "ctab"):
        assert not any(name in s for s in found), (name, found)


@needs_race
def test_serial_static_scratch_is_a_race(build):
    tested = _tested(build, STATIC_SCRATCH)
    assert not tested.concurrent and tested.statics
    step = race_check(build, STATIC_SCRATCH, 60.0, compiled=tested)
    assert not step.ok and step.status is Status.RACE, step.message
    assert step.message.startswith(PAIRED_RACE) and PAIRED_NOTE in step.message
    assert "scratch" in step.message
    cov = step.data["coverage"]
    assert cov["paired_only"] and cov["paired_processes"] == 1 and cov["runs"] == 0


@needs_race
def test_serial_table_filled_without_synchronization_is_rejected():
    # the same value written by both callers is still a data race; no output is wrong,
    # so it is the race step's (deterministic), not difftest's
    v = check_candidate(load_problem(REDUCTION), Candidate(UNSYNCHRONIZED_TABLE),
                        VerifyOptions(timing=False))  # fmt: skip
    assert v.status is Status.RACE, v.message
    assert PAIRED_RACE in v.message and "ready" in v.message
    race = v.coverage["race"]
    assert race["paired_only"] and race["paired_processes"] == 1
    # still reported as serial code
    assert v.parallel is not None and v.parallel["parallel"] is False
    assert v.parallel["in_code"] is False


@needs_race
def test_serial_magic_static_table_passes():
    v = check_candidate(load_problem(REDUCTION), Candidate(MAGIC_STATIC),
                        VerifyOptions(timing=False))  # fmt: skip
    assert v.status is Status.PASS, v.message
    race = next(s for s in v.steps if s.step == "race")
    assert race.ok and not race.skipped and "between two calls made at once" in race.message
    cov = v.coverage["race"]
    assert cov["paired_only"] and cov["paired_processes"] == 1 and cov["calls"] > 0
    assert cov["outputs_compared"] == cov["calls"]
    # the paired process's two threads are the harness's: the candidate is not parallel
    assert v.parallel is not None and v.parallel["parallel"] is False


@needs_race
def test_serial_thread_local_cache_passes():
    v = check_candidate(load_problem(REDUCTION), Candidate(THREAD_LOCAL),
                        VerifyOptions(timing=False))  # fmt: skip
    assert v.status is Status.PASS, v.message
    race = next(s for s in v.steps if s.step == "race")
    assert race.message == NOT_RUN  # a thread_local is one per thread: no static storage


def test_serial_code_without_static_storage_is_not_run(build):
    code = (
        HEAD
        + SIG
        + "  double s = 0.0;\n  for (long i = 0; i < n; ++i) s += x[i];\n  return s;\n}\n"
    )
    step = race_check(build, code, 60.0, compiled=_tested(build, code))
    assert step.ok and step.message == NOT_RUN and step.data["coverage"]["serial"]


@needs_race
def test_serial_code_is_not_held_to_two_callers_when_the_reference_keeps_static_storage(
    tmp_path,
):
    shutil.copy(REDUCTION / "problem.toml", tmp_path / "problem.toml")
    ref = (REDUCTION / "reference.cpp").read_text()
    (tmp_path / "reference.cpp").write_text(
        ref.replace(
            "    double sum = 0.0;\n",
            "    static long calls = 0;\n    ++calls;\n    double sum = 0.0;\n",
        )
    )
    build = build_problem(load_problem(tmp_path))
    assert static_storage(build.reference_obj)
    step = race_check(build, STATIC_SCRATCH, 60.0, compiled=_tested(build, STATIC_SCRATCH))
    assert step.ok and step.message == NOT_RUN
