"""autopar: the built-in, non-LLM OpenMP parallelizer.

`optimize_source(code, function)` parses the file with tree-sitter, decides for every
loop of `function` (and of the same-file functions it calls) whether its iterations are
provably independent, and returns several complete variants with `#pragma omp` inserted,
plus a report saying per loop what was done or why not. See docs/autopar.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parcodegen.autopar.analysis import make_scope
from parcodegen.autopar.band import band_variants
from parcodegen.autopar.region import hoisted
from parcodegen.autopar.sink import sink_accumulators
from parcodegen.autopar.cost import Sizes
from parcodegen.autopar.plan import FilePlan, LoopNote, NestPlan, calls_in, plan_function
from parcodegen.autopar.purity import PurityChecker
from parcodegen.autopar.rangefor import rewrite_range_loops
from parcodegen.autopar.syntax import (
    function_definitions,
    global_declarations,
    line_of,
    parse,
    walk,
)
from parcodegen.autopar.reorder import interchanged, tiled
from parcodegen.autopar.transform import plan_variants

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


def optimize_source(code: str, function: str, sizes: Sizes | None = None) -> AutoparResult:
    """The variants for `function`, ranked by the cost model; `sizes` are the values of
    the size arguments at the problem's benchmark size (`bench_values`), when known."""
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

    def replan(new_code: str) -> list[NestPlan]:
        return _plan(new_code, function)[0]

    swapped = interchanged(final_code, nests, replan)
    tiles = tiled(final_code, nests, replan)
    bands = band_variants(final_code, nests, replan)
    bands += hoisted(final_code, nests)
    sunk = sink_accumulators(final_code)
    if sunk is not None:  # `s = 0; for k: s += e; X[..] = s` accumulating in X, then reordered
        sunk_code, sunk_lines = sunk
        where = ", ".join(map(str, sunk_lines))
        bands += [
            (f"sink-{label}", f"accumulator at line {where} summed in the array element; "
             + desc, code, edits)
            for label, desc, code, edits in band_variants(sunk_code, replan(sunk_code), replan)
        ]  # fmt: skip
    variants = plan_variants(final_code, nests, extra=swapped + tiles + bands, sizes=sizes)
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
            if p.chosen is None:
                continue
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
