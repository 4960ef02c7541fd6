"""The paper's experiment shape on imported ParEval problems: `bench run` and `synth` with
any backend; here scripted replies recorded once and replayed with no model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.importers.pareval.convert import import_checkout
from parcodegen.importers.pareval.outputs import candidate_code
from parcodegen.store import RunStore

from .pareval_fixture import SCALE, SCALE_OUTPUTS, omp_prompt, write_checkout

PID = "transform/00_transform_scale"


def fenced(code: str) -> str:
    return "```cpp\n" + code + "\n```"


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("pe_campaign")
    root = write_checkout(base / "checkout")
    out = base / "problems"
    import_checkout(root, out, only=[PID])
    return out


def test_bench_run_record_then_replay(problems: Path, tmp_path: Path) -> None:
    replies = [fenced(candidate_code(omp_prompt(SCALE), o)) for o in SCALE_OUTPUTS[:3]]
    script = tmp_path / "script.json"
    script.write_text(json.dumps({PID: replies}))
    calls = tmp_path / "calls.jsonl"
    common = ["--suite", str(problems), "--samples", "3", "--no-timing", "-k", "1"]
    assert main(["bench", "run", "--backend", "scripted", "--script", str(script),
                 "--record", str(calls), "--run-dir", str(tmp_path / "a"), *common]) == 0  # fmt: skip
    assert main(["bench", "run", "--backend", "replay", "--recording", str(calls),
                 "--run-dir", str(tmp_path / "b"), *common]) == 0  # fmt: skip
    statuses = []
    for d in ("a", "b"):
        with RunStore(tmp_path / d) as store:
            (run,) = store.runs()
            statuses.append(
                {a.sample: a.status.value for a in store.attempts(run["run_id"], kind="edit")}
            )
    assert statuses[0] == statuses[1]
    assert statuses[0][0] == "pass" and statuses[0][2] == "pass"
    assert statuses[0][1] in ("race", "wrong_output")


def test_synth_on_imported_problem(
    problems: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = [
        fenced(candidate_code(omp_prompt(SCALE), o)) for o in (SCALE_OUTPUTS[0], SCALE_OUTPUTS[3])
    ]
    script = tmp_path / "script.json"
    script.write_text(json.dumps({PID: replies}))
    code = main(["synth", "--backend", "scripted", "--script", str(script), "--suite",
                 str(problems), "--strategies", "parallel", "--samples", "2", "--timing-reps", "2",
                 "--min-speedup", "0", "--run-dir", str(tmp_path / "runs"),
                 "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["counts"]["attempts"] == 2
    assert result["counts"]["verified_unique"] == 1
