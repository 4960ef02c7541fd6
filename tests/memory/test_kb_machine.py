"""Knowledge-base entries carry the machine they were measured on; old KB files migrate;
rag prompts state the target machine; bench reports show each run's machine.

Real SQLite KB files (a schema-1 file made by dropping the new column of a real one),
the real prompt templates through the agent loop with a scripted backend, and a real
run store rendered to Markdown and HTML.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from parcodegen.agent.config import Budget, LoopConfig
from parcodegen.agent.loop import Loop
from parcodegen.jobs.bench import write_report
from parcodegen.llm.scripted import ScriptedBackend
from parcodegen.machine import profile
from parcodegen.memory.entry import KBEntry, measured_entry
from parcodegen.memory.kb import DB_FILE, KnowledgeBase
from parcodegen.memory.pairs_db import SCHEMA_VERSION, profile_from_label
from parcodegen.problems.load import load_problem
from parcodegen.store import RunStore
from parcodegen.types import MachineProfile, RunManifest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "problems"
VSUM = FIXTURES / "agent_vsum"
PROFILE = MachineProfile(cpu_model="Test CPU 9000", logical_cpus=8, physical_cores=4,
                         usable_cpus=6, caches=("L1d 48K", "L2 2048K", "L3 32768K"),
                         memory_mb=16384, compiler="g++ (Test) 13.2", openmp="OpenMP 4.5 (201511), libgomp.so.1.0.0",
                         governor="performance", kernel="6.1")  # fmt: skip
SLOW = "double total(const double* v, long n) { double t = 0; for (long i = 0; i < n; ++i) t += v[i]; return t; }"
FAST = "double total(const double* v, long n) { double t = 0;\n#pragma omp parallel for reduction(+:t)\nfor (long i = 0; i < n; ++i) t += v[i]; return t; }"


def entry(machine: MachineProfile | None, family: str = "sum", hardware: str = "") -> KBEntry:
    return KBEntry.make(family=family, slow_code=SLOW.replace("t += v", f"t += 0 * {len(family)} + v"), fast_code=FAST,
                        raw_speedup=2.5, source="seed", hardware=hardware, compiler="g++ 12",
                        machine=machine)  # fmt: skip


def test_an_entry_keeps_its_machine_profile_through_the_kb(tmp_path):
    with KnowledgeBase.open(tmp_path / "kb", "ngram") as kb:
        kb.add([entry(PROFILE, "with"), entry(None, "without")])
    with KnowledgeBase.open(tmp_path / "kb") as kb:
        got = {e.family: e for e in kb.entries()}
        hit = kb.retrieve(SLOW, k=2, self_match=False)
    assert got["with"].machine == PROFILE and got["without"].machine is None
    assert {e.family: e.machine for e in hit} == {"with": PROFILE, "without": None}
    d = got["with"].to_dict()
    assert json.loads(json.dumps(d))["machine"]["caches"] == list(PROFILE.caches)


def test_a_schema_1_kb_file_is_migrated_with_what_its_hardware_lines_say(tmp_path):
    path = tmp_path / "kb"
    with KnowledgeBase.open(path, "ngram") as kb:
        kb.add([entry(None, "xeon", "Intel Xeon Gold 6130 (2 cores), 2 threads"),
                entry(None, "bare", "AMD EPYC 7B13"), entry(None, "none", "")])  # fmt: skip
    conn = sqlite3.connect(path / DB_FILE)  # back to schema 1: no machine column
    conn.execute("ALTER TABLE entries DROP COLUMN machine")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with KnowledgeBase.open(path) as kb:
        got = {e.family: e.machine for e in kb.entries()}
        assert kb.db.get_meta("schema_version") == SCHEMA_VERSION == 2
    assert got["xeon"] == MachineProfile(cpu_model="Intel Xeon Gold 6130", usable_cpus=2,
                                         compiler="g++ 12")  # fmt: skip
    assert got["bare"] == MachineProfile(cpu_model="AMD EPYC 7B13", compiler="g++ 12")
    assert got["none"] is None  # nothing known: nothing made up
    assert profile_from_label("  ", "g++") is None


def test_a_measured_entry_names_the_measurements_machine_else_the_runs(tmp_path):
    manifest = RunManifest("r", "2026-01-01T00:00:00+00:00", {}, {"g++": "g++ 12"},
                           {"cpu": "Manifest CPU", "cores": 2,
                            "profile": MachineProfile(cpu_model="Manifest CPU").to_dict()})  # fmt: skip
    own = measured_entry(family="f", slow_code=SLOW, fast_code=FAST, speedup=2.0, source="run",
                         manifest=manifest, threads=2, machine=PROFILE)  # fmt: skip
    run = measured_entry(family="f", slow_code=SLOW, fast_code=FAST, speedup=2.0, source="run",
                         manifest=manifest, threads=2)  # fmt: skip
    bare = measured_entry(family="f", slow_code=SLOW, fast_code=FAST, speedup=2.0, source="run",
                          manifest=None)  # fmt: skip
    assert own.machine == PROFILE and run.machine == MachineProfile(cpu_model="Manifest CPU")
    assert bare.machine is None


def _first_prompt(strategy: str, kb: KnowledgeBase, tmp_path: Path) -> str:
    store = RunStore(tmp_path / strategy)
    backend = ScriptedBackend(["```cpp\ndouble vsum() { return 0; }\n```"])
    config = LoopConfig(strategy=strategy, timing=False, race=False, rag_k=1,
                        budget=Budget(max_iters=1))  # fmt: skip
    Loop([load_problem(VSUM)], backend, store.recorder("r"), config, run_id="r",
         retriever=lambda code, k, sm: kb.retrieve(code, k=k, self_match=sm)).run()  # fmt: skip
    store.close()
    return backend.requests[0].messages[-1].content


def test_rag_prompts_state_the_target_machine_and_where_each_example_was_measured(tmp_path):
    here = profile()
    with KnowledgeBase.open(tmp_path / "kb", "ngram") as kb:
        kb.add([entry(PROFILE, "sum", hardware="Test CPU 9000 (6 cores), 2 threads")])
        for strategy in ("rag", "rag+self-match"):
            text = _first_prompt(strategy, kb, tmp_path)
            assert "compiled and timed on this machine: " in text, strategy
            assert f"{here.logical_cpus} hardware threads ({here.usable_cpus} usable)" in text
            assert here.compiler in text and f"OpenMP {here.openmp}" in text
            assert "on Test CPU 9000 (6 cores), 2 threads)" in text  # the example's machine
        plain = _first_prompt("parallel", kb, tmp_path)
    assert "timed on this machine" not in plain  # only strategies that ask for it


def test_bench_report_shows_each_runs_machine_profile(tmp_path):
    store = RunStore(tmp_path / "runs")
    config = {"loop": {"strategy": "parallel", "model": "m", "backend": "scripted", "samples": 1},
              "campaign": {"mode": "single"}}  # fmt: skip
    store.create_run(RunManifest("new", "2026-01-01T00:00:00+00:00", config, {},
                                 {"cpu": "Test CPU 9000", "cores": 6, "loadavg": 0.25,
                                  "profile": PROFILE.to_dict()}), "new-id")  # fmt: skip
    store.create_run(RunManifest("old", "2026-01-01T00:00:00+00:00", config, {},
                                 {"cpu": "Old CPU", "cores": 2}), "old-id")  # fmt: skip
    paths = write_report(store, ["new", "old"], [1], tmp_path / "out")
    store.close()
    md, page = paths["markdown"].read_text(), paths["html"].read_text()
    assert "## Machine profile" in md
    section = md.split("## Machine profile", 1)[1].split("\n## ", 1)[0].splitlines()
    row = next(line for line in section if line.startswith("| new |"))
    for part in ("Test CPU 9000", "4 / 8 (6)", "L1d 48K, L2 2048K, L3 32768K", "16 GiB",
                 "g++ (Test) 13.2", "libgomp", "performance", "0.25"):  # fmt: skip
        assert part in row, part
    old = next(line for line in section if line.startswith("| old |"))
    assert "Old CPU" in old and "? / ? (2)" in old  # an old manifest: what it says, no more
    assert "Machine profile" in page and "Test CPU 9000" in page and "4 / 8 (6)" in page
