"""The suite check job: every expert must pass, every mutant must get its declared status.

Correctness checks run in worker processes (`jobs` at once; each process has its own
sandbox uids); expert timings run one at a time after them, with nothing else running.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from parcodegen.agent.executors import exit_with_parent
from parcodegen.errors import ParcodegenError
from parcodegen.problems.suite import Solution, SuiteProblem
from parcodegen.tools.build import ProblemBuild, build_problem
from parcodegen.tools.difftest import MOSTLY_NONFINITE, reference_nonfinite
from parcodegen.types import Candidate, Status, Verdict
from parcodegen.verify.pipeline import VerifyOptions, verify
from parcodegen.verify.summary import coverage_lines


Result = dict[str, Any]  # one solution's check, JSON-ready


@dataclass(frozen=True)
class Job:
    sp: SuiteProblem
    sol: Solution
    timing: bool


def _verify_one(job: Job, reps: int) -> Verdict:
    code = job.sol.path.read_text(errors="replace")
    options = VerifyOptions(timing=job.timing, timing_reps=max(1, reps))
    return verify(job.sp.problem, Candidate(code, origin=f"suite:{job.sol.name}"), options)


def check_job(job: Job, reps: int, repeat: int) -> Result:
    """Verify one solution (`repeat` times for a mutant) and summarize; never raises."""
    try:
        n = 1 if job.sol.is_expert else max(1, repeat)
        return _result(job, [_verify_one(job, reps) for _ in range(n)])
    except ParcodegenError as exc:  # a harness fault: reported, never counted as a match
        return {"name": job.sol.name, "expected": [s.value for s in job.sol.expected],
                "status": "error", "statuses": ["error"], "ok": False,
                "message": f"{type(exc).__name__}: {exc}"[:300]}  # fmt: skip


def reference_check(sp: SuiteProblem) -> Result:
    """The problem's reference under the sanitizers (`problems.check`); never raises."""
    from parcodegen.problems.check import check_problem

    try:
        result = check_problem(sp.problem)
        return {"ok": result.ok, "runs": result.runs, "message": result.message}
    except ParcodegenError as exc:
        return {"ok": False, "runs": 0, "message": f"{type(exc).__name__}: {exc}"[:300]}


def _result(job: Job, verdicts: list[Verdict]) -> Result:
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
    if not ok:  # what the verdict covered: why it differs may be there (a machine's load)
        out["coverage"] = coverage_lines(v)
    if job.sol.is_expert and v.measurement is not None:
        m = v.measurement
        out.update(speedup=round(m.speedup, 3), reference_s=round(m.reference_mean, 4),
                   candidate_s=round(m.candidate_mean, 4), threads=m.threads)  # fmt: skip
    return out


def geomean(values: list[float]) -> float | None:
    vals = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else None


def check_suite(
    problems: Sequence[SuiteProblem],
    *,
    timing: bool = True,
    jobs: int = 2,
    reps: int = 5,
    repeat: int = 1,
    experts: bool = True,
    mutants: bool = True,
    on_result: Callable[[Job, Result], None] = lambda _j, _r: None,
    sanitize: bool = True,
) -> Result:
    """Check the solutions of `problems`; the report (per problem, and a summary)."""
    start = time.monotonic()
    garbage: dict[str, str] = {}  # problems whose reference is mostly NaN/inf
    for sp in problems:  # build each harness once, before any parallel work
        why = mostly_nonfinite(build_problem(sp.problem))
        if why:
            garbage[sp.id] = why
    parallel: list[Job] = []
    timed: list[Job] = []
    for sp in problems:
        for sol in sp.solutions:
            if sol.is_expert and not experts or not sol.is_expert and not mutants:
                continue
            job = Job(sp, sol, timing=sol.is_expert and timing)
            (timed if job.timing else parallel).append(job)

    results: dict[tuple[str, str], Result] = {}
    references: dict[str, Result] = {}

    def done(job: Job, res: Result) -> None:
        results[(job.sp.id, job.sol.name)] = res
        on_result(job, res)

    if jobs > 1 and len(parallel) > 1:
        ctx = multiprocessing.get_context("spawn")
        # workers end with this process, also when it is killed with SIGKILL
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                 initializer=exit_with_parent) as pool:  # fmt: skip
            refs = {pool.submit(reference_check, sp): sp for sp in problems} if sanitize else {}
            futures = {pool.submit(check_job, j, reps, repeat): j for j in parallel}
            for fut in as_completed(futures):
                done(futures[fut], fut.result())
            for ref in as_completed(refs):
                references[refs[ref].id] = ref.result()
    else:
        if sanitize:
            references.update({sp.id: reference_check(sp) for sp in problems})
        for job in parallel:
            done(job, check_job(job, reps, repeat))
    for job in timed:  # timing runs one at a time, after the parallel checks
        done(job, check_job(job, reps, 1))

    report = _report(problems, results, timing, references, garbage)
    report["summary"]["seconds"] = round(time.monotonic() - start, 1)
    return report


def all_ok(report: dict) -> bool:
    """Every expert passed and every mutant got its declared status."""
    s = report["summary"]
    return bool(s["expert_pass"] == s["experts"] and s["mutants_wrong_status"] == 0
                and not s.get("references_unsound") and not s.get("problems_rejected"))  # fmt: skip


def mostly_nonfinite(build: ProblemBuild) -> str:
    """Why the problem's reference output is garbage on its own test inputs, or ""."""
    shares = {k: v for k, v in reference_nonfinite(build).items() if v > MOSTLY_NONFINITE}
    if not shares:
        return ""
    parts = ", ".join(f"'{k}' {v:.0%}" for k, v in sorted(shares.items()))
    return (f"the reference's output is mostly NaN/inf on its test inputs ({parts}): "
            "outputs that agree as NaN check nothing")  # fmt: skip


def _report(problems: Sequence[SuiteProblem], results: dict[tuple[str, str], Result],
            timing: bool, references: dict[str, Result] | None = None,
            garbage: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    references = references or {}
    garbage = garbage or {}
    rows: list[dict[str, Any]] = []
    for sp in problems:
        expert = results.get((sp.id, sp.expert.name)) if sp.expert else None
        mutants = [results[(sp.id, m.name)] for m in sp.mutants if (sp.id, m.name) in results]
        rows.append({
            "id": sp.id,
            "category": sp.category,
            "expert": expert,
            "mutants": mutants,
            "reference": references.get(sp.id),
            "reference_nonfinite": garbage.get(sp.id, ""),
            "ok": (expert is None or expert["ok"]) and all(m["ok"] for m in mutants)
            and references.get(sp.id, {"ok": True})["ok"] and sp.id not in garbage,
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
        "problems_rejected": len(garbage),
        "failures": [f"{pid}: {why}" for pid, why in garbage.items()]
        + [
            f"{r['id']}/{x['name']}: got {x['status']}, expected {'|'.join(x['expected'])}"
            for r in rows
            for x in ([r["expert"]] if r["expert"] else []) + r["mutants"]
            if not x["ok"]
        ]
        + [
            f"{r['id']}: reference under the sanitizers: {r['reference']['message']}"
            for r in rows
            if r["reference"] is not None and not r["reference"]["ok"]
        ],  # fmt: skip
        "references_checked": sum(r["reference"] is not None for r in rows),
        "references_unsound": sum(
            r["reference"] is not None and not r["reference"]["ok"] for r in rows
        ),
    }
    return {"problems": rows, "summary": summary}
