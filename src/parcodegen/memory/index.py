"""A FAISS inner-product index over L2-normalized vectors (so scores are cosines).

Exact (`IndexFlatIP`) below `approx_threshold` vectors, approximate (`IndexIVFFlat`,
inner product, trained on the vectors at hand) from there on. Ids are the caller's
int64 ids. `save(path)` writes `<path>` (FAISS) and `<path>.json` (the version stamp,
kind and count); `load(path, stamp)` refuses an index built under another stamp.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from parcodegen.errors import ConfigError

DEFAULT_APPROX_THRESHOLD = 20_000


class IndexVersionError(ConfigError):
    """The index (or KB) was built with another embedder / dimension / parameters."""


def check_stamp(found: dict[str, Any], wanted: dict[str, Any], where: str) -> None:
    if found != wanted:
        raise IndexVersionError(
            f"{where} was built with embedder {json.dumps(found, sort_keys=True)} but is being "
            f"queried with {json.dumps(wanted, sort_keys=True)}; rebuild it "
            "(`parcodegen kb reindex`) or open it with the embedder it was built with"
        )


class VectorIndex:
    def __init__(
        self,
        stamp: dict[str, Any],
        approx_threshold: int = DEFAULT_APPROX_THRESHOLD,
        nprobe: int = 16,
    ):
        self.stamp = dict(stamp)
        self.dim = int(stamp["dim"])
        self.approx_threshold = int(approx_threshold)
        self.nprobe = int(nprobe)
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        self.kind = "exact"

    # ------------------------------------------------------------------ building
    @staticmethod
    def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
        mat = np.ascontiguousarray(vectors, dtype=np.float32)
        if mat.ndim != 2 or mat.shape[1] != dim:
            raise ValueError(f"vectors must have shape (n, {dim}), got {mat.shape}")
        return mat

    def _make_ivf(self, train: np.ndarray) -> Any:
        # sqrt(n) lists, each trained on >= 39 points (FAISS's own minimum advice)
        nlist = max(1, min(int(math.sqrt(len(train))), len(train) // 39))
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = train
        if len(train) > 64 * nlist:
            rng = np.random.default_rng(0)
            sample = train[rng.choice(len(train), 64 * nlist, replace=False)]
        ivf.train(sample)
        ivf.nprobe = min(self.nprobe, nlist)
        return ivf

    def rebuild(self, ids: np.ndarray, vectors: np.ndarray, kind: str | None = None) -> None:
        """Replace the contents; kind None picks exact/approx by size."""
        mat = self._as_matrix(vectors, self.dim)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        kind = kind or ("approx" if len(mat) >= self.approx_threshold else "exact")
        if kind == "approx" and len(mat) == 0:
            kind = "exact"  # nothing to train on yet
        if kind == "approx":
            self._index = self._make_ivf(mat)
        elif kind == "exact":
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        else:
            raise ValueError(f"index kind must be exact or approx, not {kind!r}")
        self.kind = kind
        if len(mat):
            self._index.add_with_ids(mat, ids)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Incremental add. Crossing the threshold switches to approx (needs all vectors,
        so the caller passes them through `rebuild`; see `needs_rebuild`)."""
        mat = self._as_matrix(vectors, self.dim)
        if len(mat):
            self._index.add_with_ids(mat, np.ascontiguousarray(ids, dtype=np.int64))

    def needs_rebuild(self, extra: int) -> bool:
        return self.kind == "exact" and self.ntotal + extra >= self.approx_threshold

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    # ------------------------------------------------------------------ querying
    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each (n_queries, k); missing slots have id -1."""
        mat = self._as_matrix(queries, self.dim)
        if self.ntotal == 0 or k <= 0:
            n = len(mat)
            return np.zeros((n, max(k, 0)), np.float32), -np.ones((n, max(k, 0)), np.int64)
        return self._index.search(mat, int(k))

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self._index, str(tmp))
        tmp.replace(path)
        meta = {
            "stamp": self.stamp,
            "kind": self.kind,
            "ntotal": self.ntotal,
            "approx_threshold": self.approx_threshold,
            "nprobe": self.nprobe,
        }
        meta_path = path.with_name(path.name + ".json")
        meta_tmp = meta_path.with_name(meta_path.name + ".tmp")
        meta_tmp.write_text(json.dumps(meta, indent=1, sort_keys=True))
        meta_tmp.replace(meta_path)

    @classmethod
    def load(cls, path: str | Path, stamp: dict[str, Any]) -> VectorIndex:
        path = Path(path)
        meta_path = path.with_name(path.name + ".json")
        if not path.exists() or not meta_path.exists():
            raise FileNotFoundError(f"no index at {path}")
        meta = json.loads(meta_path.read_text())
        check_stamp(meta.get("stamp", {}), stamp, f"index {path}")
        self = cls(
            stamp, meta.get("approx_threshold", DEFAULT_APPROX_THRESHOLD), meta.get("nprobe", 16)
        )
        self._index = faiss.read_index(str(path))
        if self._index.d != self.dim:
            raise IndexVersionError(f"index {path} has dim {self._index.d}, stamp says {self.dim}")
        self.kind = meta.get("kind", "exact")
        if self.kind == "approx":
            ivf = faiss.extract_index_ivf(self._index)
            ivf.nprobe = min(self.nprobe, ivf.nlist)
        return self
