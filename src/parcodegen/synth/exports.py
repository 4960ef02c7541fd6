"""Self-play outputs: knowledge-base entries, SFT chat JSONL, preference pairs JSONL.

- KB entries (memory.KBEntry, source "synth", verified): slow = the problem's reference,
  fast = a kept candidate, with its measured speedup. A KBEntry has no field for the
  backend that produced it; the SFT and preference records say it.
- SFT (one JSON object per line): {"messages": [system, user (the prompt the strategy
  asks with, serial code in), assistant (the fast code in a ```cpp block)], "meta": {...}};
  meta names the run, backend and model of the kept measurement and, in "produced_by",
  every backend[:model] that produced the same code (duplicates are one record).
- Preference pairs: {"prompt": [system, user], "chosen": fast reply, "rejected": a
  failed or clearly slower reply, "meta": {...}}; rejected examples are failures first
  (the candidate's fault: wrong output, race, compile error...), then verified ones at
  least `margin` times slower than the chosen one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parcodegen.memory.entry import KBEntry, measured_entry
from parcodegen.synth.select import Pool, Scored
from parcodegen.types import Problem, RunManifest


def reply_text(code: str) -> str:
    return f"```cpp\n{code.rstrip()}\n```"


def prompt_messages(problem: Problem, strategy: str) -> list[dict[str, str]]:
    """The messages the strategy asks with at stage 0 (retrieving strategies: 'parallel')."""
    from parcodegen.strategies import StrategyContext, get_strategy

    strat = get_strategy(strategy)
    if strat.retrieve:
        strat = get_strategy("parallel")
    msgs = strat.messages(problem, StrategyContext(code=problem.reference_code))
    return [{"role": m.role, "content": m.content} for m in msgs]


def kb_entries(kept: Sequence[Scored], problems: dict[str, Problem],
               manifests: Mapping[str, RunManifest | None]) -> list[KBEntry]:  # fmt: skip
    """KB entries of the kept candidates, each naming the machine of the run that timed it
    (`manifests`: run id -> its manifest), never the machine that exports."""
    return [
        measured_entry(
            family=v.problem_id,
            slow_code=problems[v.problem_id].reference_code,
            fast_code=v.code,
            speedup=float(v.speedup or 1.0),
            source="synth",
            manifest=manifests.get(v.run_id),
            threads=v.threads,
        )  # fmt: skip
        for v in kept
    ]


def sft_records(kept: Sequence[Scored], problems: dict[str, Problem]) -> list[dict[str, Any]]:
    out = []
    for v in kept:
        msgs = prompt_messages(problems[v.problem_id], v.strategy)
        out.append({
            "messages": msgs + [{"role": "assistant", "content": reply_text(v.code)}],
            "meta": {"problem": v.problem_id, "run": v.run_id, "candidate": v.candidate_id,
                     "speedup": v.speedup, "normalized": round(v.norm, 6),
                     "threads": v.threads, "backend": v.backend, "model": v.model,
                     "produced_by": list(v.produced_by)},
        })  # fmt: skip
    return out


def preference_records(kept: Sequence[Scored], pool: Pool, problems: dict[str, Problem],
                       per_chosen: int = 2, margin: float = 1.2) -> list[dict[str, Any]]:  # fmt: skip
    out = []
    kept_keys = {(v.problem_id, v.key) for v in kept}
    for v in kept:
        failed = sorted(pool.rejected.get(v.problem_id, []), key=lambda r: r.candidate_id)
        slower = [s for s in pool.verified.get(v.problem_id, [])
                  if (v.problem_id, s.key) not in kept_keys
                  and (s.speedup or 0.0) * margin <= (v.speedup or 0.0)]  # fmt: skip
        prompt = prompt_messages(problems[v.problem_id], v.strategy)
        for r in (failed + slower)[:per_chosen]:
            out.append({
                "prompt": prompt,
                "chosen": reply_text(v.code),
                "rejected": reply_text(r.code),
                "meta": {"problem": v.problem_id, "chosen": v.candidate_id,
                         "chosen_speedup": v.speedup, "rejected": r.candidate_id,
                         "rejected_status": r.status.value, "rejected_speedup": r.speedup,
                         "chosen_backend": v.backend, "chosen_model": v.model,
                         "rejected_backend": r.backend, "rejected_model": r.model},
            })  # fmt: skip
    return out


def write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


@dataclass(frozen=True)
class SynthOutputs:
    kb_added: int
    kb_present: int
    sft: int
    pairs: int
    kept: int
    paths: dict[str, str]
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kept": self.kept, "kb_added": self.kb_added, "kb_present": self.kb_present,
            "sft": self.sft, "pairs": self.pairs, "paths": self.paths, "counts": self.counts,
        }  # fmt: skip
