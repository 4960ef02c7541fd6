"""The optimize job: one function in, its fastest verified version (or the original) out.

`optimize(OptimizeRequest)` loads or derives the problem, resolves the backend, checks
everything that can be checked before the first paid request (jobs/preflight.py), opens
a new run or resumes one (`fresh`, `resume`; the outcome says which), runs the agent
loop, leaves the run in its final state on every exit (store/run_states.py), writes the
optimized file and returns what the CLI prints: the diff, the verdict, the speedup and
where the run's record is.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parcodegen.agent.config import Budget, LoopConfig
from parcodegen.errors import ConfigError
from parcodegen.llm.registry import BackendSettings, resolve_backend
from parcodegen.types import Problem, RunState, content_hash

Say = Callable[[str], None]


@dataclass(frozen=True)
class OptimizeRequest:
    target: str  # a problem directory, or a C/C++ file with `function`
    function: str | None = None
    strategy: str = "parallel"
    backend: str | None = None  # None: the default backend for the settings
    settings: BackendSettings = field(default_factory=BackendSettings)
    samples: int = 1
    keep_improving: bool | None = None  # None: what the backend declares
    feedback: str = "feedback"
    self_check: bool = False
    min_speedup: float = 1.05
    temperature: float = 0.2
    budget: Budget = field(default_factory=Budget)
    kb: str = ""
    threads: int | None = None
    scaling: bool = False  # also time at 1 .. cores threads (speedup, efficiency per count)
    timing_reps: int | None = None  # fixed timed pairs; None: until the interval is narrow
    timing: bool = True
    race: bool = True
    allow_unchecked: bool = False
    bench_size: int | None = None
    defines: tuple[str, ...] = ()  # macros (-D) for a derived problem
    output: str | None = None
    run_dir: str | None = None
    reply_tokens: int = 4096  # the length limit of one reply
    fresh: bool = False  # a new run even if one with these settings is stored
    resume: str | None = None  # continue this stored run
    kb_create: bool = False  # create the --kb knowledge base when it does not exist


@dataclass(frozen=True)
class OptimizeOutcome:
    report: dict[str, Any]  # JSON-ready: run, output, verdict, speedup, diff, spend
    improved: bool
    fault: bool  # stopped by the backend or the harness (not the candidate's doing)


def load_target(request: OptimizeRequest, runs: Path, say: Say) -> Problem:
    """The problem directory, or a problem derived from a plain file (assumptions said)."""
    from parcodegen.problems.load import load_problem

    from parcodegen.problems.check import require_sound_reference

    target = Path(request.target)
    if target.is_dir():  # the reference is checked before any model is paid
        problem = load_problem(target)
        say(f"checked the reference: {require_sound_reference(problem).message}")
        return problem
    if not target.is_file():
        raise ConfigError(f"TARGET '{target}' is neither a problem directory nor a file")
    if not request.function:
        raise ConfigError("a plain source file needs --function NAME (the function to optimize)")
    from parcodegen.problems.derive import derive_problem

    derived = derive_problem(
        target,
        request.function,
        runs / "derived",
        bench_size=request.bench_size,
        defines=request.defines,
    )  # checked under the sanitizers
    say(f"derived a problem for {request.function} in {target.name}; assumed:")
    for note in derived.assumptions:
        say(f"  - {note}")
    say(f"  (edit {derived.directory / 'problem.toml'} and pass that directory to change these)")
    return derived.problem


def loop_config(request: OptimizeRequest, backend: str, keep_improving: bool,
                model: str = "", endpoint: str = "") -> LoopConfig:  # fmt: skip
    r = request
    return LoopConfig(
        strategy=r.strategy, samples=r.samples, feedback=r.feedback, self_check=r.self_check,
        min_speedup=r.min_speedup, backend=backend, endpoint=endpoint,
        model=model or r.settings.model, temperature=r.temperature, kb=r.kb, timing=r.timing,
        race=r.race, threads=r.threads, timing_reps=r.timing_reps, budget=r.budget,
        continue_after_pass=keep_improving, reply_tokens=r.reply_tokens,
        allow_unchecked=r.allow_unchecked,
        scaling=r.scaling,
    )  # fmt: skip


def optimize(request: OptimizeRequest, say: Say = lambda _m: None) -> OptimizeOutcome:
    """Run (or resume) the optimization `request` describes; progress goes to `say`."""
    from parcodegen.agent.loop import Loop
    from parcodegen.jobs.kb import retriever_for
    from parcodegen.jobs.preflight import check_kb, check_references
    from parcodegen.jobs.runs import open_run, open_store, run_dir
    from parcodegen.llm.base import backend_model, close_backend
    from parcodegen.llm.endpoint import check_cost_cap
    from parcodegen.store.run_states import tracked
    from parcodegen.strategies import get_strategy

    get_strategy(request.strategy)  # unknown names fail here, with a did-you-mean
    runs = run_dir(request.run_dir)
    problem = load_target(request, runs, say)
    settings = replace(request.settings, refresh_cache=request.fresh)
    resolved = resolve_backend(request.backend, settings)
    check_cost_cap(resolved, request.settings, request.budget.max_cost)
    check_kb(request.kb, get_strategy(request.strategy).retrieve, request.kb_create)
    check_references([problem])
    keep = request.keep_improving
    backend = resolved.build()
    try:
        config = loop_config(request, resolved.name,
                             resolved.info.keep_improving if keep is None else keep,
                             backend_model(backend), resolved.endpoint)  # fmt: skip
        identity = config.identity([f"{problem.id}:{content_hash(problem.reference_code)}"])
        store = open_store(runs)
        manifest = {"loop": config.to_dict(), "backend": resolved.manifest(),
                    "problems": [{"id": problem.id, "directory": str(problem.directory)}]}  # fmt: skip
        choice = open_run(store, identity, f"{problem.name}-{config.strategy}-{identity[:10]}",
                          manifest, [problem], fresh=request.fresh, resume=request.resume)  # fmt: skip
        run_id = choice.run_id
        if choice.how == "resumed":
            done = len(store.attempts(run_id))
            say(f"resuming run {run_id}: {done} attempt(s) already stored (store {store.path}; "
                "--fresh starts a new run)")  # fmt: skip
        else:
            say(f"{choice.describe()} {run_id} (store {store.path})")
        with tracked(store, run_id) as run_exit:
            loop = Loop([problem], backend, store.recorder(run_id), config, run_id=run_id,
                        retriever=retriever_for(config), progress=say)  # fmt: skip
            result = loop.run()
            run_exit.stop = result.stop
    finally:
        close_backend(backend)
    fault = result.stop is not None and result.stop.is_fault
    pr = result.results[0]
    out_path = (
        Path(request.output)
        if request.output
        else runs / run_id / f"{problem.name}.optimized{Path(problem.source_file).suffix or '.cpp'}"
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(pr.code)
    diff = "".join(difflib.unified_diff(
        problem.reference_code.splitlines(keepends=True), pr.code.splitlines(keepends=True),
        fromfile=f"a/{problem.source_file}", tofile=f"b/{out_path.name}"))  # fmt: skip
    verdict = pr.choice.verdict
    best_pass = max((v.speedup or 0.0 for _a, v in pr.attempts if v.passed), default=None)
    status = verdict.status.value if verdict else ("pass" if best_pass is not None else None)
    report = {
        "run_id": run_id,
        "run": choice.how,  # new | resumed | fresh
        "store": str(store.path),
        "problem": problem.id,
        "output": str(out_path),
        "improved": pr.improved,
        "speedup": pr.choice.speedup if verdict else (best_pass or None),
        # the chosen candidate's speedup with its confidence interval, as the steps print it
        "speedup_text": verdict.measurement.interval_text()
        if verdict is not None and verdict.measurement is not None
        else None,
        "status": status,  # the chosen candidate's, else the best that passed (not kept)
        "state": RunState.after(result.stop).value,
        "explanation": pr.choice.explanation,
        "stop_reason": result.stop_reason,
        "attempts": len(pr.attempts),
        "calls_sent": result.calls_sent,
        "tokens": result.usage.total_tokens,
        "cost_usd": result.usage.cost_usd,
        "diff": diff,
    }
    store.close()
    return OptimizeOutcome(report, pr.improved, fault)
