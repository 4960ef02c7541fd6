"""Retry timing (exponential backoff with jitter, the server's Retry-After honoured) and a
circuit breaker that stops sending after a run of identical failures."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from parcodegen.errors import BackendError


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a failed call again.

    Attempt k (0-based) waits `base_s * 2**k`, capped at `max_s`, stretched by a random
    factor in [1, 1 + jitter] so concurrent clients do not retry in lockstep. A server's
    Retry-After (on any status) replaces the computed wait when longer; the backend gives
    up rather than wait longer than `max_retry_after_s`.
    """

    max_retries: int = 3
    base_s: float = 0.5
    max_s: float = 30.0
    jitter: float = 0.25
    max_retry_after_s: float = 600.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = min(self.max_s, self.base_s * (2**attempt))
        wait *= 1.0 + random.uniform(0.0, self.jitter)
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(retry_after, self.max_retry_after_s))
        return wait


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date), if any."""
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class CircuitBreaker:
    """Stops a backend after `threshold` identical failures in a row (any success resets).

    A persistent fault (a 500 on every request, an exhausted quota, a stalled server)
    would otherwise cost every request its full retries. The failures are counted over
    all requests of the backend, so concurrent requests failing the same way open it
    quickly; `threshold` 0 switches it off. Once open, every request is refused with a
    message saying what repeated.
    """

    def __init__(self, threshold: int = 6):
        self.threshold = threshold
        self._lock = threading.Lock()
        self._kind = ""
        self._count = 0
        self._last = ""
        self.open_message = ""

    def check(self) -> None:
        with self._lock:
            message = self.open_message
        if message:
            raise BackendError(message)

    def success(self) -> None:
        with self._lock:
            self._kind, self._count = "", 0

    def failure(self, kind: str, detail: str, where: str) -> None:
        """Count one failure of `kind` (e.g. 'HTTP 500', 'timeout'); may open the breaker."""
        if self.threshold <= 0:
            return
        with self._lock:
            self._count = self._count + 1 if kind == self._kind else 1
            self._kind, self._last = kind, detail
            if self._count >= self.threshold and not self.open_message:
                self.open_message = (
                    f"circuit breaker: {where} failed the same way {self._count} times in a "
                    f"row ({detail}); no further requests are sent. Fix the endpoint (or "
                    "raise --breaker-after), then re-run the same command to resume"
                )
