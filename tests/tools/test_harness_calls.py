"""The multi-call harness: several calls in one process, tagged outputs, const inputs
checked after every call for each kind of array storage (vector, pointer buffer,
std::vector<bool>), the thread count set per call."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem, run_harness
from parcodegen.tools.compile import compile_object, link_binary, link_flags
from parcodegen.tools.harness import PlannedCall, harness_plan
from parcodegen.tools.outputs import split_calls

TOML = """function = "f"
returns = "double"
[[args]]
name = "x"
type = "const double*"
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
name = "w"
type = "const std::vector<int>&"
size = "n"
[sizes]
test = [0, 5]
bench = 10
"""
REFERENCE = """#include <cstddef>
#include <vector>
double f(const double* x, std::size_t len, const std::vector<bool>& flags, const std::vector<int>& w) {
  double s = 0;
  for (std::size_t i = 0; i < len; ++i) if (flags[i]) s += x[i] * w[i];
  return s;
}
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    d = tmp_path_factory.mktemp("p")
    (d / "problem.toml").write_text(TOML)
    (d / "reference.cpp").write_text(REFERENCE)
    return build_problem(load_problem(d))


def _binary(build, code: str) -> Path:
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    assert obj.ok, obj.message
    out = link_binary([build.harness_obj, obj.path], flags=link_flags(build.flags),
                      compiler=build.compiler)  # fmt: skip
    assert out.ok, out.message
    return out.path


CALLS = [
    PlannedCall(3, 9, "random", 2),
    PlannedCall(4, 70, "sorted", 3),
    PlannedCall(3, 9, "random"),
]


def _run(binary: Path):
    run = run_harness(binary, seed=3, n=9, pattern="random", threads=2, wall_s=20,
                      plan=harness_plan(CALLS))  # fmt: skip
    assert run.ok, run.error
    assert len(run.call_times) == len(CALLS)  # one launcher-timed call each
    return split_calls(run.outputs, len(CALLS))


def test_calls_are_tagged_and_independent(build):
    per = _run(build.reference_bin)
    assert [sorted(c) for c in per] == [["__threads", "return"]] * 3
    assert per[0]["return"][0] == per[2]["return"][0]  # the same input twice
    single = run_harness(build.reference_bin, seed=4, n=70, pattern="sorted", threads=1, wall_s=20)
    assert single.outputs["return"][0] == per[1]["return"][0]


@pytest.mark.parametrize(
    "write,name",
    [
        ("const_cast<double*>(x)[len - 1] = -1;", "x"),
        ("const_cast<std::vector<bool>&>(flags)[0] = !flags[0];", "flags"),
        ("const_cast<std::vector<int>&>(w).push_back(1);", "w"),
    ],
)
def test_a_changed_const_input_is_recorded_per_call(build, write, name):
    code = REFERENCE.replace("  return s;", f"  if (len > 0) {{ {write} }}\n  return s;")
    per = _run(_binary(build, code))
    assert all(f"__changed:{name}" in c for c in per), per
    assert not any(k.startswith("__changed:") and k != f"__changed:{name}" for c in per for k in c)


def test_threads_per_call_and_live_threads(build):
    code = REFERENCE.replace(
        "  double s = 0;\n",
        "  double s = 0;\n#pragma omp parallel\n  { volatile int z = omp_get_thread_num(); (void)z; }\n",
    )
    code = "#include <omp.h>\n" + code.replace(
        "  return s;", "  return s * 0 + omp_get_max_threads();"
    )
    per = _run(_binary(build, code))
    got = [int(c["return"][0]) for c in per]
    assert got[:2] == [2, 3]  # omp_set_num_threads before calls 0 and 1
    assert int(np.asarray(per[1]["__threads"])[0]) >= 3  # the pool is alive after the call


def test_harness_header_does_not_hand_candidates_the_openmp_api(tmp_path):
    """hooks.h includes the harness header, and candidates include hooks.h: a candidate that
    calls omp_get_thread_num() without <omp.h> must not compile because of us."""
    import subprocess

    from parcodegen.tools.build import HARNESS_INCLUDE

    src = tmp_path / "cand.cpp"
    src.write_text('#include "parcodegen_harness.h"\nint f() { return omp_get_thread_num(); }\n')
    cmd = ["g++", "-std=c++17", "-fopenmp", "-fsyntax-only", f"-I{HARNESS_INCLUDE}", str(src)]
    out = subprocess.run(cmd, check=False, capture_output=True, text=True)
    assert out.returncode != 0 and "omp_get_thread_num" in out.stderr
