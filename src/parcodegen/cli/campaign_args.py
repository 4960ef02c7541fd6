"""The options `bench run` and `synth` share, and the campaign request they describe."""

from __future__ import annotations

import argparse

from parcodegen.cli.backend_args import BackendOption, backend_option_help
from parcodegen.cli.endpoint_args import add_endpoint_args
from parcodegen.cli.options import backend_settings, budget
from parcodegen.jobs.campaign import CampaignRequest


def add_campaign_args(p: argparse.ArgumentParser) -> None:
    """Options shared by `bench run` and `synth`."""
    p.add_argument("--suite", default="builtin",
                   help="'builtin', a problem directory, or a directory of problem directories")  # fmt: skip
    p.add_argument("--problems", help="comma-separated problem ids to keep (default: all)")
    p.add_argument("--strategy", default="parallel")
    p.add_argument("--backend", action=BackendOption, help=backend_option_help())  # synth: several
    p.add_argument("--model", default="", help="model name")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="do not use the on-disk response cache for model calls",
    )
    p.add_argument(
        "--script", help="scripted backend: JSON file, a list of replies or {problem id: [replies]}"
    )
    p.add_argument("--recording", help="replay backend: the JSONL recording to serve")
    p.add_argument("--record", help="append every model call to this JSONL (for --backend replay)")
    p.add_argument("--samples", type=int, default=1, help="generations per problem (N)")
    p.add_argument("--mode", default="single", choices=["single", "agent"],
                   help="single: one attempt per sample; agent: the feedback loop")  # fmt: skip
    p.add_argument("--max-iters", type=int, default=4, help="attempts per sample in agent mode")
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--max-tokens", type=int, help="token budget for the whole run")
    p.add_argument("--max-cost", type=float, help="cost budget (USD)")
    p.add_argument("--max-wall", type=float, help="wall-time budget (s) for this execution")
    p.add_argument("--threads", type=int, help="timing threads (default: all cores)")
    p.add_argument("--scaling", action="store_true",
                   help="also time passing candidates at 1 .. cores threads (plotted in the report)")  # fmt: skip
    p.add_argument("--timing-reps", type=int, default=None,
                   help="a fixed number of timed pairs (default: until the interval is +-5%%)")  # fmt: skip
    p.add_argument("--no-timing", action="store_true", help="no timing: speedup@K not reported")
    p.add_argument("--no-race", action="store_true")
    p.add_argument(
        "--allow-unchecked",
        action="store_true",
        help="count a pass whose race check could not run (default: not a pass)",
    )
    p.add_argument("--workers", type=int, default=2, help="local check processes")
    p.add_argument("--scheduler", help="Dask scheduler tcp://HOST:PORT (default: local pool)")
    p.add_argument("--kb", help="knowledge base for rag strategies")
    p.add_argument("--kb-create", action="store_true",
                   help="create the --kb knowledge base if it does not exist")  # fmt: skip
    p.add_argument(
        "--run-dir", help="run store directory (default: $PARCODEGEN_RUN_DIR or the cache)"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print every attempt")
    add_endpoint_args(p)


def campaign_request(args: argparse.Namespace, name: str, seeds: int = 1) -> CampaignRequest:
    """The campaign the options of `bench run` / `synth` describe (parsing only)."""
    only = tuple(x.strip() for x in (args.problems or "").split(",") if x.strip())
    return CampaignRequest(
        suite=args.suite, problems=only, strategy=args.strategy, backend=args.backend,
        settings=backend_settings(args), samples=args.samples, mode=args.mode,
        max_iters=args.max_iters, temperature=args.temperature, budget=budget(args),
        threads=args.threads, timing_reps=args.timing_reps, scaling=args.scaling, timing=not args.no_timing,
        race=not args.no_race, allow_unchecked=args.allow_unchecked, workers=args.workers, scheduler=args.scheduler,
        kb=args.kb or "", run_dir=args.run_dir, verbose=args.verbose, name=name,
        verify_seeds=seeds, reply_tokens=args.reply_tokens, fresh=args.fresh,
        resume=args.resume, kb_create=args.kb_create,
    )  # fmt: skip
