"""listdir, listdir_with_stat, scandir/DirEntry and opendir/Dir on real volumes."""

from __future__ import annotations

import errno
import os
import stat

import pytest

import gpath
from gpath import Dir, DirEntry, Volume
from gpath.dir import Dirent

from _support import symlink_tree, write_bytes as _write


@pytest.fixture
def tree(volume: Volume, workdir: str) -> str:
    """workdir with: file (3 bytes), dir/, link -> file, dirlink -> dir, broken -> nowhere."""
    return symlink_tree(volume, workdir, b"abc")


NAMES = ["broken", "dir", "dirlink", "file", "link"]


# -- listdir / listdir_with_stat -------------------------------------------------------------


def test_listdir(volume: Volume, tree: str) -> None:
    names = volume.listdir(tree)
    assert isinstance(names, list)
    assert sorted(names) == NAMES
    assert all(type(n) is str for n in names)
    assert sorted(volume.listdir(tree.encode())) == [n.encode() for n in NAMES]
    assert volume.listdir(f"{tree}/dir") == []


def test_listdir_of_many_entries(volume: Volume, workdir: str) -> None:
    expected = sorted(f"entry-{i:03d}" for i in range(150))  # more than one readdir batch
    for name in expected:
        volume.mkdir(f"{workdir}/{name}")
    assert sorted(volume.listdir(workdir)) == expected


def test_listdir_errors(volume: Volume, tree: str) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        volume.listdir(f"{tree}/missing")
    assert missing.value.filename == f"{tree}/missing"
    with pytest.raises(NotADirectoryError) as notdir:
        volume.listdir(f"{tree}/file")
    assert notdir.value.errno == errno.ENOTDIR
    assert notdir.value.filename == f"{tree}/file"


def test_listdir_with_stat(volume: Volume, tree: str) -> None:
    entries = volume.listdir_with_stat(tree)
    assert sorted(name for name, _ in entries) == NAMES
    by_name = dict(entries)
    assert all(type(st) is os.stat_result for st in by_name.values())
    assert stat.S_ISREG(by_name["file"].st_mode)
    assert by_name["file"].st_size == 3
    assert stat.S_ISDIR(by_name["dir"].st_mode)
    for link in ("link", "dirlink", "broken"):  # the stat of the entry itself
        assert stat.S_ISLNK(by_name[link].st_mode)
    assert by_name["file"].st_ino == volume.stat(f"{tree}/file").st_ino
    by_bytes = dict(volume.listdir_with_stat(tree.encode()))
    assert sorted(by_bytes) == [n.encode() for n in NAMES]
    with pytest.raises(FileNotFoundError):
        volume.listdir_with_stat(f"{tree}/missing")


# -- scandir / DirEntry ----------------------------------------------------------------------


def test_scandir_entries(volume: Volume, tree: str) -> None:
    entries = {e.name: e for e in volume.scandir(tree)}
    assert sorted(entries) == NAMES
    assert all(type(e) is DirEntry for e in entries.values())
    assert entries["file"].path == f"{tree}/file"
    assert os.fspath(entries["file"]) == f"{tree}/file"
    assert entries["file"].inode() == volume.stat(f"{tree}/file").st_ino
    assert repr(entries["file"]) == "<DirEntry 'file'>"


@pytest.mark.parametrize(
    ("name", "is_dir", "is_file", "is_symlink", "is_dir_follow", "is_file_follow"),
    [
        ("file", False, True, False, False, True),
        ("dir", True, False, False, True, False),
        ("link", False, False, True, False, True),
        ("dirlink", False, False, True, True, False),
        ("broken", False, False, True, False, False),
    ],
)
def test_dir_entry_types_do_not_follow_symlinks_by_default(
    volume: Volume,
    tree: str,
    name: str,
    is_dir: bool,
    is_file: bool,
    is_symlink: bool,
    is_dir_follow: bool,
    is_file_follow: bool,
) -> None:
    (entry,) = [e for e in volume.scandir(tree) if e.name == name]
    assert entry.is_dir() is is_dir
    assert entry.is_file() is is_file
    assert entry.is_symlink() is is_symlink
    assert entry.is_dir(follow_symlinks=True) is is_dir_follow
    assert entry.is_file(follow_symlinks=True) is is_file_follow


def test_dir_entry_stat_is_lstat_and_cached(volume: Volume, tree: str) -> None:
    entries = {e.name: e for e in volume.scandir(tree)}
    link = entries["link"]
    lst = link.stat()
    assert type(lst) is os.stat_result
    assert stat.S_ISLNK(lst.st_mode)
    assert link.stat() is lst  # no new round trip
    followed = link.stat(follow_symlinks=True)
    assert stat.S_ISREG(followed.st_mode)
    assert followed.st_size == 3
    assert link.stat(follow_symlinks=True) is followed  # cached separately
    assert link.stat() is lst
    # The cache is not refreshed: the file grows, the entry keeps what it saw.
    file_entry = entries["file"]
    before = file_entry.stat()
    _write(volume, f"{tree}/file", b"now much longer")
    assert file_entry.stat() is before
    assert file_entry.stat().st_size == 3
    assert file_entry.stat(follow_symlinks=True) is before  # not a link: same stat
    assert volume.stat(f"{tree}/file").st_size == 15
    with pytest.raises(FileNotFoundError):
        entries["broken"].stat(follow_symlinks=True)


def test_scandir_relative_and_bytes_paths(volume: Volume, tree: str) -> None:
    try:
        volume.chdir(tree)
        rel = {e.name: e.path for e in volume.scandir("dir/..")}
        assert rel["file"] == "dir/../file"
        here = {e.name: e.path for e in volume.scandir()}
        assert here["file"] == "./file"
    finally:
        volume.chdir("/")
    as_bytes = {e.name: e for e in volume.scandir(tree.encode())}
    assert sorted(as_bytes) == [n.encode() for n in NAMES]
    assert as_bytes[b"file"].path == tree.encode() + b"/file"


def test_scandir_context_manager_and_errors(volume: Volume, tree: str) -> None:
    with volume.scandir(tree) as it:
        first = next(it)
        assert first.name in NAMES
    assert list(it) == []  # closed early: nothing more
    with pytest.raises(FileNotFoundError) as info:
        volume.scandir(f"{tree}/missing")
    assert info.value.filename == f"{tree}/missing"
    with pytest.raises(NotADirectoryError):
        volume.scandir(f"{tree}/file")


def test_dir_entry_constructor(volume: Volume, tree: str) -> None:
    lstat = volume.lstat(f"{tree}/link")
    entry = DirEntry(volume, tree, "link", lstat)
    assert entry.name == "link"
    assert entry.path == f"{tree}/link"
    assert entry.is_symlink() is True
    assert entry.stat() is lstat
    assert entry.is_file(follow_symlinks=True) is True
    mixed = DirEntry(volume, tree, b"link", lstat)  # name follows the path's type
    assert mixed.name == "link"


# -- opendir / Dir ------------------------------------------------------------------------------


def test_opendir_yields_dirents(volume: Volume, tree: str) -> None:
    with volume.opendir(tree) as directory:
        assert isinstance(directory, Dir)
        entries = list(directory)
    assert all(type(e) is Dirent for e in entries)
    assert sorted(e.d_name for e in entries) == [b".", b"..", *[n.encode() for n in NAMES]]
    by_name = {e.d_name: e for e in entries}
    assert by_name[b"dir"].d_type == 4  # DT_DIR
    assert by_name[b"file"].d_type == 8  # DT_REG
    assert by_name[b"link"].d_type == 10  # DT_LNK
    assert by_name[b"file"].d_ino == volume.stat(f"{tree}/file").st_ino
    assert directory.closed is True


def test_opendir_readdirplus_yields_stats(volume: Volume, tree: str) -> None:
    directory = volume.opendir(tree, readdirplus=True)
    pairs = list(directory)
    directory.close()
    directory.close()  # idempotent
    assert all(type(e) is Dirent and type(st) is os.stat_result for e, st in pairs)
    stats = {e.d_name: st for e, st in pairs}
    assert stats[b"file"].st_size == 3
    assert stat.S_ISLNK(stats[b"link"].st_mode)
    with pytest.raises(gpath.ClosedError):
        next(iter(directory))


def test_opendir_errors(volume: Volume, tree: str) -> None:
    with pytest.raises(FileNotFoundError) as info:
        volume.opendir(f"{tree}/missing")
    assert info.value.filename == f"{tree}/missing"
    with pytest.raises(NotADirectoryError):
        volume.opendir(f"{tree}/file", readdirplus=True)
