"""Per-loop decisions for a whole file: which loop of each nest goes parallel, and how.

For every loop nest in the target function (and the same-file functions it calls), the
outermost loop that is safe becomes the parallel loop; the nest's options (collapse,
inner loop instead, simd on the innermost loop, other schedules) feed the variants.
Loops elsewhere in the file are reported and left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parcodegen.autopar.analysis import LOOP_TYPES, LoopAnalysis, Scope, analyze_loop
from parcodegen.autopar.loops import LoopHeader, header_text, parse_header
from parcodegen.autopar.syntax import (
    Node,
    callee_name,
    line_of,
    outermost_loops,
    req,
    text,
    walk,
)


@dataclass
class NestPlan:
    """Options for one loop nest; each a loop node and its pragma."""

    root: Node
    function: str
    chosen: LoopAnalysis | None = None
    collapse: int = 1  # how many loops the chosen one can collapse
    inner: LoopAnalysis | None = None  # a parallelizable loop one level inside `chosen`
    simd: LoopAnalysis | None = None  # innermost loop inside `chosen` that is safe


@dataclass
class LoopNote:
    function: str
    line: int
    header: str
    decision: str

    def __str__(self) -> str:
        return f"{self.function}, line {self.line}: `{self.header}` -> {self.decision}"


@dataclass
class FilePlan:
    nests: list[NestPlan] = field(default_factory=list)
    notes: list[LoopNote] = field(default_factory=list)


def _has_pragma_before(loop: Node) -> bool:
    prev = loop.prev_named_sibling
    return prev is not None and prev.type == "preproc_call" and "omp" in text(prev)


def _in_omp_region(loop: Node) -> bool:
    """Whether an enclosing statement is the block of an existing `#pragma omp`."""
    node = loop.parent
    while node is not None and node.type != "function_definition":
        if _has_pragma_before(node):
            return True
        node = node.parent
    return False


def _label(loop: Node) -> str:
    if loop.type == "for_statement":
        return header_text(loop)
    first = text(loop).splitlines()[0]
    return " ".join(first.split()).rstrip(" {")


def plan_function(fn_name: str, fn: Node, scope: Scope, out: FilePlan) -> list[NestPlan]:
    return _inside(fn, fn_name, scope, out)


def _plan_nest(loop: Node, fn_name: str, scope: Scope, out: FilePlan) -> list[NestPlan]:
    note = LoopNote(fn_name, line_of(loop), _label(loop), "")
    out.notes.append(note)
    if _has_pragma_before(loop):
        note.decision = "left alone: already has an OpenMP pragma"
        return []
    if _in_omp_region(loop):
        note.decision = "left alone: inside an existing OpenMP region"
        return []
    if loop.type != "for_statement":
        kind = {
            "while_statement": "while loop",
            "do_statement": "do-while loop",
            "for_range_loop": "range-based for loop",
        }[loop.type]
        note.decision = f"not parallelized: {kind} (only canonical for loops are handled)"
        return _inside(loop, fn_name, scope, out)
    analysis = analyze_loop(loop, scope)
    if not analysis.ok:
        note.decision = "not parallelized: " + "; ".join(analysis.reasons)
        return _inside(loop, fn_name, scope, out)
    plan = NestPlan(loop, fn_name, analysis)
    plan.collapse = _collapse(loop, analysis, scope)
    extra = []
    if plan.collapse > 1:
        extra.append(f"collapse({plan.collapse}) possible")
    if analysis.imbalance:
        extra.append(f"schedule(dynamic): {analysis.imbalance}")
    note.decision = f"parallel for {analysis.clauses()}".rstrip() + (
        f" ({'; '.join(extra)})" if extra else ""
    )
    plan.simd = _innermost_safe(loop, scope)
    body = req(loop.child_by_field_name("body"))
    direct = outermost_loops(body, LOOP_TYPES)
    outer_var = req_header(analysis).var
    for child in direct:
        a = analyze_loop(child, scope) if child.type == "for_statement" else None
        # an inner loop whose trip count follows the outer iteration (CSR rows,
        # triangles) is usually short: a parallel region per outer iteration costs more
        if a is not None and a.ok and outer_var not in req_header(a).bound_names():
            plan.inner = plan.inner or a
    for child in (n for n in walk(body) if n.type in LOOP_TYPES):
        where = f"inside the parallel loop at line {line_of(loop)}"
        if plan.inner is not None and child == plan.inner.loop:
            what = "also safe in parallel (the inner-loop variant uses it)"
        elif plan.simd is not None and child == plan.simd.loop:
            what = "runs serially; safe for simd (the simd variant uses it)"
        else:
            what = "runs serially"
        out.notes.append(LoopNote(fn_name, line_of(child), _label(child), f"{where}; {what}"))
    return [plan]


def _inside(node: Node, fn_name: str, scope: Scope, out: FilePlan) -> list[NestPlan]:
    """Plans for the loop nests directly in the body of `node` (a function or a loop)."""
    body = node.child_by_field_name("body")
    plans: list[NestPlan] = []
    if body is None:
        return plans
    for child in outermost_loops(body, LOOP_TYPES):
        plans.extend(_plan_nest(child, fn_name, scope, out))
    return plans


def only_loop(body: Node | None) -> Node | None:
    if body is None:
        return None
    if body.type == "for_statement":
        return body
    if body.type == "compound_statement":
        kids = [c for c in body.named_children if c.type != "comment"]
        if len(kids) == 1 and kids[0].type == "for_statement":
            return kids[0]
    return None


def req_header(analysis: LoopAnalysis) -> LoopHeader:
    if analysis.header is None:
        raise ValueError("autopar: a safe loop always has a canonical header")
    return analysis.header


def _collapse(loop: Node, analysis: LoopAnalysis, scope: Scope) -> int:
    """How many perfectly nested rectangular safe loops start at `loop`."""
    depth = 1
    outer_vars = {req_header(analysis).var}
    current = loop
    while True:
        inner = only_loop(current.child_by_field_name("body"))
        if inner is None:
            break
        h, _ = parse_header(inner)
        if h is None or h.bound_names() & outer_vars:
            break
        a = analyze_loop(inner, scope)
        # an inner loop that needs its own array reduction carries a dependence the
        # collapsed pragma (with the outer loop's clauses) would not cover
        if not a.ok or a.reductions != analysis.reductions or a.array_reductions:
            break
        depth += 1
        outer_vars.add(h.var)
        current = inner
    return depth


def _innermost_safe(loop: Node, scope: Scope) -> LoopAnalysis | None:
    body = loop.child_by_field_name("body")
    best = None
    for n in walk(body):
        if n.type == "for_statement":
            a = analyze_loop(n, scope)
            # GCC miscompiles `omp simd` with an array-section reduction (a wrong q[i]
            # in bicg, one thread): simd only for loops without one
            if a.ok and a.innermost and not _has_calls(n) and not a.array_reductions:
                best = best or a
    return best


def _has_calls(loop: Node) -> bool:
    return any(
        n.type == "call_expression"
        and not callee_name(n).startswith(".")
        and callee_name(n).split("::")[-1]
        not in ("min", "max", "sqrt", "fabs", "abs", "static_cast")
        for n in walk(loop)
    )


def calls_in(node: Node, functions: dict[str, Node]) -> set[str]:
    """Same-file functions called anywhere under `node`."""
    found = set()
    for n in walk(node):
        if n.type == "call_expression":
            name = callee_name(n)
            if name in functions:
                found.add(name)
    return found


__all__ = ["FilePlan", "LoopNote", "NestPlan", "calls_in", "plan_function"]
