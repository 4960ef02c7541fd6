"""Derive a problem from a plain C/C++ file and a function name.

The signature parser (`cparse`) finds the definition and each parameter is classified
(`cxxtypes`: vectors, std::array, pointers and C99 array parameters, scalars, scalar
outputs, std::complex, structs of arithmetic fields). Each array's extent is inferred
from its index expressions and the loop bounds (`extents`): `A[i*n + j]` with i, j < n
gives n*n, two size parameters give n*m. The integer parameters an extent names are the
size parameters: the first (or the one called n) is the harness size n, the others
n + 1, n + 2, ... (unequal, so a transposed loop cannot pass). Test and timing sizes
follow the loop depth. The problem directory (a commented problem.toml, the source and
the headers next to it) is written and loaded with the normal validation, and the
reference is run under AddressSanitizer and UBSan at every test size (`check`): an
access outside an inferred extent refuses the derivation with the argument and the index
expression. Every guess is listed in `Derived.assumptions` with its reason.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from parcodegen.cxxtypes import CxxType, Kind, classify, is_supported_return, parse_structs
from parcodegen.errors import ProblemError
from parcodegen.problems.cparse import Param, find_signature
from parcodegen.problems.extents import Analysis, Poly, analyze
from parcodegen.problems.load import load_problem
from parcodegen.types import Problem

LENGTH_NAMES = ("n", "N", "len", "length", "size", "count", "num", "n_elems", "nelems", "sz")
TEST_SIZES = (0, 1, 2, 7, 33, 1000)
DEFAULT_BENCH = 1_000_000
TEST_WORK = 2_000_000  # the largest test size runs about this many innermost iterations
BENCH_WORK = 300_000_000  # ... and the timing size about this many
BENCH_ELEMENTS = 20_000_000  # the largest array at the timing size
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".inc")
RESERVED = {"n", "rng", "opt", "out", "result", "t0", "t1", "i", "pcg", "std", "main"}


@dataclass(frozen=True)
class Derived:
    problem: Problem
    directory: Path
    toml: str
    assumptions: tuple[str, ...]


def parse_signature(source: str, function: str) -> tuple[str, list[Param]]:
    """(return type, parameters) of the definition of `function` in `source`."""
    sig = find_signature(source, function)
    return sig.returns, list(sig.params)


@dataclass
class _Plan:
    """What the derivation decided, per parameter, with the reasons."""

    sizes: dict[str, str]  # size parameter -> its value (a C++ expression in n)
    extents: dict[str, str]  # array parameter -> element count (C++ in n and size params)
    notes: list[str]
    comments: dict[str, str]  # parameter -> the comment above it in problem.toml
    loop_depth: int
    extent_degree: int


def _is_int_scalar(info: CxxType) -> bool:
    return (
        info.kind is Kind.SCALAR_IN
        and not info.is_float
        and info.element != "bool"
        and info.struct is None
        and not info.is_complex
    )


def _resolve_sizes(poly: Poly, extents: dict[str, Poly | None], own: str) -> Poly | None:
    """Replace `#size:v` (v.size()) by v's extent; None when that is unknown."""
    for var in sorted(poly.variables):
        if var.startswith("#size:"):
            other = var.split(":", 1)[1]
            if other == own:
                return None
            target = extents.get(other)
            if target is None or any(v.startswith("#size:") for v in target.variables):
                return None
            poly = poly.subst(var, target)
    return poly


def _round_up(poly: Poly) -> tuple[Poly, bool]:
    """The leading (highest-degree) part when the rest only subtracts: a stencil that never
    touches the last row still means an n*m array."""
    top = poly.degree
    if top == 0:
        return poly, False
    lead = Poly.of({m: c for m, c in poly.terms if len(m) == top})
    rest = poly - lead
    if rest.terms and rest.nonpos:
        return lead, True
    return poly, False


def _plan(source: str, function: str, params: list[Param], infos: list[CxxType]) -> _Plan:
    ints = [p.name for p, i in zip(params, infos, strict=True) if _is_int_scalar(i)]
    arrays = {
        p.name: p.dims
        for p, i in zip(params, infos, strict=True)
        if i.container in ("vector", "pointer")
    }
    analysis: Analysis = analyze(source, function, arrays, set(ints))
    infos_by_name = {p.name: i for p, i in zip(params, infos, strict=True)}
    raw = {a: e.size for a, e in analysis.extents.items()}
    notes: list[str] = []
    comments: dict[str, str] = {}
    # a vector indexed only within its own size is free: n elements (the harness size)
    free_vectors = {
        name for name in arrays
        if infos_by_name[name].container == "vector"
        and (raw.get(name) is None or f"#size:{name}" in raw[name].variables)  # type: ignore[union-attr]
    }  # fmt: skip
    known: dict[str, Poly | None] = dict(raw)
    for name in free_vectors:
        known[name] = Poly.var("n")
    resolved: dict[str, Poly | None] = {}
    for name in arrays:
        ext = raw.get(name)
        if name in free_vectors:
            resolved[name] = None
        else:
            resolved[name] = None if ext is None else _resolve_sizes(ext, known, name)
    # vectors bounded only by their own size are free: n elements
    size_params = sorted({v for p in resolved.values() if p is not None for v in p.variables} & set(ints),
                         key=[p.name for p in params].index)  # fmt: skip
    if not size_params:
        named = [n for n in ints if n in LENGTH_NAMES]
        if named:
            size_params = named[:1]
        elif len(ints) == 1 and any(i.container == "pointer" for i in infos):
            size_params = ints[:]
    if any(i.container == "pointer" for i in infos) and not size_params:
        raise ProblemError(
            function, "cannot tell the length of its pointer arguments (no integer length "
            f"parameter in the loop bounds or named one of {', '.join(LENGTH_NAMES)}): "
            "write a problem.toml (parcodegen problem init)",
        )  # fmt: skip
    primary = "n" if "n" in size_params else (size_params[0] if size_params else None)
    sizes: dict[str, str] = {}
    extra = 0
    for name in size_params:
        if name == primary:
            sizes[name] = "n"
        else:
            extra += 1
            sizes[name] = f"n + {extra}"
    rename = {s: f"({v})" for s, v in sizes.items() if s in RESERVED and v != "n"}
    extents: dict[str, str] = {}
    degree = 1
    for name in arrays:
        ext = resolved[name]
        why = analysis.extents[name].reason if name in analysis.extents else ""
        if ext is not None and (ext.variables - set(sizes) - {"n"}):
            ext = None
            why = f"{why}; it names {', '.join(sorted(ext_vars(raw[name]) - set(sizes)))}"
        if name in free_vectors:
            extents[name] = "n"
            msg = f"'{name}' is a vector of n elements (the code stays within its own size: {why})"
            notes.append(msg)
            comments[name] = msg
            continue
        if ext is None:
            fallback = primary or "n"
            extents[name] = fallback
            msg = f"'{name}': extent not inferred ({why}); assumed {fallback} elements"
            notes.append(msg)
            comments[name] = msg
            continue
        reached, (ext, rounded) = ext, _round_up(ext)
        degree = max(degree, ext.degree)
        text = ext.cxx(rename) if ext.terms else "1"
        extents[name] = text
        msg = f"'{name}' has {text} elements: {why}"
        if rounded:
            msg += f" (the code reaches {reached.cxx(rename)} of them; rounded up)"
        notes.append(msg)
        comments[name] = msg
    for name, value in sizes.items():
        note = f"'{name}' is a size (set to {value})"
        if value == "n" and len(sizes) == 1:
            note = f"'{name}' is the length of the arrays (set to n)"
        notes.append(note)
        comments[name] = note
    return _Plan(sizes, extents, notes, comments, max(1, analysis.loop_depth), degree)


def ext_vars(p: Poly | None) -> set[str]:
    return set() if p is None else p.variables


def _sizes_for(plan: _Plan, bench: int | None) -> tuple[tuple[int, ...], int]:
    d, e = plan.loop_depth, plan.extent_degree
    cap = min(1000, int(TEST_WORK ** (1 / d)), int((4 * TEST_WORK) ** (1 / e)))
    tests = tuple(sorted({s for s in TEST_SIZES if s < cap} | {cap}))
    if bench is None:
        bench = int(min(BENCH_WORK ** (1 / d), BENCH_ELEMENTS ** (1 / e)))
        bench = max(bench, cap + 1)
    return tests, bench


def _arg_toml(p: Param, info: CxxType, plan: _Plan, notes: list[str]) -> list[str]:
    comment = plan.comments.get(p.name)
    lines = [f"# {comment}"] if comment else []
    lines += ["[[args]]", f'name = "{p.name}"', f'type = "{p.ctype}"']
    if info.kind is Kind.CUSTOM:
        raise ProblemError(
            f"parameter '{p.name}'",
            f"type '{p.ctype}' needs a hook: write a problem.toml with hooks.h "
            "(see docs/problem-format.md)",
        )
    if info.kind is Kind.SCALAR_IN:
        if p.name in plan.sizes:
            lines.append(f'value = "{plan.sizes[p.name]}"')
        elif info.is_float:
            lines.append("range = [-2.0, 2.0]")
            notes.append(f"'{p.name}' is a scalar input drawn from [-2, 2)")
        elif info.element == "bool":
            notes.append(f"'{p.name}' is a flag drawn at random")
        elif info.struct is not None:
            lines.append("range = [-1.0, 1.0]")
            notes.append(f"'{p.name}' is a {info.element} with every field drawn from [-1, 1]")
        else:
            lines.append("range = [1, 10]")
            notes.append(f"'{p.name}' is an integer input drawn from [1, 10]")
    elif info.is_array:
        if info.container != "array":
            lines.append(f'size = "{plan.extents.get(p.name, "n")}"')
        lines.append("range = [-1.0, 1.0]" if info.is_float else "range = [0, 100]")
        role = "input" if info.kind is Kind.ARRAY_IN else "output (also read: in/out)"
        rng = "[-1, 1)" if info.is_float else "[0, 100]"
        if info.container == "vector" and p.name not in plan.comments:
            notes.append(f"'{p.name}' is an {role} array of n elements, values in {rng}")
        else:
            notes.append(f"'{p.name}' is an {role} array, values in {rng}")
    else:
        notes.append(f"'{p.name}' is an output scalar")
    return lines


def derive_toml(source: str, function: str, source_name: str, *, bench_size: int | None = None,
                structs_text: str = "", defines: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:  # fmt: skip
    """(problem.toml text with a comment on every guess, the assumptions) for `function`."""
    sig = find_signature(source, function)
    structs = parse_structs(structs_text + "\n" + source)
    if not is_supported_return(sig.returns, structs):
        raise ProblemError(
            function,
            f"return type '{sig.returns}' needs a hook: write a problem.toml (see docs/problem-format.md)",
        )
    params = list(sig.params)
    infos = [classify(p.ctype, structs) for p in params]
    for p, info in zip(params, infos, strict=True):
        if info.kind is Kind.CUSTOM:
            raise ProblemError(
                f"parameter '{p.name}'",
                f"type '{p.ctype}' needs a hook: write a problem.toml with hooks.h "
                "(see docs/problem-format.md)",
            )
    plan = _plan(source, function, params, infos)
    notes: list[str] = list(plan.notes)
    if not any(i.is_array for i in infos) and not plan.sizes:
        notes.append("no array arguments: the size n is only used through the scalars")
    body: list[str] = []
    for p, info in zip(params, infos, strict=True):
        body += _arg_toml(p, info, plan, notes) + [""]
    tests, bench = _sizes_for(plan, bench_size)
    float_out = any(i.is_float for i in infos) or sig.returns in ("float", "double", "long double")
    rtol, atol = _tolerances(infos, sig.returns) if float_out else ("1e-9", "1e-12")
    stem = Path(source_name).stem
    header = [
        f"# Derived by parcodegen from {source_name}: {function}. Check every guess below;",
        "# the reference was run under AddressSanitizer and UBSan at every test size.",
        f'function = "{function}"',
        f'source = "{source_name}"',
        f'name = "{stem}-{function}"',
        f'returns = "{sig.returns}"',
        f'description = "derived from {source_name}: {function}"',
        *(["defines = [" + ", ".join(f'"{d}"' for d in defines) + "]"] if defines else []),
        "",
        f"# loop depth {plan.loop_depth}: test sizes up to ~{TEST_WORK:.0e} iterations, timing ~{BENCH_WORK:.0e}",
        "[sizes]",
        f"test = [{', '.join(map(str, tests))}]",
        f"bench = {bench}",
        "",
        "# floating point: a parallel reduction may reorder sums"
        if float_out
        else "# integers: exact",
        "[compare]",
        f"rtol = {rtol}",
        f"atol = {atol}",
        "",
    ]
    notes.append(f"correctness sizes n = {list(tests)}, timing size n = {bench}")
    if float_out:
        shown = f"rtol {rtol}, atol {atol}".replace('"', "")
        notes.append(f"floating-point outputs compared with {shown} (reductions may reorder)")
    return "\n".join(header + body).rstrip() + "\n", tuple(notes)


# A sum of n single-precision terms in [-1, 1] reordered (a parallel reduction) differs
# from the serial order by about 2^-24 * sqrt(n) relative, and near a cancellation by
# about that much absolute: 1.4e-6 relative at n = 1000, 2.5e-5 at 256000 (4 partial
# sums against one), far beyond a fixed 1e-6. Double precision has 2^29 times the room.
SINGLE_RTOL = '"1e-5 * sqrt(n + 1)"'
SINGLE_ATOL = '"1e-6 * sqrt(n + 1)"'


def _single_precision(info: CxxType) -> bool:
    if info.struct is not None:
        return any(f.ctype == "float" for f in info.struct.fields)
    return info.element == "float" or info.element.endswith("complex<float>")


def _tolerances(infos: list[CxxType], returns: str) -> tuple[str, str]:
    """(rtol, atol) as problem.toml values: tolerances that grow with n when an output is
    single precision, fixed ones for double."""
    if returns == "float" or any(i.is_output and _single_precision(i) for i in infos):
        return SINGLE_RTOL, SINGLE_ATOL
    return "1e-6", "1e-9"


TARGET_SECONDS = 0.4  # what the reference should take at the timing size


def calibrate_bench(problem: Problem, toml: str) -> tuple[int, float] | None:
    """A timing size at which the reference takes about TARGET_SECONDS: time it at growing
    sizes (from the largest test size) and extrapolate with the loop depth; None when the
    reference cannot be run (the sanitizer check will say why). Returns (size, estimated
    seconds of the reference there)."""
    from parcodegen.tools.build import build_problem, run_harness

    m = re.search(r"loop depth (\d+)", toml)
    depth = int(m.group(1)) if m else 1
    limit = problem.bench_size  # the memory bound set by the derivation
    n = max(problem.test_sizes)
    try:
        build = build_problem(problem)
    except ProblemError:
        return None
    for _ in range(4):
        run = run_harness(
            build.reference_bin, seed=1, n=n, pattern="random", threads=1, wall_s=60.0
        )
        if not run.ok or run.outputs is None:
            return None
        t = run.call_s
        if t >= 0.02 or n >= limit:
            break
        n = min(limit, n * 4)
    if not t > 0:
        return None
    target = int(n * (TARGET_SECONDS / t) ** (1 / depth))
    size = max(max(problem.test_sizes) + 1, min(limit * 2, target))
    return size, t * (size / n) ** depth


USER_MAIN = "pcg_user_main"
_MAIN = re.compile(r"(?m)^([ \t]*(?:static[ \t]+)?(?:int|void)[ \t\n]+)main([ \t]*\()")


def without_main(source: str, function: str) -> tuple[str, bool]:
    """`source` with a definition of main renamed USER_MAIN (line numbers kept), unless
    `function` is main; and whether there was one."""
    if function == "main":
        return source, False
    renamed = _MAIN.sub(rf"\g<1>{USER_MAIN}\g<2>", source)
    return renamed, renamed != source


def derive_problem(
    source_file: str | Path,
    function: str,
    out_dir: str | Path,
    *,
    bench_size: int | None = None,
    check: bool = True,
    exact_dir: bool = False,
    defines: tuple[str, ...] = (),
) -> Derived:
    """Write and load a problem for `function` in `source_file` under `out_dir` (in a
    content-named subdirectory, or `out_dir` itself with `exact_dir`); with `check`, run
    the reference under the sanitizers and refuse the derivation on a finding."""
    src = Path(source_file).resolve()
    if not src.is_file():
        raise ProblemError(str(source_file), "file not found")
    source = src.read_text()
    headers = [
        h for h in sorted(src.parent.iterdir()) if h.is_file() and h.suffix in HEADER_SUFFIXES
    ]
    headers_text = "\n".join(h.read_text(errors="replace") for h in headers)
    toml, notes = derive_toml(source, function, src.name, bench_size=bench_size,
                              structs_text=headers_text, defines=defines)  # fmt: skip
    digest = hashlib.sha256((toml + source).encode()).hexdigest()[:8]
    directory = Path(out_dir) if exact_dir else Path(out_dir) / f"{src.stem}-{function}-{digest}"
    directory.mkdir(parents=True, exist_ok=True)
    copy, renamed = without_main(source, function)
    (directory / src.name).write_text(copy)
    if renamed:
        notes = (*notes, f"the file's main() is renamed {USER_MAIN} in the problem's copy (the "
                 "harness has its own main)")  # fmt: skip
    for h in headers:
        shutil.copyfile(h, directory / h.name)
    (directory / "problem.toml").write_text(toml)
    problem = load_problem(directory)
    if bench_size is None:
        calibrated = calibrate_bench(problem, toml)
        if calibrated is not None and calibrated[0] != problem.bench_size:
            bench, seconds = calibrated
            toml = re.sub(r"(?m)^bench = \d+$", f"bench = {bench}", toml)
            notes = tuple(re.sub(r"timing size n = \d+", f"timing size n = {bench} (the reference "
                                 f"takes ~{seconds:.2f}s there, estimated)", x) for x in notes)  # fmt: skip
            (directory / "problem.toml").write_text(toml)
            problem = load_problem(directory)
    if check:
        from parcodegen.problems.check import check_problem

        result = check_problem(problem)
        if not result.ok:
            raise ProblemError(
                f"{src.name}: {function}",
                f"the derived problem is wrong: {result.message}\n(inferred: "
                + "; ".join(n for n in notes if "elements" in n or "size" in n)
                + f")\nedit {directory / 'problem.toml'} and pass that directory instead",
            )
        notes = (*notes, result.message)
    return Derived(problem, directory, toml, notes)
