"""Compile and link in the sandbox, with a content-addressed cache of objects and binaries.

`compile_object` returns a CompileOutput whose `message` is model-facing: the first
errors, paths stripped, long output cut with a note.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parcodegen.errors import InfraError
from parcodegen.paths import cache_dir
from parcodegen.sandbox.run import Limits, Workdir, jail_failed, run
from parcodegen.sandbox.trusted import UntrustedFile, is_verified, publish

GCC_FLAGS = ("-std=c++17", "-O3", "-fopenmp")
C_STD = "-std=c11"
C_SUFFIXES = (".c",)
C_COMPILERS = {"g++": "gcc", "clang++": "clang", "c++": "cc"}
TSAN_FLAGS = ("-std=c++17", "-O1", "-g", "-fopenmp", "-fsanitize=thread", "-fno-omit-frame-pointer")
COMPILE_LIMITS = Limits(wall_s=120, memory_mb=4096, file_mb=256, output_kb=256)
DIAG = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<kind>fatal error|error|warning|note): (?P<msg>.*)$"
)
MAX_ERRORS = 5
MAX_ARTIFACT_BYTES = 256 << 20  # an object or binary read back from a work directory
MAX_MESSAGE = 2500


@dataclass(frozen=True)
class CompileOutput:
    ok: bool
    path: Path | None  # object or binary in the cache
    message: str  # model-facing
    log: str  # full compiler output
    seconds: float
    cached: bool = False
    timed_out: bool = False


def language_of(source_name: str) -> str:
    """ "c" for a C source file (by its suffix), else "c++"."""
    return "c" if source_name.endswith(C_SUFFIXES) else "c++"


def for_language(
    language: str, flags: tuple[str, ...], compiler: str
) -> tuple[tuple[str, ...], str]:
    """The flags and compiler for a translation unit in `language`: C is compiled with
    the C driver of the same toolchain (g++ -> gcc, clang++ -> clang) as C11, with the same
    optimization and OpenMP flags; C++-only flags are dropped."""
    if language != "c":
        return flags, compiler
    c_flags = tuple(
        C_STD if f.startswith("-std=") else f
        for f in flags
        if not f.startswith(("-fno-rtti", "-fno-exceptions", "-D_GLIBCXX"))
    )
    if C_STD not in c_flags:
        c_flags = (C_STD, *c_flags)
    return c_flags, c_driver(compiler)


def c_driver(compiler: str) -> str:
    """The C driver next to a C++ one: g++ -> gcc, clang++-14 -> clang-14, and a path
    keeps its directory (/usr/lib/llvm-14/bin/clang++ -> /usr/lib/llvm-14/bin/clang, as the
    race step's toolchain names it)."""
    head, _, name = compiler.rpartition("/")
    m = re.fullmatch(r"(.*?)(g\+\+|clang\+\+|c\+\+)(-[\d.]+)?", name)
    if m is None:
        return compiler
    c = m.group(1) + C_COMPILERS[m.group(2)] + (m.group(3) or "")
    return f"{head}/{c}" if head else c


def link_flags(flags: tuple[str, ...]) -> tuple[str, ...]:
    """The compile flags a link also needs (-fopenmp, -fsanitize=..., ...)."""
    return tuple(f for f in flags if f.startswith("-f"))


@lru_cache(maxsize=8)
def compiler_id(compiler: str) -> str:
    exe = shutil.which(compiler)
    if exe is None:
        raise InfraError(f"compiler '{compiler}' not found on PATH")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout
    return out.splitlines()[0] if out else compiler


def _key(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def summarize_diagnostics(text: str, source_name: str = "candidate.cpp") -> str:
    """First errors with their context lines; paths reduced to the file's base name."""
    text = re.sub(r"(/[^\s:]+/)([^/\s:]+\.(?:cpp|cc|c|h|hpp))", r"\2", text)
    lines = text.splitlines()
    blocks: list[list[str]] = []
    for ln in lines:
        m = DIAG.match(ln)
        if m and m.group("kind") in ("error", "fatal error"):
            blocks.append([ln])
        elif (
            blocks and not m and (ln.startswith(" ") or ln.startswith("\t")) and len(blocks[-1]) < 4
        ):
            blocks[-1].append(ln)
    if not blocks:
        kept = [ln for ln in lines if ln.strip()][:15]
        body = "\n".join(kept)
    else:
        body = "\n".join("\n".join(b) for b in blocks[:MAX_ERRORS])
        if len(blocks) > MAX_ERRORS:
            body += f"\n({len(blocks) - MAX_ERRORS} more errors cut)"
    if len(body) > MAX_MESSAGE:
        body = body[:MAX_MESSAGE] + "\n(output cut)"
    return body


def _publish(wd: Workdir, name: str, dest: Path) -> bool:
    """Copy the tool's output `name` into the cache (with its content hash); False when it
    is not a plain file of bounded size (never followed: the work dir is the sandbox's)."""
    try:
        data = wd.read(name, MAX_ARTIFACT_BYTES)
    except UntrustedFile:
        return False
    publish(data, dest, 0o755)
    return True


def compile_object(
    code: str,
    *,
    headers: dict[str, bytes],
    flags: tuple[str, ...] = GCC_FLAGS,
    compiler: str = "g++",
    source_name: str = "candidate.cpp",
    ir: bool = False,
) -> CompileOutput:
    """Compile one translation unit to an object file (cached by content and flags), or
    with `ir` to LLVM's textual IR (clang only).

    A `.c` source name compiles as C (see `for_language`)."""
    flags, compiler = for_language(language_of(source_name), flags, compiler)
    ident = compiler_id(compiler)
    key = _key(ident, " ".join(flags), code, *[n + "\0" for n in sorted(headers)],
               *[headers[n] for n in sorted(headers)], *(("ir",) if ir else ()))  # fmt: skip
    obj = cache_dir("objects") / (f"{key}.ll" if ir else f"{key}.o")
    if is_verified(obj):
        return CompileOutput(True, obj, "compiled", "(cached)", 0.0, cached=True)
    start = time.monotonic()
    with Workdir("cc") as wd:
        for name, data in headers.items():
            wd.add(name, data)
        wd.add(source_name, code)
        stage = ("-S", "-emit-llvm") if ir else ("-c",)
        argv = [compiler, *flags, "-I.", *stage, source_name, "-o", "out.o"]
        res = run(argv, wd, COMPILE_LIMITS)
        seconds = time.monotonic() - start
        log = res.stderr + ("\n(compiler output cut)" if res.stderr_truncated else "")
        if jail_failed(res):
            raise InfraError(f"sandbox failed to start the compiler: {res.notes}")
        if res.timed_out:
            return CompileOutput(False, None, "compilation timed out", log, seconds, timed_out=True)
        if res.returncode != 0 or not _publish(wd, "out.o", obj):
            msg = summarize_diagnostics(log, source_name) or res.describe()
            return CompileOutput(False, None, msg, log, seconds)
    return CompileOutput(True, obj, "compiled", log, seconds)


def link_binary(
    objects: list[Path],
    *,
    flags: tuple[str, ...] = ("-fopenmp",),
    compiler: str = "g++",
    ldflags: tuple[str, ...] = (),
) -> CompileOutput:
    """Link objects into an executable (cached by the objects' names, which are hashes)."""
    key = _key(compiler_id(compiler), " ".join(flags + ldflags), *[o.name for o in objects])
    binary = cache_dir("bin") / f"{key}.exe"
    if is_verified(binary):
        return CompileOutput(True, binary, "linked", "(cached)", 0.0, cached=True)
    start = time.monotonic()
    with Workdir("ld") as wd:
        names = []
        for i, o in enumerate(objects):
            wd.add(f"o{i}.o", Path(o))
            names.append(f"o{i}.o")
        res = run([compiler, *flags, *names, "-o", "a.out", *ldflags], wd, COMPILE_LIMITS)
        seconds = time.monotonic() - start
        if jail_failed(res):
            raise InfraError(f"sandbox failed to start the linker: {res.notes}")
        if res.returncode != 0 or not _publish(wd, "a.out", binary):
            msg = summarize_diagnostics(res.stderr) or res.describe()
            return CompileOutput(False, None, msg, res.stderr, seconds)
    return CompileOutput(True, binary, "linked", res.stderr, seconds)
