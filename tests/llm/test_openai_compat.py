"""OpenAICompatBackend against the real fake server over HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
import time

import pytest
from conftest import backend_for, request

from parcodegen.errors import BackendError
from parcodegen.llm.accounting import Price
from parcodegen.llm.fake_server import FakeServer
from parcodegen.llm.openai_compat import OpenAICompatBackend


def test_success_returns_text_usage_and_model(server):
    server.add_replies("```cpp\nint f() { return 1; }\n```")
    (resp,) = backend_for(server).generate([request("make f faster")])
    assert resp.texts == ("```cpp\nint f() { return 1; }\n```",)
    assert resp.usage.prompt_tokens == 3 and resp.usage.completion_tokens == 8
    assert resp.model == "fake-model" and not resp.cached
    sent = server.chat_requests()[0].body
    assert sent["messages"] == [{"role": "user", "content": "make f faster"}]
    assert sent["model"] == "fake-model" and sent["temperature"] == 0.2


def test_n_choices_in_one_call(server):
    server.add_replies("a", "b", "c")
    (resp,) = backend_for(server).generate([request(n=3)])
    assert resp.texts == ("a", "b", "c")
    assert len(server.chat_requests()) == 1


def test_server_ignoring_n_gets_further_calls_with_varied_seed():
    with FakeServer(["a", "b", "c"], n_mode="ignore") as srv:
        (resp,) = backend_for(srv).generate([request(n=3, seed=7)])
        bodies = [r.body for r in srv.chat_requests()]
    assert resp.texts == ("a", "b", "c")
    assert [b.get("n", 1) for b in bodies] == [3, 2, 1]
    assert [b["seed"] for b in bodies] == [7, 8, 9]
    assert resp.raw["calls"] == 3


def test_server_rejecting_n_falls_back_to_single_calls():
    with FakeServer(["a", "b"], n_mode="reject") as srv:
        backend = backend_for(srv)
        (resp,) = backend.generate([request(n=2)])
        assert resp.texts == ("a", "b")
        first = len(srv.chat_requests())
        backend.generate([request(n=2)])  # remembered: no more rejected n>1 calls
        later = [r.body.get("n", 1) for r in srv.chat_requests()[first:]]
    assert first == 3  # one rejected, two single
    assert later == [1, 1]


def test_429_waits_for_retry_after_then_succeeds(server):
    server.fail_next("rate_limit", retry_after=1)
    server.add_replies("ok")
    start = time.monotonic()
    (resp,) = backend_for(server).generate([request()])
    assert resp.texts == ("ok",)
    assert time.monotonic() - start >= 0.95
    assert len(server.chat_requests()) == 2


def test_500_then_success(server):
    server.fail_next("server_error", count=2)
    server.add_replies("ok")
    (resp,) = backend_for(server).generate([request()])
    assert resp.texts == ("ok",)
    assert len(server.chat_requests()) == 3


def test_persistent_500_gives_up_after_our_retries_only(server):
    server.fail_next("server_error", count=10)
    with pytest.raises(BackendError, match="gave up after 3 attempts.*HTTP 500") as info:
        backend_for(server, max_retries=2).generate([request(problem="dense/saxpy")])
    assert info.value.retryable
    assert "dense/saxpy" in str(info.value)
    assert len(server.chat_requests()) == 3  # the SDK retried nothing on its own


def test_slow_reply_times_out_then_retry_succeeds(server):
    server.fail_next("slow", seconds=1.5)
    server.add_replies("late but fine")
    (resp,) = backend_for(server, timeout_s=0.4).generate([request()])
    assert resp.texts == ("late but fine",)
    assert len(server.chat_requests()) == 2


def test_always_slow_is_a_timeout_error(server):
    server.fail_next("slow", count=5, seconds=1.5)
    with pytest.raises(BackendError, match="timeout"):
        backend_for(server, timeout_s=0.3, max_retries=1).generate([request()])


def test_cut_off_200_reply_is_retried_then_a_clear_error(server):
    server.fail_next("malformed")
    server.add_replies("ok")
    (resp,) = backend_for(server).generate([request()])
    assert resp.texts == ("ok",) and len(server.chat_requests()) == 2
    server.fail_next("malformed", count=5)
    with pytest.raises(BackendError, match="malformed JSON reply"):
        backend_for(server, max_retries=1).generate([request()])


def test_dropped_connection_is_retried(server):
    server.fail_next("drop")
    server.add_replies("ok")
    (resp,) = backend_for(server).generate([request()])
    assert resp.texts == ("ok",)


def test_bad_key_names_the_variable_to_set(monkeypatch):
    monkeypatch.setenv("MY_KEY", "wrong")
    with FakeServer(api_key="right") as srv:
        with pytest.raises(BackendError, match=r"rejected the API key \(HTTP 401\).*\$MY_KEY"):
            backend_for(srv, api_key_env="MY_KEY").generate([request()])
        assert len(srv.chat_requests()) == 1  # not retried
        srv.add_replies("ok")
        monkeypatch.setenv("MY_KEY", "right")
        (resp,) = backend_for(srv, api_key_env="MY_KEY").generate([request()])
        assert resp.texts == ("ok",)


def test_default_key_variable_is_used(monkeypatch):
    monkeypatch.setenv("PARCODEGEN_API_KEY", "k1")
    with FakeServer(["ok"], api_key="k1") as srv:
        (resp,) = backend_for(srv).generate([request()])
        assert srv.chat_requests()[0].headers["authorization"] == "Bearer k1"
    assert resp.texts == ("ok",)


def test_hosted_api_without_key_fails_early():
    with pytest.raises(BackendError, match="no API key.*PARCODEGEN_API_KEY"):
        OpenAICompatBackend(model="gpt-x")


def test_unknown_model_lists_what_the_server_offers(server):
    with pytest.raises(BackendError) as info:
        backend_for(server, model="fake-modle").generate([request()])
    msg = str(info.value)
    assert "model 'fake-modle' not found" in msg
    assert "fake-model, other-model" in msg


def test_unreachable_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = OpenAICompatBackend(
        model="m", base_url=f"http://127.0.0.1:{port}/v1", max_retries=1, backoff_s=0.01
    )
    with pytest.raises(BackendError, match="cannot reach the server"):
        backend.generate([request()])


def test_batch_fans_out_concurrently(server):
    server.fail_next("slow", count=8, seconds=1.0)
    backend = backend_for(server, concurrency=8)
    start = time.monotonic()
    responses = backend.generate([request(f"task {i}") for i in range(8)])
    elapsed = time.monotonic() - start
    assert len(responses) == 8
    assert elapsed < 4.0, f"8 slow requests took {elapsed:.1f}s: not concurrent"
    assert elapsed >= 0.9  # each one really waited
    prompts = sorted(r.body["messages"][0]["content"] for r in server.chat_requests())
    assert prompts == sorted(f"task {i}" for i in range(8))


def test_batch_order_is_preserved(server):
    backend = backend_for(server, concurrency=4)
    batch = [request(f"p{i}") for i in range(6)]
    texts = [r.texts[0] for r in backend.generate(batch)]
    single = [backend.generate([r])[0].texts[0] for r in batch]
    assert texts == single  # default replies are a function of the prompt


def test_cost_from_price_table(server):
    server.add_replies("one two three four")
    prices = {"fake-model": Price(input_per_m=2.0, output_per_m=10.0)}
    (resp,) = backend_for(server, prices=prices).generate([request("a b c d e")])
    assert resp.usage.cost_usd == pytest.approx((5 * 2.0 + 4 * 10.0) / 1e6)
    (other,) = backend_for(server, model="other-model", prices=prices).generate([request()])
    assert other.usage.cost_usd == 0.0


def test_overrides_and_default_model(server):
    backend = backend_for(server, temperature=0.9, max_tokens=64)
    resolved = backend.resolve(request())
    assert (resolved.model, resolved.temperature, resolved.max_tokens) == ("fake-model", 0.9, 64)
    backend.generate([request(model="other-model")])
    sent = server.chat_requests()[0].body
    assert sent["model"] == "other-model" and sent["temperature"] == 0.9
    assert sent["max_tokens"] == 64
