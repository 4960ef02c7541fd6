"""`bench run` end to end: scripted replies (good and bad), real compilers, real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench_replies import write_script

from parcodegen.cli.main import main
from parcodegen.metrics.estimators import pass_at_k
from parcodegen.store import RunStore
from parcodegen.store.report import load_samples, markdown_table, rate_table, score_runs

PROBLEMS = ["scan/prefix_sum", "reduce/count_primes", "sparse_la/spmv"]


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return tmp_path / "runs"


def bench(args: list[str]) -> int:
    return main(["bench", *args])


def only_run(run_dir: Path) -> str:
    with RunStore(run_dir) as store:
        runs = store.runs()
    assert len(runs) == 1
    return runs[0]["run_id"]


def test_bench_run_report_rescore(tmp_path: Path, run_dir: Path, capsys, monkeypatch) -> None:
    script, expected, per = write_script(PROBLEMS, tmp_path / "script.json")
    n = 4
    common = [
        "--backend",
        "scripted",
        "--script",
        str(script),
        "--problems",
        ",".join(PROBLEMS),
        "--no-timing",
        "--run-dir",
        str(run_dir),
        "-k",
        "1,2,4,8",
    ]
    assert bench(["run", "--samples", str(n), *common]) == 0
    run_id = only_run(run_dir)
    with RunStore(run_dir) as store:
        samples = load_samples(store, run_id)
        calls = len(store.calls(run_id))
    got = {(s.problem_id, s.index): s.status.value for s in samples}
    assert got == expected
    assert calls == len(PROBLEMS) * n
    capsys.readouterr()

    # Re-running resumes: nothing is asked or verified again.
    assert bench(["run", "--samples", str(n), *common]) == 0
    err = capsys.readouterr().err
    assert "resumed" in err and f"{len(PROBLEMS) * n} attempts stored" in err
    assert only_run(run_dir) == run_id

    out = tmp_path / "report"
    assert (
        bench(["report", run_id, "-k", "1,2,4,8", "--run-dir", str(run_dir), "-o", str(out)]) == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    # the machine the run was measured on, as its manifest recorded it (MachineProfile)
    from parcodegen.machine import profile

    here = profile()
    got = metrics["runs"][0]["machine"]
    assert got["cpu_model"] == here.cpu_model and got["usable_cpus"] == here.usable_cpus >= 1
    assert got["compiler"] and got["openmp"]
    assert isinstance(metrics["runs"][0]["loadavg_at_start"], float)
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    assert "## Failures by verdict status" in md and "<table>" in html
    summ = metrics["runs"][0]["summary"]
    # pass@k per problem from the expected statuses, averaged over problems
    for k in (1, 2, 4):
        want = sum(
            pass_at_k(n, sum(expected[(p, i)] == "pass" for i in range(n)), k) for p in PROBLEMS
        ) / len(PROBLEMS)
        assert summ["metrics"]["pass"][str(k)]["mean"] == pytest.approx(want)
    assert summ["metrics"]["pass"]["8"]["mean"] is None  # K > N: not reported
    statuses: dict[str, int] = {}
    for st in expected.values():
        statuses[st] = statuses.get(st, 0) + 1
    assert summ["statuses"] == dict(sorted(statuses.items()))
    # no timing: no speedup claimed
    assert summ["metrics"]["best_speedup_user"]["1"]["mean"] is None
    capsys.readouterr()

    # rescore needs neither a model nor a compiler
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert bench(["rescore", run_id, "-k", "1,2,4,8", "--run-dir", str(run_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == metrics

    # list: the run, what it is and how far it got (from the store alone)
    assert bench(["list", "--json", "--run-dir", str(run_dir)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["run"], row["strategy"], row["backend"], row["mode"]) == (
        run_id,
        "parallel",
        "scripted",
        "single",
    )
    assert (row["problems"], row["samples"], row["attempts"], row["state"]) == (
        len(PROBLEMS),
        n,
        len(PROBLEMS) * n,
        "finished",
    )
    assert row["tokens"] > 0
    assert bench(["list", "--run-dir", str(run_dir)]) == 0
    assert f"| {run_id} |" in capsys.readouterr().out
    assert bench(["list", "--run-dir", str(tmp_path / "none")]) == 0
    assert "no runs in" in capsys.readouterr().out


def test_bench_run_extends_with_more_samples(tmp_path: Path, run_dir: Path, capsys) -> None:
    script, expected, _ = write_script(["reduce/count_primes"], tmp_path / "s.json")
    common = [
        "--backend",
        "scripted",
        "--script",
        str(script),
        "--problems",
        "reduce/count_primes",
        "--no-timing",
        "--no-race",
        "--run-dir",
        str(run_dir),
    ]
    assert bench(["run", "--samples", "2", *common]) == 0
    run_id = only_run(run_dir)
    # The scripted backend restarts its queue per command: the stored replies of samples
    # 0-1 are read back, so the new samples 2-3 get replies 0-1 of the fresh queue.
    assert bench(["run", "--samples", "4", *common]) == 0
    assert only_run(run_dir) == run_id
    with RunStore(run_dir) as store:
        got = {(s.problem_id, s.index): s.status.value for s in load_samples(store, run_id)}
    assert len(got) == 4
    assert got[("reduce/count_primes", 0)] == expected[("reduce/count_primes", 0)]
    assert got[("reduce/count_primes", 1)] == expected[("reduce/count_primes", 1)]
    # the report and the listing count the extended run's samples (were "4/2" and 2)
    with RunStore(run_dir) as store:
        (score,) = score_runs(store, [run_id], [1, 2])
    assert (len(score.samples), score.expected) == (4, 4)
    assert f"| {run_id} | 4/4 |" in markdown_table(rate_table([score], [1, 2]))
    capsys.readouterr()
    assert bench(["list", "--json", "--run-dir", str(run_dir)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["samples"], row["attempts"]) == (4, 4)
    # an interrupted extension still expects the samples asked for: 6 asked, 4 stored
    bench(["run", "--samples", "6", "--max-wall", "0.000001", *common])
    with RunStore(run_dir) as store:
        (score,) = score_runs(store, [run_id], [1])
    assert (len(score.samples), score.expected) == (4, 6)


def test_bad_arguments_are_usage_errors(tmp_path: Path, run_dir: Path, capsys) -> None:
    assert bench(["run", "--backend", "scripted", "--run-dir", str(run_dir)]) == 2
    assert "--script" in capsys.readouterr().err
    assert bench(["report", "nope", "--run-dir", str(run_dir)]) == 2
    assert "no run 'nope'" in capsys.readouterr().err
    assert bench(["run", "--strategy", "paralel", "--run-dir", str(run_dir)]) == 2
    assert "did you mean 'parallel'" in capsys.readouterr().err
    with RunStore(run_dir) as store:  # a usage error opens no run
        assert store.runs() == []


def test_agent_mode_counts_a_sample_as_passed_when_any_attempt_passed(
    tmp_path: Path, run_dir: Path
) -> None:
    from bench_replies import NO_CODE, fenced

    from parcodegen.problems.suite import suite_dir as builtin_root

    pid = "reduce/count_primes"
    d = builtin_root() / pid
    expert = fenced((d / "solutions" / "expert.cpp").read_text())
    broken = fenced((d / "reference.cpp").read_text() + "\nnot C++;\n")
    # round 1: sample 0 broken, sample 1 no code, sample 2 passes (done: passed, not timed)
    # round 2: sample 0 passes after feedback, sample 1 broken again
    # round 3: sample 1 still without code -> budget of 3 attempts spent
    script = tmp_path / "agent.json"
    script.write_text(json.dumps({pid: [broken, NO_CODE, expert, expert, broken, NO_CODE]}))
    args = ["run", "--backend", "scripted", "--script", str(script), "--problems", pid,
            "--samples", "3", "--mode", "agent", "--max-iters", "3", "--no-timing",
            "--no-race", "--run-dir", str(run_dir), "-k", "1,3"]  # fmt: skip
    assert bench(args) == 0
    run_id = only_run(run_dir)
    with RunStore(run_dir) as store:
        samples = {s.index: s.status.value for s in load_samples(store, run_id)}
        turns = [(a.sample, a.turn, a.action) for a in store.attempts(run_id)]
    assert samples == {0: "pass", 1: "no_code", 2: "pass"}
    assert (0, 1, "feedback") in turns and (1, 2, "feedback") in turns
    assert len(turns) == 6


def test_recorded_run_replays_to_the_same_statuses(tmp_path: Path) -> None:
    script, expected, _ = write_script(["sparse_la/spmv"], tmp_path / "s.json")
    calls = tmp_path / "calls.jsonl"
    common = ["--problems", "sparse_la/spmv", "--samples", "4", "--no-timing", "--no-race"]
    assert bench(["run", "--backend", "scripted", "--script", str(script), "--record",
                  str(calls), "--run-dir", str(tmp_path / "a"), *common]) == 0  # fmt: skip
    assert len(calls.read_text().splitlines()) == 4
    assert bench(["run", "--backend", "replay", "--recording", str(calls), "--run-dir",
                  str(tmp_path / "b"), *common]) == 0  # fmt: skip
    statuses = []
    for d in ("a", "b"):
        with RunStore(tmp_path / d) as store:
            (run,) = store.runs()
            statuses.append({(s.problem_id, s.index): s.status.value
                             for s in load_samples(store, run["run_id"])})  # fmt: skip
    assert statuses[0] == statuses[1] == expected


def test_single_mode_runs_every_stage_of_multi_stage(tmp_path: Path, run_dir: Path) -> None:
    """One attempt per stage; stage two starts from stage one's verified code."""
    from bench_replies import NO_CODE, fenced

    from parcodegen.problems.suite import suite_dir as builtin_root

    pid = "reduce/count_primes"
    root = builtin_root() / pid
    marker = "// serial stage: unchanged but verified"
    serial = marker + "\n" + (root / "reference.cpp").read_text()
    expert = (root / "solutions" / "expert.cpp").read_text()
    # round 1: the serial stage of samples 0 and 1; round 2: their parallel stage
    script = {pid: [fenced(serial), NO_CODE, fenced(expert), fenced(expert)]}
    (tmp_path / "s.json").write_text(json.dumps(script))
    calls = tmp_path / "calls.jsonl"
    assert bench(["run", "--strategy", "multi-stage", "--backend", "scripted", "--script",
                  str(tmp_path / "s.json"), "--record", str(calls), "--problems", pid,
                  "--samples", "2", "--no-timing", "--no-race", "--run-dir", str(run_dir)]) == 0  # fmt: skip
    run_id = only_run(run_dir)
    with RunStore(run_dir) as store:
        attempts = sorted(store.attempts(run_id), key=lambda a: (a.sample, a.turn))
        samples = load_samples(store, run_id)
    assert [(a.sample, a.stage, a.status.value) for a in attempts] == [
        (0, "serial", "pass"), (0, "parallel", "pass"),
        (1, "serial", "no_code"), (1, "parallel", "pass"),
    ]  # fmt: skip
    assert [s.status.value for s in samples] == ["pass", "pass"]
    asked = [json.loads(line) for line in calls.read_text().splitlines()]
    second = [c for c in asked if c["request"]["tags"].get("stage") == "parallel"]
    texts = {c["request"]["tags"]["sample"]: json.dumps(c["request"]["messages"]) for c in second}
    assert marker in texts["0"]  # from the verified serial code
    assert marker not in texts["1"]  # serial stage failed: from the original
