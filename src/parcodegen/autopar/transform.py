"""Writing pragmas into the source and building the variants.

Each variant applies one choice to every planned loop nest (falling back to the nest's
default where the choice does not apply) and is a complete translation unit.
"""

from __future__ import annotations

from parcodegen.autopar.analysis import LoopAnalysis
from parcodegen.autopar.plan import NestPlan
from parcodegen.autopar.syntax import Node


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
    return "static" if analysis.imbalance else "dynamic, 64"


def insert_pragmas(code: str, edits: list[tuple[Node, str]]) -> str:
    """Put each pragma on its own line right before its loop (braces added when the loop
    is the unbraced body of another statement)."""
    data = code.encode("utf-8")
    inserts: list[tuple[int, bytes]] = []
    for loop, text in edits:
        start = loop.start_byte
        line_start = data.rfind(b"\n", 0, start) + 1
        prefix = data[line_start:start]
        parent = loop.parent
        braced = parent is not None and parent.type in ("compound_statement", "translation_unit")
        if not braced:
            inserts.append((start, b"{\n" + text.encode() + b"\n"))
            inserts.append((loop.end_byte, b"\n}"))
        elif prefix.strip() == b"":
            inserts.append((line_start, prefix + text.encode() + b"\n"))
        else:
            inserts.append((start, b"\n" + text.encode() + b"\n"))
    for pos, blob in sorted(inserts, key=lambda p: p[0], reverse=True):
        data = data[:pos] + blob + data[pos:]
    return data.decode("utf-8")


def _edits(nests: list[NestPlan], choice: str) -> tuple[list[tuple[Node, str]], bool]:
    """The edits for one variant and whether the choice applied to at least one nest."""
    edits: list[tuple[Node, str]] = []
    applied = False
    for nest in nests:
        a = nest.chosen
        if a is None:
            continue
        sched = default_schedule(a)
        if choice == "collapse" and nest.collapse > 1:
            edits.append((a.loop, pragma(a, schedule=sched, collapse=nest.collapse)))
            applied = True
        elif choice == "schedule":
            edits.append((a.loop, pragma(a, schedule=other_schedule(a))))
            applied = True
        elif choice == "inner" and nest.inner is not None:
            edits.append(
                (nest.inner.loop, pragma(nest.inner, schedule=default_schedule(nest.inner)))
            )
            applied = True
        elif choice == "simd" and nest.simd is not None and nest.simd.loop != a.loop:
            edits.append((a.loop, pragma(a, schedule=sched)))
            edits.append(
                (nest.simd.loop, pragma(nest.simd, schedule=None, simd=True, parallel=False))
            )
            applied = True
        elif choice == "simd" and a.innermost and nest.simd is not None:
            edits.append((a.loop, pragma(a, schedule=sched, simd=True)))
            applied = True
        else:
            edits.append((a.loop, pragma(a, schedule=sched)))
    return edits, applied or choice == "outer"


CHOICES = (
    ("outer", "the outermost safe loop of each nest, default schedule"),
    ("collapse", "collapse the perfectly nested rectangular loops"),
    ("simd", "plus simd on the innermost safe loop"),
    ("schedule", "the other schedule (static <-> dynamic)"),
    ("inner", "the loop one level inside instead of the outer one"),
)


def build_variants(code: str, nests: list[NestPlan]) -> list[tuple[str, str, str]]:
    """(label, description, code) for every distinct variant."""
    if not any(n.chosen for n in nests):
        return []
    seen: set[str] = set()
    out = []
    for label, desc in CHOICES:
        edits, applied = _edits(nests, label)
        if not applied:
            continue
        new = insert_pragmas(code, edits)
        if new in seen or new == code:
            continue
        seen.add(new)
        out.append((label, desc, new))
    return out
