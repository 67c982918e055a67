#!/usr/bin/env python3
"""gluster:// for the data stack against a FUSE mount, paired rounds in one run.

    python benchmarks/datastack.py [ROUNDS] [HOST VOLNAME]     # default 3, gpath_single

Needs root (it mounts the volume with ``mount -t glusterfs`` at a temporary directory and
unmounts it at the end).  Rows, each the median over ROUNDS of paired ratios (the two sides
alternate which goes first):

* pandas ``to_parquet`` / ``read_parquet`` of a ~512 MiB dataset (8 files of 64 MiB of
  random float64, so nothing compresses) by ``gluster://`` URL vs by FUSE path.  Before
  each FUSE read the files' page cache is dropped (``posix_fadvise(DONTNEED)``), so both
  sides fetch from the brick;
* fsspec ``cat_file`` of 1 MiB ranges (200 random ones of a 256 MiB file) vs gpath's own
  ``File.pread`` on one open File;
* a Dask read of the dataset (``dd.read_parquet(url).sum().compute()``) on a
  ``LocalCluster`` of 2 worker processes vs 1 worker process (1 thread each), cluster
  start-up excluded.

Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable

import numpy as np
import pandas as pd

MIB = 1 << 20
PARTS = 8
ROWS_PER_PART = 64 * MIB // (8 * 8)  # 8 float64 columns: 64 MiB a file


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _paired(a: Callable[[], object], b: Callable[[], object], rounds: int) -> list[float]:
    """Ratios time(b)/time(a) (>1: a is faster), the order alternating per round."""
    ratios = []
    for i in range(rounds):
        if i % 2:
            tb, ta = _timed(b), _timed(a)
        else:
            ta, tb = _timed(a), _timed(b)
        ratios.append(tb / ta)
        print(f"  round {i}: {ta:.2f} s vs {tb:.2f} s -> {tb / ta:.3f}", flush=True)
    return ratios


def _drop_cache(directory: str) -> None:
    for name in os.listdir(directory):
        fd = os.open(os.path.join(directory, name), os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _frames() -> list[pd.DataFrame]:
    rng = np.random.default_rng(512)
    cols = [f"c{i}" for i in range(8)]
    return [
        pd.DataFrame(rng.standard_normal((ROWS_PER_PART, 8)), columns=cols) for _ in range(PARTS)
    ]


def _dask_read(url: str, workers: int) -> float:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        dd.read_parquet(url).sum().compute()  # warm: imports and mounts in the workers
        return _timed(lambda: dd.read_parquet(url).sum().compute())


def main(rounds: int, host: str, volname: str) -> None:
    import fsspec

    from gpath import Volume

    vol = Volume(host, volname)
    vol.mount()
    base = f"/bench-datastack-{uuid.uuid4().hex[:8]}"
    vol.mkdir(base)
    fuse = tempfile.mkdtemp(prefix="gpath-datastack-fuse-")
    subprocess.run(["mount", "-t", "glusterfs", f"{host}:/{volname}", fuse], check=True)
    rows: list[tuple[str, list[float]]] = []
    try:
        url = f"gluster://{host}/{volname}{base}"
        fs, _ = fsspec.core.url_to_fs(url)
        frames = _frames()

        def write_url() -> None:
            for i, df in enumerate(frames):
                df.to_parquet(f"{url}/ds/part-{i}.parquet")

        def write_fuse() -> None:
            os.makedirs(f"{fuse}{base}/ds", exist_ok=True)
            for i, df in enumerate(frames):
                df.to_parquet(f"{fuse}{base}/ds/part-{i}.parquet")

        def read_url() -> None:
            pd.read_parquet(f"{url}/ds")

        def read_fuse() -> None:
            _drop_cache(f"{fuse}{base}/ds")
            pd.read_parquet(f"{fuse}{base}/ds")

        print("pandas to_parquet 512 MiB: gluster:// vs FUSE", flush=True)
        rows.append(("pandas `to_parquet` ~512 MiB, gluster:// vs FUSE", _paired(write_url, write_fuse, rounds)))
        print("pandas read_parquet 512 MiB: gluster:// vs FUSE", flush=True)
        rows.append(("pandas `read_parquet` ~512 MiB, gluster:// vs FUSE", _paired(read_url, read_fuse, rounds)))

        path = f"{base}/ranges.bin"
        with vol.fopen(path, "wb") as f:
            block = os.urandom(MIB)
            for _ in range(256):
                f.write(block)
        offsets = [random.randrange(0, 255) * MIB for _ in range(200)]

        def pread() -> None:
            with vol.fopen(path, "rb") as f:
                for off in offsets:
                    f.pread(MIB, off)

        def cat() -> None:
            for off in offsets:
                fs.cat_file(path, off, off + MIB)

        print("fsspec cat_file 1 MiB vs File.pread", flush=True)
        ratios = _paired(cat, pread, rounds * 3)
        rows.append(("fsspec `cat_file` 1 MiB ranges vs `File.pread`", ratios))

        print("Dask read_parquet: 2 worker processes vs 1", flush=True)
        dask_ratios = []
        for i in range(rounds):
            if i % 2:
                one, two = _dask_read(f"{url}/ds", 1), _dask_read(f"{url}/ds", 2)
            else:
                two, one = _dask_read(f"{url}/ds", 2), _dask_read(f"{url}/ds", 1)
            dask_ratios.append(one / two)
            print(f"  round {i}: 1 worker {one:.2f} s, 2 workers {two:.2f} s", flush=True)
        rows.append(("Dask `read_parquet(...).sum()` 512 MiB, 2 workers vs 1", dask_ratios))
    finally:
        subprocess.run(["umount", fuse], check=False)
        os.rmdir(fuse)
        vol.rmtree(base, ignore_errors=True)
        vol.umount()

    print()
    print("| benchmark | median ratio | rounds |")
    print("|---|---|---|")
    for name, ratios in rows:
        each = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"| {name} | {statistics.median(ratios):.2f}x | {each} |")


if __name__ == "__main__":
    args = sys.argv[1:]
    rounds = int(args[0]) if args else 3
    if len(args) >= 3:
        host, volname = args[1], args[2]
    else:
        from gpath.testing.cluster import client_host

        host, volname = client_host(), "gpath_single"
    main(rounds, host, volname)
