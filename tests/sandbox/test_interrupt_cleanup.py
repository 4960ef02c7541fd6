"""SIGINT or SIGTERM to `verify`, `optimize`, `bench` or `synth` leaves no process behind.

Real CLI processes: each is started on real work (a candidate that hangs at the
benchmark size, the built-in optimizer on an example, a one-problem campaign), signalled
once a sandboxed program of it runs, and then every process it had started, sandboxed
programs in their own sessions included, must be gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parcodegen.sandbox.live import children_of

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "reduction"


def descendants(pid: int) -> set[int]:
    out, todo = set(), [pid]
    while todo:
        for child in children_of(todo.pop()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def pgid(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return -1


def in_groups(groups: set[int]) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) in groups and fields[0] not in ("Z", "X"):
                found.append(int(entry))
    return found


def commands(tmp: Path) -> dict[str, list[str]]:
    runs = ["--run-dir", str(tmp / "runs")]
    campaign = ["--suite", str(EX), "--backend", "autopar", "--no-race", *runs]
    return {
        "verify": ["verify", str(EX), str(EX / "candidates" / "bad_hang.cpp"), "--no-race"],
        "optimize": ["optimize", str(EX), "--no-race", "-o", str(tmp / "o.cpp"), *runs],
        "bench": ["bench", "run", *campaign],
        "synth": ["synth", *campaign, "--out", str(tmp / "synth")],
    }


@pytest.mark.parametrize(
    "command,signum",
    [("verify", signal.SIGINT), ("verify", signal.SIGTERM), ("optimize", signal.SIGTERM),
     ("bench", signal.SIGINT), ("synth", signal.SIGTERM)],
)  # fmt: skip
def test_an_interrupt_leaves_no_process_behind(tmp_path, command, signum):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PARCODEGEN_CACHE_DIR=str(tmp_path / "c"))
    argv = [sys.executable, "-m", "parcodegen.cli.main", *commands(tmp_path)[command]]
    cli = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: set[int] = set()
    groups: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and cli.poll() is None:
            now = descendants(cli.pid)
            seen |= now
            # a program in a session of its own: what a dying parent used to leave behind
            sandboxed = [p for p in now if alive(p) and pgid(p) == p]
            if sandboxed:
                groups |= set(sandboxed)
                break
            time.sleep(0.02)
        assert cli.poll() is None, f"{command} ended before a sandboxed program ran"
        assert groups, f"{command} started no sandboxed program within 120 s"
        time.sleep(0.2)
        seen |= descendants(cli.pid)
        cli.send_signal(signum)
        code = cli.wait(timeout=60)
    finally:
        if cli.poll() is None:
            cli.kill()
    stderr = cli.stderr.read().decode(errors="replace")
    assert code == 128 + signum, stderr[-2000:]
    assert "interrupted" in stderr
    # pool workers exit on their own once their parent is gone: allow them a few seconds
    # (a process that is really left behind is still alive at the end of this wait)
    settle = time.monotonic() + 10
    while time.monotonic() < settle and [p for p in seen if alive(p)]:
        time.sleep(0.1)
    assert [p for p in seen if alive(p)] == []
    assert in_groups(groups) == []
