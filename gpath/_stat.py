"""Conversion of C ``struct stat`` / ``struct statvfs`` into Python's own result types."""

from __future__ import annotations

import os
from typing import Any

from gpath._lowlevel import ffi, lib

_NS = 1_000_000_000


#: Length of the int64 array gp_pack_stat() fills (see _lowlevel/_build.py for the order).
STAT_FIELDS = 16
_U64 = (1 << 64) - 1


def stat_from_packed(v: list[int]) -> os.stat_result:
    """Return an ``os.stat_result`` from the 16 integers of ``gp_pack_stat``.

    The 19-item sequence is ``os.stat_result``'s full Linux layout: the 10 visible fields,
    then float times, ``*_ns`` times, blksize, blocks and rdev.  Floats are computed as
    CPython's ``os.stat`` computes them (``sec + nsec * 1e-9``).
    """
    mode, ino, dev, nlink, uid, gid, size, at, an, mt, mn, ct, cn, blksize, blocks, rdev = v
    return os.stat_result((
        mode, ino & _U64, dev & _U64, nlink, uid, gid, size, at, mt, ct,
        at + an * 1e-9, mt + mn * 1e-9, ct + cn * 1e-9,
        at * _NS + an, mt * _NS + mn, ct * _NS + cn,
        blksize, blocks, rdev & _U64,
    ))


def stat_result(st: Any) -> os.stat_result:
    """Return an ``os.stat_result`` (with ``st_*_ns``) for a cffi ``struct stat``."""
    out = ffi.new("int64_t[]", STAT_FIELDS)
    lib.gp_pack_stat(st, out)
    return stat_from_packed(ffi.unpack(out, STAT_FIELDS))


def stat_from_raw(raw: bytes) -> os.stat_result:
    """``stat_result`` of a ``struct stat`` kept as bytes (a listing entry's, built lazily)."""
    return stat_result(ffi.from_buffer("struct stat *", raw))


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
