"""Read a ParEval C++ driver (`cpu.cc`): what the imported problem keeps of it.

A driver holds a `Context` struct, `init()` / `reset()` that size and fill it (sizes in
`DRIVER_PROBLEM_SIZE`, values from `fillRand`), `compute()` calling the function under test
on context fields, `best()` calling the baseline, and `validate()` comparing the two on
its own inputs. The importer keeps the set-up code as it is (run with `n` as the size), the
call's field mapping, and the comparison: tolerance, the compared region (interior cells
only, say) and whether outputs are compared after sorting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parcodegen.errors import ProblemError


@dataclass(frozen=True)
class DriverParts:
    context: str  # `struct Context { ... };`
    setup: str  # the driver less its includes, compute(), best(), validate(), destroy()
    call_fields: tuple[str, ...]  # compute(): the argument expressions, `ctx->x` -> `x`
    baseline: str  # best(): the baseline function's name
    tolerance: float | None  # the largest absolute tolerance validate() uses (None: exact)
    interior: str | None  # "1d" / "2d": validate() compares interior cells only
    sorted_outputs: bool  # validate() sorts the outputs before comparing them
    special_trials: bool  # validate() builds some trials' inputs its own way
    notes: tuple[str, ...] = field(default=())


def function_text(code: str, head: str) -> str | None:
    """The full text of the first function whose head matches regex `head` (brace-matched)."""
    m = re.search(head, code)
    if not m:
        return None
    start = code.find("{", m.end() - 1)
    if start < 0:
        return None
    depth = 0
    for i in range(start, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return code[m.start() : i + 1]
    return None


def strip_comments(code: str) -> str:
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    return re.sub(r"//[^\n]*", "", code)


def _call_args(body: str, function: str) -> tuple[str, ...] | None:
    m = re.search(rf"\b{re.escape(function)}\s*\((?P<args>[^;]*)\)\s*;", body)
    if not m:
        return None
    out = []
    for a in m.group("args").split(","):
        a = a.strip()
        fm = re.fullmatch(r"ctx\s*->\s*([A-Za-z_]\w*)", a)
        if not fm:
            return None
        out.append(fm.group(1))
    return tuple(out)


_NUM = r"(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"


def _tolerance(validate: str) -> float | None:
    values = [float(x) for x in re.findall(rf"fequal\s*\([^;]*?,\s*{_NUM}\s*\)", validate)]
    values += [float(x) for x in re.findall(rf"\)\s*>\s*{_NUM}", validate)]
    return max(values) if values else None


def _interior(validate: str) -> str | None:
    loops = re.findall(r"for\s*\([^;]*=\s*1\s*;[^;]*<\s*TEST_SIZE\s*-\s*1\s*;", validate)
    if len(loops) >= 2:
        return "2d"
    if len(loops) == 1:
        return "1d"
    return None


_FILL = re.compile(r"fillRand\w*\s*\(\s*[^,()]+,\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)")


_LITERAL = re.compile(r"-?\d[\d.]*(?:[eE][-+]?\d+)?[A-Za-z]*")


def _ranges(code: str) -> set[tuple[str, str]]:
    """The literal value ranges of fillRand calls (size-relative bounds left out)."""
    return {
        (lo.strip(), hi.strip())
        for lo, hi in _FILL.findall(code)
        if _LITERAL.fullmatch(lo.strip()) and _LITERAL.fullmatch(hi.strip())
    }


_NAMED_FILL = re.compile(
    r"fillRand\s*\(\s*(?P<ctx>ctx\s*->\s*)?(?P<name>[A-Za-z_]\w*)\s*,\s*(?P<lo>[^,()]+?)\s*,\s*(?P<hi>[^,()]+?)\s*\)"
)


def _validation_ranges(setup: str, validate: str) -> tuple[str, list[str]]:
    """Set-up fills of `ctx->NAME` drawn from the range validate() uses for its `NAME`
    (both literal): correctness is judged on validation's value domain, which can be wider
    than the timing inputs' (one planted short book among long ones, say)."""
    wanted = {}
    for m in _NAMED_FILL.finditer(validate):
        if (
            not m.group("ctx")
            and _LITERAL.fullmatch(m.group("lo"))
            and _LITERAL.fullmatch(m.group("hi"))
        ):
            wanted[m.group("name")] = (m.group("lo"), m.group("hi"))
    notes: list[str] = []

    def swap(m: re.Match[str]) -> str:
        name, lo, hi = m.group("name"), m.group("lo"), m.group("hi")
        if not m.group("ctx") or name not in wanted or not _LITERAL.fullmatch(lo):
            return m.group(0)
        vlo, vhi = wanted[name]
        if (vlo, vhi) == (lo, hi) or not _LITERAL.fullmatch(hi):
            return m.group(0)
        notes.append(f"{name} drawn from validate()'s range [{vlo}, {vhi}) (set-up: [{lo}, {hi}))")
        return f"fillRand(ctx->{name}, {vlo}, {vhi})"

    return _NAMED_FILL.sub(swap, setup), notes


def parse_driver(code: str, function: str) -> DriverParts:
    """The parts of a driver; ProblemError naming what is missing."""
    clean = strip_comments(code)
    context = re.search(r"struct\s+Context\s*\{.*?\n\};", clean, re.S)
    if not context:
        raise ProblemError("driver", "no `struct Context { ... };`")
    for head in (r"void\s+reset\s*\(\s*Context\s*\*\s*ctx\s*\)", r"Context\s*\*\s*init\s*\(\s*\)"):
        if function_text(clean, head) is None:
            raise ProblemError("driver", f"no function matching {head!r}")
    compute = function_text(
        clean, r"void\s+(?:NO_OPTIMIZE\s+)?compute\s*\(\s*Context\s*\*\s*ctx\s*\)"
    )
    best = function_text(clean, r"void\s+(?:NO_OPTIMIZE\s+)?best\s*\(\s*Context\s*\*\s*ctx\s*\)")
    validate = function_text(clean, r"bool\s+validate\s*\(\s*Context\s*\*\s*ctx\s*\)") or ""
    if compute is None or best is None:
        raise ProblemError("driver", "no compute(ctx) or best(ctx)")
    destroy = function_text(clean, r"void\s+destroy\s*\(\s*Context\s*\*\s*ctx\s*\)")
    setup = re.sub(r"^\s*#\s*include[^\n]*$", "", clean, flags=re.M)
    for text in (compute, best, validate, destroy):
        if text:
            setup = setup.replace(text, "")
    setup = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", setup).strip()
    fields = _call_args(compute, function)
    if fields is None:
        raise ProblemError(
            "driver", f"compute() does not call {function}(...) on context fields alone"
        )
    bm = re.search(r"\b(correct\w*)\s*\(", best)
    if not bm:
        raise ProblemError("driver", "best() calls no `correct...` baseline function")
    notes = []
    trials = bool(re.search(r"if\s*\(\s*(?:i|trialIter)\s*==\s*\d+\s*\)", validate))
    if trials:
        notes.append(
            "validate() builds some trials' inputs specially; inputs here follow init()/reset()"
        )
    setup, widened = _validation_ranges(setup, validate)
    notes += widened
    only_validate = sorted(_ranges(validate) - _ranges(setup))
    if only_validate:
        shown = ", ".join(f"[{lo}, {hi})" for lo, hi in only_validate)
        notes.append(f"validate() also draws values in {shown}; inputs here follow init()/reset()")
    sorted_out = bool(re.search(r"std::sort\s*\(\s*(?:test|correct)\w*\s*\.begin", validate))
    return DriverParts(
        context=context.group(0), setup=setup,
        call_fields=fields, baseline=bm.group(1), tolerance=_tolerance(validate),
        interior=_interior(validate), sorted_outputs=sorted_out, special_trials=trials,
        notes=tuple(notes),
    )  # fmt: skip
