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

from parcodegen.sandbox.live import descendants_of

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "reduction"


def descendants(pid: int) -> set[int]:
    return set(descendants_of(pid))


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
    # the CLI kills its whole process tree (pool workers and the sandboxed programs they
    # started in sessions of their own) before it exits: nothing may outlive it for long
    # (0.5 s: a killed process needs a moment to become a zombie on a loaded machine)
    settle = time.monotonic() + 0.5
    while time.monotonic() < settle and [p for p in seen if alive(p)]:
        time.sleep(0.05)
    assert [p for p in seen if alive(p)] == []
    assert in_groups(groups) == []


POOL_SCRIPT = """
import os, sys, time
from parcodegen.agent.executors import LocalExecutor
from parcodegen.sandbox import live

def sleep_sandboxed():
    from parcodegen.sandbox.run import Limits, Workdir, run
    with Workdir("pooltest") as wd:
        run(["/bin/sleep", "60"], wd, Limits(wall_s=90))

if __name__ == "__main__":
    live.install_interrupt_cleanup()
    try:
        with LocalExecutor(2) as ex:
            futures = [ex.submit_check(sleep_sandboxed) for _ in range(2)]
            print("submitted", flush=True)
            for f in futures:
                f.result()
    except KeyboardInterrupt as exc:
        live.finish()
        sys.exit(exc.exit_code)
"""


def test_a_pool_workers_sandboxed_programs_die_with_the_parent(tmp_path):
    """The class behind a leftover once seen after `synth`: a pool worker's sandboxed
    program runs in a session of its own that only the worker knows; killing the worker
    alone left it running until its wall limit."""
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PARCODEGEN_CACHE_DIR=str(tmp_path / "c"))
    parent = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)  # fmt: skip
    sleepers: set[int] = set()
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(sleepers) < 2 and parent.poll() is None:
            now = descendants(parent.pid)
            seen |= now
            for p in now:
                try:
                    with open(f"/proc/{p}/cmdline", "rb") as fh:
                        if fh.read().startswith(b"/bin/sleep\0"):
                            sleepers.add(p)
                except OSError:
                    pass
            time.sleep(0.02)
        assert len(sleepers) == 2, "the pool did not start both sandboxed programs"
        seen |= descendants(parent.pid)
        parent.send_signal(signal.SIGTERM)
        code = parent.wait(timeout=60)
    finally:
        if parent.poll() is None:
            parent.kill()
    assert code == 128 + signal.SIGTERM, parent.stderr.read().decode(errors="replace")[-2000:]
    settle = time.monotonic() + 0.5
    while time.monotonic() < settle and [p for p in seen if alive(p)]:
        time.sleep(0.05)
    assert [p for p in seen if alive(p)] == []
    assert [p for p in sleepers if alive(p)] == []
