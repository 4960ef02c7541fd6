"""What a verdict covered, in words: the lines `verify` prints under the steps.

Each check's coverage (difftest: calls, processes, sizes, threads, environment variants,
const inputs; race: processes, sizes, threads, thresholds reached; the path probe's sizes
and the race sizes it added; the benchmark size's comparison), whether the candidate
is parallel, and every check that did not run with why.
"""

from __future__ import annotations

from typing import Any

from parcodegen.types import Status, Verdict


def _difftest(c: dict[str, Any]) -> str:
    env = len(c.get("env_variants", []))
    inputs = ", ".join(c.get("const_inputs_checked", [])) or "none"
    changed = c.get("held_values_changed", [])
    held = ("; the problem's fixed numbers also at "
            + "; ".join(", ".join(p.split(" (")[0] for p in alt.split("), ")) for alt in changed)
            if changed else "")  # fmt: skip
    return (f"difftest: {c.get('calls', 0)} calls in {c.get('processes', 0)} processes "
            f"(n {_span(c.get('sizes', []))}; threads {', '.join(map(str, c.get('threads', [])))}; "
            f"{env} environment variants; {c.get('repeated_inputs', 0)} repeated inputs; "
            f"shared working dir; const inputs checked: {inputs}"
            f"{held})")  # fmt: skip


def _race(c: dict[str, Any]) -> str:
    if c.get("serial"):
        return "race: not run (no OpenMP directive, omp_* call or thread in live code)"
    if c.get("paired_only"):
        return (f"race: 1 instrumented process of calls made two at a time from two threads "
                f"(serial code with static storage) x n {', '.join(map(str, c.get('sizes', [])))}"
                f" ({c.get('calls', 0)} calls, {c.get('outputs_compared', 0)} outputs compared)")  # fmt: skip
    text = (f"race: {c.get('runs', 0)} instrumented processes x threads "
            f"{', '.join(map(str, c.get('threads', [])))} x n {', '.join(map(str, c.get('sizes', [])))}"
            f" ({c.get('calls', 0)} calls, {c.get('outputs_compared', 0)} outputs compared)")  # fmt: skip
    if c.get("round_robin_processes"):
        text += f"; in {c['round_robin_processes']} of them dynamic loops' chunks dealt round robin"
    if c.get("thresholds"):
        text += f"; above the candidate's literals {', '.join(map(str, c['thresholds']))}"
    if c.get("artifacts_ignored"):
        text += f"; {c['artifacts_ignored']} runtime task-memory-reuse reports ignored"
    return text


def _parallel_size(c: dict[str, Any]) -> str:
    p = c.get("probe")
    if not p:
        return "parallel size: path probe not run"
    sizes = ", ".join(map(str, p.get("sizes", []))) or "-"
    new = ", ".join(map(str, p.get("new_parallel", []))) or "-"
    text = (f"parallel size: probe build ran {p.get('baseline_blocks', 0)} blocks at the race "
            f"sizes (largest team {p.get('baseline_team', 0)}), then n {sizes} at "
            f"{p.get('threads', 0)} threads (blocks and conflicts new in a team: {new}); "
            f"conflicts looked for up to n={p.get('conflicts_to', 0)}")  # fmt: skip
    if c.get("race_sizes"):
        text += f"; race-checked at n {', '.join(map(str, c['race_sizes']))}"
    return text


def _bench_size(c: dict[str, Any]) -> str:
    wide = f", and at {c['wide_threads']} threads" if c.get("wide_threads") else ""
    return (f"bench size: outputs compared at n={c.get('n')} ({c.get('threads')} threads"
            f"{wide}; every element of outputs up to {c.get('samples')} long, that many sampled "
            "of a longer one)")  # fmt: skip


def _span(sizes: list[int]) -> str:
    return f"{min(sizes)}..{max(sizes)}, {len(sizes)} sizes" if sizes else "-"


def coverage_lines(verdict: Verdict) -> list[str]:
    cov = verdict.coverage
    lines = []
    if "difftest" in cov:
        lines.append(_difftest(cov["difftest"]))
    if "race" in cov:
        lines.append(_race(cov["race"]))
    if "parallel_size" in cov:
        lines.append(_parallel_size(cov["parallel_size"]))
    if "bench_size" in cov:
        lines.append(_bench_size(cov["bench_size"]))
    par = verdict.parallel
    if par is not None:
        how = "yes" if par["parallel"] else "no"
        why = (f"OpenMP/threads in live code: {'yes' if par['in_code'] else 'no'}; "
               f"threads alive after a call: {par['threads_at_run_time']}")  # fmt: skip
        if "parallel_from_n" in par:
            why += f", from n={par['parallel_from_n']}"
        if "threads_at_bench_size" in par:
            why += f"; at the benchmark size: {par['threads_at_bench_size']}"
        lines.append(f"parallel: {how} ({why})")
    for item in verdict.not_run:
        if item not in verdict.unchecked:
            lines.append(f"not run: {item}")
    return lines


def verdict_line(verdict: Verdict) -> str:
    """`verdict: PASS  speedup 1.72x`, or `verdict: PASS (race not checked: why)`."""
    m = verdict.measurement
    speed = ""
    if m is not None:  # the interval and what it says (see the README on reading it)
        call = f": {m.call.value.replace('_', ' ')}" if m.call else ""
        speed = f"  speedup {m.interval_text()}{call}"
    if verdict.unchecked and verdict.status in (Status.PASS, Status.UNCHECKED):
        why = "; ".join(u.replace(": ", " not checked: ", 1) for u in verdict.unchecked)
        tail = (
            ""
            if verdict.status is Status.PASS
            else " -> unchecked: not accepted (--allow-unchecked accepts it)"
        )
        return f"verdict: PASS ({why}){speed}{tail}"
    return f"verdict: {verdict.status.value.upper()}{speed}"
