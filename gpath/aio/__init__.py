"""gpath.aio: awaitable GlusterFS paths and files for asyncio and trio (through anyio).

* :class:`AsyncGlusterPath` wraps a :class:`gpath.GlusterPath`; its I/O methods are coroutines
  run in a bounded per-Volume worker pool (:func:`worker_limiter`), and its listings are
  async iterators.
* :class:`AsyncFile`, from ``await apath.open()``, adds libgfapi's native asynchronous calls
  (``pread``, ``pwrite``, ``fsync``, ``fdatasync``, ``ftruncate``, ``discard``,
  ``zerofill``), completed on the event loop without a thread per request.
* :class:`FutureIO` offers the same native calls as ``concurrent.futures.Future`` objects,
  for code without an event loop.
* ``AsyncGlusterPath.watch()`` reports changes other clients make (see gpath._watch).

Needs the ``aio`` extra (``pip install gpath-glusterfs[aio]``, which brings anyio).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gpath._watch import AsyncWatcher, EventKind, Watcher, WatchEvent, WatchWarning
    from gpath.aio._file import AsyncFile
    from gpath.aio._loop import DEFAULT_WORKERS, worker_limiter
    from gpath.aio._native import FutureIO
    from gpath.aio._path import AsyncGlusterPath

# Loaded on first use, so that gpath._watch (sync watching) can use this package's private
# helpers without importing anyio.
_WHERE = {
    "AsyncGlusterPath": "gpath.aio._path",
    "AsyncFile": "gpath.aio._file",
    "AsyncWatcher": "gpath._watch",
    "DEFAULT_WORKERS": "gpath.aio._loop",
    "EventKind": "gpath._watch",
    "FutureIO": "gpath.aio._native",
    "WatchEvent": "gpath._watch",
    "Watcher": "gpath._watch",
    "WatchWarning": "gpath._watch",
    "worker_limiter": "gpath.aio._loop",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gpath.aio' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = [
    "AsyncGlusterPath",
    "AsyncFile",
    "AsyncWatcher",
    "DEFAULT_WORKERS",
    "EventKind",
    "FutureIO",
    "WatchEvent",
    "WatchWarning",
    "Watcher",
    "worker_limiter",
]
