"""The same campaign on a real Dask cluster (processes, tcp on 127.0.0.1) and on the local
process pool gives the same stored statuses per sample; generation and checks ran on the
check worker, timings on the reserved worker only (speedups are noisy: only their
presence is compared). Generation on the cluster is tested with the replay backend
(recorded replies) and with the openai backend against a real HTTP server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench_replies import small_suite, write_script

from parcodegen.problems.suite import suite_dir as builtin_root

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


def task_counts(cluster: str) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Tasks each worker ran, by kind, and the addresses of the timing workers."""
    from distributed import Client

    def kinds(dask_worker=None) -> dict[str, int]:  # runs on every worker (Client.run)
        out = {"timing": 0, "check": 0, "generate": 0}
        for entry in dask_worker.state.log:
            key = str(entry[0])
            for kind in out:
                if f"{kind}_job" in key:
                    out[kind] += 1
                    break
        return out

    with Client(cluster) as c:
        counts = c.run(kinds)
        info = c.scheduler_info()["workers"]
    timers = [a for a, w in info.items() if w.get("resources", {}).get("timing")]
    return counts, timers


def test_dask_cluster_matches_process_pool(tmp_path: Path, cluster: str, capsys) -> None:
    from parcodegen.agent.executors import DaskExecutor

    with DaskExecutor(cluster) as ex:
        assert "1 check worker(s), 1 timing worker(s)" in ex.describe()
    script, expected, _ = write_script(PROBLEMS, tmp_path / "script.json")
    suite = small_suite(PROBLEMS, tmp_path / "suite", bench=20000)
    calls = tmp_path / "calls.jsonl"
    common = ["bench", "run", "--problems", ",".join(PROBLEMS), "--samples", "4",
              "--timing-reps", "3", "--no-race", "--suite", str(suite)]  # fmt: skip
    t0 = time.monotonic()
    # the process pool, with the scripted replies recorded ...
    assert main([*common, "--backend", "scripted", "--script", str(script), "--record", str(calls),
                 "--run-dir", str(tmp_path / "pool")]) == 0  # fmt: skip
    # ... replayed on the cluster: generation, checks and timings all on Dask workers
    capsys.readouterr()
    assert main([*common, "--backend", "replay", "--recording", str(calls),
                 "--run-dir", str(tmp_path / "dask"), "--scheduler", cluster]) == 0  # fmt: skip
    assert "generation: on the cluster's check workers (replay" in capsys.readouterr().err
    pool, dask = stored(tmp_path / "pool"), stored(tmp_path / "dask")
    assert pool == dask
    assert {k: v[0] for k, v in pool.items()} == expected
    assert all(timed == (status == "pass") for status, timed in pool.values())
    counts, timers = task_counts(cluster)
    assert len(timers) == 1
    assert counts[timers[0]]["timing"] > 0
    assert counts[timers[0]]["check"] == counts[timers[0]]["generate"] == 0
    others = [n for a, n in counts.items() if a not in timers]
    assert all(n["timing"] == 0 and n["check"] > 0 and n["generate"] > 0 for n in others)
    # a recording that does not hold the requests: a clear backend error from the worker
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main([*common, "--backend", "replay", "--recording", str(empty), "--no-timing",
                 "--run-dir", str(tmp_path / "empty"), "--scheduler", cluster]) == 2  # fmt: skip
    out = capsys.readouterr().out
    assert "backend error: replay of" in out and "on Dask worker tcp://127.0.0.1:" in out
    assert time.monotonic() - t0 < 600


def test_openai_generation_on_the_cluster_matches_the_client(tmp_path: Path, cluster: str) -> None:
    """The openai backend calls a real HTTP server from the cluster's check worker."""
    import json

    from parcodegen.llm.fake_server import FakeServer

    script, expected, _ = write_script(PROBLEMS, tmp_path / "script.json")
    replies = json.loads(script.read_text())
    functions = {pid: pid.split("/")[1] for pid in PROBLEMS}

    def reply(body: dict) -> str:  # sample i of a problem gets that problem's reply i
        prompt = "\n".join(str(m["content"]) for m in body["messages"])
        pid = next(p for p, f in functions.items() if f"{f}(" in prompt)
        return replies[pid][int(body["seed"]) // 1000]

    with FakeServer(reply_fn=reply) as server:
        common = ["bench", "run", "--backend", "openai", "--model", "fake-model", "--base-url",
                  server.url, "--no-cache", "--problems", ",".join(PROBLEMS), "--samples", "4",
                  "--no-timing", "--no-race", "--suite", str(builtin_root())]  # fmt: skip
        assert main([*common, "--run-dir", str(tmp_path / "client")]) == 0
        served = len(server.requests)
        assert main([*common, "--run-dir", str(tmp_path / "dask"), "--scheduler", cluster]) == 0
        assert len(server.requests) == 2 * served == 2 * len(expected)
    client, dask = stored(tmp_path / "client"), stored(tmp_path / "dask")
    assert client == dask
    assert {k: v[0] for k, v in dask.items()} == expected
    counts, timers = task_counts(cluster)
    assert sum(n["generate"] for a, n in counts.items() if a not in timers) > 0
