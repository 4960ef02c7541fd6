"""A code-aware hashed n-gram embedder that needs no model download.

Source is lexed into C/C++ tokens (comments and whitespace dropped). Features:
- identifiers split into camelCase / snake_case sub-words, lower-cased (`id:` ...),
- keywords and OpenMP pragma words (`kw:` ...), operators (`op:` ...),
- token n-grams (n = 2..N) over a shape stream in which identifiers become `ID` and
  numbers `NUM` (keywords and operators stay), catching loop/pragma structure,
- token n-grams over the lower-cased real tokens (names included).
Each feature is hashed (blake2b, signed) into `dim` buckets, counts are damped with
1 + log(tf), and the vector is L2-normalized. Same input -> same vector, on any machine.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter

import numpy as np

from parcodegen.memory.entry import strip_comments

KEYWORDS = frozenset(
    """
    alignas alignof auto bool break case catch char class const constexpr continue default
    delete do double else enum explicit extern false float for friend goto if inline int
    long mutable namespace new noexcept nullptr operator private protected public register
    return short signed sizeof static struct switch template this throw true try typedef
    typename union unsigned using virtual void volatile while size_t std vector
    pragma omp parallel simd reduction schedule static dynamic guided collapse private
    firstprivate lastprivate shared atomic critical barrier single master task taskwait
    taskloop nowait ordered num_threads if default none declare target teams distribute
    include define
    """.split()
)

_TOKEN = re.compile(
    r"""
    (?P<id>[A-Za-z_]\w*)
  | (?P<num>0[xX][0-9a-fA-F]+[uUlL]*|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[uUlLfF]*)
  | (?P<str>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
  | (?P<op>->\*|<<=|>>=|\.\.\.|::|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!~<>=]=?
        |[?:;,.()\[\]{}#])
    """,
    re.X,
)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def lex(code: str) -> list[tuple[str, str]]:
    """(kind, text) tokens of C/C++ source, comments removed. kind: id kw num str op."""
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(strip_comments(code)):
        kind = m.lastgroup or "op"
        text = m.group(0)
        if kind == "id" and text in KEYWORDS:
            kind = "kw"
        out.append((kind, text))
    return out


def split_identifier(name: str) -> list[str]:
    parts: list[str] = []
    for chunk in name.split("_"):
        parts.extend(p.lower() for p in _CAMEL.findall(chunk))
    return [p for p in parts if p]


def features(code: str, n: int = 3) -> Counter[str]:
    toks = lex(code)
    feats: Counter[str] = Counter()
    shape: list[str] = []
    real: list[str] = []
    for kind, text in toks:
        if kind == "id":
            for part in split_identifier(text):
                feats["id:" + part] += 1
            shape.append("ID")
            real.append(text.lower())
        elif kind == "kw":
            feats["kw:" + text] += 1
            shape.append(text)
            real.append(text)
        elif kind == "num":
            shape.append("NUM")
            real.append(text)
        elif kind == "str":
            shape.append("STR")
            real.append("STR")
        else:
            feats["op:" + text] += 1
            shape.append(text)
            real.append(text)
    for size in range(2, n + 1):
        for i in range(len(shape) - size + 1):
            feats[f"s{size}:" + " ".join(shape[i : i + size])] += 1
            feats[f"r{size}:" + " ".join(real[i : i + size])] += 1
    return feats


_BUCKETS: dict[tuple[str, int], tuple[int, float]] = {}


def _bucket(feature: str, dim: int) -> tuple[int, float]:
    key = (feature, dim)
    hit = _BUCKETS.get(key)
    if hit is None:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        hit = (value % dim, 1.0 if (value >> 63) & 1 else -1.0)
        if len(_BUCKETS) < 2_000_000:
            _BUCKETS[key] = hit
    return hit


class NgramEmbedder:
    """Hashed code n-grams -> L2-normalized float32 vectors of size `dim`."""

    name = "ngram"
    VERSION = 1

    def __init__(self, dim: int = 1024, n: int = 3):
        if dim < 16:
            raise ValueError("ngram embedder: dim must be >= 16")
        if not 1 <= n <= 6:
            raise ValueError("ngram embedder: n must be in 1..6")
        self.dim = int(dim)
        self.n = int(n)

    @property
    def params(self) -> dict[str, object]:
        return {"dim": self.dim, "n": self.n, "version": self.VERSION}

    def embed_one(self, code: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float64)
        for feat, tf in features(code, self.n).items():
            idx, sign = _bucket(feat, self.dim)
            vec[idx] += sign * (1.0 + math.log(tf))
        norm = float(np.linalg.norm(vec))
        if norm > 0:
            vec /= norm
        return vec.astype(np.float32)

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self.embed_one(text)
        return out
