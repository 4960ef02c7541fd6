"""`parcodegen synth` end to end with the scripted backend: real compiles, race checks,
timings (small size), store, KB; then the exports are checked (never their speed)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.memory.entry import code_key
from parcodegen.memory.kb import KnowledgeBase

PID = "reduce/count_primes"
PRIME = """static bool is_prime(long v) {
  if (v < 2) return false;
  if (v % 2 == 0) return v == 2;
  for (long d = 3; d * d <= v; d += 2) {
    if (v % d == 0) return false;
  }
  return true;
}
"""


def body(pragma: str, start: int = 2) -> str:
    return (
        PRIME
        + f"""
long count_primes(long limit) {{
  long count = 0;
{pragma}
  for (long v = {start}; v < limit; ++v) {{
    if (is_prime(v)) ++count;
  }}
  return count;
}}
"""
    )


def fenced(code: str) -> str:
    return f"```cpp\n{code}```"


SERIAL = body("  // serial, unchanged")
SERIAL_RELAID = SERIAL.replace("  long count = 0;", "long   count=0;  /* same */")
DYNAMIC = body("#pragma omp parallel for reduction(+ : count) schedule(dynamic, 64)")
STATIC = body("#pragma omp parallel for reduction(+ : count) schedule(static)")
RACY = body("#pragma omp parallel for")
WRONG = body("", start=3)


def expert() -> str:
    from parcodegen.problems.suite import suite_dir as builtin_root

    return (builtin_root() / PID / "solutions" / "expert.cpp").read_text()


def suite(tmp: Path) -> Path:
    from parcodegen.problems.suite import suite_dir as builtin_root

    import shutil

    target = tmp / "suite" / PID
    shutil.copytree(builtin_root() / PID, target)
    toml = target / "problem.toml"
    toml.write_text(toml.read_text().replace("bench = 3000000", "bench = 60000"))
    return tmp / "suite"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_synth_scripted_end_to_end(tmp_path: Path, capsys, monkeypatch) -> None:
    # A private cache: its timing lock is not shared with other parcodegen processes
    # on the machine (timings here are tiny and nothing asserts on speed).
    monkeypatch.setenv("PARCODEGEN_CACHE_DIR", str(tmp_path / "cache"))
    replies = [
        fenced(SERIAL),
        fenced(DYNAMIC),
        fenced(RACY),
        fenced(expert()),
        fenced(SERIAL_RELAID),
        fenced(STATIC),
        fenced(WRONG),
        "no code, sorry",
    ]
    script = tmp_path / "script.json"
    script.write_text(json.dumps({PID: replies}))
    out = tmp_path / "out"
    base = ["synth", "--backend", "scripted", "--script", str(script), "--suite",
            str(suite(tmp_path)), "--timing-reps", "2", "--verify-seeds", "2", "--keep", "0.5",
            "--min-speedup", "0", "--run-dir", str(tmp_path / "runs")]  # fmt: skip
    # A first campaign (strategy "parallel", 8 samples), then a second one with another
    # strategy that also selects from the first run.
    assert (
        main([*base, "--strategies", "parallel", "--samples", "8", "--out", str(tmp_path / "out1")])
        == 0
    )
    first = json.loads(capsys.readouterr().out)
    assert first["counts"]["attempts"] == 8
    assert main([*base, "--strategies", "any", "--samples", "3", "--out", str(out),
                 "--include-run", first["runs"][0]]) == 0  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    counts = result["counts"]
    assert len(result["runs"]) == 2
    assert counts["attempts"] == 11
    assert counts["excluded_solution"] == 1  # the expert reply
    assert counts["verified_unique"] == 3  # serial (twice, relaid) + dynamic + static, deduped
    assert counts["rejected_unique"] == 2  # race and wrong output, deduped across runs
    kept = math.ceil(0.5 * 3)
    assert result["kept"] == kept

    sft = read_jsonl(out / "sft.jsonl")
    assert len(sft) == kept
    expert_key = code_key(expert())
    allowed = {code_key(c) for c in (SERIAL, DYNAMIC, STATIC)}
    for rec in sft:
        roles = [m["role"] for m in rec["messages"]]
        assert roles == ["system", "user", "assistant"]
        assert "v * v" not in rec["messages"][0]["content"]
        assert "count_primes" in rec["messages"][1]["content"]  # serial code in the prompt
        fast = rec["messages"][2]["content"].removeprefix("```cpp\n").removesuffix("\n```")
        assert code_key(fast) in allowed and code_key(fast) != expert_key
        assert rec["meta"]["problem"] == PID and rec["meta"]["speedup"] > 0
    # ranked by normalized speedup: the first kept is the problem's best (1.0)
    assert sft[0]["meta"]["normalized"] == 1.0
    assert sft[0]["meta"]["speedup"] >= sft[-1]["meta"]["speedup"]

    pairs = read_jsonl(out / "preferences.jsonl")
    assert len(pairs) == 2 * kept  # two failures are available for each kept candidate
    for p in pairs:
        assert p["meta"]["rejected_status"] in ("race", "wrong_output")
        assert p["chosen"] != p["rejected"]
        assert [m["role"] for m in p["prompt"]] == ["system", "user"]
    blob = (out / "sft.jsonl").read_text() + (out / "preferences.jsonl").read_text()
    assert "schedule(dynamic, 2048)" not in blob  # the expert's own line never leaks

    with KnowledgeBase.open(out / "kb") as kb:
        entries = kb.entries()
    assert len(entries) == kept
    assert all(e.source == "synth" and e.verified and e.family == PID for e in entries)

    # Selection again from the store alone (no generation, no compiler): same data.
    out2 = tmp_path / "out2"
    again = ["synth", "--export-only", "--out", str(out2), "--keep", "0.5", "--min-speedup",
             "0", "--run-dir", str(tmp_path / "runs")]  # fmt: skip
    for r in result["runs"]:
        again += ["--include-run", r]
    assert main(again) == 0
    capsys.readouterr()
    assert (out2 / "sft.jsonl").read_text() == (out / "sft.jsonl").read_text()
    assert (out2 / "preferences.jsonl").read_text() == (out / "preferences.jsonl").read_text()


def test_keep_must_be_a_fraction() -> None:
    from parcodegen.synth.select import Pool, select_top

    with pytest.raises(ValueError):
        select_top(Pool(), 0.0)
    assert select_top(Pool(), 0.5) == []


def test_budgets_cover_the_whole_command(tmp_path: Path, capsys) -> None:
    """Two campaigns, one token budget: the second gets what the first left (nothing)."""
    script = tmp_path / "script.json"
    script.write_text(json.dumps({PID: ["no code, sorry"] * 4}))
    args = ["synth", "--backend", "scripted", "--script", str(script), "--problems", PID,
            "--strategies", "parallel,any", "--samples", "2", "--no-timing", "--no-race",
            "--max-tokens", "1", "--run-dir", str(tmp_path / "runs"), "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(args) == 2
    captured = capsys.readouterr()
    campaigns = {c["strategy"]: c for c in json.loads(captured.out)["campaigns"]}
    assert campaigns["parallel"]["state"] == "finished"  # ran, and spent more than 1 token
    assert campaigns["any"]["state"] == "stopped-by-budget"
    assert campaigns["any"]["stop_reason"].startswith("budget: tokens (0 >= 0)")
    assert "raise the budget and re-run" in captured.err
