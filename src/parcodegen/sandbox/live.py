"""No process left behind: the sandbox's live process groups, killed on an interrupt.

Every sandboxed program runs in its own session (so a terminal's Ctrl-C does not reach
it, and a killed parent would leave it running). `run` registers each launched group
here; `install_interrupt_cleanup()` (called by the CLI) makes SIGINT, SIGTERM and SIGHUP
kill every registered group (and, as root, every process of its sandbox uid) and every
direct child of this process, refuse new launches, and then raise `Interrupted` in the
main thread so the normal unwinding (stores, reports) runs.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

_lock = threading.Lock()
_groups: dict[int, int | None] = {}  # process group id -> sandbox uid (None: not root)
_closing = threading.Event()
HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread on SIGINT/SIGTERM/SIGHUP (and by launches after one)."""

    def __init__(self, signum: int = signal.SIGINT):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def add(pgid: int, uid: int | None) -> None:
    with _lock:
        _groups[pgid] = uid


def discard(pgid: int) -> None:
    with _lock:
        _groups.pop(pgid, None)


def check_open() -> None:
    """Raise Interrupted when an interrupt is being handled: launch nothing new."""
    if _closing.is_set():
        raise Interrupted()


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            out.append(int(entry))
    return out


def kill_all() -> int:
    """SIGKILL every registered group, its sandbox uid, and our direct children."""
    from parcodegen.sandbox.run import kill_uid

    with _lock:
        groups = list(_groups.items())
    killed = 0
    for pgid, uid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
        if uid is not None:
            try:
                killed += kill_uid(uid)
            except Exception:  # noqa: BLE001 - best effort while dying
                pass
    for pid in children_of(os.getpid()):
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
    return killed


def _handler(signum: int, frame: FrameType | None) -> None:
    _closing.set()
    kill_all()
    raise Interrupted(signum)


def install_interrupt_cleanup() -> Callable[[], None]:
    """Install the handlers (main thread only); returns a function restoring the old ones."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {s: signal.signal(s, _handler) for s in HANDLED}

    def restore() -> None:
        for s, h in old.items():
            signal.signal(s, h)

    return restore


def finish() -> None:
    """At exit after an interrupt: stop launches and sweep whatever a worker started late."""
    _closing.set()
    kill_all()
