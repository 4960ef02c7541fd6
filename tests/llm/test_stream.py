"""`stream` / `collect`: replies handed back as they arrive, each request answered once."""

from __future__ import annotations

import pytest

from parcodegen.errors import BackendError
from parcodegen.llm.base import LLMRequest, LLMResponse, Message, collect, stream
from parcodegen.llm.cache import CachedBackend


def req(i: int) -> LLMRequest:
    return LLMRequest(messages=(Message("user", f"q{i}"),), seed=i)


def resp(text: str) -> LLMResponse:
    return LLMResponse(texts=(text,))


class Streaming:
    """Answers in reverse order, then optionally fails."""

    name = "streaming"

    def __init__(self, fail_after: int | None = None, pairs=None):
        self.fail_after, self.pairs, self.asked = fail_after, pairs, []

    def generate_iter(self, requests):
        self.asked.append(len(requests))
        if self.pairs is not None:
            yield from self.pairs
            return
        for k, i in enumerate(reversed(range(len(requests)))):
            if self.fail_after is not None and k == self.fail_after:
                raise BackendError("endpoint went away", retryable=True)
            yield i, resp(requests[i].messages[0].content)


class Batch:
    name = "batch"

    def __init__(self, count_off: int = 0):
        self.count_off = count_off

    def generate(self, requests):
        return [resp("x")] * (len(requests) - self.count_off)


def test_stream_uses_generate_iter_and_collect_orders() -> None:
    pairs = list(stream(Streaming(), [req(i) for i in range(4)]))
    assert [i for i, _ in pairs] == [3, 2, 1, 0]
    assert [r.texts[0] for r in collect(pairs, 4)] == ["q0", "q1", "q2", "q3"]
    assert [i for i, _ in stream(Batch(), [req(0), req(1)])] == [0, 1]


def test_bad_streams_are_backend_errors() -> None:
    with pytest.raises(BackendError, match="twice or out of range"):
        list(stream(Streaming(pairs=[(0, resp("a")), (0, resp("b"))]), [req(0), req(1)]))
    with pytest.raises(BackendError, match="twice or out of range"):
        list(stream(Streaming(pairs=[(5, resp("a"))]), [req(0)]))
    with pytest.raises(BackendError, match="2 responses for 3 requests"):
        list(stream(Batch(count_off=1), [req(0), req(1), req(2)]))
    with pytest.raises(BackendError, match="left 1 of 2 requests unanswered"):
        collect([(0, resp("a"))], 2)


def test_cache_keeps_what_arrived_before_a_failure(tmp_path) -> None:
    inner = Streaming(fail_after=2)
    cache = CachedBackend(inner, tmp_path)
    got = []
    with pytest.raises(BackendError, match="went away"):
        for pair in cache.generate_iter([req(i) for i in range(5)]):
            got.append(pair[0])
    assert got == [4, 3] and len(cache) == 2
    inner.fail_after = None
    out = cache.generate([req(i) for i in range(5)])  # the two are hits, three are sent
    assert [r.texts[0] for r in out] == [f"q{i}" for i in range(5)]
    assert inner.asked == [5, 3]
    assert [r.cached for r in out] == [False, False, False, True, True]
    cache.close()
