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

from parcodegen.cli.backend_args import resolve
from parcodegen.cli.campaign_args import add_campaign_args, campaign_request
from parcodegen.jobs.bench import resume_hint
from parcodegen.jobs.synth import SynthRequest, backend_pairs, run_synth, strategies_of


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


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


def request_of(args: argparse.Namespace) -> SynthRequest:
    return SynthRequest(
        campaign=campaign_request(args, "synth", seeds=args.verify_seeds),
        strategies=strategies_of(args.strategies or args.strategy),
        backends=backend_pairs(resolve(args.backends or [], args.model or ""), args.model or ""),
        out=args.out, keep=args.keep, min_speedup=args.min_speedup, pairs_per=args.pairs_per,
        kb_out=args.kb_out, include_runs=tuple(args.include_run), export_only=args.export_only,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    outcome = run_synth(request_of(args), say=_err)
    print(json.dumps(outcome.outputs, indent=2))
    for run_id, stop in outcome.stopped:
        print(f"stopped: {run_id}: {stop}; {resume_hint(stop)}", file=sys.stderr)
    return 2 if outcome.stopped else 0
