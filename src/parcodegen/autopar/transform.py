"""Writing pragmas into the source and building the variants.

Each variant applies one choice to every planned loop nest (falling back to the nest's
default where the choice does not apply) and is a complete translation unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from parcodegen.autopar.analysis import LoopAnalysis, section_name
from parcodegen.autopar.cost import Sizes, region_cost, trip
from parcodegen.autopar.plan import NestPlan
from parcodegen.autopar.syntax import Node, line_of, text, walk


def pragma(
    analysis: LoopAnalysis,
    *,
    schedule: str | None,
    collapse: int = 1,
    simd: bool = False,
    parallel: bool = True,
) -> str:
    head = "#pragma omp parallel for" if parallel else "#pragma omp"
    if simd:
        head += " simd"
    parts = [head]
    if collapse > 1:
        parts.append(f"collapse({collapse})")
    if schedule and parallel:
        parts.append(f"schedule({schedule})")
    clauses = analysis.clauses()
    if clauses:
        parts.append(clauses)
    return " ".join(parts)


def default_schedule(analysis: LoopAnalysis) -> str:
    return "dynamic" if analysis.imbalance else "static"


def other_schedule(analysis: LoopAnalysis) -> str:
    return "guided" if analysis.imbalance else "dynamic, 64"


def _array_reduction_edits(loop: Node, analysis: LoopAnalysis) -> tuple[bytes, list]:
    """For `reduction(+: ap_x[:ap_x_n])`: the declarations before the loop and the
    renaming of `x[...]` to `ap_x[...]` inside it. An empty vector gets a one-element
    dummy (a zero-length array section crashes libgomp)."""
    prelude = b""
    renames = []
    for name in analysis.array_reductions:
        if name in analysis.array_sections:
            continue  # a pointer: reduced in place over its section
        p = section_name(name)
        prelude += (
            f"std::remove_reference_t<decltype({name}[0])> {p}_none[1] = {{}};\n"
            f"auto* {p} = {name}.empty() ? {p}_none : {name}.data();\n"
            f"const std::size_t {p}_n = {name}.empty() ? 1 : {name}.size();\n"
        ).encode()
        for n in walk(loop):
            parent = n.parent
            if (
                n.type == "identifier"
                and text(n) == name
                and parent is not None
                and parent.type == "subscript_expression"
                and parent.child_by_field_name("argument") == n
            ):
                renames.append((n.start_byte, n.end_byte, p.encode()))
    return prelude, renames


def insert_pragmas(code: str, edits: list[tuple[Node, str]], analyses=None) -> str:
    """Put each pragma on its own line right before its loop (braces added when the loop
    is the unbraced body of another statement, or when an array reduction needs
    declarations before the loop)."""
    data = code.encode("utf-8")
    changes: list[tuple[int, int, bytes]] = []  # (start, end, replacement)
    need_traits = False
    for index, (loop, pragma_text) in enumerate(edits):
        analysis = analyses[index] if analyses else None
        prelude, renames = (
            _array_reduction_edits(loop, analysis)
            if analysis is not None and analysis.array_reductions
            else (b"", [])
        )
        need_traits |= bool(prelude)
        changes.extend(renames)
        start = loop.start_byte
        guards = [
            f"{length} > 0"
            for name, (_, length) in (analysis.array_sections.items() if analysis else [])
            if analysis is not None and name in analysis.array_reductions
        ]
        if guards:
            # a zero-length array section crashes libgomp: an empty one runs serially
            original = data[start : loop.end_byte]
            cond = " && ".join(guards)
            changes.append(
                (
                    start,
                    start,
                    f"if ({cond}) {{\n".encode() + prelude + pragma_text.encode() + b"\n",
                )
            )
            changes.append((loop.end_byte, loop.end_byte, b"\n} else {\n" + original + b"\n}"))
            continue
        line_start = data.rfind(b"\n", 0, start) + 1
        prefix = data[line_start:start]
        parent = loop.parent
        braced = parent is not None and parent.type in ("compound_statement", "translation_unit")
        if not braced or prelude:
            changes.append((start, start, b"{\n" + prelude + pragma_text.encode() + b"\n"))
            changes.append((loop.end_byte, loop.end_byte, b"\n}"))
        elif prefix.strip() == b"":
            changes.append((line_start, line_start, prefix + pragma_text.encode() + b"\n"))
        else:
            changes.append((start, start, b"\n" + pragma_text.encode() + b"\n"))
    if need_traits:
        changes.append((0, 0, b"#include <type_traits>\n"))
    for pos, end, blob in sorted(changes, key=lambda p: (p[0], p[1]), reverse=True):
        data = data[:pos] + blob + data[end:]
    return data.decode("utf-8")


Edit = tuple[Node, str, LoopAnalysis]  # loop, pragma, the analysis that justifies it


def _edits(nests: list[NestPlan], choice: str) -> tuple[list[Edit], bool]:
    """The edits for one variant and whether the choice applied to at least one nest."""
    edits: list[Edit] = []
    applied = False
    for nest in nests:
        a = nest.chosen
        if a is None:
            continue
        sched = default_schedule(a)
        if choice == "collapse" and nest.collapse > 1:
            edits.append((a.loop, pragma(a, schedule=sched, collapse=nest.collapse), a))
            applied = True
        elif choice == "schedule":
            edits.append((a.loop, pragma(a, schedule=other_schedule(a)), a))
            applied = True
        elif choice == "inner" and nest.inner is not None:
            i = nest.inner
            edits.append((i.loop, pragma(i, schedule=default_schedule(i)), i))
            applied = True
        elif choice == "simd" and nest.simd is not None and nest.simd.loop != a.loop:
            edits.append((a.loop, pragma(a, schedule=sched), a))
            s = nest.simd
            edits.append((s.loop, pragma(s, schedule=None, simd=True, parallel=False), s))
            applied = True
        elif choice == "simd" and a.innermost and nest.simd is not None:
            edits.append((a.loop, pragma(a, schedule=sched, simd=True), a))
            applied = True
        else:
            edits.append((a.loop, pragma(a, schedule=sched), a))
    return edits, applied or choice == "outer"


CHOICES = (
    ("outer", "the outermost safe loop of each nest, default schedule"),
    ("collapse", "collapse the perfectly nested rectangular loops"),
    ("simd", "plus simd on the innermost safe loop"),
    ("schedule", "the other schedule (static -> dynamic, 64; dynamic -> guided)"),
    ("inner", "the loop one level inside instead of the outer one"),
)


@dataclass(frozen=True)
class Variant:
    label: str
    description: str
    code: str
    regions: float  # estimated parallel regions started per call
    work: float  # estimated work per region (smallest over the variant's regions)
    dropped: str = ""  # why it is not worth timing ("" when it is)
    nested: bool = False  # some region starts once per iteration of a serial loop


def judge(edits: list[Edit], sizes: Sizes | None = None) -> tuple[float, float, str, bool]:
    """(regions, smallest work per region, why hopeless or "", whether a region sits in
    a serial loop) for a set of edits."""
    regions, smallest, why, nested = 0.0, float("inf"), "", False
    for loop, text_, _ in edits:
        if not text_.startswith("#pragma omp parallel"):
            continue
        c = region_cost(loop, sizes)
        regions += c.regions
        smallest = min(smallest, c.work)
        why = why or c.hopeless
        nested |= c.regions > 1
    return regions, smallest, why, nested


def build_variants(code: str, nests: list[NestPlan]) -> list[tuple[str, str, str]]:
    """(label, description, code) for every distinct variant worth timing."""
    return [(v.label, v.description, v.code) for v in plan_variants(code, nests) if not v.dropped]


def plan_variants(
    code: str, nests: list[NestPlan], extra=(), sizes: Sizes | None = None
) -> list[Variant]:
    """Every distinct variant, ranked by the cost model (fewest regions, then the most
    work per region), hopeless ones last with the reason they are dropped."""
    if not any(n.chosen for n in nests) and not extra:
        return []
    seen: set[str] = set()
    out = []
    candidates = []
    for label, desc in CHOICES:
        if not any(n.chosen for n in nests):
            break
        edits, applied = _edits(nests, label)
        if applied:
            candidates.append((label, desc, code, edits))
    candidates.extend(extra)
    for label, desc, base, edits in candidates:
        new = insert_pragmas(base, [(e[0], e[1]) for e in edits], [e[2] for e in edits])
        if new in seen or new == code:
            continue
        seen.add(new)
        regions, smallest, why, nested = judge(edits, sizes)
        if label == "inner" and not why:
            why = _inner_instead(nests, sizes)
        out.append(Variant(label, desc, new, regions, smallest, why, nested))
    # one region per nest before regions inside serial loops; then the kinds of
    # transformation (each kind's best guess) before the tweaks
    # a small constant outer trip count (3 colour planes) leaves threads idle: collapse
    # and the inner loop come right after the outer one there
    rank = RANK_SMALL_OUTER if any(_small_outer(n, sizes) for n in nests) else RANK
    out.sort(key=lambda v: (bool(v.dropped), v.nested, rank.get(v.label, len(rank))))
    return out


# `permute` exists only when reordering a band puts a parallel loop outside and a stride-1
# loop inside where the written order did not: it comes first
RANK = {"sink-permute": -1, "permute": -1, "outer": 0, "region": 2.7, "sink-tile-band": 2.4,
        "interchange-strided": 9, "interchange": 1, "tile": 2, "tile-band": 2.5, "collapse": 3,
        "simd": 4, "schedule": 5}  # fmt: skip
RANK_SMALL_OUTER = {"outer": 0, "collapse": 1, "inner": 2, "permute": 3, "interchange": 3,
                    "tile": 4, "tile-band": 4.5}  # fmt: skip


def _small_outer(nest: NestPlan, sizes: Sizes | None = None) -> bool:
    """The parallel loop runs few iterations at the bench sizes (a constant, or a size
    argument that is small there): threads would idle."""
    if nest.chosen is None:
        return False
    t = trip(nest.chosen.loop, set(), sizes)
    return t.value < SMALL_TRIP and (t.degree == 0 or bool(sizes) and "?" not in t.names)


SMALL_TRIP = 16


def _inner_instead(nests: list[NestPlan], sizes: Sizes | None = None) -> str:
    """Why the loop one level inside is not proposed: the outer loop is parallel, unless
    its trip count is a small constant (3 colour planes on more threads)."""
    for nest in nests:
        if nest.inner is None or nest.chosen is None:
            continue
        if _small_outer(nest, sizes):
            return ""
        return (
            f"the loop at line {line_of(nest.chosen.loop)} outside it is parallel: one region "
            "instead of one per outer iteration"
        )
    return ""
