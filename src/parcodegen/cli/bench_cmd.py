"""`parcodegen bench run|report|rescore`: evaluate a strategy x model over a suite.

bench run --suite builtin --strategy parallel --backend B --model M --samples N -k 1,5
    N generations per problem (single-shot, or --mode agent for the feedback loop), each
    verified and timed, all stored before scoring. Re-running resumes; a larger
    --samples extends the run. --scheduler tcp://HOST:PORT sends generation and the
    checks to a Dask cluster, and the timings to its workers with the `timing` resource.
bench list                           the stored runs (ids for report / rescore / synth)
bench report RUN [RUN...] [-o DIR]   Markdown + self-contained HTML, with plots
bench rescore RUN [RUN...]           every metric again, from the store alone (JSON)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from parcodegen.cli.backend_args import HELP as BACKEND_HELP
from parcodegen.cli.backend_args import BackendOption
from parcodegen.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="evaluate strategies and models over a problem suite",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    bsub = p.add_subparsers(dest="bench_command", metavar="ACTION")

    r = bsub.add_parser("run", help="generate, verify, time and store N samples per problem")
    add_campaign_args(r)
    r.add_argument("-k", "--ks", default="1,5,10", help="K values for the summary (e.g. 1,10,100)")
    r.add_argument("--name", default="bench", help="run-id prefix")
    r.set_defaults(func=cmd_run)

    rep = bsub.add_parser("report", help="Markdown + HTML report of stored runs")
    rep.add_argument("runs", nargs="+", metavar="RUN")
    rep.add_argument("-k", "--ks", default="1,5,10")
    rep.add_argument("-o", "--output", help="report directory (default: <run dir>/report)")
    rep.add_argument(
        "--run-dir", help="run store directory (default: $PARCODEGEN_RUN_DIR or the cache)"
    )
    rep.set_defaults(func=cmd_report)

    ls = bsub.add_parser("list", help="the stored runs: configuration, progress, state, spend")
    ls.add_argument("--json", action="store_true", help="one JSON list")
    ls.add_argument("--run-dir", help="run store directory")
    ls.set_defaults(func=cmd_list)

    rs = bsub.add_parser("rescore", help="recompute every metric from the store (JSON)")
    rs.add_argument("runs", nargs="+", metavar="RUN")
    rs.add_argument("-k", "--ks", default="1,5,10")
    rs.add_argument("--run-dir", help="run store directory")
    rs.set_defaults(func=cmd_rescore)
    p.set_defaults(func=lambda _a: (p.print_help(), 2)[1])


def add_campaign_args(p: argparse.ArgumentParser) -> None:
    """Options shared by `bench run` and `synth`."""
    p.add_argument("--suite", default="builtin",
                   help="'builtin', a problem directory, or a directory of problem directories")  # fmt: skip
    p.add_argument("--problems", help="comma-separated problem ids to keep (default: all)")
    p.add_argument("--strategy", default="parallel")
    p.add_argument("--backend", action=BackendOption, help=BACKEND_HELP)  # synth: several
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
    p.add_argument("--timing-reps", type=int, default=5)
    p.add_argument("--no-timing", action="store_true", help="no timing: speedup@K not reported")
    p.add_argument("--no-race", action="store_true")
    p.add_argument("--workers", type=int, default=2, help="local check processes")
    p.add_argument("--scheduler", help="Dask scheduler tcp://HOST:PORT (default: local pool)")
    p.add_argument("--kb", help="knowledge base for rag strategies")
    p.add_argument(
        "--run-dir", help="run store directory (default: $PARCODEGEN_RUN_DIR or the cache)"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print every attempt")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def resume_hint(reason: str) -> str:
    """What to do after a stop: a spent budget needs a larger one; anything else, a re-run."""
    if "budget: tokens" in reason or "budget: cost" in reason:
        return "raise the budget and re-run the same command to continue"
    return "re-run the same command to resume"


def parse_ks(text: str) -> list[int]:
    try:
        ks = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise ConfigError(f"-k: expected comma-separated integers, got '{text}'") from None
    if not ks or ks[0] < 1:
        raise ConfigError(f"-k: K values must be positive integers, got '{text}'")
    return ks


def _store(args: argparse.Namespace) -> Any:
    from parcodegen.cli.optimize_cmd import run_dir
    from parcodegen.store import RunStore

    return RunStore(run_dir(args))


# --------------------------------------------------------------------------- campaign setup
def load_problems(suite: str, only: str | None = None) -> list[Any]:
    from parcodegen.problems.load import load_problem

    if suite == "builtin":
        root = builtin_root()
    else:
        root = Path(suite)
        if not root.is_dir():
            raise ConfigError(f"--suite: '{suite}' is not 'builtin' or a directory")
    if (root / "problem.toml").is_file():
        dirs = [root]
    else:
        dirs = sorted(p.parent for p in root.rglob("problem.toml"))
    problems = [load_problem(d) for d in dirs]
    if only:
        want = [x.strip() for x in only.split(",") if x.strip()]
        known = {p.id: p for p in problems}
        missing = [w for w in want if w not in known]
        if missing:
            raise ConfigError(f"--problems: unknown id(s) {missing} (known: {sorted(known)})")
        problems = [known[w] for w in want]
    if not problems:
        raise ConfigError(f"no problem.toml under {root}")
    return problems


def builtin_root() -> Path:
    try:
        from parcodegen.problems import suite as suite_mod

        root = getattr(suite_mod, "BUILTIN_DIR", None) or getattr(suite_mod, "builtin_dir", None)
        if callable(root):
            root = root()
        if root is not None and Path(root).is_dir():
            return Path(root)
    except ImportError:
        pass
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "problems" / "builtin"
        if cand.is_dir():
            return cand
    raise ConfigError("the built-in suite (problems/builtin) was not found")


def campaign_backend_options(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """(backend name, its options) from the arguments; a ConfigError when one is missing."""
    from parcodegen.cli.optimize_cmd import backend_choice

    name, opts = backend_choice(args)
    if name == "scripted":
        if not args.script:
            raise ConfigError("the scripted backend needs --script FILE.json")
        opts = {"script": json.loads(Path(args.script).read_text())}
    elif name == "replay":
        if not args.recording:
            raise ConfigError("the replay backend needs --recording FILE.jsonl")
        opts = {"path": str(Path(args.recording).resolve())}
    return name, opts


def make_campaign_backend(args: argparse.Namespace, executor: Any = None) -> tuple[str, Any, str]:
    """(backend name, backend, where generation runs). With a Dask executor, a backend that
    can (llm/cluster.py) generates on the cluster; the cache and the recording stay here."""
    from parcodegen.agent.executors import DaskExecutor
    from parcodegen.cli.optimize_cmd import response_cache_dir
    from parcodegen.llm.cluster import BackendSpec, ClusterBackend, cluster_mode
    from parcodegen.llm.registry import make_backend, wrap_backend

    name, opts = campaign_backend_options(args)
    backend = make_backend(name, **opts)
    where = "generation: on this machine"
    if isinstance(executor, DaskExecutor):
        mode = cluster_mode(name)
        if mode is None:
            where += f" (the {name} backend cannot generate on a cluster; see docs/evaluation.md)"
        else:
            backend = ClusterBackend(BackendSpec.of(name, opts), mode, backend, executor)
            where = backend.describe()
    wrapped = wrap_backend(
        backend, cache_dir=response_cache_dir(args, name), record_path=args.record
    )
    return name, wrapped, where


def campaign_config(args: argparse.Namespace, backend: str) -> Any:
    from parcodegen.agent.config import Budget, LoopConfig

    budget = Budget(max_iters=args.max_iters, max_tokens=args.max_tokens,
                    max_cost=args.max_cost, max_wall_s=args.max_wall)  # fmt: skip
    return LoopConfig(
        strategy=args.strategy, samples=args.samples, backend=backend, model=args.model or "",
        temperature=args.temperature, kb=args.kb or "", timing=not args.no_timing,
        race=not args.no_race, timing_reps=args.timing_reps, threads=args.threads,
        workers=args.workers, budget=budget,
    )  # fmt: skip


def run_campaign_from_args(
    args: argparse.Namespace, name: str, seeds: int = 1
) -> tuple[str, Any, Any]:
    """Run (or resume) the campaign the arguments describe: (run id, loop result, store)."""
    from parcodegen.agent.executors import make_executor
    from parcodegen.cli.optimize_cmd import retriever_for
    from parcodegen.llm.base import close_backend
    from parcodegen.strategies import get_strategy
    from parcodegen.synth.campaign import CampaignSpec, run_campaign

    get_strategy(args.strategy)
    problems = load_problems(args.suite, args.problems)
    store = _store(args)
    with make_executor(args.scheduler, args.workers) as executor:
        bname, backend, where = make_campaign_backend(args, executor)
        _err(where)
        config = campaign_config(args, bname)
        spec = CampaignSpec(mode=args.mode, iters=args.max_iters, name=name, verify_seeds=seeds)
        extra = {"suite": args.suite, "backend": {"name": bname},
                 "problems": [{"id": p.id, "directory": str(p.directory)} for p in problems]}  # fmt: skip
        try:
            run_id, result = run_campaign(
                store, problems, backend, config, spec, executor, say=_err,
                extra_manifest=extra, verbose=args.verbose,
                retriever=retriever_for(config),
            )  # fmt: skip
        finally:
            close_backend(backend)
    return run_id, result, store


# --------------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    ks = parse_ks(args.ks)
    run_id, result, store = run_campaign_from_args(args, args.name)
    from parcodegen.store.report import markdown_table, rate_table, score_runs

    scores = score_runs(store, [run_id], ks)
    print(markdown_table(rate_table(scores, ks)))
    s = scores[0].summary
    for k in ks:
        best = s.at_k.get("best_speedup_user", {}).get(k, (None, 0))[0]
        if best is not None:
            print(f"best speedup@{k} (user view): {best:.2f}")
    print(f"run: {run_id} (store {store.path}); report: parcodegen bench report {run_id}")
    if result.stop_reason:
        print(f"stopped: {result.stop_reason}; {resume_hint(result.stop_reason)}")
        return 2
    return 0


def write_report(store: Any, run_ids: list[str], ks: list[int], out: Path) -> dict[str, Path]:
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


def cmd_report(args: argparse.Namespace) -> int:
    ks = parse_ks(args.ks)
    store = _store(args)
    out = Path(args.output) if args.output else store.path.parent / "report"
    paths = write_report(store, args.runs, ks, out)
    print(paths["markdown"].read_text())
    print(f"written: {paths['markdown']}, {paths['html']}, {paths['json']}")
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from parcodegen.store.report import dumps, score_runs

    ks = parse_ks(args.ks)
    print(dumps(score_runs(_store(args), args.runs, ks), ks))
    return 0


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


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    rows = run_rows(store)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"no runs in {store.path}")
        return 0
    print(
        "| run | created | strategy | backend / model | mode | problems x samples | attempts | state | tokens | cost |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        who = r["backend"] + (f" / {r['model']}" if r["model"] else "")
        state = r["state"] + (f" ({r['stop_reason']})" if r["stop_reason"] else "")
        print(f"| {r['run']} | {r['created']} | {r['strategy']} | {who} | {r['mode']} | "
              f"{r['problems']} x {r['samples']} | {r['attempts']} | {state} | {r['tokens']} | "
              f"${r['cost_usd']:.4f} |")  # fmt: skip
    return 0
