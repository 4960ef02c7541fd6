"""SQLite storage of knowledge-base entries and their embedding vectors.

Tables: `meta` (key/value; holds the embedder stamp and the schema version), `entries`
(one row per KBEntry, unique on id), `vectors` (float32 blob per entry rowid). SQLite is
the source of truth: the FAISS index can always be rebuilt from `vectors`.

Schema 2 added `entries.machine`: the JSON machine profile the entry was measured on
('' when unknown). A schema-1 file is migrated when opened: the column is added and
filled, for entries that name their hardware, with what that line says (CPU model and
usable cores, e.g. 'AMD EPYC 7B13 (2 cores), 2 threads') and the compiler; the rest of
such a profile stays unknown (empty), never guessed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from parcodegen.memory.entry import KBEntry, code_key
from parcodegen.types import MachineProfile

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  family TEXT NOT NULL,
  slow_code TEXT NOT NULL,
  fast_code TEXT NOT NULL,
  raw_speedup REAL NOT NULL,
  speedup REAL NOT NULL,
  source TEXT NOT NULL,
  hardware TEXT NOT NULL DEFAULT '',
  compiler TEXT NOT NULL DEFAULT '',
  verified INTEGER NOT NULL DEFAULT 0,
  slow_tokens INTEGER NOT NULL DEFAULT 0,
  fast_tokens INTEGER NOT NULL DEFAULT 0,
  code_key TEXT NOT NULL,
  added_at TEXT NOT NULL DEFAULT (datetime('now')),
  machine TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS entries_code_key ON entries(code_key);
CREATE TABLE IF NOT EXISTS vectors (rowid INTEGER PRIMARY KEY, vec BLOB NOT NULL);
"""

_FIELDS = (
    "id",
    "family",
    "slow_code",
    "fast_code",
    "raw_speedup",
    "speedup",
    "source",
    "hardware",
    "compiler",
    "verified",
    "slow_tokens",
    "fast_tokens",
    "machine",
)
_HARDWARE = re.compile(r"^(?P<cpu>.*?)(?: \((?P<cores>\d+) cores?\))?(?:, \d+ threads?)?$")


def profile_from_label(hardware: str, compiler: str) -> MachineProfile | None:
    """What a schema-1 entry's one-line hardware and compiler say, as a (partial) profile."""
    if not hardware.strip():
        return None
    m = _HARDWARE.match(hardware.strip())
    cpu = m.group("cpu") if m else hardware.strip()
    cores = int(m.group("cores")) if m and m.group("cores") else 0
    return MachineProfile(cpu_model=cpu, usable_cpus=cores, compiler=compiler)


def _machine_text(machine: MachineProfile | None) -> str:
    return json.dumps(machine.to_dict(), sort_keys=True) if machine is not None else ""


class PairsDB:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = sqlite3.connect(str(self.path))
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(_SCHEMA)
        self._migrate()
        if self.get_meta("schema_version") != SCHEMA_VERSION:
            self.set_meta("schema_version", SCHEMA_VERSION)
            self.conn.commit()

    def _migrate(self) -> None:
        """Schema 1 -> 2: the machine column, filled from each entry's hardware line."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(entries)")}
        if "machine" in columns:
            return
        with self.conn:
            self.conn.execute("ALTER TABLE entries ADD COLUMN machine TEXT NOT NULL DEFAULT ''")
            rows = self.conn.execute("SELECT rowid, hardware, compiler FROM entries").fetchall()
            for rowid, hardware, compiler in rows:
                text = _machine_text(profile_from_label(hardware or "", compiler or ""))
                if text:
                    self.conn.execute("UPDATE entries SET machine=? WHERE rowid=?", (text, rowid))

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------------ meta
    def get_meta(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            (key, json.dumps(value, sort_keys=True)),
        )

    # ------------------------------------------------------------------ entries
    def has_id(self, entry_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM entries WHERE id=?", (entry_id,)).fetchone()
            is not None
        )

    def insert(self, entries: Iterable[KBEntry], vectors: np.ndarray) -> list[int]:
        """Insert entries (ids assumed new) with their vectors; returns their rowids."""
        rowids: list[int] = []
        with self.conn:
            for entry, vec in zip(entries, vectors, strict=True):
                cur = self.conn.execute(
                    f"INSERT INTO entries({', '.join(_FIELDS)}, code_key) "
                    f"VALUES ({', '.join('?' * (len(_FIELDS) + 1))})",
                    (*[self._column(entry, f) for f in _FIELDS], code_key(entry.slow_code)),
                )
                assert cur.lastrowid is not None  # an INSERT always sets it
                rowid = int(cur.lastrowid)
                self.conn.execute(
                    "INSERT INTO vectors(rowid, vec) VALUES (?, ?)",
                    (rowid, np.asarray(vec, np.float32).tobytes()),
                )
                rowids.append(rowid)
        return rowids

    @staticmethod
    def _column(entry: KBEntry, name: str) -> Any:
        return _machine_text(entry.machine) if name == "machine" else getattr(entry, name)

    def _row_to_entry(self, row: tuple) -> KBEntry:
        values = dict(zip(_FIELDS, row, strict=True))
        values["verified"] = bool(values["verified"])
        text = values.pop("machine") or ""
        try:
            machine = MachineProfile.from_dict(json.loads(text)) if text else None
        except (ValueError, TypeError):  # an unreadable profile is an unknown one
            machine = None
        return KBEntry(**values, machine=machine)

    def get_many(self, rowids: Iterable[int]) -> dict[int, tuple[KBEntry, str]]:
        """rowid -> (entry, code_key of its slow code) for the rowids that exist."""
        ids = [int(r) for r in rowids]
        out: dict[int, tuple[KBEntry, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.conn.execute(
                f"SELECT rowid, code_key, {', '.join(_FIELDS)} FROM entries "
                f"WHERE rowid IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for row in rows:
                out[int(row[0])] = (self._row_to_entry(row[2:]), row[1])
        return out

    def iter_entries(self) -> Iterator[KBEntry]:
        for row in self.conn.execute(f"SELECT {', '.join(_FIELDS)} FROM entries ORDER BY rowid"):
            yield self._row_to_entry(row)

    def all_vectors(self, dim: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self.conn.execute("SELECT rowid, vec FROM vectors ORDER BY rowid").fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        mat = np.zeros((len(rows), dim), dtype=np.float32)
        for i, (_, blob) in enumerate(rows):
            mat[i] = np.frombuffer(blob, dtype=np.float32)
        return ids, mat

    def replace_vectors(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM vectors")
            self.conn.executemany(
                "INSERT INTO vectors(rowid, vec) VALUES (?, ?)",
                (
                    (int(i), np.asarray(v, np.float32).tobytes())
                    for i, v in zip(ids, vectors, strict=True)
                ),
            )

    def delete_ids(self, entry_ids: Iterable[str]) -> int:
        ids = list(entry_ids)
        with self.conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                self.conn.execute(
                    "DELETE FROM vectors WHERE rowid IN "
                    f"(SELECT rowid FROM entries WHERE id IN ({marks}))",
                    chunk,
                )
                self.conn.execute(f"DELETE FROM entries WHERE id IN ({marks})", chunk)
        return len(ids)

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def stats(self) -> dict[str, Any]:
        by_source = dict(
            self.conn.execute(
                "SELECT source, COUNT(*) FROM entries GROUP BY source ORDER BY source"
            ).fetchall()
        )
        verified = self.conn.execute("SELECT COUNT(*) FROM entries WHERE verified=1").fetchone()[0]
        agg = self.conn.execute(
            "SELECT AVG(speedup), AVG(raw_speedup), MAX(raw_speedup), COUNT(DISTINCT family) "
            "FROM entries"
        ).fetchone()
        return {
            "entries": self.count(),
            "by_source": by_source,
            "verified": int(verified),
            "families": int(agg[3] or 0),
            "mean_speedup": round(agg[0], 3) if agg[0] is not None else None,
            "mean_raw_speedup": round(agg[1], 3) if agg[1] is not None else None,
            "max_raw_speedup": round(agg[2], 3) if agg[2] is not None else None,
        }
