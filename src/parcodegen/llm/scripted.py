"""Deterministic replies for tests and demos: no model, no network.

    ScriptedBackend(["reply 1", "reply 2"])                # one queue, in order
    ScriptedBackend({"dense/saxpy": ["...", "..."]})      # a queue per "problem" tag
    ScriptedBackend(lambda request: "...")                # a function of the request

A request with n > 1 takes n replies from its queue; a function may return one string
(repeated n times) or a list of n. Every request received is kept in `.requests`.
Usage counts whitespace-separated words, so ledgers have something to add up.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence

from parcodegen.errors import BackendError
from parcodegen.llm.accounting import PriceTable, cost_usd
from parcodegen.llm.base import LLMRequest, LLMResponse, Usage

ReplyFn = Callable[[LLMRequest], "str | list[str]"]
Script = Sequence[str] | Mapping[str, Sequence[str]] | ReplyFn


class ScriptedBackend:
    name = "scripted"

    def __init__(
        self, script: Script, *, model: str = "scripted", prices: PriceTable | None = None
    ):
        self.model = model
        self.prices = prices
        self.requests: list[LLMRequest] = []
        self._lock = threading.Lock()
        self._fn: ReplyFn | None = None
        self._queues: dict[str | None, deque[str]] = {}
        self._served: dict[str | None, int] = {}
        if callable(script):
            self._fn = script
        elif isinstance(script, Mapping):
            self._queues = {str(k): deque(_texts(v)) for k, v in script.items()}
        elif isinstance(script, (list, tuple)):
            self._queues = {None: deque(_texts(script))}
        else:
            raise BackendError(
                "a scripted backend takes a list of replies, a mapping from problem id to "
                f"replies, or a function of the request; got {type(script).__name__}"
            )

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return [self._one(r) for r in requests]

    def remaining(self, problem: str | None = None) -> int:
        with self._lock:
            return len(self._queues.get(problem, ()))

    def _one(self, request: LLMRequest) -> LLMResponse:
        with self._lock:
            self.requests.append(request)
        texts = self._from_fn(request) if self._fn else self._from_queue(request)
        model = request.model or self.model
        prompt = sum(len(m.content.split()) for m in request.messages)
        completion = sum(len(t.split()) for t in texts)
        return LLMResponse(
            texts=tuple(texts),
            usage=Usage(prompt, completion, cost_usd(self.prices, model, prompt, completion)),
            model=model,
        )

    def _from_fn(self, request: LLMRequest) -> list[str]:
        assert self._fn is not None
        out = self._fn(request)
        texts = [out] * request.n if isinstance(out, str) else list(out)
        if len(texts) == 1 and request.n > 1:
            texts = texts * request.n
        if len(texts) != request.n or not all(isinstance(t, str) for t in texts):
            raise BackendError(
                f"scripted reply function gave {len(texts)} texts for a request with "
                f"n={request.n}; return one string or a list of n strings"
            )
        return texts

    def _from_queue(self, request: LLMRequest) -> list[str]:
        problem = request.tag("problem")
        key: str | None = None if None in self._queues else problem
        with self._lock:
            queue = self._queues.get(key)
            if queue is None or len(queue) < request.n:
                have = len(queue) if queue is not None else 0
                served = self._served.get(key, 0)
                whose = "the script" if key is None else f"problem '{problem}'"
                names = sorted(str(k) for k in self._queues if k is not None)
                known = "" if key is None else f" (scripted problems: {names})"
                raise BackendError(
                    f"scripted backend ran out of replies for {whose}: served {served}, "
                    f"{have} left, this request wants {request.n}{known}"
                )
            texts = [queue.popleft() for _ in range(request.n)]
            self._served[key] = self._served.get(key, 0) + request.n
        return texts


def _texts(items: Sequence[str]) -> list[str]:
    if isinstance(items, str):
        return [items]
    out = list(items)
    bad = [type(t).__name__ for t in out if not isinstance(t, str)]
    if bad:
        raise BackendError(f"scripted replies must be strings; got {', '.join(sorted(set(bad)))}")
    return out
