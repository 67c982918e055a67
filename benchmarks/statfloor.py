#!/usr/bin/env python3
"""Where a Python stat loop loses time against C: uncached stats, layer by layer.

    python benchmarks/statfloor.py [ROUNDS] [HOST VOLNAME]   # default 30, gpath_single

Each measurement is a fresh process (so every stat is a lookup the client has not cached)
that stats the same 2,000 files once, as run.py's stat row does; the implementations are
interleaved and rotated every round, and the figures are medians of paired ratios.  All
rows stat the same files, so the brick's caches are the same for each.

``c``          benchmarks/cbench.c (run.py's reference program)
``cffi``       bare ``glfs_stat`` calls through gpath's compiled module into one struct
``stat_path``  gpath's C builtin (``gpath._stat.stat_path``) called in a bare loop: the
               path checks, the mount hold and the ``os.stat_result``, none of Volume's Python
``gpath``      ``Volume.stat``

Not part of the test suite; docs/benchmarks.md quotes its output.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from floors import parse_args, print_table, run_once, run_rounds  # noqa: E402
from run import CBENCH, build_cbench  # noqa: E402

IMPLS = ("c", "cffi", "stat_path", "gpath")
DIR = "/statfloor"
COUNT = 2000


def names() -> list[str]:
    return [f"{DIR}/f{i:06d}" for i in range(COUNT)]  # cbench's naming


def worker(impl: str, host: str, volname: str) -> None:
    """Mount, stat every file the way *impl* does, print stats per second."""
    from gpath import Volume
    from gpath._lowlevel import ffi, lib
    from gpath._stat import stat_path

    vol = Volume(host, volname)
    vol.mount(timeout=60)
    paths = names()
    mount = vol._mount
    assert mount is not None
    if impl == "cffi":
        fs, st, glfs_stat = mount.handle.ptr, ffi.new("struct stat *"), lib.glfs_stat

        def op(path: str) -> None:
            if glfs_stat(fs, path.encode(), st):
                raise OSError(ffi.errno, path)
    elif impl == "stat_path":
        address = mount.handle.c_address

        def op(path: str) -> None:
            if isinstance(stat_path(address, path, 1), int):
                raise OSError(path)
    else:
        op = vol.stat  # type: ignore[assignment]
    t0 = time.perf_counter()
    for path in paths:
        op(path)
    seconds = time.perf_counter() - t0
    print(COUNT / seconds)
    vol.umount()


def measure(impl: str, host: str, volname: str) -> float:
    return run_once(impl, [str(CBENCH), host, volname, "stat", DIR, str(COUNT), "1"], __file__, host, volname)


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        worker(*sys.argv[2:5])
        return
    rounds, host, volname = parse_args(sys.argv[1:], 30)
    build_cbench()
    from gpath import Volume

    vol = Volume(host, volname)
    vol.mount(timeout=60)
    if vol.exists(DIR):
        vol.rmtree(DIR)
    vol.mkdir(DIR)
    for path in names():
        with vol.fopen(path, "wb") as f:
            f.write(b"x" * 4096)
    try:
        values = run_rounds(IMPLS, rounds, lambda impl: measure(impl, host, volname))
    finally:
        vol.rmtree(DIR)
        vol.umount()
    print_table(values, "stat/s", ("c", "cffi"))


if __name__ == "__main__":
    main()
