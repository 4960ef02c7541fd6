"""`parcodegen synth`: self-play data synthesis.

For each problem, generate many candidates (--samples, e.g. 500) with one or more
strategies (--strategies a,b; run again with another --backend and pass the earlier runs
with --include-run to combine backends); verify each on several random inputs
(--verify-seeds seeds per size and pattern; any failure discards it); time the survivors
(--timing-reps interleaved repetitions, trimmed mean); normalize speedups per problem,
rank, keep the top --keep fraction. Writes KB entries (into --kb-out, default OUT/kb),
sft.jsonl (chat: serial code in, fast code out), preferences.jsonl (faster verified vs
failed or slower) and summary.json into --out. Expert solutions (solutions/*.cpp) never
enter the outputs. --export-only re-selects from stored runs without generating.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parcodegen.cli.bench_cmd import add_campaign_args, builtin_root, run_campaign_from_args


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
    p.add_argument("--export-only", action="store_true", help="no generation: select from --include-run")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parcodegen.cli.bench_cmd import _store
    from parcodegen.synth.selfplay import export

    strategies = [s.strip() for s in (args.strategies or args.strategy).split(",") if s.strip()]
    run_ids = list(args.include_run)
    stopped = []
    store = None
    if not args.export_only:
        for strategy in strategies:
            args.strategy = strategy
            run_id, result, store = run_campaign_from_args(args, "synth", seeds=args.verify_seeds)
            run_ids.append(run_id)
            if result.stop_reason:
                stopped.append(f"{run_id}: {result.stop_reason}")
    store = store or _store(args)
    excl = [builtin_root()]
    outputs = export(store, run_ids, args.out, keep=args.keep, min_speedup=args.min_speedup,
                     kb_path=args.kb_out, pairs_per_chosen=args.pairs_per, exclude_dirs=excl)  # fmt: skip
    print(json.dumps({**outputs.to_dict(), "runs": run_ids}, indent=2))
    for s in stopped:
        print(f"stopped: {s}; re-run the same command to resume", file=sys.stderr)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    return 2 if stopped else 0
