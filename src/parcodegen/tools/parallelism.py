"""Is a candidate parallel? What its live code says, and the integer literals it compares.

Live code is the source without comments, string and character literals, and blocks that
the preprocessor certainly drops (`#if 0`, `#ifdef __NEVER_DEFINED__`-style blocks are not
evaluated: only a literal 0/false condition). `static_parallelism` counts OpenMP
directives and `omp_*` calls there, and other ways to start threads; `compared_literals`
collects integer literals that appear in comparisons (`n > 20000`, `if(n >= 1 << 14)`,
a named constant defined as a literal), which the race step uses to reach code that goes
parallel only above a size; `table_extents` the remainders and array extents (`t % 16`,
`double part[64]`), whose one-more thread count the race step's wide call runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENT_OR_LITERAL = re.compile(
    r"_Pragma\s*\(\s*\"(?:\\.|[^\"\\\n])*\"\s*\)"  # kept: the operator form of #pragma
    r"|(?<![\w])(?:u8|[uUL])?R\"(?P<delim>[^()\\\s\"]{0,16})\(.*?\)(?P=delim)\""  # raw string
    r"|//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|(?<!\w)'(?:\\.|[^'\\\n])*'",
    re.S,
)
_PP_IF = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$")
_OMP_DIRECTIVE = re.compile(r"^\s*#\s*pragma\s+omp\b(.*)$|_Pragma\s*\(\s*\"omp\b([^\"]*)", re.M)
_TASK = re.compile(r"(?:parallel\s+|master\s+|masked\s+)*task(?:loop)?\b")
_OMP_CALL = re.compile(r"\bomp_\w+\s*\(")
_THREADS = re.compile(
    r"\bstd::(?:j?thread|async)\b|\bpthread_create\s*\(|\bstd::execution::par|__gnu_parallel::"
    r"|\btbb::|#\s*pragma\s+acc\b"
)
_NUMBER = r"(?:0[xX][0-9a-fA-F']+|\d[\d']*(?:\.\d*)?(?:[eE][+-]?\d+)?)[uUlLfF]*"
_DEFINE = re.compile(rf"^\s*#\s*define\s+(\w+)\s+\(?\s*({_NUMBER})\s*\)?\s*$", re.M)
_CONST = re.compile(
    rf"\b(?:const|constexpr)\b[\w\s:<>]*?\b(\w+)\s*(?:=|\{{)\s*({_NUMBER})\s*\}}?\s*;"
)
_SHIFT = re.compile(rf"\b({_NUMBER})\s*<<\s*({_NUMBER})")
_TOKEN = re.compile(rf"(<<|>>|<=|>=|==|!=|<|>)|([A-Za-z_]\w*|{_NUMBER})|([()])|(\S)")
_COMPARE_OPS = {"<", ">", "<=", ">=", "==", "!="}


def _strip_literals(code: str) -> str:
    def keep_lines(m: re.Match[str]) -> str:
        text = m.group(0)
        if text.startswith("_Pragma"):
            return text
        if text.startswith(("//", "/*")):
            return "\n" * text.count("\n") if text.startswith("/*") else ""
        return '""' + "\n" * text.count("\n")  # a raw string may span lines

    code = code.replace("\\\n", " ")  # line continuations
    return _COMMENT_OR_LITERAL.sub(keep_lines, code)


def live_code(code: str) -> str:
    """`code` without comments, string literals and `#if 0` / `#if false` blocks."""
    out: list[str] = []
    stack: list[bool] = []  # per open #if: is this branch dead?
    taken: list[bool] = []  # per open #if: has an earlier branch been live?
    for line in _strip_literals(code).splitlines():
        m = _PP_IF.match(line)
        if m:
            kind, cond = m.group(1), m.group(2).strip()
            if kind in ("if", "ifdef", "ifndef"):
                dead = kind == "if" and cond in ("0", "false", "(0)")
                stack.append(dead)
                taken.append(not dead and kind == "if" and cond in ("1", "true", "(1)"))
            elif kind in ("elif", "else") and stack:
                # after a certainly-dead branch the next one may be live; after a certainly-
                # live one (#if 1) the rest is dead; otherwise unknown: keep it (live)
                stack[-1] = taken[-1]
            elif kind == "endif" and stack:
                stack.pop()
                taken.pop()
            out.append("")
            continue
        out.append("" if any(stack) else line)
    return "\n".join(out)


@dataclass(frozen=True)
class StaticParallelism:
    directives: int  # live `#pragma omp` lines (and _Pragma("omp ..."))
    omp_calls: int  # live omp_* calls
    other_threads: tuple[str, ...]  # std::thread, std::async, pthread_create, ...
    simd_only: bool  # every OpenMP directive is a `simd` (vector lanes, no threads)
    tasks: int = 0  # live `task` / `taskloop` directives (explicit tasks)

    @property
    def parallel(self) -> bool:
        """Starts threads (OpenMP directives other than simd, omp_* calls, or others)."""
        return (
            (self.directives > 0 and not self.simd_only)
            or self.omp_calls > 0
            or bool(self.other_threads)
        )

    @property
    def may_race(self) -> bool:
        """Worth a race/instrumented run: anything concurrent, SIMD lanes included."""
        return self.directives > 0 or self.omp_calls > 0 or bool(self.other_threads)

    def to_dict(self) -> dict[str, object]:
        return {"openmp_directives": self.directives, "omp_calls": self.omp_calls,
                "other_threads": list(self.other_threads), "simd_only": self.simd_only,
                "tasks": self.tasks}  # fmt: skip


def static_parallelism(code: str) -> StaticParallelism:
    live = live_code(code)
    directives = [m.group(1) if m.group(1) is not None else m.group(2)
                  for m in _OMP_DIRECTIVE.finditer(live)]  # fmt: skip
    clauses = [d.strip() for d in directives]
    simd_only = bool(clauses) and all(re.match(r"(declare\s+)?simd\b", c) for c in clauses)
    others = tuple(sorted({m.group(0).strip() for m in _THREADS.finditer(live)}))
    tasks = sum(1 for c in clauses if _TASK.match(c))
    return StaticParallelism(
        len(directives), len(_OMP_CALL.findall(live)), others, simd_only, tasks
    )


def _number(text: str) -> int | None:
    t = text.replace("'", "").rstrip("uUlLfF")
    try:
        if t.lower().startswith("0x"):
            return int(t, 16)
        return int(float(t)) if any(c in t for c in ".eE") else int(t)
    except ValueError:
        return None


def _named_constants(live: str) -> dict[str, int]:
    """Names the live code #defines or declares const as an integer literal: name -> value."""
    consts: dict[str, int] = {}
    for m in list(_DEFINE.finditer(live)) + list(_CONST.finditer(live)):
        v = _number(m.group(2))
        if v is not None:
            consts[m.group(1)] = v
    return consts


def compared_literals(code: str) -> list[int]:
    """Integer values the live code compares something against, ascending (literals,
    `a << b` of literals, and names #define'd or declared const as a literal)."""
    live = live_code(code)
    consts = _named_constants(live)

    def shift(m: re.Match[str]) -> str:
        a, b = _number(m.group(1)), _number(m.group(2))
        return str(a << b) if a is not None and b is not None and b < 63 else m.group(0)

    live = _SHIFT.sub(shift, live)
    tokens = [m.group(0) for m in _TOKEN.finditer(live)]
    found: set[int] = set()

    def operand(i: int, step: int) -> None:
        while 0 <= i < len(tokens) and tokens[i] in "()":
            i += step
        if 0 <= i < len(tokens):
            t = tokens[i]
            v = consts.get(t) if t[0].isalpha() or t[0] == "_" else _number(t)
            if v is not None and v >= 0:
                found.add(v)

    for i, t in enumerate(tokens):
        if t in _COMPARE_OPS:
            # a literal compared with a product of constants and one size (`4 * n *
            # sizeof(double) > (4u << 20)`, a threshold in bytes) is a threshold of the
            # size at literal / product
            for here, there in (((i - 1, -1), (i + 1, 1)), ((i + 1, 1), (i - 1, -1))):
                before = set(found)
                operand(*here)
                k = _product_of_one_name(tokens, *there) or 1
                for lit in set(found) - before if k > 1 else ():
                    found.discard(lit)
                    found.add(lit // k)
    return sorted(found)


_TABLE_EXTENT = re.compile(
    rf"%\s*\(?\s*({_NUMBER}|[A-Za-z_]\w*)\b"  # i % K
    rf"|\w\s*\[\s*({_NUMBER}|[A-Za-z_]\w*)\s*\]\s*(?:[;={{,)]|\[)"  # T name[K]; / [K][...]
    rf"|\barray\s*<[^<>;]*?,\s*({_NUMBER}|[A-Za-z_]\w*)\s*>"  # std::array<T, K>
)


def table_extents(code: str) -> list[int]:
    """Values the live code takes a remainder by (`t % 16`) or gives an array as its extent
    (`double part[64]`, `std::array<T, 32>`), ascending: the thread counts a per-thread
    table indexed by the thread number holds (literals, or names #define'd or declared
    const as one)."""
    live = live_code(code)
    consts = _named_constants(live)
    found: set[int] = set()
    for m in _TABLE_EXTENT.finditer(live):
        text = next(g for g in m.groups() if g)
        v = consts.get(text) if text[0].isalpha() or text[0] == "_" else _number(text)
        if v is not None and v > 0:
            found.add(v)
    return sorted(found)


_SIZEOF = {"char": 1, "bool": 1, "int8_t": 1, "uint8_t": 1, "short": 2, "int16_t": 2,
           "uint16_t": 2, "int": 4, "unsigned": 4, "float": 4, "int32_t": 4, "uint32_t": 4,
           "long": 8, "double": 8, "size_t": 8, "int64_t": 8, "uint64_t": 8, "ptrdiff_t": 8}  # fmt: skip
_OPERAND_END = {"&", "|", ",", ";", "=", "?", ":", "{", "}", "+", "-", "/", "%", "!", "if",
                "return", "while", "for", "else", "<<", ">>"} | _COMPARE_OPS  # fmt: skip


def _product_of_one_name(tokens: list[str], i: int, step: int) -> int | None:
    """The product of the constant factors of the operand starting at tokens[i] (walking
    `step`) when it is `c1 * name * sizeof(T) * ...` with exactly one name (`n`,
    `r.size()`); None for anything else (a sum, two names, a cast, no name)."""
    part: list[str] = []
    depth = 0
    while 0 <= i < len(tokens):
        t = tokens[i]
        opening, closing = ("(", ")") if step > 0 else (")", "(")
        if t == opening:
            depth += 1
        elif t == closing:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and t in _OPERAND_END:
            break
        part.append(t)
        i += step
    if step < 0:
        part.reverse()
    product, names, j = 1, 0, 0
    prev_name = False
    while j < len(part):
        t = part[j]
        if t == "sizeof":
            close = part.index(")", j) if ")" in part[j:] else -1
            inner = [x for x in part[j + 2 : close] if x not in (":", "std")]
            if close < 0 or len(inner) != 1 or inner[0] not in _SIZEOF:
                return None
            product *= _SIZEOF[inner[0]]
            j, prev_name = close + 1, False
            continue
        v = _number(t) if t[0].isdigit() else None
        if v is not None:
            product *= v
            prev_name = False
        elif t[0].isalpha() or t[0] == "_":
            if not prev_name:
                names += 1
            prev_name = True
        elif t in (".", "(", ")"):
            pass  # a member call of the name: r.size()
        elif t == "*":
            prev_name = False
        else:
            return None
        j += 1
    return product if names == 1 and product > 0 else None
