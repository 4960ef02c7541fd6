"""Where correctness checks and timings run: a local process pool or a Dask cluster.

Two kinds of work, two rules:

- checks (compile, difftest, race) and, on a cluster, generation: many at once, on any
  worker not reserved for timing;
- timings: one at a time per machine, and only on workers reserved for timing.

`LocalExecutor` runs checks in a process pool (`workers` processes) and timings in a
separate single-process pool, so two timings never overlap. `DaskExecutor` sends checks
to the workers of a Dask cluster (`tcp://HOST:PORT`) that are not reserved for timing,
and timings to workers started with the resource `timing=1`
(`dask worker tcp://HOST:PORT --nthreads 1 --resources timing=1`), which Dask then
gives at most one timing task at a time. With no reserved worker, timings may run on any
worker, still one task per `timing` unit; the executor says so in `describe()`.

Task functions must be importable top-level functions with picklable arguments.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from parcodegen.errors import ConfigError, InfraError

TIMING_RESOURCE = "timing"


class Executor(Protocol):
    def submit_check(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def submit_timing(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


def exit_with_parent(poll_s: float = 1.0) -> None:
    """A pool worker's initializer: the worker exits once the process that started it is
    gone (a SIGKILLed parent cannot shut its pool down; idle workers would wait forever)."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class LocalExecutor:
    """Checks in a process pool; timings in one extra process, one at a time."""

    def __init__(self, workers: int = 2, *, threads: bool = False):
        if workers < 1:
            raise ConfigError("workers must be at least 1")
        self.workers = workers
        if threads:
            self._checks: cf.Executor = cf.ThreadPoolExecutor(max_workers=workers)
            self._timing: cf.Executor = cf.ThreadPoolExecutor(max_workers=1)
        else:  # workers end with this process, also when it is killed with SIGKILL
            self._checks = cf.ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent)
            self._timing = cf.ProcessPoolExecutor(max_workers=1, initializer=exit_with_parent)

    def submit_check(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        return self._checks.submit(fn, *args)

    def submit_timing(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        return self._timing.submit(fn, *args)

    def as_completed(self, futures: Iterable[cf.Future]) -> Iterator[cf.Future]:
        return cf.as_completed(list(futures))

    def describe(self) -> str:
        return f"local process pool: {self.workers} check worker(s), 1 timing process"

    def close(self) -> None:
        self._checks.shutdown(wait=True, cancel_futures=True)
        self._timing.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskExecutor:
    """Checks and timings on a Dask cluster; timings only where `timing` resources are."""

    def __init__(self, scheduler: str, *, timeout: float = 30.0):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - distributed is a dependency
            raise InfraError(f"Dask distributed is not installed: {exc}") from exc
        try:
            self.client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise InfraError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        self.scheduler = scheduler
        self._check_workers, self._timing_workers = self._split_workers()
        if not self._check_workers and not self._timing_workers:
            self.client.close()
            raise InfraError(f"the Dask cluster at {scheduler} has no workers")

    def _split_workers(self) -> tuple[list[str], list[str]]:
        info = self.client.scheduler_info()["workers"]
        timing = [a for a, w in info.items() if w.get("resources", {}).get(TIMING_RESOURCE)]
        checks = [a for a in info if a not in timing]
        return checks, timing

    def submit_check(self, fn: Callable[..., Any], *args: Any) -> Any:
        # Keep checks off the timing workers when there are others (strictly: a check on
        # a timing worker could overlap a timing there).
        workers = self._check_workers or None
        return self.client.submit(fn, *args, pure=False, workers=workers)

    @property
    def check_workers(self) -> int:
        return len(self._check_workers) or len(self._timing_workers)

    def submit_generation(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Model calls go where checks go: never onto a worker reserved for timing."""
        return self.submit_check(fn, *args)

    def task_states(self, futures: Iterable[Any]) -> dict[Any, str]:
        """'processing' for tasks a worker holds, 'queued' for the others not done."""
        try:
            held = {str(k) for keys in self.client.processing().values() for k in keys}
        except Exception:  # noqa: BLE001 - unknown: treat everything as running
            return {}
        return {f.key: ("processing" if str(f.key) in held else "queued") for f in futures}

    def submit_timing(self, fn: Callable[..., Any], *args: Any) -> Any:
        if not self._timing_workers:
            raise InfraError(
                f"no worker of {self.scheduler} is reserved for timing: start one with "
                "`dask worker SCHEDULER --nthreads 1 --resources timing=1`, or run with "
                "--no-timing"
            )
        return self.client.submit(fn, *args, pure=False, resources={TIMING_RESOURCE: 1})

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        futures = list(futures)
        if not futures:
            return
        with self.client.as_current():
            yield from as_completed(futures)

    def describe(self) -> str:
        return (
            f"dask cluster {self.scheduler}: {len(self._check_workers)} check worker(s), "
            f"{len(self._timing_workers)} timing worker(s)"
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_executor(scheduler: str | None = None, workers: int = 2) -> Executor:
    """A Dask executor for `tcp://HOST:PORT`, else a local process pool."""
    if scheduler:
        return DaskExecutor(scheduler)
    return LocalExecutor(workers)


# --------------------------------------------------------------------------- jobs
# Top-level functions so a process pool or a Dask worker can unpickle them.


def check_job(problem: Any, code: str, options: dict[str, Any]) -> Any:
    """Correctness only (compile, interface, difftest, race): a Verdict without timing.

    `options` are VerifyOptions fields (a dict, so any VerifyOptions pickles the same way).
    """
    from parcodegen.types import Candidate
    from parcodegen.verify.pipeline import VerifyOptions, check_candidate

    return check_candidate(problem, Candidate(code), options=VerifyOptions(**options))


def timing_job(problem: Any, code: str, options: dict[str, Any]) -> Any:
    """The build (cached) and the timing phase of a checked candidate: a Verdict."""
    from parcodegen.types import Candidate
    from parcodegen.verify.pipeline import VerifyOptions, time_candidate

    return time_candidate(
        problem, Candidate(code), options=VerifyOptions(**{**options, "timing": True})
    )


class ExecutorEvaluator:
    """The agent loop's `Evaluator.evaluate(jobs)` contract on an Executor.

    Correctness checks go out in parallel, each as soon as its candidate is known
    (`prefetch`, called by the loop as replies arrive); timings of the candidates that
    passed go to the timing workers after every check of the batch has returned (on a
    local pool nothing else runs while a timing does). Verdicts are cached per
    (problem, candidate).

    A listener (`listen`) hears each verdict the moment it is final: a check that failed
    (or any check when timing is off) as soon as it returns, even while the round's
    replies are still arriving (from the executor's callback thread), and a timed one as
    its timing returns. Harness faults are never final verdicts.
    """

    def __init__(self, executor: Executor, options: dict[str, Any],
                 progress: Callable[[str, int, int], None] | None = None):  # fmt: skip
        """`progress(kind, done, total)` is called as each check / timing returns."""
        self.executor = executor
        self.progress = progress or (lambda _kind, _done, _total: None)
        self.options = dict(options)  # VerifyOptions fields
        self.timing = bool(self.options.get("timing", True))
        self.cache: dict[tuple[str, str], Any] = {}
        self._checks: dict[tuple[str, str], Any] = {}  # checks started before evaluate()
        self._on_final: Callable[[tuple[str, str], Any], None] | None = None
        self._on_checked: Callable[[tuple[str, str], Any], None] | None = None
        self._known: dict[tuple[str, str], Any] = {}  # passed checks stored earlier

    def listen(self, on_final: Callable[[tuple[str, str], Any], None] | None,
               on_checked: Callable[[tuple[str, str], Any], None] | None = None) -> None:  # fmt: skip
        """Call `on_final((problem id, candidate id), verdict)` as each verdict is final,
        and `on_checked(key, verdict)` as a check passes whose timing is still to come."""
        self._on_final, self._on_checked = on_final, on_checked

    def remember_check(self, problem: Any, candidate_id: str, verdict: Any) -> None:
        """A passed check stored by an interrupted execution: time it, do not re-check."""
        key = (problem.id, candidate_id)
        if key not in self.cache:
            self._known.setdefault(key, verdict)

    def _final(self, key: tuple[str, str], verdict: Any) -> None:
        from parcodegen.types import Status

        if self._on_final is not None and verdict.status is not Status.INFRA_ERROR:
            self._on_final(key, verdict)

    def _check_returned(self, key: tuple[str, str], future: Any) -> None:
        """A check's done-callback: its verdict is final if it failed or nothing is timed."""
        try:
            if future.cancelled():
                return
            verdict = future.result()
        except BaseException:  # noqa: BLE001 - evaluate() raises it in the loop's thread
            return
        if not verdict.passed or not self.timing:
            self._final(key, verdict)
        elif self._on_checked is not None:
            self._on_checked(key, verdict)

    def prefetch(self, problem: Any, candidate: Any) -> None:
        """Start the correctness check of a candidate now (e.g. while the rest of the
        round's replies are still arriving); `evaluate` then waits for it."""
        key = (problem.id, candidate.id)
        if key not in self.cache and key not in self._checks and key not in self._known:
            future = self.executor.submit_check(check_job, problem, candidate.code, self.options)
            self._checks[key] = future
            future.add_done_callback(lambda f, key=key: self._check_returned(key, f))

    def discard_prefetched(self) -> None:
        """Cancel the early checks nobody will wait for (the round stopped)."""
        for key in list(self._checks):
            self._checks.pop(key).cancel()

    def remember(self, problem: Any, candidate_id: str, verdict: Any) -> None:
        self.cache.setdefault((problem.id, candidate_id), verdict)

    def evaluate(self, jobs: list[tuple[Any, Any]]) -> list[Any]:
        from parcodegen.agent.evaluate import merge_timing, pending
        from parcodegen.types import Status

        todo = pending(jobs, self.cache)
        checked = {key: self._known.pop(key) for key in todo if key in self._known}
        for problem, cand in todo.values():
            self.prefetch(problem, cand)
        futures = {self._checks.pop(key): key for key in todo if key not in checked}
        self.discard_prefetched()  # prefetched but not asked for: not waited on
        for i, f in enumerate(self.executor.as_completed(futures), 1):
            checked[futures[f]] = f.result()
            # stored before it is counted (its done-callback may not have run yet; storing
            # twice is harmless: the loop stores each attempt once)
            self._check_returned(futures[f], f)
            self.progress("check", i, len(futures))
        for verdict in checked.values():
            if verdict.status is Status.INFRA_ERROR:
                raise InfraError(f"verification harness failed: {verdict.message}")
        if self.timing:
            timed = {
                self.executor.submit_timing(timing_job, p, c.code, self.options): key
                for key, (p, c) in todo.items()
                if checked[key].passed
            }
            for i, f in enumerate(self.executor.as_completed(timed), 1):
                verdict = merge_timing(checked[timed[f]], f.result())
                self.progress("timing", i, len(timed))
                if verdict.status is Status.INFRA_ERROR:
                    raise InfraError(f"timing harness failed: {verdict.message}")
                checked[timed[f]] = verdict
                self._final(timed[f], verdict)
        self.cache.update(checked)
        return [self.cache[(p.id, c.id)] for p, c in jobs]
