#!/usr/bin/env python3
"""The ``gpath`` command against coreutils and rsync through a FUSE mount, paired in one run.

    python benchmarks/cli.py [ROUNDS] [HOST VOLNAME]   # default 5, 127.0.0.1 gpath_single

Needs root (it mounts the volume with ``mount -t glusterfs``, unmounted at the end) and
rsync (``apt-get install -y rsync``).  Workloads, each timed as a whole command in a fresh
process, the two sides interleaved and alternated in order every round:

``put -r``   the 2,000-file tree (20 directories of 100 4 KiB files) from local disk:
             ``gpath put -r`` vs ``cp -r`` into the FUSE mount
``get -r``   the same tree back to local disk: ``gpath get -r`` vs ``cp -r`` out of FUSE
``get 1G``   one 1 GiB file to local disk: ``gpath get`` vs ``cp`` out of FUSE
``sync``     an unchanged copy of the tree: ``gpath sync`` vs ``rsync -a`` (size+mtime)
             against the FUSE mount

Before every FUSE read the kernel's page cache of the files is dropped
(``posix_fadvise(DONTNEED)``), so both sides read from the bricks.  Figures: medians of
the seconds, and the median of the per-round ratios (FUSE tool time / gpath time, so
above 1 means gpath is faster).  Not part of the test suite; docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GPATH = str(ROOT / ".venv" / "bin" / "gpath")
DIRS, FILES, SIZE = 20, 100, 4096


def sh(*argv: str) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def drop_cache(path: Path) -> None:
    paths = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def make_tree(root: Path) -> None:
    for d in range(DIRS):
        (root / f"d{d:02}").mkdir(parents=True)
        for f in range(FILES):
            (root / f"d{d:02}" / f"f{f:03}").write_bytes(os.urandom(SIZE))


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    host, volname = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ("127.0.0.1",
                                                                         "gpath_single")
    work = Path(tempfile.mkdtemp(prefix="gpath-cli-bench-"))
    mnt = work / "fuse"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "glusterfs", f"{host}:/{volname}", str(mnt)], check=True)
    tag = f"cli-bench-{os.getpid()}"
    url = f"gluster://{host}/{volname}/{tag}"
    times: dict[str, dict[str, list[float]]] = {}

    def record(name: str, side: str, seconds: float) -> None:
        times.setdefault(name, {}).setdefault(side, []).append(seconds)

    try:
        (mnt / tag).mkdir()
        tree = work / "tree"
        make_tree(tree)
        big = work / "big.bin"
        with open(big, "wb") as f:
            for _ in range(1024):
                f.write(os.urandom(1 << 20))
        sh(GPATH, "put", "--no-progress", str(big), f"{url}/big.bin")
        sh(GPATH, "put", "-r", "--no-progress", str(tree), f"{url}/tree")
        sh("rsync", "-a", f"{tree}/", f"{mnt / tag}/sync-rsync/")
        sh(GPATH, "sync", "--no-progress", str(tree), f"{url}/sync-gpath")
        os.unlink(big)
        out = work / "out"
        for r in range(rounds):
            order = ["gpath", "fuse"] if r % 2 == 0 else ["fuse", "gpath"]
            for side in order:
                if side == "gpath":
                    record("put -r", side, sh(GPATH, "put", "-r", "--no-progress", str(tree),
                                              f"{url}/put-g{r}"))
                else:
                    record("put -r", side, sh("cp", "-r", str(tree), str(mnt / tag / f"put-c{r}")))
            for side in order:
                drop_cache(mnt / tag / "tree")
                if side == "gpath":
                    record("get -r", side, sh(GPATH, "get", "-r", "--no-progress",
                                              f"{url}/tree", str(out)))
                else:
                    record("get -r", side, sh("cp", "-r", str(mnt / tag / "tree"), str(out)))
                shutil.rmtree(out)
            for side in order:
                drop_cache(mnt / tag / "big.bin")
                if side == "gpath":
                    record("get 1G", side, sh(GPATH, "get", "--no-progress",
                                              f"{url}/big.bin", str(out)))
                else:
                    record("get 1G", side, sh("cp", str(mnt / tag / "big.bin"), str(out)))
                os.unlink(out)
            for side in order:
                if side == "gpath":
                    record("sync", side, sh(GPATH, "sync", "--no-progress", str(tree),
                                            f"{url}/sync-gpath"))
                else:
                    record("sync", side, sh("rsync", "-a", f"{tree}/",
                                            f"{mnt / tag}/sync-rsync/"))
            print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    finally:
        subprocess.run([GPATH, "rm", "-r", url], check=False)
        subprocess.run(["umount", str(mnt)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    results = {}
    print("| workload | FUSE tool (s) | gpath (s) | ratio (FUSE / gpath) |")
    print("| --- | --- | --- | --- |")
    for name, sides in times.items():
        ratios = [f / g for f, g in zip(sides["fuse"], sides["gpath"])]
        results[name] = {"fuse": sides["fuse"], "gpath": sides["gpath"], "ratios": ratios}
        print(f"| {name} | {statistics.median(sides['fuse']):.3f} | "
              f"{statistics.median(sides['gpath']):.3f} | {statistics.median(ratios):.2f} |")
    print(json.dumps(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
