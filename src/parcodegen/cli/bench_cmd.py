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

from parcodegen.cli.campaign_args import add_campaign_args, campaign_request
from parcodegen.errors import ConfigError
from parcodegen.jobs.bench import resume_hint, run_bench, run_rows, write_report
from parcodegen.jobs.runs import open_store


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

    from parcodegen.cli.pareval_outputs_cmd import register_bench

    register_bench(bsub)  # bench import-outputs (ParEval's recorded outputs)
    p.set_defaults(func=lambda _a: (p.print_help(), 2)[1])


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def parse_ks(text: str) -> list[int]:
    try:
        ks = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise ConfigError(f"-k: expected comma-separated integers, got '{text}'") from None
    if not ks or ks[0] < 1:
        raise ConfigError(f"-k: K values must be positive integers, got '{text}'")
    return ks


# --------------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    ks = parse_ks(args.ks)
    outcome = run_bench(campaign_request(args, args.name), ks, say=_err)
    result = outcome.campaign.result
    _err(f"this execution: {result.calls_sent} request(s) sent to the model, "
         f"{result.verified} attempt(s) checked (the others were read back)")  # fmt: skip
    print(outcome.table)
    for k, best in outcome.best_speedups.items():
        print(f"best speedup@{k} (user view): {best:.2f}")
    store = outcome.campaign.store
    print(
        f"run: {outcome.run_id} (store {store.path}); report: parcodegen bench report {outcome.run_id}"
    )
    if outcome.stop is not None:
        print(f"stopped: {outcome.stop}; {resume_hint(outcome.stop)}")
        return 2
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    ks = parse_ks(args.ks)
    store = open_store(args.run_dir)
    out = Path(args.output) if args.output else store.path.parent / "report"
    paths = write_report(store, args.runs, ks, out)
    print(paths["markdown"].read_text())
    print(f"written: {paths['markdown']}, {paths['html']}, {paths['json']}")
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from parcodegen.store.report import dumps, score_runs

    ks = parse_ks(args.ks)
    print(dumps(score_runs(open_store(args.run_dir), args.runs, ks), ks))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args.run_dir)
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
