"""libgfapi's asynchronous calls (``glfs_*_async``), completed on an event loop or a thread.

A request's C slot and buffer are owned by a :class:`_Request` that stays in its queue's
``pending`` map until C has reported the completion, whatever happens to the task that
awaited it: a cancelled await never frees memory that a libgfapi thread will still write.
C queues completions per :class:`_Queue` and signals its eventfd; an event loop drains that
fd with ``anyio.wait_readable`` (one task at a time, handing over when it is done), and
:class:`FutureIO` drains it on one thread per mount.  The mount's unmount hook waits for
every request in flight before the Files are closed.
"""

from __future__ import annotations

import concurrent.futures
import errno
import io
import itertools
import os
import select
import threading
import weakref
from collections.abc import Callable
from typing import Any

from typing_extensions import Buffer

from gpath._lowlevel import ffi, lib
from gpath.aio import _bridge
from gpath.errors import oserror
from gpath.file import File
from gpath.volume import Volume

_tags = itertools.count(1)
_COLLECT_BATCH = 256
_MAX_IO = (1 << 31) - 1  # glfs_pwrite_async takes an int count

# Queues with requests in flight: kept alive even if nothing else refers to them.
_BUSY: set[_Queue] = set()
_BUSY_LOCK = threading.Lock()


class _Request:
    """One C request: its slot, the buffer it pins and how to tell its waiter."""

    __slots__ = ("slot", "buf", "cbuf", "done", "notify", "__weakref__")

    def __init__(self, buf: Any, cbuf: Any) -> None:
        self.slot: Any = ffi.new("gp_aio_slot_t *")
        self.buf = buf  # pinned until C reports the completion
        self.cbuf = cbuf
        self.done = False
        self.notify: Callable[[], object] | None = None

    @property
    def ret(self) -> int:
        return int(self.slot.ret)

    @property
    def err(self) -> int:
        return int(self.slot.err)


class _Queue:
    """A C completion queue (an eventfd) and the requests submitted through it."""

    def __init__(self) -> None:
        ctx = lib.gp_aio_ctx_new()
        if ctx == ffi.NULL:
            raise oserror(ffi.errno or errno.ENOMEM)
        self.ctx = ctx
        self.fd = int(lib.gp_aio_ctx_fd(ctx))
        self.pending: dict[int, _Request] = {}
        self._out = ffi.new("gp_aio_slot_t *[]", _COLLECT_BATCH)
        self._lock = threading.Lock()
        self.closed = False
        weakref.finalize(self, _free_ctx, ctx)

    def submit(
        self, op: int, file: File, buf: Any = None, size: int = 0, offset: int = 0, length: int = 0
    ) -> _Request:
        """Start *op* on *file*'s glfd; its completion arrives through :meth:`collect`."""
        if self.closed:
            raise _bridge_not_mounted(file.volume)
        cbuf = ffi.NULL if buf is None else ffi.from_buffer(buf, require_writable=False)
        req = _Request(buf, cbuf)
        tag = next(_tags)
        req.slot.tag = tag
        release_fs, _fs = _bridge.acquire_fs(file.volume)
        try:
            release_fd, glfd = _bridge.acquire_glfd(file)
            try:
                with self._lock:
                    self.pending[tag] = req
                    if len(self.pending) == 1:
                        with _BUSY_LOCK:
                            _BUSY.add(self)
                lib.gp_aio_submit(self.ctx, req.slot, op, glfd, cbuf, size, offset, length)
            finally:
                release_fd()
        finally:
            release_fs()
        return req

    def call(self, op: int, volume: Volume, path: bytes) -> _Request:
        """Start *op* (``GP_CALL_STAT``/``LSTAT``) on *path* on a C thread; completes as
        :meth:`submit`'s requests do."""
        if self.closed:
            raise _bridge_not_mounted(volume)
        req = _Request(None, None)
        tag = next(_tags)
        req.slot.tag = tag
        release_fs, fs = _bridge.acquire_fs(volume)
        try:
            with self._lock:
                self.pending[tag] = req
                if len(self.pending) == 1:
                    with _BUSY_LOCK:
                        _BUSY.add(self)
            lib.gp_aio_call(self.ctx, req.slot, op, fs, path)
        finally:
            release_fs()
        return req

    def collect(self) -> int:
        """Mark every completion C has queued as done and notify its waiter; return the count."""
        total = 0
        while True:
            n: int = lib.gp_aio_collect(self.ctx, self._out, _COLLECT_BATCH)
            finished = []
            with self._lock:
                for i in range(n):
                    req = self.pending.pop(int(self._out[i].tag), None)
                    if req is not None:
                        req.done = True
                        finished.append(req)
                if not self.pending:
                    with _BUSY_LOCK:
                        _BUSY.discard(self)
            for req in finished:
                notify, req.notify = req.notify, None  # no cycle through the waiter's closure
                req.cbuf = req.buf = None  # C is done with the buffer: unpin it
                if notify is not None:
                    notify()
            total += n
            if n < _COLLECT_BATCH:
                return total

    def wait_idle(self) -> None:
        """Block (without the GIL) until no request of this queue is in flight."""
        lib.gp_aio_wait_idle(self.ctx, -1)


def _free_ctx(ctx: Any) -> None:
    # Never while C may still write a completion into it (then it is kept: a few bytes).
    lib.gp_aio_ctx_free(ctx)


def _bridge_not_mounted(volume: Volume) -> Exception:
    try:
        _bridge.mount_key(volume)
    except Exception as exc:
        return exc
    return oserror(errno.EBADF)


# -- results as the sync API gives them -------------------------------------------------------


def check(req: _Request, file: File) -> int:
    """The request's result, or the OSError the sync call would raise."""
    if req.ret < 0:
        raise oserror(req.err or errno.EIO, file.name)
    return req.ret


def check_size(value: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} must not be negative")
    if value >= 1 << 63:
        raise OverflowError(f"{what} does not fit in 64 bits")


def as_buffer(data: Buffer | str) -> memoryview:
    if isinstance(data, str):
        data = data.encode()
    view = memoryview(data)
    return view.cast("B") if view.ndim != 1 or view.format != "B" else view


def require(file: File, reading: bool) -> None:
    """Refuse as the sync File does: closed, or not open for this direction."""
    if reading and not file.readable():
        raise io.UnsupportedOperation("File not open for reading")
    if not reading and not file.writable():
        raise io.UnsupportedOperation("File not open for writing")


# -- per-mount registry: unmount waits for every queue ------------------------------------------


class _MountQueues:
    """The queues of one mount, so that its unmount hook can wait for all of them."""

    def __init__(self) -> None:
        self.queues: weakref.WeakSet[_Queue] = weakref.WeakSet()
        self.thread_queue: _ThreadQueue | None = None
        self.lock = threading.RLock()  # thread_queue() makes its queue while holding it

    def shutdown(self, _fs: Any) -> None:
        with self.lock:
            queues = list(self.queues)
            thread_queue, self.thread_queue = self.thread_queue, None
        for queue in queues:
            queue.closed = True
        for queue in queues:
            queue.wait_idle()  # the libgfapi threads finish these without us
            with _BUSY_LOCK:
                _BUSY.discard(queue)  # C writes nothing more into its slots
        if thread_queue is not None:
            thread_queue.stop()


_MOUNTS: weakref.WeakKeyDictionary[object, _MountQueues] = weakref.WeakKeyDictionary()
_MOUNTS_LOCK = threading.Lock()


def mount_queues(volume: Volume) -> _MountQueues:
    key = _bridge.mount_key(volume)
    with _MOUNTS_LOCK:
        entry = _MOUNTS.get(key)
        if entry is None:
            entry = _MOUNTS[key] = _MountQueues()
            _bridge.on_unmount(volume, entry.shutdown)
    return entry


def new_queue(volume: Volume) -> _Queue:
    """A fresh queue registered with the volume's current mount."""
    entry = mount_queues(volume)
    queue = _Queue()
    with entry.lock:
        entry.queues.add(queue)
    return queue


# -- concurrent.futures ----------------------------------------------------------------------------


class _ThreadQueue:
    """A queue drained by one daemon thread, which resolves concurrent.futures.Futures."""

    def __init__(self, volume: Volume) -> None:
        self.queue = new_queue(volume)
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="gpath-aio-futures", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self.queue.fd, select.POLLIN)
        while not self._stop:
            poller.poll(1000)  # the timeout only bounds how late stop() is noticed
            self.queue.collect()
        self.queue.collect()

    def stop(self) -> None:
        self._stop = True
        os.eventfd_write(self.queue.fd, 1)
        if threading.current_thread() is not self._thread:
            self._thread.join()


def thread_queue(volume: Volume) -> _ThreadQueue:
    entry = mount_queues(volume)
    with entry.lock:
        if entry.thread_queue is None:
            entry.thread_queue = _ThreadQueue(volume)
        return entry.thread_queue


class FutureIO:
    """libgfapi's asynchronous calls on a File, as ``concurrent.futures.Future`` objects.

    For code without an event loop.  Each method starts the request and returns at once;
    the Future's result is what the File's own method would return, and its exception the
    error that method would raise.  Positional calls go through a duplicate of the File's
    glfd (libgfapi moves a glfd's offset on positional I/O), so the File's own offset is
    left alone.  Close the FutureIO (or use ``with``) before closing the File: closing
    waits for the requests still in flight.
    """

    def __init__(self, file: File) -> None:
        if not isinstance(file, File):
            raise TypeError(f"FutureIO needs a gpath.File, not {type(file).__name__}")
        self._file = file
        self._dup = file.dup()
        self._futures: set[concurrent.futures.Future[Any]] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> FutureIO:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the requests in flight, then release the duplicate glfd."""
        with self._lock:
            futures = list(self._futures)
        concurrent.futures.wait(futures)
        self._dup.close()

    def _start(
        self,
        op: int,
        finish: Callable[[_Request], Any],
        buf: Any = None,
        size: int = 0,
        offset: int = 0,
        length: int = 0,
    ) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        future.set_running_or_notify_cancel()
        queue = thread_queue(self._file.volume).queue

        def notify() -> None:
            try:
                future.set_result(finish(req))
            except BaseException as exc:
                future.set_exception(exc)
            with self._lock:
                self._futures.discard(future)

        with self._lock:
            self._futures.add(future)
        try:
            req = queue.submit(op, self._dup, buf, size, offset, length)
        except BaseException:
            with self._lock:
                self._futures.discard(future)
            raise
        with queue._lock:
            if req.done:
                notify()
            else:
                req.notify = notify
        return future

    def pread(self, size: int, offset: int) -> concurrent.futures.Future[bytes]:
        """Read up to *size* bytes at *offset* (a Future of bytes)."""
        check_size(size, "size")
        check_size(offset, "offset")
        require(self._file, reading=True)
        buf = bytearray(min(size, _MAX_IO))
        file = self._file
        return self._start(
            lib.GP_AIO_PREAD, lambda r: bytes(buf[: check(r, file)]), buf, len(buf), offset
        )

    def pwrite(self, data: Buffer | str, offset: int) -> concurrent.futures.Future[int]:
        """Write *data* at *offset* (a Future of the number of bytes written)."""
        check_size(offset, "offset")
        require(self._file, reading=False)
        view = as_buffer(data)
        if len(view) > _MAX_IO:
            raise ValueError("a single asynchronous write is limited to 2 GiB - 1")
        file = self._file
        return self._start(lib.GP_AIO_PWRITE, lambda r: check(r, file), view, len(view), offset)

    def fsync(self) -> concurrent.futures.Future[None]:
        """Flush data and metadata to the bricks."""
        file = self._file
        return self._start(lib.GP_AIO_FSYNC, lambda r: _none(check(r, file)))

    def fdatasync(self) -> concurrent.futures.Future[None]:
        """Flush data to the bricks."""
        file = self._file
        return self._start(lib.GP_AIO_FDATASYNC, lambda r: _none(check(r, file)))

    def ftruncate(self, length: int) -> concurrent.futures.Future[None]:
        """Cut or extend the file to *length* bytes."""
        check_size(length, "length")
        require(self._file, reading=False)
        file = self._file
        return self._start(lib.GP_AIO_FTRUNCATE, lambda r: _none(check(r, file)), offset=length)

    def discard(self, offset: int, length: int) -> concurrent.futures.Future[None]:
        """Punch a hole of *length* bytes at *offset*."""
        check_size(offset, "offset")
        check_size(length, "length")
        require(self._file, reading=False)
        file = self._file
        return self._start(
            lib.GP_AIO_DISCARD, lambda r: _none(check(r, file)), offset=offset, length=length
        )

    def zerofill(self, offset: int, length: int) -> concurrent.futures.Future[None]:
        """Write *length* zero bytes at *offset*."""
        check_size(offset, "offset")
        check_size(length, "length")
        require(self._file, reading=False)
        file = self._file
        return self._start(
            lib.GP_AIO_ZEROFILL, lambda r: _none(check(r, file)), offset=offset, length=length
        )


def _none(_value: object) -> None:
    return None
