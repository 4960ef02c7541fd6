"""Memory intrinsics the traced probe build would not see, made calls the conflict runtime sees.

clang turns an aggregate copy (`a[i] = b[j]` of a struct), a zero-fill of a struct and a
loop the optimizer recognises as a copy or fill into `llvm.memcpy`, `llvm.memmove` and
`llvm.memset` calls in the IR. When the size is a small constant, the backend expands
them into plain moves *after* `-fsanitize-coverage=trace-loads,trace-stores` ran, so the
traced build saw none of those accesses: a race between two threads' struct copies at
large n passed the conflict probe. Here the candidate's IR (with the coverage already in
it) has those calls sent to `pcg_traced_memcpy` / `pcg_traced_memmove` /
`pcg_traced_memset` (data/harness/pcg_conflicts.cpp), which record the accesses and do the
copy. Calls with a 32-bit length, in another address space or of `memcpy.inline` are
left alone (untraced, as before).
"""

from __future__ import annotations

import re

# name (typed pointers, LLVM <= 14, or opaque ones) -> the runtime's function
_INTRINSIC = re.compile(r"@llvm\.(memcpy|memmove|memset)\.(p0i8\.p0i8|p0\.p0|p0i8|p0)\.i64\(")
_DECLARATIONS = {
    ("memcpy", False): "declare void @pcg_traced_memcpy(i8*, i8*, i64, i1)",
    ("memmove", False): "declare void @pcg_traced_memmove(i8*, i8*, i64, i1)",
    ("memset", False): "declare void @pcg_traced_memset(i8*, i8, i64, i1)",
    ("memcpy", True): "declare void @pcg_traced_memcpy(ptr, ptr, i64, i1)",
    ("memmove", True): "declare void @pcg_traced_memmove(ptr, ptr, i64, i1)",
    ("memset", True): "declare void @pcg_traced_memset(ptr, i8, i64, i1)",
}


def route_memory_intrinsics(ir: str) -> str:
    """`ir` with every call of a 64-bit-length memcpy/memmove/memset intrinsic made a call
    of the conflict runtime's traced function of the same arguments, and their
    declarations added."""
    used: set[tuple[str, bool]] = set()

    def call(m: re.Match[str]) -> str:
        used.add((m.group(1), "i8" not in m.group(2)))
        return f"@pcg_traced_{m.group(1)}("

    lines = ir.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("declare ") and "@llvm.mem" in line:
            lines[i] = _INTRINSIC.sub(call, line)
    return "\n".join([*lines, *(_DECLARATIONS[u] for u in sorted(used)), ""])
