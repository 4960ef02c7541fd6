"""Thread scaling: speedup and efficiency per thread count, in verify and in the report."""

from __future__ import annotations

from types import SimpleNamespace

from test_timing import CORRECT, copy_problem

from parcodegen import machine
from parcodegen.problems.load import load_problem
from parcodegen.store.manifest import make_manifest
from parcodegen.store.report_plots import thread_scaling
from parcodegen.tools.scaling import scaling_points, thread_counts
from parcodegen.types import Candidate, Measurement, MachineProfile, ScalingPoint, Status
from parcodegen.verify.pipeline import VerifyOptions, verify


def _m(threads: int, cand: float) -> Measurement:
    return Measurement((1.0,), (cand,), 1.0, cand, 0.0, 0.0, threads, 10, estimate=1.0 / cand,
                       interval=(0.9 / cand, 1.1 / cand))  # fmt: skip


def test_scaling_and_efficiency_are_relative_to_the_candidate_at_one_thread():
    pts = scaling_points({1: _m(1, 1.2), 2: _m(2, 0.8), 4: _m(4, 0.5)})
    assert [p.threads for p in pts] == [1, 2, 4]
    assert pts[0].scaling == 1.0 and pts[0].efficiency == 1.0
    assert abs(pts[1].scaling - 1.5) < 1e-12 and abs(pts[1].efficiency - 0.75) < 1e-12
    assert abs(pts[2].speedup - 2.0) < 1e-12 and abs(pts[2].efficiency - 0.6) < 1e-12
    assert pts[2].low is not None and pts[2].low < 2.0 < pts[2].high


def test_thread_counts_go_to_the_cores():
    assert thread_counts() == tuple(range(1, machine.usable_cpus() + 1))
    assert thread_counts(3) == (1, 2, 3)


def test_verify_with_scaling_reports_every_thread_count(tmp_path):
    d = copy_problem("scan/prefix_sum", tmp_path, bench=1_000_000)
    opts = VerifyOptions(difftest=False, race=False, timing_reps=3, timing_quiet_wait_s=0,
                         scaling=True)  # fmt: skip
    v = verify(load_problem(d), Candidate(CORRECT), opts)
    assert v.status is Status.PASS, v.message
    step = next(s for s in v.steps if s.step == "scaling")
    points = [ScalingPoint.from_dict(p) for p in step.data["points"]]
    assert [p.threads for p in points] == list(thread_counts())
    assert points[0].scaling == 1.0 and all(p.candidate_s > 0 for p in points)
    assert "efficiency" in step.message.splitlines()[0]


def test_the_report_plots_scaling_only_when_measured():
    pts = [
        ScalingPoint(1, 1.0, 0.9, 1.1, 0.1, 1.0, 1.0),
        ScalingPoint(2, 1.8, 1.7, 1.9, 0.055, 1.8, 0.9),
    ]
    with_scaling = SimpleNamespace(run_id="r1", extra={"scaling": {"a/b": pts}})
    png = thread_scaling([with_scaling])
    assert png is not None and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert thread_scaling([SimpleNamespace(run_id="r2", extra={})]) is None


def test_the_run_manifest_records_the_machine_profile():
    m = make_manifest("r", {}).machine
    prof = MachineProfile.from_dict(m["profile"])
    assert prof.usable_cpus == machine.usable_cpus() and prof.logical_cpus >= prof.usable_cpus
    assert prof.compiler.startswith("g++") and "OpenMP" in prof.openmp
    assert prof.memory_mb > 0 and prof.caches and prof.governor
    assert isinstance(m["loadavg"], float)
