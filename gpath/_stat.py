"""Conversion of C ``struct stat`` / ``struct statvfs`` into Python's own result types."""

from __future__ import annotations

import os
from typing import Any

_NS = 1_000_000_000


def stat_result(st: Any) -> os.stat_result:
    """Return an ``os.stat_result`` (with ``st_*_ns``) for a cffi ``struct stat``."""
    atime_ns = st.st_atim.tv_sec * _NS + st.st_atim.tv_nsec
    mtime_ns = st.st_mtim.tv_sec * _NS + st.st_mtim.tv_nsec
    ctime_ns = st.st_ctim.tv_sec * _NS + st.st_ctim.tv_nsec
    return os.stat_result(
        (
            st.st_mode,
            st.st_ino,
            st.st_dev,
            st.st_nlink,
            st.st_uid,
            st.st_gid,
            st.st_size,
            st.st_atim.tv_sec,
            st.st_mtim.tv_sec,
            st.st_ctim.tv_sec,
        ),
        {
            "st_atime": atime_ns / _NS,
            "st_mtime": mtime_ns / _NS,
            "st_ctime": ctime_ns / _NS,
            "st_atime_ns": atime_ns,
            "st_mtime_ns": mtime_ns,
            "st_ctime_ns": ctime_ns,
            "st_blksize": st.st_blksize,
            "st_blocks": st.st_blocks,
            "st_rdev": st.st_rdev,
        },
    )


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
