"""Opening a directory as a file fails at open(), as the built-in open() does."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import Any

import pytest

from gpath import File, Volume

READ_MODES = ("r", "rb", "rt", "r+", "r+b", "w", "wb", "a", "ab", "a+", "w+", "x", "xb")


def _expected(mode: str) -> type[OSError]:
    return FileExistsError if "x" in mode else IsADirectoryError


@pytest.mark.parametrize("mode", READ_MODES)
def test_every_mode_and_entry_point_refuses_a_directory(
    volume: Volume, workdir: str, mode: str
) -> None:
    target = workdir + "/sub"
    volume.mkdir(target)
    volume.symlink("sub", workdir + "/link")
    root = volume.path(workdir)
    openers: list[Callable[[], Any]] = [
        lambda: volume.fopen(target, mode),
        lambda: volume.open_file(target, mode),
        lambda: (root / "sub").open(mode),
        lambda: (root / "link").open(mode),  # a symlink to the directory
    ]
    for opener in openers:
        with pytest.raises(_expected(mode)) as info:
            opener()
        assert info.value.errno == (errno.EEXIST if "x" in mode else errno.EISDIR)
        assert info.value.filename in (target, workdir + "/link")
    assert volume.isdir(target)  # nothing was truncated or replaced


def test_whole_file_helpers_refuse_a_directory(volume: Volume, workdir: str) -> None:
    path = volume.path(workdir, "d")
    path.mkdir()
    for call in (path.read_bytes, path.read_text, lambda: path.write_bytes(b"x"),
                 lambda: path.write_text("x")):
        with pytest.raises(IsADirectoryError) as info:
            call()
        assert info.value.errno == errno.EISDIR
        assert info.value.filename == path.path


def test_os_open_semantics_kept_and_file_refuses(volume: Volume, workdir: str) -> None:
    """Volume.open() is os.open(): a directory opens read-only; File() then refuses it,
    as io.FileIO(fd) does, and leaves the glfd to its owner."""
    volume.mkdir(workdir + "/d")
    fd = volume.open(workdir + "/d", os.O_RDONLY)
    try:
        with pytest.raises(IsADirectoryError) as info:
            File(fd)
        assert info.value.errno == errno.EISDIR
        assert info.value.filename == workdir + "/d"
    finally:
        fd.close()
    with pytest.raises(IsADirectoryError):
        volume.open(workdir + "/d", os.O_WRONLY)


def test_files_still_open(volume: Volume, workdir: str) -> None:
    """The check only refuses directories: files, symlinks to files and new files open."""
    volume.fopen(workdir + "/f", "wb").close()
    volume.symlink("f", workdir + "/link")
    with volume.fopen(workdir + "/link", "rb") as f:
        assert type(f) is File
        assert f.read() == b""
    with volume.open_file(workdir + "/new", "w", encoding="ascii") as text:
        text.write("abc")
    assert volume.path(workdir, "new").read_text(encoding="ascii") == "abc"
