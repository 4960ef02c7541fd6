"""`parcodegen kb ...`: the knowledge base of slow -> fast example pairs.

    kb ingest-pie FILE.jsonl [--max-tokens 1000]   the user's own copy of PIE
    kb add-seed [NAME ...] [--record] [--force]    verify + time the packaged seeds
    kb add-run RUN | RUN_DIR [--run ID]            passing, faster attempts of our runs
    kb query FILE [-L 2] [--no-self-match]         the most similar stored pairs
    kb stats | kb reindex [--kind exact|approx]
Every action takes `--kb PATH` (default: the user cache KB) and `--embedder NAME` (only
used when the KB is created). query, stats and reindex need an existing KB at PATH; the
adding actions create one there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parcodegen.errors import ConfigError
from parcodegen.jobs.kb import SeedOutcome, add_run, add_seeds
from parcodegen.memory.embedders import EMBEDDERS
from parcodegen.memory.kb import KnowledgeBase
from parcodegen.memory.pie import DEFAULT_MAX_TOKENS, read_pie_file


def _open(args: argparse.Namespace, create: bool = True) -> KnowledgeBase:
    """The --kb knowledge base; reading actions (create=False) refuse a missing one."""
    from parcodegen.jobs.preflight import check_kb

    check_kb(args.kb or "", needed=True, create=create)
    return KnowledgeBase.open(args.kb, args.embedder)


# ------------------------------------------------------------------ ingest-pie
def cmd_ingest_pie(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"no such file: {path}")
    report = read_pie_file(path, args.max_tokens)
    print(report.summary(show=args.show))
    if args.dry_run:
        print("dry run: nothing stored")
        return 0 if report.kept else 1
    with _open(args) as kb:
        added, present = kb.add(report.kept)
        print(f"stored {len(added)} new entries ({len(present)} already present) in {kb.path}")
    return 0 if report.kept else 1


# ------------------------------------------------------------------ add-seed
def _print_seed(out: SeedOutcome) -> None:
    if out.status == "present":
        print(f"  {out.name:28s} already in the KB (use --force to re-measure)")
    elif out.status == "pass" and out.speedup is not None:
        print(f"  {out.name:28s} pass  speedup {out.speedup:5.2f}x "
              f"(normalized {out.normalized:.2f})", flush=True)  # fmt: skip
    else:
        print(f"  {out.name:28s} {out.status.upper()}: {out.message}")


def cmd_add_seed(args: argparse.Namespace) -> int:
    with _open(args) as kb:
        outcomes, written = add_seeds(
            kb, seeds_dir=args.seeds_dir, names=args.names, reps=args.reps, threads=args.threads,
            race=not args.no_race, force=args.force, record=args.record, on_seed=_print_seed,
        )  # fmt: skip
        failed = sum(o.status not in ("pass", "present") for o in outcomes)
        print(f"{len(kb)} entries in {kb.path}; {failed} seed(s) failed verification")
    if written is not None:
        print(f"recorded measurements in {written}")
    return 1 if failed else 0


# ------------------------------------------------------------------ add-run
def cmd_add_run(args: argparse.Namespace) -> int:
    from parcodegen.jobs.runs import open_store, run_dir

    run_dir_path, run_id = Path(args.run), args.only
    if not run_dir_path.is_dir():  # a run id in the run store (--run-dir or the default)
        store_dir = run_dir(args.run_dir)
        with open_store(store_dir) as store:
            if store.run(args.run) is None:
                raise ConfigError(
                    f"'{args.run}' is neither a run store directory nor a run in {store.path} "
                    "(see `parcodegen bench list`)"
                )
        run_dir_path, run_id = store_dir, args.run
    with _open(args) as kb:
        entries, added, present, notes = add_run(kb, run_dir_path, run_id)
    for note in notes:
        print(f"  skipped: {note}")
    print(f"found {len(entries)} verified faster candidates; stored {added} new "
          f"({present} already present)")  # fmt: skip
    return 0 if entries else 1


# ------------------------------------------------------------------ query / stats
def cmd_query(args: argparse.Namespace) -> int:
    if args.file != "-" and not Path(args.file).is_file():
        raise ConfigError(f"kb query: no such file: {args.file}")
    code = sys.stdin.read() if args.file == "-" else Path(args.file).read_text()
    with _open(args, create=False) as kb:
        hits = kb.retrieve(code, k=args.L, self_match=not args.no_self_match)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], indent=1))
        return 0 if hits else 1
    if not hits:
        print("no example found")
        return 1
    for rank, h in enumerate(hits, 1):
        print(
            f"=== {rank}. {h.id}  family={h.family}  speedup {h.speedup:.2f} "
            f"(raw {h.raw_speedup:.2f})  source={h.source}  verified={h.verified}"
        )
        where = h.machine.summary() if h.machine is not None else h.hardware or "unknown"
        print(f"measured on: {where}")
        print("--- slow")
        print(h.slow_code.rstrip())
        print("--- fast")
        print(h.fast_code.rstrip())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _open(args, create=False) as kb:
        stats = kb.stats()
    if args.json:
        print(json.dumps(stats, indent=1))
        return 0
    print(f"knowledge base {stats['path']}")
    print(
        f"  entries   {stats['entries']} ({stats['verified']} verified, "
        f"{stats['families']} families)"
    )
    for source, n in stats["by_source"].items():
        print(f"    {source:6s} {n}")
    print(
        f"  speedup   mean {stats['mean_speedup']} normalized, mean raw "
        f"{stats['mean_raw_speedup']}, max raw {stats['max_raw_speedup']}"
    )
    emb = stats["embedder"]
    print(f"  embedder  {emb['embedder']} dim {emb['dim']} {json.dumps(emb['params'])}")
    print(f"  index     {stats['index']['kind']} ({stats['index']['vectors']} vectors)")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    with _open(args, create=False) as kb:
        kb.reindex(args.kind)
        print(f"rebuilt {kb.index.kind} index of {kb.index.ntotal} vectors in {kb.path}")
    return 0


# ------------------------------------------------------------------ parser
def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--kb",
        metavar="PATH",
        default=None,
        help="knowledge base directory (default: the user cache KB, "
        "built from the packaged seeds on first use)",
    )
    common.add_argument(
        "--embedder",
        default=None,
        choices=EMBEDDERS.names(),
        help="embedder for a new KB (an existing KB keeps its own)",
    )
    kb = subparsers.add_parser("kb", help="the knowledge base of slow/fast example pairs")
    sub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)

    p = sub.add_parser("ingest-pie", parents=[common], help="ingest a PIE-format JSONL file")
    p.add_argument("file")
    p.add_argument(
        "--max-tokens",
        type=int,
        default=DEFAULT_MAX_TOKENS,
        help="drop pairs whose slow or fast code exceeds this many o200k tokens",
    )
    p.add_argument("--show", type=int, default=10, help="dropped-line messages to print")
    p.add_argument("--dry-run", action="store_true", help="report only; store nothing")
    p.set_defaults(func=cmd_ingest_pie)

    p = sub.add_parser(
        "add-seed", parents=[common], help="verify, time and store the packaged seed pairs"
    )
    p.add_argument("names", nargs="*", help="seed names (default: all)")
    p.add_argument("--seeds-dir", default=None, help="another directory of seed problems")
    p.add_argument("--reps", type=int, default=None,
                   help="a fixed number of timed pairs (default: until the interval is +-5%%)")  # fmt: skip
    p.add_argument("--threads", type=int, default=None, help="timing threads")
    p.add_argument("--no-race", action="store_true", help="skip the race detector")
    p.add_argument("--force", action="store_true", help="re-measure seeds already stored")
    p.add_argument(
        "--record",
        action="store_true",
        help="save the measurements to measured.json beside the seeds",
    )
    p.set_defaults(func=cmd_add_seed)

    p = sub.add_parser(
        "add-run", parents=[common], help="store the verified faster candidates of a run"
    )
    p.add_argument("run", metavar="RUN",
                   help="a run id (from `bench list`), or a run store directory (runs.sqlite)")  # fmt: skip
    p.add_argument("--only", "--run", dest="only", default=None,
                   help="with a directory: only this run id")  # fmt: skip
    p.add_argument("--run-dir", help="run store directory for a run id "
                   "(default: $PARCODEGEN_RUN_DIR or the cache)")  # fmt: skip
    p.set_defaults(func=cmd_add_run)

    p = sub.add_parser("query", parents=[common], help="show the most similar stored pairs")
    p.add_argument("file", help="C/C++ file holding the slow code ('-' for stdin)")
    p.add_argument("-L", type=int, default=2, help="how many examples (default 2)")
    p.add_argument(
        "--no-self-match",
        action="store_true",
        help="keep entries whose slow code is (nearly) the query itself",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("stats", parents=[common], help="counts, sources, embedder, index")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("reindex", parents=[common], help="rebuild the FAISS index")
    p.add_argument("--kind", choices=["exact", "approx"], default=None)
    p.set_defaults(func=cmd_reindex)
