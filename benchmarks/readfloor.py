#!/usr/bin/env python3
"""Where a Python read loop loses time against C: 1 MiB sequential reads, layer by layer.

    python benchmarks/readfloor.py [ROUNDS] [HOST VOLNAME]   # default 40, gpath_single
    python benchmarks/readfloor.py --same-process [PASSES] [HOST VOLNAME]   # default 30
    python benchmarks/readfloor.py --cold [PASSES] [HOST VOLNAME]           # default 20

Each measurement is a fresh process reading the same file in 1 MiB calls, as in run.py:
256 MiB, or as many MiB as the environment variable READFLOOR_MIB says (run.py's 1 MiB
read rows read 1,024); READFLOOR_IMPLS (comma-separated, ``c`` first) picks some of the
rows below.  The implementations are interleaved and rotated every round, and the figures
are medians of paired ratios.  The rows peel the layers off one at a time:

``c``         benchmarks/cbench.c (run.py's reference program)
``c-in-py``   the same C loop compiled as a cffi module and called once from a Python process
              that mounted through gpath: what a Python *process* costs, with no Python per call
``c-alloc``   that C loop reading into new malloc'd memory per call, the previous block freed
              after the next read as a ``while chunk := f.read(n)`` loop frees it: what an
              API that returns new memory per read (like ``read()``) pays, with no Python
``cffi``      bare ``glfs_read`` calls through gpath's compiled module: the floor of any cffi
              binding (one call and one ``from_buffer`` per MiB)
``cffi-read`` bare calls that return bytes: a new bytes object from
              ``PyBytes_FromStringAndSize(NULL, n)`` (called through ctypes) filled by
              ``glfs_read``: the floor of a pure cffi binding whose ``read()`` returns bytes
``read-bytes`` gpath's C builtin ``read_bytes`` (``gpath._buffers``) called in a bare loop:
              the allocation and the read in one call, none of File's Python
``readinto``  ``File.readinto`` (gpath's checks, offset lock and read loop around that call)
``read``      ``File.read``: its checks and offset lock around one ``read_bytes`` call

With ``--same-process`` the loops alternate in one process on one mount instead, which
resolves about 1 %, and the C rows ask what new memory per call costs: the C loop reading
into one buffer (``c-1buf``, as cbench does), into two buffers in turn (``c-2buf``: what a
``while chunk := f.read(n)`` loop gets from malloc, the same two blocks on every call),
and into eight in turn (``c-8buf``: 8 MiB, more than a core's L2 cache); then ``cffi``,
``readinto``, ``read-bytes`` and ``read`` as above.

``--cold`` asks where the Python loops' few per cent go, without a server: ``glfs_read`` is
replaced by a C stub that does what a 1 MiB read does to the calling thread (it waits
800 us, in which other threads may run, and copies 1 MiB from a buffer of its own into the
caller's), and the table gives the wall time per call spent outside the stub, i.e. in
Python.  Rows: the bare cffi loop, the same with a stub that only waits or only copies, and
``File.readinto`` (a real File whose reads are pointed at the stub).

Not part of the test suite; docs/benchmarks.md quotes its output.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from floors import parse_args, print_table, run_once, run_rounds  # noqa: E402
from run import BIN, CBENCH, MIB, build_cbench  # noqa: E402

ALL_IMPLS = ("c", "c-in-py", "c-alloc", "cffi", "cffi-read", "read-bytes", "readinto", "read")
IMPLS = tuple(os.environ.get("READFLOOR_IMPLS", ",".join(ALL_IMPLS)).split(","))
FILE = "/readfloor.bin"
SIZE = int(os.environ.get("READFLOOR_MIB", "256")) * MIB  # inherited by the worker processes

C_LOOP = """
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glusterfs/api/glfs.h>
long long read_all(uintptr_t fd, char *buf, size_t bs)
{
    long long total = 0;
    ssize_t n;
    while ((n = glfs_read((glfs_fd_t *)fd, buf, bs, 0)) > 0)
        total += n;
    return n < 0 ? -1 : total;
}
/* As read_all, but each call reads into new memory the size of a 1 MiB bytes object, and
 * the previous block is freed only after that, as `while chunk := f.read(n)` does. */
long long read_all_alloc(uintptr_t fd, size_t bs)
{
    long long total = 0;
    char *prev = NULL;
    for (;;) {
        char *buf = malloc(bs + 33);
        ssize_t n = buf ? glfs_read((glfs_fd_t *)fd, buf + 32, bs, 0) : -1;
        free(prev);
        prev = buf;
        if (n <= 0) {
            free(prev);
            return n < 0 ? -1 : total;
        }
        total += n;
    }
}
/* As read_all, into nbuf buffers in turn (written once before, so no page faults). */
long long read_rotating(uintptr_t fd, size_t nbuf, size_t bs)
{
    char **bufs = calloc(nbuf, sizeof *bufs);
    long long total = 0;
    ssize_t n = -1;
    size_t i, k = 0;
    for (i = 0; bufs && i < nbuf && (bufs[i] = malloc(bs)); i++)
        memset(bufs[i], 1, bs);
    if (bufs && i == nbuf)
        while ((n = glfs_read((glfs_fd_t *)fd, bufs[k++ % nbuf], bs, 0)) > 0)
            total += n;
    for (i = 0; bufs && i < nbuf; i++)
        free(bufs[i]);
    free(bufs);
    return n < 0 ? -1 : total;
}
/* --cold: a glfs_read stand-in.  mode 1 waits 800 us, mode 2 copies n bytes, 3 both; it
 * returns 0 once stub_remaining bytes have been "read", and counts its own time. */
long long stub_remaining, stub_inside_ns;
int stub_mode = 3;
static char *stub_src;
static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}
ssize_t stub_read(void *fd, void *buf, size_t n, int flags)
{
    long long start = now_ns();
    ssize_t got = 0;
    if (!stub_src && (stub_src = malloc(n)))
        memset(stub_src, 1, n);  /* real pages: calloc's would all be the one zero page */
    if (stub_remaining > 0 && stub_src) {
        if (stub_mode & 1)
            usleep(800);
        if (stub_mode & 2)
            memcpy(buf, stub_src, n);
        stub_remaining -= n;
        got = n;
    }
    stub_inside_ns += now_ns() - start;
    return got;
}
"""


def build_c_loop() -> None:
    """Compile the C read loop as the cffi module ``_readfloor`` in benchmarks/bin."""
    source = BIN / "_readfloor.c"
    if any(BIN.glob("_readfloor*.so")) and source.exists() and C_LOOP in source.read_text():
        return  # built from this C_LOOP
    from cffi import FFI

    builder = FFI()
    builder.cdef("long long read_all(uintptr_t fd, char *buf, size_t bs);"
                 "long long read_all_alloc(uintptr_t fd, size_t bs);"
                 "long long read_rotating(uintptr_t fd, size_t nbuf, size_t bs);"
                 "extern long long stub_remaining, stub_inside_ns; extern int stub_mode;"
                 "ssize_t stub_read(void *fd, void *buf, size_t n, int flags);")
    cflags = subprocess.run(["pkg-config", "--cflags", "glusterfs-api"], capture_output=True, text=True,
                            check=True).stdout.split()
    builder.set_source("_readfloor", C_LOOP, libraries=["gfapi"], extra_compile_args=cflags)
    BIN.mkdir(exist_ok=True)
    builder.compile(tmpdir=str(BIN))


def c_loop() -> Any:
    """The compiled ``_readfloor`` module (build_c_loop() made it in benchmarks/bin)."""
    if str(BIN) not in sys.path:
        sys.path.insert(0, str(BIN))
    import _readfloor  # type: ignore[import-not-found]

    return _readfloor


def read_file(impl: str, vol: Any, buf: bytearray) -> int:
    """Read FILE on *vol* in 1 MiB calls the way *impl* does (any row but ``c``) and return
    the number of bytes read; *buf* is the 1 MiB buffer of the rows that read into one."""
    from gpath._buffers import read_bytes
    from gpath._lowlevel import ffi, lib

    total = 0
    if impl in ("readinto", "read"):
        with vol.fopen(FILE, "rb") as f:
            if impl == "readinto":
                while n := f.readinto(buf):
                    total += n
            else:
                while chunk := f.read(MIB):
                    total += len(chunk)
        return total
    fd = lib.glfs_open(vol._mount.handle.ptr, FILE.encode(), os.O_RDONLY)
    address = int(ffi.cast("uintptr_t", fd))
    try:
        if impl == "cffi":
            read, from_buffer = lib.glfs_read, ffi.from_buffer
            while n := read(fd, from_buffer(buf), MIB, 0):
                total += n
        elif impl == "cffi-read":
            import ctypes

            new = ctypes.pythonapi.PyBytes_FromStringAndSize
            new.restype = ctypes.py_object
            new.argtypes = (ctypes.c_void_p, ctypes.c_ssize_t)
            data_offset = bytes.__basicsize__ - 1  # of ob_sval in a PyBytesObject
            read, cast = lib.glfs_read, ffi.cast
            while True:
                chunk = new(None, MIB)
                n = read(fd, cast("char *", id(chunk) + data_offset), MIB, 0)
                if n <= 0:
                    break
                total += len(chunk if n == MIB else chunk[:n])
        elif impl == "read-bytes":
            while chunk := read_bytes(address, MIB, -1):
                assert isinstance(chunk, bytes)
                total += len(chunk)
        elif impl == "c-in-py":
            total = c_loop().lib.read_all(address, c_loop().ffi.from_buffer(buf), MIB)
        elif impl == "c-alloc":
            total = c_loop().lib.read_all_alloc(address, MIB)
        else:  # c-1buf, c-2buf, c-8buf
            total = c_loop().lib.read_rotating(address, int(impl[2]), MIB)
    finally:
        lib.glfs_close(fd)
    return total


def timed_read(impl: str, vol: Any, buf: bytearray) -> float:
    """MiB/s of read_file() (open to close), after checking that it read all of FILE."""
    t0 = time.perf_counter()
    total = read_file(impl, vol, buf)
    seconds = time.perf_counter() - t0
    if total != SIZE:
        raise SystemExit(f"read {total} bytes, expected {SIZE}")
    return total / MIB / seconds


def worker(impl: str, host: str, volname: str) -> None:
    """Mount, read FILE in 1 MiB calls the way *impl* does, print MiB/s (open to close)."""
    from gpath import Volume

    vol = Volume(host, volname)
    vol.mount(timeout=60)
    if impl.startswith("c-"):
        c_loop()  # imported before the clock starts
    print(timed_read(impl, vol, bytearray(MIB)))
    vol.umount()


def measure(impl: str, host: str, volname: str) -> float:
    return run_once(impl, [str(CBENCH), host, volname, "read", FILE, str(MIB)], __file__, host, volname)


def same_process(vol: Any, passes: int) -> None:
    """The --same-process table: the loops alternating on *vol*'s one mount."""
    c_loop()
    buf = bytearray(MIB)
    impls = ("c-1buf", "c-2buf", "c-8buf", "cffi", "readinto", "read-bytes", "read")
    values = run_rounds(impls, passes, lambda impl: timed_read(impl, vol, buf))
    print_table(values, "MiB/s", ("c-1buf", "cffi"))


def cold(vol: Any, passes: int) -> None:
    """The --cold table: Python's time per call between stub reads of 1 MiB (see above)."""
    import gpath.file
    from gpath._lowlevel import ffi

    stub = c_loop().lib
    calls = 200
    buf = bytearray(MIB)

    def measure(impl: str) -> float:
        stub.stub_mode = {"cffi, wait only": 1, "cffi, copy only": 2}.get(impl, 3)
        stub.stub_remaining, stub.stub_inside_ns = calls * MIB, 0
        if impl == "readinto":
            f = vol.fopen(FILE, "rb")
            gpath.file._glfs_read = stub.stub_read
            try:
                t0 = time.perf_counter_ns()
                while f.readinto(buf):
                    pass
                wall = time.perf_counter_ns() - t0
            finally:
                gpath.file._glfs_read = gpath.file.lib.glfs_read
                f.close()
        else:
            read, from_buffer, fd = stub.stub_read, ffi.from_buffer, ffi.NULL
            t0 = time.perf_counter_ns()
            while read(fd, from_buffer(buf), MIB, 0):
                pass
            wall = time.perf_counter_ns() - t0
        return (wall - stub.stub_inside_ns) / (calls + 1) / 1000  # +1: the call at "EOF"

    impls = ("cffi", "cffi, wait only", "cffi, copy only", "readinto")
    values = run_rounds(impls, passes, measure)
    print(f"{passes} passes of {calls} calls; us per call outside the stub: median (min-max)")
    for impl, vals in values.items():
        print(f"{impl:<17}{statistics.median(vals):>7.1f}  ({min(vals):.1f}-{max(vals):.1f})")


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        worker(*sys.argv[2:5])
        return
    mode = sys.argv[1] if sys.argv[1:2] in (["--same-process"], ["--cold"]) else ""
    args = sys.argv[2:] if mode else sys.argv[1:]
    rounds, host, volname = parse_args(args, {"--same-process": 30, "--cold": 20}.get(mode, 40))
    build_cbench()
    build_c_loop()
    from gpath import Volume

    vol = Volume(host, volname)
    vol.mount(timeout=60)
    with vol.fopen(FILE, "wb") as f:
        block = os.urandom(MIB)
        for _ in range(SIZE // MIB):
            f.write(block)
    try:
        if mode == "--same-process":
            same_process(vol, rounds)
        elif mode == "--cold":
            cold(vol, rounds)
        else:
            values = run_rounds(IMPLS, rounds, lambda impl: measure(impl, host, volname))
            print_table(values, "MiB/s", [b for b in ("c", "c-in-py", "cffi") if b in IMPLS])
    finally:
        vol.unlink(FILE)
        vol.umount()


if __name__ == "__main__":
    main()
