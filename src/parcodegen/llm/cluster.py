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

from parcodegen.errors import BackendError
from parcodegen.llm.base import Backend, LLMRequest, LLMResponse, collect, resolved, stream

CLUSTER_MODES = ("shared", "per_task")
MAX_CHUNK = 32
_shared: dict[BackendSpec, Backend] = {}
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
    with _shared_lock:
        backend = _shared.get(spec)
        if backend is None:
            backend = _shared[spec] = spec.build()
        return backend


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "this process"


def generate_job(spec: BackendSpec, mode: str, requests: Sequence[LLMRequest]) -> tuple[Any, ...]:
    """Runs on a worker: (replies, error). `replies` holds the (index, response) pairs
    that arrived, also when a later request failed; `error` is None or (message,
    retryable). Errors come back as values, not exceptions: the client gets the message
    whatever the exception class, and a worker-side bug is not taken for a lost worker.
    """
    replies: list[tuple[int, LLMResponse]] = []
    try:
        replies.extend(stream(_backend_for(spec, mode), list(requests)))
    except BackendError as exc:
        return replies, (f"{exc} (on Dask worker {_worker_name()})", exc.retryable)
    except Exception as exc:  # noqa: BLE001 - a backend bug: said as one, never retried
        return replies, (f"{type(exc).__name__}: {exc} (on Dask worker {_worker_name()})", False)
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
        start = 0
        for size in chunk_sizes(len(requests), self.executor.check_workers):
            chunk = requests[start : start + size]
            futures[self.executor.submit_generation(generate_job, self.spec, self.mode, chunk)] = (
                start
            )
            start += size
        self.tasks_sent += len(futures)
        error: BackendError | None = None
        try:
            for f in self.executor.as_completed(futures):
                if f.cancelled():
                    continue
                try:
                    replies, failed = f.result()
                except Exception as exc:  # noqa: BLE001 - the worker or the transport failed
                    replies, failed = (
                        [],
                        (f"a Dask generation task failed ({type(exc).__name__}: {exc})", True),
                    )
                for j, response in replies:
                    yield futures[f] + j, response
                if failed is not None and error is None:
                    error = BackendError(failed[0], retryable=bool(failed[1]))
                    self._cancel_queued(futures)
        finally:
            for f in futures:
                if not f.done():
                    f.cancel()
        if error is not None:
            raise error

    def _cancel_queued(self, futures: dict[Any, int]) -> None:
        """Cancel the tasks no worker has started (a running one finishes: it is paid)."""
        status = getattr(self.executor, "task_states", None)
        states = status(list(futures)) if callable(status) else {}
        for f in futures:
            if not f.done() and states.get(f.key, "processing") != "processing":
                f.cancel()
