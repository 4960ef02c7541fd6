"""Transformations that reorder a loop nest: interchange and tiling.

Each is proposed only when the analysis proves it keeps every dependence's order, and
each variant is still verified like any candidate. A transformed source is planned again
(`replan`) so that its pragmas come from the same analysis as any other variant's.
"""

from __future__ import annotations

from collections.abc import Callable

from parcodegen.autopar.analysis import LoopAnalysis
from parcodegen.autopar.loops import LoopHeader, parse_header
from parcodegen.autopar.plan import NestPlan, only_loop
from parcodegen.autopar.syntax import Node, line_of, parse, req, text, walk
from parcodegen.autopar.transform import Edit, default_schedule, pragma

Replan = Callable[[str], list[NestPlan]]
Extra = tuple[str, str, str, list[Edit]]  # label, description, code, edits
TILE = 32


def _edits_of(nests: list[NestPlan]) -> list[Edit]:
    return [
        (n.chosen.loop, pragma(n.chosen, schedule=default_schedule(n.chosen)), n.chosen)
        for n in nests
        if n.chosen is not None
    ]


def swap_headers(code: str, pairs: list[tuple[Node, Node]]) -> str:
    """The source with the headers of each (outer, inner) perfectly nested pair swapped."""
    data = code.encode("utf-8")
    edits = []
    for outer, inner in pairs:
        ob = req(outer.child_by_field_name("body")).start_byte
        ib = req(inner.child_by_field_name("body")).start_byte
        edits.append((outer.start_byte, ob, data[inner.start_byte : ib]))
        edits.append((inner.start_byte, ib, data[outer.start_byte : ob]))
    for pos, end, blob in sorted(edits, reverse=True):
        data = data[:pos] + blob + data[end:]
    return data.decode("utf-8")


def _clean(a: LoopAnalysis) -> bool:
    return not (a.reductions or a.array_reductions or a.lastprivate)


def interchanged(code: str, nests: list[NestPlan], replan: Replan) -> list[Extra]:
    """A variant that swaps each perfectly nested pair `for a { for b {...} }` whose outer
    loop is not parallel (or only with an array reduction) so that the inner one runs
    outside, parallel over the whole nest. Legality comes from analysing the swapped
    code: the new outer loop must be safe as a whole (no dependence between its
    iterations, whatever the old outer variable does), so every dependence has distance
    0 in it and the swap keeps every dependence's order."""
    pairs: list[tuple[Node, Node]] = []
    for loop in walk(parse(code).root_node):
        if loop.type != "for_statement":
            continue
        inner = only_loop(loop.child_by_field_name("body"))
        if inner is None:
            continue
        ho, _ = parse_header(loop)
        hi, _ = parse_header(inner)
        if ho is None or hi is None or ho.var in hi.bound_names():
            continue
        covering = [
            n.chosen
            for n in nests
            if n.chosen is not None
            and n.chosen.loop.start_byte <= loop.start_byte < n.chosen.loop.end_byte
        ]
        if any(c.loop.start_byte != loop.start_byte or not c.array_reductions for c in covering):
            continue  # already parallel without an array reduction, or inside such a loop
        if any(p.start_byte <= loop.start_byte < p.end_byte for p, _ in pairs):
            continue  # one swap per nest
        pairs.append((loop, inner))  # outside the planned functions: never re-chosen
    new_nests = replan(swap_headers(code, pairs)) if pairs else []
    good = {
        n.chosen.loop.start_byte
        for n in new_nests
        if n.chosen is not None and not n.chosen.array_reductions
    }
    kept = [(o, i) for o, i in pairs if o.start_byte in good]
    if not kept:
        return []
    swapped = swap_headers(code, kept)
    lines = ", ".join(str(line_of(o)) for o, _ in kept)
    desc = f"loops interchanged at line {lines}: the inner loop, parallel over the nest, outside"
    if any(_strided_after(o, i) for o, i in kept):
        # the old outer loop now runs innermost over a strided index (a column walk of a
        # row-major array): ranked after every other variant
        desc += "; the innermost loop then walks a strided index"
        return [("interchange-strided", desc, swapped, _edits_of(replan(swapped)))]
    return [("interchange", desc, swapped, _edits_of(replan(swapped)))]


def _strided_after(outer: Node, inner: Node) -> bool:
    """Whether swapping makes the innermost loop's stride worse: `inner` is innermost
    and the accesses favour its variable over the outer one's."""
    from parcodegen.autopar.band import stride_score

    body = inner.child_by_field_name("body")
    if body is None or any(n.type == "for_statement" for n in walk(body)):
        return False
    ho, _ = parse_header(outer)
    hi, _ = parse_header(inner)
    if ho is None or hi is None:
        return False
    return stride_score(body, ho.var) < stride_score(body, hi.var)


def tiled(code: str, nests: list[NestPlan], replan: Replan) -> list[Extra]:
    """A variant that tiles each perfectly nested pair `for i { for j {...} }` (both
    rectangular, unit step, `<` bounds, declared in the header) whose loops are both
    parallel over the whole pair: i as chosen (no reduction, nothing private), j when
    the pair is swapped. With no dependence carried by either loop every order of the
    iterations is legal; blocks of rows are split across threads. TILE x TILE blocks keep
    a row-major and a column-major access stream both in cache (a transpose)."""
    pairs: list[tuple[Node, Node, LoopHeader, LoopHeader]] = []
    for n in nests:
        a = n.chosen
        if a is None or not _clean(a) or a.private or a.header is None:
            continue
        inner = only_loop(a.loop.child_by_field_name("body"))
        if inner is None:
            continue
        hi, _ = parse_header(inner)
        ho = a.header
        if hi is None or ho.var in hi.bound_names():
            continue
        if all(h.declared_in_init and h.step == 1 and h.op == "<" for h in (ho, hi)):
            pairs.append((a.loop, inner, ho, hi))
    if not pairs:
        return []
    # j must be parallel over the pair too: the swapped pair's outer loop
    swapped = replan(swap_headers(code, [(o, i) for o, i, _, _ in pairs]))
    both = {n.chosen.loop.start_byte for n in swapped if n.chosen and _clean(n.chosen)}
    chosen = [p for p in pairs if p[0].start_byte in both]
    if not chosen:
        return []
    data = code.encode("utf-8")
    blobs: dict[int, tuple[int, bytes]] = {}
    for outer, inner, ho, hi in chosen:
        body = req(inner.child_by_field_name("body"))
        blobs[outer.start_byte] = (
            outer.end_byte,
            _tile_header(ho, hi).encode() + data[body.start_byte : body.end_byte],
        )
    starts, shift = [], 0
    for pos in sorted(blobs):
        end, blob = blobs[pos]
        starts.append(pos + shift)
        shift += len(blob) - (end - pos)
    for pos in sorted(blobs, reverse=True):
        end, blob = blobs[pos]
        data = data[:pos] + blob + data[end:]
    tiled_code = data.decode("utf-8")
    # the tiled outer loop is parallel by the analysis of the pair above (its min(...)
    # bounds are beyond the index analysis); the other nests as planned
    tree = parse(tiled_code).root_node
    loops = [n for n in walk(tree) if n.type == "for_statement" and n.start_byte in starts]
    edits: list[Edit] = [
        (loop, "#pragma omp parallel for schedule(static)", LoopAnalysis(loop, None))
        for loop in loops
    ]
    for e in _edits_of(replan(tiled_code)):
        if not any(t.start_byte <= e[0].start_byte < t.end_byte for t in loops):
            edits.append(e)
    lines = ", ".join(str(line_of(o)) for o, _, _, _ in chosen)
    desc = f"the loop pair at line {lines} tiled {TILE}x{TILE}, blocks of rows in parallel"
    return [("tile", desc, tiled_code, edits)]


def _tile_header(ho: LoopHeader, hi: LoopHeader) -> str:
    it, jt = f"{ho.var}_tile", f"{hi.var}_tile"
    lo_o, lo_i = text(ho.lower), text(hi.lower)
    b_o, b_i = text(ho.bound), text(hi.bound)
    return (
        f"for ({ho.var_type} {it} = {lo_o}; {it} < {b_o}; {it} += {TILE})\n"
        f"for ({hi.var_type} {jt} = {lo_i}; {jt} < {b_i}; {jt} += {TILE})\n"
        f"for ({ho.var_type} {ho.var} = {it}; {ho.var} < ({it} + {TILE} < ({b_o}) ? "
        f"{it} + {TILE} : ({b_o})); ++{ho.var})\n"
        f"for ({hi.var_type} {hi.var} = {jt}; {hi.var} < ({jt} + {TILE} < ({b_i}) ? "
        f"{jt} + {TILE} : ({b_i})); ++{hi.var}) "
    )


__all__ = ["interchanged", "swap_headers", "tiled"]
