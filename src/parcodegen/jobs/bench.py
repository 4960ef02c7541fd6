"""The bench jobs: run a campaign and score it; reports and listings from the store alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parcodegen.jobs.campaign import CampaignOutcome, CampaignRequest, run_request
from parcodegen.types import StopReason

Say = Callable[[str], None]


@dataclass(frozen=True)
class BenchOutcome:
    campaign: CampaignOutcome
    table: str  # the Markdown rate table
    best_speedups: dict[int, float]  # K -> best speedup@K (user view), where defined

    @property
    def run_id(self) -> str:
        return self.campaign.run_id

    @property
    def stop(self) -> StopReason | None:
        return self.campaign.result.stop


def resume_hint(stop: StopReason) -> str:
    """What to do after a stop: a spent budget needs a larger one; anything else, a re-run."""
    if stop.budget_spent:
        return "raise the budget and re-run the same command to continue"
    return "re-run the same command to resume"


def run_bench(request: CampaignRequest, ks: Sequence[int], say: Say = lambda _m: None
              ) -> BenchOutcome:  # fmt: skip
    """Run (or resume) the campaign, then score it from the store."""
    from parcodegen.store.report import markdown_table, rate_table, score_runs

    outcome = run_request(request, say)
    scores = score_runs(outcome.store, [outcome.run_id], list(ks))
    at_k = scores[0].summary.at_k.get("best_speedup_user", {})
    best: dict[int, float] = {}
    for k in ks:
        value = at_k.get(k, (None, 0))[0]
        if value is not None:
            best[k] = value
    return BenchOutcome(outcome, markdown_table(rate_table(scores, list(ks))), best)


def write_report(store: Any, run_ids: list[str], ks: list[int], out: Path) -> dict[str, Path]:
    """Markdown, self-contained HTML (plots inlined) and metrics JSON of stored runs."""
    from parcodegen.store.report import dumps, render_html, render_markdown, score_runs
    from parcodegen.store.report_plots import all_plots, b64

    scores = score_runs(store, run_ids, ks)
    out.mkdir(parents=True, exist_ok=True)
    plots = all_plots(scores, ks)
    for name, png in plots.items():
        (out / f"{name}.png").write_bytes(png)
    paths = {
        "markdown": out / "report.md",
        "html": out / "report.html",
        "json": out / "metrics.json",
    }
    paths["markdown"].write_text(render_markdown(scores, ks, {n: f"{n}.png" for n in plots}))
    paths["html"].write_text(render_html(scores, ks, {n: b64(p) for n, p in plots.items()}))
    paths["json"].write_text(dumps(scores, ks))
    return paths


def run_rows(store: Any) -> list[dict[str, Any]]:
    """One row per stored run: what it is, how far it got, what it spent."""
    rows = []
    for r in store.runs():
        manifest = store.manifest(r["run_id"])
        cfg = manifest.config if manifest else {}
        loop, camp = cfg.get("loop", {}), cfg.get("campaign", {})
        usage = store.usage(r["run_id"])
        rows.append({
            "run": r["run_id"], "created": r["created"], "strategy": loop.get("strategy", ""),
            "backend": loop.get("backend", ""), "model": loop.get("model", ""),
            "mode": camp.get("mode", "agent"), "problems": len(store.problems(r["run_id"])),
            "samples": loop.get("samples", 1), "attempts": len(store.attempts(r["run_id"])),
            "state": r["state"], "stop_reason": r["stop_reason"] or "",
            "tokens": usage.total_tokens, "cost_usd": round(usage.cost_usd, 6),
        })  # fmt: skip
    return rows
