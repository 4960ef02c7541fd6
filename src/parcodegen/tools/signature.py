"""Does the candidate's function have the declared C++ type, return type included?

Demangled symbols carry no return type (and `extern "C"` symbols no parameters), so the
symbol comparison in `interface.py` cannot see `double f(const float*, int)` replacing
`float f(const float*, int)`. The harness calls the function through the problem's
declared signature, so such a candidate would be called through the wrong type.

This check compiles (`-fsyntax-only`, same flags and headers as the candidate's compile,
in the sandbox) the candidate followed by

    R pcg_expected_signature(A...);
    [[maybe_unused]] static decltype(&pcg_expected_signature) const pcg_signature_check = &::f;

Overload resolution picks the `f` with parameters A...; a different return type (or, for
an `extern "C"` function, different parameters) is a compile error on the last line.
Only an error on that line counts as a mismatch: any other error (a candidate that cannot
be combined with the prelude, a macro the check cannot undo) makes the check
inconclusive, never a false mismatch. Macros the candidate `#define`s with a name used in
the signature are `#undef`ined first, so `#define int long long` cannot rewrite the check.

The prelude is only the standard headers declaring the standard names the signature uses
(<vector>, <cstddef>, <cstdint>, ...): `std::int64_t` must resolve even if the candidate
wrote `long`; a scalar signature gets none, so its check costs a parse of the candidate.
The problem's hooks header is not added: a candidate using hook types includes it
already, one defining them itself would clash with it, and a header declaring
`extern "C" f` would turn a wrong return type into an error on the candidate's line.
The compiler's output is cached on disk by content, like objects; reading it is cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass

from parcodegen.errors import InfraError
from parcodegen.paths import cache_dir
from parcodegen.sandbox.run import Workdir, jail_failed, run
from parcodegen.tools.compile import COMPILE_LIMITS, compiler_id, for_language
from parcodegen.types import Problem

CHECK_FILE = "pcg_signature_check"
# standard headers for the standard names a signature may use (the candidate may spell
# the same type differently, e.g. `long` for `std::int64_t`, without including them)
PRELUDE = (
    (re.compile(r"\bvector\b"), "<vector>"),
    (re.compile(r"\b(?:size_t|ptrdiff_t|nullptr_t|max_align_t|byte)\b"), "<cstddef>"),
    (re.compile(r"\bu?int(?:_fast|_least)?(?:8|16|32|64|ptr|max)_t\b"), "<cstdint>"),
    (re.compile(r"\bcomplex\b"), "<complex>"),
    (re.compile(r"\bstring\b"), "<string>"),
    (re.compile(r"\barray\b"), "<array>"),
)
IDENT = re.compile(r"[A-Za-z_]\w*")
DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
ERROR = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?:fatal error|error): (?P<msg>.*)$", re.MULTILINE
)
INVALID_CONVERSION = re.compile(
    r"invalid conversion from '([^']*)'(?: \{aka '[^']*'\})? to '([^']*)'"
)
NO_MATCH = re.compile(r"no matches converting function '[^']*' to type '([^']*)'")
CANDIDATE_NOTE = re.compile(r"note: +(?:candidates? (?:is|are): +)?'([^']*)'")
# clang++ names the two return types itself (expected first)
CLANG_RETURN = re.compile(r"different return type \('([^']*)' (?:expected but has|vs) '([^']*)'\)")


@dataclass(frozen=True)
class SignatureCheck:
    verdict: str  # "match", "mismatch" or "inconclusive"
    message: str  # model-facing for a mismatch; the reason for "inconclusive"
    log: str  # the compiler's output
    seconds: float
    cached: bool = False


def expected_params(problem: Problem) -> str:
    return ", ".join(a.ctype for a in problem.args)


def check_source(problem: Problem, code: str) -> tuple[str, int, int]:
    """(source, line of the expected declaration, line of the check) in CHECK_FILE.

    C has no `decltype`: there the check is the reference's own prototype repeated after
    the candidate, which is an error ("conflicting types") exactly when the types differ."""
    if problem.language == "c":
        source = "\n".join(['#line 1 "candidate.c"', code.rstrip("\n"), "",
                            f'#line 1 "{CHECK_FILE}"', f"{problem.declaration};"]) + "\n"  # fmt: skip
        return source, 0, 1
    types = " ".join([problem.returns, problem.function, *(a.ctype for a in problem.args)])
    defined = set(DEFINE.findall(code))
    undef = sorted(set(IDENT.findall(types)) & defined)
    head = [f"#include {h}" for pattern, h in PRELUDE if pattern.search(types)]
    tail = [f"#undef {name}" for name in undef]
    tail.append(f"{problem.returns} pcg_expected_signature({expected_params(problem)});")
    tail.append("[[maybe_unused]] static decltype(&pcg_expected_signature) const pcg_signature_check = "
                f"&::{problem.function};")  # fmt: skip
    # the empty line keeps a trailing backslash in the candidate from swallowing `#line`
    source = "\n".join([*head, '#line 1 "candidate.cpp"', code.rstrip("\n"), "",
                        f'#line 1 "{CHECK_FILE}"', *tail]) + "\n"  # fmt: skip
    return source, len(tail) - 1, len(tail)


def _plain(text: str) -> str:
    """g++ sometimes writes `const class std::vector<double>&`: drop the class-key."""
    return re.sub(r"\b(?:class|struct|union|enum) ", "", text).strip()


def _split_pointer_type(text: str) -> tuple[str, str] | None:
    """'double (* const)(const float*, int) noexcept' -> ('double', 'const float*, int')."""
    m = re.match(r"^(.*?) ?\(\*(?: const)?\)\((.*)\)(?: noexcept)?$", _plain(text))
    return (m.group(1).strip(), m.group(2).strip()) if m else None


def _split_declaration(text: str, function: str) -> tuple[str, str] | None:
    """'double f(const float*, int)' -> ('double', 'const float*, int')."""
    m = re.match(rf"^(.*?) ?(?:\w+::)*{re.escape(function)}\((.*)\)(?: noexcept)?$", _plain(text))
    return (m.group(1).strip(), m.group(2).strip()) if m else None


def describe_mismatch(problem: Problem, errors: str) -> str:
    """A model-facing sentence from the error on the check line (g++ or clang++)."""
    f = problem.function
    if m := CLANG_RETURN.search(errors):
        return f"`{f}` returns `{m.group(2)}`, the original returns `{problem.returns}`"
    expected = None
    found: list[tuple[str, str]] = []
    if m := INVALID_CONVERSION.search(errors):
        expected = _split_pointer_type(m.group(2))
        if (got := _split_pointer_type(m.group(1))) is not None:
            found.append(got)
    elif m := NO_MATCH.search(errors):
        expected = _split_pointer_type(m.group(1))
        found = [d for d in (_split_declaration(t, f) for t in CANDIDATE_NOTE.findall(errors)) if d]
    if expected is not None:
        for ret, params in found:
            if params == expected[1] and ret != expected[0]:
                return f"`{f}` returns `{ret}`, the original returns `{problem.returns}`"
        if len(found) == 1:
            ret, params = found[0]
            return f"`{f}` is `{ret} {f}({params})`, the original is `{problem.signature}`"
    original = problem.declaration if problem.language == "c" else problem.signature
    return f"`{f}` does not have the original's type `{original}`"


def _classify(problem: Problem, log: str, decl_line: int, check_line: int) -> tuple[str, str]:
    text = log.replace("\u2018", "'").replace("\u2019", "'")
    errors = [(m.group("file"), int(m.group("line"))) for m in ERROR.finditer(text)]
    if not errors:
        return "inconclusive", "the check failed without a compiler error"
    if all(name == CHECK_FILE and line == check_line for name, line in errors):
        return "mismatch", describe_mismatch(problem, text)
    if any(name == CHECK_FILE and line == decl_line for name, line in errors):
        return "inconclusive", "the declared signature does not compile after the candidate"
    return "inconclusive", "the candidate does not compile with the check's prelude"


def _key(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def _compile(source: str, headers: dict[str, bytes], flags: tuple[str, ...], compiler: str,
             check_name: str = "check.cpp"):  # fmt: skip
    """(exit status, compiler output, seconds, cached) of `-fsyntax-only`; None on a timeout."""
    key = _key(compiler_id(compiler), " ".join(flags), check_name, source,
               *[n + "\0" + hashlib.sha256(headers[n]).hexdigest() for n in sorted(headers)])  # fmt: skip
    path = cache_dir("signatures") / f"{key}.json"
    if path.exists():
        saved = json.loads(path.read_text())
        return saved["returncode"], saved["log"], 0.0, True
    start = time.monotonic()
    with Workdir("sig") as wd:
        for name, data in headers.items():
            wd.add(name, data)
        wd.add(check_name, source)
        res = run([compiler, *flags, "-I.", "-fsyntax-only", check_name], wd, COMPILE_LIMITS)
    seconds = time.monotonic() - start
    if jail_failed(res):
        raise InfraError(f"sandbox failed to start the compiler: {res.notes}")
    if res.timed_out:  # not cached: the machine may just have been busy
        return None, res.stderr, seconds, False
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps({"returncode": res.returncode, "log": res.stderr}))
    os.replace(tmp, path)
    return res.returncode, res.stderr, seconds, False


def check_signature(
    problem: Problem, code: str, *, headers: dict[str, bytes], flags: tuple[str, ...], compiler: str
) -> SignatureCheck:
    """Compile `code` plus the signature check (cached by content) and read the outcome."""
    if problem.language == "c" and not problem.declaration:
        return SignatureCheck("inconclusive", "no prototype of the reference to compare", "", 0.0)
    source, decl_line, check_line = check_source(problem, code)
    name = "check.c" if problem.language == "c" else "check.cpp"
    flags, compiler = for_language(problem.language, flags, compiler)
    returncode, log, seconds, cached = _compile(source, headers, flags, compiler, name)
    if returncode is None:
        verdict, message = "inconclusive", "the check timed out"
    elif returncode == 0:
        verdict, message = "match", "the function has the declared type"
    else:
        verdict, message = _classify(problem, log, decl_line, check_line)
    return SignatureCheck(verdict, message, log, seconds, cached)
