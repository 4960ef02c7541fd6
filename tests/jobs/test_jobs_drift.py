"""The duplicates that had drifted apart, each fixed in one place and pinned here:
suite discovery honours PARCODEGEN_SUITE_DIR in every command; kb add-run and synth
exports name the machine and compiler of the run that MEASURED (its manifest), and a
campaign's manifest holds what they read."""

from __future__ import annotations

import json
import platform
import shutil
from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.jobs.kb import run_entries
from parcodegen.problems.load import load_problem
from parcodegen.problems.suite import SUITE_ENV, suite_dir, suite_problems
from parcodegen.store import RunStore
from parcodegen.store.manifest import tool_version
from parcodegen.types import Attempt, Candidate, Measurement, RunManifest, Status, Verdict

PID = "reduce/count_primes"
CPU, CORES, GXX = "Measuring CPU 9000", 64, "g++ (Measuring) 99.1"


def private_suite(tmp: Path) -> Path:
    """A one-problem suite outside the repository."""
    root = tmp / "other-suite"
    shutil.copytree(suite_dir("builtin") / PID, root / PID)
    return root


def no_code_script(tmp: Path) -> Path:
    script = tmp / "script.json"
    script.write_text(json.dumps(["no code in this reply"]))
    return script


def stored_directories(run_dir: Path) -> set[str]:
    with RunStore(run_dir) as store:
        return {p["directory"] for r in store.runs() for p in store.problems(r["run_id"])}


def test_suite_discovery_reads_the_environment(tmp_path: Path, monkeypatch) -> None:
    root = private_suite(tmp_path)
    monkeypatch.setenv(SUITE_ENV, str(root))
    assert [p.id for p in suite_problems("builtin")] == [PID]
    assert all(Path(p.directory).is_relative_to(root) for p in suite_problems())


@pytest.mark.parametrize("command", ["bench", "synth"])
def test_bench_run_and_synth_honour_the_suite_dir(tmp_path: Path, monkeypatch, capsys,
                                                  command: str) -> None:  # fmt: skip
    root = private_suite(tmp_path)
    monkeypatch.setenv(SUITE_ENV, str(root))
    runs = tmp_path / "runs"
    common = ["--backend", "scripted", "--script", str(no_code_script(tmp_path)),
              "--no-timing", "--no-race", "--run-dir", str(runs)]  # fmt: skip
    if command == "bench":
        assert main(["bench", "run", *common]) == 0
    else:
        assert main(["synth", *common, "--out", str(tmp_path / "out")]) == 0
    dirs = stored_directories(runs)
    assert dirs and all(Path(d).is_relative_to(root) for d in dirs), dirs


def measured_store(tmp_path: Path) -> tuple[RunStore, str]:
    """A run measured on another machine: one verified 1.8x candidate of PID."""
    problem = load_problem(suite_dir() / PID)
    store = RunStore(tmp_path / "runs")
    config = {"loop": {"strategy": "parallel", "backend": "scripted", "model": "m"}}
    store.create_run(RunManifest("r1", "2026-01-01T00:00:00+00:00", config, {"g++": GXX},
                                 {"cpu": CPU, "cores": CORES}), "identity-r1")  # fmt: skip
    store.add_problem("r1", problem)
    code = problem.reference_code.replace("long count = 0;", "long count = 0;  // faster")
    cand = Candidate(code)
    m = Measurement((1.8,), (1.0,), 1.8, 1.0, 0.01, 0.01, threads=2, size=1000)
    attempt = Attempt(run_id="r1", episode=f"{PID}#0", turn=0, problem_id=PID, sample=0,
                      strategy="parallel", stage="parallel", kind="edit", action="initial",
                      status=Status.PASS, candidate_id=cand.id, speedup=m.speedup)  # fmt: skip
    store.put_attempt(attempt, Verdict(Status.PASS, (), m), code)
    return store, "r1"


def test_kb_add_run_names_the_measuring_machine_and_compiler(tmp_path: Path) -> None:
    store, _ = measured_store(tmp_path)
    store.close()
    entries, notes = run_entries(tmp_path / "runs")
    assert notes == [] and len(entries) == 1
    assert entries[0].hardware == f"{CPU} ({CORES} cores), 2 threads"
    assert entries[0].compiler == GXX  # the key manifests write ("g++"), not a made-up one


def test_synth_export_names_the_measuring_machine_not_the_exporter(tmp_path: Path) -> None:
    from parcodegen.synth.selfplay import export

    store, rid = measured_store(tmp_path)
    out = export(store, [rid], tmp_path / "out", keep=1.0, min_speedup=1.0)
    store.close()
    rows = [json.loads(x) for x in Path(out.paths["kb_entries"]).read_text().splitlines()]
    assert len(rows) == 1
    assert rows[0]["hardware"] == f"{CPU} ({CORES} cores), 2 threads"
    assert rows[0]["compiler"] == GXX
    assert platform.node() not in rows[0]["hardware"]
    # one conversion for both: the same fields, token counts included
    (run_entry,) = run_entries(tmp_path / "runs")[0]
    assert {k: rows[0][k] for k in ("hardware", "compiler", "slow_tokens", "fast_tokens")} == {
        k: getattr(run_entry, k) for k in ("hardware", "compiler", "slow_tokens", "fast_tokens")
    }
    assert rows[0]["fast_tokens"] > 0


def test_a_campaign_manifest_holds_what_the_readers_read(tmp_path: Path, capsys) -> None:
    runs = tmp_path / "runs"
    assert main(["bench", "run", "--backend", "scripted", "--script",
                 str(no_code_script(tmp_path)), "--problems", PID, "--no-timing",
                 "--no-race", "--run-dir", str(runs)]) == 0  # fmt: skip
    with RunStore(runs) as store:
        (row,) = store.runs()
        manifest = store.manifest(row["run_id"])
    assert manifest is not None
    assert manifest.compiler == tool_version("g++") != ""
    assert manifest.hardware.endswith("cores)")
    assert manifest.config["backend"]["name"] == "scripted"
    assert manifest.config["loop"]["strategy"] == "parallel"


def test_this_machine_is_named_alike_measured_here_or_read_from_a_manifest() -> None:
    """kb add-seed names the machine it measures on; kb add-run and synth read the machine
    a run manifest recorded: on the same machine both say the same thing."""
    from parcodegen.memory.seed_kb import hardware_description
    from parcodegen.store.manifest import machine

    here = RunManifest("r", "2026-01-01T00:00:00+00:00", {}, {}, machine())
    assert here.hardware == hardware_description()
    assert hardware_description().endswith("cores)")
