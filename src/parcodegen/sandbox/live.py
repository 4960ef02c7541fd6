"""No process left behind: the sandbox's live process groups, killed on an interrupt.

Every sandboxed program runs in its own session (so a terminal's Ctrl-C does not reach
it, and a killed parent would leave it running). `run` registers each launched group
here; `install_interrupt_cleanup()` (called by the CLI) makes SIGINT, SIGTERM and SIGHUP
kill every registered group (and, as root, every process of its sandbox uid) and every
descendant of this process, refuse new launches, and then raise `Interrupted` in the
main thread so the normal unwinding (stores, reports) runs.

Descendants, not only direct children: a process-pool worker launches sandboxed programs
in sessions of their own that only the worker's registry knows, and killing the worker
alone left them running (until their wall limit) with init as their parent. So the
whole tree is read from /proc first and then killed, process groups of its members
included; this process first becomes a child subreaper, so whatever is orphaned while
the tree dies is re-parented here and found by the next sweep, until none is left.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
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


def _parents() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every live process (zombies left out)."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[0] not in ("Z", "X"):
            out[int(entry)] = (int(fields[1]), int(fields[2]))
    return out


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    return [p for p, (parent, _) in _parents().items() if parent == pid]


def descendants_of(pid: int) -> dict[int, int]:
    """Every live process below `pid` (children, their children, ...) -> its process group."""
    table = _parents()
    kids: dict[int, list[int]] = {}
    for p, (parent, _) in table.items():
        kids.setdefault(parent, []).append(p)
    out: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child in kids.get(todo.pop(), ()):
            if child not in out:
                out[child] = table[child][1]
                todo.append(child)
    return out


PR_SET_CHILD_SUBREAPER = 36
SWEEP_ROUNDS = 50  # sweeps of the process tree, 20 ms apart, until it is empty


def _become_subreaper() -> None:
    """Orphans of our descendants come to us (Linux; elsewhere nothing happens)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _signal(pid: int, group: bool) -> int:
    try:
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)
        return 1
    except (ProcessLookupError, PermissionError):
        return 0


def kill_tree() -> int:
    """SIGKILL every descendant of this process and the process groups they lead, sweep
    after sweep until none is alive (a process orphaned meanwhile comes back to us as
    the subreaper). Our own process group is never signalled (it holds our parent's)."""
    _become_subreaper()
    me, own_group = os.getpid(), os.getpgrp()
    killed = 0
    for _ in range(SWEEP_ROUNDS):
        tree = descendants_of(me)
        if not tree:
            break
        for leader in {g for p, g in tree.items() if g == p and g != own_group}:
            killed += _signal(leader, group=True)
        for p in tree:
            killed += _signal(p, group=False)
        time.sleep(0.02)
    return killed


def kill_all() -> int:
    """SIGKILL every registered group, its sandbox uid, and every descendant of ours."""
    from parcodegen.sandbox.run import kill_uid

    with _lock:
        groups = list(_groups.items())
    killed = 0
    for pgid, uid in groups:
        killed += _signal(pgid, group=True)
        if uid is not None:
            try:
                killed += kill_uid(uid)
            except Exception:  # noqa: BLE001 - best effort while dying
                pass
    return killed + kill_tree()


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
