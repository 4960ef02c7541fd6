"""Checks started as replies arrive vs after the whole round: wall time of one round.

A campaign round asks the model for N candidates and verifies them. Replies from a real
endpoint arrive over seconds to minutes; with `ExecutorEvaluator.prefetch` the loop starts
each correctness check the moment its reply is stored, instead of after the last reply.
This script runs the same round both ways, side by side in one run:

- endpoint: the fake OpenAI-compatible server on 127.0.0.1 (real HTTP), reply i delayed
  by `i * --stagger` seconds (a model that answers one request after another);
- candidates: examples/reduction's good candidate, each with its own comment so that no
  compile is shared between the two modes or the samples (real g++, real sandbox);
- checks: a local process pool of `--workers`, no timing, no race detector.

It prints the wall time of each mode and their ratio. What it measures depends on how the
check time compares with the stagger; the defaults make them comparable.

Run: .venv/bin/python benchmarks/campaign_overlap.py [--samples 8] [--stagger 0.5] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.agent.config import Budget, LoopConfig  # noqa: E402
from parcodegen.agent.executors import ExecutorEvaluator, LocalExecutor  # noqa: E402
from parcodegen.agent.loop import Loop  # noqa: E402
from parcodegen.llm.fake_server import FakeServer  # noqa: E402
from parcodegen.llm.openai_compat import OpenAICompatBackend  # noqa: E402
from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.store import RunStore  # noqa: E402

EXAMPLE = ROOT / "examples" / "reduction"


class AfterTheRound:
    """The same evaluator without `prefetch`: checks start once every reply is in."""

    def __init__(self, inner: ExecutorEvaluator):
        self.inner = inner

    def remember(self, *args):
        self.inner.remember(*args)

    def evaluate(self, jobs):
        return self.inner.evaluate(jobs)


def one_round(mode: str, samples: int, stagger: float, workers: int, store_dir: Path) -> float:
    good = (EXAMPLE / "candidates" / "good.cpp").read_text()
    tag = uuid.uuid4().hex[:8]

    def reply(body: dict) -> str:
        i = int(body.get("seed") or 0) // 1000  # the sample index
        time.sleep(i * stagger)
        return f"```cpp\n// {mode} {tag} sample {i}\n{good}\n```"

    problem = load_problem(EXAMPLE)
    config = LoopConfig(samples=samples, timing=False, race=False, budget=Budget(max_iters=1))
    with FakeServer(reply_fn=reply) as server, LocalExecutor(workers) as ex, \
            RunStore(store_dir / mode / tag) as store:  # fmt: skip
        backend = OpenAICompatBackend(model="fake-model", base_url=server.url, concurrency=samples)
        evaluator = ExecutorEvaluator(ex, {"timing": False, "race": False})
        chosen = evaluator if mode == "as replies arrive" else AfterTheRound(evaluator)
        start = time.monotonic()
        result = Loop([problem], backend, store.recorder(tag), config, run_id=tag,
                      evaluator=chosen).run()  # fmt: skip
        seconds = time.monotonic() - start
        passed = sum(1 for a in store.attempts(tag) if a.status.value == "pass")
    if result.stop_reason or passed != samples:
        raise SystemExit(f"{mode}: {passed}/{samples} passed ({result.stop_reason or 'no stop'})")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--stagger", type=float, default=0.5, help="seconds between replies")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    modes = ["as replies arrive", "after the round"]
    times: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for mode in modes if r % 2 == 0 else modes[::-1]:
                times[mode].append(
                    one_round(mode, args.samples, args.stagger, args.workers, Path(tmp))
                )
    print(f"one round of {args.samples} samples, replies {args.stagger:g} s apart, "
          f"{args.workers} check workers, {args.rounds} round(s) per mode (mean, min-max):")  # fmt: skip
    print("| checks start | wall (s) | min | max |\n|---|---:|---:|---:|")
    means = {}
    for mode in modes:
        ts = times[mode]
        means[mode] = sum(ts) / len(ts)
        print(f"| {mode} | {means[mode]:.2f} | {min(ts):.2f} | {max(ts):.2f} |")
    print(f"ratio (after the round / as replies arrive): {means[modes[1]] / means[modes[0]]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
