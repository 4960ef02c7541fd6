"""The kernels in examples/kernels: plain C and C++ functions as people write them (dense
linear algebra incl. triangular, matvec both orientations, 1-D/2-D/3-D stencils,
covariance, dynamic programming, complex, structs, std::array, std::vector<bool>).

Every one derives with no edit (extents inferred, the reference clean under ASan+UBSan at
every test size) and `optimize` runs on it end to end with the default backend; the
end-to-end runs are slow-marked except a handful."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.problems.check import check_problem
from parcodegen.problems.derive import derive_problem

KERNELS = Path(__file__).resolve().parents[2] / "examples" / "kernels"
FILES = sorted(p for p in KERNELS.iterdir() if p.suffix in (".c", ".cpp"))
QUICK = {"jacobi1d.c", "matvec_rows.cpp", "threshold_mask.cpp"}
DERIVE_QUICK = QUICK | {"matmul.cpp", "gemm.c", "heat3d.cpp", "gravity.cpp"}
# extents the derivation must find (the rest are checked by the sanitizers only)
EXPECTED = {
    "matmul.cpp": {"A": "n*n", "B": "n*n", "C": "n*n"},
    "matvec_rows.cpp": {"A": "m*n", "x": "m", "y": "n"},
    "matvec_cols.cpp": {"A": "m*n", "x": "n", "y": "m"},
    "lower_solve.cpp": {"L": "n*n"},
    "heat3d.cpp": {"u": "n*n*n", "v": "n*n*n"},
    "covariance.cpp": {"data": "m*n", "cov": "m*m"},
    "gemm.c": {"C": "ni*nj", "A": "ni*nk", "B": "nj*nk"},
    "heat2d.c": {"A": "n*n", "B": "n*n"},
    "concat_scale.cpp": {"out": "na + nb"},
    "conv2d.cpp": {"img": "h*w", "kernel": "9"},
    "rotate_points.cpp": {"pts": "3*n"},
}


def test_the_set_is_large_enough():
    assert len(FILES) >= 24 and sum(p.suffix == ".c" for p in FILES) >= 6


def _derive_and_check(path: Path, tmp_path: Path) -> None:
    derived = derive_problem(path, path.stem, tmp_path)
    problem = derived.problem
    assert problem.language == ("c" if path.suffix == ".c" else "c++")
    sizes = {a.name: a.size for a in problem.args if a.size is not None}
    for name, size in EXPECTED.get(path.name, {}).items():
        assert sizes[name] == size, derived.toml
    assert check_problem(problem).ok  # cached: the derivation ran it already
    assert max(problem.test_sizes) < problem.bench_size


@pytest.mark.parametrize("path", [p for p in FILES if p.name in DERIVE_QUICK], ids=lambda p: p.name)
def test_kernel_derives_with_no_edit_and_passes_problem_check(path, tmp_path):
    _derive_and_check(path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", [p for p in FILES if p.name not in DERIVE_QUICK], ids=lambda p: p.name
)
def test_every_kernel_derives_with_no_edit_and_passes_problem_check(path, tmp_path):
    _derive_and_check(path, tmp_path)


def _optimize(path: Path, tmp_path: Path) -> None:
    out = tmp_path / f"out{path.suffix}"
    code = main(["optimize", str(path), "--function", path.stem, "--run-dir", str(tmp_path / "runs"),
                 "-o", str(out), "--max-iters", "2", "--threads", "2"])  # fmt: skip
    assert code in (0, 1)  # 0: faster version found; 1: the original kept, with the reason
    assert out.is_file() and path.stem in out.read_text()


@pytest.mark.parametrize("path", [p for p in FILES if p.name in QUICK], ids=lambda p: p.name)
def test_optimize_end_to_end_quick(path, tmp_path):
    _optimize(path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in FILES if p.name not in QUICK], ids=lambda p: p.name)
def test_optimize_end_to_end(path, tmp_path):
    _optimize(path, tmp_path)
