"""Load and validate a problem directory (docs/problem-format.md) into a `Problem`.

Every error names the field at fault and says what is expected.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from parcodegen.cxxtypes import Kind, classify, is_supported_return, parse_structs
from parcodegen.errors import ProblemError
from parcodegen.exprs import eval_size_expr
from parcodegen.problems.cparse import find_signature
from parcodegen.types import ArgSpec, CompareSpec, EdgeCase, Problem, StructDef

TOP_KEYS = {
    "function", "source", "name", "category", "description", "returns", "returns_hook",
    "args", "sizes", "compare", "patterns", "hooks", "ldflags", "prelude", "defines", "edge",
    "race",
}  # fmt: skip
ARG_KEYS = {"name", "type", "size", "value", "range", "hook", "init", "index_into",
            "offsets_into", "at_most", "vary"}  # fmt: skip
COMPARE_KEYS = {"rtol", "atol", "unordered", "outputs", "mask"}
DEFINE = re.compile(r"[A-Za-z_]\w*(?:=.*)?", re.DOTALL)
PATTERNS = {"random", "sorted", "reversed", "constant", "extremes"}
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
WHERE = "problem.toml"


def _fail(field: str, message: str) -> ProblemError:
    return ProblemError(f"{WHERE}: {field}", message)


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            if where and key in TOP_KEYS:
                hint = "; top-level keys must come before the first [table] in TOML"
            raise _fail(
                f"{where}{key}", f"unknown key{hint} (allowed: {', '.join(sorted(allowed))})"
            )


def _number_or_expr(value: Any, field: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _fail(field, "expected a number or a string holding a C++ expression in n")
    if isinstance(value, str) and not value.strip():
        raise _fail(field, "empty expression")
    return value


def _load_arg(
    i: int, raw: Any, directory: Path, hooks: str | None, structs: dict[str, StructDef]
) -> ArgSpec:
    where = f"args[{i}]."
    if not isinstance(raw, dict):
        raise _fail(f"args[{i}]", "expected a table with at least 'name' and 'type'")
    _check_keys(raw, ARG_KEYS, where)
    name, ctype = raw.get("name"), raw.get("type")
    if not isinstance(name, str) or not IDENT.fullmatch(name):
        raise _fail(where + "name", "required: a C++ identifier")
    if not isinstance(ctype, str) or not ctype.strip():
        raise _fail(
            where + "type", "required: the C++ parameter type, e.g. 'const std::vector<double>&'"
        )
    info = classify(ctype, structs)
    hook = raw.get("hook")
    if hook is not None and (not isinstance(hook, str) or not IDENT.fullmatch(hook)):
        raise _fail(
            where + "hook", "expected an identifier naming make_<hook>/emit_<hook> in hooks.h"
        )
    if info.kind is Kind.CUSTOM and hook is None:
        raise _fail(
            where + "hook",
            f"required for type '{ctype}' (not a scalar, std::complex, a struct of arithmetic "
            "fields, std::vector, std::array or pointer of those): name a hook and define "
            "make_<hook> (and emit_<hook> for outputs) in hooks.h",
        )
    if hook is not None and hooks is None:
        raise _fail(where + "hook", "a hook needs a hooks.h in the problem directory")
    size = raw.get("size")
    if info.container in ("vector", "pointer") and hook is None and raw.get("offsets_into") is None:
        if not isinstance(size, (str, int)) or isinstance(size, bool) or str(size).strip() == "":
            raise _fail(
                where + "size", f"required for '{ctype}' (a C++ expression in n, e.g. \"n\")"
            )
    value = raw.get("value")
    if value is not None:
        if info.kind is not Kind.SCALAR_IN:
            raise _fail(where + "value", "only input scalars take a fixed value")
        _number_or_expr(value, where + "value")
    rng = raw.get("range")
    if rng is not None:
        if not isinstance(rng, list) or len(rng) != 2:
            raise _fail(where + "range", "expected [lo, hi]")
        rng = (
            _number_or_expr(rng[0], where + "range[0]"),
            _number_or_expr(rng[1], where + "range[1]"),
        )
        lo, hi = rng
        if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo > hi:
            raise _fail(where + "range", f"lo ({lo}) is greater than hi ({hi})")
    init = raw.get("init", "random")
    if init not in ("random", "zero"):
        raise _fail(where + "init", "expected 'random' or 'zero'")
    relations: dict[str, str | None] = {}
    for key in ("index_into", "offsets_into"):
        target = raw.get(key)
        if target is not None:
            if not isinstance(target, str) or not IDENT.fullmatch(target):
                raise _fail(where + key, "expected the name of another array argument")
            if not info.is_array or info.is_float or info.element == "bool" or info.struct:
                raise _fail(where + key, f"only integer arrays take '{key}' (this is '{ctype}')")
        relations[key] = target
    if relations["offsets_into"] is not None and size is None:
        raise _fail(where + "size", 'required with offsets_into (e.g. "n + 1": rows + 1)')
    at_most = raw.get("at_most")
    if at_most is not None:
        if info.kind is not Kind.SCALAR_IN or info.is_float or info.struct or info.is_complex:
            raise _fail(where + "at_most", "only integer input scalars take an upper bound")
        _number_or_expr(at_most, where + "at_most")
    vary = raw.get("vary", True)
    if not isinstance(vary, bool):
        raise _fail(
            where + "vary",
            "expected true or false (false: difftest keeps this "
            "literal value or length as the problem gives it)",
        )
    return ArgSpec(
        name=name, ctype=ctype.strip(), size=None if size is None else str(size),
        value=None if value is None else str(value), range=rng, hook=hook, init=init,
        index_into=relations["index_into"], offsets_into=relations["offsets_into"],
        at_most=None if at_most is None else str(at_most), vary=vary,
    )  # fmt: skip


def _load_compare(
    raw: Any, field: str, allow_outputs: bool, sizes: tuple[int, ...] = ()
) -> CompareSpec:
    if not isinstance(raw, dict):
        raise _fail(field, "expected a table")
    allowed = COMPARE_KEYS - ({"mask"} if allow_outputs else {"outputs"})
    _check_keys(raw, allowed, field + ".")
    vals: dict[str, float] = {}
    exprs: dict[str, str | None] = {"rtol": None, "atol": None}
    for key in ("rtol", "atol"):
        v = raw.get(key, getattr(CompareSpec, key))
        if isinstance(v, str):  # a tolerance growing with n: checked at every size
            for n in sizes or (1,):
                try:
                    value = eval_size_expr(v, n)
                except ValueError as exc:
                    raise _fail(
                        f"{field}.{key}", f'{exc} (an expression in n, e.g. "1e-12 * n")'
                    ) from None
                if value < 0:
                    raise _fail(f"{field}.{key}", f"'{v}' is negative at n={n}")
            exprs[key], v = v, getattr(CompareSpec, key)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise _fail(f"{field}.{key}", "expected a non-negative number or an expression in n")
        vals[key] = float(v)
    unordered = raw.get("unordered", False)
    if not isinstance(unordered, bool):
        raise _fail(f"{field}.unordered", "expected true or false")
    mask = raw.get("mask")
    if mask is not None and (not isinstance(mask, str) or not mask.strip()):
        raise _fail(
            f"{field}.mask",
            'expected a C++ condition on the element index i, e.g. "i > 0 && i + 1 < n"',
        )
    return CompareSpec(rtol=vals["rtol"], atol=vals["atol"], unordered=unordered, mask=mask,
                       rtol_expr=exprs["rtol"], atol_expr=exprs["atol"])  # fmt: skip


def _load_edges(
    raw: Any, args: tuple[ArgSpec, ...], structs: dict[str, StructDef]
) -> tuple[EdgeCase, ...]:
    if not isinstance(raw, list):
        raise _fail("edge", "expected an array of tables ([[edge]]) with n and argument values")
    inputs = {a.name: classify(a.ctype, structs) for a in args if not a.hook}
    edges = []
    for k, table in enumerate(raw):
        where = f"edge[{k}]"
        if not isinstance(table, dict):
            raise _fail(where, "expected a table: n = SIZE and NAME = value or [values]")
        n = table.get("n")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise _fail(f"{where}.n", "required: the size n of this input (a non-negative integer)")
        values = []
        for name, v in table.items():
            if name == "n":
                continue
            info = inputs.get(name)
            if info is None:
                close = difflib.get_close_matches(name, sorted(inputs), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise _fail(f"{where}.{name}", f"names no argument{hint}")
            if info.struct is not None or info.kind is Kind.SCALAR_OUT:
                raise _fail(
                    f"{where}.{name}", "explicit values are for arithmetic inputs and arrays"
                )
            items = v if isinstance(v, list) else [v]
            if info.container == "scalar" and isinstance(v, list):
                raise _fail(f"{where}.{name}", "a scalar argument takes one number")
            if not all(isinstance(x, (int, float)) for x in items):
                raise _fail(f"{where}.{name}", "expected a number or a list of numbers")
            values.append((name, tuple(items) if isinstance(v, list) else v))
        edges.append(EdgeCase(n, tuple(values)))
    return tuple(edges)


def _load_race(raw: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if not isinstance(raw, dict):
        raise _fail("race", "expected a table with 'sizes' and/or 'threads'")
    _check_keys(raw, {"sizes", "threads"}, "race.")
    out = []
    for key, low in (("sizes", 0), ("threads", 1)):
        v = raw.get(key, [])
        if not isinstance(v, list) or any(
            isinstance(x, bool) or not isinstance(x, int) or x < low for x in v
        ):
            raise _fail(f"race.{key}", f"expected a list of integers >= {low}")
        out.append(tuple(v))
    return out[0], out[1]


def _load_sizes(raw: Any) -> tuple[tuple[int, ...], int]:
    if not isinstance(raw, dict):
        raise _fail("sizes", "required: a table with 'test' (list of sizes) and 'bench' (one size)")
    _check_keys(raw, {"test", "bench"}, "sizes.")
    test = raw.get("test")
    if not isinstance(test, list) or not test:
        raise _fail("sizes.test", "required: a non-empty list of sizes, e.g. [0, 1, 7, 1000]")
    for j, s in enumerate(test):
        if isinstance(s, bool) or not isinstance(s, int) or s < 0:
            raise _fail(f"sizes.test[{j}]", f"expected a non-negative integer, got {s!r}")
    bench = raw.get("bench")
    if isinstance(bench, bool) or not isinstance(bench, int) or bench < 1:
        raise _fail("sizes.bench", "required: a positive integer (the timing size)")
    return tuple(test), bench


def load_problem(path: str | Path) -> Problem:
    directory = Path(path).resolve()
    if not directory.is_dir():
        raise ProblemError(
            str(path), "not a directory (a problem is a directory with problem.toml)"
        )
    toml_path = directory / "problem.toml"
    if not toml_path.is_file():
        raise ProblemError(str(path), "no problem.toml in this directory")
    try:
        raw = tomllib.loads(toml_path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ProblemError(WHERE, f"not valid TOML: {exc}") from None
    _check_keys(raw, TOP_KEYS, "")
    function = raw.get("function")
    if not isinstance(function, str) or not IDENT.fullmatch(function):
        raise _fail("function", "required: the name of the function to optimize (an identifier)")
    default_source = "reference.c" if (directory / "reference.c").is_file() and not (
        directory / "reference.cpp").is_file() else "reference.cpp"  # fmt: skip
    source = raw.get("source", default_source)
    src_path = directory / str(source)
    if not src_path.is_file():
        raise _fail("source", f"file '{source}' not found in the problem directory")
    code = src_path.read_text()
    if not re.search(rf"\b{re.escape(function)}\s*\(", code):
        raise _fail("function", f"'{function}' is not defined in {source}")
    prelude = raw.get("prelude", "")
    if not isinstance(prelude, str):
        raise _fail("prelude", "expected a string of code (a TOML multi-line string)")
    defines = raw.get("defines", [])
    if not isinstance(defines, list) or not all(
        isinstance(d, str) and DEFINE.fullmatch(d) for d in defines
    ):
        raise _fail("defines", 'expected a list of macros: "NAME" or "NAME=VALUE"')
    language = "c" if str(source).endswith(".c") else "c++"
    hooks = raw.get("hooks", "hooks.h" if (directory / "hooks.h").is_file() else None)
    if hooks is not None and not (directory / hooks).is_file():
        raise _fail("hooks", f"file '{hooks}' not found in the problem directory")
    args_raw = raw.get("args", [])
    if not isinstance(args_raw, list):
        raise _fail("args", "expected an array of tables ([[args]])")
    headers_text = "".join(
        p.read_text(errors="replace") for p in sorted(directory.iterdir())
        if p.is_file() and p.suffix in (".h", ".hpp", ".hh") and p.name != hooks
    )  # fmt: skip
    structs = parse_structs(prelude + "\n" + headers_text + "\n" + code)
    args = tuple(_load_arg(i, a, directory, hooks, structs) for i, a in enumerate(args_raw))
    names = [a.name for a in args]
    if len(set(names)) != len(names):
        dup = next(x for x in names if names.count(x) > 1)
        raise _fail("args", f"argument name '{dup}' is used twice")
    by_name = {a.name: a for a in args}
    for i, a in enumerate(args):
        for key in ("index_into", "offsets_into"):
            target = getattr(a, key)
            if target is not None and (
                target not in by_name or not classify(by_name[target].ctype, structs).is_array
            ):
                raise _fail(f"args[{i}].{key}", f"'{target}' is not an array argument")
    used = {classify(a.ctype, structs).struct for a in args if not a.hook}
    used.add(classify(str(raw.get("returns", "void")), structs).struct)
    struct_defs = tuple(s for s in structs.values() if s in used)
    returns = raw.get("returns", "void")
    returns_hook = raw.get("returns_hook")
    if not isinstance(returns, str) or not returns.strip():
        raise _fail("returns", "expected the C++ return type, e.g. 'double' or 'void'")
    if returns_hook is None and not is_supported_return(returns, structs):
        raise _fail(
            "returns_hook", f"required for return type '{returns}' (define emit_<hook> in hooks.h)"
        )
    test_sizes, bench = _load_sizes(raw.get("sizes"))
    compare_raw = raw.get("compare", {})
    compare = _load_compare(compare_raw, "compare", True, test_sizes)
    outputs = []
    for oname, oraw in (compare_raw.get("outputs") or {}).items():
        if oname != "return" and oname not in names:
            raise _fail(
                f"compare.outputs.{oname}", "names no argument (use 'return' for the return value)"
            )
        spec = _load_compare(oraw, f"compare.outputs.{oname}", False, test_sizes)
        if spec.mask is not None and (oname == "return" or not classify(by_name[oname].ctype, structs).is_array
                                      or by_name[oname].hook):  # fmt: skip
            raise _fail(
                f"compare.outputs.{oname}.mask", "a mask applies to an output array argument"
            )
        outputs.append((oname, spec))
    edges = _load_edges(raw.get("edge", []), args, structs)
    race_sizes, race_threads = _load_race(raw.get("race", {}))
    try:
        declaration = find_signature(code, function).prototype
    except ProblemError:
        declaration = ""
    patterns = raw.get("patterns", ["random", "sorted", "constant"])
    if not isinstance(patterns, list) or not patterns or any(p not in PATTERNS for p in patterns):
        raise _fail("patterns", f"expected a non-empty list drawn from {sorted(PATTERNS)}")
    ldflags = raw.get("ldflags", [])
    if not isinstance(ldflags, list) or not all(isinstance(x, str) for x in ldflags):
        raise _fail("ldflags", "expected a list of strings")
    name = str(raw.get("name", directory.name))
    category = str(raw.get("category", "user"))
    return Problem(
        id=f"{category}/{name}" if "category" in raw else name,
        name=name, category=category, function=function, directory=directory,
        source_file=str(source), reference_code=code, args=args, returns=returns.strip(),
        returns_hook=returns_hook, test_sizes=test_sizes, bench_size=bench, compare=compare,
        compare_outputs=tuple(outputs), description=str(raw.get("description", "")),
        hooks_header=hooks, patterns=tuple(patterns), ldflags=tuple(ldflags), language=language,
        prelude=prelude, defines=tuple(defines), structs=struct_defs, edges=edges,
        race_sizes=race_sizes, race_threads=race_threads, declaration=declaration,
    )  # fmt: skip
