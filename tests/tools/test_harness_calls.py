"""The multi-call harness: several calls in one process, tagged outputs, const inputs
checked after every call for each kind of array storage (vector, pointer buffer,
std::vector<bool>), the thread count set per call."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem, run_harness
from parcodegen.tools.harness import PlannedCall, harness_plan
from parcodegen.tools.outputs import split_calls

from candidate_binary import candidate_binary

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
    per = _run(candidate_binary(build, code))
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
    per = _run(candidate_binary(build, code))
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


def test_a_batch_times_many_calls_in_one_window_each_on_its_own_input(build):
    """A batch (timing calls below the launcher's clock resolution): one call made K times,
    call j on seed + j * BATCH_SEED_STEP, all inputs made first, ONE timed window."""
    from parcodegen.tools.harness import BATCH_SEED_STEP

    k = 40
    plan = harness_plan([PlannedCall(11, 70, "random")], check_inputs=False, batch=k)
    run = run_harness(build.reference_bin, seed=11, n=70, pattern="random", threads=1,
                      wall_s=20, plan=plan)  # fmt: skip
    assert run.ok, run.error
    assert len(run.call_times) == 1  # the launcher saw one start and one end
    codes = "".join(c for c, _ in run.result.events)
    assert codes == "RSE"
    per = split_calls(run.outputs, k)
    assert all("return" in c for c in per)
    for j in (0, 1, k - 1):  # call j is the single call on its own seed
        alone = run_harness(build.reference_bin, seed=11 + j * BATCH_SEED_STEP, n=70,
                            pattern="random", threads=1, wall_s=20)  # fmt: skip
        assert alone.outputs["return"][0] == per[j]["return"][0]
    assert len({float(c["return"][0]) for c in per}) > k // 2  # fresh inputs, not one input


def test_a_batch_that_needs_too_much_stack_stops_with_a_clear_message(build):
    plan = harness_plan([PlannedCall(11, 5, "random")], check_inputs=False, batch=1 << 20)
    run = run_harness(build.reference_bin, seed=11, n=5, pattern="random", threads=1,
                      wall_s=60, plan=plan, ok_codes=(0,))  # fmt: skip
    assert not run.ok and "too much stack" in run.result.stderr
