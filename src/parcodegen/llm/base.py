"""The batch-shaped model interface every backend implements.

`generate(requests) -> responses`, one response per request, in order. A backend that
talks to an API fans the batch out concurrently; a batch engine (vLLM) takes it whole.
Backend failures raise `parcodegen.errors.BackendError`; they are never a candidate's
fault.

A backend may also offer `generate_iter(requests)`, yielding `(index, response)` as each
reply arrives; `stream(backend, requests)` uses it when present. The agent loop stores
each reply as it comes, so an interrupted or failing batch loses only the replies that
had not arrived (a 10,000-request round cut at 95% keeps its 9,500 paid replies).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class LLMRequest:
    messages: tuple[Message, ...]
    model: str = ""
    temperature: float = 0.2
    n: int = 1  # completions wanted for this request
    max_tokens: int = 4096
    seed: int | None = None
    # Free-form tags (problem id, episode, strategy) for logging and replay lookup;
    # not part of the cache key.
    tags: tuple[tuple[str, str], ...] = ()

    def cache_key(self) -> str:
        """Key from what determines the reply: never the API key or URL."""
        payload = {
            "messages": [[m.role, m.content] for m in self.messages],
            "model": self.model,
            "temperature": self.temperature,
            "n": self.n,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
        }
        blob = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def tag(self, key: str, default: str = "") -> str:
        for k, v in self.tags:
            if k == key:
                return v
        return default


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cost_usd + other.cost_usd,
        )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class LLMResponse:
    texts: tuple[str, ...]  # n completions
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    cached: bool = False
    latency_s: float = 0.0
    raw: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    name: str

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        """One response per request, in order. Raises BackendError on endpoint failure."""
        ...


def resolved(backend: object, request: LLMRequest) -> LLMRequest:
    """The request as `backend` will really send it (default model, overrides applied).

    The response cache keys on this, so that a request with an empty model sent to two
    differently configured backends never shares a cache entry.
    """
    resolve = getattr(backend, "resolve", None)
    return resolve(request) if callable(resolve) else request


class OneAtATime:
    """Both interfaces for a backend that answers each request on its own (`_one`)."""

    def _one(self, request: LLMRequest) -> LLMResponse:
        raise NotImplementedError

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return [self._one(r) for r in requests]

    def generate_iter(self, requests: list[LLMRequest]) -> Iterator[tuple[int, LLMResponse]]:
        for i, r in enumerate(requests):
            yield i, self._one(r)


def stream(backend: object, requests: list[LLMRequest]) -> Iterator[tuple[int, LLMResponse]]:
    """(index, response) for each request as replies become ready, each index once."""
    from parcodegen.errors import BackendError

    produce = getattr(backend, "generate_iter", None)
    if callable(produce):
        pairs: Iterable[tuple[int, LLMResponse]] = produce(requests)
    else:
        responses = backend.generate(requests)  # type: ignore[attr-defined]
        if len(responses) != len(requests):
            raise BackendError(
                f"backend returned {len(responses)} responses for {len(requests)} requests"
            )
        pairs = enumerate(responses)
    seen: set[int] = set()
    for index, response in pairs:
        if not 0 <= index < len(requests) or index in seen:
            raise BackendError(
                f"backend answered request {index} of {len(requests)} twice or out of range"
            )
        seen.add(index)
        yield index, response


def collect(pairs: Iterable[tuple[int, LLMResponse]], count: int) -> list[LLMResponse]:
    """The responses of `generate_iter` in request order; every request must be answered."""
    from parcodegen.errors import BackendError

    out: list[LLMResponse | None] = [None] * count
    for index, response in pairs:
        out[index] = response
    missing = sum(1 for r in out if r is None)
    if missing:
        raise BackendError(f"backend left {missing} of {count} requests unanswered")
    return [r for r in out if r is not None]


def close_backend(backend: object) -> None:
    """Close a backend and everything it wraps (`inner`, `local`): HTTP clients, caches."""
    seen: set[int] = set()
    todo = [backend]
    while todo:
        b = todo.pop()
        if b is None or id(b) in seen:
            continue
        seen.add(id(b))
        close = getattr(b, "close", None)
        if callable(close):
            close()
        todo += [getattr(b, "inner", None), getattr(b, "local", None)]


def backend_model(backend: object) -> str:
    """The model that answers for a backend (or one it wraps) when the user named none:
    its `recorded_model` ("" if it has none). A replay backend names the model of its
    recording, so a run replayed without --model still records which model answered."""
    seen: set[int] = set()
    todo = [backend]
    while todo:
        b = todo.pop(0)
        if b is None or id(b) in seen:
            continue
        seen.add(id(b))
        model = getattr(b, "recorded_model", None)
        if isinstance(model, str) and model:
            return model
        todo += [getattr(b, "inner", None), getattr(b, "local", None)]
    return ""
