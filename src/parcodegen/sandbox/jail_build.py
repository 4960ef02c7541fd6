"""Build the small C launcher (jail.c) once per version, into the cache."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from pathlib import Path

from parcodegen.errors import InfraError
from parcodegen.paths import cache_dir

_SOURCE = Path(__file__).with_name("jail.c")
_lock = threading.Lock()
_built: Path | None = None


def jail_path() -> Path:
    global _built
    if _built is not None and _built.exists():
        return _built
    with _lock:
        if _built is not None and _built.exists():
            return _built
        source = _SOURCE.read_bytes()
        digest = hashlib.sha256(source).hexdigest()[:12]
        target = cache_dir("bin") / f"pcg-jail-{digest}"
        if not target.exists():
            cc = shutil.which("gcc") or shutil.which("cc")
            if cc is None:
                raise InfraError("no C compiler (gcc) found: install gcc/g++ to verify candidates")
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            proc = subprocess.run(
                [cc, "-O2", "-o", str(tmp), str(_SOURCE)],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise InfraError(f"cannot build the sandbox launcher: {proc.stderr.strip()}")
            os.replace(tmp, target)
        _built = target
        return target
