"""AsyncFile: an open file of gpath.aio (worker threads, plus libgfapi's native async calls)."""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import Any

import anyio
from typing_extensions import Buffer, Self

from gpath._lowlevel import lib
from gpath.aio import _loop, _native
from gpath.errors import ClosedError, oserror
from gpath.file import File
from gpath.volume import Volume

_MAX_IO = _native._MAX_IO
# CPython's bytes(n) (n >= 2) is a fresh object of its own that C may fill before it is shared.
_FILL_BYTES = sys.implementation.name == "cpython"


def raw_file(obj: Any) -> File:
    """The raw gpath.File under a File, a Buffered* or a TextIOWrapper."""
    for _ in range(3):
        if isinstance(obj, File):
            return obj
        obj = obj.buffer if isinstance(obj, io.TextIOWrapper) else obj.raw
    raise TypeError(f"not a gpath file: {obj!r}")


class AsyncFile:
    """An open file on a GlusterFS volume, for ``await``.

    What ``await AsyncGlusterPath.open()`` returns.  ``read``, ``readinto``, ``readline``,
    ``write``, ``seek``, ``tell``, ``truncate``, ``flush`` and ``close`` are the methods of the
    file ``GlusterPath.open()`` gives (text or binary, buffered or raw) run in the Volume's
    worker pool, one at a time per file.  ``async with`` closes it, ``async for`` reads lines.

    ``pread``, ``pwrite``, ``fsync``, ``fdatasync``, ``ftruncate``, ``discard`` and
    ``zerofill`` use libgfapi's native asynchronous calls instead: no thread is held while
    they run, so many may be in flight on one file.  They act on the file itself, beside any
    buffer of a buffered or text file (like ``os.pread`` on a file object's ``fileno()``),
    and never move its offset.  Cancelling one of them stops the waiting, not the request:
    its buffer stays pinned until libgfapi completes it.  :meth:`close` waits for them.
    """

    def __init__(self, file: Any, volume: Volume) -> None:
        self._file = file
        self._raw = raw_file(file)
        self._volume = volume
        self._dup: File | None = None  # positional I/O moves a glfd's offset: a glfd of its own
        self._lock = anyio.Lock()
        self._inflight = 0
        self._idle = anyio.Event()
        self._idle.set()

    # -- attributes -------------------------------------------------------------------------

    @property
    def wrapped(self) -> Any:
        """The synchronous file object this wraps."""
        return self._file

    @property
    def name(self) -> Any:
        return self._raw.name

    @property
    def mode(self) -> Any:
        return getattr(self._file, "mode", None)

    @property
    def closed(self) -> bool:
        return bool(self._file.closed)

    def __repr__(self) -> str:
        return f"<gpath.aio.AsyncFile wrapping {self._file!r}>"

    # -- worker-pool methods ----------------------------------------------------------------

    async def _run(self, func: Any, *args: Any) -> Any:
        async with self._lock:
            return await _loop.run_sync(self._volume, func, *args)

    async def read(self, size: int | None = -1) -> Any:
        """Read up to *size* bytes (characters in text mode); all that is left by default."""
        return await self._run(self._file.read, size)

    async def readinto(self, buffer: Buffer) -> int:
        """Read into a writable buffer; the number of bytes read."""
        n: int = await self._run(self._file.readinto, buffer)
        return n

    async def readline(self, size: int | None = -1) -> Any:
        """Read one line."""
        return await self._run(self._file.readline, size)

    async def readlines(self, hint: int = -1) -> list[Any]:
        """Read the remaining lines."""
        lines: list[Any] = await self._run(self._file.readlines, hint)
        return lines

    async def write(self, data: Any) -> int:
        """Write *data* (bytes-like, or str in text mode); the count the file reports."""
        n: int = await self._run(self._file.write, data)
        return n

    async def writelines(self, lines: Any) -> None:
        await self._run(self._file.writelines, list(lines))

    async def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the offset (``os.SEEK_SET``/``SEEK_CUR``/``SEEK_END``); the new offset."""
        pos: int = await self._run(self._file.seek, offset, whence)
        return pos

    async def tell(self) -> int:
        """The current offset."""
        pos: int = await self._run(self._file.tell)
        return pos

    async def truncate(self, size: int | None = None) -> int:
        """Resize to *size* (default: the current offset)."""
        n: int = await self._run(self._file.truncate, size)
        return n

    async def flush(self) -> None:
        """Write out the buffer of a buffered or text file."""
        await self._run(self._file.flush)

    async def close(self) -> None:
        """Wait for native requests in flight, then close; a second call does nothing.

        Runs to the end even when the calling task is cancelled meanwhile, so the file is
        never left half-closed; a deferred write error of the server is raised here.
        """
        with anyio.CancelScope(shield=True):
            await self._idle.wait()
            dup, self._dup = self._dup, None
            async with self._lock:
                try:
                    if dup is not None:
                        await _loop.run_sync(self._volume, dup.close)
                finally:
                    await _loop.run_sync(self._volume, self._file.close)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Any:
        line = await self.readline()
        if not line:
            raise StopAsyncIteration
        return line

    # -- native asynchronous calls ----------------------------------------------------------

    async def _native(
        self, op: int, buf: Any = None, size: int = 0, offset: int = 0, length: int = 0
    ) -> _native._Request:
        if self._raw.closed:
            raise ClosedError()
        if self._dup is None:
            self._dup = await _loop.run_sync(self._volume, self._raw.dup)
        self._inflight += 1
        self._idle = anyio.Event() if self._inflight == 1 else self._idle
        try:
            return await _loop.drain(self._volume).run(op, self._dup, buf, size, offset, length)
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def pread(self, size: int, offset: int) -> bytes:
        """Read up to *size* bytes at *offset* (``glfs_pread_async``)."""
        _native.require(self._raw, reading=True)
        _native.check_size(offset, "offset")
        _native.check_size(size, "size")
        size = min(size, _MAX_IO)
        if not _FILL_BYTES or size < 2:
            buf = bytearray(size)
            req = await self._native(_native_op("PREAD"), buf, size, offset)
            return bytes(buf[: _native.check(req, self._raw)])
        # a new bytes object filled in place before anyone sees it, as the sync pread does
        # in C: one copy of the data instead of two
        data = bytes(size)
        req = await self._native(_native_op("PREAD"), data, size, offset)
        n = _native.check(req, self._raw)
        return data if n == size else data[:n]

    async def preadinto(self, buffer: Buffer, offset: int) -> int:
        """Read into *buffer* at *offset*; the number of bytes read (0 at end of file)."""
        _native.require(self._raw, reading=True)
        _native.check_size(offset, "offset")
        view = memoryview(buffer)
        if view.readonly:
            raise TypeError("preadinto() needs a writable buffer")
        view = view.cast("B") if view.ndim != 1 or view.format != "B" else view
        req = await self._native(_native_op("PREAD"), view, min(len(view), _MAX_IO), offset)
        return _native.check(req, self._raw)

    async def pwrite(self, data: Buffer | str, offset: int) -> int:
        """Write all of *data* at *offset* (``glfs_pwrite_async``); the number of bytes."""
        _native.require(self._raw, reading=False)
        _native.check_size(offset, "offset")
        view = _native.as_buffer(data)
        done = 0
        while done < len(view) or not view:
            chunk = view[done : done + _MAX_IO]
            req = await self._native(_native_op("PWRITE"), chunk, len(chunk), offset + done)
            n = _native.check(req, self._raw)
            if not view:
                break
            if n == 0:
                raise oserror(errno.EIO, self._raw.name)
            done += n
        return done

    async def fsync(self) -> None:
        """Flush data and metadata to the bricks (``glfs_fsync_async``)."""
        _native.check(await self._native(_native_op("FSYNC")), self._raw)

    async def fdatasync(self) -> None:
        """Flush data to the bricks (``glfs_fdatasync_async``)."""
        _native.check(await self._native(_native_op("FDATASYNC")), self._raw)

    async def ftruncate(self, length: int) -> None:
        """Cut or extend the file to *length* bytes (``glfs_ftruncate_async``)."""
        _native.require(self._raw, reading=False)
        _native.check_size(length, "length")
        _native.check(await self._native(_native_op("FTRUNCATE"), offset=length), self._raw)

    async def discard(self, offset: int, length: int) -> None:
        """Punch a hole of *length* bytes at *offset* (``glfs_discard_async``)."""
        _native.require(self._raw, reading=False)
        _native.check_size(offset, "offset")
        _native.check_size(length, "length")
        req = await self._native(_native_op("DISCARD"), offset=offset, length=length)
        _native.check(req, self._raw)

    async def zerofill(self, offset: int, length: int) -> None:
        """Write *length* zero bytes at *offset* (``glfs_zerofill_async``)."""
        _native.require(self._raw, reading=False)
        _native.check_size(offset, "offset")
        _native.check_size(length, "length")
        req = await self._native(_native_op("ZEROFILL"), offset=offset, length=length)
        _native.check(req, self._raw)


def _native_op(name: str) -> int:
    op: int = getattr(lib, "GP_AIO_" + name)
    return op
