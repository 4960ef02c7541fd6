"""The knowledge base: SQLite pairs + a FAISS index on disk, and retrieval with self-match.

A KB is a directory holding `kb.sqlite` (entries, vectors, the embedder stamp) and
`index.faiss` (+ `index.faiss.json`). The embedder is fixed when the KB is created; a
KB opened with another embedder raises `IndexVersionError`.

    kb = KnowledgeBase.open(path)                 # creates it (ngram embedder) if missing
    kb.add(entries)                               # incremental, idempotent on entry id
    kb.retrieve(query_code, k=2, self_match=True) # -> list[KBEntry]

`self_match=True` (the default) filters out the query itself: an entry whose slow code
normalizes (comments/whitespace dropped) to the query's, or is nearly identical to it
(the same tokens up to renamed identifiers, cosine >= `near_cosine`, or text
similarity >= `near_ratio`). Whatever the flag, no two
returned entries share the same normalized slow code.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from parcodegen.memory.embed_ngram import lex
from parcodegen.memory.embedders import Embedder, embedder_from_stamp, make_embedder, stamp_of
from parcodegen.memory.entry import KBEntry, code_key, normalize_code
from parcodegen.memory.index import (
    DEFAULT_APPROX_THRESHOLD,
    IndexVersionError,
    VectorIndex,
    check_stamp,
)
from parcodegen.memory.pairs_db import PairsDB

DB_FILE = "kb.sqlite"
INDEX_FILE = "index.faiss"


def default_kb_path() -> Path:
    """Where the default KB lives: $PARCODEGEN_KB, else <user cache>/parcodegen/kb."""
    env = os.environ.get("PARCODEGEN_KB")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "parcodegen" / "kb"


def _shape(code: str) -> tuple[str, ...]:
    """Token stream with every identifier replaced by ID (literals and keywords kept)."""
    return tuple("ID" if kind == "id" else text for kind, text in lex(code))


class KnowledgeBase:
    def __init__(self, path: Path, db: PairsDB, embedder: Embedder, index: VectorIndex):
        self.path = path
        self.db = db
        self.embedder = embedder
        self.index = index
        self.near_cosine = 0.97
        self.near_ratio = 0.95
        self.check_cosine = 0.5  # textual near-copy checks only above this cosine

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        embedder: str | Embedder | None = None,
        *,
        approx_threshold: int = DEFAULT_APPROX_THRESHOLD,
        **embedder_options: Any,
    ) -> KnowledgeBase:
        """Open (or create) the KB at `path` (default: `default_kb_path()`, seeded on first
        use). `embedder` (name or instance) is only needed to create a KB; given for an
        existing KB it must match the one the KB was built with."""
        if path is None:
            from parcodegen.memory.seed_kb import ensure_default_kb

            return ensure_default_kb(embedder=embedder, **embedder_options)
        path = Path(path).expanduser()
        path.mkdir(parents=True, exist_ok=True)
        db = PairsDB(path / DB_FILE)
        stored = db.get_meta("embedder_stamp")
        if isinstance(embedder, str) or embedder is None:
            name = embedder or (stored or {}).get("embedder", "ngram")
            if stored is not None and stored["embedder"] != name:
                db.close()
                check_stamp(stored, {"embedder": name}, f"knowledge base {path}")
            embedder = (
                embedder_from_stamp(stored, **embedder_options)
                if stored
                else make_embedder(name, **embedder_options)
            )
        stamp = stamp_of(embedder)
        if stored is None:
            db.set_meta("embedder_stamp", stamp)
            db.conn.commit()
        else:
            try:
                check_stamp(stored, stamp, f"knowledge base {path}")
            except IndexVersionError:
                db.close()
                raise
        index_path = path / INDEX_FILE
        index: VectorIndex | None = None
        if index_path.exists():
            try:
                index = VectorIndex.load(index_path, stamp)  # raises on a stamp mismatch
            except IndexVersionError:
                db.close()
                raise
            if index.ntotal != db.count():
                index = None  # stale (interrupted write): rebuild from SQLite
        kb = cls(path, db, embedder, index or VectorIndex(stamp, approx_threshold))
        if index is None:
            kb.reindex()
        return kb

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def reindex(self, kind: str | None = None) -> None:
        """Rebuild the FAISS index from the stored vectors (kind: exact, approx, or by size)."""
        ids, mat = self.db.all_vectors(self.index.dim)
        self.index.rebuild(ids, mat, kind)
        self.index.save(self.path / INDEX_FILE)

    def add(self, entries: Iterable[KBEntry]) -> tuple[list[KBEntry], list[KBEntry]]:
        """Add entries whose id is new; returns (added, already_present)."""
        fresh: list[KBEntry] = []
        present: list[KBEntry] = []
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen or self.db.has_id(entry.id):
                present.append(entry)
            else:
                seen.add(entry.id)
                fresh.append(entry)
        if not fresh:
            return fresh, present
        vectors = self.embedder.embed([e.slow_code for e in fresh])
        grow = self.index.needs_rebuild(len(fresh))
        rowids = self.db.insert(fresh, vectors)
        if grow:
            self.reindex()
        else:
            self.index.add(np.array(rowids, dtype=np.int64), vectors)
            self.index.save(self.path / INDEX_FILE)
        return fresh, present

    def replace(self, entries: Iterable[KBEntry]) -> list[KBEntry]:
        """Add entries, overwriting any stored entry with the same id (e.g. re-measured)."""
        entries = list(entries)
        self.db.delete_ids(e.id for e in entries)
        self.reindex()
        added, _ = self.add(entries)
        return added

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return self.db.count()

    def entries(self) -> list[KBEntry]:
        return list(self.db.iter_entries())

    def _is_self(
        self, query: tuple[str, str, tuple[str, ...]], entry: KBEntry, key: str, score: float
    ) -> bool:
        query_norm, query_key, query_shape = query
        if key == query_key or score >= self.near_cosine:
            return True
        if score < self.check_cosine:
            return False  # too different for the (costlier) textual checks below
        if query_shape and _shape(entry.slow_code) == query_shape:
            return True  # the same code with identifiers renamed
        other = normalize_code(entry.slow_code)
        matcher = difflib.SequenceMatcher(None, query_norm, other, autojunk=False)
        return (
            matcher.real_quick_ratio() >= self.near_ratio
            and matcher.quick_ratio() >= self.near_ratio
            and matcher.ratio() >= self.near_ratio
        )

    def retrieve(
        self,
        query_code: str,
        k: int = 2,
        self_match: bool = True,
        *,
        exclude_families: Iterable[str] = (),
    ) -> list[KBEntry]:
        """The k entries whose slow code is most similar to `query_code`, best first."""
        total = self.index.ntotal
        if k <= 0 or total == 0:
            return []
        excluded = set(exclude_families)
        query = (normalize_code(query_code), code_key(query_code), _shape(query_code))
        qvec = self.embedder.embed([query_code])
        want = min(total, 4 * k + 16)
        while True:
            scores, ids = self.index.search(qvec, want)
            rows = self.db.get_many(i for i in ids[0] if i >= 0)
            picked: list[KBEntry] = []
            keys: set[str] = set()
            for score, rowid in zip(scores[0], ids[0], strict=True):
                got = rows.get(int(rowid))
                if got is None or got[0].family in excluded:
                    continue
                entry, key = got
                if key in keys:
                    continue
                if self_match and self._is_self(query, entry, key, float(score)):
                    continue
                keys.add(key)
                picked.append(entry)
                if len(picked) == k:
                    return picked
            if want >= total:
                return picked
            want = min(total, want * 4)

    def stats(self) -> dict[str, Any]:
        out = self.db.stats()
        out["embedder"] = stamp_of(self.embedder)
        out["index"] = {"kind": self.index.kind, "vectors": self.index.ntotal}
        out["path"] = str(self.path)
        return out
