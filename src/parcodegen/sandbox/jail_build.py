"""Build the small C launcher (jail.c) once per version, into the cache.

The launcher runs as root: before every use it is checked to be ours, writable by no
one else and to have the content hash recorded when it was built (otherwise rebuilt).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from parcodegen.errors import InfraError
from parcodegen.paths import cache_dir
from parcodegen.sandbox.trusted import is_verified, publish

_SOURCE = Path(__file__).with_name("jail.c")
_lock = threading.Lock()


def jail_path() -> Path:
    with _lock:
        source = _SOURCE.read_bytes()
        digest = hashlib.sha256(source).hexdigest()[:12]
        target = cache_dir("bin") / f"pcg-jail-{digest}"
        if is_verified(target):
            return target
        cc = shutil.which("gcc") or shutil.which("cc")
        if cc is None:
            raise InfraError("no C compiler (gcc) found: install gcc/g++ to verify candidates")
        with tempfile.TemporaryDirectory(prefix="pcg-jail-") as tmp:
            out = Path(tmp) / "pcg-jail"
            proc = subprocess.run([cc, "-O2", "-o", str(out), str(_SOURCE)],
                                  capture_output=True, text=True, check=False)  # fmt: skip
            if proc.returncode != 0:
                raise InfraError(f"cannot build the sandbox launcher: {proc.stderr.strip()}")
            publish(out.read_bytes(), target, 0o755)
        os.chmod(target, 0o755)
        return target
