"""Says which requests are being waited for, and for how long, while a reply is awaited.

`WaitWatch(say, every_s)`: `start(label, attempt, timeout)` before an HTTP request and
`stop(token)` after it; one daemon thread (started on first use) prints, every `every_s`
seconds of a request's wait, a line such as
`request 3 (vector/saxpy#0, turn 1): waiting 30 s for the reply (attempt 2, timeout 300 s)`.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Wait:
    label: str
    attempt: int
    timeout: float
    start: float
    next_report: float


class WaitWatch:
    def __init__(self, say: Callable[[str], None], every_s: float = 15.0):
        self.say, self.every_s = say, every_s
        self._lock = threading.Lock()
        self._waits: dict[int, _Wait] = {}
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def start(self, label: str, attempt: int, timeout: float) -> int:
        now = time.monotonic()
        token = next(self._ids)
        with self._lock:
            self._waits[token] = _Wait(label, attempt, timeout, now, now + self.every_s)
            if self._thread is None and self.every_s > 0:
                self._thread = threading.Thread(target=self._run, name="wait-watch", daemon=True)
                self._thread.start()
        return token

    def stop(self, token: int) -> None:
        with self._lock:
            self._waits.pop(token, None)

    def close(self) -> None:
        self._closed.set()

    def _run(self) -> None:
        tick = min(1.0, self.every_s / 4)
        while not self._closed.wait(tick):
            now = time.monotonic()
            due = []
            with self._lock:
                for w in self._waits.values():
                    if now >= w.next_report:
                        w.next_report += self.every_s
                        due.append((w, now - w.start))
            for w, waited in due:
                again = f"attempt {w.attempt + 1}, " if w.attempt else ""
                self.say(
                    f"{w.label}: waiting {waited:.0f} s for the reply ({again}timeout "
                    f"{w.timeout:.0f} s)"
                )
