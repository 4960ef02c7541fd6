"""Write one imported ParEval problem as a problem directory (docs/problem-format.md).

problem.toml        the function, its arguments (every one a hook: the driver makes them),
                    sizes (n is the driver's DRIVER_PROBLEM_SIZE), the driver's tolerance
reference.cpp       the problem's baseline under the prompt's function name, after the
                    prompt's preamble (structs, helpers)
hooks.h             the driver's Context, init() and reset() run with n as the size;
                    make_/emit_ hooks per argument; the compared region of each output
pareval_support.h   support code (support.py)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from parcodegen.importers.pareval.driver import DriverParts, function_text, strip_comments
from parcodegen.importers.pareval.prompt import ARITHMETIC, PromptParts, StructDef
from parcodegen.importers.pareval.support import (
    STD_INCLUDES,
    SUPPORT_HEADER,
    SUPPORT_HEADER_NAME,
)

PRELUDE = STD_INCLUDES + "#include <omp.h>\n"
REL_TOL = 1e-9  # added to the driver's absolute tolerance: sizes here reach the timing size


@dataclass(frozen=True)
class Plan:
    """Everything needed to write the directory (and what was approximated)."""

    category: str
    name: str
    prompt: PromptParts
    driver: DriverParts
    baseline_code: str
    test_sizes: tuple[int, ...]
    bench_size: int
    approximations: tuple[str, ...]


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _defined_functions(code: str) -> set[str]:
    names = set()
    for m in re.finditer(
        r"^[\w:<>,\s\*&]+?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*(?:const\s*)?\{", code, re.M
    ):
        names.add(m.group(1))
    return names


def _declared_functions(code: str) -> list[str]:
    """Functions the prompt declares without defining (ParEval's baseline provides them)."""
    names = []
    for m in re.finditer(
        r"^[\w:<>,\s\*&]+?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*;", strip_comments(code), re.M
    ):
        names.append(m.group(1))
    return names


def _helper_text(baseline: str, name: str) -> str | None:
    head = rf"(?m)^[\w:<>,\s\*&]*?\b{re.escape(name)}\s*\([^;{{}}]*\)\s*(?=\{{)"
    return function_text(strip_comments(baseline), head)


def provided_helpers(plan: Plan) -> str:
    """Definitions the prompt only declares, from the baseline, as inline functions: the
    candidate calls them and ParEval's driver compiles the baseline into the same program."""
    out = []
    for name in _declared_functions(plan.prompt.preamble):
        text = _helper_text(plan.baseline_code, name)
        if text:
            text = re.sub(r"\b(?:NO_INLINE|NO_OPTIMIZE)\b[ \t]*", "", text).strip()
            out.append("inline " + text)
    return "\n\n".join(out)


def prelude_text(plan: Plan) -> str:
    helpers = provided_helpers(plan)
    return PRELUDE + (
        "\n// provided by the problem (the prompt declares them)\n" + helpers + "\n"
        if helpers
        else ""
    )


def reference_source(plan: Plan) -> str:
    """The serial reference: includes, the prompt's preamble, the renamed baseline."""
    base = strip_comments(plan.baseline_code)
    for name in _declared_functions(plan.prompt.preamble):  # in the prelude
        text = _helper_text(base, name)
        if text:
            base = base.replace(text, "")
    base = re.sub(r"^\s*#\s*pragma\s+once\s*$", "", base, flags=re.M)
    base = re.sub(r"\b(?:NO_INLINE|NO_OPTIMIZE)\b[ \t]*", "", base)
    for s in plan.prompt.structs:  # the prompt's own definition wins
        base = re.sub(rf"\bstruct\s+{s.name}\s*\{{[^{{}}]*\}}\s*;", "", base)
    for fname in _defined_functions(plan.prompt.preamble):
        text = function_text(
            base, rf"[\w:<>,\s\*&]+?\b{re.escape(fname)}\s*\([^;{{}}]*\)\s*(?:const\s*)?(?=\{{)"
        )
        if text:
            base = base.replace(text, "")
    base = re.sub(rf"\b{re.escape(plan.driver.baseline)}\b", plan.prompt.function, base)
    base = re.sub(r"\n{3,}", "\n\n", base).strip()
    head = (
        f"// {plan.category}/{plan.name}: imported from a ParEval checkout by "
        "`parcodegen import pareval`\n// (the problem's baseline under the prompt's name).\n"
    )
    preamble = plan.prompt.preamble.strip()
    return head + STD_INCLUDES + ("\n" + preamble + "\n" if preamble else "") + "\n" + base + "\n"


def _struct_helpers(structs: tuple[StructDef, ...]) -> str:
    out = []
    for s in structs:
        arith = [(t, f) for t, f in s.fields if t in ARITHMETIC]
        if not arith:
            continue
        tie_a = ", ".join(f"a.{f}" for _, f in arith)
        tie_b = ", ".join(f"b.{f}" for _, f in arith)
        out.append(
            f"inline bool pe_less(const {s.name}& a, const {s.name}& b) {{\n"
            f"  return std::tie({tie_a}) < std::tie({tie_b});\n}}"
        )
        cols = "\n".join(
            f"  {{ std::vector<{t}> c(v.size()); for (std::size_t i = 0; i < v.size(); ++i) "
            f'c[i] = v[i].{f}; out.put((name + ".{f}").c_str(), c.data(), c.size()); }}'
            for t, f in arith
        )
        out.append(
            f"inline void pe_emit(pcg::Out& out, const std::string& name, "
            f"const std::vector<{s.name}>& v) {{\n{cols}\n}}"
        )
    return "\n".join(out)


def _is_output(ctype: str) -> bool:
    t = ctype.replace(" ", "")
    return t.endswith("&") and not t.startswith("const") and "const&" not in t


def hooks_source(plan: Plan) -> str:
    p, d = plan.prompt, plan.driver
    lines = [
        "// Written by `parcodegen import pareval` from the problem's ParEval driver: its Context,",
        "// init() and reset() make the inputs (n is DRIVER_PROBLEM_SIZE); each output is written",
        "// over the region the driver's validate() compares. Do not edit; re-import instead.",
        "#pragma once",
        f'#include "{SUPPORT_HEADER_NAME}"',
        "",
    ]
    lines += [s.text for s in p.structs]
    lines.append(_struct_helpers(p.structs))
    lines += ["", "namespace pareval_driver {", d.setup, ""]
    lines += [
        "inline Context*& current() {",
        "  static Context* ctx = nullptr;",
        "  return ctx;",
        "}",
        "inline void build(pcg::Rng& rng, std::size_t n) {",
        "  ::pareval_support::problem_size() = n;",
        "  std::srand(static_cast<unsigned>(rng.next() & 0x7fffffffu));",
        "  delete current();",
        "  current() = init();",
        "}",
        "}  // namespace pareval_driver",
        "",
    ]
    for i, (param, fieldname) in enumerate(zip(p.params, d.call_fields, strict=True)):
        base = re.sub(r"\bconst\b", "", param.west_ctype).replace("&", "").strip()
        build = "  pareval_driver::build(rng, n);\n" if i == 0 else ""
        lines.append(
            f"inline void make_pe_{param.name}({base}& v, pcg::Rng& rng, std::size_t n, pcg::Pattern) {{\n"
            f"  (void)rng; (void)n;\n{build}  v = pareval_driver::current()->{fieldname};\n}}"
        )
        if _is_output(param.west_ctype):
            view = "v"
            if d.interior == "2d" and "vector" in base:
                view = "pe_interior_2d(v)"
            elif d.interior == "1d" and "vector" in base:
                view = "pe_interior_1d(v)"
            if d.sorted_outputs and "vector" in base:
                view = f"pe_sorted({view})"
            lines.append(
                f"inline void emit_pe_{param.name}(const {base}& v, pcg::Out& out, const char* name) {{\n"
                f"  pe_emit(out, name, {view});\n}}"
            )
    return "\n".join(lines) + "\n"


def problem_toml(plan: Plan) -> str:
    p, d = plan.prompt, plan.driver
    lines = [
        "# Written by `parcodegen import pareval`; re-import rather than edit.",
        f"function = {_toml_str(p.function)}",
        f"name = {_toml_str(plan.name)}",
        f"category = {_toml_str(plan.category)}",
        f"description = {_toml_str(' '.join(p.doc.split()))}",
        f"returns = {_toml_str(p.returns)}",
        'patterns = ["random"]   # the driver makes the inputs; patterns would repeat them',
        "# What ParEval's drivers include before the generated code: replies may rely on it.",
        f'prelude = """\n{prelude_text(plan)}"""',
        "",
    ]
    for param in p.params:
        lines += [
            "[[args]]",
            f"name = {_toml_str(param.name)}",
            f"type = {_toml_str(param.west_ctype)}",
            f'hook = "pe_{param.name}"',
            "",
        ]
    lines += [
        "[sizes]   # n is the driver's DRIVER_PROBLEM_SIZE",
        f"test = [{', '.join(str(s) for s in plan.test_sizes)}]",
        f"bench = {plan.bench_size}",
        "",
        "[compare]",
    ]
    if d.tolerance is None:
        lines += ["rtol = 0.0", "atol = 0.0   # the driver compares exactly"]
    else:
        lines += [
            f"rtol = {REL_TOL}   # added: the driver's tolerance is absolute only",
            f"atol = {d.tolerance}   # the driver's tolerance",
        ]
    return "\n".join(lines) + "\n"


def write_problem(plan: Plan, out_dir: Path) -> Path:
    directory = out_dir / plan.category / plan.name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "problem.toml").write_text(problem_toml(plan))
    (directory / "reference.cpp").write_text(reference_source(plan))
    (directory / "hooks.h").write_text(hooks_source(plan))
    (directory / SUPPORT_HEADER_NAME).write_text(SUPPORT_HEADER)
    return directory
