"""What a compiled candidate can start: the threading entry points its object references.

The source scan (`parallelism.py`) reads text, and text can hide what the compiler sees:
a directive built by the `_Pragma` operator from a macro argument (`_Pragma(#x)`),
libstdc++'s parallel mode behind a namespace alias, `thread t(...)` after `using
namespace std`, a raw string that holds `#if 0`. The object file cannot hide it: a
parallel region, a worksharing loop or a task compiles to calls into the OpenMP runtime
(`GOMP_*` from g++, `__kmpc_*` from clang), an `omp_*` call stays one, a thread is
`pthread_create` or `std::thread::_M_start_thread`. `simd` alone compiles to no call.
The race step runs when either the text or the object says the code may be concurrent.

`static_storage` lists the writable static storage an object defines (what two calls made
at once could share): read by section, not by `nm`'s letter. The letter missed a `static`
local of an inline function or a template in clang's objects (a weak object, `V`) and
counted storage no call writes: vtables, typeinfo and a table of pointers to constants
(`.data.rel.ro`, written only by the loader), and a `thread_local` (`.tbss`, one per
thread: right for two callers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parcodegen.tools.nm import nm_lines

THREAD_SYMBOL = re.compile(
    r"^(?:GOMP_\w+|GOACC_\w+|omp_\w+|__kmpc_\w+|pthread_create|thrd_create"
    r"|std::thread::_M_start_thread\b.*|std::__future_base::_Async_state\w*.*|tbb::.*)$"
)
TASK_SYMBOL = re.compile(r"^(?:GOMP_task\w*|__kmpc_omp_task\w*|__kmpc_taskloop\w*)$")


@dataclass(frozen=True)
class ObjectThreads:
    symbols: tuple[str, ...]  # threading entry points the object calls (sorted, short names)
    tasks: bool  # it creates explicit tasks (task, taskloop)
    # the writable static storage it defines (`static_storage`): what two callers share
    statics: tuple[str, ...] = ()

    @property
    def concurrent(self) -> bool:
        return bool(self.symbols)


def undefined_symbols(obj: Path) -> set[str]:
    """Demangled names of the symbols an object file uses but does not define."""
    names = set()
    for line in nm_lines(obj, "--undefined-only"):
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] in ("U", "w", "v"):
            names.add(parts[1].strip().split("@")[0])
    return names


def _short(symbol: str) -> str:
    return symbol.split("(")[0]


@lru_cache(maxsize=256)
def object_threads(obj: Path) -> ObjectThreads:
    """The threading entry points `obj` references (objects are cached by content, so a
    path names one object)."""
    used = undefined_symbols(obj)
    found = sorted({_short(s) for s in used if THREAD_SYMBOL.match(s)})
    return ObjectThreads(tuple(found), any(TASK_SYMBOL.match(s) for s in used), static_storage(obj))


# storage the compilers and runtimes add, not the candidate's state: named critical
# sections' locks, exception personality references
NOT_STATE = re.compile(r"^(?:\.gomp_critical_user_|DW\.ref\.|__tsan_|\.omp|\.L)")
# sections of storage a call can write (COMDAT ones too: `.bss._ZZ1fvE1t`, a static local
# of an inline function or a template); `*COM*`: a common symbol (C's `int g;`)
WRITABLE = re.compile(r"^(?:\.data|\.bss|\*COM\*$)")
# written by the loader only (vtables, typeinfo, `static const char* const names[]`)
RELRO = ".data.rel.ro"


def holds_two_callers(reference_obj: Path) -> bool:
    """Whether a candidate is held to two calls at once (difftest's two-callers variant,
    the race step's paired process): only when the reference itself defines no writable
    static storage (a user's kernel on global arrays is not reentrant and need not be)."""
    return not static_storage(reference_obj)


@lru_cache(maxsize=256)
def static_storage(obj: Path) -> tuple[str, ...]:
    """The writable static storage `obj` defines (globals, `static` locals, class statics;
    demangled, sorted): what two calls made at once could share. A `thread_local` is one
    per thread and is not listed; a `static const` initialized at run time (a magic
    static) is: its guard orders the initialization, and the callers' later reads of it
    race with nothing."""
    names = set()
    for line in nm_lines(obj, "--defined-only", "--format=sysv"):
        # name|value|class|type|size|line|section (a demangled name may hold a `|`)
        parts = [p.strip() for p in line.rsplit("|", 6)]
        if len(parts) != 7:
            continue
        name, kind, section = parts[0], parts[3], parts[6]
        if kind in ("FUNC", "TLS") or not WRITABLE.match(section) or section.startswith(RELRO):
            continue
        if name and not NOT_STATE.match(name):
            names.add(name)
    return tuple(sorted(names))
