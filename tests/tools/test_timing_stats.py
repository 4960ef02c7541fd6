"""The speedup interval: t quantiles against tables, pairing, robustness, coverage."""

from __future__ import annotations

import math
import random

import pytest

from parcodegen.tools.timing_stats import call_of, ratio_interval, relative_mad, t_quantile
from parcodegen.types import SpeedCall

# two-sided 95% critical values of Student's t (p = 0.975)
T_TABLE = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 7: 2.365, 10: 2.228, 30: 2.042}


@pytest.mark.parametrize("df,expected", sorted(T_TABLE.items()))
def test_t_quantiles_match_the_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=0.01 if df == 3 else 0.003)


def test_t_quantile_at_other_levels():
    assert t_quantile(0.995, 10) == pytest.approx(3.169, abs=0.005)
    assert t_quantile(0.95, 20) == pytest.approx(1.725, abs=0.003)


def test_exact_ratios_give_a_point_interval():
    iv = ratio_interval([2.0, 4.0, 6.0, 8.0, 10.0], [1.0, 2.0, 3.0, 4.0, 5.0])
    assert iv.estimate == pytest.approx(2.0) and iv.low == pytest.approx(2.0)
    assert iv.high == pytest.approx(2.0) and iv.half_width == pytest.approx(0.0)


def test_pairing_cancels_drift_that_hits_both_runs_of_a_pair():
    rng = random.Random(3)
    drift = [rng.uniform(1.0, 10.0) for _ in range(10)]  # the machine's speed changes a lot
    ref = [2.0 * d * rng.uniform(0.99, 1.01) for d in drift]
    cand = [d * rng.uniform(0.99, 1.01) for d in drift]
    iv = ratio_interval(ref, cand)
    assert iv.low > 1.95 and iv.high < 2.05  # unpaired means would say "anything from 0.5x"


def test_one_disturbed_pair_is_trimmed_away():
    rng = random.Random(5)
    ref = [1.5 * rng.uniform(0.98, 1.02) for _ in range(10)]
    cand = [1.0] * 10
    cand[4] = 5.0  # a burst of load during one candidate run
    iv = ratio_interval(ref, cand)
    assert iv.estimate == pytest.approx(1.5, rel=0.03) and iv.low < 1.5 < iv.high


def test_fewer_than_two_pairs_give_no_interval():
    assert ratio_interval([1.0], [1.0]) is None
    assert ratio_interval([], []) is None


def test_the_interval_covers_the_true_ratio_about_95_percent_of_the_time():
    rng = random.Random(11)
    hits = 0
    trials = 2000
    for _ in range(trials):
        ref = [1.5 * math.exp(rng.gauss(0, 0.05)) for _ in range(8)]
        cand = [math.exp(rng.gauss(0, 0.05)) for _ in range(8)]
        iv = ratio_interval(ref, cand)
        hits += iv.low <= 1.5 <= iv.high
    assert 0.91 <= hits / trials <= 0.985


def test_calls():
    assert call_of(1.02, 1.3, 0.05) is SpeedCall.FASTER
    assert call_of(0.5, 0.98, 0.05) is SpeedCall.SLOWER
    assert call_of(0.97, 1.04, 0.05) is SpeedCall.SAME
    assert call_of(0.9, 1.2, 0.05) is SpeedCall.INCONCLUSIVE


def test_relative_mad_ignores_one_spike():
    assert relative_mad([1.0, 1.0, 1.01, 0.99, 9.0]) == pytest.approx(0.01, abs=1e-9)
    assert relative_mad([]) == 0.0
