"""Where GlusterPath follows pathlib 3.12+'s pure-path rules that are easy to miss.

``"c" / p`` (``__rtruediv__``), subclasses that carry state through ``with_segments()``,
the deprecation of ``is_reserved()`` and the conversion of ``PureWindowsPath`` segments.
The pure operations need no server; only the listings (``iterdir``/``glob``/``walk``) do.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath

import attrs
import pytest

from gpath import GlusterPath, Volume

VOL = Volume("localhost", "gpath_single")  # never mounted: pure operations only


class SessionPath(GlusterPath):
    """pathlib's documented example of a subclass with state (``PurePath.with_segments``)."""

    def __init__(
        self, volume: Volume, *pathsegments: str | os.PathLike[str], session_id: int
    ) -> None:
        super().__init__(volume, *pathsegments)
        self.session_id = session_id

    def with_segments(self, *pathsegments: str | os.PathLike[str]) -> SessionPath:
        return type(self)(self.volume, *pathsegments, session_id=self.session_id)


class DefaultsPath(GlusterPath):
    """A subclass that sets state in ``__init__`` but keeps the inherited with_segments()."""

    def __init__(self, volume: Volume, *pathsegments: str | os.PathLike[str]) -> None:
        super().__init__(volume, *pathsegments)
        self.made_by_init = True


def check_session(paths: Sequence[GlusterPath], expected: list[str]) -> None:
    assert [type(p) for p in paths] == [SessionPath] * len(expected)
    assert [p.path for p in paths] == expected
    assert [getattr(p, "session_id") for p in paths] == [42] * len(expected)
    assert all(p.volume is paths[0].volume for p in paths)


# -- "c" / p ------------------------------------------------------------------------------


def test_rtruediv_gives_the_right_side_as_pathlib_does() -> None:
    p = GlusterPath(VOL, "a", "b")
    lefts: list[str | PurePosixPath] = ["c", "/c", "", PurePosixPath("c/d")]
    for left in [*lefts, PureWindowsPath("c\\d")]:
        joined = left / p
        assert type(joined) is GlusterPath
        assert joined.path == "/a/b"
        assert joined == p and joined is not p and joined.volume is VOL
    for left in lefts:  # pathlib: an absolute right side replaces whatever is on the left
        assert str(left / PurePosixPath(p.path)) == "/a/b"
    assert ("c" / VOL.root).path == "/"


def test_rtruediv_refuses_what_pathlib_refuses() -> None:
    p = GlusterPath(VOL, "a")
    for bad in (b"c", 3, None):
        with pytest.raises(TypeError):
            bad / p  # type: ignore[operator]
    assert p / GlusterPath(VOL, "x") == GlusterPath(VOL, "x")  # absolute: it restarts
    with pytest.raises(TypeError, match="on a different volume"):
        p / GlusterPath(Volume("elsewhere", "purevol"), "x")


# -- subclasses ---------------------------------------------------------------------------


def test_subclass_state_carries_through_derived_paths() -> None:
    p = SessionPath(VOL, "a", "b.txt", session_id=42)
    assert type(p) is SessionPath and p.path == "/a/b.txt" and p.session_id == 42
    derived = [
        p / "c",
        p / PurePosixPath("c/d"),
        "c" / p,
        p.joinpath("x", "y"),
        p.joinpath("x"),
        p.parent,
        *p.parents,
        p.parents[-1],
        *p.parents[:2],
        p.with_name("n.py"),
        p.with_stem("s"),
        p.with_suffix(".py"),
        p.with_segments("w"),
        p.absolute(),
        p.expanduser(),
    ]
    check_session(derived, [
        "/a/b.txt/c", "/a/b.txt/c/d", "/a/b.txt", "/a/b.txt/x/y", "/a/b.txt/x", "/a",
        "/a", "/", "/", "/a", "/", "/a/n.py", "/a/s.txt", "/a/b.py", "/w", "/a/b.txt",
        "/a/b.txt",
    ])  # fmt: skip
    # pure results that are relative by nature stay PurePosixPath (documented)
    assert type(p.relative_to("/a")) is PurePosixPath


def test_subclass_without_with_segments_is_built_by_its_init() -> None:
    p = DefaultsPath(VOL, "a")
    for q in (p / "b", p.parent, p.with_suffix(".x"), p.joinpath("c", "d"), "z" / p):
        assert type(q) is DefaultsPath
        assert getattr(q, "made_by_init") is True


def test_subclass_attributes_settable_but_the_path_stays_frozen() -> None:
    p = SessionPath(VOL, "a", session_id=1)
    p.session_id = 2
    assert p.session_id == 2
    for name in ("_path", "_volume", "_info", "_hash"):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(p, name, None)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            delattr(p, name)
    base = GlusterPath(VOL, "a")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(base, "session_id", 1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        delattr(base, "_path")
    assert p.path == "/a" and base.path == "/a"


def test_exact_type_paths_stay_exact() -> None:
    p = GlusterPath(VOL, "a")
    for q in (p / "b", p.parent, p.with_segments("c"), "c" / p, p.parents[0], VOL.root):
        assert type(q) is GlusterPath


# -- is_reserved ------------------------------------------------------------------------


def test_is_reserved_is_deprecated_and_false() -> None:
    for path in (GlusterPath(VOL, "nul"), GlusterPath(VOL, "a", "CON"), VOL.root):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert path.is_reserved() is False
        assert [w.category for w in caught] == [DeprecationWarning]
        assert str(caught[0].message).startswith("GlusterPath.is_reserved() is deprecated")
        assert caught[0].filename == __file__  # reported at the caller, as pathlib does


# -- PureWindowsPath segments ---------------------------------------------------------


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (PureWindowsPath("a\\b"), "/r/a/b"),
        (PureWindowsPath("a/b\\c"), "/r/a/b/c"),
        (PureWindowsPath("a", "..", "b"), "/r/a/../b"),
        (PureWindowsPath("C:x"), "/r/C:x"),
        (PureWindowsPath("C:\\x\\y"), "/r/C:/x/y"),  # a drive is a plain name on POSIX
        (PureWindowsPath("\\x\\y"), "/x/y"),  # rooted: starts again at the root
        (PureWindowsPath("\\\\srv\\share\\x"), "/srv/share/x"),  # "//" collapses, as always
        (PureWindowsPath("."), "/r"),
    ],
)
def test_windows_segments_get_posix_separators(segment: PureWindowsPath, expected: str) -> None:
    root = GlusterPath(VOL, "r")
    assert (root / segment).path == expected
    assert root.joinpath(segment).path == expected
    assert root.joinpath("", segment).path == expected
    assert GlusterPath(VOL, "r", segment).path == expected
    assert root.with_segments("r", segment).path == expected
    if sys.version_info >= (3, 12):  # the conversion pathlib does since 3.12
        assert "/" + str(PurePosixPath("/r", segment)).lstrip("/") == expected


# -- listings of a subclass (the server) ---------------------------------------------


def test_subclass_state_carries_through_listings(volume: Volume, workdir: str) -> None:
    root = SessionPath(volume, workdir, session_id=42)
    (root / "d").mkdir()
    (root / "d" / "b.txt").write_text("b")
    (root / "a.txt").write_text("a")
    children = sorted(root.iterdir(), key=lambda p: p.name)
    check_session(list(children), [workdir + "/a.txt", workdir + "/d"])
    assert [c.info.is_file() for c in children] == [True, False]  # the listing's info kept
    check_session(sorted(root.glob("**/*.txt")), [workdir + "/a.txt", workdir + "/d/b.txt"])
    check_session(sorted(root.rglob("b.*")), [workdir + "/d/b.txt"])
    check_session(list(root.glob("d")), [workdir + "/d"])
    walked = list(root.walk())
    check_session([top for top, _, _ in walked], [workdir, workdir + "/d"])
    assert [(dirs, files) for _, dirs, files in walked] == [(["d"], ["a.txt"]), ([], ["b.txt"])]
