"""R11: repeated mount/unmount in one process: no crash, bounded memory, no thread leak.

Runs in a child interpreter (a crash fails this test only).  libgfapi itself leaks about
5 KB per ``glfs_new``/``glfs_fini`` (valgrind, reliability.md section 2f); most RSS growth
is allocator and mem-pool retention, so the bound is generous, and the numbers are printed.
"""

from __future__ import annotations

import json

import pytest

from _reliability import run_child

SEQUENTIAL = 8
PARALLEL_THREADS = 4
PARALLEL_CYCLES = 4
MAX_MB_PER_CYCLE = 4.0  # observed 0.7 (parallel) to 1.9 (sequential) on 10.3

pytestmark = pytest.mark.slow


def test_mount_unmount_cycles() -> None:
    result = run_child(
        f"""
        import json, threading
        def rss_mb():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        def threads():
            return threading.active_count(), len(os.listdir("/proc/self/task"))
        def fds():
            return len(os.listdir("/proc/self/fd"))
        def cycle(tag):
            vol = mount()
            path = f"/cycle-{{tag}}"
            with vol.fopen(path, "wb") as f:
                f.write(b"c" * 65536)
            with vol.fopen(path, "rb") as f:
                assert f.read() == b"c" * 65536
            vol.unlink(path)
            vol.umount(wait=True)  # glfs_fini in this thread: nothing left pending
        cycle("warmup")  # loads the translators' shared objects once
        report = {{"baseline": {{"rss": rss_mb(), "threads": threads(), "fds": fds()}}}}
        t0 = time.monotonic()
        for i in range({SEQUENTIAL}):
            cycle(f"seq-{{i}}")
        report["sequential"] = {{"cycles": {SEQUENTIAL}, "rss": rss_mb(), "threads": threads(),
                                 "fds": fds(), "seconds": time.monotonic() - t0}}
        errors = []
        def worker(n):
            try:
                for i in range({PARALLEL_CYCLES}):
                    cycle(f"par-{{n}}-{{i}}")
            except BaseException as exc:
                errors.append(repr(exc))
        t0 = time.monotonic()
        workers = [threading.Thread(target=worker, args=(n,)) for n in range({PARALLEL_THREADS})]
        for w in workers: w.start()
        for w in workers: w.join()
        report["parallel"] = {{"cycles": {PARALLEL_THREADS * PARALLEL_CYCLES}, "rss": rss_mb(),
                               "threads": threads(), "fds": fds(), "errors": errors,
                               "seconds": time.monotonic() - t0}}
        out(json.dumps(report))
        os._exit(0)
        """
    )
    result.check()
    report = json.loads(result.lines[-1])
    base, seq, par = report["baseline"], report["sequential"], report["parallel"]
    cycles = seq["cycles"] + par["cycles"]
    per_cycle = (par["rss"] - base["rss"]) / cycles
    print(
        f"R11: {cycles} mount/umount cycles ({seq['cycles']} sequential in {seq['seconds']:.1f}s, "
        f"{par['cycles']} on {PARALLEL_THREADS} threads in {par['seconds']:.1f}s): "
        f"RSS {base['rss']:.1f} -> {seq['rss']:.1f} -> {par['rss']:.1f} MB "
        f"({per_cycle:.2f} MB/cycle), threads {base['threads']} -> {seq['threads']} -> "
        f"{par['threads']}, fds {base['fds']} -> {par['fds']}"
    )
    assert par["errors"] == []
    assert per_cycle < MAX_MB_PER_CYCLE, report
    # (python threads, OS threads): libgfapi's process-wide threads are there after warm-up
    assert seq["threads"][0] == base["threads"][0] and par["threads"][0] == base["threads"][0], report
    assert par["threads"][1] <= base["threads"][1] + 2, report
    assert par["fds"] <= base["fds"] + 2, report
