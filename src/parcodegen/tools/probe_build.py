"""The path probe's two builds of a candidate (tools/path_probe.py).

Both are the candidate compiled by the race toolchain's clang++ -O2 with
`-fsanitize-coverage=inline-bool-flag,pc-table` (one byte per edge, set when it runs) and
linked with the probe's runtime (data/harness/pcg_paths.cpp, pcg_conflicts.cpp):

- `plain`: the standard library's own functions left out of the coverage; its runs are
  about as fast as the candidate's (the runtime records no conflicts: PCG_CONFLICTS=0);
- `traced`: every load and store, the standard library's included, goes through the
  conflict runtime (TRACE_FACTOR x slower, tools/conflict_probe.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parcodegen.paths import HARNESS_INCLUDE
from parcodegen.tools.build import ProblemBuild, candidate_name
from parcodegen.tools.compile import CompileOutput, compile_object, link_binary
from parcodegen.tools.harness import harness_source
from parcodegen.tools.race_aids import ROUND_ROBIN_SOURCE, runtime_headers
from parcodegen.tools.toolchain import Toolchain
from parcodegen.tools.traced_ir import traced_ir

PROBE_FLAGS = ("-std=c++17", "-O2", "-fopenmp")
IGNORE_FILE = "pcg_coverage_ignore.txt"
# the standard library's own functions are not the candidate's paths (mangled std::,
# __gnu_cxx:: and __cxxabi names); what is inlined into the candidate's functions still counts
IGNORED_FUNCTIONS = ("_ZSt*", "_ZNSt*", "_ZNKSt*", "_ZN9__gnu_cxx*", "_ZNK9__gnu_cxx*",
                     "_ZN10__cxxabiv1*", "__cxa_*")  # fmt: skip
BLOCK_FLAGS = ("-fsanitize-coverage=inline-bool-flag,pc-table,no-prune", "-gline-tables-only")
COVERAGE_FLAGS = (*BLOCK_FLAGS, f"-fsanitize-coverage-ignorelist={IGNORE_FILE}")
# the traced build (conflicts) calls the runtime at every load and store, the standard
# library's code included (std::sort of overlapping ranges); no tail calls (a memcpy
# reached by a jump would report its caller's caller)
TRACED_FLAGS = (*BLOCK_FLAGS, "-fsanitize-coverage=trace-loads,trace-stores",
                "-fno-optimize-sibling-calls")  # fmt: skip
# in HARNESS_INCLUDE; pcg_dispatch.cpp: dynamic loops dealt round robin (tools/race_aids.py)
RUNTIME_SOURCES = ("pcg_paths.cpp", "pcg_conflicts.cpp", ROUND_ROBIN_SOURCE)
IR_FLAGS = ("-O2", "-Wno-unused-command-line-argument")  # the traced IR to an object


@dataclass(frozen=True)
class ProbeBuilds:
    """The probe's two builds of one candidate: `plain` records blocks (its runs are about
    as fast as the candidate's), `traced` records conflicts too (TRACE_FACTOR x slower)."""

    plain: Path
    traced: Path | None
    traced_why: str = ""  # why there is no traced build


def _traced_object(source: str, headers: dict[str, bytes], flags: tuple[str, ...],
                   clangxx: str, name: str) -> CompileOutput:  # fmt: skip
    """The traced build's object of the candidate: its IR, coverage included, with the
    memory intrinsics the backend would expand into untraced moves made calls of the
    conflict runtime and task entries marked (tools/traced_ir.py), then compiled."""
    ir = compile_object(source, headers=headers, flags=flags, compiler=clangxx,
                        source_name=name, ir=True)  # fmt: skip
    if not ir.ok or ir.path is None:
        return ir
    routed = traced_ir(ir.path.read_text(errors="replace"))
    return compile_object(routed, headers={}, flags=IR_FLAGS, compiler=clangxx,
                          source_name=Path(name).stem + ".ll")  # fmt: skip


def _link_probe(build: ProblemBuild, code: str, tc: Toolchain,
                code_flags: tuple[str, ...]) -> tuple[Path | None, str]:  # fmt: skip
    assert tc.clangxx is not None
    problem = build.problem
    # the candidate first: its copy of a template the harness also uses (std::vector's) is
    # the one the linker keeps
    parts = [
        (code, PROBE_FLAGS + code_flags + build.code_flags, candidate_name(problem)),
        (harness_source(problem, paths=True), PROBE_FLAGS + build.harness_flags, "harness.cpp"),
        *((HARNESS_INCLUDE.joinpath(r).read_text(), PROBE_FLAGS, r) for r in RUNTIME_SOURCES),
    ]
    ignore = "".join(f"fun:{f}\n" for f in IGNORED_FUNCTIONS).encode()
    headers = {**build.headers, **runtime_headers(), IGNORE_FILE: ignore}
    objects: list[Path] = []
    for i, (source, flags, name) in enumerate(parts):
        if i == 0 and code_flags == TRACED_FLAGS:
            out = _traced_object(source, headers, flags, tc.clangxx, name)
        else:
            out = compile_object(source, headers=headers, flags=flags, compiler=tc.clangxx,
                                 source_name=name)  # fmt: skip
        if not out.ok or out.path is None:
            return None, f"{name} does not compile for the path probe: {out.message[:300]}"
        objects.append(out.path)
    linked = link_binary(objects, flags=("-fopenmp",), compiler=tc.clangxx,
                         ldflags=tc.link_flags() + problem.ldflags)  # fmt: skip
    if not linked.ok or linked.path is None:
        return None, f"the path probe build does not link: {linked.message[:300]}"
    return linked.path, ""


def build_path_probe(build: ProblemBuild, code: str,
                     tc: Toolchain) -> tuple[ProbeBuilds | None, str]:  # fmt: skip
    """(the probe's builds, "") or (None, why the plain one could not be built)."""
    if tc.clangxx is None:
        return None, f"no clang++ ({tc.describe()})"
    plain, why = _link_probe(build, code, tc, COVERAGE_FLAGS)
    if plain is None:
        return None, why
    traced, traced_why = _link_probe(build, code, tc, TRACED_FLAGS)
    return ProbeBuilds(plain, traced, traced_why), ""
