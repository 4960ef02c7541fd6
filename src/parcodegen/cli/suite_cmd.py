"""`parcodegen suite list|check`: the built-in benchmark suite.

`check` verifies every expert solution (must pass; timed one at a time unless
--no-timing) and every mutant (no timing; must get a status it declares in its first
line). Correctness checks run in parallel (--jobs); timing never overlaps other work.
Exit 0 only when every expert passes and every mutant gets its declared status.
"""

from __future__ import annotations

import argparse
import json
import sys

from parcodegen.jobs.suite_check import Job, all_ok, check_suite
from parcodegen.problems.suite import describe, load_suite


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("suite", help="list or check the built-in benchmark suite",
                       description="List the suite's problems, or check that every expert "
                       "solution passes and every mutant gets its declared status.")  # fmt: skip
    ssub = p.add_subparsers(dest="suite_command", metavar="ACTION")
    for name, helptext in (("list", "list problems with category and sizes"),
                           ("check", "verify every expert and mutant solution")):  # fmt: skip
        q = ssub.add_parser(name, help=helptext)
        q.add_argument(
            "--suite", default="builtin", help="'builtin' (default) or a suite directory"
        )
        q.add_argument("--category", default=None, help="only this category")
        q.add_argument("--problem", action="append", default=None,
                       help="only this problem (id or name); repeat for several")  # fmt: skip
        q.add_argument("--json", action="store_true", help="print one JSON object")
        if name == "check":
            q.add_argument("--no-timing", action="store_true", help="do not time the experts")
            q.add_argument(
                "--jobs", type=int, default=2, help="parallel correctness checks (default 2)"
            )
            q.add_argument(
                "--reps", type=int, default=5, help="timed repetitions per expert (default 5)"
            )
            q.add_argument("--repeat", type=int, default=1,
                           help="verify every mutant this many times (all must match)")  # fmt: skip
            q.add_argument("--no-experts", action="store_true", help="check the mutants only")
            q.add_argument("--no-mutants", action="store_true", help="check the experts only")
            q.add_argument("--no-sanitize", action="store_true",
                           help="skip running each reference under ASan+UBSan")  # fmt: skip
        q.set_defaults(func=run_list if name == "list" else run_check)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_list(args: argparse.Namespace) -> int:
    problems = load_suite(args.suite, category=args.category, problem=args.problem)
    rows = [describe(sp) for sp in problems]
    if args.json:
        print(json.dumps({"problems": rows, "count": len(rows)}, indent=2))
        return 0
    for r in rows:
        sols = ", ".join(f"{s['name']}={'|'.join(s['expected'])}" for s in r["solutions"])
        tests = ",".join(str(n) for n in r["test_sizes"])
        print(f"{r['id']:<36} {r['category']:<10} test=[{tests}] bench={r['bench_size']}")
        if sols:
            print(f"    {sols}")
    print(f"{len(rows)} problems in {len({r['category'] for r in rows})} categories")
    return 0


def _progress(job: Job, res: dict) -> None:
    """One line per solution on stderr (stdout keeps the report, JSON or text)."""
    mark = "ok  " if res["ok"] else "FAIL"
    speed = f" {res['speedup']:.2f}x" if "speedup" in res else ""
    want = "|".join(res["expected"])
    print(f"{mark} {job.sp.id}/{job.sol.name}: {res['status']} (expected {want}){speed}",
          file=sys.stderr, flush=True)  # fmt: skip
    if not res["ok"]:
        detail = [res["message"], *res.get("coverage", [])]
        print("".join(f"       {line}\n" for line in detail if line), end="", file=sys.stderr,
              flush=True)  # fmt: skip


def run_check(args: argparse.Namespace) -> int:
    problems = load_suite(args.suite, category=args.category, problem=args.problem)
    if not problems:
        print("error: no problems matched", file=sys.stderr)
        return 2
    report = check_suite(
        problems, timing=not args.no_timing, jobs=args.jobs, reps=args.reps, repeat=args.repeat,
        experts=not args.no_experts, mutants=not args.no_mutants, on_result=_progress,
        sanitize=not args.no_sanitize,
    )  # fmt: skip
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_summary(report)
    return 0 if all_ok(report) else 1


def _print_summary(report: dict) -> None:
    s = report["summary"]
    print(f"{s['problems']} problems in {s['categories']} categories "
          f"({s['seconds']}s)")  # fmt: skip
    print(f"experts: {s['expert_pass']}/{s['experts']} pass", end="")
    if s["geomean_expert_speedup"] is not None:
        print(f", geometric-mean speedup {s['geomean_expert_speedup']:.2f}x", end="")
    print()
    print(f"mutants: {s['mutants_rejected']}/{s['mutants']} rejected, "
          f"{s['mutants_wrong_status']} with a status other than declared")  # fmt: skip
    if s.get("references_checked"):
        print(f"references under ASan+UBSan: {s['references_checked'] - s['references_unsound']}"
              f"/{s['references_checked']} clean")  # fmt: skip
    for f in s["failures"]:
        print(f"  FAIL {f}")
