"""``read_bytes``: the reads that return a new ``bytes`` object (``File.read``/``pread``).

The result is allocated once at its full size and filled in place, so ``File.read(-1)`` of a
big file peaks at about the file size, not twice it.  On CPython this is one C function,
``gp_read_bytes`` in ``_lowlevel/speedups.c``.
Elsewhere the same contract is kept in Python with one copy.

``read_bytes(glfd_address, size, offset)`` reads up to *size* bytes sequentially (*offset*
< 0) or at *offset* and returns them, fewer only at end of file; a failed read returns its
errno as an ``int`` (the caller raises the ``OSError`` with its file name).  The caller
keeps the glfd alive for the duration.
"""

from __future__ import annotations

import errno
from collections.abc import Callable

from gpath._lowlevel import ffi, lib, speedups

#: Reads go in pieces of this size (``GP_READ_CHUNK`` in ``_lowlevel/gpath.h`` says why).
READ_CHUNK: int = lib.GP_READ_CHUNK

ReadBytes = Callable[[int, int, int], bytes | int]


def read_bytes_fallback(address: int, size: int, offset: int) -> bytes | int:
    """``read_bytes`` through cffi: the same results, one extra copy of the data."""
    fd = ffi.cast("glfs_fd_t *", address)
    buffer = bytearray(size)
    cbuf = ffi.from_buffer(buffer)
    total = 0
    while total < size:
        chunk = min(size - total, READ_CHUNK)
        if offset < 0:
            got: int = lib.glfs_read(fd, cbuf + total, chunk, 0)
        else:
            got = lib.glfs_pread(fd, cbuf + total, chunk, offset + total, 0, ffi.NULL)
        if got < 0:
            return ffi.errno or errno.EIO
        if got == 0:
            break
        total += got
    ffi.release(cbuf)  # a bytearray cannot shrink while exported
    del buffer[total:]
    return bytes(buffer)


read_bytes: ReadBytes = speedups.read_bytes if speedups is not None else read_bytes_fallback
