"""Derive a problem from a plain C/C++ file and a function name.

A small signature parser finds the function's definition and classifies each parameter
(parcodegen.cxxtypes): vectors, pointer + length, scalars, scalar outputs. It writes a
problem directory (problem.toml + a copy of the source and the headers next to it) and
loads it with the normal validation, so a derived problem is an ordinary problem. Every
guess it made is listed in `Derived.assumptions` for the user to check; anything it
cannot guess (custom types, a pointer with no length) is a ProblemError that says to
write a problem.toml.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from parcodegen.cxxtypes import Kind, classify, is_supported_return
from parcodegen.errors import ProblemError
from parcodegen.problems.load import load_problem
from parcodegen.types import Problem

LENGTH_NAMES = ("n", "N", "len", "length", "size", "count", "num", "n_elems", "nelems", "sz")
TEST_SIZES = (0, 1, 2, 7, 33, 1000)
DEFAULT_BENCH = 1_000_000
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".inc")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Param:
    ctype: str
    name: str


@dataclass(frozen=True)
class Derived:
    problem: Problem
    directory: Path
    toml: str
    assumptions: tuple[str, ...]


def _split_params(text: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _param(text: str, index: int) -> Param:
    text = text.split("=", 1)[0].strip()  # default arguments
    m = re.fullmatch(r"(.*?)([A-Za-z_]\w*)\s*(\[\s*\w*\s*\])?", text, re.DOTALL)
    if not m or not m.group(1).strip() or m.group(1).strip() in ("const", "unsigned", "signed"):
        raise ProblemError(f"parameter {index + 1}", f"cannot read '{text}' (unnamed parameter?)")
    ctype = m.group(1).strip()
    if m.group(3):  # `double a[]` is a pointer
        ctype += "*"
    ctype = re.sub(r"\s*([*&])", r"\1", re.sub(r"\s+", " ", ctype))
    return Param(ctype, m.group(2))


def parse_signature(source: str, function: str) -> tuple[str, list[Param]]:
    """(return type, parameters) of the definition of `function` in `source`."""
    code = _COMMENTS.sub(" ", source)
    pattern = re.compile(
        rf"(?m)^[ \t]*((?:[\w:<>,*&]+[ \t\n*&]+)+?)\b{re.escape(function)}\s*\(([^()]*)\)\s*"
        r"(?:noexcept\s*)?\{"
    )
    m = pattern.search(code)
    if m is None:
        raise ProblemError(function, "no definition of this function found in the file")
    words = m.group(1).split()
    if "static" in words:
        raise ProblemError(
            function, "is declared static (internal linkage): remove `static` so it can be tested"
        )
    words = [w for w in words if w not in ("inline", "extern", "constexpr")]
    returns = re.sub(r"\s*([*&])", r"\1", " ".join(words)).strip()
    params_text = m.group(2).strip()
    if params_text in ("", "void"):
        return returns, []
    return returns, [_param(p, i) for i, p in enumerate(_split_params(params_text))]


def _arg_toml(p: Param, name: str, is_length: bool, notes: list[str]) -> list[str]:
    info = classify(p.ctype)
    lines = ["[[args]]", f'name = "{name}"', f'type = "{p.ctype}"']
    if info.kind is Kind.CUSTOM:
        raise ProblemError(
            f"parameter '{p.name}'",
            f"type '{p.ctype}' needs a hook: write a problem.toml with hooks.h "
            "(see docs/problem-format.md)",
        )
    if info.kind is Kind.SCALAR_IN:
        if is_length:
            lines.append('value = "n"')
            notes.append(f"'{p.name}' is the length of the arrays (set to n)")
        elif info.is_float:
            lines.append("range = [-2.0, 2.0]")
            notes.append(f"'{p.name}' is a scalar input drawn from [-2, 2)")
        else:
            lines.append("range = [1, 10]")
            notes.append(f"'{p.name}' is an integer input drawn from [1, 10]")
    elif info.kind in (Kind.ARRAY_IN, Kind.ARRAY_OUT):
        lines.append('size = "n"')
        lines.append("range = [-1.0, 1.0]" if info.is_float else "range = [0, 100]")
        role = "input" if info.kind is Kind.ARRAY_IN else "output (also read: in/out)"
        rng = "[-1, 1)" if info.is_float else "[0, 100]"
        notes.append(f"'{p.name}' is an {role} array of n elements, values in {rng}")
    else:
        notes.append(f"'{p.name}' is an output scalar")
    return lines


def derive_problem(
    source_file: str | Path, function: str, out_dir: str | Path, *, bench_size: int = DEFAULT_BENCH
) -> Derived:
    """Write and load a problem for `function` in `source_file` under `out_dir`."""
    src = Path(source_file).resolve()
    if not src.is_file():
        raise ProblemError(str(source_file), "file not found")
    source = src.read_text()
    returns, params = parse_signature(source, function)
    if not is_supported_return(returns):
        raise ProblemError(
            function,
            f"return type '{returns}' needs a hook: write a problem.toml (see docs/problem-format.md)",
        )
    infos = [classify(p.ctype) for p in params]
    has_arrays = any(i.container in ("vector", "pointer") for i in infos)
    ints = [
        j for j, (p, i) in enumerate(zip(params, infos, strict=True))
        if i.kind is Kind.SCALAR_IN and not i.is_float and i.element != "bool"
    ]  # fmt: skip
    length = {j for j in ints if params[j].name in LENGTH_NAMES}
    if not length and len(ints) == 1 and any(i.container == "pointer" for i in infos):
        length = set(ints)
    if any(i.container == "pointer" for i in infos) and not length:
        raise ProblemError(
            function, "cannot tell the length of its pointer arguments (no integer length "
            f"parameter named one of {', '.join(LENGTH_NAMES)}): write a problem.toml",
        )  # fmt: skip
    notes: list[str] = []
    if not has_arrays and not length:
        notes.append("no array arguments: the size n is only used through the scalars")
    body: list[str] = []
    for j, p in enumerate(params):
        body += _arg_toml(p, p.name, j in length, notes) + [""]
    float_out = any(i.is_float for i in infos) or returns in ("float", "double", "long double")
    header = [
        f'function = "{function}"',
        f'source = "{src.name}"',
        f'name = "{src.stem}-{function}"',
        f'returns = "{returns}"',
        f'description = "derived from {src.name}: {function}"',
        "",
        "[sizes]",
        f"test = [{', '.join(map(str, TEST_SIZES))}]",
        f"bench = {bench_size}",
        "",
        "[compare]",
        "rtol = 1e-6" if float_out else "rtol = 1e-9",
        "atol = 1e-9" if float_out else "atol = 1e-12",
        "",
    ]
    notes.append(f"correctness sizes n = {list(TEST_SIZES)}, timing size n = {bench_size}")
    if float_out:
        notes.append(
            "floating-point outputs compared with rtol 1e-6, atol 1e-9 (reductions may reorder)"
        )
    toml = "\n".join(header + body).rstrip() + "\n"
    digest = hashlib.sha256((toml + source).encode()).hexdigest()[:8]
    directory = Path(out_dir) / f"{src.stem}-{function}-{digest}"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, directory / src.name)
    for h in src.parent.iterdir():
        if h.is_file() and h.suffix in HEADER_SUFFIXES:
            shutil.copyfile(h, directory / h.name)
    (directory / "problem.toml").write_text(toml)
    return Derived(load_problem(directory), directory, toml, tuple(notes))
