"""The worker side of gpath's benchmark suite: the adapters and the measured process.

``python benchmarks/adapters.py IMPL WORKLOAD ARGS_JSON`` runs one measurement of one
implementation and prints its result as one JSON line; ``benchmarks/runner.py`` starts it in a
fresh process per measurement.  Only the standard library is imported at module level, so the
``gfapi-py`` worker runs in its own venv, without gpath installed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KIB, MIB = 1024, 1024 * 1024


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

    def walk_one_thread(self, path: str) -> int:
        """Count files as cbench's walk does: depth first on this thread, one listing at a time."""
        files, subdirs = 0, list[str]()
        with self.vol.scandir(path) as it:
            for e in it:
                if e.is_dir():
                    subdirs.append(e.name)
                else:
                    files += 1
        return files + sum(self.walk_one_thread(f"{path}/{name}") for name in subdirs)

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
            with (
                self.vol.fopen(f, "rb") as fin,
                self.vol.fopen(f"{dst}/{os.path.basename(f)}", "wb") as fout,
            ):
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
        return _BareReader(
            self.ffi, self.lib, self.lib.glfs_open(self.fs, path.encode(), os.O_RDONLY)
        )

    def meta_op(self, workload: str, data: bytes) -> Callable[[str], Any]:
        # Lookups hoisted out of the calls: what a careful bare-cffi loop is.
        ffi, lib, fs, st = self.ffi, self.lib, self.fs, self.st
        NULL, creat, write, close, size = (
            ffi.NULL,
            lib.glfs_creat,
            lib.glfs_write,
            lib.glfs_close,
            len(data),
        )
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
    return {
        "value": value,
        "unit": unit,
        "seconds": seconds,
        "count": count,
        "maxrss_kib": _maxrss_mib() * 1024,
    }


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
    elif workload == "walk_one_thread":
        result = _timed("files/s", False, lambda: ad.walk_one_thread(path))
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


def main(argv: list[str]) -> None:
    """Run ``IMPL WORKLOAD ARGS_JSON`` and print the result; the adapter finishes after."""
    impl, workload, raw = argv
    if impl != "gfapi-py":
        sys.path.insert(0, str(ROOT))
    result, adapter = worker(impl, workload, json.loads(raw))
    print(json.dumps(result), flush=True)
    if adapter is not None:
        adapter.finish()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: adapters.py IMPL WORKLOAD ARGS_JSON")
    main(sys.argv[1:])
