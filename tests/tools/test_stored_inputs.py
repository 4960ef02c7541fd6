"""Stored inputs: one save run makes a pair's inputs, both timed runs read the same bytes.

Real harness builds and sandboxed runs: a run that reads stored inputs gives exactly the
outputs of a run that makes them from the same seed (every argument kind: pointer
buffers of a struct, std::vector<bool>, a complex scalar, an output buffer that starts
random, a hook type through pcg_fields); the stored file is sealed and a candidate that
tries to change it (write, pwrite, ftruncate, reopening it for writing, a shared
writable mapping) fails at each; a type that cannot be stored says so and timing falls
back to making inputs in every run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem, run_harness
from parcodegen.tools.compile import compile_object, link_binary, link_flags
from parcodegen.tools.stored_inputs import sealed, store_inputs
from parcodegen.tools.timing import TimingPlan, measure

ROOT = Path(__file__).resolve().parents[2]

KINDS_TOML = """function = "f"
returns = "double"
patterns = ["random", "sorted"]
[[args]]
name = "pts"
type = "const P*"
size = "n"
[[args]]
name = "len"
type = "std::size_t"
value = "n"
[[args]]
name = "flags"
type = "const std::vector<bool>&"
size = "n"
[[args]]
name = "c"
type = "std::complex<double>"
[[args]]
name = "out"
type = "double*"
size = "n"
[sizes]
test = [0, 5]
bench = 300000
"""
KINDS_REF = """#include <complex>
#include <cstddef>
#include <vector>
struct P { double x; float y; int k[3]; };
double f(const P* pts, std::size_t len, const std::vector<bool>& flags, std::complex<double> c,
         double* out) {
  double s = c.real() - 2 * c.imag();
  for (std::size_t i = 0; i < len; ++i) {
    out[i] = out[i] * 0.5 + pts[i].x * pts[i].y + pts[i].k[0] - pts[i].k[2];
    if (flags[i]) s += out[i];
  }
  return s;
}
"""

POINTER_HOOKS = """#include "parcodegen_harness.h"
#include <cstddef>
struct Blob { std::size_t n = 0; double* data = nullptr; };
inline void make_blob(Blob& b, pcg::Rng& rng, std::size_t n, pcg::Pattern) {
  b.n = n;
  b.data = new double[n];
  for (std::size_t i = 0; i < n; ++i) b.data[i] = rng.uniform_real(0, 1);
}
"""
POINTER_TOML = """function = "total"
returns = "double"
[[args]]
name = "b"
type = "const Blob&"
hook = "blob"
[sizes]
test = [0, 5]
bench = 300000
"""
POINTER_REF = """#include "hooks.h"
double total(const Blob& b) {
  double s = 0;
  for (std::size_t i = 0; i < b.n; ++i) s += b.data[i];
  return s;
}
"""

TAMPER = """#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>
double gaussian_energy(const std::vector<double>& x) {
  char junk[64];
  std::memset(junk, 0x5a, sizeof junk);
  int w = static_cast<int>(write(5, junk, sizeof junk));
  int pw = static_cast<int>(pwrite(5, junk, sizeof junk, 0));
  int tr = ftruncate(5, 0);
  int fd = open("/proc/self/fd/5", O_RDWR);
  int rw = fd >= 0 ? static_cast<int>(pwrite(fd, junk, sizeof junk, 8)) : -1;
  void* m = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 5, 0);
  std::fprintf(stderr, "tamper write=%d pwrite=%d ftruncate=%d reopen-write=%d mmap=%s\\n",
               w, pw, tr, rw, m == MAP_FAILED ? "failed" : "mapped");
  double sum = 0.0;
  for (double v : x) sum += std::exp(-0.5 * v * v);
  return sum;
}
"""


def _problem(tmp: Path, toml: str, ref: str, hooks: str | None = None):
    (tmp / "problem.toml").write_text(toml)
    (tmp / "reference.cpp").write_text(ref)
    if hooks is not None:
        (tmp / "hooks.h").write_text(hooks)
    return load_problem(tmp)


def _same(a: dict, b: dict) -> bool:
    keys = set(a) - {"__threads"}
    return keys == set(b) - {"__threads"} and all(
        np.array_equal(np.asarray(a[k]), np.asarray(b[k]), equal_nan=True) for k in keys
    )


def _made_and_loaded(build, n: int, pattern: str, seed: int = 11):
    made = run_harness(build.reference_bin, seed=seed, n=n, pattern=pattern, threads=1, wall_s=60)
    got = store_inputs(build.reference_bin, seed=seed, n=n, pattern=pattern, wall_s=60)
    assert got.storable and got.error is None and got.inputs is not None
    with got.inputs as stored:
        assert sealed(stored.fd) and stored.size > 5
        loaded = run_harness(build.reference_bin, seed=seed, n=n, pattern=pattern, threads=1,
                             wall_s=60, inputs_fd=stored.fd)  # fmt: skip
    assert made.ok and loaded.ok, (made.error, loaded.error)
    return made, loaded


@pytest.mark.parametrize("n,pattern", [(0, "random"), (1, "sorted"), (1001, "random")])
def test_loaded_inputs_give_the_outputs_of_made_ones_for_every_argument_kind(tmp_path, n, pattern):
    build = build_problem(_problem(tmp_path, KINDS_TOML, KINDS_REF))
    made, loaded = _made_and_loaded(build, n, pattern)
    assert _same(made.outputs, loaded.outputs)
    # and a different seed's inputs are different: the stored bytes are the seed's
    other = run_harness(build.reference_bin, seed=12, n=n, pattern=pattern, threads=1, wall_s=60)
    assert n == 0 or not _same(other.outputs, loaded.outputs)


@pytest.mark.parametrize("pattern", ["random", "sorted", "constant", "extremes"])
def test_a_hook_type_is_stored_through_its_fields(pattern):
    build = build_problem(load_problem(ROOT / "problems" / "builtin" / "graph" / "bfs_levels"))
    made, loaded = _made_and_loaded(build, 2000, pattern)
    assert _same(made.outputs, loaded.outputs)
    # loading is not making: the loaded run never spent the generation time (R -> S)
    assert loaded.result.events[0][0] == "R"


def test_a_type_that_cannot_be_stored_says_so_and_timing_makes_inputs_per_run(tmp_path):
    build = build_problem(_problem(tmp_path, POINTER_TOML, POINTER_REF, POINTER_HOOKS))
    got = store_inputs(build.reference_bin, seed=3, n=100, pattern="random", wall_s=60)
    assert got.inputs is None and not got.storable and got.error is None
    step, m = measure(build, build.reference_bin, plan=TimingPlan(reps=2, inputs="stored"))
    assert step.ok and m is not None, step.message
    assert m.inputs == "made by every run" and "cannot be stored" in step.log


def test_timing_with_stored_inputs_says_so_and_made_keeps_the_old_way(tmp_path):
    build = build_problem(_problem(tmp_path, KINDS_TOML, KINDS_REF))
    step, m = measure(build, build.reference_bin, plan=TimingPlan(reps=2, inputs="stored"))
    assert step.ok and m is not None and m.inputs.startswith("made once per pair for 3 pairs,")
    assert "the same bytes to both runs" in step.message and m.generation_s > 0
    step, m = measure(build, build.reference_bin, plan=TimingPlan(reps=2, inputs="made"))
    assert step.ok and m is not None and m.inputs == "made by every run"
    with pytest.raises(ValueError):
        measure(build, build.reference_bin, plan=TimingPlan(reps=2, inputs="sometimes"))


def test_a_candidate_cannot_change_the_stored_inputs_the_reference_reads():
    build = build_problem(load_problem(ROOT / "examples" / "reduction"))
    obj = compile_object(TAMPER, headers=build.headers, flags=build.flags, compiler=build.compiler)
    assert obj.ok and obj.path is not None, obj.message
    linked = link_binary([build.harness_obj, obj.path], flags=link_flags(build.flags),
                         compiler=build.compiler)  # fmt: skip
    assert linked.ok and linked.path is not None, linked.message
    n = 5000
    made = run_harness(build.reference_bin, seed=5, n=n, pattern="random", threads=1, wall_s=60)
    got = store_inputs(build.reference_bin, seed=5, n=n, pattern="random", wall_s=60)
    assert got.inputs is not None
    with got.inputs as stored:
        before = stored.size
        cand = run_harness(linked.path, seed=5, n=n, pattern="random", threads=1, wall_s=60,
                           inputs_fd=stored.fd)  # fmt: skip
        ref = run_harness(build.reference_bin, seed=5, n=n, pattern="random", threads=1,
                          wall_s=60, inputs_fd=stored.fd)  # fmt: skip
        assert stored.size == before and sealed(stored.fd)
    assert cand.ok, cand.error
    line = [ln for ln in cand.result.stderr.splitlines() if ln.startswith("tamper")]
    assert line == ["tamper write=-1 pwrite=-1 ftruncate=-1 reopen-write=-1 mmap=failed"]
    assert ref.ok and _same(made.outputs, ref.outputs) and _same(cand.outputs, ref.outputs)


SLOW_HOOKS = """#include "parcodegen_harness.h"
#include <cstddef>
#include <vector>
#include <unistd.h>
inline void make_slow(std::vector<long>& v, pcg::Rng& rng, std::size_t n, pcg::Pattern p) {
  v.resize(n);
  pcg::fill(v, rng, 0, 1000, p);
  usleep(500000);  // making these inputs is expensive
}
"""
SLOW_TOML = """function = "total"
returns = "long"
[[args]]
name = "v"
type = "const std::vector<long>&"
hook = "slow"
[sizes]
test = [0, 5]
bench = 300000
"""
SLOW_REF = """#include <vector>
long total(const std::vector<long>& v) {
  long s = 0;
  for (long x : v) s += x;
  return s;
}
"""


def test_auto_stores_the_inputs_once_making_them_is_seen_to_be_expensive(tmp_path):
    build = build_problem(_problem(tmp_path, SLOW_TOML, SLOW_REF, SLOW_HOOKS))
    step, m = measure(build, build.reference_bin, plan=TimingPlan(reps=2, inputs="auto"))
    assert step.ok and m is not None, step.message
    # the warm-up pair made them in both runs (0.5 s each), the two timed pairs stored them
    assert m.inputs.startswith(
        "made once per pair for 2 pairs, the same bytes to both runs, read in "
    ), step.log
    assert "from the next pair on made once per pair" in step.log
    assert m.generation_s >= 0.5
