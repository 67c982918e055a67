#!/usr/bin/env python3
"""gpath's benchmark suite (issue 5): the same workloads through C, gpath and the alternatives.

    python benchmarks/run.py            # full run (~45 min on the 2-core machines)
    python benchmarks/run.py --quick    # smaller data, fewer repetitions, under 3 minutes

Implementations, each in a process of its own, interleaved A B C A B C ... per workload:

``c``           benchmarks/cbench.c, the reference, linked with -lgfapi (built here)
``c2``          the same C program again, as if it were another implementation (the rows whose
                targets sit within 5 % of C): its ratio to ``c`` is this run's own resolution
``gpath``       gpath's low-level API (Volume, File)
``gpath.path``  gpath's pathlib-style GlusterPath
``fuse``        a FUSE mount of the same volume (``mount -t glusterfs``), plain os/open
``gfapi-py``    libgfapi-python (PyPI ``gfapi`` 1.2) in its own venv with an import shim
``naive``       a naive single-threaded loop on gpath's low-level API (the baseline of the
                tree targets only)
``cffi``        bare calls through gpath's compiled cffi module, none of gpath's Python
                around them (metadata and per-call rows only): the floor of any Python
                binding built on cffi

The volume ``gpath_bench`` (distribute, one brick) is created through the project's harness
and deleted at the end (``--keep-volume`` keeps it).  Results: a table on stdout, JSON in
benchmarks/results/, and (for full runs, or with ``--docs``) docs/benchmarks.md with the
plot docs/benchmarks-throughput.png.  Not part of the test suite.

Ratios are medians of per-round paired ratios ``impl / c`` (same round, adjacent in time),
so for rates (MiB/s, ops/s) above 1 is faster than C, for times (s, us, MiB of RSS) below 1
is better.  This file is also the worker: ``run.py --worker IMPL WORKLOAD ARGS_JSON``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = HERE / "bin"
CBENCH = BIN / "cbench"
GFAPI_VENV = BIN / "venv-gfapi"
RESULTS = HERE / "results"
DOCS = ROOT / "docs"
VOLNAME = "gpath_bench"
KIB, MIB = 1024, 1024 * 1024
IMPLS = ("c", "c2", "gpath", "gpath.path", "fuse", "gfapi-py", "naive", "cffi")
PY_IMPLS = ("gpath", "gpath.path", "fuse", "gfapi-py", "naive", "cffi")
RUN_TIMEOUT = 300.0

# ============================================================================================
# Worker side: runs inside the measured process.  Imports only the stdlib at module level,
# so the gfapi-py worker can run in its own venv without gpath installed.
# ============================================================================================


def _pattern(n: int) -> bytes:
    unit = bytes((i * 131 + 7) & 0xFF for i in range(256))
    return (unit * (n // 256 + 1))[:n]


def _maxrss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Adapter:
    """One implementation's way of doing each elementary operation."""

    name = ""

    def __init__(self, host: str, volname: str, mnt: str | None) -> None:
        self.host, self.volname, self.mnt = host, volname, mnt

    def finish(self) -> None:
        pass

    def native(self, path: str) -> str:
        """*path* (volume-absolute) as this implementation names it."""
        return path

    def meta_op(self, workload: str, data: bytes) -> Callable[[str], Any]:
        """The per-file call of the create/stat/unlink loops, taking a ``native()`` path.

        Returned as a user would write the call (a bound library method where there is one),
        so the timed loop puts no adapter frames between itself and the library: between
        round trips each Python call costs ~1 us of CPU (docs/benchmarks.md, Analysis).
        """
        raise NotImplementedError


class GpathAdapter(Adapter):
    name = "gpath"

    def __init__(self, host: str, volname: str, mnt: str | None) -> None:
        super().__init__(host, volname, mnt)
        from gpath import Volume

        self.vol = Volume(host, volname)
        self.vol.mount(timeout=60)

    def finish(self) -> None:
        self.vol.umount()

    def open_raw(self, path: str, mode: str) -> Any:
        return self.vol.fopen(path, mode)

    def open_buffered(self, path: str) -> Any:
        return self.vol.open_file(path, "rb")

    def seek_cur(self, f: Any) -> Callable[[], Any]:
        return lambda: f.lseek(0, os.SEEK_CUR)

    def meta_op(self, workload: str, data: bytes) -> Callable[[str], Any]:
        if workload != "create":
            return getattr(self.vol, workload)  # type: ignore[no-any-return]
        fopen = self.vol.fopen

        def create(path: str) -> None:
            with fopen(path, "wb") as f:
                f.write(data)

        return create

    def listdir(self, path: str) -> int:
        return len(self.vol.listdir(path))

    def scandir_isfile(self, path: str) -> int:
        return sum(1 for e in self.vol.scandir(path) if e.is_file())

    scandir_info_isfile = scandir_isfile

    def walk(self, path: str) -> int:
        return sum(len(files) for _, _, files in self.vol.walk(path))

    def rglob(self, path: str, pattern: str) -> int:
        import fnmatch

        return sum(len(fnmatch.filter(files, pattern)) for _, _, files in self.vol.walk(path))

    def rmtree(self, path: str) -> None:
        self.vol.rmtree(path)

    def copytree(self, src: str, dst: str) -> None:
        self.vol.copytree(src, dst)

    def copyfile(self, src: str, dst: str) -> None:
        self.vol.copyfile(src, dst)

    def copyfile_user(self, src: str, dst: str) -> None:
        with self.vol.fopen(src, "rb") as fsrc, self.vol.fopen(dst, "wb") as fdst:
            self.vol.copyfileobj(fsrc, fdst, 1 * MIB)

    def read_whole(self, path: str) -> int:
        with self.vol.fopen(path, "rb") as f:
            return len(f.read())


class PathAdapter(GpathAdapter):
    name = "gpath.path"

    def __init__(self, host: str, volname: str, mnt: str | None) -> None:
        super().__init__(host, volname, mnt)
        import gpath.path  # noqa: F401  (imported on first use otherwise: inside the timing)

    def p(self, path: str) -> Any:
        return self.vol.path(path)

    def open_raw(self, path: str, mode: str) -> Any:
        return self.p(path).open(mode, buffering=0)

    def open_buffered(self, path: str) -> Any:
        return self.p(path).open("rb")

    def meta_op(self, workload: str, data: bytes) -> Callable[[str], Any]:
        path = self.vol.path
        if workload == "create":
            return lambda p: path(p).write_bytes(data)
        if workload == "stat":
            return lambda p: path(p).stat()
        return lambda p: path(p).unlink()

    def listdir(self, path: str) -> int:
        return sum(1 for _ in self.p(path).iterdir())

    def scandir_isfile(self, path: str) -> int:
        return sum(1 for child in self.p(path).iterdir() if child.is_file())

    def scandir_info_isfile(self, path: str) -> int:
        return sum(1 for child in self.p(path).iterdir() if child.info.is_file())

    def walk(self, path: str) -> int:
        return sum(len(files) for _, _, files in self.p(path).walk())

    def rglob(self, path: str, pattern: str) -> int:
        return sum(1 for _ in self.p(path).rglob(pattern))

    def rmtree(self, path: str) -> None:
        self.p(path).rmtree()

    def copytree(self, src: str, dst: str) -> None:
        self.p(src).copy(self.p(dst))

    def copyfile(self, src: str, dst: str) -> None:
        self.p(src).copy(self.p(dst))

    def read_whole(self, path: str) -> int:
        return len(self.p(path).read_bytes())


class NaiveAdapter(GpathAdapter):
    """What a user writes with only the low-level calls, one at a time, one thread."""

    name = "naive"

    def _tree(self, path: str) -> tuple[list[str], list[str]]:
        dirs: list[str] = []
        files: list[str] = []
        for name in self.vol.listdir(path):
            child = f"{path}/{name}"
            (dirs if self.vol.isdir(child) else files).append(child)
        return dirs, files

    def rglob(self, path: str, pattern: str) -> int:
        import fnmatch

        dirs, files = self._tree(path)
        found = sum(1 for f in files if fnmatch.fnmatch(os.path.basename(f), pattern))
        return found + sum(self.rglob(d, pattern) for d in dirs)

    def rmtree(self, path: str) -> None:
        dirs, files = self._tree(path)
        for f in files:
            self.vol.unlink(f)
        for d in dirs:
            self.rmtree(d)
        self.vol.rmdir(path)

    def copytree(self, src: str, dst: str) -> None:
        self.vol.mkdir(dst)
        dirs, files = self._tree(src)
        for f in files:
            with self.vol.fopen(f, "rb") as fin, self.vol.fopen(f"{dst}/{os.path.basename(f)}", "wb") as fout:
                fout.write(fin.read())
        for d in dirs:
            self.copytree(d, f"{dst}/{os.path.basename(d)}")


class CffiAdapter(GpathAdapter):
    """Bare libgfapi calls through gpath's cffi module on a gpath mount: no argument checks,
    no handle guard, no result objects.  What gpath adds is the gap between this and gpath."""

    name = "cffi"

    def __init__(self, host: str, volname: str, mnt: str | None) -> None:
        super().__init__(host, volname, mnt)
        from gpath._lowlevel import ffi, lib

        self.ffi, self.lib = ffi, lib
        self.fs = self.vol._mount.handle.ptr  # type: ignore[union-attr]
        self.st = ffi.new("struct stat *")

    def open_raw(self, path: str, mode: str) -> Any:
        if mode != "rb":
            return super().open_raw(path, mode)
        return _BareReader(self.ffi, self.lib, self.lib.glfs_open(self.fs, path.encode(), os.O_RDONLY))

    def meta_op(self, workload: str, data: bytes) -> Callable[[str], Any]:
        # Lookups hoisted out of the calls: what a careful bare-cffi loop is.
        ffi, lib, fs, st = self.ffi, self.lib, self.fs, self.st
        NULL, creat, write, close, size = ffi.NULL, lib.glfs_creat, lib.glfs_write, lib.glfs_close, len(data)
        flags = os.O_WRONLY | os.O_TRUNC

        def create(path: str) -> None:
            fd = creat(fs, path.encode(), flags, 0o644)
            if fd == NULL or write(fd, data, size, 0) != size or close(fd):
                raise OSError(ffi.errno, f"create {path}")

        def stat(path: str) -> None:
            if lib.glfs_stat(fs, path.encode(), st):
                raise OSError(ffi.errno, f"stat {path}")

        def unlink(path: str) -> None:
            if lib.glfs_unlink(fs, path.encode()):
                raise OSError(ffi.errno, f"unlink {path}")

        return {"create": create, "stat": stat, "unlink": unlink}[workload]

    def seek_cur(self, f: _BareReader) -> Callable[[], Any]:
        lseek, fd = self.lib.glfs_lseek, f.fd
        return lambda: lseek(fd, 0, os.SEEK_CUR)


class _BareReader:
    """A glfd read with bare glfs_read calls (readinto rows): the floor of a cffi binding."""

    def __init__(self, ffi: Any, lib: Any, fd: Any) -> None:
        if fd == ffi.NULL:
            raise OSError(ffi.errno, "glfs_open")
        self.ffi, self.lib, self.fd = ffi, lib, fd

    def readinto(self, buf: bytearray) -> int:
        n: int = self.lib.glfs_read(self.fd, self.ffi.from_buffer(buf), len(buf), 0)
        if n < 0:
            raise OSError(self.ffi.errno, "glfs_read")
        return n

    def close(self) -> None:
        self.lib.glfs_close(self.fd)


class FuseAdapter(Adapter):
    name = "fuse"

    def f(self, path: str) -> str:
        assert self.mnt is not None
        return self.mnt + path

    native = f

    def meta_op(self, workload: str, data: bytes) -> Callable[[str], Any]:
        if workload != "create":
            return os.stat if workload == "stat" else os.unlink

        def create(path: str) -> None:
            with open(path, "wb") as f:
                f.write(data)

        return create

    def open_raw(self, path: str, mode: str) -> Any:
        f = open(self.f(path), mode, buffering=0)
        if "r" in mode:  # read from the bricks, not from the kernel's page cache
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        return f

    def open_buffered(self, path: str) -> Any:
        f = open(self.f(path), "rb")
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        return f

    def seek_cur(self, f: Any) -> Callable[[], Any]:
        fd = f.fileno()
        return lambda: os.lseek(fd, 0, os.SEEK_CUR)

    def listdir(self, path: str) -> int:
        return len(os.listdir(self.f(path)))

    def scandir_isfile(self, path: str) -> int:
        with os.scandir(self.f(path)) as it:
            return sum(1 for e in it if e.is_file())

    def walk(self, path: str) -> int:
        return sum(len(files) for _, _, files in os.walk(self.f(path)))

    def rglob(self, path: str, pattern: str) -> int:
        return sum(1 for _ in Path(self.f(path)).rglob(pattern))

    def rmtree(self, path: str) -> None:
        shutil.rmtree(self.f(path))

    def copytree(self, src: str, dst: str) -> None:
        shutil.copytree(self.f(src), self.f(dst))

    def copyfile(self, src: str, dst: str) -> None:
        shutil.copyfile(self.f(src), self.f(dst))

    def copyfile_user(self, src: str, dst: str) -> None:
        with open(self.f(src), "rb") as fsrc, open(self.f(dst), "wb") as fdst:
            shutil.copyfileobj(fsrc, fdst, 1 * MIB)

    def read_whole(self, path: str) -> int:
        with open(self.f(path), "rb") as f:
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            return len(f.read())


class GfapiAdapter(GpathAdapter):
    """libgfapi-python 1.2 (ctypes); ``from collections import Iterator`` needs a shim on 3.10+.

    Its Volume/File API is the one gpath's layer 1 implements, so every operation not
    overridden here is GpathAdapter's, run against the old binding's objects.
    """

    name = "gfapi-py"

    def __init__(self, host: str, volname: str, mnt: str | None) -> None:
        Adapter.__init__(self, host, volname, mnt)
        import collections
        import collections.abc

        for name in ("Iterator", "Iterable", "Mapping", "MutableMapping", "Sequence", "Callable"):
            setattr(collections, name, getattr(collections.abc, name))
        from gluster import gfapi

        self.vol = gfapi.Volume(host, volname)
        self.vol.mount()

    def finish(self) -> None:
        # Its umount() is glfs_fini (~10 s); every File is closed, so skip it like cbench.
        sys.stdout.flush()
        os._exit(0)

    def open_raw(self, path: str, mode: str) -> Any:
        return self.vol.fopen(path, mode.replace("b", ""))

    def open_buffered(self, path: str) -> Any:
        return self.vol.fopen(path, "r")  # its File is unbuffered: there is no buffered open


ADAPTERS: dict[str, type[Adapter]] = {
    "gpath": GpathAdapter,
    "gpath.path": PathAdapter,
    "naive": NaiveAdapter,
    "fuse": FuseAdapter,
    "gfapi-py": GfapiAdapter,
    "cffi": CffiAdapter,
}


def _res(unit: str, value: float, seconds: float, count: float) -> dict[str, Any]:
    return {"value": value, "unit": unit, "seconds": seconds, "count": count, "maxrss_kib": _maxrss_mib() * 1024}


def _timed(unit: str, count_bytes: bool, fn: Callable[[], float]) -> dict[str, Any]:
    t0 = time.perf_counter()
    count = fn()
    t = time.perf_counter() - t0
    value = (count / MIB if count_bytes else count) / t
    return _res(unit, value, t, count)


def _threads(n: int, total: int, fn: Callable[[int], None]) -> None:
    """Run fn(i) for i in range(total) on n threads (contiguous shares)."""
    errors: list[BaseException] = []

    def share(k: int) -> None:
        try:
            for i in range(total * k // n, total * (k + 1) // n):
                fn(i)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    workers = [threading.Thread(target=share, args=(k,)) for k in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]


def _preimport(impl: str) -> None:
    if impl == "gfapi-py":
        import collections
        import collections.abc

        collections.Iterator = collections.abc.Iterator  # type: ignore[attr-defined]
        from gluster import gfapi  # noqa: F401
    elif impl != "fuse":
        from gpath import Volume  # noqa: F401  (gpath imports its modules lazily)


def worker(impl: str, workload: str, args: dict[str, Any]) -> tuple[dict[str, Any], Adapter | None]:
    """Run one measurement in this process; the adapter's mount is not timed.

    Returns the result and the adapter whose ``finish()`` the caller runs after printing.
    """
    if workload == "mount":
        _preimport(impl)  # the interpreter's import time is not mount latency
        t0 = time.perf_counter()
        a = ADAPTERS[impl](args["host"], args["volname"], args.get("mnt"))
        t = time.perf_counter() - t0
        return _res("s", t, t, 1), a
    if workload == "umount":
        a = ADAPTERS[impl](args["host"], args["volname"], args.get("mnt"))
        a.meta_op("stat", b"")(a.native("/"))  # the mount has made a round trip
        t0 = time.perf_counter()
        a.vol.umount()  # type: ignore[attr-defined]
        t = time.perf_counter() - t0
        return _res("s", t, t, 1), None
    a = ADAPTERS[impl](args["host"], args["volname"], args.get("mnt"))
    ad: Any = a
    path = args.get("path", "")
    if workload == "write":
        size, bs, fsync = args["size"], args["bs"], args["fsync"]
        buf = _pattern(bs)

        def run_write() -> float:
            f = ad.open_raw(path, "wb")
            for _ in range(size // bs):
                f.write(buf)
            if fsync:
                if hasattr(f, "fsync"):
                    f.fsync()
                else:
                    os.fsync(f.fileno())
            f.close()
            return float(size)

        result = _timed("MiB/s", True, run_write)
    elif workload in ("read", "readinto"):
        bs = args["bs"]

        def run_read() -> float:
            f = ad.open_raw(path, "rb")
            total = 0
            if workload == "read":
                while chunk := f.read(bs):
                    total += len(chunk)
            else:
                buf = bytearray(bs)
                while n := f.readinto(buf):
                    total += n
            f.close()
            return total

        result = _timed("MiB/s", True, run_read)
    elif workload == "buffered_read":
        bs = args["bs"]

        def run_buffered() -> float:
            f = ad.open_buffered(path)
            total = 0
            while chunk := f.read(bs):
                total += len(chunk)
            f.close()
            return total

        result = _timed("MiB/s", True, run_buffered)
    elif workload in ("create", "stat", "unlink"):
        d, n, nthreads = args["dir"], args["n"], args.get("threads", 1)
        data = _pattern(args.get("size", 4096))
        names = [ad.native(f"{d}/f{i:06d}") for i in range(n)]
        op = ad.meta_op(workload, data)

        def run_meta() -> float:
            if nthreads == 1:
                for name in names:
                    op(name)
            else:
                _threads(nthreads, n, lambda i: op(names[i]))
            return float(n)

        result = _timed("ops/s", False, run_meta)
    elif workload == "listdir":
        result = _timed("entries/s", False, lambda: ad.listdir(path))
    elif workload == "scandir":
        result = _timed("entries/s", False, lambda: ad.scandir_isfile(path))
    elif workload == "scandir_info":
        result = _timed("entries/s", False, lambda: ad.scandir_info_isfile(path))
    elif workload == "walk":
        result = _timed("files/s", False, lambda: ad.walk(path))
    elif workload == "rglob":
        result = _timed("files/s", False, lambda: ad.rglob(path, "*.dat"))
    elif workload == "rmtree":
        n = args["n"]
        result = _timed("files/s", False, lambda: (ad.rmtree(path), n)[1])
    elif workload == "copytree":
        n = args["n"]
        result = _timed("files/s", False, lambda: (ad.copytree(path, args["dst"]), n)[1])
    elif workload in ("copy_server", "copy_user"):
        size = args["size"]
        fn = ad.copyfile if workload == "copy_server" else ad.copyfile_user
        result = _timed("MiB/s", True, lambda: (fn(path, args["dst"]), size)[1])
    elif workload == "trivial":
        n = args["n"]
        f = ad.open_raw(path, "rb")
        call = ad.seek_cur(f)
        t0 = time.perf_counter()
        for _ in range(n):
            call()
        t = time.perf_counter() - t0
        f.close()
        result = _res("us/call", t / n * 1e6, t, n)
    elif workload == "rss_read":
        base = _maxrss_mib()
        t0 = time.perf_counter()
        size = ad.read_whole(path)
        t = time.perf_counter() - t0
        result = _res("MiB", _maxrss_mib(), t, size)
        result["baseline_mib"] = base
    elif workload == "rss_copy":
        base = _maxrss_mib()
        t0 = time.perf_counter()
        ad.copyfile(path, args["dst"])
        t = time.perf_counter() - t0
        result = _res("MiB", _maxrss_mib(), t, args["size"])
        result["baseline_mib"] = base
    else:
        raise SystemExit(f"unknown workload {workload}")
    return result, a


# ============================================================================================
# Runner side
# ============================================================================================


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


def sh(argv: list[str], timeout: float = RUN_TIMEOUT, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def build_cbench() -> None:
    BIN.mkdir(exist_ok=True)
    src = HERE / "cbench.c"
    if CBENCH.exists() and CBENCH.stat().st_mtime > src.stat().st_mtime:
        return
    flags = sh(["pkg-config", "--cflags", "--libs", "glusterfs-api"]).stdout.split()
    sh(["cc", "-O2", "-o", str(CBENCH), str(src), *flags, "-lpthread"])
    log(f"built {CBENCH}")


def gfapi_python() -> tuple[str | None, str]:
    """The venv interpreter with gfapi 1.2, creating it if needed; (None, reason) if not."""
    py = GFAPI_VENV / "bin" / "python"
    probe = "import collections, collections.abc\ncollections.Iterator = collections.abc.Iterator\nfrom gluster import gfapi"
    if py.exists() and sh([str(py), "-c", probe], check=False).returncode == 0:
        return str(py), ""
    try:
        sh([sys.executable, "-m", "venv", str(GFAPI_VENV)])
        sh([str(py), "-m", "pip", "install", "-q", "gfapi==1.2"], timeout=600)
        sh([str(py), "-c", probe])
    except Exception as exc:  # no network, no venv module...
        return None, f"libgfapi-python could not be installed: {exc}"
    return str(py), ""


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    gv = sh(["glusterfs", "--version"], check=False).stdout.splitlines()
    kernel = platform.release()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem / 2**30, 1),
        "glusterfs": gv[0] if gv else "unknown",
        "kernel": kernel,
        "python": platform.python_version(),
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


class Bench:
    def __init__(self, opts: argparse.Namespace) -> None:
        self.opts = opts
        self.quick = opts.quick
        self.reps = opts.reps or (2 if self.quick else 5)
        # Rows whose targets sit within a few per cent of C (1 MiB I/O, create/stat/unlink):
        # one round's ratio scatters by +-10-20 %, so the median of 5 is itself uncertain by
        # about +-6 %, more than the margin; 15 rounds bring that to about +-3 %.  The 1 MiB
        # read rows and the stat row are cheap (~1 s per measurement) and missed the line by
        # less than that in the full runs: 40 rounds (about +-2 %); so do the 1 MiB writes.
        # The 1 MiB reads read a 1 GiB file (fine_read_size), not 256 MiB: a fresh process then
        # reads for about 1 s instead of 0.2 s, so its fixed costs (open, close, first touches)
        # weigh a quarter as much, and the interquartile range of the C loop against itself
        # narrowed from about +-3.5 % to +-2.7 % (20 rounds each).  Writes stay at 256 MiB:
        # 1 GiB writes ran into the brick's disk writeback and scattered 460-1,450 MiB/s.
        # The rmtree/copytree rows (about 40 s a round) get 10: their 5-round medians
        # scattered from 1.7 to 2.3x over the runs, around a 2x line.
        self.close_reps = self.reps if self.quick else 3 * self.reps
        self.fine_reps = self.reps if self.quick else 8 * self.reps
        self.tree_reps = self.reps if self.quick else 2 * self.reps
        self.host = ""
        self.mnt: str | None = None
        self.gfapi_py: str | None = None
        self.skipped: dict[str, str] = {}  # impl -> reason
        self.results: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.early: dict[tuple[str, str], Any] = {}  # (workload, impl) -> Future, --quick only
        self.meta: dict[str, Any] = {}
        self.root = f"/bench-{os.getpid()}"
        q = self.quick
        self.big = (64 if q else 256) * MIB
        self.fine_read_size = (64 if q else 1024) * MIB  # the file of the 1 MiB read rows
        self.small4k = (8 if q else 32) * MIB
        self.nfiles = 300 if q else 2000
        self.rss_size = (128 if q else 512) * MIB
        self.listing = 5000 if q else 20000
        self.tree = (10, 50) if q else (20, 100)  # directories x files
        self.blocks = [1 * MIB, 4 * KIB] if q else [1 * MIB, 128 * KIB, 4 * KIB]
        self.thread_counts = [1, 8] if q else [1, 2, 4, 8]

    # -- plumbing ----------------------------------------------------------------------------

    def c(self, *args: Any, timeout: float = RUN_TIMEOUT) -> dict[str, Any]:
        out = sh([str(CBENCH), self.host, VOLNAME, *map(str, args)], timeout=timeout)
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))

    def py_argv(self, impl: str, workload: str, args: dict[str, Any]) -> list[str]:
        python = self.gfapi_py if impl == "gfapi-py" else sys.executable
        full = {"host": self.host, "volname": VOLNAME, "mnt": self.mnt, **args}
        return [str(python), str(Path(__file__).resolve()), "--worker", impl, workload, json.dumps(full)]

    def run_one(self, impl: str, workload: str, args: dict[str, Any], cargs: list[Any] | None) -> dict[str, Any]:
        """One measurement in a fresh process; failures become results, never exceptions."""
        if impl in ("c", "c2"):
            if cargs is None:
                return {"error": "not measured for C"}
            argv = [str(CBENCH), self.host, VOLNAME, *map(str, cargs)]
        else:
            argv = self.py_argv(impl, workload, args)
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {RUN_TIMEOUT:.0f} s"}
        if proc.returncode != 0:
            sig = -proc.returncode if proc.returncode < 0 else None
            tail = " | ".join(line for line in proc.stderr.strip().splitlines()[-3:] if line.strip())
            what = f"killed by signal {sig}" if sig else f"exit {proc.returncode}"
            return {"error": f"{what}: {tail[-300:]}" if tail else what}
        try:
            return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            return {"error": f"no result: {proc.stdout[-200:]} {proc.stderr[-200:]}"}

    def measure(
        self,
        name: str,
        group: str,
        workload: str,
        args: dict[str, Any],
        cargs: list[Any] | None,
        impls: tuple[str, ...],
        better: str = "high",
        per_run_args: Callable[[str, int], dict[str, Any]] | None = None,
        setup: Callable[[str, int], object] | None = None,
        cleanup: Callable[[str, int], object] | None = None,
        reps: int | None = None,
        unit: str = "",
        note: str = "",
        runner: Callable[[str, int], dict[str, Any]] | None = None,
    ) -> None:
        """Run *impls* interleaved for *reps* rounds and record the values."""
        if self.opts.only and not any(tok in name for tok in self.opts.only):
            return
        impls = tuple(i for i in impls if i not in self.skipped and i in self.opts.impls)
        rounds = reps or self.reps
        entry: dict[str, Any] = {"name": name, "group": group, "better": better, "unit": unit, "note": note,
                                 "impls": {i: {"values": [], "errors": [], "rss_mib": []} for i in impls}}
        t0 = time.monotonic()
        for rnd in range(rounds):
            # Interleaved, and rotated each round so no implementation always runs first.
            for impl in impls[rnd % len(impls):] + impls[:rnd % len(impls)]:
                extra = per_run_args(impl, rnd) if per_run_args else {}
                if setup:
                    setup(impl, rnd)
                if runner is not None:
                    res = runner(impl, rnd)
                else:
                    res = self.run_one(impl, workload, {**args, **extra}, self._cargs(cargs, extra))
                if cleanup:
                    try:
                        cleanup(impl, rnd)
                    except Exception as exc:  # keep going: the next setup starts afresh
                        log(f"  cleanup after {name}/{impl}: {exc}")
                slot = entry["impls"][impl]
                if "error" in res:
                    slot["values"].append(None)
                    slot["errors"].append(res["error"])
                else:
                    slot["values"].append(res["value"])
                    entry["unit"] = entry["unit"] or res.get("unit", "")
                    if "maxrss_kib" in res:
                        slot["rss_mib"].append(round(res["maxrss_kib"] / 1024, 1))
        self._summarize(entry)
        self.results.append(entry)
        log(f"{name:<28} {time.monotonic() - t0:6.1f} s  " + "  ".join(
            f"{i}={s['median']:.4g}" if s["median"] is not None else f"{i}=ERR" for i, s in entry["impls"].items()))

    @staticmethod
    def _cargs(cargs: list[Any] | None, extra: dict[str, Any]) -> list[Any] | None:
        if cargs is None:
            return None
        return [extra.get(a[1:], a) if isinstance(a, str) and a.startswith("$") else a for a in cargs]

    @staticmethod
    def _summarize(entry: dict[str, Any]) -> None:
        base = entry["impls"].get("c", {}).get("values", [])
        for impl, slot in entry["impls"].items():
            vals = [v for v in slot["values"] if v is not None]
            slot["median"] = statistics.median(vals) if vals else None
            slot["min"] = min(vals) if vals else None
            slot["max"] = max(vals) if vals else None
            ratios = [v / b for v, b in zip(slot["values"], base) if v is not None and b]
            slot["ratio_vs_c"] = (
                {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)} if ratios else None
            )

    def paired(self, name: str, impl: str, ref: str) -> dict[str, float] | None:
        """Median/min/max of per-round ratios impl/ref within one workload."""
        entry = self.entry(name)
        if entry is None or impl not in entry["impls"] or ref not in entry["impls"]:
            return None
        a, b = entry["impls"][impl]["values"], entry["impls"][ref]["values"]
        ratios = [x / y for x, y in zip(a, b) if x is not None and y]
        if not ratios:
            return None
        return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}

    def entry(self, name: str) -> dict[str, Any] | None:
        return next((e for e in self.results if e["name"] == name), None)

    def med(self, name: str, impl: str) -> float | None:
        e = self.entry(name)
        return e["impls"][impl]["median"] if e and impl in e["impls"] else None

    # -- environment ---------------------------------------------------------------------------

    def setup_env(self) -> None:
        build_cbench()
        sys.path.insert(0, str(ROOT))
        from gpath.testing import cluster

        log(f"creating volume {VOLNAME} through the harness ...")
        cluster.ensure_glusterd()
        cluster.ensure_volume(VOLNAME, "distribute", 1)
        self.host = cluster.client_host()
        if "gfapi-py" in self.opts.impls:
            self.gfapi_py, reason = gfapi_python()
            if self.gfapi_py is None:
                self.skipped["gfapi-py"] = reason
        try:
            import gpath.path  # noqa: F401

            if not hasattr(gpath.path, "GlusterPath"):
                raise ImportError("gpath.path has no GlusterPath")
        except ImportError as exc:
            self.skipped["gpath.path"] = f"GlusterPath not available: {exc}"
        if "fuse" in self.opts.impls:
            try:
                self.mnt = tempfile.mkdtemp(prefix="gpath-bench-fuse-")
                sh(["mount", "-t", "glusterfs", f"{self.host}:/{VOLNAME}", self.mnt], timeout=60)
                for _ in range(100):
                    if os.path.ismount(self.mnt):
                        break
                    time.sleep(0.05)
                else:
                    raise RuntimeError("mount point did not appear")
            except Exception as exc:
                self.skipped["fuse"] = f"FUSE mount failed: {exc}"
                self.mnt = None
        self.c("mkdir", self.root)

    def teardown_env(self) -> None:
        try:
            self.c("rmtree", self.root, timeout=900)
        except Exception as exc:
            log(f"cleanup of {self.root}: {exc}")
        if self.mnt:
            if sh(["umount", self.mnt], check=False).returncode != 0:
                sh(["umount", "-l", self.mnt], check=False)
            try:
                os.rmdir(self.mnt)
            except OSError:
                pass
        if not self.opts.keep_volume:
            from gpath.testing import cluster

            cluster.delete_volume(VOLNAME)

    # -- the workloads -------------------------------------------------------------------------

    def run(self) -> None:
        r = self.root
        data = f"{r}/data"
        log("preparing data ...")
        self.c("mkdir", data)
        self.c("write", f"{data}/big.bin", self.big, MIB, 0)
        self.c("write", f"{data}/fine.bin", self.fine_read_size, MIB, 0)
        self.c("write", f"{data}/small.bin", self.small4k, MIB, 0)
        self.c("mknod", f"{data}/dir20k", self.listing, 8, timeout=900)
        self.c("mktree", f"{data}/tree", *self.tree, 4096, 8, timeout=900)
        self.c("mkdir", f"{data}/stat")
        self.c("create", f"{data}/stat", self.nfiles, 8, 4096)
        ntree = self.tree[0] * self.tree[1]
        basic = ("c", "gpath", "gpath.path", "fuse", "gfapi-py")
        near_c = ("c", "c2") + basic[1:]  # rows whose targets sit within 5 % of C

        def out(impl: str, rnd: int) -> dict[str, Any]:
            return {"path": f"{r}/w-{impl}-{rnd}.bin"}

        # Sequential I/O -------------------------------------------------------------------
        for bs in self.blocks:
            label = _bs_label(bs)
            size = self.big if bs >= 128 * KIB else self.small4k
            reps = self.fine_reps if bs == MIB else self.reps
            impls = near_c if bs == MIB else basic
            for fsync in ([False, True] if bs >= 128 * KIB or not self.quick else [False]):
                suffix = "+fsync" if fsync else ""
                self.measure(
                    f"write {label}{suffix}", "sequential", "write",
                    {"size": size, "bs": bs, "fsync": fsync},
                    ["write", "$path", size, bs, int(fsync)], impls,
                    per_run_args=out, cleanup=lambda i, k: self.c("rm", out(i, k)["path"]), unit="MiB/s",
                    reps=reps,
                )
            src = f"{data}/{'fine' if bs == MIB else 'big' if bs >= 128 * KIB else 'small'}.bin"
            for op in ("read", "readinto"):
                self.measure(f"{op} {label}", "sequential", op, {"path": src, "bs": bs},
                             ["read", src, bs], impls + (("cffi",) if op == "readinto" else ()), unit="MiB/s",
                             reps=reps,
                             note="C: glfs_read (read and readinto are the same call); cffi: bare glfs_read "
                                  "calls into the same bytearray")
        self.measure("buffered read 4K", "sequential", "buffered_read", {"path": f"{data}/small.bin", "bs": 4096},
                     ["read", f"{data}/small.bin", 4096], basic, unit="MiB/s",
                     note="open('rb') default buffering, read(4096); C and gfapi-py: raw 4 KiB reads")

        # Small files: create, stat, unlink of the same set -------------------------------------
        def sdir(impl: str, rnd: int) -> dict[str, Any]:
            return {"dir": f"{r}/small-{impl}-{rnd}"}

        def mkdir_small(impl: str, rnd: int) -> None:
            self.c("mkdir", f"{r}/small-{impl}-{rnd}")

        n = self.nfiles
        meta = basic + ("cffi",)
        # unlink uses round k's directory from the create row.  stat uses the shared directory
        # of the thread rows, so every implementation stats the same files (the brick's caches
        # are then alike for all) and the row can afford fine_reps rounds.
        reps = self.close_reps
        self.measure("create+write 4K+close", "metadata", "create", {"n": n, "size": 4096},
                     ["create", "$dir", n, 1, 4096], meta, per_run_args=sdir, setup=mkdir_small, unit="ops/s",
                     reps=reps)
        self.measure("stat", "metadata", "stat", {"n": n, "dir": f"{data}/stat"}, ["stat", f"{data}/stat", n, 1],
                     near_c + ("cffi",), unit="ops/s", reps=self.fine_reps)
        self.measure("unlink", "metadata", "unlink", {"n": n}, ["unlink", "$dir", n, 1], meta,
                     per_run_args=sdir, cleanup=lambda i, k: self.c("rmtree", f"{r}/small-{i}-{k}"), unit="ops/s",
                     reps=reps,
                     note="cffi: bare glfs_* calls through gpath's compiled module, without gpath's Python "
                          "(the floor of a cffi binding); also in the create/stat rows and the trivial call")

        # Listing a 20,000-entry directory --------------------------------------------------
        d20 = f"{data}/dir20k"
        lk = f"{self.listing // 1000}k"
        self.measure(f"listdir {lk}", "listing", "listdir", {"path": d20}, ["readdir", d20], basic,
                     unit="entries/s", note="C: glfs_readdir_r names only")
        self.measure(f"scandir+is_file {lk}", "listing", "scandir", {"path": d20}, ["readdirplus", d20], basic,
                     unit="entries/s", note="C: glfs_readdirplus_r; gpath.path: iterdir() + is_file(), "
                     "which asks the server for each entry (pathlib semantics)")
        self.measure(f"iterdir+info.is_file {lk}", "listing", "scandir_info", {"path": d20}, ["readdirplus", d20],
                     ("c", "gpath", "gpath.path"), unit="entries/s",
                     note="gpath.path: iterdir() + info.is_file() (the stat that came with the listing); "
                     "gpath: scandir() + is_file()")

        # Trees of 2,000 files ----------------------------------------------------------------
        tree = f"{data}/tree"
        tree_impls = basic + ("naive",)
        tk = f"{ntree / 1000:g}k"
        self.measure(f"walk {tk}-file tree", "trees", "walk", {"path": tree}, ["walk", tree], basic, unit="files/s")
        self.measure("rglob *.dat", "trees", "rglob", {"path": tree}, ["walk", tree], tree_impls, unit="files/s",
                     note="C: readdirplus walk; gpath/gfapi-py: walk()+fnmatch; naive: listdir+isdir recursion")

        def fresh_tree(impl: str, rnd: int) -> None:
            self.c("mktree", f"{r}/rm-{impl}-{rnd}", *self.tree, 4096, 8, timeout=900)

        self.measure(f"rmtree {tk} files", "trees", "rmtree", {"n": ntree}, ["rmtree", "$path"], tree_impls,
                     per_run_args=lambda i, k: {"path": f"{r}/rm-{i}-{k}"}, setup=fresh_tree, unit="files/s",
                     reps=self.tree_reps)
        self.measure(f"copytree {tk} files", "trees", "copytree", {"n": ntree, "path": tree},
                     ["copytree", tree, "$dst"], tree_impls,
                     per_run_args=lambda i, k: {"dst": f"{r}/cp-{i}-{k}"},
                     cleanup=lambda i, k: self.c("rmtree", f"{r}/cp-{i}-{k}"), unit="files/s",
                     reps=self.tree_reps)

        # copyfile within the volume ----------------------------------------------------------
        big = f"{data}/big.bin"
        for kind, cname in (("server", "copy_server"), ("user", "copy_user")):
            self.measure(f"copyfile {kind}-side", "copy", cname, {"path": big, "size": self.big},
                         [cname, big, "$dst"] + ([MIB] if kind == "user" else []), basic,
                         per_run_args=lambda i, k: {"dst": f"{r}/copy-{i}-{k}.bin"},
                         cleanup=lambda i, k: self.c("rm", f"{r}/copy-{i}-{k}.bin"), unit="MiB/s",
                         note="server-side: C's glfs_copy_file_range; gpath, gpath.path and gfapi-py "
                              "copy through the client there too (gpath: Volume.copyfile and "
                              "GlusterPath.copy, 1 MiB pieces; on GlusterFS 10.3 each copy_file_range "
                              "leaves the destination open on the brick until it restarts); fuse: "
                              "shutil.copyfile.  user: 1 MiB read/write loop")

        # Threads on one Volume -----------------------------------------------------------------
        for nt in self.thread_counts:
            self.measure(f"stat x{nt} threads", "threads", "stat", {"n": n, "dir": f"{data}/stat", "threads": nt},
                         ["stat", f"{data}/stat", n, nt], basic, unit="ops/s")

            def tc_args(impl: str, rnd: int, nt: int = nt) -> dict[str, Any]:
                return {"dir": f"{r}/tc{nt}-{impl}-{rnd}"}

            def tc_setup(impl: str, rnd: int, nt: int = nt) -> None:
                self.c("mkdir", f"{r}/tc{nt}-{impl}-{rnd}")

            def tc_cleanup(impl: str, rnd: int, nt: int = nt) -> None:
                self.c("rmtree", f"{r}/tc{nt}-{impl}-{rnd}")

            self.measure(f"create x{nt} threads", "threads", "create", {"n": n, "size": 4096, "threads": nt},
                         ["create", "$dir", n, nt, 4096], basic,
                         per_run_args=tc_args, setup=tc_setup, cleanup=tc_cleanup, unit="ops/s")

        # Per-call overhead ---------------------------------------------------------------------
        self.measure("trivial call (lseek CUR)", "overhead", "trivial", {"path": big, "n": 300_000},
                     ["trivial", big, 3_000_000], basic + ("cffi",), better="low", unit="us/call",
                     note="glfs_lseek(fd, 0, SEEK_CUR); fuse: os.lseek syscall")

        # Peak RSS --------------------------------------------------------------------------------
        rss = f"{data}/rss.bin"
        self.c("write", rss, self.rss_size, MIB, 0)
        self.measure(f"peak RSS read() {self.rss_size // MIB} MiB", "memory", "rss_read", {"path": rss},
                     ["read_whole", rss], basic, better="low", unit="MiB",
                     runner=lambda i, k: self._rss(i, "rss_read", {"path": rss}, ["read_whole", rss]))
        self.measure(f"peak RSS copy {self.rss_size // MIB} MiB", "memory", "rss_copy",
                     {"path": rss, "size": self.rss_size}, None, basic, better="low", unit="MiB",
                     runner=lambda i, k: self._rss(i, "rss_copy", {"path": rss, "size": self.rss_size,
                                                                   "dst": f"{r}/rsscp-{i}-{k}.bin"},
                                                   ["copy_server", rss, f"{r}/rsscp-{i}-{k}.bin"]))
        self.c("rmtree", r + "/data", timeout=900)

        # Mount, unmount, whole process -------------------------------------------------------------
        slow_reps = 1 if self.quick else 3
        if self.quick:
            # The C and gfapi-py unmounts sleep ~10 s in glfs_fini: in --quick their single
            # measurements run concurrently, in the background of the others.
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(4)
            for impl in ("c", "gfapi-py"):
                if impl not in self.skipped and impl in self.opts.impls:
                    self.early[("umount", impl)] = pool.submit(self._umount_run, impl, 0, True)
                    self.early[("whole", impl)] = pool.submit(self._whole_run, impl, 0, True)
            pool.shutdown(wait=False)
        self.measure("mount", "lifecycle", "mount", {}, ["mount"], ("c", "gpath", "fuse", "gfapi-py"),
                     better="low", unit="s", runner=self._mount_run)
        self.measure("umount", "lifecycle", "umount", {}, ["umount"], ("c", "gpath", "fuse", "gfapi-py"),
                     better="low", unit="s", reps=slow_reps, runner=self._umount_run,
                     note="C and gfapi-py: plain glfs_fini; gpath: umount() (disconnect, background fini)")
        self.measure("mount+write+umount+exit", "lifecycle", "whole", {}, None,
                     ("c", "gpath", "gpath.path", "fuse", "gfapi-py"), better="low", unit="s", reps=slow_reps,
                     runner=self._whole_run,
                     note="wall time of a whole process writing 1 MiB; fuse: mount(8) + python + umount(8)")

    def _rss(self, impl: str, workload: str, args: dict[str, Any], cargs: list[Any]) -> dict[str, Any]:
        res = self.run_one(impl, workload, args, cargs)
        if "dst" in args:
            self.c("rm", args["dst"])
        if "error" not in res:
            res["value"] = round(res["maxrss_kib"] / 1024, 1)
        return res

    def _mount_run(self, impl: str, rnd: int) -> dict[str, Any]:
        if impl == "fuse":
            mnt = tempfile.mkdtemp(prefix="gpath-bench-m-")
            t0 = time.perf_counter()
            proc = subprocess.run(["mount", "-t", "glusterfs", f"{self.host}:/{VOLNAME}", mnt],
                                  capture_output=True, text=True, check=False)
            t = time.perf_counter() - t0
            subprocess.run(["umount", mnt], capture_output=True, check=False)
            os.rmdir(mnt)
            return {"value": t, "unit": "s"} if proc.returncode == 0 else {"error": proc.stderr[-200:]}
        return self.run_one(impl, "mount", {}, ["mount"])

    def _umount_run(self, impl: str, rnd: int, early: bool = False) -> dict[str, Any]:
        if not early and ("umount", impl) in self.early:
            return dict(self.early[("umount", impl)].result())
        if impl == "fuse":
            mnt = tempfile.mkdtemp(prefix="gpath-bench-u-")
            subprocess.run(["mount", "-t", "glusterfs", f"{self.host}:/{VOLNAME}", mnt], capture_output=True, check=False)
            os.stat(mnt)
            t0 = time.perf_counter()
            proc = subprocess.run(["umount", mnt], capture_output=True, text=True, check=False)
            t = time.perf_counter() - t0
            os.rmdir(mnt)
            return {"value": t, "unit": "s"} if proc.returncode == 0 else {"error": proc.stderr[-200:]}
        return self.run_one(impl, "umount", {}, ["umount"])

    def _whole_run(self, impl: str, rnd: int, early: bool = False) -> dict[str, Any]:
        if not early and ("whole", impl) in self.early:
            return dict(self.early[("whole", impl)].result())
        path = f"{self.root}/whole-{impl}-{rnd}{'-early' if early else ''}.bin"
        script = {
            "gpath": f"""
                from gpath import Volume
                vol = Volume({self.host!r}, {VOLNAME!r}); vol.mount()
                with vol.fopen({path!r}, "wb") as f:
                    f.write(bytes(1048576))
                vol.umount()
            """,
            "gpath.path": f"""
                from gpath import Volume
                vol = Volume({self.host!r}, {VOLNAME!r}); vol.mount()
                vol.path({path!r}).write_bytes(bytes(1048576))
                vol.umount()
            """,
            "gfapi-py": f"""
                import collections, collections.abc
                collections.Iterator = collections.abc.Iterator
                from gluster import gfapi
                vol = gfapi.Volume({self.host!r}, {VOLNAME!r}); vol.mount()
                with vol.fopen({path!r}, "w") as f:
                    f.write(bytes(1048576))
                vol.umount()
            """,
        }
        t0 = time.perf_counter()
        if impl == "c":
            proc = subprocess.run([str(CBENCH), self.host, VOLNAME, "whole", path, str(MIB)],
                                  capture_output=True, text=True, check=False)
        elif impl == "fuse":
            mnt = tempfile.mkdtemp(prefix="gpath-bench-w-")
            proc = subprocess.run(["mount", "-t", "glusterfs", f"{self.host}:/{VOLNAME}", mnt],
                                  capture_output=True, text=True, check=False)
            if proc.returncode == 0:
                proc = subprocess.run([sys.executable, "-c", f"open({mnt + path!r}, 'wb').write(bytes(1048576))"],
                                      capture_output=True, text=True, check=False)
                subprocess.run(["umount", mnt], capture_output=True, check=False)
            t = time.perf_counter() - t0
            os.rmdir(mnt)
            return {"value": t, "unit": "s"} if proc.returncode == 0 else {"error": proc.stderr[-200:]}
        else:
            python = self.gfapi_py if impl == "gfapi-py" else sys.executable
            proc = subprocess.run([str(python), "-c", textwrap.dedent(script[impl])],
                                  capture_output=True, text=True, check=False, cwd=str(ROOT))
        t = time.perf_counter() - t0
        if proc.returncode != 0:
            return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"}
        return {"value": t, "unit": "s"}


def _bs_label(bs: int) -> str:
    return f"{bs // MIB}M" if bs >= MIB else f"{bs // KIB}K"


# ============================================================================================
# Targets, table, JSON, docs, plot
# ============================================================================================


# The read 1M rows of gpath and gpath.path run the same File.read().
READ_WHY = ("read() is one C call per read (read_bytes: the bytes object is allocated and filled in C).  "
            "In one process on one mount (readfloor.py --same-process) read() measures 0.98x a C loop and "
            "new memory per call costs nothing; in fresh processes a bare cffi loop measures about 0.97x C "
            "(the floor of a Python process), and read() 0.96-0.97x on 1 GiB files.  The gpath and "
            "gpath.path rows run the same read(); no floor below the line is proven (Analysis: "
            "sequential reads)")

# Why a target can be missed on this stack (shown next to a missed target).  Keys are
# target-id prefixes; see the Analysis section of docs/benchmarks.md for the measurements.
WHY = {
    "seq-gpath-read ": READ_WHY,
    "seq-gpath.path-read ": READ_WHY,
    "seq-": "the same File code as the other row of the same operation.  The bare cffi loop, the floor of "
            "any cffi binding in a fresh Python process, is in the detail (~0.97x C): the Python between two "
            "1 MiB reads runs on caches the read has just evicted, 16 us per call for a bare loop "
            "(readfloor.py --cold); readinto() adds ~10 us (its method call, offset lock and checks), ~1 % "
            "of a read, which leaves it near 0.96x C, within a run's resolution of the line: not proven "
            "unreachable (Run-to-run variation; Analysis: sequential reads)",
    "buf4k-": "gpath's buffered reader makes one synchronous 1 MiB glfs_read per MiB (it runs at raw "
              "1 MiB read speed); FUSE's kernel read-ahead keeps several reads in flight, which would "
              "need asynchronous read-ahead (glfs_pread_async) in gpath",
    "meta-create": "gpath's File (an io.RawIOBase with an offset lock, a handle guard, a place in the "
                   "mount's registry and its own lock owner) costs ~45 us of CPU per file between round "
                   "trips; 0.95x leaves ~40 us for everything above C, of which the bare calls take part, "
                   "and libgfapi-python's unguarded File ends near the line (detail; Analysis: the "
                   "metadata gap)",
    "meta-stat": "one C call per stat that returns the os.stat_result (stat_path).  benchmarks/statfloor.py "
                 "(fresh processes, 30 rounds, the same 2,000 files for every row): bare cffi 0.997x C, "
                 "the stat_path builtin in a bare loop 0.983x, Volume.stat 0.968x.  Per-round ratios "
                 "scatter by +-10 %; the row measured 0.80-1.01x over the full runs, 0.956-0.962x in "
                 "the two before this one: not proven unreachable (Run-to-run variation; Analysis: "
                 "the metadata gap)",
    "meta-unlink": "gpath adds ~3 us cold (benchmarks/coldcost.py: 5.1 against 1.9 us for the bare call), "
                   "~1 % of a ~620 us unlink; the ratio scatters by more between runs (Run-to-run "
                   "variation)",
    "scandir": "per entry gpath copies only the name, mode and raw struct stat (DirEntry builds the "
               "os.stat_result and path on first use): ~0.97x C in isolation",
    "threads-": "the machine's 2 cores are the ceiling: benchmarks/threadfloor.py measured one thread "
                "already keeping 0.89 (stat) and 1.05 (create) of them busy, client and brick together, "
                "and the same CPU per file on 8 threads (stat 270 us, create ~1.7 ms), so 8 threads can "
                "gain at most 2.25x and 1.9x with both cores busy every moment; they reached 1.71-1.74 "
                "cores and 1.87x/1.70x.  C itself gains 1.5-2.2x from 8 threads over the full runs "
                "(this run's factor is in the detail) (Analysis: threads and trees)",
    "iterdir-info": "one GlusterPath and one lazily converted info per entry, against a DirEntry",
    "iterdir": "pathlib's contract: is_file() returns up-to-date information (the 3.14 docs send "
               "cached queries to Path.info), so each call is a glfs_stat, most of them a lookup round "
               "trip; iterdir() + info.is_file(), the pathlib 3.14 idiom, is the variant row",
    "tree-rglob": "GlusterPath.rglob() walks on one thread (gpath/_glob.py) and the naive loop's "
                  "isdir() is answered by md-cache (primed by readdirplus), so both are bound by "
                  "the same readdirplus round trips; 2x needs a parallel walk (the previous full "
                  "run measured 3.2x, this one less: the shared machine)",
    "tree-": "the machine's 2 cores are the ceiling: benchmarks/threadfloor.py measured the naive "
             "one-thread loop already keeping 0.88 (rmtree) and 0.99 (copy) of them busy, client and "
             "brick together, and the same CPU per file on any number of workers (rmtree ~0.42 ms, "
             "copy ~2.8 ms), so the most a pool can gain is 2.3x and 2.0x with both cores busy every "
             "moment; 32 workers reached 1.75-1.77 cores and 2.03x/2.10x there (Analysis: threads "
             "and trees)",
    "overhead": "File.lseek holds the File's offset lock (libgfapi's SEEK_CUR is an unlocked "
                "read-modify-write of the glfd offset that a concurrent read would race) around a bare "
                "cffi call (the cffi row)",
    "rss-": "libgfapi receives each read into its own buffer before copying it: reads go in 4 MiB "
            "pieces (GP_READ_CHUNK in gpath/_lowlevel/helpers.c)",
    "life-": "",
}


def _why(tid: str) -> str:
    for prefix in sorted(WHY, key=len, reverse=True):
        if tid.startswith(prefix):
            return WHY[prefix]
    return ""


def targets(b: Bench) -> list[dict[str, Any]]:
    """The issue's targets, evaluated from this run's paired ratios."""
    out: list[dict[str, Any]] = []

    def add(tid: str, text: str, measured: dict[str, float] | None, goal: float, how: str = ">=",
            detail: str = "") -> None:
        if measured is None:
            out.append({"id": tid, "target": text, "measured": None, "met": None, "detail": detail or "not measured"})
            return
        value = measured["median"]
        met = value >= goal if how == ">=" else value <= goal
        out.append({"id": tid, "target": text, "measured": measured, "met": met, "goal": goal, "how": how,
                    "detail": detail})

    def control(name: str) -> list[str]:
        """The C program against itself in the row *name*: the run's own resolution there."""
        again = b.paired(name, "c2", "c")
        return [] if again is None else [f"C again: {again['median']:.3f}x C"]

    read_floor = b.paired("readinto 1M", "cffi", "c")
    for impl in ("gpath", "gpath.path"):
        for name in ("read 1M", "readinto 1M", "write 1M", "write 1M+fsync"):
            parts = [f"bare cffi readinto: {read_floor['median']:.2f}x C"] if read_floor and "read" in name else []
            add(f"seq-{impl}-{name}", f"{impl}: {name} >= 0.95x C", b.paired(name, impl, "c"), 0.95,
                detail="; ".join(control(name) + parts))
        add(f"buf4k-{impl}", f"{impl}: buffered 4 KiB reads >= 1.0x FUSE",
            b.paired("buffered read 4K", impl, "fuse"), 1.0)
    for name in ("create+write 4K+close", "stat", "unlink"):
        floor = b.paired(name, "cffi", "c")
        old_py = b.paired(name, "gfapi-py", "c")
        parts = control(name) + [f"{label}: {r['median']:.2f}x C" for label, r in
                                 (("bare cffi loop", floor), ("libgfapi-python", old_py)) if r is not None]
        add(f"meta-{name}", f"gpath: {name} >= 0.95x C", b.paired(name, "gpath", "c"), 0.95,
            detail="; ".join(parts))
    lk = f"{b.listing // 1000}k"
    tk = f"{b.tree[0] * b.tree[1] / 1000:g}k"
    add("scandir", f"gpath: scandir {lk} >= 0.9x C readdirplus", b.paired(f"scandir+is_file {lk}", "gpath", "c"), 0.9)
    for op in ("stat", "create"):
        one, eight = b.entry(f"{op} x1 threads"), b.entry(f"{op} x8 threads")
        ratio = None
        if one and eight:
            ratio = _ratio_of_entries(eight, one, "gpath")
        c_ratio = _ratio_of_entries(eight, one, "c") if one and eight else None
        add(f"threads-{op}", f"gpath: {op} with 8 threads >= 2x its own 1 thread", ratio, 2.0,
            detail="" if c_ratio is None else f"C: {c_ratio['median']:.2f}x with 8 threads")
    add("iterdir", "GlusterPath.iterdir()+is_file() >= 0.9x low-level scandir loop",
        b.paired(f"scandir+is_file {lk}", "gpath.path", "gpath"), 0.9)
    add("iterdir-info", "(variant) GlusterPath.iterdir()+info.is_file() >= 0.9x low-level scandir loop",
        b.paired(f"iterdir+info.is_file {lk}", "gpath.path", "gpath"), 0.9)
    for name in ("rglob *.dat", f"rmtree {tk} files", f"copytree {tk} files"):
        tid = "tree-rglob" if name.startswith("rglob") else f"tree-{name}"
        add(tid, f"gpath.path: {name} >= 2x naive low-level loop", b.paired(name, "gpath.path", "naive"), 2.0)
    e = b.entry("trivial call (lseek CUR)")
    if e and e["impls"].get("gpath", {}).get("values"):
        diffs = [g - c for g, c in zip(e["impls"]["gpath"]["values"], e["impls"]["c"]["values"])
                 if g is not None and c is not None]
        if diffs:
            add("overhead", "gpath: trivial call <= 0.5 us above C",
                {"median": statistics.median(diffs), "min": min(diffs), "max": max(diffs)}, 0.5, "<=",
                detail="us above C")
    for label, name in (("read()", f"peak RSS read() {b.rss_size // MIB} MiB"), ("copy", f"peak RSS copy {b.rss_size // MIB} MiB")):
        v = b.med(name, "gpath")
        e2 = b.entry(name)
        goal = b.rss_size / MIB + 64 if label == "read()" else 64.0
        if v is not None and e2 is not None:
            vals = [x for x in e2["impls"]["gpath"]["values"] if x is not None]
            add(f"rss-{label}", f"gpath: peak RSS of {label} of {b.rss_size // MIB} MiB <= {goal:.0f} MiB",
                {"median": v, "min": min(vals), "max": max(vals)}, goal, "<=", detail="MiB")
    for name, goal in (("umount", 0.5), ("mount+write+umount+exit", 1.5)):
        e3 = b.entry(name)
        if e3 and "gpath" in e3["impls"]:
            s = e3["impls"]["gpath"]
            m = {"median": s["median"], "min": s["min"], "max": s["max"]} if s["median"] is not None else None
            add(f"life-{name}", f"gpath: {name} <= {goal} s", m, goal, "<=", detail="s")
    for t in out:
        t["why"] = _why(t["id"]) if t["met"] is False else ""
    return out


def _ratio_of_entries(a: dict[str, Any], b: dict[str, Any], impl: str) -> dict[str, float] | None:
    x, y = a["impls"].get(impl, {}).get("values", []), b["impls"].get(impl, {}).get("values", [])
    ratios = [p / q for p, q in zip(x, y) if p is not None and q]
    if not ratios:
        return None
    return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def table_rows(b: Bench) -> list[list[str]]:
    rows = []
    for e in b.results:
        for impl, s in e["impls"].items():
            r = s["ratio_vs_c"]
            ratio = "-" if impl == "c" or r is None else f"{r['median']:.2f} ({r['min']:.2f}-{r['max']:.2f})"
            if s["median"] is None:
                value, rng = "FAILED", _short_error(s["errors"])
            else:
                value = _fmt(s["median"])
                rng = f"{_fmt(s['min'])}-{_fmt(s['max'])}"
                if s["errors"]:
                    rng += f" ({len(s['errors'])} failed)"
            rows.append([e["name"], impl, value, rng, e["unit"], ratio])
    return rows


def _short_error(errors: list[str]) -> str:
    """The gist of a failure for the table (the JSON keeps the full text)."""
    text = (sorted(set(errors))[0] if errors else "failed").strip().rstrip(":").strip()
    for key in ("Segmentation", "signal", "Error:", "Error", "timed out"):
        at = text.find(key)
        if at >= 0:
            start = text.rfind("|", 0, at) + 1
            return text[start:start + 90].strip()
    return text[:90]


def print_table(b: Bench) -> str:
    head = ["workload", "impl", "median", "min-max", "unit", "ratio vs C (min-max)"]
    rows = table_rows(b)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    last = None
    for row in rows:
        if last is not None and row[0] != last:
            lines.append("")
        last = row[0]
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    text = "\n".join(lines)
    print(text)
    return text

def _fmt_measured(t: dict[str, Any]) -> str:
    """A target's "median (min-max)", with a fourth digit where three would round a median
    that misses its goal onto the goal (1.9967 is not shown as "2" next to "no")."""
    m = t["measured"]
    if m is None:
        return "-"
    median = f"{m['median']:.3g}"
    if float(median) == t.get("goal") and m["median"] != t["goal"]:
        median = f"{m['median']:.4g}"
    return f"{median} ({m['min']:.3g}-{m['max']:.3g})"


def print_targets(ts: list[dict[str, Any]]) -> None:
    print("\nTargets:")
    for t in ts:
        state = "n/a " if t["met"] is None else ("MET " if t["met"] else "MISS")
        val = _fmt_measured(t)
        extra = "; ".join(x for x in (t.get("detail", ""), t.get("why", "")) if x and x not in ("s", "MiB", "us above C"))
        print(f"  {state} {t['target']:<70} measured {val}" + (f"  [{extra}]" if extra else ""))


def plot(b: Bench, path: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install matplotlib): no plot"
    ops = [("write", "write {}"), ("read", "read {}"), ("readinto", "readinto {}")]
    labels = [_bs_label(bs) for bs in b.blocks]
    impls = [i for i in ("c", "gpath", "gpath.path", "fuse", "gfapi-py") if i in b.opts.impls and i not in b.skipped]
    fig, axes = plt.subplots(1, len(ops), figsize=(15, 4.8), sharey=True)
    width = 0.8 / max(len(impls), 1)
    for ax, (title, pattern) in zip(axes, ops):
        for k, impl in enumerate(impls):
            vals = [b.med(pattern.format(lbl), impl) or 0 for lbl in labels]
            ax.bar([x + k * width for x in range(len(labels))], vals, width, label=impl)
        ax.set_xticks([x + width * (len(impls) - 1) / 2 for x in range(len(labels))], labels)
        ax.set_title(f"sequential {title} (raw, unbuffered)")
        ax.set_xlabel("block size")
        ax.set_yscale("log")
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("MiB/s (median, log scale)")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(impls), fontsize=9)
    fig.suptitle(f"gpath benchmark: throughput by implementation and block size ({b.meta['date']})")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


def write_docs(b: Bench, ts: list[dict[str, Any]], table: str, cmd: str) -> None:
    m = b.meta
    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py` (issue 5); do not edit by hand: rerun "
        "`python benchmarks/run.py` (full, ~45 min) to refresh this page.  `--quick` runs a reduced "
        "set in under 3 minutes and leaves this page alone unless given `--docs`.",
        "",
        f"- Command: `{cmd}` ({'quick' if b.quick else 'full'} mode, {b.reps} interleaved rounds"
        + ("" if b.close_reps == b.reps else
           f", {b.close_reps} for the create/unlink rows, {b.tree_reps} for rmtree/copytree and "
           f"{b.fine_reps} for the 1 MiB reads and writes and stat, whose targets sit within a few per "
           "cent of their line")
        + "; lifecycle workloads with a 10 s glfs_fini: " + ("1 round" if b.quick else "3 rounds") + ")",
        f"- Machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gib']} GiB RAM, {m['glusterfs']}, "
        f"Linux {m['kernel']}, Python {m['python']}; {m['date']}",
        f"- Volume: `{VOLNAME}`, distribute over one brick on this machine (loopback), created by "
        "`gpath.testing.cluster.ensure_volume` and deleted afterwards",
        "- Each implementation runs each measurement in a process of its own; rounds interleave the "
        "implementations (A B C A B C ...).  `ratio vs C` is the median (min-max) of the per-round "
        "ratios implementation/C: above 1 is faster for rates, below 1 is better for times and memory.",
        "- Sizes: sequential files "
        f"{b.big // MIB} MiB (1 MiB reads: {b.fine_read_size // MIB} MiB, 4 KiB blocks: {b.small4k // MIB} MiB); "
        f"{b.nfiles} small files; a "
        f"{b.listing}-entry directory; a tree of {b.tree[0]}x{b.tree[1]} 4 KiB files; RSS file "
        f"{b.rss_size // MIB} MiB.",
        "",
    ]
    if b.skipped:
        lines += ["Implementations not run:", ""] + [f"- `{k}`: {v}" for k, v in b.skipped.items()] + [""]
    lines += ["![throughput by implementation and block size](benchmarks-throughput.png)", "", "## Results", "",
              "| workload | impl | median | min-max | unit | ratio vs C (min-max) |",
              "| --- | --- | --- | --- | --- | --- |"]
    for row in table_rows(b):
        lines.append("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    notes = [f"- **{e['name']}**: {e['note']}" for e in b.results if e.get("note")]
    if notes:
        lines += ["", "What each implementation does where it is not obvious:", ""] + notes
    lines += ["", "## Targets", "", "Ratios are paired per round; RSS in MiB, times in s.", "",
              "| target | measured (median, min-max) | met | why not / detail |", "| --- | --- | --- | --- |"]
    for t in ts:
        val = _fmt_measured(t)
        state = "n/a" if t["met"] is None else ("yes" if t["met"] else "**no**")
        detail = t.get("detail", "") if t.get("detail", "") not in ("s", "MiB", "us above C") else ""
        why = "; ".join(x for x in (detail, t.get("why", "")) if x)
        lines.append(f"| {t['target']} | {val} | {state} | {why} |")
    lines += ["", "## Analysis", "", ANALYSIS.strip(), ""]
    (DOCS / "benchmarks.md").write_text("\n".join(lines))


# Findings that explain the numbers; kept here so that docs/benchmarks.md is regenerated whole.
ANALYSIS = """
### Unmount: why glfs_fini takes 10 s, and what gpath does about it

Measured with a small C program (log level 8-9, gdb): `glfs_fini` first waits for the call
pool to drain and sets the context's `cleanup_started` flag, and only then sends PARENT_DOWN
through the graph.  From that moment `gf_timer_call_cancel()` refuses to cancel any timer
("ctx cleanup started" in the log).  Each protocol/client has a `call_bail` timer armed for
10 s at its first RPC and re-armed every 10 s; it holds a reference on the RPC client, and
the client translator's `fini` waits (gdb: a `pthread_cond_wait` in client.so under
`xlator_fini_rec`) for the `RPC_CLNT_DESTROY` that only comes when that timer fires.  So
`glfs_fini` lasts until the next `call_bail` tick: 10 s for a short-lived mount, 0-10 s
for a long one.  Client options cannot change it (the 10 s is hard-coded in rpc-clnt.c),
and fewer event threads do not help.

What works is sending PARENT_DOWN *before* `glfs_fini`, as `glfs_fini` itself does, while
timers can still be cancelled: the C test's `glfs_fini` then takes 0.002-1.1 s instead of
11 s, on single-brick, distribute and replica volumes.  The rest is two races inside
libglusterfs: a 100 ms poll for background frames (a flush-behind FLUSH) and
`gf_event_dispatch_destroy`'s one-second timed waits for the poller threads.
`Volume.umount()` therefore (1) closes every File and Dir (`glfs_close` flushes
write-behind: the data is on the bricks), (2) sends PARENT_DOWN (`gp_disconnect`, through
the libgfapi-private `glfs_active_subvol` and libglusterfs' `xlator_notify`, bound weakly),
and (3) leaves `glfs_fini`, which now only frees local threads and memory, to a daemon
thread; `umount(wait=True)` runs it in the caller.  At interpreter exit gpath unmounts what
is still mounted the same way, skips `glfs_fini` for those and waits at most 0.25 s for
background ones (ending a process during `glfs_fini` was checked: 140 C runs and the
functional test `tests/functional/test_umount_fast.py` verify every byte from a fresh
process).  A new mount waits for background finis first (libgfapi is not robust when
`glfs_init` overlaps another handle's `glfs_fini`).  Before: `umount()` 10.0 s, a
mount-write-unmount-exit script 10.15 s; after: see the `umount` and
`mount+write+umount+exit` rows.

### Changes made in gpath because of this benchmark

- Trivial call, `File.lseek()`/`tell()`: 1.06 us -> ~0.36 us per call.  The handle
  bookkeeping is inlined, and `close()` detaches the glfd under the File's offset lock, so
  `lseek()` needs only that lock (which it needs anyway: libgfapi's `SEEK_CUR` is an
  unlocked read-modify-write of the glfd offset).  A bare cffi call costs ~0.13 us.
- stat: one C call that returns the `os.stat_result`, `stat_path`: a builtin function of
  the compiled module (cffi cannot return Python objects, so `gpath._lowlevel.builtin()`
  makes it once from its `PyMethodDef`).  It encodes a str path as `os.fsencode()` does,
  checks it as `encode()` does, holds the mount (the mount's count of running calls lives
  in a C `gp_mount_t`, `MountHandle`, so the hold costs no Python; `umount()` waits for
  C-held and Python-held calls alike), stats with the GIL released and builds the result
  (float times computed as CPython's `os.stat` computes them).  Its first form, `gp_stat`
  filling a buffer for one `struct.unpack_from()`, took the cold cost
  (`benchmarks/coldcost.py`) from 11.5 to 6.6 us per call and the thread CPU per uncached
  stat from ~12 to ~4 us above a bare cffi loop; the builtin drops the buffer, the unpacking
  and the Python encoding as well.
- open: `gp_open` opens or exclusively creates, does the O_TRUNC `ftruncate` and sets the
  File's lock owner in one C call; `fopen()`/`open_file()` build the File directly (no
  intermediate Glfd); lock owners come from a per-process counter (no `getrandom` per
  open); a `CHandle` is one lock (no Event and Condition per File); the mount tracks its
  open objects in a dict of weak references instead of a `WeakSet`; `close()` skips
  `io.IOBase.close()` (it only called `flush()` and set a flag a File never reads, ~12 us of
  CPU per close between round trips); `fopen()` calls `gp_open` itself and `write()` keeps
  the glfd alive with the offset lock alone, as `lseek()` does.  Main-thread CPU per
  create+write+close, uncached: 250 -> ~162 us (the same calls from Python without gpath:
  ~118 us); cold cost 25-28 -> ~22 us.
- Reads: `read()`, `readall()` and `pread()` are one C call, `read_bytes` (a builtin made
  like `stat_path`): it allocates the bytes object, fills it in 4 MiB pieces with the GIL
  released and lets signal handlers run between pieces.  Before, a ctypes call made the
  bytes object and a Python loop filled it.  Alternating in one process on one mount (60
  passes of 256 MiB): `read()` went from 0.952x to 0.989x a bare cffi loop.  `readinto()`
  keeps the glfd alive with the offset lock alone (no handle hold and no error helper per
  chunk): cold cost per 1 MiB call 11.7 -> 7.5 us, against ~2 us for a bare call.
- Copies no longer use `glfs_copy_file_range`.  This benchmark's copytree rows (10 rounds
  of 2,000 files through `Volume.copytree`, whose `copyfile` copied on the server) took
  the benchmark volume's brick down: on GlusterFS 10.3 every `copy_file_range` call leaves
  the destination open on the brick until the brick restarts (checked from plain C as well:
  one brick fd per call, in `/proc/PID/fd`), and when the brick reached its open-file limit
  (20,000) its health check could not open a file and the brick stopped itself.  Every copy
  now streams through the client in 1 MiB pieces; a test fails if any file of a copy stays
  open on a brick.  Its other two defects on 10.3 (it ignores the source offset, and the
  client's caches are not told about the new content) no longer need working around.
  The price is speed: a 256 MiB copy within the volume now runs at ~530 MiB/s through the
  client (C's own 1 MiB read/write loop: ~560) instead of ~3,000 MiB/s on the brick
  (the `copyfile` rows).
- Tree operations (`rmtree()`, recursive `copy()`) default to 32 worker threads instead
  of 8 (Analysis: threads and trees).
- `Volume.copytree` (the libgfapi-python API, one thread) copies each file with the
  listing's stat and without the checks `copy2()` makes of a destination that cannot exist
  yet: five round trips fewer per file (an isdir and a samefile of the destination, two
  stats of the source), ~250 -> ~300 files/s in-process (500 files; the `gpath` row of
  `copytree`).  It stays below the naive loop, which copies no times and modes.
- Listings: `GlusterPath.iterdir()`/`glob()` keep each entry's raw `struct stat`;
  `info.is_*()` answer from its mode and `info.stat()` converts it on first use:
  `iterdir()` + `info.is_file()` went from 0.82x to about 0.95x the low-level scandir loop.
- Reads go in 4 MiB pieces (`READ_CHUNK`): libgfapi receives each read into a buffer of its
  own first, so 64 MiB pieces cost the file size + 64 MiB of peak RSS; 4 MiB pieces cost
  ~+20 MiB and read fastest.
- `readinto()` takes the positional form of `ffi.from_buffer()` and makes one inline
  `glfs_read` for a buffer up to `READ_CHUNK`; `read()` calls `read_bytes` without a frame
  of its own: the Python between two 1 MiB reads, which runs on evicted caches, went from
  35-43 to ~26 us per call (bare loop: ~16 us; see "Sequential 1 MiB reads").
- `scandir()` entries keep only the name, mode and the raw `struct stat`; the
  `os.stat_result` and the joined path are built on first use: 52k -> 67k entries/s on
  5,000 entries (C readdirplus: 69k).  `listdir()` builds no stat per entry at all:
  ~27k -> ~70k names/s (C readdir: ~65k).

### The metadata gap: where gpath's Python goes

Between two round trips the calling thread's CPU caches are refilled by libgfapi (a frame
through about ten translators, 9 `getpid` and 8 `getgroups` syscalls per operation,
hand-offs to its epoll and io threads) and by the brick, on the same 2 cores.  Python that
takes a few us warm then costs several times that, and what costs is the code and data
touched, not the instructions run: added to a real create+write+close loop, 40 calls of
trivial Python functions cost ~15 us of CPU per file (1.7 us warm), while a 12 us
arithmetic loop cost ~13 us.  Syscalls were identical to C's (strace), with no page faults.

`benchmarks/coldcost.py` measures this without a server: the C calls that would reach the
bricks are stubbed, and an 8 MiB memory copy before each call evicts the caches.  Its
medians repeat to ~10 %, and they are about half the extra CPU measured between real round
trips.  Cold costs of single pieces (us; an empty call measures ~0.8): a `CHandle` ~2.5, a
File object (an `io.RawIOBase`) ~2.3, a lock owner ~1.7, `ffi.new()` ~1.4, a Python-level
call of gpath's ~0.35, an `os.stat_result` ~2.

**stat** is one C call (see above).  Cold, the bare call costs 2.1 us and the bare call
plus the `os.stat_result` any stat API returns 4.3 us (coldcost's `bare+res` row); the
builtin does that work in C.  `benchmarks/statfloor.py` compares uncached stats of the same
2,000 files in fresh processes, 30 interleaved rounds: bare cffi 0.997x C, the `stat_path`
builtin in a bare loop 0.983x, `Volume.stat` 0.968x (interquartile ranges about +-8 %).
Until the 01:03 run the benchmark's `stat` row statted the files each implementation had
created in the create row, in 5-15 rounds, and measured 0.80-1.01x over the runs with the
bare cffi loop at 0.94-1.00x; it now stats one shared directory (the thread rows') in 40
rounds, so that the brick's caches are the same for every implementation.

### Sequential 1 MiB reads: the floor of a Python process

`benchmarks/readfloor.py` reads one 256 MiB file in 1 MiB calls in fresh processes, 40
interleaved rounds, peeling the layers off: the C program; the same C loop compiled as a
cffi module and called once from a Python process that mounted through gpath (`c-in-py`);
that loop reading into new memory per call, freeing the previous block after the next read
as `while chunk := f.read(n)` does (`c-alloc`); bare `glfs_read` calls through cffi; the
same returning a new bytes object per call (`cffi-read`); `File.readinto`; `File.read`.
Paired medians against C in five runs (in parentheses: against the bare cffi loop; run 2's
`c-alloc` freed each block before the next read, run 4 added `cffi-read`).  Runs 1-4
measured the earlier `read()`, which made its bytes object through a ctypes call and filled
it from a Python loop; run 5 (after the 01:33 full run) the current one, one `read_bytes`
call, and adds `read-bytes`, that builtin called in a bare loop:

| row | run 1 | run 2 | run 3 | run 4 | run 5 |
| --- | --- | --- | --- | --- | --- |
| c-in-py | 0.981 | 0.985 | 1.022 | 0.965 | 0.975 |
| c-alloc | - | 1.014 | 0.995 | 0.973 | 0.964 |
| cffi | 0.979 | 0.985 | 1.004 | 0.957 | 0.987 |
| cffi-read | - | - | - | 0.958 (0.999) | 0.935 (0.970) |
| read-bytes | - | - | - | - | 0.960 (0.979) |
| readinto | 0.976 (0.985) | 0.940 (0.984) | 0.959 (0.947) | 0.949 (0.981) | 0.937 (0.983) |
| read | 0.941 (0.965) | 0.939 (0.960) | 0.934 (0.942) | 0.959 (0.994) | 0.946 (0.963) |

A single round's ratio has an interquartile range of about +-5 %, so each 40-round median
is good to about +-3 %.  `readfloor.py --same-process` alternates the loops in one process
on one mount instead (30 passes of 256 MiB, good to about 1 %), and asks what new memory
per call costs.  Against the C loop reading into one buffer: the same loop taking two
buffers in turn 1.027x, eight buffers (8 MiB, more than a core's 2 MiB of L2 cache) 0.969x,
the `read_bytes` builtin in a bare loop 0.984x, `read()` 0.981x.  A `while chunk :=
f.read(n)` loop gets the same two blocks back from malloc on every call (checked by the
objects' addresses), so new memory costs nothing here; the `c-alloc` figures above are
within the resolution of `c-in-py`.  Earlier in-process trials against a bare cffi loop:
`read()` 0.989x (0.952x before `read_bytes`), the builtin alone 0.998x, `readinto()` 0.971x.
What is left of `readinto()`'s gap is its Python per call (closed-file and writable-buffer
checks, the offset lock, the read loop: ~7.5 us cold against ~2 us), at the resolution
of these runs: in one more 40-round run, the bare loop with only a `threading.Lock`
around each call (~0.1 us) measured 0.977x the bare loop, a stand-in `io.RawIOBase` with
gpath's readinto steps 0.975x, and gpath's readinto 0.989x.  Moving readinto's chunk loop
into C (tried, then reverted) changed nothing measurable.

So in one process `read()` and `readinto()` cost 1-3 % of a C loop, but in the fresh
processes of the full runs they measured 0.93-0.97x C on 256 MiB files, and so did the bare
cffi loop in some runs.  Two changes to the benchmark sharpened that picture (the 05:40
run, this page):

- The 1 MiB read rows read a 1 GiB file.  A process then reads for about 1 s instead of
  0.2 s, so the fixed costs of a fresh process (open, close, first touches) weigh a
  quarter as much; in a trial of 20 interleaved rounds the interquartile range of the C
  loop against itself narrowed from +-3.5 % to +-2.7 %.  (The 1 MiB writes stay at 256
  MiB: 1 GiB writes ran into the brick's disk writeback, 460-1,450 MiB/s for the same C
  loop from one process to the next.)
- `c2`, the C program run again as if it were another implementation, in the 1 MiB and
  `stat` rows: its ratio to `c` is each row's own resolution in the same run.

In the 05:40 run C against itself measured 0.999x (interquartile range 0.977-1.024) in the
read row and 1.008x (0.994-1.036) in the readinto row.  The bare cffi loop measured 0.971x C
(0.948-0.990): that is what a fresh Python process loses before any binding's code runs.
The loss is not in how the library is loaded: in one-off trials, a C program that loads
libgfapi with `dlopen()`, as Python does, measured 1.016x the linked one, and preloading
libgfapi into the Python process (`LD_PRELOAD`) changed nothing (1.004x); a Python process
that mounts with bare cffi calls on its main thread and runs the compiled C loop measured
0.976x the C program in two trials (256 MiB and 1 GiB).  Above that floor `read()` measured
0.960x and 0.968x C (two rows, the same code), and `readinto()` 0.949x and 0.956x: 0.981x
the bare loop in both rows.  Trials of a shorter Python path for `readinto()` and of a
`readinto()` whose read loop was a builtin measured no gain in fresh processes (0.969-0.990x
and 0.981x the code of that run), which at their +-3 % resolution they could not have shown.

Where those few per cent go was then measured without a server: `readfloor.py --cold`
replaces `glfs_read` with a C stub that does to the calling thread what a 1 MiB read does
(it waits 800 us, during which other threads run, and copies 1 MiB into the caller's
buffer), and counts the time per call outside the stub, i.e. the Python between two calls.
Medians of 20 passes of 200 calls, in us per call:

| loop | outside the call |
| --- | --- |
| bare cffi loop, stub that waits and copies | 15.9 |
| the same, stub that only waits | 4.1 |
| the same, stub that only copies | 7.0 |
| `File.readinto()` (now) | 25.9 |

A few lines of Python take ~0.2 us when warm; between 1 MiB reads they take 16 us, because
the copy into the caller's buffer (libgfapi's, like the stub's) evicts the interpreter's
code and data from the core's caches, and the wait lets other threads evict more.  16 us is
1.7 % of a ~950 us read: the floor above, which no binding that returns to Python between
calls escapes.  Everything a File adds costs at that rate, so `readinto()` was timed part
by part with the stub (one-off, 20 passes each, old code): the method call ~5 us, the
offset lock 2-4 us, `ffi.from_buffer(buf, require_writable=True)` 4-7 us more than its
positional form `ffi.from_buffer(char_array_type, buf, True)` (cffi's keyword parsing),
the read-loop frame and the checks 1-2 us; the old `readinto()` spent 35-43 us per call.
It now passes the positional form and makes its one `glfs_read` for a buffer up to
`READ_CHUNK` inline (the loop only continues a short read), and `read()` calls `read_bytes`
without the `_read_bytes` frame.  `coldcost.py`'s `readinto 1M` row (a stub that returns at
once after an 8 MiB cache sweep) went from 22.1 to 14.9 us (a bare call: 11.0 us), and in
one process on the volume (alternating passes of 256 MiB) `readinto()` measured 1.000x the
bare cffi loop in 40 passes where the old code measured 0.975x and 0.981x;
`readfloor.py --same-process 30` then gave `readinto()` 0.997x and `read()` 0.995x that
loop.  (A larger Python footprint also slows libgfapi's own part of the call: with the old
code the time inside `glfs_read` was ~15 us per call longer than under the bare loop in one
trial.)  In fresh
processes one 24-round `readfloor.py` run on the 1 GiB file after the change measured
`readinto()` at 0.946x C and 0.971x the bare loop, within the +-3 % that such a run
resolves.  This page's run (07:34) is the first full run with the change: `readinto()`
0.966x and 0.961x C in its two rows, `read()` 0.978x and 0.969x, the bare cffi loop 0.97x
and C against itself 1.010-1.014x.  No row of the 1 MiB targets is missed on this page.

**create+write+close** cannot reach 0.95x C on this stack with the File the project
requires.  At ~1,200 files/s C spends ~830 us per file; 0.95x leaves ~40 us of the calling
thread's CPU for everything a Python binding adds.  The bare cffi calls use 0-50 % of that
budget (the `cffi` row: 0.93-0.99x C over the runs below), and libgfapi-python, whose File
is a plain Python object with no guards, reaches 0.91-0.95x.  gpath's File adds ~18 us
cold, ~45 us of thread CPU between
round trips: an `io.RawIOBase` (so `io.BufferedWriter`, `TextIOWrapper` and every stdlib
consumer take it), an offset lock, a handle guard (use after `close()` or `umount()` raises
instead of touching freed C memory), an entry in the mount's registry (so `umount()` can
close and flush it) and its own byte-range lock owner.  Each of those is a promise of the
project (docs/guarantees.md), and together they cost more than the budget.

### Threads and trees: two cores are the ceiling

Four targets ask threads for 2x: stat and create+write+close on 8 threads against
gpath's own one-thread loop, and rmtree/copy of the 2,000-file tree against a naive
one-thread loop.  `benchmarks/threadfloor.py` runs those workloads in fresh processes (5
interleaved rounds) and records, besides the rate, how many of the machine's 2 cores were
busy while each ran (every process: the client with libgfapi's threads, glusterd, the
brick; from /proc/stat) and the CPU time per file.  Medians (ratio: paired, against the
first row of each operation):

| operation | variant | files/s | ratio | cores busy | CPU us/file |
| --- | --- | --- | --- | --- | --- |
| stat | 1 thread | 3,193 | 1.00 | 0.89 | 270 |
| stat | 8 threads | 6,133 | 1.87 | 1.71 | 270 |
| create | 1 thread | 582 | 1.00 | 1.05 | 1,700 |
| create | 8 threads | 1,027 | 1.70 | 1.74 | 1,675 |
| rmtree | naive loop | 2,057 | 1.00 | 0.88 | 430 |
| rmtree | 1 worker | 1,979 | 0.99 | 0.89 | 430 |
| rmtree | 8 workers | 4,059 | 1.85 | 1.67 | 400 |
| rmtree | 32 workers | 4,167 | 2.03 | 1.75 | 420 |
| copy | naive loop | 320 | 1.00 | 0.99 | 2,890 |
| copy | 1 worker | 340 | 1.07 | 1.05 | 2,930 |
| copy | 8 workers | 589 | 1.93 | 1.68 | 2,795 |
| copy | 32 workers | 656 | 2.10 | 1.77 | 2,680 |

On this machine the brick and the client share the 2 cores, and one thread already keeps
about half of them busy: a file costs the client and the brick together 0.27 ms (stat) to
2.9 ms (copy) of CPU, and the round trip leaves little idle time.  Threads do not make a
file cheaper (the CPU per file is the same on 1, 8 or 32 threads), so the most they can
gain is to fill both cores: 2.25x for stat, 2.3x for rmtree, 2.0x for copy and 1.9x for
create, and only with no idle moment at all.  The pools reach 1.7-1.8 cores, which gives
1.7-2.1x.  C's own 8-thread loops in the full runs (1.5-2.2x) meet the same ceiling.  With
bricks on other machines a round trip leaves the client's CPU idle, and the same pools gain
more.  The tree operations now default to 32 workers (`DEFAULT_WORKERS`, 8 before): copies
ran 1.76x the one-thread loop with 8 workers, 1.89-1.98x with 16 and 2.02-2.13x with 32 in
in-process trials, and rmtree 1.4-2.0x with 8 and 1.9-2.2x with 32.

### is_file() on the paths of a listing

`GlusterPath.is_file()` stats each time, as pathlib's does: the 3.14 pathlib documentation
recommends the `is_*()` methods for up-to-date information and `Path.info` for answers
cached from the listing.  libgfapi's md-cache (`performance.md-cache-timeout`, 1 s by default) can
answer such a stat from the listing's readdirplus (~8 us measured right after a listing),
but in this benchmark most calls cost a lookup round trip.  `p.info.is_file()` is the
pathlib 3.14 idiom for "the type the listing saw", and it meets the 0.9x target.

### Run-to-run variation

The targets that flip between full runs are those within a few per cent of their line.
Full runs (UTC start times): 19:34 on 2026-11-25 is the last one before the changes to
stat, open/write and the benchmark loop; 20:46, 21:13 and 21:38 ran the code of that
evening except for the thinner read loop, which 22:09 has as well; 23:38 is the same gpath
code with 15 rounds instead of 5 for the 1 MiB I/O and create/stat/unlink rows.  01:03 on
2026-11-26 is the first with `read_bytes` and `stat_path`; 01:33 the same code with 40
rounds for the 1 MiB reads and stat, and stat on one shared directory; 02:17 the same,
with `read()` calling `read_bytes` through `File._read_bytes` as `readall()` and `pread()`
do (one Python frame more; in-process 0.986x a bare cffi loop, as before); 04:05 has 40
rounds for the 1 MiB writes too and 10 for rmtree/copytree, tree operations on 32 worker
threads instead of 8, and copies streamed through the client.  (A run at 03:14 lost its
brick in the copytree row, see "Changes made in gpath", and was not used.)  05:40 reads a
1 GiB file in the 1 MiB read rows and runs the C program twice (`c2`) in the 1 MiB and stat
rows; gpath differs only in `Volume.copytree` (fewer round trips per file).  07:34 (this
page) has the thinner `readinto()` and `read()` of "Sequential 1 MiB reads".  In parentheses: the bare cffi loop (readinto rows only since 21:38).

| target | 19:34 | 20:46 | 21:13 | 21:38 | 22:09 | 23:38 | 01:03 | 01:33 | 02:17 | 04:05 | 05:40 | 07:34 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| gpath read 1M | 0.883 | 0.901 | 0.926 | 0.911 | 0.937 | 0.920 | 0.935 | 0.945 | 0.959 | 0.969 | 0.960 | 0.978 |
| gpath readinto 1M (cffi) | 0.932 | 0.914 | 0.949 | 0.956 (0.99) | 0.928 (0.98) | 0.954 (0.96) | 0.934 (0.97) | 0.952 (0.97) | 0.956 (0.97) | 0.947 (0.95) | 0.949 (0.97) | 0.966 (0.97) |
| gpath write 1M | 1.02 | 0.939 | 0.958 | 0.935 | 0.990 | 0.962 | 0.987 | 0.943 | 0.951 | 0.974 | 0.978 | 0.977 |
| gpath.path read 1M | 0.907 | 0.909 | 0.907 | 0.892 | 0.922 | 0.945 | 0.929 | 0.930 | 0.933 | 0.940 | 0.968 | 0.969 |
| gpath.path readinto 1M | 0.935 | 0.917 | 0.919 | 0.981 | 0.919 | 0.956 | 0.945 | 0.962 | 0.961 | 0.958 | 0.956 | 0.961 |
| gpath.path write 1M (+fsync) | 0.980 (0.995) | 0.936 (0.941) | 0.950 (1.02) | 1.01 (0.999) | 1.00 (1.03) | 0.974 (0.984) | 0.999 (0.980) | 0.952 (0.973) | 0.945 (1.01) | 0.953 (0.989) | 0.981 (0.977) | 0.970 (0.983) |
| create+write+close (cffi) | 0.845 (0.94) | 0.865 (0.99) | 0.888 (0.95) | 0.863 (0.96) | 0.861 (0.97) | 0.895 (0.93) | 0.859 (0.95) | 0.861 (0.95) | 0.887 (0.96) | 0.858 (0.93) | 0.861 (0.93) | 0.875 (0.96) |
| stat (cffi) | 0.797 (0.94) | 1.01 (1.00) | 0.929 (0.97) | 0.943 (0.94) | 0.914 (0.97) | 0.887 (0.96) | 0.897 (0.98) | 0.962 (0.96) | 0.956 (0.95) | 0.945 (0.98) | 0.960 (0.97) | 0.959 (0.95) |
| unlink (cffi) | 0.988 (0.99) | 0.936 (0.98) | 1.01 (0.97) | 0.962 (0.98) | 0.980 (1.00) | 0.970 (0.98) | 0.978 (1.00) | 0.974 (1.00) | 0.969 (0.98) | 0.959 (0.96) | 0.969 (0.97) | 0.972 (0.96) |
| rmtree / copytree vs naive loop | 1.94 / 2.12 | 2.07 / 2.03 | 1.90 / 1.95 | 1.67 / 2.10 | 1.99 / 2.29 | 2.03 / 2.11 | 2.12 / 1.97 | 2.20 / 1.93 | 1.91 / 1.98 | 2.19 / 2.16 | 2.35 / 2.14 | 2.18 / 2.12 |
| targets met | 16 of 26 | 14 of 26 | 15 of 26 | 17 of 26 | 16 of 26 | 19 of 26 | 16 of 26 | 18 of 26 | 18 of 26 | 19 of 26 | 21 of 26 | 22 of 26 |

Earlier runs the same day: 18:28 met 19 (read 1M 0.955, gpath.path readinto 0.972), 18:52
met 16 (readinto 0.991).  Within the 21:13 run itself, the same single-threaded stat loop
measured 0.93x C in the `stat` row and 0.99x in the `stat x1 threads` row.  A target counts
as met here only if this page's run meets it.

### Reading the numbers

The machine is shared and has 2 cores; the brick, the client's threads and the benchmark
share them.  The `c2` rows (the C program again) show how far the same program lands from
itself in the same run.  Round trips dominate every small operation, so per-round ratios of the same
code scatter by 10-20 % (compare `gpath` and `gpath.path`, which run the same File code for
raw reads and writes).  4 KiB writes are bimodal for every implementation: 50-300 MiB/s for
the same C loop on the same kind of file, depending on whether write-behind's aggregation
keeps up and on the brick still writing back the previous writer's data, so their medians
over 5 rounds say little; no target rests on them.  FUSE reads drop the page cache of the file first
(`posix_fadvise(DONTNEED)`); FUSE `stat` may still be answered by the kernel's attribute
cache.  libgfapi-python's `fsync()` fails on GlusterFS >= 6 (its ctypes prototype predates
the 6.0 signature change) and is recorded as a failure; its `umount()` is a plain
`glfs_fini` (~10 s), like C's.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced sizes and rounds (< 3 min)")
    parser.add_argument("--reps", type=int, default=0, help="interleaved rounds (default 5, quick 2)")
    parser.add_argument("--only", nargs="*", default=[], help="run workloads whose name contains one of these")
    parser.add_argument("--impls", nargs="*", default=list(IMPLS), help=f"implementations ({', '.join(IMPLS)})")
    parser.add_argument("--keep-volume", action="store_true", help=f"do not delete {VOLNAME} at the end")
    parser.add_argument("--docs", action="store_true", help="write docs/benchmarks.md even with --quick")
    parser.add_argument("--no-docs", action="store_true", help="never write docs/benchmarks.md")
    parser.add_argument("--report", metavar="JSON", help="re-render table, docs and plot from a results file")
    parser.add_argument("--worker", nargs=3, metavar=("IMPL", "WORKLOAD", "ARGS"), help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.report:
        payload = json.loads(Path(opts.report).read_text())
        opts.quick = payload["mode"] == "quick"
        opts.reps = payload["rounds"]
        b = Bench(opts)
        b.meta = payload["meta"]
        b.results, b.skipped = payload["results"], payload["skipped"]
        table = print_table(b)
        ts = targets(b)
        print_targets(ts)
        if not opts.no_docs:
            problem = plot(b, DOCS / "benchmarks-throughput.png")
            if problem:
                b.skipped["plot"] = problem
            write_docs(b, ts, table, payload.get("command", "python benchmarks/run.py"))
            print(f"docs: {DOCS / 'benchmarks.md'}")
        return
    if opts.worker:
        impl, workload, raw = opts.worker
        if impl != "gfapi-py":
            sys.path.insert(0, str(ROOT))
        result, adapter = worker(impl, workload, json.loads(raw))
        print(json.dumps(result), flush=True)
        if adapter is not None:
            adapter.finish()
        return
    if os.geteuid() != 0:
        raise SystemExit("run.py needs root (glusterd, volume creation, FUSE mount)")
    started = time.monotonic()
    b = Bench(opts)
    b.meta = machine_info()
    try:
        b.setup_env()
        b.run()
    finally:
        b.teardown_env()
    elapsed = time.monotonic() - started
    print(f"\ngpath benchmark ({'quick' if b.quick else 'full'}, {b.reps} rounds, {elapsed:.0f} s) on "
          f"{b.meta['nproc']} cores {b.meta['cpu']}, {b.meta['glusterfs']}\n")
    for impl, reason in b.skipped.items():
        print(f"skipped {impl}: {reason}")
    table = print_table(b)
    ts = targets(b)
    print_targets(ts)
    RESULTS.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    cmd = "python benchmarks/run.py" + (" --quick" if b.quick else "")
    payload = {"meta": b.meta, "mode": "quick" if b.quick else "full", "rounds": b.reps,
               "seconds": elapsed, "skipped": b.skipped, "results": b.results, "targets": ts, "command": cmd}
    out = RESULTS / f"{stamp}{'-quick' if b.quick else ''}.json"
    out.write_text(json.dumps(payload, indent=1))
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=1))
    print(f"\nJSON: {out}")
    if (not b.quick or opts.docs) and not opts.no_docs:
        problem = plot(b, DOCS / "benchmarks-throughput.png")
        if problem:
            b.skipped["plot"] = problem
        write_docs(b, ts, table, cmd)
        print(f"docs: {DOCS / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
