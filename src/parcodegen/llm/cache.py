"""An on-disk response cache in front of any backend (SQLite, safe under threads).

Keyed by `LLMRequest.cache_key()` of the request as the inner backend will send it
(default model filled in) and the endpoint it goes to (`identity()["base_url"]` of the
inner backend, when it has one: another server under the same model name may answer
differently), never by API key. A hit comes back with `cached=True` and zero usage
(nothing was spent; the original usage is in `raw`). Only successful responses are
stored. Identical requests in one batch are sent once. With `refresh` (a `--fresh`
run) nothing is read from the cache, but every new reply is written to it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from parcodegen.llm.base import Backend, LLMRequest, LLMResponse, Usage, collect, resolved, stream

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    texts TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    created REAL NOT NULL
)
"""


class CachedBackend:
    FILE_NAME = "llm_cache.sqlite"

    def __init__(self, inner: Backend, directory: str | Path, *, refresh: bool = False):
        self.inner = inner
        self.refresh = refresh
        identity = getattr(inner, "identity", None)
        self._endpoint = str(identity().get("base_url", "")) if callable(identity) else ""
        self.name = f"cached-{getattr(inner, 'name', 'backend')}"
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / self.FILE_NAME
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(SCHEMA)
        self.hits = 0
        self.misses = 0

    def resolve(self, request: LLMRequest) -> LLMRequest:
        return resolved(self.inner, request)

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return collect(self.generate_iter(requests), len(requests))

    def generate_iter(self, requests: list[LLMRequest]) -> Iterator[tuple[int, LLMResponse]]:
        """Hits first, then each miss as the inner backend answers it (stored at once)."""
        keys = [self._key(r) for r in requests]
        todo: dict[str, list[int]] = {}  # key -> indices asking it, first one is sent
        hits: list[tuple[int, LLMResponse]] = []
        for i, key in enumerate(keys):
            if key in todo:
                todo[key].append(i)
                continue
            got = None if self.refresh else self.get(key)
            if got is None:
                todo[key] = [i]
            else:
                hits.append((i, got))
        with self._lock:
            self.hits += len(hits)
            self.misses += len(todo)
        yield from hits
        order = list(todo)
        for j, response in stream(self.inner, [requests[todo[k][0]] for k in order]):
            key = order[j]
            self.put(key, response)
            first, *again = todo[key]
            yield first, response
            for i in again:
                yield i, _as_hit(response)

    def _key(self, request: LLMRequest) -> str:
        key = self.resolve(request).cache_key()
        if not self._endpoint:
            return key
        return hashlib.sha256(f"{self._endpoint}\n{key}".encode()).hexdigest()

    # ------------------------------------------------------------------ storage
    def get(self, key: str) -> LLMResponse | None:
        with self._lock:
            row = self._db.execute(
                "SELECT texts, model, prompt_tokens, completion_tokens, cost_usd "
                "FROM responses WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        texts, model, pt, ct, cost = row
        original = {"prompt_tokens": pt, "completion_tokens": ct, "cost_usd": cost}
        return LLMResponse(
            texts=tuple(json.loads(texts)),
            usage=Usage(),
            model=model,
            cached=True,
            raw={"original_usage": original},
        )

    def put(self, key: str, response: LLMResponse) -> None:
        u = response.usage
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    json.dumps(list(response.texts)),
                    response.model,
                    u.prompt_tokens,
                    u.completion_tokens,
                    u.cost_usd,
                    time.time(),
                ),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _as_hit(response: LLMResponse) -> LLMResponse:
    u = response.usage
    original = {
        "prompt_tokens": u.prompt_tokens,
        "completion_tokens": u.completion_tokens,
        "cost_usd": u.cost_usd,
    }
    return LLMResponse(
        texts=response.texts, model=response.model, cached=True, raw={"original_usage": original}
    )
