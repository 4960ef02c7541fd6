"""Accumulator sinking: a scalar that sums an inner loop and is then stored into an array
element accumulates in that element instead, and the loop around it is split in two.

    for (j ...) { T s = c; for (k ...) s += e; X[idx] = s; }
->
    for (j ...) X[idx] = c;
    for (j ...) for (k ...) X[idx] += e;

The second loop is a perfect band (j, k) that `band.py` can reorder (the i-j-k matrix
product becomes i-k-j, stride-1 inside). The additions happen in the same order on a
value of the same type (T is X's element type), so every element gets the same bits.
Splitting the j loop is legal when its iterations are independent in the split code: the
second j loop, analysed as a whole, is parallel with no reduction (so no two iterations
touch one element of X, nothing it reads is written by another iteration, and no pointer
it reads may alias X elsewhere), and `e` and the bounds do not mention X or s.
"""

from __future__ import annotations

import re

from parcodegen.autopar.analysis import LoopAnalysis, analyze_loop, make_scope
from parcodegen.autopar.loops import parse_header
from parcodegen.autopar.purity import PurityChecker
from parcodegen.autopar.syntax import (
    Node,
    declared_vars,
    function_definitions,
    function_params,
    global_declarations,
    identifiers,
    parse,
    req,
    strip_parens,
    text,
    walk,
)


def analyze_at(code: str, start: int) -> LoopAnalysis | None:
    """The analysis of the `for` loop starting at byte `start` of `code`."""
    root = parse(code).root_node
    loop = next(
        (n for n in walk(root) if n.type == "for_statement" and n.start_byte == start), None
    )
    if loop is None:
        return None
    fn = loop.parent
    while fn is not None and fn.type != "function_definition":
        fn = fn.parent
    if fn is None:
        return None
    functions = function_definitions(root)
    scope = make_scope(fn, functions, global_declarations(root), PurityChecker(functions))
    return analyze_loop(loop, scope)


def _statements(body: Node | None) -> list[Node]:
    if body is None or body.type != "compound_statement":
        return []
    return [c for c in body.named_children if c.type != "comment"]


def _single(body: Node | None) -> Node | None:
    if body is None:
        return None
    if body.type == "compound_statement":
        kids = _statements(body)
        return kids[0] if len(kids) == 1 else None
    return body


def _root_name(sub: Node) -> Node | None:
    node = sub
    while node.type == "subscript_expression":
        node = req(node.child_by_field_name("argument"))
    return node if node.type == "identifier" else None


def _depth(sub: Node) -> int:
    depth, node = 0, sub
    while node.type == "subscript_expression":
        depth += 1
        node = req(node.child_by_field_name("argument"))
    return depth


def _element_type(fn: Node, name: str, depth: int) -> str | None:
    for v in function_params(fn):
        if v.name != name:
            continue
        if v.kind in ("pointer", "array") and v.depth == depth:
            return v.type_text
        m = re.fullmatch(r"(?:std::)?vector<\s*([\w:\s]+?)\s*>", v.type_text)
        if v.kind == "container" and m and depth == 1:
            return m.group(1)
    return None


def _match(loop: Node, fn: Node) -> tuple[str, str, str, str, Node] | None:
    """(s, init, X[idx] text, element type, inner loop) when `loop` has the pattern."""
    h, _ = parse_header(loop)
    kids = _statements(loop.child_by_field_name("body"))
    if h is None or len(kids) != 3:
        return None
    decl, inner, store = kids
    if decl.type != "declaration" or inner.type != "for_statement":
        return None
    declared = declared_vars(decl)
    value = decl.child_by_field_name("declarator")
    if len(declared) != 1 or value is None or value.type != "init_declarator":
        return None
    s, stype = declared[0].name, declared[0].type_text
    init = strip_parens(value.child_by_field_name("value"))
    if init is None or init.type != "number_literal" or declared[0].kind != "scalar":
        return None
    hk, _ = parse_header(inner)
    acc = _single(inner.child_by_field_name("body"))
    if hk is None or acc is None or acc.type != "expression_statement":
        return None
    upd = strip_parens(acc.named_children[0]) if acc.named_children else None
    if (
        upd is None
        or upd.type != "assignment_expression"
        or text(upd.child_by_field_name("operator")) != "+="
    ):
        return None
    if text(upd.child_by_field_name("left")) != s:
        return None
    e = req(upd.child_by_field_name("right"))
    if store.type != "expression_statement" or not store.named_children:
        return None
    st = strip_parens(store.named_children[0])
    if st.type != "assignment_expression" or text(st.child_by_field_name("operator")) != "=":
        return None
    lhs, rhs = req(st.child_by_field_name("left")), req(st.child_by_field_name("right"))
    if lhs.type != "subscript_expression" or text(strip_parens(rhs)) != s:
        return None
    x = _root_name(lhs)
    if x is None:
        return None
    xname = text(x)
    if _element_type(fn, xname, _depth(lhs)) != stype:
        return None  # accumulating in another type would round differently
    if identifiers(e) & {s, xname} or xname in identifiers(inner.child_by_field_name("condition")):
        return None
    if identifiers(lhs) & {s, hk.var} or s in _names_in_header(inner):
        return None
    uses = [n for n in walk(loop) if n.type == "identifier" and text(n) == s]
    if len(uses) != 3:  # the declaration, the update, the store: nothing else reads s
        return None
    return s, text(init), text(lhs), stype, inner


def _names_in_header(loop: Node) -> set[str]:
    body = req(loop.child_by_field_name("body"))
    return {
        text(n)
        for n in walk(loop)
        if n.type == "identifier" and not (body.start_byte <= n.start_byte < body.end_byte)
    }


def sink_accumulators(code: str) -> tuple[str, list[int]] | None:
    """The code with every legal accumulator sunk (and the lines where), or None."""
    root = parse(code).root_node
    edits: list[tuple[int, int, str, int]] = []
    for fn in function_definitions(root).values():
        for loop in walk(fn):
            if loop.type != "for_statement" or any(
                s <= loop.start_byte < e for s, e, _, _ in edits
            ):
                continue
            found = _match(loop, fn)
            if found is None:
                continue
            _, init, target, _, inner = found
            body = req(loop.child_by_field_name("body"))
            header = code.encode()[loop.start_byte : body.start_byte].decode()
            upd = _single(inner.child_by_field_name("body"))
            assert upd is not None
            e = text(req(strip_parens(upd.named_children[0]).child_by_field_name("right")))
            inner_header = code.encode()[
                inner.start_byte : req(inner.child_by_field_name("body")).start_byte
            ].decode()
            new = f"{{\n{header}{target} = {init};\n{header}{inner_header}{target} += {e};\n}}"
            edits.append((loop.start_byte, loop.end_byte, new, loop.start_point[0] + 1))
    if not edits:
        return None
    data = code.encode()
    for start, end, new, _ in sorted(edits, reverse=True):
        data = data[:start] + new.encode() + data[end:]
    sunk = data.decode()
    # legality: each split loop's second half is parallel as a whole, with no clause
    starts, shift = [], 0
    for start, end, new, _ in sorted(edits):
        second = new.index("\n", 2) + 1  # after "{\n" and the first loop's line
        starts.append(start + shift + len(new[:second].encode()))
        shift += len(new.encode()) - (end - start)
    for s in starts:
        a = analyze_at(sunk, s)
        if a is None or not a.ok or a.reductions or a.array_reductions or a.lastprivate:
            return None
    return sunk, [line for *_, line in sorted(edits)]


__all__ = ["analyze_at", "sink_accumulators"]
