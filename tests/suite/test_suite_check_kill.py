"""`suite check --jobs 2` killed with SIGKILL while its process pool works: the pool's
workers must end on their own (each watches the process that started it), not run on
checking a suite nobody reads, nor wait forever for work when idle."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from process_tree import children, kill_and_check_workers

SRC = Path(__file__).resolve().parents[2] / "src"


def test_pool_workers_end_when_suite_check_is_killed():
    argv = [sys.executable, "-m", "parcodegen.cli.main", "suite", "check", "--category",
            "transform", "--no-timing", "--jobs", "2"]  # fmt: skip
    proc = subprocess.Popen(argv, env={**os.environ, "PYTHONPATH": str(SRC)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        workers: dict[int, str] = {}
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            workers = {p: c for p, c in children(proc.pid).items() if "spawn_main" in c}
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        assert len(workers) >= 2, "the check pool never started"
        time.sleep(1.0)  # the workers are checking now
        kill_and_check_workers(proc, set(workers), "suite check")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
