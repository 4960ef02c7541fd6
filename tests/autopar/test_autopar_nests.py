"""autopar on loop nests: the exact dependence test, the transformations (interchange,
array reductions, tiling, collapse, schedules) and the cost model's choices.

Each case names what a wrong analysis would do: parallelize a loop whose iterations
share an element, or propose a variant that cannot pay off."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from autopar_cases import HEAD

from parcodegen.autopar import optimize_source


def plan(code: str, name: str):
    return optimize_source(HEAD + code, name)


def pragma_before(code: str, header_start: str) -> str:
    lines = code.splitlines()
    for k, line in enumerate(lines):
        if line.strip().startswith(header_start) and k and "#pragma omp" in lines[k - 1]:
            return lines[k - 1].strip()
    return ""


def decision(result, line_text: str) -> str:
    return next(n.decision for n in result.loops if n.header.startswith(line_text))


# --------------------------------------------------------------------------- dependences

HEAT = """
void heat(const double* __restrict__ A, double* __restrict__ B, int n) {
  for (int i = 1; i < n - 1; ++i)
    for (int j = 1; j < n - 1; ++j)
      for (int k = 1; k < n - 1; ++k) {
        const int c = (i * n + j) * n + k;
        B[c] = A[c + n * n] + A[c - n * n] + A[c + n] + A[c - n] + A[c + 1] + A[c - 1];
      }
}"""


def test_flattened_3d_stencil_is_parallel_at_every_level_and_collapsible():
    result = plan(HEAT, "heat")
    assert decision(result, "for (int i = 1").startswith("parallel for")
    assert "collapse(3)" in dict(result.variants)["collapse"]


IN_PLACE_3D = (
    HEAT.replace("B[c] =", "A[c] =")
    .replace("double* __restrict__ B, ", "")
    .replace("const double* __restrict__ A", "double* __restrict__ A")
)


def test_in_place_flattened_stencil_is_refused_at_every_level():
    result = plan(IN_PLACE_3D.replace("heat(", "inplace("), "inplace")
    assert not result.variants
    assert "nothing is safe to parallelize" in result.report
    for var in "ijk":
        assert f"different iterations of '{var}'" in result.report


def test_a_column_index_that_runs_past_the_row_is_not_split_into_dimensions():
    # j <= n reaches a[i*n + n] == a[(i+1)*n + 0]: row i+1's first element
    code = """
void spill(double* __restrict__ a, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= n; ++j) a[i * n + j] = i + j;
}"""
    result = plan(code, "spill")
    assert decision(result, "for (int i").startswith("not parallelized")
    ok = plan(code.replace("j <= n", "j < n"), "spill")
    assert decision(ok, "for (int i").startswith("parallel for")


def test_triangle_written_twice_symmetrically_is_parallel():
    code = """
void sym(const double* __restrict__ d, double* __restrict__ c, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j) {
      double s = 0.0;
      for (int k = 0; k < n; ++k) s += d[k * n + i] * d[k * n + j];
      c[i * n + j] = s;
      c[j * n + i] = s;
    }
}"""
    result = plan(code, "sym")
    assert pragma_before(dict(result.variants)["outer"], "for (int i").startswith(
        "#pragma omp parallel for schedule(dynamic)"
    )
    # the mirrored write from j < i reaches a row another iteration owns
    bad = plan(code.replace("int j = i;", "int j = 0;"), "sym")
    assert decision(bad, "for (int i").startswith("not parallelized")


@pytest.mark.parametrize(
    "body, carried",
    [
        ("d[i * n + j] = d[i * n + k] + d[k * n + j];", "ij"),  # Floyd-Warshall step
        ("a[i * n + j] = a[(i - 1) * n + j] + a[i * n + j - 1];", "ij"),  # wavefront DP
        ("a[i * n + j] = a[(i - 1) * n + j] + 1.0;", "i"),  # column recurrence
        ("a[i * n + j] = a[i * n + j - 1] + 1.0;", "j"),  # row recurrence
    ],
)
def test_loop_carried_kernels_refuse_exactly_the_carrying_loops(body, carried):
    code = f"""
void dp(double* __restrict__ a, double* __restrict__ d, int n, int k) {{
  for (int i = 1; i < n; ++i)
    for (int j = 1; j < n; ++j) {body}
}}"""
    result = plan(code, "dp")
    for var in "ij":
        got = decision(result, f"for (int {var}")
        parallel = got.startswith("parallel for") or "also safe in parallel" in got
        assert parallel == (var not in carried), (var, got)


# --------------------------------------------------------------------------- transformations


COLSUM = """
void colsum(const double* __restrict__ a, double* __restrict__ s, int n, int m) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) s[j] += a[i * m + j];
}"""


def test_column_sums_get_an_array_section_reduction_and_an_interchange():
    result = plan(COLSUM, "colsum")
    labels = [label for label, _ in result.variants]
    # the swapped nest walks a column of `a` innermost: proposed, but ranked last
    assert labels[0] == "outer" and labels[-1] == "interchange-strided", labels
    outer = dict(result.variants)["outer"]
    assert "reduction(+:s[(0):((-1 + m) - (0) + 1)])" in outer
    assert "} else {" in outer  # an empty section runs the serial loop
    swapped = dict(result.variants)["interchange-strided"]
    assert pragma_before(swapped, "for (int j = 0; j < m; ++j)").startswith(
        "#pragma omp parallel for"
    )
    assert "inner" not in labels  # a region per row, linear work: hopeless


def test_an_array_also_read_is_not_an_array_reduction():
    code = COLSUM.replace("s[j] += a[i * m + j];", "{ s[j] += a[i * m + j]; a2[j] = s[j]; }")
    code = code.replace("int n, int m", "double* __restrict__ a2, int n, int m")
    result = plan(code, "colsum")
    assert "reduction(+:s[" not in result.report
    assert decision(result, "for (int i").startswith("not parallelized")


def test_vector_array_reduction_uses_a_pointer_and_survives_an_empty_vector():
    code = """
void colsum_v(const std::vector<double>& a, std::vector<double>& s, int n, int m) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) s[j] += a[i * m + j];
}"""
    result = plan(code, "colsum_v")
    outer = dict(result.variants)["outer"]
    assert "reduction(+:ap_s[:ap_s_n])" in outer and "ap_s[j] +=" in outer
    if shutil.which("g++") is None:
        pytest.skip("needs g++")
    main = """
#include <cstdio>
int main() {
  for (int n : {0, 3, 50}) {
    int m = n ? 7 : 0;
    std::vector<double> a(n * m), s(m, 1.0);
    for (int k = 0; k < n * m; ++k) a[k] = k % 5;
    colsum_v(a, s, n, m);
    double t = 0; for (double v : s) t += v;
    std::printf("%d %.1f\\n", n, t);
  }
}
"""
    out = _build_and_run(outer + main)
    expect = [f"{n} {(7 if n else 0) + sum(k % 5 for k in range(n * (7 if n else 0))):.1f}"
              for n in (0, 3, 50)]  # fmt: skip
    assert out.split("\n") == expect


def _build_and_run(code: str) -> str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "t.cpp"
        src.write_text(code)
        subprocess.run(
            ["g++", "-std=c++17", "-O1", "-fopenmp", str(src), "-o", str(Path(d) / "t")],
            check=True,
            capture_output=True,
        )
        env = {"OMP_NUM_THREADS": "2", "PATH": "/usr/bin:/bin"}
        res = subprocess.run(
            [str(Path(d) / "t")], check=False, capture_output=True, text=True, env=env
        )
        assert res.returncode == 0, res.stderr
        return res.stdout.strip()


def test_interchange_brings_the_parallel_column_loop_outward():
    code = """
void trmm(const double* __restrict__ A, double* __restrict__ B, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = B[i * n + j];
      for (int k = i + 1; k < n; ++k) s += A[k * n + i] * B[k * n + j];
      B[i * n + j] = s;
    }
}"""
    result = plan(code, "trmm")
    assert decision(result, "for (int i").startswith("not parallelized")
    labels = [label for label, _ in result.variants]
    # one region (j outside) ranks before a region per row (j parallel inside i)
    assert labels[0] == "interchange" and "outer" in labels
    swapped = dict(result.variants)["interchange"]
    assert pragma_before(swapped, "for (int j = 0; j < n; ++j)").startswith(
        "#pragma omp parallel for"
    )
    # a dependence with distance (1, -1) makes the swap illegal: nothing proposed
    skew = code.replace("B[k * n + j]", "B[(i + 1) * n + j - 1]").replace(
        "for (int k = i + 1; k < n; ++k)", "if (i + 1 < n && j > 0)"
    )
    assert not plan(skew, "trmm").variants


def test_tiling_of_a_transpose_and_not_of_a_carried_pair():
    code = """
void tr(const double* __restrict__ A, double* __restrict__ B, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) B[j * n + i] = A[i * n + j];
}"""
    result = plan(code, "tr")
    tiled = dict(result.variants)["tile"]
    assert "i_tile += 32" in tiled and "j_tile += 32" in tiled
    assert pragma_before(tiled, "for (int i_tile").startswith("#pragma omp parallel for")
    rows = """
void rows(double* __restrict__ a, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 1; j < n; ++j) a[i * n + j] += a[i * n + j - 1];
}"""
    assert "tile" not in dict(plan(rows, "rows").variants)  # j carries: not tileable


# --------------------------------------------------------------------------- cost model


def test_no_region_inside_a_loop_when_the_outer_loop_is_parallel():
    code = """
void mm(const double* __restrict__ A, const double* __restrict__ B, double* __restrict__ C,
        int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0.0;
      for (int k = 0; k < n; ++k) s += A[i * n + k] * B[k * n + j];
      C[i * n + j] = s;
    }
}"""
    result = plan(code, "mm")
    assert "inner" not in dict(result.variants)
    assert "inner: the loop at line" in result.report


def test_small_constant_outer_loop_keeps_the_inner_and_collapse_variants():
    code = """
void planes(const double* __restrict__ x, double* __restrict__ y, int np) {
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < np; ++p) y[c * np + p] = 2.0 * x[c * np + p];
}"""
    labels = [label for label, _ in plan(code, "planes").variants]
    assert labels[:2] == ["outer", "collapse"] and "inner" in labels  # before tiling 3 planes


def test_back_substitution_inner_reduction_is_predicted_hopeless():
    code = """
void backsub(const double* __restrict__ U, const double* __restrict__ b,
             double* __restrict__ x, int n) {
  for (int i = n - 1; i >= 0; --i) {
    double s = b[i];
    for (int j = i + 1; j < n; ++j) s -= U[i * n + j] * x[j];
    x[i] = s;
  }
}"""
    result = plan(code, "backsub")
    assert not result.variants
    assert "nothing is worth parallelizing" in result.report
    assert "one parallel region per iteration of the serial loop" in result.report


def test_time_loop_with_parallel_sweeps_is_not_hopeless():
    code = """
void jac(double* __restrict__ a, double* __restrict__ b, int n, int steps) {
  for (int t = 0; t < steps; ++t) {
    for (int i = 1; i < n - 1; ++i) b[i] = a[i - 1] + a[i + 1];
    for (int i = 1; i < n - 1; ++i) a[i] = b[i];
  }
}"""
    result = plan(code, "jac")
    assert dict(result.variants)["outer"].count("#pragma omp parallel for") == 2


def test_triangular_loops_get_dynamic_then_guided():
    code = """
void trmv(const double* __restrict__ L, const double* __restrict__ x, double* __restrict__ y,
          int n) {
  for (int i = 0; i < n; ++i) {
    double s = 0.0;
    for (int j = 0; j <= i; ++j) s += L[i * n + j] * x[j];
    y[i] = s;
  }
}"""
    v = dict(plan(code, "trmv").variants)
    assert "schedule(dynamic)" in pragma_before(v["outer"], "for (int i")
    assert "schedule(guided)" in pragma_before(v["schedule"], "for (int i")


def test_no_simd_pragma_carries_an_array_section_reduction():
    # q[i] += ... over j is an array reduction for the j loop; GCC's simd with an array
    # section gives wrong sums, so the simd variant must not use one
    code = """
void bicg(const double* __restrict__ A, const double* __restrict__ r,
          const double* __restrict__ p, double* __restrict__ s, double* __restrict__ q, int n) {
  for (int i = 0; i < n; ++i) {
    q[i] = 0.0;
    for (int j = 0; j < n; ++j) {
      s[j] += r[i] * A[i * n + j];
      q[i] += A[i * n + j] * p[j];
    }
  }
}"""
    for _, v in plan(code, "bicg").variants:
        for line in v.splitlines():
            assert not ("omp simd" in line and "reduction(+:q[" in line), line


def test_a_triangular_row_inside_two_serial_loops_is_hopeless():
    code = """
void tri(double* __restrict__ g, const double* __restrict__ a, int n) {
  for (int k = 0; k < n; ++k) {
    double* row = g;
    for (int i = 0; i < n; ++i) {
      row[i] = a[k];
      for (int j = 0; j <= i; ++j) g[i * n + j] += a[k * n + i] * a[k * n + j];
    }
  }
}"""
    result = plan(code, "tri")
    assert "each with work linear in an enclosing loop's variable" in result.report


def test_no_collapse_over_a_loop_that_needs_its_own_array_reduction():
    # k carries C (every k adds into C[i][j]): collapsing i and k with i's clauses races
    code = """
void mm(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
        std::size_t dim) {
  for (std::size_t i = 0; i < dim; ++i) {
    for (std::size_t k = 0; k < dim; ++k) {
      const double a = A[i * dim + k];
      for (std::size_t j = 0; j < dim; ++j) C[i * dim + j] += a * B[k * dim + j];
    }
  }
}"""
    result = plan(code, "mm")
    assert all("collapse(" not in v for _, v in result.variants)


BANDS = Path(__file__).resolve().parents[1] / "fixtures" / "autopar_bands"


def _band_problem(name: str):
    from parcodegen.problems.load import load_problem

    return load_problem(BANDS / name)


def test_a_band_is_reordered_parallel_outside_and_stride_1_inside():
    """j-k-i matrix product: k carries C; i-k-j puts a parallel loop outside and the
    stride-1 loop (C and B rows) inside; a column walk becomes a row walk."""
    mm = _band_problem("mm_jki")
    result = optimize_source(mm.reference_code, mm.function)
    labels = [label for label, _ in result.variants]
    assert labels[0] == "permute" and "tile-band" in labels
    code = dict(result.variants)["permute"]
    assert re.findall(r"for \(int (\w+) =", code) == ["i", "k", "j"], code
    assert pragma_before(code, "for (int i = 0").startswith("#pragma omp parallel for")
    tiled = dict(result.variants)["tile-band"]
    heads = re.findall(r"for \(int (\w+) =", tiled)
    assert heads == ["i_tile", "k_tile", "j_tile", "i", "k", "j"], heads
    assert pragma_before(tiled, "for (int i_tile") == "#pragma omp parallel for schedule(static)"
    col = _band_problem("colscale")
    code = dict(optimize_source(col.reference_code, col.function).variants)["permute"]
    assert code.index("for (int i = 0") < code.index("for (int j = 0")


def test_no_reordering_of_a_band_with_a_negative_distance_or_a_last_value():
    """(1, -1) distances: interchanging or tiling would read values not yet written; a
    value read after the band must come from the same last iteration."""
    for name in ("skew_sweep", "band_last"):
        p = _band_problem(name)
        result = optimize_source(p.reference_code, p.function)
        labels = [label for label, _ in result.variants]
        assert "permute" not in labels and "tile-band" not in labels, (name, labels)
        assert "tile-band" not in result.report
    code = """
void skew(double* __restrict__ a, int n) {
  for (int i = 1; i < n; ++i)
    for (int j = 0; j < n - 1; ++j) a[i * n + j] = a[(i - 1) * n + j + 1] + 1.0;
}"""
    # only the row-by-row sweep (one region, `omp for` per row) is legal
    assert [label for label, _ in optimize_source(code, "skew").variants] == ["region"]
    # a triangular band is not rectangular: never reordered here
    tri = """
void tri(const double* __restrict__ a, double* __restrict__ b, int n) {
  for (int j = 0; j < n; ++j)
    for (int i = j; i < n; ++i) b[i * n + j] = a[i * n + j];
}"""
    assert "permute" not in [label for label, _ in optimize_source(tri, "tri").variants]


def test_cost_model_uses_the_bench_sizes_of_the_size_arguments():
    """A loop over `planes` is parallel; at the bench size planes = 3, so the threads
    would idle: collapse and the inner loop come right after it. At a nominal size
    they do not."""
    code = """
void scale(double* __restrict__ a, int planes, int n) {
  for (int c = 0; c < planes; ++c)
    for (int i = 0; i < n; ++i) a[c * n + i] *= 2.0;
}"""
    nominal = [label for label, _ in optimize_source(code, "scale").variants]
    sized = [label for label, _ in optimize_source(code, "scale", {"planes": 3, "n": 1e6}).variants]
    assert nominal[:2] == ["outer", "tile"] or "inner" not in nominal, nominal
    assert sized[:2] == ["outer", "collapse"] and "inner" in sized, sized


def test_a_scalar_accumulator_is_sunk_into_its_element_then_the_band_reordered():
    """i-j-k with `s = 0; s += ...; C[i][j] = s` -> C[i][j] = 0, then i-k-j accumulating
    in C (same additions in the same order on a double)."""
    p = _band_problem("atb_sink")
    result = optimize_source(p.reference_code, p.function)
    labels = [label for label, _ in result.variants]
    assert labels[0] == "sink-permute", labels
    code = dict(result.variants)["sink-permute"]
    assert "C[i * n + j] = 0.0;" in code and "C[i * n + j] += A[k * n + i] * B[k * n + j];" in code
    assert re.findall(r"for \(int (\w+) =", code) == ["i", "j", "k", "j"], code
    assert pragma_before(code, "for (int i = 0").startswith("#pragma omp parallel for")


@pytest.mark.parametrize(
    "body",
    [
        # a float element would round each partial sum differently from a double s
        "float* __restrict__ C) { for (int j = 0; j < n; ++j) { double s = 0.0;"
        " for (int k = 0; k < n; ++k) s += A[k] * B[k * n + j]; C[j] = s; } }",
        # s read after the store: not only an accumulator
        "double* __restrict__ C) { for (int j = 0; j < n; ++j) { double s = 0.0;"
        " for (int k = 0; k < n; ++k) s += A[k] * B[k * n + j]; C[j] = s + s; } }",
        # the element is read while it would be accumulating
        "double* __restrict__ C) { for (int j = 0; j < n; ++j) { double s = 0.0;"
        " for (int k = 0; k < n; ++k) s += A[k] * C[k]; C[j] = s; } }",
        # two j write one element: the split loop would sum both into it
        "double* __restrict__ C) { for (int j = 0; j < n; ++j) { double s = 0.0;"
        " for (int k = 0; k < n; ++k) s += A[k] * B[k * n + j]; C[j / 2] = s; } }",
        # a pointer that may alias the element
        "double* C) { for (int j = 0; j < n; ++j) { double s = 0.0;"
        " for (int k = 0; k < n; ++k) s += A[k] * B[k * n + j]; C[j] = s; } }",
    ],
)
def test_no_accumulator_sinking_when_it_would_change_the_result(body):
    from parcodegen.autopar.sink import sink_accumulators

    code = f"void f(const double* A, const double* __restrict__ B, int n, {body}"
    assert sink_accumulators(code) is None, code
    control = (
        "void f(const double* A, const double* __restrict__ B, int n, double* __restrict__ C)"
        " { for (int j = 0; j < n; ++j) { double s = 0.0;"
        " for (int k = 0; k < n; ++k) s += A[k] * B[k * n + j]; C[j] = s; } }"
    )
    assert sink_accumulators(control) is not None  # the same shape, sound: sunk


def test_one_region_around_a_time_loop_with_omp_for_inside():
    """The team starts once: `omp parallel` on the time loop, `omp for` on each sweep."""
    code = """
void sweeps(double* __restrict__ a, double* __restrict__ b, int n, int steps) {
  for (int t = 0; t < steps; ++t) {
    for (int i = 1; i < n - 1; ++i) b[i] = a[i - 1] + a[i + 1];
    for (int i = 1; i < n - 1; ++i) a[i] = b[i];
  }
}"""
    result = plan(code, "sweeps")
    labels = [label for label, _ in result.variants]
    assert labels[0] == "region", labels
    out = dict(result.variants)["region"]
    assert pragma_before(out, "for (int t = 0") == "#pragma omp parallel"
    assert out.count("#pragma omp for schedule(static)\n") == 2  # barriers kept: b then a
    assert "parallel for" not in out and "nowait" not in out


@pytest.mark.parametrize(
    "loop",
    [
        # the time variable is shared: every thread would step it
        "int t; for (t = 0; t < steps; ++t) { for (int i = 0; i < n; ++i) a[i] += 1.0; }",
        # the bound changes inside: threads would disagree on the trip count
        "for (int t = 0; t < steps; ++t) { for (int i = 0; i < n; ++i) a[i] += 1.0;"
        " for (int i = 0; i < 1; ++i) steps = steps - 0; }",
        # a statement besides the loops would run once per thread
        "for (int t = 0; t < steps; ++t) { a[0] += 1.0; for (int i = 1; i < n; ++i) a[i] += 1.0; }",
    ],
)
def test_no_region_when_threads_would_not_step_the_serial_loop_alike(loop):
    code = f"void f(double* __restrict__ a, int n, int steps) {{ {loop} }}"
    labels = [label for label, _ in optimize_source(code, "f").variants]
    assert "region" not in labels, labels


def test_an_interchange_that_makes_the_inner_walk_strided_is_ranked_last():
    """A column pass of a row-major table: swapping makes the inner loop walk columns."""
    code = """
void colpass(double* __restrict__ s, int n) {
  for (int i = 1; i < n; ++i)
    for (int j = 0; j < n; ++j) s[i * n + j] += s[(i - 1) * n + j];
}"""
    result = plan(code, "colpass")
    labels = [label for label, _ in result.variants]
    assert labels == ["region", "interchange-strided"], labels
    # each column reads only its own column of the row above: the same thread owns it
    # in every row (static, same bounds), so no barrier per row
    region = dict(result.variants)["region"]
    assert pragma_before(region, "for (int j = 0") == "#pragma omp for schedule(static) nowait"
    # a row-dependent range gives a column to another thread in the next row: barrier
    tri = code.replace("int j = 0; j < n", "int j = i; j < n")
    region = dict(plan(tri, "colpass").variants)["region"]
    assert "nowait" not in region


def test_a_row_start_written_outside_the_inner_loop_is_split_into_dimensions():
    """`s[i*n]` and `s[i*n + j - 1]`, j in [1, n): rows apart, as long as a row has an
    element at all (inside `i < n`, n >= 1); with another extent it may be one element."""
    rows = """
void rows(const double* __restrict__ img, double* __restrict__ s, int n) {
  for (int i = 0; i < n; ++i) {
    s[i * n] = img[i * n];
    for (int j = 1; j < n; ++j) s[i * n + j] = s[i * n + j - 1] + img[i * n + j];
  }
}"""
    assert decision(plan(rows, "rows"), "for (int i = 0").startswith("parallel for")
    # m rows of width n: with n == 0 every s[i*n] is s[0]
    other = rows.replace("int n)", "int n, int m)").replace("i < n; ++i", "i < m; ++i")
    assert decision(plan(other, "rows"), "for (int i = 0").startswith("not parallelized")
