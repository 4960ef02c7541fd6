"""`parcodegen optimize TARGET`: find a faster, verified version of a function.

TARGET is a problem directory, or a C/C++ file with `--function NAME` (the problem is
then derived from the signature; the assumptions are printed). The agent loop runs the
strategy against the backend, stores everything in the run store (a re-run of the same
command resumes it), and prints the result: the optimized file, a unified diff, the
verdict, the measured speedup and where the run's record is. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from parcodegen.errors import ConfigError
from parcodegen.types import Problem

DEFAULT_BASE_URL_ENV = "PARCODEGEN_BASE_URL"


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
    p.add_argument(
        "--backend", help="backend name (default: openai if a base URL is set, else autopar)"
    )
    p.add_argument("--model", default=os.environ.get("PARCODEGEN_MODEL", ""), help="model name")
    p.add_argument("--base-url", help=f"OpenAI-compatible endpoint (or ${DEFAULT_BASE_URL_ENV})")
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
        "(default: on for autopar, so each of its variants is verified and timed)",
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
    p.add_argument("--threads", type=int, help="threads for timing (default: all cores)")
    p.add_argument(
        "--no-timing", action="store_true", help="skip timing (nothing can be claimed faster)"
    )
    p.add_argument("--no-race", action="store_true", help="skip the race detector")
    p.add_argument("--bench-size", type=int, help="timing size n for a derived problem")
    p.add_argument("-o", "--output", help="where to write the optimized file")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--run-dir", help="run store directory (default: $PARCODEGEN_RUN_DIR or the cache)"
    )
    p.set_defaults(func=run)


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- resolving
def run_dir(args: argparse.Namespace) -> Path:
    if args.run_dir:
        return Path(args.run_dir)
    env = os.environ.get("PARCODEGEN_RUN_DIR")
    if env:
        return Path(env)
    from parcodegen.paths import cache_dir

    return cache_dir("runs")


def load_target(args: argparse.Namespace, runs: Path) -> Problem:
    from parcodegen.problems.load import load_problem

    target = Path(args.target)
    if target.is_dir():
        return load_problem(target)
    if not target.is_file():
        raise ConfigError(f"TARGET '{target}' is neither a problem directory nor a file")
    if not args.function:
        raise ConfigError("a plain source file needs --function NAME (the function to optimize)")
    from parcodegen.problems.derive import DEFAULT_BENCH, derive_problem

    derived = derive_problem(target, args.function, runs / "derived",
                             bench_size=args.bench_size or DEFAULT_BENCH)  # fmt: skip
    _err(f"derived a problem for {args.function} in {target.name}; assumed:")
    for note in derived.assumptions:
        _err(f"  - {note}")
    _err(f"  (edit {derived.directory / 'problem.toml'} and pass that directory to change these)")
    return derived.problem


def backend_choice(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """(backend name, options). Default: openai when an endpoint is configured, else autopar."""
    from parcodegen.llm.registry import BACKENDS

    base_url = args.base_url or os.environ.get(DEFAULT_BASE_URL_ENV)
    name = args.backend or ("openai" if base_url else "autopar")
    if name == "autopar" and "autopar" not in BACKENDS:
        try:  # the autopar package registers its backend on import
            importlib.import_module("parcodegen.autopar")
        except ImportError:
            pass
        if "autopar" not in BACKENDS:
            raise ConfigError(
                "no LLM is configured and the built-in 'autopar' backend is not available: "
                f"pass --base-url URL --model MODEL (or set ${DEFAULT_BASE_URL_ENV} and "
                "PARCODEGEN_MODEL, with PARCODEGEN_API_KEY), or --backend NAME"
            )
    opts: dict[str, Any] = {}
    if name == "openai":
        if not args.model:
            raise ConfigError("the openai backend needs --model (or $PARCODEGEN_MODEL)")
        opts = {"model": args.model, "base_url": base_url}
    elif args.model and name not in ("autopar", "scripted", "replay"):
        opts = {"model": args.model}
    return name, opts


def response_cache_dir(args: argparse.Namespace, backend: str) -> Path | None:
    """Model replies are cached on disk (keyed by the request, never the key or URL), so a
    re-run costs nothing; local and scripted backends need no cache."""
    if getattr(args, "no_cache", False) or backend in ("autopar", "scripted", "replay"):
        return None
    if os.environ.get("PARCODEGEN_LLM_CACHE"):
        return Path(os.environ["PARCODEGEN_LLM_CACHE"])
    from parcodegen.paths import cache_dir

    return cache_dir("llm")


def loop_config(args: argparse.Namespace, backend: str) -> Any:
    from parcodegen.agent.config import Budget, LoopConfig

    keep = getattr(args, "keep_improving", None)
    keep_improving = (backend == "autopar") if keep is None else keep
    budget = Budget(max_iters=args.max_iters, max_tokens=args.max_tokens,
                    max_cost=args.max_cost, max_wall_s=args.max_wall)  # fmt: skip
    return LoopConfig(
        strategy=args.strategy, samples=args.samples, feedback=args.feedback,
        self_check=args.self_check, min_speedup=args.min_speedup, backend=backend,
        model=args.model or "", temperature=args.temperature, kb=args.kb or "",
        timing=not args.no_timing, race=not args.no_race, threads=args.threads, budget=budget,
        continue_after_pass=keep_improving,
    )  # fmt: skip


def retriever_for(config: Any) -> Any:
    from parcodegen.strategies import get_strategy

    if not get_strategy(config.strategy).retrieve:
        return None
    from parcodegen.memory.kb import KnowledgeBase

    kb = KnowledgeBase.open(config.kb or None)
    return lambda code, k, self_match: kb.retrieve(code, k=k, self_match=self_match)


# --------------------------------------------------------------------------- running
def run(args: argparse.Namespace) -> int:
    from parcodegen.agent.loop import Loop
    from parcodegen.llm.registry import make_backend
    from parcodegen.store import RunStore
    from parcodegen.store.manifest import make_manifest
    from parcodegen.strategies import get_strategy
    from parcodegen.types import content_hash

    get_strategy(args.strategy)  # unknown names fail here, with a did-you-mean
    runs = run_dir(args)
    problem = load_target(args, runs)
    name, opts = backend_choice(args)
    config = loop_config(args, name)
    identity = config.identity([f"{problem.id}:{content_hash(problem.reference_code)}"])
    store = RunStore(runs)
    run_id = store.find_run(identity)
    if run_id is None:
        run_id = f"{problem.name}-{config.strategy}-{identity[:10]}"
        resolved = {"loop": config.to_dict(), "backend": {"name": name, **opts},
                    "problems": [{"id": problem.id, "directory": str(problem.directory)}]}  # fmt: skip
        store.create_run(make_manifest(run_id, resolved), identity)
        _err(f"run {run_id} (store {store.path})")
    else:
        done = len(store.attempts(run_id))
        _err(f"resuming run {run_id}: {done} attempt(s) already stored (store {store.path})")
    store.add_problem(run_id, problem)
    store.set_run_state(run_id, "running")
    backend = make_backend(name, cache_dir=response_cache_dir(args, name), **opts)
    loop = Loop([problem], backend, store.recorder(run_id), config, run_id=run_id,
                retriever=retriever_for(config), progress=_err)  # fmt: skip
    result = loop.run()
    store.set_run_state(run_id, "stopped" if result.stop_reason.startswith(("backend", "infra")) else "finished",
                        result.stop_reason)  # fmt: skip
    pr = result.results[0]
    out_path = Path(args.output) if args.output else runs / run_id / f"{problem.name}.optimized.cpp"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(pr.code)
    diff = "".join(difflib.unified_diff(
        problem.reference_code.splitlines(keepends=True), pr.code.splitlines(keepends=True),
        fromfile=f"a/{problem.source_file}", tofile=f"b/{out_path.name}"))  # fmt: skip
    verdict = pr.choice.verdict
    report = {
        "run_id": run_id,
        "store": str(store.path),
        "problem": problem.id,
        "output": str(out_path),
        "improved": pr.improved,
        "speedup": pr.choice.speedup,
        "status": verdict.status.value if verdict else None,
        "explanation": pr.choice.explanation,
        "stop_reason": result.stop_reason,
        "attempts": len(pr.attempts),
        "calls_sent": result.calls_sent,
        "tokens": result.usage.total_tokens,
        "cost_usd": result.usage.cost_usd,
        "diff": diff,
    }
    store.close()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(diff if diff else "(no change: the original is kept)")
        if pr.improved:
            print(f"verdict: pass; speedup {pr.choice.speedup:.2f}x ({pr.choice.explanation})")
        else:
            print(f"verdict: original kept: {pr.choice.explanation}")
        if result.stop_reason:
            print(f"stopped: {result.stop_reason}")
        print(f"optimized file: {out_path}")
        print(f"run record: {store.path} (run {run_id})")
    if result.stop_reason.startswith(("backend", "infra")):
        return 2
    return 0 if pr.improved else 1
