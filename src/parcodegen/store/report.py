"""Bench reports from the run store alone: no LLM, no compiler.

`load_samples(store, run)` turns a run's stored attempts into one metrics `Sample` per
(problem, sample): a sample passed when any of its attempts passed (speedup: the best
timed one); otherwise it carries the status of its last attempt. `score_runs` computes
every metric; `render_markdown` / `render_html` write the report (plots in
report_plots.py). Numbers in the report come only from here, so `bench rescore` and
`bench report` always agree.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from parcodegen.metrics.aggregate import ProblemMetrics, Sample, Summary, by_category, score
from parcodegen.types import MachineProfile, ScalingPoint, Status


@dataclass
class RunScore:
    run_id: str
    label: dict[str, str]  # strategy, model, backend, mode
    expected: int  # problems x samples the run was asked for
    samples: list[Sample]
    per_problem: list[ProblemMetrics]
    summary: Summary
    categories: dict[str, Summary]
    tokens: int = 0
    cost_usd: float = 0.0
    state: str = ""
    stop_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _category(problem_id: str) -> str:
    return problem_id.split("/", 1)[0] if "/" in problem_id else "user"


def _is_parallel(verdict: Any) -> bool:
    par = verdict.parallel if verdict is not None else None
    return bool(par and par["parallel"])


def load_samples(store: Any, run_id: str) -> list[Sample]:
    by_sample: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for a in store.attempts(run_id):
        by_sample[(a.problem_id, a.sample)].append(a)
    out = []
    for (pid, sample), attempts in sorted(by_sample.items()):
        attempts.sort(key=lambda a: a.turn)
        passed = [a for a in attempts if a.status is Status.PASS]
        threads = 0
        if passed:
            timed = [a for a in passed if a.speedup is not None]
            best = max(timed, key=lambda a: a.speedup) if timed else passed[-1]
            verdict = store.verdict(run_id, best.episode, best.turn)
            if verdict is not None and verdict.measurement is not None:
                threads = verdict.measurement.threads
            parallel = any(_is_parallel(store.verdict(run_id, a.episode, a.turn)) for a in passed)
            out.append(Sample(pid, Status.PASS, best.speedup, _category(pid), threads, sample,
                              parallel))  # fmt: skip
        else:
            last = attempts[-1]
            out.append(Sample(pid, last.status, None, _category(pid), 0, sample))
    return out


def load_scaling(store: Any, run_id: str) -> dict[str, list[ScalingPoint]]:
    """Per problem, the thread scaling stored with its fastest passing timed attempt."""
    out: dict[str, list[ScalingPoint]] = {}
    best: dict[str, float] = {}
    for a in store.attempts(run_id):
        if (
            a.status is not Status.PASS
            or a.speedup is None
            or a.speedup <= best.get(a.problem_id, -1)
        ):
            continue
        verdict = store.verdict(run_id, a.episode, a.turn)
        for s in verdict.steps if verdict is not None else ():
            if s.step == "scaling" and s.ok and s.data.get("points"):
                out[a.problem_id] = [ScalingPoint.from_dict(p) for p in s.data["points"]]
                best[a.problem_id] = a.speedup
    return out


def machine_summary(store: Any, run_id: str) -> str:
    """The machine profile the run's manifest recorded, one line ("" when none)."""
    prof = machine_profile(store, run_id)
    return prof.summary() if prof is not None else ""


def machine_profile(store: Any, run_id: str) -> MachineProfile | None:
    """The run's machine: its manifest's profile; for a manifest from before profiles
    were kept, what it says (CPU model and cores); None when it says nothing."""
    manifest = store.manifest(run_id)
    m = (manifest.machine or {}) if manifest is not None else {}
    if isinstance(m.get("profile"), dict):
        return MachineProfile.from_dict(m["profile"])
    if m.get("cpu") or m.get("cores"):
        return MachineProfile(
            cpu_model=str(m.get("cpu") or ""), usable_cpus=int(m.get("cores") or 0)
        )
    return None


MACHINE_HEADER = ["run", "CPU", "cores / threads (usable)", "caches", "memory", "compiler",
                  "OpenMP", "governor", "load at start"]  # fmt: skip


def machine_table(scores: Sequence[RunScore]) -> list[list[str]]:
    """Per run, the machine its speedups were measured on ("?" where not recorded)."""
    rows = [list(MACHINE_HEADER)]
    for r in scores:
        p = r.extra.get("profile")
        if not isinstance(p, MachineProfile):
            rows.append([r.run_id] + ["?"] * (len(MACHINE_HEADER) - 1))
            continue
        cores = f"{p.physical_cores or '?'} / {p.logical_cpus or '?'} ({p.usable_cpus or '?'})"
        load = r.extra.get("loadavg")
        rows.append([r.run_id, p.cpu_model or "?", cores, ", ".join(p.caches) or "?",
                     f"{p.memory_mb // 1024} GiB" if p.memory_mb else "?", p.compiler or "?",
                     p.openmp or "?", p.governor or "?",
                     f"{load:.2f}" if isinstance(load, int | float) else "?"])  # fmt: skip
    return rows


def _start_load(store: Any, run_id: str) -> float | None:
    manifest = store.manifest(run_id)
    load = (manifest.machine or {}).get("loadavg") if manifest is not None else None
    return float(load) if isinstance(load, int | float) else None


def run_label(store: Any, run_id: str) -> tuple[dict[str, str], int]:
    manifest = store.manifest(run_id)
    if manifest is None:
        raise KeyError(run_id)
    loop = manifest.config.get("loop", {})
    camp = manifest.config.get("campaign", {})
    label = {
        "strategy": str(loop.get("strategy", "?")),
        "model": str(loop.get("model") or loop.get("backend") or "?"),
        "backend": str(loop.get("backend", "?")),
        "mode": str(camp.get("mode", "agent")),
    }
    # runs extended before the manifest followed --samples: at least the samples stored
    stored = max((a.sample + 1 for a in store.attempts(run_id)), default=0)
    expected = len(store.problems(run_id)) * max(int(loop.get("samples", 1)), stored)
    return label, expected


def score_run(store: Any, run_id: str, ks: Sequence[int]) -> RunScore:
    if store.run(run_id) is None:
        known = ", ".join(r["run_id"] for r in store.runs()) or "none"
        from parcodegen.errors import ConfigError

        raise ConfigError(f"no run '{run_id}' in {store.path} (runs: {known})")
    label, expected = run_label(store, run_id)
    samples = load_samples(store, run_id)
    per_problem, summary = score(samples, ks)
    usage = store.usage(run_id)
    row = store.run(run_id)
    return RunScore(
        run_id=run_id, label=label, expected=expected, samples=samples,
        per_problem=per_problem, summary=summary, categories=by_category(per_problem, ks),
        tokens=usage.total_tokens, cost_usd=usage.cost_usd,
        state=row["state"], stop_reason=row["stop_reason"],
        extra={"scaling": load_scaling(store, run_id), "machine": machine_summary(store, run_id),
               "profile": machine_profile(store, run_id), "loadavg": _start_load(store, run_id)},
    )  # fmt: skip


def score_runs(store: Any, run_ids: Sequence[str], ks: Sequence[int]) -> list[RunScore]:
    return [score_run(store, r, ks) for r in run_ids]


# --------------------------------------------------------------------------- JSON


def to_json(scores: Sequence[RunScore], ks: Sequence[int]) -> dict[str, Any]:
    """Every number of the report, machine-readable (what `bench rescore` prints)."""

    def summ(s: Summary) -> dict[str, Any]:
        return {
            "problems": s.problems,
            "samples": s.samples,
            "statuses": dict(sorted(s.statuses.items())),
            "metrics": {
                m: {str(k): {"mean": v[0], "problems": v[1]} for k, v in by_k.items()}
                for m, by_k in sorted(s.at_k.items())
            },  # fmt: skip
            "geomean": {
                m: {str(k): v for k, v in by_k.items()} for m, by_k in sorted(s.geomean.items())
            },  # fmt: skip
        }

    return {
        "ks": list(ks),
        "runs": [
            {
                "run_id": r.run_id,
                **r.label,
                "expected_samples": r.expected,
                "stored_samples": len(r.samples),
                "tokens": r.tokens,
                "cost_usd": round(r.cost_usd, 6),
                "state": r.state,
                "stop_reason": r.stop_reason,
                # where the speedups were measured (the manifest's MachineProfile; None
                # for a run stored before profiles were kept) and the load at its start
                "machine": _profile_json(r.extra.get("profile")),
                "loadavg_at_start": r.extra.get("loadavg"),
                "summary": summ(r.summary),
                "categories": {c: summ(s) for c, s in r.categories.items()},
                "problems": [
                    {
                        "problem_id": pm.problem_id,
                        "n": pm.n,
                        "built": pm.built,
                        "correct": pm.correct,
                        "statuses": pm.statuses,
                        "metrics": {
                            m: {str(k): v for k, v in by_k.items()}
                            for m, by_k in sorted(pm.at_k.items())
                        },
                    }
                    for pm in r.per_problem
                ],
            }  # fmt: skip
            for r in scores
        ],
    }


def _profile_json(profile: object) -> dict[str, Any] | None:
    return profile.to_dict() if isinstance(profile, MachineProfile) else None


def dumps(scores: Sequence[RunScore], ks: Sequence[int]) -> str:
    return json.dumps(to_json(scores, ks), indent=2, sort_keys=True)


# --------------------------------------------------------------------------- tables

SPEEDUP_COLS = (("avg_speedup", "avg"), ("best_speedup", "best"))


def fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _val(s: Summary, metric: str, k: int) -> float | None:
    return s.at_k.get(metric, {}).get(k, (None, 0))[0]


def main_table(scores: Sequence[RunScore], ks: Sequence[int], view: str) -> list[list[str]]:
    head = ["strategy", "model", "mode"]
    for k in ks:
        head += [f"avg@{k}", f"best@{k}"]
    rows = [head]
    for r in scores:
        row = [r.label["strategy"], r.label["model"], r.label["mode"]]
        for k in ks:
            for m, _ in SPEEDUP_COLS:
                value, count = r.summary.at_k.get(f"{m}_{view}", {}).get(k, (None, 0))
                cell = fmt(value)
                if value is not None and count < r.summary.problems:  # say who reports it
                    cell += f" ({count}/{r.summary.problems})"
                row.append(cell)
        rows.append(row)
    return rows


def rate_table(scores: Sequence[RunScore], ks: Sequence[int]) -> list[list[str]]:
    head = ["run", "samples"] + [f"pass@{k}" for k in ks]
    head += [f"parallel pass@{k}" for k in ks] + [f"build@{k}" for k in ks]
    head += ["tokens", "cost $"]
    rows = [head]
    for r in scores:
        row = [r.run_id, f"{len(r.samples)}/{r.expected}"]
        row += [fmt(_val(r.summary, "pass", k), 3) for k in ks]
        row += [fmt(_val(r.summary, "pass_parallel", k), 3) for k in ks]
        row += [fmt(_val(r.summary, "build", k), 3) for k in ks]
        rows.append(row + [str(r.tokens), f"{r.cost_usd:.4f}"])
    return rows


def category_table(r: RunScore, ks: Sequence[int]) -> list[list[str]]:
    k1 = ks[0]
    klast = ks[-1]
    head = ["category", "problems", f"pass@{k1}", f"best@{k1} (user)", f"best@{klast} (user)",
            f"best@{klast} (correct)"]  # fmt: skip
    rows = [head]
    for cat, s in r.categories.items():
        rows.append([
            cat, str(s.problems), fmt(_val(s, "pass", k1), 3),
            fmt(_val(s, "best_speedup_user", k1)), fmt(_val(s, "best_speedup_user", klast)),
            fmt(_val(s, "best_speedup_correct", klast)),
        ])  # fmt: skip
    return rows


def status_table(scores: Sequence[RunScore]) -> list[list[str]]:
    statuses = [s.value for s in Status]
    rows = [["run"] + statuses + ["total"]]
    for r in scores:
        counts = r.summary.statuses
        rows.append([r.run_id] + [str(counts.get(s, 0)) for s in statuses]
                    + [str(sum(counts.values()))])  # fmt: skip
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def html_table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


NOTES = (
    "Speedup@K: K samples drawn without replacement from the N of each problem; avg = "
    "expected mean of the K, best = expected maximum (exact, from order statistics); "
    "averaged (arithmetic mean) over the problems that report it. "
    "User view: a failed sample counts as the original code (speedup 1). "
    "Correct view: failed samples are left out; a problem with fewer than K correct "
    "samples is not reported at that K, and (c/p) after a value says it averages c of the "
    "p problems. K > N is not reported (–). "
    "Samples with status infra_error are left out of N."
)


def sections(scores: Sequence[RunScore], ks: Sequence[int]) -> list[tuple[str, list[list[str]]]]:
    out = [
        ("Speedup@K, user view (failed sample = original, 1.0x)", main_table(scores, ks, "user")),
        ("Speedup@K, correct samples only", main_table(scores, ks, "correct")),
        (
            "pass@k (correct), parallel pass@k (correct and parallel) and build@k",
            rate_table(scores, ks),
        ),
        ("Failures by verdict status (samples)", status_table(scores)),
        ("Machine profile (where the speedups were measured)", machine_table(scores)),
    ]
    for r in scores:
        out.append((f"Per category: {r.run_id}", category_table(r, ks)))
    return out


def render_markdown(scores: Sequence[RunScore], ks: Sequence[int],
                    images: dict[str, str] | None = None) -> str:  # fmt: skip
    parts = ["# parcodegen bench report", "", NOTES, ""]
    for r in scores:
        if r.extra.get("machine"):
            parts += [f"Machine ({r.run_id}): {r.extra['machine']}", ""]
    for r in scores:
        if r.stop_reason or len(r.samples) < r.expected:
            parts += [f"> {r.run_id}: {len(r.samples)} of {r.expected} samples stored "
                      f"({r.state}{': ' + r.stop_reason if r.stop_reason else ''})", ""]  # fmt: skip
    for title, rows in sections(scores, ks):
        parts += [f"## {title}", "", markdown_table(rows), ""]
    for name, path in (images or {}).items():
        parts += [f"![{name}]({path})", ""]
    return "\n".join(parts)


def render_html(scores: Sequence[RunScore], ks: Sequence[int], images_b64: dict[str, str]) -> str:
    """A self-contained page: tables and the plots embedded as base64 PNG."""
    body = [f"<h1>parcodegen bench report</h1><p>{html.escape(NOTES)}</p>"]
    for r in scores:
        if r.extra.get("machine"):
            body.append(
                f"<p>Machine ({html.escape(r.run_id)}): {html.escape(r.extra['machine'])}</p>"
            )
    for title, rows in sections(scores, ks):
        body.append(f"<h2>{html.escape(title)}</h2>{html_table(rows)}")
    for name, b64 in images_b64.items():
        body.append(f'<h2>{html.escape(name)}</h2><img alt="{html.escape(name)}" '
                    f'src="data:image/png;base64,{b64}">')  # fmt: skip
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
             "table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}")  # fmt: skip
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>parcodegen bench</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>")  # fmt: skip
