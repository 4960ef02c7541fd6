"""The benchmark size's inputs, stored once for the reference's and the path probe's runs
there (tools/bench_reference.py), and what a traced run is expected to cost
(tools/conflict_probe.py TraceCost)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parcodegen.problems.load import load_problem
from parcodegen.problems.suite import suite_dir
from parcodegen.tools import bench_reference as bench
from parcodegen.tools.build import build_problem, run_harness
from parcodegen.tools.conflict_probe import TRACE_BUDGET_S, TraceCost
from parcodegen.tools.probe_run import PathRun
from parcodegen.tools.stored_inputs import sealed

ROOT = Path(__file__).resolve().parents[2]


def test_stored_bench_inputs_are_the_ones_a_run_makes_and_are_kept():
    problem = load_problem(ROOT / "examples" / "reduction")
    build = build_problem(problem)
    assert bench.input_bytes(problem, 1000) == 8 * 1000
    with bench.bench_inputs(build) as fd:
        assert fd is not None and sealed(fd)
        kept = list(bench._inputs.values())
        with bench.bench_inputs(build) as again:  # made once, each caller its own descriptor
            assert again is not None and again != fd and list(bench._inputs.values()) == kept
        made = run_harness(build.reference_bin, seed=bench.BENCH_SEED, n=problem.bench_size,
                           pattern=problem.patterns[0], threads=1, wall_s=120, samples=64)  # fmt: skip
        loaded = run_harness(build.reference_bin, seed=bench.BENCH_SEED, n=problem.bench_size,
                             pattern=problem.patterns[0], threads=1, wall_s=120, samples=64,
                             inputs_fd=fd)  # fmt: skip
    assert made.ok and loaded.ok and made.outputs is not None and loaded.outputs is not None
    for name, value in made.outputs.items():
        assert np.array_equal(np.asarray(value), np.asarray(loaded.outputs[name])), name


def test_inputs_over_the_limit_are_not_stored(monkeypatch: pytest.MonkeyPatch):
    """Known sizes are not even made; a hook's type is tried once under a file limit."""
    monkeypatch.setattr(bench, "INPUTS_KEPT_MB", 1)
    monkeypatch.setattr(bench, "_inputs", type(bench._inputs)())
    reduction = build_problem(load_problem(ROOT / "examples" / "reduction"))
    with bench.bench_inputs(reduction) as fd:
        assert fd is None and not bench._inputs
    spmv = build_problem(load_problem(suite_dir() / "sparse_la" / "spmv"))
    assert bench.input_bytes(spmv.problem, 10) is None  # its matrix is a hook's type
    with bench.bench_inputs(spmv) as fd:
        assert fd is None
    assert list(bench._inputs.values()) == [None]  # the failed save run is not repeated


def _bench_run(call_s: float, wall_s: float) -> PathRun:
    return PathRun(frozenset(), frozenset(), 2, {}, wall_s, call_s=(call_s,))


def test_a_traced_runs_cost_grows_as_the_plain_calls_do():
    # plain calls: 1e-4 s at n=100, 1 s at n=10000: n^2
    cost = TraceCost.of(100, 1e-3, 1e-4, 10000, _bench_run(1.0, 3.0))
    assert cost.growth == pytest.approx(2.0)
    assert cost.outside_bench_s == pytest.approx(2.0)
    # a short traced baseline call: it grown, or 40x the plain one shrunk, the larger
    assert cost.call_s(1000) == pytest.approx(max(1e-3 * 100, 40 * 1.0 * 0.01))
    # a long one (work, not the team's start) grown alone
    long = TraceCost.of(100, 0.01, 1e-4, 10000, _bench_run(1.0, 3.0))
    assert long.call_s(1000) == pytest.approx(0.01 * 100)
    sizes = [200, 400, 800, 1600, 10000]
    assert cost.size(sizes) == max(n for n in sizes if cost.call_s(n) <= TRACE_BUDGET_S)
    assert cost.wall_s(10000) >= 10 * cost.call_s(10000) + 2.0
    # nothing fits: the smallest size all the same; no plain run there: linear growth
    assert TraceCost.of(100, 10.0, 1e-4, 10000, None).size(sizes) == 200
    assert TraceCost.of(100, 1e-3, 1e-4, 10000, None).growth == 1.0
