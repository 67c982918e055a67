"""Volume: stat-family queries, metadata changes, volume-wide queries and path arguments."""

from __future__ import annotations

import errno
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import time
import uuid

import pytest

from gpath import Volume, _stat
from gpath._handle import MountHandle
from gpath._lowlevel import ffi, lib

from _support import symlink_tree, write_bytes as _write


@pytest.fixture
def tree(volume: Volume, workdir: str) -> str:
    """workdir with: file (5 bytes), dir/, link -> file, dirlink -> dir, broken -> nowhere."""
    return symlink_tree(volume, workdir, b"12345")


# -- stat / lstat ------------------------------------------------------------------------------


def test_stat_returns_os_stat_result(volume: Volume, tree: str) -> None:
    st = volume.stat(f"{tree}/file")
    assert type(st) is os.stat_result
    assert stat.S_ISREG(st.st_mode)
    assert st.st_size == 5
    assert st.st_nlink == 1
    assert (st.st_uid, st.st_gid) == (0, 0)
    assert isinstance(st.st_mtime_ns, int)
    assert isinstance(st.st_mtime, float)
    assert st.st_mtime_ns // 1_000_000_000 == st[stat.ST_MTIME]
    assert abs(st.st_mtime - st.st_mtime_ns / 1e9) < 1e-6
    assert st.st_ino != 0
    assert st.st_blksize > 0


@pytest.mark.parametrize(
    "stat_path", [_stat.stat_path, _stat.stat_path_fallback], ids=["builtin", "fallback"]
)
def test_stat_path_contract(volume: Volume, tree: str, stat_path: _stat.StatPath) -> None:
    # Volume.stat()/lstat() rest on this one call; the C builtin and the cffi fallback agree
    # with each other and with the kernel's rules for the *_ns times beyond 1677-2262.
    mount = volume._mount
    assert mount is not None
    address = mount.handle.c_address
    volume.utime(f"{tree}/file", ns=(10**19 + 5, -(2**63) - 7))
    for path in (f"{tree}/file", os.fsencode(f"{tree}/file")):
        st = stat_path(address, path, 1)
        assert type(st) is os.stat_result
        assert (st.st_size, st.st_atime_ns, st.st_mtime_ns) == (5, 10**19 + 5, -(2**63) - 7)
        assert st.st_atime == 10**10 and type(st.st_atime) is float
        assert tuple(st) == tuple(volume.stat(f"{tree}/file"))
    link = stat_path(address, f"{tree}/link", 0)
    assert isinstance(link, os.stat_result) and stat.S_ISLNK(link.st_mode)
    assert stat_path(address, f"{tree}/missing", 1) == errno.ENOENT
    assert stat_path(address, f"{tree}/file/x", 1) == errno.ENOTDIR
    assert stat_path(address, "", 1) == errno.ENOENT
    assert stat_path(address, "/" + "a" * 5000, 1) == errno.ENAMETOOLONG
    assert stat_path(address, "/a\0b", 1) == lib.GP_EMBEDDED_NUL
    unmounted = MountHandle(ffi.NULL)  # what a stat racing umount() finds: no C call made
    unmounted.c.closed = 1
    assert stat_path(unmounted.c_address, f"{tree}/file", 1) == lib.GP_NOT_MOUNTED


def test_stat_path_is_the_c_builtin_on_cpython() -> None:
    if sys.implementation.name == "cpython":
        assert type(_stat.stat_path).__name__ == "builtin_function_or_method"
        with pytest.raises(ValueError):
            _stat.stat_path(0, "/", 1)  # a NULL mount is refused before any C call
        with pytest.raises(TypeError):
            _stat.stat_path(1, pathlib.PurePosixPath("/"), 1)  # type: ignore[arg-type]


def test_stat_follows_symlinks_lstat_does_not(volume: Volume, tree: str) -> None:
    target = volume.stat(f"{tree}/file")
    via_link = volume.stat(f"{tree}/link")
    link_itself = volume.lstat(f"{tree}/link")
    assert stat.S_ISREG(via_link.st_mode)
    assert via_link.st_ino == target.st_ino
    assert stat.S_ISLNK(link_itself.st_mode)
    assert link_itself.st_size == len("file")
    assert stat.S_ISDIR(volume.stat(f"{tree}/dirlink").st_mode)
    assert stat.S_ISLNK(volume.lstat(f"{tree}/broken").st_mode)


@pytest.mark.parametrize("method", ["stat", "lstat", "getsize", "getatime", "getmtime", "getctime"])
def test_stat_family_missing_path(volume: Volume, tree: str, method: str) -> None:
    path = f"{tree}/missing"
    with pytest.raises(FileNotFoundError) as info:
        getattr(volume, method)(path)
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == path


def test_stat_through_a_file_is_not_a_directory(volume: Volume, tree: str) -> None:
    with pytest.raises(NotADirectoryError) as info:
        volume.stat(f"{tree}/file/x")
    assert info.value.filename == f"{tree}/file/x"


def test_stat_broken_symlink(volume: Volume, tree: str) -> None:
    with pytest.raises(FileNotFoundError):
        volume.stat(f"{tree}/broken")


# -- exists / isdir / isfile / islink ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "exists", "isdir", "isfile", "islink"),
    [
        ("file", True, False, True, False),
        ("dir", True, True, False, False),
        ("link", True, False, True, True),
        ("dirlink", True, True, False, True),
        ("broken", False, False, False, True),
        ("missing", False, False, False, False),
        ("file/below", False, False, False, False),
    ],
)
def test_predicates(
    volume: Volume, tree: str, name: str, exists: bool, isdir: bool, isfile: bool, islink: bool
) -> None:
    path = f"{tree}/{name}"
    assert volume.exists(path) is exists
    assert volume.isdir(path) is isdir
    assert volume.isfile(path) is isfile
    assert volume.islink(path) is islink


def test_predicates_are_false_for_invalid_paths(volume: Volume) -> None:
    for bad in ("", "a\0b", b"a\0b"):
        assert volume.exists(bad) is False
        assert volume.isdir(bad) is False
        assert volume.isfile(bad) is False
        assert volume.islink(bad) is False


# -- size and times --------------------------------------------------------------------------------


def test_getsize_and_times(volume: Volume, tree: str) -> None:
    path = f"{tree}/file"
    volume.utime(path, (1_000_000_000.25, 1_200_000_000.5))
    assert volume.getsize(path) == 5
    assert volume.getatime(path) == 1_000_000_000.25
    assert volume.getmtime(path) == 1_200_000_000.5
    ctime = volume.getctime(path)
    assert isinstance(ctime, float)
    assert abs(ctime - time.time()) < 60
    assert volume.getsize(tree) == volume.stat(tree).st_size


def test_utime_with_times_ns_and_none(volume: Volume, tree: str) -> None:
    path = f"{tree}/file"
    assert volume.utime(path, (1.5, 2.25)) is None
    st = volume.stat(path)
    assert (st.st_atime_ns, st.st_mtime_ns) == (1_500_000_000, 2_250_000_000)
    volume.utime(path, (10, 20))
    st = volume.stat(path)
    assert (st.st_atime, st.st_mtime) == (10.0, 20.0)
    volume.utime(path, ns=(1_000_000_001, 2_000_000_002))
    st = volume.stat(path)
    assert (st.st_atime_ns, st.st_mtime_ns) == (1_000_000_001, 2_000_000_002)
    before = time.time()
    volume.utime(path, None)
    st = volume.stat(path)
    assert before - 2 <= st.st_mtime <= time.time() + 2
    assert before - 2 <= st.st_atime <= time.time() + 2
    volume.utime(path, (3, 4))
    volume.utime(path)  # times omitted: now as well
    assert abs(volume.stat(path).st_mtime - time.time()) < 2


def test_utime_follow_symlinks_false_changes_the_link(volume: Volume, tree: str) -> None:
    volume.utime(f"{tree}/file", (100, 200))
    volume.utime(f"{tree}/link", (300, 400), follow_symlinks=False)
    assert volume.lstat(f"{tree}/link").st_mtime == 400.0
    assert volume.stat(f"{tree}/file").st_mtime == 200.0
    volume.utime(f"{tree}/link", (500, 600))
    assert volume.stat(f"{tree}/file").st_mtime == 600.0


@pytest.mark.parametrize(
    ("times", "kwargs", "error"),
    [
        (5, {}, TypeError),
        ((1,), {}, TypeError),
        ((1, 2, 3), {}, TypeError),
        ([1, 2], {}, TypeError),
        ((1, "2"), {}, TypeError),
        (("1", 2), {}, TypeError),
        (None, {"ns": (1.0, 2)}, TypeError),
        (None, {"ns": 5}, TypeError),
        ((1, 2), {"ns": (1, 2)}, ValueError),
    ],
)
def test_utime_rejects_bad_times(volume: Volume, tree: str, times: object, kwargs: dict[str, object], error: type) -> None:
    volume.utime(f"{tree}/file", (7, 8))
    with pytest.raises(error):
        volume.utime(f"{tree}/file", times, **kwargs)  # type: ignore[arg-type]
    assert volume.getmtime(f"{tree}/file") == 8.0


def test_utime_missing(volume: Volume, tree: str) -> None:
    with pytest.raises(FileNotFoundError) as info:
        volume.utime(f"{tree}/missing", (1, 2))
    assert info.value.filename == f"{tree}/missing"


# -- chmod / chown / lchown ----------------------------------------------------------------------


def test_chmod(volume: Volume, tree: str) -> None:
    volume.chmod(f"{tree}/file", 0o640)
    assert stat.S_IMODE(volume.stat(f"{tree}/file").st_mode) == 0o640
    volume.chmod(f"{tree}/dir", 0o700)
    assert stat.S_IMODE(volume.stat(f"{tree}/dir").st_mode) == 0o700
    volume.chmod(f"{tree}/link", 0o604)  # follows the link
    assert stat.S_IMODE(volume.stat(f"{tree}/file").st_mode) == 0o604
    with pytest.raises(FileNotFoundError) as info:
        volume.chmod(f"{tree}/missing", 0o600)
    assert info.value.filename == f"{tree}/missing"


def test_chown_and_lchown(volume: Volume, tree: str) -> None:
    volume.chown(f"{tree}/file", 1234, 5678)
    st = volume.stat(f"{tree}/file")
    assert (st.st_uid, st.st_gid) == (1234, 5678)
    volume.chown(f"{tree}/file", -1, 42)  # -1 keeps the owner
    st = volume.stat(f"{tree}/file")
    assert (st.st_uid, st.st_gid) == (1234, 42)
    volume.lchown(f"{tree}/link", 111, 222)
    link = volume.lstat(f"{tree}/link")
    assert (link.st_uid, link.st_gid) == (111, 222)
    target = volume.stat(f"{tree}/file")
    assert (target.st_uid, target.st_gid) == (1234, 42)
    volume.chown(f"{tree}/link", 7, 8)  # chown follows the link
    assert (volume.stat(f"{tree}/file").st_uid, volume.lstat(f"{tree}/link").st_uid) == (7, 111)
    with pytest.raises(FileNotFoundError):
        volume.chown(f"{tree}/missing", 0, 0)
    with pytest.raises(FileNotFoundError):
        volume.lchown(f"{tree}/missing", 0, 0)


# -- access / samefile ---------------------------------------------------------------------------


def test_access(volume: Volume, tree: str) -> None:
    assert volume.access(f"{tree}/file", os.F_OK) is True
    assert volume.access(f"{tree}/file", os.R_OK | os.W_OK) is True
    assert volume.access(f"{tree}/dir", os.F_OK | os.X_OK) is True
    assert volume.access(f"{tree}/missing", os.F_OK) is False
    assert volume.access(f"{tree}/broken", os.F_OK) is False
    assert volume.access("", os.F_OK) is False
    with pytest.raises(ValueError):
        volume.access("a\0b", os.F_OK)
    with pytest.raises(TypeError):
        volume.access(f"{tree}/file", "r")  # type: ignore[arg-type]


def test_samefile(volume: Volume, tree: str) -> None:
    assert volume.samefile(f"{tree}/file", f"{tree}/file") is True
    assert volume.samefile(f"{tree}/file", f"{tree}/link") is True
    assert volume.samefile(f"{tree}/dir", f"{tree}/dirlink") is True
    assert volume.samefile(f"{tree}/file", f"{tree}/dir") is False
    volume.link(f"{tree}/file", f"{tree}/hard")
    assert volume.samefile(f"{tree}/hard", f"{tree}/file") is True
    with pytest.raises(FileNotFoundError) as info:
        volume.samefile(f"{tree}/file", f"{tree}/missing")
    assert info.value.filename == f"{tree}/missing"
    with pytest.raises(FileNotFoundError):
        volume.samefile(f"{tree}/missing", f"{tree}/file")


# -- volume-wide -----------------------------------------------------------------------------


def test_statvfs(volume: Volume, workdir: str) -> None:
    sv = volume.statvfs("/")
    assert type(sv) is os.statvfs_result
    assert sv.f_namemax == 255
    assert sv.f_bsize > 0
    assert sv.f_frsize > 0
    assert 0 <= sv.f_bavail <= sv.f_bfree <= sv.f_blocks
    assert 0 < sv.f_files
    assert isinstance(sv.f_fsid, int)
    assert volume.statvfs(workdir).f_blocks == sv.f_blocks
    with pytest.raises(FileNotFoundError):
        volume.statvfs(f"{workdir}/missing")


def test_get_volume_id_matches_gluster_cli(volume: Volume) -> None:
    volume_id = volume.get_volume_id()
    assert isinstance(volume_id, uuid.UUID)
    assert volume.get_volume_id() == volume_id
    gluster = shutil.which("gluster")
    if gluster is None:
        pytest.skip("gluster CLI not installed")
    info = subprocess.run(
        [gluster, "--mode=script", "volume", "info", volume.volname],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    line = next(line for line in info.splitlines() if line.startswith("Volume ID:"))
    assert volume_id == uuid.UUID(line.split(":", 1)[1].strip())


def test_get_volfile_names_the_volume(volume: Volume) -> None:
    volfile = volume.get_volfile()
    assert isinstance(volfile, bytes)
    assert f"volume {volume.volname}".encode() in volfile


# -- path arguments ------------------------------------------------------------------------------


def test_paths_may_be_str_bytes_or_pathlike(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/p", b"xyz")
    for path in (f"{workdir}/p", f"{workdir}/p".encode(), pathlib.PurePosixPath(f"{workdir}/p")):
        assert volume.getsize(path) == 3
        assert volume.exists(path) is True
    assert volume.listdir(pathlib.PurePosixPath(workdir)) == ["p"]
    assert volume.listdir(workdir.encode()) == [b"p"]


def test_non_utf8_names_round_trip(volume: Volume, workdir: str) -> None:
    raw = workdir.encode() + b"/\xff\xfe-name"
    _write(volume, raw, b"bytes")
    assert volume.listdir(workdir.encode()) == [b"\xff\xfe-name"]
    as_str = volume.listdir(workdir)
    assert as_str == ["\udcff\udcfe-name"]
    assert volume.getsize(f"{workdir}/{as_str[0]}") == 5  # surrogateescape goes back
    volume.rename(f"{workdir}/{as_str[0]}", workdir.encode() + b"/\xe9t\xe9")
    assert volume.listdir(workdir.encode()) == [b"\xe9t\xe9"]


def test_embedded_nul_raises_value_error(volume: Volume, workdir: str) -> None:
    for call in (
        lambda: volume.stat(f"{workdir}/a\0b"),
        lambda: volume.mkdir(f"{workdir}/a\0b"),
        lambda: volume.fopen(f"{workdir}/a\0b", "w"),
        lambda: volume.open(f"{workdir}/a\0b".encode(), os.O_CREAT | os.O_WRONLY),
        lambda: volume.unlink(f"{workdir}/a\0b"),
        lambda: volume.rename(f"{workdir}/x", f"{workdir}/a\0b"),
        lambda: volume.symlink("t\0x", f"{workdir}/l"),
        lambda: volume.setxattr(workdir, "user.a\0b", b"v"),
    ):
        with pytest.raises(ValueError, match="null"):
            call()
    assert volume.listdir(workdir) == []


def test_empty_and_none_paths(volume: Volume) -> None:
    with pytest.raises(FileNotFoundError) as info:
        volume.stat("")
    assert info.value.errno == errno.ENOENT
    with pytest.raises(FileNotFoundError):
        volume.fopen("", "w")
    with pytest.raises(FileNotFoundError):
        volume.listdir(b"")
    with pytest.raises(TypeError):
        volume.stat(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        volume.mkdir(42)  # type: ignore[arg-type]
