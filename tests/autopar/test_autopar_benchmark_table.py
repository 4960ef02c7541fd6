"""benchmarks/autopar_vs_gcc.py's table: intervals per entry, columns not run, and the
README block it writes between its markers (no timing here: rows are built by hand)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "autopar_vs_gcc.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("autopar_vs_gcc", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Args:
    reps, max_variants, threads, threshold = 3, 3, 2, 1.10


def rows(bench):
    best = {"label": "tile-band", "speedup": 1.92, "interval": [1.5, 2.4]}
    autopar = {"best": best, "proposed": 3, "variants": [{"label": "tile-band", "speedup": 1.92}],
               "unsound": [], "rounding": []}  # fmt: skip
    return [
        {"id": "dense/matmul_kij", "load": 1.2, "autopar": autopar,
         "gcc": bench.SKIPPED, "polly": {"status": "pass", "speedup": 2.0, "interval": [1.8, 2.2]},
         "hand": {"status": "pass", "speedup": 1.6, "interval": [1.5, 1.7]}},
    ]  # fmt: skip


def test_entries_carry_their_interval_and_skipped_columns_say_not_run(bench):
    out = bench.table(rows(bench), 1.10)
    assert (
        "| 1.92x [1.50, 2.40] (tile-band) | not run | 2.00x [1.80, 2.20] | 1.60x [1.50, 1.70]"
        in out
    )
    assert out.splitlines()[-1].split("|")[3].strip() == "not run"  # gcc geomean
    summary = bench.summary(rows(bench), [1.2], Args, 60.0)
    assert "autopar / hand geomean: 1.20" in summary and "gcc geomean" not in summary


def test_readme_block_is_written_between_the_markers_only(bench, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{bench.START}\nold table\n{bench.END}\nrest\n")
    block = bench.readme_block(rows(bench), [1.2, 1.4], Args, 600.0, "2026-12-03 21:00")
    bench.write_readme(readme, block)
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("\nrest\n") and "old table" not in text
    assert "1-minute load 1.2-1.4" in text and "| dense/matmul_kij |" in text
    unmarked = tmp_path / "other.md"
    unmarked.write_text("no markers\n")
    with pytest.raises(SystemExit):
        bench.write_readme(unmarked, block)
    assert unmarked.read_text() == "no markers\n"


def _build_with(bench, pid: str, flags: tuple[str, ...]):
    from parcodegen.problems.suite import load_suite
    from parcodegen.tools.build import build_problem
    from parcodegen.tools.compile import GCC_FLAGS, compile_object, link_binary

    category, name = pid.split("/")
    (sp,) = load_suite(str(SCRIPT.parents[0] / "loopnests"), category=category, problem=[name])
    build = build_problem(sp.problem)
    obj = compile_object(sp.problem.reference_code, headers=build.headers, flags=GCC_FLAGS + flags,
                         source_name=sp.problem.source_file)  # fmt: skip
    assert obj.ok, obj.message
    linked = link_binary([build.harness_obj, obj.path], flags=("-fopenmp", *flags))
    assert linked.ok, linked.message
    return build, linked.path


def test_a_wrong_gcc_build_is_told_apart_from_rounding(bench):
    # GCC 12's -ftree-parallelize-loops=2 parallelizes matmul_kij's k loop, which carries
    # C: lost updates that differ run to run (by hand: constant inputs whose sums are
    # exact, 75.0, came out 65.75-70.75)
    build, binary = _build_with(bench, "dense/matmul_kij", ("-ftree-parallelize-loops=2",))
    why = bench.wrong_kind(build, binary, 2)
    assert why.startswith("wrong code"), why
    # a build that only reorders floating-point sums (-ffast-math) is rounding, not wrong code
    build, binary = _build_with(bench, "dense/matvec_rows", ("-ffast-math",))
    why = bench.wrong_kind(build, binary, 2)
    assert why.startswith("rounding"), why
    row = {**rows(bench)[0], "gcc": {"status": "wrong_output", "speedup": None, "why": why}}
    assert "| wrong_output (rounding) |" in bench.table([row], 1.10)
