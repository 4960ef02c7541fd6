from __future__ import annotations

from email.utils import format_datetime
from datetime import UTC, datetime, timedelta

import pytest

from parcodegen.llm.retry import RetryPolicy, retry_after_seconds


def test_backoff_grows_is_capped_and_jittered():
    policy = RetryPolicy(base_s=0.5, max_s=3.0, jitter=0.25)
    for attempt, base in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 3.0), (8, 3.0)]:
        waits = [policy.delay(attempt) for _ in range(50)]
        assert all(base <= w <= base * 1.25 for w in waits)
    assert len({policy.delay(0) for _ in range(20)}) > 1  # not in lockstep


def test_retry_after_wins_when_longer_and_is_capped():
    policy = RetryPolicy(base_s=0.1, max_retry_after_s=10.0)
    assert policy.delay(0, retry_after=4.0) == 4.0
    assert policy.delay(0, retry_after=500.0) == 10.0
    assert policy.delay(0, retry_after=0.0) < 0.2


def test_retry_after_header_forms():
    assert retry_after_seconds({"retry-after": "7"}) == 7.0
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds({"retry-after": when}) == pytest.approx(30, abs=2)
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
