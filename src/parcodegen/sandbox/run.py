"""The only code that starts processes on generated artifacts (compilers included).

Every run gets: its own work directory, its own session/process group, wall-clock and
CPU limits, file-size/process/open-file limits, an address-space limit (off for TSan),
stdout/stderr captured to files and capped, an environment built from scratch (no user
secrets), and the whole group killed at the end. As root it also runs the program as a
dedicated unprivileged uid inside a mount namespace where everything but the work
directory is read-only (see jail.c); where that is impossible the result says so.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from parcodegen.errors import InfraError
from parcodegen.sandbox.jail_build import jail_path

IS_ROOT = os.geteuid() == 0
SANDBOX_ROOT = Path(os.environ.get("PARCODEGEN_SANDBOX_DIR", "/var/tmp/parcodegen-sandbox"))
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
_uid_lock = threading.Lock()
_uids_in_use: set[int] = set()
UID_BASE, UID_SPAN = 100_000_000, 100_000_000
ETXTBSY_RETRIES = 5


@dataclass(frozen=True)
class Limits:
    wall_s: float = 10.0
    cpu_s: float | None = None  # default: wall * cores + 1
    memory_mb: int | None = 4096  # address space; None for sanitizers
    file_mb: int = 512  # largest file the program may write (stdout included)
    nproc: int = 256  # processes + threads (as the sandbox uid)
    output_kb: int = 64  # how much of stdout/stderr is kept


@dataclass(frozen=True)
class RunResult:
    argv: tuple[str, ...]
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    wall_s: float
    timed_out: bool = False
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    isolation: str = "full"  # "full", or why it is reduced
    notes: tuple[str, ...] = field(default_factory=tuple)
    launcher_failed: bool = False  # the launcher could not start the program (not its fault)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def signal_name(self) -> str | None:
        if self.returncode < 0:
            try:
                return signal.Signals(-self.returncode).name
            except ValueError:
                return f"signal {-self.returncode}"
        return None

    def describe(self) -> str:
        """One line saying how the run ended, for logs and model feedback."""
        if self.timed_out:
            return f"timed out after {self.wall_s:.1f}s (killed)"
        if self.returncode == -signal.SIGXFSZ:
            return "killed: output file size limit exceeded (the program writes too much)"
        if self.returncode == -signal.SIGXCPU:
            return "killed: CPU time limit exceeded"
        if self.signal_name:
            return f"killed by {self.signal_name}"
        return f"exit status {self.returncode}"


def _next_uid() -> int:
    """A uid no other live sandbox uses: unique in this process, random across processes.

    Cleanup kills every process of the uid, so two live work dirs must never share one.
    """
    with _uid_lock:
        while True:
            uid = UID_BASE + random.randrange(UID_SPAN)
            if uid not in _uids_in_use:
                _uids_in_use.add(uid)
                return uid


def _release_uid(uid: int) -> None:
    with _uid_lock:
        _uids_in_use.discard(uid)


class Workdir:
    """A private directory for one sandboxed job; removed on close."""

    def __init__(self, prefix: str = "job"):
        SANDBOX_ROOT.mkdir(parents=True, exist_ok=True)
        try:
            SANDBOX_ROOT.chmod(0o1777)
        except PermissionError:
            pass
        self.path = Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=SANDBOX_ROOT))
        self.uid = _next_uid() if IS_ROOT else None
        if self.uid is not None:
            os.chown(self.path, self.uid, self.uid)
        self.path.chmod(0o700)

    def add(self, name: str, data: bytes | str | Path) -> Path:
        dest = self.path / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            try:
                # A hard link leaves no writable descriptor for a concurrent fork to
                # inherit. It stays owned by us (read-only to the sandbox uid), so a
                # program cannot modify the cached original through it.
                os.link(data, dest)
                return dest
            except OSError:
                shutil.copyfile(data, dest)
        elif isinstance(data, str):
            dest.write_text(data)
        else:
            dest.write_bytes(data)
        if self.uid is not None:
            os.chown(dest, self.uid, self.uid)
        return dest

    def close(self) -> None:
        try:
            if self.uid is not None:
                kill_uid(self.uid)
        finally:
            shutil.rmtree(self.path, ignore_errors=True)
            if self.uid is not None:
                _release_uid(self.uid)
                self.uid = None

    def __enter__(self) -> Workdir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def kill_uid(uid: int) -> int:
    """SIGKILL every process owned by `uid` (the sandbox uid is used by nothing else).

    A /proc scan first (cheap; finds nothing after a well-behaved run). A process that
    forks faster than a scan can see it (a fork bomb) can outrun one, so when the scan
    found anything, the uid itself sends SIGKILL to -1: the kernel signals every process
    of the uid in one sweep that new forks cannot slip past. Then scan again to check.
    """
    killed = _scan_kill(uid)
    if killed and IS_ROOT:
        for _ in range(5):
            try:  # an empty environment: a surviving sandbox process could read this one's
                subprocess.run(["/bin/sh", "-c", "kill -s KILL -- -1"], user=uid, group=uid,
                               extra_groups=[], env={"PATH": "/usr/bin:/bin"},
                               capture_output=True, check=False, timeout=10)  # fmt: skip
            except (OSError, subprocess.SubprocessError) as exc:
                raise InfraError(f"cannot clean up sandbox uid {uid}: {exc}") from exc
            if _scan_kill(uid) == 0:
                break
    return killed


def live_pids(uid: int) -> list[int]:
    """Processes of `uid` that still run (zombies, dead and waiting to be reaped, are not)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            with open(f"/proc/{entry}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if state not in ("Z", "X"):
            pids.append(int(entry))
    return pids


def _scan_kill(uid: int) -> int:
    killed = 0
    for pid in live_pids(uid):
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            continue
    return killed


def scrubbed_env(extra: dict[str, str] | None, home: Path) -> dict[str, str]:
    """An environment built from nothing: no API keys, tokens or user variables."""
    env = {"PATH": BASE_PATH, "HOME": str(home), "TMPDIR": str(home), "LANG": "C.UTF-8"}
    env.update(extra or {})
    return env


def _read_capped(path: Path, cap: int) -> tuple[str, bool]:
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            data = fh.read(cap)
    except FileNotFoundError:
        return "", False
    return data.decode("utf-8", "replace"), size > cap


def run(
    argv: list[str],
    workdir: Workdir,
    limits: Limits = Limits(),
    env: dict[str, str] | None = None,
    isolate_fs: bool = True,
) -> RunResult:
    """Run argv inside `workdir` under `limits`. Never raises for the program's behaviour."""
    cores = os.cpu_count() or 1
    cpu = limits.cpu_s if limits.cpu_s is not None else limits.wall_s * cores + 1
    jail = [
        str(jail_path()),
        "--cpu",
        str(max(1, int(cpu + 0.999))),
        "--fsize",
        str(limits.file_mb),
    ]
    if limits.memory_mb:
        jail += ["--as", str(limits.memory_mb)]
    notes: list[str] = []
    if workdir.uid is not None:
        jail += ["--uid", str(workdir.uid), "--nproc", str(limits.nproc)]
        if isolate_fs:
            jail.append("--isolate-fs")
    else:
        notes.append("not root: no dedicated uid, no filesystem isolation, process limit not set")
    out_path, err_path = workdir.path / ".stdout", workdir.path / ".stderr"
    for attempt in range(ETXTBSY_RETRIES):
        start = time.monotonic()
        proc, timed_out = _launch(jail + ["--"] + argv, workdir, limits, env, out_path, err_path)
        # A file just written may still be open for writing in a child that another thread
        # forked (fork-then-exec race): exec then fails with "Text file busy". Not the
        # program's fault: wait a moment and launch again.
        if proc.returncode != 124 or "Text file busy" not in _read_capped(err_path, 4096)[0]:
            break
        time.sleep(0.05 * (attempt + 1))
    wall = time.monotonic() - start
    cap = limits.output_kb * 1024
    stdout, out_trunc = _read_capped(out_path, cap)
    stderr, err_trunc = _read_capped(err_path, cap)
    isolation = "full" if workdir.uid is not None and isolate_fs else "reduced"
    if "pcg-jail: isolation: unavailable" in stderr:
        isolation = "reduced"
        notes.append("filesystem isolation unavailable (no mount namespace)")
        stderr = "\n".join(
            ln for ln in stderr.splitlines() if not ln.startswith("pcg-jail: isolation")
        )
    launcher_failed = 120 <= proc.returncode <= 124 and "pcg-jail:" in stderr
    if launcher_failed:
        notes.append("the sandbox launcher failed")
    return RunResult(
        argv=tuple(argv), returncode=proc.returncode, stdout=stdout, stderr=stderr, wall_s=wall,
        timed_out=timed_out, stdout_truncated=out_trunc, stderr_truncated=err_trunc,
        isolation=isolation, notes=tuple(notes), launcher_failed=launcher_failed,
    )  # fmt: skip


def _launch(argv, workdir, limits, env, out_path, err_path):
    timed_out = False
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            argv,
            cwd=workdir.path,
            env=scrubbed_env(env, workdir.path),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=limits.wall_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if workdir.uid is not None:
                kill_uid(workdir.uid)
            proc.wait()
    return proc, timed_out


def jail_failed(result: RunResult) -> bool:
    return result.launcher_failed
