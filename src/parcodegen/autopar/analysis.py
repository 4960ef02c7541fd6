"""Is one `for` loop safe to run in parallel, and with which clauses?

`analyze_loop` answers for a loop inside a function: it checks the header is canonical
with loop-invariant bounds, that the body has no early exit, I/O or call with side
effects, that every array written is written only at elements the iteration owns
(an affine function of the loop variable) and read only there, that pointers written
cannot overlap other arrays read at other indices, and that every scalar written is a
recognized reduction or is assigned before use (private). When unsure it says no, and why.

Assumptions (documented in docs/autopar.md): distinct std::vector parameters and locals
are distinct objects; indices stay in bounds; `__restrict__` pointers do not alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from parcodegen.autopar.access import Access, collect, lvalue_root
from parcodegen.autopar.arrays import Inner, array_keys, check_aliasing, check_derived, substitute
from parcodegen.autopar.dependence import carried, section_of
from parcodegen.autopar.loops import LoopHeader, Poly, linear, parse_header, poly_names
from parcodegen.autopar.purity import IO_NAMES, PurityChecker, base_name, classify_call
from parcodegen.autopar.reductions import assigned_first, reduction_op
from parcodegen.autopar.syntax import (
    req,
    Node,
    VarInfo,
    callee_name,
    identifiers,
    is_callee,
    local_declarations,
    text,
    walk,
)

LOOP_TYPES = ("for_statement", "while_statement", "do_statement", "for_range_loop")


@dataclass
class Scope:
    """Names visible in a function: parameters, its locals, file-scope globals."""

    function: Node
    params: dict[str, VarInfo]
    locals: list[VarInfo]
    globals: dict[str, VarInfo]
    purity: PurityChecker

    def outer(self, name: str, loop: Node) -> VarInfo | None:
        """The declaration `name` refers to from inside `loop` (declared outside it)."""
        best = None
        for v in self.locals:
            if (
                v.name == name
                and v.node is not None
                and not _inside(v.node, loop)
                and (v.node.start_byte < loop.start_byte)
            ):
                best = v
        if best is not None:
            return best
        return self.params.get(name) or self.globals.get(name)


@dataclass
class LoopAnalysis:
    loop: Node
    header: LoopHeader | None
    reasons: list[str] = field(default_factory=list)
    reductions: dict[str, str] = field(default_factory=dict)
    array_reductions: dict[str, str] = field(default_factory=dict)  # array -> op
    array_sections: dict[str, tuple[str, str]] = field(default_factory=dict)  # pointer -> (lo, len)
    private: list[str] = field(default_factory=list)
    lastprivate: list[str] = field(default_factory=list)
    imbalance: str = ""  # why a dynamic schedule helps ("" when iterations are alike)
    innermost: bool = True

    @property
    def ok(self) -> bool:
        return not self.reasons and self.header is not None

    def clauses(self) -> str:
        parts = []
        by_op: dict[str, list[str]] = {}
        for name, op in self.reductions.items():
            by_op.setdefault(op, []).append(name)
        for op, names in by_op.items():
            parts.append(f"reduction({op}:{', '.join(names)})")
        for name, op in self.array_reductions.items():
            if name in self.array_sections:
                lo, length = self.array_sections[name]
                parts.append(f"reduction({op}:{name}[{lo}:{length}])")
            else:
                parts.append(f"reduction({op}:{section_name(name)}[:{section_name(name)}_n])")
        if self.private:
            parts.append(f"private({', '.join(self.private)})")
        if self.lastprivate:
            parts.append(f"lastprivate({', '.join(self.lastprivate)})")
        return " ".join(parts)


def section_name(array: str) -> str:
    """The pointer an array reduction works through (`x` -> `ap_x`)."""
    return f"ap_{array}"


def _inside(node: Node, container: Node) -> bool:
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


def _targets_loop(stmt: Node, loop: Node, kinds: tuple[str, ...]) -> bool:
    """Whether a break/continue inside `loop` refers to `loop` itself."""
    p = stmt.parent
    while p is not None and p != loop:
        if p.type in kinds:
            return False
        p = p.parent
    return True


def analyze_loop(loop: Node, scope: Scope) -> LoopAnalysis:
    header, why = parse_header(loop)
    result = LoopAnalysis(loop, header)
    if header is None:
        result.reasons.append(f"not a canonical for loop: {why}")
        return result
    body = loop.child_by_field_name("body")
    if body is None:
        result.reasons.append("loop has no body")
        return result
    result.innermost = not any(n.type in LOOP_TYPES for n in walk(body))
    _check_structure(loop, body, scope, result)
    if result.reasons:
        return result
    accesses = collect(body)
    locals_ = {v.name: v for v in local_declarations(body)}
    written = {a.name for a in accesses if a.writes or a.role in ("call", "addr")}
    varying = set(locals_) | written | {header.var}
    for name, info in locals_.items():
        if scope.outer(name, loop) is not None and any(
            info.node is not None and a.name == name and a.node.start_byte < info.node.start_byte
            for a in accesses
        ):
            result.reasons.append(f"local '{name}' shadows an outer variable; not analysed")
    _check_header(header, loop, written, accesses, result)
    inner = _inner_headers(body)
    by_name: dict[str, list[Access]] = {}
    for a in accesses:
        by_name.setdefault(a.name, []).append(a)
    arrays: dict[str, VarInfo] = {}
    for name, uses in by_name.items():
        if name == header.var:
            if any(u.writes or u.role == "addr" for u in uses):
                result.reasons.append(f"loop variable '{name}' is modified in the body")
            continue
        if name in locals_:
            _check_local(locals_[name], uses, result)
            continue
        found = scope.outer(name, loop)
        if found is None:
            if any(u.writes or u.role in ("addr", "call") for u in uses):
                result.reasons.append(f"writes '{name}', whose declaration was not found")
            continue
        info = found
        if info.is_array_like:
            arrays[name] = info
            continue
        if info.kind == "auto" and any(u.dims or u.field for u in uses):
            arrays[name] = replace(info, kind="pointer")  # `auto p = y.data()`: a pointer
            continue
        if any(u.role in ("addr", "call") for u in uses):
            result.reasons.append(f"takes the address of or calls a method on '{name}'")
            continue
        if any(u.writes and (u.dims or u.field) for u in uses):
            result.reasons.append(f"writes into '{name}' (type {info.type_text}): unknown layout")
            continue
        if any(u.writes for u in uses):
            _scalar(name, info, uses, loop, body, scope, result)
    defs = _index_defs(locals_, by_name, header, varying, inner)

    def dep(names: set[str]) -> str | None:
        group = [a for n in sorted(names) for a in by_name.get(n, [])]
        return carried(loop, header, group, varying, lambda p: substitute(p, defs))

    def section(name: str) -> bool:
        found = section_of(loop, by_name.get(name, []), lambda p: substitute(p, defs))
        if found is not None:
            result.array_sections[name] = found
        return found is not None

    keys, reads = array_keys(
        arrays, by_name, header, varying, inner, defs, result, dep, section=section
    )
    check_aliasing(arrays, keys, reads, result, dep)
    check_derived(arrays, by_name, scope, loop, result)
    if not header.declared_in_init and _used_after(header.var, loop, scope):
        result.lastprivate.append(header.var)
    result.imbalance = _imbalance(body, header.var, varying, scope)
    return result


def _check_structure(loop: Node, body: Node, scope: Scope, result: LoopAnalysis) -> None:
    for n in walk(body):
        t = n.type
        if t == "break_statement" and _targets_loop(n, loop, LOOP_TYPES + ("switch_statement",)):
            result.reasons.append(f"early exit: break at line {n.start_point[0] + 1}")
        elif t in ("return_statement", "goto_statement", "throw_statement", "co_return_statement"):
            result.reasons.append(
                f"early exit: {text(n).split()[0].rstrip(';')} at line {n.start_point[0] + 1}"
            )
        elif t in (
            "lambda_expression",
            "new_expression",
            "delete_expression",
            "gnu_asm_expression",
        ):
            result.reasons.append(f"contains a {t.replace('_', ' ')}; not analysed")
        elif t == "preproc_call" and "omp" in text(n):
            result.reasons.append("already contains an OpenMP directive")
        elif t == "identifier" and text(n) in IO_NAMES and not is_callee(n):
            result.reasons.append(f"I/O: uses '{text(n)}' at line {n.start_point[0] + 1}")
        elif t == "call_expression":
            why = _call_problem(n, scope)
            if why:
                result.reasons.append(why)
        elif (
            t == "assignment_expression" and lvalue_root(req(n.child_by_field_name("left"))) is None
        ):
            result.reasons.append(
                f"writes through '{text(n.child_by_field_name('left'))}': cannot tell which element"
            )
    result.reasons[:] = list(dict.fromkeys(result.reasons))


def _call_problem(call: Node, scope: Scope) -> str:
    name = callee_name(call)
    if name.startswith(".") or not name:
        return ""  # methods are judged per variable (access roles)
    kind = classify_call(name)
    line = call.start_point[0] + 1
    if kind == "pure":
        return ""
    if kind == "io":
        return f"I/O: calls {name} at line {line}"
    if kind == "state":
        return f"call with side effects: {name} at line {line}"
    short = base_name(name)
    if name == short and short in scope.purity.functions:
        why = scope.purity.why_impure(short)
        return f"call to {short} at line {line} may have side effects: {why}" if why else ""
    return f"call to unknown function {name} at line {line} (may have side effects)"


def _check_header(
    header: LoopHeader, loop: Node, written: set[str], accesses: list[Access], result: LoopAnalysis
) -> None:
    # element writes (a[i] = ...) leave a container's size alone; whole writes and
    # mutating methods (push_back, resize...) do not
    resized = {a.name for a in accesses if (a.writes or a.role in ("call", "addr")) and not a.dims}
    changed = set()
    for n in walk(header.bound):
        if n.type != "identifier":
            continue
        parent = n.parent
        size_of = (
            parent is not None
            and parent.type == "field_expression"
            and text(parent.child_by_field_name("field")) in ("size", "empty")
        )
        if text(n) in (resized if size_of else written):
            changed.add(text(n))
    for extra in (header.lower, header.step_node):
        if extra is not None:
            changed |= identifiers(extra) & written
    if changed:
        result.reasons.append(
            f"loop bound uses {', '.join(sorted(changed))}, which the body modifies"
        )
    for n in walk(header.bound):
        if n.type == "call_expression":
            name = callee_name(n)
            if name not in (".size", ".empty") and classify_call(name) != "pure":
                result.reasons.append(f"loop bound calls {name}: not provably invariant")


def _check_local(info: VarInfo, uses: list[Access], result: LoopAnalysis) -> None:
    """Locals are private, but a local pointer, reference, iterator or view writes into
    memory the other iterations share."""
    if info.reference and any(u.writes or u.role in ("call", "addr") for u in uses):
        result.reasons.append(f"writes through local reference '{info.name}'")
    elif info.kind in ("pointer", "auto", "other") and any(
        (u.writes and (u.dims or u.field)) or u.role == "call" for u in uses
    ):
        result.reasons.append(f"writes through local '{info.name}' (type {info.type_text})")


def _scalar(
    name: str,
    info: VarInfo,
    uses: list[Access],
    loop: Node,
    body: Node,
    scope: Scope,
    result: LoopAnalysis,
) -> None:
    op = reduction_op(uses)
    if op is not None and info.kind in ("scalar", "auto"):
        result.reductions[name] = op
        return
    if op is not None:
        result.reasons.append(
            f"'{name}' (type {info.type_text}) is reduced, but OpenMP "
            "reductions need an arithmetic type"
        )
        return
    if assigned_first(uses, body):
        after = info.reference or _used_after(name, loop, scope)
        if not after:
            result.private.append(name)
            return
        if not any(n.type == "continue_statement" for n in walk(body)):
            result.lastprivate.append(name)
            return
    result.reasons.append(
        f"scalar '{name}' is written in the body but is neither a recognized reduction "
        "nor assigned before use (loop-carried dependence)"
    )


def _used_after(name: str, loop: Node, scope: Scope) -> bool:
    """Whether `name` may be read after the loop: later in the function, or anywhere in an
    enclosing loop (whose next iteration runs the code before this loop again)."""
    body = scope.function.child_by_field_name("body")
    if body is None:
        return True
    enclosing = loop.parent
    while enclosing is not None and enclosing.type not in LOOP_TYPES + ("function_definition",):
        enclosing = enclosing.parent
    in_loop = enclosing is not None and enclosing.type in LOOP_TYPES
    for n in walk(body):
        if n.type != "identifier" or text(n) != name or _inside(n, loop):
            continue
        if n.start_byte >= loop.end_byte or (
            in_loop and enclosing is not None and _inside(n, enclosing)
        ):
            return True
    return False


def _inner_headers(body: Node) -> Inner:
    out: Inner = {}
    for n in walk(body):
        if n.type == "for_statement":
            h, _ = parse_header(n)
            if h is not None:
                out.setdefault(h.var, []).append((h, n))
    return out


def _index_defs(
    locals_: dict[str, VarInfo],
    by_name: dict[str, list[Access]],
    header: LoopHeader,
    varying: set[str],
    inner: Inner,
) -> dict[str, Poly]:
    """Body locals that name an index (`const int c = i * n + j;`), never assigned again,
    whose definition uses only the loop variable, invariants and variables of inner
    loops (declared in their header) that enclose the declaration: substituting them
    into subscripts gives the same index."""
    raw: dict[str, Poly] = {}
    nodes: dict[str, Node] = {}
    for name, info in locals_.items():
        if info.reference or info.kind not in ("scalar", "auto") or info.node is None:
            continue
        if any(u.writes or u.role in ("addr", "call") for u in by_name.get(name, [])):
            continue
        decls = [
            d
            for d in info.node.children_by_field_name("declarator")
            if d.type == "init_declarator" and text(d.child_by_field_name("declarator")) == name
        ]
        if len(decls) != 1 or decls[0].child_by_field_name("value") is None:
            continue
        poly = linear(decls[0].child_by_field_name("value"))
        if poly is not None:
            raw[name], nodes[name] = poly, decls[0]
    defs: dict[str, Poly] = {}
    for name, start in raw.items():
        full: Poly | None = start
        for _ in range(4):
            full = substitute(full, {k: v for k, v in raw.items() if k != name})
        if full is None:
            continue
        poly = full
        ok = True
        for used in poly_names(poly):
            if used == header.var or used not in varying:
                continue
            enclosing = [
                loop
                for h, loop in inner.get(used, [])
                if h.declared_in_init and _inside(nodes[name], loop)
            ]
            if not enclosing or used in raw:
                ok = False
        if ok:
            defs[name] = poly
    return defs


def _imbalance(body: Node, var: str, varying: set[str], scope: Scope) -> str:
    for n in walk(body):
        if n.type in ("while_statement", "do_statement"):
            return f"data-dependent {n.type.split('_')[0]} loop at line {n.start_point[0] + 1}"
        if n.type == "for_statement":
            h, _ = parse_header(n)
            names = h.bound_names() if h is not None else identifiers(n)
            if var in names or names & (varying - {h.var if h else ""}):
                return f"inner loop bound at line {n.start_point[0] + 1} varies with '{var}'"
        if n.type == "if_statement":
            cons = n.child_by_field_name("consequence")
            if cons is not None and any(
                m.type in ("for_statement", "while_statement") for m in walk(cons)
            ):
                return f"conditional work at line {n.start_point[0] + 1}"
    return ""


def make_scope(
    function: Node,
    functions: dict[str, Node],
    globals_: dict[str, VarInfo],
    purity: PurityChecker | None = None,
) -> Scope:
    from parcodegen.autopar.syntax import function_params

    body = function.child_by_field_name("body")
    return Scope(
        function,
        {p.name: p for p in function_params(function)},
        local_declarations(body) if body is not None else [],
        globals_,
        purity or PurityChecker(functions),
    )


__all__ = ["LoopAnalysis", "Scope", "analyze_loop", "make_scope"]
