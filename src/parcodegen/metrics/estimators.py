"""Unbiased estimators over N samples of one problem: small pure functions.

- `pass_at_k(n, c, k)`: probability that at least one of k samples drawn without
  replacement from the n is correct, 1 - C(n-c, k) / C(n, k) (the unbiased estimator of
  Chen et al.), computed as a product so it never overflows.
- `best_speedup_at_k(speedups, k)`: the expected maximum over k samples drawn without
  replacement, exactly, from order statistics: with the values sorted ascending
  s_1 <= ... <= s_n, the i-th smallest is the maximum of a k-subset in C(i-1, k-1) of the
  C(n, k) subsets, so E[max] = sum_i C(i-1, k-1) / C(n, k) * s_i.
- `average_speedup_at_k(speedups, k)`: the expected mean over the same k-subsets; by
  linearity every sample is in the same fraction k/n of the subsets, so it is the mean of
  all n (reported per K so the table reads the same way as best@K).

k > n has no k-subset: these functions return None ("not reported") rather than guess.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def pass_at_k(n: int, c: int, k: int) -> float | None:
    """1 - C(n-c, k)/C(n, k); None when k > n or n == 0."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got c={c} n={n}")
    if n == 0 or k > n:
        return None
    if n - c < k:
        return 1.0
    # C(n-c, k)/C(n, k) = prod_{i=n-c+1}^{n} (1 - k/i)
    miss = 1.0
    for i in range(n - c + 1, n + 1):
        miss *= 1.0 - k / i
    return 1.0 - miss


def _subset_weights(n: int, k: int) -> list[float]:
    """w_i = C(i-1, k-1)/C(n, k) for i = 1..n (ascending order statistics).

    Built by the ratio w_{i+1}/w_i = i/(i-k+1) starting from w_k = 1/C(n, k), in floats
    with logs for the start so large n does not overflow.
    """
    weights = [0.0] * n
    log_start = -(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1))
    w = math.exp(log_start)
    for i in range(k, n + 1):  # 1-based order statistic i
        if i > k:
            w *= (i - 1) / (i - k)
        weights[i - 1] = w
    return weights


def best_speedup_at_k(speedups: Sequence[float], k: int) -> float | None:
    """E[max of k samples drawn without replacement]; None when k > len(speedups)."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    n = len(speedups)
    if n == 0 or k > n:
        return None
    ordered = sorted(float(s) for s in speedups)
    if k == n:
        return ordered[-1]
    weights = _subset_weights(n, k)
    return math.fsum(w * s for w, s in zip(weights, ordered, strict=True))


def average_speedup_at_k(speedups: Sequence[float], k: int) -> float | None:
    """E[mean of k samples drawn without replacement] = mean of all; None when k > n."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    n = len(speedups)
    if n == 0 or k > n:
        return None
    return math.fsum(float(s) for s in speedups) / n


def efficiency(speedup: float | None, threads: int) -> float | None:
    """Parallel efficiency: speedup / threads (None when there is no speedup)."""
    if speedup is None:
        return None
    if threads <= 0:
        raise ValueError(f"threads must be positive, got {threads}")
    return speedup / threads


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def geometric_mean(values: Sequence[float]) -> float | None:
    """Geometric mean of positive values (the usual average of ratios); None if empty."""
    if not values:
        return None
    if any(v <= 0 for v in values):
        raise ValueError("geometric mean needs positive values")
    return math.exp(math.fsum(math.log(v) for v in values) / len(values))
