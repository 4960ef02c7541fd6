"""One timing at a time per machine, and saying who we wait for.

A process-wide lock (threads of this process) and a file lock (`flock`) shared by every
parcodegen process. The holder writes who it is (pid, command line, since when) into the
lock file; a process that has to wait reads it and says so on stderr (and to the
`notify` callback), then again every `REMIND_S` seconds while it keeps waiting.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from parcodegen.paths import cache_dir

REMIND_S = 30.0
POLL_S = 0.2
_process_lock = threading.Lock()
_holder_thread: str = ""


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class LockWait:
    waited_s: float
    holder: str  # who held it when we started waiting ("" when free)


def _describe(info: dict) -> str:
    since = float(info.get("since", 0.0))
    when = datetime.fromtimestamp(since, UTC).strftime("%H:%M:%S UTC") if since else "?"
    ago = f", {time.time() - since:.0f}s ago" if since else ""
    what = info.get("what") or "?"
    return f"pid {info.get('pid', '?')} ({what}) since {when}{ago}"


def holder_of(fd: int) -> str:
    """Who holds the lock, from the lock file's record ("unknown holder" if none)."""
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return _holder_from_kernel(fd)
    return _describe(info)


def _holder_from_kernel(fd: int) -> str:
    """The holder of an flock on `fd` from /proc/locks, when it wrote no record (an older
    parcodegen): its pid and command line, since when unknown."""
    try:
        inode = os.fstat(fd).st_ino
        with open("/proc/locks", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return "an unknown holder"
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].endswith(f":{inode}"):
            pid = parts[4]
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as c:
                    argv = [a.decode(errors="replace") for a in c.read().split(b"\0") if a]
            except OSError:
                argv = []
            what = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(argv))
            return f"pid {pid} ({what[:160] or '?'}; it did not record since when)"
    return "an unknown holder"


def _command_line() -> str:
    try:
        with open("/proc/self/cmdline", "rb") as fh:
            parts = [p.decode(errors="replace") for p in fh.read().split(b"\0") if p]
    except OSError:
        parts = sys.argv
    text = " ".join(os.path.basename(p) if i == 0 else p for i, p in enumerate(parts))
    return text[:160]


@contextmanager
def exclusive_timing(
    what: str = "", notify: Callable[[str], None] | None = _stderr
) -> Iterator[LockWait]:
    """Hold the machine-wide timing lock; yields how long we waited and for whom."""
    global _holder_thread
    start = time.monotonic()
    holder = ""
    if not _process_lock.acquire(blocking=False):
        holder = f"another thread of this process ({_holder_thread or '?'})"
        if notify:
            notify(f"waiting for the timing lock: held by {holder}")
        _process_lock.acquire()
    try:
        _holder_thread = threading.current_thread().name
        path = cache_dir() / "timing.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)  # never truncate: the holder's record
        try:
            holder = _acquire(fd, notify) or holder
            record = {"pid": os.getpid(), "what": what or _command_line(), "since": time.time()}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode(), 0)
            try:
                yield LockWait(time.monotonic() - start, holder)
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        _holder_thread = ""
        _process_lock.release()


def _acquire(fd: int, notify: Callable[[str], None] | None) -> str:
    """Take the file lock; returns the holder we waited for ("" when it was free)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return ""
    except BlockingIOError:
        pass
    holder = holder_of(fd)
    if notify:
        notify(f"waiting for the timing lock: held by {holder}")
    last = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return holder
        except BlockingIOError:
            time.sleep(POLL_S)
        if notify and time.monotonic() - last >= REMIND_S:
            last = time.monotonic()
            notify(f"still waiting for the timing lock: held by {holder_of(fd)}")
