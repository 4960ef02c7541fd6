"""The whole built-in suite through `bench run` (slow): recorded good and bad replies for
every problem, every status as the suite's own files declare, report numbers checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench_replies import write_script

from parcodegen.problems.suite import suite_dir as builtin_root
from parcodegen.problems.suite import suite_problems as load_problems
from parcodegen.cli.main import main
from parcodegen.metrics.estimators import pass_at_k
from parcodegen.store import RunStore
from parcodegen.store.report import load_samples


@pytest.mark.slow
def test_full_builtin_suite(tmp_path: Path, capsys) -> None:
    ids = [p.id for p in load_problems("builtin")]
    assert len(ids) >= 20
    assert all((builtin_root() / pid / "solutions" / "expert.cpp").is_file() for pid in ids)
    script, expected, _ = write_script(ids, tmp_path / "script.json")
    run_dir = tmp_path / "runs"
    assert main(["bench", "run", "--backend", "scripted", "--script", str(script),
                 "--samples", "4", "--no-timing", "--run-dir", str(run_dir), "-k", "1,2,4",
                 "--workers", "2"]) == 0  # fmt: skip
    with RunStore(run_dir) as store:
        (run,) = store.runs()
        got = {(s.problem_id, s.index): s.status.value for s in load_samples(store, run["run_id"])}
    wrong = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
    assert not wrong, f"stored status differs from the declared one: {wrong}"
    out = tmp_path / "report"
    capsys.readouterr()
    assert main(["bench", "report", run["run_id"], "-k", "1,2,4", "--run-dir", str(run_dir),
                 "-o", str(out)]) == 0  # fmt: skip
    metrics = json.loads((out / "metrics.json").read_text())["runs"][0]
    for k in (1, 2, 4):
        want = sum(pass_at_k(4, sum(expected[(p, i)] == "pass" for i in range(4)), k)
                   for p in ids) / len(ids)  # fmt: skip
        assert metrics["summary"]["metrics"]["pass"][str(k)]["mean"] == pytest.approx(want)
    cats = {pid.split("/")[0] for pid in ids}
    assert set(metrics["categories"]) == cats
