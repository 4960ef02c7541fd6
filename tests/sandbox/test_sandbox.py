"""The sandbox with real processes: hangs, floods, fork bombs, escapes, secrets."""

import os
import time

import pytest

from parcodegen.sandbox.run import IS_ROOT, Limits, Workdir, live_pids, run


def sh(script: str, limits: Limits = Limits(wall_s=5), env=None):
    with Workdir("test") as wd:
        return run(["sh", "-c", script], wd, limits, env=env), wd.path


def test_plain_run_captures_output():
    r, _ = sh("echo hello; echo oops >&2; exit 3")
    assert r.returncode == 3 and r.stdout == "hello\n" and "oops" in r.stderr and not r.ok


def test_infinite_loop_is_killed_at_the_wall_limit():
    start = time.monotonic()
    r, _ = sh("while :; do :; done", Limits(wall_s=1))
    assert r.timed_out and time.monotonic() - start < 5 and "timed out" in r.describe()


def test_background_children_die_with_the_run():
    start = time.monotonic()
    with Workdir("test") as wd:
        uid = wd.uid
        # a daemon: double fork + setsid, holding no pipe of ours
        r = run(["sh", "-c", "setsid sh -c 'sleep 300' </dev/null >/dev/null 2>&1 & echo started"],
                wd, Limits(wall_s=5))  # fmt: skip
        if uid is not None:
            assert live_pids(uid) == []
    assert r.stdout.strip() == "started" and time.monotonic() - start < 5
    assert not any("sleep 300" in _cmdline(p) for p in os.listdir("/proc") if p.isdigit())


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_output_flood_is_capped():
    r, _ = sh(
        "head -c 50000000 /dev/zero | tr '\\0' 'x'", Limits(wall_s=20, file_mb=8, output_kb=4)
    )
    assert not r.ok
    assert len(r.stdout) <= 4096 and r.stdout_truncated


def test_big_file_write_hits_the_file_size_limit():
    r, wd = sh("exec dd if=/dev/zero of=big bs=1M count=100", Limits(wall_s=20, file_mb=5))
    assert r.returncode != 0
    assert "file size limit" in r.describe()  # dd is killed by SIGXFSZ


def test_memory_hog_is_stopped():
    r, _ = sh("exec python3 -c 'x = bytearray(3 * 1024**3)'", Limits(wall_s=20, memory_mb=512))
    # not root: the address-space limit (MemoryError); root: the cgroup kills it
    assert r.returncode != 0 and ("MemoryError" in r.stderr or r.memory_exceeded)


def test_environment_has_no_secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-test")
    monkeypatch.setenv("PARCODEGEN_API_KEY", "secret2")
    r, wd = sh("env")
    assert "sk-secret" not in r.stdout and "secret2" not in r.stdout
    assert f"HOME={wd}" in r.stdout


@pytest.mark.skipif(not IS_ROOT, reason="process limits and isolation need root (CI runs as root)")
def test_fork_bomb_is_contained():
    start = time.monotonic()
    with Workdir("test") as wd:
        uid = wd.uid
        r = run(
            ["sh", "-c", "bomb() { bomb | bomb & }; bomb; sleep 1"], wd, Limits(wall_s=5, nproc=64)
        )
    assert time.monotonic() - start < 15
    assert r.isolation == "full"
    # nothing of it survives: no live process is left under this run's sandbox uid (other
    # sandboxes on the machine have uids of their own; the dead wait for init to reap them)
    assert uid is not None and live_pids(uid) == []


@pytest.mark.skipif(not IS_ROOT, reason="filesystem isolation needs root (CI runs as root)")
def test_writes_outside_the_work_dir_fail(tmp_path):
    target = tmp_path / "escaped.txt"
    r, _ = sh(f"echo x > {target}; echo y > /tmp/pcg-escape-probe; echo z > inside && cat inside")
    assert not target.exists()
    assert not os.path.exists("/tmp/pcg-escape-probe")  # a private tmpfs, gone with the run
    assert "z" in r.stdout


@pytest.mark.skipif(not IS_ROOT, reason="dropping privileges needs root")
def test_runs_as_an_unprivileged_uid():
    r, _ = sh("id -u")
    assert int(r.stdout.strip()) >= 100_000_000


@pytest.mark.skipif(not IS_ROOT, reason="dropping privileges needs root")
def test_program_cannot_modify_a_file_handed_to_it(tmp_path):
    original = tmp_path / "prog.sh"
    original.write_text("#!/bin/sh\necho original\n")
    original.chmod(0o755)
    with Workdir("test") as wd:
        wd.add("prog.sh", original)
        r = run(["sh", "-c", "echo 'echo poisoned' >> prog.sh; ./prog.sh"], wd, Limits(wall_s=5))
    assert "original" in r.stdout
    assert "poisoned" not in original.read_text()


def test_concurrent_work_dirs_never_share_a_uid_and_do_not_kill_each_other():
    from concurrent.futures import ThreadPoolExecutor

    def job(i: int) -> str:
        with Workdir("t") as wd:
            return run(["sh", "-c", f"sleep 0.3; echo {i}"], wd, Limits(wall_s=10)).stdout.strip()

    # many short-lived dirs closing while others still run: none may be killed by another
    with ThreadPoolExecutor(max_workers=8) as pool:
        outs = list(pool.map(job, range(48)))
    assert outs == [str(i) for i in range(48)]
    if IS_ROOT:
        dirs = [Workdir("u") for _ in range(200)]
        assert len({d.uid for d in dirs}) == 200
        for d in dirs:
            d.close()
