"""Knowledge-base retrieval speed: build throughput, query latency, approximate recall.

For each size (default 1k, 10k, 100k synthetic slow/fast pairs) it builds one KB in a
temporary directory with the `ngram` embedder (embedding + SQLite + FAISS), then for the
exact (IndexFlatIP) and approximate (IndexIVFFlat) index of the same vectors measures:
  build/s   entries per second to build that index from the stored vectors,
  p50/p99   full `kb.retrieve(code, k=2)` latency (embed + search + fetch + self-match),
  recall@10 of the approximate index against the exact one (1.0 for exact).
Everything is printed as one table measured in this run. Run:

    .venv/bin/python benchmarks/kb_retrieval.py [--sizes 1000,10000,100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from parcodegen.memory.entry import KBEntry
from parcodegen.memory.kb import KnowledgeBase

TEMPLATES = [
    "void {f}(const std::vector<double>& {a}, std::vector<double>& {b}) {{\n"
    "  for (std::size_t i = 0; i < {a}.size(); ++i) {b}[i] = {a}[i] * {c} + {d};\n}}\n",
    "double {f}(const double* {a}, long n) {{\n  double s = 0;\n"
    "  for (long i = 0; i < n; ++i) s += {a}[i] * {a}[i] - {c};\n  return s;\n}}\n",
    "void {f}(const int* {a}, long n, long* {b}) {{\n"
    "  for (long i = 0; i < n; ++i) {b}[{a}[i] % {k}]++;\n}}\n",
    "void {f}(const float* {a}, float* {b}, int n) {{\n  for (int r = 1; r < n - 1; ++r)\n"
    "    for (int c = 1; c < n - 1; ++c)\n"
    "      {b}[r * n + c] = {c} * ({a}[r * n + c - 1] + {a}[r * n + c + 1]);\n}}\n",
    "long {f}(const std::vector<int>& {a}) {{\n  long best = 0;\n"
    "  for (std::size_t i = 0; i < {a}.size(); ++i)\n"
    "    for (std::size_t j = i + 1; j < {a}.size(); ++j)\n"
    "      if ({a}[i] + {a}[j] == {k}) ++best;\n  return best;\n}}\n",
]
WORDS = [
    "data",
    "values",
    "grid",
    "row",
    "col",
    "weights",
    "signal",
    "image",
    "count",
    "acc",
    "src",
    "dst",
    "input",
    "output",
    "table",
    "bins",
    "matrix",
    "vec",
    "temp",
    "buffer",
]


def synthetic_code(rng: random.Random) -> str:
    pick = lambda: rng.choice(WORDS) + rng.choice(["", "_v", "2", "Buf", "_in"])  # noqa: E731
    return rng.choice(TEMPLATES).format(
        f=f"{pick()}_{rng.randrange(10**6)}",
        a=pick(),
        b=pick() + "_out",
        c=f"{rng.uniform(0.1, 9):.3f}",
        d=f"{rng.uniform(-1, 1):.2f}",
        k=rng.randrange(2, 999),
    )


def make_entries(n: int, seed: int = 0) -> list[KBEntry]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        slow = synthetic_code(rng)
        out.append(
            KBEntry.make(
                family=f"syn{i}",
                slow_code=slow,
                fast_code="// fast\n" + slow,
                raw_speedup=rng.uniform(1.1, 20),
                source="synth",
            )
        )
    return out


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bench_size(n: int, queries: int, workdir: Path) -> list[dict]:
    entries = make_entries(n)
    kb = KnowledgeBase.open(workdir / f"kb{n}", approx_threshold=10**12)  # stay exact
    t0 = time.perf_counter()
    for start in range(0, n, 5000):
        kb.add(entries[start : start + 5000])
    add_s = time.perf_counter() - t0
    ids, mat = kb.db.all_vectors(kb.index.dim)
    qrng = random.Random(1)
    qcodes = [synthetic_code(qrng) for _ in range(queries)]
    qvecs = kb.embedder.embed(qcodes)
    for code in qcodes:  # warm caches (feature hashes, SQLite pages) before any timing
        kb.retrieve(code, k=2)
    rows = []
    exact_ids = None
    for kind in ("exact", "approx"):
        t0 = time.perf_counter()
        kb.index.rebuild(ids, mat, kind)
        build_s = time.perf_counter() - t0
        _, found = kb.index.search(qvecs, 10)
        if kind == "exact":
            exact_ids = found
            recall = 1.0
        else:
            recall = float(
                np.mean([len(set(e) & set(a)) / 10 for e, a in zip(exact_ids, found, strict=True)])
            )
        lat = []
        for code in qcodes:
            t = time.perf_counter()
            kb.retrieve(code, k=2)
            lat.append(time.perf_counter() - t)
        rows.append(
            {
                "n": n,
                "kind": kind,
                "add_per_s": n / add_s,
                "build_per_s": n / build_s,
                "p50_ms": 1000 * statistics.median(lat),
                "p99_ms": 1000 * percentile(lat, 0.99),
                "recall": recall,
            }
        )
    kb.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'entries':>8} {'index':>7} {'add/s':>9} {'build/s':>11} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'recall@10':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for r in bench_size(n, args.queries, Path(tmp)):
                print(
                    f"{r['n']:>8} {r['kind']:>7} {r['add_per_s']:>9.0f} "
                    f"{r['build_per_s']:>11.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
                    f"{r['recall']:>9.3f}",
                    flush=True,
                )
    print(
        "add/s: embed + SQLite + exact index per entry (ngram, dim 1024); build/s: FAISS "
        "index from stored vectors; p50/p99: full retrieve(k=2) incl. query embedding"
    )


if __name__ == "__main__":
    main()
