"""A cgroup per sandboxed run: a memory limit (resident, so it holds under TSan, which
needs a huge address space) and a process/thread limit, and the sweep that kills every
process the run left behind.

cgroup v2 (one hierarchy, /sys/fs/cgroup/cgroup.controllers) and v1 (one hierarchy per
controller, /sys/fs/cgroup/memory and /sys/fs/cgroup/pids) are both handled; the run's
cgroup is made below the cgroup this process is in. Needs root; `RunCgroup.create`
returns None with the reason when it is not possible, and the run record says so.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _own_paths() -> dict[str, str]:
    """controller (or "" for v2) -> this process's cgroup path."""
    out: dict[str, str] = {}
    try:
        text = Path("/proc/self/cgroup").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for ctrl in parts[1].split(",") if parts[1] else [""]:
            out[ctrl] = parts[2]
    return out


def _write(path: Path, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def _procs(directory: Path) -> list[int]:
    try:
        return [int(p) for p in (directory / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _parents() -> list[Path]:
    """Where run cgroups are made (see RunCgroup.create)."""
    own = _own_paths()
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        return [CGROUP_ROOT / own.get("", "/").lstrip("/")]
    return [CGROUP_ROOT / c / own.get(c, "/").lstrip("/") for c in ("memory", "pids")]


def sweep_stale() -> int:
    """Kill and remove run cgroups whose parcodegen process is gone (it was killed before
    it could clean up); how many were removed."""
    removed = 0
    for parent in _parents():
        try:
            entries = list(parent.iterdir())
        except OSError:
            continue
        for d in entries:
            parts = d.name.split("-")
            if len(parts) < 3 or parts[0] != "parcodegen" or not parts[1].isdigit():
                continue
            if _alive(int(parts[1])):
                continue
            RunCgroup(
                (d,), 2 if parent.parent == CGROUP_ROOT or parent == CGROUP_ROOT else 1
            ).remove()
            removed += 0 if d.exists() else 1
    return removed


@dataclass
class RunCgroup:
    dirs: tuple[Path, ...]  # the run's cgroup directory in each hierarchy used
    version: int

    @staticmethod
    def create(memory_mb: int, pids: int) -> tuple[RunCgroup | None, str]:
        """(cgroup, "") or (None, why not)."""
        if os.geteuid() != 0:
            return None, "not root"
        name = f"parcodegen-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        own = _own_paths()
        try:
            if (CGROUP_ROOT / "cgroup.controllers").exists():
                return RunCgroup._create_v2(name, own.get("", "/"), memory_mb, pids), ""
            if (CGROUP_ROOT / "memory").is_dir() and (CGROUP_ROOT / "pids").is_dir():
                return RunCgroup._create_v1(name, own, memory_mb, pids), ""
        except OSError as exc:
            return None, f"cannot make a cgroup: {exc}"
        return None, "no cgroup v2 with memory+pids and no cgroup v1 memory and pids hierarchies"

    @staticmethod
    def _create_v2(name: str, own: str, memory_mb: int, pids: int) -> RunCgroup:
        parent = CGROUP_ROOT / own.lstrip("/")
        enabled = (parent / "cgroup.subtree_control").read_text().split()
        missing = [c for c in ("memory", "pids") if c not in enabled]
        if missing:
            _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in missing))
        d = parent / name
        d.mkdir()
        cg = RunCgroup((d,), 2)
        try:
            _write(d / "memory.max", str(memory_mb << 20))
            if (d / "memory.swap.max").exists():
                _write(d / "memory.swap.max", "0")
            _write(d / "pids.max", str(pids))
        except OSError:
            cg.remove()
            raise
        return cg

    @staticmethod
    def _create_v1(name: str, own: dict[str, str], memory_mb: int, pids: int) -> RunCgroup:
        mem = CGROUP_ROOT / "memory" / own.get("memory", "/").lstrip("/") / name
        pid = CGROUP_ROOT / "pids" / own.get("pids", "/").lstrip("/") / name
        mem.mkdir()
        cg = RunCgroup((mem,), 1)
        try:
            pid.mkdir()
            cg = RunCgroup((mem, pid), 1)
            _write(mem / "memory.limit_in_bytes", str(memory_mb << 20))
            if (mem / "memory.memsw.limit_in_bytes").exists():
                try:
                    _write(mem / "memory.memsw.limit_in_bytes", str(memory_mb << 20))
                except OSError:
                    pass  # no swap accounting: the memory limit alone
            _write(pid / "pids.max", str(pids))
        except OSError:
            cg.remove()
            raise
        return cg

    def kill(self) -> int:
        """SIGKILL every process in the cgroup until it is empty; how many were seen."""
        seen = 0
        for d in self.dirs:
            if (d / "cgroup.kill").exists():
                try:
                    _write(d / "cgroup.kill", "1")
                except OSError:
                    pass
            for _ in range(200):
                procs = _procs(d)
                if not procs:
                    break
                seen += len(procs)
                for p in procs:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.005)
        return seen

    def memory_peak_mb(self) -> float | None:
        for d in self.dirs:
            for name in ("memory.peak", "memory.max_usage_in_bytes"):
                try:
                    return int((d / name).read_text()) / (1 << 20)
                except (OSError, ValueError):
                    continue
        return None

    def oom_killed(self) -> bool:
        """True when the kernel killed a process of this cgroup for exceeding its memory."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        for d in self.dirs:
            try:
                lines = (d / name).read_text().splitlines()
            except OSError:
                continue
            for line in lines:
                key, _, value = line.partition(" ")
                if key == "oom_kill" and value.strip() not in ("", "0"):
                    return True
        return False

    def remove(self) -> None:
        self.kill()
        for d in self.dirs:
            for _ in range(50):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)
