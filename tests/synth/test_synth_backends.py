"""One `parcodegen synth` command over several backends: the scripted backend (under a
model name that holds colons) and the built-in autopar backend, both in-package, over two
small built-in problems. Real compiles and timings (tiny sizes, no race check); nothing
asserts on speed. Then resume, and the usage errors (all before any generation)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from parcodegen.cli.main import build_parser, main
from parcodegen.memory.entry import code_key
from parcodegen.memory.kb import KnowledgeBase
from parcodegen.store import RunStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from bench_replies import small_suite  # noqa: E402

PIDS = ["reduce/count_primes", "reduce/mean_variance"]
SCRIPTED = "scripted:tiny-coder:7b"  # NAME:MODEL, split on the first colon only
SAMPLES = 3


def fenced(code: str) -> str:
    return f"Here you go.\n```cpp\n{code.rstrip()}\n```\n"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def autopar_variants(directory: Path) -> dict[str, str]:
    from parcodegen.autopar import optimize_source
    from parcodegen.problems.load import load_problem

    p = load_problem(directory)
    return dict(optimize_source(p.reference_code, p.function).variants)


def build(tmp: Path) -> tuple[Path, Path, dict[str, dict[str, str]]]:
    """(suite, script, per problem: the code each kind of candidate has). Autopar answers
    sample s with variant s mod 2 (outer, schedule, outer); the script answers autopar's
    `outer` variant (identical for one problem, relaid for the other: the same code key),
    the reference (only the scripted backend sends it) and a compile error."""
    suite = small_suite(PIDS, tmp / "suite", bench=40000)
    script, codes = {}, {}
    for i, pid in enumerate(PIDS):
        variants = autopar_variants(suite / pid)
        assert list(variants)[:2] == ["outer", "schedule"], variants
        reference = (suite / pid / "reference.cpp").read_text()
        outer = variants["outer"]
        shared = outer if i == 0 else "// same loops, laid out anew\n" + outer.replace("\n", "\n\n")
        assert code_key(shared) == code_key(outer)
        script[pid] = [fenced(shared), fenced("// scripted\n" + reference),
                       fenced(reference + "\nthis line is not C++;\n")]  # fmt: skip
        codes[pid] = {
            "shared": outer,
            "autopar_only": variants["schedule"],
            "scripted_only": reference,
        }
    path = tmp / "script.json"
    path.write_text(json.dumps(script))
    return suite, path, codes


def by_key(store: RunStore, run_id: str) -> set[tuple[str, str]]:
    """(problem, code key) of every stored candidate of a run."""
    out = set()
    for a in store.attempts(run_id):
        if a.candidate_id:
            out.add((a.problem_id, code_key(store.candidate_code(a.problem_id, a.candidate_id))))
    return out


def test_synth_two_backends_one_command(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PARCODEGEN_CACHE_DIR", str(tmp_path / "cache"))  # private timing lock
    suite, script, codes = build(tmp_path)
    out, runs, record = tmp_path / "out", tmp_path / "runs", tmp_path / "calls.jsonl"
    cmd = ["synth", "--backend", SCRIPTED, "--backend", "autopar", "--script", str(script),
           "--suite", str(suite), "--samples", str(SAMPLES), "--verify-seeds", "1",
           "--timing-reps", "2", "--no-race", "--keep", "1", "--min-speedup", "0",
           "--run-dir", str(runs), "--out", str(out), "--record", str(record)]  # fmt: skip
    assert main(cmd) == 0
    first = capsys.readouterr()
    result = json.loads(first.out)

    # Two runs, one per backend, each with its model (the scripted one holds two colons).
    store = RunStore(runs)
    stored = {r["run_id"]: store.manifest(r["run_id"]).config["loop"] for r in store.runs()}
    assert len(stored) == 2 and set(result["runs"]) == set(stored)
    named = {loop["backend"]: (rid, loop["model"]) for rid, loop in stored.items()}
    assert named["scripted"][1] == "tiny-coder:7b" and named["autopar"][1] == ""
    scripted_run, autopar_run = named["scripted"][0], named["autopar"][0]
    for rid in stored:
        assert len(store.attempts(rid)) == len(PIDS) * SAMPLES

    # The summary lists each run with its strategy, backend, model and state.
    want = sorted([("parallel", "scripted", "tiny-coder:7b", "finished"),
                   ("parallel", "autopar", "", "finished")])  # fmt: skip
    for listed in (
        result["campaigns"],
        json.loads((out / "summary.json").read_text())["campaigns"],
    ):
        assert sorted((c["strategy"], c["backend"], c["model"], c["state"]) for c in listed) == want
        assert all("stop_reason" not in c for c in listed)

    # Dedup across backends: per problem, autopar's `outer` variant came three times
    # (autopar samples 0 and 2, scripted sample 0) and is ONE record.
    counts = result["counts"]
    assert counts["verified_unique"] == 3 * len(PIDS)  # shared, autopar only, scripted only
    assert counts["duplicates"] == 2 * len(PIDS)
    assert counts["rejected_unique"] == len(PIDS)  # the compile error
    assert by_key(store, scripted_run) & by_key(store, autopar_run) == {
        (pid, code_key(codes[pid]["shared"])) for pid in PIDS
    }

    sft = read_jsonl(out / "sft.jsonl")
    assert len(sft) == result["kept"] == 3 * len(PIDS)
    seen: dict[tuple[str, str], dict] = {}
    for rec in sft:
        fast = rec["messages"][2]["content"].removeprefix("```cpp\n").removesuffix("\n```")
        key = (rec["meta"]["problem"], code_key(fast))
        assert key not in seen  # one record per code
        seen[key] = rec["meta"]
    for pid in PIDS:
        shared = seen[(pid, code_key(codes[pid]["shared"]))]
        assert shared["produced_by"] == ["autopar", SCRIPTED]
        assert (shared["backend"], shared["run"]) in {
            ("autopar", autopar_run),
            ("scripted", scripted_run),
        }
        mine = seen[(pid, code_key(codes[pid]["scripted_only"]))]
        assert (mine["backend"], mine["model"], mine["run"]) == (
            "scripted",
            "tiny-coder:7b",
            scripted_run,
        )
        assert mine["produced_by"] == [SCRIPTED]
        theirs = seen[(pid, code_key(codes[pid]["autopar_only"]))]
        assert (theirs["backend"], theirs["model"], theirs["run"]) == ("autopar", "", autopar_run)
        assert theirs["produced_by"] == ["autopar"]

    pairs = read_jsonl(out / "preferences.jsonl")
    assert len(pairs) == len(sft)  # one failure per problem to pair each kept candidate with
    assert {p["meta"]["chosen_backend"] for p in pairs} == {"autopar", "scripted"}
    assert all(p["meta"]["rejected_status"] == "compile_error" for p in pairs)
    assert {(p["meta"]["rejected_backend"], p["meta"]["rejected_model"]) for p in pairs} == {
        ("scripted", "tiny-coder:7b")
    }

    with KnowledgeBase.open(out / "kb") as kb:
        kb_codes = {(e.family, code_key(e.fast_code)) for e in kb.entries()}
    assert kb_codes == set(seen)  # both backends' candidates, once each

    # Resume: the identical command sends no call and verifies nothing. Proof: the call
    # recording and the store do not grow, and with no compiler on PATH it still passes.
    calls_before = {rid: len(store.calls(rid)) for rid in stored}
    rows_before = {
        rid: [(a.episode, a.turn, a.status) for a in store.attempts(rid)] for rid in stored
    }
    recorded = record.read_text()
    assert len(recorded.splitlines()) == 2 * len(PIDS) * SAMPLES
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert main(cmd) == 0
    again = capsys.readouterr()
    assert json.loads(again.out)["runs"] == result["runs"]
    assert again.err.count(f"(resumed, {len(PIDS) * SAMPLES} attempts stored;") == 2
    assert record.read_text() == recorded
    assert {r["run_id"] for r in store.runs()} == set(stored)
    assert {rid: len(store.calls(rid)) for rid in stored} == calls_before
    assert {
        rid: [(a.episode, a.turn, a.status) for a in store.attempts(rid)] for rid in stored
    } == rows_before
    assert read_jsonl(out / "sft.jsonl") == sft

    # That proof holds: one more sample per problem, where the script now answers code
    # never seen before, cannot be verified without a compiler: the scripted campaign
    # stops (the harness's fault, exit 2) and says why; autopar's next sample is code it
    # already verified (remembered from the store), so that campaign finishes.
    fresh = {pid: [fenced((suite / pid / "reference.cpp").read_text() + "\nstatic int unused() { return 0; }\n")]
             for pid in PIDS}  # fmt: skip
    script.write_text(json.dumps(fresh))
    at = cmd.index("--samples") + 1
    assert main([*cmd[:at], str(SAMPLES + 1), *cmd[at + 1 :]]) == 2
    stopped = capsys.readouterr()
    listed = {c["backend"]: c for c in json.loads(stopped.out)["campaigns"]}
    assert listed["autopar"]["state"] == "finished" and "stop_reason" not in listed["autopar"]
    assert listed["scripted"]["state"] == "failed"
    # g++ missing, or nm when the object is already in the (machine-wide) compile cache
    assert "not found" in listed["scripted"]["stop_reason"]
    assert f"stopped: {scripted_run}: " in stopped.err and "re-run the same command" in stopped.err


# --------------------------------------------------------------------------- usage errors
def synth_args(tmp: Path, *backend: str) -> list[str]:
    script = tmp / "s.json"
    script.write_text("[]")
    args = ["synth", "--suite", "builtin", "--problems", PIDS[0], "--run-dir", str(tmp / "runs"),
            "--out", str(tmp / "out"), "--script", str(script)]  # fmt: skip
    for b in backend:
        args += ["--backend", b]
    return args


@pytest.mark.parametrize(
    ("backends", "message"),
    [
        (["autoparr"], "unknown backend 'autoparr'; did you mean 'autopar'?"),
        (["autopar", "scripted,opneai"], "did you mean 'openai'?"),
        (["autopar,openai"], "the openai backend needs --model"),
        (["autopar", "replay"], "the replay backend needs --recording"),
    ],
)
def test_bad_backend_stops_before_any_generation(tmp_path: Path, capsys, backends, message) -> None:
    assert main(synth_args(tmp_path, *backends)) == 2
    assert message in capsys.readouterr().err
    assert RunStore(tmp_path / "runs").runs() == []  # not even the good entries ran
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("backends", "message"),
    [
        ([""], "empty backend name"),
        (["autopar,"], "empty backend name"),
        ([":qwen2.5-coder:7b"], "empty backend name"),
        (["openai:"], "empty model after 'openai:'"),
    ],
)
def test_malformed_backend_entry_is_a_usage_error(
    tmp_path: Path, capsys, backends, message
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(synth_args(tmp_path, *backends))
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("backends", "message"),
    [
        (["autopar", "scripted"], "one --backend per run"),
        (["autopar,scripted"], "one --backend per run"),
        (["openai:qwen2.5-coder:7b"], "give the model with --model"),
    ],
)
def test_bench_run_takes_one_backend(tmp_path: Path, capsys, backends, message) -> None:
    args = ["bench", "run", "--suite", "builtin", "--run-dir", str(tmp_path / "runs")]
    for b in backends:
        args += ["--backend", b]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert build_parser().parse_args(["bench", "run", "--backend", "autopar"]).backend == "autopar"


def test_entries_split_on_the_first_colon_and_override_model(tmp_path: Path, monkeypatch) -> None:
    from parcodegen.cli.synth_cmd import request_of
    from parcodegen.jobs.synth import campaigns
    from parcodegen.llm.registry import BASE_URL_ENV as DEFAULT_BASE_URL_ENV

    monkeypatch.delenv(DEFAULT_BASE_URL_ENV, raising=False)
    args = build_parser().parse_args([
        "synth", "--out", str(tmp_path), "--model", "M", "--strategies", "parallel,any",
        "--backend", "openai:qwen2.5-coder:7b,autopar",
        "--backend", "openai:hf.co/Qwen/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M",
        "--backend", "openai", "--backend", "autopar",  # a repeat adds nothing
    ])  # fmt: skip
    got = [(c.backend, c.settings.model, c.strategy) for c in campaigns(request_of(args))]
    models = ["qwen2.5-coder:7b", "M", "hf.co/Qwen/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M", "M"]
    names = ["openai", "autopar", "openai", "openai"]
    assert got == [
        (n, m, s) for n, m in zip(names, models, strict=True) for s in ("parallel", "any")
    ]
    # without --backend: one default entry (autopar with no endpoint configured)
    plain = build_parser().parse_args(["synth", "--out", str(tmp_path)])
    assert plain.backends is None and [c.backend for c in campaigns(request_of(plain))] == [None]


def test_unknown_include_run_is_an_error(tmp_path: Path, capsys) -> None:
    args = ["synth", "--export-only", "--include-run", "synth-nope", "--run-dir",
            str(tmp_path / "runs"), "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(args) == 2
    assert "no stored run ['synth-nope']" in capsys.readouterr().err
