"""Range-based for loops over a std::vector / std::array, rewritten as index loops.

`for (const double& v : x) BODY` becomes
`for (std::size_t ap_i7 = 0; ap_i7 < x.size(); ++ap_i7) { const double& v = x[ap_i7]; BODY }`
on the same line, so the rest of autopar can analyse it like any canonical loop. Only
loops whose range is a plain variable of container type that the body never mentions are
rewritten (then the two forms do the same thing).
"""

from __future__ import annotations

from parcodegen.autopar.syntax import (
    Node,
    req,
    VarInfo,
    function_params,
    identifiers,
    line_of,
    local_declarations,
    parse,
    text,
    walk,
)


def _container(name: str, fn: Node) -> VarInfo | None:
    body = fn.child_by_field_name("body")
    found = [
        v
        for v in function_params(fn) + (local_declarations(body) if body else [])
        if v.name == name
    ]
    if len(found) != 1:
        return None
    info = found[0]
    if info.kind != "container" or not ("vector<" in info.type_text or "array<" in info.type_text):
        return None
    return info


def rewrite_range_loops(
    code: str, functions: set[str], only_lines: set[int] | None = None
) -> tuple[str, dict[int, str]]:
    """(new code, line -> original loop header) for the range loops rewritten in the named
    functions; `only_lines` limits the rewrite to loops starting on those lines."""
    tree = parse(code)
    data = code.encode("utf-8")
    edits: list[tuple[int, int, bytes]] = []
    headers: dict[int, str] = {}
    for fn in walk(tree.root_node):
        if fn.type != "function_definition":
            continue
        name = _function_name(fn)
        if name not in functions:
            continue
        for loop in walk(fn):
            if loop.type != "for_range_loop":
                continue
            line = line_of(loop)
            if only_lines is not None and line not in only_lines:
                continue
            edit = _rewrite(loop, fn, data)
            if edit is not None:
                edits.append(edit)
                body = req(loop.child_by_field_name("body"))
                headers[line] = " ".join(
                    data[loop.start_byte : body.start_byte].decode("utf-8").split()
                ).rstrip(" {")
    # nested rewrites overlap: keep outer ones only when they contain no other edit
    edits.sort(key=lambda e: e[0])
    kept: list[tuple[int, int, bytes]] = []
    for e in edits:
        if kept and e[0] < kept[-1][1]:
            continue
        kept.append(e)
    for start, end, blob in reversed(kept):
        data = data[:start] + blob + data[end:]
    return data.decode("utf-8"), headers


def _function_name(fn: Node) -> str:
    d = fn.child_by_field_name("declarator")
    while d is not None and d.type != "function_declarator":
        d = d.child_by_field_name("declarator")
    return text(d.child_by_field_name("declarator")).split("::")[-1] if d is not None else ""


def _rewrite(loop: Node, fn: Node, data: bytes) -> tuple[int, int, bytes] | None:
    right = loop.child_by_field_name("right")
    decl = loop.child_by_field_name("declarator")
    body = loop.child_by_field_name("body")
    if right is None or decl is None or body is None or right.type != "identifier":
        return None
    rng = text(right)
    if _container(rng, fn) is None or rng in identifiers(body):
        return None
    if any(n.type == "for_range_loop" for n in walk(body)):
        return None
    kids = loop.children
    open_paren = next((k for k in kids if k.type == "("), None)
    if open_paren is None:
        return None
    declaration = data[open_paren.end_byte : decl.end_byte].decode("utf-8").strip()
    idx = f"ap_i{line_of(loop)}"
    if idx.encode() in data:
        return None
    head = (
        f"for (std::size_t {idx} = 0; {idx} < {rng}.size(); ++{idx}) "
        f"{{ {declaration} = {rng}[{idx}];"
    )
    body_text = data[body.start_byte : body.end_byte].decode("utf-8")
    if body.type == "compound_statement":
        rest = body_text[1:]
        new = head + (rest if rest[:1].isspace() else " " + rest)
    else:
        new = head + " " + body_text + " }"
    return loop.start_byte, loop.end_byte, new.encode("utf-8")
