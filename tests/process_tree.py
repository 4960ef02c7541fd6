"""Test helpers for killing a CLI process and checking what it left: its direct children
and the pool workers that must end on their own once their parent is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


def children(pid: int) -> dict[int, str]:
    """Direct children of `pid`: {pid: command line}."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out[int(stat.parent.name)] = cmd
    return out


def kill_and_check_workers(proc: subprocess.Popen, workers: set[int], what: str) -> None:
    """SIGKILL `proc`; `workers` must end on their own within 15 s (they watch their
    parent). Any left are killed before the assertion fails."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.2)
    left = [w for w in workers if Path(f"/proc/{w}").exists()]
    for w in left:  # do not leave them behind, then fail
        os.kill(w, signal.SIGKILL)
    assert not left, f"pool workers outlived the killed {what}: {left}"
