"""``File``: an open file on a volume, as a real ``io.RawIOBase``.

The layering follows the built-in ``open()``: :class:`File` is the unbuffered raw layer
(what the libgfapi-python API calls a File, returned by ``Volume.fopen``), and
:func:`wrap` stacks ``io.BufferedReader``/``BufferedWriter``/``BufferedRandom`` and
``io.TextIOWrapper`` on top of it for ``Volume.open_file``.
"""

from __future__ import annotations

import contextlib
import errno
import io
import itertools
import os
import stat
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from typing_extensions import Buffer

from gpath import _xattr
from gpath._buffers import READ_CHUNK, read_bytes
from gpath._handle import CHandle, close_unclosed
from gpath._lowlevel import ffi, lib, require_symbol
from gpath._modes import OpenMode, flags_access, parse_mode
from gpath._stat import STAT_BUFFER_SIZE, stat_from_buffer, to_id, to_timespec_pair
from gpath.errors import ClosedError, oserror, raise_oserror

if TYPE_CHECKING:
    from gpath._mount import Mount
    from gpath.volume import Volume

# No single C read/write may reach 1 GiB (GlusterFS fails and disconnects, glusterfs#1518);
# large requests are split into pieces of this size.
MAX_IO_CHUNK = 64 * 1024 * 1024
# Buffer size of Volume.open_file(): one round trip fetches this much, so small sequential
# reads are served from memory at close to large-read throughput.
DEFAULT_BUFFER_SIZE = 1024 * 1024
_READLINE_CHUNK = 8192
_MAX_OFFSET = (1 << 63) - 1
_LOCK_OWNER_LEN = 16
_CHAR_ARRAY = ffi.typeof("char[]")
_glfs_read = lib.glfs_read  # one global lookup instead of two on readinto's path
# Lock owners: a random per-process prefix and a counter (unique within the process, which
# is all the bricks need: they key locks by client and owner), without a syscall per open.
_owner_prefix = os.urandom(_LOCK_OWNER_LEN // 2)
_owner_counter = itertools.count()


def new_lock_owner() -> bytes:
    """A fresh byte-range lock owner for one File (see ``File.__init__``)."""
    return _owner_prefix + next(_owner_counter).to_bytes(_LOCK_OWNER_LEN // 2, "little")


def _new_owner_prefix_in_child() -> None:
    global _owner_prefix
    _owner_prefix = os.urandom(_LOCK_OWNER_LEN // 2)


os.register_at_fork(after_in_child=_new_owner_prefix_in_child)


class RawGlfd:
    """An open ``glfs_fd_t`` not yet owned by a :class:`File` (what ``Glfd`` points to)."""

    __slots__ = ("handle", "mount", "volume", "flags", "path", "adopted", "__weakref__")

    def __init__(
        self, handle: CHandle, mount: Mount, volume: Volume, flags: int, path: Any
    ) -> None:
        self.handle, self.mount, self.volume = handle, mount, volume
        self.flags, self.path = flags, path
        self.adopted = False

    def close(self) -> None:
        """Close the glfd (Volume.umount() does this for glfds no File adopted)."""
        err = self.handle.close(lib.glfs_close, lambda: self.mount.forget(self))
        if err:
            raise oserror(err, self.path)

    def _forget_in_child(self) -> None:
        self.handle.forget()

    def __del__(self) -> None:
        # Dropped without ever being wrapped in a File: nobody else can close it.
        if not self.adopted and not self.handle.closed:
            try:
                self.close()
            except Exception:  # nothing to report to from a finalizer
                pass


def _is_directory(raw: RawGlfd) -> bool:
    buf = bytearray(STAT_BUFFER_SIZE)
    fd = raw.handle.acquire()
    if fd is None:
        raise ClosedError("the glfd is already closed")
    try:
        ret = lib.gp_fstat(fd, ffi.from_buffer(buf))
    finally:
        raw.handle.release()
    if ret < 0:
        raise_oserror(raw.path)
    return stat.S_ISDIR(stat_from_buffer(buf, ret).st_mode)


class Glfd(int):
    """An open glfd as returned by ``Volume.open()``: its C address as an int.

    Like the old binding it is "a number"; unlike it, the number is only a label.  The handle
    itself travels with this object, so ``File(fd)`` can never dereference an arbitrary int.
    """

    raw: RawGlfd

    def __new__(cls, raw: RawGlfd) -> Glfd:
        self = super().__new__(cls, int(ffi.cast("uintptr_t", raw.handle.ptr)))
        self.raw = raw
        return self

    def close(self) -> None:
        """Close the glfd (only needed if it is never passed to ``File``)."""
        self.raw.close()


class _FilenoNotAnOSDescriptor(int):
    """``File.fileno`` is the glfd (an attribute, as in the spec); calling it like
    ``io.IOBase.fileno()`` raises, since there is no local OS file descriptor."""

    def __call__(self) -> int:
        raise io.UnsupportedOperation(
            "a gpath File has no OS-level file descriptor (File.fileno is the glfd)"
        )


class File(io.RawIOBase):
    """An open file on a GlusterFS volume (unbuffered, binary).

    :param fd: a :class:`Glfd` from ``Volume.open()``.
    :param path: the path it was opened with (becomes :attr:`name`).
    :param mode: the mode string it was opened with (becomes :attr:`mode`); when omitted,
        readability and writability come from the open flags.

    Reads and writes move the file offset (``seek``/``tell``/``lseek``); ``pread`` and
    ``pwrite`` do not.  Writes accept any bytes-like object, and a ``str`` is written as
    UTF-8.  Closing is idempotent; any other use of a closed File raises
    :class:`gpath.errors.ClosedError` (a ``ValueError`` and ``OSError(EBADF)``).
    """

    def __init__(self, fd: Glfd, path: Any = None, mode: str | None = None) -> None:
        super().__init__()
        if not isinstance(fd, Glfd):
            raise TypeError(
                f"File() needs the glfd returned by Volume.open(), not {type(fd).__name__}"
            )
        raw = fd.raw
        if raw.handle.closed:
            raise ClosedError("the glfd is already closed")
        if raw.flags & os.O_ACCMODE == os.O_RDONLY and _is_directory(raw):
            # As io.FileIO(fd): a File is never a directory (the glfd stays the caller's).
            raise oserror(errno.EISDIR, raw.path if path is None else path)
        if mode is None:
            readable, writable = flags_access(raw.flags)
            append = bool(raw.flags & os.O_APPEND)
        else:
            parsed = parse_mode(mode)
            readable, writable, append = parsed.readable, parsed.writable, parsed.append
        self._setup(
            raw.mount,
            raw.volume,
            raw.handle,
            raw.flags,
            raw.path if path is None else path,
            mode,
            readable,
            writable,
            append,
        )
        raw.mount.adopt(raw, self)  # umount() now closes the File (flushing it) instead
        raw.adopted = True
        # Byte-range locks belong to a lock owner.  libgfapi's default owner is shared by
        # every glfd of the process (and the owner last used by a thread sticks to it), so
        # two Files would never conflict and closing one could drop the other's locks.
        # Each File therefore gets an owner of its own (a memcpy, no round trip).
        self._set_lock_owner(new_lock_owner())
        if mode is not None and append:
            # Like the built-in open(): an "a" file starts at its end, so tell() is honest.
            self._check_ok(self._call(lib.glfs_lseek, 0, os.SEEK_END))

    @classmethod
    def _opened(
        cls,
        mount: Mount,
        volume: Volume,
        handle: CHandle,
        path: Any,
        mode: str,
        parsed: OpenMode,
        owner: bytes,
    ) -> File:
        """The File of a glfd ``Volume.fopen()`` has just opened with lock owner *owner*
        (``Mount.open_child`` registers it)."""
        self = cls.__new__(cls)
        self._setup(
            mount,
            volume,
            handle,
            parsed.flags,
            path,
            mode,
            parsed.readable,
            parsed.writable,
            parsed.append,
        )
        self._lock_owner = owner
        if parsed.append:
            self._check_ok(self._call(lib.glfs_lseek, 0, os.SEEK_END))
        return self

    def _setup(
        self,
        mount: Mount,
        volume: Volume,
        handle: CHandle,
        flags: int,
        path: Any,
        mode: str | None,
        readable: bool,
        writable: bool,
        append: bool,
    ) -> None:
        self._handle = handle
        self._mount = mount
        # The glfd's address for read_bytes(); valid while self._handle.ptr is set.
        self._fd_address = int(ffi.cast("uintptr_t", handle.ptr))
        self._volume = volume
        self._flags = flags
        self._path = path
        self._mode = mode
        self._readable, self._writable, self._append = readable, writable, append
        self._lock = threading.Lock()  # serialises offset-based I/O on this File
        self._holds_locks = False  # set by lock(); close() then releases them synchronously

    # -- attributes named by the spec -------------------------------------------------------

    @property
    def fileno(self) -> int:  # type: ignore[override]
        """The glfd (an int label of the C handle); not an OS file descriptor."""
        if self._handle.ptr is None:
            raise ClosedError()
        return _FilenoNotAnOSDescriptor(self._fd_address)

    @property
    def mode(self) -> str | None:
        """The mode string given to ``Volume.fopen()`` (None for ``File(Volume.open(...))``)."""
        return self._mode

    @property
    def name(self) -> Any:
        """The path the file was opened with."""
        return self._path

    @property
    def originalpath(self) -> Any:
        """The same as :attr:`name`: the path the file was opened with.

        Kept under this name because libgfapi-python 1.2's ``File`` used it.
        """
        return self._path

    @property
    def closed(self) -> bool:
        return self._handle.closed

    @property
    def volume(self) -> Volume:
        """The Volume this file lives on."""
        return self._volume

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"mode={self._mode!r}"
        return f"<gpath.File name={self._path!r} {state}>"

    # -- plumbing -----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._handle.closed:
            raise ClosedError()

    def _call(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run ``func(glfd, *args)`` while the handle cannot be closed under it."""
        handle = self._handle
        fd = handle.acquire()
        if fd is None:
            raise ClosedError()
        try:
            return func(fd, *args)
        finally:
            handle.release()

    def _check_ok(self, ret: int) -> int:
        if ret < 0:
            raise_oserror(self._path)
        return ret

    def _require_readable(self) -> None:
        self._check_open()
        if not self._readable:
            raise io.UnsupportedOperation("File not open for reading")

    def _require_writable(self) -> None:
        self._check_open()
        if not self._writable:
            raise io.UnsupportedOperation("File not open for writing")

    # -- io.RawIOBase ---------------------------------------------------------------------------

    def readable(self) -> bool:
        self._check_open()
        return self._readable

    def writable(self) -> bool:
        self._check_open()
        return self._writable

    def seekable(self) -> bool:
        self._check_open()
        return True

    def isatty(self) -> bool:
        self._check_open()
        return False

    def flush(self) -> None:
        """Nothing to flush (libgfapi's write-behind is flushed by close() and fsync())."""
        self._check_open()

    def close(self) -> None:
        """Close the file; a deferred write error from the server is raised here.

        Closing twice is allowed.  If the server reports an error, the File is closed
        anyway and the ``OSError`` is raised.
        """
        # Under the offset lock: lseek() relies on it to keep the glfd alive (see there).
        with self._lock:
            err = self._handle.close(self._close_glfd, lambda: self._mount.forget(self))
        # No super().close(): it would only flush nothing and set a flag ``closed`` never
        # reads, at a cost per close (docs/design/performance.md).
        if err:
            raise oserror(err, self._path)

    def _close_glfd(self, ptr: Any) -> int:
        if self._holds_locks:
            # glfs_close releases locks in a background flush; release them now so that
            # another File's lock attempt right after close() cannot still conflict.
            lib.glfs_posix_lock(ptr, lib.F_SETLK, _unlock_all())
        ret: int = lib.glfs_close(ptr)
        return ret

    def _forget_in_child(self) -> None:
        """After fork, in the child: closed, without a C call.

        See _mount._forget_mounts_in_child.
        """
        self._lock = threading.Lock()  # a thread of the parent may have held it at the fork
        self._handle.forget()

    def __enter__(self) -> File:
        # io.IOBase's __enter__ asks the ``closed`` property, which asks the handle's.
        if self._handle.ptr is None:
            raise ClosedError()
        return self

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)  # absent if __init__ failed
        if handle is not None and handle.ptr is not None:
            close_unclosed(self, "file", self._path)

    def readinto(self, buf: Buffer) -> int:
        """Read into any writable buffer (bytearray, memoryview, numpy array, mmap) in place.

        Returns the number of bytes read; fewer than ``len(buf)`` only at end of file,
        0 at end of file.
        """
        if not self._readable or self._handle.ptr is None:
            self._require_readable()
        try:
            # Positional, not require_writable=True: cffi's keyword parsing is dear between
            # large reads (docs/design/performance.md).
            view = ffi.from_buffer(_CHAR_ARRAY, buf, True)
        except BufferError as exc:  # bytes, a read-only memoryview: like io.FileIO.readinto
            raise TypeError(f"readinto() needs a writable buffer: {exc}") from None
        size = len(view)
        with self._lock:
            # close() detaches the glfd under self._lock, so holding it keeps the glfd
            # alive, as in write().
            fd = self._handle.ptr
            if fd is None:
                raise ClosedError()
            if not 0 < size <= READ_CHUNK:
                return self._read_loop(fd, view, size, 0)
            # One call for a buffer up to READ_CHUNK: no loop frame in the common case.
            got: int = _glfs_read(fd, view, size, 0)
            if got == size or got == 0:
                return got
            if got < 0:
                raise_oserror(self._path)
            return self._read_loop(fd, view, size, got)

    def _read_loop(self, fd: Any, cbuf: Any, size: int, total: int) -> int:
        """Go on filling cbuf from *total* with sequential reads in READ_CHUNK pieces.

        Stops when cbuf is full or at end of file; the caller holds self._lock.
        """
        while total < size:
            chunk = min(size - total, READ_CHUNK)
            got: int = _glfs_read(fd, cbuf + total if total else cbuf, chunk, 0)
            if got < 0:
                raise_oserror(self._path)
            if got == 0:
                break
            total += got
        return total

    def read(self, size: int | None = -1, *, buflen: int = -1) -> bytes:
        """Read up to *size* bytes; with a negative size (the default) read to end of file.

        At end of file the result is ``b""``.  *buflen* is the name the libgfapi-python
        documentation gives this argument; ``read(buflen=n)`` is the same as ``read(n)``.
        """
        if buflen != -1:
            size = buflen
        if size.__class__ is not int:
            if size is None:
                return self.readall()
            if isinstance(size, bool) or not isinstance(size, int):
                raise TypeError(f"size must be an int or None, not {type(size).__name__}")
        if size < 0:
            return self.readall()
        with self._lock:
            # _read_bytes() inlined: one frame less between 1 MiB reads (see readinto()).
            if not self._readable or self._handle.ptr is None:
                self._require_readable()
            data = read_bytes(self._fd_address, size, -1)
        if isinstance(data, int):
            raise oserror(data, self._path)
        return data

    def readall(self) -> bytes:
        """Read from the current offset to the end of the file.

        The result is allocated once from the file size and filled in place, so memory
        peaks at about the size of the data; data appended meanwhile is read as well.
        """
        self._require_readable()
        with self._lock:
            position = self._check_ok(self._call(lib.glfs_lseek, 0, os.SEEK_CUR))
            expected = max(self._fstat().st_size - position, 0)
            data = self._read_bytes(expected, -1)
            if len(data) < expected:
                return data
            tail = []
            buf = bytearray(_READLINE_CHUNK * 16)
            cbuf = ffi.from_buffer(buf)
            while True:
                got = self._check_ok(self._call(lib.glfs_read, cbuf, len(buf), 0))
                if got == 0:
                    break
                tail.append(bytes(buf[:got]))
            return data + b"".join(tail) if tail else data

    def readline(self, size: int | None = -1) -> bytes:
        """Read one line (up to and including ``b"\\n"``), in chunks rather than bytewise."""
        self._require_readable()
        limit = -1 if size is None else size
        with self._lock:
            start = self._check_ok(self._call(lib.glfs_lseek, 0, os.SEEK_CUR))
            parts: list[bytes] = []
            collected = 0
            position = start
            buf = bytearray(_READLINE_CHUNK)
            cbuf = ffi.from_buffer(buf)
            while limit < 0 or collected < limit:
                want = len(buf) if limit < 0 else min(len(buf), limit - collected)
                got = self._check_ok(self._call(lib.glfs_pread, cbuf, want, position, 0, ffi.NULL))
                if got == 0:
                    break
                newline = buf.find(b"\n", 0, got)
                end = got if newline < 0 else newline + 1
                parts.append(bytes(buf[:end]))
                collected += end
                position += end
                if newline >= 0:
                    break
            self._check_ok(self._call(lib.glfs_lseek, position, os.SEEK_SET))
            return b"".join(parts)

    def write(self, data: Buffer | str, flags: int = 0) -> int:
        """Write all of *data* at the current offset and return the number of bytes written.

        *data* may be any bytes-like object; a ``str`` is encoded as UTF-8.  *flags* are
        passed to ``glfs_write`` (kept from the spec's signature; normally 0).
        """
        if not self._writable or self._handle.ptr is None:
            self._require_writable()
        if isinstance(data, str):
            data = data.encode("utf-8")
        view = ffi.from_buffer(data)
        size = len(view)
        with self._lock:
            # As in lseek(): close() detaches the glfd under self._lock, so holding it keeps
            # the glfd alive without two more calls (docs/design/performance.md).
            fd = self._handle.ptr
            if fd is None:
                raise ClosedError()
            total = 0
            while True:
                chunk = size - total
                if chunk > MAX_IO_CHUNK:
                    chunk = MAX_IO_CHUNK
                ret: int = lib.glfs_write(fd, view + total if total else view, chunk, flags)
                if ret < 0:
                    raise_oserror(self._path)
                total += ret
                if total >= size:
                    break
            if self._append:
                # The server appends regardless of our offset; follow it to the real end.
                self._check_ok(self._call(lib.glfs_lseek, 0, os.SEEK_END))
            return total

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        """Move the file offset (``os.SEEK_SET/CUR/END``, also ``SEEK_DATA``/``SEEK_HOLE``)."""
        return self.lseek(pos, whence)

    def tell(self) -> int:
        return self.lseek(0, os.SEEK_CUR)

    def truncate(self, size: int | None = None) -> int:
        """Resize the file to *size* (default: the current offset); the offset is unchanged."""
        if size is None:
            size = self.tell()
        self.ftruncate(size)
        return size

    # -- positional I/O -------------------------------------------------------------------------

    def pread(self, size: int, offset: int) -> bytes:
        """Read up to *size* bytes at *offset* without moving the file offset.

        (libgfapi's pread moves the glfd's offset; it is put back, so positional calls
        on one File are serialised with its offset-based ones.)
        """
        self._require_readable()
        _check_offset(offset)
        _check_offset(size, "size")
        with self._lock, self._offset_kept():
            return self._read_bytes(size, offset)

    def _read_bytes(self, size: int, offset: int) -> bytes:
        """Up to *size* bytes from the offset (*offset* < 0) or from *offset*, in one C call
        that allocates the result and fills it (``gpath._buffers.read_bytes``).

        Call with self._lock held: like write(), it keeps the glfd alive with that lock alone.
        """
        if self._handle.ptr is None:
            raise ClosedError()
        data = read_bytes(self._fd_address, size, offset)
        if isinstance(data, int):
            raise oserror(data, self._path)
        return data

    @contextlib.contextmanager
    def _offset_kept(self) -> Iterator[None]:
        """Restore the glfd offset that libgfapi's pread/pwrite move (call with _lock held)."""
        position = self._check_ok(self._call(lib.glfs_lseek, 0, os.SEEK_CUR))
        try:
            yield
        finally:
            self._call(lib.glfs_lseek, position, os.SEEK_SET)

    def pwrite(self, data: Buffer | str, offset: int) -> int:
        """Write all of *data* at *offset* without moving the file offset."""
        self._require_writable()
        _check_offset(offset)
        if isinstance(data, str):
            data = data.encode("utf-8")
        view = ffi.from_buffer(data)
        size = len(view)
        if offset + size > _MAX_OFFSET:
            raise OverflowError("write would end beyond the largest file offset")
        total = 0
        with self._lock, self._offset_kept():
            while total < size:
                chunk = min(size - total, MAX_IO_CHUNK)
                total += self._check_ok(
                    self._call(
                        lib.glfs_pwrite, view + total, chunk, offset + total, 0, ffi.NULL, ffi.NULL
                    )
                )
        return total

    # -- the spec's File methods --------------------------------------------------------------

    def lseek(self, pos: int, how: int) -> int:
        """Set the file offset to *pos* relative to *how* and return the new offset.

        A resulting offset below 0 (or beyond the largest one) raises ``OSError(EINVAL)``
        like ``os.lseek``, and the offset stays where it was.
        """
        # The hot path of tell()/seek() (benchmarks/run.py, "trivial call"): close()
        # detaches the glfd under self._lock, so holding the lock keeps the glfd alive
        # without CHandle.acquire()/release().
        if pos.__class__ is not int or not -_MAX_OFFSET <= pos <= _MAX_OFFSET:
            pos = _offset_argument(pos, self)
        lock = self._lock
        lock.acquire()
        try:
            fd = self._handle.ptr
            if fd is None:
                raise ClosedError()
            # SEEK_SET to pos >= 0 and tell()'s (0, SEEK_CUR == 1) need no range check.
            if pos < 0 or how and (pos or how != 1):
                pos, how = self._seek_target(fd, pos, how)
            ret: int = lib.glfs_lseek(fd, pos, how)
        finally:
            lock.release()
        if ret < 0:
            # A negative result offset fails without setting errno: EINVAL, as lseek(2).
            raise oserror(ffi.errno or errno.EINVAL, self._path)
        return ret

    def _seek_target(self, fd: Any, pos: int, how: int) -> tuple[int, int]:
        """``lseek``'s *pos*, *how* as an absolute offset checked to be in range.

        Call with self._lock held (it keeps *fd* alive and the offset still).  libgfapi
        stores whatever offset results, a negative one included, and then fails every
        tell() and offset-based write with it, so a bad result must never reach it.
        """
        if not isinstance(how, int):
            raise TypeError(f"whence must be an int, not {type(how).__name__}")
        if how == os.SEEK_SET:
            base = 0
        elif how == os.SEEK_CUR:
            base = self._check_ok(lib.glfs_lseek(fd, 0, os.SEEK_CUR))
        elif how == os.SEEK_END:
            st = ffi.new("struct stat *")
            if lib.glfs_fstat(fd, st) != 0:
                raise_oserror(self._path)
            base = st.st_size
        else:
            return pos, how  # SEEK_DATA/SEEK_HOLE: the server moves the offset only on success
        target = base + pos
        if not 0 <= target <= _MAX_OFFSET:
            raise oserror(errno.EINVAL, self._path)
        return target, os.SEEK_SET

    def fstat(self) -> os.stat_result:
        """Return the file's ``os.stat_result``."""
        self._check_open()
        return self._fstat()

    def _fstat(self) -> os.stat_result:
        buf = bytearray(STAT_BUFFER_SIZE)
        return stat_from_buffer(buf, self._check_ok(self._call(lib.gp_fstat, ffi.from_buffer(buf))))

    def fgetsize(self) -> int:
        """Return the file size in bytes (from fstat)."""
        return self.fstat().st_size

    def fsync(self) -> None:
        """Flush the file's data and metadata to the bricks."""
        self._check_open()
        self._check_ok(self._call(lib.glfs_fsync, ffi.NULL, ffi.NULL))

    def fdatasync(self) -> None:
        """Flush the file's data (not all metadata) to the bricks."""
        self._check_open()
        self._check_ok(self._call(lib.glfs_fdatasync, ffi.NULL, ffi.NULL))

    def ftruncate(self, length: int) -> None:
        """Cut or extend (with zero bytes) the file to *length* bytes."""
        self._require_writable()
        _check_offset(length, "length")
        self._check_ok(self._call(lib.glfs_ftruncate, length, ffi.NULL, ffi.NULL))

    def fchmod(self, mode: int) -> None:
        """Change the file's permission bits."""
        self._check_open()
        self._check_ok(self._call(lib.glfs_fchmod, mode))

    def fchown(self, uid: int, gid: int) -> None:
        """Change the file's owner and group (-1 leaves one unchanged)."""
        self._check_open()
        self._check_ok(self._call(lib.glfs_fchown, to_id(uid, "uid"), to_id(gid, "gid")))

    def futime(
        self, times: tuple[float, float] | None = None, *, ns: tuple[int, int] | None = None
    ) -> None:
        """Set access and modification times like ``os.utime`` on this open file."""
        self._check_open()
        self._check_ok(self._call(lib.glfs_futimens, _timespecs(to_timespec_pair(times, ns))))

    def fallocate(self, mode: int, offset: int, length: int) -> None:
        """Allocate (or with ``FALLOC_FL_KEEP_SIZE`` only reserve) space for a byte range."""
        self._require_writable()
        require_symbol("glfs_fallocate")
        _check_offset(offset)
        _check_offset(length, "length")
        self._check_ok(self._call(lib.glfs_fallocate, mode, offset, length))

    def discard(self, offset: int, len: int) -> None:  # shadows len(): the spec's name
        """Punch a hole: release the storage of a byte range (it then reads as zeros).

        *len* is the number of bytes from *offset* (the argument keeps the spec's name).
        """
        self._require_writable()
        require_symbol("glfs_discard")
        _check_offset(offset)
        _check_offset(len, "len")
        self._check_ok(self._call(lib.glfs_discard, offset, len))

    def zerofill(self, offset: int, length: int) -> None:
        """Write *length* zero bytes starting at *offset*."""
        self._require_writable()
        require_symbol("glfs_zerofill")
        _check_offset(offset)
        _check_offset(length, "length")
        self._check_ok(self._call(lib.glfs_zerofill, offset, length))

    def dup(self) -> File:
        """Return a new File on a duplicate glfd (``glfs_dup``), starting at the same offset."""
        self._check_open()
        # Under the mount's guard from glfs_dup to registration: umount() either sees the
        # new glfd (and closes it) or refuses the call; it is never closed after glfs_fini.
        mount, volume, flags, path = self._mount, self._volume, self._flags, self._path
        raw = mount.open_child(
            lambda fs: self._call(lib.glfs_dup),
            lib.glfs_close,
            path,
            lambda handle: RawGlfd(handle, mount, volume, flags, path),
        )
        duplicate = File(Glfd(raw), path, self._mode)
        # Like os.dup(): both descriptors hold the same byte-range locks.
        duplicate._set_lock_owner(self._lock_owner)
        # glfs_dup() starts the copy at offset 0; start it where this File is instead.
        duplicate.lseek(self.tell(), os.SEEK_SET)
        return duplicate

    def fgetxattr(self, key: str | bytes, size: int = 0) -> bytes:
        """Return the value of extended attribute *key* as bytes (probing its size if 0)."""
        self._check_open()
        return _xattr.get(
            lambda name, buf, n: self._call(lib.glfs_fgetxattr, name, buf, n), key, size, self._path
        )

    def flistxattr(self, size: int = 0) -> list[str]:
        """Return the sorted names of the file's extended attributes."""
        self._check_open()
        return _xattr.listing(
            lambda buf, n: self._call(lib.glfs_flistxattr, buf, n), size, self._path
        )

    def fsetxattr(self, key: str | bytes, value: Buffer | str, flags: int = 0) -> None:
        """Set extended attribute *key* (flags: 0 any, 1 create only, 2 replace only)."""
        self._check_open()
        _xattr.set_(
            lambda name, val, n, fl: self._call(lib.glfs_fsetxattr, name, val, n, fl),
            key,
            value,
            flags,
            self._path,
        )

    def fremovexattr(self, key: str | bytes) -> None:
        """Remove extended attribute *key*."""
        self._check_open()
        name = _xattr.encode_key(key)
        self._check_ok(self._call(lib.glfs_fremovexattr, name))

    # -- byte-range locks -------------------------------------------------------------------------

    def lock(
        self,
        exclusive: bool = True,
        offset: int = 0,
        length: int = 0,
        *,
        blocking: bool = True,
        whence: int = os.SEEK_SET,
    ) -> None:
        """Take a POSIX byte-range lock (``fcntl.lockf``-like; length 0 = to end of file).

        A shared lock needs a readable File, an exclusive one a writable File.  With
        ``blocking=False`` a conflicting lock raises ``BlockingIOError``.
        """
        self._check_open()
        if exclusive and not self._writable:
            raise io.UnsupportedOperation("an exclusive lock needs a File open for writing")
        if not exclusive and not self._readable:
            raise io.UnsupportedOperation("a shared lock needs a File open for reading")
        kind = lib.F_WRLCK if exclusive else lib.F_RDLCK
        self._posix_lock(lib.F_SETLKW if blocking else lib.F_SETLK, kind, offset, length, whence)
        self._holds_locks = True

    def unlock(self, offset: int = 0, length: int = 0, *, whence: int = os.SEEK_SET) -> None:
        """Release the byte-range locks this File holds in the range."""
        self._check_open()
        self._posix_lock(lib.F_SETLK, lib.F_UNLCK, offset, length, whence)

    def get_lock(
        self, exclusive: bool = True, offset: int = 0, length: int = 0, *, whence: int = os.SEEK_SET
    ) -> tuple[int, int, int, int] | None:
        """Return ``(type, start, length, pid)`` of a lock that would block ours, or None."""
        self._check_open()
        kind = lib.F_WRLCK if exclusive else lib.F_RDLCK
        fl = self._posix_lock(lib.F_GETLK, kind, offset, length, whence)
        if fl.l_type == lib.F_UNLCK:
            return None
        return (int(fl.l_type), int(fl.l_start), int(fl.l_len), int(fl.l_pid))

    def _set_lock_owner(self, owner: bytes) -> None:
        self._lock_owner = owner
        data = ffi.from_buffer(owner)
        self._check_ok(self._call(lib.glfs_fd_set_lkowner, data, len(owner)))

    def _posix_lock(self, cmd: int, kind: int, offset: int, length: int, whence: int) -> Any:
        fl = ffi.new("struct flock *")
        fl.l_type = kind
        fl.l_whence = whence
        fl.l_start = offset
        fl.l_len = length
        if self._call(lib.glfs_posix_lock, cmd, fl) != 0:
            err = ffi.errno
            if err in (errno.EAGAIN, errno.EACCES) and cmd == lib.F_SETLK and kind != lib.F_UNLCK:
                raise BlockingIOError(err, os.strerror(err), self._path)
            raise oserror(err or errno.EIO, self._path)
        return fl


def _unlock_all() -> Any:
    """A ``struct flock`` that releases every byte-range lock of the owner."""
    fl = ffi.new("struct flock *")
    fl.l_type = lib.F_UNLCK
    fl.l_whence = os.SEEK_SET
    return fl


def _offset_argument(pos: Any, file: File) -> int:
    """``lseek``'s *pos* when it is not a plain int in range (checked before any C call)."""
    file._check_open()
    if isinstance(pos, bool) or not isinstance(pos, int):
        raise TypeError("pos must be an int")
    if not -_MAX_OFFSET <= pos <= _MAX_OFFSET:
        raise OverflowError("offset out of range")
    return int(pos)


def _check_offset(value: int, what: str = "offset") -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} must not be negative")
    if value > _MAX_OFFSET:
        raise OverflowError(f"{what} is beyond the largest file offset")


def _timespecs(pair: tuple[tuple[int, int], tuple[int, int]] | None) -> Any:
    """A C ``struct timespec[2]`` for *pair*; None means "now" (this client's clock).

    Never NULL: libgfapi's utimens calls dereference the array (NULL crashes the process,
    measured on 10.3), and UTIME_NOW would be stored literally by the ctime feature.
    """
    if pair is None:
        seconds, nanos = divmod(time.time_ns(), 1_000_000_000)
        pair = ((seconds, nanos), (seconds, nanos))
    times = ffi.new("struct timespec[2]")
    for slot, (seconds, nanos) in zip(times, pair, strict=False):
        slot.tv_sec, slot.tv_nsec = seconds, nanos
    return times


# io.text_encoding() exists from Python 3.10, typeshed declares it from 3.11 only.
_text_encoding: Callable[[str | None], str] = getattr(io, "text_encoding")  # noqa: B009


def wrap(
    raw: File,
    mode: str,
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
) -> Any:
    """Stack buffering and text decoding on *raw* exactly as the built-in ``open()`` does."""
    parsed = parse_mode(mode)
    try:
        if not isinstance(buffering, int) or isinstance(buffering, bool):
            raise TypeError("buffering must be an int")
        line_buffering = False
        if buffering == 1:
            if parsed.binary:
                warnings.warn(
                    "line buffering (buffering=1) isn't supported in binary mode, "
                    "the default buffer size will be used",
                    RuntimeWarning,
                    stacklevel=3,
                )
            else:
                line_buffering = True
            buffering = -1
        if buffering < 0:
            buffering = DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if not parsed.binary:
                raise ValueError("can't have unbuffered text I/O")
            return raw
        buffered: io.BufferedIOBase
        if parsed.readable and parsed.writable:
            buffered = io.BufferedRandom(raw, buffering)
        elif parsed.writable:
            buffered = io.BufferedWriter(raw, buffering)
        else:
            buffered = io.BufferedReader(raw, buffering)
        if parsed.binary:
            if encoding is not None or errors is not None or newline is not None:
                raise ValueError("binary mode doesn't take an encoding, errors or newline argument")
            return buffered
        text = io.TextIOWrapper(
            buffered,
            encoding=_text_encoding(encoding),
            errors=errors,
            newline=newline,
            line_buffering=line_buffering,
        )
        text.mode = mode  # type: ignore[misc]
        return text
    except BaseException:
        raw.close()
        raise
