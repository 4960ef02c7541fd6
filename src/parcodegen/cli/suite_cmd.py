"""`parcodegen suite list|check`: the built-in benchmark suite.

`check` verifies every expert solution (must pass; timed one at a time unless
--no-timing) and every mutant (no timing; must get a status it declares in its first
line). Correctness checks run in parallel (--jobs); timing never overlaps other work.
Exit 0 only when every expert passes and every mutant gets its declared status.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from parcodegen.errors import ParcodegenError
from parcodegen.problems.suite import Solution, SuiteProblem, describe, load_suite
from parcodegen.tools.build import build_problem
from parcodegen.types import Candidate, Status, Verdict
from parcodegen.verify.pipeline import VerifyOptions, verify


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


@dataclass(frozen=True)
class Job:
    sp: SuiteProblem
    sol: Solution
    timing: bool


def _verify_one(job: Job, reps: int) -> Verdict:
    code = job.sol.path.read_text(errors="replace")
    options = VerifyOptions(timing=job.timing, timing_reps=max(1, reps))
    return verify(job.sp.problem, Candidate(code, origin=f"suite:{job.sol.name}"), options)


def check_job(job: Job, reps: int, repeat: int) -> dict:
    """Verify one solution (`repeat` times for a mutant) and summarize; never raises."""
    try:
        n = 1 if job.sol.is_expert else max(1, repeat)
        return _result(job, [_verify_one(job, reps) for _ in range(n)])
    except ParcodegenError as exc:  # a harness fault: reported, never counted as a match
        return {"name": job.sol.name, "expected": [s.value for s in job.sol.expected],
                "status": "error", "statuses": ["error"], "ok": False,
                "message": f"{type(exc).__name__}: {exc}"[:300]}  # fmt: skip


def _result(job: Job, verdicts: list[Verdict]) -> dict:
    statuses = [v.status for v in verdicts]
    ok = all(job.sol.accepts(s) for s in statuses)
    v = verdicts[0] if ok else next(x for x in verdicts if not job.sol.accepts(x.status))
    out = {
        "name": job.sol.name,
        "expected": [s.value for s in job.sol.expected],
        "status": v.status.value,
        "statuses": sorted({s.value for s in statuses}),
        "ok": ok,
        "message": v.message.splitlines()[0][:300] if v.message else "",
    }
    if job.sol.is_expert and v.measurement is not None:
        m = v.measurement
        out.update(speedup=round(m.speedup, 3), reference_s=round(m.reference_mean, 4),
                   candidate_s=round(m.candidate_mean, 4), threads=m.threads)  # fmt: skip
    return out


def _progress(job: Job, res: dict) -> None:
    """One line per solution on stderr (stdout keeps the report, JSON or text)."""
    mark = "ok  " if res["ok"] else "FAIL"
    speed = f" {res['speedup']:.2f}x" if "speedup" in res else ""
    want = "|".join(res["expected"])
    print(f"{mark} {job.sp.id}/{job.sol.name}: {res['status']} (expected {want}){speed}",
          file=sys.stderr, flush=True)  # fmt: skip


def geomean(values: list[float]) -> float | None:
    vals = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else None


def run_check(args: argparse.Namespace) -> int:
    problems = load_suite(args.suite, category=args.category, problem=args.problem)
    if not problems:
        print("error: no problems matched", file=sys.stderr)
        return 2
    start = time.monotonic()
    for sp in problems:  # build each harness once, before any parallel work
        build_problem(sp.problem)
    timing = not args.no_timing
    parallel: list[Job] = []
    timed: list[Job] = []
    for sp in problems:
        for sol in sp.solutions:
            if sol.is_expert and args.no_experts or not sol.is_expert and args.no_mutants:
                continue
            job = Job(sp, sol, timing=sol.is_expert and timing)
            (timed if job.timing else parallel).append(job)

    results: dict[tuple[str, str], dict] = {}

    def done(job: Job, res: dict) -> None:
        results[(job.sp.id, job.sol.name)] = res
        _progress(job, res)

    # Correctness checks in worker processes (each process has its own sandbox uids).
    if args.jobs > 1 and len(parallel) > 1:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx) as pool:
            futures = {pool.submit(check_job, j, args.reps, args.repeat): j for j in parallel}
            for fut in as_completed(futures):
                done(futures[fut], fut.result())
    else:
        for job in parallel:
            done(job, check_job(job, args.reps, args.repeat))
    for job in timed:  # timing runs one at a time, after the parallel checks
        done(job, check_job(job, args.reps, 1))

    report = _report(problems, results, timing)
    report["summary"]["seconds"] = round(time.monotonic() - start, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_summary(report)
    s = report["summary"]
    return 0 if s["expert_pass"] == s["experts"] and s["mutants_wrong_status"] == 0 else 1


def _report(problems: list[SuiteProblem], results: dict, timing: bool) -> dict:
    rows = []
    for sp in problems:
        expert = results.get((sp.id, sp.expert.name)) if sp.expert else None
        mutants = [results[(sp.id, m.name)] for m in sp.mutants if (sp.id, m.name) in results]
        rows.append({
            "id": sp.id,
            "category": sp.category,
            "expert": expert,
            "mutants": mutants,
            "ok": (expert is None or expert["ok"]) and all(m["ok"] for m in mutants),
        })  # fmt: skip
    experts = [r["expert"] for r in rows if r["expert"] is not None]
    mutants = [m for r in rows for m in r["mutants"]]
    speedups = [e["speedup"] for e in experts if e["ok"] and "speedup" in e]
    gm = geomean(speedups)
    summary = {
        "problems": len(rows),
        "categories": len({r["category"] for r in rows}),
        "experts": len(experts),
        "expert_pass": sum(e["status"] == Status.PASS.value for e in experts),
        "mutants": len(mutants),
        "mutants_rejected": sum(m["status"] != Status.PASS.value for m in mutants),
        "mutants_wrong_status": sum(not m["ok"] for m in mutants),
        "geomean_expert_speedup": round(gm, 3) if gm is not None and timing else None,
        "failures": [
            f"{r['id']}/{x['name']}: got {x['status']}, expected {'|'.join(x['expected'])}"
            for r in rows
            for x in ([r["expert"]] if r["expert"] else []) + r["mutants"]
            if not x["ok"]
        ],  # fmt: skip
    }
    return {"problems": rows, "summary": summary}


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
    for f in s["failures"]:
        print(f"  FAIL {f}")
