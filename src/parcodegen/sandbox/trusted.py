"""Files the parent trusts: cache entries (objects, binaries, the launcher) and results.

A cache entry is published with its SHA-256 beside it (`NAME.sha256`) and is used only
if it is a regular file owned by this process's user, writable by no one else, in a
directory writable by no one else, and its content still has that hash. Anything read
back from a work directory (a compiler's output) is opened with O_NOFOLLOW|O_NONBLOCK
and must be a regular file of bounded size: a symlink, a FIFO or a device planted by a
sandboxed program is refused, never followed or waited on.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HASH_SUFFIX = ".sha256"


class UntrustedFile(Exception):
    """A file the parent was about to use is not what it published (or not a plain file)."""


def read_plain(path: Path, max_bytes: int, private: bool = False) -> bytes:
    """The bytes of `path` if it is a regular file (not a symlink) of at most `max_bytes`
    (and, with `private`, owned by us and writable by no one else)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise UntrustedFile(f"{path.name}: cannot open as a plain file ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UntrustedFile(f"{path.name}: not a regular file")
        if private and not _private(st):
            raise UntrustedFile(f"{path}: not owned by us or writable by others")
        if st.st_size > max_bytes:
            raise UntrustedFile(f"{path.name}: {st.st_size} bytes, more than {max_bytes}")
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise UntrustedFile(f"{path.name}: grew beyond {max_bytes} bytes while read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _private(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def publish(data: bytes, dest: Path, mode: int = 0o755) -> Path:
    """Write `data` to `dest` atomically, with its hash beside it; owned by us, not writable
    by others. The first to publish an entry keeps it (its directory is locked meanwhile):
    three processes that linked one race binary at once (the same key, bytes that
    differed) left the hash of one beside the content of another, and a run refused the
    binary (InfraError: content does not match its recorded hash)."""
    with _locked(dest.parent):
        if not _verified_or_removed(dest):
            _write_pair(data, dest, mode)
    return dest


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold `directory`'s lock (flock: other processes and other threads wait)."""
    dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(dfd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(dfd)  # (releases the lock)


def _write_pair(data: bytes, dest: Path, mode: int) -> None:
    digest = hashlib.sha256(data).hexdigest()
    tag = f"{os.getpid()}.{threading.get_ident()}.tmp"
    for target, payload, m in ((dest.with_name(dest.name + HASH_SUFFIX), digest.encode(), 0o644),
                               (dest, data, mode)):  # fmt: skip
        tmp = target.with_name(f"{target.name}.{tag}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, m)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, m)
        finally:
            os.close(fd)
        os.replace(tmp, target)


def verified_bytes(path: Path, max_bytes: int = 1 << 31) -> bytes:
    """The content of a published file, after checking owner, mode and hash."""
    try:
        dst = os.stat(path.parent)
    except OSError as exc:
        raise UntrustedFile(f"{path}: {exc.strerror}") from None
    if not _private(dst):
        raise UntrustedFile(f"{path.parent}: the directory is writable by others or not ours")
    data = read_plain(path, max_bytes, private=True)
    try:
        want = (
            read_plain(path.with_name(path.name + HASH_SUFFIX), 128, private=True).decode().strip()
        )
    except UntrustedFile:
        raise UntrustedFile(f"{path}: no recorded hash") from None
    if hashlib.sha256(data).hexdigest() != want:
        raise UntrustedFile(f"{path}: content does not match its recorded hash")
    return data


def is_verified(path: Path) -> bool:
    """True when `path` exists and passes `verified_bytes`; a failing entry is removed
    (after waiting for a publication under way: its hash may be there before its content)."""
    if not os.path.lexists(path):
        return False
    try:
        verified_bytes(path)
        return True
    except UntrustedFile:
        with _locked(path.parent):
            return _verified_or_removed(path)


def _verified_or_removed(path: Path) -> bool:
    try:
        verified_bytes(path)
        return True
    except UntrustedFile:
        for p in (path, path.with_name(path.name + HASH_SUFFIX)):
            try:
                os.unlink(p)
            except OSError:
                pass
        return False
