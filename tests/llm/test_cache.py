"""CachedBackend: SQLite on disk, hits cost nothing and make no HTTP call."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from conftest import backend_for, request

from parcodegen.errors import BackendError
from parcodegen.llm.accounting import Price
from parcodegen.llm.cache import CachedBackend
from parcodegen.llm.fake_server import FakeServer
from parcodegen.llm.scripted import ScriptedBackend


def test_hit_costs_nothing_and_makes_no_http_call(server, tmp_path):
    server.add_replies("first", "second")
    prices = {"fake-model": Price(1.0, 1.0)}
    cached = CachedBackend(backend_for(server, prices=prices), tmp_path)
    (miss,) = cached.generate([request("hello")])
    assert not miss.cached and miss.usage.cost_usd > 0
    (hit,) = cached.generate([request("hello")])
    assert hit.cached and hit.texts == ("first",)
    assert hit.usage.cost_usd == 0.0 and hit.usage.total_tokens == 0
    assert hit.raw["original_usage"]["cost_usd"] == miss.usage.cost_usd
    assert len(server.chat_requests()) == 1
    assert (cached.hits, cached.misses) == (1, 1)


def test_cache_persists_on_disk_and_holds_no_secret(server, tmp_path):
    backend = backend_for(server, api_key="sk-secret-123")
    CachedBackend(backend, tmp_path).generate([request("x")])
    again = CachedBackend(backend_for(server), tmp_path)
    (hit,) = again.generate([request("x")])
    assert hit.cached and len(server.chat_requests()) == 1
    blob = (tmp_path / CachedBackend.FILE_NAME).read_bytes()
    assert b"sk-secret-123" not in blob and str(server.port).encode() not in blob
    rows = sqlite3.connect(tmp_path / CachedBackend.FILE_NAME).execute("SELECT key FROM responses")
    assert [r[0] for r in rows] == [again._key(request("x"))]


def test_endpoint_is_part_of_the_key_and_refresh_asks_again(server, tmp_path):
    CachedBackend(backend_for(server), tmp_path).generate([request("x")])
    with FakeServer() as other:  # another server under the same model name
        (resp,) = CachedBackend(backend_for(other), tmp_path).generate([request("x")])
        assert not resp.cached and len(other.chat_requests()) == 1
    (resp,) = CachedBackend(backend_for(server), tmp_path, refresh=True).generate([request("x")])
    assert not resp.cached and len(server.chat_requests()) == 2  # written, not read


def test_default_model_is_part_of_the_key(server, tmp_path):
    CachedBackend(backend_for(server, model="fake-model"), tmp_path).generate([request("x")])
    other = CachedBackend(backend_for(server, model="other-model"), tmp_path)
    (resp,) = other.generate([request("x")])
    assert not resp.cached and len(server.chat_requests()) == 2


def test_failures_are_not_cached(server, tmp_path):
    server.fail_next("unauthorized")
    cached = CachedBackend(backend_for(server), tmp_path)
    with pytest.raises(BackendError):
        cached.generate([request("x")])
    assert len(cached) == 0
    (resp,) = cached.generate([request("x")])
    assert not resp.cached and len(cached) == 1


def test_mixed_batch_sends_only_misses_once(tmp_path):
    inner = ScriptedBackend(["a", "b", "c"])
    cached = CachedBackend(inner, tmp_path)
    cached.generate([request("p1")])
    out = cached.generate([request("p1"), request("p2"), request("p2"), request("p3")])
    assert [r.texts for r in out] == [("a",), ("b",), ("b",), ("c",)]
    assert [r.cached for r in out] == [True, False, True, False]
    assert [r.messages[0].content for r in inner.requests] == ["p1", "p2", "p3"]


def test_safe_under_threads(tmp_path):
    inner = ScriptedBackend(lambda req: "reply to " + req.messages[0].content)
    cached = CachedBackend(inner, tmp_path)
    errors: list[Exception] = []

    def worker(k: int) -> None:
        try:
            for i in range(30):
                (resp,) = cached.generate([request(f"q{(i + k) % 10}")])
                assert resp.texts == (f"reply to q{(i + k) % 10}",)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(cached) == 10
    assert cached.hits + cached.misses == 180
