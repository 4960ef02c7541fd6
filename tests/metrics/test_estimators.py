"""Estimators against brute-force enumeration of every k-subset."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from parcodegen.metrics.estimators import (
    average_speedup_at_k,
    best_speedup_at_k,
    efficiency,
    geometric_mean,
    pass_at_k,
)


def brute_pass(n: int, c: int, k: int) -> float:
    labels = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(labels[i] for i in sub) for sub in subsets) / len(subsets)


def brute_best(values: list[float], k: int) -> float:
    subsets = list(itertools.combinations(values, k))
    return sum(max(sub) for sub in subsets) / len(subsets)


def brute_avg(values: list[float], k: int) -> float:
    subsets = list(itertools.combinations(values, k))
    return sum(sum(sub) / k for sub in subsets) / len(subsets)


@pytest.mark.parametrize("n", range(1, 10))
def test_pass_at_k_matches_enumeration(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_pass(n, c, k), abs=1e-12)


def test_pass_at_k_edges() -> None:
    assert pass_at_k(5, 0, 3) == 0.0
    assert pass_at_k(5, 5, 1) == 1.0
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert pass_at_k(3, 1, 4) is None  # k > n: not reported
    assert pass_at_k(0, 0, 1) is None
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 0)


def test_pass_at_k_large_n_is_finite() -> None:
    v = pass_at_k(2000, 7, 100)
    assert v is not None and 0.0 < v < 1.0
    # closed form via log-gamma
    log_ratio = (math.lgamma(1994) - math.lgamma(1894)) - (math.lgamma(2001) - math.lgamma(1901))
    assert v == pytest.approx(1 - math.exp(log_ratio), rel=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_best_and_average_speedup_match_enumeration(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 11)
    values = [round(rng.uniform(0.2, 8.0), 3) for _ in range(n)]
    if seed % 3 == 0 and n > 2:  # ties must not matter
        values[1] = values[0]
        values[2] = values[0]
    for k in range(1, n + 1):
        assert best_speedup_at_k(values, k) == pytest.approx(brute_best(values, k), rel=1e-12)
        assert average_speedup_at_k(values, k) == pytest.approx(brute_avg(values, k), rel=1e-12)


def test_best_speedup_known_values() -> None:
    # subsets of {1,2,4} of size 2: max 2, 4, 4 -> 10/3
    assert best_speedup_at_k([4.0, 1.0, 2.0], 2) == pytest.approx(10 / 3)
    assert best_speedup_at_k([4.0, 1.0, 2.0], 1) == pytest.approx(7 / 3)
    assert best_speedup_at_k([4.0, 1.0, 2.0], 3) == 4.0
    assert best_speedup_at_k([4.0, 1.0, 2.0], 4) is None
    assert best_speedup_at_k([], 1) is None
    # best@k is non-decreasing in k and bounded by the max
    vals = [0.5, 3.0, 1.2, 2.2, 0.9, 6.1]
    seq = [best_speedup_at_k(vals, k) for k in range(1, 7)]
    assert all(a <= b + 1e-12 for a, b in zip(seq, seq[1:], strict=False))
    assert seq[-1] == 6.1


def test_best_speedup_large_n_is_stable() -> None:
    rng = random.Random(7)
    vals = [rng.uniform(0.5, 4.0) for _ in range(500)]
    b = best_speedup_at_k(vals, 100)
    assert b is not None and max(vals) - 0.05 < b <= max(vals) + 1e-9
    # weights of the order statistics sum to one: constant input gives the constant
    assert best_speedup_at_k([2.5] * 500, 37) == pytest.approx(2.5, rel=1e-9)


def test_efficiency_and_geomean() -> None:
    assert efficiency(3.0, 2) == 1.5
    assert efficiency(None, 2) is None
    with pytest.raises(ValueError):
        efficiency(1.0, 0)
    assert geometric_mean([1.0, 4.0]) == pytest.approx(2.0)
    assert geometric_mean([]) is None
