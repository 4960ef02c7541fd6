"""Find a race-detection toolchain: clang++ and LLVM's Archer from the same LLVM version.

Archer (libarcher.so) is an OMPT tool built against one libomp; with clang++ of another
LLVM version (or a libomp from another version found first at run time) instrumented
builds fail to link or report nonsense. `find_toolchain` resolves `clang++` to its LLVM
installation, takes Archer and libomp from that installation only, and says what it found
(or why race detection cannot run). The race build links with an rpath to that libomp.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Toolchain:
    clangxx: str | None  # the compiler driver, resolved (e.g. /usr/lib/llvm-14/bin/clang++)
    version: int | None  # LLVM major version
    libdir: str | None  # the LLVM installation's lib directory (libomp, libarcher)
    archer: str | None  # libarcher.so of the same version
    problem: str | None  # why race detection cannot run with it, or None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        if self.ok:
            return f"clang++ and Archer of LLVM {self.version} ({self.libdir})"
        return self.problem or "no toolchain"

    def link_flags(self) -> tuple[str, ...]:
        """Link against this installation's libomp, and find it there at run time."""
        if self.libdir is None:
            return ()
        return (f"-L{self.libdir}", f"-Wl,-rpath,{self.libdir}")

    def to_dict(self) -> dict[str, object]:
        return {"clang++": self.clangxx, "llvm": self.version, "archer": self.archer,
                "libdir": self.libdir, "problem": self.problem}  # fmt: skip


def _version_of(clangxx: str) -> int | None:
    m = re.search(r"llvm-(\d+)", os.path.realpath(clangxx))
    if m:
        return int(m.group(1))
    try:
        out = subprocess.run([clangxx, "--version"], capture_output=True, text=True,
                             timeout=30, check=False).stdout  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"clang version (\d+)", out)
    return int(m.group(1)) if m else None


def _libdir_of(clangxx: str, version: int | None) -> str | None:
    real = os.path.realpath(clangxx)
    m = re.match(r"(.*/llvm-\d+)/bin/", real)
    if m and os.path.isdir(m.group(1) + "/lib"):
        return m.group(1) + "/lib"
    if version is not None and os.path.isdir(f"/usr/lib/llvm-{version}/lib"):
        return f"/usr/lib/llvm-{version}/lib"
    try:
        out = subprocess.run([clangxx, "-print-file-name=libomp.so"], capture_output=True,
                             text=True, timeout=30, check=False).stdout.strip()  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return os.path.dirname(out) if os.path.isabs(out) and os.path.exists(out) else None


def find_toolchain(clangxx: str = "clang++", root: str = "/usr/lib") -> Toolchain:
    """clang++ on PATH (or `clangxx`) and the Archer of its own LLVM version."""
    exe = shutil.which(clangxx)
    if exe is None:
        return Toolchain(None, None, None, None,
                         f"{clangxx} not found (install the apt packages clang and libomp-dev)")  # fmt: skip
    version = _version_of(exe)
    libdir = _libdir_of(exe, version)
    real = exe  # invoked by this name: `clang` (its real file) would not link C++
    m = re.match(r"(.*/llvm-\d+)/bin/", os.path.realpath(exe))
    if m and os.path.exists(m.group(1) + "/bin/clang++"):
        real = m.group(1) + "/bin/clang++"
    others = sorted(glob.glob(f"{root}/llvm-*/lib/libarcher.so"))
    if libdir is None or not os.path.exists(os.path.join(libdir, "libarcher.so")):
        found = ", ".join(others) if others else "none"
        return Toolchain(real, version, libdir, None,
                         f"{clangxx} is LLVM {version} but LLVM {version}'s Archer (libarcher.so) "
                         f"is not installed (found: {found}); install libomp-{version}-dev")  # fmt: skip
    if not os.path.exists(os.path.join(libdir, "libomp.so")):
        return Toolchain(real, version, libdir, None,
                         f"LLVM {version}'s libomp.so is missing in {libdir} (install libomp-dev)")  # fmt: skip
    return Toolchain(real, version, libdir, os.path.join(libdir, "libarcher.so"), None)


@lru_cache(maxsize=1)
def default_toolchain() -> Toolchain:
    return find_toolchain()
