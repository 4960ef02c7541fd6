"""Values a problem holds fixed, and the other values difftest gives them.

A problem's inputs vary with the size n and the random data, but some parameters are
fixed numbers: `steps = 10` for a stencil, `iters = 25` for an iteration, a pattern of 3
elements. A candidate that is right only for those numbers (a pointer swap right for an
even step count, a loop unrolled for 3 symbols, a wrong answer for an empty pattern)
passed every test. Difftest therefore makes some calls with the held numbers changed:
call alternative j (1..ALTERNATIVES) gives every held number its j-th other value.

Held are:
- an integer scalar input whose `value` is a literal (`value = "10"`);
- the length of a const `std::vector` input given as a literal (`size = "3"`) when the
  reference reads that length (`pat.size()`): the reference treats it as variable, and
  a length it never reads (a kernel of 9 taps indexed 0..8) would make it read past the
  end. Every array of that same literal length changes with it; a length is not made 0.

`vary = false` on an argument keeps its number (a number the problem's contract fixes).
The reference must run cleanly at an alternative for difftest to use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parcodegen.cxxtypes import CxxType, Kind, classify
from parcodegen.types import ArgSpec, Problem

ALTERNATIVES = 5  # call alternative j in 1..ALTERNATIVES
INTEGER = re.compile(r"\s*\+?(\d{1,9})\s*")
INTEGER_TYPES = {"char", "signed char", "unsigned char", "short", "unsigned short", "int",
                 "unsigned", "unsigned int", "long", "unsigned long", "long long",
                 "unsigned long long", "std::size_t", "size_t", "std::int32_t", "std::int64_t",
                 "std::uint32_t", "std::uint64_t", "int32_t", "int64_t", "uint32_t",
                 "uint64_t", "std::ptrdiff_t", "ptrdiff_t"}  # fmt: skip


@dataclass(frozen=True)
class Held:
    """One number the problem holds fixed, and its alternatives."""

    name: str  # the argument
    what: str  # "value": a scalar input; "size": an array's length
    fixed: int
    alternatives: tuple[int, ...]  # alternative j is alternatives[j - 1]

    def at(self, alt: int) -> int:
        return self.fixed if alt <= 0 else self.alternatives[alt - 1]

    def describe(self, alt: int) -> str:
        if self.what == "size":
            count = self.at(alt)
            return (f"'{self.name}' of {count} element{'' if count == 1 else 's'} "
                    f"(the problem's is {self.fixed})")  # fmt: skip
        return f"{self.name}={self.at(alt)} (the problem's is {self.fixed})"


def alternatives(fixed: int, what: str = "value") -> tuple[int, ...]:
    """The next three (with the fixed one, every remainder modulo 2, 3 and 4: steps done in
    pairs or blocks of four with a wrong remainder), one and zero; a length is not made
    zero (an empty pattern or kernel is a convention of its own, which descriptions leave
    open) and keeps its number in that alternative."""
    return (fixed + 1, fixed + 2, fixed + 3, 1, 0 if what == "value" else fixed)


def _reads_length(code: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\s*(?:\.|->)\s*size\s*\(", code) is not None


def _literal(text: str | None) -> int | None:
    match = INTEGER.fullmatch(text or "")
    return None if match is None else int(match.group(1))


def _held_value(arg: ArgSpec, info: CxxType) -> Held | None:
    fixed = _literal(arg.value)
    base = " ".join(w for w in info.element.split() if w != "const")
    if fixed is None or info.kind is not Kind.SCALAR_IN or base not in INTEGER_TYPES:
        return None
    return Held(arg.name, "value", fixed, alternatives(fixed))


def held_values(problem: Problem) -> tuple[Held, ...]:
    """The numbers `problem` holds fixed that difftest varies (see the module text). Arrays
    of the same literal length as a held one (the y of polygon vertices whose x the
    reference counts) change length with it."""
    structs = {s.name: s for s in problem.structs}
    infos = {a.name: classify(a.ctype, structs) for a in problem.args}
    free = [a for a in problem.args if a.vary and not a.hook]
    lengths = {
        n for a in free
        if infos[a.name].kind is Kind.ARRAY_IN and infos[a.name].container == "vector"
        and (n := _literal(a.size)) is not None and _reads_length(problem.reference_code, a.name)
    }  # fmt: skip
    out = []
    for a in free:
        info = infos[a.name]
        if info.kind is Kind.SCALAR_IN:
            h = _held_value(a, info)
            if h is not None:
                out.append(h)
        elif (info.container in ("vector", "pointer") and a.offsets_into is None
              and (n := _literal(a.size)) is not None and n in lengths):  # fmt: skip
            out.append(Held(a.name, "size", n, alternatives(n, "size")))
    return tuple(out)


def changes(held: tuple[Held, ...], alt: int) -> bool:
    """Whether alternative `alt` changes any held number."""
    return any(h.at(alt) != h.fixed for h in held)


def describe(held: tuple[Held, ...], alt: int) -> str:
    """The numbers alternative `alt` changes, each with the problem's."""
    return ", ".join(h.describe(alt) for h in held if h.at(alt) != h.fixed)
