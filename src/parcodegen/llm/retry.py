"""Retry timing: exponential backoff with jitter, and the server's Retry-After honoured."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a failed call again.

    Attempt k (0-based) waits `base_s * 2**k`, capped at `max_s`, stretched by a random
    factor in [1, 1 + jitter] so concurrent clients do not retry in lockstep. A server's
    Retry-After (capped at `max_retry_after_s`) replaces the computed wait when longer.
    """

    max_retries: int = 4
    base_s: float = 0.5
    max_s: float = 30.0
    jitter: float = 0.25
    max_retry_after_s: float = 120.0

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
