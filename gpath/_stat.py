"""Conversion of C ``struct stat`` / ``struct statvfs`` into Python's own result types."""

from __future__ import annotations

import errno
import os
import struct
from collections.abc import Callable
from typing import Any

from gpath._lowlevel import ffi, lib, speedups

_NS = 1_000_000_000

#: os.stat_result's 19 fields in the order and types gp_pack_stat() writes them (see
#: _lowlevel/gpath.h): one unpack_from() gives the tuple os.stat_result takes.
STAT_LAYOUT = struct.Struct("=qQQqqqqqqqdddqqqqqQ")
# ... followed by the three tv_nsec, read only when a *_ns total overflowed 64 bits.
_NSEC = struct.Struct("=3q")
#: Bytes of the buffer gp_pack_stat()/gp_stat()/gp_fstat() fill.
STAT_BUFFER_SIZE = STAT_LAYOUT.size + _NSEC.size
_ST_NS = 13  # index of st_atime_ns in the layout (then mtime, ctime); the seconds are at 7


def stat_from_buffer(buf: bytearray, overflow: int = 0) -> os.stat_result:
    """The ``os.stat_result`` in a buffer ``gp_pack_stat`` filled (*overflow*: its result)."""
    fields = STAT_LAYOUT.unpack_from(buf)
    if overflow:  # a time beyond 1677-2262: the *_ns totals from the seconds and tv_nsec
        nsec = _NSEC.unpack_from(buf, STAT_LAYOUT.size)
        fields = (
            *fields[:_ST_NS],
            *(fields[7 + i] * _NS + nsec[i] for i in range(3)),
            *fields[_ST_NS + 3 :],
        )
    return os.stat_result(fields)


def stat_result(st: Any) -> os.stat_result:
    """Return an ``os.stat_result`` (with ``st_*_ns``) for a cffi ``struct stat``."""
    buf = bytearray(STAT_BUFFER_SIZE)
    return stat_from_buffer(buf, lib.gp_pack_stat(st, ffi.from_buffer(buf)))


def stat_from_raw(raw: bytes) -> os.stat_result:
    """``stat_result`` of a ``struct stat`` kept as bytes (a listing entry's, built lazily)."""
    return stat_result(ffi.from_buffer("struct stat *", raw))


StatPath = Callable[[int, str | bytes, int], os.stat_result | int]


def stat_path_fallback(mount_address: int, path: str | bytes, follow: int) -> os.stat_result | int:
    """``stat_path`` through cffi: ``gp_stat`` into a buffer, then :func:`stat_from_buffer`."""
    cpath = os.fsencode(path)
    buf = bytearray(STAT_BUFFER_SIZE)
    mount = ffi.cast("gp_mount_t *", mount_address)
    ret = lib.gp_stat(mount, cpath, len(cpath), follow, ffi.from_buffer(buf))
    if ret < 0:
        return (ffi.errno or errno.EIO) if ret == -1 else int(ret)
    return stat_from_buffer(buf, ret)


#: ``stat_path(mount_address, path, follow)``: Volume.stat()'s one C call (``gp_stat_path`` in
#: ``_lowlevel/speedups.c``).  *path* is str or bytes (checked in C as ``encode()`` checks it);
#: the result is the ``os.stat_result``, or an int: the errno, ``GP_NOT_MOUNTED`` or
#: ``GP_EMBEDDED_NUL``.
stat_path: StatPath = speedups.stat_path if speedups is not None else stat_path_fallback


def statvfs_result(sv: Any) -> os.statvfs_result:
    """Return an ``os.statvfs_result`` for a cffi ``struct statvfs``."""
    return os.statvfs_result(
        (
            sv.f_bsize,
            sv.f_frsize,
            sv.f_blocks,
            sv.f_bfree,
            sv.f_bavail,
            sv.f_files,
            sv.f_ffree,
            sv.f_favail,
            sv.f_flag,
            sv.f_namemax,
        ),
        {"f_fsid": sv.f_fsid},
    )


def to_timespec_pair(
    times: tuple[float, float] | None, ns: tuple[int, int] | None
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Validate ``utime``'s *times*/*ns* arguments like ``os.utime``; None means "now"."""
    if times is not None and ns is not None:
        raise ValueError("utime: you may specify either 'times' or 'ns' but not both")
    if times is not None:
        if not isinstance(times, tuple) or len(times) != 2:
            raise TypeError("utime: 'times' must be either a tuple of two numbers or None")
        pair = []
        for value in times:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError("utime: 'times' must be either a tuple of two numbers or None")
            pair.append(_split_ns(round(value * _NS) if isinstance(value, float) else value * _NS))
        return (pair[0], pair[1])
    if ns is not None:
        if (
            not isinstance(ns, tuple)
            or len(ns) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in ns)
        ):
            raise TypeError("utime: 'ns' must be a tuple of two ints")
        return (_split_ns(ns[0]), _split_ns(ns[1]))
    return None


def _split_ns(total_ns: int) -> tuple[int, int]:
    seconds, nanos = divmod(total_ns, _NS)
    return seconds, nanos


_ID_UNCHANGED = (1 << 32) - 1  # (uid_t)-1 / (gid_t)-1: "leave this id as it is"


def to_id(value: int, what: str = "id") -> int:
    """A uid/gid argument as C's unsigned ``uid_t``/``gid_t``; -1 means "unchanged"."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value == -1:
        return _ID_UNCHANGED
    if not 0 <= value <= _ID_UNCHANGED:
        raise OverflowError(f"{what} out of range: {value}")
    return value
