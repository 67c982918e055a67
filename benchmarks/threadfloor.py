#!/usr/bin/env python3
"""How far threads can take small-file work on this machine: rate, cores busy, CPU per file.

    python benchmarks/threadfloor.py [ROUNDS] [HOST VOLNAME]   # default 5, gpath_single

Four of run.py's targets ask threads for 2x: stat and create+write+close on 8 threads
against gpath's own one-thread loop, and ``GlusterPath.rmtree()``/``copy()`` of a tree of
2,000 4 KiB files (20 directories of 100) against a naive one-thread loop on the low-level
API (run.py's ``naive``).  Threads only help while the machine has idle CPU, so each
measurement also records how many of the machine's cores were busy while it ran (all
processes: the client with libgfapi's threads, the brick and glusterd, from /proc/stat)
and the CPU time per file.  When one thread already keeps half the cores busy and a file
costs the same CPU on any number of threads, 2x needs every core busy all the time.

Rows per operation (``threads`` = worker threads of the one Volume):

``stat``    2,000 ``Volume.stat`` calls (the same files every time), 1 and 8 threads
``create``  2,000 ``Volume.fopen(path, "wb")`` + 4 KiB ``write`` + ``close``, 1 and 8 threads
``rmtree``  the naive loop, and ``GlusterPath.rmtree(max_workers=...)`` with 1, 8 and 32
``copy``    the naive loop, and ``GlusterPath.copy(max_workers=...)`` with 1, 8 and 32

Each measurement is a fresh process (so nothing is cached on the client), measuring only
the operation; the variants are interleaved and rotated every round; the figures are
medians, the ratio a median of paired ratios against the first row.

Not part of the test suite; docs/benchmarks.md quotes its output.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from floors import parse_args, run_rounds  # noqa: E402
from run import CBENCH, GpathAdapter, NaiveAdapter, PathAdapter, _pattern, _threads, build_cbench  # noqa: E402

OPS: dict[str, tuple[str, ...]] = {
    "stat": ("1", "8"),
    "create": ("1", "8"),
    "rmtree": ("naive", "1", "8", "32"),
    "copy": ("naive", "1", "8", "32"),
}
COUNT = 2000
DIRS, FILES = 20, 100  # the trees: 20 x 100 = COUNT files
BASE = "/threadfloor"
STAT_DIR = f"{BASE}/stat"
SRC_TREE = f"{BASE}/src"


def busy_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def worker(op: str, variant: str, path: str, host: str, volname: str) -> None:
    """Mount, run *op* once as *variant* on *path*; print rate, cores busy and CPU per file."""
    adapter: Any = (NaiveAdapter if variant == "naive" else PathAdapter)(host, volname, None)
    vol = adapter.vol
    names = [f"{path}/f{i:06d}" for i in range(COUNT)]  # cbench's naming
    data = _pattern(4096)
    create_op = GpathAdapter.meta_op(adapter, "create", data)  # run.py's gpath create loop
    busy0, total0 = busy_jiffies()
    t0 = time.perf_counter()
    if op in ("stat", "create"):
        call = vol.stat if op == "stat" else create_op
        _threads(int(variant), COUNT, lambda i: call(names[i]))
    elif variant == "naive" and op == "rmtree":
        adapter.rmtree(path)
    elif variant == "naive":
        adapter.copytree(SRC_TREE, path)
    elif op == "rmtree":
        vol.path(path).rmtree(max_workers=int(variant))
    else:
        vol.path(SRC_TREE).copy(vol.path(path), max_workers=int(variant))
    seconds = time.perf_counter() - t0
    busy1, total1 = busy_jiffies()
    cores = (os.cpu_count() or 1) * (busy1 - busy0) / max(1, total1 - total0)
    cpu_us = (busy1 - busy0) / os.sysconf("SC_CLK_TCK") / COUNT * 1e6
    print(json.dumps({"rate": COUNT / seconds, "cores": cores, "cpu_us": cpu_us}))
    adapter.finish()


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        worker(*sys.argv[2:7])
        return
    rounds, host, volname = parse_args(sys.argv[1:], 5)
    build_cbench()

    def cbench(*args: object, check: bool = True) -> None:
        subprocess.run([str(CBENCH), host, volname, *map(str, args)], check=check, capture_output=True)

    cbench("rmtree", BASE, check=False)  # left by an interrupted run, if any
    cbench("mkdir", BASE)
    cbench("mkdir", STAT_DIR)
    cbench("create", STAT_DIR, COUNT, 8, 4096)
    cbench("mktree", SRC_TREE, DIRS, FILES, 4096, 8)
    serial = iter(range(10**9))
    try:
        for op, variants in OPS.items():
            cores: dict[str, list[float]] = {v: [] for v in variants}
            cpu_us: dict[str, list[float]] = {v: [] for v in variants}

            def measure(variant: str, op: str = op) -> float:
                path = STAT_DIR if op == "stat" else f"{BASE}/{op}-{next(serial)}"
                if op == "create":
                    cbench("mkdir", path)
                elif op == "rmtree":
                    cbench("mktree", path, DIRS, FILES, 4096, 8)
                argv = [sys.executable, __file__, "--worker", op, variant, path, host, volname]
                out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
                result = json.loads(out.strip().splitlines()[-1])
                if op in ("create", "copy"):
                    cbench("rmtree", path)
                cores[variant].append(result["cores"])
                cpu_us[variant].append(result["cpu_us"])
                return float(result["rate"])

            rates = run_rounds(variants, rounds, measure)
            base = variants[0]
            print(f"\n{op}, {COUNT:,} files, {rounds} rounds (medians; ratio: paired against {base})")
            print(f"{'variant':<11}{'files/s':>9}{'ratio':>8}{'cores busy':>12}{'CPU us/file':>13}")
            for v in variants:
                ratio = statistics.median(a / b for a, b in zip(rates[v], rates[base]))
                label = v if v == "naive" else f"{v} thread{'s' if v != '1' else ''}"
                print(f"{label:<11}{statistics.median(rates[v]):>9.0f}{ratio:>8.2f}"
                      f"{statistics.median(cores[v]):>12.2f}{statistics.median(cpu_us[v]):>13.0f}")
    finally:
        cbench("rmtree", BASE)


if __name__ == "__main__":
    main()
