"""A run's life: which run a command continues, and the state it is left in on every exit.

States (types.RunState): `running` while an execution works on it, then exactly one of
`finished` (every episode ended on its own), `stopped-by-budget` (a token, cost or
wall-time budget ran out; raise it and re-run to continue), `failed` (the endpoint or
the harness failed, or an error escaped) and `interrupted` (Ctrl-C or SIGTERM). A
SIGKILL leaves `running` stored, but the run's owner (host, pid, process start:
store/owner.py) is recorded when it starts, and the store shows a `running` run whose
process is gone as `interrupted`; re-running the command resumes it as any other.

Which run: the newest stored run with the command's identity is resumed; `fresh` starts
a new one beside it (same identity, id suffixed -2, -3...), which later plain re-runs
resume; `resume=RUN` continues exactly that run and refuses when the command's settings
differ from the ones it was made with, naming the fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from parcodegen.errors import ConfigError
from parcodegen.types import RunState, StopReason


@dataclass
class RunExit:
    """Filled in by the code running the loop: its stop (None when it finished)."""

    stop: StopReason | None = None


@contextmanager
def tracked(store: Any, run_id: str) -> Iterator[RunExit]:
    """Marks the run `running`, then sets its final state however the block ends."""
    store.set_run_state(run_id, RunState.RUNNING)
    claim = getattr(store, "claim", None)
    if callable(claim):
        claim(run_id)
    outcome = RunExit()
    try:
        yield outcome
    except KeyboardInterrupt:
        store.set_run_state(run_id, RunState.INTERRUPTED, "interrupted")
        raise
    except BaseException as exc:
        store.set_run_state(run_id, RunState.FAILED, f"{type(exc).__name__}: {exc}"[:500])
        raise
    store.set_run_state(run_id, RunState.after(outcome.stop), outcome.stop)


@dataclass(frozen=True)
class RunChoice:
    run_id: str
    how: str  # "new" | "resumed" | "fresh"

    def describe(self) -> str:
        return {
            "new": "new run",
            "resumed": "resuming run (--fresh starts a new one)",
            "fresh": "fresh run (--fresh)",
        }[self.how]


def _differences(stored: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    keys = sorted(set(stored) | set(now))
    return [k for k in keys if k not in ("budget", "workers") and stored.get(k) != now.get(k)]


def choose_run(
    store: Any,
    identity: str,
    new_id: str,
    *,
    fresh: bool = False,
    resume: str | None = None,
    config_now: Mapping[str, Any] | None = None,
) -> RunChoice:
    """Which run this command works on (it is created by the caller when not resumed)."""
    if fresh and resume:
        raise ConfigError("--fresh starts a new run and --resume continues one: give one of them")
    if resume:
        row = store.run(resume)
        if row is None:
            known = [r["run_id"] for r in store.runs()][-5:]
            raise ConfigError(
                f"--resume: no run '{resume}' in {store.path}"
                + (f" (latest: {', '.join(known)})" if known else " (the store is empty)")
            )
        if row["identity"] != identity:
            manifest = store.manifest(resume)
            stored = (manifest.config.get("loop", {}) if manifest else {}) or {}
            diff = _differences(stored, config_now or {})
            what = f" (different: {', '.join(diff)})" if diff else ""
            raise ConfigError(
                f"--resume: run '{resume}' was made with other settings than this command"
                f"{what}; repeat its original command, or drop --resume to start a new run"
            )
        return RunChoice(resume, "resumed")
    found = store.find_run(identity)
    if found is None:
        return RunChoice(new_id, "new")
    if not fresh:
        return RunChoice(found, "resumed")
    taken = {r["run_id"] for r in store.runs()}
    k = 2
    while f"{new_id}-{k}" in taken:
        k += 1
    return RunChoice(f"{new_id}-{k}", "fresh")
