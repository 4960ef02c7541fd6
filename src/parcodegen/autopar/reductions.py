"""Recognizing scalar reductions and privatizable scalars in a loop body.

A scalar written in the body is a reduction when every use of it is one of:
  s += e  s -= e  s *= e  s &= e  s |= e  s ^= e  ++s  s++  s--
  s = s OP e  (OP in + - * & | ^ && ||; e OP s for commutative OP)
  s = std::max(s, e) / std::min / fmax / fmin (either argument order)
  if (e > s) s = e;   if (e < s) s = e;   (and the mirrored comparisons)
with one operator throughout and `e` never mentioning `s`.
"""

from __future__ import annotations

from parcodegen.autopar.access import Access
from parcodegen.autopar.syntax import Node, callee_name, identifiers, req, strip_parens, text

_COMPOUND = {"+=": "+", "-=": "+", "*=": "*", "&=": "&", "|=": "|", "^=": "^"}
_BINARY = {"+": "+", "-": "+", "*": "*", "&": "&", "|": "|", "^": "^", "&&": "&&", "||": "||"}
_COMMUTATIVE = {"+", "*", "&", "|", "^", "&&", "||"}
_MINMAX = {"max": "max", "fmax": "max", "fmaxf": "max", "min": "min", "fmin": "min", "fminf": "min"}


def _norm(node: Node | None) -> str:
    return "".join(text(node).split())


def _pattern(acc: Access) -> tuple[str, list[Node]] | None:
    """(operator, identifier nodes of s this reduction statement uses) for one write."""
    s = acc.name
    top = acc.top
    parent = top.parent
    if acc.dims or acc.field or parent is None:
        return None
    if parent.type == "update_expression":
        return "+", [acc.node]
    if parent.type != "assignment_expression":
        return None
    op = text(parent.child_by_field_name("operator"))
    right = parent.child_by_field_name("right")
    if right is None:
        return None
    if op in _COMPOUND:
        return (_COMPOUND[op], [acc.node]) if s not in identifiers(right) else None
    if op != "=":
        return None
    r = strip_parens(right)
    if r.type == "binary_expression":
        bop = text(r.child_by_field_name("operator"))
        left_e, right_e = r.child_by_field_name("left"), r.child_by_field_name("right")
        if bop in _BINARY:
            if text(strip_parens(left_e)) == s and s not in identifiers(right_e):
                return _BINARY[bop], [acc.node, strip_parens(left_e)]
            if (
                bop in _COMMUTATIVE
                and text(strip_parens(right_e)) == s
                and s not in identifiers(left_e)
            ):
                return _BINARY[bop], [acc.node, strip_parens(right_e)]
        return None
    if r.type == "call_expression":
        short = callee_name(r).split("::")[-1]
        args = r.child_by_field_name("arguments")
        if short in _MINMAX and args is not None and args.named_child_count == 2:
            a, b = (strip_parens(x) for x in args.named_children)
            if text(a) == s and s not in identifiers(b):
                return _MINMAX[short], [acc.node, a]
            if text(b) == s and s not in identifiers(a):
                return _MINMAX[short], [acc.node, b]
        return None
    if s in identifiers(right):
        return None
    return _if_form(acc, right)


def _if_form(acc: Access, value: Node) -> tuple[str, list[Node]] | None:
    stmt = req(acc.top.parent).parent  # assignment -> expression_statement
    if stmt is None or stmt.type != "expression_statement":
        return None
    holder = stmt.parent
    if holder is not None and holder.type == "compound_statement" and holder.named_child_count == 1:
        stmt, holder = holder, holder.parent
    if holder is None or holder.type != "if_statement":
        return None
    if (
        holder.child_by_field_name("consequence") != stmt
        or holder.child_by_field_name("alternative") is not None
    ):
        return None
    cond = holder.child_by_field_name("condition")
    if cond is not None and cond.type == "condition_clause":
        cond = cond.child_by_field_name("value")
    cond = strip_parens(cond) if cond is not None else None
    if cond is None or cond.type != "binary_expression":
        return None
    op = text(cond.child_by_field_name("operator"))
    left, right = (
        strip_parens(cond.child_by_field_name("left")),
        strip_parens(cond.child_by_field_name("right")),
    )
    s, e = acc.name, _norm(value)
    if text(right) == s and _norm(left) == e:
        kind = {">": "max", ">=": "max", "<": "min", "<=": "min"}.get(op)
        return (kind, [acc.node, right]) if kind else None
    if text(left) == s and _norm(right) == e:
        kind = {"<": "max", "<=": "max", ">": "min", ">=": "min"}.get(op)
        return (kind, [acc.node, left]) if kind else None
    return None


def reduction_op(uses: list[Access]) -> str | None:
    """The reduction operator if every use of the scalar is part of one reduction form."""
    ops = set()
    covered: set[int] = set()
    for acc in uses:
        if not acc.writes:
            continue
        found = _pattern(acc)
        if found is None:
            return None
        ops.add(found[0])
        covered.update(n.start_byte for n in found[1])
    if len(ops) != 1:
        return None
    if any(acc.node.start_byte not in covered for acc in uses):
        return None
    return ops.pop()


def assigned_first(uses: list[Access], body: Node) -> bool:
    """True when the first use of the scalar in each iteration is a plain assignment at
    the top level of the body (or the init of a top-level inner for loop) whose value
    does not read it: then every iteration overwrites it before reading it."""
    first = min(uses, key=lambda a: a.node.start_byte)
    if first.role != "w" or first.dims or first.field:
        return False
    assign = req(first.top.parent)
    if s_in(first.name, assign.child_by_field_name("right")):
        return False
    holder = assign.parent
    if holder is None:
        return False
    if holder.type == "expression_statement":
        return holder.parent == body or (body.type != "compound_statement" and holder == body)
    if holder.type == "for_statement" and holder.child_by_field_name("initializer") == assign:
        return holder.parent == body or holder == body
    if holder.type == "comma_expression":
        loop = holder.parent
        return loop is not None and loop.type == "for_statement" and loop.parent == body
    return False


def s_in(name: str, node: Node | None) -> bool:
    return node is not None and name in identifiers(node)


def array_reduction_op(uses: list[Access]) -> str | None:
    """'+' when every use of an array is an element update `x[..] += e` / `x[..] -= e`
    with `e` not reading the array: the updates commute, so iterations may accumulate
    into private copies that are added up at the end."""
    real = [u for u in uses if u.role != "meta"]
    if not real:
        return None
    for u in real:
        parent = u.top.parent
        if (
            u.role != "rw"
            or not u.dims
            or u.field
            or parent is None
            or parent.type != "assignment_expression"
            or parent.child_by_field_name("left") != u.top
            or text(parent.child_by_field_name("operator")) not in ("+=", "-=")
            or s_in(u.name, parent.child_by_field_name("right"))
        ):
            return None
    return "+"
