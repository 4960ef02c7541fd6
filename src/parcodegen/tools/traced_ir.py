"""The traced probe build's IR: what the conflict runtime would not see, made calls it sees.

Memory intrinsics (`route_memory_intrinsics`): clang turns an aggregate copy (`a[i] =
b[j]` of a struct), a zero-fill of a struct and a loop the optimizer recognises as a copy
or fill into `llvm.memcpy`, `llvm.memmove` and `llvm.memset` calls in the IR. When the
size is a small constant, the backend expands them into plain moves *after*
`-fsanitize-coverage=trace-loads,trace-stores` ran, so the traced build saw none of those
accesses: a race between two threads' struct copies at large n passed the conflict probe.
Here the candidate's IR (with the coverage already in it) has those calls sent to
`pcg_traced_memcpy` / `pcg_traced_memmove` / `pcg_traced_memset`
(data/harness/pcg_conflicts.cpp), which record the accesses and do the copy. The
`.inline` variants (`__builtin_memcpy_inline`) and 32-bit lengths go the same way (the
runtime's `*32` functions take the shorter length); calls in another address space than 0
(none on a CPU) are left alone.

Atomics (`mark_atomics`): the coverage traces an atomic load or store like a plain one,
and a read-modify-write or compare-exchange not at all; the runtime needs to know both
(two atomic accesses do not race, an atomic and a plain one do). The coverage's hook just
before an atomic load or store is renamed `pcg_traced_atomic_load<N>` /
`pcg_traced_atomic_store<N>`, and every `atomicrmw` and `cmpxchg` is preceded by a call
of `pcg_traced_atomic_update` with its address and size.

Task blocks (`mark_task_entries`): every explicit task's entry tells the runtime where its
block is, so that what the shadow knew of a finished task's block, which libomp gives to
the next, is forgotten.
"""

from __future__ import annotations

import re

# name (typed pointers, LLVM <= 14, or opaque ones; a length of 32 or 64 bits) -> the
# runtime's function
_INTRINSIC = re.compile(
    r"@llvm\.(memcpy|memmove|memset)(?:\.inline)?\.(p0i8\.p0i8|p0\.p0|p0i8|p0)\.(i32|i64)\("
)


def _declaration(op: str, opaque: bool, length: str) -> str:
    p = "ptr" if opaque else "i8*"
    source = "i8" if op == "memset" else p
    return f"declare void @{_name(op, length)}({p}, {source}, {length}, i1)"


def _name(op: str, length: str) -> str:
    return f"pcg_traced_{op}{'32' if length == 'i32' else ''}"


def route_memory_intrinsics(ir: str) -> str:
    """`ir` with every call of a memcpy/memmove/memset intrinsic (address space 0) made a
    call of the conflict runtime's traced function of the same arguments, and their
    declarations added."""
    used: set[tuple[str, bool, str]] = set()

    def call(m: re.Match[str]) -> str:
        used.add((m.group(1), "i8" not in m.group(2), m.group(3)))
        return f"@{_name(m.group(1), m.group(3))}("

    lines = ir.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("declare ") and "@llvm.mem" in line:
            lines[i] = _INTRINSIC.sub(call, line)
    return "\n".join([*lines, *(_declaration(*u) for u in sorted(used)), ""])


# an explicit task's entry (clang's outlined `.omp_task_entry.`): its second parameter is
# the task's block, of the type that holds the task and its private copies
_TASK_ENTRY = re.compile(
    r"^define internal .*@\.omp_task_entry\.[\w.]*\(i32 [^,]*, "
    r"(?:(%struct\.kmp_task_t_with_privates[\w.]*)\*|ptr) [^%]*(%[\w.]+)\)"
)
_TASK_TYPE = re.compile(r"%struct\.kmp_task_t_with_privates[\w.]*")


def mark_task_entries(ir: str) -> str:
    """`ir` with every explicit task's entry first calling the conflict runtime's
    `pcg_task_block` with the task's block and its size: libomp gives a finished task's
    block to a new one (a taskloop makes its tasks' blocks inside the runtime, unseen), and
    what the shadow knew of the old task's private copies is forgotten there. Entries whose
    block type is not found (opaque pointers and no use of the type) are left alone."""
    lines = ir.splitlines()
    opaque = False
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        m = _TASK_ENTRY.match(line)
        if m is None or not line.rstrip().endswith("{"):
            continue
        typ, param = m.group(1), m.group(2)
        if typ is None:  # opaque pointers: the type from the body's first use of it
            body = next(
                (t for t in lines[i + 1 :] if t.startswith("}") or _TASK_TYPE.search(t)), ""
            )
            found = _TASK_TYPE.search(body)
            if found is None:
                continue
            typ, opaque = found.group(0), True
            size = f"i64 ptrtoint (ptr getelementptr ({typ}, ptr null, i32 1) to i64)"
            out.append(f"  call void @pcg_task_block(ptr {param}, {size})")
        else:
            size = f"i64 ptrtoint ({typ}* getelementptr ({typ}, {typ}* null, i32 1) to i64)"
            out.append(f"  %pcg.task.block = bitcast {typ}* {param} to i8*")
            out.append(f"  call void @pcg_task_block(i8* %pcg.task.block, {size})")
    if len(out) == len(lines):
        return ir
    out.append(f"declare void @pcg_task_block({'ptr' if opaque else 'i8*'}, i64)")
    return "\n".join([*out, ""])


_HOOK = re.compile(r"^(\s*call void @)__sanitizer_cov_(load|store)(\d+)\(")
_ATOMIC_ACCESS = re.compile(r"^\s*(?:%[\w.]+ = )?(load|store) atomic ")
# an update's pointer operand follows its keyword and flags (and an atomicrmw's operation)
_UPDATE = re.compile(
    r"^\s*(?:%[\w.]+ = )?(?:atomicrmw(?: volatile)? \w+|cmpxchg(?: weak)?(?: volatile)?) "
)
_BYTES = {"i8": 1, "i16": 2, "i32": 4, "i64": 8, "i128": 16, "float": 4, "double": 8, "ptr": 8}


def _operand(text: str) -> str:
    """The first operand of `text`: up to its first comma outside brackets."""
    depth = 0
    for i, c in enumerate(text):
        if c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
        elif c == "," and depth == 0:
            return text[:i]
    return text


def _update_call(line: str, m: re.Match[str], k: int) -> list[str]:
    """The call that tells the runtime about the update on `line` (none for another
    address space or a type of no known size)."""
    pointer = _operand(line[m.end() :]).strip()
    typ, _, value = pointer.partition(" ")
    if "addrspace" in pointer or not value:
        return []
    if typ == "ptr":  # opaque: the size from the next operand's type
        rest = line[m.end() + len(_operand(line[m.end() :])) + 1 :].strip()
        size = _BYTES.get("ptr" if rest.split(" ")[0].endswith("*") else rest.split(" ")[0])
        return [] if size is None else [
            f"  call void @pcg_traced_atomic_update(ptr {value}, i64 {size})"]  # fmt: skip
    pointee = typ[:-1] if typ.endswith("*") else ""
    size = 8 if pointee.endswith("*") else _BYTES.get(pointee)
    if size is None:
        return []
    return [f"  %pcg.atomic.{k} = bitcast {typ} {value} to i8*",
            f"  call void @pcg_traced_atomic_update(i8* %pcg.atomic.{k}, i64 {size})"]  # fmt: skip


def mark_atomics(ir: str) -> str:
    """`ir` with the coverage's hook before each atomic load and store renamed to the
    runtime's atomic one, and each atomicrmw and cmpxchg preceded by a call of
    `pcg_traced_atomic_update`; their declarations added."""
    lines = ir.splitlines()
    out: list[str] = []
    hooks: dict[str, str] = {}  # a renamed hook -> its parameter's type
    opaque: bool | None = None
    for line in lines:
        atomic = _ATOMIC_ACCESS.match(line)
        hook = _HOOK.match(out[-1]) if atomic is not None and out else None
        if atomic is not None and hook is not None and hook.group(2) == atomic.group(1):
            name = f"pcg_traced_atomic_{hook.group(2)}{hook.group(3)}"
            hooks[name] = out[-1][hook.end() :].split(" ")[0]
            out[-1] = _HOOK.sub(rf"\1{name}(", out[-1])
        update = _UPDATE.match(line)
        if update is not None:
            call = _update_call(line, update, len(out))
            if call:
                opaque = "(ptr " in call[-1]
                out.extend(call)
        out.append(line)
    if not hooks and opaque is None:
        return ir
    out.extend(f"declare void @{name}({typ})" for name, typ in sorted(hooks.items()))
    if opaque is not None:
        out.append(f"declare void @pcg_traced_atomic_update({'ptr' if opaque else 'i8*'}, i64)")
    return "\n".join([*out, ""])


def traced_ir(ir: str) -> str:
    """The candidate's IR as the traced build compiles it: memory intrinsics routed,
    atomics and task entries marked."""
    return mark_task_entries(mark_atomics(route_memory_intrinsics(ir)))
