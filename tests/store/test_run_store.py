"""The SQLite run store: round trips, idempotent writes, read functions."""

from __future__ import annotations

import sqlite3

import pytest

from parcodegen.llm.base import LLMRequest, LLMResponse, Message, Usage
from parcodegen.store import RunStore
from parcodegen.store.manifest import make_manifest
from parcodegen.types import (
    Attempt,
    Episode,
    Measurement,
    RunState,
    Status,
    StepResult,
    StopKind,
    StopReason,
    Verdict,
)


def measurement(ref=1.0, cand=0.5, rs=0.02, cs=0.03):
    return Measurement((ref, ref), (cand, cand), ref, cand, rs, cs, threads=2, size=1000)


def verdict(status=Status.PASS, m=None):
    step = StepResult("compile", status is Status.PASS, None if status is Status.PASS else status,
                      "ok" if status is Status.PASS else "candidate.cpp:1: error: boom", "log",
                      0.1, data={"cached": True})  # fmt: skip
    return Verdict(status, (step,), m)


def attempt(turn, status=Status.PASS, sample=0, problem="p/one", cid="c1", speedup=None, **kw):
    return Attempt(run_id="r", episode=f"{problem}#{sample}", turn=turn, problem_id=problem,
                   sample=sample, strategy="parallel", stage="parallel", kind=kw.get("kind", "edit"),
                   action="initial", status=status, candidate_id=cid, speedup=speedup,
                   message="m", self_check=kw.get("self_check", False))  # fmt: skip


@pytest.fixture()
def store(tmp_path):
    s = RunStore(tmp_path)
    s.create_run(make_manifest("r", {"loop": {"strategy": "parallel"}}), identity="id1")
    yield s
    s.close()


def test_manifest_round_trip_and_find_by_identity(store):
    m = store.manifest("r")
    assert m.config == {"loop": {"strategy": "parallel"}}
    assert m.versions["parcodegen"] and m.machine["cores"] >= 1 and m.created
    assert store.find_run("id1") == "r" and store.find_run("other") is None
    store.set_run_state("r", RunState.STOPPED, StopReason(StopKind.BUDGET_TOKENS, "9 >= 8"))
    assert store.run("r")["state"] == "stopped"
    assert store.run("r")["stop_reason"] == "budget: tokens (9 >= 8)"
    with pytest.raises(ValueError):  # run states are a closed set
        store.set_run_state("r", "halted")  # type: ignore[arg-type]


def test_call_round_trip_is_idempotent_and_counts_usage(store):
    req = LLMRequest((Message("user", "hi"),), model="m", tags=(("problem", "p/one"),))
    resp = LLMResponse(("reply",), Usage(10, 5, 0.01), model="m")
    store.put_call("r", "p/one#0", 0, req, resp)
    store.put_call("r", "p/one#0", 0, req, LLMResponse(("other",), Usage(99, 99, 9.0)))
    got = store.get_call("r", "p/one#0", 0)
    assert got.texts == ("reply",) and got.usage == Usage(10, 5, 0.01)
    assert store.get_call("r", "p/one#0", 1) is None
    assert store.usage("r") == Usage(10, 5, 0.01)
    (row,) = store.calls("r")
    assert (
        row["request"]["tags"] == [["problem", "p/one"]] and row["request_key"] == req.cache_key()
    )


def test_attempt_round_trip_keeps_the_full_verdict_and_measurement(store):
    v = verdict(Status.PASS, measurement())
    store.put_attempt(attempt(0, speedup=2.0), v, "int f(){}")
    a, back = store.get_attempt("r", "p/one#0", 0)
    assert back == v
    assert a.speedup == 2.0 and a.status is Status.PASS
    assert store.candidate_code("p/one", "c1") == "int f(){}"


def test_no_duplicates_and_filters(store):
    store.put_attempt(attempt(0, Status.COMPILE_ERROR), verdict(Status.COMPILE_ERROR), "x")
    store.put_attempt(attempt(0, Status.PASS), verdict(), "x")  # a re-write is ignored
    store.put_attempt(
        attempt(1, Status.PASS, cid="c2", kind="self_check", self_check=True), verdict(), "y"
    )
    store.put_attempt(attempt(0, Status.RACE, sample=1, cid="c3"), verdict(Status.RACE), "z")
    store.put_attempt(
        attempt(0, Status.NO_CODE, problem="p/two", cid=None), verdict(Status.NO_CODE), None
    )
    assert [a.status for a in store.attempts("r", "p/one", 0)] == [
        Status.COMPILE_ERROR,
        Status.PASS,
    ]
    assert [a.sample for a in store.attempts("r", "p/one")] == [0, 0, 1]
    assert len(store.attempts("r")) == 4
    assert [a.turn for a in store.attempts("r", kind="self_check")] == [1]
    assert store.attempts("r", "p/one", 0)[1].self_check
    count = store.db.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
    assert count == 3  # no row for a reply without code


def test_episodes_and_results(store):
    e = Episode("r", "p/one#0", "p/one", 0, "parallel", "active")
    store.put_episode(e)
    store.put_episode(
        Episode("r", "p/one#0", "p/one", 0, "parallel", "done", "accepted 2.00x", "c1", 2.0, 3)
    )
    (back,) = store.episodes("r")
    assert back.state == "done" and back.attempts == 3 and back.best_speedup == 2.0
    store.put_result("r", "p/one", None, None, "no candidate passed")
    assert store.results("r")[0]["explanation"] == "no candidate passed"


def test_a_second_connection_sees_committed_rows(tmp_path):
    s = RunStore(tmp_path / "x.sqlite")
    s.create_run(make_manifest("r", {}), "i")
    s.put_attempt(attempt(0), verdict(), "code")
    other = sqlite3.connect(str(tmp_path / "x.sqlite"))
    assert other.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
    other.close()
    s.close()
