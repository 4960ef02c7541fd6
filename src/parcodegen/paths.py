"""Where the tool keeps caches and data on disk."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
HARNESS_INCLUDE = DATA_DIR / "harness"


def cache_dir(*parts: str) -> Path:
    """`$PARCODEGEN_CACHE_DIR` or `$XDG_CACHE_HOME/parcodegen` (default ~/.cache/parcodegen)."""
    root = os.environ.get("PARCODEGEN_CACHE_DIR")
    if root:
        base = Path(root)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "parcodegen"
    path = base.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
