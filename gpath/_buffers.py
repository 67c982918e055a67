"""``read_bytes``: the reads that return a new ``bytes`` object (``File.read``/``pread``).

The result is allocated once at its full size and filled in place, so ``File.read(-1)`` of a
big file peaks at about the file size, not twice it.  On CPython this is one C builtin,
``gp_read_bytes`` in ``_lowlevel/_build.py``: cffi has no way to return a Python object, so
the function is made once, here, from its ``PyMethodDef`` (``PyCFunction_NewEx`` through
``ctypes``) and costs no ctypes call per read.  Elsewhere the same contract is kept in
Python with one copy.

``read_bytes(glfd_address, size, offset)`` reads up to *size* bytes sequentially (*offset*
< 0) or at *offset* and returns them, fewer only at end of file; a failed read returns its
errno as an ``int`` (the caller raises the ``OSError`` with its file name).  The caller
keeps the glfd alive for the duration.
"""

from __future__ import annotations

import ctypes
import errno
import sys
from typing import Callable, Union

from gpath._lowlevel import ffi, lib

READ_CHUNK: int = lib.GP_READ_CHUNK

ReadBytes = Callable[[int, int, int], Union[bytes, int]]


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


def _builtin() -> ReadBytes | None:
    method = lib.gp_read_bytes_method()
    if method == ffi.NULL or sys.implementation.name != "cpython":  # pragma: no cover
        return None
    new_function = ctypes.pythonapi.PyCFunction_NewEx
    new_function.restype = ctypes.py_object  # a new reference, which ctypes takes over
    new_function.argtypes = (ctypes.c_void_p, ctypes.py_object, ctypes.py_object)
    function: ReadBytes = new_function(int(ffi.cast("uintptr_t", method)), None, None)
    return function


read_bytes: ReadBytes = _builtin() or read_bytes_fallback
