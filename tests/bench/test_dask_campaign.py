"""The same campaign on a real Dask cluster (processes, tcp on 127.0.0.1) and on the local
process pool gives the same stored statuses per sample; timings ran on the reserved
worker only (speedups are noisy: only their presence is compared)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench_replies import small_suite, write_script

from parcodegen.cli.main import main
from parcodegen.store import RunStore
from parcodegen.store.report import load_samples

distributed = pytest.importorskip("distributed")

PROBLEMS = ["reduce/count_primes", "search/find_first"]


def stored(run_dir: Path) -> dict[tuple[str, int], tuple[str, bool]]:
    with RunStore(run_dir) as store:
        (run,) = store.runs()
        return {(s.problem_id, s.index): (s.status.value, s.speedup is not None)
                for s in load_samples(store, run["run_id"])}  # fmt: skip


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch):
    from distributed import Client, LocalCluster

    # A private cache (inherited by the workers): its timing lock is not shared with other
    # parcodegen processes on the machine; timings here are tiny and never asserted on.
    monkeypatch.setenv("PARCODEGEN_CACHE_DIR", str(tmp_path / "cache"))

    lc = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, protocol="tcp://")  # fmt: skip
    dask_bin = Path(sys.executable).with_name("dask")
    worker = subprocess.Popen(
        [str(dask_bin), "worker", lc.scheduler_address, "--nthreads", "1", "--nworkers", "1",
         "--resources", "timing=1", "--host", "127.0.0.1", "--no-dashboard", "--name", "timer"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy(),
    )  # fmt: skip
    try:
        with Client(lc.scheduler_address) as c:
            c.wait_for_workers(2, timeout=60)
        yield lc.scheduler_address
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        lc.close()


def test_dask_cluster_matches_process_pool(tmp_path: Path, cluster: str) -> None:
    from distributed import Client

    from parcodegen.agent.executors import DaskExecutor

    with DaskExecutor(cluster) as ex:
        assert "1 check worker(s), 1 timing worker(s)" in ex.describe()
    script, expected, _ = write_script(PROBLEMS, tmp_path / "script.json")
    suite = small_suite(PROBLEMS, tmp_path / "suite", bench=20000)
    common = ["bench", "run", "--backend", "scripted", "--script", str(script), "--problems",
              ",".join(PROBLEMS), "--samples", "4", "--timing-reps", "3", "--no-race", "--suite", str(suite)]  # fmt: skip
    t0 = time.monotonic()
    assert main([*common, "--run-dir", str(tmp_path / "pool")]) == 0
    assert main([*common, "--run-dir", str(tmp_path / "dask"), "--scheduler", cluster]) == 0
    pool, dask = stored(tmp_path / "pool"), stored(tmp_path / "dask")
    assert pool == dask
    assert {k: v[0] for k, v in pool.items()} == expected
    assert all(timed == (status == "pass") for status, timed in pool.values())
    # the timing worker (and only it) ran timing tasks
    def kinds(dask_worker=None) -> dict[str, int]:  # runs on every worker (Client.run)
        out = {"timing": 0, "check": 0}
        for entry in dask_worker.state.log:
            key = str(entry[0])
            if "timing_job" in key:
                out["timing"] += 1
            elif "check_job" in key:
                out["check"] += 1
        return out

    with Client(cluster) as c:
        counts = c.run(kinds)
        info = c.scheduler_info()["workers"]
    timers = [a for a, w in info.items() if w.get("resources", {}).get("timing")]
    assert len(timers) == 1
    assert counts[timers[0]]["timing"] > 0 and counts[timers[0]]["check"] == 0
    assert all(n["timing"] == 0 and n["check"] > 0 for a, n in counts.items() if a not in timers)
    assert time.monotonic() - t0 < 600
