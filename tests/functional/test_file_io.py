"""File data I/O: read, readinto, write, seek/tell/lseek, lines, pread/pwrite, closing."""

from __future__ import annotations

import errno
import io
import mmap
import os
import signal
import sys
import threading
from collections.abc import Iterator

import numpy as np
import pytest

import gpath
from gpath import File, Volume, _buffers

from _support import write_bytes

DATA = b"0123456789abcdefghij"


@pytest.fixture
def path(volume: Volume, workdir: str) -> str:
    target = f"{workdir}/data.bin"
    write_bytes(volume, target, DATA)
    return target


@pytest.fixture
def reader(volume: Volume, path: str) -> Iterator[File]:
    with volume.fopen(path, "rb") as f:
        yield f


# -- read -------------------------------------------------------------------------------------------


def test_read_sizes_and_eof(reader: File) -> None:
    assert reader.read(4) == b"0123"
    assert reader.read(0) == b""
    assert reader.read(6) == b"456789"
    assert reader.read() == b"abcdefghij"
    assert reader.read() == b""  # at EOF: empty bytes, never None
    assert reader.read(10) == b""
    assert reader.read(-1) == b""
    reader.lseek(0, os.SEEK_SET)
    assert reader.read(-1) == DATA
    reader.lseek(15, os.SEEK_SET)
    assert reader.read(100) == b"fghij"
    reader.lseek(3, os.SEEK_SET)
    assert reader.read(None) == DATA[3:]
    reader.lseek(0, os.SEEK_SET)
    assert reader.read(buflen=5) == b"01234"  # the spec's name for the size
    assert type(reader.read(1)) is bytes


def test_read_whole_large_file(volume: Volume, workdir: str) -> None:
    data = os.urandom(5 * 1024 * 1024 + 3)
    with volume.fopen(f"{workdir}/large", "wb") as f:
        assert f.write(data) == len(data)
    with volume.fopen(f"{workdir}/large", "rb") as f:
        assert f.read() == data
        f.lseek(1024 * 1024, os.SEEK_SET)
        assert f.readall() == data[1024 * 1024 :]


def test_read_rejects_bad_sizes(reader: File) -> None:
    with pytest.raises(TypeError):
        reader.read("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        reader.read(2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "read_bytes", [_buffers.read_bytes, _buffers.read_bytes_fallback], ids=["builtin", "fallback"]
)
def test_read_bytes_contract(volume: Volume, workdir: str, read_bytes: _buffers.ReadBytes) -> None:
    # read()/readall()/pread() rest on this: whole pieces, short only at EOF, errno on failure.
    chunk = _buffers.READ_CHUNK
    data = os.urandom(2 * chunk + 5)
    target = f"{workdir}/chunks"
    write_bytes(volume, target, data)
    glfd = volume.open(target, os.O_RDONLY)
    try:
        address = int(glfd)
        assert read_bytes(address, 3, -1) == data[:3]
        assert read_bytes(address, 0, -1) == b""
        middle = read_bytes(address, chunk + 10, -1)  # across a piece boundary
        assert type(middle) is bytes
        assert middle == data[3 : chunk + 13]
        assert read_bytes(address, len(data), -1) == data[chunk + 13 :]  # short: EOF
        assert read_bytes(address, 10, -1) == b""
        assert read_bytes(address, chunk + 2, 7) == data[7 : chunk + 9]  # positional
        assert read_bytes(address, 100, len(data) - 4) == data[-4:]
        assert read_bytes(address, 100, len(data) + 4) == b""
    finally:
        glfd.close()
    glfd = volume.open(target, os.O_WRONLY)
    try:
        assert read_bytes(int(glfd), 4, -1) == errno.EBADF
        assert read_bytes(int(glfd), 4, 0) == errno.EBADF
    finally:
        glfd.close()


def test_read_bytes_is_the_c_builtin_on_cpython() -> None:
    if sys.implementation.name == "cpython":
        assert _buffers.read_bytes is not _buffers.read_bytes_fallback
        assert type(_buffers.read_bytes).__name__ == "builtin_function_or_method"
        with pytest.raises(ValueError):
            _buffers.read_bytes(0, 1, -1)  # a NULL glfd is refused before any C call
        with pytest.raises(TypeError):
            _buffers.read_bytes(1, "1", -1)  # type: ignore[arg-type]


def test_a_signal_interrupts_a_large_read_between_pieces(volume: Volume, workdir: str) -> None:
    # read() of many pieces is one C call; a Ctrl-C-like exception must still end it early.
    size = 32 * _buffers.READ_CHUNK
    target = f"{workdir}/big"
    with volume.fopen(target, "wb") as f:
        f.write(bytes(size))

    class Interrupted(Exception):
        pass

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted()

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with volume.fopen(target, "rb") as f:
            signal.setitimer(signal.ITIMER_REAL, 0.01)
            with pytest.raises(Interrupted):
                f.read(size)
            signal.setitimer(signal.ITIMER_REAL, 0)
            assert 0 < f.tell() < size  # stopped between pieces
            f.lseek(0, os.SEEK_SET)
            assert f.read(10) == bytes(10)  # the File is still usable
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- readinto ------------------------------------------------------------------------------------------


def test_readinto_bytearray(reader: File) -> None:
    buf = bytearray(8)
    assert reader.readinto(buf) == 8
    assert buf == bytearray(b"01234567")
    big = bytearray(100)
    assert reader.readinto(big) == 12
    assert bytes(big[:12]) == DATA[8:]
    assert big[12:] == bytearray(88)
    assert reader.readinto(bytearray(5)) == 0  # EOF


def test_readinto_empty_buffer_reads_nothing(reader: File) -> None:
    assert reader.readinto(bytearray(3)) == 3
    assert reader.readinto(bytearray()) == 0
    assert reader.readinto(memoryview(bytearray(4))[4:]) == 0
    assert reader.tell() == 3  # not at EOF: an empty buffer is not an end-of-file answer
    reader.close()
    with pytest.raises(ValueError):
        reader.readinto(bytearray())


def test_readinto_bytearray_across_read_chunks(volume: Volume, workdir: str) -> None:
    """A read larger than READ_CHUNK fills a bytearray (and a subclass of it) in pieces."""

    class Subclass(bytearray):
        pass

    data = os.urandom(2 * _buffers.READ_CHUNK + 5)
    write_bytes(volume, f"{workdir}/chunks", data)
    for kind in (bytearray, Subclass):
        buf = kind(len(data) + 3)
        with volume.fopen(f"{workdir}/chunks", "rb") as f:
            assert f.readinto(buf) == len(data)
            assert f.readinto(buf) == 0
        assert bytes(buf[: len(data)]) == data
        assert buf[len(data) :] == bytearray(3)


def test_readinto_bytearray_cannot_be_resized_while_read_into(volume: Volume, workdir: str) -> None:
    """readinto() pins the buffer: a resize from another thread raises, never frees it."""
    data = os.urandom(32 * 1024 * 1024)
    write_bytes(volume, f"{workdir}/pinned", data)
    buf = bytearray(len(data))
    result: list[int] = []
    with volume.fopen(f"{workdir}/pinned", "rb") as f:
        reader = threading.Thread(target=lambda: result.append(f.readinto(buf)))
        refused = grown = 0
        reader.start()
        while reader.is_alive():
            try:
                buf.append(0)  # succeeds only before or after the read
                grown += 1
            except BufferError:
                refused += 1
        reader.join()
    assert result == [len(data)]
    assert bytes(buf[: len(data)]) == data
    assert len(buf) == len(data) + grown
    assert refused > 0


def test_readinto_memoryview_fills_the_underlying_buffer(reader: File) -> None:
    backing = bytearray(b"-" * 10)
    view = memoryview(backing)[2:7]
    assert reader.readinto(view) == 5
    assert backing == bytearray(b"--01234---")


def test_readinto_numpy_array_in_place(reader: File) -> None:
    array = np.zeros(20, dtype=np.uint8)
    assert reader.readinto(array) == 20
    assert array.tobytes() == DATA
    reader.lseek(0, os.SEEK_SET)
    words = np.zeros(2, dtype=np.uint32)  # 8 bytes
    assert reader.readinto(words) == 8
    assert words.tobytes() == DATA[:8]


def test_readinto_mmap(reader: File) -> None:
    with mmap.mmap(-1, 16) as region:
        assert reader.readinto(region) == 16
        assert region[:] == DATA[:16]


def test_readinto_rejects_read_only_buffers(reader: File) -> None:
    with pytest.raises((TypeError, ValueError)):
        reader.readinto(b"immutable")  # type: ignore[arg-type]
    with pytest.raises((TypeError, ValueError)):
        reader.readinto(memoryview(b"immutable"))


# -- write -------------------------------------------------------------------------------------------


def test_write_accepts_bytes_like_and_str(volume: Volume, workdir: str) -> None:
    target = f"{workdir}/w"
    with volume.fopen(target, "w+") as f:
        assert f.write(b"bytes|") == 6
        assert f.write(bytearray(b"bytearray|")) == 10
        assert f.write(memoryview(b"xxmemoryview|")[2:]) == 11
        assert f.write(np.frombuffer(b"numpy|", dtype=np.uint8)) == 6
        assert f.write("str é|") == 7  # UTF-8: é is two bytes
        assert f.write("") == 0
        assert f.tell() == 40
        f.lseek(0, os.SEEK_SET)
        assert f.read() == b"bytes|bytearray|memoryview|numpy|str \xc3\xa9|"
    with volume.fopen(target, "r+") as f, pytest.raises(TypeError):
        f.write(12345)  # type: ignore[arg-type]


def test_write_large_returns_full_count(volume: Volume, workdir: str) -> None:
    data = os.urandom(4 * 1024 * 1024 + 1)
    with volume.fopen(f"{workdir}/big", "wb") as f:
        assert f.write(data) == len(data)
        assert f.tell() == len(data)
    assert volume.getsize(f"{workdir}/big") == len(data)


def test_write_on_read_only_and_read_on_write_only(volume: Volume, path: str) -> None:
    with volume.fopen(path, "r") as f:
        assert f.readable() is True
        assert f.writable() is False
        with pytest.raises(io.UnsupportedOperation):
            f.write(b"nope")
        with pytest.raises(io.UnsupportedOperation):
            f.pwrite(b"nope", 0)
        with pytest.raises(io.UnsupportedOperation):
            f.ftruncate(0)
        with pytest.raises(io.UnsupportedOperation):
            f.truncate(0)
    with volume.fopen(path, "a") as f:
        assert f.readable() is False
        assert f.writable() is True
        with pytest.raises(io.UnsupportedOperation):
            f.read()
        with pytest.raises(io.UnsupportedOperation):
            f.readinto(bytearray(4))
        with pytest.raises(io.UnsupportedOperation):
            f.readline()
        with pytest.raises(io.UnsupportedOperation):
            f.pread(4, 0)
    assert issubclass(io.UnsupportedOperation, OSError)
    with volume.fopen(path, "rb") as f:
        assert f.read() == DATA  # unchanged


# -- seek / tell / lseek ------------------------------------------------------------------------------


def test_lseek_and_seek(reader: File) -> None:
    assert reader.lseek(5, os.SEEK_SET) == 5
    assert reader.tell() == 5
    assert reader.lseek(3, os.SEEK_CUR) == 8
    assert reader.read(2) == b"89"
    assert reader.lseek(-4, os.SEEK_END) == 16
    assert reader.read() == b"ghij"
    assert reader.seek(2) == 2
    assert reader.seek(0, io.SEEK_END) == 20
    assert reader.seek(100) == 100  # beyond EOF is allowed
    assert reader.read() == b""
    with pytest.raises(OSError) as negative:
        reader.lseek(-1, os.SEEK_SET)
    assert negative.value.errno == errno.EINVAL
    with pytest.raises(OSError):
        reader.lseek(0, 42)
    with pytest.raises(TypeError):
        reader.lseek("1", os.SEEK_SET)  # type: ignore[arg-type]
    assert reader.seekable() is True


def test_seek_data_and_hole_on_a_sparse_file(volume: Volume, workdir: str) -> None:
    offset = 4 * 1024 * 1024
    with volume.fopen(f"{workdir}/sparse", "w+b") as f:
        f.pwrite(b"data", offset)
        assert f.fgetsize() == offset + 4
        assert f.seek(0, os.SEEK_DATA) == offset
        assert f.seek(0, os.SEEK_HOLE) == 0
        assert f.lseek(offset, os.SEEK_HOLE) == offset + 4
        assert f.lseek(offset + 1, os.SEEK_DATA) == offset + 1
        with pytest.raises(OSError) as beyond:
            f.lseek(offset + 4, os.SEEK_DATA)
        assert beyond.value.errno == errno.ENXIO


# -- lines --------------------------------------------------------------------------------------------


def test_readline_readlines_and_iteration(volume: Volume, workdir: str) -> None:
    long_line = b"x" * 20000 + b"\n"
    text = b"first\nsecond\n" + long_line + b"\nlast without newline"
    with volume.fopen(f"{workdir}/lines", "wb") as f:
        f.write(text)
    with volume.fopen(f"{workdir}/lines", "rb") as f:
        assert f.readline() == b"first\n"
        assert f.tell() == 6
        assert f.readline(3) == b"sec"
        assert f.readline() == b"ond\n"
        assert f.readline() == long_line
        assert f.readline() == b"\n"
        assert f.readline() == b"last without newline"
        assert f.readline() == b""
        f.lseek(0, os.SEEK_SET)
        assert list(f) == [b"first\n", b"second\n", long_line, b"\n", b"last without newline"]
        f.lseek(0, os.SEEK_SET)
        assert f.readlines() == [b"first\n", b"second\n", long_line, b"\n", b"last without newline"]


# -- positional I/O -----------------------------------------------------------------------------------


def test_pread_and_pwrite_leave_the_offset_alone(volume: Volume, path: str) -> None:
    with volume.fopen(path, "r+b") as f:
        f.lseek(3, os.SEEK_SET)
        assert f.pread(4, 10) == b"abcd"
        assert f.pread(100, 18) == b"ij"
        assert f.pread(4, 50) == b""
        assert f.pwrite(b"XY", 1) == 2
        assert f.pwrite("é", 5) == 2
        assert f.tell() == 3
        assert f.read(4) == b"34\xc3\xa9"
        f.lseek(0, os.SEEK_SET)
        assert f.read() == b"0XY34\xc3\xa9789abcdefghij"
        with pytest.raises(ValueError):
            f.pread(4, -1)
        with pytest.raises(ValueError):
            f.pwrite(b"x", -1)
        with pytest.raises(ValueError):
            f.pread(-1, 0)
        with pytest.raises(OverflowError):
            f.pwrite(b"x", 2**63)


# -- closing -----------------------------------------------------------------------------------------


def test_close_is_idempotent_and_use_after_close_raises(volume: Volume, path: str) -> None:
    f = volume.fopen(path, "r+b")
    assert f.closed is False
    f.close()
    assert f.closed is True
    f.close()
    assert f.closed is True
    for call in (
        lambda: f.read(),
        lambda: f.read(1),
        lambda: f.readinto(bytearray(2)),
        lambda: f.write(b"x"),
        lambda: f.lseek(0, os.SEEK_SET),
        lambda: f.tell(),
        lambda: f.fstat(),
        lambda: f.fgetsize(),
        lambda: f.fsync(),
        lambda: f.ftruncate(0),
        lambda: f.fgetxattr("user.x"),
        lambda: f.dup(),
        lambda: f.pread(1, 0),
        lambda: f.fileno,
        lambda: f.lock(),
    ):
        with pytest.raises(gpath.ClosedError) as info:
            call()
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, OSError)
        assert info.value.errno == errno.EBADF
    with pytest.raises(ValueError):
        with f:
            pass
    assert f.name == path
    assert f.mode == "r+b"


def test_with_block_closes(volume: Volume, path: str) -> None:
    with volume.fopen(path) as f:
        assert f.closed is False
    assert f.closed is True
    with pytest.raises(gpath.ClosedError):
        f.read()


def test_file_attributes(volume: Volume, path: str) -> None:
    with volume.fopen(path, "rb") as f:
        assert f.name == path
        assert f.mode == "rb"
        assert f.closed is False
        assert isinstance(f.fileno, int)
        assert isinstance(f, io.RawIOBase)
        with pytest.raises(AttributeError):
            f.mode = "w"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            f.name = "other"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            f.closed = True  # type: ignore[misc]
        with pytest.raises(io.UnsupportedOperation):
            f.fileno()  # no OS-level descriptor behind it
    bytes_path = path.encode()
    with volume.fopen(bytes_path) as f:
        assert f.name == bytes_path
