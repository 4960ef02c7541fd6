"""OpenMP that the tested compiler accepts and the race build's compiler does not.

The tested build is g++ and the race build clang++ of the installed LLVM (14 here), and
the two support different parts of OpenMP 5.x: g++ 12 compiles `#pragma omp scope`,
`nothing`, `error`, `unroll partial`, `depend(inoutset: ...)` and `omp_all_memory`,
which clang 14 rejects, and it reads `#pragma omp parallel loop` as one directive where
clang 14 warns "extra tokens at the end of '#pragma omp parallel' are ignored" and builds
a plain `parallel` region in which every thread runs the whole loop: a race (and maybe a
wrong output) in the race build only, in code that is correct. The race build therefore
makes that warning an error (STRICT_FLAGS) and `unsupported_openmp` tells such failures
from the candidate's own errors: when every error is about an OpenMP directive, clause or
`omp_` name the race compiler lacks, or sits on a `#pragma omp` line that g++ compiled
(`taskloop num_tasks(strict: 4)`: "use of undeclared identifier 'strict'"), the race check could not build the program that is
timed, so the verdict names the race check as unchecked (never pass, never a
compile error or race blamed on the candidate). Any other error (`#error` under clang, a
gcc-only builtin) stays the candidate's compile error.
"""

from __future__ import annotations

import re
from pathlib import Path

from parcodegen.tools.compile import DIAG

STRICT_FLAGS = ("-Werror=extra-tokens",)
# clang's diagnostics for OpenMP it does not implement (LLVM 14 wording; later versions
# implement more and keep these phrases for what they still lack)
_UNSUPPORTED = re.compile(
    r"OpenMP|'#pragma omp|use of undeclared identifier 'omp_\w+'"
    r"|the statement for '\w+' must be"  # the body of an `atomic compare` clang cannot read
)
_EXTRA_TOKENS = "[-Werror,-Wextra-tokens]"


def error_lines(log: str) -> list[tuple[str, int, str]]:
    """(file, line, message) of every error in a compiler log."""
    out = []
    for raw in log.splitlines():
        m = DIAG.match(raw.strip())
        if m and m.group("kind") in ("error", "fatal error"):
            out.append((m.group("file"), int(m.group("line")), m.group("msg")))
    return out


def _on_directive(src: list[str], ln: int) -> bool:
    """Is line `ln` (1-based) part of a `#pragma omp` directive (continuations too)?"""
    i = ln - 1
    while 0 < i < len(src) and src[i - 1].rstrip().endswith("\\"):
        i -= 1
    if not 0 <= i < len(src):
        return False
    text = src[i].strip()
    return bool(re.match(r"#\s*pragma\s+omp\b|_Pragma\s*\(\s*\"omp\b", text))


def unsupported_openmp(log: str, code: str = "") -> str | None:
    """What the race compiler lacks ("line 6 `#pragma omp scope`: expected an OpenMP
    directive"), when every error of a failed race build is about unsupported OpenMP;
    None otherwise."""
    errors = error_lines(log)
    if not errors:
        return None
    src = code.splitlines()
    omp = [(ln, msg) for file, ln, msg in errors
           if _UNSUPPORTED.search(msg) or ("candidate" in Path(file).name and _on_directive(src, ln))]  # fmt: skip
    if len(omp) != len(errors):
        return None

    def where(ln: int) -> str:
        text = src[ln - 1].strip() if 0 < ln <= len(src) else ""
        return f"line {ln} `{text[:80]}`" if text else f"line {ln}"

    first = {ln: msg for ln, msg in reversed(omp)}  # one message per line, its first
    shown = sorted(first.items())[:3]
    return "; ".join(f"{where(ln)}: {msg.replace(' ' + _EXTRA_TOKENS, '')}" for ln, msg in shown)


def only_strictness_errors(log: str) -> bool:
    """True when the only errors come from STRICT_FLAGS on non-OpenMP lines (`#endif X`):
    the build is retried without them."""
    errors = error_lines(log)
    return bool(errors) and all(_EXTRA_TOKENS in msg and "#pragma omp" not in msg
                                for _, _, msg in errors)  # fmt: skip


def _crash_in(library: str) -> re.Pattern[str]:
    """TSan's summary of a fatal signal whose site is in `library` (e.g. libomp.so)."""
    return re.compile(
        r"SUMMARY: ThreadSanitizer: (?:SEGV|BUS|FPE|ILL)\b[^\n]*" + re.escape(library)
    )


_ARCHER_CRASH = _crash_in("libarcher.so")
_RUNTIME_CRASH = _crash_in("libomp.so")


def runtime_crashed(stderr: str) -> bool:
    """True when a race process died in the OpenMP runtime's own code (TSan's summary
    names libomp.so). LLVM 14's libomp checks a new thread's stack against every other
    thread's while another thread may be growing (and freeing) that table: correct code
    whose teams start many threads at once (nested teams, a wide call) crashed there in
    8 of 3150 race checks. Such a crash is confirmed by running the process again
    (`race.py`); a candidate that breaks the runtime breaks it again."""
    return _RUNTIME_CRASH.search(stderr) is not None


def archer_crashed(stderr: str) -> bool:
    """True when a race process died in Archer's own code (TSan's summary names
    libarcher.so as the crash site): LLVM 14's Archer dereferences a null pointer when a
    `teams` region (`target teams ...` on the host, `#pragma omp teams`) forks, so correct
    code crashes in the race build only. The race check did not run: unchecked, never the
    candidate's crash (and never a pass)."""
    return _ARCHER_CRASH.search(stderr) is not None
