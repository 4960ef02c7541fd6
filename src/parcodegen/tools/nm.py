"""`nm` on an object file we compiled (it only reads the file): its lines."""

from __future__ import annotations

import subprocess
from pathlib import Path

from parcodegen.errors import InfraError


def nm_lines(obj: Path, *flags: str) -> list[str]:
    """The lines of `nm -C flags obj`; a missing or failing nm is an InfraError."""
    try:
        proc = subprocess.run(["nm", "-C", *flags, str(obj)], check=False, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
    except FileNotFoundError:
        raise InfraError("'nm' not found: install binutils") from None
    if proc.returncode != 0:
        raise InfraError(f"nm failed on {obj.name}: {proc.stderr.strip()}")
    return proc.stdout.splitlines()
