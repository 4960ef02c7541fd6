"""The agent loop end to end with the scripted backend, real verification and a real store.

Timing is off except where speed is the point (and no test asserts a speed).
"""

from __future__ import annotations

import pytest
from agent_snippets import (
    NO_CODE,
    VSCALE,
    VSCALE_COMPILE_ERROR,
    VSCALE_GOOD,
    VSCALE_RACE,
    VSCALE_SLOW,
    VSUM,
    VSUM_GOOD,
    VSUM_HANG,
    VSUM_WRONG,
)

from parcodegen.agent.config import Budget, LoopConfig
from parcodegen.agent.loop import Loop
from parcodegen.errors import BackendError
from parcodegen.llm.scripted import ScriptedBackend
from parcodegen.problems.load import load_problem
from parcodegen.store import RunStore
from parcodegen.types import EpisodeStatus, Status, StopKind, StopReason


@pytest.fixture()
def store(tmp_path):
    s = RunStore(tmp_path / "runs")
    yield s
    s.close()


def run_loop(store, problems, script, run_id="r", **cfg):
    budget = Budget(**cfg.pop("budget", {"max_iters": 4}))
    cfg.setdefault("timing", False)
    config = LoopConfig(budget=budget, **cfg)
    backend = ScriptedBackend(script)
    result = Loop(problems, backend, store.recorder(run_id), config, run_id=run_id).run()
    return result, backend


def statuses(store, run_id="r"):
    return [a.status for a in store.attempts(run_id)]


def test_compile_error_then_fix_feeds_the_compiler_error_back(store):
    p = load_problem(VSCALE)
    result, backend = run_loop(store, [p], [VSCALE_COMPILE_ERROR, VSCALE_GOOD])
    assert statuses(store) == [Status.COMPILE_ERROR, Status.PASS]
    second = backend.requests[1].messages[-1].content
    assert "does not compile" in second
    assert "error: expected" in second  # the compiler's own message
    assert "/tmp/" not in second  # paths stripped
    assert backend.requests[1].messages[-2].role == "assistant"
    # timing off: a pass cannot be claimed faster, so the original is kept and says why
    pr = result.results[0]
    assert not pr.improved and pr.code == p.reference_code
    assert "timing off" in pr.choice.explanation


def test_race_then_fix(store):
    result, backend = run_loop(store, [load_problem(VSCALE)], [VSCALE_RACE, VSCALE_GOOD], race=True)
    assert statuses(store) == [Status.RACE, Status.PASS]
    assert "data race" in backend.requests[1].messages[-1].content


def test_wrong_result_then_fix_shows_expected_and_actual(store):
    result, backend = run_loop(store, [load_problem(VSUM)], [VSUM_WRONG, VSUM_GOOD], race=False)
    assert statuses(store) == [Status.WRONG_OUTPUT, Status.PASS]
    fb = backend.requests[1].messages[-1].content
    assert "different result" in fb and "expected" in fb and "got" in fb


def test_no_code_then_timeout_is_a_verdict(store):
    _, backend = run_loop(store, [load_problem(VSUM)], [NO_CODE, VSUM_HANG, VSUM_GOOD], race=False)
    assert statuses(store) == [Status.NO_CODE, Status.TIMEOUT, Status.PASS]
    assert "did not finish" in backend.requests[2].messages[-1].content
    no_code = store.attempts("r")[0]
    assert no_code.candidate_id is None


def test_regenerate_policy_sends_a_plain_retry(store):
    _, backend = run_loop(
        store, [load_problem(VSCALE)], [VSCALE_COMPILE_ERROR, VSCALE_GOOD], feedback="regenerate"
    )
    first, second = backend.requests
    assert [m.content for m in second.messages] == [m.content for m in first.messages]
    assert second.seed != first.seed
    assert store.attempts("r")[1].action == "regenerate"


def test_attempt_budget_stops_cleanly_with_a_reason(store):
    result, _ = run_loop(store, [load_problem(VSCALE)], [VSCALE_COMPILE_ERROR] * 5,
                         budget={"max_iters": 2})  # fmt: skip
    assert len(store.attempts("r")) == 2
    (ep,) = store.episodes("r")
    assert ep.state == "stopped" and "attempts" in ep.stop_reason
    assert "no candidate passed" in result.results[0].choice.explanation


def test_token_budget_stops_the_run(store):
    result, backend = run_loop(store, [load_problem(VSCALE)], [VSCALE_COMPILE_ERROR] * 5,
                               budget={"max_iters": 5, "max_tokens": 10})  # fmt: skip
    assert len(backend.requests) == 1  # the first call used more than 10 tokens
    assert result.stop is not None and result.stop.kind is StopKind.BUDGET_TOKENS
    assert result.stop.budget_spent and not result.stop.is_fault
    assert result.stop_reason.startswith("budget: tokens (")
    assert store.episodes("r")[0].state is EpisodeStatus.STOPPED


def test_cost_and_wall_budgets_stop_the_run(store):
    p = load_problem(VSCALE)
    config = LoopConfig(timing=False, budget=Budget(max_iters=5, max_cost=1e-9))
    prices = {"scripted": (1.0, 1.0)}  # USD per 1M prompt / completion tokens
    backend = ScriptedBackend([VSCALE_COMPILE_ERROR] * 5, prices=prices)
    result = Loop([p], backend, store.recorder("c"), config, run_id="c").run()
    assert result.stop is not None and result.stop.kind is StopKind.BUDGET_COST
    assert len(backend.requests) == 1
    config = LoopConfig(timing=False, budget=Budget(max_iters=5, max_wall_s=0.0))
    backend = ScriptedBackend([VSCALE_COMPILE_ERROR])
    result = Loop([p], backend, store.recorder("w"), config, run_id="w").run()
    assert result.stop is not None and result.stop.kind is StopKind.BUDGET_WALL
    assert not result.stop.budget_spent and backend.requests == []
    assert "no candidate was produced" in result.results[0].choice.explanation


def test_backend_error_stops_the_run_and_is_not_an_attempt(store):
    # one reply, then the script runs dry: a BackendError, never shown to the model
    result, _ = run_loop(store, [load_problem(VSCALE)], [VSCALE_COMPILE_ERROR])
    assert result.stop is not None and result.stop.kind is StopKind.BACKEND_ERROR
    assert result.stop.is_fault and result.stop_reason.startswith("backend error: ")
    assert statuses(store) == [Status.COMPILE_ERROR]
    assert len(store.calls("r")) == 1


def test_one_batch_per_round_over_many_episodes(store):
    problems = [load_problem(VSCALE), load_problem(VSUM)]
    script = {
        "fixture/agent_vscale": [VSCALE_COMPILE_ERROR, VSCALE_GOOD, VSCALE_GOOD],
        "fixture/agent_vsum": [VSUM_GOOD, VSUM_GOOD],
    }
    sizes = []

    class Counting(ScriptedBackend):
        def generate(self, requests):
            sizes.append(len(requests))
            return super().generate(requests)

    config = LoopConfig(samples=2, timing=False, race=False, budget=Budget(max_iters=3))
    backend = Counting(script)
    Loop(problems, backend, store.recorder("b"), config, run_id="b").run()
    # round 1: 4 episodes at once; then only the vscale episode that failed
    assert sizes[0] == 4
    assert sum(sizes) == len(store.attempts("b"))
    for r in backend.requests:
        tags = dict(r.tags)
        assert {"problem", "function", "strategy"} <= set(tags)
        assert tags["strategy"] == "parallel"


def test_self_check_is_stored_as_its_own_flagged_attempts(store):
    script = [VSCALE_RACE, "Not equivalent: `touched` is written by every thread.\n" + VSCALE_GOOD]
    result, backend = run_loop(store, [load_problem(VSCALE)], script, self_check=True)
    draft, revision = store.attempts("r")
    assert (draft.kind, draft.self_check, draft.status) == ("edit", False, Status.RACE)
    assert (revision.kind, revision.self_check, revision.status) == (
        "self_check",
        True,
        Status.PASS,
    )
    assert revision.parent_id == draft.candidate_id
    ask = backend.requests[1].messages[-1].content
    assert "functionally equivalent" in ask and "example inputs" in ask
    assert "rejected" not in ask and "race detector" not in ask  # draft verdict withheld
    ((d, r),) = store.self_check_pairs("r")  # the effect, read back from the store
    assert (d.status, r.status) == (Status.RACE, Status.PASS)


def test_multi_stage_parallelizes_the_verified_serial_result(store):
    serial = VSUM_GOOD.replace("#pragma omp parallel for reduction(+:s)", "// unrolled later")
    _, backend = run_loop(store, [load_problem(VSUM)], [serial, VSUM_GOOD],
                          strategy="multi-stage", race=False)  # fmt: skip
    stages = [a.stage for a in store.attempts("r")]
    assert stages == ["serial", "parallel"]
    first, second = (r.messages[-1].content for r in backend.requests)
    assert "without parallelism" in first
    assert "// unrolled later" in second and "already been verified" in second


def test_slower_candidate_keeps_the_original(store):
    p = load_problem(VSCALE)
    result, _ = run_loop(store, [p], [VSCALE_SLOW], timing=True, timing_reps=3, threads=1,
                         race=False, budget={"max_iters": 1})  # fmt: skip
    (a,) = store.attempts("r")
    assert a.status is Status.PASS and a.speedup is not None
    pr = result.results[0]
    assert not pr.improved and pr.code == p.reference_code
    assert "original is kept" in pr.choice.explanation
    stored = store.verdict("r", a.episode, a.turn)
    assert stored.measurement is not None  # the measurement itself is stored
    assert store.results("r")[0]["candidate_id"] is None


def test_scripted_backend_error_class_is_backend_error():
    with pytest.raises(BackendError):
        ScriptedBackend([]).generate(
            [__import__("parcodegen.llm.base", fromlist=["x"]).LLMRequest(())]
        )


def test_reset_after_consecutive_failures_goes_back_to_the_original_prompt(store):
    _, backend = run_loop(store, [load_problem(VSCALE)], [VSCALE_COMPILE_ERROR] * 3 + [VSCALE_GOOD],
                          budget={"max_iters": 4})  # fmt: skip
    first, *_, fourth = backend.requests
    assert [m.content for m in fourth.messages] == [m.content for m in first.messages]
    assert [a.action for a in store.attempts("r")] == ["initial", "feedback", "feedback", "reset"]


def test_harness_failure_stops_the_run_and_is_never_an_attempt(store):
    from parcodegen.errors import InfraError

    def broken_harness(problem, candidate, options):
        raise InfraError("compiler not found")

    config = LoopConfig(timing=False, budget=Budget(max_iters=3))
    backend = ScriptedBackend([VSCALE_GOOD, VSCALE_GOOD])
    result = Loop([load_problem(VSCALE)], backend, store.recorder("i"), config, run_id="i",
                  verify_fn=broken_harness).run()  # fmt: skip
    assert result.stop == StopReason(StopKind.INFRA_ERROR, "compiler not found")
    assert result.stop_reason == "infrastructure error: compiler not found"
    assert store.attempts("i") == [] and len(store.calls("i")) == 1  # the reply is kept for resume
    assert len(backend.requests) == 1
