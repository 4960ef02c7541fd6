"""Where each coverage block of the path probe's build lies in the candidate's source.

The probe (tools/path_probe.py) compares blocks that ran in a team at the race sizes with
those that ran in one above them. Compiled code has blocks the source does not show: the
retry of an `omp atomic` update on a double (a compare-and-swap loop) runs only when two
threads collide, which a large n makes likely and a small one rare; the standard library
inlined into the candidate takes other internal paths on larger arrays. Keyed by their
source location instead (every inlined frame that lies in the candidate's file, line and
column, innermost first: a helper inlined at two call sites is two places), such a block
is the statement that already ran in a team; a branch of the candidate's own (another
statement) is not. Code the compiler made up (line 0) is keyed by the function it is in.
Only blocks whose memory accesses the conflict probe sees are merged so
(tools/block_calls.py): two paths at one place (one macro expansion) differ there.

`llvm-symbolizer` of the race toolchain reads the probe binary's line tables in the
sandbox (the binary is built from untrusted code). Without it, or for a block it cannot
place, a block stays keyed by its index.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from parcodegen.sandbox.run import Limits, Workdir, run

SYMBOLIZE_LIMITS = Limits(wall_s=60, memory_mb=4096, file_mb=16, output_kb=16384)
CHUNK = 4000  # addresses per symbolizer run
_LOCATION = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+)$")


def symbolizer_for(clangxx: str | None) -> str | None:
    """The llvm-symbolizer beside the toolchain's clang++, else the one on PATH."""
    if clangxx:
        beside = Path(os.path.realpath(clangxx)).with_name("llvm-symbolizer")
        if beside.exists():
            return str(beside)
    return shutil.which("llvm-symbolizer")


# the (line, column) of every inlined frame in the candidate's file, innermost first; or
# a function
Location = tuple[tuple[int, int], ...] | str


def parse_frames(text: str, source_name: str) -> list[Location | None]:
    """Per address (records separated by a blank line; each a function line and a
    `file:line:col` line per inlined frame, innermost first): the frames in `source_name`,
    as (line, column) pairs; without one (code the compiler made up, at line 0), the
    outermost frame's function (only the candidate's own functions are instrumented)."""
    out: list[Location | None] = []
    for record in text.strip("\n").split("\n\n"):
        lines = record.splitlines()
        frames: list[tuple[int, int]] = []
        for line in lines[1::2]:
            m = _LOCATION.match(line.strip())
            if m and os.path.basename(m["file"]) == source_name and int(m["line"]) > 0:
                frames.append((int(m["line"]), int(m["col"])))
        found: Location | None = tuple(frames) if frames else None
        functions = [f.strip() for f in lines[0::2] if f.strip() not in ("", "??")]
        if found is None and functions:
            found = functions[-1]
        out.append(found)
    return out


@lru_cache(maxsize=64)
def _locate(binary: Path, pcs: tuple[int, ...], source_name: str,
            symbolizer: str) -> tuple[Location | None, ...]:  # fmt: skip
    found: list[Location | None] = []
    with Workdir("sym") as wd:
        wd.add("probe.bin", binary)
        for lo in range(0, len(pcs), CHUNK):
            part = pcs[lo : lo + CHUNK]
            argv = [symbolizer, "--obj=probe.bin", "--inlining", *(hex(pc) for pc in part)]
            res = run(argv, wd, SYMBOLIZE_LIMITS)
            frames = parse_frames(res.stdout, source_name) if res.returncode == 0 else []
            if len(frames) != len(part):
                frames = [None] * len(part)
            found.extend(frames)
    return tuple(found)


def block_locations(binary: Path, pcs: Sequence[int], source_name: str,
                    symbolizer: str | None) -> dict[int, Location]:  # fmt: skip
    """Block index -> (line, column) in the candidate's source (or the function, for code
    at line 0), for the blocks placed."""
    if symbolizer is None or not pcs:
        return {}
    located = _locate(binary, tuple(int(pc) for pc in pcs), source_name, symbolizer)
    return {k: loc for k, loc in enumerate(located) if loc is not None}
