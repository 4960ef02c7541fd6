"""Record every model call to JSONL, and replay a recorded run with no model at all.

`RecordingBackend(inner, path)` appends one line per request:
``{"key", "request", "texts", "usage", "model"}``, where `key` is the `cache_key()` of the
request as the caller made it. `ReplayBackend(path)` serves the recorded replies by that
key; a key asked more often than recorded gets its replies in recorded order, and then
an error. A request that was never recorded is a `BackendError`: the run can't be
replayed exactly.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parcodegen.errors import BackendError
from parcodegen.llm.base import (
    Backend,
    LLMRequest,
    LLMResponse,
    Message,
    OneAtATime,
    Usage,
    collect,
    resolved,
    stream,
)


def request_to_dict(request: LLMRequest) -> dict[str, Any]:
    return {
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        "model": request.model,
        "temperature": request.temperature,
        "n": request.n,
        "max_tokens": request.max_tokens,
        "seed": request.seed,
        "tags": {k: v for k, v in request.tags},
    }


def request_from_dict(data: dict[str, Any]) -> LLMRequest:
    return LLMRequest(
        messages=tuple(Message(m["role"], m["content"]) for m in data["messages"]),
        model=data.get("model", ""),
        temperature=data.get("temperature", 0.2),
        n=data.get("n", 1),
        max_tokens=data.get("max_tokens", 4096),
        seed=data.get("seed"),
        tags=tuple((str(k), str(v)) for k, v in (data.get("tags") or {}).items()),
    )


class RecordingBackend:
    def __init__(self, inner: Backend, path: str | Path):
        self.inner = inner
        self.name = getattr(inner, "name", "backend")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def resolve(self, request: LLMRequest) -> LLMRequest:
        return resolved(self.inner, request)

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return collect(self.generate_iter(requests), len(requests))

    def generate_iter(self, requests: list[LLMRequest]) -> Iterator[tuple[int, LLMResponse]]:
        """Each reply is written as it arrives (a failing batch keeps what came back)."""
        for i, resp in stream(self.inner, requests):
            u = resp.usage
            record = {
                "key": requests[i].cache_key(),
                "request": request_to_dict(requests[i]),
                "texts": list(resp.texts),
                "usage": {
                    "prompt_tokens": u.prompt_tokens,
                    "completion_tokens": u.completion_tokens,
                    "cost_usd": u.cost_usd,
                },
                "model": resp.model,
                "cached": resp.cached,
            }
            line = json.dumps(record, ensure_ascii=False) + "\n"
            with self._lock, self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
            yield i, resp


def recorded_models(path: str | Path) -> list[str]:
    """The models a recording's requests named, in order of first appearance."""
    seen: list[str] = []
    try:
        with Path(path).open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    model = json.loads(line)["request"]["model"]
                except (ValueError, KeyError, TypeError):
                    continue
                if model and model not in seen:
                    seen.append(str(model))
    except OSError:
        return []
    return seen


class ReplayBackend(OneAtATime):
    """Serves recorded replies (marked `cached=True`, with the recorded usage)."""

    name = "replay"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise BackendError(f"no recording at {self.path}: record a run first")
        self._lock = threading.Lock()
        self._entries: dict[str, deque[dict[str, Any]]] = {}
        self._served: dict[str, int] = {}
        self.skipped_lines = 0
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                    key = entry["key"]
                except (ValueError, KeyError, TypeError):
                    self.skipped_lines += 1  # e.g. a line cut short by a crash
                    continue
                self._entries.setdefault(key, deque()).append(entry)
        models = recorded_models(self.path)
        self.recorded_model = models[0] if len(models) == 1 else ""  # who answered

    def __len__(self) -> int:
        return sum(len(q) for q in self._entries.values())

    def _one(self, request: LLMRequest) -> LLMResponse:
        key = request.cache_key()
        with self._lock:
            queue = self._entries.get(key)
            entry = queue.popleft() if queue else None
            served = self._served.get(key, 0)
            if entry is not None:
                self._served[key] = served + 1
        if entry is None:
            problem = request.tag("problem") or "(untagged)"
            why = (
                f"it was recorded {served} time(s) and is now asked once more"
                if served
                else "no recorded request has this prompt, model and sampling settings"
            )
            raise BackendError(
                f"replay of {self.path}: no recorded reply for a request of problem "
                f"'{problem}' (key {key[:12]}): {why}; this run can't be replayed exactly"
            )
        u = entry.get("usage") or {}
        return LLMResponse(
            texts=tuple(entry["texts"]),
            usage=Usage(
                int(u.get("prompt_tokens", 0)),
                int(u.get("completion_tokens", 0)),
                float(u.get("cost_usd", 0.0)),
            ),
            model=entry.get("model", request.model),
            cached=True,
            raw={"replayed": True},
        )
