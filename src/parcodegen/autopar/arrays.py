"""Arrays in a loop body: which elements an iteration owns, and what may alias.

An access is owned by iteration `i` when some index dimension is `c*i + rest + k` (c a
constant, rest loop-invariant, k a constant within one step) or the row-major block
`i*S + j` with `0 <= j < S`. A written array must be used only at its owned slice; a
pointer (or a local pointer/reference into an array) may overlap other arrays, which must
then be used only at the same elements, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from parcodegen.autopar.access import Access
from parcodegen.autopar.reductions import array_reduction_op
from parcodegen.autopar.loops import LoopHeader, Poly, freeze, linear, poly_names, split
from parcodegen.autopar.syntax import Node, VarInfo, identifiers, text, walk

if TYPE_CHECKING:
    from parcodegen.autopar.analysis import LoopAnalysis, Scope


Inner = dict[str, list[tuple[LoopHeader, Node]]]  # loop var -> (header, loop) per inner loop
DepTest = Callable[[set[str]], "str | None"]  # arrays (one alias group) -> why dependent
SectionOf = Callable[[str], bool]  # pointer -> whether its reduced section is known


def substitute(poly: Poly | None, defs: dict[str, Poly]) -> Poly | None:
    """Replace local index variables (`const int c = i*n + j;`) by their definitions."""
    if poly is None or not defs:
        return poly
    out: Poly = {}
    for mono, coef in poly.items():
        term: Poly = {(): coef}
        for name in mono:
            factor = defs.get(name, {(name,): 1})
            term = {
                tuple(sorted(a + b)): ca * cb for a, ca in term.items() for b, cb in factor.items()
            }
        for m, c in term.items():
            out[m] = out.get(m, 0) + c
    return {m: c for m, c in out.items() if c}


def owned_key(
    acc: Access,
    var: str,
    varying: set[str],
    inner: Inner,
    header: LoopHeader | None = None,
    defs: dict[str, Poly] | None = None,
):
    """Which slice of the array this access touches, as owned by one iteration of `var`:
    (('exact', dim, c, rest), offset) for index c*var + rest + offset (offset a constant),
    (('block', dim, S), 0) for var*S + j with 0 <= j < S (j an enclosing inner loop's
    variable), (('column', dim, S), 0) for var + S*(anything) with 0 <= var < S;
    None when the access is not provably owned by its iteration."""
    for k, raw in enumerate(acc.dims):
        poly = substitute(raw, defs or {})
        if poly is None:
            continue
        parts = split(poly, var)
        if parts is None:
            return None
        stride, rest = parts
        if not stride:
            continue
        rest_varying = poly_names(rest) & varying
        if set(stride) == {()} and not rest_varying:
            offset = rest.get((), 0)
            symbolic = {m: c for m, c in rest.items() if m != ()}
            return ("exact", k, stride[()], freeze(symbolic)), offset
        if (
            len(stride) == 1
            and list(stride.values()) == [1]
            and not (poly_names(stride) & varying)
            and _in_block(rest, stride, inner, acc.node)
        ):
            return ("block", k, freeze(stride)), 0
        if stride == {(): 1} and header is not None and _in_column(rest, header, varying):
            size = {m: c for m, c in (linear(header.bound) or {}).items() if m != ()}
            return ("column", k, freeze(size)), 0
        return None
    return None


def _in_block(rest: Poly, stride: Poly, inner: Inner, at: Node) -> bool:
    if not rest:
        return True
    if len(rest) != 1 or list(rest.values()) != [1]:
        return False
    (mono,) = rest
    if len(mono) != 1:
        return False
    for h, loop in inner.get(mono[0], []):
        if not (loop.start_byte <= at.start_byte and at.end_byte <= loop.end_byte):
            continue
        return h.declared_in_init and h.step == 1 and _within(h, stride)
    return False


def _within(h: LoopHeader, size: Poly) -> bool:
    """Whether an ascending loop's variable stays in [0, size): constant start >= 0 and an
    end of `size - c` (c >= 0 for <, c >= 1 for <=)."""
    lower = linear(h.lower) if h.lower is not None else None
    bound = linear(h.bound)
    if lower is None or bound is None or set(lower) - {()} or lower.get((), 0) < 0:
        return False
    if h.op not in ("<", "<="):
        return False
    gap = {m: c for m, c in bound.items()}
    for m, c in size.items():
        gap[m] = gap.get(m, 0) - c
    gap = {m: c for m, c in gap.items() if c}
    if set(gap) - {()}:
        return False
    slack = gap.get((), 0) + (1 if h.op == "<=" else 0)
    return slack <= 0


def _in_column(rest: Poly, header: LoopHeader, varying: set[str]) -> bool:
    """var + S*X with the loop running 0 <= var < S: distinct iterations, distinct
    residues mod S, whatever X is."""
    bound = linear(header.bound)
    if not bound or header.step != 1 or poly_names(bound) & varying:
        return False
    size = {m: c for m, c in bound.items() if m != ()}  # the bound without its constant
    if len(size) != 1 or list(size.values()) != [1] or not _within(header, size):
        return False
    (factor,) = size
    for mono in rest:
        rest_names = list(mono)
        for name in factor:
            if name not in rest_names:
                return False
            rest_names.remove(name)
    return bool(rest)


def array_keys(
    arrays: dict[str, VarInfo],
    by_name: dict[str, list[Access]],
    header: LoopHeader,
    varying: set[str],
    inner: Inner,
    defs: dict[str, Poly],
    result: LoopAnalysis,
    dep: DepTest | None = None,
    proven: set[str] | None = None,
    section: SectionOf | None = None,
) -> tuple[dict[str, set], dict[str, set]]:
    """(written array -> the (key, offset) set it uses, read-only array -> its keys).

    A written array whose slice is not owned by the iteration in the simple forms is
    handed to `dep` (the exact dependence test); an array it clears is added to
    `proven`; one it does not clear but that is only ever `x[..] += e` becomes an array
    reduction (`result.array_reductions`) when it is a std::vector."""
    proven = proven if proven is not None else set()
    var, step = header.var, header.step
    keys: dict[str, set] = {}
    reads: dict[str, set] = {}
    for name, info in arrays.items():
        uses = [u for u in by_name[name] if u.role != "meta"]
        if any(u.role in ("call", "addr") for u in uses):
            result.reasons.append(f"passes '{name}' by address or calls a method on it")
            continue
        if not any(u.writes for u in uses):
            reads[name] = {owned_key(u, var, varying, inner, header, defs) for u in uses}
            continue
        if info.const:
            continue  # the compiler rejects the write anyway
        if info.kind == "pointer" and info.depth > 1:
            result.reasons.append(
                f"writes through '{name}' ({info.type_text} with "
                f"{info.depth} levels): rows may alias"
            )
            continue
        found: dict[object, Access] = {}
        offsets: set[int] = set()
        for u in uses:
            key = owned_key(u, var, varying, inner, header, defs)
            if key is not None:
                offsets.add(key[1])
                key = key[0]
            found.setdefault(key, u)
        reason = _owned_problem(name, found, offsets, uses, var, step)
        if reason is None:
            keys[name] = {(next(iter(found)), off) for off in offsets}
            continue
        if reason.startswith("indirect") or dep is None or any(not u.dims for u in uses):
            result.reasons.append(reason)
            continue
        why = dep({name})
        if why is None:
            keys[name] = {(("dependence-free", name), 0)}
            proven.add(name)
        elif info.depth == 1 and array_reduction_op(uses) and _reducible(name, info, section):
            result.array_reductions[name] = "+"
            keys[name] = {(("reduction", name), 0)}
        else:
            result.reasons.append(why)
    return keys, reads


def _reducible(name: str, info: VarInfo, section: SectionOf | None) -> bool:
    """A std::vector is reduced through its data(); a pointer needs the section of
    elements the loop touches (from the index bounds), recorded in the analysis."""
    if info.kind == "container":
        return True
    return info.kind == "pointer" and section is not None and section(name)


def _owned_problem(name, found, offsets, uses, var, step) -> str | None:
    if None in found:
        bad = found[None]
        if any(d is None for d in bad.dims):
            return f"indirect or non-affine index in '{text(bad.top)}' (line {bad.node.start_point[0] + 1})"
        if not bad.dims:
            return f"'{name}' is written and also used as a whole"
        return (
            f"'{text(bad.top)}' (line {bad.node.start_point[0] + 1})"
            f" is not owned by one iteration of '{var}': possible cross-iteration conflict"
        )
    key = next(iter(found))
    window = abs(key[2] * (step or 1)) if key[0] == "exact" else 1
    if len(found) > 1 or (key[0] == "exact" and max(offsets) - min(offsets) >= window):
        texts = " and ".join(sorted({text(u.top) for u in uses if u.dims}))
        return f"'{name}' is accessed as {texts}: loop-carried dependence"
    return None


def check_aliasing(
    arrays: dict[str, VarInfo],
    keys: dict[str, set],
    reads: dict[str, set],
    result: LoopAnalysis,
    dep: DepTest | None = None,
) -> None:
    """A written array and another array, either of them a (non-restrict) pointer, may
    overlap: the other must then be used only at the very elements the writer owns."""
    for w, mine in keys.items():
        for other, info in arrays.items():
            if other == w:
                continue
            pointerish = arrays[w].kind == "pointer" or info.kind == "pointer"
            if not pointerish or arrays[w].restrict or info.restrict:
                continue
            theirs = keys.get(other, reads.get(other, {None}))
            if not theirs <= mine and (dep is None or dep({w, other}) is not None):
                result.reasons.append(
                    f"'{w}' and '{other}' may alias (a pointer is involved)"
                    f" and '{other}' is used at other elements than '{w}'"
                )


def _bases(info: VarInfo, scope: Scope) -> set[str] | None:
    """The arrays a local pointer/reference may point into: the names in its initializer
    (None when unknown: no initializer, or assigned again elsewhere)."""
    decl = info.node
    init = None
    for d in decl.children_by_field_name("declarator") if decl is not None else []:
        if d.type == "init_declarator" and info.name in identifiers(
            d.child_by_field_name("declarator") or d
        ):
            init = d.child_by_field_name("value")
    if init is None:
        return None
    body = scope.function.child_by_field_name("body")
    for n in walk(body):
        if n.type == "assignment_expression" and text(n.child_by_field_name("left")) == info.name:
            return None
    return identifiers(init)


def check_derived(
    arrays: dict[str, VarInfo],
    by_name: dict[str, list[Access]],
    scope: Scope,
    loop: Node,
    result: LoopAnalysis,
) -> None:
    """A local pointer or reference into another array may overlap it at any offset: when
    either is written, the other must not be used in the loop at all."""
    written = {n for n in arrays if any(u.writes for u in by_name[n])}
    for name, info in arrays.items():
        if name in scope.params or (info.kind != "pointer" and not info.reference):
            continue
        if scope.globals.get(name) is info:
            continue
        bases = _bases(info, scope)
        others = set(arrays) - {name}
        suspects = others if bases is None else (bases & others)
        for other in sorted(suspects):
            if name in written or other in written:
                result.reasons.append(f"'{name}' may point into '{other}' (both used, one written)")
