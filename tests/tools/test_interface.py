"""The interface step: symbols first, then the return-type check, with the real compiler."""

from __future__ import annotations

from pathlib import Path

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.compile import compile_object
from parcodegen.tools.interface import check_interface
from parcodegen.tools.signature import check_signature, check_source
from parcodegen.types import Status


def interface(problem, code: str):
    build = build_problem(problem)
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    assert obj.ok, obj.message
    return check_interface(build, obj.path, code)


def make_problem(
    root: Path, reference: str, returns: str, hooks: str | None = None, n_type: str = "int"
) -> Path:
    lines = ['function = "vsum"', f'returns = "{returns}"']
    for name, ctype, extra in [("x", "const float*", 'size = "n"'), ("n", n_type, 'value = "n"')]:
        lines += ["[[args]]", f'name = "{name}"', f'type = "{ctype}"', extra]
    lines += ["[sizes]", "test = [0, 1, 7]", "bench = 1000"]
    root.mkdir()
    (root / "problem.toml").write_text("\n".join(lines) + "\n")
    (root / "reference.cpp").write_text(reference)
    if hooks is not None:
        (root / "hooks.h").write_text(hooks)
    return root


VSUM = """float vsum(const float* x, int n) {
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += x[i];
  return s;
}
"""
# the harness declares `float vsum(const float*, int)` after including hooks.h: the
# earlier extern "C" declaration gives the function C linkage everywhere
C_HOOKS = '#pragma once\nextern "C" float vsum(const float* x, int n);\n'
C_VSUM = '#include "hooks.h"\n' + VSUM


def test_changed_return_type_is_a_mismatch_with_both_types(examples_dir):
    p = load_problem(examples_dir / "reduction")
    good = (examples_dir / "reduction" / "candidates" / "good.cpp").read_text()
    step = interface(p, good.replace("double gaussian_energy(", "float gaussian_energy("))
    assert not step.ok and step.status is Status.INTERFACE_MISMATCH
    assert step.message == (
        "interface mismatch: `gaussian_energy` returns `float`, the original returns `double`"
    )
    assert step.data["signature"] == "mismatch"
    assert interface(p, good).ok


def test_same_type_spelled_differently_matches(fixtures_dir):
    p = load_problem(fixtures_dir / "problems" / "pointer_scale")
    code = "#include <cstdint>\n" + p.reference_code.replace(
        "int scale_count(", "std::int32_t scale_count("
    )
    step = interface(p, code)
    assert step.ok and step.data["signature"] == "match"


def test_a_macro_cannot_rewrite_the_check(fixtures_dir):
    # `double` is redefined after hooks.h, so Points (the only parameter) keeps its symbol
    # while the return type becomes float; the check must not read `double` as float too
    p = load_problem(fixtures_dir / "problems" / "hooked_points")
    bad = p.reference_code.replace(
        '#include "hooks.h"\n', '#include "hooks.h"\n#define double float\n'
    )
    assert bad != p.reference_code
    step = interface(p, bad)
    assert step.status is Status.INTERFACE_MISMATCH
    assert "returns `float`, the original returns `double`" in step.message


def test_check_undefines_only_the_candidates_own_macros_named_in_the_signature(fixtures_dir):
    p = load_problem(fixtures_dir / "problems" / "pointer_scale")
    source, decl, check = check_source(p, "#define int long\n#define N 8\n" + p.reference_code)
    tail = source.split('#line 1 "pcg_signature_check"\n')[1].splitlines()
    assert tail[0] == "#undef int" and not any("#undef N" in t for t in tail)
    assert (decl, check) == (len(tail) - 1, len(tail))
    assert tail[check - 1].endswith("= &::scale_count;")


def test_overloaded_function_with_changed_return_type(examples_dir):
    p = load_problem(examples_dir / "reduction")
    good = (examples_dir / "reduction" / "candidates" / "good.cpp").read_text()
    extra = (
        "\nfloat gaussian_energy(const std::vector<float>& x) { return x.empty() ? 0.0f : x[0]; }\n"
    )
    bad = good.replace("double gaussian_energy(", "long double gaussian_energy(") + extra
    step = interface(p, bad)
    assert step.status is Status.INTERFACE_MISMATCH, step.log
    assert "returns `long double`, the original returns `double`" in step.message
    assert interface(p, good + extra).ok  # an extra overload alone is fine


def test_extern_c_return_and_parameters_are_checked(tmp_path):
    p = load_problem(make_problem(tmp_path / "cvsum", C_VSUM, "float", hooks=C_HOOKS))
    assert interface(p, C_VSUM).ok
    # candidates that do not include hooks.h (with it, they would not compile)
    own = 'extern "C" ' + VSUM
    assert interface(p, own).data["signature"] == "match"
    wide = interface(p, own.replace('extern "C" float vsum', 'extern "C" double vsum'))
    assert wide.status is Status.INTERFACE_MISMATCH
    assert wide.message.endswith("`vsum` returns `double`, the original returns `float`")
    # nm shows a bare `vsum` for both: only the compile-time check sees the parameters
    params = interface(p, own.replace("int n)", "long n)"))
    assert params.status is Status.INTERFACE_MISMATCH
    assert "`vsum` is `float vsum(const float*, long int)`" in params.message
    assert "the original is `float vsum(const float* x, int n)`" in params.message


def test_own_definitions_of_hook_types_do_not_clash_with_the_check(fixtures_dir):
    p = load_problem(fixtures_dir / "problems" / "hooked_points")
    own = p.reference_code.replace(
        '#include "hooks.h"\n',
        "#include <cstddef>\n#include <vector>\nstruct Points { std::vector<double> x, y; };\n",
    )
    assert own != p.reference_code
    step = interface(p, own)
    assert step.ok and step.data["signature"] == "match"


def test_a_check_that_cannot_compile_is_inconclusive_never_a_mismatch(tmp_path):
    # std::size_t in the signature puts <cstddef> in the check's prelude; this candidate
    # compiles alone but clashes with it (::max_align_t) on its own line, not the check's
    reference = "#include <cstddef>\n" + VSUM.replace("int n)", "std::size_t n)")
    p = load_problem(make_problem(tmp_path / "clash", reference, "float", n_type="std::size_t"))
    clash = "static int max_align_t = 0;\n" + VSUM.replace("int n)", "unsigned long n)")
    step = interface(p, clash.replace("float vsum(", "double vsum("))
    assert step.ok and step.data["signature"] == "inconclusive"
    assert "prelude" in step.log
    assert interface(p, clash).data["signature"] == "inconclusive"
    assert interface(p, VSUM.replace("int n)", "unsigned long n)")).data["signature"] == "match"


def test_prelude_holds_only_the_headers_the_signature_needs(examples_dir, fixtures_dir):
    scalar = load_problem(fixtures_dir / "problems" / "pointer_scale")
    assert "#include" not in check_source(scalar, scalar.reference_code)[0]
    vec = load_problem(examples_dir / "reduction")
    source = check_source(vec, vec.reference_code)[0]
    assert source.startswith('#include <vector>\n#line 1 "candidate.cpp"\n')


def test_a_trailing_backslash_cannot_hide_the_check(examples_dir):
    p = load_problem(examples_dir / "reduction")
    bad = (
        p.reference_code.replace("double gaussian_energy(", "float gaussian_energy(")
        + "// the end \\\n"
    )
    step = interface(p, bad)
    assert step.status is Status.INTERFACE_MISMATCH, step.log


def test_a_problem_declaring_the_wrong_return_type_never_blames_the_candidate(tmp_path):
    # problem.toml says double, the reference returns float (same symbol, so it links):
    # a copy of the reference fails the check, but so does the reference: the step passes
    p = load_problem(make_problem(tmp_path / "lying", VSUM, "double"))
    step = interface(p, VSUM)
    assert step.ok and step.data["signature"] == "unchecked"
    assert "the reference fails the same check" in step.log


def test_symbol_mismatch_stops_before_the_compile(examples_dir):
    p = load_problem(examples_dir / "reduction")
    bad = (examples_dir / "reduction" / "candidates" / "bad_signature.cpp").read_text()
    step = interface(p, bad)
    assert step.status is Status.INTERFACE_MISMATCH and "signature changed" in step.message
    assert "signature" not in step.data


def test_compiles_are_cached_by_content(examples_dir, tmp_path, monkeypatch):
    p = load_problem(examples_dir / "reduction")
    b = build_problem(p)
    monkeypatch.setenv("PARCODEGEN_CACHE_DIR", str(tmp_path / "cache"))  # after the build
    bad = p.reference_code.replace("double gaussian_energy(", "float gaussian_energy(")
    opts = {"headers": b.headers, "flags": b.flags, "compiler": b.compiler}
    first = check_signature(p, bad, **opts)
    again = check_signature(p, bad, **opts)
    assert (first.verdict, first.cached) == ("mismatch", False)
    assert (again.verdict, again.message, again.cached) == ("mismatch", first.message, True)
    assert check_signature(p, p.reference_code, **opts).verdict == "match"


def test_clang_names_the_return_types_too(examples_dir):
    p = load_problem(examples_dir / "reduction")
    build = build_problem(p, compiler="clang++")
    good = (examples_dir / "reduction" / "candidates" / "good.cpp").read_text()
    for code, message in [
        (good.replace("double gaussian_energy(", "float gaussian_energy("),
         "interface mismatch: `gaussian_energy` returns `float`, the original returns `double`"),
        (good.replace("double gaussian_energy(", "long double gaussian_energy(")
         + "float gaussian_energy(const std::vector<float>& x) { return x[0]; }\n",
         "interface mismatch: `gaussian_energy` returns `long double`, the original returns `double`"),
    ]:  # fmt: skip
        obj = compile_object(code, headers=build.headers, flags=build.flags, compiler="clang++")
        assert obj.ok, obj.message
        step = check_interface(build, obj.path, code)
        assert step.message == message, step.log
