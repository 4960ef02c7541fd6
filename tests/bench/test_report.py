"""Reports from a real SQLite store filled with known verdicts: numbers vs brute force."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from parcodegen.jobs.bench import write_report
from parcodegen.store import RunStore
from parcodegen.store.report import score_runs
from parcodegen.types import Attempt, Measurement, RunManifest, Status, StepResult, Verdict

# problem -> per-sample (status, speedup); one run, "single" mode
SPEC = {
    "reduce/a": [
        (Status.PASS, 3.0),
        (Status.WRONG_OUTPUT, None),
        (Status.PASS, 1.5),
        (Status.RACE, None),
        (Status.PASS, 0.8),
    ],
    "reduce/b": [
        (Status.COMPILE_ERROR, None),
        (Status.PASS, 2.0),
        (Status.NO_CODE, None),
        (Status.PASS, 5.0),
        (Status.TIMEOUT, None),
    ],
    "scan/c": [(Status.WRONG_OUTPUT, None)] * 4 + [(Status.PASS, 1.2)],
}


def verdict(status: Status, speedup: float | None) -> Verdict:
    steps = (StepResult("compile", status is not Status.COMPILE_ERROR,
                        None if status is Status.PASS else status),)  # fmt: skip
    m = None
    if speedup is not None:
        m = Measurement((1.0,), (1.0 / speedup,), 1.0, 1.0 / speedup, 0.0, 0.0, 2, 1000)
    return Verdict(status, steps, m)


def fill(store: RunStore, run_id: str, strategy: str, scale: float = 1.0) -> None:
    manifest = RunManifest(run_id, "2026-01-01T00:00:00+00:00",
                           {"loop": {"strategy": strategy, "model": "m1", "backend": "scripted",
                                     "samples": 5},
                            "campaign": {"mode": "single"}}, {}, {})  # fmt: skip
    store.create_run(manifest, run_id + "-identity")
    for pid, rows in SPEC.items():
        store.db.execute("INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?)",
                         (run_id, pid, "f", "/nowhere", "h", "void f() {}"))  # fmt: skip
        for i, (st, sp) in enumerate(rows):
            sp = sp * scale if sp else sp
            v = verdict(st, sp)
            cid = None if st is Status.NO_CODE else f"{pid}-{i}"
            a = Attempt(run_id, f"{pid}#{i}", 0, pid, i, strategy, strategy, "edit", "initial",
                        st, cid, None, v.speedup, v.message)  # fmt: skip
            store.put_attempt(a, v, "code" if cid else None)


def brute_best(values: list[float], k: int) -> float:
    subs = list(itertools.combinations(values, k))
    return sum(max(s) for s in subs) / len(subs)


def user_values(pid: str) -> list[float]:
    return [sp if st is Status.PASS else 1.0 for st, sp in SPEC[pid]]


def correct_values(pid: str) -> list[float]:
    return [sp for st, sp in SPEC[pid] if st is Status.PASS]


def test_report_numbers_match_brute_force(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs")
    fill(store, "r1", "parallel")
    fill(store, "r2", "any", scale=2.0)
    ks = [1, 2, 3, 5, 6]
    scores = score_runs(store, ["r1", "r2"], ks)
    s = scores[0].summary
    for k in (1, 2, 3, 5):
        want = sum(brute_best(user_values(p), k) for p in SPEC) / 3
        assert s.at_k["best_speedup_user"][k] == (pytest.approx(want), 3)
        correct = [correct_values(p) for p in SPEC if len(correct_values(p)) >= k]
        want_c = sum(brute_best(v, k) for v in correct) / len(correct) if correct else None
        got, count = s.at_k["best_speedup_correct"][k]
        assert count == len(correct)
        assert got == (pytest.approx(want_c) if want_c is not None else None)
        avg = sum(sum(user_values(p)) / 5 for p in SPEC) / 3
        assert s.at_k["avg_speedup_user"][k][0] == pytest.approx(avg)
    assert s.at_k["best_speedup_user"][6] == (None, 0)  # K > N
    assert s.at_k["best_efficiency_user"][1][0] == pytest.approx(
        sum(brute_best(user_values(p), 1) for p in SPEC) / 3 / 2
    )
    assert s.statuses == {"pass": 6, "wrong_output": 5, "race": 1, "compile_error": 1,
                          "no_code": 1, "timeout": 1}  # fmt: skip
    cats = scores[0].categories
    assert set(cats) == {"reduce", "scan"} and cats["reduce"].problems == 2

    paths = write_report(store, ["r1", "r2"], ks, tmp_path / "rep")
    md = paths["markdown"].read_text()
    html = paths["html"].read_text()
    assert md.count("| parallel | m1 | single |") == 2  # user + correct tables
    assert "| any | m1 | single |" in md
    best1 = sum(brute_best(user_values(p), 1) for p in SPEC) / 3
    assert f"{best1:.2f}" in md
    assert html.count("data:image/png;base64,") == 2
    assert (tmp_path / "rep" / "best_speedup_vs_k.png").stat().st_size > 1000
    data = json.loads(paths["json"].read_text())
    assert [r["run_id"] for r in data["runs"]] == ["r1", "r2"]
    assert data["runs"][1]["summary"]["metrics"]["best_speedup_correct"]["1"]["mean"] == (
        pytest.approx(2 * s.at_k["best_speedup_correct"][1][0])
    )
    store.close()
