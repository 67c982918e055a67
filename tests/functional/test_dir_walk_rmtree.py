"""Volume.walk and Volume.rmtree, including the documented quirks and error handling."""

from __future__ import annotations

import errno
from typing import Any

import pytest

from gpath import Volume


def _write(volume: Volume, path: str, data: bytes = b"x") -> None:
    with volume.fopen(path, "wb") as f:
        f.write(data)


@pytest.fixture
def tree(volume: Volume, workdir: str) -> str:
    """top/{a/{a1/{deep}, fa}, b/, f1, lnk -> a, broken -> nowhere}."""
    top = f"{workdir}/top"
    volume.makedirs(f"{top}/a/a1")
    volume.mkdir(f"{top}/b")
    _write(volume, f"{top}/a/a1/deep")
    _write(volume, f"{top}/a/fa")
    _write(volume, f"{top}/f1")
    volume.symlink("a", f"{top}/lnk")
    volume.symlink("nowhere", f"{top}/broken")
    return top


def _normalise(result: list[tuple[Any, list[Any], list[Any]]]) -> list[tuple[Any, list[Any], list[Any]]]:
    return [(path, sorted(dirs), sorted(files)) for path, dirs, files in result]


def test_walk_top_down_lists_symlinks_to_dirs_as_files(volume: Volume, tree: str) -> None:
    result = _normalise(list(volume.walk(tree)))
    assert result[0] == (tree, ["a", "b"], ["broken", "f1", "lnk"])
    assert sorted(result) == sorted(
        [
            (tree, ["a", "b"], ["broken", "f1", "lnk"]),
            (f"{tree}/a", ["a1"], ["fa"]),
            (f"{tree}/a/a1", [], ["deep"]),
            (f"{tree}/b", [], []),
        ]
    )
    order = [path for path, _, _ in result]
    assert order.index(f"{tree}/a") < order.index(f"{tree}/a/a1")


def test_walk_followlinks_descends_into_linked_directories(volume: Volume, tree: str) -> None:
    result = _normalise(list(volume.walk(tree, followlinks=True)))
    assert sorted(result) == sorted(
        [
            (tree, ["a", "b", "lnk"], ["broken", "f1"]),
            (f"{tree}/a", ["a1"], ["fa"]),
            (f"{tree}/a/a1", [], ["deep"]),
            (f"{tree}/b", [], []),
            (f"{tree}/lnk", ["a1"], ["fa"]),
            (f"{tree}/lnk/a1", [], ["deep"]),
        ]
    )


def test_walk_bottom_up_yields_children_first(volume: Volume, tree: str) -> None:
    result = _normalise(list(volume.walk(tree, topdown=False)))
    order = [path for path, _, _ in result]
    assert sorted(order) == sorted([tree, f"{tree}/a", f"{tree}/a/a1", f"{tree}/b"])
    assert order[-1] == tree
    assert order.index(f"{tree}/a/a1") < order.index(f"{tree}/a")
    assert result[-1] == (tree, ["a", "b"], ["broken", "f1", "lnk"])


def test_walk_prunes_in_place_when_top_down(volume: Volume, tree: str) -> None:
    visited = []
    for path, dirs, _files in volume.walk(tree):
        visited.append(path)
        if "a" in dirs:
            dirs.remove("a")
    assert sorted(visited) == [tree, f"{tree}/b"]


def test_walk_bytes_and_positional_arguments(volume: Volume, tree: str) -> None:
    result = _normalise(list(volume.walk(tree.encode(), True, None, False)))
    assert result[0] == (tree.encode(), [b"a", b"b"], [b"broken", b"f1", b"lnk"])
    assert all(isinstance(path, bytes) for path, _, _ in result)


def test_walk_errors_go_to_onerror_or_are_raised(volume: Volume, tree: str) -> None:
    errors: list[OSError] = []
    assert list(volume.walk(f"{tree}/missing", onerror=errors.append)) == []
    assert len(errors) == 1
    assert isinstance(errors[0], FileNotFoundError)
    assert errors[0].filename == f"{tree}/missing"
    with pytest.raises(FileNotFoundError):
        list(volume.walk(f"{tree}/missing"))

    def abort(exc: OSError) -> None:
        raise RuntimeError("stop") from exc

    with pytest.raises(RuntimeError):
        list(volume.walk(f"{tree}/f1", onerror=abort))


def test_walk_is_lazy(volume: Volume, tree: str) -> None:
    errors: list[OSError] = []
    walker = volume.walk(tree, onerror=errors.append)
    path, _dirs, _files = next(walker)
    assert path == tree
    volume.rmtree(f"{tree}/b")  # removed before the walk gets there
    assert sorted(p for p, _, _ in walker) == [f"{tree}/a", f"{tree}/a/a1"]
    assert [type(e) for e in errors] == [FileNotFoundError]
    assert errors[0].filename == f"{tree}/b"


# -- rmtree -----------------------------------------------------------------------------------


def test_rmtree_removes_everything_but_link_targets(volume: Volume, tree: str, workdir: str) -> None:
    _write(volume, f"{workdir}/outside", b"keep")
    volume.symlink(f"{workdir}/outside", f"{tree}/a/to-outside")
    assert volume.rmtree(tree) is None
    assert volume.exists(tree) is False
    assert volume.listdir(workdir) == ["outside"]


def test_rmtree_on_a_symlink_raises(volume: Volume, tree: str, workdir: str) -> None:
    volume.symlink("top", f"{workdir}/toplink")
    with pytest.raises(OSError):
        volume.rmtree(f"{workdir}/toplink")
    assert volume.islink(f"{workdir}/toplink") is True
    assert volume.isdir(f"{tree}/a/a1") is True
    calls: list[tuple[Any, Any, BaseException]] = []
    volume.rmtree(f"{workdir}/toplink", onerror=lambda *args: calls.append(args))
    assert len(calls) == 1
    func, path, exc = calls[0]
    assert func == volume.islink
    assert path == f"{workdir}/toplink"
    assert isinstance(exc, OSError)
    volume.rmtree(f"{workdir}/toplink", ignore_errors=True)
    assert volume.islink(f"{workdir}/toplink") is True
    assert volume.isdir(f"{tree}/a/a1") is True


def test_rmtree_missing_path(volume: Volume, workdir: str) -> None:
    missing = f"{workdir}/missing"
    with pytest.raises(FileNotFoundError) as info:
        volume.rmtree(missing)
    assert info.value.filename == missing
    volume.rmtree(missing, True)  # ignore_errors, positionally
    calls: list[tuple[Any, Any, BaseException]] = []
    volume.rmtree(missing, onerror=lambda *args: calls.append(args))
    assert [(func, path) for func, path, _ in calls] == [(volume.scandir, missing), (volume.rmdir, missing)]
    assert all(isinstance(exc, FileNotFoundError) for _, _, exc in calls)


def test_rmtree_of_a_file_reports_not_a_directory(volume: Volume, workdir: str) -> None:
    _write(volume, f"{workdir}/plain")
    with pytest.raises(NotADirectoryError) as info:
        volume.rmtree(f"{workdir}/plain")
    assert info.value.errno == errno.ENOTDIR
    assert volume.exists(f"{workdir}/plain") is True
