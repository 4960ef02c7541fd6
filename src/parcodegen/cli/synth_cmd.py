"""`parcodegen synth`: self-play data synthesis.

For each problem, generate many candidates (--samples, e.g. 500) with one or more
strategies (--strategies a,b) and one or more backends (--backend repeated and/or
comma-separated, each NAME or NAME:MODEL: `--backend autopar --backend
openai:qwen2.5-coder:7b --base-url URL`; the model is everything after the first colon
and overrides --model for that entry). Every strategy x backend pair is one campaign,
stored as its own run, so re-running the command resumes all of them. Verify each
candidate on several random inputs (--verify-seeds seeds per size and pattern; any
failure discards it); time the survivors (--timing-reps interleaved repetitions, trimmed
mean); deduplicate across all runs, normalize speedups per problem, rank, keep the top
--keep fraction. Writes KB entries (into --kb-out, default OUT/kb), sft.jsonl (chat:
serial code in, fast code out), preferences.jsonl (faster verified vs failed or slower;
both say which backend and model produced them) and summary.json into --out. Expert
solutions (solutions/*.cpp) never enter the outputs. --include-run RUN adds stored runs
to the selection; --export-only re-selects from them without generating.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from parcodegen.cli.backend_args import resolve
from parcodegen.cli.bench_cmd import (
    add_campaign_args,
    builtin_root,
    campaign_backend_options,
    resume_hint,
    run_campaign_from_args,
)
from parcodegen.errors import ConfigError
from parcodegen.llm.base import Usage


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="self-play: generate, verify, rank, export training data",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    add_campaign_args(p)
    p.add_argument("--strategies", help="comma-separated strategies (overrides --strategy)")
    p.add_argument("--verify-seeds", type=int, default=3, help="random inputs per size and pattern")
    p.add_argument("--keep", type=float, default=0.2, help="top fraction to keep (0-1]")
    p.add_argument("--min-speedup", type=float, default=1.0, help="keep only at least this fast")
    p.add_argument("--pairs-per", type=int, default=2, help="preference pairs per kept candidate")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--kb-out", help="knowledge base to add the entries to (default OUT/kb)")
    p.add_argument("--include-run", action="append", default=[], help="also select from RUN")
    p.add_argument("--export-only", action="store_true",
                   help="no generation: select from --include-run")  # fmt: skip
    # --backend (backend_args.BackendOption) collects several entries into args.backends
    p.set_defaults(func=run, several_backends=True, backends=None)


def campaigns(args: argparse.Namespace) -> list[argparse.Namespace]:
    """One argument set per strategy x backend, every entry checked before any generation:
    an unknown strategy or backend (with a did-you-mean), a backend missing what it needs."""
    from parcodegen.llm.registry import BACKENDS
    from parcodegen.strategies import get_strategy

    strategies = [s.strip() for s in (args.strategies or args.strategy).split(",") if s.strip()]
    if not strategies:
        raise ConfigError("--strategies: no strategy given")
    for s in strategies:
        get_strategy(s)
    pairs: list[tuple[str | None, str]] = list(resolve(args.backends or [], args.model or ""))
    if not pairs:  # the default backend: openai with an endpoint, else autopar
        pairs = [(None, args.model or "")]
    out = []
    for name, model in pairs:
        if name is not None:
            BACKENDS.get(name)
        one = argparse.Namespace(**{**vars(args), "backend": name, "model": model})
        campaign_backend_options(one)  # what the backend needs is there
        out += [argparse.Namespace(**{**vars(one), "strategy": s}) for s in strategies]
    return out


def describe(store: Any, run_id: str) -> dict[str, Any]:
    """A run as the summary lists it: strategy, backend, model, state (and why it stopped)."""
    manifest = store.manifest(run_id)
    row = store.run(run_id) or {}
    loop = manifest.config.get("loop", {}) if manifest else {}
    out = {"run": run_id, "strategy": loop.get("strategy", ""), "backend": loop.get("backend", ""),
           "model": loop.get("model", ""), "state": row.get("state", "unknown")}  # fmt: skip
    if row.get("state") == "stopped":
        out["stop_reason"] = row.get("stop_reason") or ""
    return out


def run(args: argparse.Namespace) -> int:
    from parcodegen.cli.bench_cmd import _store
    from parcodegen.synth.selfplay import export

    todo = [] if args.export_only else campaigns(args)
    store = _store(args)
    missing = [r for r in args.include_run if store.run(r) is None]
    if missing:
        raise ConfigError(f"--include-run: no stored run {missing} in {store.path}")
    run_ids = list(args.include_run)
    stopped = []
    spent = Usage()
    start = time.monotonic()
    for one in todo:
        # budgets cover the whole command: each campaign gets what the earlier ones left
        if args.max_tokens is not None:
            one.max_tokens = max(0, args.max_tokens - spent.total_tokens)
        if args.max_cost is not None:
            one.max_cost = max(0.0, args.max_cost - spent.cost_usd)
        if args.max_wall is not None:
            one.max_wall = max(0.0, args.max_wall - (time.monotonic() - start))
        run_id, result, _ = run_campaign_from_args(one, "synth", seeds=args.verify_seeds)
        spent = spent + result.usage
        if run_id not in run_ids:
            run_ids.append(run_id)
        if result.stop_reason:
            stopped.append(f"{run_id}: {result.stop_reason}")
    excl = [builtin_root()]
    outputs = export(store, run_ids, args.out, keep=args.keep, min_speedup=args.min_speedup,
                     kb_path=args.kb_out, pairs_per_chosen=args.pairs_per, exclude_dirs=excl)  # fmt: skip
    details = [describe(store, r) for r in run_ids]
    summary_path = Path(outputs.paths["summary"])
    summary = json.loads(summary_path.read_text())
    summary["campaigns"] = details
    summary_path.write_text(json.dumps(summary, indent=2, sort_keys=True))
    print(json.dumps({**outputs.to_dict(), "runs": run_ids, "campaigns": details}, indent=2))
    for s in stopped:
        print(f"stopped: {s}; {resume_hint(s)}", file=sys.stderr)
    return 2 if stopped else 0
