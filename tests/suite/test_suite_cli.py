"""`parcodegen suite list|check` through the CLI, with real compilers and the real pipeline."""

from __future__ import annotations

import json

import pytest

from parcodegen.cli.main import main
from suite_toy import MY_CATEGORIES, REFERENCE, make_problem

# One fast problem per category (no timeout mutants): the default-run smoke check.
FAST_SUBSET = [
    "dense_la/matmul",
    "sparse_la/spmv",
    "fft/dft",
    "geometry/closest_pair",
    "graph/triangle_count",
    "histogram/histogram_2d",
]


def run_json(capsys, argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_suite_list_json_names_problems_categories_and_sizes(capsys):
    code, data = run_json(capsys, ["suite", "list", "--json"])
    assert code == 0
    by_id = {p["id"]: p for p in data["problems"]}
    assert data["count"] == len(by_id)
    assert {p["category"] for p in data["problems"]} >= set(MY_CATEGORIES)
    spmv = by_id["sparse_la/spmv"]
    assert spmv["test_sizes"][0] == 0 and spmv["bench_size"] > 1000
    assert [s["name"] for s in spmv["solutions"]][0] == "expert.cpp"


def test_suite_list_text_filters_by_category(capsys):
    assert main(["suite", "list", "--category", "fft"]) == 0
    out = capsys.readouterr().out
    assert "fft/fft_radix2" in out and "graph/" not in out
    assert "5 problems in 1 categories" in out


def test_suite_check_reports_a_wrong_declaration(capsys, tmp_path):
    bad = "// expect: race\nvoid scale(const std::vector<double>& x, std::vector<double>& y) { nope }\n"
    good = "// expect: compile_error\n" + bad.split("\n", 1)[1]
    calm = "// expect: race\n" + REFERENCE  # passes: what its verdict covered is printed
    make_problem(tmp_path, solutions={"expert.cpp": REFERENCE, "mutant_bad.cpp": bad,
                                      "mutant_ok.cpp": good, "mutant_calm.cpp": calm})  # fmt: skip
    code = main(["suite", "check", "--suite", str(tmp_path), "--no-timing", "--json"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 1
    s = report["summary"]
    assert (s["problems"], s["experts"], s["expert_pass"]) == (1, 1, 1)
    assert (s["mutants"], s["mutants_rejected"], s["mutants_wrong_status"]) == (3, 2, 2)
    assert s["geomean_expert_speedup"] is None  # no timing
    assert sorted(s["failures"]) == ["toy/scale/mutant_bad.cpp: got compile_error, expected race",
                                     "toy/scale/mutant_calm.cpp: got pass, expected race"]  # fmt: skip
    row = report["problems"][0]
    assert row["ok"] is False and row["expert"]["status"] == "pass"
    # a mutant that got another status: its verdict's message and coverage under the line
    progress = captured.err.splitlines()
    at = progress.index("FAIL toy/scale/mutant_calm.cpp: pass (expected race)")
    detail = progress[at + 1 : at + 6]
    assert any(line.strip().startswith("difftest:") for line in detail), detail
    assert any(line.strip().startswith("race:") for line in detail), detail


def test_suite_check_fast_subset_one_problem_per_category(capsys):
    argv = ["suite", "check", "--no-timing", "--jobs", "2", "--json"]
    for pid in FAST_SUBSET:
        argv += ["--problem", pid]
    code, report = run_json(capsys, argv)
    s = report["summary"]
    assert s["failures"] == []
    assert code == 0
    assert s["problems"] == len(FAST_SUBSET) and s["categories"] == len(FAST_SUBSET)
    assert s["expert_pass"] == s["experts"] == len(FAST_SUBSET)
    assert s["mutants"] >= 2 * len(FAST_SUBSET)
    assert s["mutants_rejected"] == s["mutants"] and s["mutants_wrong_status"] == 0
    statuses = {m["status"] for p in report["problems"] for m in p["mutants"]}
    assert {"race", "wrong_output"} <= statuses


@pytest.mark.slow
@pytest.mark.parametrize("category", MY_CATEGORIES)
def test_suite_check_full_category(capsys, category):
    """The full check of one category, mutants verified twice (minutes each)."""
    code, report = run_json(capsys, ["suite", "check", "--category", category, "--no-timing",
                                     "--jobs", "2", "--repeat", "2", "--json"])  # fmt: skip
    assert report["summary"]["failures"] == []
    assert code == 0
