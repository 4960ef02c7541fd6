"""Generation on a Dask cluster: each batch is split into chunks, one task per chunk.

`ClusterBackend` is a Backend whose `generate` sends the batch to the cluster's check
workers (never to the workers reserved for timing) and returns the replies in order.
Each task rebuilds the backend on the worker from a `BackendSpec` (the registry name and
its options), so the client ships names and options, not objects.

Whether a backend can go is declared with it (`BackendInfo.cluster`, llm/registry.py):

- "shared": one instance per worker process serves every request (stateless backends
  whose reply depends only on the request: `openai`, `autopar`);
- "per_task": a fresh instance per task (`replay`, which consumes its recorded replies:
  a long-lived worker must not remember an earlier run's consumption);
- absent: generation stays on the client (`scripted` serves queues in the order asked;
  `vllm` holds a model in this process: serve it over HTTP and use `openai` instead).

Budgets: with a run guard (llm/guard.py), each chunk is allotted up to its worst case
(every request's prompt and a full reply) from what the run has left, and the task checks
each of its requests, retries included, against a guard holding that allotment and the
wall time left: a chunk cannot spend past it, so the chunks together cannot pass
`--max-cost`/`--max-tokens`. A request the allotment cannot cover is refused and the run
stops with the budget reason (a chunk does not wait for others to settle, so a run near
its cap may stop a little earlier than on the client).

Secrets are never sent: an API key is read from each worker's own environment
(PARCODEGEN_API_KEY / OPENAI_API_KEY), like the client reads its own. The response
cache and the `--record` recording stay on the client, around this backend, so only
cache misses travel and the recording holds every reply.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from parcodegen.errors import BackendError, BudgetExhausted
from parcodegen.llm.base import (
    Backend,
    LLMRequest,
    LLMResponse,
    Usage,
    collect,
    resolved,
    stream,
)

CLUSTER_MODES = ("shared", "per_task")
MAX_CHUNK = 32
_shared: dict[str, Backend] = {}  # repr(spec) -> backend (options may hold dicts: prices)
_shared_lock = threading.Lock()


@dataclass(frozen=True)
class BackendSpec:
    """What a worker needs to build the backend: a registry name and its options."""

    name: str
    options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, name: str, options: dict[str, Any]) -> BackendSpec:
        return cls(name, tuple(sorted(options.items())))

    def build(self) -> Backend:
        from parcodegen.llm.registry import make_backend

        return make_backend(self.name, **dict(self.options))


def cluster_mode(name: str) -> str | None:
    """How backend `name` runs on a cluster ("shared", "per_task"), or None: client only."""
    from parcodegen.llm.registry import backend_info

    mode = backend_info(name).cluster
    return mode if mode in CLUSTER_MODES else None


def _backend_for(spec: BackendSpec, mode: str) -> Backend:
    if mode == "per_task":
        return spec.build()
    key = repr(spec)
    with _shared_lock:
        backend = _shared.get(key)
        if backend is None:
            backend = _shared[key] = spec.build()
        return backend


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "this process"


def generate_job(spec: BackendSpec, mode: str, requests: Sequence[LLMRequest],
                 limits: dict[str, Any] | None = None) -> tuple[Any, ...]:  # fmt: skip
    """Runs on a worker: (replies, error). `replies` holds the (index, response) pairs
    that arrived, also when a later request failed; `error` is None or (message,
    retryable), or (message, False, budget kind, detail) when `limits` (RunGuard budgets:
    the chunk's allotment) refused a request. Errors come back as values, not exceptions:
    the client gets the message whatever the exception class, and a worker-side bug is
    not taken for a lost worker. With `limits` the task gets a backend of its own (a
    shared one would share the guard with other tasks)."""
    from parcodegen.llm.base import close_backend
    from parcodegen.llm.guard import RunGuard, attach_guard

    replies: list[tuple[int, LLMResponse]] = []
    backend = None
    try:
        if limits is None:
            backend = _backend_for(spec, mode)
        else:
            backend = spec.build()
            attach_guard(backend, RunGuard(**limits))
        replies.extend(stream(backend, list(requests)))
    except BudgetExhausted as exc:
        return replies, (f"{exc} (on Dask worker {_worker_name()})", False, exc.kind, exc.detail)
    except BackendError as exc:
        return replies, (f"{exc} (on Dask worker {_worker_name()})", exc.retryable)
    except Exception as exc:  # noqa: BLE001 - a backend bug: said as one, never retried
        return replies, (f"{type(exc).__name__}: {exc} (on Dask worker {_worker_name()})", False)
    finally:
        if limits is not None and backend is not None:
            close_backend(backend)
    if len(replies) != len(requests):
        return replies, (f"backend answered {len(replies)} of {len(requests)} requests "
                         f"(on Dask worker {_worker_name()})", False)  # fmt: skip
    return replies, None


def chunk_sizes(total: int, workers: int) -> list[int]:
    """Split `total` requests into even chunks: two per worker, more if one would exceed MAX_CHUNK."""
    if total <= 0:
        return []
    parts = max(min(total, 2 * max(1, workers)), math.ceil(total / MAX_CHUNK))
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class ClusterBackend:
    """A Backend that generates on the check workers of a DaskExecutor."""

    def __init__(self, spec: BackendSpec, mode: str, local: Backend, executor: Any):
        if mode not in CLUSTER_MODES:
            raise BackendError(f"backend '{spec.name}' cannot generate on a cluster")
        self.spec, self.mode, self.local, self.executor = spec, mode, local, executor
        self.name = getattr(local, "name", spec.name)
        self.tasks_sent = 0
        self.guard: Any = None  # the run's RunGuard (llm/guard.py), given by the loop

    def use_guard(self, guard: Any) -> None:
        """Allot each chunk its share of `guard`'s budgets (module docstring)."""
        self.guard = guard

    def _allot(self, chunk: Sequence[LLMRequest]) -> tuple[Any, dict[str, Any] | None]:
        """(booking, limits) for a chunk; (None, None) without a guard or for a backend
        that cannot say what a request may cost (it spends nothing: autopar, replay)."""
        worst_of = getattr(self.local, "worst_usage", None)
        if self.guard is None or not callable(worst_of):
            return None, None
        worst = Usage()
        for r in chunk:
            worst = worst + worst_of(r)
        return self.guard.allot(worst)

    def resolve(self, request: LLMRequest) -> LLMRequest:
        return resolved(self.local, request)

    def describe(self) -> str:
        return (f"generation: on the cluster's check workers ({self.spec.name}, "
                f"{'one backend per worker process' if self.mode == 'shared' else 'one backend per task'})")  # fmt: skip

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return collect(self.generate_iter(requests), len(requests))

    def generate_iter(self, requests: list[LLMRequest]) -> Iterator[tuple[int, LLMResponse]]:
        """Each chunk's replies as its task returns. After a failure, the tasks not yet
        running are cancelled, every reply that comes back (from the failing chunk and
        from the others, already done or still running) is still handed out, and then the
        first error is raised: nothing paid for is dropped."""
        futures: dict[Any, int] = {}  # future -> index of its first request
        bookings: dict[Any, Any] = {}  # future -> its chunk's booking in the run guard
        error: BackendError | BudgetExhausted | None = None
        try:
            start = 0
            for size in chunk_sizes(len(requests), self.executor.check_workers):
                chunk = requests[start : start + size]
                booking, limits = self._allot(chunk)
                args = (self.spec, self.mode, chunk) + ((limits,) if limits is not None else ())
                f = self.executor.submit_generation(generate_job, *args)
                futures[f], bookings[f] = start, booking
                start += size
            self.tasks_sent += len(futures)
            for f in self.executor.as_completed(futures):
                replies: list[tuple[int, LLMResponse]] = []
                try:
                    if f.cancelled():
                        continue
                    try:
                        replies, failed = f.result()
                    except Exception as exc:  # noqa: BLE001 - the worker or the transport failed
                        failed = (f"a Dask generation task failed ({type(exc).__name__}: {exc})",
                                  True)  # fmt: skip
                finally:
                    self._settle(bookings.pop(f, None), replies)
                for j, response in replies:
                    yield futures[f] + j, response
                if failed is not None and error is None:
                    if len(failed) > 2:  # the chunk's allotment refused a request
                        error = BudgetExhausted(failed[2], failed[3])
                    else:
                        error = BackendError(failed[0], retryable=bool(failed[1]))
                    self._cancel_queued(futures)
        finally:
            for f in futures:
                if not f.done():
                    f.cancel()
            for f, booking in bookings.items():  # not handed out: settled all the same
                self._settle(booking, self._replies_of(f))
        if error is not None:
            raise error

    @staticmethod
    def _replies_of(future: Any) -> list[tuple[int, LLMResponse]]:
        """The replies a finished task holds ([] when it did not finish or failed)."""
        try:
            if future.done() and not future.cancelled():
                return list(future.result()[0])
        except Exception:  # noqa: BLE001 - a failed task: nothing to count
            pass
        return []

    def _settle(self, booking: Any, replies: list[tuple[int, LLMResponse]]) -> None:
        if booking is None or self.guard is None:
            return
        used = Usage()
        for _, response in replies:
            used = used + response.usage
        self.guard.settle(booking, used)

    def _cancel_queued(self, futures: dict[Any, int]) -> None:
        """Cancel the tasks no worker has started (a running one finishes: it is paid)."""
        status = getattr(self.executor, "task_states", None)
        states = status(list(futures)) if callable(status) else {}
        for f in futures:
            if not f.done() and states.get(f.key, "processing") != "processing":
                f.cancel()
