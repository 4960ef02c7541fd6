"""Classify the C/C++ parameter types the problem format supports without user C++.

A low-level helper shared by the problem loader (validation), the derivation and the
harness generator. Element types: the arithmetic scalars, `std::complex<T>` and structs
whose fields are all arithmetic (`parse_structs` reads their definitions from the code).
Containers: `std::vector<E>` (`std::vector<bool>` included), `std::array<E, N>`, a
pointer `E*` (with a length given elsewhere) and a plain value. `const` may stand on either
side (`const T&` or `T const&`); `restrict`, `__restrict__`, `volatile` and C's `struct`
keyword do not change the classification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from parcodegen.types import StructDef, StructField

SCALARS = {
    "bool", "_Bool", "char", "signed char", "unsigned char", "short", "unsigned short",
    "short int", "unsigned short int",
    "int", "unsigned", "unsigned int", "signed int", "long", "unsigned long", "long int",
    "unsigned long int", "long long", "unsigned long long", "long long int",
    "unsigned long long int", "size_t", "std::size_t", "ptrdiff_t", "std::ptrdiff_t",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "std::int8_t", "std::int16_t", "std::int32_t", "std::int64_t",
    "std::uint8_t", "std::uint16_t", "std::uint32_t", "std::uint64_t",
    "float", "double", "long double",
}  # fmt: skip
FLOATS = {"float", "double", "long double"}
QUALIFIERS = re.compile(r"\b(?:restrict|__restrict__|__restrict|volatile|struct)\b")
CONST = re.compile(r"\bconst\b")
COMPLEX = re.compile(r"(?:std::)?complex<(float|double|long double)>")


class Kind(str, Enum):
    SCALAR_IN = "scalar_in"  # T or const T / const T&
    SCALAR_OUT = "scalar_out"  # T&
    ARRAY_IN = "array_in"  # const std::vector<T>&, std::vector<T>, const T*, const std::array&
    ARRAY_OUT = "array_out"  # std::vector<T>&, T*, std::array<T, N>&
    CUSTOM = "custom"  # anything else: needs a hook


@dataclass(frozen=True)
class CxxType:
    kind: Kind
    element: str  # the element (or value) type: a scalar, std::complex<T> or a struct name
    container: str  # "vector", "array", "pointer", "scalar" or "custom"
    base: str  # the type with const/&/* stripped, for declaring a variable
    struct: StructDef | None = None  # when the element is a struct of arithmetic fields
    extent: str = ""  # std::array's N

    @property
    def is_output(self) -> bool:
        return self.kind in (Kind.SCALAR_OUT, Kind.ARRAY_OUT)

    @property
    def is_float(self) -> bool:
        return (
            self.element in FLOATS
            or self.is_complex
            or (self.struct is not None and any(f.ctype in FLOATS for f in self.struct.fields))
        )

    @property
    def is_complex(self) -> bool:
        return COMPLEX.fullmatch(self.element) is not None

    @property
    def is_array(self) -> bool:
        return self.container in ("vector", "array", "pointer")


def _norm(text: str) -> str:
    text = QUALIFIERS.sub(" ", text)
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(r"\s*([<>&*,])\s*", r"\1", text)
    return text.replace("_Bool", "bool")


def _words_const(text: str) -> tuple[str, bool]:
    const = CONST.search(text) is not None
    return _norm(CONST.sub(" ", text)), const


def _element(text: str, structs: dict[str, StructDef]) -> tuple[str, StructDef | None] | None:
    """The normalized element type when it is supported, else None."""
    if text in SCALARS:
        return ("bool" if text == "_Bool" else text), None
    m = COMPLEX.fullmatch(text)
    if m:
        return f"std::complex<{m.group(1)}>", None
    if text in structs:
        return text, structs[text]
    return None


def classify(ctype: str, structs: dict[str, StructDef] | None = None) -> CxxType:
    """Classify a parameter type as written in the signature."""
    structs = structs or {}
    t = _norm(ctype)
    custom = CxxType(Kind.CUSTOM, "", "custom", _norm(CONST.sub(" ", t).rstrip("&*")))
    ref = t.endswith("&") and not t.endswith("&&")
    if t.count("*") > 1 or t.endswith("&&"):
        return custom
    if "*" in t:
        pointee, after = t.split("*", 1)
        if CONST.sub("", after).strip("& "):  # `T* const`: only top-level qualifiers may follow
            return custom
        core, const = _words_const(pointee)
        elem = _element(core, structs)
        if elem is None:
            return custom
        kind = Kind.ARRAY_IN if const else Kind.ARRAY_OUT
        return CxxType(kind, elem[0], "pointer", elem[0], elem[1])
    core, const = _words_const(t.rstrip("&"))
    m = re.fullmatch(r"(?:std::)?vector<(.+)>", core)
    if m:
        elem = _element(_norm(m.group(1)), structs)
        if elem is None:
            return custom
        kind = Kind.ARRAY_OUT if (ref and not const) else Kind.ARRAY_IN
        return CxxType(kind, elem[0], "vector", f"std::vector<{elem[0]}>", elem[1])
    m = re.fullmatch(r"(?:std::)?array<(.+),([^,<>]+)>", core)
    if m:
        elem = _element(_norm(m.group(1)), structs)
        if elem is None:
            return custom
        kind = Kind.ARRAY_OUT if (ref and not const) else Kind.ARRAY_IN
        base = f"std::array<{elem[0]}, {m.group(2).strip()}>"
        return CxxType(kind, elem[0], "array", base, elem[1], extent=m.group(2).strip())
    elem = _element(core, structs)
    if elem is None:
        return custom
    kind = Kind.SCALAR_OUT if (ref and not const) else Kind.SCALAR_IN
    return CxxType(kind, elem[0], "scalar", elem[0], elem[1])


def is_supported_return(ctype: str, structs: dict[str, StructDef] | None = None) -> bool:
    t = _norm(ctype)
    if t == "void":
        return True
    info = classify(t, structs)
    return (
        info.kind is Kind.SCALAR_IN
        and t == info.base
        or (info.container == "vector" and t == info.base)
    )


# --------------------------------------------------------------------------- structs

_STRUCT = re.compile(r"\bstruct\s+([A-Za-z_]\w*)\s*\{([^{}]*)\}\s*;")
_TYPEDEF_STRUCT = re.compile(
    r"\btypedef\s+struct\s*([A-Za-z_]\w*)?\s*\{([^{}]*)\}\s*([A-Za-z_]\w*)\s*;"
)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def _fields(body: str) -> tuple[StructField, ...] | None:
    fields: list[StructField] = []
    for decl in body.split(";"):
        decl = decl.strip()
        if not decl:
            continue
        decl = decl.split("=", 1)[0].strip() if "{" not in decl else decl  # default initializers
        m = re.fullmatch(r"((?:[A-Za-z_][\w:]*\s+)*?(?:[A-Za-z_][\w:]*))\s+(.+)", decl)
        if not m:
            return None
        ctype = _norm(CONST.sub(" ", m.group(1)))
        if ctype not in SCALARS:
            return None
        for name in m.group(2).split(","):
            name = re.sub(r"\{.*\}|=.*", "", name).strip()
            mm = re.fullmatch(r"([A-Za-z_]\w*)\s*(?:\[\s*(\d+)\s*\])?", name)
            if not mm:
                return None
            fields.append(StructField(mm.group(1), ctype, int(mm.group(2) or 1)))
    return tuple(fields) if fields else None


def parse_structs(code: str) -> dict[str, StructDef]:
    """Structs in `code` whose fields are all arithmetic (or fixed arrays of arithmetic)."""
    code = _COMMENTS.sub(" ", code)
    found: dict[str, StructDef] = {}
    for m in _TYPEDEF_STRUCT.finditer(code):
        fields = _fields(m.group(2))
        if fields:
            found[m.group(3)] = StructDef(m.group(3), fields, m.group(0))
    for m in _STRUCT.finditer(code):
        if m.group(1) in found or code[max(0, m.start() - 8) : m.start()].strip().endswith(
            "typedef"
        ):
            continue
        fields = _fields(m.group(2))
        if fields:
            found[m.group(1)] = StructDef(m.group(1), fields, m.group(0))
    return found
