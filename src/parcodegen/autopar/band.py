"""Perfectly nested bands of up to three loops: reorder them for a parallel outer loop and a
stride-1 inner loop, and tile them (`permute` and `tile-band` variants).

A band is a chain `for a { for b { for c {...} } }`, each loop the only statement of the
one outside it, with canonical unit-step `<` headers declared in the init and bounds
that name no loop variable of the band (rectangular).

Legality comes from the dependence analysis, run on reordered copies of the code: a band
loop X has **distance 0** in every dependence when, moved to the top of the band, it is
parallel as a whole (no array reduction), since then no two iterations with different X
touch one element, whatever the other band variables do. Every dependence of the band
is then a vector with non-zero entries only in the other loops. So:
- a permutation keeps every dependence's order when the loops that are not distance-0
  keep their relative order (the first non-zero entry of each vector stays first);
- with at most one loop that is not distance-0, every dependence vector is (0, .., d,
  .., 0) with d > 0: the band is fully permutable and tiling it is legal; the tile loop
  of a distance-0 loop is parallel.
Each variant is still verified like any candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parcodegen.autopar.access import collect
from parcodegen.autopar.analysis import LoopAnalysis
from parcodegen.autopar.loops import LoopHeader, parse_header
from parcodegen.autopar.plan import NestPlan, only_loop
from parcodegen.autopar.syntax import Node, line_of, parse, req, text, walk

Replan = Callable[[str], list[NestPlan]]
Extra = tuple[str, str, str, list]  # label, description, code, edits
TILE = 32
MAX_DEPTH = 3


@dataclass(frozen=True)
class Band:
    loops: tuple[Node, ...]  # outermost first
    headers: tuple[LoopHeader, ...]

    @property
    def vars(self) -> tuple[str, ...]:
        return tuple(h.var for h in self.headers)


def find_band(loop: Node) -> Band | None:
    """The perfectly nested rectangular band starting at `loop` (2 or 3 deep), or None."""
    loops: list[Node] = []
    headers: list[LoopHeader] = []
    node: Node | None = loop
    while node is not None and len(loops) < MAX_DEPTH:
        h, _ = parse_header(node)
        if h is None or not (h.declared_in_init and h.step == 1 and h.op == "<"):
            break
        if h.bound_names() & {x.var for x in headers}:
            break
        loops.append(node)
        headers.append(h)
        node = only_loop(node.child_by_field_name("body"))
    if len(loops) < 2:
        return None
    return Band(tuple(loops), tuple(headers))


def permute_headers(code: str, band: Band, order: tuple[int, ...]) -> str:
    """The source with the band's headers in `order` (indices into the band)."""
    data = code.encode("utf-8")
    heads = [
        data[lp.start_byte : req(lp.child_by_field_name("body")).start_byte] for lp in band.loops
    ]
    edits = []
    for pos, lp in enumerate(band.loops):
        end = req(lp.child_by_field_name("body")).start_byte
        edits.append((lp.start_byte, end, heads[order[pos]]))
    for start, end, blob in sorted(edits, reverse=True):
        data = data[:start] + blob + data[end:]
    return data.decode("utf-8")


def _chosen_at(nests: list[NestPlan], start: int) -> LoopAnalysis | None:
    for n in nests:
        if n.chosen is not None and n.chosen.loop.start_byte == start:
            return n.chosen
    return None


def distance_zero(code: str, band: Band) -> list[bool]:
    """Per band loop: whether every dependence has distance 0 in it (see the module doc);
    loops enclosing the band are fixed (parameters of the analysis)."""
    from parcodegen.autopar.sink import analyze_at

    out = []
    start = band.loops[0].start_byte
    for k in range(len(band.loops)):
        order = (k,) + tuple(i for i in range(len(band.loops)) if i != k)
        a = analyze_at(permute_headers(code, band, order), start)
        out.append(
            a is not None
            and a.ok
            and a.header is not None
            and a.header.var == band.vars[k]
            and not a.array_reductions
            and not a.lastprivate
        )  # fmt: skip  (a value read after the band would come from another iteration)
    return out


def stride_score(body: Node, var: str) -> int:
    """Accesses whose last index moves by 1 with `var`, minus those it moves by a stride
    (a row-major `a[var*n + j]`): the loop that should run innermost has the highest."""
    score = 0
    for acc in collect(body):
        if not acc.dims:
            continue
        poly = acc.dims[-1]
        if poly is None:
            continue
        for mono, coef in poly.items():
            if var not in mono:
                continue
            score += 1 if mono == (var,) and abs(coef) == 1 else -1
    return score


def legal(order: tuple[int, ...], zero: list[bool]) -> bool:
    carried = [k for k in order if not zero[k]]
    return carried == sorted(carried)


def best_order(
    band: Band, zero: list[bool], parallel_outside: bool = False
) -> tuple[int, ...] | None:
    """A legal order with the best stride-1 loop innermost (ties keep the original
    innermost) and a distance-0 loop outermost (any loop when a loop outside the band
    is the parallel one); None when none exists."""
    body = req(band.loops[-1].child_by_field_name("body"))
    depth = len(band.loops)
    scores = [stride_score(body, v) for v in band.vars]
    # never a worse stride inside than the written order has
    inner_rank = sorted(
        (k for k in range(depth) if scores[k] >= scores[depth - 1]),
        key=lambda k: (-scores[k], k != depth - 1, -k),
    )
    for inner in inner_rank:
        for outer in (k for k in range(depth) if (zero[k] or parallel_outside) and k != inner):
            middle = tuple(k for k in range(depth) if k not in (outer, inner))
            order = (outer, *middle, inner)
            if legal(order, zero):
                return order
    return None


def _clean(a: LoopAnalysis | None) -> bool:
    return a is not None and not (a.reductions or a.array_reductions or a.lastprivate or a.private)


def band_variants(code: str, nests: list[NestPlan], replan: Replan) -> list[Extra]:
    """`permute`: each band in its best legal order; `tile-band`: 3-deep bands that are
    fully permutable, tiled TILE^3 in that order, blocks of the outer loop in parallel."""
    bands: list[tuple[Band, tuple[int, ...], list[bool]]] = []
    claimed: list[Node] = []
    functions = [f for f in (_function_of(n.root) for n in nests) if f is not None]
    for loop in walk(parse(code).root_node):
        if loop.type != "for_statement" or any(
            c.start_byte <= loop.start_byte < c.end_byte for c in claimed
        ):
            continue
        if not any(f.start_byte <= loop.start_byte < f.end_byte for f in functions):
            continue  # outside the planned functions
        band = find_band(loop)
        if band is None:
            continue
        zero = distance_zero(code, band)
        inside = any(
            n.chosen is not None
            and n.chosen.loop.start_byte < loop.start_byte < n.chosen.loop.end_byte
            for n in nests
        )
        order = best_order(band, zero, parallel_outside=inside)
        if order is None:
            continue
        claimed.append(loop)
        bands.append((band, order, zero))
    out: list[Extra] = []
    moved = [(b, o) for b, o, _ in bands if o != tuple(range(len(b.loops)))]
    if moved:
        permuted = code
        for band, order in sorted(moved, key=lambda bo: -bo[0].loops[0].start_byte):
            permuted = permute_headers(permuted, band, order)
        edits = _edits(replan(permuted))
        lines = ", ".join(str(line_of(b.loops[0])) for b, _ in moved)
        names = "; ".join("-".join(b.vars[k] for k in o) for b, o in moved)
        desc = (
            f"loop band at line {lines} reordered ({names}): a parallel loop outside, "
            "the stride-1 loop inside"
        )
        out.append(("permute", desc, permuted, edits))
    tileable = [
        (b, o) for b, o, z in bands if len(b.loops) == MAX_DEPTH and sum(not x for x in z) <= 1
    ]
    tiled = _tile(code, tileable, replan)
    if tiled is not None:
        out.append(tiled)
    return out


def _function_of(node: Node) -> Node | None:
    p = node.parent
    while p is not None and p.type != "function_definition":
        p = p.parent
    return p


def _edits(nests: list[NestPlan]) -> list:
    from parcodegen.autopar.transform import default_schedule, pragma

    return [
        (n.chosen.loop, pragma(n.chosen, schedule=default_schedule(n.chosen)), n.chosen)
        for n in nests
        if n.chosen is not None
    ]


def _tile(code: str, bands: list[tuple[Band, tuple[int, ...]]], replan: Replan) -> Extra | None:
    """Each band tiled in its order; its outermost tile loop parallel when that loop is
    distance-0 and, in the reordered code, parallel with no clause at all (no reduction,
    nothing private: the tiled loop gets a bare pragma)."""
    chosen = []
    for band, order in bands:
        permuted = permute_headers(code, band, order)
        a = _chosen_at(replan(permuted), band.loops[0].start_byte)
        if _clean(a) and a is not None and a.header is not None:
            if a.header.var == band.vars[order[0]]:
                chosen.append((band, order))
    if not chosen:
        return None
    data = code.encode("utf-8")
    blobs = []
    for band, order in chosen:
        body = req(band.loops[-1].child_by_field_name("body"))
        hs = [band.headers[k] for k in order]
        blobs.append(
            (band.loops[0].start_byte, band.loops[0].end_byte,
             _tile_headers(hs).encode() + data[body.start_byte : body.end_byte])
        )  # fmt: skip
    starts, shift = [], 0
    for start, end, blob in sorted(blobs):
        starts.append(start + shift)
        shift += len(blob) - (end - start)
    for start, end, blob in sorted(blobs, reverse=True):
        data = data[:start] + blob + data[end:]
    tiled_code = data.decode("utf-8")
    tree = parse(tiled_code).root_node
    loops = [n for n in walk(tree) if n.type == "for_statement" and n.start_byte in starts]
    edits: list = [
        (loop, "#pragma omp parallel for schedule(static)", LoopAnalysis(loop, None))
        for loop in loops
    ]
    for e in _edits(replan(tiled_code)):
        if not any(t.start_byte <= e[0].start_byte < t.end_byte for t in loops):
            edits.append(e)
    lines = ", ".join(str(line_of(b.loops[0])) for b, _ in chosen)
    names = "; ".join("-".join(b.vars[k] for k in o) for b, o in chosen)
    desc = (
        f"loop band at line {lines} tiled {TILE}^3 ({names}), blocks of the outer loop in parallel"
    )
    return ("tile-band", desc, tiled_code, edits)


def _tile_headers(hs: list[LoopHeader]) -> str:
    out = []
    for h in hs:
        t = f"{h.var}_tile"
        out.append(
            f"for ({h.var_type} {t} = {text(h.lower)}; {t} < {text(h.bound)}; {t} += {TILE})\n"
        )
    for h in hs:
        t, b = f"{h.var}_tile", text(h.bound)
        out.append(
            f"for ({h.var_type} {h.var} = {t}; {h.var} < ({t} + {TILE} < ({b}) ? "
            f"{t} + {TILE} : ({b})); ++{h.var})\n"
        )
    return "".join(out)


__all__ = ["Band", "band_variants", "best_order", "find_band", "legal", "permute_headers"]
