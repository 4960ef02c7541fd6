"""Which coverage blocks of the path probe's build do more than the conflict probe sees.

The path probe (tools/path_probe.py) may count a block that runs in a team only above the
race sizes as the statement it belongs to (tools/block_locations.py): the retry of an
atomic's compare-and-swap runs only when threads collide, which a large n makes likely.
Merging by place is sound only where everything the block does to memory is seen by the
conflict probe (data/harness/pcg_conflicts.cpp traces the plain loads and stores of every
function compiled with the candidate, the standard library's templates included, and
memcpy, memmove and memset): a block that calls into a shared library (the OpenMP
runtime, the C library, libstdc++'s compiled code; the math library's pure functions
aside) or through a pointer is *opaque* and keeps a key of its own, so a branch that
shares a source location with another (two branches of one macro expansion, two
versions of an unswitched loop) but calls such code is new code, checked where it first
runs in a team.

`objdump -d` (binutils: beside every gcc) reads the probe binary in the sandbox; a block's
code is taken as its address up to the next block's (blocks are never pruned in the probe
build: `no-prune`), within its function. A call into the binary itself is to code the
traced build compiled too (the candidate's object is linked first, so its copies of
templates are the ones kept).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from parcodegen.sandbox.run import Limits, Workdir, run

OBJDUMP_LIMITS = Limits(wall_s=60, memory_mb=2048, file_mb=16, output_kb=262144)
# calls whose effect on memory the conflict probe records
SEEN = re.compile(r"^(__sanitizer_cov_(load|store)\d+|memcpy|memmove|memset)$")
# the C math library: reads its arguments only
PURE = re.compile(r"^(__)?(log|log2|log10|log1p|exp|exp2|expm1|pow|sqrt|cbrt|hypot|sin|cos|tan|"
                  r"asin|acos|atan|atan2|sinh|cosh|tanh|erf|erfc|fabs|floor|ceil|round|lround|"
                  r"trunc|fmod|fmin|fmax|ldexp|frexp)f?(_finite)?$")  # fmt: skip
PREFIXES = {"lock", "rep", "repz", "repe", "repnz", "repne", "notrack", "bnd", "data16", "cs",
            "ds", "es", "fs", "gs", "ss"}  # fmt: skip
_FUNCTION = re.compile(r"^([0-9a-f]+) <(.+)>:$")
_INSN = re.compile(r"^\s*([0-9a-f]+):\s+(.*)$")
_TARGET = re.compile(r"<([^>+]+)(\+0x[0-9a-f]+)?>")


def objdump_for() -> str | None:
    return shutil.which("objdump")


def _opaque(text: str) -> bool:
    """Does this instruction call, or jump into, code the conflict probe cannot see?"""
    words = text.split()
    while words and words[0] in PREFIXES:
        words = words[1:]
    if not words:
        return False
    op = words[0]
    if not (op.startswith("call") or op.startswith("jmp")):
        return False
    m = _TARGET.search(text)
    if "*" in text or m is None:
        return True  # through a pointer: a function we do not know, or a jump table
    if not m[1].endswith("@plt"):
        return False  # within the function, or a call of code compiled with the candidate
    target = m[1].removesuffix("@plt")
    return not (SEEN.match(target) or PURE.match(target))


def parse_opaque(listing: str, pcs: Sequence[int]) -> frozenset[int]:
    """The indices of blocks (their start addresses `pcs`) whose code, up to the next
    block's start within the same function, has an opaque instruction."""
    order = sorted(range(len(pcs)), key=lambda k: pcs[k])
    starts = [pcs[k] for k in order]
    opaque: set[int] = set()
    function_start = 0
    pos = 0  # the block in `order` whose code the listing is in
    for line in listing.splitlines():
        f = _FUNCTION.match(line)
        if f:
            function_start = int(f[1], 16)
            continue
        m = _INSN.match(line)
        if m is None:
            continue
        addr = int(m[1], 16)
        while pos + 1 < len(starts) and starts[pos + 1] <= addr:
            pos += 1
        if not starts or not function_start <= starts[pos] <= addr or not _opaque(m[2]):
            continue  # before the first block, in another function, or seen
        opaque.add(order[pos])
    return frozenset(opaque)


@lru_cache(maxsize=64)
def _opaque_blocks(binary: Path, pcs: tuple[int, ...], objdump: str) -> frozenset[int] | None:
    lo, hi = min(pcs), max(pcs) + 4096
    with Workdir("objdump") as wd:
        wd.add("probe.bin", binary)
        argv = [objdump, "-d", "--no-show-raw-insn", f"--start-address={lo:#x}",
                f"--stop-address={hi:#x}", "probe.bin"]  # fmt: skip
        res = run(argv, wd, OBJDUMP_LIMITS)
    if res.returncode != 0 or not res.stdout:
        return None
    return parse_opaque(res.stdout, pcs)


def opaque_blocks(binary: Path, pcs: Sequence[int], objdump: str | None) -> frozenset[int] | None:
    """Indices of the blocks that call code the conflict probe does not see; None when the
    binary could not be read (then no block may be merged by its place)."""
    if objdump is None or not pcs:
        return None
    return _opaque_blocks(binary, tuple(int(pc) for pc in pcs), objdump)
