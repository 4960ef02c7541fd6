"""Run a problem's reference under AddressSanitizer and UndefinedBehaviorSanitizer.

`check_problem(problem)` builds the reference and the harness with
`-fsanitize=address,undefined -D_GLIBCXX_ASSERTIONS -DPCG_GUARD` and runs it on every
test size, pattern and explicit input. Under PCG_GUARD each pointer argument lives in its
own mapping with inaccessible pages on both sides (an access outside it faults however
far it lands), and `std::vector` indexing is bounds-checked. A finding names the argument,
the reference's line and index expression, and the input: it is the problem's fault
(a wrong extent, range or relation in problem.toml, or a wrong reference), said before
any model is called. Results are cached by the binary's content and the inputs, so the
check costs nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from parcodegen.errors import ProblemError
from parcodegen.paths import cache_dir
from parcodegen.tools.build import problem_headers, run_harness
from parcodegen.tools.build import code_extra_flags, harness_extra_flags
from parcodegen.tools.compile import compile_object, link_binary, link_flags
from parcodegen.tools.difftest import Case, problem_cases
from parcodegen.tools.harness import harness_source
from parcodegen.types import Problem

SANITIZE_FLAGS = (
    "-std=c++17", "-O1", "-g", "-fopenmp", "-fno-omit-frame-pointer",
    "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-D_GLIBCXX_ASSERTIONS",
    "-DPCG_GUARD",
)  # fmt: skip
SANITIZE_ENV: dict[str, str | None] = {
    "ASAN_OPTIONS": "detect_leaks=0:handle_abort=1:handle_segv=1:allocator_may_return_null=1"
    ":detect_stack_use_after_return=0",
    "UBSAN_OPTIONS": "print_stacktrace=1",
}
CHECK_WALL_S = 300.0
CHECK_VERSION = "2"  # part of the cache key: bump when the diagnosis changes
BUFFER = re.compile(r"^pcg-buffer (\S+) (0x[0-9a-fA-F]+|\(nil\)) (\d+)$", re.MULTILINE)
ASAN = re.compile(
    r"ERROR: AddressSanitizer: ([\w-]+)(?: on (?:unknown )?address (0x[0-9a-fA-F]+))?"
)
ACCESS = re.compile(r"\b(READ|WRITE) (?:of size (\d+)|memory access)")
FRAME = re.compile(r"#\d+ 0x[0-9a-f]+ in (?P<func>.+?) (?P<file>[^\s:]+):(?P<line>\d+)")
UBSAN = re.compile(r"(?P<file>[^\s:]+):(?P<line>\d+):\d+: runtime error: (?P<msg>.*)")
ASSERT = re.compile(r"Assertion '([^']*)' failed")


@dataclass(frozen=True)
class Finding:
    kind: str  # "out_of_bounds", "undefined", "crash", "timeout"
    message: str  # one paragraph naming the argument, the line and the input
    argument: str | None = None
    line: int | None = None
    expression: str | None = None


@dataclass(frozen=True)
class ProblemCheck:
    ok: bool
    runs: int
    seconds: float
    findings: tuple[Finding, ...] = ()
    cached: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def message(self) -> str:
        if self.ok:
            return f"the reference ran clean under AddressSanitizer and UBSan on {self.runs} inputs"
        return self.findings[0].message


def _subscripts(line: str, name: str) -> list[str]:
    """`name[...]` (with nested brackets) and `*(name + ...)` on one source line."""
    out = []
    for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\s*\[", line):
        depth, j = 0, m.end() - 1
        while j < len(line):
            if line[j] == "[":
                depth += 1
            elif line[j] == "]":
                depth -= 1
                if depth == 0 and not line[j + 1 :].lstrip().startswith("["):
                    out.append(line[m.start() : j + 1])
                    break
            j += 1
    for m in re.finditer(rf"\*\s*\(\s*{re.escape(name)}\s*\+[^;]*?\)", line):
        out.append(m.group(0))
    return out


def _reference_frame(stderr: str, problem: Problem) -> tuple[int, str] | None:
    for m in FRAME.finditer(stderr):
        if Path(m.group("file")).name == Path(problem.source_file).name:
            ln = int(m.group("line"))
            lines = problem.reference_code.splitlines()
            return ln, lines[ln - 1].strip() if 0 < ln <= len(lines) else ""
    return None


def _array_args(problem: Problem) -> list[str]:
    from parcodegen.cxxtypes import classify

    structs = {s.name: s for s in problem.structs}
    return [a.name for a in problem.args if not a.hook and classify(a.ctype, structs).is_array]


def _size_of(problem: Problem, name: str) -> str:
    arg = next((a for a in problem.args if a.name == name), None)
    return f' (size = "{arg.size}")' if arg is not None and arg.size else ""


def diagnose(problem: Problem, stderr: str, case: Case) -> Finding:
    """Read a sanitizer report into a Finding that names the argument and the line."""
    where = f"n={case.n}, pattern={case.pattern}, seed={case.seed}"
    frame = _reference_frame(stderr, problem)
    shown = frame[1] if frame and len(frame[1]) <= 100 else (frame[1][:97] + "..." if frame else "")
    at = f"{problem.source_file}:{frame[0]} `{shown}`" if frame else "the reference"
    buffers = [(m.group(1), int(m.group(2), 16) if m.group(2) != "(nil)" else 0, int(m.group(3)))
               for m in BUFFER.finditer(stderr)]  # fmt: skip
    ub = UBSAN.search(stderr)
    asan = ASAN.search(stderr)
    if ub and not asan:
        line = int(ub.group("line"))
        text = (
            problem.reference_code.splitlines()[line - 1]
            if 0 < line <= len(problem.reference_code.splitlines())
            else ""
        )
        exprs = [e for a in _array_args(problem) for e in _subscripts(text, a)]
        on = f" in `{'`, `'.join(dict.fromkeys(exprs))}`" if exprs else ""
        return Finding("undefined", f"undefined behaviour in the reference at {Path(ub.group('file')).name}:"
                       f"{line}{on}: {ub.group('msg')} (input {where})", line=line)  # fmt: skip
    assertion = ASSERT.search(stderr)
    candidates = _array_args(problem)
    if asan and asan.group(2):
        addr = int(asan.group(2), 16)
        hit = None
        for bname, lo, size in buffers:
            if lo <= addr < lo + size:
                hit = (bname, 0, size)
            elif addr >= lo + size and addr - (lo + size) < (1 << 30):
                dist = addr - (lo + size)
                if hit is None or dist < abs(hit[1]):
                    hit = (bname, dist, size)
            elif addr < lo and lo - addr < (1 << 30):
                dist = addr - lo  # negative: before the start
                if hit is None or -dist < abs(hit[1]):
                    hit = (bname, dist, size)
        if hit is not None:
            name, dist, size = hit
            if frame:
                exprs = _subscripts(frame[1], name)
            else:
                exprs = []
            acc = ACCESS.search(stderr)
            verb = "writes" if acc and acc.group(1) == "WRITE" else "reads"
            side = (
                f"{dist} bytes past the end of"
                if dist >= 0
                else f"{-dist} bytes before the start of"
            )
            shown_expr = f" `{exprs[0]}`" if exprs else ""
            msg = (f"the reference {verb}{shown_expr} {side} '{name}' ({size} bytes){_size_of(problem, name)} "
                   f"at {at} (input {where}): the argument's extent in problem.toml is too "
                   "small, or the reference is wrong")  # fmt: skip
            return Finding("out_of_bounds", msg, name, frame[0] if frame else None,
                           exprs[0] if exprs else None)  # fmt: skip
    if assertion or asan:
        which: str | None = None
        expr: str | None = None
        if frame:
            for cand in candidates:
                found = _subscripts(frame[1], cand)
                if found:
                    which, expr = cand, "`, `".join(dict.fromkeys(found))
                    break
        what = f"'{which}'" if which else "an argument"
        detail = f" `{expr}`" if expr else ""
        kind = assertion.group(1) if assertion else (asan.group(1) if asan else "")
        msg = (f"the reference indexes{detail} outside {what}{_size_of(problem, which) if which else ''} "
               f"at {at} (input {where}; {kind}): the argument's extent in problem.toml is too "
               "small, or the reference is wrong")  # fmt: skip
        return Finding("out_of_bounds", msg, which, frame[0] if frame else None, expr)
    tail = "\n".join(stderr.strip().splitlines()[-6:])
    return Finding(
        "crash", f"the reference crashed under the sanitizers at {at} (input {where}):\n{tail}"
    )


def _cache_path(key: str) -> Path:
    return cache_dir("problem-checks") / f"{key}.json"


def check_problem(problem: Problem, *, sizes: tuple[int, ...] | None = None) -> ProblemCheck:
    """Build the reference with the sanitizers and run it on every test input."""
    start = time.monotonic()
    headers = problem_headers(problem)
    code_flags, harness_flags = code_extra_flags(problem), harness_extra_flags(problem)
    ref = compile_object(problem.reference_code, headers=headers, flags=SANITIZE_FLAGS + code_flags,
                         source_name=problem.source_file)  # fmt: skip
    if not ref.ok:
        raise ProblemError(problem.source_file, f"the reference does not compile:\n{ref.message}")
    harness = compile_object(harness_source(problem), headers=headers,
                             flags=SANITIZE_FLAGS + harness_flags, source_name="harness.cpp")  # fmt: skip
    if not harness.ok:
        raise ProblemError(
            "problem.toml: args",
            "the harness generated from the declared arguments does not compile "
            f"(do the declared types match the function's signature?):\n{harness.message}",
        )
    assert ref.path is not None and harness.path is not None
    linked = link_binary(
        [harness.path, ref.path], flags=link_flags(SANITIZE_FLAGS), ldflags=problem.ldflags
    )
    if not linked.ok or linked.path is None:
        raise ProblemError(
            problem.source_file, f"the reference does not link with the harness:\n{linked.message}"
        )
    all_cases = problem_cases(problem)
    if sizes is not None:
        all_cases = [c for c in all_cases if c.n in sizes]
    key = hashlib.sha256(f"{CHECK_VERSION} {linked.path.stem} {all_cases!r}".encode()).hexdigest()[
        :24
    ]
    path = _cache_path(key)
    if path.exists():
        saved = json.loads(path.read_text())
        stored = tuple(Finding(**f) for f in saved["findings"])
        return ProblemCheck(not stored, saved["runs"], 0.0, stored, cached=True)
    runs = 0
    findings: list[Finding] = []
    for case in all_cases:
        run = run_harness(linked.path, seed=case.seed, n=case.n, pattern=case.pattern, threads=1,
                          wall_s=CHECK_WALL_S, memory_mb=None, env=SANITIZE_ENV)  # fmt: skip
        runs += 1
        if run.result.timed_out:
            findings.append(Finding("timeout", f"the reference did not finish within {CHECK_WALL_S:.0f}s "
                                    f"under the sanitizers (n={case.n}, pattern={case.pattern})"))  # fmt: skip
            break
        if run.result.returncode == 96:  # an explicit input that does not fit its argument
            findings.append(
                Finding(
                    "edge", f"explicit input {case.pattern}: {run.result.stderr.strip()[-300:]}"
                )
            )
            break
        if not run.ok:
            findings.append(diagnose(problem, run.result.stderr, case))
            break
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"runs": runs, "findings": [f.__dict__ for f in findings]}))
    tmp.replace(path)
    return ProblemCheck(not findings, runs, time.monotonic() - start, tuple(findings))


def require_sound_reference(problem: Problem) -> ProblemCheck:
    """`check_problem`, raising ProblemError (the problem's fault, exit 2) on a finding."""
    result = check_problem(problem)
    if not result.ok:
        raise ProblemError(f"{problem.id}", result.message)
    return result
