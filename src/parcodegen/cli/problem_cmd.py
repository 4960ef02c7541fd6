"""`parcodegen problem init|check`: write a problem directory from plain code; check one.

parcodegen problem init FILE --function F -o DIR [-D NAME=VALUE ...]
    derives the problem (extents from the code, sizes from the loop depth), checks the
    reference under AddressSanitizer + UBSan and writes DIR/problem.toml, commented with
    every guess and its reason, for you to edit.
parcodegen problem check DIR
    loads DIR and runs its reference with the sanitizers on every test size, pattern
    and explicit input; says what it found (exit 0 clean, 1 a finding, 2 malformed).
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("problem", help="derive a problem directory from code, or check one",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    psub = p.add_subparsers(dest="problem_command", metavar="init|check")
    init = psub.add_parser("init", help="write DIR/problem.toml derived from FILE's function")
    init.add_argument("file", help="the C (.c) or C++ source file")
    init.add_argument("--function", required=True, help="the function to optimize")
    init.add_argument("-o", "--output", required=True, help="the problem directory to write")
    init.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VALUE]",
                      help="a macro for every compile (repeatable)")  # fmt: skip
    init.add_argument("--bench-size", type=int, help="timing size n (default: calibrated)")
    init.add_argument("--no-check", action="store_true", help="skip the sanitizer run")
    init.add_argument("--force", action="store_true", help="overwrite an existing problem.toml")
    init.set_defaults(func=run_init)
    check = psub.add_parser("check", help="run the reference with sanitizers on all test inputs")
    check.add_argument("directory", help="the problem directory")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(func=run_check)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from parcodegen.errors import ConfigError
    from parcodegen.problems.derive import derive_problem

    if (Path(args.output) / "problem.toml").exists() and not args.force:
        raise ConfigError(
            f"{args.output}/problem.toml exists (your edits?): pass --force to overwrite"
        )
    derived = derive_problem(args.file, args.function, args.output, bench_size=args.bench_size,
                             check=not args.no_check, exact_dir=True,
                             defines=tuple(args.defines))  # fmt: skip
    print(f"wrote {derived.directory / 'problem.toml'}; derived (check each):")
    for note in derived.assumptions:
        print(f"  - {note}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from parcodegen.problems.check import check_problem
    from parcodegen.problems.load import load_problem

    problem = load_problem(args.directory)
    result = check_problem(problem)
    if args.json:
        print(json.dumps({"ok": result.ok, "runs": result.runs, "message": result.message,
                          "findings": [f.__dict__ for f in result.findings]}, indent=2))  # fmt: skip
    else:
        sizes = ", ".join(map(str, problem.test_sizes))
        extra = f" and {len(problem.edges)} explicit inputs" if problem.edges else ""
        print(f"{problem.id}: reference run under AddressSanitizer + UBSan at n = {sizes} "
              f"(patterns {', '.join(problem.patterns)}){extra}")  # fmt: skip
        print(("ok: " if result.ok else "FOUND: ") + result.message)
    if not result.ok:
        print("the problem (problem.toml or its reference) is at fault, not a candidate",
              file=sys.stderr)  # fmt: skip
    return 0 if result.ok else 1
