"""Which process is working on a run, and whether it still exists.

A run is marked `running` while an execution works on it (store/run_states.py). A process
killed with SIGKILL (or a machine that lost power) never gets to set the final state, so
the owner is recorded beside it: the host, the pid and the process's start (the kernel's
boot id and the process start time in clock ticks, from /proc). A reader on the same host
whose pid is gone, or now belongs to a process started at another time (a reused pid),
knows the run is no longer running and shows it `interrupted`. On another host the owner
cannot be checked from here: the run keeps its stored state.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def process_start(pid: int) -> str:
    """An identity of process `pid`'s start ("" when unknown or the process is gone):
    the boot id and the start time in clock ticks since boot (/proc/PID/stat field 22)."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return ""
    fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (comm) "
    if len(fields) < 20 or fields[0] in ("Z", "X"):  # a zombie has ended: only unreaped
        return ""
    return f"{_read('/proc/sys/kernel/random/boot_id')}:{fields[19]}"


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    start: str  # process_start(pid) when the run was claimed; "" when /proc is missing

    @classmethod
    def this_process(cls) -> Owner:
        return cls(socket.gethostname(), os.getpid(), process_start(os.getpid()))

    def gone(self) -> bool:
        """True when the owner is known to have ended: same host, and its pid is gone or
        belongs to another process. False when it lives or cannot be checked from here."""
        if self.host != socket.gethostname():
            return False
        if self.start:
            return process_start(self.pid) != self.start
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}"
