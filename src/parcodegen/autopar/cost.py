"""A static cost model: how many parallel regions a variant starts and how much work each
holds, so that variants are ranked before any is timed and hopeless ones are not timed.

Trip counts come from the loop headers as polynomials in the problem's size names
(`n`, `steps`, ...), evaluated at the values those names have at the problem's
benchmark size when they are known (`Sizes`: the scalar arguments' values), else at a
nominal size; a bound naming an enclosing loop variable (a triangle) counts half of the
largest size. A parallel loop nested in a serial loop starts one
region per serial iteration: when the work of each region grows at most linearly with a
size that the serial loop also runs over (a shrinking dot product inside back
substitution, a column pass inside a row loop), region start-up costs about as much as
the work it splits, at any size: the variant is predicted hopeless.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from parcodegen.autopar.dependence import loop_range
from parcodegen.autopar.loops import parse_header
from parcodegen.autopar.syntax import Node, line_of, outermost_loops

NOMINAL = 1000.0  # the value an unknown size name is assumed to have when estimating
Sizes = Mapping[str, float]  # size name (a scalar argument) -> its value at the bench size
LOOPS = ("for_statement", "while_statement", "do_statement", "for_range_loop")


@dataclass(frozen=True)
class Work:
    value: float  # estimated iterations of the innermost statements
    degree: int  # how many size-dependent loops are multiplied
    names: frozenset[str]  # size names the trip counts use


def _value(name: str, loop_vars: set[str], sizes: Sizes) -> float:
    if name in loop_vars:  # a triangle: half of the largest size on average
        return max([NOMINAL if not sizes else 0.0, *sizes.values()]) / 2
    return float(sizes.get(name, NOMINAL))


def trip(loop: Node, loop_vars: set[str], sizes: Sizes | None = None) -> Work:
    """Estimated trip count of one loop."""
    sizes = sizes or {}
    unknown = Work(max([NOMINAL, *sizes.values()]), 1, frozenset({"?"}))
    if loop.type != "for_statement":
        return unknown
    h, _ = parse_header(loop)
    if h is None:
        return unknown
    r = loop_range(h)
    if r.lo is None or r.hi is None:
        return unknown
    diff = dict(r.hi)
    for m, c in r.lo.items():
        diff[m] = diff.get(m, 0) - c
    diff[()] = diff.get((), 0) + 1
    names = {n for m in diff for n in m}
    value = 0.0
    for mono, c in diff.items():
        term = float(c)
        for n in mono:
            term *= _value(n, loop_vars, sizes)
        value += term
    steps = abs(h.step or 1)
    value = max(value / steps, 1.0)
    size_names = frozenset(n for n in names if n not in loop_vars)
    return Work(value, 1 if names else 0, size_names)


def work(loop: Node, loop_vars: set[str] | None = None, sizes: Sizes | None = None) -> Work:
    """Estimated work of a whole loop: its trips times (1 + the work of its inner loops)."""
    loop_vars = set(loop_vars or set()) | _vars_of(loop)
    t = trip(loop, loop_vars, sizes)
    body = loop.child_by_field_name("body")
    inner = [
        work(c, loop_vars, sizes)
        for c in (outermost_loops(body, LOOPS) if body is not None else [])
    ]
    value = t.value * (1 + sum(w.value for w in inner))
    degree = t.degree + max((w.degree for w in inner), default=0)
    names = t.names.union(*(w.names for w in inner)) if inner else t.names
    return Work(value, degree, names)


def _vars_of(loop: Node) -> set[str]:
    out = set()
    node: Node | None = loop
    while node is not None:
        if node.type == "for_statement":
            h, _ = parse_header(node)
            if h is not None:
                out.add(h.var)
        node = node.parent
    return out


def enclosing_loops(loop: Node) -> list[Node]:
    out = []
    node = loop.parent
    while node is not None and node.type != "function_definition":
        if node.type in LOOPS:
            out.append(node)
        node = node.parent
    return out


@dataclass(frozen=True)
class RegionCost:
    regions: float  # how many times the parallel region starts
    work: float  # estimated work per region
    hopeless: str  # why it cannot pay off ("" when it may)


def region_cost(loop: Node, sizes: Sizes | None = None) -> RegionCost:
    outer = enclosing_loops(loop)
    vars_ = _vars_of(loop)
    w = work(loop, vars_, sizes)
    regions = 1.0
    serial_names: set[str] = set()
    for o in outer:
        t = trip(o, vars_, sizes)
        regions *= t.value
        serial_names |= t.names
    hopeless = ""
    shared = w.names & serial_names
    # a trip count bounded by an enclosing loop's variable (a triangle) grows with that
    # loop's size: linear in a size the serial loops run over too
    inherited = w.degree == 1 and not w.names
    if outer and w.degree <= 1 and (shared or inherited):
        o = outer[0]
        what = ", ".join(sorted(shared)) or "an enclosing loop's variable"
        hopeless = (
            f"one parallel region per iteration of the serial loop at line {line_of(o)}, "
            f"each with work linear in {what}: "
            "starting the regions costs about as much as the work they split"
        )
    return RegionCost(regions, w.value, hopeless)


__all__ = ["RegionCost", "Sizes", "Work", "region_cost", "trip", "work"]
