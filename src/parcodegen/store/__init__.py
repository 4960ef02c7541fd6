"""The run store (SQLite): every call, candidate, verdict and measurement of a run."""

from parcodegen.store.run_store import DB_NAME, RunRecorder, RunStore

__all__ = ["DB_NAME", "RunRecorder", "RunStore"]
