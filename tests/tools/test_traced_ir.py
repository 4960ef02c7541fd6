"""The traced probe build's IR: memory intrinsics the backend would expand into untraced
moves become calls of the conflict runtime, atomics are marked, task entries tell their
blocks (tools/traced_ir.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from parcodegen.tools.probe_build import IR_FLAGS, TRACED_FLAGS
from parcodegen.tools.toolchain import default_toolchain
from parcodegen.tools.traced_ir import (
    mark_atomics,
    mark_task_entries,
    route_memory_intrinsics,
    traced_ir,
)

TYPED = """define void @f(i8* %a, i8* %b, i64 %n) {
  call void @llvm.memcpy.p0i8.p0i8.i64(i8* align 8 %a, i8* align 8 %b, i64 24, i1 false)
  tail call void @llvm.memmove.p0i8.p0i8.i64(i8* %a, i8* %b, i64 %n, i1 false)
  call void @llvm.memset.p0i8.i64(i8* align 8 %a, i8 0, i64 16, i1 false)
  call void @llvm.memset.p0i8.i32(i8* %a, i8 0, i32 16, i1 false)
  ret void
}
declare void @llvm.memcpy.p0i8.p0i8.i64(i8* noalias nocapture writeonly, i8* noalias nocapture readonly, i64, i1 immarg) #1
"""

OPAQUE = """define void @f(ptr %a, ptr %b) {
  call void @llvm.memcpy.p0.p0.i64(ptr align 8 %a, ptr align 8 %b, i64 24, i1 false)
  call void @llvm.memcpy.inline.p0.p0.i64(ptr %a, ptr %b, i64 8, i1 false)
  call void @llvm.memcpy.p1.p1.i64(ptr addrspace(1) %a, ptr addrspace(1) %b, i64 8, i1 false)
  ret void
}
declare void @llvm.memcpy.p0.p0.i64(ptr noalias nocapture writeonly, ptr noalias nocapture readonly, i64, i1 immarg) #1
"""


def test_typed_pointer_calls_are_routed_and_declared_once():
    out = route_memory_intrinsics(TYPED)
    assert "call void @pcg_traced_memcpy(i8* align 8 %a, i8* align 8 %b, i64 24" in out
    assert "tail call void @pcg_traced_memmove(i8* %a" in out
    assert "call void @pcg_traced_memset(i8* align 8 %a, i8 0, i64 16" in out
    assert "call void @pcg_traced_memset32(i8* %a, i8 0, i32 16" in out  # a 32-bit length
    assert out.count("declare void @pcg_traced_memset32(i8*, i8, i32, i1)") == 1
    assert out.count("declare void @pcg_traced_memcpy(i8*, i8*, i64, i1)") == 1
    assert out.count("declare void @pcg_traced_memset(i8*, i8, i64, i1)") == 1
    # the intrinsic's own declaration stays as it was (immarg is for intrinsics only)
    assert "declare void @llvm.memcpy.p0i8.p0i8.i64(i8* noalias" in out


def test_opaque_pointer_calls_are_routed():
    out = route_memory_intrinsics(OPAQUE)
    assert "call void @pcg_traced_memcpy(ptr align 8 %a" in out
    assert "call void @pcg_traced_memcpy(ptr %a, ptr %b, i64 8" in out  # the .inline one
    assert "@llvm.memcpy.p1.p1.i64(" in out  # another address space: left alone
    assert out.count("declare void @pcg_traced_memcpy(ptr, ptr, i64, i1)") == 1
    assert "declare void @pcg_traced_memcpy(ptr, ptr, i64, i1)" in out
    assert "memmove" not in out


def test_ir_without_intrinsics_is_unchanged():
    ir = "define void @g() {\n  ret void\n}\n"
    assert route_memory_intrinsics(ir) == ir


def _clangxx() -> str:
    clangxx = default_toolchain().clangxx
    if clangxx is None:
        pytest.skip("no clang++")
    return clangxx


def _traced_ll(d: Path, source: str, *flags: str) -> str:
    """`source`'s IR as the traced build makes it (coverage in)."""
    (d / "s.cpp").write_text(source)
    cmd = [_clangxx(), "-std=c++17", "-O2", *flags, *TRACED_FLAGS, "-S", "-emit-llvm", "s.cpp"]
    subprocess.run([*cmd, "-o", "s.ll"], cwd=d, check=True)
    return (d / "s.ll").read_text()


def _runtime_calls(d: Path, name: str, ir: str, function: str) -> int:
    """The call sites of the runtime's `function` in `ir` compiled to an object."""
    (d / f"{name}.ll").write_text(ir)
    subprocess.run([_clangxx(), *IR_FLAGS, "-c", f"{name}.ll", "-o", f"{name}.o"], cwd=d,
                   check=True)  # fmt: skip
    out = subprocess.run(["objdump", "-dr", f"{name}.o"], cwd=d, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return sum("R_X86_64_PLT32" in line and function in line for line in out.splitlines())


def test_a_struct_copy_reaches_the_runtime_in_the_compiled_object(tmp_path: Path):
    """The backend expands a 24-byte struct copy (and `__builtin_memcpy_inline`) into
    moves: after routing, the object calls the runtime instead."""
    plain = _traced_ll(
        tmp_path,
        "struct P { double a, b, c; };\n"
        "void copy(P* out, const P* in, long n) {\n"
        "  for (long i = 0; i < n; ++i) out[i] = in[n - 1 - i];\n}\n"
        "void pin(P* out, const P* in) { __builtin_memcpy_inline(out, in, sizeof(P)); }\n",
    )
    routed = route_memory_intrinsics(plain)
    assert _runtime_calls(tmp_path, "plain", plain, "pcg_traced_memcpy") == 0
    assert _runtime_calls(tmp_path, "routed", routed, "pcg_traced_memcpy") > 0
    # the inline copy is its own intrinsic, routed too
    assert "call void @llvm.memcpy.inline" in plain
    assert "call void @llvm.memcpy.inline" not in routed


TASK_ENTRY_TYPED = """define internal noundef i32 @.omp_task_entry..8(i32 noundef %0, %struct.kmp_task_t_with_privates.1* noalias nocapture noundef readonly %1) #8 {
  %3 = getelementptr inbounds %struct.kmp_task_t_with_privates.1, %struct.kmp_task_t_with_privates.1* %1, i64 0, i32 1
  ret i32 0
}
"""

TASK_ENTRY_OPAQUE = """define internal noundef i32 @.omp_task_entry.(i32 noundef %0, ptr noalias nocapture noundef readonly %1) #8 {
  %3 = getelementptr inbounds %struct.kmp_task_t_with_privates, ptr %1, i64 0, i32 1
  ret i32 0
}
"""


def test_a_task_entry_first_tells_the_runtime_its_block_and_size():
    typed = mark_task_entries(TASK_ENTRY_TYPED).splitlines()
    assert typed[1] == ("  %pcg.task.block = bitcast %struct.kmp_task_t_with_privates.1* %1 "
                        "to i8*")  # fmt: skip
    assert typed[2].startswith("  call void @pcg_task_block(i8* %pcg.task.block, i64 ptrtoint "
                               "(%struct.kmp_task_t_with_privates.1* getelementptr")  # fmt: skip
    assert typed[-1] == "declare void @pcg_task_block(i8*, i64)"
    opaque = mark_task_entries(TASK_ENTRY_OPAQUE).splitlines()
    assert opaque[1].startswith("  call void @pcg_task_block(ptr %1, i64 ptrtoint (ptr "
                                "getelementptr (%struct.kmp_task_t_with_privates, ptr null")  # fmt: skip
    assert opaque[-1] == "declare void @pcg_task_block(ptr, i64)"
    assert mark_task_entries(OPAQUE) == OPAQUE  # no task: unchanged


def test_marked_task_entries_compile(tmp_path: Path):
    """clang's own task entries, marked, are valid IR that calls the runtime."""
    ir = _traced_ll(
        tmp_path,
        "void scale(double* a, long n) {\n"
        "#pragma omp taskloop grainsize(16) firstprivate(n)\n"
        "  for (long i = 0; i < n; ++i) a[i] *= 2;\n"
        "#pragma omp task firstprivate(a)\n"
        "  a[0] = 1;\n}\n",
        "-fopenmp",
    )
    assert _runtime_calls(tmp_path, "m", traced_ir(ir), "pcg_task_block") == 2  # both entries


ATOMICS_TYPED = """define void @f(double* %d, i64* %c, float* %x, i32 addrspace(1)* %g) {
  %1 = bitcast double* %d to i64*
  call void @__sanitizer_cov_load8(i64* %1)
  %2 = load atomic i64, i64* %1 monotonic, align 8
  %3 = cmpxchg i64* %1, i64 %2, i64 0 monotonic monotonic, align 8
  %4 = atomicrmw add i64* getelementptr inbounds (i64, i64* @k, i64 1), i64 1 seq_cst, align 8
  %5 = atomicrmw fadd float* %x, float 1.0 seq_cst, align 4
  %6 = atomicrmw add i32 addrspace(1)* %g, i32 1 seq_cst, align 4
  call void @__sanitizer_cov_store8(i64* %c)
  store atomic i64 %2, i64* %c seq_cst, align 8
  call void @__sanitizer_cov_load8(i64* %c)
  %7 = load i64, i64* %c, align 8
  ret void
}
declare void @__sanitizer_cov_load8(i64*)
declare void @__sanitizer_cov_store8(i64*)
"""

ATOMICS_OPAQUE = """define void @f(ptr %c, ptr %p) {
  %1 = atomicrmw xchg ptr %p, ptr %c seq_cst, align 8
  %2 = cmpxchg weak volatile ptr %c, i16 0, i16 1 acquire monotonic, align 2
  ret void
}
"""


def test_atomic_accesses_are_marked_and_plain_ones_are_not():
    out = mark_atomics(ATOMICS_TYPED).splitlines()
    assert out[2] == "  call void @pcg_traced_atomic_load8(i64* %1)"
    assert out[4:6] == ["  %pcg.atomic.4 = bitcast i64* %1 to i8*",
                        "  call void @pcg_traced_atomic_update(i8* %pcg.atomic.4, i64 8)"]  # fmt: skip
    assert out[7] == ("  %pcg.atomic.7 = bitcast i64* getelementptr inbounds (i64, i64* @k, "
                      "i64 1) to i8*")  # fmt: skip
    assert out[11] == "  call void @pcg_traced_atomic_update(i8* %pcg.atomic.10, i64 4)"  # float
    assert out[13].startswith("  %6 = atomicrmw add i32 addrspace(1)*")  # left alone
    assert out[14] == "  call void @pcg_traced_atomic_store8(i64* %c)"
    assert out[16] == "  call void @__sanitizer_cov_load8(i64* %c)"  # a plain load
    assert out[-3:-1] == ["declare void @pcg_traced_atomic_load8(i64*)",
                          "declare void @pcg_traced_atomic_store8(i64*)"]  # fmt: skip
    assert out[-1] == "declare void @pcg_traced_atomic_update(i8*, i64)"
    opaque = mark_atomics(ATOMICS_OPAQUE).splitlines()
    assert opaque[1] == "  call void @pcg_traced_atomic_update(ptr %p, i64 8)"  # a pointer
    assert opaque[3] == "  call void @pcg_traced_atomic_update(ptr %c, i64 2)"
    assert opaque[-1] == "declare void @pcg_traced_atomic_update(ptr, i64)"
    assert mark_atomics(OPAQUE) == OPAQUE  # no atomics: unchanged


def test_marked_atomics_compile_and_call_the_runtime(tmp_path: Path):
    """clang's own atomics (OpenMP's, std::atomic's), marked, are valid IR: every kind
    calls the runtime, none is left to the coverage's plain hooks."""
    ir = _traced_ll(
        tmp_path,
        "#include <atomic>\n"
        "double x; long v; std::atomic<long> c;\n"
        "void f() {\n"
        "#pragma omp atomic\n"
        "  x += 1;\n"
        "  c.fetch_add(1);\n"
        "  c.store(c.load());\n"
        "  long r;\n"
        "#pragma omp atomic read\n"
        "  r = v;\n"
        "#pragma omp atomic write\n"
        "  v = r;\n}\n",
        "-fopenmp",
    )
    marked = traced_ir(ir)
    assert _runtime_calls(tmp_path, "m", marked, "pcg_traced_atomic_update") == 2  # cmpxchg, add
    assert _runtime_calls(tmp_path, "m", marked, "pcg_traced_atomic_load8") == 3
    assert _runtime_calls(tmp_path, "m", marked, "pcg_traced_atomic_store8") == 2
    assert _runtime_calls(tmp_path, "m", marked, "__sanitizer_cov_load8") == 0
