"""Volume: creating, removing, renaming and linking names, on single-brick and distribute."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from gpath import Volume

from _support import read_bytes as _read, write_bytes as _write


def _write(volume: Volume, path: str, data: bytes = b"data") -> None:
    with volume.fopen(path, "wb") as f:
        f.write(data)


# -- mkdir / makedirs / rmdir ----------------------------------------------------------------


def test_mkdir_default_and_explicit_mode(volume: Volume, workdir: str) -> None:
    old = os.umask(0)  # the modes as given (test_umask.py covers the umask)
    try:
        volume.mkdir(f"{workdir}/default")
        volume.mkdir(f"{workdir}/restricted", 0o750)
    finally:
        os.umask(old)
    assert stat.S_IMODE(volume.stat(f"{workdir}/default").st_mode) == 0o777
    st = volume.stat(f"{workdir}/restricted")
    assert stat.S_ISDIR(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o750


def test_mkdir_errors(volume: Volume, workdir: str) -> None:
    with pytest.raises(FileExistsError) as info:
        volume.mkdir(workdir)
    assert info.value.errno == errno.EEXIST
    assert info.value.filename == workdir
    with pytest.raises(FileNotFoundError) as missing:
        volume.mkdir(f"{workdir}/no/parent")
    assert missing.value.filename == f"{workdir}/no/parent"


def test_makedirs_creates_parents_like_os_makedirs(volume: Volume, workdir: str) -> None:
    """*mode* is the leaf's; parents get the default mode (os.makedirs since Python 3.7)."""
    leaf = f"{workdir}/a/b/c"
    old = os.umask(0)
    try:
        volume.makedirs(leaf, 0o755)
        volume.makedirs(f"{workdir}/x/y")
    finally:
        os.umask(old)
    for path, mode in ((f"{workdir}/a", 0o777), (f"{workdir}/a/b", 0o777), (leaf, 0o755)):
        st = volume.stat(path)
        assert stat.S_ISDIR(st.st_mode)
        assert stat.S_IMODE(st.st_mode) == mode
    assert stat.S_IMODE(volume.stat(f"{workdir}/x/y").st_mode) == 0o777


def test_makedirs_leaf_exists(volume: Volume, workdir: str) -> None:
    volume.makedirs(f"{workdir}/p/q")
    with pytest.raises(FileExistsError) as info:
        volume.makedirs(f"{workdir}/p/q")
    assert info.value.filename == f"{workdir}/p/q"
    volume.makedirs(f"{workdir}/p/q", exist_ok=True)
    _write(volume, f"{workdir}/p/file")
    with pytest.raises(FileExistsError):
        volume.makedirs(f"{workdir}/p/file", exist_ok=True)
    with pytest.raises(NotADirectoryError):
        volume.makedirs(f"{workdir}/p/file/sub")


def test_makedirs_trailing_slash_and_bytes(volume: Volume, workdir: str) -> None:
    volume.makedirs(f"{workdir}/t1/t2/")
    assert volume.isdir(f"{workdir}/t1/t2") is True
    volume.makedirs(f"{workdir}/b1/b2".encode())
    assert volume.listdir(f"{workdir}/b1".encode()) == [b"b2"]


def test_rmdir(volume: Volume, workdir: str) -> None:
    volume.mkdir(f"{workdir}/empty")
    volume.rmdir(f"{workdir}/empty")
    assert volume.exists(f"{workdir}/empty") is False
    volume.mkdir(f"{workdir}/full")
    _write(volume, f"{workdir}/full/f")
    with pytest.raises(OSError) as info:
        volume.rmdir(f"{workdir}/full")
    assert info.value.errno == errno.ENOTEMPTY
    assert info.value.filename == f"{workdir}/full"
    with pytest.raises(FileNotFoundError):
        volume.rmdir(f"{workdir}/missing")
    with pytest.raises(NotADirectoryError):
        volume.rmdir(f"{workdir}/full/f")


# -- unlink / remove -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["unlink", "remove"])
def test_unlink_and_remove(volume: Volume, workdir: str, method: str) -> None:
    remove = getattr(volume, method)
    _write(volume, f"{workdir}/f")
    assert remove(f"{workdir}/f") is None
    assert volume.exists(f"{workdir}/f") is False
    with pytest.raises(FileNotFoundError) as missing:
        remove(f"{workdir}/f")
    assert missing.value.errno == errno.ENOENT
    assert missing.value.filename == f"{workdir}/f"
    volume.mkdir(f"{workdir}/d")
    with pytest.raises(IsADirectoryError) as isdir:
        remove(f"{workdir}/d")
    assert isdir.value.filename == f"{workdir}/d"
    assert volume.isdir(f"{workdir}/d") is True


def test_unlink_removes_a_symlink_not_its_target(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/target")
    volume.symlink("target", f"{workdir}/link")
    volume.unlink(f"{workdir}/link")
    assert volume.listdir(workdir) == ["target"]


# -- rename / replace ------------------------------------------------------------------------


def test_rename_file(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/a", b"A")
    volume.rename(f"{workdir}/a", f"{workdir}/b")
    assert volume.listdir(workdir) == ["b"]
    assert _read(volume, f"{workdir}/b") == b"A"


def test_rename_replaces_existing_file(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/a", b"new")
    _write(volume, f"{workdir}/b", b"old")
    volume.rename(f"{workdir}/a", f"{workdir}/b")
    assert volume.listdir(workdir) == ["b"]
    assert _read(volume, f"{workdir}/b") == b"new"


def test_rename_directory_to_new_name(volume: Volume, workdir: str) -> None:
    volume.makedirs(f"{workdir}/d1/inner")
    volume.rename(f"{workdir}/d1", f"{workdir}/d2")
    assert volume.listdir(workdir) == ["d2"]
    assert volume.listdir(f"{workdir}/d2") == ["inner"]


def test_rename_onto_directory_raises(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/f")
    volume.mkdir(f"{workdir}/dir")
    volume.mkdir(f"{workdir}/other")
    with pytest.raises(IsADirectoryError) as info:
        volume.rename(f"{workdir}/f", f"{workdir}/dir")
    assert info.value.filename == f"{workdir}/f"
    assert info.value.filename2 == f"{workdir}/dir"
    # The spec refuses a directory destination even for a directory source.
    with pytest.raises(IsADirectoryError):
        volume.rename(f"{workdir}/other", f"{workdir}/dir")
    assert sorted(volume.listdir(workdir)) == ["dir", "f", "other"]


def test_replace_has_posix_semantics(volume: Volume, workdir: str) -> None:
    volume.mkdir(f"{workdir}/src")
    _write(volume, f"{workdir}/src/f")
    volume.mkdir(f"{workdir}/empty")
    volume.replace(f"{workdir}/src", f"{workdir}/empty")
    assert volume.listdir(workdir) == ["empty"]
    assert volume.listdir(f"{workdir}/empty") == ["f"]


def test_rename_missing_source(volume: Volume, workdir: str) -> None:
    with pytest.raises(FileNotFoundError) as info:
        volume.rename(f"{workdir}/missing", f"{workdir}/dst")
    assert info.value.filename == f"{workdir}/missing"
    assert info.value.filename2 == f"{workdir}/dst"


# -- links -----------------------------------------------------------------------------------


def test_link_creates_a_hard_link(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/orig", b"shared")
    volume.link(f"{workdir}/orig", f"{workdir}/hard")
    assert volume.stat(f"{workdir}/orig").st_nlink == 2
    assert volume.samefile(f"{workdir}/orig", f"{workdir}/hard") is True
    assert _read(volume, f"{workdir}/hard") == b"shared"
    with pytest.raises(FileExistsError) as info:
        volume.link(f"{workdir}/orig", f"{workdir}/hard")
    assert info.value.filename == f"{workdir}/orig"
    assert info.value.filename2 == f"{workdir}/hard"
    with pytest.raises(FileNotFoundError):
        volume.link(f"{workdir}/missing", f"{workdir}/hard2")


def test_symlink_and_readlink(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/target")
    volume.symlink("target", f"{workdir}/rel")
    volume.symlink(f"{workdir}/target", f"{workdir}/abs")
    volume.symlink("nowhere", f"{workdir}/broken")
    assert volume.readlink(f"{workdir}/rel") == "target"
    assert volume.readlink(f"{workdir}/abs") == f"{workdir}/target"
    assert volume.readlink(f"{workdir}/broken") == "nowhere"
    assert volume.readlink(f"{workdir}/rel".encode()) == b"target"
    assert isinstance(volume.readlink(f"{workdir}/rel".encode()), bytes)
    with pytest.raises(FileExistsError):
        volume.symlink("x", f"{workdir}/rel")
    with pytest.raises(OSError) as notlink:
        volume.readlink(f"{workdir}/target")
    assert notlink.value.errno == errno.EINVAL
    with pytest.raises(FileNotFoundError):
        volume.readlink(f"{workdir}/missing")


def test_realpath(volume: Volume, workdir: str) -> None:
    volume.makedirs(f"{workdir}/real/sub")
    volume.symlink("real/sub", f"{workdir}/via")
    assert volume.realpath(f"{workdir}/via") == f"{workdir}/real/sub"
    assert volume.realpath(f"{workdir}/real/sub/../sub/.") == f"{workdir}/real/sub"
    assert volume.realpath(f"{workdir}/via".encode()) == f"{workdir}/real/sub".encode()
    with pytest.raises(FileNotFoundError):
        volume.realpath(f"{workdir}/missing/x")


# -- mknod / truncate ---------------------------------------------------------------------------


def test_mknod_fifo_and_regular(volume: Volume, workdir: str) -> None:
    volume.mknod(f"{workdir}/fifo", stat.S_IFIFO | 0o640)
    st = volume.lstat(f"{workdir}/fifo")
    assert stat.S_ISFIFO(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o640
    volume.mknod(f"{workdir}/plain")
    plain = volume.stat(f"{workdir}/plain")
    assert stat.S_ISREG(plain.st_mode)
    assert stat.S_IMODE(plain.st_mode) == 0o600
    assert plain.st_size == 0
    with pytest.raises(FileExistsError):
        volume.mknod(f"{workdir}/fifo", stat.S_IFIFO | 0o600, 0)


def test_truncate_path(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/t", b"0123456789")
    volume.truncate(f"{workdir}/t", 4)
    assert _read(volume, f"{workdir}/t") == b"0123"
    volume.truncate(f"{workdir}/t", 6)
    assert _read(volume, f"{workdir}/t") == b"0123\0\0"
    with pytest.raises(ValueError):
        volume.truncate(f"{workdir}/t", -1)
    with pytest.raises(TypeError):
        volume.truncate(f"{workdir}/t", "4")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        volume.truncate(f"{workdir}/missing", 0)
    with pytest.raises(IsADirectoryError):
        volume.truncate(workdir, 0)


# -- working directory ---------------------------------------------------------------------------


def test_chdir_getcwd_and_relative_paths(volume: Volume, workdir: str) -> None:
    assert volume.getcwd() == "/"
    volume.makedirs(f"{workdir}/one/two")
    try:
        volume.chdir(workdir)
        assert volume.getcwd() == workdir
        _write(volume, "relative.txt", b"rel")
        assert sorted(volume.listdir()) == ["one", "relative.txt"]
        assert sorted(volume.listdir(".")) == ["one", "relative.txt"]
        volume.chdir("one/two")
        assert volume.getcwd() == f"{workdir}/one/two"
        volume.chdir("../..")
        assert volume.getcwd() == workdir
        with pytest.raises(FileNotFoundError) as missing:
            volume.chdir("missing")
        assert missing.value.filename == "missing"
        with pytest.raises(NotADirectoryError):
            volume.chdir("relative.txt")
        assert volume.getcwd() == workdir
    finally:
        volume.chdir("/")
    assert volume.getcwd() == "/"
    assert _read(volume, f"{workdir}/relative.txt") == b"rel"
