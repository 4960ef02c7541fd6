"""Executors: where checks and timings run (process pool, Dask), and their error policy."""

from __future__ import annotations

import os
import time

import pytest

from parcodegen.agent.evaluate import merge_timing
from parcodegen.agent.executors import DaskExecutor, LocalExecutor
from parcodegen.errors import InfraError
from parcodegen.types import Measurement, Status, StepResult, Verdict


def where(delay: float = 0.0) -> tuple[int, float, float]:
    start = time.monotonic()
    time.sleep(delay)
    return os.getpid(), start, time.monotonic()


def test_local_executor_uses_processes_and_serializes_timings() -> None:
    with LocalExecutor(2) as ex:
        checks = [ex.submit_check(where, 0.2) for _ in range(4)]
        timings = [ex.submit_timing(where, 0.1) for _ in range(3)]
        check_res = [f.result() for f in ex.as_completed(checks)]
        timing_res = sorted(f.result() for f in timings)
    assert all(pid != os.getpid() for pid, _, _ in check_res)
    assert len({pid for pid, _, _ in timing_res}) == 1  # one timing process
    spans = sorted((s, e) for _, s, e in timing_res)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # never overlap


def test_unreachable_scheduler_is_an_infra_error() -> None:
    with pytest.raises(InfraError, match="cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=2)


def test_cluster_without_timing_worker_refuses_timings() -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as lc:  # fmt: skip
        with DaskExecutor(lc.scheduler_address) as ex:
            assert "0 timing worker(s)" in ex.describe()
            fut = ex.submit_check(where, 0.0)
            assert [f.result()[0] for f in ex.as_completed([fut])] == [os.getpid()]
            with pytest.raises(InfraError, match="resources timing=1"):
                ex.submit_timing(where, 0.0)


def test_merge_timing_keeps_checks_and_adds_the_measurement() -> None:
    checked = Verdict(Status.PASS, (StepResult("difftest", True),
                                    StepResult("timing", True, skipped=True)))  # fmt: skip
    m = Measurement((1.0,), (0.5,), 1.0, 0.5, 0.0, 0.0, 2, 100)
    timed = Verdict(Status.PASS, (StepResult("difftest", True), StepResult("timing", True)), m)
    merged = merge_timing(checked, timed)
    assert [s.step for s in merged.steps] == ["difftest", "timing"]
    assert not merged.steps[-1].skipped and merged.speedup == 2.0
    slow = Verdict(Status.TIMEOUT, (StepResult("timing", False, Status.TIMEOUT, "too slow"),))
    merged = merge_timing(checked, slow)
    assert merged.status is Status.TIMEOUT and merged.message == "too slow"
