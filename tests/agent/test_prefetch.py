"""Checks start while a round's replies are still arriving (ExecutorEvaluator.prefetch).

A streaming backend hands back the first reply, then holds the rest until that reply's
correctness check has finished: only a loop that checks each reply as it arrives gets
past the wait. Each attempt is stored the moment its verdict is final, before the round
ends. Real verification, real run store.
"""

from __future__ import annotations

import time
from pathlib import Path

from parcodegen.agent.config import Budget, LoopConfig
from parcodegen.agent.executors import ExecutorEvaluator, LocalExecutor
from parcodegen.agent.loop import Loop
from parcodegen.llm.base import LLMResponse
from parcodegen.problems.load import load_problem
from parcodegen.store import RunStore
from parcodegen.types import Status

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "reduction"


class FirstThenRest:
    name = "first-then-rest"

    def __init__(self, replies: list[str], evaluator: ExecutorEvaluator, wait_s: float = 120.0,
                 stored=lambda: 0):  # fmt: skip
        self.replies, self.evaluator, self.wait_s = replies, evaluator, wait_s
        self.first_check_done_before_rest: bool | None = None
        self.stored, self.stored_before_rest = stored, -1

    def generate_iter(self, requests):
        yield 0, LLMResponse(texts=(self.replies[0],))
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            started = list(self.evaluator._checks.values())
            if started and all(f.done() for f in started):
                break
            time.sleep(0.05)
        started = list(self.evaluator._checks.values())
        self.first_check_done_before_rest = bool(started) and all(f.done() for f in started)
        while self.stored() == 0 and time.monotonic() < deadline:  # the callback stores it
            time.sleep(0.05)
        self.stored_before_rest = self.stored()
        for i in range(1, len(requests)):
            yield i, LLMResponse(texts=(self.replies[i],))


def test_checks_start_as_replies_arrive(tmp_path: Path) -> None:
    problem = load_problem(EXAMPLE)
    good = (EXAMPLE / "candidates" / "good.cpp").read_text()
    wrong = (EXAMPLE / "candidates" / "bad_wrong.cpp").read_text()
    replies = [f"```cpp\n{good}\n```", f"```cpp\n{wrong}\n```", "no code"]
    config = LoopConfig(samples=3, timing=False, race=False, budget=Budget(max_iters=1))
    with LocalExecutor(2, threads=True) as ex, RunStore(tmp_path / "runs") as store:
        evaluator = ExecutorEvaluator(ex, {"timing": False, "race": False})
        backend = FirstThenRest(replies, evaluator, stored=lambda: len(store.attempts("r")))
        result = Loop([problem], backend, store.recorder("r"), config, run_id="r",
                      evaluator=evaluator).run()  # fmt: skip
        statuses = sorted((a.sample, a.status) for a in store.attempts("r"))
    assert backend.first_check_done_before_rest is True
    # the first attempt was stored as its check returned, before the round's other replies
    assert backend.stored_before_rest == 1
    assert result.stop_reason == ""
    assert statuses == [(0, Status.PASS), (1, Status.WRONG_OUTPUT), (2, Status.NO_CODE)]
    assert evaluator._checks == {}  # every prefetched check was collected
