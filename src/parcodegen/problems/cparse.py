"""Find a function's definition in C or C++ source and read its parameters.

A small parser for what derivation and loading need: the return type, each parameter's
type and name, and for C99 array parameters (`double A[n][m]`, `double A[restrict n]`)
the declared dimensions. An array parameter is passed as a pointer to its first element,
so its type for the harness is `T*` (`const T*` when the elements are const).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parcodegen.errors import ProblemError

COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
NOT_TYPES = {"const", "unsigned", "signed", "struct", "volatile", "restrict", "__restrict__"}


@dataclass(frozen=True)
class Param:
    ctype: str  # as the harness passes it (array parameters as pointers)
    name: str
    dims: tuple[str, ...] = ()  # C99 array parameter dimensions as written ("" when empty)
    text: str = ""  # the declaration as written


@dataclass(frozen=True)
class Signature:
    returns: str
    params: tuple[Param, ...]
    prototype: str  # `R f(params as written)`, comments and bodies removed


def split_params(text: str) -> list[str]:
    """Split a parameter list at top-level commas (templates may hold commas)."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _norm_type(ctype: str) -> str:
    return re.sub(r"\s*([*&])", r"\1", re.sub(r"\s+", " ", ctype)).strip()


def parse_param(text: str, index: int) -> Param:
    text = " ".join(text.split("=", 1)[0].split())  # default arguments, newlines
    dims: list[str] = []
    m = re.fullmatch(r"(.*?)((?:\[[^\[\]]*\])+)", text, re.DOTALL)
    if m:
        text_head = m.group(1).strip()
        for d in re.findall(r"\[([^\[\]]*)\]", m.group(2)):
            d = re.sub(r"\b(?:restrict|__restrict__|__restrict|const|static|volatile)\b", " ", d)
            dims.append(" ".join(d.split()))
    else:
        text_head = text
    m = re.fullmatch(r"(.*?)([A-Za-z_]\w*)", text_head, re.DOTALL)
    if not m or not m.group(1).strip() or m.group(1).strip() in NOT_TYPES:
        raise ProblemError(f"parameter {index + 1}", f"cannot read '{text}' (unnamed parameter?)")
    ctype = m.group(1).strip()
    if dims:  # an array parameter: a pointer to its first element
        ctype = re.sub(r"\b(?:restrict|__restrict__|__restrict)\b", " ", ctype) + "*"
    return Param(_norm_type(ctype), m.group(2), tuple(dims), text)


_ARITH = (
    r"(?:(?:unsigned|signed|long|short|const)\s+)*"
    r"(?:unsigned|signed|long|short|int|char|float|double|bool|_Bool"
    r"|(?:std::)?(?:u?int(?:8|16|32|64)_t|size_t|ptrdiff_t))"
    r"(?:\s+(?:long|int|double))*"
)
_ALIASES = (
    re.compile(rf"\btypedef\s+({_ARITH})\s+([A-Za-z_]\w*)\s*;"),
    re.compile(rf"(?m)^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+\(?({_ARITH})\)?[ \t]*$"),
    re.compile(rf"\busing\s+([A-Za-z_]\w*)\s*=\s*({_ARITH})\s*;"),
)


def arithmetic_aliases(source: str) -> dict[str, str]:
    """Names the source makes stand for an arithmetic type (`typedef double DATA_TYPE;`,
    `#define DATA_TYPE double`, `using real = float;`): name -> type."""
    code = COMMENTS.sub(" ", source)
    found: dict[str, str] = {}
    for k, pattern in enumerate(_ALIASES):
        for m in pattern.finditer(code):
            alias, real = (m.group(2), m.group(1)) if k == 0 else (m.group(1), m.group(2))
            found[alias] = " ".join(real.split())
    return found


def _unalias(text: str, aliases: dict[str, str]) -> str:
    for _ in range(4):  # an alias of an alias
        new = re.sub(r"\b[A-Za-z_]\w*\b", lambda m: aliases.get(m.group(0), m.group(0)), text)
        if new == text:
            break
        text = new
    return text


def find_signature(source: str, function: str) -> Signature:
    """The definition of `function` in `source` (a ProblemError when there is none). A
    type named by an alias of an arithmetic type in the source (`DATA_TYPE`) is read as
    that type: the harness declares the function with it, which links the same."""
    aliases = arithmetic_aliases(source)
    code = COMMENTS.sub(" ", source)
    code = re.sub(r"(?m)^[ \t]*#.*$", " ", code)  # preprocessor lines
    pattern = re.compile(
        rf"(?m)(?:^|[;}}])[ \t\n]*((?:[\w:<>,*&]+[ \t\n*&]+)+?)\b{re.escape(function)}\s*"
        r"\(((?:[^()]|\([^()]*\))*)\)\s*(?:const\s*)?(?:noexcept\s*)?\{"
    )
    m = pattern.search(code)
    if m is None:
        raise ProblemError(function, "no definition of this function found in the file")
    words = m.group(1).split()
    if "static" in words:
        raise ProblemError(
            function, "is declared static (internal linkage): remove `static` so it can be tested"
        )
    words = [w for w in words if w not in ("inline", "extern", "constexpr", 'extern"C"')]
    returns = _norm_type(_unalias(" ".join(words), aliases))
    params_text = _unalias(" ".join(m.group(2).split()), aliases)
    prototype = f"{returns} {function}({params_text})"
    if params_text in ("", "void"):
        return Signature(returns, (), prototype)
    params = tuple(parse_param(p, i) for i, p in enumerate(split_params(params_text)))
    return Signature(returns, params, prototype)
