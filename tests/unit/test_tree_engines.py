"""The tree engines (one walk, one rmtree) run on local disk too: their logic against os.walk
and shutil.rmtree, with no server."""

from __future__ import annotations

import errno
import functools
import os
import posixpath
import stat
from pathlib import Path
from typing import Any

import pytest

from gpath import _glob, _tree, _walk
from gpath.dir import ListingPrefetcher


def _make_tree(root: Path) -> None:
    for d in ("a/a1/a11", "a/a2", "b", "c/c1"):
        (root / d).mkdir(parents=True)
    for f in ("f0", "a/f1", "a/a1/f2", "a/a1/a11/f3", "b/f4", "c/c1/f5"):
        (root / f).write_bytes(f.encode())
    (root / "a" / "up").symlink_to("..")  # a loop when followed
    (root / "b" / "to-c").symlink_to("../c")
    (root / "dangling").symlink_to("nowhere")


def _scandir(path: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as entries:
        return list(entries)


def _local_walk(top: str, top_down: bool, follow: bool) -> list[tuple[str, list[str], list[str]]]:
    def classify(directory: str, entry: os.DirEntry[str]) -> _walk.Classified:
        if not entry.is_dir(follow_symlinks=follow):
            return entry.name, False, None, None
        st = entry.stat(follow_symlinks=True)
        return entry.name, True, (st.st_dev, st.st_ino) if follow else None, None

    def on_error(exc: OSError) -> None:
        raise exc

    st = os.stat(top)
    walk = _walk.walk(
        top,
        (st.st_dev, st.st_ino) if follow else None,
        ListingPrefetcher(_scandir),
        lambda path: path,
        classify,
        posixpath.join,
        top_down,
        on_error,
        follow,
    )
    return [(d, sorted(ds), sorted(fs)) for d, ds, fs in walk]


def _os_walk(top: str, top_down: bool) -> list[tuple[str, list[str], list[str]]]:
    """os.walk, but with symlinks to directories among the files, as gpath's walks have them
    when not following symlinks."""
    result = []
    for d, ds, fs in os.walk(top, topdown=top_down):
        links = [n for n in ds if os.path.islink(os.path.join(d, n))]
        result.append((d, sorted(set(ds) - set(links)), sorted(fs + links)))
    return result


@pytest.mark.parametrize("top_down", [True, False])
def test_walk_matches_os_walk(tmp_path: Path, top_down: bool) -> None:
    _make_tree(tmp_path)
    top = str(tmp_path)
    assert sorted(_local_walk(top, top_down, False)) == sorted(_os_walk(top, top_down))
    order = [d for d, _, _ in _local_walk(top, top_down, False)]
    if top_down:
        assert order[0] == top
    else:
        assert order[-1] == top


def test_walk_following_links_cuts_loops(tmp_path: Path) -> None:
    _make_tree(tmp_path)
    top = str(tmp_path)
    walked = _local_walk(top, True, True)
    dirs = [d for d, _, _ in walked]
    # b/to-c is entered (c is not its ancestor); a/up leads back to the top: listed, not entered
    assert f"{top}/b/to-c" in dirs and f"{top}/b/to-c/c1" in dirs
    assert f"{top}/a/up" not in dirs
    assert ("up" in dict((d, ds) for d, ds, _ in walked)[f"{top}/a"]) is True
    assert len(dirs) == len(set(dirs)) == 10


def test_walk_pruning_and_errors(tmp_path: Path) -> None:
    _make_tree(tmp_path)
    top = str(tmp_path)
    seen: list[str] = []
    errors: list[OSError] = []

    def classify(directory: str, entry: os.DirEntry[str]) -> _walk.Classified:
        return entry.name, entry.is_dir(follow_symlinks=False), None, None

    walk = _walk.walk(
        top, None, ListingPrefetcher(_scandir), lambda p: p, classify, posixpath.join,
        True, errors.append, False,
    )  # fmt: skip
    for directory, dirnames, _ in walk:
        seen.append(directory)
        if directory == top:
            dirnames.remove("a")  # pruned: never listed
            dirnames.append("missing")  # added: listed, and its failure reported
    assert sorted(seen) == sorted([top, f"{top}/b", f"{top}/c", f"{top}/c/c1"])
    assert [(e.errno, e.filename) for e in errors] == [(errno.ENOENT, f"{top}/missing")]


def test_rmtree_engine_on_local_disk(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    _make_tree(tree)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_bytes(b"keep")
    (tree / "c" / "to-outside").symlink_to(outside)
    reports: list[tuple[str, Any, int | None]] = []

    def report(step: str, path: Any, exc: OSError) -> None:
        reports.append((step, path, exc.errno))

    _tree.rmtree(_tree.LocalFS(), str(tree), report, max_workers=4)
    assert reports == []
    assert os.listdir(tmp_path) == ["outside"]
    assert (outside / "keep").read_bytes() == b"keep"  # a symlink is removed, not followed


def test_rmtree_engine_reports_each_step(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing")
    reports: list[tuple[str, Any, int | None]] = []
    report = functools.partial(lambda out, step, path, exc: out.append((step, path, exc.errno)), reports)
    _tree.rmtree(_tree.LocalFS(), missing, report, max_workers=1)
    assert reports == [("listdir", missing, errno.ENOENT), ("rmdir", missing, errno.ENOENT)]

    def fail(step: str, path: Any, exc: OSError) -> None:
        raise exc

    with pytest.raises(FileNotFoundError) as info:
        _tree.rmtree(_tree.LocalFS(), missing, fail, max_workers=4)
    assert info.value.filename == missing


# -- glob ---------------------------------------------------------------------------------------


class _LocalInfo:
    """pathlib's PathInfo for a local path, with the lstat a listing gave."""

    def __init__(self, path: str, lstat: os.stat_result | None = None) -> None:
        self.path, self.lstat = path, lstat

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        if not follow_symlinks and self.lstat is not None:
            return self.lstat
        return os.stat(self.path, follow_symlinks=follow_symlinks)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        try:
            return stat.S_ISDIR(self.stat(follow_symlinks=follow_symlinks).st_mode)
        except OSError:
            return False

    def is_symlink(self) -> bool:
        try:
            return stat.S_ISLNK(self.stat(follow_symlinks=False).st_mode)
        except OSError:
            return False


class _LocalGlobFS:
    def list_dir(self, path: str) -> list[tuple[str, Any]]:
        with os.scandir(path) as entries:
            return [(e.name, _LocalInfo(path + e.name, e.stat(follow_symlinks=False))) for e in entries]

    def info(self, path: str, lstat: os.stat_result | None = None) -> Any:
        return _LocalInfo(path, lstat)

    stat = staticmethod(os.stat)
    lstat = staticmethod(os.lstat)


# pathlib 3.13's answers on the same tree (Path.glob, computed once with Python 3.13.0)
PATHLIB_313 = {
    ("*.txt", False): ["c.txt"],
    ("*/*.txt", False): ["a/x.txt", "link/x.txt"],
    ("**/*.txt", False): ["a/b/.h.txt", "a/b/z.txt", "a/x.txt", "c.txt"],
    ("**/*.txt", True): ["a/b/.h.txt", "a/b/z.txt", "a/x.txt", "c.txt",
                         "link/b/.h.txt", "link/b/z.txt", "link/x.txt"],
    ("a/**", False): ["a", "a/b", "a/b/.h.txt", "a/b/z.txt", "a/x.txt", "a/y.dat"],
    ("**/", False): [".", "a", "a/b"],
    ("**/", True): [".", "a", "a/b", "link", "link/b"],
    ("*/b/../*.dat", False): ["a/b/../y.dat", "link/b/../y.dat"],
    ("[ac]*", False): ["a", "c.txt"],
    ("dangling", False): ["dangling"],
    ("*/", False): ["a", "link"],
    ("**/b", True): ["a/b", "link/b"],
}  # fmt: skip


@pytest.mark.parametrize(("pattern", "recurse_symlinks"), sorted(PATHLIB_313))
def test_glob_selector_matches_pathlib_313(
    tmp_path: Path, pattern: str, recurse_symlinks: bool
) -> None:
    for d in ("a/b",):
        (tmp_path / d).mkdir(parents=True)
    for f in ("a/x.txt", "a/y.dat", "a/b/z.txt", "a/b/.h.txt", "c.txt"):
        (tmp_path / f).write_bytes(b"")
    (tmp_path / "link").symlink_to("a")
    (tmp_path / "dangling").symlink_to("nowhere")
    root = str(tmp_path)
    found = _glob.glob(_LocalGlobFS(), root, pattern, None, recurse_symlinks)
    relative = sorted(path[len(root) + 1 :] or "." for path, _ in found)
    assert relative == PATHLIB_313[(pattern, recurse_symlinks)]
