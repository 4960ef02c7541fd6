"""`parcodegen kb ...` end to end: ingest-pie, query, stats, reindex, add-run, add-seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.memory.kb import KnowledgeBase
from parcodegen.memory.seed_kb import recorded_seed_entries, seed_dirs

SLOW = (
    "long count_even(const std::vector<int>& v) {\n  long c = 0;\n"
    "  for (std::size_t i = 0; i < v.size(); ++i) if (v[i] % 2 == 0) c++;\n  return c;\n}\n"
)
FAST = (
    "long count_even(const std::vector<int>& v) {\n  long c = 0;\n"
    "  #pragma omp parallel for reduction(+:c)\n"
    "  for (long i = 0; i < (long)v.size(); ++i) c += v[i] % 2 == 0;\n  return c;\n}\n"
)
OTHER = "void fill(double* a, long n) {\n  for (long i = 0; i < n; ++i) a[i] = 0.5 * i;\n}\n"


def _pie_file(tmp_path: Path) -> Path:
    rows = [
        {
            "problem_id": "p1",
            "src_code": SLOW,
            "tgt_code": FAST,
            "src_agg_runtime": 3.0,
            "tgt_agg_runtime": 1.0,
        },
        {"problem_id": "p2", "input": OTHER, "target": OTHER + "// same", "speedup": 1.5},
        {"problem_id": "p3", "input": OTHER},
    ]
    path = tmp_path / "pie.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_ingest_query_stats(tmp_path, capsys):
    kb = str(tmp_path / "kb")
    assert main(["kb", "ingest-pie", str(_pie_file(tmp_path)), "--kb", kb]) == 0
    out = capsys.readouterr().out
    assert "kept 2, dropped 1" in out and "line 3: missing fast code" in out
    assert "stored 2 new entries" in out

    query = tmp_path / "q.cpp"
    query.write_text(SLOW.replace("count_even", "evens").replace("c", "k"))
    assert main(["kb", "query", str(query), "-L", "1", "--kb", kb]) == 0
    out = capsys.readouterr().out
    assert "family=p1" in out and "speedup 3.00" in out and "reduction(+:c)" in out

    exact = tmp_path / "exact.cpp"
    exact.write_text("/* the same */\n" + SLOW)
    assert main(["kb", "query", str(exact), "-L", "2", "--kb", kb, "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [e["family"] for e in got] == ["p2"]  # p1 is the query itself
    assert main(["kb", "query", str(exact), "--no-self-match", "--kb", kb, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["family"] == "p1"

    assert main(["kb", "stats", "--kb", kb, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["entries"] == 2 and stats["by_source"] == {"pie": 2}
    assert stats["embedder"]["embedder"] == "ngram" and stats["index"]["kind"] == "exact"
    assert main(["kb", "reindex", "--kind", "approx", "--kb", kb]) == 0
    assert "approx index of 2 vectors" in capsys.readouterr().out


def test_cli_errors(tmp_path, capsys):
    assert main(["kb", "ingest-pie", str(tmp_path / "none.jsonl"), "--kb", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    kb = str(tmp_path / "kb")
    KnowledgeBase.open(kb, "ngram", dim=128).close()
    q = tmp_path / "q.cpp"
    q.write_text(SLOW)
    assert main(["kb", "query", str(q), "--kb", kb, "--embedder", "openai"]) == 2
    assert "was built with embedder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["kb", "query", str(q), "--embedder", "ngramm"])


def test_add_run_reads_passing_faster_attempts(tmp_path, capsys):
    from parcodegen.store.run_store import RunStore
    from parcodegen.types import (
        Attempt,
        Measurement,
        RunManifest,
        Status,
        Verdict,
        content_hash,
    )
    from parcodegen.problems.load import load_problem

    problem = load_problem(seed_dirs(names=["count_in_circle"])[0])
    store = RunStore(tmp_path / "run")
    store.create_run(
        RunManifest(
            "r1",
            "2026-01-01T00:00:00+00:00",
            {},
            {"g++": "g++ 12"},  # the key manifests write
            {"cpu": "Test CPU", "cores": 2},
        ),
        "ident",
    )
    store.add_problem("r1", problem)
    good, slow_pass, bad = "// good\n" + FAST, "// slower\n" + FAST, "// bad\n" + FAST
    meas = Measurement((1.0,), (0.5,), 1.0, 0.5, 0, 0, 2, 10)
    for turn, (code, status, speed) in enumerate(
        [(good, Status.PASS, 2.0), (slow_pass, Status.PASS, 0.9), (bad, Status.RACE, None)]
    ):
        att = Attempt(
            "r1",
            f"{problem.id}#0",
            turn,
            problem.id,
            0,
            "parallel",
            "parallel",
            "edit",
            "initial",
            status,
            content_hash(code),
            None,
            speed,
        )
        store.put_attempt(att, Verdict(status, (), meas if speed else None), code)
    store.close()
    kb = str(tmp_path / "kb")
    assert main(["kb", "add-run", str(tmp_path / "run"), "--kb", kb]) == 0
    assert "found 1 verified faster candidates; stored 1 new" in capsys.readouterr().out
    with KnowledgeBase.open(kb) as base:
        (entry,) = base.entries()
    assert entry.source == "run" and entry.verified and entry.raw_speedup == 2.0
    assert entry.fast_code == good and entry.slow_code == problem.reference_code
    assert entry.hardware == "Test CPU (2 cores), 2 threads" and entry.compiler == "g++ 12"
    assert main(["kb", "add-run", str(tmp_path / "run"), "--kb", kb]) == 0
    assert "stored 0 new (1 already present)" in capsys.readouterr().out


def test_packaged_seeds_are_valid_problems():
    from parcodegen.problems.load import load_problem

    dirs = seed_dirs()
    assert len(dirs) >= 40
    for d in dirs:
        problem = load_problem(d)
        assert problem.function in (d / "fast.cpp").read_text()
    entries = recorded_seed_entries()
    assert len({e.id for e in entries}) == len(dirs)
    assert all(e.source == "seed" and e.family.startswith("seed/") for e in entries)


def test_default_kb_is_built_from_seeds_on_first_use(tmp_path, monkeypatch):
    monkeypatch.setenv("PARCODEGEN_KB", str(tmp_path / "default"))
    kb = KnowledgeBase.open()
    try:
        assert len(kb) == len(seed_dirs())
        query = (seed_dirs(names=["decade_buckets"])[0] / "reference.cpp").read_text()
        hits = kb.retrieve(query.replace("buckets", "bins"), k=2, self_match=False)
        assert hits[0].family == "seed/decade_buckets"
        assert all(h.family != "seed/decade_buckets" for h in kb.retrieve(query, k=2))
    finally:
        kb.close()


def test_add_seed_verifies_a_few_seeds(tmp_path, capsys):
    kb = str(tmp_path / "kb")
    names = ["count_in_circle", "small_table_lookup"]
    code = main(["kb", "add-seed", *names, "--kb", kb, "--reps", "1", "--threads", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count(" pass  speedup ") == 2
    with KnowledgeBase.open(kb) as base:
        entries = {e.family: e for e in base.entries()}
    assert set(entries) == {f"seed/{n}" for n in names}
    for e in entries.values():
        assert e.verified and e.raw_speedup > 0 and "cores)" in e.hardware
        assert e.compiler and e.slow_tokens > 0
        assert e.machine is not None and e.machine.usable_cpus >= 1 and e.machine.openmp
    assert main(["kb", "add-seed", *names, "--kb", kb]) == 0
    assert out.count("already in the KB") == 0
    assert capsys.readouterr().out.count("already in the KB") == 2


def test_add_seed_reports_a_wrong_fast_version(tmp_path, capsys):
    seed = seed_dirs(names=["count_in_circle"])[0]
    bad = tmp_path / "seeds" / "broken_circle"
    bad.mkdir(parents=True)
    for f in ("problem.toml", "reference.cpp"):
        (bad / f).write_text((seed / f).read_text())
    (bad / "fast.cpp").write_text((seed / "fast.cpp").read_text().replace("<= 1.0", "< 0.5"))
    code = main(
        [
            "kb",
            "add-seed",
            "--seeds-dir",
            str(tmp_path / "seeds"),
            "--kb",
            str(tmp_path / "kb"),
            "--no-race",
            "--reps",
            "1",
        ]
    )
    assert code == 1
    assert "WRONG_OUTPUT" in capsys.readouterr().out


@pytest.mark.slow
def test_add_seed_all(tmp_path, capsys):
    assert main(["kb", "add-seed", "--kb", str(tmp_path / "kb"), "--reps", "3"]) == 0
    with KnowledgeBase.open(tmp_path / "kb") as base:
        assert len(base) == len(seed_dirs()) and all(e.verified for e in base.entries())
