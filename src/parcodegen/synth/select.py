"""Self-play selection from the run store: verified, timed, deduplicated, ranked.

Reads only stored records (attempts, candidates, verdicts) of the given runs:

- verified: attempts that passed every check and were timed (the timing is the trimmed
  mean of several interleaved repetitions, see tools/timing.py);
- rejected: attempts with code that failed a check (the candidate's fault), for
  preference pairs;
- deduplicated per problem on comment/whitespace-insensitive code, across runs and so
  across backends (the fastest measurement of a duplicate is kept; `produced_by` lists
  every backend[:model] that produced the code);
- any candidate equal (same normalized code) to a benchmark solution (solutions/*.cpp of
  the built-in suite or of the problem itself) is dropped, so expert code never becomes
  training data;
- speedups are normalized per problem (speedup / best speedup of that problem, so every
  problem's best scores 1.0), ranked, and the top `keep` fraction is kept (at least one
  per problem that has a candidate at least `min_speedup` fast).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parcodegen.memory.entry import code_key
from parcodegen.types import Status


@dataclass(frozen=True)
class Scored:
    problem_id: str
    run_id: str
    strategy: str
    candidate_id: str
    code: str
    status: Status
    speedup: float | None = None  # trimmed-mean speedup when passed and timed
    threads: int = 0
    norm: float = 0.0  # speedup / best speedup of the problem
    backend: str = ""  # of the run this measurement comes from (its manifest's loop config)
    model: str = ""
    produced_by: tuple[str, ...] = ()  # every backend[:model] label that produced this code

    @property
    def key(self) -> str:
        return code_key(self.code)


@dataclass
class Pool:
    """Everything collected for the selection, with the counts a report needs."""

    verified: dict[str, list[Scored]] = field(default_factory=dict)
    rejected: dict[str, list[Scored]] = field(default_factory=dict)
    directories: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def solution_keys(dirs: Iterable[Path]) -> set[str]:
    """Normalized-code keys of every solutions/*.cpp under the given directories."""
    keys = set()
    for d in dirs:
        if d.is_dir():
            for f in sorted(d.rglob("solutions/*.cpp")):
                keys.add(code_key(f.read_text(errors="replace")))
    return keys


def backend_label(backend: str, model: str) -> str:
    """`backend:model` (what `synth --backend` accepts), or `backend` with no model."""
    return f"{backend}:{model}" if model else backend


def run_backend(store: Any, run_id: str) -> tuple[str, str]:
    """(backend, model) of a stored run, from the loop config in its manifest."""
    manifest = store.manifest(run_id)
    loop = manifest.config.get("loop", {}) if manifest else {}
    return str(loop.get("backend") or ""), str(loop.get("model") or "")


def _merged(keep: Scored, other: Scored | None) -> Scored:
    """`keep`, also credited to the producers of `other` (a duplicate of its code)."""
    found = set(keep.produced_by) | set(other.produced_by if other else ())
    return replace(keep, produced_by=tuple(sorted(found)))


def collect(store: Any, run_ids: Sequence[str], excluded_keys: set[str]) -> Pool:
    pool = Pool()
    verified: dict[str, dict[str, Scored]] = defaultdict(dict)
    rejected: dict[str, dict[str, Scored]] = defaultdict(dict)
    counts: dict[str, int] = defaultdict(int)
    for run_id in run_ids:
        backend, model = run_backend(store, run_id)
        made = (backend_label(backend, model),) if backend else ()
        for row in store.problems(run_id):
            pool.directories.setdefault(row["problem_id"], row["directory"])
        for a in store.attempts(run_id):
            counts["attempts"] += 1
            if a.candidate_id is None:
                continue
            code = store.candidate_code(a.problem_id, a.candidate_id)
            if code is None:
                continue
            item = Scored(a.problem_id, run_id, a.strategy, a.candidate_id, code, a.status,
                          a.speedup, backend=backend, model=model, produced_by=made)  # fmt: skip
            if item.key in excluded_keys:
                counts["excluded_solution"] += 1
                continue
            if a.status is Status.PASS and a.speedup is not None and a.speedup > 0:
                verdict = store.verdict(run_id, a.episode, a.turn)
                threads = verdict.measurement.threads if verdict and verdict.measurement else 0
                item = replace(item, threads=threads)
                best = verified[a.problem_id].get(item.key)
                if best is not None:
                    counts["duplicates"] += 1
                if best is None or (item.speedup or 0) > (best.speedup or 0):
                    verified[a.problem_id][item.key] = _merged(item, best)
                else:
                    verified[a.problem_id][item.key] = _merged(best, item)
            elif a.status.is_candidate_fault:
                first = rejected[a.problem_id].get(item.key)
                if first is not None:
                    counts["duplicates"] += 1
                rejected[a.problem_id][item.key] = _merged(first, item) if first else item
            elif a.status is Status.PASS:
                counts["untimed"] += 1
    for pid, by_key in verified.items():
        top = max(i.speedup or 0.0 for i in by_key.values())
        pool.verified[pid] = sorted(
            (replace(i, norm=(i.speedup or 0.0) / top) for i in by_key.values()),
            key=lambda i: (-(i.speedup or 0.0), i.candidate_id),
        )
    # A verified code that also failed elsewhere (flaky) is not a clean "rejected" example.
    for pid, by_key in rejected.items():
        good = {v.key for v in pool.verified.get(pid, [])}
        pool.rejected[pid] = [r for r in by_key.values() if r.key not in good]
    pool.counts = dict(counts)
    return pool


def select_top(pool: Pool, keep: float, min_speedup: float = 1.0) -> list[Scored]:
    """The top `keep` fraction by normalized speedup, among candidates >= min_speedup."""
    if not 0.0 < keep <= 1.0:
        raise ValueError(f"keep must be in (0, 1], got {keep}")
    eligible = [v for items in pool.verified.values() for v in items
                if (v.speedup or 0.0) >= min_speedup]  # fmt: skip
    if not eligible:
        return []
    ranked = sorted(eligible, key=lambda v: (-v.norm, -(v.speedup or 0.0), v.problem_id,
                                             v.candidate_id))  # fmt: skip
    n = max(1, math.ceil(keep * len(ranked)))
    kept = ranked[:n]
    have = {v.problem_id for v in kept}
    for v in ranked[n:]:  # every problem's best has norm 1.0, so this only adds ties
        if v.problem_id not in have:
            kept.append(v)
            have.add(v.problem_id)
    return kept
