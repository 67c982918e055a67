"""A seek that is refused leaves the file offset where it was, on every layer of the stack.

libgfapi stores any resulting offset, a negative one included; ``os.lseek`` instead fails with
``EINVAL`` and keeps the offset.  After a refused seek, ``tell()`` must answer the old offset
and the next write must land there (checked by reading the bytes back).
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Callable

import pytest

from gpath import File, Volume
from gpath.errors import ClosedError

from _support import read_bytes, write_bytes

DATA = b"0123456789abcdefghij"
MAX_OFFSET = (1 << 63) - 1

# (pos, whence) pairs whose result lies outside 0..MAX_OFFSET: os.lseek refuses them.
REFUSED = [
    pytest.param(-5, os.SEEK_SET, id="set-negative"),
    pytest.param(-1, os.SEEK_SET, id="set-minus-one"),
    pytest.param(-100, os.SEEK_CUR, id="cur-before-start"),
    pytest.param(-8, os.SEEK_CUR, id="cur-one-before-start"),
    pytest.param(-100, os.SEEK_END, id="end-before-start"),
    pytest.param(-21, os.SEEK_END, id="end-one-before-start"),
    pytest.param(MAX_OFFSET, os.SEEK_CUR, id="cur-overflow"),
    pytest.param(MAX_OFFSET, os.SEEK_END, id="end-overflow"),
]


def _assert_einval(info: pytest.ExceptionInfo[OSError], path: str) -> None:
    assert type(info.value) is OSError
    assert info.value.errno == errno.EINVAL
    assert info.value.filename == path


def _open_raw(how: str) -> Callable[[Volume, str], File]:
    if how == "fopen":
        return lambda volume, path: volume.fopen(path, "r+b")
    return lambda volume, path: File(volume.open(path, os.O_RDWR), path)


@pytest.mark.parametrize("opener", ["fopen", "glfd"])
@pytest.mark.parametrize("method", ["seek", "lseek"])
@pytest.mark.parametrize(("pos", "whence"), REFUSED)
def test_raw_file_keeps_offset_after_refused_seek(
    volume: Volume, workdir: str, opener: str, method: str, pos: int, whence: int
) -> None:
    path = f"{workdir}/raw.bin"
    write_bytes(volume, path, DATA)
    with _open_raw(opener)(volume, path) as f:
        assert type(f) is File
        assert f.seek(7) == 7
        with pytest.raises(OSError) as info:
            getattr(f, method)(pos, whence)
        _assert_einval(info, path)
        assert f.tell() == 7
        assert f.write(b"XY") == 2
        assert f.tell() == 9
    assert read_bytes(volume, path) == DATA[:7] + b"XY" + DATA[9:]


def test_raw_file_accepts_the_edges_of_the_range(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/edges.bin"
    write_bytes(volume, path, DATA)
    with volume.fopen(path, "r+b") as f:
        assert f.seek(7) == 7
        assert f.seek(-7, os.SEEK_CUR) == 0
        assert f.seek(-20, os.SEEK_END) == 0
        assert f.seek(5, os.SEEK_END) == 25
        assert f.seek(MAX_OFFSET - 25, os.SEEK_CUR) == MAX_OFFSET
        assert f.lseek(0, os.SEEK_CUR) == MAX_OFFSET
        assert f.seek(MAX_OFFSET - 20, os.SEEK_END) == MAX_OFFSET
        assert f.seek(MAX_OFFSET) == MAX_OFFSET
        assert f.seek(3) == 3
        assert f.read(2) == b"34"


def test_seek_data_hole_and_bad_whence_keep_their_errors(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/sparse.bin"
    with volume.fopen(path, "w+b") as f:
        f.pwrite(b"data", 8192)
        assert f.seek(7) == 7
        for pos, whence in [(-1, os.SEEK_DATA), (-1, os.SEEK_HOLE), (8196, os.SEEK_DATA)]:
            with pytest.raises(OSError) as nxio:
                f.seek(pos, whence)
            assert type(nxio.value) is OSError
            assert nxio.value.errno == errno.ENXIO
            assert f.tell() == 7
        assert f.seek(0, os.SEEK_DATA) == 8192
        assert f.seek(8193, os.SEEK_HOLE) == 8196
        assert f.seek(7) == 7
        for whence in (42, -1):
            with pytest.raises(OSError) as bad:
                f.seek(-3, whence)
            _assert_einval(bad, path)
            assert f.tell() == 7
        with pytest.raises(TypeError):
            f.seek(-3, "1")  # type: ignore[arg-type]
        assert f.tell() == 7
    with pytest.raises(ValueError) as closed:
        f.seek(-5)
    assert type(closed.value) is ClosedError
    assert closed.value.errno == errno.EBADF


@pytest.mark.parametrize(("pos", "whence"), REFUSED)
def test_buffered_random_keeps_offset_after_refused_seek(
    volume: Volume, workdir: str, pos: int, whence: int
) -> None:
    path = f"{workdir}/buffered.bin"
    write_bytes(volume, path, DATA)
    with volume.open_file(path, "r+b") as f:
        assert type(f) is io.BufferedRandom
        assert f.read(3) == b"012"  # the read-ahead moved the raw offset to the end
        assert f.seek(5) == 5
        assert f.write(b"AB") == 2  # still in the buffer: the refused seek flushes it
        with pytest.raises(OSError) as info:
            f.seek(pos, whence)
        _assert_einval(info, path)
        assert f.tell() == 7
        assert f.raw.tell() == 7
        assert f.write(b"XY") == 2
        assert f.tell() == 9
    assert read_bytes(volume, path) == DATA[:5] + b"ABXY" + DATA[9:]


def test_text_stack_keeps_offset_after_refused_seek(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/text.txt"
    with volume.open_file(path, "w+", encoding="utf-8") as f:
        assert type(f) is io.TextIOWrapper
        assert f.write("0123456789") == 10
        with pytest.raises(ValueError) as negative:
            f.seek(-5)  # refused by the text layer itself, as by the built-in open()
        assert str(negative.value) == "negative seek position -5"
        f.flush()
        with pytest.raises(OSError) as info:
            f.buffer.seek(-100, os.SEEK_CUR)
        _assert_einval(info, path)
        assert f.tell() == 10
        assert f.write("XY") == 2
        f.seek(0)
        assert f.read() == "0123456789XY"
    assert read_bytes(volume, path) == b"0123456789XY"


@pytest.mark.parametrize(("pos", "whence"), REFUSED)
def test_gluster_path_open_keeps_offset_after_refused_seek(
    volume: Volume, workdir: str, pos: int, whence: int
) -> None:
    path = f"{workdir}/viapath.bin"
    write_bytes(volume, path, DATA)
    with volume.path(path).open("r+b") as f:
        assert type(f) is io.BufferedRandom
        assert f.seek(7) == 7
        with pytest.raises(OSError) as info:
            f.seek(pos, whence)
        _assert_einval(info, path)
        assert f.tell() == 7
        assert f.write(b"XY") == 2
    assert read_bytes(volume, path) == DATA[:7] + b"XY" + DATA[9:]
