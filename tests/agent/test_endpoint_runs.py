"""Issue #15 end to end through the CLI and the real fake HTTP server (faults included):
cost caps that stop, bounded waits, run identity and --fresh/--resume, the per-reply
length limit, checks before the first paid request, progress, run states."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time

import pytest
from agent_snippets import VSCALE, VSCALE_COMPILE_ERROR, VSCALE_GOOD

from parcodegen.cli.main import main
from parcodegen.llm.fake_server import FakeServer, cut_to_tokens


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("PARCODEGEN_API_KEY", "test-key")
    monkeypatch.setenv("PARCODEGEN_LLM_CACHE", str(tmp_path / "llm-cache"))
    monkeypatch.setenv("PARCODEGEN_PRICES", str(tmp_path / "prices.toml"))
    for name in ("PARCODEGEN_BASE_URL", "OPENAI_BASE_URL", "PARCODEGEN_MODEL"):
        monkeypatch.delenv(name, raising=False)


def optimize(url, tmp_path, *extra, problem=VSCALE):
    return main(["optimize", str(problem), "--base-url", url, "--model", "fake-model",
                 "--run-dir", str(tmp_path / "runs"), "--no-timing", "--no-race", *extra])  # fmt: skip


def states(tmp_path):
    db = sqlite3.connect(str(tmp_path / "runs" / "runs.sqlite"))
    return db.execute("SELECT run_id, state, stop_reason FROM runs ORDER BY rowid").fetchall()


def states_or_none(tmp_path):
    return states(tmp_path) if (tmp_path / "runs" / "runs.sqlite").exists() else []


# 1 ------------------------------------------------------------------ cost caps
def test_max_cost_stops_the_run_with_a_price_from_the_command_line(tmp_path, capsys):
    with FakeServer(reply_fn=lambda body: VSCALE_COMPILE_ERROR) as server:
        code = optimize(server.url, tmp_path, "--samples", "3", "--max-iters", "4",
                        "--max-cost", "0.000001", "--price-in", "1", "--price-out", "1", "--json")  # fmt: skip
        sent = len(server.chat_requests())
    report = json.loads(capsys.readouterr().out)
    assert sent == 0  # one worst-case reply (4096 tokens at $1/M) is already over the cap
    assert report["stop_reason"].startswith("budget: cost")
    assert report["state"] == "stopped-by-budget" and code == 1
    assert states(tmp_path)[0][1] == "stopped-by-budget"
    # a cap that fits two worst cases: the spend never passes it
    with FakeServer(reply_fn=lambda body: VSCALE_COMPILE_ERROR) as server:
        optimize(server.url, tmp_path, "--samples", "3", "--max-iters", "4", "--fresh",
                 "--max-cost", "0.0085", "--price-in", "1", "--price-out", "1", "--json")  # fmt: skip
        sent = len(server.chat_requests())
    report = json.loads(capsys.readouterr().out)
    assert 1 <= sent < 12 and report["cost_usd"] <= 0.0085
    assert report["stop_reason"].startswith("budget: cost")


def test_max_cost_with_an_unknown_price_refuses_to_start(tmp_path, capsys):
    with FakeServer() as server:
        code = optimize(server.url, tmp_path, "--max-cost", "1")
        assert server.chat_requests() == []
    err = capsys.readouterr().err
    assert code == 2 and "--price-in and --price-out" in err and "fake-model" in err
    assert states_or_none(tmp_path) == []


def test_prices_file_entry_is_used(tmp_path, capsys):
    (tmp_path / "prices.toml").write_text('["fake-model"]\ninput = 1000\noutput = 1000\n')
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        optimize(server.url, tmp_path, "--json", "--reply-tokens", "100")
    report = json.loads(capsys.readouterr().out)
    assert report["cost_usd"] > 0 and report["tokens"] > 0
    assert report["cost_usd"] == pytest.approx(report["tokens"] * 1000 / 1e6)


# 2 ------------------------------------------------------------------ time
def test_max_wall_stops_a_hung_reply_while_waiting(tmp_path, capsys):
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        server.fail_next("slow", seconds=150)
        start = time.monotonic()
        code = optimize(server.url, tmp_path, "--max-wall", "4", "--json")
        took = time.monotonic() - start
    report = json.loads(capsys.readouterr().out)
    assert took < 90, (
        took
    )  # the reference check (load-dependent) is part of it; the 150 s reply is not
    assert report["stop_reason"].startswith("budget: wall time") and code == 1
    assert report["state"] == "stopped-by-budget"


def test_request_timeout_and_retries_bound_a_stalled_endpoint(tmp_path, capsys):
    with FakeServer() as server:
        server.fail_next("slow", count=10, seconds=30)
        start = time.monotonic()
        code = optimize(server.url, tmp_path, "--request-timeout", "0.5", "--retries", "1")
        took = time.monotonic() - start
        sent = len(server.chat_requests())
    err = "".join(capsys.readouterr())
    assert code == 2 and took < 30
    assert "within 0.5 s" in err and "retry 1/1" in err
    assert sent <= 6  # 2 attempts per try, the loop's retries, then the breaker
    assert states(tmp_path)[0][1] == "failed"


def test_persistent_500_opens_the_circuit_breaker(tmp_path, capsys):
    with FakeServer() as server:
        server.fail_next("server_error", count=100)
        code = optimize(server.url, tmp_path, "--samples", "4", "--retries", "3",
                        "--breaker-after", "5")  # fmt: skip
        sent = len(server.chat_requests())
    err = "".join(capsys.readouterr())
    assert code == 2 and "circuit breaker" in err and "5 times in a row" in err
    assert sent <= 5 + 4  # at most one wave of concurrent requests beyond the threshold


def test_persistent_500_with_the_default_settings_stops_at_the_breaker(tmp_path, capsys):
    """No option given: the defaults alone bound what a persistent 500 costs (it was 15
    requests per sample)."""
    with FakeServer() as server:
        server.fail_next("server_error", count=200)
        code = optimize(server.url, tmp_path, "--samples", "4")
        sent = len(server.chat_requests())
    err = "".join(capsys.readouterr())
    assert code == 2 and "circuit breaker" in err
    assert sent <= 6 + 4  # the default breaker (6) and one wave of concurrent requests


def test_retry_after_on_503_and_a_cut_off_200_are_retried(tmp_path, capsys):
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        server.fail_next("unavailable", retry_after=1)
        server.fail_next("malformed")
        start = time.monotonic()
        code = optimize(server.url, tmp_path, "--json")
        took = time.monotonic() - start
        sent = len(server.chat_requests())
    out, err = capsys.readouterr()
    assert json.loads(out)["status"] == "pass" and code == 1 and sent == 3
    assert took >= 1.0 and "Retry-After" in err


# 3 ------------------------------------------------------------------ identity
def test_another_endpoint_is_another_run_and_fresh_asks_again(tmp_path, capsys):
    with FakeServer(replies=[VSCALE_COMPILE_ERROR]) as first:
        optimize(first.url, tmp_path, "--max-iters", "1", "--json")
    one = json.loads(capsys.readouterr().out)
    with FakeServer(replies=[VSCALE_GOOD]) as other:
        optimize(other.url, tmp_path, "--max-iters", "1", "--json", "--no-cache")
        assert len(other.chat_requests()) == 1  # the new endpoint is asked
    two = json.loads(capsys.readouterr().out)
    assert two["run_id"] != one["run_id"] and two["run"] == "new" and two["status"] == "pass"
    with FakeServer(replies=[VSCALE_GOOD], port=other.port) as same:
        optimize(same.url, tmp_path, "--max-iters", "1", "--json")
        assert same.chat_requests() == []  # same settings: resumed from the store
        three = json.loads(capsys.readouterr().out)
        optimize(same.url, tmp_path, "--max-iters", "1", "--json", "--fresh")
        assert len(same.chat_requests()) == 1  # fresh: a new run, the cache not read
        four = json.loads(capsys.readouterr().out)
        optimize(same.url, tmp_path, "--max-iters", "1", "--json", "--resume", two["run_id"])
        five = json.loads(capsys.readouterr().out)
        code = optimize(same.url, tmp_path, "--max-iters", "1", "--temperature", "0.9",
                        "--resume", two["run_id"])  # fmt: skip
        err = capsys.readouterr().err
    assert three["run"] == "resumed" and three["run_id"] == two["run_id"]
    assert four["run"] == "fresh" and four["run_id"] == f"{two['run_id']}-2"
    assert five["run"] == "resumed" and five["run_id"] == two["run_id"]
    assert code == 2 and "different: temperature" in err


def test_resume_an_unknown_run_and_fresh_with_resume_are_refused(tmp_path, capsys):
    with FakeServer() as server:
        assert optimize(server.url, tmp_path, "--resume", "nope") == 2
        assert "no run 'nope'" in capsys.readouterr().err
        assert optimize(server.url, tmp_path, "--resume", "nope", "--fresh") == 2
        assert "give one of them" in capsys.readouterr().err
        assert server.chat_requests() == []


# 4 ------------------------------------------------------------------ reply length
def test_reply_limit_is_sent_and_a_cut_off_reply_is_continued(tmp_path, capsys):
    limit = len(VSCALE_GOOD.split()) // 2 + 2
    head, cut = cut_to_tokens(VSCALE_GOOD, limit)
    assert cut
    with FakeServer(replies=[VSCALE_GOOD, VSCALE_GOOD[len(head) :]]) as server:
        code = optimize(server.url, tmp_path, "--reply-tokens", str(limit), "--json")
        bodies = [r.body for r in server.chat_requests()]
    out, err = capsys.readouterr()
    assert bodies[0]["max_tokens"] == limit and len(bodies) == 2
    assert bodies[1]["messages"][-2]["content"] == head
    assert f"cut off at the {limit}-token reply limit" in err
    assert json.loads(out)["status"] == "pass" and code == 1


def test_a_reply_cut_at_the_default_limit_is_continued(tmp_path, capsys):
    """No option given: a reply longer than the default limit (4096 tokens), cut inside its
    code, is continued instead of scored as the compile error its first part is."""
    long = VSCALE_GOOD.replace("#include <vector>", "// " + "pad " * 5000 + "\n#include <vector>")
    head, cut = cut_to_tokens(long, 4096)
    assert cut and "vscale" not in head
    with FakeServer(replies=[long, long[len(head) :]]) as server:
        code = optimize(server.url, tmp_path, "--json")
        bodies = [r.body for r in server.chat_requests()]
    out, err = capsys.readouterr()
    assert len(bodies) == 2 and bodies[1]["messages"][-2]["content"] == head
    assert "cut off at the 4096-token reply limit" in err
    assert json.loads(out)["status"] == "pass" and code == 1


def test_small_context_says_which_option_to_lower(tmp_path, capsys):
    with FakeServer(context_tokens=1000) as server:
        code = optimize(server.url, tmp_path)
    err = "".join(capsys.readouterr())
    assert code == 2 and "--reply-tokens" in err and "maximum context length" in err


# 5 ------------------------------------------------------------------ before the first request
def test_a_reference_that_does_not_compile_is_found_before_any_request(tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(VSCALE, broken)
    ref = broken / "reference.cpp"
    ref.write_text(ref.read_text().replace(";", "", 1))
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        code = optimize(server.url, tmp_path, problem=broken)
        assert server.chat_requests() == []
    err = capsys.readouterr().err
    assert code == 2 and "the reference does not compile" in err
    assert "Traceback" not in err and states_or_none(tmp_path) == []


# 6 ------------------------------------------------------------------ knowledge base
def test_a_mistyped_kb_path_is_refused_unless_created(tmp_path, capsys):
    missing = tmp_path / "no-such-kb"
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        code = optimize(server.url, tmp_path, "--strategy", "rag", "--kb", str(missing))
        assert server.chat_requests() == []
    assert code == 2 and "--kb-create" in capsys.readouterr().err and not missing.exists()


# 7 ------------------------------------------------------------------ progress
def test_waiting_for_a_slow_reply_is_reported(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("parcodegen.llm.openai_compat.HEARTBEAT_S", 0.5)
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        server.fail_next("slow", seconds=1.6)
        optimize(server.url, tmp_path)
    err = capsys.readouterr().err
    assert "request 1 (" in err and "#0, turn 0): waiting 0 s" not in err
    assert any("request 1 (" in line and "turn 0): waiting" in line for line in err.splitlines())


# 9 ------------------------------------------------------------------ small items
def test_calls_sent_does_not_count_cache_hits(tmp_path, capsys):
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        optimize(server.url, tmp_path, "--json")
        capsys.readouterr()
        optimize(server.url, tmp_path, "--json", "--run-dir", str(tmp_path / "other"))
    report = json.loads(capsys.readouterr().out)
    assert report["calls_sent"] == 0 and report["attempts"] == 1


def test_json_reports_the_passing_candidate_when_the_original_is_kept(tmp_path, capsys):
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        optimize(server.url, tmp_path, "--json")
    report = json.loads(capsys.readouterr().out)
    assert not report["improved"] and report["status"] == "pass"


def test_base_url_without_scheme_is_refused_at_once(tmp_path, capsys):
    start = time.monotonic()
    code = optimize("127.0.0.1:9/v1", tmp_path)
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - start < 10
    assert "did you mean 'http://127.0.0.1:9/v1'" in err


def test_optimize_can_use_the_scripted_backend(tmp_path, capsys):
    script = tmp_path / "script.json"
    script.write_text(json.dumps([VSCALE_GOOD]))
    code = main(["optimize", str(VSCALE), "--backend", "scripted", "--script", str(script),
                 "--run-dir", str(tmp_path / "runs"), "--no-timing", "--no-race", "--json"])  # fmt: skip
    assert code == 1 and json.loads(capsys.readouterr().out)["status"] == "pass"


def test_identical_code_is_not_asked_to_be_made_faster_again(tmp_path, capsys):
    with FakeServer(replies=[VSCALE_GOOD] * 4) as server:
        optimize(server.url, tmp_path, "--keep-improving", "--max-iters", "4", "--json")
        sent = len(server.chat_requests())
    report = json.loads(capsys.readouterr().out)
    assert sent == 2 and report["attempts"] == 2  # the repeat ends the episode


def test_kb_add_run_takes_a_run_id(tmp_path, capsys):
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        optimize(server.url, tmp_path, "--json")
    run_id = json.loads(capsys.readouterr().out)["run_id"]
    code = main(["kb", "add-run", run_id, "--run-dir", str(tmp_path / "runs"),
                 "--kb", str(tmp_path / "kb")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1 and "found 0 verified faster candidates" in out  # untimed: none faster


def test_bench_list_shows_the_final_state_of_every_run(tmp_path, capsys):
    with FakeServer() as server:
        server.fail_next("server_error", count=50)
        optimize(server.url, tmp_path, "--retries", "0", "--breaker-after", "2")
    with FakeServer(replies=[VSCALE_GOOD]) as server:
        optimize(server.url, tmp_path, "--max-cost", "0", "--price-in", "1", "--price-out", "1")
    capsys.readouterr()
    assert main(["bench", "list", "--json", "--run-dir", str(tmp_path / "runs")]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted(r["state"] for r in rows) == ["failed", "stopped-by-budget"]


def test_an_interrupted_run_is_marked_interrupted(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    with FakeServer(replies=[VSCALE_GOOD]) as server:
        server.fail_next("slow", seconds=30)
        argv = [sys.executable, "-m", "parcodegen.cli.main", "optimize", str(VSCALE),
                "--base-url", server.url, "--model", "fake-model", "--no-timing", "--no-race",
                "--run-dir", str(tmp_path / "runs")]  # fmt: skip
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        deadline = time.time() + 120
        while not server.chat_requests() and time.time() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "Traceback" not in err
    assert states(tmp_path)[0][1] == "interrupted"
