"""`bench run` killed with SIGKILL in the middle of a round, against the real HTTP fake server.

The round's last reply hangs; the replies that arrived are checked meanwhile. What must
hold: each attempt is stored the moment its check returns (the live count shows it before
the round ends), the kill loses none of them, the listing shows the killed run
`interrupted` (not `running`), and the re-run resumes it: only the missing reply is asked
for and only its attempt is checked.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bench_replies import replies_for
from process_tree import children, kill_and_check_workers

from parcodegen.llm.fake_server import FakeServer
from parcodegen.problems.suite import suite_dir as builtin_root

PROBLEMS = ["scan/prefix_sum", "reduce/count_primes", "sparse_la/spmv"]
SRC = Path(__file__).resolve().parents[2] / "src"
HUNG = (PROBLEMS[2], 1)  # the round's last request: held until released


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "parcodegen.cli.main", *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC), "PARCODEGEN_API_KEY": "k"}


def start_until(argv: list[str], marker: str, pause: float):
    """Start the CLI, read its stderr in a thread, and return once a line holds `marker`
    (or it exited, or 300 s passed): (process, lines so far, reader thread)."""
    proc = subprocess.Popen(argv, env=env(), stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if any(marker in ln for ln in lines):
            break
        time.sleep(pause)
    return proc, lines, reader


def stored(db: Path) -> list[tuple[str, int, str]]:
    if not db.exists():
        return []
    with sqlite3.connect(str(db)) as conn:
        rows = conn.execute("SELECT episode, turn, status FROM attempts ORDER BY episode")
        return [tuple(r) for r in rows.fetchall()]


def kill_and_reap(proc: subprocess.Popen) -> None:
    """SIGKILL `proc`; its pool workers must end on their own (they watch their parent)."""
    workers = set(children(proc.pid))
    assert workers  # the check pool was started
    kill_and_check_workers(proc, workers, "run")


def listed(run_dir: Path) -> dict:
    out = subprocess.run(cli("bench", "list", "--json", "--run-dir", str(run_dir)), env=env(),
                         capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    (row,) = json.loads(out.stdout)
    return row


def test_killed_mid_round_keeps_checked_attempts_reads_interrupted_and_resumes(tmp_path):
    texts = {pid: replies_for(builtin_root() / pid)[0] for pid in PROBLEMS}
    functions = {pid: pid.split("/")[1] for pid in PROBLEMS}
    release = threading.Event()

    def reply(body: dict) -> str:  # sample 0: the expert's code; sample 1: a compile error
        prompt = "\n".join(str(m["content"]) for m in body["messages"])
        pid = next(p for p, f in functions.items() if f"{f}(" in prompt)
        sample = int(body["seed"]) // 1000
        if (pid, sample) == HUNG:
            release.wait(300)
        return texts[pid][[0, 3][sample]]

    run_dir = tmp_path / "runs"
    db = run_dir / "runs.sqlite"
    with FakeServer(reply_fn=reply) as server:
        argv = cli("bench", "run", "--backend", "openai", "--model", "fake-model", "--base-url",
                   server.url, "--no-cache", "--problems", ",".join(PROBLEMS), "--samples", "2",
                   "--no-timing", "--no-race", "--workers", "2", "--run-dir", str(run_dir))  # fmt: skip
        first, lines, reader = start_until(argv, "[attempts stored 5/6]", 0.2)
        err = "".join(lines)
        assert "[attempts stored 5/6]" in err, err  # live, while the round's last reply hangs
        assert first.poll() is None and len(server.chat_requests()) == 6
        # the count said is the count stored: all five arrived replies, checked
        assert len(stored(db)) == 5
        assert sorted(s for _, _, s in stored(db)) == ["compile_error"] * 2 + ["pass"] * 3
        assert listed(run_dir)["state"] == "running"  # its process lives
        kill_and_reap(first)
        reader.join(10)
        row = listed(run_dir)
        assert (row["state"], row["attempts"]) == ("interrupted", 5)
        assert f"pid {first.pid}" in row["stop_reason"]

        release.set()
        sent = len(server.chat_requests())
        second = subprocess.run(argv, env=env(), capture_output=True, text=True, timeout=600,
                                check=False)  # fmt: skip
        asked = len(server.chat_requests()) - sent
    assert second.returncode == 0, second.stderr
    assert "resumed, 5 attempts stored" in second.stderr
    assert re.search(r"this execution: 1 request\(s\) sent to the model, 1 attempt\(s\) checked",
                     second.stderr), second.stderr  # fmt: skip
    assert asked == 1
    rows = stored(db)
    assert len(rows) == 6 and len({(e, t) for e, t, _ in rows}) == 6
    assert listed(run_dir)["state"] == "finished"


@pytest.mark.slow  # about a minute: two timed runs
def test_killed_while_timing_resumes_without_checking_again(tmp_path):
    """Checks passed, timings pending: the kill keeps the passed checks (`checks` table) and
    the re-run only times them: no check runs again."""
    from bench_replies import small_suite

    pid = "reduce/count_primes"
    suite = small_suite([pid], tmp_path / "suite", bench=2_000_000)
    expert = (suite / pid / "solutions" / "expert.cpp").read_text()

    def reply(body: dict) -> str:  # three distinct candidates, each correct
        return f"```cpp\n{expert}\n// sample {int(body['seed']) // 1000}\n```\n"

    run_dir = tmp_path / "runs"
    db = run_dir / "runs.sqlite"
    with FakeServer(reply_fn=reply) as server:
        argv = cli("bench", "run", "--backend", "openai", "--model", "fake-model", "--base-url",
                   server.url, "--no-cache", "--suite", str(suite), "--problems", pid,
                   "--samples", "3", "--no-race", "--timing-reps", "2", "--workers", "2",
                   "--run-dir", str(run_dir))  # fmt: skip
        first, lines, reader = start_until(argv, "checks 3/3", 0.05)
        assert any("checks 3/3" in ln for ln in lines), "".join(lines)
        kill_and_reap(first)
        reader.join(10)
        with sqlite3.connect(str(db)) as conn:
            checks = conn.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
        assert checks == 3
        assert len(stored(db)) < 3  # the kill came while timing
        second = subprocess.run(argv, env=env(), capture_output=True, text=True, timeout=900,
                                check=False)  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "checks " not in second.stderr  # no check ran again (progress says each one)
    assert "timings " in second.stderr
    rows = stored(db)
    assert len(rows) == 3 and {s for _, _, s in rows} == {"pass"}
    with sqlite3.connect(str(db)) as conn:
        speedups = [r[0] for r in conn.execute("SELECT speedup FROM attempts")]
    assert all(s is not None for s in speedups)
