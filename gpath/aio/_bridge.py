"""Every use of gpath's private internals by gpath.aio and gpath._watch, in one place.

Each function here names one private attribute of Volume or File, or the mount layer
(gpath._mount); nothing else in gpath.aio or gpath._watch reaches below the public API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpath._fspath import encode
from gpath.errors import ClosedError
from gpath.file import File
from gpath.volume import Volume

#: Something to release once a C call that used a pointer has returned.
Release = Callable[[], object]


def acquire_fs(volume: Volume) -> tuple[Release, Any]:
    """The mounted glfs_t of *volume*, held against unmount until ``release()``.

    :raises gpath.VolumeNotMounted: the volume is not mounted.
    """
    handle, fs = volume._acquire()
    return handle.release, fs


def acquire_glfd(file: File) -> tuple[Release, Any]:
    """The glfd of *file*, held against close until ``release()``.

    :raises gpath.ClosedError: the file is closed.
    """
    handle = file._handle
    ptr = handle.acquire()
    if ptr is None:
        raise ClosedError()
    return handle.release, ptr


def mount_key(volume: Volume) -> object:
    """An object that identifies the volume's current mount (a new one after a remount).

    :raises gpath.VolumeNotMounted: the volume is not mounted.
    """
    return volume._current()


def on_unmount(volume: Volume, hook: Callable[[Any], object]) -> None:
    """Run ``hook(glfs_t)`` when the current mount shuts down: after new calls are refused and
    the running ones have returned, before its Files are closed and the glfs_t finalised.

    :raises gpath.VolumeNotMounted: the volume is not mounted.
    """
    volume._current().before_close.append(hook)


def encode_path(path: str) -> bytes:
    """*path* as libgfapi receives it, checked as every sync call checks it.

    :raises ValueError: an embedded NUL.  :raises OSError: empty, or too long.
    """
    return encode(path)
