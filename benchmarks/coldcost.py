#!/usr/bin/env python3
"""What gpath's Python costs per call when the CPU caches are cold, without a server's noise.

    python benchmarks/coldcost.py [HOST VOLNAME]    # default: gpath.testing's gpath_single

Between two round trips the calling thread's caches are refilled by libgfapi's translators,
its epoll and io threads and the brick (same 2 cores), so the Python around a call costs
several times its warm price.  Here the round trips are replaced by stub C functions and the
eviction by an 8 MiB memory sweep before every call: the medians then repeat to ~10 %, and a
change to the hot paths shows up in a minute instead of in a 25-minute benchmark run.

Rows: ``bare`` is the same C calls from a plain Python function (the floor any binding pays),
``bare+res`` for stat adds the ``os.stat_result`` any stat API returns, ``gpath`` the public
call.  The mount is real (the hold needs a live ``glfs_t``); no C call
that reaches the server is made.  ``Volume.stat()`` has no ``gpath`` row: it is one C builtin
(``gpath._stat.stat_path``) that calls ``glfs_stat`` from C, which a stub cannot replace;
``bare+res`` is what it does, less the path encoding, in Python.  ``readinto 1M`` compares
a bare ``glfs_read`` call into a 1 MiB bytearray with ``File.readinto`` on a File opened on
the stub.  Not part of the test suite; see docs/benchmarks.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Any, Callable

SWEEP = bytearray(8 * 1024 * 1024)
SWEEP_SRC = bytes(len(SWEEP))
ROUNDS, CALLS, WARM_CALLS = 3, 600, 20000
PATH = "/coldcost/dir/f000123"


def _cold(fn: Callable[[str], object]) -> float:
    """Median us of one call made right after evicting the caches (memcpy of 8 MiB)."""
    times = []
    for _ in range(CALLS):
        SWEEP[:] = SWEEP_SRC
        t0 = time.perf_counter_ns()
        fn(PATH)
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times) / 1000


def _warm(fn: Callable[[str], object]) -> float:
    t0 = time.perf_counter()
    for _ in range(WARM_CALLS):
        fn(PATH)
    return (time.perf_counter() - t0) / WARM_CALLS * 1e6


class _StubLib:
    """gpath's compiled ``lib`` with the calls that would reach the server stubbed out."""

    def __init__(self, real: Any, ffi: Any) -> None:
        self._real = real
        self.fd = ffi.cast("glfs_fd_t *", 0x1000)

    def gp_open(
        self, fs: Any, path: bytes, flags: int, mode: int, owner: bytes, owner_len: int,
        state: Any, options: int,
    ) -> Any:
        return self.fd

    def glfs_write(self, fd: Any, buf: Any, size: int, flags: int) -> int:
        return size

    def glfs_read(self, fd: Any, buf: Any, size: int, flags: int) -> int:
        return size

    def glfs_close(self, fd: Any) -> int:
        return 0

    def gp_stat(self, mount: Any, path: bytes, size: int, follow: int, out: Any) -> int:
        return 0

    def glfs_unlink(self, fs: Any, path: bytes) -> int:
        return 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def main() -> None:
    host, volname = (sys.argv[1], sys.argv[2]) if len(sys.argv) == 3 else ("127.0.0.1", "gpath_single")
    import gpath.file
    import gpath.volume
    from gpath import Volume
    from gpath._lowlevel import ffi, lib

    vol = Volume(host, volname)
    vol.mount(timeout=60)
    stub = _StubLib(lib, ffi)
    data = b"x" * 4096
    out = ffi.new("int64_t[]", 16)
    fs = ffi.NULL

    def bare_create(path: str) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = stub.gp_open(fs, path.encode(), flags, 0o666, b"", 0, ffi.NULL, 0)
        if stub.glfs_write(fd, data, 4096, 0) != 4096 or stub.glfs_close(fd):
            raise OSError

    def gpath_create(path: str) -> None:
        with vol.fopen(path, "wb") as f:
            f.write(data)

    def bare_stat(path: str) -> None:
        cpath = path.encode()
        if stub.gp_stat(fs, cpath, len(cpath), 1, out):
            raise OSError

    from gpath._stat import STAT_BUFFER_SIZE, STAT_LAYOUT

    result_buf = bytearray(STAT_BUFFER_SIZE)
    result_cbuf = ffi.from_buffer(result_buf)

    def bare_stat_result(path: str) -> os.stat_result:
        # the bare call plus the one thing a stat() API must return: an os.stat_result
        cpath = path.encode()
        if stub.gp_stat(fs, cpath, len(cpath), 1, result_cbuf):
            raise OSError
        return os.stat_result(STAT_LAYOUT.unpack_from(result_buf))

    def bare_unlink(path: str) -> None:
        if stub.glfs_unlink(fs, path.encode()):
            raise OSError

    read_buf = bytearray(1024 * 1024)

    def bare_readinto(path: str) -> None:
        if stub.glfs_read(stub.fd, ffi.from_buffer(read_buf), len(read_buf), 0) < 0:
            raise OSError

    def gpath_readinto(path: str) -> None:
        reader.readinto(read_buf)

    rows: list[tuple[str, list[tuple[str, Callable[[str], object]]]]] = [
        ("create+write 4K+close", [("bare", bare_create), ("gpath", gpath_create)]),
        ("stat", [("bare", bare_stat), ("bare+res", bare_stat_result)]),
        ("unlink", [("bare", bare_unlink), ("gpath", vol.unlink)]),
        ("readinto 1M", [("bare", bare_readinto), ("gpath", gpath_readinto)]),
    ]
    gpath.volume.lib = gpath.file.lib = stub  # type: ignore[attr-defined]
    gpath.file._glfs_read = stub.glfs_read
    reader = vol.fopen(PATH, "rb")  # on the stub's glfd
    try:
        cold: dict[tuple[str, str], list[float]] = {}
        for _ in range(ROUNDS):  # interleaved, as the main benchmark does
            for name, impls in rows:
                for impl, fn in impls:
                    cold.setdefault((name, impl), []).append(_cold(fn))
        print(f"{'operation':<24}{'impl':<9}{'cold us':>9}{'warm us':>9}")
        for name, impls in rows:
            for impl, fn in impls:
                print(f"{name:<24}{impl:<9}{min(cold[(name, impl)]):>9.2f}{_warm(fn):>9.2f}")
    finally:
        reader.close()  # while the stub is in place: its glfd is not a real one
        gpath.volume.lib = gpath.file.lib = lib  # type: ignore[attr-defined]
        gpath.file._glfs_read = lib.glfs_read
    vol.umount()


if __name__ == "__main__":
    main()
