"""The only code that starts processes on generated artifacts (compilers included).

Every run goes through the launcher `pcg-jail` (jail.c), which stays as a supervisor:
its own session, wall and CPU limits, file-size/process/open-file limits, an
address-space limit (off for TSan), no_new_privs, an environment built from scratch (no
user secrets), and everything the run started killed at the end. As root each run also
gets a dedicated unprivileged uid, new PID/mount/network/IPC/UTS namespaces (no network,
no other process visible, everything but the work directory read-only), a cgroup with a
memory and a process limit (these hold under TSan too) and a work directory that is a
tmpfs of bounded size. Where any of that is impossible the result says so (`isolation`,
`notes`).

Nothing the parent opens lives where the program can write: stdout and stderr are
pipes, results come back through a descriptor opened before the start (see
`HarnessIO`), the launcher's report comes through a close-on-exec pipe the program never
holds, and a file still read from the work directory (a compiler's output) is opened
with O_NOFOLLOW|O_NONBLOCK and must be a plain file of bounded size (`Workdir.read`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import random
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from parcodegen.errors import InfraError
from parcodegen.sandbox import live
from parcodegen.sandbox.cgroup import RunCgroup
from parcodegen.sandbox.cgroup import sweep_stale as sweep_stale_cgroups
from parcodegen.sandbox.jail_build import jail_path
from parcodegen.sandbox.trusted import UntrustedFile, read_plain, verified_bytes

IS_ROOT = os.geteuid() == 0
SANDBOX_ROOT = Path(os.environ.get("PARCODEGEN_SANDBOX_DIR", "/var/tmp/parcodegen-sandbox"))
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
_uid_lock = threading.Lock()
_uids_in_use: set[int] = set()
UID_BASE, UID_SPAN = 100_000_000, 100_000_000
EXEC_RETRIES = 5  # exec failing with "Text file busy" (see run)
REPORT_GRACE_S = 10.0  # the launcher's own deadline beyond the program's wall limit
MAX_EVENTS = 4096


@dataclass(frozen=True)
class Limits:
    wall_s: float = 10.0
    cpu_s: float | None = None  # default: wall * cores + 1
    memory_mb: int | None = 4096  # address space; None for sanitizers
    file_mb: int = 512  # largest file the program may write (the results file included)
    nproc: int = 256  # processes + threads (as the sandbox uid, and the cgroup's pids.max)
    output_kb: int = 64  # how much of stdout/stderr is kept
    resident_mb: int = 8192  # the cgroup's memory limit: holds under TSan too
    workdir_mb: int = 512  # size of the work directory (a tmpfs, as root)


@dataclass(frozen=True)
class RunResult:
    argv: tuple[str, ...]
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    wall_s: float  # measured by the launcher: fork to the end of the program
    timed_out: bool = False
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    isolation: str = "full"  # "full", or why it is reduced
    notes: tuple[str, ...] = field(default_factory=tuple)
    launcher_failed: bool = (
        False  # the launcher (not the program) failed: never the program's fault
    )
    cpu_s: float = 0.0  # user + system time of everything the run reaped (launcher's rusage)
    events: tuple[tuple[str, float], ...] = ()  # harness events (code, seconds since the start)
    memory_exceeded: bool = False  # the cgroup's memory limit killed a process

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.launcher_failed

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
        if self.launcher_failed:
            return "the sandbox launcher failed (not the program's fault)"
        if self.timed_out:
            return f"timed out after {self.wall_s:.1f}s (killed)"
        if self.memory_exceeded:
            return "killed: memory limit exceeded"
        if self.returncode == -signal.SIGXFSZ:
            return "killed: output file size limit exceeded (the program writes too much)"
        if self.returncode == -signal.SIGXCPU:
            return "killed: CPU time limit exceeded"
        if self.signal_name:
            return f"killed by {self.signal_name}"
        return f"exit status {self.returncode}"


@dataclass
class HarnessIO:
    """The harness protocol of one run (see data/harness/parcodegen_harness.h).

    `params` is sent on the program's stdin only after it said it started ('R' on fd 3),
    so nothing in argv, the environment or the files can tell it the input before then.
    The program writes its output records to fd 4: `results`, a file the parent opened
    outside the work directory (read it from the start after the run). `inputs`, when
    given, is a descriptor the program gets as fd 5: stored inputs to read (a sealed
    memfd, see tools.stored_inputs), never written by it.
    """

    params: bytes
    results: IO[bytes]
    inputs: int | None = None


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


_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
MNT_DETACH = 2
MS_NOSUID, MS_NODEV = 2, 4


def _mount_tmpfs(path: Path, size_mb: int, uid: int) -> str | None:
    """Mount a tmpfs of `size_mb` at `path` owned by `uid`; None, or why not."""
    opts = f"size={size_mb}m,mode=0700,uid={uid},gid={uid}".encode()
    if _libc.mount(b"tmpfs", bytes(path), b"tmpfs", MS_NOSUID | MS_NODEV, opts) != 0:
        return os.strerror(ctypes.get_errno())
    return None


def _umount(path: Path) -> None:
    _libc.umount2(bytes(path), MNT_DETACH)


class Workdir:
    """A private directory for one sandboxed job; removed on close.

    As root it is a tmpfs of `size_mb` owned by a fresh sandbox uid; files the parent
    adds stay owned by root (the program can read, not modify them).
    """

    def __init__(self, prefix: str = "job", size_mb: int = 512):
        SANDBOX_ROOT.mkdir(parents=True, exist_ok=True)
        try:
            SANDBOX_ROOT.chmod(0o1777)
        except PermissionError:
            pass
        _sweep_once()
        # the owner's pid in the name: a sweep can tell a dead process's leftovers
        self.path = Path(tempfile.mkdtemp(prefix=f"{prefix}-p{os.getpid()}-", dir=SANDBOX_ROOT))
        self.uid = _next_uid() if IS_ROOT else None
        self.mounted = False
        self.notes: list[str] = []
        if self.uid is not None:
            why = _mount_tmpfs(self.path, size_mb, self.uid)
            if why is None:
                self.mounted = True
            else:
                self.notes.append(f"work directory size not limited (tmpfs: {why})")
                os.chown(self.path, self.uid, self.uid)
        else:
            self.notes.append("work directory size not limited (not root)")
        self.path.chmod(0o700)

    def add(self, name: str, data: bytes | str | Path) -> Path:
        """Put a file in the work directory: a copy, never a link to the original.

        A Path is read as a published cache entry (owner, mode and content hash checked,
        see sandbox.trusted) when it has a recorded hash, else as a plain file.
        """
        dest = self.path / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            try:
                payload = verified_bytes(data) if _has_hash(data) else read_plain(data, 1 << 31)
            except UntrustedFile as exc:
                raise InfraError(f"refusing to use {data}: {exc}") from None
            mode = 0o755 if os.stat(data).st_mode & 0o111 else 0o644
        else:
            payload = data.encode() if isinstance(data, str) else data
            mode = 0o644
        fd = os.open(
            dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode
        )
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        return dest

    def read(self, name: str, max_bytes: int) -> bytes:
        """A file the program wrote, if it is a plain file of at most `max_bytes`."""
        return read_plain(self.path / name, max_bytes)

    def close(self) -> None:
        try:
            if self.uid is not None:
                kill_uid(self.uid)
        finally:
            if self.mounted:
                _umount(self.path)
                self.mounted = False
            shutil.rmtree(self.path, ignore_errors=True)
            if self.uid is not None:
                _release_uid(self.uid)
                self.uid = None

    def __enter__(self) -> Workdir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_swept: set[int] = set()
_sweep_lock = threading.Lock()
STALE_UNTAGGED_S = 3600.0  # a work dir without an owner pid (older versions) this old is stale


def _sweep_once() -> None:
    """Once per process: what killed parcodegen processes left behind (their tmpfs work
    dirs and cgroups, and processes still in them) is removed."""
    with _sweep_lock:
        if os.getpid() in _swept:
            return
        _swept.add(os.getpid())
    if not IS_ROOT:
        return
    sweep_stale_cgroups()
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return
    root = str(SANDBOX_ROOT) + "/"
    for line in mounts:
        parts = line.split()
        if len(parts) < 3 or not parts[1].startswith(root) or parts[2] != "tmpfs":
            continue
        path = Path(parts[1].replace("\\040", " "))
        m = re.search(r"-p(\d+)-", path.name)
        if m is not None:
            stale = not Path(f"/proc/{m.group(1)}").exists()
        else:
            try:
                stale = time.time() - path.stat().st_mtime > STALE_UNTAGGED_S
            except OSError:
                stale = False
        if stale:
            _umount(path)
            shutil.rmtree(path, ignore_errors=True)


def _has_hash(path: Path) -> bool:
    return os.path.lexists(path.with_name(path.name + ".sha256"))


def _uids_of(pid: str) -> set[int]:
    """Real, effective, saved and filesystem uid of a process (empty when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("Uid:"):
                    return {int(x) for x in line.split()[1:]}
    except (OSError, ValueError):
        pass
    return set()


def kill_uid(uid: int) -> int:
    """SIGKILL every process that has `uid` as its real, effective or saved uid.

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
    """Processes with `uid` as any of their uids that still run (zombies are not)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or uid not in _uids_of(entry):
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
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


@dataclass
class _Report:
    """What the launcher said on its status pipe."""

    returncode: int | None = None
    timed_out: bool = False
    wall_s: float = 0.0
    cpu_s: float = 0.0
    exec_errno: int | None = None
    launcher_errors: list[str] = field(default_factory=list)
    isolation_notes: list[str] = field(default_factory=list)
    events: list[tuple[str, float]] = field(default_factory=list)
    complete: bool = False


def _parse_report(text: str) -> _Report:
    rep = _Report()
    for line in text.splitlines():
        key, _, rest = line.partition(" ")
        try:
            if key == "exit":
                rep.returncode = int(rest)
            elif key == "signal":
                rep.returncode = -int(rest)
            elif key == "timed-out":
                rep.timed_out = rest.strip() == "1"
            elif key == "wall-ns":
                rep.wall_s = int(rest) / 1e9
            elif key == "cpu-ns":
                rep.cpu_s = sum(int(x) for x in rest.split()) / 1e9
            elif key == "exec-error":
                rep.exec_errno = int(rest.split()[0])
            elif key == "launcher-error":
                rep.launcher_errors.append(rest)
            elif key == "isolation":
                rep.isolation_notes.append(rest)
            elif key == "event":
                code, ns = rest.split()
                if len(rep.events) < MAX_EVENTS:
                    rep.events.append((code, int(ns) / 1e9))
            elif key == "events-overflow":
                rep.events.append(("?", float("nan")))
            elif key == "end":
                rep.complete = True
        except (ValueError, IndexError):
            rep.launcher_errors.append(f"unreadable report line {line[:80]!r}")
    return rep


def run(
    argv: list[str],
    workdir: Workdir,
    limits: Limits = Limits(),
    env: dict[str, str] | None = None,
    isolate_fs: bool = True,
    harness: HarnessIO | None = None,
) -> RunResult:
    """Run argv inside `workdir` under `limits`. Never raises for the program's behaviour."""
    cores = os.cpu_count() or 1
    cpu = limits.cpu_s if limits.cpu_s is not None else limits.wall_s * cores + 1
    jail = [str(jail_path()), "--cpu", str(max(1, int(cpu + 0.999))), "--fsize", str(limits.file_mb),
            "--wall", f"{limits.wall_s:.3f}"]  # fmt: skip
    notes: list[str] = list(workdir.notes)
    if workdir.uid is not None:
        jail += ["--uid", str(workdir.uid), "--nproc", str(limits.nproc)]
        if isolate_fs:
            jail.append("--isolate")
    else:
        notes.append("not root: no dedicated uid, no namespaces, no cgroup, process limit not set")
    # With a cgroup, memory is limited there (resident memory, `memory_mb` if smaller) and
    # never by address space: every run then has the same rlimits, so a program cannot
    # tell the race build (where TSan needs a huge address space) from the tested one.
    resident = min(limits.resident_mb, limits.memory_mb or limits.resident_mb)
    cgroup, why = (
        RunCgroup.create(resident, limits.nproc) if workdir.uid is not None else (None, "not root")
    )
    if cgroup is None:
        notes.append(f"no cgroup memory/process limits ({why})")
        if limits.memory_mb:
            jail += ["--as", str(limits.memory_mb)]
    else:
        for d in cgroup.dirs:
            jail += ["--cgroup", str(d)]
    try:
        for attempt in range(EXEC_RETRIES):
            rep, out, err = _launch(jail, argv, workdir, limits, env, harness)
            # A file just written may still be open for writing in a child that another
            # thread forked (fork-then-exec race): exec then fails with "Text file busy".
            # The launcher says so on its own close-on-exec pipe, which the program never
            # holds (it never ran): wait a moment and launch again.
            if rep.exec_errno != errno.ETXTBSY:
                break
            time.sleep(0.05 * (attempt + 1))
        memory_exceeded = cgroup.oom_killed() if cgroup is not None else False
        # Namespaced and in a cgroup, nothing of the run outlives it (init's end kills the
        # namespace, the cgroup's removal below kills what is left); otherwise sweep the
        # uid now. Workdir.close sweeps the uid in any case.
        if workdir.uid is not None and (cgroup is None or rep.isolation_notes):
            kill_uid(workdir.uid)
    finally:
        if cgroup is not None:
            cgroup.remove()
    isolation = "full" if workdir.uid is not None and isolate_fs else "reduced"
    for note in rep.isolation_notes:
        if "not requested" in note:
            continue
        isolation = "reduced"
        notes.append(note)
    if cgroup is None or not workdir.mounted:
        isolation = "reduced"
    launcher_failed = bool(rep.launcher_errors) or rep.returncode is None or not rep.complete
    stderr = err[0]
    if rep.exec_errno is not None:
        # the program never started: what is run is always the parent's own fresh file
        # (or a tool), never something the candidate could remove or replace
        launcher_failed = True
        rep.launcher_errors.append(f"cannot run {argv[0]}: {os.strerror(rep.exec_errno)}")
        stderr += f"cannot run {argv[0]}: {os.strerror(rep.exec_errno)}\n"
        returncode = 127
    else:
        returncode = rep.returncode if rep.returncode is not None else 120
    if launcher_failed:
        notes.append(
            "the sandbox launcher failed: " + "; ".join(rep.launcher_errors or ["no report"])
        )
    return RunResult(
        argv=tuple(argv), returncode=returncode, stdout=out[0], stderr=stderr,
        wall_s=rep.wall_s, timed_out=rep.timed_out, stdout_truncated=out[1],
        stderr_truncated=err[1], isolation=isolation, notes=tuple(notes),
        launcher_failed=launcher_failed, cpu_s=rep.cpu_s, events=tuple(rep.events),
        memory_exceeded=memory_exceeded,
    )  # fmt: skip


def _launch(jail, argv, workdir, limits, env, harness):
    """Start the launcher, drain its pipes (capped) and return (report, stdout, stderr)."""
    live.check_open()  # an interrupt is being handled: start nothing new
    status_r, status_w = os.pipe2(os.O_CLOEXEC)
    pass_fds = [status_w]
    cmd = list(jail) + ["--status-fd", str(status_w)]
    params_r = None
    if harness is not None:
        params_r, params_w = os.pipe2(os.O_CLOEXEC)
        try:
            os.write(params_w, harness.params[:60000])
        finally:
            os.close(params_w)
        harness.results.seek(0)
        harness.results.truncate()
        cmd += ["--harness", str(params_r), str(harness.results.fileno())]
        pass_fds += [params_r, harness.results.fileno()]
        if harness.inputs is not None:
            cmd += ["--inputs", str(harness.inputs)]
            pass_fds.append(harness.inputs)
    try:
        proc = subprocess.Popen(
            cmd + ["--"] + argv,
            cwd=workdir.path,
            env=scrubbed_env(env, workdir.path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=pass_fds,
            start_new_session=True,
        )
        live.add(proc.pid, workdir.uid)  # its own session: killed by us on an interrupt
    finally:
        os.close(status_w)
        if params_r is not None:
            os.close(params_r)
    cap = limits.output_kb * 1024
    assert proc.stdout is not None and proc.stderr is not None
    # [kept bytes, truncated, cap, total received]; past `file_mb` in all, the pipe is
    # closed (the program dies of SIGPIPE, as it would of SIGXFSZ writing a file)
    streams = {proc.stdout.fileno(): [bytearray(), False, cap, 0],
               proc.stderr.fileno(): [bytearray(), False, cap, 0],
               status_r: [bytearray(), False, 1 << 20, 0]}  # fmt: skip
    flood = limits.file_mb << 20
    pipes = {proc.stdout.fileno(): proc.stdout, proc.stderr.fileno(): proc.stderr}
    deadline = time.monotonic() + limits.wall_s + REPORT_GRACE_S
    sel = selectors.DefaultSelector()
    for fd in streams:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    exited_at: float | None = None
    try:
        while sel.get_map():
            now = time.monotonic()
            if now > deadline:  # the launcher itself hangs: kill it and its group
                _kill_group(proc.pid)
                break
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > 1.0:
                break  # the launcher is gone; what still holds a pipe is swept below
            for key, _ in sel.select(timeout=0.2):
                fd = key.fd
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(fd)
                    continue
                buf = streams[fd]
                room = buf[2] - len(buf[0])
                if room > 0:
                    buf[0] += chunk[:room]
                if len(chunk) > room:
                    buf[1] = True
                buf[3] += len(chunk)
                if buf[3] > flood and fd in pipes:
                    sel.unregister(fd)
                    pipes.pop(fd).close()
    finally:
        sel.close()
        _kill_group(proc.pid)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired as exc:  # pragma: no cover - a kernel problem
            raise InfraError("the sandbox launcher does not exit") from exc
        live.discard(proc.pid)
        for pipe in pipes.values():
            pipe.close()
        os.close(status_r)
    report = _parse_report(streams[status_r][0].decode("utf-8", "replace"))
    if proc.returncode != 0 and not report.launcher_errors:
        report.launcher_errors.append(f"launcher exit status {proc.returncode}")
    bufs = list(streams.values())  # stdout, stderr, status: in insertion order
    return report, _text(bufs[0]), _text(bufs[1])


def _text(buf) -> tuple[str, bool]:
    return bytes(buf[0]).decode("utf-8", "replace"), bool(buf[1])


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def jail_failed(result: RunResult) -> bool:
    """The launcher, not the program, failed (from the launcher's own report)."""
    return result.launcher_failed
