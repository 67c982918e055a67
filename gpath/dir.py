"""Directory streams: ``Dir`` (the raw stream), ``DirEntry`` and the ``scandir()`` iterator.

Listing always uses ``glfs_readdirplus_r``, so every entry arrives with its stat and
``scandir()``/``walk()``/``listdir_with_stat()`` need no round trip per entry.  Entries are
fetched in batches by a small C helper to keep the per-entry cost in Python low.
"""

from __future__ import annotations

import functools
import os
import posixpath
import stat as stat_module
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs

from gpath._fspath import FS_ENCODING, FS_ERRORS
from gpath._handle import CHandle, close_unclosed
from gpath._lowlevel import ffi, lib
from gpath._stat import stat_from_raw, stat_result
from gpath.errors import ClosedError, oserror, raise_oserror

if TYPE_CHECKING:
    from gpath._mount import Mount
    from gpath.volume import Volume

_BATCH = 128
AnyName = TypeVar("AnyName", str, bytes)
_Listing = TypeVar("_Listing")


@attrs.frozen
class Dirent:
    """One raw directory entry as readdir(3) reports it (``d_name`` is bytes)."""

    d_ino: int
    d_type: int
    d_name: bytes


class Dir:
    """An open directory stream, from ``Volume.opendir()``.

    Iterating yields a :class:`Dirent` per entry, including ``.`` and ``..`` as readdir(3)
    does, or ``(Dirent, os.stat_result)`` pairs when opened with ``readdirplus=True``.
    It is a context manager; ``close()`` is idempotent.
    """

    def __init__(
        self, handle: CHandle, mount: Mount, volume: Volume, path: Any, readdirplus: bool = False
    ) -> None:
        self._handle = handle
        self._mount = mount
        self._volume = volume
        self._path = path
        self.readdirplus = readdirplus
        self._stats = ffi.new("struct stat[]", _BATCH)
        self._entries = ffi.new("struct dirent[]", _BATCH)
        self._pending: list[tuple[Dirent, os.stat_result]] = []
        self._at_end = False

    @property
    def closed(self) -> bool:
        return self._handle.closed

    @property
    def path(self) -> Any:
        return self._path

    def _fill(self) -> int:
        """Read the next batch into ``self._entries``/``self._stats``; the count (0 at the end)."""
        handle = self._handle
        fd = handle.acquire()
        if fd is None:
            raise ClosedError("I/O operation on closed directory")
        try:
            count: int = lib.gp_readdirplus_batch(fd, self._stats, self._entries, _BATCH)
        finally:
            handle.release()
        if count < 0:
            raise_oserror(self._path)
        return count

    def _read_raw(self) -> list[tuple[bytes, int, bytes]] | None:
        """The next batch as ``(name, lstat mode, raw struct stat)``, without ``.`` and ``..``
        and without building any ``os.stat_result``; None at the end."""
        count = self._fill()
        if not count:
            return None
        entries, stats = self._entries, self._stats
        batch = []
        for i in range(count):
            name = ffi.string(entries[i].d_name)
            if name != b"." and name != b"..":
                st = stats + i
                batch.append((name, st.st_mode, ffi.buffer(st)[:]))
        return batch

    def read_batch(self) -> list[tuple[bytes, int, int, os.stat_result]]:
        """Read the next batch of ``(name, d_ino, d_type, lstat)``; an empty list at the end."""
        count = self._fill()
        entries, stats = self._entries, self._stats
        return [
            (
                ffi.string(entries[i].d_name),
                entries[i].d_ino,
                entries[i].d_type,
                stat_result(stats + i),
            )
            for i in range(count)
        ]

    def __iter__(self) -> Dir:
        return self

    def __next__(self) -> Any:
        if self._handle.closed:
            raise ClosedError("I/O operation on closed directory")
        if not self._pending:
            if self._at_end:
                raise StopIteration
            batch = self.read_batch()
            if not batch:
                self._at_end = True
                raise StopIteration
            self._pending = [
                (Dirent(d_ino, d_type, name), st) for name, d_ino, d_type, st in reversed(batch)
            ]
        entry, st = self._pending.pop()
        return (entry, st) if self.readdirplus else entry

    def close(self) -> None:
        """Close the directory stream (a no-op when already closed)."""
        err = self._handle.close(lib.glfs_closedir, lambda: self._mount.forget(self))
        if err:
            raise oserror(err, self._path)

    def _forget_in_child(self) -> None:
        self._handle.forget()

    def __enter__(self) -> Dir:
        if self.closed:
            raise ClosedError("I/O operation on closed directory")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)  # absent if __init__ failed
        if handle is not None and not handle.closed:
            close_unclosed(self, "directory", self._path)


class DirEntry(Generic[AnyName]):
    """One entry of a ``scandir()`` listing, with the stat that came with it.

    Unlike ``os.DirEntry``, the ``follow_symlinks`` arguments default to False: following a
    symlink costs an extra round trip.  ``stat(follow_symlinks=True)`` is fetched once and
    cached separately from the lstat the listing provided.
    """

    # From a listing, the path and the lstat are built on first use (most loops only ask
    # is_file()/is_dir()): _path is None until then, and _raw holds the C struct stat.
    __slots__ = ("_name", "_base", "_path", "_vol", "_mode", "_raw", "_lstat", "_stat")

    def __init__(
        self,
        vol: Volume,
        scandir_path: AnyName | os.PathLike[AnyName],
        name: AnyName,
        lstat: os.stat_result,
    ) -> None:
        base: Any = os.fspath(scandir_path)
        # The name follows the type of the directory path (as os.scandir does).
        if isinstance(base, bytes) and isinstance(name, str):
            name = cast(AnyName, os.fsencode(name))
        elif isinstance(base, str) and isinstance(name, bytes):
            name = cast(AnyName, os.fsdecode(name))
        self._vol = vol
        self._name: AnyName = name
        self._base: AnyName = base
        self._path: AnyName | None = posixpath.join(base, name)
        self._mode: int = lstat.st_mode
        self._raw: bytes | None = None
        self._lstat: os.stat_result | None = lstat
        self._stat: os.stat_result | None = None

    @classmethod
    def _from_listing(
        cls, vol: Volume, base: AnyName, name: AnyName, mode: int, raw: bytes
    ) -> DirEntry[AnyName]:
        """An entry straight from a readdirplus batch (*raw*: the bytes of its struct stat)."""
        entry = cls.__new__(cls)
        entry._vol = vol
        entry._name = name
        entry._base = base
        entry._path = None
        entry._mode = mode
        entry._raw = raw
        entry._lstat = None
        entry._stat = None
        return entry

    def _get_lstat(self) -> os.stat_result:
        lstat = self._lstat
        if lstat is None:
            raw = self._raw
            assert raw is not None  # (_from_listing sets one of _lstat and _raw)
            lstat = self._lstat = stat_from_raw(raw)
            self._raw = None
        return lstat

    @property
    def name(self) -> AnyName:
        """The entry's file name (str or bytes, like the path given to scandir())."""
        return self._name

    @property
    def path(self) -> AnyName:
        """``scandir_path`` joined with :attr:`name` (absolute only if scandir's path was)."""
        path = self._path
        if path is None:
            path = self._path = posixpath.join(self._base, self._name)
        return path

    def inode(self) -> int:
        """The entry's inode number."""
        return self._get_lstat().st_ino

    def is_symlink(self) -> bool:
        """True if the entry itself is a symbolic link (broken or not)."""
        return stat_module.S_ISLNK(self._mode)

    def stat(self, follow_symlinks: bool = False) -> os.stat_result:
        """The entry's lstat; with ``follow_symlinks=True`` the stat of a symlink's target."""
        if not follow_symlinks or not stat_module.S_ISLNK(self._mode):
            return self._get_lstat()
        if self._stat is None:
            self._stat = self._vol.stat(self.path)
        return self._stat

    def _is_type(self, test: Any, follow_symlinks: bool) -> bool:
        if follow_symlinks and stat_module.S_ISLNK(self._mode):
            try:
                return bool(test(self.stat(follow_symlinks=True).st_mode))
            except FileNotFoundError:
                return False
        return bool(test(self._mode))

    def is_dir(self, follow_symlinks: bool = False) -> bool:
        """True if the entry is a directory (a symlink to one only if following links)."""
        return self._is_type(stat_module.S_ISDIR, follow_symlinks)

    def is_file(self, follow_symlinks: bool = False) -> bool:
        """True if the entry is a regular file (a symlink to one only if following links)."""
        return self._is_type(stat_module.S_ISREG, follow_symlinks)

    def __fspath__(self) -> AnyName:
        return self.path

    def __repr__(self) -> str:
        return f"<DirEntry {self._name!r}>"


class ScandirIterator(Iterator[DirEntry[AnyName]], Generic[AnyName]):
    """What ``Volume.scandir()`` returns: an iterator and a context manager."""

    def __init__(self, volume: Volume, path: AnyName, directory: Dir) -> None:
        self._volume = volume
        self._path: AnyName = path
        self._dir = directory
        self._bytes = isinstance(path, bytes)
        self._pending: list[DirEntry[AnyName]] = []

    def __iter__(self) -> ScandirIterator[AnyName]:
        return self

    def __next__(self) -> DirEntry[AnyName]:
        while not self._pending:
            directory = self._dir
            if directory.closed:
                raise StopIteration
            # Per entry only the name, the mode and a copy of the struct stat are taken: an
            # os.stat_result is built only when asked for (docs/design/performance.md).
            batch = directory._read_raw()
            if batch is None:
                self.close()
                raise StopIteration
            decode: Any = _identity if self._bytes else os.fsdecode
            make, vol, base = DirEntry._from_listing, self._volume, self._path
            self._pending = [
                make(vol, base, decode(name), mode, raw) for name, mode, raw in reversed(batch)
            ]
        return self._pending.pop()

    def close(self) -> None:
        """Close the underlying directory stream early."""
        self._pending = []
        self._dir.close()

    def __enter__(self) -> ScandirIterator[AnyName]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_listing(volume: Volume, path: Any) -> list[tuple[str, int, bytes]]:
    """``(name, lstat mode, raw struct stat)`` of each entry but ``.``/``..``, in one pass.

    For listings that must be cheap per entry (``GlusterPath.iterdir()``): no
    ``os.stat_result`` is built here; ``_stat.stat_from_raw`` makes one when asked.
    """
    result: list[tuple[str, int, bytes]] = []
    with volume.opendir(path) as directory:
        while (batch := directory._read_raw()) is not None:
            result.extend(
                (name.decode(FS_ENCODING, FS_ERRORS), mode, raw) for name, mode, raw in batch
            )
    return result


def read_names(directory: Dir, decode: Callable[[bytes], Any]) -> list[Any]:
    """The decoded names in *directory* but ``.``/``..`` (``Volume.listdir()``): names only,
    since an ``os.stat_result`` per entry would cost more than the name."""
    names: list[Any] = []
    entries = directory._entries
    while count := directory._fill():
        for i in range(count):
            name = ffi.string(entries[i].d_name)
            if name != b"." and name != b"..":
                names.append(decode(name))
    return names


class ListingPrefetcher(Generic[_Listing]):
    """Lists directories in worker threads ahead of a tree walk (``walk()``, ``rglob()``).

    The walk still takes the listings one by one in its own order; it names the
    directories it will visit next (:meth:`ahead`) and those are listed meanwhile, so
    several round trips overlap while the walk's results and errors stay exactly those of a
    sequential walk.  A directory not listed ahead is listed when asked for.
    ``list_dir(path)`` makes one listing (:func:`read_listing`'s form by default).
    """

    #: Directories listed ahead at most, and the threads listing them.
    WINDOW = 16
    WORKERS = 8

    def __init__(self, list_dir: Callable[[Any], _Listing]) -> None:
        self._list_dir = list_dir
        self._pending: dict[Any, Future[_Listing]] = {}
        self._pool: ThreadPoolExecutor | None = None

    @classmethod
    def of(cls, volume: Volume) -> ListingPrefetcher[list[tuple[str, int, bytes]]]:
        """A prefetcher of :func:`read_listing` listings on *volume*."""
        return ListingPrefetcher(functools.partial(read_listing, volume))

    def ahead(self, paths: Iterable[Any]) -> None:
        """Start listing *paths* (the next ones the walk will ask for) unless already started."""
        pending = self._pending
        for path in paths:
            if path not in pending and len(pending) < self.WINDOW:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.WORKERS, "gpath-listing")
                pending[path] = self._pool.submit(self._list_dir, path)

    def get(self, path: Any) -> _Listing:
        """The listing of *path*, raising what listing it raised."""
        future = self._pending.pop(path, None)
        if future is None:
            return self._list_dir(path)
        return future.result()

    def close(self) -> None:
        """Drop what was listed ahead and not asked for; the threads end on their own."""
        for future in self._pending.values():
            future.cancel()
        self._pending.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _identity(name: bytes) -> bytes:
    return name


DirEntryAny = DirEntry[str] | DirEntry[bytes]
