"""Statistics of paired timings: the speedup's confidence interval and what it says.

Each repetition times the reference and the candidate on the same input, back to back,
so the natural sample is the paired log ratio d = log(reference / candidate): machine
drift that hits both runs of a pair cancels. The speedup is exp of the 20%-trimmed mean
of d (a burst of load that spoils one pair is trimmed away), and its interval is Yuen's
trimmed-mean t interval (winsorized variance, h - 1 degrees of freedom for h kept
values), exponentiated. Pure functions, no numpy or scipy: tested against known values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from parcodegen.types import SpeedCall

TRIM = 0.2


def t_quantile(p: float, df: int) -> float:
    """Quantile `p` of Student's t with `df` degrees of freedom.

    Exact for df 1 and 2; a four-term Cornish-Fisher expansion above (error < 0.005 at
    df = 3 for p = 0.975, shrinking fast with df)."""
    if df < 1:
        raise ValueError("t quantile needs at least one degree of freedom")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    v = float(df)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4


@dataclass(frozen=True)
class RatioInterval:
    estimate: float  # speedup = exp(trimmed mean of the log ratios)
    low: float
    high: float
    half_width: float  # relative: exp(t * se) - 1
    pairs: int


def trimmed_count(n: int, trim: float = TRIM) -> int:
    """Values trimmed at each end: floor(trim * n), at least one each end from 5 values."""
    g = int(trim * n)
    return max(g, 1) if n >= 5 else g


def ratio_interval(
    reference: list[float], candidate: list[float], confidence: float = 0.95, trim: float = TRIM
) -> RatioInterval | None:
    """The speedup's interval from paired times; None with fewer than 2 usable pairs."""
    d = sorted(
        math.log(r / c) for r, c in zip(reference, candidate, strict=True) if r > 0 and c > 0
    )
    n = len(d)
    if n < 2:
        return None
    g = trimmed_count(n, trim)
    h = n - 2 * g
    kept = d[g : n - g]
    mean = sum(kept) / h
    wins = [d[g]] * g + kept + [d[n - g - 1]] * g
    wmean = sum(wins) / n
    sw2 = sum((x - wmean) ** 2 for x in wins) / (n - 1)
    se = math.sqrt((n - 1) * sw2 / (h * (h - 1))) if h > 1 else math.inf
    t = t_quantile(0.5 + confidence / 2, max(1, h - 1))
    half = t * se
    if not math.isfinite(half):
        return RatioInterval(math.exp(mean), 0.0, math.inf, math.inf, n)
    return RatioInterval(
        math.exp(mean), math.exp(mean - half), math.exp(mean + half), math.exp(half) - 1, n
    )


def relative_mad(xs: list[float]) -> float:
    """Median absolute deviation / median: the run-to-run variation, robust to one spike."""
    if not xs:
        return 0.0
    med = _median(xs)
    if med <= 0:
        return 0.0
    return _median([abs(x - med) for x in xs]) / med


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    k = len(s) // 2
    return s[k] if len(s) % 2 else (s[k - 1] + s[k]) / 2


def call_of(low: float, high: float, target: float) -> SpeedCall:
    """faster / slower when the interval excludes 1; same when inside 1 +- target."""
    if low > 1.0:
        return SpeedCall.FASTER
    if high < 1.0:
        return SpeedCall.SLOWER
    if low >= 1.0 / (1.0 + target) and high <= 1.0 + target:
        return SpeedCall.SAME
    return SpeedCall.INCONCLUSIVE
