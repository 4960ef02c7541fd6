"""One program under test: code whose meaning depends on the compiler or the sanitizer.

The tested build (g++ -O3) and the race build (clang++ -fsanitize=thread) must compile
the same program. A candidate that asks which compiler or sanitizer it is built with
(`#if __has_feature(thread_sanitizer)`, `#ifdef __clang__`, `__SANITIZE_THREAD__`,
`__OPTIMIZE__`), hides accesses from the race detector (`no_sanitize` attributes,
`__tsan_*` / `Annotate*` calls), hooks the OpenMP tool interface that the race detector
and the path probe use (`ompt_start_tool`, `ompt_*`), or could assemble such a name (`##` token pasting) can
be one program in one build and another in the other: it is rejected, naming the line.

The names come from three places: a fixed list (feature tests, sanitizer and compiler
identification macros, race-hiding attributes and annotations), prefixes of the same
families, and every macro that exactly one of the two builds predefines (read from
`-dM -E` of both compilers on an empty file). A macro that both builds predefine
(`_OPENMP`, and `__GNUC__`, which clang defines as well) may differ in its value only: testing whether it is defined (`#ifdef __GNUC__`, `defined(__GNUC__)`,
the usual guard around `__restrict__` or `#include <omp.h>`) gives one answer in both
builds and is fine; reading its value (`#if __GNUC__ >= 9`) is not. A name neither build
defines (`__SANITIZE_THREAD__`) or only one does (`__clang__`) is flagged in any use,
except in a condition of `defined` tests, `!`, `&&`, `||`, comparisons, integers and
predefined macros' values that has the same value in both builds whatever the
candidate's own macros are (`#if defined(__GNUC__) || defined(__clang__)` and
`_OPENMP >= 201307`: true in both; `defined(__GNUC__) && !defined(__clang__)` and
`__GNUC__ >= 5`, 12 in g++ and 4 in clang, differ and are flagged). Optimization-level
macros (`__OPTIMIZE__`) are flagged in any use.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FIXED = frozenset(
    """
__has_feature __has_extension __has_builtin __has_attribute __has_cpp_attribute
__has_c_attribute __has_include __has_include_next __has_warning __has_declspec_attribute
__is_identifier __building_module __SANITIZE_THREAD__ __SANITIZE_ADDRESS__ __OPTIMIZE__
__OPTIMIZE_SIZE__ __NO_INLINE__ __VERSION__ __GNUC__ __GNUC_MINOR__ __GNUC_PATCHLEVEL__
__GNUG__ __GXX_ABI_VERSION __clang__ __llvm__ __INTEL_COMPILER __INTEL_LLVM_COMPILER
_MSC_VER __NVCC__ __NVCOMPILER __PGI __ICC __FAST_MATH__ no_sanitize no_sanitize_thread
no_sanitize_address no_sanitize_memory no_sanitize_undefined __no_sanitize__
__no_sanitize_thread__ __no_sanitize_address__ disable_sanitizer_instrumentation
__disable_sanitizer_instrumentation__
""".split()
)
PREFIXES = ("__clang", "__GNUC", "__SANITIZE", "__tsan", "__sanitizer", "__asan", "__msan",
            "__ubsan", "__lsan", "__has_", "__llvm", "AnnotateHappens", "AnnotateBenign",
            "AnnotateIgnore", "AnnotateRWLock", "AnnotateCondVar", "AnnotateMutex",
            "AnnotateNewMemory", "AnnotateFlush", "AnnotateThreadName", "AnnotateMemory",
            "ompt_", "ompd_", "pcg_paths", "pcg_conflicts", "pcg_regions",
            "pcg_block_pcs")  # fmt: skip
VALUE_ONLY = frozenset({"_OPENMP"})  # defined by both builds, with different values
# comments, string and character literals (raw strings approximately), then identifiers
_STRIP = re.compile(
    r'//[^\n]*|/\*.*?\*/|R"(?P<d>[^(\s]*)\(.*?\)(?P=d)"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
    re.S,
)
_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Dependence:
    line: int
    name: str
    why: str

    def describe(self) -> str:
        return f"line {self.line}: `{self.name}` {self.why}"


def predefined(compiler: str, flags: tuple[str, ...], suffix: str = ".cpp") -> frozenset[str]:
    """The macro names `compiler flags` predefines (empty when it cannot be asked)."""
    return frozenset(predefined_values(compiler, flags, suffix))


@lru_cache(maxsize=16)
def predefined_values(compiler: str, flags: tuple[str, ...],
                      suffix: str = ".cpp") -> dict[str, str]:  # fmt: skip
    """The macros `compiler flags` predefines, name -> value text (empty when it cannot
    be asked)."""
    with tempfile.TemporaryDirectory(prefix="pcg-macros-") as tmp:
        empty = Path(tmp) / f"empty{suffix}"
        empty.write_text("")
        try:
            out = subprocess.run([compiler, *flags, "-dM", "-E", str(empty)], capture_output=True,
                                 text=True, timeout=60, check=False).stdout  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return {}
    found: dict[str, str] = {}
    for ln in out.splitlines():
        parts = ln.split(None, 2)
        if ln.startswith("#define ") and len(parts) >= 2:
            found[parts[1].split("(")[0]] = parts[2] if len(parts) > 2 else ""
    return found


def differing_macros(tested: tuple[str, tuple[str, ...]], race: tuple[str, tuple[str, ...]],
                     suffix: str = ".cpp") -> frozenset[str]:  # fmt: skip
    """Macros exactly one of the two builds predefines."""
    a = predefined(tested[0], tested[1], suffix)
    b = predefined(race[0], race[1], suffix)
    if not a or not b:
        return frozenset()
    return a ^ b


def common_macros(tested: tuple[str, tuple[str, ...]], race: tuple[str, tuple[str, ...]],
                  suffix: str = ".cpp") -> frozenset[str]:  # fmt: skip
    """Macros both builds predefine (empty when either compiler cannot be asked): a
    defined-test of one of them has the same answer in both builds."""
    return predefined(tested[0], tested[1], suffix) & predefined(race[0], race[1], suffix)


def _blank(match: re.Match[str]) -> str:
    """A comment or literal replaced by spaces, its newlines kept (line numbers stay)."""
    text = match.group(0)
    if text.startswith("//") or text.startswith("/*"):
        return "".join("\n" if c == "\n" else " " for c in text)
    return '""' + "\n" * text.count("\n")


_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')


def _in_strings(code: str) -> list[Dependence]:
    """Sanitizer names spelled in string literals (`dlsym(RTLD_DEFAULT, "__tsan_init")`)."""
    found = []
    text = re.sub(r"//[^\n]*|/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), code,
                  flags=re.S)  # fmt: skip
    for lit in _STRING.finditer(text):
        for m in _IDENT.finditer(lit.group(0)):
            name = m.group(0)
            if name.startswith(PREFIXES) or name in FIXED:
                line = text.count("\n", 0, lit.start()) + 1
                found.append(
                    Dependence(line, name, "(in a string) names the sanitizer or compiler")
                )
    return found


def _defined_test(line: str, start: int, directive: str) -> bool:
    """Is the name at `start` only tested for being defined (`#ifdef X`, `#ifndef X`,
    `defined(X)`, `defined X`)?"""
    if directive in ("ifdef", "ifndef"):
        return True
    return line[:start].rstrip().rstrip("(").rstrip().endswith("defined")


_COND_TOKEN = re.compile(r"&&|\|\||>=|<=|==|!=|[A-Za-z_]\w*|\d+[uUlL]*|\S")
MAX_OWN_MACROS = 6  # the candidate's own macros in one condition: 2^6 assignments at most
# optimization-level macros: our two builds agree on them, but a test of one has no use
# but telling builds apart (a debug build from an optimized one): flagged in any use
ALWAYS_FLAGGED = frozenset({"__OPTIMIZE__", "__OPTIMIZE_SIZE__", "__NO_INLINE__"})
_OPS = {"&&": " and ", "||": " or ", "!": " not ", "(": "(", ")": ")", ">=": ">=", "<=": "<=",
        ">": ">", "<": "<", "==": "==", "!=": "!="}  # fmt: skip


def _flagged_name(name: str) -> bool:
    return name in FIXED or name.startswith(PREFIXES) or name in VALUE_ONLY


def _int_value(text: str | None) -> int | None:
    try:
        return int(text.rstrip("uUlL"), 0) if text else None
    except ValueError:
        return None


def same_in_both(condition: str, tested: Mapping[str, str] | frozenset[str],
                 race: Mapping[str, str] | frozenset[str]) -> bool:  # fmt: skip
    """True when `condition` (of an #if/#elif) has the same value with the tested build's
    predefined macros as with the race build's, whatever the candidate's own macros are.
    It may hold `defined` tests, `!`, `&&`, `||`, comparisons, parentheses, integers and
    the values of predefined macros (`_OPENMP >= 201307`, with macro values: `tested` and
    `race` map names to values); anything else, an optimization-level macro, or a compiler
    or sanitizer name that neither build predefines (another build of the same code, a
    user's TSan build with gcc, may define it) makes it False."""
    tokens = _COND_TOKEN.findall(condition)
    expr: list[str] = []
    names: list[str] = []  # defined(...) operands: d[k]
    values: list[str] = []  # macros read for their value: v[k]
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "defined":
            paren = i + 3 < len(tokens) and tokens[i + 1] == "(" and tokens[i + 3] == ")"
            name = tokens[i + 2] if paren else tokens[i + 1] if i + 1 < len(tokens) else ""
            if not _IDENT.fullmatch(name) or name in ALWAYS_FLAGGED:
                return False
            expr.append(f" d[{len(names)}] ")
            names.append(name)
            i += 4 if paren else 2
            continue
        if t in _OPS:
            expr.append(_OPS[t])
        elif t[0].isdigit():
            v = _int_value(t)
            if v is None:
                return False
            expr.append(f" {v} ")
        elif _IDENT.fullmatch(t) and t not in ALWAYS_FLAGGED and (t in tested or t in race):
            if not isinstance(tested, Mapping) or not isinstance(race, Mapping):
                return False  # no values to compare
            a, b = tested.get(t), race.get(t)
            if (a is not None and _int_value(a) is None) or (
                b is not None and _int_value(b) is None
            ):
                return False
            expr.append(f" v[{len(values)}] ")
            values.append(t)
        else:
            return False  # a call, a cast, an own macro's value: not evaluated here
        i += 1
    if not names and not values:
        return False
    own = sorted({n for n in names if n not in tested and n not in race})
    if any(_flagged_name(n) for n in own) or len(own) > MAX_OWN_MACROS:
        return False
    try:
        program = compile("".join(expr).strip(), "<condition>", "eval")
    except SyntaxError:
        return False

    def macro_values(side: Mapping[str, str] | frozenset[str]) -> list[int]:
        if not isinstance(side, Mapping):
            return []
        return [_int_value(side.get(n)) or 0 for n in values]  # undefined reads as 0

    va, vb = macro_values(tested), macro_values(race)
    for assignment in itertools.product((False, True), repeat=len(own)):
        mine = dict(zip(own, assignment, strict=True))
        da = [mine[n] if n in mine else n in tested for n in names]
        db = [mine[n] if n in mine else n in race for n in names]
        try:
            if eval(program, {"__builtins__": {}}, {"d": da, "v": va}) != eval(  # noqa: S307
                program, {"__builtins__": {}}, {"d": db, "v": vb}
            ):
                return False
        except Exception:  # noqa: BLE001 -- a malformed condition: not evaluated
            return False
    return True


def find_dependences(code: str, differing: frozenset[str] = frozenset(),
                     common: frozenset[str] = frozenset(),
                     builds: tuple[Mapping[str, str], Mapping[str, str]] | None = None,
                     ) -> list[Dependence]:  # fmt: skip
    """Every place where `code` asks which compiler/sanitizer it is built with.

    `differing`: macros only one build predefines; `common`: macros both predefine,
    whose defined-tests are the same in both builds; `builds`: the tested and the race
    build's predefined macros, to evaluate conditions of defined tests in both (see the
    module docstring)."""
    text = _STRIP.sub(_blank, code)
    found: list[Dependence] = _in_strings(code)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "##" in line:
            found.append(Dependence(lineno, "##", "(token pasting could spell a compiler macro)"))
        stripped = line.strip()
        directive = (
            stripped[1:].strip().split(None, 1)[0]
            if stripped.startswith("#") and stripped[1:].strip()
            else ""
        )
        if builds is not None and directive in ("if", "elif", "ifdef", "ifndef"):
            rest = stripped[1:].strip()[len(directive) :]
            cond = f"defined({rest.strip()})" if directive in ("ifdef", "ifndef") else rest
            if same_in_both(cond, *builds):
                continue
        for m in _IDENT.finditer(line):
            name = m.group(0)
            if (name in common and name not in differing and name not in ALWAYS_FLAGGED
                    and _defined_test(line, m.start(), directive)):  # fmt: skip
                continue
            if name in FIXED or name.startswith(PREFIXES):
                found.append(Dependence(lineno, name, "tells the compiler or the sanitizer apart"))
            elif name in differing:
                found.append(
                    Dependence(lineno, name, "is predefined by only one of the two builds")
                )
            elif name in VALUE_ONLY and not _defined_test(line, m.start(), directive):
                found.append(Dependence(lineno, name, "has a different value in the race build"))
    return found
