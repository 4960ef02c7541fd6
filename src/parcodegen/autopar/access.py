"""Where a name is used inside a loop body: which element, read or written.

`collect` walks a body and returns one `Access` per use of a variable. Subscripts,
`.at(k)`, `*p` and `p->f` become index dimensions (as polynomials, None when the index is
not affine); the role says whether the use reads, writes, or both.
"""

from __future__ import annotations

from dataclasses import dataclass

from parcodegen.autopar.loops import Poly, linear
from parcodegen.autopar.purity import CONTAINER_MUTATORS, READ_METHODS
from parcodegen.autopar.syntax import Node, is_callee, strip_parens, text, walk


@dataclass(frozen=True)
class Access:
    name: str
    node: Node  # the identifier
    top: Node  # the whole access expression (a[i][j], x.size(), ...)
    dims: tuple[Poly | None, ...]
    role: str  # r | w | rw | meta | addr | call
    field: bool = False  # goes through a `.field` of the variable or element
    method: str = ""

    @property
    def writes(self) -> bool:
        return self.role in ("w", "rw")

    @property
    def reads(self) -> bool:
        return self.role in ("r", "rw")


def _is_declarator_name(n: Node) -> bool:
    parent = n.parent
    while parent is not None and parent.type in (
        "pointer_declarator",
        "reference_declarator",
        "array_declarator",
        "function_declarator",
        "parenthesized_declarator",
    ):
        n, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "init_declarator":
        return parent.child_by_field_name("declarator") == n
    return parent.type in ("declaration", "parameter_declaration") and (
        n in parent.children_by_field_name("declarator")
    )


def _index_poly(sub: Node) -> Poly | None:
    idx = sub.child_by_field_name("indices") or sub.child_by_field_name("index")
    if idx is None:
        return None
    if idx.type == "subscript_argument_list":
        kids = idx.named_children
        if len(kids) != 1:
            return None
        idx = kids[0]
    return linear(idx)


def climb(ident: Node) -> Access:
    node = ident
    dims: list[Poly | None] = []
    field = False
    method = ""
    while True:
        parent = node.parent
        if parent is None:
            break
        pt = parent.type
        if pt == "parenthesized_expression":
            node = parent
            continue
        if pt == "subscript_expression" and parent.child_by_field_name("argument") == node:
            dims.append(_index_poly(parent))
            node = parent
            continue
        if pt == "pointer_expression" and text(parent.child_by_field_name("operator")) == "*":
            dims.append({})
            node = parent
            continue
        if pt == "field_expression" and parent.child_by_field_name("argument") == node:
            grand = parent.parent
            if text(parent.child_by_field_name("operator")) == "->":
                dims.append({})
            if (
                grand is not None
                and grand.type == "call_expression"
                and (grand.child_by_field_name("function") == parent)
            ):
                name = text(parent.child_by_field_name("field"))
                args = grand.child_by_field_name("arguments")
                if name == "at" and args is not None and args.named_child_count == 1:
                    dims.append(linear(args.named_children[0]))
                    node = grand
                    continue
                method = name
                node = grand
                break
            field = True
            node = parent
            continue
        break
    role = _role(node, method)
    return Access(text(ident), ident, node, tuple(dims), role, field, method)


def _role(top: Node, method: str) -> str:
    if method:
        if method in ("size", "empty"):
            return "meta"
        if method in READ_METHODS:
            return "r"
        if method in CONTAINER_MUTATORS:
            return "rw"
        return "call"
    parent = top.parent
    if parent is None:
        return "r"
    if parent.type == "assignment_expression" and parent.child_by_field_name("left") == top:
        return "w" if text(parent.child_by_field_name("operator")) == "=" else "rw"
    if parent.type == "update_expression":
        return "rw"
    if parent.type == "pointer_expression" and text(parent.child_by_field_name("operator")) == "&":
        return "addr"
    return "r"


def collect(body: Node) -> list[Access]:
    """Every use of a variable under `body` (declared names and callees excluded)."""
    out = []
    for n in walk(body):
        if n.type != "identifier" or is_callee(n) or _is_declarator_name(n):
            continue
        parent = n.parent
        if parent is not None and parent.type in (
            "qualified_identifier",
            "goto_statement",
            "labeled_statement",
        ):
            continue
        out.append(climb(n))
    return out


def lvalue_root(target: Node) -> Node | None:
    """The identifier an assignment target writes into, or None for `*(p + i) = ...`."""
    target = strip_parens(target)
    while True:
        if target.type == "identifier":
            return target
        if target.type in ("subscript_expression", "field_expression"):
            target = strip_parens(target.child_by_field_name("argument"))
        elif (
            target.type == "pointer_expression"
            and text(target.child_by_field_name("operator")) == "*"
        ):
            target = strip_parens(target.child_by_field_name("argument"))
        elif target.type == "call_expression":
            fn = target.child_by_field_name("function")
            if (
                fn is not None
                and fn.type == "field_expression"
                and text(fn.child_by_field_name("field")) == "at"
            ):
                target = strip_parens(fn.child_by_field_name("argument"))
            else:
                return None
        else:
            return None
