"""File metadata and space calls: fstat, fsync, ftruncate, fchmod/fchown, fallocate,
discard, zerofill, dup, futime, and byte-range locks."""

from __future__ import annotations

import fcntl
import io
import os
import stat
import threading
import time
from collections.abc import Iterator

import pytest

from gpath import File, Volume

from _support import write_bytes

DATA = b"0123456789abcdefghij"


@pytest.fixture
def path(volume: Volume, workdir: str) -> str:
    target = f"{workdir}/meta.bin"
    write_bytes(volume, target, DATA)
    return target


@pytest.fixture
def rw(volume: Volume, path: str) -> Iterator[File]:
    with volume.fopen(path, "r+b") as f:
        yield f


def test_fstat_and_fgetsize(volume: Volume, rw: File, path: str) -> None:
    st = rw.fstat()
    assert type(st) is os.stat_result
    assert stat.S_ISREG(st.st_mode)
    assert st.st_size == 20
    assert st.st_ino == volume.stat(path).st_ino
    assert isinstance(st.st_mtime_ns, int)
    assert rw.fgetsize() == 20
    rw.lseek(0, os.SEEK_END)
    rw.write(b"+")
    assert rw.fgetsize() == 21


def test_fsync_and_fdatasync(volume: Volume, rw: File, path: str) -> None:
    rw.write(b"SYNCED")
    assert rw.fsync() is None
    rw.write(b"DATA")
    assert rw.fdatasync() is None
    with volume.fopen(path, "rb") as other:
        assert other.read(10) == b"SYNCEDDATA"
    with volume.fopen(path, "rb") as ro:
        ro.fsync()  # allowed on a read-only file too


def test_ftruncate_shrinks_extends_and_keeps_the_offset(rw: File) -> None:
    rw.lseek(8, os.SEEK_SET)
    assert rw.ftruncate(5) is None
    assert rw.tell() == 8
    assert rw.fgetsize() == 5
    rw.lseek(0, os.SEEK_SET)
    assert rw.read() == b"01234"
    rw.ftruncate(9)
    rw.lseek(0, os.SEEK_SET)
    assert rw.read() == b"01234\0\0\0\0"
    with pytest.raises(ValueError):
        rw.ftruncate(-1)
    rw.lseek(3, os.SEEK_SET)
    assert rw.truncate() == 3  # io-style: at the current offset
    assert rw.fgetsize() == 3
    assert rw.truncate(7) == 7
    assert rw.fgetsize() == 7


def test_fchmod_and_fchown(volume: Volume, rw: File, path: str) -> None:
    assert rw.fchmod(0o604) is None
    assert stat.S_IMODE(volume.stat(path).st_mode) == 0o604
    assert stat.S_IMODE(rw.fstat().st_mode) == 0o604
    assert rw.fchown(1234, 5678) is None
    st = volume.stat(path)
    assert (st.st_uid, st.st_gid) == (1234, 5678)
    rw.fchown(-1, 99)
    st = rw.fstat()
    assert (st.st_uid, st.st_gid) == (1234, 99)


def test_futime(volume: Volume, rw: File, path: str) -> None:
    rw.futime((1000.5, 2000.25))
    st = volume.stat(path)
    assert (st.st_atime, st.st_mtime) == (1000.5, 2000.25)
    rw.futime(ns=(3, 4_000_000_005))
    assert rw.fstat().st_mtime_ns == 4_000_000_005
    rw.futime()
    assert abs(rw.fstat().st_mtime - time.time()) < 2


def test_fallocate(volume: Volume, workdir: str) -> None:
    with volume.fopen(f"{workdir}/alloc", "w+b") as f:
        assert f.fallocate(0, 0, 1024 * 1024) is None
        assert f.fgetsize() == 1024 * 1024
        assert f.fstat().st_blocks * 512 >= 1024 * 1024
        assert f.pread(16, 4096) == b"\0" * 16
        keep_size = 1  # FALLOC_FL_KEEP_SIZE
        f.fallocate(keep_size, 1024 * 1024, 1024 * 1024)
        assert f.fgetsize() == 1024 * 1024
    with volume.fopen(f"{workdir}/alloc", "rb") as ro, pytest.raises(io.UnsupportedOperation):
        ro.fallocate(0, 0, 10)


def test_discard_punches_a_hole(volume: Volume, workdir: str) -> None:
    block = 64 * 1024
    data = b"\xab" * (4 * block)
    with volume.fopen(f"{workdir}/holey", "w+b") as f:
        f.write(data)
        f.fsync()
        assert f.discard(block, block) is None
        assert f.fgetsize() == 4 * block  # the size does not change
        f.lseek(0, os.SEEK_SET)
        assert f.read() == b"\xab" * block + b"\0" * block + b"\xab" * (2 * block)
        f.discard(offset=3 * block, len=block)  # the spec's argument names
        assert f.pread(block, 3 * block) == b"\0" * block


def test_zerofill(rw: File) -> None:
    assert rw.zerofill(2, 5) is None
    rw.lseek(0, os.SEEK_SET)
    assert rw.read() == b"01\0\0\0\0\x0078" + DATA[9:]
    rw.zerofill(18, 6)  # past the end: extends the file
    assert rw.fgetsize() == 24
    assert rw.pread(10, 16) == b"gh\0\0\0\0\0\0"


def test_dup_has_its_own_offset(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/dune"
    f = File(volume.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR))
    f.write("I must not fear. Fear is the mind-killer.")
    duplicate = f.dup()
    assert isinstance(duplicate, File)
    assert duplicate.tell() == f.tell() == 41  # starts where the original was
    assert duplicate.fileno != f.fileno
    f.lseek(2, os.SEEK_SET)
    assert duplicate.tell() == 41  # independent afterwards
    f.close()
    assert duplicate.closed is False
    assert duplicate.lseek(0, os.SEEK_SET) == 0
    assert duplicate.read(15) == b"I must not fear"
    assert duplicate.lseek(29, os.SEEK_SET) == 29
    assert duplicate.read(11) == b"mind-killer"
    duplicate.write(b"!")
    duplicate.close()
    with volume.fopen(path, "rb") as check:
        assert check.read() == b"I must not fear. Fear is the mind-killer!"


def test_dup_keeps_mode_and_name(volume: Volume, path: str) -> None:
    with volume.fopen(path, "rb") as f:
        with f.dup() as duplicate:
            assert duplicate.name == path
            assert duplicate.mode == "rb"
            assert duplicate.read(3) == b"012"
            with pytest.raises(io.UnsupportedOperation):
                duplicate.write(b"x")


# -- byte-range locks ----------------------------------------------------------------------------


def test_exclusive_lock_conflicts_between_files(volume: Volume, path: str) -> None:
    with volume.fopen(path, "r+b") as first, volume.fopen(path, "r+b") as second:
        assert first.lock(blocking=False) is None
        with pytest.raises(BlockingIOError):
            second.lock(blocking=False)
        with pytest.raises(BlockingIOError):
            second.lock(exclusive=False, blocking=False)
        conflict = second.get_lock()
        assert conflict is not None
        assert conflict[:3] == (fcntl.F_WRLCK, 0, 0)
        assert first.get_lock() is None  # our own lock never blocks us
        first.unlock()
        assert second.get_lock() is None
        second.lock(blocking=False)
        with pytest.raises(BlockingIOError):
            first.lock(blocking=False)


def test_shared_locks_coexist_and_ranges_are_independent(volume: Volume, path: str) -> None:
    with volume.fopen(path, "r+b") as first, volume.fopen(path, "r+b") as second:
        first.lock(exclusive=False, blocking=False)
        second.lock(exclusive=False, blocking=False)
        with pytest.raises(BlockingIOError):
            second.lock(exclusive=True, blocking=False)
        first.unlock()
        second.unlock()
        first.lock(True, 0, 10, blocking=False)
        second.lock(True, 10, 10, blocking=False)  # no overlap
        with pytest.raises(BlockingIOError):
            second.lock(True, 5, 1, blocking=False)
        assert second.get_lock(True, 0, 10) == (fcntl.F_WRLCK, 0, 10, second.get_lock(True, 0, 10)[3])  # type: ignore[index]


def test_closing_a_file_releases_its_locks_only(volume: Volume, path: str) -> None:
    first = volume.fopen(path, "r+b")
    second = volume.fopen(path, "r+b")
    third = volume.fopen(path, "r+b")
    try:
        first.lock(blocking=False)
        third.close()  # must not drop first's lock
        with pytest.raises(BlockingIOError):
            second.lock(blocking=False)
        first.close()
        second.lock(blocking=False)
    finally:
        for f in (first, second, third):
            f.close()


def test_dup_shares_the_lock_owner(volume: Volume, path: str) -> None:
    with volume.fopen(path, "r+b") as f, f.dup() as duplicate, volume.fopen(path, "r+b") as other:
        f.lock(blocking=False)
        duplicate.lock(blocking=False)  # same owner, like os.dup()
        with pytest.raises(BlockingIOError):
            other.lock(blocking=False)


def test_blocking_lock_waits_for_release(volume: Volume, path: str) -> None:
    with volume.fopen(path, "r+b") as holder, volume.fopen(path, "r+b") as waiter:
        holder.lock()
        acquired = threading.Event()

        def wait_for_lock() -> None:
            waiter.lock()  # blocks until the holder unlocks
            acquired.set()

        thread = threading.Thread(target=wait_for_lock)
        thread.start()
        assert not acquired.wait(0.3)
        holder.unlock()
        assert acquired.wait(10)
        thread.join(10)
        with pytest.raises(BlockingIOError):
            holder.lock(blocking=False)


def test_lock_needs_the_right_access(volume: Volume, path: str) -> None:
    with volume.fopen(path, "rb") as ro:
        with pytest.raises(io.UnsupportedOperation):
            ro.lock(exclusive=True)
        ro.lock(exclusive=False, blocking=False)
        ro.unlock()
    with volume.fopen(path, "ab") as wo:
        with pytest.raises(io.UnsupportedOperation):
            wo.lock(exclusive=False)
