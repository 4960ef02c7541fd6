"""FAISS index (exact vs approximate, save/load, stamp) and the KnowledgeBase API."""

from __future__ import annotations

import numpy as np
import pytest

from parcodegen.memory.entry import KBEntry
from parcodegen.memory.index import IndexVersionError, VectorIndex
from parcodegen.memory.kb import KnowledgeBase, default_kb_path

STAMP = {"embedder": "test", "dim": 32, "params": {}}


def _unit_rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # clustered data so the IVF partition is meaningful
    centers = rng.normal(size=(20, dim))
    mat = centers[rng.integers(0, 20, n)] + 0.3 * rng.normal(size=(n, dim))
    return (mat / np.linalg.norm(mat, axis=1, keepdims=True)).astype(np.float32)


def test_exact_and_approx_agree_and_survive_save_load(tmp_path):
    data = _unit_rows(3000)
    ids = np.arange(100, 3100, dtype=np.int64)
    queries = data[:50] + 0.01
    exact = VectorIndex(STAMP)
    exact.rebuild(ids, data, "exact")
    approx = VectorIndex(STAMP, nprobe=8)
    approx.rebuild(ids, data, "approx")
    assert exact.kind == "exact" and approx.kind == "approx"
    _, e_ids = exact.search(queries, 5)
    _, a_ids = approx.search(queries, 5)
    assert (e_ids[:, 0] == ids[:50]).all()  # each query's nearest is its own row
    recall = np.mean([len(set(e) & set(a)) / 5 for e, a in zip(e_ids, a_ids, strict=True)])
    assert recall >= 0.8
    for index, name in ((exact, "exact.faiss"), (approx, "approx.faiss")):
        index.save(tmp_path / name)
        loaded = VectorIndex.load(tmp_path / name, STAMP)
        assert loaded.kind == index.kind and loaded.ntotal == 3000
        assert np.array_equal(loaded.search(queries, 5)[1], index.search(queries, 5)[1])


def test_size_threshold_picks_the_kind():
    idx = VectorIndex(STAMP, approx_threshold=500)
    idx.rebuild(np.arange(100), _unit_rows(100))
    assert idx.kind == "exact"
    assert idx.needs_rebuild(400) and not idx.needs_rebuild(399)
    idx.rebuild(np.arange(600), _unit_rows(600))
    assert idx.kind == "approx"


def test_load_with_another_stamp_fails(tmp_path):
    idx = VectorIndex(STAMP)
    idx.rebuild(np.arange(10), _unit_rows(10))
    idx.save(tmp_path / "i.faiss")
    other = dict(STAMP, params={"n": 4})
    with pytest.raises(IndexVersionError, match="was built with embedder"):
        VectorIndex.load(tmp_path / "i.faiss", other)


# ---------------------------------------------------------------- knowledge base
LOOP = "void scale{k}(double* a, long n) {{\n  for (long i = 0; i < n; ++i) a[i] *= {k}.0;\n}}\n"
SUM = (
    "double total(const std::vector<double>& v) {\n  double s = 0;\n"
    "  for (std::size_t i = 0; i < v.size(); ++i) s += v[i];\n  return s;\n}\n"
)
HIST = "void hist(const int* x, long n, long* h) {\n  for (long i = 0; i < n; ++i) h[x[i]]++;\n}\n"
SORTS = (
    "#include <algorithm>\nvoid sort_all(std::vector<int>& v) {\n"
    "  std::sort(v.begin(), v.end());\n}\n"
)


def _entry(family, slow, fast="/* fast */", speed=2.0, source="seed"):
    return KBEntry.make(
        family=family, slow_code=slow, fast_code=fast, raw_speedup=speed, source=source
    )


def test_add_is_incremental_and_persistent(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb")
    added, present = kb.add([_entry("sum", SUM), _entry("hist", HIST)])
    assert len(added) == 2 and not present
    added, present = kb.add([_entry("sum", SUM), _entry("sort", SORTS)])
    assert [e.family for e in added] == ["sort"] and [e.family for e in present] == ["sum"]
    kb.close()
    kb = KnowledgeBase.open(tmp_path / "kb")
    assert len(kb) == 3 and kb.index.ntotal == 3
    hit = kb.retrieve(SUM.replace("total", "sum_all").replace("v", "w"), k=1, self_match=False)[0]
    assert hit.family == "sum" and hit.speedup == 2.0 and hit.fast_code == "/* fast */"
    kb.close()


def test_self_match_drops_the_query_and_near_copies(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb")
    kb.add([_entry("sum", SUM), _entry("hist", HIST), _entry("sort", SORTS)])
    query = "// my version\n" + SUM.replace("  ", "    ")
    with_self = kb.retrieve(query, k=3, self_match=False)
    assert with_self[0].family == "sum"
    without = kb.retrieve(query, k=3, self_match=True)
    assert "sum" not in [e.family for e in without] and len(without) == 2
    # a near-identical copy (one renamed variable) is also filtered
    near = SUM.replace("double s = 0", "double acc = 0").replace("s +=", "acc +=")
    near = near.replace("return s", "return acc")
    assert "sum" not in [e.family for e in kb.retrieve(near, k=3)]
    assert kb.retrieve(near, k=3, self_match=False)[0].family == "sum"
    kb.close()


def test_never_two_results_with_the_same_slow_code(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb")
    kb.add(
        [
            _entry("sum-a", SUM, "fast a", 2.0),
            _entry("sum-b", "/*x*/" + SUM, "fast b", 3.0),
            _entry("hist", HIST),
        ]
    )
    got = kb.retrieve(SUM, k=3, self_match=False)
    assert len(got) == 2 and {got[0].family, got[1].family} & {"hist"}
    kb.close()


def test_exclude_families_and_k(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb")
    kb.add([_entry(f"s{k}", LOOP.format(k=k * 37)) for k in range(1, 4)] + [_entry("hist", HIST)])
    assert kb.retrieve(HIST, k=0) == []
    got = kb.retrieve(HIST, k=4, self_match=False, exclude_families=["hist"])
    assert "hist" not in [e.family for e in got]
    kb.close()


def test_opening_with_another_embedder_fails(tmp_path):
    KnowledgeBase.open(tmp_path / "kb", "ngram", dim=256).close()
    with pytest.raises(IndexVersionError, match="was built with embedder"):
        KnowledgeBase.open(tmp_path / "kb", "ngram", dim=512)
    with pytest.raises(IndexVersionError):
        KnowledgeBase.open(tmp_path / "kb", "openai")
    kb = KnowledgeBase.open(tmp_path / "kb")  # no embedder: the stored one is rebuilt
    assert kb.embedder.dim == 256
    kb.close()


def test_kb_switches_to_approximate_index_past_threshold(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb", approx_threshold=40)
    kb.add([_entry(f"f{k}", LOOP.format(k=k) + f"// {k}\nint g{k}();") for k in range(30)])
    assert kb.index.kind == "exact"
    kb.add([_entry(f"h{k}", HIST.replace("hist", f"hist{k}")) for k in range(20)])
    assert kb.index.kind == "approx" and kb.index.ntotal == 50
    kb.close()
    kb = KnowledgeBase.open(tmp_path / "kb")
    assert kb.index.kind == "approx" and len(kb.retrieve(HIST, k=2, self_match=False)) == 2
    kb.close()


def test_stale_index_is_rebuilt_from_sqlite(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb")
    kb.add([_entry("sum", SUM)])
    kb.close()
    (tmp_path / "kb" / "index.faiss").unlink()
    kb = KnowledgeBase.open(tmp_path / "kb")
    assert kb.index.ntotal == 1 and kb.retrieve(HIST, k=1)[0].family == "sum"
    kb.close()


def test_replace_updates_a_measurement(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb")
    kb.add([_entry("sum", SUM, speed=2.0)])
    kb.replace([_entry("sum", SUM, speed=3.0)])
    assert len(kb) == 1 and kb.entries()[0].raw_speedup == 3.0
    kb.close()


def test_default_path_honours_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PARCODEGEN_KB", str(tmp_path / "x"))
    assert default_kb_path() == tmp_path / "x"
    monkeypatch.delenv("PARCODEGEN_KB")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert default_kb_path() == tmp_path / "c" / "parcodegen" / "kb"
