"""Test helper: a candidate's code compiled and linked with a problem's harness, as the
pipeline's compile and link steps do (the test fails if it does not build)."""

from __future__ import annotations

from pathlib import Path

from parcodegen.tools.build import ProblemBuild
from parcodegen.tools.compile import compile_object, link_binary, link_flags


def candidate_binary(build: ProblemBuild, code: str) -> Path:
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    assert obj.ok and obj.path is not None, obj.message
    linked = link_binary([build.harness_obj, obj.path], flags=link_flags(build.flags),
                         compiler=build.compiler)  # fmt: skip
    assert linked.ok and linked.path is not None, linked.message
    return linked.path
