"""The packaged seed pairs and the default knowledge base built from them.

Seeds live in `parcodegen/data/seeds/<name>/` (problem.toml, reference.cpp = slow code,
fast.cpp = fast code). `parcodegen kb add-seed` verifies and times each one with the
tool's own pipeline; `--record` saves those measurements to `measured.json` beside the
seeds, so the default KB can be built on first use without recompiling anything.
"""

from __future__ import annotations

import fcntl
import importlib.resources
import json
import platform
from pathlib import Path
from typing import Any

from parcodegen.memory.entry import KBEntry
from parcodegen.memory.tokens import count_tokens
from parcodegen.types import MachineProfile

MEASURED_FILE = "measured.json"


def seeds_root() -> Path:
    return Path(str(importlib.resources.files("parcodegen") / "data" / "seeds"))


def seed_dirs(root: Path | None = None, names: list[str] | None = None) -> list[Path]:
    """Seed problem directories (those holding problem.toml and fast.cpp), sorted by name."""
    root = root or seeds_root()
    dirs = sorted(
        d for d in root.iterdir() if (d / "problem.toml").is_file() and (d / "fast.cpp").is_file()
    )
    if names:
        by_name = {d.name: d for d in dirs}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise KeyError(f"no seed named {', '.join(missing)} in {root}")
        dirs = [by_name[n] for n in names]
    return dirs


def hardware_description() -> str:
    """CPU model and usable cores of this machine, e.g. 'AMD EPYC 7B13 (2 cores)' (the
    format a run manifest names its machine in: RunManifest.hardware)."""
    from parcodegen.machine import profile
    from parcodegen.types import hardware_label

    prof = profile()
    return hardware_label(prof.cpu_model or platform.machine(), prof.usable_cpus)


def seed_entry(
    directory: Path,
    *,
    raw_speedup: float,
    hardware: str,
    compiler: str,
    verified: bool,
    reference_file: str = "reference.cpp",
    machine: MachineProfile | None = None,
) -> KBEntry:
    slow = (directory / reference_file).read_text()
    fast = (directory / "fast.cpp").read_text()
    return KBEntry.make(
        family=f"seed/{directory.name}",
        slow_code=slow,
        fast_code=fast,
        raw_speedup=raw_speedup,
        source="seed",
        hardware=hardware,
        compiler=compiler,
        verified=verified,
        slow_tokens=count_tokens(slow),
        fast_tokens=count_tokens(fast),
        machine=machine,
    )


def load_measurements(root: Path | None = None) -> dict[str, dict[str, Any]]:
    path = (root or seeds_root()) / MEASURED_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def save_measurements(measured: dict[str, dict[str, Any]], root: Path | None = None) -> Path:
    path = (root or seeds_root()) / MEASURED_FILE
    path.write_text(json.dumps(measured, indent=1, sort_keys=True) + "\n")
    return path


def recorded_seed_entries(root: Path | None = None) -> list[KBEntry]:
    """Seed entries with the speedups recorded in measured.json (unmeasured seeds are
    included unverified with raw speedup 1.0)."""
    measured = load_measurements(root)
    entries = []
    for d in seed_dirs(root):
        m = measured.get(d.name)
        if m and m.get("status") == "pass":
            entries.append(
                seed_entry(
                    d,
                    raw_speedup=float(m["raw_speedup"]),
                    hardware=m.get("hardware", ""),
                    compiler=m.get("compiler", ""),
                    verified=True,
                    machine=MachineProfile.from_dict(m["machine"]) if m.get("machine") else None,
                )
            )
        else:
            entries.append(seed_entry(d, raw_speedup=1.0, hardware="", compiler="", verified=False))
    return entries


def ensure_default_kb(embedder: Any = None, **embedder_options: Any):
    """Open the default KB, building it from the packaged seeds on first use."""
    from parcodegen.memory.kb import KnowledgeBase, default_kb_path

    path = default_kb_path()
    path.mkdir(parents=True, exist_ok=True)
    with open(path / ".build.lock", "w") as lock:  # one builder at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        kb = KnowledgeBase.open(path, embedder, **embedder_options)
        if len(kb) == 0:
            kb.add(recorded_seed_entries())
    return kb
