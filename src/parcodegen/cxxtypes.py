"""Classify the C++ parameter types the problem format supports without user C++.

A low-level helper shared by the problem loader (validation) and the harness generator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

SCALARS = {
    "bool", "char", "signed char", "unsigned char", "short", "unsigned short",
    "int", "unsigned", "unsigned int", "long", "unsigned long", "long long",
    "unsigned long long", "size_t", "std::size_t", "ptrdiff_t", "std::ptrdiff_t",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "std::int8_t", "std::int16_t", "std::int32_t", "std::int64_t",
    "std::uint8_t", "std::uint16_t", "std::uint32_t", "std::uint64_t",
    "float", "double", "long double",
}  # fmt: skip
FLOATS = {"float", "double", "long double"}


class Kind(str, Enum):
    SCALAR_IN = "scalar_in"  # T or const T / const T&
    SCALAR_OUT = "scalar_out"  # T&
    ARRAY_IN = "array_in"  # const std::vector<T>&, std::vector<T>, const T*
    ARRAY_OUT = "array_out"  # std::vector<T>&, T*
    CUSTOM = "custom"  # anything else: needs a hook


@dataclass(frozen=True)
class CxxType:
    kind: Kind
    element: str  # scalar type of the value or of the array's elements ("" for custom)
    container: str  # "vector", "pointer", "scalar" or "custom"
    base: str  # the type with const/&/* stripped, for declaring a variable

    @property
    def is_output(self) -> bool:
        return self.kind in (Kind.SCALAR_OUT, Kind.ARRAY_OUT)

    @property
    def is_float(self) -> bool:
        return self.element in FLOATS


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(r"\s*([<>&*,])\s*", r"\1", text)
    return text


def _strip_const(text: str) -> tuple[str, bool]:
    const = False
    words = text.replace("const ", " const ").split(" ")
    if "const" in words:
        const = True
        words = [w for w in words if w != "const"]
    return " ".join(w for w in words if w).strip(), const


def classify(ctype: str) -> CxxType:
    """Classify a parameter type as written in the signature."""
    t = _norm(ctype)
    ref = t.endswith("&")
    ptr = t.endswith("*")
    core = t.rstrip("&*").strip()
    core, const = _strip_const(core)
    core = _norm(core)
    m = re.fullmatch(r"(?:std::)?vector<(.+)>", core)
    if m and not ptr:
        elem = _norm(m.group(1))
        if elem in SCALARS and elem != "bool":
            kind = Kind.ARRAY_OUT if (ref and not const) else Kind.ARRAY_IN
            return CxxType(kind, elem, "vector", core)
    if core in SCALARS:
        if ptr and t.count("*") == 1:
            kind = Kind.ARRAY_IN if const else Kind.ARRAY_OUT
            return CxxType(kind, core, "pointer", core)
        if ref and not const:
            return CxxType(Kind.SCALAR_OUT, core, "scalar", core)
        if not ptr:
            return CxxType(Kind.SCALAR_IN, core, "scalar", core)
    base = re.sub(r"\bconst\b", "", t).rstrip("&*").strip()
    return CxxType(Kind.CUSTOM, "", "custom", _norm(base))


def is_supported_return(ctype: str) -> bool:
    t = _norm(ctype)
    if t == "void" or t in SCALARS:
        return True
    m = re.fullmatch(r"(?:std::)?vector<(.+)>", t)
    return bool(m and _norm(m.group(1)) in SCALARS and _norm(m.group(1)) != "bool")
