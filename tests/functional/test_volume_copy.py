"""copyfileobj, copyfile, copymode, copystat, copy, copy2 and copytree."""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import time
from typing import Any

import pytest

import gpath
from gpath import Volume
from gpath.testing import cluster

from _support import read_bytes as _read, write_bytes as _write


# -- copyfileobj --------------------------------------------------------------------------------


def test_copyfileobj_between_files_from_the_current_offset(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/src", b"0123456789" * 1000)
    with volume.fopen(f"{workdir}/src", "rb") as fsrc, volume.fopen(f"{workdir}/dst", "wb") as fdst:
        fsrc.lseek(5, os.SEEK_SET)
        assert Volume.copyfileobj(fsrc, fdst, 7) is None
    assert _read(volume, f"{workdir}/dst") == (b"0123456789" * 1000)[5:]


def test_copyfileobj_default_length_and_mixed_objects(volume: Volume, workdir: str) -> None:
    data = os.urandom(300_000)
    with volume.fopen(f"{workdir}/dst", "wb") as fdst:
        volume.copyfileobj(io.BytesIO(data), fdst)
    assert _read(volume, f"{workdir}/dst") == data
    sink = io.BytesIO()
    with volume.fopen(f"{workdir}/dst", "rb") as fsrc:
        volume.copyfileobj(fsrc, sink, length=128 * 1024)
    assert sink.getvalue() == data
    with pytest.raises(ValueError):
        volume.copyfileobj(io.BytesIO(b"x"), io.BytesIO(), 0)


# -- copyfile ---------------------------------------------------------------------------------------


def test_copyfile_copies_content_only(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/src", b"payload")
    volume.chmod(f"{workdir}/src", 0o600)
    volume.utime(f"{workdir}/src", (100, 200))
    _write(volume, f"{workdir}/dst", b"a much longer previous content")
    volume.chmod(f"{workdir}/dst", 0o640)
    assert volume.copyfile(f"{workdir}/src", f"{workdir}/dst") is None
    assert _read(volume, f"{workdir}/dst") == b"payload"
    st = volume.stat(f"{workdir}/dst")
    assert stat.S_IMODE(st.st_mode) == 0o640  # the existing file's mode, not src's
    assert st.st_mtime != 200.0


def test_copyfile_empty_file(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/empty", b"")
    volume.copyfile(f"{workdir}/empty", f"{workdir}/copy")
    assert volume.getsize(f"{workdir}/copy") == 0


def test_copyfile_large_random_file_is_byte_exact(volume: Volume, workdir: str) -> None:
    """Several 1 MiB pieces and a short one, on every brick of dist3, byte for byte."""
    data = os.urandom(3 * 1024 * 1024 + 54_321)
    _write(volume, f"{workdir}/big", data)
    for name in ("copy1", "copy2", "copy3"):  # several names: several bricks on dist3
        volume.copyfile(f"{workdir}/big", f"{workdir}/{name}")
        assert volume.getsize(f"{workdir}/{name}") == len(data)
        assert _read(volume, f"{workdir}/{name}") == data


def test_copyfile_same_file_raises_error(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/f", b"keep me")
    volume.link(f"{workdir}/f", f"{workdir}/hard")
    volume.symlink("f", f"{workdir}/soft")
    for dst in (f"{workdir}/f", f"{workdir}/hard", f"{workdir}/soft"):
        with pytest.raises(gpath.Error) as info:
            volume.copyfile(f"{workdir}/f", dst)
        assert isinstance(info.value, shutil.SameFileError)
        assert isinstance(info.value, shutil.Error)
        assert isinstance(info.value, gpath.SameFileError)
    assert _read(volume, f"{workdir}/f") == b"keep me"


def test_copyfile_errors(volume: Volume, workdir: str) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        volume.copyfile(f"{workdir}/missing", f"{workdir}/dst")
    assert missing.value.filename == f"{workdir}/missing"
    assert volume.exists(f"{workdir}/dst") is False
    _write(volume, f"{workdir}/src", b"x")
    volume.mkdir(f"{workdir}/dir")
    with pytest.raises(IsADirectoryError):
        volume.copyfile(f"{workdir}/src", f"{workdir}/dir")
    with pytest.raises(IsADirectoryError):
        volume.copyfile(f"{workdir}/dir", f"{workdir}/dst")
    with pytest.raises(FileNotFoundError):
        volume.copyfile(f"{workdir}/src", f"{workdir}/no/such/dir/dst")
    volume.mknod(f"{workdir}/fifo", stat.S_IFIFO | 0o600)
    with pytest.raises(shutil.SpecialFileError):
        volume.copyfile(f"{workdir}/fifo", f"{workdir}/dst")


# -- copymode / copystat -------------------------------------------------------------------------


def test_copymode(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/src", b"src")
    _write(volume, f"{workdir}/dst", b"dst")
    volume.chmod(f"{workdir}/src", 0o741)
    volume.utime(f"{workdir}/dst", (10, 20))
    assert volume.copymode(f"{workdir}/src", f"{workdir}/dst") is None
    st = volume.stat(f"{workdir}/dst")
    assert stat.S_IMODE(st.st_mode) == 0o741
    assert st.st_mtime == 20.0
    assert _read(volume, f"{workdir}/dst") == b"dst"
    with pytest.raises(FileNotFoundError):
        volume.copymode(f"{workdir}/missing", f"{workdir}/dst")


def test_copystat(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/src", b"src")
    _write(volume, f"{workdir}/dst", b"dst")
    volume.chmod(f"{workdir}/src", 0o604)
    volume.utime(f"{workdir}/src", ns=(1_111_111_111_123_456_789, 1_222_222_222_987_654_321))
    volume.chown(f"{workdir}/dst", 77, 88)
    assert volume.copystat(f"{workdir}/src", f"{workdir}/dst") is None
    st = volume.stat(f"{workdir}/dst")
    assert stat.S_IMODE(st.st_mode) == 0o604
    assert st.st_atime_ns == 1_111_111_111_123_456_789
    assert st.st_mtime_ns == 1_222_222_222_987_654_321
    assert (st.st_uid, st.st_gid) == (77, 88)  # owner and group are not copied
    assert _read(volume, f"{workdir}/dst") == b"dst"
    with pytest.raises(FileNotFoundError):
        volume.copystat(f"{workdir}/src", f"{workdir}/missing")


# -- copy / copy2 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["copy", "copy2"])
def test_copy_and_copy2(volume: Volume, workdir: str, method: str) -> None:
    copy = getattr(volume, method)
    _write(volume, f"{workdir}/src", b"copied")
    volume.chmod(f"{workdir}/src", 0o640)
    volume.utime(f"{workdir}/src", (1000, 2000))
    volume.mkdir(f"{workdir}/into")
    assert copy(f"{workdir}/src", f"{workdir}/named") is None
    assert copy(f"{workdir}/src", f"{workdir}/into") is None
    for dst in (f"{workdir}/named", f"{workdir}/into/src"):
        assert _read(volume, dst) == b"copied"
        st = volume.stat(dst)
        assert stat.S_IMODE(st.st_mode) == 0o640
        if method == "copy2":
            assert (st.st_atime, st.st_mtime) == (1000.0, 2000.0)
        else:
            assert st.st_mtime != 2000.0
    assert volume.listdir(f"{workdir}/into") == ["src"]
    with pytest.raises(gpath.SameFileError):
        copy(f"{workdir}/src", workdir)  # into its own directory: the same file
    with pytest.raises(FileNotFoundError):
        copy(f"{workdir}/missing", f"{workdir}/into")


# -- copytree ---------------------------------------------------------------------------------------


@pytest.fixture
def src_tree(volume: Volume, workdir: str) -> str:
    """src/{f (0o640, mtime 5000), sub/{g, deep/{h}}, skip.tmp, sub/skip.tmp, ln -> f, dl -> sub}."""
    src = f"{workdir}/src"
    volume.makedirs(f"{src}/sub/deep")
    _write(volume, f"{src}/f", b"F")
    volume.chmod(f"{src}/f", 0o640)
    volume.utime(f"{src}/f", (4000, 5000))
    _write(volume, f"{src}/sub/g", b"G")
    _write(volume, f"{src}/sub/deep/h", b"H")
    _write(volume, f"{src}/skip.tmp", b"")
    _write(volume, f"{src}/sub/skip.tmp", b"")
    volume.symlink("f", f"{src}/ln")
    volume.symlink("sub", f"{src}/dl")
    volume.chmod(f"{src}/sub", 0o750)
    return src


def _snapshot(volume: Volume, top: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for path, dirs, files in volume.walk(top):
        rel = path[len(top):] or "/"
        result[rel] = (sorted(dirs), sorted(files))
    return result


def test_copytree_copies_links_as_links(volume: Volume, workdir: str, src_tree: str) -> None:
    dst = f"{workdir}/dst"
    assert volume.copytree(src_tree, dst, symlinks=True) is None
    assert _snapshot(volume, dst) == _snapshot(volume, src_tree)
    assert volume.islink(f"{dst}/ln") is True
    assert volume.readlink(f"{dst}/ln") == "f"
    assert volume.readlink(f"{dst}/dl") == "sub"
    assert _read(volume, f"{dst}/sub/deep/h") == b"H"
    st = volume.stat(f"{dst}/f")
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert st.st_mtime == 5000.0  # copy2 semantics
    assert stat.S_IMODE(volume.stat(f"{dst}/sub").st_mode) == 0o750


def test_copytree_follows_links_by_default(volume: Volume, workdir: str, src_tree: str) -> None:
    dst = f"{workdir}/dst"
    volume.copytree(src_tree, dst)
    assert volume.islink(f"{dst}/ln") is False
    assert _read(volume, f"{dst}/ln") == b"F"
    st = volume.stat(f"{dst}/ln")  # the target's metadata, not the link's
    assert (stat.S_IMODE(st.st_mode), st.st_mtime) == (0o640, 5000.0)
    assert volume.islink(f"{dst}/dl") is False
    assert volume.isdir(f"{dst}/dl") is True
    assert sorted(volume.listdir(f"{dst}/dl")) == ["deep", "g", "skip.tmp"]


def test_copytree_ignore_is_called_per_directory(volume: Volume, workdir: str, src_tree: str) -> None:
    calls: list[tuple[str, list[str]]] = []

    def ignore(directory: str, names: list[str]) -> set[str]:
        calls.append((directory, sorted(names)))
        return {name for name in names if name.endswith(".tmp")}

    volume.copytree(src_tree, f"{workdir}/dst", symlinks=True, ignore=ignore)
    assert sorted(volume.listdir(f"{workdir}/dst")) == ["dl", "f", "ln", "sub"]
    assert sorted(volume.listdir(f"{workdir}/dst/sub")) == ["deep", "g"]
    assert sorted(calls) == [
        (src_tree, ["dl", "f", "ln", "skip.tmp", "sub"]),
        (f"{src_tree}/sub", ["deep", "g", "skip.tmp"]),
        (f"{src_tree}/sub/deep", ["h"]),
    ]


def test_copytree_destination_must_not_exist(volume: Volume, workdir: str, src_tree: str) -> None:
    volume.mkdir(f"{workdir}/exists")
    with pytest.raises(FileExistsError):
        volume.copytree(src_tree, f"{workdir}/exists")
    assert volume.listdir(f"{workdir}/exists") == []


def test_copytree_collects_errors(volume: Volume, workdir: str, src_tree: str) -> None:
    volume.symlink("nowhere", f"{src_tree}/broken")
    volume.symlink("nowhere", f"{src_tree}/sub/broken2")
    dst = f"{workdir}/dst"
    with pytest.raises(gpath.Error) as info:
        volume.copytree(src_tree, dst)
    assert isinstance(info.value, shutil.Error)
    reasons = info.value.args[0]
    assert sorted((s, d) for s, d, _ in reasons) == [
        (f"{src_tree}/broken", f"{dst}/broken"),
        (f"{src_tree}/dl/broken2", f"{dst}/dl/broken2"),  # dl -> sub is copied as a tree
        (f"{src_tree}/sub/broken2", f"{dst}/sub/broken2"),
    ]
    assert all(isinstance(why, str) and str(errno.ENOENT) in why for _, _, why in reasons)
    assert _read(volume, f"{dst}/sub/deep/h") == b"H"  # everything else was copied
    assert _read(volume, f"{dst}/f") == b"F"


def test_copytree_missing_source(volume: Volume, workdir: str) -> None:
    with pytest.raises(FileNotFoundError):
        volume.copytree(f"{workdir}/missing", f"{workdir}/dst")
    assert volume.exists(f"{workdir}/dst") is False


def test_copyfile_sees_data_of_a_file_still_open_for_writing(volume: Volume, workdir: str) -> None:
    data = os.urandom(2 * 1024 * 1024 + 17)
    with volume.fopen(f"{workdir}/growing", "wb") as writer:
        writer.write(data)  # possibly still in the client's write-behind cache
        volume.copyfile(f"{workdir}/growing", f"{workdir}/snapshot")
    assert volume.getsize(f"{workdir}/snapshot") == len(data)
    assert _read(volume, f"{workdir}/snapshot") == data


def _held_open_on_bricks(volname: str, directory: str) -> list[str]:
    """Files under *directory* (volume-absolute) that a brick process of *volname* has open."""
    held = []
    for brick in cluster.brick_status(volname):
        if brick.pid is None:
            continue
        cluster.verify_brick_process(brick.pid, volname, brick.path)  # read-only, but be sure
        prefix = os.path.realpath(brick.path) + directory  # /proc/PID/fd links are real paths
        fd_dir = f"/proc/{brick.pid}/fd"
        for fd in os.listdir(fd_dir):
            try:
                target = os.readlink(f"{fd_dir}/{fd}")
            except OSError:  # closed meanwhile
                continue
            if target.startswith(prefix + "/"):
                held.append(target)
    return held


def test_copies_leave_no_file_open_on_the_bricks(volume: Volume, workdir: str) -> None:
    """GlusterFS 10.3's copy_file_range keeps the destination open on the brick for good (one
    brick fd per call until the brick restarts; at its fd limit the brick stops itself), so
    gpath's copies must leave nothing open there once closed."""
    data = os.urandom(3 * 1024 * 1024 + 5)
    _write(volume, f"{workdir}/src", data)
    volume.copyfile(f"{workdir}/src", f"{workdir}/a")
    volume.copy2(f"{workdir}/src", f"{workdir}/b")
    volume.path(workdir, "src").copy(volume.path(workdir, "c"))
    volume.mkdir(f"{workdir}/tree")
    _write(volume, f"{workdir}/tree/small", b"small file")
    volume.copytree(f"{workdir}/tree", f"{workdir}/tree-copy")
    for name in ("a", "b", "c"):
        assert _read(volume, f"{workdir}/{name}") == data
    assert _read(volume, f"{workdir}/tree-copy/small") == b"small file"
    # A closed glfd's RELEASE reaches the brick asynchronously: allow it a moment.
    deadline = time.monotonic() + 5
    while (held := _held_open_on_bricks(volume.volname, workdir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held == []
