"""`parcodegen import pareval PAREVAL_DIR -o DIR`: convert another benchmark's problems.

import pareval PAREVAL_DIR -o DIR [--problems ID,...] [--no-check] [--json]
    one problem directory per ParEval C++ problem under DIR/<category>/<name>, and one
    line per problem: imported, approximated (what differs) or not imported (why).
    Each imported reference is built and run against itself at its test sizes unless
    --no-check. Exit 0 when at least one problem was imported.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import another benchmark's problems (ParEval)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    isub = p.add_subparsers(dest="import_source", metavar="SOURCE")
    pe = isub.add_parser("pareval", help="a ParEval checkout's C++ problems")
    pe.add_argument("checkout", metavar="PAREVAL_DIR", help="the ParEval checkout (its root)")
    pe.add_argument("-o", "--output", required=True, help="directory for the problems")
    pe.add_argument("--problems", help="comma-separated ids or names to import (default: all)")
    pe.add_argument("--no-check", action="store_true",
                    help="do not build and run each imported reference")  # fmt: skip
    pe.add_argument("--json", action="store_true", help="one JSON object per problem")
    pe.set_defaults(func=cmd_pareval)
    p.set_defaults(func=lambda _a: (p.print_help(), 2)[1])


def cmd_pareval(args: argparse.Namespace) -> int:
    from parcodegen.importers.pareval.convert import import_checkout

    only = [x.strip() for x in args.problems.split(",")] if args.problems else None
    say = None if args.json else (lambda line: print(line, flush=True))
    results = import_checkout(args.checkout, args.output, only, check=not args.no_check, say=say)
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
    counts = Counter(r.status for r in results)
    print(
        f"{len(results)} problems: {counts['imported']} imported, "
        f"{counts['approximated']} imported with approximations, "
        f"{counts['not_imported']} not imported; written under {args.output}",
        file=sys.stderr,
    )
    if only and not results:
        print(f"error: --problems matched nothing in {args.checkout}", file=sys.stderr)
        return 2
    return 0 if counts["imported"] + counts["approximated"] else 1
