"""Exact dependence tests for affine array accesses in a loop nest (with isl).

`carried(loop, ...)` answers: can two different iterations of `loop` touch the same
element of an array (one of them writing it)? Each access is an index polynomial
(`linear`); a flattened row-major index (`(i*n + j)*n + k`) is first split into
dimensions (`[i][j][k]` with extents `n`, `n`) when every inner dimension provably stays
in `[0, extent)` over the loop bounds, so that `a[i*n + j]` and `a[j*n + i]` are compared
per dimension. Then, for every pair (a write, any access) of the array, the integer set

    { (iteration 1, iteration 2) : both within the loop bounds, same element,
                                   loop variable 1 < loop variable 2 (and >) }

is built with islpy and tested for emptiness. Loops enclosing `loop` are parameters
(equal in both iterations, bounded by their own headers); loops inside it give each
iteration its own copy of their variables, bounded by their headers; any other name that
changes in the body is a free variable. Whatever cannot be written affinely (a product of
two varying names, a bound that is not affine) is dropped from the constraints, which can
only add solutions: the test may report a dependence that does not exist, never miss one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parcodegen.autopar.access import Access
from parcodegen.autopar.loops import LoopHeader, Poly, linear, parse_header
from parcodegen.autopar.syntax import Node, text


@dataclass(frozen=True)
class LoopRange:
    var: str
    lo: Poly | None  # inclusive bounds; None when not an integer polynomial
    hi: Poly | None


def loop_range(h: LoopHeader) -> LoopRange:
    """The inclusive range a canonical loop's variable takes (bounds as polynomials)."""
    start = linear(h.lower) if h.lower is not None else None
    end = linear(h.bound)
    if h.step is None or end is None:
        return LoopRange(h.var, None, None)
    if h.step > 0:
        hi = _shift(end, -1) if h.op in ("<", "!=") else end
        return LoopRange(h.var, start, hi)
    lo = _shift(end, 1) if h.op in (">", "!=") else end
    return LoopRange(h.var, lo, start)


def _shift(p: Poly, c: int) -> Poly:
    out = dict(p)
    out[()] = out.get((), 0) + c
    return {m: v for m, v in out.items() if v}


def enclosing_ranges(
    node: Node, stop: Node | None = None, always: Node | None = None
) -> list[tuple[Node, LoopRange]]:
    """Canonical for loops enclosing `node` (innermost first), up to the function or
    up to and including `stop`; a loop whose variable is declared outside its header
    counts only when it is `always` (the tested loop: its body does not write it)."""
    out = []
    cur = node.parent
    while cur is not None and cur.type != "function_definition":
        if cur.type == "for_statement":
            body = cur.child_by_field_name("body")
            if body is not None and body.start_byte <= node.start_byte:
                h, _ = parse_header(cur)
                if h is not None and (h.declared_in_init or cur == always):
                    out.append((cur, loop_range(h)))
        if stop is not None and cur == stop:
            break
        cur = cur.parent
    return out


# --------------------------------------------------------------------------- polynomials


def _add(a: Poly, b: Poly, scale: int = 1) -> Poly:
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, 0) + scale * c
    return {m: v for m, v in out.items() if v}


def _extreme(poly: Poly, ranges: dict[str, LoopRange], want_max: bool) -> Poly | None:
    """A bound on `poly` over the loop ranges (a lower bound, or an upper one), found by
    replacing each loop variable by the end of its range its coefficient's sign picks,
    repeatedly (bounds may name enclosing loop variables)."""
    cur = poly
    for _ in range(8):
        if not any(n in ranges for m in cur for n in m):
            return cur
        out: Poly = {}
        for mono, c in cur.items():
            names = [n for n in mono if n in ranges]
            if not names:
                out = _add(out, {mono: c})
                continue
            if len(mono) != 1:
                return None
            r = ranges[mono[0]]
            pick = r.hi if (c > 0) == want_max else r.lo
            if pick is None:
                return None
            out = _add(out, pick, c)
        cur = out
    return None


def _constant(p: Poly | None) -> int | None:
    if p is None or set(p) - {()}:
        return None
    return p.get((), 0)


# --------------------------------------------------------------------------- subscripts


@dataclass
class _Use:
    access: Access
    dims: list[Poly]
    ranges: dict[str, LoopRange]  # every enclosing loop (also outside the tested loop)
    inner: list[str]  # loop variables of loops inside the tested loop (and its own)


def _delinearize(uses: list[_Use], varying: set[str]) -> list[list[Poly]] | None:
    """Split one-dimensional indices into row-major dimensions, or None. Variables of
    enclosing loops (outside the tested one too) index dimensions like varying names."""
    varying = varying.union(*(u.ranges for u in uses))
    strides: set[tuple[str, ...]] = {()}
    for u in uses:
        for mono in u.dims[0]:
            var = [n for n in mono if n in varying]
            if len(var) > 1:
                return None
            if var:
                strides.add(tuple(n for n in mono if n not in varying))
    order = sorted(strides, key=len)
    if len(order) < 2:
        return None
    extents: list[str] = []
    for small, big in zip(order, order[1:], strict=False):
        rest = list(big)
        for n in small:
            if n not in rest:
                return None
            rest.remove(n)
        if len(rest) != 1:
            return None
        extents.append(rest[0])
    out = []
    for u in uses:
        parts: list[Poly] = [{} for _ in order]
        for mono, c in u.dims[0].items():
            var_part = tuple(n for n in mono if n in varying)
            par = tuple(n for n in mono if n not in varying)
            if par not in order:
                return None
            k = order.index(par)
            parts[k] = _add(parts[k], {var_part: c})
        for k, extent in enumerate(extents):
            lo = _constant(_extreme(parts[k], u.ranges, want_max=False))
            hi = _extreme(parts[k], u.ranges, want_max=True)
            gap = _gap(extent, hi, u.ranges) if hi is not None else None
            if lo is None or lo < 0 or gap is None or gap < 0:
                return None
        out.append(list(reversed(parts)))
    return out


def _gap(extent: str, hi: Poly, ranges: dict[str, LoopRange]) -> int | None:
    """A lower bound on `extent - 1 - hi` wherever the access runs, or None. A constant
    `hi` (the `s[i*n]` of a row, index 0) counts: the access runs inside a loop
    `v = L .. extent - 1`, so there `extent >= L + 1`."""
    diff = _add({(extent,): 1, (): -1}, hi, -1)
    exact = _constant(diff)
    if exact is not None:
        return exact
    if set(diff) - {(), (extent,)} or diff.get((extent,)) != 1:
        return None
    least = [
        lo + 1
        for r in ranges.values()
        if r.hi is not None and r.hi == {(extent,): 1, (): -1}
        and (lo := _constant(r.lo)) is not None
    ]  # fmt: skip
    return max(least) + diff.get((), 0) if least else None


_WORD = re.compile(r"\W")


def _isl_expr(poly: Poly, rename: dict[str, str], params: set[str]) -> str | None:
    """`poly` as an isl affine expression: renamed names are variables, every other
    monomial is a parameter symbol; None when a variable is multiplied by a name."""
    terms = []
    for mono, c in sorted(poly.items()):
        vars_ = [rename[n] for n in mono if n in rename]
        rest = [n for n in mono if n not in rename]
        if len(vars_) > 1 or (vars_ and rest):
            return None
        if vars_:
            terms.append(f"{c}*{vars_[0]}")
        elif rest:
            sym = "p_" + "__".join(_WORD.sub("_", n) for n in rest)
            params.add(sym)
            terms.append(f"{c}*{sym}")
        else:
            terms.append(str(c))
    return " + ".join(terms) if terms else "0"


def _instance(u: _Use, tag: str, varying: set[str]) -> dict[str, str]:
    names = set(u.inner)
    for d in u.dims:
        for mono in d:
            names |= {n for n in mono if n in varying}
    return {n: f"v{tag}_{_WORD.sub('_', n)}" for n in sorted(names)}


def _constraints(
    u: _Use, rename: dict[str, str], params: set[str], outer: bool, varying: set[str]
) -> list[str]:
    out = []
    for var, r in u.ranges.items():
        if (var in rename) == outer:
            continue
        sym = rename.get(var) or _isl_expr({(var,): 1}, rename, params)
        for bound, op in ((r.lo, ">="), (r.hi, "<=")):
            if bound is None or any(n in varying and n not in rename for m in bound for n in m):
                continue  # a bound naming a value that changes in the body: dropped
            e = _isl_expr(bound, rename, params)
            if e is not None:
                out.append(f"{sym} {op} {e}")
    return out


def _may_meet(a: _Use, b: _Use, da: list[Poly], db: list[Poly], var: str, varying: set[str]):
    """Whether iterations with different `var` can reach the same element via a and b."""
    import islpy as isl

    ra, rb = _instance(a, "1", varying), _instance(b, "2", varying)
    params: set[str] = set()
    cons = _constraints(a, ra, params, False, varying)
    cons += _constraints(b, rb, params, False, varying)
    cons += _constraints(a, ra, params, True, varying)
    for pa, pb in zip(da, db, strict=True):
        ea, eb = _isl_expr(pa, ra, params), _isl_expr(pb, rb, params)
        if ea is None or eb is None:
            return True  # not affine: assume they meet
        cons.append(f"{ea} = {eb}")
    va, vb = ra.get(var), rb.get(var)
    if va is None or vb is None:
        return True
    names = ", ".join(list(ra.values()) + list(rb.values()))
    for order in ("<", ">"):
        body = " and ".join(cons + [f"{va} {order} {vb}"])
        s = isl.Set(f"[{', '.join(sorted(params))}] -> {{ [{names}] : {body} }}")
        if not s.is_empty():
            return True
    return False


def carried(
    loop: Node,
    header: LoopHeader,
    accesses: list[Access],
    varying: set[str],
    subst,
) -> str | None:
    """None when no two different iterations of `loop` touch one element of these
    accesses (one of them writing); otherwise why a dependence may exist."""
    uses = []
    for acc in accesses:
        if acc.role == "meta":
            continue
        dims = [subst(d) for d in acc.dims]
        if not dims or any(d is None for d in dims):
            return f"'{text(acc.top)}' has an indirect or non-affine index"
        enclosing = enclosing_ranges(acc.node, always=loop)
        ranges = {r.var: r for _, r in reversed(enclosing)}
        inner = []
        for node, r in enclosing:
            inner.append(r.var)
            if node == loop:
                break
        uses.append(_Use(acc, dims, ranges, inner))
    if not uses or not any(u.access.writes for u in uses):
        return None
    if len({len(u.dims) for u in uses}) != 1:
        return "accessed with different numbers of subscripts"
    shaped = _delinearize(uses, varying) if len(uses[0].dims) == 1 else None
    dims = shaped if shaped is not None else [u.dims for u in uses]
    for i, a in enumerate(uses):
        if not a.access.writes:
            continue
        for j, b in enumerate(uses):
            if j < i and b.access.writes:
                continue  # that pair was tested from the other side
            if _may_meet(a, b, dims[i], dims[j], header.var, varying):
                what = text(a.access.top)
                other = text(b.access.top)
                pair = f"'{what}'" if what == other else f"'{what}' and '{other}'"
                return (
                    f"{pair} may touch the same element in different iterations of "
                    f"'{header.var}' (line {a.access.node.start_point[0] + 1}): "
                    "loop-carried dependence"
                )
    return None


def poly_c(poly: Poly) -> str:
    """A polynomial as a C++ expression (`2*n*m + -1` style, parenthesized)."""
    terms = []
    for mono, c in sorted(poly.items()):
        factors = ([str(c)] if c != 1 or not mono else []) + list(mono)
        terms.append("*".join(factors))
    return "(" + (" + ".join(terms) if terms else "0") + ")"


def section_of(loop: Node, accesses: list[Access], subst) -> tuple[str, str] | None:
    """(first index, length) as C++ expressions covering every element the accesses
    touch over the iterations of `loop`, in names known before the loop; None when an
    index or a bound is not an integer polynomial."""
    lows, highs = [], []
    for acc in accesses:
        if acc.role == "meta":
            continue
        if len(acc.dims) != 1:
            return None
        poly = subst(acc.dims[0])
        if poly is None:
            return None
        ranges = {}
        for node, r in enclosing_ranges(acc.node, stop=loop, always=loop):
            ranges[r.var] = r
            if node == loop:
                break
        lo = _extreme(poly, ranges, want_max=False)
        hi = _extreme(poly, ranges, want_max=True)
        if lo is None or hi is None:
            return None
        lows.append(lo)
        highs.append(hi)
    if not lows:
        return None
    lo_c = poly_c(lows[0]) if len(lows) == 1 else _fold("std::min", lows)
    hi_c = poly_c(highs[0]) if len(highs) == 1 else _fold("std::max", highs)
    return lo_c, f"({hi_c} - {lo_c} + 1)"


def _fold(fn: str, polys: list[Poly]) -> str:
    uniq = list(dict.fromkeys(poly_c(p) for p in polys))
    out = uniq[0]
    for p in uniq[1:]:
        out = f"{fn}<long>({out}, {p})"
    return out


__all__ = ["LoopRange", "carried", "enclosing_ranges", "loop_range", "poly_c", "section_of"]
