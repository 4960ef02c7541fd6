"""The synth job: one campaign per strategy x backend, then the self-play exports.

Every campaign is checked before any generation (an unknown strategy or backend, a
backend missing what it needs); budgets cover the whole job (each campaign gets what the
earlier ones left); the exports read only the run store (synth/selfplay.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parcodegen.errors import ConfigError
from parcodegen.jobs.campaign import CampaignRequest, run_request
from parcodegen.jobs.runs import open_store
from parcodegen.llm.base import Usage
from parcodegen.llm.registry import BACKENDS
from parcodegen.types import StopReason

Say = Callable[[str], None]


@dataclass(frozen=True)
class SynthRequest:
    campaign: CampaignRequest  # the shared options; strategy, backend and model vary
    strategies: tuple[str, ...] = ("parallel",)
    backends: tuple[tuple[str | None, str], ...] = ((None, ""),)  # (name or default, model)
    out: str = "synth-out"
    keep: float = 0.2
    min_speedup: float = 1.0
    pairs_per: int = 2
    kb_out: str | None = None
    include_runs: tuple[str, ...] = ()
    export_only: bool = False

    def __post_init__(self) -> None:  # checked before any campaign runs
        if not 0 < self.keep <= 1:
            raise ConfigError(f"--keep: a fraction in (0, 1] (got {self.keep})")
        if self.pairs_per < 0:
            raise ConfigError(f"--pairs-per: 0 or more (got {self.pairs_per})")


@dataclass
class SynthOutcome:
    outputs: dict[str, Any]  # the exports (paths, counts) plus runs and campaigns
    stopped: list[tuple[str, StopReason]] = field(default_factory=list)  # (run id, why)


def campaigns(request: SynthRequest) -> list[CampaignRequest]:
    """One campaign per strategy x backend, each checked before anything runs."""
    from parcodegen.strategies import get_strategy

    if not request.strategies:
        raise ConfigError("--strategies: no strategy given")
    for s in request.strategies:
        get_strategy(s)
    out = []
    for name, model in request.backends or ((None, request.campaign.settings.model),):
        if name is not None:
            BACKENDS.get(name)
        base = request.campaign
        one = replace(base, backend=name, settings=replace(base.settings, model=model),
                      name="synth", verify_seeds=base.verify_seeds)  # fmt: skip
        one.resolved_backend()  # what the backend needs is there
        out += [replace(one, strategy=s) for s in request.strategies]
    return out


def describe(store: Any, run_id: str) -> dict[str, Any]:
    """A run as the summary lists it: strategy, backend, model, state (and why it stopped)."""
    manifest = store.manifest(run_id)
    row = store.run(run_id) or {}
    loop = manifest.config.get("loop", {}) if manifest else {}
    out = {"run": run_id, "strategy": loop.get("strategy", ""), "backend": loop.get("backend", ""),
           "model": loop.get("model", ""), "state": row.get("state", "unknown")}  # fmt: skip
    if row.get("state") not in (None, "finished", "running"):  # stopped-by-budget, failed...
        out["stop_reason"] = row.get("stop_reason") or ""
    return out


def _excluded_suites() -> list[Path]:
    """The built-in suite's directory: its expert and mutant code never become data."""
    from parcodegen.problems.suite import suite_dir

    try:
        return [suite_dir("builtin")]
    except ConfigError:
        return []


def run_synth(request: SynthRequest, say: Say = lambda _m: None) -> SynthOutcome:
    from parcodegen.synth.selfplay import export

    todo = [] if request.export_only else campaigns(request)
    store = open_store(request.campaign.run_dir)
    missing = [r for r in request.include_runs if store.run(r) is None]
    if missing:
        raise ConfigError(f"--include-run: no stored run {missing} in {store.path}")
    run_ids = list(request.include_runs)
    stopped = []
    spent = Usage()
    start = time.monotonic()
    total = request.campaign.budget
    for one in todo:
        # budgets cover the whole command: each campaign gets what the earlier ones left
        left = replace(
            one.budget,
            max_tokens=None if total.max_tokens is None
            else max(0, total.max_tokens - spent.total_tokens),
            max_cost=None if total.max_cost is None else max(0.0, total.max_cost - spent.cost_usd),
            max_wall_s=None if total.max_wall_s is None
            else max(0.0, total.max_wall_s - (time.monotonic() - start)),
        )  # fmt: skip
        outcome = run_request(replace(one, budget=left), say)
        result = outcome.result
        spent = spent + result.usage
        if outcome.run_id not in run_ids:
            run_ids.append(outcome.run_id)
        if result.stop is not None:
            stopped.append((outcome.run_id, result.stop))
    outputs = export(store, run_ids, request.out, keep=request.keep,
                     min_speedup=request.min_speedup, kb_path=request.kb_out,
                     pairs_per_chosen=request.pairs_per, exclude_dirs=_excluded_suites())  # fmt: skip
    details = [describe(store, r) for r in run_ids]
    summary_path = Path(outputs.paths["summary"])
    summary = json.loads(summary_path.read_text())
    summary["campaigns"] = details
    summary_path.write_text(json.dumps(summary, indent=2, sort_keys=True))
    return SynthOutcome({**outputs.to_dict(), "runs": run_ids, "campaigns": details}, stopped)


def strategies_of(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


def backend_pairs(entries: Sequence[tuple[str, str]], default_model: str
                  ) -> tuple[tuple[str | None, str], ...]:  # fmt: skip
    """The (name, model) pairs to run; none given: the default backend with the model."""
    return tuple(entries) or ((None, default_model),)
