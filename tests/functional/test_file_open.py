"""Opening files: Volume.open + File, Volume.fopen modes, Volume.open_file layering."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import warnings
from pathlib import Path
from typing import Any

import pytest

import gpath
from gpath import File, Volume

from _support import read_bytes as _read, write_bytes as _write


# -- Volume.open + File ----------------------------------------------------------------------


def test_open_returns_an_int_glfd_for_file(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/f"
    fd = volume.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644)
    assert isinstance(fd, int)
    with File(fd, path=path) as f:
        assert f.fileno == fd
        assert f.name == path
        assert f.mode is None
        assert f.write(b"gluster is awesome") == 18
    st = volume.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o644
    with File(volume.open(path, os.O_RDONLY)) as f:
        assert f.read() == b"gluster is awesome"
        assert f.name == path  # taken from the open() call


def test_open_default_mode_is_0o777_less_umask(volume: Volume, workdir: str) -> None:
    old = os.umask(0o022)
    try:
        File(volume.open(f"{workdir}/f", os.O_CREAT | os.O_RDWR)).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(volume.stat(f"{workdir}/f").st_mode) == 0o755


def test_open_creat_without_access_mode(volume: Volume, workdir: str) -> None:
    File(volume.open(f"{workdir}/new", os.O_CREAT)).close()
    assert volume.isfile(f"{workdir}/new") is True


def test_open_errors(volume: Volume, workdir: str) -> None:
    with pytest.raises(TypeError):
        volume.open(f"{workdir}/f", "w")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        volume.open(f"{workdir}/f", 1.0)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError) as missing:
        volume.open(f"{workdir}/missing", os.O_WRONLY)
    assert missing.value.errno == errno.ENOENT
    assert missing.value.filename == f"{workdir}/missing"
    File(volume.open(f"{workdir}/f", os.O_CREAT | os.O_WRONLY)).close()
    with pytest.raises(FileExistsError) as exists:
        volume.open(f"{workdir}/f", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    assert exists.value.errno == errno.EEXIST
    with pytest.raises(IsADirectoryError):
        volume.open(workdir, os.O_WRONLY)
    with pytest.raises(OSError) as bad_flags:  # unknown flag bits: refused before the call
        volume.open(f"{workdir}/f", 12345)
    assert isinstance(bad_flags.value, ValueError)
    assert bad_flags.value.errno == errno.EINVAL
    with pytest.raises(TypeError):
        File(5)  # type: ignore[arg-type]


def test_open_flags_truncate_and_append(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/f"
    _write(volume, path, b"0123456789")
    with File(volume.open(path, os.O_WRONLY | os.O_APPEND)) as f:
        f.write(b"AB")
    assert _read(volume, path) == b"0123456789AB"
    with File(volume.open(path, os.O_WRONLY | os.O_TRUNC)) as f:
        f.write(b"new")
    assert _read(volume, path) == b"new"


def test_glfd_not_given_to_file_is_closed_explicitly(volume: Volume, workdir: str) -> None:
    fd = volume.open(workdir, os.O_RDONLY)
    fd.close()
    with pytest.raises(gpath.ClosedError):
        File(fd)


# -- Volume.fopen ----------------------------------------------------------------------------------


def test_fopen_modes(volume: Volume, workdir: str) -> None:
    name = f"{workdir}/modes"
    data = b"Gluster is so awesome"
    old = os.umask(0o002)
    try:
        f = volume.fopen(name, "w")
    finally:
        os.umask(old)
    with f:
        assert isinstance(f, File)
        assert f.mode == "w"
        f.write(data)
    assert stat.S_IMODE(volume.stat(name).st_mode) == 0o664  # 0o666 less the umask
    with volume.fopen(name) as f:  # default "r"
        assert f.mode == "r"
        assert f.lseek(0, os.SEEK_CUR) == 0
        assert f.read() == data
    with volume.fopen(name, "r+") as f:
        assert f.read(7) == b"Gluster"
        f.ftruncate(0)  # offset unchanged
        assert f.tell() == 7
        f.lseek(0, os.SEEK_SET)
        f.write(data)
        f.lseek(0, os.SEEK_SET)
        assert f.read() == data
    with volume.fopen(name, "w") as f:
        assert volume.getsize(name) == 0  # "w" truncates
        f.write(data)
    with volume.fopen(name, "w+") as f:
        assert f.read() == b""
        f.write(data)
        f.lseek(0, os.SEEK_SET)
        assert f.read() == data
    with volume.fopen(name, "a") as f:
        f.write("hello")
    assert _read(volume, name) == data + b"hello"
    with volume.fopen(name, "a+") as f:
        f.write(" world")
        f.lseek(0, os.SEEK_SET)
        assert f.read() == data + b"hello world"
        f.lseek(0, os.SEEK_SET)
        f.write("!")  # appended whatever the offset
    assert _read(volume, name) == data + b"hello world!"
    with volume.fopen(f"{workdir}/excl", "x") as f:
        f.write("x")
    with pytest.raises(FileExistsError):
        volume.fopen(f"{workdir}/excl", "x")
    for mode in ("rb", "wb", "ab", "r+b", "rb+", "w+b", "a+b", "rt", "xb"):
        with volume.fopen(f"{workdir}/b-{mode}" if "r" not in mode else name, mode) as f:
            assert f.mode == mode


@pytest.mark.parametrize("mode", ["", "z", "rw", "rr", "r++", "wa", "rbt", "U", "br+x"])
def test_fopen_invalid_mode_raises_value_error(volume: Volume, workdir: str, mode: str) -> None:
    with pytest.raises(ValueError):
        volume.fopen(f"{workdir}/f", mode)
    assert volume.listdir(workdir) == []


@pytest.mark.parametrize("mode", [os.O_WRONLY, None, b"r"])
def test_fopen_non_string_mode_raises_type_error(volume: Volume, workdir: str, mode: Any) -> None:
    with pytest.raises(TypeError):
        volume.fopen(f"{workdir}/f", mode)


def test_fopen_missing_file(volume: Volume, workdir: str) -> None:
    with pytest.raises(FileNotFoundError) as info:
        volume.fopen(f"{workdir}/missing", "r")
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == f"{workdir}/missing"
    with pytest.raises(FileNotFoundError):
        volume.fopen(f"{workdir}/no/dir/f", "w")


def test_fopen_in_a_thread(volume: Volume, workdir: str) -> None:
    import threading

    def worker() -> None:
        with volume.fopen(f"{workdir}/threaded", "w") as f:
            f.write("hello world")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert _read(volume, f"{workdir}/threaded") == b"hello world"


# -- Volume.open_file: exactly like the built-in open() -----------------------------------------

OPEN_CASES = [
    ("r", -1),
    ("rt", -1),
    ("rb", -1),
    ("r+", -1),
    ("r+b", -1),
    ("w", -1),
    ("wb", -1),
    ("w+b", -1),
    ("a", -1),
    ("ab", -1),
    ("a+b", -1),
    ("rb", 0),
    ("wb", 0),
    ("r+b", 0),
    ("r", 1),
    ("rb", 4096),
    ("wb", 1),
]


@pytest.mark.parametrize(("mode", "buffering"), OPEN_CASES)
def test_open_file_layers_like_builtin_open(
    volume: Volume, workdir: str, tmp_path: Path, mode: str, buffering: int
) -> None:
    local = tmp_path / "local"
    local.write_bytes(b"line one\nline two\n")
    _write(volume, f"{workdir}/remote", b"line one\nline two\n")
    with contextlib.ExitStack() as stack:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            expected = stack.enter_context(open(local, mode, buffering))
            got = stack.enter_context(volume.open_file(f"{workdir}/remote", mode, buffering))
        # Binary line buffering: both warn, then use the default buffer size.
        expected_warnings = 2 if buffering == 1 and "b" in mode else 0
        assert [w.category for w in caught] == [RuntimeWarning] * expected_warnings
        if buffering == 0:
            assert type(got) is File
        else:
            assert type(got) is type(expected)
        assert got.readable() == expected.readable()
        assert got.writable() == expected.writable()
        assert got.seekable() is True
        if isinstance(expected, io.TextIOWrapper):
            assert isinstance(got, io.TextIOWrapper)
            assert got.line_buffering == expected.line_buffering
            assert got.mode == mode
            assert type(got.buffer) is type(expected.buffer)
        if expected.readable():
            assert got.read() == expected.read()


def test_open_file_unbuffered_text_is_refused(volume: Volume, workdir: str) -> None:
    with pytest.raises(ValueError):
        volume.open_file(f"{workdir}/t", "w", buffering=0)
    with pytest.raises(ValueError):
        volume.open_file(f"{workdir}/t", "wb", encoding="utf-8")
    with pytest.raises(TypeError):
        volume.open_file(f"{workdir}/t", "wb", buffering="big")  # type: ignore[call-overload]


def test_open_file_text_round_trip(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/text.txt"
    with volume.open_file(path, "w", encoding="utf-8", newline="\r\n") as f:
        f.write("héllo\nwörld\n")
    assert _read(volume, path) == "héllo\r\nwörld\r\n".encode()
    with volume.open_file(path, encoding="utf-8") as f:
        assert f.readlines() == ["héllo\n", "wörld\n"]
    with volume.open_file(path, "r", encoding="latin-1", errors="strict", newline="") as f:
        assert f.read() == "héllo\r\nwörld\r\n".encode().decode("latin-1")


def test_open_file_buffered_binary_round_trip(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/buffered.bin"
    data = os.urandom(3 * 1024 * 1024 + 5)
    with volume.open_file(path, "wb") as f:
        for start in range(0, len(data), 4096):
            f.write(data[start : start + 4096])
    with volume.open_file(path, "rb") as f:
        chunks = []
        while chunk := f.read(4096):
            chunks.append(chunk)
    assert b"".join(chunks) == data
    with volume.open_file(path, "r+b") as f:
        f.seek(10)
        f.write(b"XY")
        f.seek(0)
        assert f.read(12) == data[:10] + b"XY"


def test_open_file_missing(volume: Volume, workdir: str) -> None:
    with pytest.raises(FileNotFoundError) as info:
        volume.open_file(f"{workdir}/missing")
    assert info.value.filename == f"{workdir}/missing"
