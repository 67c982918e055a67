"""glob/rglob/walk/iterdir on a real volume, checked against pathlib on the same local tree.

The interpreter here may be older than 3.13, whose glob rules GlusterPath implements, so the
local reference is this Python's ``pathlib.Path.glob`` for the patterns where the rules did
not change, and for the two that changed (a trailing ``**`` now also yields files; a trailing
``/`` now selects directories) the 3.13 answer is derived from older pathlib's.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Iterator

import pytest

from gpath import GlusterPath, Volume

FILES = [
    "a.txt", "b.py", ".hidden", ".hdir/x.py", "dir1/c.py", "dir1/d.txt", "dir1/sub/e.py",
    "dir1/sub/deeper/f.py", "dir2/g.TXT", "dir2/sub/h.py", "dir2/ab", "sp ace/é.py",
]  # fmt: skip
DIRS = ["empty"]
LINKS = {"link_dir": "dir1", "link_file": "a.txt", "broken": "nowhere", "dir2/up": ".."}

SAME_IN_ALL_VERSIONS = [
    "*", "*.py", "*.txt", "?.py", "[ab].*", "[!a]*", "dir1/*", "dir1/*.py", "*/*.py", "*/sub/*",
    "**/*.py", "**/sub", "**/sub/*.py", "dir1/**/*.py", "**/*", "link_dir/*", "link_dir/sub/*",
    "*/sub", "dir1/sub/../c.py", "dir1/..", "a.txt", "dir1/sub/e.py", "missing", "missing/*",
    "**/e.py", ".h*", "*/.*", "**/.*", "dir*/**/*.py", "**/dir1/**/*.py", "*/*/*", "sp ace/*",
    "dir?", "*/[a-c]*", "./a.txt", "dir1//c.py", "**/**/*.py", "empty/*", "*/up/*.txt",
]  # fmt: skip
TRAILING_STARSTAR = ["**", "dir1/**", "link_dir/**", "*/**", "empty/**", "missing/**"]
TRAILING_SLASH = ["*/", "**/", "dir*/", "link_dir/", "a.txt/", "dir1/sub/", "**/sub/"]


def build_tree(root: pathlib.Path | GlusterPath) -> None:
    """The test tree, through the pathlib API both path types share."""
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    for name in DIRS:
        (root / name).mkdir()
    for name, target in LINKS.items():
        (root / name).symlink_to(target)


@pytest.fixture
def trees(gluster_tmp_path: GlusterPath, tmp_path: pathlib.Path) -> tuple[GlusterPath, pathlib.Path]:
    local = tmp_path / "tree"
    local.mkdir()
    build_tree(local)
    remote = gluster_tmp_path / "tree"
    remote.mkdir()
    build_tree(remote)
    return remote, local


def rel_remote(root: GlusterPath, paths: Iterator[GlusterPath]) -> set[str]:
    return {str(p.relative_to(root)) for p in paths}


def rel_local(root: pathlib.Path, paths: Iterator[pathlib.Path]) -> set[str]:
    return {str(p.relative_to(root)) for p in paths}


def test_glob_conformance_with_pathlib(trees: tuple[GlusterPath, pathlib.Path]) -> None:
    remote, local = trees
    for pattern in SAME_IN_ALL_VERSIONS:
        assert rel_remote(remote, remote.glob(pattern)) == rel_local(local, local.glob(pattern)), pattern
    for pattern in TRAILING_STARSTAR:
        # 3.13+: a trailing "**" yields the files too, i.e. what "X/**" and "X/**/*" used to
        expected = rel_local(local, local.glob(pattern)) | rel_local(local, local.glob(pattern + "/*"))
        assert rel_remote(remote, remote.glob(pattern)) == expected, pattern
    for pattern in TRAILING_SLASH:
        # 3.13+: a trailing "/" keeps only directories (older pathlib dropped the slash)
        expected = {p for p in rel_local(local, local.glob(pattern)) if (local / p).is_dir()}
        assert rel_remote(remote, remote.glob(pattern)) == expected, pattern


def test_rglob_conformance(trees: tuple[GlusterPath, pathlib.Path]) -> None:
    remote, local = trees
    for pattern in ["*.py", "*", "sub", "sub/*.py", "e.py", ".*", "[!.]*"]:
        assert rel_remote(remote, remote.rglob(pattern)) == rel_local(local, local.rglob(pattern)), pattern


def test_glob_313_semantics(trees: tuple[GlusterPath, pathlib.Path]) -> None:
    remote, _ = trees
    # a literal broken symlink exists (lstat), as in 3.13
    assert rel_remote(remote, remote.glob("broken")) == {"broken"}
    # "**" inside a segment is a plain "*" (3.11 raised ValueError)
    assert rel_remote(remote, remote.glob("dir1/**.py")) == {"dir1/c.py"}
    # case sensitivity
    assert rel_remote(remote, remote.glob("*/*.txt")) == {"dir1/d.txt", "link_dir/d.txt"}
    assert rel_remote(remote, remote.glob("*/*.txt", case_sensitive=False)) == {
        "dir1/d.txt", "link_dir/d.txt", "dir2/g.TXT",
    }  # fmt: skip
    assert rel_remote(remote, remote.glob("DIR1/C.PY", case_sensitive=False)) == {"dir1/c.py"}
    assert rel_remote(remote, remote.glob("DIR1/C.PY")) == set()
    assert rel_remote(remote, remote.glob("dir2/G.txt", case_sensitive=True)) == set()
    assert rel_remote(remote, remote.rglob("G.TXT", case_sensitive=False)) == {"dir2/g.TXT"}
    # results come with an info seeded from the listing
    found = {str(p.relative_to(remote)): p for p in remote.glob("*")}
    assert found["dir1"].info.is_dir() and found["link_dir"].info.is_symlink() and found["a.txt"].info.is_file()


def test_recurse_symlinks(gluster_tmp_path: GlusterPath, tmp_path: pathlib.Path) -> None:
    remote = gluster_tmp_path
    (remote / "real" / "sub").mkdir(parents=True)
    (remote / "real" / "sub" / "x.py").touch()
    (remote / "real" / "y.py").touch()
    (remote / "link").symlink_to("real")
    without = rel_remote(remote, remote.glob("**/*.py"))
    assert without == {"real/y.py", "real/sub/x.py"}
    with_links = rel_remote(remote, remote.glob("**/*.py", recurse_symlinks=True))
    assert with_links == without | {"link/y.py", "link/sub/x.py"}
    # the same answer os.walk(followlinks=True) gives locally
    local = tmp_path / "t"
    (local / "real" / "sub").mkdir(parents=True)
    (local / "real" / "sub" / "x.py").touch()
    (local / "real" / "y.py").touch()
    (local / "link").symlink_to("real")
    expected = {
        str(pathlib.Path(d, f).relative_to(local))
        for d, _, files in os.walk(local, followlinks=True)
        for f in files
        if f.endswith(".py")
    }
    assert with_links == expected
    assert rel_remote(remote, remote.glob("**", recurse_symlinks=True)) >= {"link/sub", "link/sub/x.py"}


def _walk_reference(top: pathlib.Path, top_down: bool) -> list[tuple[str, list[str], list[str]]]:
    """``Path.walk`` (3.12+) from ``os.walk``: symlinks to directories count as files."""
    result = []
    for dirpath, dirnames, filenames in os.walk(top, topdown=top_down):
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        dirs = [d for d in dirnames if d not in links]
        result.append((str(pathlib.Path(dirpath).relative_to(top)), sorted(dirs), sorted(filenames + links)))
    return result


def _walk_remote(top: GlusterPath, **kwargs: object) -> list[tuple[str, list[str], list[str]]]:
    return [(str(p.relative_to(top)), sorted(d), sorted(f)) for p, d, f in top.walk(**kwargs)]  # type: ignore[arg-type]


def test_walk_conformance(trees: tuple[GlusterPath, pathlib.Path]) -> None:
    remote, local = trees
    for top_down in (True, False):
        ours = _walk_remote(remote, top_down=top_down)
        theirs = _walk_reference(local, top_down)
        assert sorted(ours) == sorted(theirs)
        order = [entry[0] for entry in ours]
        for name in order:  # top-down: parents first; bottom-up: children first
            parent = str(pathlib.PurePosixPath(name).parent)
            if name != "." and parent in order:
                assert (order.index(parent) < order.index(name)) == top_down
    for dirpath, _, _ in remote.walk():
        assert dirpath.info.is_dir()


def test_walk_pruning_errors_and_links(trees: tuple[GlusterPath, pathlib.Path]) -> None:
    remote, _ = trees
    seen = []
    for dirpath, dirnames, _ in remote.walk():
        seen.append(str(dirpath.relative_to(remote)))
        if "dir1" in dirnames:
            dirnames.remove("dir1")
    assert not any(s.startswith("dir1") for s in seen) and "dir2/sub" in seen
    errors: list[OSError] = []
    assert list((remote / "missing").walk(on_error=errors.append)) == []
    assert len(errors) == 1 and isinstance(errors[0], FileNotFoundError)
    assert list((remote / "missing").walk()) == []
    with pytest.raises(ZeroDivisionError):
        list((remote / "missing").walk(on_error=lambda exc: 1 / 0))
    followed = {str(p.relative_to(remote)): (sorted(d), sorted(f)) for p, d, f in remote.walk(follow_symlinks=True)}
    assert followed["link_dir/sub"] == (["deeper"], ["e.py"])
    assert "up" in followed["dir2"][0]  # listed as a directory, but the loop is not entered
    assert not any(k.startswith("dir2/up") for k in followed)


def _counting(vol: Volume, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"_stat": 0, "opendir": 0}  # _stat: every stat and lstat, from any layer
    for name in counts:
        original: Callable[..., object] = getattr(vol, name)

        def wrapper(*args: object, _name: str = name, _original: Callable[..., object] = original) -> object:
            counts[_name] += 1
            return _original(*args)

        monkeypatch.setattr(vol, name, wrapper)
    return counts


def test_listing_costs_one_round_trip(gluster_tmp_path: GlusterPath, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(20):
        (gluster_tmp_path / f"f{i}").touch()
        (gluster_tmp_path / f"d{i}").mkdir()
    counts = _counting(gluster_tmp_path.volume, monkeypatch)
    files = [p for p in gluster_tmp_path.iterdir() if p.info.is_file()]
    assert len(files) == 20 and counts == {"_stat": 0, "opendir": 1}
    [p for p in gluster_tmp_path.iterdir() if p.is_file()]  # the method stats each entry afresh
    assert counts["_stat"] == 40
    counts.update(_stat=0, opendir=0)
    assert len(list(gluster_tmp_path.glob("*/"))) == 20
    assert counts == {"_stat": 0, "opendir": 1}
    counts.update(_stat=0, opendir=0)
    assert len(list(gluster_tmp_path.rglob("*"))) == 40
    assert counts == {"_stat": 0, "opendir": 21}
