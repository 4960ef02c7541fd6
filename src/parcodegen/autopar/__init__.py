"""autopar: the built-in, non-LLM OpenMP parallelizer.

`optimize_source(code, function)` parses the file with tree-sitter, decides for every
loop of `function` (and of the same-file functions it calls) whether its iterations are
provably independent, and returns several complete variants with `#pragma omp` inserted,
plus a report saying per loop what was done or why not. See docs/autopar.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parcodegen.autopar.analysis import LoopAnalysis, make_scope
from parcodegen.autopar.plan import FilePlan, LoopNote, NestPlan, calls_in, plan_function
from parcodegen.autopar.purity import PurityChecker
from parcodegen.autopar.rangefor import rewrite_range_loops
from parcodegen.autopar.syntax import (
    text,
    function_definitions,
    global_declarations,
    line_of,
    parse,
    walk,
)
from parcodegen.autopar.loops import parse_header
from parcodegen.autopar.plan import _only_loop
from parcodegen.autopar.transform import default_schedule, plan_variants, pragma

LOOPS = ("for_statement", "while_statement", "do_statement", "for_range_loop")


@dataclass(frozen=True)
class AutoparResult:
    function: str
    variants: list[tuple[str, str]]  # (label, complete translation unit)
    report: str  # printable: per-loop decisions and the variants
    loops: tuple[LoopNote, ...] = field(default=())

    @property
    def parallelized(self) -> bool:
        return bool(self.variants)


def _callees(target: str, functions: dict) -> list[str]:
    order, queue = [target], [target]
    while queue:
        name = queue.pop(0)
        for callee in sorted(calls_in(functions[name], functions)):
            if callee not in order:
                order.append(callee)
                queue.append(callee)
    return order


def _plan(code: str, function: str) -> tuple[list[NestPlan], FilePlan, list[str]]:
    root = parse(code).root_node
    functions = function_definitions(root)
    targets = _callees(function, functions)
    globals_ = global_declarations(root)
    purity = PurityChecker(functions)
    plan = FilePlan()
    nests: dict[str, list[NestPlan]] = {}
    for name in targets:
        scope = make_scope(functions[name], functions, globals_, purity)
        nests[name] = plan_function(name, functions[name], scope, plan)
    _drop_nested(function, nests, functions, plan)
    for name, fn in functions.items():
        if name in targets:
            continue
        for n in walk(fn):
            if n.type in LOOPS:
                plan.notes.append(
                    LoopNote(
                        name,
                        line_of(n),
                        _first_line(n),
                        "not touched: outside the target function and the functions it calls",
                    )
                )
    return [n for name in targets for n in nests[name]], plan, targets


def _annotated_lines(nests: list[NestPlan]) -> set[int]:
    lines = set()
    for n in nests:
        for a in (n.chosen, n.inner, n.simd):
            if a is not None:
                lines.add(line_of(a.loop))
    return lines


def optimize_source(code: str, function: str) -> AutoparResult:
    functions = function_definitions(parse(code).root_node)
    if function not in functions:
        report = f"autopar: function '{function}' is not defined in this source; nothing done"
        return AutoparResult(function, [], report)
    targets = set(_callees(function, functions))
    # range-based loops over containers are analysed as index loops; the rewrite stays
    # only in loops that some variant parallelizes
    rewritten, originals = rewrite_range_loops(code, targets)
    nests, plan, _ = _plan(rewritten, function)
    used = set(originals) & _annotated_lines(nests)
    if used != set(originals):
        final_code, _ = rewrite_range_loops(code, targets, only_lines=used) if used else (code, {})
        nests, _, _ = _plan(final_code, function)
    else:
        final_code = rewritten
    for note in plan.notes:
        if note.line in originals and note.header.startswith("for (std::size_t ap_i"):
            note.header = originals[note.line]
            note.decision += " [range-based for, analysed as an index loop]"
    swapped = interchanged(final_code, function, nests)
    tiles = tiled(final_code, function, nests)
    variants = plan_variants(final_code, nests, extra=swapped + tiles)
    kept = [v for v in variants if not v.dropped]
    notes = sorted(plan.notes, key=lambda n: (n.line, n.function))
    lines = [f"autopar report for `{function}`:"]
    lines += [f"- {n}" for n in notes] or ["- no loops found"]
    if kept:
        lines.append("variants, best predicted first (regions started, work per region):")
        lines += [
            f"- {v.label}: {v.description} ({_scale(v.regions)}, {_scale(v.work)})" for v in kept
        ]
    dropped = [v for v in variants if v.dropped]
    if dropped:
        lines.append("not proposed (cost model):")
        lines += [f"- {v.label}: {v.dropped}" for v in dropped]
    if not kept:
        lines.append(nothing_safe(notes, bool(dropped)))
    return AutoparResult(
        function, [(v.label, v.code) for v in kept], "\n".join(lines), tuple(notes)
    )


def _scale(x: float) -> str:
    return f"~{x:.0e}" if x >= 1000 else f"~{x:.0f}"


def nothing_safe(notes, hopeless: bool) -> str:
    """The closing sentence when no variant is proposed, with the reason per loop."""
    reasons = [
        f"line {n.line} `{n.header}`: {n.decision.removeprefix('not parallelized: ')}"
        for n in notes
        if n.decision.startswith("not parallelized")
    ]
    head = (
        "nothing is worth parallelizing (the safe loops are predicted hopeless)"
        if hopeless
        else "nothing is safe to parallelize"
    )
    return f"{head}: " + ("; ".join(reasons) if reasons else "no loops") + "; the original is kept"


def interchanged(code: str, function: str, nests: list[NestPlan]) -> list:
    """Variants that swap a perfectly nested pair of loops `for a { for b {...} }` whose
    outer loop is not parallel (or only with an array reduction) so that the inner one,
    parallel over the whole nest, runs outside. Legality comes from analysing the swapped
    code: the new outer loop must be safe as a whole (no dependence between its
    iterations, whatever the old outer variable does), which means every dependence has
    distance 0 in it, so the swap keeps every dependence's order."""
    root = parse(code).root_node
    functions = function_definitions(root)
    pairs = []
    for name in _callees(function, functions):
        for loop in walk(functions[name]):
            if loop.type != "for_statement":
                continue
            inner = _only_loop(loop.child_by_field_name("body"))
            if inner is None:
                continue
            ho, _ = parse_header(loop)
            hi, _ = parse_header(inner)
            if ho is None or hi is None or ho.var in hi.bound_names():
                continue
            inside = [
                n.chosen
                for n in nests
                if n.chosen is not None
                and n.chosen.loop.start_byte <= loop.start_byte < n.chosen.loop.end_byte
            ]
            if any(c.loop.start_byte != loop.start_byte or not c.array_reductions for c in inside):
                continue  # already parallel without an array reduction, or inside such a loop
            if any(p[0].start_byte <= loop.start_byte < p[0].end_byte for p in pairs):
                continue  # one swap per nest
            pairs.append((loop, inner))
    if not pairs:
        return []
    data = code.encode("utf-8")
    edits = []
    for outer, inner in pairs:
        ob = outer.child_by_field_name("body").start_byte
        ib = inner.child_by_field_name("body").start_byte
        edits.append((outer.start_byte, ob, data[inner.start_byte : ib]))
        edits.append((inner.start_byte, ib, data[outer.start_byte : ob]))
    for pos, end, blob in sorted(edits, reverse=True):
        data = data[:pos] + blob + data[end:]
    swapped = data.decode("utf-8")
    new_nests, _, _ = _plan(swapped, function)
    starts = {o.start_byte for o, _ in pairs}
    good = [
        n for n in new_nests
        if n.chosen is not None and n.chosen.loop.start_byte in starts
        and not n.chosen.array_reductions
    ]  # fmt: skip
    if not good:
        return []
    edits_out = []
    for n in new_nests:
        a = n.chosen
        if a is None:
            continue
        edits_out.append((a.loop, pragma(a, schedule=default_schedule(a)), a))
    if len(good) < len(pairs):
        # keep only the swaps that made the new outer loop parallel
        keep = {n.chosen.loop.start_byte for n in good if n.chosen is not None}
        undo = [(o, i) for o, i in pairs if o.start_byte in keep]
        return interchanged_pairs(code, function, undo)
    lines = ", ".join(str(line_of(o)) for o, _ in pairs)
    desc = (
        f"loops interchanged at line {lines}: the inner loop, parallel over the nest, runs outside"
    )
    return [("interchange", desc, swapped, edits_out)]


TILE = 32


def tiled(code: str, function: str, nests: list[NestPlan]) -> list:
    """A variant that tiles each perfectly nested pair `for i { for j {...} }` (both
    rectangular, unit step, `<` bounds) whose loops are both parallel over the whole
    pair: i as chosen (no reduction, nothing private), j when the pair is swapped. With
    no dependence carried by either loop, any order of the iterations is legal; the
    blocks of rows are split across threads. TILE x TILE blocks keep both a row-major
    and a column-major access stream in cache (a transpose)."""
    root = parse(code).root_node
    functions = function_definitions(root)
    pairs = []
    for n in nests:
        a = n.chosen
        if a is None or a.reductions or a.array_reductions or a.private or a.lastprivate:
            continue
        inner = _only_loop(a.loop.child_by_field_name("body"))
        if inner is None:
            continue
        hi, _ = parse_header(inner)
        ho = a.header
        if ho is None or hi is None or ho.var in hi.bound_names():
            continue
        if not all(h.declared_in_init and h.step == 1 and h.op == "<" for h in (ho, hi)):
            continue
        pairs.append((a.loop, inner, ho, hi))
    if not pairs or function not in functions:
        return []
    # both loops must be parallel over the pair: check the swapped nest
    check = interchanged_pairs(code, function, [(o, i) for o, i, _, _ in pairs])
    if not check:
        return []
    ok_starts = {
        e[0].start_byte
        for e in check[0][3]
        if not (e[2].reductions or e[2].array_reductions or e[2].lastprivate)
    }
    chosen = [p for p in pairs if p[0].start_byte in ok_starts]
    if not chosen:
        return []
    data = code.encode("utf-8")
    edits = []
    for outer, inner, ho, hi in chosen:
        body = inner.child_by_field_name("body")
        it, jt = f"{ho.var}_tile", f"{hi.var}_tile"
        lo_o, lo_i = text(ho.lower), text(hi.lower)
        b_o, b_i = text(ho.bound), text(hi.bound)
        new = (
            f"for ({ho.var_type} {it} = {lo_o}; {it} < {b_o}; {it} += {TILE})\n"
            f"for ({hi.var_type} {jt} = {lo_i}; {jt} < {b_i}; {jt} += {TILE})\n"
            f"for ({ho.var_type} {ho.var} = {it}; {ho.var} < ({it} + {TILE} < ({b_o}) ? "
            f"{it} + {TILE} : ({b_o})); ++{ho.var})\n"
            f"for ({hi.var_type} {hi.var} = {jt}; {hi.var} < ({jt} + {TILE} < ({b_i}) ? "
            f"{jt} + {TILE} : ({b_i})); ++{hi.var}) "
        ).encode() + data[body.start_byte : body.end_byte]
        edits.append((outer.start_byte, outer.end_byte, new))
    for pos, end, blob in sorted(edits, reverse=True):
        data = data[:pos] + blob + data[end:]
    tiled_code = data.decode("utf-8")
    # the tiled outer loop is parallel by the analysis of the pair above (its bounds,
    # min(...) expressions, are beyond the index analysis); other nests as planned
    new_nests, _, _ = _plan(tiled_code, function)
    spans = []
    shift = 0
    for outer, _, _, _ in sorted(chosen, key=lambda p: p[0].start_byte):
        spans.append(outer.start_byte + shift)
        shift += len(dict((e[0], e[2]) for e in edits)[outer.start_byte]) - (
            outer.end_byte - outer.start_byte
        )
    tree = parse(tiled_code).root_node
    tiled_loops = [n for n in walk(tree) if n.type == "for_statement" and n.start_byte in spans]
    edits_out = [
        (loop, "#pragma omp parallel for schedule(static)", LoopAnalysis(loop, None))
        for loop in tiled_loops
    ]
    for n in new_nests:
        a = n.chosen
        if a is None or any(t.start_byte <= a.loop.start_byte < t.end_byte for t in tiled_loops):
            continue
        edits_out.append((a.loop, pragma(a, schedule=default_schedule(a)), a))
    lines = ", ".join(str(line_of(o)) for o, _, _, _ in chosen)
    desc = f"the loop pair at line {lines} tiled {TILE}x{TILE}, blocks of rows in parallel"
    return [("tile", desc, tiled_code, edits_out)]


def interchanged_pairs(code: str, function: str, pairs) -> list:
    """`interchanged` restricted to the given (outer, inner) pairs."""
    if not pairs:
        return []
    data = code.encode("utf-8")
    edits = []
    for outer, inner in pairs:
        ob = outer.child_by_field_name("body").start_byte
        ib = inner.child_by_field_name("body").start_byte
        edits.append((outer.start_byte, ob, data[inner.start_byte : ib]))
        edits.append((inner.start_byte, ib, data[outer.start_byte : ob]))
    for pos, end, blob in sorted(edits, reverse=True):
        data = data[:pos] + blob + data[end:]
    swapped = data.decode("utf-8")
    new_nests, _, _ = _plan(swapped, function)
    edits_out = [
        (n.chosen.loop, pragma(n.chosen, schedule=default_schedule(n.chosen)), n.chosen)
        for n in new_nests
        if n.chosen is not None
    ]
    lines = ", ".join(str(line_of(o)) for o, _ in pairs)
    desc = (
        f"loops interchanged at line {lines}: the inner loop, parallel over the nest, runs outside"
    )
    return [("interchange", desc, swapped, edits_out)]


def _first_line(node) -> str:
    first = node.text.decode("utf-8").splitlines()[0]
    return " ".join(first.split()).rstrip(" {")


def _drop_nested(
    target: str, nests: dict[str, list[NestPlan]], functions: dict, plan: FilePlan
) -> None:
    """Callees invoked inside a parallel loop keep their loops serial (no nested teams)."""
    inside: dict[str, int] = {}
    for plans in nests.values():
        for p in plans:
            for callee in calls_in(p.chosen.loop, functions):
                inside.setdefault(callee, line_of(p.chosen.loop))
    for name in list(nests):
        if name == target or name not in inside or not nests[name]:
            continue
        for p in nests[name]:
            for note in plan.notes:
                if note.function == name and note.line == line_of(p.root):
                    note.decision = (
                        f"left serial: {name} is called inside the parallel loop "
                        f"at line {inside[name]}"
                    )
        nests[name] = []


__all__ = ["AutoparResult", "optimize_source"]
