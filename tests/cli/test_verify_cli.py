"""`parcodegen verify` through a real subprocess: exit codes and JSON."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parcodegen.cli.main", *args], capture_output=True, check=False,
                          text=True, cwd=ROOT, timeout=600)  # fmt: skip


def test_pass_json_has_status_speedup_and_steps():
    r = cli("verify", "examples/reduction", "examples/reduction/candidates/good.cpp", "--json",
            "--reps", "1", "--no-race")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "pass" and out["speedup"] > 0
    assert [s["step"] for s in out["steps"]] == [
        "compile",
        "interface",
        "difftest",
        "race",
        "timing",
    ]


def test_rejected_candidate_exits_1_with_readable_summary():
    r = cli(
        "verify", "examples/reduction", "examples/reduction/candidates/bad_wrong.cpp", "--no-timing"
    )
    assert r.returncode == 1
    assert "verdict: WRONG_OUTPUT" in r.stdout and "expected" in r.stdout


def test_no_timing_json_speedup_is_null():
    r = cli(
        "verify",
        "examples/reduction",
        "examples/reduction/candidates/good.cpp",
        "--json",
        "--no-timing",
    )
    assert r.returncode == 0 and json.loads(r.stdout)["speedup"] is None


def test_malformed_problem_exits_2_naming_the_field(tmp_path):
    (tmp_path / "problem.toml").write_text('function = "f"\n[sizes]\ntest = [1]\n')
    (tmp_path / "reference.cpp").write_text("void f() {}\n")
    r = cli("verify", str(tmp_path), "examples/reduction/candidates/good.cpp")
    assert r.returncode == 2 and "sizes.bench" in r.stderr


def test_missing_candidate_file_exits_2():
    r = cli("verify", "examples/reduction", "nope.cpp")
    assert r.returncode == 2 and "not found" in r.stderr


def test_reply_flag_extracts_code(tmp_path):
    reply = tmp_path / "reply.md"
    reply.write_text("No code here, sorry.")
    r = cli("verify", "examples/reduction", str(reply), "--reply", "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["status"] == "no_code"
