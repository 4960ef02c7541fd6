"""Timing compares the first run in full and the others on a seeded sample of each output.

Real harness programs on small copies of built-in problems (a small `bench =` size), so
every sampled path runs for real; no timing assertions.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from parcodegen.problems.load import load_problem
from parcodegen.sandbox.run import HarnessIO, Limits, Workdir
from parcodegen.sandbox.run import run as sandbox_run
from parcodegen.tools.build import build_problem, harness_params, results_file, run_harness
from parcodegen.tools.compile import compile_object, link_binary, link_flags
from parcodegen.tools.outputs import OutputFormatError, SampledArray, compare_outputs, read_outputs
from parcodegen.tools.timing import TIMING_SAMPLES, TimingPlan, measure
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, verify

BUILTIN = Path(__file__).resolve().parents[2] / "problems" / "builtin"
N = 100_000
K = 4096
QUICK = TimingPlan(quiet_wait_s=0.0)  # no waiting for a quiet machine in these tests
SEED_STEP = 7919  # measure's seed for repetition i is base + SEED_STEP * i
REGION = (N // 2 + 123, N // 2 + 323)  # 200 elements: spans several strata of N / K

CORRECT = """
#include <vector>
void prefix_sum(const std::vector<long>& in, std::vector<long>& out) {
  long s = 0;
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = (s += in[i]);
}
"""
# Right whenever in[0] is even; otherwise wrong in one block of the array.
WRONG_FOR_ODD_FIRST = CORRECT.replace(
    "out[i] = (s += in[i]);\n}",
    "out[i] = (s += in[i]);\n"
    f"  if (in.size() > {REGION[1]} && in[0] % 2 != 0)\n"
    f"    for (std::size_t i = {REGION[0]}; i < {REGION[1]}; ++i) out[i] += 1;\n}}",
)
# Wrong in a single element, only at large n: only a full comparison is sure to see it.
ONE_ELEMENT_AT_LARGE_N = CORRECT.replace(
    "out[i] = (s += in[i]);\n}",
    "out[i] = (s += in[i]);\n  if (in.size() >= 50000) out[in.size() / 2 + 7] ^= 1;\n}",
)


def copy_problem(pid: str, dest: Path, bench: int = N, extra_toml: str = "") -> Path:
    target = dest / pid.replace("/", "_")
    shutil.copytree(BUILTIN / pid, target)
    toml = target / "problem.toml"
    toml.write_text(re.sub(r"(?m)^bench\s*=.*$", f"bench = {bench}", toml.read_text()) + extra_toml)
    return target


def candidate_binary(build, code: str) -> Path:
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    assert obj.ok, obj.message
    linked = link_binary([build.harness_obj, obj.path], flags=link_flags(build.flags), compiler=build.compiler,
                         ldflags=build.problem.ldflags)  # fmt: skip
    assert linked.ok, linked.message
    return linked.path


def run(build, binary: Path, seed: int, samples: int = 0, n: int = N):
    r = run_harness(binary, seed=seed, n=n, pattern="random", threads=2, wall_s=60, samples=samples)
    assert r.ok, r.error
    return r


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    return build_problem(
        load_problem(copy_problem("scan/prefix_sum", tmp_path_factory.mktemp("timing")))
    )


def first_input_is_odd(build, seed: int) -> bool:
    return int(run(build, build.reference_bin, seed).outputs["out"][0]) % 2 != 0  # out[0] = in[0]


def test_sampled_positions_cover_the_array_and_change_with_the_seed(prefix):
    full = run(prefix, prefix.reference_bin, 11).outputs
    a = run(prefix, prefix.reference_bin, 11, samples=K).outputs
    again = run(prefix, prefix.reference_bin, 11, samples=K).outputs
    other = run(prefix, prefix.reference_bin, 12, samples=K).outputs
    s = a["out"]
    assert isinstance(s, SampledArray) and len(s) == N and len(s.index) == K
    assert s.index[0] == 0 and s.index[-1] == N - 1
    assert np.all(np.diff(s.index.astype(np.int64)) > 0)
    assert (
        np.diff(s.index.astype(np.int64)).max() <= 2 * -(-(N - 2) // (K - 2)) + 1
    )  # one per stratum
    assert np.array_equal(s.values, full["out"][s.index])  # the values at those positions
    assert np.array_equal(again["out"].index, s.index)  # same seed, same positions
    assert len(np.intersect1d(other["out"].index, s.index)) < K // 4  # another seed, others
    assert "__time_ns" not in a  # the call's time is the launcher's, not in the outputs


def test_parameters_come_only_after_the_start_and_everything_is_written(prefix):
    r = run(prefix, prefix.reference_bin, 5)
    assert (
        r.result.argv[0].startswith("./prog") and len(r.result.argv) == 1
    )  # seed, n, pattern: on stdin after 'R', not in argv
    assert [code for code, _ in r.result.events] == ["R", "S", "E"]
    assert len(r.call_times) == 1 and 0 < r.call_s < r.result.wall_s
    out = r.outputs["out"]
    assert isinstance(out, np.ndarray) and len(out) == N


def test_scalars_and_short_arrays_stay_full(tmp_path):
    build = build_problem(load_problem(copy_problem("reduce/argmax_first", tmp_path)))
    ret = run(build, build.reference_bin, 3, samples=K).outputs["return"]
    assert isinstance(ret, np.ndarray) and len(ret) == 1
    build = build_problem(load_problem(copy_problem("scan/prefix_sum", tmp_path, bench=1000)))
    short = run(build, build.reference_bin, 3, samples=K, n=1000).outputs["out"]
    assert isinstance(short, np.ndarray) and len(short) == 1000


@pytest.mark.parametrize("toml", ["\n[compare.outputs.out]\nunordered = true\n", None])
def test_order_insensitive_outputs_are_never_sampled(tmp_path, toml):
    if toml is None:  # the problem-wide default
        d = copy_problem("scan/prefix_sum", tmp_path)
        p = d / "problem.toml"
        p.write_text(p.read_text().replace("atol = 0.0", "atol = 0.0\nunordered = true"))
    else:
        d = copy_problem("scan/prefix_sum", tmp_path, extra_toml=toml)
    build = build_problem(load_problem(d))
    assert build.problem.compare_for("out").unordered
    out = run(build, build.reference_bin, 4, samples=K).outputs["out"]
    assert isinstance(out, np.ndarray) and len(out) == N


def test_hooked_outputs_are_sampled_at_the_same_positions(fixtures_dir):
    build = build_problem(load_problem(fixtures_dir / "problems" / "hooked_points"))
    full = run(build, build.reference_bin, 9, n=20_000).outputs["pts"]
    s = run(build, build.reference_bin, 9, samples=512, n=20_000).outputs["pts"]
    assert isinstance(s, SampledArray) and len(s) == 40_000 and len(s.index) == 512
    assert np.array_equal(s.values, full[s.index])


def test_a_candidate_right_on_the_warmup_input_is_caught_on_a_sampled_repetition(prefix):
    # base: the warm-up input has in[0] even (candidate right), the next one in[0] odd
    base = next(b for b in range(1, 200)
                if not first_input_is_odd(prefix, b) and first_input_is_odd(prefix, b + SEED_STEP))  # fmt: skip
    binary = candidate_binary(prefix, WRONG_FOR_ODD_FIRST)
    step, m = measure(prefix, binary, threads=2, reps=2, warmup=1, seed=base, samples=K, plan=QUICK)
    assert not step.ok and step.status is Status.WRONG_OUTPUT and m is None
    assert "rep 0 (warm-up)" in step.log and "(compared: all elements)" in step.log
    assert f"seed={base + SEED_STEP}," in step.message
    idx = int(re.search(r"output 'out'\[(\d+)\]", step.message).group(1))
    assert REGION[0] <= idx < REGION[1]  # the real index in the array, not the sample's
    assert f"of {K} sampled elements differ" in step.message
    # the full comparison on every run stays available: same repetition, first wrong element
    step, _ = measure(prefix, binary, threads=2, reps=2, warmup=1, seed=base, samples=0, plan=QUICK)
    assert step.status is Status.WRONG_OUTPUT and f"seed={base + SEED_STEP}," in step.message
    assert (
        f"output 'out'[{REGION[0]}]" in step.message
        and "200 of 100000 elements differ" in step.message
    )


def test_the_warmup_compares_every_element_at_the_benchmark_size(prefix):
    binary = candidate_binary(prefix, ONE_ELEMENT_AT_LARGE_N)
    step, _ = measure(prefix, binary, threads=2, reps=2, warmup=1, seed=21, samples=K, plan=QUICK)
    assert step.status is Status.WRONG_OUTPUT
    assert "seed=21," in step.message and f"output 'out'[{N // 2 + 7}]" in step.message
    assert "1 of 100000 elements differ" in step.message


def test_a_correct_candidate_passes_with_sampled_repetitions(prefix):
    step, m = measure(prefix, candidate_binary(prefix, CORRECT), threads=2, reps=3, warmup=1,
                      seed=5, samples=K, plan=QUICK)  # fmt: skip
    assert step.ok, step.message
    assert (
        len(m.reference_times) == 3
        and step.log.count(f"(compared: {K} sampled elements per output;") == 3
    )


def test_compare_names_the_real_index_of_a_sampled_element(prefix):
    idx = np.array([0, 40, 977, 99_999], dtype=np.uint64)
    ref = {"out": SampledArray(N, idx, np.array([1, 2, 3, 4]))}
    bad = {"out": SampledArray(N, idx, np.array([1, 2, 7, 4]))}
    msg = compare_outputs(prefix.problem, ref, bad).message
    assert msg == "output 'out'[977]: expected 3, got 7 (1 of 4 sampled elements differ)"
    full = np.zeros(N, dtype=np.int64)
    full[idx] = [1, 2, 3, 4]
    assert (
        compare_outputs(prefix.problem, {"out": full}, ref) is None
    )  # a full record against a sample
    moved = {
        "out": SampledArray(N, np.array([0, 41, 977, 99_999], dtype=np.uint64), ref["out"].values)
    }
    assert "sampled positions differ" in compare_outputs(prefix.problem, ref, moved).message
    short = {"out": SampledArray(5, idx[:1], ref["out"].values[:1])}
    assert "has 5 elements, expected 100000" in compare_outputs(prefix.problem, ref, short).message


def raw_output(binary: Path, samples: int | None) -> tuple[int, bytes, str]:
    """Run the harness program in a sandbox: (exit status, results, stderr); no parameters
    at all when `samples` is None."""
    with Workdir("t") as wd, results_file() as results:
        wd.add("prog", binary)
        params = b"" if samples is None else harness_params(6, N, "random", samples)
        res = sandbox_run(["./prog"], wd, Limits(wall_s=60, memory_mb=None),
                          harness=HarnessIO(params, results))  # fmt: skip
        results.seek(0)
        return res.returncode, results.read(), res.stderr


def test_harness_parameters_and_a_cut_sample(prefix, tmp_path):
    code, full, _ = raw_output(prefix.reference_bin, 0)
    assert code == 0 and len(full) > 8 * N
    code, sample, _ = raw_output(prefix.reference_bin, K)
    assert code == 0 and len(sample) < 17 * K + 200
    code, _, err = raw_output(prefix.reference_bin, None)
    assert code == 98 and "no parameters" in err
    # outside the launcher (no event descriptor) the harness refuses to run
    with Workdir("t") as wd:
        wd.add("prog", prefix.reference_bin)
        res = sandbox_run(["./prog", "6", str(N), "random", "out.bin"], wd, Limits(wall_s=60))
    assert res.returncode == 97 and "run it through the sandbox" in res.stderr
    (tmp_path / "ok.bin").write_bytes(sample)
    assert isinstance(read_outputs(tmp_path / "ok.bin")["out"], SampledArray)
    (tmp_path / "cut.bin").write_bytes(sample[:-8])
    with pytest.raises(OutputFormatError):
        read_outputs(tmp_path / "cut.bin")


@pytest.mark.parametrize("samples", [None, 0])
def test_verify_options_choose_the_comparison(tmp_path, samples):
    check = "all elements" if samples == 0 else f"{TIMING_SAMPLES} sampled elements per output"
    big = copy_problem("scan/prefix_sum", tmp_path, bench=2 * TIMING_SAMPLES)
    opts = VerifyOptions(
        difftest=False, race=False, timing_reps=2, threads=2, timing_quiet_wait_s=0
    )
    if samples is not None:
        opts = replace(opts, timing_samples=samples)
    v = verify(load_problem(big), Candidate(CORRECT), opts)
    assert v.status is Status.PASS, v.message
    log = v.steps[-1].log
    # the pairs' lines (not a line saying the timing lock was held by another timing)
    lines = [ln for ln in log.splitlines() if ln.startswith("rep ")]
    assert "rep 0 (warm-up)" in log and "(compared: all elements)" in lines[0]
    # after the warm-up(s) (a short call adds one per batch size it tries), the timed pairs
    timed = [ln for ln in lines if "(warm-up)" not in ln]
    assert [f"(compared: {check};" in line for line in timed] == [True, True]
