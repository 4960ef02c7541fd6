"""Canonical `for` headers and affine index expressions.

`parse_header` accepts `for (init; var OP bound; step)` with OP one of < <= != > >= and
step ++/--/+= c/-= c/var = var + c; anything else is reported as non-canonical.
`linear` turns an integer index expression into a polynomial (monomial -> coefficient)
so that `a[i*n + j]` can be split into the part that moves with `i` and the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from parcodegen.autopar.syntax import Node, identifiers, strip_parens, text

Poly = dict[tuple[str, ...], int]  # monomial (sorted names; () is the constant) -> coefficient


@dataclass(frozen=True)
class LoopHeader:
    var: str
    declared_in_init: bool
    var_type: str
    lower: Node | None  # the initial value expression
    op: str  # comparison operator, var on the left
    bound: Node
    step: int | None  # constant step, None when symbolic
    step_node: Node | None
    header_text: str

    def bound_names(self) -> set[str]:
        names = identifiers(self.bound)
        if self.lower is not None:
            names |= identifiers(self.lower)
        if self.step_node is not None:
            names |= identifiers(self.step_node)
        return names


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="}


def header_text(loop: Node) -> str:
    body = loop.child_by_field_name("body")
    end = body.start_byte if body is not None else loop.end_byte
    raw = (loop.text or b"")[: end - loop.start_byte].decode("utf-8")
    return " ".join(raw.split()).rstrip(" {")


def parse_header(loop: Node) -> tuple[LoopHeader | None, str]:
    """The canonical header of a for_statement, or None and why it is not canonical."""
    htext = header_text(loop)
    init = loop.child_by_field_name("initializer")
    cond = loop.child_by_field_name("condition")
    update = loop.child_by_field_name("update")
    if init is None or cond is None or update is None:
        return None, "loop header lacks an init, a condition or an increment"
    var, lower, declared, vtype = _init(init)
    if var is None:
        return None, "loop init is not a single `var = expr`"
    cond = strip_parens(cond)
    if cond.type != "binary_expression":
        return None, "loop condition is not a comparison"
    op = text(cond.child_by_field_name("operator"))
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    if op not in _FLIP or left is None or right is None:
        return None, f"loop condition operator '{op}' is not < <= != > >="
    if text(strip_parens(left)) == var:
        bound = right
    elif text(strip_parens(right)) == var:
        bound, op = left, _FLIP[op]
    else:
        return None, f"loop condition does not compare the loop variable '{var}'"
    if var in identifiers(bound):
        return None, "loop bound depends on the loop variable"
    step, step_node = _step(update, var)
    if step is None and step_node is None:
        return None, f"loop increment '{text(update)}' is not ++, --, += c or -= c"
    if op == "!=" and step not in (1, -1):
        return None, "a != condition needs a unit step"
    if step is not None and (
        (op in ("<", "<=") and step <= 0) or (op in (">", ">=") and step >= 0)
    ):
        return None, "loop step goes away from the bound"
    header = LoopHeader(var, declared, vtype, lower, op, bound, step, step_node, htext)
    return header, ""


def _init(init: Node) -> tuple[str | None, Node | None, bool, str]:
    if init.type == "declaration":
        decls = init.children_by_field_name("declarator")
        if len(decls) != 1 or decls[0].type != "init_declarator":
            return None, None, False, ""
        d = decls[0]
        name = d.child_by_field_name("declarator")
        if name is None or name.type != "identifier":
            return None, None, False, ""
        vtype = text(init.child_by_field_name("type"))
        if "float" in vtype or "double" in vtype:
            return None, None, False, ""
        return text(name), d.child_by_field_name("value"), True, vtype
    init = strip_parens(init)
    if init.type == "assignment_expression" and text(init.child_by_field_name("operator")) == "=":
        left = init.child_by_field_name("left")
        if left is not None and left.type == "identifier":
            return text(left), init.child_by_field_name("right"), False, ""
    return None, None, False, ""


def _step(update: Node, var: str) -> tuple[int | None, Node | None]:
    update = strip_parens(update)
    if update.type == "update_expression":
        arg = update.child_by_field_name("argument")
        if text(arg) != var:
            return None, None
        return (1 if "++" in text(update.child_by_field_name("operator")) else -1), None
    if update.type == "assignment_expression":
        left = update.child_by_field_name("left")
        op = text(update.child_by_field_name("operator"))
        right = update.child_by_field_name("right")
        if text(left) != var or right is None:
            return None, None
        amount: Node | None
        if op in ("+=", "-="):
            amount = right
            sign = 1 if op == "+=" else -1
        elif op == "=":
            r = strip_parens(right)
            if r.type != "binary_expression" or text(r.child_by_field_name("left")) != var:
                return None, None
            rop = text(r.child_by_field_name("operator"))
            if rop not in ("+", "-"):
                return None, None
            amount = r.child_by_field_name("right")
            sign = 1 if rop == "+" else -1
        else:
            return None, None
        if var in identifiers(amount):
            return None, None
        value = int_literal(amount)
        if value is not None:
            return (sign * value) or None, None
        return None, amount
    return None, None


def int_literal(node: Node | None) -> int | None:
    if node is None:
        return None
    node = strip_parens(node)
    if node.type == "number_literal":
        raw = text(node).lower().rstrip("ul")
        try:
            return int(raw, 0)
        except ValueError:
            return None
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "-":
        inner = int_literal(node.child_by_field_name("argument"))
        return -inner if inner is not None else None
    return None


# --------------------------------------------------------------------------- polynomials


def linear(node: Node | None) -> Poly | None:
    """The integer polynomial an index expression computes, or None if it is not one
    (division, indirect indices, calls other than `.size()`)."""
    if node is None:
        return None
    node = strip_parens(node)
    t = node.type
    if t == "number_literal":
        v = int_literal(node)
        return None if v is None else ({(): v} if v else {})
    if t == "identifier":
        return {(text(node),): 1}
    if t == "cast_expression":
        value = node.child_by_field_name("value")
        return linear(value) if value is not None else None
    if t == "call_expression":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if (
            fn is not None
            and fn.type == "field_expression"
            and text(fn.child_by_field_name("field")) == "size"
            and args is not None
            and args.named_child_count == 0
        ):
            return {(text(node).replace(" ", ""),): 1}
        if (
            fn is not None
            and fn.type == "template_function"
            and text(fn.child_by_field_name("name")) == "static_cast"
            and args is not None
            and args.named_child_count == 1
        ):
            return linear(args.named_children[0])
        return None
    if t == "unary_expression":
        op = text(node.child_by_field_name("operator"))
        inner = linear(node.child_by_field_name("argument"))
        if inner is None or op not in ("-", "+"):
            return None
        return inner if op == "+" else {k: -v for k, v in inner.items()}
    if t == "binary_expression":
        op = text(node.child_by_field_name("operator"))
        a = linear(node.child_by_field_name("left"))
        b = linear(node.child_by_field_name("right"))
        if a is None or b is None:
            return None
        if op == "+":
            return _add(a, b, 1)
        if op == "-":
            return _add(a, b, -1)
        if op == "*":
            out: Poly = {}
            for ka, va in a.items():
                for kb, vb in b.items():
                    k = tuple(sorted(ka + kb))
                    out[k] = out.get(k, 0) + va * vb
            return {k: v for k, v in out.items() if v}
    return None


def _add(a: Poly, b: Poly, sign: int) -> Poly:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + sign * v
    return {k: v for k, v in out.items() if v}


def split(poly: Poly, var: str) -> tuple[Poly, Poly] | None:
    """poly = var * stride + rest; None when var appears squared."""
    stride: Poly = {}
    rest: Poly = {}
    for mono, coef in poly.items():
        count = mono.count(var)
        if count == 0:
            rest[mono] = coef
        elif count == 1:
            m = list(mono)
            m.remove(var)
            stride[tuple(m)] = coef
        else:
            return None
    return stride, rest


def poly_names(poly: Poly) -> set[str]:
    names: set[str] = set()
    for mono in poly:
        for name in mono:
            names.add(name.split(".")[0])
    return names


def freeze(poly: Poly) -> tuple[tuple[tuple[str, ...], int], ...]:
    return tuple(sorted(poly.items()))
