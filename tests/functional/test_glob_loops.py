"""glob/rglob/walk over symlink loops end, and yield an exact, documented set of paths.

On local disk pathlib (3.13+, ``recurse_symlinks=True``) goes round a loop until the path
holds 40 symlinks and Linux answers ``ELOOP``; libgfapi follows far more, so gpath cuts a
loop where it closes: ``**`` does not enter a directory already on the chain it descended,
and follows at most 40 symlinked directories on one chain (the ELOOP limit, as pathlib).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from gpath import GlusterPath, Volume

pytestmark = pytest.mark.timeout(60)

Walk = list[tuple[str, list[str], list[str]]]


def rel(root: GlusterPath, paths: Iterable[GlusterPath]) -> set[str]:
    """The paths relative to *root*, after checking that each is exactly a GlusterPath."""
    found = list(paths)
    assert [type(p) for p in found] == [GlusterPath] * len(found)
    names = [str(p.relative_to(root)) for p in found]
    assert len(names) == len(set(names)), names  # no path twice
    return set(names)


def path_walk(top: GlusterPath) -> Walk:
    return sorted(
        (str(d.relative_to(top)), sorted(dirs), sorted(files))
        for d, dirs, files in top.walk(follow_symlinks=True)
    )


def volume_walk(volume: Volume, top: str) -> Walk:
    result = []
    for dirpath, dirs, files in volume.walk(top, followlinks=True):
        assert type(dirpath) is str
        name = dirpath[len(top):].lstrip("/") or "."
        result.append((name, sorted(dirs), sorted(files)))
    return sorted(result)


@pytest.fixture
def root(volume: Volume, workdir: str) -> GlusterPath:
    return volume.path(workdir)


@pytest.fixture
def self_loop(root: GlusterPath) -> GlusterPath:
    (root / "d").mkdir()
    (root / "d" / "f").write_text("f")
    (root / "d" / "self").symlink_to(".")
    return root


@pytest.fixture
def two_cycle(root: GlusterPath) -> GlusterPath:
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / name / f"f{name}").write_text(name)
    (root / "a" / "to_b").symlink_to("../b")
    (root / "b" / "to_a").symlink_to("../a")
    return root


@pytest.fixture(params=["relative", "absolute"])
def parent_loop(root: GlusterPath, request: pytest.FixtureRequest) -> GlusterPath:
    """``a/b/up`` leads back up: to the root (``../..``) or to ``a`` (an in-volume path)."""
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "f").write_text("f")
    target = "../.." if request.param == "relative" else root.path + "/a"
    (root / "a" / "b" / "up").symlink_to(target)
    return root


def test_self_loop_glob(self_loop: GlusterPath) -> None:
    root = self_loop
    everything = {"d", "d/f", "d/self"}
    assert rel(root, root.glob("**/*", recurse_symlinks=True)) == everything
    assert rel(root, root.rglob("*", recurse_symlinks=True)) == everything
    assert rel(root, root.glob("**", recurse_symlinks=True)) == everything | {"."}
    assert rel(root, root.glob("**/", recurse_symlinks=True)) == {".", "d", "d/self"}
    assert rel(root, root.glob("**/*")) == everything
    # through the link by name: as deep as the pattern says, each level listed again
    assert rel(root, root.glob("d/self/self/f")) == {"d/self/self/f"}
    assert rel(root, root.glob("d/self/*")) == {"d/self/f", "d/self/self"}
    assert rel(root, root.glob("*/self/*/*", recurse_symlinks=True)) == {
        "d/self/self/f", "d/self/self/self",
    }  # fmt: skip
    # "**" below the link starts a new chain, whose start is d: d/self/self is not entered
    assert rel(root, root.glob("d/self/**/f", recurse_symlinks=True)) == {"d/self/f"}
    assert rel(root, root.glob("*/self/**", recurse_symlinks=True)) == {
        "d/self", "d/self/f", "d/self/self",
    }  # fmt: skip
    assert rel(root, root.glob("**/self/f", recurse_symlinks=True)) == set()


def test_two_cycle_glob(two_cycle: GlusterPath) -> None:
    root = two_cycle
    everything = {
        "a", "a/fa", "a/to_b", "a/to_b/fb", "a/to_b/to_a",
        "b", "b/fb", "b/to_a", "b/to_a/fa", "b/to_a/to_b",
    }  # fmt: skip
    assert rel(root, root.glob("**/*", recurse_symlinks=True)) == everything
    assert rel(root, root.rglob("*", recurse_symlinks=True)) == everything
    assert rel(root, root.rglob("f*", recurse_symlinks=True)) == {
        "a/fa", "a/to_b/fb", "b/fb", "b/to_a/fa",
    }  # fmt: skip
    assert rel(root, root.glob("**/to_a/*", recurse_symlinks=True)) == {"b/to_a/fa", "b/to_a/to_b"}
    assert rel(root, root.glob("a/to_b/to_a/to_b/*")) == {
        "a/to_b/to_a/to_b/fb", "a/to_b/to_a/to_b/to_a",
    }  # fmt: skip
    assert rel(root, root.glob("a/to_b/**/f*", recurse_symlinks=True)) == {
        "a/to_b/fb", "a/to_b/to_a/fa",
    }  # fmt: skip
    assert rel(root, root.glob("*/to_?/*/", recurse_symlinks=True)) == {
        "a/to_b/to_a", "b/to_a/to_b",
    }  # fmt: skip


def test_parent_loop_glob(parent_loop: GlusterPath) -> None:
    root = parent_loop
    relative = (root / "a" / "b" / "up").readlink().as_posix() == "../.."
    everything = {"a", "a/b", "a/b/f", "a/b/up"}
    assert rel(root, root.glob("**/*", recurse_symlinks=True)) == everything
    assert rel(root, root.rglob("*", recurse_symlinks=True)) == everything
    assert rel(root, root.glob("**/up/**", recurse_symlinks=True)) == set()
    a, b = root / "a", root / "a" / "b"
    if relative:  # up is the root, which is not on the chain of a glob from a: entered once
        assert rel(a, a.rglob("*", recurse_symlinks=True)) == {"b", "b/f", "b/up", "b/up/a"}
        assert rel(b, b.rglob("*", recurse_symlinks=True)) == {"f", "up", "up/a", "up/a/b"}
        assert rel(root, root.glob("a/b/up/a/b/up/a/b/f")) == {"a/b/up/a/b/up/a/b/f"}
        assert rel(root, root.glob("a/b/up/*/b/*")) == {"a/b/up/a/b/f", "a/b/up/a/b/up"}
    else:  # up is a: on the chain of a glob from a, entered once from b
        assert rel(a, a.rglob("*", recurse_symlinks=True)) == {"b", "b/f", "b/up"}
        assert rel(b, b.rglob("*", recurse_symlinks=True)) == {"f", "up", "up/b"}
        assert rel(root, root.glob("a/b/up/b/up/b/f")) == {"a/b/up/b/up/b/f"}
        assert rel(root, root.glob("a/b/up/*/*")) == {"a/b/up/b/f", "a/b/up/b/up"}


def test_walks_end_on_a_self_loop(self_loop: GlusterPath) -> None:
    expected = [(".", ["d"], []), ("d", ["self"], ["f"])]
    assert path_walk(self_loop) == expected
    assert volume_walk(self_loop.volume, self_loop.path) == expected


def test_walks_end_on_a_two_cycle(two_cycle: GlusterPath) -> None:
    expected = [
        (".", ["a", "b"], []),
        ("a", ["to_b"], ["fa"]),
        ("a/to_b", ["to_a"], ["fb"]),
        ("b", ["to_a"], ["fb"]),
        ("b/to_a", ["to_b"], ["fa"]),
    ]
    assert path_walk(two_cycle) == expected
    assert volume_walk(two_cycle.volume, two_cycle.path) == expected


def test_walks_end_on_a_parent_loop(parent_loop: GlusterPath) -> None:
    root = parent_loop
    expected = [(".", ["a"], []), ("a", ["b"], []), ("a/b", ["up"], ["f"])]
    assert path_walk(root) == expected
    assert volume_walk(root.volume, root.path) == expected
    a = root / "a"
    if (a / "b" / "up").readlink().as_posix() == "../..":
        from_a = [(".", ["b"], []), ("b", ["up"], ["f"]), ("b/up", ["a"], [])]
    else:
        from_a = [(".", ["b"], []), ("b", ["up"], ["f"])]
    assert path_walk(a) == from_a
    assert volume_walk(root.volume, a.path) == from_a


def test_bottom_up_volume_walk_ends_on_a_loop(self_loop: GlusterPath) -> None:
    vol, top = self_loop.volume, self_loop.path
    walked = [(d[len(top):], dirs, files) for d, dirs, files in vol.walk(top, False, None, True)]
    assert walked == [("/d", ["self"], ["f"]), ("", ["d"], [])]
    as_bytes = [d for d, _, _ in vol.walk(top.encode(), followlinks=True)]
    assert as_bytes == [top.encode(), top.encode() + b"/d"]


def test_at_most_40_symlinks_on_one_chain(root: GlusterPath) -> None:
    # No loop: 41 distinct directories in a row, as pathlib on Linux stops at the 41st link.
    for i in range(42):
        (root / f"c{i}").mkdir()
    for i in range(41):
        (root / f"c{i}" / "n").symlink_to(f"../c{i + 1}")
    (root / "c40" / "end40").write_text("40")
    (root / "c41" / "end41").write_text("41")
    deep = ["c0/" + "n/" * k for k in range(42)]
    assert rel(root, root.glob("c0/**/end*", recurse_symlinks=True)) == {deep[40] + "end40"}
    # the 41st link is yielded, as a file (ELOOP): the 40 before it as directories
    everything = {d.rstrip("/") for d in deep[1:]} | {deep[40] + "end40"}
    assert rel(root, root.glob("c0/**/*", recurse_symlinks=True)) == everything
    assert rel(root, root.glob("c0/**/*/", recurse_symlinks=True)) == {
        d.rstrip("/") for d in deep[1:41]
    }
