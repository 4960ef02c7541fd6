"""The batch-shaped model interface every backend implements.

`generate(requests) -> responses`, one response per request, in order. A backend that
talks to an API fans the batch out concurrently; a batch engine (vLLM) takes it whole.
Backend failures raise `parcodegen.errors.BackendError`; they are never a candidate's
fault.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
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
