"""Allocation of large ``bytes`` results that C fills in place.

``File.read(-1)`` of a big file must peak at about the file size, not twice it, so the data
cannot go through a bytearray and then a ``bytes`` copy.  On CPython a fresh, unshared
``bytes`` object from ``PyBytes_FromStringAndSize(NULL, n)`` may be filled before anyone
else sees it (CPython's own readers do exactly this); elsewhere we fall back to a copy.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any, Callable

from gpath._lowlevel import ffi

# Below this size a copy is cheaper than the ctypes round trip.
IN_PLACE_MIN = 1 << 20

_new_uninitialised: Callable[[None, int], bytes] | None
_DATA_OFFSET = bytes.__basicsize__ - 1  # offset of ob_sval in PyBytesObject

if sys.implementation.name == "cpython":
    _func = ctypes.pythonapi.PyBytes_FromStringAndSize
    _func.restype = ctypes.py_object
    _func.argtypes = (ctypes.c_void_p, ctypes.c_ssize_t)
    _new_uninitialised = _func
else:  # pragma: no cover - other interpreters
    _new_uninitialised = None


def fill_bytes(size: int, fill: Callable[[Any, int], int]) -> bytes:
    """Return ``size`` bytes produced by ``fill(c_buffer, size) -> count``.

    *fill* writes up to *size* bytes into the cffi ``char *`` buffer and returns how many it
    wrote (fewer at end of file).  The result is exactly that many bytes.
    """
    if _new_uninitialised is not None and size >= IN_PLACE_MIN:
        result = _new_uninitialised(None, size)
        pointer = ffi.cast("char *", id(result) + _DATA_OFFSET)
        count = fill(pointer, size)
        return result if count == size else result[:count]
    buffer = bytearray(size)
    count = fill(ffi.from_buffer(buffer), size)
    del buffer[count:]
    return bytes(buffer)
