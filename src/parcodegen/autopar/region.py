"""One parallel region around a serial loop whose body is only parallel loops (`region`).

    for (int t = 0; t < steps; ++t) { for i ... ; for i ... ; }
->
    #pragma omp parallel
    for (int t = 0; t < steps; ++t) { #pragma omp for ... for i ...; #pragma omp for ... }

Every thread runs the serial loop's header itself (the same trip sequence: its variable is
declared in the header, so private, and no name of the header is written in the body);
each inner loop is shared out with `omp for`, whose implicit barrier keeps the order
between the inner loops and between the serial iterations, exactly as separate
`parallel for` regions would, but the team starts once instead of once per serial
iteration (time steps, the row loop of a column pass). Inner loops that need an
array-section reduction (declarations before the loop) are not hoisted. A single inner
loop whose dependences between serial iterations stay at the same inner iteration gets
`nowait` (static schedule, same bounds: the same thread runs that iteration each time).
"""

from __future__ import annotations

from parcodegen.autopar.analysis import LoopAnalysis
from parcodegen.autopar.loops import parse_header
from parcodegen.autopar.plan import NestPlan
from parcodegen.autopar.syntax import Node, identifiers, line_of, text, walk
from parcodegen.autopar.transform import Edit, default_schedule, pragma

Extra = tuple[str, str, str, list[Edit]]


def _written_names(node: Node) -> set[str]:
    """The variable each assignment or increment writes (`a` for `a[i] = ..`, `p` for
    `p->x = ..`; every name of a target it cannot read: conservative)."""
    out: set[str] = set()
    for n in walk(node):
        target = None
        if n.type == "assignment_expression":
            target = n.child_by_field_name("left")
        elif n.type == "update_expression":
            target = n.child_by_field_name("argument")
        while target is not None:
            if target.type == "parenthesized_expression" and target.named_children:
                target = target.named_children[0]
            elif target.type in ("subscript_expression", "field_expression"):
                target = target.child_by_field_name("argument")
            else:
                break
        if target is None:
            continue
        out |= {text(target)} if target.type == "identifier" else identifiers(target)
    return out


def _statements(body: Node | None) -> list[Node]:
    if body is None:
        return []
    if body.type != "compound_statement":
        return [body]
    return [c for c in body.named_children if c.type != "comment"]


def hoistable(serial: Node, chosen: dict[int, LoopAnalysis]) -> list[LoopAnalysis] | None:
    """The parallel loops of `serial`'s body when it holds nothing else and its header
    is the same for every thread; None otherwise."""
    h, _ = parse_header(serial)
    if h is None or not h.declared_in_init:
        return None
    body = serial.child_by_field_name("body")
    kids = _statements(body)
    inner = [chosen.get(k.start_byte) for k in kids]
    if not kids or any(a is None for a in inner):
        return None
    analyses = [a for a in inner if a is not None]
    if any(a.array_reductions for a in analyses):
        return None
    header_names = h.bound_names() | {h.var} | identifiers(serial.child_by_field_name("condition"))
    if body is None or _written_names(body) & header_names:
        return None
    return analyses


def _may_skip_barrier(code: str, serial: Node, inner: list[LoopAnalysis]) -> bool:
    """`nowait` on the one inner loop when every dependence between serial iterations
    stays at the same inner iteration (the inner loop is distance-0 over the pair: a
    column pass reading the row above) and that iteration runs on the same thread each
    time: a static schedule over bounds that do not change with the serial loop. The
    region's closing barrier still follows the last iteration."""
    from parcodegen.autopar.band import distance_zero, find_band

    if len(inner) != 1:
        return False
    a = inner[0]
    if a.reductions or a.lastprivate or a.imbalance or a.header is None:
        return False
    band = find_band(serial)
    if band is None or len(band.loops) != 2 or band.loops[1].start_byte != a.loop.start_byte:
        return False  # rectangular: the inner bounds do not name the serial variable
    return distance_zero(code, band)[1]


def hoisted(code: str, nests: list[NestPlan]) -> list[Extra]:
    """The `region` variant, or nothing when no serial loop qualifies."""
    chosen = {n.chosen.loop.start_byte: n.chosen for n in nests if n.chosen is not None}
    edits: list[Edit] = []
    covered: set[int] = set()
    serial_lines = []
    seen: set[int] = set()
    for a in list(chosen.values()):
        parent = a.loop.parent
        serial = (
            parent.parent if parent is not None and parent.type == "compound_statement" else parent
        )
        if serial is None or serial.type != "for_statement" or serial.start_byte in seen:
            continue
        seen.add(serial.start_byte)
        inner = hoistable(serial, chosen)
        if inner is None:
            continue
        edits.append((serial, "#pragma omp parallel", LoopAnalysis(serial, None)))
        serial_lines.append(line_of(serial))
        wait = " nowait" if _may_skip_barrier(code, serial, inner) else ""
        for b in inner:
            head = pragma(b, schedule=default_schedule(b))
            head = head.replace("#pragma omp parallel for", "#pragma omp for", 1) + wait
            edits.append((b.loop, head, b))
            covered.add(b.loop.start_byte)
    if not edits:
        return []
    for start, a in chosen.items():
        if start not in covered:
            edits.append((a.loop, pragma(a, schedule=default_schedule(a)), a))
    lines = ", ".join(map(str, serial_lines))
    desc = (
        f"one parallel region around the serial loop at line {lines}, its inner loops "
        "shared out with `omp for` (the team starts once, not once per iteration)"
    )
    return [("region", desc, code, edits)]


__all__ = ["hoistable", "hoisted"]
