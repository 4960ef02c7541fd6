"""Recorded ParEval outputs stored as a bench run, and ParEval's verdicts put beside ours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.importers.pareval.convert import import_checkout
from parcodegen.importers.pareval.labels import Pair, classify, compare, is_parallel_source
from parcodegen.importers.pareval.outputs import (
    ParEvalVerdict,
    candidate_code,
    read_outputs,
    read_verdicts,
)
from parcodegen.importers.pareval.rescore import import_outputs
from parcodegen.store import RunStore
from parcodegen.store.report import score_runs

from .pareval_fixture import SCALE, SCALE_OUTPUTS, write_checkout, write_outputs, write_results


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunStore, str, Path, Path]:
    base = tmp_path_factory.mktemp("pe_outputs")
    root = write_checkout(base / "checkout")
    import_checkout(root, base / "problems", only=["transform/00_transform_scale"])
    outputs = write_outputs(base / "outputs.json")
    results = write_results(base / "results.json")
    store = RunStore(base / "runs" / "runs.sqlite")
    run_id, info = import_outputs(store, outputs, base / "problems", timing=False)
    assert info.samples == len(SCALE_OUTPUTS) and info.problems == ("transform/00_transform_scale",)
    return store, run_id, outputs, results


def test_every_output_is_an_attempt_in_file_order(scored: tuple[RunStore, str, Path, Path]) -> None:
    store, run_id, _, _ = scored
    attempts = store.attempts(run_id, kind="edit")
    assert [a.sample for a in attempts] == [0, 1, 2, 3]
    by_sample = {a.sample: a.status.value for a in attempts}
    assert by_sample[0] == "pass"
    assert by_sample[1] in ("race", "wrong_output")
    assert by_sample[2] == "pass"  # correct serial code: correct
    assert by_sample[3] == "compile_error"
    code = store.candidate_code(attempts[0].problem_id, attempts[0].candidate_id or "")
    assert code is not None and SCALE_OUTPUTS[0].strip() in code and "void scaleAll(" in code
    summary = score_runs(store, [run_id], [1])[0].summary
    assert summary is not None


def test_labels_agreement_and_classes(scored: tuple[RunStore, str, Path, Path]) -> None:
    store, run_id, _, results = scored
    cmp = compare(store, run_id, read_verdicts(results))
    assert cmp.counts() == {
        "both pass": 1,
        "both fail": 1,
        "only ParEval passes": 1,
        "only ours pass": 1,
    }
    classes = {k: [p.sample for p in v] for k, v in cmp.classes().items() if v}
    assert classes.pop("serial") == [2]
    assert list(classes.values()) == [[1]] and next(iter(classes)) in ("race", "unseen_input")


def test_classify_each_class() -> None:
    ok = ParEvalVerdict(True, True, True, True)
    wrong = ParEvalVerdict(True, True, True, False)
    nobuild = ParEvalVerdict(True, False, False, False)
    norun = ParEvalVerdict(True, True, False, False)
    cases = [
        (Pair("p", 0, "race", ok, True), "race"),
        (Pair("p", 0, "wrong_output", ok, True), "unseen_input"),
        (Pair("p", 0, "timeout", ok, True), "timeout"),
        (Pair("p", 0, "compile_error", ok, True), "compile"),
        (Pair("p", 0, "pass", nobuild, True), "compile"),
        (Pair("p", 0, "pass", norun, True), "timeout"),
        (Pair("p", 0, "pass", wrong, True), "specification"),
        (Pair("p", 0, "pass", ParEvalVerdict(False, True, True, True), False), "serial"),
        (Pair("p", 0, "pass", ok, True), None),
        (Pair("p", 0, "wrong_output", wrong, True), None),
    ]
    for pair, want in cases:
        assert classify(pair) == want, pair


def test_parallel_source_ignores_comments_and_dead_code() -> None:
    assert is_parallel_source("#pragma omp parallel for\nfor(;;){}")
    assert is_parallel_source("int t = omp_get_num_threads ();")
    assert not is_parallel_source("// #pragma omp parallel for\nfor(;;){}")
    assert not is_parallel_source("/* #pragma omp parallel */ int x;")
    assert not is_parallel_source("#if 0\n#pragma omp parallel for\n#endif\nint x;")


def test_reading_formats(tmp_path: Path) -> None:
    outs = read_outputs(write_outputs(tmp_path / "o.json"))
    assert len(outs) == 1 and outs[0].problem_id == "transform/00_transform_scale"
    assert candidate_code(outs[0].prompt, outs[0].outputs[0]).count("void scaleAll(") == 1
    assert read_outputs(tmp_path / "o.json", model="mpi") == []
    # a results file also serves as an outputs file (its outputs are objects)
    assert read_outputs(write_results(tmp_path / "r.json"))[0].outputs == SCALE_OUTPUTS
    (tmp_path / "bad.json").write_text(json.dumps({"not": "a list"}))
    with pytest.raises(Exception, match="expected a JSON list"):
        read_outputs(tmp_path / "bad.json")


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = write_outputs(tmp_path / "o.json")
    (tmp_path / "empty").mkdir()
    code = main(["bench", "import-outputs", str(outputs), "--problems", str(tmp_path / "empty"),
                 "--run-dir", str(tmp_path / "runs")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "import the problems first" in err and "Traceback" not in err
    code = main(
        ["bench", "import-outputs", str(tmp_path / "nope.json"), "--problems", str(tmp_path)]
    )
    assert code == 2 and "no such file" in capsys.readouterr().err
    assert SCALE["name"] in outputs.read_text()


def test_problem_error_survives_a_process_boundary() -> None:
    """A reference failing inside a check worker reaches the campaign as the problem's fault
    (it used to break the process pool: the exception could not be unpickled)."""
    import pickle

    from parcodegen.errors import ProblemError

    err = pickle.loads(pickle.dumps(ProblemError("problem.toml: sizes.test", "fails on n=2")))
    assert isinstance(err, ProblemError) and str(err) == "problem.toml: sizes.test: fails on n=2"


def test_specification_vs_unseen_input(tmp_path: Path) -> None:
    """A translation prompt whose serial code differs from the baseline (it skips x[0]): an
    output that follows the serial code it was given is a specification difference; one
    wrong in its own way is wrong on an input ParEval never tried."""
    root = write_checkout(tmp_path / "checkout")
    import_checkout(root, tmp_path / "problems", only=["transform/00_transform_scale"])
    source = "void scaleAll(std::vector<double> &x, double a) {\n  for (size_t i = 1; i < x.size(); i++) x[i] *= a;\n}\n"
    follows = "\n#pragma omp parallel for\n  for (size_t i = 1; i < x.size(); i++) x[i] *= a;\n}\n"
    own = "\n#pragma omp parallel for\n  for (size_t i = 0; i < x.size(); i++) x[i] *= (i == 5 ? 2 * a : a);\n}\n"
    entry = {"problem_type": "transform", "language": "cpp", "name": SCALE["name"],
             "parallelism_model": "omp", "translation_src_model": "serial",
             "translation_dst_model": "omp", "translation_src_example": source,
             "translation_prompt": "// Serial implementation (commented out)\n\n#include <omp.h>\n" + SCALE["prompt"].split("*/\n", 1)[1],
             "outputs": [follows, own]}  # fmt: skip
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps([entry]))
    passed = {
        "is_source_valid": True,
        "did_build": True,
        "did_all_run": True,
        "are_all_valid": True,
    }
    results = tmp_path / "results.json"
    results.write_text(
        json.dumps(
            [dict(entry, outputs=[dict(passed, generated_output=o) for o in (follows, own)])]
        )
    )
    store = RunStore(tmp_path / "runs")
    run_id, _ = import_outputs(store, outputs, tmp_path / "problems", timing=False, race=False)
    (rec,) = read_outputs(outputs)
    assert rec.source_code == source
    pid = "transform/00_transform_scale"
    cmp = compare(store, run_id, read_verdicts(results), {pid: source},
                  {pid: tmp_path / "problems" / pid})  # fmt: skip
    classes = {k: [p.sample for p in v] for k, v in cmp.classes().items() if v}
    assert classes == {"specification": [0], "unseen_input": [1]}
