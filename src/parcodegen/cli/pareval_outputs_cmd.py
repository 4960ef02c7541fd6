"""`parcodegen bench import-outputs FILE.json --problems DIR [--labels RESULTS.json]`.

Stores every recorded ParEval output (each continuing its prompt) as an attempt of a bench
run, verified and timed here; `bench report RUN` then gives pass@k, build@k and speedup@K.
With --labels, ParEval's own per-output verdicts are put beside this tool's: agreement
counts and every disagreement classed. Re-running resumes (a larger --limit extends).
"""

from __future__ import annotations

import argparse
import sys


def register_bench(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("import-outputs", help="score ParEval's recorded outputs as a bench run",
                        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("outputs", metavar="FILE.json", help="ParEval outputs (or results) file")
    p.add_argument("--problems", required=True, help="the directory `import pareval` wrote")
    p.add_argument("--model", default="omp", help="parallelism model of the prompts to take")
    p.add_argument("--label", help="name of the model in the run id (default: the file name)")
    p.add_argument("--limit", type=int, help="outputs per prompt to score (default: all)")
    p.add_argument("--only", help="comma-separated problem ids to score (default: all)")
    p.add_argument("--labels", metavar="RESULTS.json", help="ParEval's results for these outputs")
    p.add_argument("--no-timing", action="store_true", help="no timing: speedup@K not reported")
    p.add_argument("--no-race", action="store_true")
    p.add_argument("--timing-reps", type=int, default=3)
    p.add_argument("--workers", type=int, default=2, help="local check processes")
    p.add_argument("--run-dir", help="run store directory")
    p.add_argument("-k", "--ks", default="1,5,10")
    p.set_defaults(func=cmd_import_outputs)


def cmd_import_outputs(args: argparse.Namespace) -> int:
    from parcodegen.cli.bench_cmd import parse_ks
    from parcodegen.errors import ConfigError
    from parcodegen.importers.pareval.labels import compare, render
    from parcodegen.importers.pareval.outputs import read_verdicts
    from parcodegen.importers.pareval.rescore import import_outputs
    from parcodegen.jobs.runs import open_store
    from parcodegen.store.report import markdown_table, rate_table, score_runs

    ks = parse_ks(args.ks)
    if args.limit is not None and args.limit < 1:
        raise ConfigError("--limit: expected a positive number of outputs per prompt")
    verdicts = read_verdicts(args.labels, args.model) if args.labels else None
    store = open_store(args.run_dir)
    only = [x.strip() for x in args.only.split(",")] if args.only else None
    run_id, info = import_outputs(
        store, args.outputs, args.problems, model=args.model, label=args.label,
        limit=args.limit, only=only, timing=not args.no_timing, race=not args.no_race,
        timing_reps=args.timing_reps, workers=args.workers,
        say=lambda m: print(m, file=sys.stderr, flush=True),
    )  # fmt: skip
    if info.missing:
        print(f"{len(info.missing)} recorded problem(s) not in {args.problems}: "
              f"{', '.join(info.missing)}", file=sys.stderr)  # fmt: skip
    print(f"{len(info.problems)} problems x {info.samples} outputs stored in run {run_id}")
    print(markdown_table(rate_table(score_runs(store, [run_id], ks), ks)))
    if verdicts is not None:
        from pathlib import Path

        from parcodegen.importers.pareval.outputs import read_outputs

        recorded = read_outputs(args.outputs, args.model)
        sources = {r.problem_id: r.source_code for r in recorded if r.source_code}
        dirs = {pid: Path(args.problems) / pid for pid in info.problems}
        print()
        print(render(compare(store, run_id, verdicts, sources, dirs)))
    print(f"report: parcodegen bench report {run_id}")
    return 0
