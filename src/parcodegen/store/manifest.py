"""Build a run's manifest: resolved config, versions, machine, date."""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from typing import Any

import parcodegen
from parcodegen import machine as hw
from parcodegen.types import RunManifest


@cache
def tool_version(tool: str) -> str:
    """First line of `<tool> --version`, or "" when the tool is missing."""
    path = shutil.which(tool)
    if path is None:
        return ""
    try:
        out = subprocess.run(
            [path, "--version"], check=False, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return (out.stdout or out.stderr).splitlines()[0].strip() if (out.stdout or out.stderr) else ""


def versions() -> dict[str, str]:
    return {
        "parcodegen": parcodegen.__version__,
        "python": sys.version.split()[0],
        "g++": tool_version("g++"),
        "clang++": tool_version("clang++"),
    }


def machine() -> dict[str, Any]:
    """The machine profile (CPU, cores/threads, caches, memory, compiler, OpenMP runtime,
    governor) and the load when the run was opened; `cpu` and `cores` kept for old readers."""
    prof = hw.profile()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": prof.cpu_model,
        "cores": prof.usable_cpus,
        "profile": prof.to_dict(),
        "loadavg": hw.loadavg(),
    }


def make_manifest(run_id: str, config: dict[str, Any]) -> RunManifest:
    created = datetime.now(UTC).isoformat(timespec="seconds")
    return RunManifest(run_id, created, config, versions(), machine())
