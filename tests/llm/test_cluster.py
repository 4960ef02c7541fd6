"""Generation on a Dask cluster (llm/cluster.py): which backends go, chunking, order, errors.

The end-to-end campaigns (replay and openai over HTTP on a process cluster) are in
tests/bench/test_dask_campaign.py; here an in-process LocalCluster is enough.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.errors import BackendError
from parcodegen.llm.base import LLMRequest, Message
from parcodegen.llm.cluster import (
    MAX_CHUNK,
    BackendSpec,
    ClusterBackend,
    chunk_sizes,
    cluster_mode,
    generate_job,
)
from parcodegen.llm.registry import make_backend

pytest.importorskip("distributed")

SRC = """void scale(float* x, int n, float a) {
    for (int i = 0; i < n; ++i) x[i] = a * x[i];
}"""


def request(turn: int) -> LLMRequest:
    text = f"Parallelize this.\n```cpp\n{SRC}\n```\n"
    tags = (("function", "scale"), ("turn", str(turn)), ("sample", "0"))
    return LLMRequest(messages=(Message("user", text),), seed=turn, tags=tags)


@pytest.mark.parametrize("total,workers", [(1, 1), (7, 1), (7, 3), (100, 1), (1000, 4), (5, 8)])
def test_chunks_cover_the_batch(total: int, workers: int) -> None:
    sizes = chunk_sizes(total, workers)
    assert sum(sizes) == total
    assert all(1 <= s <= MAX_CHUNK for s in sizes)
    assert len(sizes) >= min(total, 2 * workers)
    assert max(sizes) - min(sizes) <= 1
    assert chunk_sizes(0, 3) == []


def test_which_backends_generate_on_a_cluster() -> None:
    assert cluster_mode("openai") == cluster_mode("autopar") == "shared"
    assert cluster_mode("replay") == "per_task"
    assert cluster_mode("scripted") is None  # queues served in the order asked
    assert cluster_mode("vllm") is None


def test_worker_errors_come_back_as_values(tmp_path: Path) -> None:
    spec = BackendSpec.of("replay", {"path": str(tmp_path / "missing.jsonl")})
    replies, error = generate_job(spec, "per_task", [request(0)])
    assert replies == [] and "no recording at" in error[0] and error[1] is False
    replies, error = generate_job(BackendSpec.of("autopar", {}), "shared", [request(0), request(1)])
    assert error is None and [i for i, _ in replies] == [0, 1]


def test_a_failing_chunk_hands_back_what_arrived(tmp_path: Path) -> None:
    """A replay recording that holds the first request only: one reply, then the error."""
    from parcodegen.llm.replay import RecordingBackend

    calls = tmp_path / "calls.jsonl"
    RecordingBackend(make_backend("autopar"), calls).generate([request(0)])
    spec = BackendSpec.of("replay", {"path": str(calls)})
    replies, error = generate_job(spec, "per_task", [request(0), request(1)])
    assert [i for i, _ in replies] == [0]
    assert "no recorded reply" in error[0] and "(on Dask worker" in error[0]


def test_cluster_backend_keeps_order_and_matches_local() -> None:
    from distributed import LocalCluster

    from parcodegen.agent.executors import DaskExecutor

    requests = [request(t) for t in range(9)]
    local = make_backend("autopar")
    expected = [r.texts for r in local.generate(requests)]
    assert len(set(expected)) > 1  # the turn tag rotates variants: order matters
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as lc:  # fmt: skip
        with DaskExecutor(lc.scheduler_address) as ex:
            backend = ClusterBackend(BackendSpec.of("autopar", {}), "shared", local, ex)
            got = backend.generate(requests)
            assert [r.texts for r in got] == expected
            assert backend.tasks_sent == len(chunk_sizes(9, 2)) > 1
            missing = BackendSpec.of("replay", {"path": "/nonexistent/calls.jsonl"})
            broken = ClusterBackend(missing, "per_task", local, ex)
            with pytest.raises(BackendError, match=r"no recording at .*\(on Dask worker") as info:
                broken.generate(requests[:2])
            assert info.value.retryable is False


def test_a_client_only_backend_says_so_and_still_runs(tmp_path: Path, capsys) -> None:
    """scripted on a cluster: generation stays here, checks go to the cluster."""
    import json

    from distributed import LocalCluster

    from parcodegen.cli.main import main

    script = tmp_path / "script.json"
    script.write_text(json.dumps(["no code here"]))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as lc:  # fmt: skip
        code = main(["bench", "run", "--backend", "scripted", "--script", str(script),
                     "--problems", "reduce/count_primes", "--no-timing", "--no-race",
                     "--run-dir", str(tmp_path / "runs"), "--scheduler", lc.scheduler_address])  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "generation: on this machine (the scripted backend cannot generate on a cluster" in err


class FailFast:
    """Request with seed 0 fails at once; the others answer after a while."""

    name = "fail-fast-test-backend"

    def generate(self, requests):
        import time

        from parcodegen.llm.base import LLMResponse

        if any(r.seed == 0 for r in requests):
            raise BackendError("HTTP 400: prompt too long")
        time.sleep(1.0)
        return [LLMResponse(texts=(f"reply {r.seed}",)) for r in requests]


def test_after_a_failing_chunk_every_running_chunk_is_handed_out() -> None:
    """Four one-request chunks all running at once; the first fails immediately, the other
    three are still running (paid for): their replies come back before the error."""
    from distributed import LocalCluster

    from parcodegen.agent.executors import DaskExecutor
    from parcodegen.llm.registry import BACKENDS, BackendInfo, register_backend

    if "fail-fast-test-backend" not in BACKENDS:
        register_backend(BackendInfo("fail-fast-test-backend", FailFast, cluster="shared"))
    requests = [request(t) for t in range(4)]
    with LocalCluster(n_workers=2, threads_per_worker=2, processes=False,
                      dashboard_address=None) as lc:  # fmt: skip
        with DaskExecutor(lc.scheduler_address) as ex:
            backend = ClusterBackend(BackendSpec.of("fail-fast-test-backend", {}), "shared",
                                     FailFast(), ex)  # fmt: skip
            got = []
            with pytest.raises(BackendError, match="prompt too long"):
                for i, _resp in backend.generate_iter(requests):
                    got.append(i)
    assert sorted(got) == [1, 2, 3]


class Flaky:
    """Answers the first request, then fails like a bug would."""

    name = "flaky-test-backend"

    def generate(self, requests):
        raise AssertionError("generate_iter is used")

    def generate_iter(self, requests):
        from parcodegen.llm.base import LLMResponse

        yield 0, LLMResponse(texts=("first",))
        raise RuntimeError("index out of range in the backend")


def test_a_backend_bug_keeps_the_replies_and_is_not_retried() -> None:
    from parcodegen.llm.registry import BACKENDS, BackendInfo, register_backend

    if "flaky-test-backend" not in BACKENDS:
        register_backend(BackendInfo("flaky-test-backend", Flaky, cluster="per_task"))
    replies, error = generate_job(BackendSpec.of("flaky-test-backend", {}), "per_task",
                                  [request(0), request(1)])  # fmt: skip
    assert [(i, r.texts) for i, r in replies] == [(0, ("first",))]
    assert error[0].startswith("RuntimeError: index out of range") and error[1] is False


def test_cost_cap_holds_for_generation_on_the_cluster() -> None:
    """The run guard's cap binds the cluster's chunks as it binds the client's requests:
    eight requests per chunk, full-length replies, room for three and a half worst cases:
    the cluster sends at most what the client sends under the same cap (without an
    allotment each chunk would send all of its requests)."""
    import time

    from distributed import LocalCluster

    from parcodegen.agent.executors import DaskExecutor
    from parcodegen.errors import BudgetExhausted
    from parcodegen.llm.accounting import Price
    from parcodegen.llm.fake_server import FakeServer
    from parcodegen.llm.guard import RunGuard, attach_guard

    prices = {"fake-model": Price(1.0, 1.0)}
    with FakeServer(reply_fn=lambda body: "word " * 200) as srv:
        options = {"base_url": srv.url, "model": "fake-model", "prices": prices,
                   "max_tokens": 100, "continuations": 0, "backoff_s": 0.01}  # fmt: skip
        local = make_backend("openai", **options)
        with LocalCluster(n_workers=2, threads_per_worker=2, processes=False,
                          dashboard_address=None) as lc, DaskExecutor(lc.scheduler_address) as ex:  # fmt: skip
            backend = ClusterBackend(BackendSpec.of("openai", options), "shared", local, ex)
            # no guard: the shared backend (options holding a price table) serves all
            assert len(backend.generate([request(t) for t in range(4)])) == 4
            srv.requests.clear()
            cap = 3.5 * local.worst_usage(request(0)).cost_usd
            local.use_guard(RunGuard(max_cost=cap))  # the client path, for comparison
            with pytest.raises(BudgetExhausted, match="budget: cost"):
                local.generate([request(t) for t in range(32)])
            on_client = len(srv.chat_requests())
            assert 3 <= on_client < 8
            guard = RunGuard(max_cost=cap)
            tasks = backend.tasks_sent
            attach_guard(backend, guard)  # as the loop gives its guard
            with pytest.raises(BudgetExhausted, match="budget: cost"):
                backend.generate([request(t) for t in range(32)])
            assert backend.tasks_sent - tasks == 4
            sent = len(srv.chat_requests()) - on_client
            assert 3 <= sent <= on_client
            assert guard.spent.cost_usd <= cap
            assert guard.spent.cost_usd == pytest.approx(sent * 100e-6, rel=0.5)
            # what is left after settling is not enough: another batch sends nothing
            with pytest.raises(BudgetExhausted):
                backend.generate([request(t) for t in range(4)])
            assert len(srv.chat_requests()) == on_client + sent
            # the wall-time budget reaches the worker too: a hung reply is cut
            srv.fail_next("slow", seconds=20)
            attach_guard(backend, RunGuard(max_wall_s=2.0))
            t0 = time.monotonic()
            with pytest.raises((BudgetExhausted, BackendError)):
                backend.generate([request(0)])
            assert time.monotonic() - t0 < 10
