"""The traced probe build's IR: memory intrinsics the backend would expand into untraced
moves become calls of the conflict runtime (tools/traced_ir.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from parcodegen.tools.probe_build import IR_FLAGS, TRACED_FLAGS
from parcodegen.tools.toolchain import default_toolchain
from parcodegen.tools.traced_ir import route_memory_intrinsics

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
  ret void
}
declare void @llvm.memcpy.p0.p0.i64(ptr noalias nocapture writeonly, ptr noalias nocapture readonly, i64, i1 immarg) #1
"""


def test_typed_pointer_calls_are_routed_and_declared_once():
    out = route_memory_intrinsics(TYPED)
    assert "call void @pcg_traced_memcpy(i8* align 8 %a, i8* align 8 %b, i64 24" in out
    assert "tail call void @pcg_traced_memmove(i8* %a" in out
    assert "call void @pcg_traced_memset(i8* align 8 %a, i8 0, i64 16" in out
    assert "@llvm.memset.p0i8.i32(" in out  # a 32-bit length: left alone
    assert out.count("declare void @pcg_traced_memcpy(i8*, i8*, i64, i1)") == 1
    assert out.count("declare void @pcg_traced_memset(i8*, i8, i64, i1)") == 1
    # the intrinsic's own declaration stays as it was (immarg is for intrinsics only)
    assert "declare void @llvm.memcpy.p0i8.p0i8.i64(i8* noalias" in out


def test_opaque_pointer_calls_are_routed():
    out = route_memory_intrinsics(OPAQUE)
    assert "call void @pcg_traced_memcpy(ptr align 8 %a" in out
    assert "declare void @pcg_traced_memcpy(ptr, ptr, i64, i1)" in out
    assert "memmove" not in out


def test_ir_without_intrinsics_is_unchanged():
    ir = "define void @g() {\n  ret void\n}\n"
    assert route_memory_intrinsics(ir) == ir


def test_a_struct_copy_reaches_the_runtime_in_the_compiled_object(tmp_path: Path):
    """The backend expands a 24-byte struct copy into moves: after routing, the object
    calls the runtime instead."""
    clangxx = default_toolchain().clangxx
    if clangxx is None:
        pytest.skip("no clang++")
    (tmp_path / "s.cpp").write_text(
        "struct P { double a, b, c; };\n"
        "void copy(P* out, const P* in, long n) {\n"
        "  for (long i = 0; i < n; ++i) out[i] = in[n - 1 - i];\n}\n"
    )
    flags = ["-std=c++17", "-O2", *TRACED_FLAGS]
    subprocess.run([clangxx, *flags, "-S", "-emit-llvm", "s.cpp", "-o", "s.ll"], cwd=tmp_path,
                   check=True)  # fmt: skip
    for name, ir in [("plain", (tmp_path / "s.ll").read_text()),
                     ("routed", route_memory_intrinsics((tmp_path / "s.ll").read_text()))]:  # fmt: skip
        (tmp_path / f"{name}.ll").write_text(ir)
        subprocess.run([clangxx, *IR_FLAGS, "-c", f"{name}.ll", "-o", f"{name}.o"],
                       cwd=tmp_path, check=True)  # fmt: skip

    def calls(name: str) -> str:
        return subprocess.run(["nm", "-u", f"{name}.o"], cwd=tmp_path, check=True,
                              capture_output=True, text=True).stdout  # fmt: skip

    assert "pcg_traced_memcpy" not in calls("plain")
    assert "pcg_traced_memcpy" in calls("routed")
