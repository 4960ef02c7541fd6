from __future__ import annotations

import importlib.util
import threading

import pytest
from conftest import request

from parcodegen.errors import BackendError, ConfigError, UnknownNameError
from parcodegen.llm.accounting import Price, UsageLedger, cost_usd
from parcodegen.llm.base import LLMResponse, Usage
from parcodegen.llm.cache import CachedBackend
from parcodegen.llm.registry import BACKENDS, make_backend
from parcodegen.llm.replay import RecordingBackend, ReplayBackend
from parcodegen.llm.scripted import ScriptedBackend


def test_builtin_names_and_typo():
    assert {"openai", "scripted", "replay", "vllm"} <= set(BACKENDS.names())
    with pytest.raises(UnknownNameError, match="did you mean 'openai'"):
        make_backend("opneai", model="m")


def test_make_openai_backend_against_fake_server(server):
    backend = make_backend("openai", model="fake-model", base_url=server.url)
    server.add_replies("hi")
    assert backend.generate([request()])[0].texts == ("hi",)


def test_unknown_option_is_a_config_error():
    with pytest.raises(ConfigError, match=r"no option 'modle'.*options: script"):
        make_backend("scripted", script=["x"], modle="m")


def test_cache_and_record_wrapping(tmp_path):
    backend = make_backend(
        "scripted", script=["x"], cache_dir=tmp_path / "c", record_path=tmp_path / "r.jsonl"
    )
    assert isinstance(backend, RecordingBackend) and isinstance(backend.inner, CachedBackend)
    backend.generate([request("q")])
    backend.generate([request("q")])  # a cache hit, still recorded
    replay = make_backend("replay", path=tmp_path / "r.jsonl")
    assert isinstance(replay, ReplayBackend) and len(replay) == 2


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vllm is installed")
def test_vllm_without_vllm_is_a_clear_error():
    with pytest.raises(BackendError, match=r"pip install 'parcodegen\[vllm\]'.*vllm serve"):
        make_backend("vllm", model="Qwen/Qwen2.5-Coder-7B-Instruct")


def test_cost_table():
    assert cost_usd({"m": (3.0, 15.0)}, "m", 1_000_000, 100_000) == pytest.approx(4.5)
    assert cost_usd({"m": Price(3.0, 15.0)}, "other", 10, 10) == 0.0
    assert cost_usd(None, "m", 10, 10) == 0.0


def test_ledger_tallies_per_call_problem_and_run():
    ledger = UsageLedger()
    backend = ScriptedBackend(lambda r: "a b", prices={"scripted": (1e6, 1e6)})
    reqs = [request("x y z", problem="p/1"), request("x", problem="p/2", n=2)]
    ledger.add_batch(reqs, backend.generate(reqs))
    ledger.add(request("x", problem="p/1"), LLMResponse(texts=("c",), cached=True))
    assert ledger.for_problem("p/1") == Usage(3, 2, 5.0)
    assert ledger.for_problem("p/2") == Usage(1, 4, 5.0)
    assert ledger.total == Usage(4, 6, 10.0)
    summary = ledger.summary()
    assert summary["calls"] == 3 and summary["cache_hits"] == 1
    assert summary["by_problem"]["p/2"]["completion_tokens"] == 4


def test_ledger_is_thread_safe():
    ledger = UsageLedger()
    resp = LLMResponse(texts=("t",), usage=Usage(1, 2, 0.5))

    def worker() -> None:
        for _ in range(500):
            ledger.add(request(problem="p"), resp)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ledger.total == Usage(4000, 8000, 2000.0)
    assert len(ledger.calls()) == 4000
