"""What the sandbox isolates, each shown with a real process: no network, no other
process visible, no_new_privs, the cgroup's memory and process limits, the tmpfs work
dir's size, pipes for output, the launcher's report channel; and the parent's own file
handling (nothing followed or waited on in the work dir, cache entries checked by hash).
"""

from __future__ import annotations

import os
import sys
import subprocess
import time
from pathlib import Path

import pytest

from parcodegen.sandbox.run import IS_ROOT, HarnessIO, Limits, Workdir, run
from parcodegen.sandbox.trusted import (
    UntrustedFile,
    is_verified,
    publish,
    read_plain,
    verified_bytes,
)
from parcodegen.tools.build import call_times

needs_root = pytest.mark.skipif(
    not IS_ROOT,
    reason="REDUCED: not root, so no sandbox uid, namespaces, cgroup or tmpfs work dir "
    "(CI runs as root)",
)


def sh(script: str, limits: Limits = Limits(wall_s=10), **kw):
    with Workdir("iso") as wd:
        return run(["sh", "-c", script], wd, limits, **kw)


@needs_root
def test_no_network_only_a_loopback_that_is_down():
    r = sh(
        'tail -n +3 /proc/net/dev | cut -d: -f1; python3 -c "import socket; '
        "socket.create_connection(('127.0.0.1', 22), 2)\" 2>&1 | tail -1"
    )
    lines = r.stdout.split("\n")
    assert lines[0].strip() == "lo" and "unreachable" in r.stdout, r.stdout
    assert r.isolation == "full", r.notes


@needs_root
def test_only_its_own_processes_are_visible_and_no_new_privs():
    r = sh("ls /proc | grep -c '^[0-9]'; grep NoNewPrivs /proc/self/status; id -u")
    count, _, nnp, uid = r.stdout.split()
    assert int(count) <= 4  # sh, ls, grep (init, root, is hidden)
    assert nnp == "1" and int(uid) >= 100_000_000


@needs_root
def test_the_cgroup_caps_resident_memory_without_an_address_space_limit():
    hog = "exec python3 -c 'x = bytearray(1536 * 1024 * 1024); print(len(x))'"
    r = sh(hog, Limits(wall_s=30, memory_mb=None, resident_mb=256))
    assert r.returncode != 0 and r.memory_exceeded
    assert "memory limit exceeded" in r.describe()


@needs_root
def test_the_cgroup_caps_processes_and_threads():
    r = sh("for i in $(seq 60); do sleep 5 & done; wait", Limits(wall_s=20, nproc=20))
    assert "fork" in r.stderr.lower() or "resource" in r.stderr.lower(), r.stderr


@needs_root
def test_the_work_dir_is_a_bounded_tmpfs():
    with Workdir("iso", size_mb=16) as wd:
        r = run(["sh", "-c", "dd if=/dev/zero of=big bs=1M count=64 2>&1; df -m . | tail -1"],
                wd, Limits(wall_s=20))  # fmt: skip
    assert "No space left" in r.stdout, r.stdout


def test_output_goes_through_pipes_and_a_planted_output_file_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    r = sh(f"ln -s {secret} .stdout; ln -s {secret} .stderr; mkfifo out.bin; echo visible")
    assert r.stdout == "visible\n" and "TOP-SECRET" not in r.stdout + r.stderr


def test_a_forged_launcher_message_is_the_programs_failure_not_the_launchers():
    r = sh("echo 'pcg-jail: cannot run ./prog: Text file busy' >&2; exit 124")
    assert r.returncode == 124 and not r.launcher_failed


def test_parameters_arrive_only_after_the_program_says_it_started(tmp_path):
    script = (
        "timeout 1 cat; echo before; printf R >&3; cat; printf S >&3; printf E >&3; echo res >&4"
    )
    with open(tmp_path / "res", "w+b") as results, Workdir("iso") as wd:
        r = run(["sh", "-c", script], wd, Limits(wall_s=10),
                harness=HarnessIO(b"seed 5\n", results))  # fmt: skip
        results.seek(0)
        assert results.read() == b"res\n"
    assert r.stdout == "before\nseed 5\n"  # nothing to read before 'R'
    assert [c for c, _ in r.events] == ["R", "S", "E"] and call_times(r.events)[1] is None


def test_forged_event_sequences_are_not_trusted():
    assert call_times((("R", 0.0), ("S", 1.0), ("E", 2.0)))[0] == (1.0,)
    for bad in ["SE", "RSEE", "RRSE", "RS", "R?SE", "RES", "R"]:
        events = tuple((c, float(i)) for i, c in enumerate(bad))
        assert call_times(events)[1] is not None, bad


def test_read_plain_refuses_symlinks_fifos_and_big_files(tmp_path):
    (tmp_path / "ok").write_bytes(b"x" * 10)
    assert read_plain(tmp_path / "ok", 10) == b"x" * 10
    os.symlink("/etc/hostname", tmp_path / "link")
    os.mkfifo(tmp_path / "fifo")
    start = time.monotonic()
    for name, limit in (("link", 100), ("fifo", 100), ("ok", 9), ("missing", 100)):
        with pytest.raises(UntrustedFile):
            read_plain(tmp_path / name, limit)
    assert time.monotonic() - start < 1  # the FIFO is not waited on


def test_cache_entries_are_used_only_with_their_recorded_hash(tmp_path):
    d = tmp_path / "cache"
    d.mkdir(mode=0o755)
    entry = publish(b"object code", d / "k.o")
    assert verified_bytes(entry) == b"object code" and is_verified(entry)
    entry.write_bytes(b"tampered")
    with pytest.raises(UntrustedFile, match="hash"):
        verified_bytes(entry)
    assert not is_verified(entry) and not entry.exists()  # removed: it will be rebuilt
    entry = publish(b"object code", d / "k.o")
    entry.chmod(0o666)
    assert not is_verified(entry)
    os.symlink("/bin/sh", d / "s.o")
    Path(d / "s.o.sha256").write_text("0" * 64)
    assert not is_verified(d / "s.o")


def _publish_and_check(d: str, who: int, rounds: int) -> int:
    """Publish this process's bytes to one entry and read it back; mismatches seen."""
    bad = 0
    for r in range(rounds):
        entry = Path(d) / f"k{r}.exe"
        publish(f"binary of process {who}".encode() * 2000, entry)
        try:
            verified_bytes(entry)
        except UntrustedFile:
            bad += 1
    return bad


def test_processes_publishing_one_entry_at_once_leave_a_consistent_entry(tmp_path):
    """Three processes that linked one binary at once (bytes that differed) left the hash
    of one beside the content of another: a run refused it. The first publication stays."""
    import multiprocessing

    d = tmp_path / "bin"
    d.mkdir(mode=0o755)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        bad = pool.starmap(_publish_and_check, [(str(d), who, 200) for who in range(4)])
    assert sum(bad) == 0
    assert all(is_verified(d / f"k{r}.exe") for r in range(200))


def test_without_root_the_record_says_what_is_reduced():
    r = sh("true")
    if IS_ROOT:
        assert r.isolation == "full", r.notes
    else:
        assert r.isolation == "reduced" and any("not root" in n for n in r.notes)


@needs_root
def test_what_a_killed_parcodegen_left_behind_is_swept():
    from parcodegen.sandbox import run as run_mod
    from parcodegen.sandbox.cgroup import RunCgroup

    dead = subprocess.Popen(["true"])
    dead.wait()
    cg, why = RunCgroup.create(64, 8)
    assert cg is not None, why
    stale_dirs = [d.rename(d.with_name(f"parcodegen-{dead.pid}-stale{i}"))
                  for i, d in enumerate(cg.dirs)]  # fmt: skip
    stale_wd = run_mod.SANDBOX_ROOT / f"t-p{dead.pid}-stale"
    stale_wd.mkdir(parents=True)
    assert run_mod._mount_tmpfs(stale_wd, 16, 100_000_001) is None  # as a killed process left it
    run_mod._swept.discard(os.getpid())
    run_mod.Workdir("t").close()  # the first work dir of a process sweeps
    assert not any(d.exists() for d in stale_dirs)
    assert str(stale_wd) not in Path("/proc/self/mounts").read_text() and not stale_wd.exists()


def test_a_run_dies_with_the_process_that_started_it(tmp_path):
    # a pool worker SIGKILLed with its CLI cannot clean up: the launcher (and, isolated,
    # the namespace's init with everything in it) must die with it, not run to --wall
    suffix = f"{os.getpid()}-{time.monotonic_ns()}"
    marker = f"pcg-orphan-{suffix}"  # only the sandboxed shell's command line holds it whole
    starter = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\n"
         "from parcodegen.sandbox.run import Limits, Workdir, run\n"
         "with Workdir('orphan') as wd:\n"
         f"    run(['sh', '-c', 'sleep 120; : pcg-orphan-' + '{suffix}'], wd, Limits(wall_s=120))\n"],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )  # fmt: skip

    def alive() -> list[str]:
        out = subprocess.run(
            ["pgrep", "-f", marker], check=False, capture_output=True, text=True
        ).stdout
        return out.split()

    deadline = time.monotonic() + 30
    while not alive():
        assert starter.poll() is None and time.monotonic() < deadline, "never started"
        time.sleep(0.05)
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 5
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = alive()
    for pid in left:
        subprocess.run(["kill", "-9", pid], check=False)
    assert not left, f"the sandboxed program outlived its starter: {left}"
