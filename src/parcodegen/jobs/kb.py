"""Knowledge-base jobs: verify and store the packaged seeds, store a run's verified results
(THE store-to-KB), and the retriever rag strategies ask through."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parcodegen.errors import ConfigError
from parcodegen.memory.entry import KBEntry, measured_entry
from parcodegen.memory.kb import KnowledgeBase
from parcodegen.types import MachineProfile

Say = Callable[[str], None]


def retriever_for(config: Any) -> Any:
    """The example retriever a strategy that retrieves needs (None for the others)."""
    from parcodegen.strategies import get_strategy

    if not get_strategy(config.strategy).retrieve:
        return None
    kb = KnowledgeBase.open(config.kb or None)
    return lambda code, k, self_match: kb.retrieve(code, k=k, self_match=self_match)


# ------------------------------------------------------------------ add-seed
@dataclass(frozen=True)
class SeedOutcome:
    name: str
    status: str  # a verdict status, or "present" (already stored, not re-measured)
    speedup: float | None = None
    normalized: float | None = None
    message: str = ""


def _verify_seed(directory: Path, options: Any) -> tuple[str, float | None, str]:
    from parcodegen.problems.load import load_problem
    from parcodegen.types import Candidate
    from parcodegen.verify.pipeline import verify

    problem = load_problem(directory)
    fast = (directory / "fast.cpp").read_text()
    verdict = verify(problem, Candidate(fast, origin="seed"), options)
    return verdict.status.value, verdict.speedup, verdict.message


def add_seeds(
    kb: KnowledgeBase,
    *,
    seeds_dir: str | None = None,
    names: Sequence[str] = (),
    reps: int | None = None,
    threads: int | None = None,
    race: bool = True,
    force: bool = False,
    record: bool = False,
    on_seed: Callable[[SeedOutcome], None] = lambda _o: None,
) -> tuple[list[SeedOutcome], Path | None]:
    """Verify and time each seed on this machine and store it; (outcomes, the measured.json
    written when `record`)."""
    from parcodegen.memory.seed_kb import (
        hardware_description,
        load_measurements,
        save_measurements,
        seed_dirs,
        seed_entry,
    )
    from parcodegen.tools.compile import compiler_id
    from parcodegen.verify.pipeline import VerifyOptions

    root = Path(seeds_dir) if seeds_dir else None
    try:
        dirs = seed_dirs(root, list(names) or None)
    except KeyError as exc:
        raise ConfigError(str(exc.args[0])) from None
    options = VerifyOptions(timing_reps=reps, threads=threads, race=race)
    hardware, compiler = hardware_description(), compiler_id("g++")
    from parcodegen.machine import profile

    here = profile()  # the machine verify times the seeds on
    measured = load_measurements(root) if record else {}
    outcomes = []
    for d in dirs:
        probe = seed_entry(d, raw_speedup=1.0, hardware="", compiler="", verified=False)
        if kb.db.has_id(probe.id) and not force:
            out = SeedOutcome(d.name, "present")
        else:
            status, speedup, message = _verify_seed(d, options)
            if status != "pass" or speedup is None:
                out = SeedOutcome(d.name, status, speedup, None, message)
            else:
                entry = seed_entry(d, raw_speedup=speedup, hardware=hardware,
                                   compiler=compiler, verified=True, machine=here)  # fmt: skip
                kb.replace([entry])
                out = SeedOutcome(d.name, "pass", speedup, entry.speedup)
                measured[d.name] = {"status": "pass", "raw_speedup": round(speedup, 4),
                                    "hardware": hardware, "compiler": compiler,
                                    "machine": here.to_dict()}  # fmt: skip
        outcomes.append(out)
        on_seed(out)
    written = None
    if record:
        known = {d.name for d in seed_dirs(root)}
        written = save_measurements({k: v for k, v in measured.items() if k in known}, root)
    return outcomes, written


# ------------------------------------------------------------------ add-run
def run_entries(run_dir: Path, run_id: str | None = None) -> tuple[list[KBEntry], list[str]]:
    """Passing attempts with speedup > 1 from a run store -> entries (best per problem and
    candidate), each naming the hardware and compiler of the run that measured it (its
    manifest). Returns (entries, notes about what was skipped)."""
    from parcodegen.problems.load import load_problem
    from parcodegen.store.run_store import RunStore
    from parcodegen.types import Status, content_hash

    entries: list[KBEntry] = []
    notes: list[str] = []
    store = RunStore(run_dir)
    try:
        run_ids = [run_id] if run_id else [r["run_id"] for r in store.runs()]
        for rid in run_ids:
            manifest = store.manifest(rid)
            if manifest is None:
                raise ConfigError(f"no run '{rid}' in {store.path}")
            slow_by_problem: dict[str, str | None] = {}
            for p in store.problems(rid):
                ref: str | None
                try:
                    ref = load_problem(Path(p["directory"])).reference_code
                except Exception as exc:  # noqa: BLE001 - any unreadable problem is skipped
                    notes.append(f"{rid}: problem {p['problem_id']}: cannot read ({exc})")
                    ref = None
                if ref is not None and content_hash(ref) != p["reference_hash"]:
                    notes.append(f"{rid}: problem {p['problem_id']}: reference changed since run")
                    ref = None
                slow_by_problem[p["problem_id"]] = ref
            best: dict[tuple[str, str], tuple[float, int]] = {}  # -> (speedup, threads)
            profiles: dict[tuple[str, str], MachineProfile | None] = {}
            for a in store.attempts(rid):
                if a.status is not Status.PASS or not a.speedup or a.speedup <= 1.0:
                    continue
                if a.candidate_id is None or slow_by_problem.get(a.problem_id) is None:
                    continue
                key = (a.problem_id, a.candidate_id)
                if a.speedup > best.get(key, (0.0, 0))[0]:
                    verdict = store.verdict(rid, a.episode, a.turn)
                    m = verdict.measurement if verdict is not None else None
                    best[key] = (a.speedup, m.threads if m is not None else 0)
                    profiles[key] = m.machine if m is not None else None
            for (pid, cid), (speed, threads) in sorted(best.items()):
                code = store.candidate_code(pid, cid)
                if code is None:
                    notes.append(f"{rid}: candidate {cid} of {pid}: code not stored")
                    continue
                slow = slow_by_problem[pid] or ""
                entries.append(measured_entry(family=pid, slow_code=slow, fast_code=code,
                                              speedup=speed, source="run", manifest=manifest,
                                              threads=threads,
                                              machine=profiles[(pid, cid)]))  # fmt: skip
    finally:
        store.close()
    return entries, notes


def add_run(kb: KnowledgeBase, run_dir: str | Path, run_id: str | None = None
            ) -> tuple[list[KBEntry], int, int, list[str]]:  # fmt: skip
    """Store a run's verified faster candidates: (entries, added, present, notes)."""
    path = Path(run_dir)
    if not path.exists():
        raise ConfigError(f"no such run directory: {path}")
    entries, notes = run_entries(path, run_id)
    added, present = kb.add(entries)
    return entries, len(added), len(present), notes
