"""autopar's per-loop decisions on small sources: what it parallelizes and why not."""

import pytest
from autopar_cases import EXTRA, HEAD, NEGATIVE, POSITIVE

from parcodegen.autopar import optimize_source


def run(name: str):
    return optimize_source(HEAD + POSITIVE[name], name)


def first_pragma(code: str) -> str:
    return next(line.strip() for line in code.splitlines() if "#pragma omp" in line)


def variant(result, label: str) -> str:
    return dict(result.variants)[label]


@pytest.mark.parametrize(
    "name, clause",
    [
        ("sum", "reduction(+:s)"),
        ("product", "reduction(*:p)"),
        ("maxif", "reduction(max:m)"),
        ("minstd", "reduction(min:m)"),
        ("maxstd", "reduction(max:m)"),
        ("logical", "reduction(&&:all) reduction(||:any)"),
        ("bits", "reduction(|:orv) reduction(&:andv) reduction(^:xorv)"),
    ],
)
def test_each_reduction_kind(name, clause):
    result = run(name)
    assert result.parallelized
    assert clause in first_pragma(variant(result, "outer"))


def test_independent_loop_is_parallel_static():
    result = run("saxpy")
    assert first_pragma(variant(result, "outer")) == "#pragma omp parallel for schedule(static)"
    assert "schedule(dynamic, 64)" in variant(result, "schedule")
    assert "line 8" in result.report and "parallel for" in result.report


def test_collapse_tile_and_simd_variants_for_matmul_and_no_inner_one():
    result = run("matmul")
    labels = [label for label, _ in result.variants]
    assert labels == ["sink-permute", "outer", "tile", "collapse", "simd", "schedule"]
    assert "collapse(2)" in variant(result, "collapse")
    assert "collapse" not in variant(result, "outer")
    simd = variant(result, "simd")
    assert "#pragma omp simd reduction(+:acc)" in simd
    # the outer loop is parallel: a region per row is not proposed, and the report says why
    assert "- inner: the loop at line" in result.report


def test_collapse_on_vector_of_vectors_and_row_major_pointers():
    for name in ("grid", "rows"):
        result = run(name)
        assert "collapse(2)" in variant(result, "collapse"), name


def test_private_scalars_and_outer_declared_inner_index():
    result = run("private_tmp")
    assert "private(t, j)" in first_pragma(variant(result, "outer"))


def test_value_used_after_loop_is_lastprivate():
    assert "lastprivate(t)" in first_pragma(variant(run("last_value"), "outer"))


@pytest.mark.parametrize(
    "name, why",
    [
        ("triangle", "varies with 'i'"),
        ("csr", "varies with 'r'"),
        ("collatz", "data-dependent while loop"),
    ],
)
def test_dynamic_schedule_when_work_varies(name, why):
    result = run(name)
    assert "schedule(dynamic)" in first_pragma(variant(result, "outer"))
    assert "schedule(guided)" in variant(result, "schedule")
    assert why in result.report


def test_strided_writes_within_one_step_are_independent():
    assert run("stride").parallelized


def test_pure_user_function_allowed():
    assert run("helper").parallelized


def test_loop_in_called_function_is_parallelized_and_caller_loop_explained():
    result = run("callee_loop")
    code = variant(result, "outer")
    before_scale = code.split("static void scale")[1].split("void callee_loop")[0]
    assert "#pragma omp parallel for" in before_scale
    assert "scale takes 'y' by non-const reference" in result.report


def test_inner_loops_of_a_serial_time_loop():
    result = run("timesteps")
    assert variant(result, "outer").count("#pragma omp parallel for") == 2
    assert "in different iterations of 't'" in result.report


def test_other_functions_are_reported_not_touched():
    code = (
        HEAD
        + POSITIVE["saxpy"]
        + "\nvoid other(double* a) { for (int i = 0; i < 3; ++i) a[i] = 0; }\n"
    )
    result = optimize_source(code, "saxpy")
    assert "not touched: outside the target function" in result.report
    assert all(c.count("#pragma omp") == 1 for _, c in result.variants)


def test_callee_called_inside_parallel_loop_stays_serial():
    code = HEAD + EXTRA["norms"]
    result = optimize_source(code, "norms")
    assert result.variants[0][1].count("#pragma omp parallel for") == 1
    assert "left serial: norm is called inside the parallel loop" in result.report


def test_unknown_function_name():
    result = optimize_source(HEAD + POSITIVE["saxpy"], "nope")
    assert not result.variants and "not defined" in result.report


def test_existing_pragma_is_left_alone():
    code = HEAD + EXTRA["done"]
    result = optimize_source(code, "done")
    assert not result.variants and "already has an OpenMP pragma" in result.report


def test_unbraced_loop_body_gets_braces():
    code = HEAD + EXTRA["cond"]
    out = variant(optimize_source(code, "cond"), "outer")
    assert "if (go) {\n#pragma omp parallel for" in out


@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_negative_cases_are_refused_with_reason(name):
    code, why = NEGATIVE[name]
    function = _function_name(code)
    result = optimize_source(HEAD + code, function)
    assert result.variants == []
    assert "nothing is safe to parallelize" in result.report
    assert why in result.report, result.report


def _function_name(code: str) -> str:
    defs = [
        line
        for line in code.splitlines()
        if "(" in line and line[:1].isalpha() and not line.startswith(("static", "double ext"))
    ]
    return defs[0].split("(")[0].split()[-1]


def test_vectors_assumed_distinct_but_pointers_not():
    vec = (
        HEAD
        + """
void shift(const std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t i = 0; i + 1 < x.size(); ++i) y[i] = x[i + 1];
}"""
    )
    assert "loop condition does not compare" in optimize_source(vec, "shift").report
    vec = vec.replace("i + 1 < x.size()", "i < x.size() - 1")
    assert optimize_source(vec, "shift").parallelized
    ptr = vec.replace(
        "const std::vector<double>& x, std::vector<double>& y",
        "const double* x, double* y, std::size_t n",
    ).replace("x.size()", "n")
    result = optimize_source(ptr, "shift")
    assert not result.parallelized and "'y' and 'x' may alias" in result.report
    restrict = ptr.replace(
        "const double* x, double* y", "const double* __restrict__ x, double* __restrict__ y"
    )
    assert optimize_source(restrict, "shift").parallelized


def test_range_for_over_vector_becomes_parallel_index_loop():
    code = HEAD + EXTRA["total"]
    result = optimize_source(code, "total")
    out = variant(result, "outer")
    assert out.count("#pragma omp parallel for schedule(static) reduction(+:s)") == 2
    assert "{ const double& v = x[ap_i" in out
    assert "`for (const double& v : x)`" in result.report
    assert "range-based for, analysed as an index loop" in result.report


def test_range_for_kept_when_not_parallelized():
    code = HEAD + EXTRA["carried"]
    result = optimize_source(code, "carried")
    out = variant(result, "outer")
    assert "for (double v : x)" in out and "ap_i" not in out
    assert "scalar 'prev'" in result.report


def test_loops_inside_an_existing_parallel_region_are_left_alone():
    code = HEAD + EXTRA["region"]
    result = optimize_source(code, "region")
    assert not result.variants
    assert "inside an existing OpenMP region" in result.report


def test_private_value_read_by_an_enclosing_loop_is_lastprivate():
    code = HEAD + EXTRA["steps"]
    result = optimize_source(code, "steps")
    assert "lastprivate(t)" in variant(result, "outer")
    assert "private(t)" not in variant(result, "outer").replace("lastprivate(t)", "")


def test_index_named_by_a_local_and_interior_bounds():
    result = run("local_index")
    assert "collapse(2)" in variant(result, "collapse")
    assert "line 8: `for (int i = 1; i < n - 1; ++i)` -> parallel for" in result.report


def test_column_writes_of_a_transpose_are_owned():
    result = run("transpose_cols")
    assert "line 8: `for (int i = 0; i < n; ++i)` -> parallel for" in result.report


def test_inner_index_read_after_its_loop_is_not_owned():
    code = (
        HEAD
        + """
void stale(std::vector<double>& a, int n) {
  int j;
  for (int i = 0; i < n; ++i) {
    for (j = 0; j < n; ++j) a[i * n + j] = 1.0;
    a[i * n + j] = 2.0;
  }
}"""
    )
    result = optimize_source(code, "stale")
    assert (
        "line 9: `for (int i = 0; i < n; ++i)` -> not parallelized: 'a[i * n + j]'" in result.report
    )
    # the inner loop alone is safe, but a region per row with linear work is hopeless
    assert "parallel for lastprivate(j)" in result.report
    assert "predicted hopeless" in result.report and not result.variants
