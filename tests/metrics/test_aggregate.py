"""Per-problem and run-level aggregation: views, infra errors, K > n."""

from __future__ import annotations

import itertools

import pytest

from parcodegen.metrics.aggregate import Sample, by_category, problem_metrics, score
from parcodegen.types import Status

P, W, C, INFRA = Status.PASS, Status.WRONG_OUTPUT, Status.COMPILE_ERROR, Status.INFRA_ERROR


def samples_for(pid: str, spec: list[tuple[Status, float | None]], cat: str = "c") -> list[Sample]:
    return [
        Sample(pid, st, sp, category=cat, threads=2, index=i) for i, (st, sp) in enumerate(spec)
    ]


def test_user_view_counts_failures_as_original() -> None:
    s = samples_for("a", [(P, 3.0), (W, None), (C, None), (P, 0.5)])
    pm = problem_metrics(s, [1, 2, 4, 5])
    assert (pm.n, pm.built, pm.correct) == (4, 3, 2)
    # user view draws from [3.0, 1, 1, 0.5]
    user = [3.0, 1.0, 1.0, 0.5]
    subsets = list(itertools.combinations(user, 2))
    assert pm.at_k["best_speedup_user"][2] == pytest.approx(
        sum(max(x) for x in subsets) / len(subsets)
    )
    assert pm.at_k["avg_speedup_user"][1] == pytest.approx(sum(user) / 4)
    # correct view draws from [3.0, 0.5]; K=4 > c=2: not reported
    assert pm.at_k["best_speedup_correct"][1] == pytest.approx(1.75)
    assert pm.at_k["best_speedup_correct"][2] == pytest.approx(3.0)
    assert pm.at_k["best_speedup_correct"][4] is None
    assert pm.at_k["best_speedup_user"][5] is None  # K > n
    assert pm.at_k["pass"][1] == pytest.approx(0.5)
    assert pm.at_k["build"][1] == pytest.approx(0.75)
    assert pm.at_k["best_efficiency_user"][4] == pytest.approx(1.5)


def test_infra_errors_are_left_out_of_n() -> None:
    s = samples_for("a", [(P, 2.0), (INFRA, None), (W, None)])
    pm = problem_metrics(s, [1, 2])
    assert pm.n == 2 and pm.infra_errors == 1
    assert pm.at_k["pass"][1] == pytest.approx(0.5)
    assert pm.statuses == {"pass": 1, "infra_error": 1, "wrong_output": 1}


def test_missing_timing_means_no_speedup() -> None:
    pm = problem_metrics(samples_for("a", [(P, None), (W, None)]), [1])
    assert pm.at_k["pass"][1] == pytest.approx(0.5)
    assert pm.at_k["best_speedup_user"][1] is None


def test_run_summary_averages_over_reporting_problems() -> None:
    s = samples_for("a", [(P, 4.0), (P, 2.0)], cat="x") + samples_for(
        "b", [(W, None), (P, 1.0)], cat="y"
    )
    per, summ = score(s, [1, 2])
    assert [pm.problem_id for pm in per] == ["a", "b"]
    assert summ.problems == 2 and summ.samples == 4
    assert summ.statuses == {"pass": 3, "wrong_output": 1}
    assert summ.at_k["pass"][1] == (pytest.approx(0.75), 2)
    # best user @2: a -> 4, b -> 1 ; mean 2.5, geomean 2
    assert summ.at_k["best_speedup_user"][2] == (pytest.approx(2.5), 2)
    assert summ.geomean["best_speedup_user"][2] == pytest.approx(2.0)
    # correct @2: only a has 2 correct samples
    assert summ.at_k["best_speedup_correct"][2] == (pytest.approx(4.0), 1)
    cats = by_category(per, [1])
    assert set(cats) == {"x", "y"}
    assert cats["y"].at_k["pass"][1] == (pytest.approx(0.5), 1)


def test_parallel_pass_at_k_counts_only_correct_parallel_samples() -> None:
    s = [
        Sample("a", P, 2.0, parallel=True),
        Sample("a", P, 1.1, parallel=False),  # a serial rewrite: correct, not parallel
        Sample("a", W, None, parallel=True),  # parallel but wrong
        Sample("a", Status.UNCHECKED, None, parallel=True),  # race not checked: not a pass
    ]
    pm = problem_metrics(s, [1, 2])
    assert pm.at_k["pass"][1] == pytest.approx(2 / 4)
    assert pm.at_k["pass_parallel"][1] == pytest.approx(1 / 4)
    # brute force over 2-subsets: at least one correct-and-parallel sample
    subsets = list(itertools.combinations(range(4), 2))
    hit = sum(any(i == 0 for i in sub) for sub in subsets) / len(subsets)
    assert pm.at_k["pass_parallel"][2] == pytest.approx(hit)
