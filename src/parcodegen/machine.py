"""The machine a figure was measured on, and how busy it is right now.

`profile()` reads the hardware and toolchain once per process (CPU model, cores and
threads, caches, memory, compiler and OpenMP runtime versions, frequency governor where
readable). `loadavg()` and `run_queue()` read the kernel's view of competing work; they
are cheap enough to call between every timed pair. Everything is read from /proc, /sys
and the compiler itself: nothing is assumed.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from parcodegen.types import MachineProfile

CPU_SYS = Path("/sys/devices/system/cpu")
# _OPENMP macro value -> specification version
OPENMP_SPECS = {
    200505: "2.5",
    200805: "3.0",
    201107: "3.1",
    201307: "4.0",
    201511: "4.5",
    201811: "5.0",
    202011: "5.1",
    202111: "5.2",
}


def _read(path: Path | str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def _cpuinfo() -> tuple[str, int, int]:
    """(model name, logical CPUs, physical cores or 0)."""
    text = _read("/proc/cpuinfo")
    model = re.search(r"(?m)^model name\s*:\s*(.+)$", text)
    logical = len(re.findall(r"(?m)^processor\s*:", text)) or (os.cpu_count() or 0)
    pairs = set()
    for block in text.split("\n\n"):  # one block per logical CPU
        package = re.search(r"(?m)^physical id\s*:\s*(\d+)", block)
        core = re.search(r"(?m)^core id\s*:\s*(\d+)", block)
        if package and core:
            pairs.add((package.group(1), core.group(1)))
    physical = len(pairs)
    if not physical:
        per = re.search(r"(?m)^cpu cores\s*:\s*(\d+)", text)
        physical = int(per.group(1)) if per else 0
    return (model.group(1).strip() if model else platform.processor()), logical, physical


def _caches() -> tuple[str, ...]:
    """Cache levels of CPU 0 from sysfs, e.g. ("L1d 48K", "L1i 32K", "L2 2048K")."""
    out = []
    base = CPU_SYS / "cpu0" / "cache"
    for index in sorted(base.glob("index*")):
        level, kind, size = (_read(index / f) for f in ("level", "type", "size"))
        if not level or not size:
            continue
        suffix = {"Data": "d", "Instruction": "i"}.get(kind, "")
        out.append(f"L{level}{suffix} {size}")
    return tuple(out)


def _memory_mb() -> int:
    m = re.search(r"(?m)^MemTotal:\s*(\d+)\s*kB", _read("/proc/meminfo"))
    return int(m.group(1)) // 1024 if m else 0


def _governor() -> str:
    path = CPU_SYS / "cpu0" / "cpufreq" / "scaling_governor"
    if not path.exists():
        return "unreadable: no cpufreq in /sys (virtual machine or container?)"
    return _read(path) or "unreadable: permission denied"


def _first_line(argv: list[str], stdin: str | None = None) -> str:
    out = _run(argv, stdin)
    return out.splitlines()[0].strip() if out else ""


def _run(argv: list[str], stdin: str | None = None) -> str:
    if shutil.which(argv[0]) is None:
        return ""
    try:
        res = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=20,
                             check=False)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
    return res.stdout or res.stderr


def openmp_version(compiler: str = "g++") -> str:
    """The OpenMP version `compiler -fopenmp` implements and the runtime it links."""
    macros = _run([compiler, "-fopenmp", "-dM", "-E", "-x", "c++", "-"], stdin="")
    m = re.search(r"#define _OPENMP (\d+)", macros)
    spec = ""
    if m:
        value = int(m.group(1))
        spec = f"OpenMP {OPENMP_SPECS.get(value, str(value))} ({value})"
    runtime = ""
    for lib in ("libgomp.so", "libomp.so"):
        found = _run([compiler, f"-print-file-name={lib}"]).strip()
        if found and os.path.isabs(found) and os.path.exists(found):
            runtime = Path(os.path.realpath(found)).name
            break
    return ", ".join(p for p in (spec, runtime) if p) or "unknown"


@cache
def profile(compiler: str = "g++") -> MachineProfile:
    """The machine's profile (cached for the process: hardware does not change under us)."""
    model, logical, physical = _cpuinfo()
    return MachineProfile(
        cpu_model=model,
        logical_cpus=logical,
        physical_cores=physical,
        usable_cpus=usable_cpus(),
        caches=_caches(),
        memory_mb=_memory_mb(),
        compiler=_first_line([compiler, "--version"]),
        openmp=openmp_version(compiler),
        governor=_governor(),
        kernel=platform.release(),
    )


def loadavg() -> float:
    """The 1-minute load average (0.0 when unreadable)."""
    try:
        return float(_read("/proc/loadavg").split()[0])
    except (IndexError, ValueError):
        return 0.0


def run_queue() -> int:
    """Runnable tasks on the machine right now (`procs_running` of /proc/stat), this one included."""
    m = re.search(r"(?m)^procs_running\s+(\d+)", _read("/proc/stat"))
    return int(m.group(1)) if m else 0


def cpu_stall_us() -> int | None:
    """Microseconds during which some task waited for a CPU (PSI `some total`), since boot.

    The difference across a timed run says whether anything, ours or not, was kept from
    a CPU while it ran: near zero on a machine with a core per runnable thread. None when
    the kernel has no pressure-stall information."""
    m = re.search(r"(?m)^some .*total=(\d+)", _read("/proc/pressure/cpu"))
    return int(m.group(1)) if m else None
