"""The run store: SQLite, one file, many runs (schema in schema.py and docs/optimize.md).

Writes are committed at once, so a killed process loses at most the call or verification
in flight. They may come from several threads (the loop's, and the check callbacks that
store an attempt the moment its verdict is final): one lock serializes the connection's
writes and the reads the loop makes while they happen. `RunStore.recorder(run_id)` gives the
agent loop the narrow interface it writes through (agent.record.Recorder); the read
functions below are what `bench` and reports use: metrics read only stored records.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from parcodegen.llm.base import LLMRequest, LLMResponse, Usage
from parcodegen.store.codec import dumps, request_to_dict, response_from_row, verdict_from_dict
from parcodegen.store.owner import Owner
from parcodegen.store.schema import DDL, SCHEMA_VERSION
from parcodegen.types import (
    Attempt,
    Episode,
    EpisodeStatus,
    Problem,
    RunManifest,
    RunState,
    Status,
    StopReason,
    Verdict,
    content_hash,
)

DB_NAME = "runs.sqlite"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _attempt(row: Any) -> Attempt:
    return Attempt(
        run_id=row["run_id"],
        episode=row["episode"],
        turn=row["turn"],
        problem_id=row["problem_id"],
        sample=row["sample"],
        strategy=row["strategy"],
        stage=row["stage"],
        kind=row["kind"],
        action=row["action"],
        status=Status(row["status"]),
        candidate_id=row["candidate_id"],
        parent_id=row["parent_id"],
        speedup=row["speedup"],
        message=row["message"],
        self_check=bool(row["self_check"]),
    )


def _episode(row: Any) -> Episode:
    return Episode(
        run_id=row["run_id"],
        key=row["episode"],
        problem_id=row["problem_id"],
        sample=row["sample"],
        strategy=row["strategy"],
        state=EpisodeStatus(row["state"]),
        stop_reason=row["stop_reason"],
        best_candidate_id=row["best_candidate_id"],
        best_speedup=row["best_speedup"],
        attempts=row["attempts"],
    )


class RunStore:
    """A SQLite run store. `RunStore(dir_or_file)`; a directory gets `runs.sqlite` inside."""

    def __init__(self, path: str | Path):
        path = Path(path)
        if path.suffix not in (".sqlite", ".db"):
            path.mkdir(parents=True, exist_ok=True)
            path = path / DB_NAME
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.lock = threading.RLock()  # one thread at a time on the connection's writes
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(DDL)
        self.db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ runs
    def find_run(self, identity: str) -> str | None:
        row = self.db.execute(
            "SELECT run_id FROM runs WHERE identity = ? ORDER BY created DESC, rowid DESC LIMIT 1",
            (identity,),
        ).fetchone()
        return row["run_id"] if row else None

    def create_run(self, manifest: RunManifest, identity: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO runs(run_id, identity, created, updated, state, manifest) "
            "VALUES (?, ?, ?, ?, 'running', ?)",
            (manifest.run_id, identity, manifest.created, now(), dumps(manifest.to_dict())),
        )

    def set_run_state(
        self, run_id: str, state: RunState, stop: StopReason | str | None = None
    ) -> None:
        """The run's state (a closed set) and, for a stopped run, why (stored as text)."""
        with self.lock:
            self.db.execute(
                "UPDATE runs SET state = ?, stop_reason = ?, updated = ? WHERE run_id = ?",
                (RunState(state).value, str(stop) if stop is not None else "", now(), run_id),
            )

    def claim(self, run_id: str, owner: Owner | None = None) -> None:
        """Record the process working on the run now (this one unless given)."""
        o = owner or Owner.this_process()
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO run_owners VALUES (?, ?, ?, ?)",
                (run_id, o.host, o.pid, o.start),
            )

    def owner(self, run_id: str) -> Owner | None:
        row = self.db.execute(
            "SELECT host, pid, start FROM run_owners WHERE run_id = ?", (run_id,)
        ).fetchone()
        return Owner(row["host"], row["pid"], row["start"]) if row else None

    def _as_seen(self, row: Any) -> dict[str, Any]:
        """A runs row, a `running` run whose owner is gone shown `interrupted`."""
        d = dict(row)
        if d["state"] == RunState.RUNNING.value:
            owner = self.owner(d["run_id"])
            if owner is not None and owner.gone():
                d["state"] = RunState.INTERRUPTED.value
                d["stop_reason"] = f"the process running it ended ({owner.describe()}): killed?"
        return d

    def runs(self) -> list[dict[str, Any]]:
        """Every run; a `running` one whose process is gone reads `interrupted`."""
        rows = self.db.execute(
            "SELECT run_id, created, updated, state, stop_reason FROM runs ORDER BY created"
        ).fetchall()
        return [self._as_seen(r) for r in rows]

    def run(self, run_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return self._as_seen(row) if row else None

    def manifest(self, run_id: str) -> RunManifest | None:
        row = self.run(run_id)
        if row is None:
            return None
        d = json.loads(row["manifest"])
        return RunManifest(d["run_id"], d["created"], d["config"], d["versions"], d["machine"])

    def extend_samples(self, run_id: str, samples: int) -> None:
        """A resumed run asked for `samples` per problem: its manifest's loop.samples becomes
        the larger of that and what it held (more samples extend a run; reports count the
        samples expected from it)."""
        with self.lock:
            row = self.db.execute(
                "SELECT manifest FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if row is None:
                return
            manifest = json.loads(row["manifest"])
            loop = manifest.setdefault("config", {}).setdefault("loop", {})
            if int(loop.get("samples", 1)) >= samples:
                return
            loop["samples"] = samples
            self.db.execute(
                "UPDATE runs SET manifest = ? WHERE run_id = ?", (dumps(manifest), run_id)
            )

    def add_problem(self, run_id: str, problem: Problem) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO problems VALUES (?, ?, ?, ?, ?, ?)",
            (
                run_id,
                problem.id,
                problem.function,
                str(problem.directory),
                content_hash(problem.reference_code),
                problem.reference_code,
            ),
        )

    def problems(self, run_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT problem_id, function, directory, reference_hash FROM problems "
            "WHERE run_id = ? ORDER BY problem_id",
            (run_id,),
        ).fetchall()
        return [dict(r) for r in rows]

    # ------------------------------------------------------------------ calls
    def put_call(
        self, run_id: str, episode: str, turn: int, request: LLMRequest, response: LLMResponse
    ) -> None:
        with self.lock:
            u = response.usage
            self.db.execute(
                "INSERT OR IGNORE INTO calls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id, episode, turn, request.cache_key(), dumps(request_to_dict(request)),
                    json.dumps(list(response.texts)), response.model, u.prompt_tokens,
                    u.completion_tokens, u.cost_usd, response.latency_s, int(response.cached), now(),
                ),
            )  # fmt: skip

    def get_call(self, run_id: str, episode: str, turn: int) -> LLMResponse | None:
        with self.lock:
            row = self.db.execute(
                "SELECT texts, model, prompt_tokens, completion_tokens, cost_usd, latency_s "
                "FROM calls WHERE run_id = ? AND episode = ? AND turn = ?",
                (run_id, episode, turn),
            ).fetchone()
            return response_from_row(*row) if row else None

    def calls(self, run_id: str, episode: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM calls WHERE run_id = ?"
        params: list[Any] = [run_id]
        if episode is not None:
            sql += " AND episode = ?"
            params.append(episode)
        rows = self.db.execute(sql + " ORDER BY episode, turn", params).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["request"] = json.loads(d["request"])
            d["texts"] = json.loads(d["texts"])
            out.append(d)
        return out

    def usage(self, run_id: str) -> Usage:
        row = self.db.execute(
            "SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), "
            "COALESCE(SUM(cost_usd), 0.0) FROM calls WHERE run_id = ?",
            (run_id,),
        ).fetchone()
        return Usage(int(row[0]), int(row[1]), float(row[2]))

    # ------------------------------------------------------------------ attempts
    def put_attempt(self, attempt: Attempt, verdict: Verdict, code: str | None) -> None:
        with self.lock:
            a = attempt
            with self.db:  # one transaction: the candidate and its attempt together
                self.db.execute("BEGIN")
                if code is not None and a.candidate_id is not None:
                    self.db.execute(
                        "INSERT OR IGNORE INTO candidates VALUES (?, ?, ?)",
                        (a.problem_id, a.candidate_id, code),
                    )
                self.db.execute(
                    "INSERT OR IGNORE INTO attempts VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        a.run_id, a.episode, a.turn, a.problem_id, a.sample, a.strategy, a.stage,
                        a.kind, a.action, int(a.self_check), a.candidate_id, a.parent_id,
                        a.status.value, a.speedup, a.message, dumps(verdict.to_dict()), now(),
                    ),
                )  # fmt: skip

    def get_attempt(self, run_id: str, episode: str, turn: int) -> tuple[Attempt, Verdict] | None:
        with self.lock:
            row = self.db.execute(
                "SELECT * FROM attempts WHERE run_id = ? AND episode = ? AND turn = ?",
                (run_id, episode, turn),
            ).fetchone()
            if row is None:
                return None
            return _attempt(row), verdict_from_dict(json.loads(row["verdict"]))

    def put_check(self, run_id: str, problem_id: str, candidate_id: str, verdict: Verdict) -> None:
        """A passed correctness check whose timing is pending (kept for a resume)."""
        with self.lock:
            self.db.execute(
                "INSERT OR IGNORE INTO checks VALUES (?, ?, ?, ?, ?)",
                (run_id, problem_id, candidate_id, dumps(verdict.to_dict()), now()),
            )

    def get_check(self, run_id: str, problem_id: str, candidate_id: str) -> Verdict | None:
        with self.lock:
            row = self.db.execute(
                "SELECT verdict FROM checks WHERE run_id = ? AND problem_id = ? "
                "AND candidate_id = ?",
                (run_id, problem_id, candidate_id),
            ).fetchone()
            return verdict_from_dict(json.loads(row["verdict"])) if row else None

    def attempts(
        self,
        run_id: str,
        problem_id: str | None = None,
        sample: int | None = None,
        *,
        kind: str | None = None,
    ) -> list[Attempt]:
        """Attempts of a run (optionally one problem / sample / kind), in turn order."""
        sql = "SELECT * FROM attempts WHERE run_id = ?"
        params: list[str | int] = [run_id]
        for col, val in (("problem_id", problem_id), ("sample", sample), ("kind", kind)):
            if val is not None:
                sql += f" AND {col} = ?"
                params.append(val)
        rows = self.db.execute(sql + " ORDER BY problem_id, sample, turn", params).fetchall()
        return [_attempt(r) for r in rows]

    def self_check_pairs(self, run_id: str) -> list[tuple[Attempt, Attempt]]:
        """(draft, revision) pairs: each self-check revision with the draft it reviewed.

        Comparing their statuses and speedups measures what self-checking changed.
        """
        out = []
        for revision in self.attempts(run_id, kind="self_check"):
            draft = self.get_attempt(run_id, revision.episode, revision.turn - 1)
            if draft is not None:
                out.append((draft[0], revision))
        return out

    def verdict(self, run_id: str, episode: str, turn: int) -> Verdict | None:
        got = self.get_attempt(run_id, episode, turn)
        return got[1] if got else None

    def candidate_code(self, problem_id: str, candidate_id: str) -> str | None:
        row = self.db.execute(
            "SELECT code FROM candidates WHERE problem_id = ? AND candidate_id = ?",
            (problem_id, candidate_id),
        ).fetchone()
        return row["code"] if row else None

    # ------------------------------------------------------------------ episodes, results
    def put_episode(self, e: Episode) -> None:
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    e.run_id, e.key, e.problem_id, e.sample, e.strategy, EpisodeStatus(e.state).value,
                    e.stop_reason,
                    e.best_candidate_id, e.best_speedup, e.attempts, now(),
                ),
            )  # fmt: skip

    def episodes(self, run_id: str) -> list[Episode]:
        rows = self.db.execute(
            "SELECT * FROM episodes WHERE run_id = ? ORDER BY problem_id, sample", (run_id,)
        ).fetchall()
        return [_episode(r) for r in rows]

    def put_result(
        self, run_id: str, problem_id: str, candidate_id: str | None, speedup: float | None,
        explanation: str,
    ) -> None:  # fmt: skip
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                (run_id, problem_id, candidate_id, speedup, explanation),
            )

    def results(self, run_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT * FROM results WHERE run_id = ? ORDER BY problem_id", (run_id,)
        ).fetchall()
        return [dict(r) for r in rows]

    def recorder(self, run_id: str) -> RunRecorder:
        return RunRecorder(self, run_id)


class RunRecorder:
    """The store bound to one run: what the agent loop writes through (agent.record)."""

    def __init__(self, store: RunStore, run_id: str):
        self.store, self.run_id = store, run_id

    def get_call(self, episode: str, turn: int) -> LLMResponse | None:
        return self.store.get_call(self.run_id, episode, turn)

    def put_call(self, episode: str, turn: int, request: LLMRequest, response: LLMResponse) -> None:
        self.store.put_call(self.run_id, episode, turn, request, response)

    def get_attempt(self, episode: str, turn: int) -> tuple[Attempt, Verdict] | None:
        return self.store.get_attempt(self.run_id, episode, turn)

    def put_attempt(self, attempt: Attempt, verdict: Verdict, code: str | None) -> None:
        self.store.put_attempt(attempt, verdict, code)

    def put_check(self, problem_id: str, candidate_id: str, verdict: Verdict) -> None:
        self.store.put_check(self.run_id, problem_id, candidate_id, verdict)

    def get_check(self, problem_id: str, candidate_id: str) -> Verdict | None:
        return self.store.get_check(self.run_id, problem_id, candidate_id)

    def put_episode(self, episode: Episode) -> None:
        self.store.put_episode(episode)

    def usage(self) -> Usage:
        return self.store.usage(self.run_id)

    def put_result(
        self, problem_id: str, candidate_id: str | None, speedup: float | None, explanation: str
    ) -> None:
        self.store.put_result(self.run_id, problem_id, candidate_id, speedup, explanation)
