"""Pure logic that needs no server: mode parsing, path encoding, stat conversion, errors."""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpath import ClosedError, Error, LibgfapiException, SameFileError, VolumeNotMounted
from gpath._fspath import decode_like, encode, wants_bytes
from gpath._lowlevel import ffi
from gpath._modes import OpenMode, flags_access, parse_mode
from gpath._stat import stat_result, statvfs_result, to_timespec_pair
from gpath.errors import oserror


@pytest.mark.parametrize(
    ("mode", "flags", "readable", "writable"),
    [
        ("r", os.O_RDONLY, True, False),
        ("rb", os.O_RDONLY, True, False),
        ("rt", os.O_RDONLY, True, False),
        ("w", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, False, True),
        ("wb", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, False, True),
        ("a", os.O_WRONLY | os.O_CREAT | os.O_APPEND, False, True),
        ("x", os.O_WRONLY | os.O_CREAT | os.O_EXCL, False, True),
        ("r+", os.O_RDWR, True, True),
        ("rb+", os.O_RDWR, True, True),
        ("r+b", os.O_RDWR, True, True),
        ("w+", os.O_RDWR | os.O_CREAT | os.O_TRUNC, True, True),
        ("a+b", os.O_RDWR | os.O_CREAT | os.O_APPEND, True, True),
        ("x+", os.O_RDWR | os.O_CREAT | os.O_EXCL, True, True),
    ],
)
def test_parse_mode_matches_open(mode: str, flags: int, readable: bool, writable: bool) -> None:
    parsed = parse_mode(mode)
    assert parsed == OpenMode(
        flags=flags,
        readable=readable,
        writable=writable,
        append="a" in mode,
        binary="b" in mode,
        text="b" not in mode,
    )


@pytest.mark.parametrize("mode", ["", "rw", "rr", "bt", "rbt", "q", "r++", "+", "b", "wa"])
def test_parse_mode_rejects_like_open(mode: str) -> None:
    with pytest.raises(ValueError):
        parse_mode(mode)
    with pytest.raises(ValueError):  # the built-in open() agrees
        open(os.devnull, mode)


def test_parse_mode_type_error() -> None:
    with pytest.raises(TypeError):
        parse_mode(1)
    with pytest.raises(TypeError):
        parse_mode(b"r")


def test_flags_access() -> None:
    assert flags_access(os.O_RDONLY) == (True, False)
    assert flags_access(os.O_WRONLY | os.O_CREAT) == (False, True)
    assert flags_access(os.O_RDWR) == (True, True)


@given(st.binary(min_size=1).filter(lambda b: b"\0" not in b))
def test_encode_bytes_round_trip(name: bytes) -> None:
    assert encode(name) == name
    as_str = os.fsdecode(name)
    assert encode(as_str) == name  # surrogateescape round trip
    assert decode_like(name, True) == name
    assert decode_like(name, False) == as_str


def test_encode_rejects_nul_none_and_empty() -> None:
    with pytest.raises(ValueError, match="null"):
        encode("/a\0b")
    with pytest.raises(ValueError, match="null"):
        encode(b"/a\0b")
    with pytest.raises(TypeError):
        encode(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        encode(3)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError) as info:
        encode("")
    assert info.value.errno == errno.ENOENT


def test_encode_accepts_pathlike() -> None:
    import pathlib

    assert encode(pathlib.PurePosixPath("/a/b")) == b"/a/b"
    assert wants_bytes(b"/x") is True
    assert wants_bytes("/x") is False


def test_stat_result_from_c_struct() -> None:
    buf = ffi.new("struct stat *")
    buf.st_mode = stat.S_IFREG | 0o640
    buf.st_ino = 2**63 + 5  # GlusterFS inode numbers use all 64 bits
    buf.st_dev = 7
    buf.st_nlink = 2
    buf.st_uid = 1000
    buf.st_gid = 100
    buf.st_size = 5 * 2**30
    buf.st_blksize = 4096
    buf.st_blocks = 16
    buf.st_atim.tv_sec, buf.st_atim.tv_nsec = 1_700_000_000, 123_456_789
    buf.st_mtim.tv_sec, buf.st_mtim.tv_nsec = 1_700_000_001, 1
    buf.st_ctim.tv_sec, buf.st_ctim.tv_nsec = 1_700_000_002, 999_999_999
    result = stat_result(buf)
    assert type(result) is os.stat_result
    assert stat.S_ISREG(result.st_mode)
    assert result.st_ino == 2**63 + 5
    assert result.st_size == 5 * 2**30
    assert result.st_mtime_ns == 1_700_000_001_000_000_001
    assert result.st_atime_ns == 1_700_000_000_123_456_789
    assert result[stat.ST_MTIME] == 1_700_000_001
    assert result.st_ctime == pytest.approx(1_700_000_002.999999999)
    assert (result.st_blksize, result.st_blocks, result.st_nlink) == (4096, 16, 2)


def test_statvfs_result_from_c_struct() -> None:
    buf = ffi.new("struct statvfs *")
    buf.f_bsize, buf.f_frsize, buf.f_blocks, buf.f_namemax, buf.f_fsid = 4096, 4096, 10, 255, 9
    result = statvfs_result(buf)
    assert type(result) is os.statvfs_result
    assert (result.f_bsize, result.f_blocks, result.f_namemax, result.f_fsid) == (4096, 10, 255, 9)


def test_timespec_conversion() -> None:
    assert to_timespec_pair(None, None) is None
    assert to_timespec_pair((1.5, 2), None) == ((1, 500_000_000), (2, 0))
    assert to_timespec_pair(None, (3_000_000_001, -1)) == ((3, 1), (-1, 999_999_999))
    with pytest.raises(TypeError):
        to_timespec_pair([1, 2], None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_timespec_pair(("a", 1), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_timespec_pair(None, (1.0, 2))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        to_timespec_pair((1, 2), (1, 2))


def test_error_hierarchy() -> None:
    assert issubclass(LibgfapiException, OSError)
    assert issubclass(VolumeNotMounted, LibgfapiException)
    assert issubclass(ClosedError, ValueError) and issubclass(ClosedError, OSError)
    assert ClosedError().errno == errno.EBADF
    assert issubclass(Error, shutil.Error)
    assert issubclass(SameFileError, Error) and issubclass(SameFileError, shutil.SameFileError)
    assert issubclass(io.UnsupportedOperation, OSError)


@pytest.mark.parametrize(
    ("err", "kind"),
    [
        (errno.ENOENT, FileNotFoundError),
        (errno.EEXIST, FileExistsError),
        (errno.EISDIR, IsADirectoryError),
        (errno.ENOTDIR, NotADirectoryError),
        (errno.EACCES, PermissionError),
        (errno.ENOTCONN, OSError),
    ],
)
def test_oserror_picks_builtin_subclass(err: int, kind: type[OSError]) -> None:
    exc = oserror(err, "/a", "/b")
    assert type(exc) is kind
    assert (exc.errno, exc.filename, exc.filename2) == (err, "/a", "/b")
