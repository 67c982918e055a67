#!/usr/bin/env python3
"""gpath.aio against sync gpath: concurrent preads, the cost of an awaited stat, and the
latency of watch() events.

    python benchmarks/aio.py [ROUNDS] [HOST]     # default 7 rounds, this machine's name

* ``preads``: 64 reads of 1 MiB (distinct offsets of one 64 MiB file on gpath_single), done
  (a) by one thread with sync gpath, one after the other; (b) by 8 threads of sync gpath,
  each with its own File; (c) by 64 tasks of one asyncio task group with ``AsyncFile.pread``
  (native ``glfs_pread_async``), and (d) the same with ``AsyncFile.preadinto`` into 64
  buffers the application reuses from round to round.  Only the reads are timed (files open, threads made).
  The three run back to back in each round, in rotated order; the figures are medians over rounds of the paired ratios time(a)/time(c) and
  time(b)/time(c) (above 1: async is faster).
* ``stat``: 2,000 stats of distinct files, one after the other, sync (``GlusterPath.stat``)
  and awaited (``AsyncGlusterPath.stat``) in the same round; between the two, a pause
  longer than md-cache's 1 s timeout, so neither is served from the client's cache.  The
  figure is the median of time(awaited)/time(sync).
* ``watch``: a second process (its own mount of gpath_watch) appends to a file 40 times,
  0.25 s apart, and notes the time each write's ``close()`` returned; the watcher notes when
  the event arrived.  Median and maximum of the differences.

Not part of the test suite; docs/benchmarks.md ("gpath.aio") quotes its output.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

from gpath import Volume
from gpath.aio import AsyncGlusterPath

MiB = 1 << 20
READS = 64
STATS = 2000


def _time(func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    return time.perf_counter() - start


def preads(vol: Volume, rounds: int) -> dict[str, float]:
    vol.path("/aiobench").mkdir(exist_ok=True)
    data = vol.path("/aiobench/data.bin")
    if not data.exists() or data.stat().st_size != READS * MiB:
        data.write_bytes(os.urandom(MiB) * READS)
    offsets = [i * MiB for i in range(READS)]

    def one_thread() -> float:
        with data.open("rb", buffering=0) as f:
            start = time.perf_counter()
            for off in offsets:
                assert len(f.pread(MiB, off)) == MiB
            return time.perf_counter() - start

    def eight_threads() -> float:
        files = [data.open("rb", buffering=0) for _ in range(8)]

        def part(k: int) -> None:
            for off in offsets[k::8]:
                assert len(files[k].pread(MiB, off)) == MiB

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda f: None, range(8)))  # the threads exist before the clock starts
            start = time.perf_counter()
            list(pool.map(part, range(8)))
            took = time.perf_counter() - start
        for f in files:
            f.close()
        return took

    async def tasks() -> float:
        async with await AsyncGlusterPath(data).open("rb", buffering=0) as f:
            await f.pread(1, 0)  # the glfd for positional calls and the queue exist
            start = time.perf_counter()
            results = await asyncio.gather(*(f.pread(MiB, off) for off in offsets))
            took = time.perf_counter() - start
        assert all(len(r) == MiB for r in results)
        return took

    def async_run() -> float:
        return asyncio.run(tasks())

    buffers = [bytearray(MiB) for _ in offsets]  # an application's buffers, reused

    async def tasks_into() -> float:
        async with await AsyncGlusterPath(data).open("rb", buffering=0) as f:
            await f.pread(1, 0)
            start = time.perf_counter()
            got = await asyncio.gather(*(f.preadinto(b, o) for b, o in zip(buffers, offsets)))
            took = time.perf_counter() - start
        assert got == [MiB] * READS
        return took

    def async_into_run() -> float:
        return asyncio.run(tasks_into())

    impls = {
        "sync1": one_thread,
        "sync8": eight_threads,
        "aio": async_run,
        "aio_into": async_into_run,
    }
    for func in impls.values():  # warm: the file in the brick's page cache
        func()
    times: dict[str, list[float]] = {name: [] for name in impls}
    names = list(impls)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            times[name].append(impls[name]())
    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(times[a], times[b]))

    return {
        "sync1_over_aio": ratio("sync1", "aio"),
        "sync8_over_aio": ratio("sync8", "aio"),
        "sync1_over_aio_into": ratio("sync1", "aio_into"),
        "sync8_over_aio_into": ratio("sync8", "aio_into"),
        **{f"{name}_MiB_s": READS / statistics.median(times[name]) for name in names},
    }


def stats(vol: Volume, rounds: int) -> dict[str, float]:
    top = vol.path("/aiobench/stat")
    top.mkdir(parents=True, exist_ok=True)
    paths = [top / f"f{i:05}" for i in range(STATS)]
    if len(list(top.iterdir())) != STATS:
        for p in paths:
            p.touch()

    def sync_loop() -> None:
        for p in paths:
            p.stat()

    apaths = [AsyncGlusterPath(p) for p in paths]

    async def awaited() -> None:
        for p in apaths:
            await p.stat()

    ratios, sync_us, async_us = [], [], []
    for r in range(rounds):
        order = [("sync", sync_loop), ("aio", lambda: asyncio.run(awaited()))]
        if r % 2:
            order.reverse()
        got = {}
        for name, func in order:
            time.sleep(1.2)  # md-cache forgets (1 s): every stat is a round trip
            got[name] = _time(func)
        ratios.append(got["aio"] / got["sync"])
        sync_us.append(got["sync"] / STATS * 1e6)
        async_us.append(got["aio"] / STATS * 1e6)
    return {
        "aio_over_sync": statistics.median(ratios),
        "sync_us": statistics.median(sync_us),
        "aio_us": statistics.median(async_us),
    }


def watch_latency(host: str, count: int = 40) -> dict[str, float]:
    vol = Volume(host, "gpath_watch")
    vol.mount()
    try:
        d = vol.path("/aiobench-watch")
        if d.exists():
            d.rmtree()
        d.mkdir()
        (d / "f").write_bytes(b"")
        script = textwrap.dedent(
            f"""
            import json, time
            from gpath import Volume
            v = Volume({host!r}, "gpath_watch"); v.mount()
            f = v.path("/aiobench-watch/f")
            time.sleep(1.0)
            for i in range({count}):
                with f.open("ab") as out:
                    out.write(b"x")
                print(json.dumps(time.time()), flush=True)
                time.sleep(0.25)
            v.umount()
            """
        )
        arrivals: list[float] = []
        with d.watch() as events:
            child = subprocess.Popen(
                [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
            )
            deadline = time.monotonic() + count * 0.25 + 30
            while len(arrivals) < count and time.monotonic() < deadline:
                try:
                    events.get(timeout=5)
                except TimeoutError:
                    break
                arrivals.append(time.time())
            out, _ = child.communicate(timeout=60)
        written = [json.loads(line) for line in out.split()]
        latencies = [a - w for a, w in zip(arrivals, written)]
        return {
            "events": len(arrivals),
            "writes": len(written),
            "median_ms": statistics.median(latencies) * 1e3,
            "max_ms": max(latencies) * 1e3,
        }
    finally:
        vol.umount()


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    host = sys.argv[2] if len(sys.argv) > 2 else socket.gethostname()
    vol = Volume(host, "gpath_single")
    vol.mount()
    try:
        print("preads", json.dumps(preads(vol, rounds)), flush=True)
        print("stat", json.dumps(stats(vol, rounds)), flush=True)
    finally:
        vol.umount()
    print("watch", json.dumps(watch_latency(host)), flush=True)


if __name__ == "__main__":
    main()
