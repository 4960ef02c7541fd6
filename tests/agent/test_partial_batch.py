"""A batch that fails part-way keeps every reply that arrived: stored in the run, in the
response cache and in the recording, so the re-run asks only for what was lost.

Real HTTP (the fake OpenAI server on 127.0.0.1), the real run store and CLI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from parcodegen.cli.main import main
from parcodegen.llm.cache import CachedBackend
from parcodegen.llm.fake_server import FakeServer
from parcodegen.store import RunStore

NO_CODE = "I cannot parallelize this safely."
SAMPLES = 6


def stored_calls(run_dir: Path) -> int:
    with RunStore(run_dir) as store:
        (run,) = store.runs()
        return store.db.execute("SELECT COUNT(*) FROM calls WHERE run_id = ?",
                                (run["run_id"],)).fetchone()[0]  # fmt: skip


def test_a_failing_batch_keeps_the_replies_that_arrived(tmp_path: Path, capsys) -> None:
    runs, record = tmp_path / "runs", tmp_path / "calls.jsonl"
    with FakeServer(reply_fn=lambda _body: NO_CODE) as server:
        args = ["bench", "run", "--backend", "openai", "--model", "fake-model", "--base-url",
                server.url, "--problems", "reduce/count_primes", "--samples", str(SAMPLES),
                "--no-timing", "--no-race", "--run-dir", str(runs), "--record", str(record)]  # fmt: skip
        # one of the six concurrent requests fails (not retryable), late enough that the
        # other five are in flight: they are answered, and must all be kept
        server.fail_next("unauthorized", seconds=2.0)
        assert main(args) == 2
        out = capsys.readouterr().out
        assert "stopped: backend error" in out and "401" in out
        assert len(server.chat_requests()) == SAMPLES
        # the five replies that came back are kept everywhere
        assert stored_calls(runs) == SAMPLES - 1
        assert len(record.read_text().splitlines()) == SAMPLES - 1
        cache = CachedBackend(server, Path(os.environ["PARCODEGEN_LLM_CACHE"]))
        try:
            assert len(cache) == SAMPLES - 1
        finally:
            cache.close()
        # the re-run (no cache, so only the run store can save calls) asks once
        assert main([*args, "--no-cache"]) == 0
        assert len(server.chat_requests()) == SAMPLES + 1
    assert stored_calls(runs) == SAMPLES
    recorded = [json.loads(line) for line in record.read_text().splitlines()]
    assert len(recorded) == SAMPLES and all(r["texts"] == [NO_CODE] for r in recorded)


def test_a_failing_round_counts_its_spend_and_drops_its_early_checks(tmp_path: Path) -> None:
    """One reply (with usage and code) arrives, then the endpoint fails for good: the run's
    usage holds that reply's spend (budgets see it) and its prefetched check is dropped."""
    from parcodegen.agent.config import Budget, LoopConfig
    from parcodegen.agent.executors import ExecutorEvaluator, LocalExecutor
    from parcodegen.agent.loop import Loop
    from parcodegen.errors import BackendError
    from parcodegen.llm.base import LLMResponse, Usage
    from parcodegen.problems.load import load_problem

    example = Path(__file__).resolve().parents[2] / "examples" / "reduction"
    good = (example / "candidates" / "good.cpp").read_text()

    class OneThenDown:
        name = "one-then-down"

        def generate_iter(self, requests):
            yield 0, LLMResponse(texts=(f"```cpp\n{good}\n```",), usage=Usage(1500, 500, 5.0))
            raise BackendError("HTTP 400: prompt too long")

    config = LoopConfig(samples=3, timing=False, race=False, budget=Budget(max_iters=1))
    with LocalExecutor(1, threads=True) as ex, RunStore(tmp_path / "runs") as store:
        evaluator = ExecutorEvaluator(ex, {"timing": False, "race": False})
        result = Loop([load_problem(example)], OneThenDown(), store.recorder("r"), config,
                      run_id="r", evaluator=evaluator).run()  # fmt: skip
        assert len(store.calls("r")) == 1
    assert result.stop_reason == "backend error: HTTP 400: prompt too long"
    assert (result.usage.total_tokens, result.usage.cost_usd) == (2000, 5.0)
    assert evaluator._checks == {}
