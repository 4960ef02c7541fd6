"""Inputs made once per timed pair, and the same bytes handed to reference and candidate.

A save run of the problem's reference binary (the problem's own, trusted code; in save
mode the harness makes the inputs from the seed, writes them and exits without calling
the function) writes one pair's inputs to a memfd. The parent then seals the file (no
write, no resize, no further seals): nothing, the candidate included, can change it.
Each timed run of the pair gets it as fd 5 and reads it into its own memory ("inputs
load", see parcodegen_harness.h, InputReader), so neither run spends time making inputs
and a candidate cannot touch the reference's copy. A fresh seed per pair still gives
every pair new inputs.

A problem whose inputs cannot be stored (a hook type without `pcg_fields`, a raw
pointer in a struct...) says so in its save run (`Stored.storable` False); its runs then
make their inputs themselves, as before.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, replace
from pathlib import Path

from parcodegen.errors import InfraError
from parcodegen.sandbox.run import HarnessIO, Workdir, run
from parcodegen.tools.build import (
    RUN_WORKDIR_MB,
    harness_env,
    harness_limits,
    harness_params,
)

MAGIC = b"PCGI"
SEALS = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL


@dataclass
class StoredInputs:
    """One pair's inputs in a sealed memfd (close it when the pair is done)."""

    fd: int
    size: int
    seed: int
    n: int
    pattern: str

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> StoredInputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class Stored:
    """What a save run gave: the inputs, or that they cannot be stored, or why it failed."""

    inputs: StoredInputs | None
    storable: bool
    error: str | None
    wall_s: float  # the save run: start, making the inputs, writing them


def sealed(fd: int) -> bool:
    """True when nobody can change the file any more."""
    return fcntl.fcntl(fd, fcntl.F_GET_SEALS) & SEALS == SEALS


def store_inputs(binary: Path, *, seed: int, n: int, pattern: str, wall_s: float,
                 file_mb: int | None = None) -> Stored:  # fmt: skip
    """Run `binary` (a harness linked with the trusted reference) in save mode (`file_mb`:
    the inputs' size at most, else the results file's limit)."""
    fd = os.memfd_create("pcg-inputs", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    keep = False
    try:
        with (
            os.fdopen(os.dup(fd), "w+b") as results,
            Workdir("inputs", size_mb=RUN_WORKDIR_MB) as wd,
        ):
            prog = f"gen-{binary.stem}"
            wd.add(prog, binary)
            io = HarnessIO(harness_params(seed, n, pattern, 0, None, "save"), results)
            limits = harness_limits(wall_s)
            if file_mb is not None:
                limits = replace(limits, file_mb=file_mb)
            res = run([f"./{prog}"], wd, limits, env=harness_env(1), harness=io)
        if res.launcher_failed:
            raise InfraError(f"the sandbox launcher failed: {'; '.join(res.notes)}")
        codes = "".join(code for code, _ in res.events)
        if res.timed_out or res.returncode != 0 or codes != "R":
            why = res.describe() if codes == "R" or res.returncode != 0 else f"events {codes!r}"
            return Stored(None, True, f"making the inputs failed: {why}", res.wall_s)
        head = os.pread(fd, len(MAGIC) + 1, 0)
        if head[:4] != MAGIC or len(head) < 5:
            return Stored(
                None, True, "making the inputs failed: no stored-input header", res.wall_s
            )
        if head[4] != 1:
            return Stored(None, False, None, res.wall_s)
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, SEALS)
        size = os.fstat(fd).st_size
        keep = True
        return Stored(StoredInputs(fd, size, seed, n, pattern), True, None, res.wall_s)
    finally:
        if not keep:
            os.close(fd)
