"""Tree-sitter helpers: parsing C/C++, walking nodes, and what a declaration declares.

Everything the analysis knows about names comes from here: the parameters and local
declarations of a function, classified into kinds (scalar, pointer, container, array,
reference, other), and the identifiers an expression reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import tree_sitter
import tree_sitter_cpp

Node = tree_sitter.Node

SCALAR_TYPES = {
    "bool",
    "char",
    "short",
    "int",
    "long",
    "unsigned",
    "signed",
    "float",
    "double",
    "size_t",
    "std::size_t",
    "ptrdiff_t",
    "std::ptrdiff_t",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "std::int32_t",
    "std::int64_t",
    "std::uint32_t",
    "std::uint64_t",
    "ssize_t",
}
INTEGER_WORDS = SCALAR_TYPES - {"float", "double", "bool"}
CONTAINERS = ("vector", "array", "valarray", "deque")


@lru_cache(maxsize=1)
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_cpp.language()))


def parse(code: str) -> tree_sitter.Tree:
    return _parser().parse(code.encode("utf-8"))


def text(node: Node | None) -> str:
    return node.text.decode("utf-8") if node is not None and node.text is not None else ""


def walk(node: Node | None) -> Iterator[Node]:
    """Every node under `node` (itself included), in source order; none for None."""
    stack = [node] if node is not None else []
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(reversed(cur.children))


def req(node: Node | None) -> Node:
    """A child the grammar guarantees (a binary expression's operands...)."""
    if node is None:
        raise ValueError("autopar: malformed syntax tree (a required child is missing)")
    return node


def strip_parens(node: Node | None) -> Node:
    node = req(node)
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def identifiers(node: Node | None) -> set[str]:
    """Names of variables an expression mentions (not fields, not called function names)."""
    names: set[str] = set()
    for n in walk(node):
        if n.type == "identifier" and not is_callee(n):
            names.add(text(n))
    return names


def is_callee(n: Node) -> bool:
    parent = n.parent
    while parent is not None and parent.type in ("qualified_identifier", "template_function"):
        n, parent = parent, parent.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and (parent.child_by_field_name("function") == n)
    )


def callee_name(call: Node) -> str:
    """`std::max<double>(a, b)` -> 'std::max'; `x.size()` -> '.size'; else the text."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return ""
    if fn.type == "field_expression":
        return "." + text(fn.child_by_field_name("field"))
    if fn.type == "template_function":
        return text(fn.child_by_field_name("name"))
    if fn.type == "qualified_identifier":
        scope = text(fn.child_by_field_name("scope"))
        name = fn.child_by_field_name("name")
        if name is not None and name.type == "template_function":
            name = name.child_by_field_name("name")
        return f"{scope}::{text(name)}"
    return text(fn)


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class VarInfo:
    """What a name declares: `kind` is scalar | pointer | container | array | other;
    `reference` when declared with `&`; `const` when the declared type is const;
    `restrict` for a `__restrict__` pointer; `depth` counts pointer/array levels."""

    name: str
    kind: str
    type_text: str
    reference: bool = False
    const: bool = False
    restrict: bool = False
    depth: int = 0
    node: Node | None = None

    @property
    def is_array_like(self) -> bool:
        return self.kind in ("pointer", "container", "array")


def _type_kind(type_text: str) -> str:
    t = type_text.replace("const ", "").replace("volatile ", "").strip()
    if any(c in t for c in CONTAINERS) and "<" in t:
        return "container"
    words = t.replace("std::", "").split()
    if words and all(w in SCALAR_TYPES or w in ("long",) for w in words):
        return "scalar"
    if t in SCALAR_TYPES:
        return "scalar"
    if t == "auto":
        return "auto"
    return "other"


def declared_vars(decl: Node) -> list[VarInfo]:
    """The variables a `declaration` or `parameter_declaration` node declares."""
    type_node = decl.child_by_field_name("type")
    type_text = text(type_node)
    const = any(c.type == "type_qualifier" and text(c) == "const" for c in decl.children)
    base_kind = _type_kind(type_text)
    out = []
    for found in decl.children_by_field_name("declarator"):
        d: Node | None = found
        if found.type == "init_declarator":
            d = found.child_by_field_name("declarator")
        reference = restrict = False
        pointers = arrays = 0
        while d is not None and d.type != "identifier":
            if d.type == "reference_declarator":
                reference = True
                d = d.named_children[-1] if d.named_children else None
                continue
            if d.type == "pointer_declarator":
                pointers += 1
                restrict |= any(
                    c.type == "type_qualifier" and "restrict" in text(c) for c in d.children
                )
            elif d.type == "array_declarator":
                arrays += 1
            elif d.type == "function_declarator" and decl.type == "declaration":
                pass  # `std::vector<int> v(n);` parses as a function declarator
            elif d.type not in ("parenthesized_declarator",):
                d = None
                break
            d = d.child_by_field_name("declarator") or (
                d.named_children[0] if d.named_children else None
            )
        if d is None:
            continue
        if pointers:
            kind = "pointer"
        elif arrays:
            kind = "array"
        else:
            kind = base_kind
        depth = pointers + arrays + (1 if kind == "container" else 0)
        if kind == "container":
            depth += type_text.count("vector<") - 1
        out.append(VarInfo(text(d), kind, type_text, reference, const, restrict, depth, decl))
    return out


def function_definitions(root: Node) -> dict[str, Node]:
    """Function name (unqualified) -> its function_definition node (first one wins)."""
    found: dict[str, Node] = {}
    for n in walk(root):
        if n.type != "function_definition":
            continue
        d = n.child_by_field_name("declarator")
        while d is not None and d.type not in ("function_declarator",):
            d = d.child_by_field_name("declarator")
        if d is None:
            continue
        name = d.child_by_field_name("declarator")
        short = text(name).split("::")[-1]
        found.setdefault(short, n)
    return found


def function_params(fn: Node) -> list[VarInfo]:
    d = fn.child_by_field_name("declarator")
    while d is not None and d.type != "function_declarator":
        d = d.child_by_field_name("declarator")
    params = d.child_by_field_name("parameters") if d is not None else None
    out: list[VarInfo] = []
    if params is None:
        return out
    for p in params.named_children:
        if p.type in ("parameter_declaration", "optional_parameter_declaration"):
            out.extend(declared_vars(p))
    return out


def local_declarations(node: Node) -> list[VarInfo]:
    """Every variable declared anywhere under `node` (for-init and nested blocks too)."""
    out: list[VarInfo] = []
    for n in walk(node):
        if n.type == "declaration":
            out.extend(declared_vars(n))
    return out


def global_declarations(root: Node) -> dict[str, VarInfo]:
    out: dict[str, VarInfo] = {}
    for n in root.named_children:
        if n.type == "declaration":
            for v in declared_vars(n):
                out.setdefault(v.name, v)
    return out


def outermost_loops(node: Node, loop_types: tuple[str, ...]) -> list[Node]:
    """The loops at or under `node` that are not nested in another loop under `node`
    (`node` itself when it is a loop, as the body of a brace-less `for` is)."""
    if node.type in loop_types:
        return [node]
    out: list[Node] = []
    stack = list(reversed(node.children))
    while stack:
        n = stack.pop()
        if n.type in loop_types:
            out.append(n)
            continue
        stack.extend(reversed(n.children))
    return out
