"""The one place where the command line reaches gpath's tree engine (``gpath._tree``).

The public API copies whole trees but has no hook for progress, per-file errors or
temporary names, which a command line needs; everything else in ``gpath.cli`` goes
through the names defined here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from gpath import _tree

FS = Any  # a gpath._tree file system: VolFS or LocalFS
Engine = _tree.Engine
copy_metadata = _tree.copy_metadata


def tree_engine() -> tuple[Callable[..., Any], Callable[[Any], FS], Callable[[], FS]]:
    """The adapter: (Copier, VolFS, LocalFS) of the tree engine."""
    return _tree.Copier, _tree.VolFS, _tree.LocalFS


def copier(
    src_fs: FS,
    dst_fs: FS,
    *,
    follow_symlinks: bool,
    preserve: bool,
    workers: int,
    progress: Callable[[int, int], object],
    on_error: Callable[[OSError], object] | None,
    merge: bool = True,
) -> Any:
    """A tree copier that writes under temporary names and reports progress."""
    copier_class, _, _ = tree_engine()
    return copier_class(
        src_fs,
        dst_fs,
        follow_symlinks,
        preserve,
        workers,
        dirs_exist_ok=merge,
        progress=progress,
        on_error=on_error,
        temp_names=True,
    )


def vol_fs(vol: Any) -> FS:
    """A Volume as a file system of the tree engine."""
    return tree_engine()[1](vol)


def local_fs() -> FS:
    """The local file system, as the tree engine sees it."""
    return tree_engine()[2]()


def listdir(fs: FS, path: str) -> list[tuple[str, os.stat_result]]:
    """Names and lstat results of a directory (one readdirplus on a volume)."""
    return fs.listdir(path)  # type: ignore[no-any-return]
