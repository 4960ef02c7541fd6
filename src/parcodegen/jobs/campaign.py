"""A sampling campaign: problems x N samples through the agent loop, every one stored.

The benchmark runner shared by `bench run` and `synth` (jobs/bench.py, jobs/synth.py);
`run_request` is the entry point: it discovers the problems, resolves the backend,
places generation (here or on a Dask cluster), opens the run and runs it. A campaign is one run of the run store: its identity
is the loop configuration (strategy, backend, model, sampling, mode) and the problems, so
re-running the same command resumes it (stored calls are read back, stored attempts are
not verified again) and a larger --samples extends it.

Modes: "single" asks once per sample and stage (one attempt, or one per stage for
multi-stage: the sample is its best verified attempt, as for the agent);
"agent" runs the full feedback loop per sample (up to `iters` attempts).
Correctness checks and timings go to an Executor (local process pool or Dask).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from parcodegen.agent.config import Budget, LoopConfig
from parcodegen.agent.executors import Executor, ExecutorEvaluator
from parcodegen.agent.loop import Loop, LoopResult
from parcodegen.errors import ConfigError
from parcodegen.jobs.runs import open_run as open_stored_run
from parcodegen.jobs.runs import open_store, slug
from parcodegen.llm.base import Backend, LLMRequest, LLMResponse
from parcodegen.llm.registry import BackendSettings, ResolvedBackend, resolve_backend
from parcodegen.store import RunStore
from parcodegen.store.run_states import RunChoice, tracked
from parcodegen.strategies import get_strategy
from parcodegen.types import Attempt, Episode, Problem, Verdict, content_hash

MODES = ("single", "agent")
Say = Callable[[str], None]


@dataclass(frozen=True)
class CampaignSpec:
    mode: str = "single"
    iters: int = 4  # attempts per sample in agent mode
    name: str = "bench"  # run-id prefix
    verify_seeds: int = 1  # seeds per (size, pattern) in the difftest

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"mode '{self.mode}' unknown (known: {', '.join(MODES)})")


def loop_config(config: LoopConfig, spec: CampaignSpec) -> LoopConfig:
    """The loop configuration a campaign mode implies.

    single: one attempt per stage and no self-check, so a one-stage strategy asks once
    and multi-stage asks twice (serial, then parallel from the verified serial code).
    """
    if spec.mode == "single":
        stages = len(get_strategy(config.strategy).stages)
        return replace(config, self_check=False, budget=replace(config.budget, max_iters=stages))
    return replace(config, budget=replace(config.budget, max_iters=spec.iters))


def campaign_identity(config: LoopConfig, spec: CampaignSpec, problems: Sequence[Problem]) -> str:
    keys = [f"{p.id}:{content_hash(p.reference_code)}" for p in problems]
    base = replace(config, samples=1)  # more samples extend the same run
    return content_hash(f"{spec.mode}|{spec.verify_seeds}|{base.identity(keys)}")


def open_run(store: Any, config: LoopConfig, spec: CampaignSpec, problems: Sequence[Problem],
             extra: dict[str, Any] | None = None, *, fresh: bool = False,
             resume: str | None = None) -> RunChoice:  # fmt: skip
    """The stored run of this identity, or a new one (full manifest); `.how` says which."""
    identity = campaign_identity(config, spec, problems)
    name = [slug(spec.name), slug(config.strategy), slug(config.model or config.backend)]
    resolved = {
        "campaign": {"mode": spec.mode, "iters": spec.iters, "verify_seeds": spec.verify_seeds},
        "loop": config.to_dict(),
        **(extra or {}),
    }
    return open_stored_run(store, identity, "-".join([*name, identity[:8]]), resolved, problems,
                           fresh=fresh, resume=resume)  # fmt: skip


class ProgressRecorder:
    """Wraps a run recorder: counts what is stored and prints progress with an ETA."""

    def __init__(self, inner: Any, total_attempts: int, say: Say, every_s: float = 2.0):
        self.inner, self.total, self.say, self.every_s = inner, total_attempts, say, every_s
        self.done = 0
        self.fresh = 0
        self.replies = 0  # replies stored by this execution
        self.start = time.monotonic()
        self._last = 0.0
        self._work_start: dict[str, float] = {}
        self._reported = -1
        self._lock = threading.RLock()  # attempts are stored from check callbacks too
        self._later: threading.Timer | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get_call(self, episode: str, turn: int) -> LLMResponse | None:
        return self.inner.get_call(episode, turn)

    def put_call(self, episode: str, turn: int, request: LLMRequest, response: LLMResponse) -> None:
        self.inner.put_call(episode, turn, request, response)
        self.replies += 1
        now = time.monotonic()
        if now - self._last >= self.every_s:
            self._last = now
            self.say(f"  replies {self.replies} received this execution "
                     f"({self.done}/{self.total} attempts stored, {now - self.start:.0f}s elapsed)")  # fmt: skip

    def get_attempt(self, episode: str, turn: int) -> tuple[Attempt, Verdict] | None:
        got = self.inner.get_attempt(episode, turn)
        return got

    def put_attempt(self, attempt: Attempt, verdict: Verdict, code: str | None) -> None:
        self.inner.put_attempt(attempt, verdict, code)
        with self._lock:
            self.done += 1
            self.fresh += 1
        self.report()

    def put_episode(self, episode: Episode) -> None:
        self.inner.put_episode(episode)

    def put_result(self, problem_id: str, candidate_id: str | None, speedup: float | None,
                   explanation: str) -> None:  # fmt: skip
        self.inner.put_result(problem_id, candidate_id, speedup, explanation)

    def on_work(self, kind: str, done: int, total: int) -> None:
        """A check or timing of the current round returned (ExecutorEvaluator progress)."""
        now = time.monotonic()
        if kind not in self._work_start or done == 1:
            self._work_start[kind] = now if done == 1 else self._work_start.get(kind, now)
        if done < total and now - self._last < self.every_s:
            return
        self._last = now
        first = self._work_start.get(kind, self.start)
        # the first completion's time is unknown: rate from completions 1..done
        eta = ""
        if done > 1 and now > first:
            eta = (
                f", ETA {(total - done) * (now - first) / (done - 1):.0f}s for this round's {kind}s"
            )
        self.say(f"  {kind}s {done}/{total}{eta} ({self.done}/{self.total} attempts stored, "
                 f"{now - self.start:.0f}s elapsed)")  # fmt: skip

    def eta_s(self) -> float | None:
        elapsed = time.monotonic() - self.start
        if self.fresh == 0 or elapsed <= 0:
            return None
        return max(0.0, (self.total - self.done) * elapsed / self.fresh)

    def report(self, force: bool = False) -> None:
        """Print the stored count (at most every `every_s`; a count held back by that is
        printed when the interval ends, so the latest count always shows, also while the
        round waits for a slow reply)."""
        with self._lock:
            now = time.monotonic()
            if self._reported == self.done and self.done > 0:
                return
            if not force and now - self._last < self.every_s and self.done < self.total:
                if self._later is None:
                    self._later = threading.Timer(self.every_s - (now - self._last), self._flush)
                    self._later.daemon = True
                    self._later.start()
                return
            self._last, self._reported = now, self.done
            self._print(now)

    def _flush(self) -> None:
        with self._lock:
            self._later = None
        self.report(force=True)

    def close(self) -> None:
        """No held-back count is printed after this."""
        with self._lock:
            if self._later is not None:
                self._later.cancel()
                self._later = None

    def _print(self, now: float) -> None:
        u = self.inner.usage()
        eta = self.eta_s()
        eta_txt = f"ETA {eta:.0f}s" if eta is not None else "ETA ?"
        self.say(
            f"[attempts stored {self.done}/{self.total}] {now - self.start:.0f}s elapsed, {eta_txt}; "
            f"{u.total_tokens} tokens, ${u.cost_usd:.4f}"
        )


def run_campaign(
    store: Any,
    problems: Sequence[Problem],
    backend: Backend,
    config: LoopConfig,
    spec: CampaignSpec,
    executor: Executor,
    *,
    say: Say = lambda _m: None,
    extra_manifest: dict[str, Any] | None = None,
    verbose: bool = False,
    retriever: Any = None,
    fresh: bool = False,
    resume: str | None = None,
) -> tuple[str, LoopResult]:
    """Run (or resume) the campaign; returns the run id and the loop's result. The run is
    left in its final state however this ends (store/run_states.py)."""
    config = loop_config(config, spec)
    choice = open_run(store, config, spec, problems, extra_manifest, fresh=fresh, resume=resume)
    run_id, resumed = choice.run_id, choice.how == "resumed"
    stored = len(store.attempts(run_id))
    upper = len(problems) * config.samples * config.budget.max_iters
    rec = ProgressRecorder(store.recorder(run_id), upper, say)
    rec.done = stored
    how = f"resumed, {stored} attempts stored; --fresh starts a new run" if resumed else choice.how
    say(f"run {run_id} ({how}); "
        f"{len(problems)} problem(s) x {config.samples} sample(s), mode {spec.mode}; "
        f"{executor.describe()}")  # fmt: skip
    if spec.mode == "agent":
        say("(agent mode: the attempt total is an upper bound; episodes may stop early)")
    options = {
        "threads": config.threads,
        "timing": config.timing,
        "race": config.race,
        "allow_unchecked": config.allow_unchecked,
        "timing_reps": config.timing_reps,
        "seeds": spec.verify_seeds,
    }
    with tracked(store, run_id) as run_exit:
        # The loop's evaluation contract (evaluate/remember) on the chosen executor.
        evaluator = ExecutorEvaluator(executor, options, progress=rec.on_work)
        loop = Loop(problems, backend, rec, config, run_id=run_id, retriever=retriever,
                    progress=say if verbose else None, evaluator=evaluator)  # fmt: skip
        loop.guard.say = say  # waiting, retries and cut-off replies are always reported
        try:
            result = loop.run()
        finally:
            rec.close()
        rec.report(force=True)
        run_exit.stop = result.stop
    return run_id, result


# --------------------------------------------------------------------------- the entry point
@dataclass(frozen=True)
class CampaignRequest:
    """Everything a campaign needs (`bench run` and each campaign of `synth`)."""

    suite: str = "builtin"
    problems: tuple[str, ...] = ()  # ids (or unambiguous names) to keep; () = all
    strategy: str = "parallel"
    backend: str | None = None  # None: the default backend for the settings
    settings: BackendSettings = field(default_factory=BackendSettings)
    samples: int = 1
    mode: str = "single"
    max_iters: int = 4
    temperature: float = 0.8
    budget: Budget = field(default_factory=Budget)  # its max_iters is replaced by the mode's
    threads: int | None = None
    scaling: bool = False  # also time at 1 .. cores threads (speedup, efficiency per count)
    timing_reps: int | None = None  # fixed timed pairs; None: until the interval is narrow
    timing: bool = True
    race: bool = True
    allow_unchecked: bool = False
    workers: int = 2
    scheduler: str | None = None
    kb: str = ""
    run_dir: str | None = None
    verbose: bool = False
    name: str = "bench"  # run-id prefix
    verify_seeds: int = 1
    reply_tokens: int = 4096  # the length limit of one reply
    fresh: bool = False  # a new run even if one with these settings is stored
    resume: str | None = None  # continue this stored run
    kb_create: bool = False  # create the --kb knowledge base when it does not exist

    def resolved_backend(self) -> ResolvedBackend:
        """The backend and its options; a ConfigError when something it needs is missing."""
        return resolve_backend(self.backend, replace(self.settings, refresh_cache=self.fresh))

    def loop_config(self, backend: str, model: str = "", endpoint: str = "") -> LoopConfig:
        return LoopConfig(
            strategy=self.strategy, samples=self.samples, backend=backend, endpoint=endpoint,
            model=model or self.settings.model, temperature=self.temperature, kb=self.kb,
            reply_tokens=self.reply_tokens,
            timing=self.timing, race=self.race, timing_reps=self.timing_reps,
            allow_unchecked=self.allow_unchecked,
            threads=self.threads, workers=self.workers, scaling=self.scaling,
            budget=replace(self.budget, max_iters=self.max_iters),
        )  # fmt: skip


@dataclass
class CampaignOutcome:
    run_id: str
    result: LoopResult
    store: RunStore


def place_backend(resolved: ResolvedBackend, executor: Any) -> tuple[Backend, str]:
    """(backend, where generation runs). With a Dask executor, a backend declared able to
    (llm/cluster.py) generates on the cluster; the cache and the recording stay here."""
    from parcodegen.agent.executors import DaskExecutor
    from parcodegen.llm.cluster import BackendSpec, ClusterBackend

    backend = resolved.build(wrapped=False)
    where = "generation: on this machine"
    if isinstance(executor, DaskExecutor):
        mode = resolved.info.cluster
        if mode is None:
            where += (f" (the {resolved.name} backend cannot generate on a cluster; "
                      "see docs/evaluation.md)")  # fmt: skip
        else:
            backend = ClusterBackend(BackendSpec.of(resolved.name, resolved.options), mode,
                                     backend, executor)  # fmt: skip
            where = backend.describe()
    return resolved.wrap(backend), where


def run_request(request: CampaignRequest, say: Say = lambda _m: None) -> CampaignOutcome:
    """Run (or resume) the campaign `request` describes."""
    from parcodegen.agent.executors import make_executor
    from parcodegen.jobs.kb import retriever_for
    from parcodegen.jobs.preflight import check_kb, check_references
    from parcodegen.llm.base import backend_model, close_backend
    from parcodegen.llm.endpoint import check_cost_cap
    from parcodegen.problems.suite import suite_problems

    strategy = get_strategy(request.strategy)
    problems = suite_problems(request.suite, request.problems)
    resolved = request.resolved_backend()
    check_cost_cap(resolved, request.settings, request.budget.max_cost)
    check_kb(request.kb, strategy.retrieve, request.kb_create)
    if resolved.info.paid:  # nothing is paid for a problem that cannot be checked
        check_references(problems, request.workers, say)
    store = open_store(request.run_dir)
    with make_executor(request.scheduler, request.workers) as executor:
        backend, where = place_backend(resolved, executor)
        say(where)
        config = request.loop_config(resolved.name, backend_model(backend), resolved.endpoint)
        spec = CampaignSpec(mode=request.mode, iters=request.max_iters, name=request.name,
                            verify_seeds=request.verify_seeds)  # fmt: skip
        extra = {"suite": request.suite, "backend": resolved.manifest(),
                 "problems": [{"id": p.id, "directory": str(p.directory)} for p in problems]}  # fmt: skip
        try:
            run_id, result = run_campaign(
                store, problems, backend, config, spec, executor, say=say,
                extra_manifest=extra, verbose=request.verbose, retriever=retriever_for(config),
                fresh=request.fresh, resume=request.resume,
            )  # fmt: skip
        finally:
            close_backend(backend)
    return CampaignOutcome(run_id, result, store)
