"""`parcodegen optimize TARGET`: find a faster, verified version of a function.

TARGET is a problem directory, or a C/C++ file with `--function NAME` (the problem is
then derived from the signature; the assumptions are printed). The agent loop runs the
strategy against the backend, stores everything in the run store (a re-run of the same
command resumes it), and prints the result: the optimized file, a unified diff, the
verdict, the measured speedup and where the run's record is. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from parcodegen.cli.endpoint_args import add_endpoint_args
from parcodegen.cli.options import backend_settings, budget
from parcodegen.jobs.optimize import OptimizeRequest, optimize
from parcodegen.llm.registry import BASE_URL_ENV, MODEL_ENV, backend_help


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("optimize", help="optimize a function with verified candidates",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument(
        "target", metavar="TARGET", help="problem directory, or a C/C++ file (+ --function)"
    )
    p.add_argument("--function", help="the function to optimize (for a plain source file)")
    p.add_argument(
        "--strategy",
        default="parallel",
        help="parallel | serial | any | multi-stage | rag | rag+self-match",
    )
    p.add_argument("--backend", help=backend_help())
    p.add_argument("--model", default=os.environ.get(MODEL_ENV, ""), help="model name")
    p.add_argument("--base-url", help=f"OpenAI-compatible endpoint (or ${BASE_URL_ENV})")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="do not use the on-disk response cache for model calls",
    )
    p.add_argument("--samples", type=int, default=1, help="independent episodes per problem")
    p.add_argument("--max-iters", type=int, default=4, help="attempts per episode")
    p.add_argument(
        "--keep-improving",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep asking for faster versions after one is accepted, up to --max-iters "
        "(default: what the backend declares; on for autopar, so each of its variants is "
        "verified and timed)",
    )
    p.add_argument("--feedback", default="feedback", choices=["feedback", "regenerate"])
    p.add_argument("--self-check", action="store_true", help="ask the model to review each draft")
    p.add_argument(
        "--min-speedup", type=float, default=1.05, help="required speedup (default 1.05)"
    )
    p.add_argument("--temperature", type=float, default=0.2)
    p.add_argument("--max-tokens", type=int, help="token budget for the whole run")
    p.add_argument("--max-cost", type=float, help="cost budget (USD) for the whole run")
    p.add_argument("--max-wall", type=float, help="wall-time budget (seconds) for this execution")
    p.add_argument("--kb", help="knowledge base for rag strategies (default: the seed KB)")
    p.add_argument("--kb-create", action="store_true",
                   help="create the --kb knowledge base if it does not exist")  # fmt: skip
    p.add_argument("--script", help="scripted backend: a JSON file of replies (a list, or "
                   "{problem id: [replies]})")  # fmt: skip
    p.add_argument("--recording", help="replay backend: the JSONL recording to serve")
    p.add_argument("--threads", type=int, help="threads for timing (default: all cores)")
    p.add_argument(
        "--no-timing", action="store_true", help="skip timing (nothing can be claimed faster)"
    )
    p.add_argument("--no-race", action="store_true", help="skip the race detector")
    p.add_argument("--scaling", action="store_true",
                   help="also time the result at 1 .. cores threads (speedup, efficiency)")  # fmt: skip
    p.add_argument("--timing-reps", type=int, default=None,
                   help="a fixed number of timed pairs (default: until the interval is +-5%%)")  # fmt: skip
    p.add_argument(
        "--allow-unchecked",
        action="store_true",
        help="hand back code whose race check could not run (default: keep the original)",
    )
    p.add_argument("--bench-size", type=int, help="timing size n for a derived problem")
    p.add_argument(
        "-D",
        dest="defines",
        action="append",
        default=[],
        metavar="NAME[=VALUE]",
        help="a macro for every compile of a derived problem (repeatable)",
    )
    p.add_argument("-o", "--output", help="where to write the optimized file")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--run-dir", help="run store directory (default: $PARCODEGEN_RUN_DIR or the cache)"
    )
    add_endpoint_args(p)
    p.set_defaults(func=run)


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def request_of(args: argparse.Namespace) -> OptimizeRequest:
    return OptimizeRequest(
        target=args.target, function=args.function, strategy=args.strategy,
        backend=args.backend, settings=backend_settings(args), samples=args.samples,
        keep_improving=args.keep_improving, feedback=args.feedback, self_check=args.self_check,
        min_speedup=args.min_speedup, temperature=args.temperature, budget=budget(args),
        kb=args.kb or "", threads=args.threads, timing=not args.no_timing, race=not args.no_race,
        allow_unchecked=args.allow_unchecked, bench_size=args.bench_size,
        defines=tuple(args.defines), output=args.output, run_dir=args.run_dir,
        timing_reps=args.timing_reps, reply_tokens=args.reply_tokens, fresh=args.fresh,
        resume=args.resume, kb_create=args.kb_create, scaling=args.scaling,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    outcome = optimize(request_of(args), say=_err)
    report = outcome.report
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(report["diff"] if report["diff"] else "(no change: the original is kept)")
        if outcome.improved:
            speed = report["speedup_text"] or f"{report['speedup']:.2f}x"
            print(f"verdict: pass; speedup {speed}; {report['explanation']}")
        else:
            print(f"verdict: original kept: {report['explanation']}")
        if report["stop_reason"]:
            print(f"stopped: {report['stop_reason']}")
        print(f"optimized file: {report['output']}")
        print(f"run record: {report['store']} (run {report['run_id']}, {report['run']}, "
              f"{report['state']})")  # fmt: skip
    if outcome.fault:
        return 2
    return 0 if outcome.improved else 1
