"""Self-play export: from stored campaign runs to KB entries, SFT data and preference pairs.

`export(store, run_ids, out_dir, ...)` reads only the run store (and the problems'
reference code from their directories): no model, no compiler. It can be re-run with
other selection settings on the same runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parcodegen.synth.exports import (
    SynthOutputs,
    kb_entries,
    preference_records,
    sft_records,
    write_jsonl,
)
from parcodegen.synth.select import collect, select_top, solution_keys
from parcodegen.types import Problem


def _problems(directories: dict[str, str]) -> dict[str, Problem]:
    from parcodegen.problems.load import load_problem

    return {pid: load_problem(d) for pid, d in directories.items()}


def export(
    store: Any,
    run_ids: Sequence[str],
    out_dir: str | Path,
    *,
    keep: float = 0.2,
    min_speedup: float = 1.0,
    kb_path: str | Path | None = None,
    pairs_per_chosen: int = 2,
    margin: float = 1.2,
    exclude_dirs: Sequence[Path] = (),
) -> SynthOutputs:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dirs = {Path(d) for d in exclude_dirs}
    for run_id in run_ids:
        dirs |= {Path(r["directory"]) for r in store.problems(run_id)}
    excluded = solution_keys(sorted(dirs))
    pool = collect(store, run_ids, excluded)
    kept = select_top(pool, keep, min_speedup)
    problems = _problems({pid: pool.directories[pid] for pid in {v.problem_id for v in kept}})
    manifests = {rid: store.manifest(rid) for rid in sorted({v.run_id for v in kept})}
    entries = kb_entries(kept, problems, manifests)
    added, present = 0, 0
    kb_dir = Path(kb_path) if kb_path else out / "kb"
    if entries:
        from parcodegen.memory.kb import KnowledgeBase

        with KnowledgeBase.open(kb_dir) as kb:
            a, p = kb.add(entries)
            added, present = len(a), len(p)
    sft = sft_records(kept, problems)
    pairs = preference_records(kept, pool, problems, pairs_per_chosen, margin)
    paths = {"sft": str(out / "sft.jsonl"), "preferences": str(out / "preferences.jsonl"),
             "kb": str(kb_dir), "kb_entries": str(out / "kb_entries.jsonl"),
             "summary": str(out / "summary.json")}  # fmt: skip
    write_jsonl(Path(paths["sft"]), sft)
    write_jsonl(Path(paths["preferences"]), pairs)
    write_jsonl(Path(paths["kb_entries"]), [e.to_dict() for e in entries])
    counts = dict(pool.counts)
    counts["verified_unique"] = sum(len(v) for v in pool.verified.values())
    counts["rejected_unique"] = sum(len(v) for v in pool.rejected.values())
    result = SynthOutputs(added, present, len(sft), len(pairs), len(kept), paths, counts)
    summary = {**result.to_dict(), "runs": list(run_ids), "keep": keep,
               "min_speedup": min_speedup}  # fmt: skip
    Path(paths["summary"]).write_text(json.dumps(summary, indent=2, sort_keys=True))
    return result
