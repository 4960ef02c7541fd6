"""`parcodegen optimize` end to end through the real fake HTTP server (OpenAI protocol)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from agent_snippets import VSCALE, VSCALE_COMPILE_ERROR, VSCALE_GOOD, fenced

from parcodegen.cli.main import main
from parcodegen.llm.fake_server import FakeServer


@pytest.fixture()
def env(monkeypatch):
    monkeypatch.setenv("PARCODEGEN_API_KEY", "test-key")
    monkeypatch.delenv("PARCODEGEN_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def optimize(server, tmp_path, *extra):
    argv = ["optimize", *extra, "--base-url", server.url, "--model", "fake-model",
            "--run-dir", str(tmp_path / "runs"), "--no-timing"]  # fmt: skip
    return main(argv)


def test_problem_dir_compile_error_then_fix(env, tmp_path, capsys):
    with FakeServer(replies=[VSCALE_COMPILE_ERROR, VSCALE_GOOD]) as server:
        out = tmp_path / "out.cpp"
        code = optimize(server, tmp_path, str(VSCALE), "--json", "-o", str(out))
        bodies = [r.body for r in server.chat_requests()]
    report = json.loads(capsys.readouterr().out)
    assert code == 1  # timing off: verified, but no speedup can be claimed
    assert report["attempts"] == 2 and report["calls_sent"] == 2 and not report["improved"]
    assert "timing off" in report["explanation"]
    assert out.read_text() == (VSCALE / "reference.cpp").read_text()
    assert "does not compile" in bodies[1]["messages"][-1]["content"]
    db = sqlite3.connect(report["store"])
    rows = db.execute("SELECT turn, status FROM attempts ORDER BY turn").fetchall()
    assert rows == [(0, "compile_error"), (1, "pass")]
    manifest = json.loads(db.execute("SELECT manifest FROM runs").fetchone()[0])
    assert manifest["config"]["backend"]["name"] == "openai"
    assert manifest["config"]["loop"]["strategy"] == "parallel"
    # the same command again (same endpoint): replayed from the store, nothing sent
    with FakeServer(replies=[], port=server.port) as server:
        assert optimize(server, tmp_path, str(VSCALE), "--json", "-o", str(out)) == 1
        assert server.chat_requests() == []
    again = json.loads(capsys.readouterr().out)
    assert (
        again["calls_sent"] == 0 and again["attempts"] == 2 and again["run_id"] == report["run_id"]
    )
    assert report["run"] == "new" and again["run"] == "resumed"


def test_model_replies_are_cached_so_a_new_run_costs_nothing(env, tmp_path, capsys):
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        assert optimize(server, tmp_path, str(VSCALE), "--json") == 1
        assert len(server.chat_requests()) == 1
    capsys.readouterr()
    # a different run (another run dir: nothing to resume) asks the same endpoint the same
    with FakeServer(replies=[], port=server.port) as server:
        argv = ["optimize", str(VSCALE), "--json", "--base-url", server.url, "--model", "fake-model",
                "--run-dir", str(tmp_path / "other-runs"), "--no-timing"]  # fmt: skip
        assert main(argv) == 1
        assert server.chat_requests() == []  # answered from the response cache
        fresh = [*argv[:-2], str(tmp_path / "third-runs"), "--no-timing", "--no-cache"]
        main(fresh)
        assert len(server.chat_requests()) >= 1  # with --no-cache the server is asked again
    capsys.readouterr()


def test_plain_file_is_derived_and_assumptions_printed(env, tmp_path, capsys):
    src = tmp_path / "scale.cpp"
    src.write_text("#include <cstddef>\nvoid scale(double* y, const double* x, double a, std::size_t n) {\n"
                   "    for (std::size_t i = 0; i < n; ++i) y[i] = a * x[i];\n}\n")  # fmt: skip
    good = fenced("#include <cstddef>\nvoid scale(double* y, const double* x, double a, std::size_t n) {\n"
                  "    #pragma omp parallel for\n    for (long i = 0; i < (long)n; ++i) y[i] = a * x[i];\n}\n")  # fmt: skip
    with FakeServer(replies=[good]) as server:
        code = optimize(server, tmp_path, str(src), "--function", "scale", "--no-race")
        prompt = server.chat_requests()[0].body["messages"][-1]["content"]
    captured = capsys.readouterr()
    assert code == 1
    assert "assumed" in captured.err and "length of the arrays" in captured.err
    assert "verdict: original kept" in captured.out and "run record:" in captured.out
    assert "for (std::size_t i = 0; i < n; ++i)" in prompt


def test_unknown_strategy_suggests_the_close_name(env, tmp_path, capsys):
    assert main(["optimize", str(VSCALE), "--strategy", "paralel", "--run-dir", str(tmp_path)]) == 2
    assert "did you mean 'parallel'" in capsys.readouterr().err


def test_default_backend_without_an_llm(env, tmp_path, monkeypatch):
    from parcodegen.llm.registry import BackendSettings, resolve_backend

    monkeypatch.delenv("PARCODEGEN_BASE_URL", raising=False)
    assert resolve_backend(None, BackendSettings()).name == "autopar"
    with_url = BackendSettings(model="m", base_url="http://127.0.0.1:9/v1")
    assert resolve_backend(None, with_url).name == "openai"


def test_resume_after_kill_loses_and_duplicates_nothing(tmp_path):
    """Kill the CLI mid-run (SIGKILL), re-run it: every attempt stored exactly once."""
    release = threading.Event()
    count = {"n": 0}
    lock = threading.Lock()

    def reply(body):
        with lock:
            count["n"] += 1
            n = count["n"]
        if n > 3 and not release.is_set():  # round two of the first execution hangs
            release.wait(60)
        return VSCALE_COMPILE_ERROR

    runs = tmp_path / "runs"
    env = {**os.environ, "PARCODEGEN_API_KEY": "k"}
    with FakeServer(reply_fn=reply) as server:
        argv = [sys.executable, "-m", "parcodegen.cli.main", "optimize", str(VSCALE),
                "--base-url", server.url, "--model", "fake-model", "--samples", "3",
                "--max-iters", "3", "--no-timing", "--no-race", "--run-dir", str(runs)]  # fmt: skip
        first = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 120
        while len(server.chat_requests()) < 4 and time.time() < deadline:
            time.sleep(0.1)
        assert len(server.chat_requests()) >= 4, (
            first.stderr.read().decode() if first.poll() else ""
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        db = sqlite3.connect(str(runs / "runs.sqlite"))
        before_calls = db.execute("SELECT COUNT(*) FROM calls").fetchone()[0]
        before_attempts = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
        assert (before_calls, before_attempts) == (3, 3)  # round one, stored before the kill
        release.set()
        sent_before = len(server.chat_requests())
        second = subprocess.run(
            argv, check=False, env=env, capture_output=True, text=True, timeout=300
        )
        sent_after = len(server.chat_requests()) - sent_before
    assert second.returncode == 1, second.stderr
    assert "resuming run" in second.stderr and "3 attempt(s) already stored" in second.stderr
    rows = db.execute("SELECT episode, turn FROM attempts ORDER BY episode, turn").fetchall()
    assert len(rows) == 9 and len(set(rows)) == 9
    assert sorted({t for _, t in rows}) == [0, 1, 2]
    assert db.execute("SELECT COUNT(*) FROM calls").fetchone()[0] == 9
    assert sent_after == 6  # only what was missing was re-issued
