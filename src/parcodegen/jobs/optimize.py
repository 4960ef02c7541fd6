"""The optimize job: one function in, its fastest verified version (or the original) out.

`optimize(OptimizeRequest)` loads or derives the problem, resolves the backend, opens
(or resumes) the run, runs the agent loop, writes the optimized file and returns what
the CLI prints: the diff, the verdict, the speedup and where the run's record is.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
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
    timing_reps: int | None = None  # fixed timed pairs; None: until the interval is narrow
    timing: bool = True
    race: bool = True
    bench_size: int | None = None
    output: str | None = None
    run_dir: str | None = None


@dataclass(frozen=True)
class OptimizeOutcome:
    report: dict[str, Any]  # JSON-ready: run, output, verdict, speedup, diff, spend
    improved: bool
    fault: bool  # stopped by the backend or the harness (not the candidate's doing)


def load_target(request: OptimizeRequest, runs: Path, say: Say) -> Problem:
    """The problem directory, or a problem derived from a plain file (assumptions said)."""
    from parcodegen.problems.load import load_problem

    target = Path(request.target)
    if target.is_dir():
        return load_problem(target)
    if not target.is_file():
        raise ConfigError(f"TARGET '{target}' is neither a problem directory nor a file")
    if not request.function:
        raise ConfigError("a plain source file needs --function NAME (the function to optimize)")
    from parcodegen.problems.derive import DEFAULT_BENCH, derive_problem

    derived = derive_problem(target, request.function, runs / "derived",
                             bench_size=request.bench_size or DEFAULT_BENCH)  # fmt: skip
    say(f"derived a problem for {request.function} in {target.name}; assumed:")
    for note in derived.assumptions:
        say(f"  - {note}")
    say(f"  (edit {derived.directory / 'problem.toml'} and pass that directory to change these)")
    return derived.problem


def loop_config(request: OptimizeRequest, backend: str, keep_improving: bool) -> LoopConfig:
    r = request
    return LoopConfig(
        strategy=r.strategy, samples=r.samples, feedback=r.feedback, self_check=r.self_check,
        min_speedup=r.min_speedup, backend=backend, model=r.settings.model,
        temperature=r.temperature, kb=r.kb, timing=r.timing, race=r.race, threads=r.threads,
        timing_reps=r.timing_reps,
        budget=r.budget, continue_after_pass=keep_improving,
    )  # fmt: skip


def optimize(request: OptimizeRequest, say: Say = lambda _m: None) -> OptimizeOutcome:
    """Run (or resume) the optimization `request` describes; progress goes to `say`."""
    from parcodegen.agent.loop import Loop
    from parcodegen.jobs.kb import retriever_for
    from parcodegen.jobs.runs import open_run, open_store, run_dir
    from parcodegen.strategies import get_strategy

    get_strategy(request.strategy)  # unknown names fail here, with a did-you-mean
    runs = run_dir(request.run_dir)
    problem = load_target(request, runs, say)
    resolved = resolve_backend(request.backend, request.settings)
    keep = request.keep_improving
    config = loop_config(request, resolved.name,
                         resolved.info.keep_improving if keep is None else keep)  # fmt: skip
    identity = config.identity([f"{problem.id}:{content_hash(problem.reference_code)}"])
    store = open_store(runs)
    manifest = {"loop": config.to_dict(), "backend": resolved.manifest(),
                "problems": [{"id": problem.id, "directory": str(problem.directory)}]}  # fmt: skip
    run_id, resumed = open_run(store, identity, f"{problem.name}-{config.strategy}-{identity[:10]}",
                               manifest, [problem])  # fmt: skip
    if resumed:
        done = len(store.attempts(run_id))
        say(f"resuming run {run_id}: {done} attempt(s) already stored (store {store.path})")
    else:
        say(f"run {run_id} (store {store.path})")
    store.set_run_state(run_id, RunState.RUNNING)
    backend = resolved.build()
    loop = Loop([problem], backend, store.recorder(run_id), config, run_id=run_id,
                retriever=retriever_for(config), progress=say)  # fmt: skip
    result = loop.run()
    store.set_run_state(run_id, RunState.after(result.stop), result.stop)
    fault = result.stop is not None and result.stop.is_fault
    pr = result.results[0]
    out_path = (
        Path(request.output) if request.output else runs / run_id / f"{problem.name}.optimized.cpp"
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(pr.code)
    diff = "".join(difflib.unified_diff(
        problem.reference_code.splitlines(keepends=True), pr.code.splitlines(keepends=True),
        fromfile=f"a/{problem.source_file}", tofile=f"b/{out_path.name}"))  # fmt: skip
    verdict = pr.choice.verdict
    report = {
        "run_id": run_id,
        "store": str(store.path),
        "problem": problem.id,
        "output": str(out_path),
        "improved": pr.improved,
        "speedup": pr.choice.speedup,
        "status": verdict.status.value if verdict else None,
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
