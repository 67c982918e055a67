"""The per-call fast paths (issue 5) give exactly what the straightforward code gave."""

from __future__ import annotations

import errno
import os
import stat
import threading

import pytest

from gpath._fspath import encode
from gpath._handle import MountHandle
from gpath._lowlevel import ffi, lib
from gpath._modes import _PARSED, parse_mode
from gpath._stat import STAT_BUFFER_SIZE, stat_from_raw, stat_result
from gpath.file import new_lock_owner


def _struct_from(st: os.stat_result) -> object:
    buf = ffi.new("struct stat *")
    buf.st_mode, buf.st_ino, buf.st_dev, buf.st_nlink = st.st_mode, st.st_ino, st.st_dev, st.st_nlink
    buf.st_uid, buf.st_gid, buf.st_size, buf.st_rdev = st.st_uid, st.st_gid, st.st_size, st.st_rdev
    buf.st_blksize, buf.st_blocks = st.st_blksize, st.st_blocks
    for field, ns in (("st_atim", st.st_atime_ns), ("st_mtim", st.st_mtime_ns), ("st_ctim", st.st_ctime_ns)):
        spec = getattr(buf, field)
        spec.tv_sec, spec.tv_nsec = divmod(ns, 1_000_000_000)
    return buf


@pytest.mark.parametrize("path", ["/", "/proc/self/exe", os.__file__, "/dev/null"])
def test_packed_stat_equals_os_stat_field_for_field(path: str) -> None:
    expected = os.lstat(path)
    result = stat_result(_struct_from(expected))
    assert type(result) is os.stat_result
    assert result == expected  # the 10 visible fields
    for name in ("st_atime", "st_mtime", "st_ctime", "st_atime_ns", "st_mtime_ns", "st_ctime_ns",
                 "st_blksize", "st_blocks", "st_rdev"):
        assert getattr(result, name) == getattr(expected, name), name  # floats exactly as CPython's


def test_packed_stat_keeps_unsigned_and_negative_values() -> None:
    buf = ffi.new("struct stat *")
    buf.st_mode = stat.S_IFCHR | 0o600
    buf.st_ino = 2**64 - 1
    buf.st_dev = 2**63 + 1
    buf.st_rdev = 2**63 + 2
    buf.st_mtim.tv_sec, buf.st_mtim.tv_nsec = -2, 500_000_000  # 1969-12-31T23:59:58.5
    result = stat_result(buf)
    assert (result.st_ino, result.st_dev, result.st_rdev) == (2**64 - 1, 2**63 + 1, 2**63 + 2)
    assert result.st_mtime_ns == -1_500_000_000 and result.st_mtime == -1.5
    assert result[stat.ST_MTIME] == -2


def test_times_beyond_64_bit_nanoseconds_are_exact() -> None:
    buf = ffi.new("struct stat *")
    buf.st_mode = stat.S_IFREG | 0o644
    buf.st_atim.tv_sec, buf.st_atim.tv_nsec = 2**62, 999_999_999  # far beyond 2262
    buf.st_mtim.tv_sec, buf.st_mtim.tv_nsec = -(2**40), 1  # long before 1677
    buf.st_ctim.tv_sec, buf.st_ctim.tv_nsec = 1_700_000_000, 5
    result = stat_result(buf)
    assert result.st_atime_ns == 2**62 * 10**9 + 999_999_999
    assert result.st_mtime_ns == -(2**40) * 10**9 + 1
    assert result.st_ctime_ns == 1_700_000_000 * 10**9 + 5  # the others unchanged
    assert result.st_atime == 2**62 + 999_999_999 * 1e-9 and result[stat.ST_ATIME] == 2**62


def test_stat_buffer_matches_the_c_layout() -> None:
    assert lib.gp_stat_buffer_size() == STAT_BUFFER_SIZE == 22 * 8


def test_stat_from_raw_bytes_is_the_same_conversion() -> None:
    buf = _struct_from(os.stat("/"))
    assert stat_from_raw(ffi.buffer(buf)[:]) == stat_result(buf)


def test_parse_mode_memo_returns_the_parsed_result_and_still_rejects() -> None:
    first = parse_mode("rb+")
    assert parse_mode("rb+") is first and _PARSED["rb+"] is first
    assert first.flags == os.O_RDWR and first.readable and first.writable

    class Mode(str):
        pass

    assert parse_mode(Mode("wb")).flags == os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    assert all(type(k) is str for k in _PARSED)  # a subclass may redefine hash or eq
    with pytest.raises(ValueError):
        parse_mode("rw")
    with pytest.raises(ValueError):
        parse_mode("rw")  # an invalid mode is never memoised
    with pytest.raises(TypeError):
        parse_mode(b"r")


@pytest.mark.parametrize("path", ["/a/b", "/caf\u00e9", "/bad-\udcff-byte", "rel/x"])
def test_encode_fast_path_matches_fsencode(path: str) -> None:
    assert encode(path) == os.fsencode(path)
    assert encode(os.fsencode(path)) == os.fsencode(path)


def test_lock_owners_are_unique_and_differ_after_fork() -> None:
    owners = {new_lock_owner() for _ in range(10_000)}
    assert len(owners) == 10_000 and {len(o) for o in owners} == {16}
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write_end, new_lock_owner())
        os._exit(0)
    os.close(write_end)
    child_owner = os.read(read_end, 64)
    os.close(read_end)
    os.waitpid(pid, 0)
    mine = new_lock_owner()
    assert len(child_owner) == 16 and child_owner[:8] != mine[:8]


def _closed_mount() -> object:
    """A gp_mount_t that refuses every call: a helper that reaches the mount says so."""
    return ffi.new("gp_mount_t *", {"fs": ffi.NULL, "closed": 1})


@pytest.mark.parametrize(
    ("path", "result", "err"),
    [
        (b"/dir/nul\0evil", lib.GP_EMBEDDED_NUL, None),
        (b"", -1, errno.ENOENT),
        (b"/" + b"c" * 4095, -1, errno.ENAMETOOLONG),  # PATH_MAX bytes, as the kernel counts
        (b"/" + b"c" * 4094, lib.GP_NOT_MOUNTED, None),  # fine: only now the mount is asked
    ],
)
def test_gp_stat_checks_the_path_before_the_mount(path: bytes, result: int, err: int | None) -> None:
    # Length as Python passes it: the bytes object's, so a NUL inside shows as a shorter strlen.
    out = ffi.new("char[]", STAT_BUFFER_SIZE)
    assert lib.gp_stat(_closed_mount(), path, len(path), 1, out) == result
    if err is not None:
        assert ffi.errno == err


def test_mount_handle_waits_for_calls_held_in_c() -> None:
    fake = ffi.cast("glfs_t *", 0x1000)  # never dereferenced: only counted
    handle = MountHandle(fake)
    assert lib.gp_enter(handle.c) == fake  # a C helper's call begins...
    detached: list[object] = []
    closer = threading.Thread(target=lambda: detached.append(handle.detach()))
    closer.start()
    closer.join(0.3)
    assert closer.is_alive() and detached == []  # ...and detach() waits for it
    assert handle.closed and handle.acquire() is None  # Python callers are refused meanwhile
    assert lib.gp_enter(handle.c) == ffi.NULL  # and so are new C callers
    lib.gp_leave(handle.c)
    closer.join(5)
    assert detached == [fake]
    handle.finish()
    assert handle.detach() is None  # exactly once


def test_mount_handle_forget_refuses_c_callers() -> None:
    handle = MountHandle(ffi.cast("glfs_t *", 0x1000))
    handle.forget()
    assert handle.closed and lib.gp_enter(handle.c) == ffi.NULL
