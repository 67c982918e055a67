"""Copies between a GlusterPath and any pathlib-abc path (a UPath, a zipfile.Path...).

:meth:`GlusterPath.copy` and :meth:`GlusterPath.copy_from` take, besides GlusterPaths,
in-volume strs and local ``os.PathLike`` paths, any object with the pathlib-abc
reading or writing protocol (``info``/``iterdir``/``open("rb")``, and
``mkdir``/``open("wb")``/``joinpath``/``symlink_to``).  A :class:`gpath.upath.GlusterUPath`
is turned into a GlusterPath first, so it gets gpath's own parallel tree copy.  Files
stream in 4 MiB chunks; a tree is walked depth first.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from typing import TYPE_CHECKING, Any

from gpath.errors import UnsupportedOperation

if TYPE_CHECKING:
    from gpath.path import GlusterPath

_CHUNK = 4 << 20


def _gluster_upath(obj: Any) -> bool:
    module = sys.modules.get("gpath.upath")  # loaded whenever a GlusterUPath exists
    return module is not None and isinstance(obj, module.GlusterUPath)


def is_abc_path(obj: object) -> bool:
    """Whether *obj* is a pathlib-abc path that is neither local (``os.PathLike``) nor a
    GlusterPath: a UPath, a ``zipfile.Path``..."""
    from gpath.path import GlusterPath  # imported here: gpath.path imports this module

    if isinstance(obj, (str, bytes, os.PathLike, GlusterPath)):
        return False
    return callable(getattr(obj, "joinpath", None)) and callable(getattr(obj, "open", None))


def as_gluster_path(obj: Any) -> GlusterPath | None:
    """The GlusterPath of a :class:`gpath.upath.GlusterUPath` (None for any other path)."""
    if not _gluster_upath(obj):
        return None
    from gpath.path import GlusterPath

    return GlusterPath.from_uri(obj.as_uri())


def _check_options(preserve_metadata: bool) -> None:
    if preserve_metadata:
        raise UnsupportedOperation(
            "preserve_metadata=True needs a GlusterPath or a local path on the other side"
        )


def copy_to(src: GlusterPath, target: Any, **options: Any) -> Any:
    """Copy *src* (a file or tree) to pathlib-abc path *target* and return *target*."""
    same = as_gluster_path(target)
    if same is not None:
        src.copy(same, **options)
        return target
    _check_options(options.get("preserve_metadata", False))
    _copy(
        _GlusterSide(src),
        _AbcSide(target),
        options.get("follow_symlinks", True),
        options.get("dirs_exist_ok", False),
    )
    return target


def copy_from(dst: GlusterPath, source: Any, **options: Any) -> None:
    """Make *dst* a copy of pathlib-abc path *source* (a file or tree)."""
    same = as_gluster_path(source)
    if same is not None:
        dst.copy_from(same, **options)
        return
    _check_options(options.get("preserve_metadata", False))
    _copy(
        _AbcSide(source),
        _GlusterSide(dst),
        options.get("follow_symlinks", True),
        options.get("dirs_exist_ok", False),
    )


class _AbcSide:
    """A pathlib-abc path seen through the few calls a copy needs."""

    def __init__(self, path: Any) -> None:
        self.path = path

    def child(self, name: str) -> _AbcSide:
        return _AbcSide(self.path.joinpath(name))

    def kind(self, follow: bool) -> str | None:
        info = self.path.info
        if not follow and info.is_symlink():
            return "link"
        if info.is_dir():
            return "dir"
        if info.is_file():
            return "file"
        return None if not info.exists(follow_symlinks=False) else "other"

    def names(self) -> list[str]:
        return sorted(child.name for child in self.path.iterdir())

    def readlink(self) -> str:
        return str(self.path.readlink())

    def symlink(self, target: str) -> None:
        self.path.symlink_to(target)

    def mkdir(self, exist_ok: bool) -> None:
        self.path.mkdir(exist_ok=exist_ok)

    def reader(self) -> Any:
        return self.path.open("rb")

    def writer(self) -> Any:
        return self.path.open("wb")

    def __str__(self) -> str:
        return str(self.path)


class _GlusterSide(_AbcSide):
    def child(self, name: str) -> _GlusterSide:
        return _GlusterSide(self.path / name)

    def names(self) -> list[str]:
        return sorted(self.path.volume.listdir(self.path.path))

    def reader(self) -> Any:
        return self.path.open("rb", buffering=0)

    def writer(self) -> Any:
        return self.path.open("wb", buffering=0)


def _copy(src: _AbcSide, dst: _AbcSide, follow: bool, dirs_exist_ok: bool) -> None:
    kind = src.kind(follow)
    if kind is None:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(src))
    if kind == "link":
        dst.symlink(src.readlink())
    elif kind == "dir":
        dst.mkdir(exist_ok=dirs_exist_ok)
        for name in src.names():
            _copy(src.child(name), dst.child(name), follow, True)
    elif kind == "file":
        with src.reader() as reader, dst.writer() as writer:
            shutil.copyfileobj(reader, writer, _CHUNK)
    else:
        raise UnsupportedOperation(f"cannot copy {src}: not a file, directory or symlink")
