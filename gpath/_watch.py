"""Watching directories for changes other clients make, from GlusterFS upcalls.

A volume with ``features.cache-invalidation on`` sends each client an upcall (a cache
invalidation) when another client changes an inode it has looked at recently.  Upcalls
name inodes by GFID, not by path, and say little about what happened, so:

* one process-wide reader thread takes the upcalls off the C queue (gpath/_lowlevel/aio.c)
  and hands each to the :class:`_Dispatcher` of its mount (one per mounted Volume);
* the dispatcher knows every watched directory's inode and its last listing (names, inodes
  and stats from readdirplus); an upcall naming a watched directory, or an entry of one,
  makes it list that directory again and compare, which yields created, deleted, renamed,
  modified and attrib events for every watcher of the directory;
* listing again also tells the server that this client still looks at those inodes: the
  server only notifies clients that accessed an inode within its cache-invalidation
  timeout, so every watched directory is also listed again every *refresh* seconds.

A GlusterFS inode number is the low 64 bits of its GFID, which is how upcalls are matched
to listed entries.  The server never tells a client about its own changes.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import errno
import os
import posixpath
import stat as stat_module
import threading
import time
import warnings
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gpath._lowlevel import ffi, lib
from gpath._stat import stat_result
from gpath.errors import ClosedError, LibgfapiException, is_absent
from gpath.volume import Volume

if TYPE_CHECKING:
    from gpath.path import GlusterPath

#: Seconds between the re-listings that keep the server sending upcalls; below the server's
#: ``features.cache-invalidation-timeout`` (60 s unless set).
DEFAULT_REFRESH = 30.0
_UP_NLINK, _UP_RENAME_MASK, _UP_FORGET = 0x1, 0x80, 0x100


class WatchWarning(UserWarning):
    """The volume will probably not send the upcalls watching needs."""


class EventKind(str, enum.Enum):
    """What happened to a watched path."""

    CREATED = "created"
    MODIFIED = "modified"
    DELETED = "deleted"
    ATTRIB = "attrib"
    RENAMED = "renamed"


@dataclasses.dataclass(frozen=True)
class WatchEvent:
    """One change seen in a watched directory.

    ``kind`` is an :class:`EventKind`; ``path`` the GlusterPath it concerns (for a rename,
    the new path, with the old one in ``old_path`` when it was in a watched directory);
    ``stat`` its lstat after the change, when known (None for a deletion).
    """

    kind: EventKind
    path: GlusterPath
    stat: os.stat_result | None = None
    old_path: GlusterPath | None = None

    def __repr__(self) -> str:
        old = f", old_path={self.old_path.path!r}" if self.old_path is not None else ""
        return f"WatchEvent({self.kind.value}, {self.path.path!r}{old})"


def _ino(gfid: bytes) -> int:
    return int.from_bytes(gfid[8:], "big")


@dataclasses.dataclass
class _Dir:
    ino: int
    entries: dict[str, os.stat_result]
    watchers: set[Watcher] = dataclasses.field(default_factory=set)


# -- the process-wide reader -------------------------------------------------------------------


class _Reader:
    """Takes upcall records off the C queue and routes them to their mount's dispatcher."""

    def __init__(self) -> None:
        self.fd = lib.gp_upcall_fd()
        if self.fd < 0:
            raise OSError(ffi.errno, os.strerror(ffi.errno), "eventfd")
        self.routes: dict[int, _Dispatcher] = {}
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="gpath-upcalls", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        rec = ffi.new("gp_upcall_rec_t *")
        dropped = ffi.new("uint64_t *")
        while True:
            os.eventfd_read(self.fd)  # blocks without the GIL
            while lib.gp_upcall_pop(rec, dropped):
                item = _Upcall(
                    flags=int(rec.flags),
                    inos=tuple(
                        _ino(bytes(gfid))
                        for gfid, present in (
                            (rec.gfid, rec.has_gfid),
                            (rec.pgfid, rec.has_pgfid),
                            (rec.oldpgfid, rec.has_oldpgfid),
                        )
                        if present
                    ),
                    stat=stat_result(ffi.addressof(rec.st)) if rec.has_stat else None,
                )
                with self.lock:
                    target = self.routes.get(int(rec.fs))
                if target is not None:
                    target.post(item)
            if dropped[0]:
                with self.lock:
                    targets = list(self.routes.values())
                for target in targets:
                    target.post(_REFRESH)


@dataclasses.dataclass(frozen=True)
class _Upcall:
    flags: int
    inos: tuple[int, ...]
    stat: os.stat_result | None


_REFRESH = "refresh"
_STOP = "stop"
_reader: _Reader | None = None
_reader_lock = threading.Lock()


def _forget_in_child() -> None:
    # the reader and dispatcher threads are the parent's; so are its mounts
    global _reader, _reader_lock, _DISPATCHERS_LOCK
    _reader, _reader_lock, _DISPATCHERS_LOCK = None, threading.Lock(), threading.Lock()
    _DISPATCHERS.clear()


def _get_reader() -> _Reader:
    global _reader
    with _reader_lock:
        if _reader is None:
            _reader = _Reader()
        return _reader


# -- per-mount dispatcher ---------------------------------------------------------------------


class _Dispatcher:
    """One per mount: registers for upcalls, keeps the watched listings, fans out events."""

    def __init__(self, volume: Volume) -> None:
        from gpath.aio import _bridge  # the one place that reaches private internals

        self.volume = volume
        self.dirs: dict[str, _Dir] = {}
        self.by_ino: dict[int, set[str]] = collections.defaultdict(set)  # ino -> dir paths
        self.inbox: collections.deque[Any] = collections.deque()
        self.wake = threading.Condition()
        self.refresh = DEFAULT_REFRESH
        self.stopped = False
        release, fs = _bridge.acquire_fs(volume)
        try:
            if lib.gp_upcall_register(fs) < 0:
                err = ffi.errno or errno.EIO
                raise LibgfapiException(err, f"cannot register for upcalls: {os.strerror(err)}")
            self.fs_address = int(ffi.cast("uintptr_t", fs))
        finally:
            release()
        reader = _get_reader()
        with reader.lock:
            reader.routes[self.fs_address] = self
        _bridge.on_unmount(volume, self._unmounted)
        self.thread = threading.Thread(target=self._run, name="gpath-watch", daemon=True)
        self.thread.start()

    # -- messages ---------------------------------------------------------------------------

    def post(self, item: Any) -> None:
        with self.wake:
            self.inbox.append(item)
            self.wake.notify()

    def call(self, func: Any, *args: Any) -> Any:
        """Run ``func(*args)`` on the dispatcher thread and return (or raise) its result."""
        done = threading.Event()
        box: list[Any] = []

        def task() -> None:
            try:
                box.append((True, func(*args)))
            except BaseException as exc:
                box.append((False, exc))
            done.set()

        self.post(task)
        while not done.wait(0.1):
            if self.stopped:
                raise _not_mounted(self.volume)
        ok, value = box[0]
        if not ok:
            raise value
        return value

    def _unmounted(self, fs: Any) -> None:
        lib.gp_upcall_unregister(fs)
        reader = _get_reader()
        with reader.lock:
            reader.routes.pop(self.fs_address, None)
        with _DISPATCHERS_LOCK:
            if _DISPATCHERS.get(self.volume) is self:
                del _DISPATCHERS[self.volume]
        self.post(_STOP)
        if threading.current_thread() is not self.thread:
            self.thread.join(10)

    # -- the dispatcher thread ------------------------------------------------------------------

    def _run(self) -> None:
        next_refresh = time.monotonic() + self.refresh
        while True:
            with self.wake:
                while not self.inbox:
                    timeout = next_refresh - time.monotonic()
                    if timeout <= 0:
                        break
                    self.wake.wait(timeout)
                batch = list(self.inbox)
                self.inbox.clear()
            if not batch:
                batch = [_REFRESH]
            affected: set[str] = set()
            upcall_stats: dict[int, os.stat_result] = {}
            for item in batch:
                if item is _STOP:
                    self._stop()
                    return
                if item is _REFRESH:
                    affected.update(self.dirs)
                elif isinstance(item, _Upcall):
                    for ino in item.inos:
                        affected.update(self.by_ino.get(ino, ()))
                    if item.stat is not None and item.inos:
                        upcall_stats[item.inos[0]] = item.stat
                else:
                    item()
            if _REFRESH in batch or time.monotonic() >= next_refresh:
                affected.update(self.dirs)
                next_refresh = time.monotonic() + self.refresh
            if affected:
                self._relist(affected, upcall_stats)

    def _stop(self) -> None:
        self.stopped = True
        watchers = {w for d in self.dirs.values() for w in d.watchers}
        self.dirs.clear()
        self.by_ino.clear()
        for watcher in watchers:
            watcher._end(_not_mounted(self.volume))

    def _index(self, path: str, state: _Dir, add: bool) -> None:
        inos = [state.ino, *(st.st_ino for st in state.entries.values())]
        for ino in inos:
            if add:
                self.by_ino[ino].add(path)
            else:
                paths = self.by_ino.get(ino)
                if paths is not None:
                    paths.discard(path)
                    if not paths:
                        del self.by_ino[ino]

    def _list(self, path: str) -> tuple[int, dict[str, os.stat_result]]:
        ino = self.volume.lstat(path).st_ino
        return ino, dict(self.volume.listdir_with_stat(path))

    def add_watch(self, watcher: Watcher, path: str, recursive: bool, announce: bool) -> None:
        """Watch *path* (and, if *recursive*, the directories below) for *watcher*.

        With *announce*, each entry found is reported as created (a directory that appeared
        after the watch began).  Runs on the dispatcher thread.
        """
        state = self.dirs.get(path)
        if state is None:
            ino, entries = self._list(path)
            state = _Dir(ino, entries)
            self.dirs[path] = state
            self._index(path, state, True)
        state.watchers.add(watcher)
        watcher._dirs.add(path)
        for name, st in sorted(state.entries.items()):
            child = posixpath.join(path, name)
            if announce:
                watcher._emit(WatchEvent(EventKind.CREATED, watcher._make(child), st))
            if recursive and stat_module.S_ISDIR(st.st_mode):
                try:
                    self.add_watch(watcher, child, True, announce)
                except OSError as exc:
                    if not is_absent(exc):
                        raise

    def remove_watcher(self, watcher: Watcher) -> None:
        for path in list(watcher._dirs):
            self._drop(watcher, path)
        watcher._dirs.clear()

    def _drop(self, watcher: Watcher, path: str) -> None:
        state = self.dirs.get(path)
        watcher._dirs.discard(path)
        if state is None:
            return
        state.watchers.discard(watcher)
        if not state.watchers:
            self._index(path, state, False)
            del self.dirs[path]

    def _relist(self, paths: set[str], upcall_stats: dict[int, os.stat_result]) -> None:
        removed: dict[int, tuple[str, os.stat_result, set[Watcher]]] = {}
        added: dict[int, tuple[str, os.stat_result, set[Watcher]]] = {}
        changed: list[tuple[EventKind, str, os.stat_result, set[Watcher]]] = []
        for path in sorted(paths):
            state = self.dirs.get(path)
            if state is None:
                continue
            watchers = set(state.watchers)
            try:
                ino, entries = self._list(path)
            except OSError as exc:
                if not is_absent(exc):
                    for watcher in watchers:
                        watcher._emit_error(exc)
                    continue
                ino, entries = state.ino, {}
            for name, st in entries.items():
                known = upcall_stats.get(st.st_ino)
                if known is not None and known.st_ctime_ns > st.st_ctime_ns:
                    entries[name] = st = known  # the upcall's stat is the newer one
            self._index(path, state, False)
            old, state.entries, state.ino = state.entries, entries, ino
            self._index(path, state, True)
            for name, st in old.items():
                new = entries.get(name)
                if new is None or new.st_ino != st.st_ino:
                    removed[st.st_ino] = (posixpath.join(path, name), st, watchers)
            for name, st in entries.items():
                before = old.get(name)
                child = posixpath.join(path, name)
                if before is None or before.st_ino != st.st_ino:
                    added[st.st_ino] = (child, st, watchers)
                elif st.st_ctime_ns < before.st_ctime_ns:
                    entries[name] = before  # a stale answer from a cache: keep what we had
                elif not stat_module.S_ISDIR(st.st_mode) and (
                    st.st_size != before.st_size or st.st_mtime_ns != before.st_mtime_ns
                ):
                    changed.append((EventKind.MODIFIED, child, st, watchers))
                elif (st.st_mode, st.st_uid, st.st_gid, st.st_nlink) != (
                    before.st_mode,
                    before.st_uid,
                    before.st_gid,
                    before.st_nlink,
                ) or (not stat_module.S_ISDIR(st.st_mode) and st.st_ctime_ns != before.st_ctime_ns):
                    changed.append((EventKind.ATTRIB, child, st, watchers))
        for ino, (old_path, _st, old_watchers) in sorted(removed.items(), key=lambda i: i[1][0]):
            if ino in added:
                continue
            for watcher in old_watchers:
                watcher._emit(WatchEvent(EventKind.DELETED, watcher._make(old_path)))
            for dropped in [p for p in self.dirs if p == old_path or p.startswith(old_path + "/")]:
                for watcher in list(self.dirs[dropped].watchers):
                    self._drop(watcher, dropped)
        for ino, (path, st, watchers) in sorted(added.items(), key=lambda i: i[1][0]):
            moved = removed.get(ino)
            for watcher in watchers | (moved[2] if moved else set()):
                if moved is not None:
                    event = WatchEvent(
                        EventKind.RENAMED,
                        watcher._make(path),
                        st,
                        watcher._make(moved[0]) if watcher in moved[2] else None,
                    )
                    if moved[0] in self.dirs:  # a watched directory moved: follow it
                        self._drop(watcher, moved[0])
                else:
                    event = WatchEvent(EventKind.CREATED, watcher._make(path), st)
                if watcher in watchers or moved is not None:
                    watcher._emit(event)
                if watcher in watchers and watcher.recursive and stat_module.S_ISDIR(st.st_mode):
                    try:
                        self.add_watch(watcher, path, True, announce=moved is None)
                    except OSError as exc:
                        if not is_absent(exc):
                            watcher._emit_error(exc)
        for kind, path, st, watchers in changed:
            for watcher in watchers:
                watcher._emit(WatchEvent(kind, watcher._make(path), st))


_DISPATCHERS: weakref.WeakKeyDictionary[Volume, _Dispatcher] = weakref.WeakKeyDictionary()
_DISPATCHERS_LOCK = threading.Lock()
os.register_at_fork(after_in_child=_forget_in_child)


def _dispatcher(volume: Volume) -> _Dispatcher:
    with _DISPATCHERS_LOCK:
        found = _DISPATCHERS.get(volume)
        if found is None or found.stopped:
            found = _DISPATCHERS[volume] = _Dispatcher(volume)
            if not _volume_invalidates(volume):
                warnings.warn(
                    f"volume {volume.volname!r} does not seem to have cache invalidation on, "
                    "so it will send no change events: run `gluster volume set "
                    f"{volume.volname} features.cache-invalidation on` and "
                    f"`gluster volume set {volume.volname} performance.cache-invalidation on`",
                    WatchWarning,
                    stacklevel=4,
                )
        return found


def _volume_invalidates(volume: Volume) -> bool:
    """Whether the client graph shows cache invalidation on (md-cache's option)."""
    try:
        volfile = volume.get_volfile()
    except OSError:
        return True  # cannot tell: say nothing rather than something wrong
    return b"option cache-invalidation on" in volfile


def _not_mounted(volume: Volume) -> Exception:
    return ClosedError(f"the watch ended: volume {volume.volname!r} was unmounted")


# -- watchers ---------------------------------------------------------------------------------


class Watcher:
    """Changes under a directory, made by other clients: ``with path.watch() as events:``.

    Iterating yields :class:`WatchEvent` objects as they arrive and blocks in between; the
    iteration ends when the watcher is closed (from another thread, or by unmounting).
    :meth:`get` waits for one event with a timeout.  Several changes to one file between
    two upcalls arrive as one event.
    """

    def __init__(self, path: GlusterPath, recursive: bool = False, refresh: float | None = None):
        if refresh is not None and not refresh > 0:
            raise ValueError("refresh must be a positive number of seconds")
        self.root = path
        self.recursive = bool(recursive)
        self.refresh = DEFAULT_REFRESH if refresh is None else float(refresh)
        self._events: collections.deque[WatchEvent | BaseException] = collections.deque()
        self._cond = threading.Condition()
        self._dirs: set[str] = set()
        self._dispatcher: _Dispatcher | None = None
        self._closed = False

    def _make(self, path: str) -> GlusterPath:
        return self.root.with_segments(path)

    # -- life ----------------------------------------------------------------------------------

    def start(self) -> Watcher:
        """Begin watching (``with`` does this): list the directory, subscribe to upcalls.

        :raises NotADirectoryError: the path is not a directory.
        """
        if self._dispatcher is not None or self._closed:
            raise ValueError("a Watcher can be started once")
        volume = self.root.volume
        if not self.root.is_dir():
            self.root.stat()  # the errors of a missing path
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), self.root.path)
        dispatcher = _dispatcher(volume)
        dispatcher.refresh = min(dispatcher.refresh, self.refresh)
        self._dispatcher = dispatcher
        try:
            dispatcher.call(dispatcher.add_watch, self, self.root.path, self.recursive, False)
        except BaseException:
            self.close()  # drop what was registered before the failure
            raise
        return self

    def close(self) -> None:
        """Stop watching; an iteration in progress ends."""
        dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None and not dispatcher.stopped:
            try:
                dispatcher.call(dispatcher.remove_watcher, self)
            except ClosedError:
                pass
        self._end(None)

    def __enter__(self) -> Watcher:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- events --------------------------------------------------------------------------------

    def _emit(self, event: WatchEvent) -> None:
        with self._cond:
            if not self._closed:
                self._events.append(event)
                self._cond.notify_all()

    def _emit_error(self, exc: BaseException) -> None:
        with self._cond:
            self._events.append(exc)
            self._cond.notify_all()

    def _end(self, exc: BaseException | None) -> None:
        with self._cond:
            if exc is not None and not self._closed:
                self._events.append(exc)
            self._closed = True
            self._cond.notify_all()

    def _wait(self, timeout: float | None) -> bool:
        """Wait until an event is queued or the watcher ended; True if one is queued."""
        with self._cond:
            self._cond.wait_for(lambda: self._events or self._closed, timeout)
            return bool(self._events)

    def _pop(self) -> WatchEvent | None:
        """The next queued event, or None; raises a queued error."""
        with self._cond:
            if not self._events:
                if self._closed:
                    raise ClosedError("the watcher is closed")
                return None
            item = self._events.popleft()
        if isinstance(item, BaseException):
            raise item
        return item

    def get(self, timeout: float | None = None) -> WatchEvent:
        """The next event, waiting at most *timeout* seconds (None: for ever).

        :raises TimeoutError: no event came in time.
        :raises gpath.ClosedError: the watcher is closed (or its volume unmounted) and no
            event is left.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            event = self._pop()
            if event is not None:
                return event
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"no change under {self.root.path!r} within {timeout} s")
            self._wait(left)

    def __iter__(self) -> Iterator[WatchEvent]:
        while True:
            try:
                yield self.get()
            except ClosedError:
                return


class AsyncWatcher:
    """A :class:`Watcher` for ``async with`` and ``async for`` (asyncio or trio)."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    async def __aenter__(self) -> AsyncWatcher:
        import anyio.to_thread

        await anyio.to_thread.run_sync(self.watcher.start)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        import anyio
        import anyio.to_thread

        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self.watcher.close)

    async def get(self, timeout: float | None = None) -> WatchEvent:
        """The next event; TimeoutError if none within *timeout* seconds."""
        import anyio

        if timeout is None:
            return await self._next()
        try:
            with anyio.fail_after(timeout):
                return await self._next()
        except TimeoutError:
            raise TimeoutError(
                f"no change under {self.watcher.root.path!r} within {timeout} s"
            ) from None

    async def _next(self) -> WatchEvent:
        import anyio.to_thread

        while True:
            event = self.watcher._pop()
            if event is not None:
                return event
            # waits without taking the event, so a cancelled wait loses nothing
            await anyio.to_thread.run_sync(self.watcher._wait, 0.25, abandon_on_cancel=True)

    def __aiter__(self) -> AsyncWatcher:
        return self

    async def __anext__(self) -> WatchEvent:
        try:
            return await self._next()
        except ClosedError:
            raise StopAsyncIteration from None


def watch(path: GlusterPath, recursive: bool = False, *, refresh: float | None = None) -> Watcher:
    """A :class:`Watcher` of the directory *path* (started by ``with``)."""
    return Watcher(path, recursive, refresh)
