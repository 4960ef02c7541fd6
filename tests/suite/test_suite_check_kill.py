"""`suite check --jobs 2` killed with SIGKILL while its process pool works: the pool's
workers must end on their own (each watches the process that started it), not run on
checking a suite nobody reads, nor wait forever for work when idle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _children(pid: int) -> dict[int, str]:
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


def test_pool_workers_end_when_suite_check_is_killed():
    argv = [sys.executable, "-m", "parcodegen.cli.main", "suite", "check", "--category",
            "transform", "--no-timing", "--jobs", "2"]  # fmt: skip
    proc = subprocess.Popen(argv, env={**os.environ, "PYTHONPATH": str(SRC)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        workers: dict[int, str] = {}
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            workers = {p: c for p, c in _children(proc.pid).items() if "spawn_main" in c}
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        assert len(workers) >= 2, "the check pool never started"
        time.sleep(1.0)  # the workers are checking now
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
            time.sleep(0.2)
        left = [w for w in workers if Path(f"/proc/{w}").exists()]
        for w in left:  # do not leave them behind, then fail
            os.kill(w, signal.SIGKILL)
        assert not left, f"pool workers outlived the killed suite check: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
