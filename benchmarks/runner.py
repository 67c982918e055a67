"""The runner side of gpath's benchmark suite: the environment, and the workloads it measures.

``Bench`` builds ``cbench`` (benchmarks/cbench.c), creates the volume through the project's
harness, prepares the data and runs every workload: each measurement in a fresh process (the C
program, or ``adapters.py`` for the Python implementations), interleaved per round.  What the
results mean and how they are shown is ``report.py``'s part.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters import KIB, MIB

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = HERE / "bin"
CBENCH = BIN / "cbench"
WORKER = HERE / "adapters.py"
GFAPI_VENV = BIN / "venv-gfapi"
VOLNAME = "gpath_bench"
IMPLS = ("c", "c2", "gpath", "gpath.path", "fuse", "gfapi-py", "naive", "cffi")
PY_IMPLS = ("gpath", "gpath.path", "fuse", "gfapi-py", "naive", "cffi")
RUN_TIMEOUT = 300.0


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


def sh(
    argv: list[str], timeout: float = RUN_TIMEOUT, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
        )
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
    probe = (
        "import collections, collections.abc\n"
        "collections.Iterator = collections.abc.Iterator\n"
        "from gluster import gfapi"
    )
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
    """One run: the environment, the data, and each workload measured in interleaved rounds."""

    def __init__(self, opts: argparse.Namespace) -> None:
        self.opts = opts
        self.quick = opts.quick
        self.reps = opts.reps or (2 if self.quick else 5)
        # More rounds where a target sits near its line (docs/design/benchmark-analysis.md).
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
        return [str(python), str(WORKER), impl, workload, json.dumps(full)]

    def run_one(
        self, impl: str, workload: str, args: dict[str, Any], cargs: list[Any] | None
    ) -> dict[str, Any]:
        """One measurement in a fresh process; failures become results, never exceptions."""
        if impl in ("c", "c2"):
            if cargs is None:
                return {"error": "not measured for C"}
            argv = [str(CBENCH), self.host, VOLNAME, *map(str, cargs)]
        else:
            argv = self.py_argv(impl, workload, args)
        try:
            proc = subprocess.run(
                argv, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {RUN_TIMEOUT:.0f} s"}
        if proc.returncode != 0:
            sig = -proc.returncode if proc.returncode < 0 else None
            tail = " | ".join(
                line for line in proc.stderr.strip().splitlines()[-3:] if line.strip()
            )
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
        entry: dict[str, Any] = {
            "name": name,
            "group": group,
            "better": better,
            "unit": unit,
            "note": note,
            "impls": {i: {"values": [], "errors": [], "rss_mib": []} for i in impls},
        }
        t0 = time.monotonic()
        for rnd in range(rounds):
            # Interleaved, and rotated each round so no implementation always runs first.
            for impl in impls[rnd % len(impls) :] + impls[: rnd % len(impls)]:
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
        log(
            f"{name:<28} {time.monotonic() - t0:6.1f} s  "
            + "  ".join(
                f"{i}={s['median']:.4g}" if s["median"] is not None else f"{i}=ERR"
                for i, s in entry["impls"].items()
            )
        )

    @staticmethod
    def _cargs(cargs: list[Any] | None, extra: dict[str, Any]) -> list[Any] | None:
        if cargs is None:
            return None
        return [
            extra.get(a[1:], a) if isinstance(a, str) and a.startswith("$") else a for a in cargs
        ]

    @staticmethod
    def _summarize(entry: dict[str, Any]) -> None:
        base = entry["impls"].get("c", {}).get("values", [])
        for slot in entry["impls"].values():
            vals = [v for v in slot["values"] if v is not None]
            slot["median"] = statistics.median(vals) if vals else None
            slot["min"] = min(vals) if vals else None
            slot["max"] = max(vals) if vals else None
            ratios = [
                v / b for v, b in zip(slot["values"], base, strict=False) if v is not None and b
            ]
            slot["ratio_vs_c"] = (
                {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}
                if ratios
                else None
            )

    def paired(self, name: str, impl: str, ref: str) -> dict[str, float] | None:
        """Median/min/max of per-round ratios impl/ref within one workload."""
        entry = self.entry(name)
        if entry is None or impl not in entry["impls"] or ref not in entry["impls"]:
            return None
        a, b = entry["impls"][impl]["values"], entry["impls"][ref]["values"]
        ratios = [x / y for x, y in zip(a, b, strict=False) if x is not None and y]
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
            import gpath.path

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
            label = bs_label(bs)
            size = self.big if bs >= 128 * KIB else self.small4k
            reps = self.fine_reps if bs == MIB else self.reps
            impls = near_c if bs == MIB else basic
            for fsync in [False, True] if bs >= 128 * KIB or not self.quick else [False]:
                suffix = "+fsync" if fsync else ""
                self.measure(
                    f"write {label}{suffix}",
                    "sequential",
                    "write",
                    {"size": size, "bs": bs, "fsync": fsync},
                    ["write", "$path", size, bs, int(fsync)],
                    impls,
                    per_run_args=out,
                    cleanup=lambda i, k: self.c("rm", out(i, k)["path"]),
                    unit="MiB/s",
                    reps=reps,
                )
            src = f"{data}/{'fine' if bs == MIB else 'big' if bs >= 128 * KIB else 'small'}.bin"
            for op in ("read", "readinto"):
                self.measure(
                    f"{op} {label}",
                    "sequential",
                    op,
                    {"path": src, "bs": bs},
                    ["read", src, bs],
                    impls + (("cffi",) if op == "readinto" else ()),
                    unit="MiB/s",
                    reps=reps,
                    note="C: glfs_read (read and readinto are the same call); cffi: bare glfs_read "
                    "calls into the same bytearray",
                )
        self.measure(
            "buffered read 4K",
            "sequential",
            "buffered_read",
            {"path": f"{data}/small.bin", "bs": 4096},
            ["read", f"{data}/small.bin", 4096],
            basic,
            unit="MiB/s",
            note="open('rb') default buffering, read(4096); C and gfapi-py: raw 4 KiB reads",
        )

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
        self.measure(
            "create+write 4K+close",
            "metadata",
            "create",
            {"n": n, "size": 4096},
            ["create", "$dir", n, 1, 4096],
            meta,
            per_run_args=sdir,
            setup=mkdir_small,
            unit="ops/s",
            reps=reps,
        )
        self.measure(
            "stat",
            "metadata",
            "stat",
            {"n": n, "dir": f"{data}/stat"},
            ["stat", f"{data}/stat", n, 1],
            near_c + ("cffi",),
            unit="ops/s",
            reps=self.fine_reps,
        )
        self.measure(
            "unlink",
            "metadata",
            "unlink",
            {"n": n},
            ["unlink", "$dir", n, 1],
            meta,
            per_run_args=sdir,
            cleanup=lambda i, k: self.c("rmtree", f"{r}/small-{i}-{k}"),
            unit="ops/s",
            reps=reps,
            note="cffi: bare glfs_* calls through gpath's compiled module, without gpath's Python "
            "(the floor of a cffi binding); also in the create/stat rows and the trivial call",
        )

        # Listing a 20,000-entry directory --------------------------------------------------
        d20 = f"{data}/dir20k"
        lk = f"{self.listing // 1000}k"
        self.measure(
            f"listdir {lk}",
            "listing",
            "listdir",
            {"path": d20},
            ["readdir", d20],
            basic,
            unit="entries/s",
            note="C: glfs_readdir_r names only",
        )
        self.measure(
            f"scandir+is_file {lk}",
            "listing",
            "scandir",
            {"path": d20},
            ["readdirplus", d20],
            basic,
            unit="entries/s",
            note="C: glfs_readdirplus_r; gpath.path: iterdir() + is_file(), "
            "which asks the server for each entry (pathlib semantics)",
        )
        self.measure(
            f"iterdir+info.is_file {lk}",
            "listing",
            "scandir_info",
            {"path": d20},
            ["readdirplus", d20],
            ("c", "gpath", "gpath.path"),
            unit="entries/s",
            note="gpath.path: iterdir() + info.is_file() (the stat that came with the listing); "
            "gpath: scandir() + is_file()",
        )

        # Trees of 2,000 files ----------------------------------------------------------------
        tree = f"{data}/tree"
        tree_impls = basic + ("naive",)
        tk = f"{ntree / 1000:g}k"
        self.measure(
            f"walk {tk}-file tree",
            "trees",
            "walk",
            {"path": tree},
            ["walk", tree],
            basic,
            unit="files/s",
        )
        self.measure(
            f"one-thread walk {tk}-file tree",
            "trees",
            "walk_one_thread",
            {"path": tree},
            ["walk", tree],
            ("c", "gpath"),
            unit="files/s",
            note="the C program's walk (as in the walk and rglob rows) lists one directory at "
            "a time on one thread, depth first; gpath: the same order on one thread, a "
            "recursion over Volume.scandir()",
        )
        self.measure(
            "rglob *.dat",
            "trees",
            "rglob",
            {"path": tree},
            ["walk", tree],
            tree_impls,
            unit="files/s",
            note="C: readdirplus walk; gpath/gfapi-py: walk()+fnmatch; "
            "naive: listdir+isdir recursion",
        )

        def fresh_tree(impl: str, rnd: int) -> None:
            self.c("mktree", f"{r}/rm-{impl}-{rnd}", *self.tree, 4096, 8, timeout=900)

        self.measure(
            f"rmtree {tk} files",
            "trees",
            "rmtree",
            {"n": ntree},
            ["rmtree", "$path"],
            tree_impls,
            per_run_args=lambda i, k: {"path": f"{r}/rm-{i}-{k}"},
            setup=fresh_tree,
            unit="files/s",
            reps=self.tree_reps,
        )
        self.measure(
            f"copytree {tk} files",
            "trees",
            "copytree",
            {"n": ntree, "path": tree},
            ["copytree", tree, "$dst"],
            tree_impls,
            per_run_args=lambda i, k: {"dst": f"{r}/cp-{i}-{k}"},
            cleanup=lambda i, k: self.c("rmtree", f"{r}/cp-{i}-{k}"),
            unit="files/s",
            reps=self.tree_reps,
        )

        # copyfile within the volume ----------------------------------------------------------
        big = f"{data}/big.bin"
        for kind, cname in (("server", "copy_server"), ("user", "copy_user")):
            self.measure(
                f"copyfile {kind}-side",
                "copy",
                cname,
                {"path": big, "size": self.big},
                [cname, big, "$dst"] + ([MIB] if kind == "user" else []),
                basic,
                per_run_args=lambda i, k: {"dst": f"{r}/copy-{i}-{k}.bin"},
                cleanup=lambda i, k: self.c("rm", f"{r}/copy-{i}-{k}.bin"),
                unit="MiB/s",
                note="server-side: C's glfs_copy_file_range; gpath, gpath.path and gfapi-py "
                "copy through the client there too (gpath: Volume.copyfile and "
                "GlusterPath.copy, 1 MiB pieces; on GlusterFS 10.3 each copy_file_range "
                "leaves the destination open on the brick until it restarts); fuse: "
                "shutil.copyfile.  user: 1 MiB read/write loop",
            )

        # Threads on one Volume -----------------------------------------------------------------
        for nt in self.thread_counts:
            self.measure(
                f"stat x{nt} threads",
                "threads",
                "stat",
                {"n": n, "dir": f"{data}/stat", "threads": nt},
                ["stat", f"{data}/stat", n, nt],
                basic,
                unit="ops/s",
            )

            def tc_args(impl: str, rnd: int, nt: int = nt) -> dict[str, Any]:
                return {"dir": f"{r}/tc{nt}-{impl}-{rnd}"}

            def tc_setup(impl: str, rnd: int, nt: int = nt) -> None:
                self.c("mkdir", f"{r}/tc{nt}-{impl}-{rnd}")

            def tc_cleanup(impl: str, rnd: int, nt: int = nt) -> None:
                self.c("rmtree", f"{r}/tc{nt}-{impl}-{rnd}")

            self.measure(
                f"create x{nt} threads",
                "threads",
                "create",
                {"n": n, "size": 4096, "threads": nt},
                ["create", "$dir", n, nt, 4096],
                basic,
                per_run_args=tc_args,
                setup=tc_setup,
                cleanup=tc_cleanup,
                unit="ops/s",
            )

        # Per-call overhead ---------------------------------------------------------------------
        self.measure(
            "trivial call (lseek CUR)",
            "overhead",
            "trivial",
            {"path": big, "n": 300_000},
            ["trivial", big, 3_000_000],
            basic + ("cffi",),
            better="low",
            unit="us/call",
            note="glfs_lseek(fd, 0, SEEK_CUR); fuse: os.lseek syscall",
        )

        # Peak RSS --------------------------------------------------------------------------------
        rss = f"{data}/rss.bin"
        self.c("write", rss, self.rss_size, MIB, 0)
        self.measure(
            f"peak RSS read() {self.rss_size // MIB} MiB",
            "memory",
            "rss_read",
            {"path": rss},
            ["read_whole", rss],
            basic,
            better="low",
            unit="MiB",
            runner=lambda i, k: self._rss(i, "rss_read", {"path": rss}, ["read_whole", rss]),
        )
        self.measure(
            f"peak RSS copy {self.rss_size // MIB} MiB",
            "memory",
            "rss_copy",
            {"path": rss, "size": self.rss_size},
            None,
            basic,
            better="low",
            unit="MiB",
            runner=lambda i, k: self._rss(
                i,
                "rss_copy",
                {"path": rss, "size": self.rss_size, "dst": f"{r}/rsscp-{i}-{k}.bin"},
                ["copy_server", rss, f"{r}/rsscp-{i}-{k}.bin"],
            ),
        )
        self.c("rmtree", r + "/data", timeout=900)

        # Mount, unmount, whole process ---------------------------------------------------------
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
        self.measure(
            "mount",
            "lifecycle",
            "mount",
            {},
            ["mount"],
            ("c", "gpath", "fuse", "gfapi-py"),
            better="low",
            unit="s",
            runner=self._mount_run,
        )
        self.measure(
            "umount",
            "lifecycle",
            "umount",
            {},
            ["umount"],
            ("c", "gpath", "fuse", "gfapi-py"),
            better="low",
            unit="s",
            reps=slow_reps,
            runner=self._umount_run,
            note="C and gfapi-py: plain glfs_fini; gpath: umount() (disconnect, background fini)",
        )
        self.measure(
            "mount+write+umount+exit",
            "lifecycle",
            "whole",
            {},
            None,
            ("c", "gpath", "gpath.path", "fuse", "gfapi-py"),
            better="low",
            unit="s",
            reps=slow_reps,
            runner=self._whole_run,
            note="wall time of a whole process writing 1 MiB; fuse: mount(8) + python + umount(8)",
        )

    def _rss(
        self, impl: str, workload: str, args: dict[str, Any], cargs: list[Any]
    ) -> dict[str, Any]:
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
            proc = subprocess.run(
                ["mount", "-t", "glusterfs", f"{self.host}:/{VOLNAME}", mnt],
                capture_output=True,
                text=True,
                check=False,
            )
            t = time.perf_counter() - t0
            subprocess.run(["umount", mnt], capture_output=True, check=False)
            os.rmdir(mnt)
            return (
                {"value": t, "unit": "s"} if proc.returncode == 0 else {"error": proc.stderr[-200:]}
            )
        return self.run_one(impl, "mount", {}, ["mount"])

    def _umount_run(self, impl: str, rnd: int, early: bool = False) -> dict[str, Any]:
        if not early and ("umount", impl) in self.early:
            return dict(self.early[("umount", impl)].result())
        if impl == "fuse":
            mnt = tempfile.mkdtemp(prefix="gpath-bench-u-")
            subprocess.run(
                ["mount", "-t", "glusterfs", f"{self.host}:/{VOLNAME}", mnt],
                capture_output=True,
                check=False,
            )
            os.stat(mnt)
            t0 = time.perf_counter()
            proc = subprocess.run(["umount", mnt], capture_output=True, text=True, check=False)
            t = time.perf_counter() - t0
            os.rmdir(mnt)
            return (
                {"value": t, "unit": "s"} if proc.returncode == 0 else {"error": proc.stderr[-200:]}
            )
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
            proc = subprocess.run(
                [str(CBENCH), self.host, VOLNAME, "whole", path, str(MIB)],
                capture_output=True,
                text=True,
                check=False,
            )
        elif impl == "fuse":
            mnt = tempfile.mkdtemp(prefix="gpath-bench-w-")
            proc = subprocess.run(
                ["mount", "-t", "glusterfs", f"{self.host}:/{VOLNAME}", mnt],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode == 0:
                proc = subprocess.run(
                    [sys.executable, "-c", f"open({mnt + path!r}, 'wb').write(bytes(1048576))"],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                subprocess.run(["umount", mnt], capture_output=True, check=False)
            t = time.perf_counter() - t0
            os.rmdir(mnt)
            return (
                {"value": t, "unit": "s"} if proc.returncode == 0 else {"error": proc.stderr[-200:]}
            )
        else:
            python = self.gfapi_py if impl == "gfapi-py" else sys.executable
            proc = subprocess.run(
                [str(python), "-c", textwrap.dedent(script[impl])],
                capture_output=True,
                text=True,
                check=False,
                cwd=str(ROOT),
            )
        t = time.perf_counter() - t0
        if proc.returncode != 0:
            return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"}
        return {"value": t, "unit": "s"}


def bs_label(bs: int) -> str:
    """A block size as the rows name it: 1M, 128K, 4K."""
    return f"{bs // MIB}M" if bs >= MIB else f"{bs // KIB}K"
