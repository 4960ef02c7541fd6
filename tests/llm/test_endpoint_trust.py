"""What a user paying for (or waiting on) a real endpoint relies on, against the real fake
server over HTTP: prices, budgets checked before every request, bounded waits, Retry-After
on every status, the circuit breaker, replies cut off by the length limit, clear refusals."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import backend_for, request

from parcodegen.errors import BackendError, BudgetExhausted, ConfigError
from parcodegen.llm.accounting import Price
from parcodegen.llm.fake_server import FakeServer
from parcodegen.llm.guard import RunGuard
from parcodegen.llm.openai_compat import OpenAICompatBackend, check_base_url
from parcodegen.llm.pricing import BUILTIN_PRICES, Pricing


# ------------------------------------------------------------------ prices
def test_builtin_table_matches_snapshots_and_provider_prefixes_not_neighbours(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("PARCODEGEN_PRICES", str(tmp_path / "none.toml"))
    pricing = Pricing.load()
    assert pricing.price("gpt-4o") == BUILTIN_PRICES["gpt-4o"]
    assert pricing.price("gpt-4o-2024-08-06") == BUILTIN_PRICES["gpt-4o"]
    assert pricing.price("openai/gpt-4o-mini") == BUILTIN_PRICES["gpt-4o-mini"]
    assert pricing.price("gpt-4o-mini") != pricing.price("gpt-4o")
    assert pricing.price("claude-sonnet-4-20250514") == BUILTIN_PRICES["claude-sonnet-4"]
    assert pricing.price("qwen2.5-coder:7b") is None
    with pytest.raises(ConfigError, match="--price-in and --price-out.*prices.toml|none.toml"):
        pricing.require_price("qwen2.5-coder:7b")


def test_options_then_file_then_table(monkeypatch, tmp_path):
    path = tmp_path / "prices.toml"
    path.write_text(
        '["gpt-4o"]\ninput = 1.0\noutput = 2.0\n["qwen2.5-coder:7b"]\ninput = 0\noutput = 0\n'
    )
    monkeypatch.setenv("PARCODEGEN_PRICES", str(path))
    assert Pricing.load().price("gpt-4o") == Price(1.0, 2.0)
    assert Pricing.load().price("qwen2.5-coder:7b") == Price(0.0, 0.0)
    assert Pricing.load(3.0, 4.0).price("anything") == Price(3.0, 4.0)
    with pytest.raises(ConfigError, match="go together"):
        Pricing.load(3.0, None)
    with pytest.raises(ConfigError, match=">= 0"):
        Pricing.load(-1.0, 1.0)
    path.write_text('["m"]\ninput = "cheap"\n')
    with pytest.raises(ConfigError, match="must be numbers"):
        Pricing.load()
    path.write_text("not toml [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Pricing.load()


# ------------------------------------------------------------------ budgets per request
def test_cost_cap_is_checked_before_every_request_and_never_exceeded(server):
    """$10 per million tokens, 100-token replies: each request's worst case is ~1e-3."""
    server.add_replies(*["word " * 50] * 20)
    guard = RunGuard(max_cost=0.0035)
    backend = backend_for(server, prices={"fake-model": Price(10.0, 10.0)}, max_tokens=100)
    backend.use_guard(guard)
    sent = 0
    with pytest.raises(BudgetExhausted, match="budget: cost"):
        for _ in range(20):
            backend.generate([request("a short prompt")])
            sent += 1
    assert len(server.chat_requests()) == sent >= 2
    assert guard.spent.cost_usd <= 0.0035


def test_tiny_cap_sends_nothing_and_concurrent_requests_stay_under_it(server):
    backend = backend_for(server, prices={"fake-model": Price(1.0, 1.0)}, concurrency=8)
    backend.use_guard(RunGuard(max_cost=0.000001))
    with pytest.raises(BudgetExhausted):
        backend.generate([request(f"p{i}") for i in range(6)])
    assert server.chat_requests() == []
    # eight at once, full-length replies, room for three worst cases: exactly three sent
    with FakeServer(reply_fn=lambda body: "word " * 200) as srv:
        guard = RunGuard(max_cost=350e-6)
        backend = backend_for(srv, prices={"fake-model": Price(1.0, 1.0)}, concurrency=8,
                              max_tokens=100, continuations=0)  # fmt: skip
        backend.use_guard(guard)
        with pytest.raises(BudgetExhausted):
            backend.generate([request(f"q{i}") for i in range(8)] * 4)
        assert len(srv.chat_requests()) == 3
    assert 300e-6 < guard.spent.cost_usd <= guard.max_cost


def test_retries_are_checked_too(server):
    server.fail_next("server_error", count=3)
    guard = RunGuard(max_tokens=2 * (4096 + 20))  # room for two attempts' worst cases
    backend = backend_for(server)
    backend.use_guard(guard)
    # failed attempts spend nothing, so the third attempt fits and the fourth gets the reply
    server.add_replies("ok")
    (resp,) = backend.generate([request()])
    assert resp.texts == ("ok",)
    guard = RunGuard(max_tokens=10)  # not even one request fits
    backend.use_guard(guard)
    server.fail_next("server_error", count=3)
    with pytest.raises(BudgetExhausted, match="budget: tokens"):
        backend.generate([request()])


# ------------------------------------------------------------------ time
def test_max_wall_cuts_a_hung_request(server):
    server.fail_next("slow", seconds=5)
    backend = backend_for(server, timeout_s=60)
    backend.use_guard(RunGuard(max_wall_s=1.0))
    start = time.monotonic()
    with pytest.raises(BudgetExhausted, match="wall time"):
        backend.generate([request()])
    assert time.monotonic() - start < 3.0


def test_max_wall_refuses_a_retry_after_beyond_it(server):
    server.fail_next("unavailable", retry_after=30)
    backend = backend_for(server)
    backend.use_guard(RunGuard(max_wall_s=5.0))
    start = time.monotonic()
    with pytest.raises(BudgetExhausted, match="wall time.*retry"):
        backend.generate([request()])
    assert time.monotonic() - start < 2.0


@pytest.mark.parametrize("kind", ["unavailable", "server_error", "rate_limit"])
def test_retry_after_is_honoured_on_every_status(server, kind):
    server.fail_next(kind, retry_after=1)
    server.add_replies("ok")
    lines: list[str] = []
    start = time.monotonic()
    (resp,) = backend_for(server, say=lines.append).generate([request()])
    assert resp.texts == ("ok",) and time.monotonic() - start >= 0.95
    assert any("retry 1/3" in line and "Retry-After" in line for line in lines), lines


def test_request_timeout_and_retries_are_settable(server):
    server.fail_next("slow", count=5, seconds=1.0)
    start = time.monotonic()
    with pytest.raises(BackendError, match="gave up after 2 attempts.*within 0.3 s"):
        backend_for(server, timeout_s=0.3, max_retries=1).generate([request()])
    assert time.monotonic() - start < 2.0


def test_waiting_is_reported(server):
    server.fail_next("slow", seconds=1.3)
    lines: list[str] = []
    backend = backend_for(server, say=lines.append, heartbeat_s=0.4)
    backend.generate([request(problem="vec/scale")])
    waits = [line for line in lines if "waiting" in line]
    assert waits and "request 1 (vec/scale)" in waits[0] and "timeout 10 s" in waits[0]


# ------------------------------------------------------------------ circuit breaker
def test_breaker_stops_a_persistent_500_and_says_so(server):
    server.fail_next("server_error", count=100)
    backend = backend_for(server, max_retries=3, breaker_after=5, concurrency=1)
    with pytest.raises(BackendError, match="gave up after 4"):
        backend.generate([request("a")])
    with pytest.raises(BackendError, match=r"circuit breaker.*same way 5 times.*HTTP 500"):
        backend.generate([request("b")])
    assert len(server.chat_requests()) == 5
    with pytest.raises(BackendError, match="circuit breaker"):
        backend.generate([request("c")])
    assert len(server.chat_requests()) == 5  # open: nothing more is sent


def test_breaker_resets_on_success_and_counts_only_identical_failures(server):
    backend = backend_for(server, breaker_after=3, max_retries=5)
    for kind in ("server_error", "drop", "server_error", "drop"):
        server.fail_next(kind)
    server.add_replies("ok")
    assert backend.generate([request()])[0].texts == ("ok",)
    server.fail_next("server_error", count=2)
    server.add_replies("ok again")
    assert backend.generate([request()])[0].texts == ("ok again",)


def test_exhausted_quota_is_not_retried(server):
    server.fail_next("quota", count=5)
    with pytest.raises(BackendError, match="quota is exhausted"):
        backend_for(server).generate([request()])
    assert len(server.chat_requests()) == 1


# ------------------------------------------------------------------ length limit
def test_reply_cut_by_the_length_limit_is_continued_and_the_user_told(server):
    server.add_replies("```cpp\nint f() {\n  return 1 + 2 + 3; }\n```", " + 3; }\n```")
    lines: list[str] = []
    backend = backend_for(server, say=lines.append)
    (resp,) = backend.generate([request(max_tokens=8)])
    assert resp.texts == ("```cpp\nint f() {\n  return 1 + 2 + 3; }\n```",)
    assert resp.raw["continuations"] == 1 and resp.raw["finish_reasons"] == ["stop"]
    follow = server.chat_requests()[1].body["messages"]
    assert follow[-2]["role"] == "assistant" and "cut off" in follow[-1]["content"]
    assert any("cut off at the 8-token reply limit" in line for line in lines)


def test_reply_still_cut_after_continuations_is_reported(server):
    server.add_replies(*["one two three four five six"] * 3)
    lines: list[str] = []
    (resp,) = backend_for(server, say=lines.append, continuations=1).generate(
        [request(max_tokens=3)]
    )
    assert resp.raw["finish_reasons"] == ["length"]
    assert any("still cut off" in line and "--reply-tokens" in line for line in lines)


def test_small_context_400_names_the_option_to_change():
    with FakeServer(context_tokens=2048) as srv:
        with pytest.raises(BackendError, match="maximum context length.*--reply-tokens"):
            backend_for(srv).generate([request()])
        srv.add_replies("fits")
        assert backend_for(srv).generate([request(max_tokens=1000)])[0].texts == ("fits",)


# ------------------------------------------------------------------ refused up front
@pytest.mark.parametrize(
    "url", ["localhost:8000/v1", "127.0.0.1:8000", "ftp://host/v1", "http://", "http://h:99999/v1"]
)
def test_base_url_without_scheme_or_host_is_refused_at_once(url):
    start = time.monotonic()
    with pytest.raises(ConfigError, match="base URL"):
        OpenAICompatBackend(model="m", base_url=url)
    assert time.monotonic() - start < 1.0
    assert check_base_url("http://localhost:8000/v1/") == "http://localhost:8000/v1"


def test_guard_waits_for_bookings_in_flight_before_refusing():
    guard = RunGuard(max_tokens=100)
    from parcodegen.llm.base import Usage

    first = guard.reserve(Usage(10, 50))
    released = []

    def settle_later():
        time.sleep(0.3)
        released.append(True)
        guard.settle(first, Usage(10, 5))

    threading.Thread(target=settle_later).start()
    second = guard.reserve(Usage(10, 60))  # fits only once the first has settled
    assert released and guard.spent.total_tokens == 15
    guard.settle(second, Usage(10, 60))
    with pytest.raises(BudgetExhausted):
        guard.reserve(Usage(10, 50))
