"""Is a candidate parallel? What its live code says, and the integer literals it compares.

Live code is the source without comments, string and character literals, and blocks that
the preprocessor certainly drops (`#if 0`, `#ifdef __NEVER_DEFINED__`-style blocks are not
evaluated: only a literal 0/false condition). `static_parallelism` counts OpenMP
directives and `omp_*` calls there, and other ways to start threads; `compared_literals`
collects the integer values that appear in comparisons (`n > 20000`, `if(n >= 1 << 14)`,
`n < 64 * 1024`, a named constant defined as a constant expression), which the race step
uses to reach code that goes parallel only above a size; `table_extents` the remainders,
array extents and table counts (`t % 16`, `double part[64]`, `std::vector<Slot>
part(128)`, `omp_get_thread_num() & 63`), whose one-more thread count the race step's
wide call runs. Both are source scans: a count or bound that is not a constant
expression of literals and named constants (`std::vector<double> y(n)`) gives nothing.
"""

from __future__ import annotations

import math
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
_NUMBER = r"(?:0[xX][0-9a-fA-F']+|0[bB][01']+|\d[\d']*(?:\.\d*)?(?:[eE][+-]?\d+)?)[uUlLfFzZ]*"
_TOKEN = re.compile(rf"(::|->|&&|\|\||<<|>>|<=|>=|==|!=|<|>)|([A-Za-z_]\w*|{_NUMBER})|([()])|(\S)")
_COMPARE_OPS = {"<", ">", "<=", ">=", "==", "!="}
# a template argument list of names, numbers, `::`, `,` and `*` (no operator a comparison
# would have: `&&`, `(`, `;`): `static_cast<std::size_t>`, `std::vector<double>`,
# `std::array<int, 32>`; erased innermost first, so its `<` and `>` are not comparisons
_TEMPLATE_ARGS = re.compile(r"\b([A-Za-z_]\w*)<[\w \t:,*]*>")
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(\S[^\n]*?)[ \t]*$", re.M)
_CONST = re.compile(
    r"\b(?:const|constexpr)\b[\w\s:<>*&]*?\b(\w+)\s*(?:=([^;{}]*)|\{([^;{}]*)\})\s*;"
)
_ENUM = re.compile(r"\benum\b(?:\s+(?:class|struct))?(?:\s+\w+)?(?:\s*:[\w\s:]+?)?\s*\{([^{}]*)\}")
_TYPE_WORDS = {"int", "long", "short", "unsigned", "signed", "char", "size_t", "ptrdiff_t",
               "ssize_t", "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t",
               "int64_t", "uint64_t", "intptr_t", "uintptr_t", "bool", "double", "float"}  # fmt: skip
# where an operand of a comparison (or of `&`) ends at its own bracket depth
_EXPR_END = {";", ",", "?", ":", "=", "&", "|", "^", "&&", "||", "!", "return", "if", "while",
             "for", "case", "else", "do", "#"} | _COMPARE_OPS  # fmt: skip
_TERM_END = _EXPR_END | {"+", "-", "<<", ">>"}


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


def _literal(text: str) -> int | float | None:
    """The value of a C++ number token: `1'000'000`, `100000UL`, `0x10000`, `0b1000`, `0777`
    (octal), `5e3` and `1.5e4f` (floating: a float)."""
    t = text.replace("'", "")
    if t[:2].lower() in ("0x", "0b"):
        try:
            return int(t.rstrip("uUlLzZ"), 0)
        except ValueError:
            return None
    try:
        if any(c in t for c in ".eE"):
            return float(t.rstrip("fFlL"))
        t = t.rstrip("uUlLzZ")
        return int(t, 8) if len(t) > 1 and t[0] == "0" else int(t)
    except ValueError:
        return None


def _number(text: str) -> int | None:
    v = _literal(text)
    return int(v) if v is not None and math.isfinite(v) else None


def _without_template_args(live: str) -> str:
    while True:
        erased = _TEMPLATE_ARGS.sub(r"\1", live)
        if erased == live:
            return live
        live = erased


def _tokens(text: str) -> list[str]:
    return [m.group(0) for m in _TOKEN.finditer(text)]


class _NotConstant(Exception):
    pass


class _ConstantExpression:
    """A recursive-descent reader of a constant operand: literals, named constants, `+ - * /
    %`, shifts, parentheses, integer casts (`(long)`, `std::size_t(1)`, `size_t{1}`,
    `static_cast<long>(1)` with its template arguments erased) and `sizeof` of a basic
    type. Integer arithmetic as C++ does it (`/` truncates), floating when a floating
    literal takes part."""

    def __init__(self, tokens: list[str], consts: dict[str, int | float]):
        self.tokens, self.i, self.consts = tokens, 0, consts

    def peek(self, ahead: int = 0) -> str | None:
        j = self.i + ahead
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self, want: str | None = None) -> str:
        t = self.peek()
        if t is None or (want is not None and t != want):
            raise _NotConstant
        self.i += 1
        return t

    def value(self) -> int | float:
        v = self.shift()
        if self.i != len(self.tokens):
            raise _NotConstant
        return v

    def shift(self) -> int | float:
        v = self.additive()
        while self.peek() in ("<<", ">>"):
            op, w = self.take(), self.additive()
            if not (isinstance(v, int) and isinstance(w, int) and 0 <= w < 64):
                raise _NotConstant
            v = v << w if op == "<<" else v >> w
        return v

    def additive(self) -> int | float:
        v = self.term()
        while self.peek() in ("+", "-"):
            op, w = self.take(), self.term()
            v = v + w if op == "+" else v - w
        return v

    def term(self) -> int | float:
        v = self.unary()
        while self.peek() in ("*", "/", "%"):
            op, w = self.take(), self.unary()
            if op == "*":
                v = v * w
            elif w == 0:
                raise _NotConstant
            elif isinstance(v, int) and isinstance(w, int):  # C++: truncated toward zero
                q = abs(v) // abs(w) * (1 if (v < 0) == (w < 0) else -1)
                v = q if op == "/" else v - q * w
            elif op == "/":
                v = v / w
            else:
                raise _NotConstant
        return v

    def unary(self) -> int | float:
        if self.peek() in ("-", "+"):
            sign = -1 if self.take() == "-" else 1
            return sign * self.unary()
        return self.primary()

    def cast_type(self, j: int) -> tuple[int, str] | None:
        """(index after, last type word) when tokens[j:] start with a type (`unsigned long`,
        `std::size_t`)."""
        words = []
        while j < len(self.tokens):
            t = self.tokens[j]
            if t in ("std", "::", "const"):
                pass
            elif t in _TYPE_WORDS:
                words.append(t)
            else:
                break
            j += 1
        return (j, words[-1]) if words else None

    def primary(self) -> int | float:
        t = self.take()
        if t == "(":
            typed = self.cast_type(self.i)
            if typed is not None and self.peek(typed[0] - self.i) == ")":  # (long)64
                self.i = typed[0] + 1
                return _cast(self.unary(), typed[1])
            v = self.shift()
            self.take(")")
            return v
        if t[0].isdigit():
            lit = _literal(t)
            if lit is None:
                raise _NotConstant
            return lit
        if t == "sizeof":
            self.take("(")
            typed = self.cast_type(self.i)
            if typed is None or typed[1] not in _SIZEOF:
                raise _NotConstant
            self.i = typed[0]
            self.take(")")
            return _SIZEOF[typed[1]]
        typed = self.cast_type(self.i - 1)
        if t == "static_cast" or typed is not None:  # std::size_t(1), size_t{1}
            kind = "" if typed is None else typed[1]
            self.i = self.i if typed is None else typed[0]
            close = {"(": ")", "{": "}"}.get(self.take())
            if close is None:
                raise _NotConstant
            v = self.shift()
            self.take(close)
            return _cast(v, kind)
        while self.peek() == "::":  # cfg::kThreshold
            self.take()
            t = self.take()
        if t in self.consts:
            return self.consts[t]
        raise _NotConstant


def _cast(v: int | float, kind: str) -> int | float:
    if kind in ("", "double", "float"):
        return float(v) if kind else v
    if not math.isfinite(v):
        raise _NotConstant
    return int(v)


def _constant(tokens: list[str], consts: dict[str, int | float]) -> int | float | None:
    """The value of `tokens` when they are one constant expression, else None."""
    if not tokens:
        return None
    try:
        v = _ConstantExpression(tokens, consts).value()
    except (_NotConstant, RecursionError, OverflowError, ValueError):
        return None
    return v if isinstance(v, int) or math.isfinite(v) else None


def _named_constants(live: str) -> dict[str, int | float]:
    """Names the live code #defines, declares const/constexpr or enumerates with a constant
    value (a literal or an expression of literals and earlier names: `constexpr long MB =
    1024 * KB;`): name -> value."""
    found: list[tuple[int, str, str]] = [(m.start(), m.group(1), m.group(2))
                                         for m in _DEFINE.finditer(live)]  # fmt: skip
    for m in _CONST.finditer(live):
        first, *more = (m.group(2) if m.group(2) is not None else m.group(3)).split(",")
        found.append((m.start(), m.group(1), first))
        for extra in more:  # const int a = 1, b = 2;
            name, eq, rest = extra.partition("=")
            if eq and re.fullmatch(r"\s*\w+\s*", name):
                found.append((m.start(), name.strip(), rest))
    for m in _ENUM.finditer(live):
        previous = "-1"
        for item in m.group(1).split(","):
            name, eq, rest = item.partition("=")
            if not re.fullmatch(r"\s*[A-Za-z_]\w*\s*", name):
                break
            previous = rest if eq else f"({previous}) + 1"
            found.append((m.start(), name.strip(), previous))
    found.sort(key=lambda f: f[0])
    consts: dict[str, int | float] = {}
    for _ in range(2):  # a second pass for names used before they are defined (members)
        for _pos, name, text in found:
            v = _constant(_tokens(text), consts)
            if v is not None and name not in consts:
                consts[name] = v
    return consts


def _operand(
    tokens: list[str], i: int, step: int, end: frozenset[str] | set[str] = _EXPR_END
) -> list[str]:
    """The tokens of the operand of a comparison (or of `&`) starting at tokens[i] and
    walking `step` (-1: the left operand), in source order: up to a bracket it did not open
    or, at its own depth, a token of lower precedence (`&&`, `?`, `;`, `=`, ...)."""
    opening, closing = ("([{", ")]}") if step > 0 else (")]}", "([{")
    part: list[str] = []
    depth = 0
    while 0 <= i < len(tokens):
        t = tokens[i]
        if t in opening:
            depth += 1
        elif t in closing:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and t in end:
            break
        part.append(t)
        i += step
    return part[::-1] if step < 0 else part


def _compared_value(
    tokens: list[str], i: int, step: int, consts: dict[str, int | float]
) -> int | float | None:
    """The value of the operand at tokens[i] (walking `step`) when it is constant (`64 *
    1024`, `(1u << 20)`, `4 * KB`); otherwise that of its term next to the operator when
    that is constant (`n - 64 * 1024 > 0` -> 65536, `2 * n + 1 > 100` -> 1); otherwise
    the literal or named constant next to the operator (through parentheses; `a << b` of
    two literals folded: `16 * n`, `(1 << 14) * m` -> 16, 16384)."""
    for end in (_EXPR_END, _TERM_END):
        v = _constant(_operand(tokens, i, step, end), consts)
        if v is not None:
            return v
    while 0 <= i < len(tokens) and tokens[i] in ("(", ")"):
        i += step
    if not 0 <= i < len(tokens):
        return None
    t = tokens[i]
    if t[0].isdigit():
        a, b = (i, i + 2) if step > 0 else (i - 2, i)
        if 0 <= a and b < len(tokens) and tokens[a + 1] == "<<" and tokens[a][0].isdigit() \
                and tokens[b][0].isdigit():  # fmt: skip
            x, y = _number(tokens[a]), _number(tokens[b])
            if x is not None and y is not None and 0 <= y < 63:
                return x << y
        return _literal(t)
    return consts.get(t)


def compared_literals(code: str) -> list[int]:
    """Integer values the live code compares something against, ascending: constant
    operands (literals, named constants #define'd, const/constexpr or enumerators, and
    expressions of them: `64 * 1024`, `1 << 16`, `4 * KB`; a floating one rounded down,
    which the next integer is above) on either side of the comparison; of an operand that
    is not constant, the literal next to the operator."""
    live = _without_template_args(live_code(code))
    consts = _named_constants(live)
    tokens = _tokens(live)
    found: set[int] = set()
    for i, t in enumerate(tokens):
        if t not in _COMPARE_OPS:
            continue
        for here, there in ((-1, 1), (1, -1)):
            v = _compared_value(tokens, i + here, here, consts)
            if v is None or v < 0 or not math.isfinite(v):
                continue
            # a literal compared with a product of constants and one size (`4 * n *
            # sizeof(double) > (4u << 20)`, a threshold in bytes) is a threshold of the size
            # at literal / product
            k = _product_of_one_name(tokens, i + there, there) or 1
            found.add(int(v // k))
    return sorted(found)


_TABLE_EXTENT = re.compile(
    rf"%\s*=?\s*\(?\s*({_NUMBER}|[A-Za-z_]\w*)\b"  # i % K, i %= K
    rf"|\w\s*\[\s*({_NUMBER}|[A-Za-z_]\w*)\s*\]\s*(?:[;={{,)]|\[)"  # T name[K]; / [K][...]
    rf"|\barray\s*<[^<>;]*?,\s*({_NUMBER}|[A-Za-z_]\w*)\s*>"  # std::array<T, K>
)
# on the code with template arguments erased (`std::vector<Slot>` is `std::vector`):
_C_ARRAY = re.compile(r"\b(\w+)\s*\[([^\[\]\n]+)\]\s*(?:[;={,)]|\[)")  # T name[2 * K];
_STD_ARRAY = re.compile(  # std::array<T, K> name (on the code as written)
    r"\barray\s*<((?:[^<>;]|<[^<>;]*>)*),\s*([^<>;,]+?)\s*>(?:\s*(?:const\s+)?&?\s*(\w+))?"
)
_COUNT_CALLS = re.compile(  # the first argument of ( is a count
    r"\b(?:vector|deque)\b(?:\s+(\w+))?\s*\("  # std::vector<T> name(K, ...) / std::vector<T>(K)
    r"|\b(\w+)\s*(?:\.|->)\s*(?:resize|assign)\s*\("  # name.resize(K) / name.assign(K, v)
    r"|\bmake_(?:unique|shared)(?:_for_overwrite)?\s*<[^;()]*?\[\s*\]\s*>\s*\("  # <T[]>(K)
)
_NEW_ARRAY = re.compile(r"\bnew\s+(?:\(\s*std\s*::\s*nothrow\s*\)\s*)?[\w:\s*]+?\[")  # new T[K]
_REMAINDER = re.compile(  # % name.size(), % std::size(name)
    r"%\s*=?\s*(?:(\w+)\s*(?:\.|->)\s*size\s*\(\s*\)|(?:std\s*::\s*)?size\s*\(\s*(\w+)\s*\))"
)
_THREAD_ID = re.compile(  # int tid = omp_get_thread_num(); auto t{static_cast<int>(omp_...())}
    r"\b(\w+)\s*[={(]\s*(?:\(\s*[\w\s:]+\)\s*|[\w:]+\s*[({]\s*)?omp_get_thread_num\s*\("
)


def _arguments(text: str, pos: int) -> list[str]:
    """The top-level arguments of the bracket opened just before text[pos], up to its
    matching close; [] when a `;` comes first."""
    args: list[str] = []
    depth, start = 0, pos
    for j in range(pos, len(text)):
        c = text[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return args + [text[start:j]]
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[start:j])
            start = j + 1
        elif c == ";":
            break
    return []


def table_extents(code: str) -> list[int]:
    """Values the live code takes a remainder by or gives a table as its count, ascending:
    the thread counts a per-thread table indexed by the thread number holds.
    - remainders: `t % 16`, `t % (2 * K)`, `t % part.size()` / `std::size(part)` (the
      count of `part` as below);
    - array extents: `double part[64]`, `std::array<T, 32>`, `new T[K]`,
      `std::make_unique<T[]>(K)`;
    - counts of containers: `std::vector<T> part(K)` / `(K, init)` / `std::vector<T>(K)`,
      `part.resize(K)`, `part.assign(K, v)` (a brace list `part{K}` holds elements, not a
      count: nothing);
    - masks of a thread number: `omp_get_thread_num() & 63`, `tid & (K - 1)` with `tid`
      assigned from omp_get_thread_num(): mask m gives m + 1 when that is a power of two.
    Counts and extents are constant expressions of literals and named constants
    (#define, const/constexpr, enumerators); `std::vector<double> y(n)` gives nothing."""
    live = live_code(code)
    text = _without_template_args(live)
    consts = _named_constants(text)
    found: set[int] = set()
    counts: dict[str, int] = {}  # table name -> its count

    def add(v: int | float | None, name: str | None = None) -> None:
        if v is not None and v > 0 and v == int(v):
            found.add(int(v))
            if name:
                counts[name] = int(v)

    def value(expr: str) -> int | float | None:
        return _constant(_tokens(expr), consts)

    for m in _TABLE_EXTENT.finditer(live):
        paren = m.group(0).find("(") if m.group(1) else -1
        args = _arguments(live, m.start() + paren + 1) if paren >= 0 else []
        if len(args) == 1 and value(args[0]) is not None:  # t % (2 * K)
            add(value(args[0]))
            continue
        t = next(g for g in m.groups() if g)  # t % K, or the first of t % (K * n)
        add(consts.get(t) if t[0].isalpha() or t[0] == "_" else _number(t))
    for m in _STD_ARRAY.finditer(live):
        add(value(m.group(2)), m.group(3))
    for m in _C_ARRAY.finditer(text):
        add(value(m.group(2)), m.group(1))
    for m in _NEW_ARRAY.finditer(text):
        args = _arguments(text, m.end())
        add(value(args[0]) if len(args) == 1 else None)
    for m in _COUNT_CALLS.finditer(text):
        args = _arguments(text, m.end())
        if args:
            add(value(args[0]), m.group(1) or m.group(2))
    for m in _REMAINDER.finditer(text):
        add(counts.get(m.group(1) or m.group(2)))
    thread_ids = {m.group(1) for m in _THREAD_ID.finditer(text)} - _EXPR_END
    thread_ids.add("omp_get_thread_num")
    tokens = _tokens(text)
    for i, t in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        if t != "&" or not (prev in (")", "]") or prev[:1].isalnum() or prev[:1] == "_"):
            continue  # not a binary &
        left, right = _operand(tokens, i - 1, -1), _operand(tokens, i + 1, 1)
        for mask, other in ((right, left), (left, right)):
            m_ = _constant(mask, consts) if thread_ids & set(other) else None
            if isinstance(m_, int) and m_ > 0 and (m_ + 1) & m_ == 0:
                add(m_ + 1)
    return sorted(found)


_SIZEOF = {"char": 1, "bool": 1, "int8_t": 1, "uint8_t": 1, "short": 2, "int16_t": 2,
           "uint16_t": 2, "int": 4, "unsigned": 4, "float": 4, "int32_t": 4, "uint32_t": 4,
           "long": 8, "double": 8, "size_t": 8, "int64_t": 8, "uint64_t": 8, "ptrdiff_t": 8}  # fmt: skip
_OPERAND_END = {"&", "|", "&&", "||", ",", ";", "=", "?", ":", "{", "}", "+", "-", "/", "%",
                "!", "if", "return", "while", "for", "else", "<<", ">>"} | _COMPARE_OPS  # fmt: skip


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
            inner = [x for x in part[j + 2 : close] if x not in ("::", "std")]
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
        elif t in (".", "->", "::", "(", ")"):
            pass  # a member call of the name: r.size(), p->n, std::size(r)
        elif t == "*":
            prev_name = False
        else:
            return None
        j += 1
    return product if names == 1 and product > 0 else None
