"""Copies, moves and sync for the command line, on gpath's tree engine.

Every file is written under a temporary name and renamed into place when complete, so
an interrupted transfer never leaves a partial file under its final name.  A file that
fails is reported and the others go on; the caller's exit status says so.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import posixpath
import shutil
import stat as stat_module
import sys
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from gpath.cli import _engine
from gpath.cli._targets import Local, Remote, Target

CANCELLED = threading.Event()
"""Set by Ctrl-C: the workers of a transfer stop at their next write."""

STREAM_CHUNK = 1024 * 1024
PARALLEL_MIN = 64 << 20  # files at least this large are read with reads in flight
PARALLEL_READS = 4
_print_lock = threading.Lock()


class Reporter:
    """Prints errors the way coreutils do and remembers that one happened."""

    def __init__(self) -> None:
        self.failed = False
        self._lock = threading.Lock()

    def error(self, message: str) -> None:
        with self._lock:
            self.failed = True
            print(f"gpath: {message}", file=sys.stderr, flush=True)

    def oserror(self, verb: str, shown: str, exc: OSError) -> None:
        """``gpath: VERB 'SHOWN': strerror``, e.g. "cannot stat 'x': No such file..."."""
        self.error(f"{verb} '{shown}': {describe(exc)}")


def describe(exc: BaseException) -> str:
    """The reason an OSError gives, without the file name (the message names it)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


class Meter:
    """Counts bytes and files as they are written; draws a rich progress bar if asked."""

    def __init__(self, enabled: bool, description: str = "") -> None:
        self.enabled = enabled
        self.description = description
        self.bytes = 0
        self.files = 0
        self._progress: Any = None
        self._task: Any = None
        self._lock = threading.Lock()

    def start(self, total_bytes: int | None, total_files: int | None) -> None:
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(binary_units=True),
            TextColumn("{task.fields[files]} files"),
            TransferSpeedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        files = f"0/{total_files}" if total_files is not None else "0"
        self._total_files = total_files
        self._task = self._progress.add_task(self.description, total=total_bytes, files=files)
        self._progress.start()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __call__(self, nbytes: int, nfiles: int) -> None:
        if CANCELLED.is_set():
            raise KeyboardInterrupt
        with self._lock:
            self.bytes += nbytes
            self.files += nfiles
            files = self.files
        if self._progress is not None:
            shown = f"{files}/{self._total_files}" if self._total_files is not None else files
            self._progress.update(self._task, advance=nbytes, files=shown)

    @contextlib.contextmanager
    def running(self, totals: Callable[[], tuple[int, int]] | None) -> Iterator[None]:
        if self.enabled:
            total_bytes, total_files = totals() if totals is not None else (None, None)
            self.start(total_bytes, total_files)
        try:
            yield
        finally:
            self.stop()


# -- listing whole trees -----------------------------------------------------------------------


def walk(fs: Any, root: str, workers: int) -> dict[str, os.stat_result]:
    """Every entry below *root* (not *root* itself) by relative path, with its lstat.

    Directories are listed in parallel on the tree engine, one listing per task.
    """
    found: dict[str, os.stat_result] = {}
    lock = threading.Lock()
    engine = _engine.Engine(workers)

    def list_dir(rel: str) -> None:
        path = root if not rel else _join(root, rel)
        entries = _engine.listdir(fs, path)
        with lock:
            for name, st in entries:
                found[_join(rel, name) if rel else name] = st
        for name, st in entries:
            if stat_module.S_ISDIR(st.st_mode):
                engine.submit(list_dir, _join(rel, name) if rel else name)

    engine.submit(list_dir, "")
    engine.wait()
    return found


def _join(a: str, b: str) -> str:
    return a + b if a.endswith("/") else a + "/" + b


def tree_totals(targets: list[Target], workers: int) -> tuple[int, int]:
    """Bytes and files that copying *targets* will write (for the progress bar)."""
    total_bytes = total_files = 0
    for target in targets:
        try:
            st = target.stat()
            if stat_module.S_ISDIR(st.st_mode):
                for entry in walk(target.fs, target.path, workers).values():
                    if stat_module.S_ISREG(entry.st_mode):
                        total_bytes += entry.st_size
                        total_files += 1
            else:
                total_bytes += st.st_size
                total_files += 1
        except OSError:
            pass  # reported when the copy reaches it
    return total_bytes, total_files


# -- copies ----------------------------------------------------------------------------------


@dataclass
class Transfer:
    """How a cp/put/get/mv runs."""

    reporter: Reporter
    meter: Meter
    recursive: bool = False
    preserve: bool = False
    workers: int = 8
    follow_symlinks: bool = True
    verb: str = "cannot copy"
    errors: list[OSError] = field(default_factory=list)

    def _on_error(self, src: Target, dst: Target) -> Callable[[OSError], None]:
        def report(exc: OSError) -> None:
            name = exc.filename
            shown = str(name)
            if isinstance(name, str):
                for target in (dst, src):
                    if name == target.path or name.startswith(target.path.rstrip("/") + "/"):
                        shown = target.show(name)
                        break
            self.reporter.oserror("cannot copy", shown, exc)

        return report

    def copy(self, src: Target, dst: Target) -> bool:
        """Copy one argument (file or, with -r, tree) to *dst*; True if all went well."""
        try:
            st = src.stat() if self.follow_symlinks else src.lstat()
        except OSError as exc:
            self.reporter.oserror("cannot stat", src.shown, exc)
            return False
        if stat_module.S_ISDIR(st.st_mode):
            if not self.recursive:
                self.reporter.error(f"-r not specified; omitting directory '{src.shown}'")
                return False
            if _inside(src, dst):
                self.reporter.error(
                    f"cannot copy a directory, '{src.shown}', into itself, '{dst.shown}'"
                )
                return False
        if (
            isinstance(src, Remote)
            and isinstance(dst, Local)
            and stat_module.S_ISREG(st.st_mode)
            and st.st_size >= PARALLEL_MIN
            and self.workers > 1
            and _is_file_or_absent(dst.path)
        ):
            try:
                download_parallel(src, dst.path, st, self.workers, self.meter, self.preserve)
            except OSError as exc:
                self.reporter.oserror("cannot copy", src.shown, exc)
                return False
            return True
        failed_before = self.reporter.failed
        self.reporter.failed = False
        copier = _engine.copier(
            src.fs,
            dst.fs,
            follow_symlinks=self.follow_symlinks,
            preserve=self.preserve,
            workers=self.workers,
            progress=self.meter,
            on_error=self._on_error(src, dst),
        )
        try:
            copier.copy(src.path, dst.path)
        except OSError as exc:
            self._on_error(src, dst)(exc)
        ok = not self.reporter.failed
        self.reporter.failed = self.reporter.failed or failed_before
        return ok


def _is_file_or_absent(path: str) -> bool:
    try:
        return stat_module.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True


def download_parallel(
    src: Remote, dst: str, st: os.stat_result, workers: int, meter: Meter, preserve: bool
) -> None:
    """Copy one large file to local disk with several reads in flight.

    One read stream waits a round trip per chunk; reader threads fetch the next chunks
    meanwhile, and this thread writes them in order (appending is what local disks like).
    """
    head, sep, name = dst.rpartition("/")
    temp = f"{head}{sep}.{name}.{uuid.uuid4().hex[:12]}.part"
    size = st.st_size
    offsets = iter(range(0, size, STREAM_CHUNK))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        with (
            src.gpath.volume.fopen(src.path, "rb") as f,
            ThreadPoolExecutor(min(workers, PARALLEL_READS)) as pool,
        ):
            pending: deque[tuple[int, Future[bytes]]] = deque()

            def read_ahead() -> None:
                offset = next(offsets, None)
                if offset is not None:
                    length = min(STREAM_CHUNK, size - offset)
                    pending.append((length, pool.submit(f.pread, length, offset)))

            for _ in range(2 * PARALLEL_READS):
                read_ahead()
            try:
                while pending:
                    length, future = pending.popleft()
                    data = future.result()
                    if len(data) != length:
                        raise OSError(errno.EIO, "the file changed size while it was read", dst)
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
                    meter(length, 0)
                    read_ahead()
            finally:
                for _, future in pending:
                    future.cancel()
        os.close(fd)
        fd = -1
        if preserve:
            _engine.copy_metadata(src.fs, src.path, st, _engine.local_fs(), temp, True)
        os.rename(temp, dst)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    meter(0, 1)


def _inside(src: Target, dst: Target) -> bool:
    """Whether *dst* is *src* or below it, on the same file system."""
    if src.remote != dst.remote:
        return False
    if isinstance(src, Remote) and isinstance(dst, Remote):
        if src.gpath.volume is not dst.gpath.volume:
            return False
        a, b = src.path.rstrip("/") + "/", dst.path.rstrip("/") + "/"
    else:
        a = os.path.realpath(src.path).rstrip("/") + "/"
        b = os.path.realpath(dst.path).rstrip("/") + "/"
    return b.startswith(a)


def copy_stdin(dst: Target, meter: Meter) -> None:
    """Write standard input to *dst* (a file), under a temporary name until complete."""
    head, sep, name = dst.path.rpartition("/")
    temp = f"{head}{sep}.{name}.{uuid.uuid4().hex[:12]}.part"
    try:
        plain = stat_module.S_ISREG(dst.lstat().st_mode)
    except FileNotFoundError:
        plain = True
    if not plain:  # a pipe, device or symlink is written to (through), not replaced
        temp = dst.path
    try:
        with dst.fs.open_write(temp) as out:
            source: Any = sys.stdin.buffer  # read1: whatever has arrived, up to a chunk
            while chunk := source.read1(STREAM_CHUNK):
                out.write(chunk)
                meter(len(chunk), 0)
        if temp != dst.path:
            dst.fs.rename(temp, dst.path)
    except BaseException:
        if temp != dst.path:
            with contextlib.suppress(OSError):
                dst.fs.unlink(temp)
        raise
    meter(0, 1)


def copy_stdout(src: Target, meter: Meter) -> None:
    """Write the file *src* to standard output."""
    with src.fs.open_read(src.path) as f:
        out = sys.stdout.buffer
        buf = bytearray(STREAM_CHUNK)
        view = memoryview(buf)
        while n := f.readinto(buf):
            out.write(view[:n])
            meter(n, 0)
        out.flush()
    meter(0, 1)


def remove(target: Target, workers: int) -> None:
    """Delete a file, symlink or whole tree."""
    st = target.lstat()
    if not stat_module.S_ISDIR(st.st_mode):
        target.fs.unlink(target.path)
    elif isinstance(target, Remote):
        target.gpath.rmtree(max_workers=workers)
    else:
        shutil.rmtree(target.path)


# -- sync --------------------------------------------------------------------------------------


@dataclass
class Sync:
    """Make *dst* a copy of *src*'s contents, copying only what differs (rsync -a)."""

    reporter: Reporter
    meter: Meter
    delete: bool = False
    dry_run: bool = False
    checksum: bool = False
    verbose: bool = False
    workers: int = 8
    copied: int = 0
    deleted: int = 0

    def say(self, action: str, shown: str) -> None:
        if self.verbose or self.dry_run:
            with _print_lock:
                sys.stdout.write(f"{action} {shown}\n")
                sys.stdout.flush()

    def run(self, src: Target, dst: Target) -> None:
        try:
            sst = src.stat()
        except OSError as exc:
            self.reporter.oserror("cannot stat", src.shown, exc)
            return
        if not stat_module.S_ISDIR(sst.st_mode):
            if dst.is_dir():
                dst = dst.child(src.name)
            self._sync_files(src, dst, [("", sst, self._lstat_or_none(dst))])
            return
        try:
            dst_st = dst.stat()
        except FileNotFoundError:
            dst_st = None
        except OSError as exc:
            self.reporter.oserror("cannot stat", dst.shown, exc)
            return
        if dst_st is not None and not stat_module.S_ISDIR(dst_st.st_mode):
            self.reporter.error(f"cannot sync a directory onto a file: '{dst.shown}'")
            return
        try:
            src_map = walk(src.fs, src.path, self.workers)
            dst_map = walk(dst.fs, dst.path, self.workers) if dst_st is not None else {}
        except OSError as exc:
            self.reporter.oserror("cannot list", str(exc.filename), exc)
            return
        if dst_st is None:
            self.say("mkdir", dst.shown)
            if not self.dry_run:
                dst.fs.mkdir(dst.path)
        self._sync_tree(src, dst, sst, dst_st, src_map, dst_map)

    def _lstat_or_none(self, target: Target) -> os.stat_result | None:
        try:
            return target.lstat()
        except FileNotFoundError:
            return None

    def _differs(self, sst: os.stat_result, dst_st: os.stat_result | None) -> bool | None:
        """True: copy; False: same; None: same size, contents to compare (--checksum)."""
        if dst_st is None or not stat_module.S_ISREG(dst_st.st_mode):
            return True
        if sst.st_size != dst_st.st_size:
            return True
        if self.checksum:
            return None
        return sst.st_mtime_ns != dst_st.st_mtime_ns

    def _sync_tree(
        self,
        src: Target,
        dst: Target,
        sst: os.stat_result,
        dst_st: os.stat_result | None,
        src_map: dict[str, os.stat_result],
        dst_map: dict[str, os.stat_result],
    ) -> None:
        def at(root: Target, rel: str) -> str:
            return _join(root.path, rel) if rel else root.path

        if self.delete:
            for rel in sorted(dst_map):
                parent = posixpath.dirname(rel)
                if rel in src_map or (parent and parent not in src_map):
                    continue  # kept, or below a directory deleted as a whole
                if parent and not stat_module.S_ISDIR(src_map[parent].st_mode):
                    continue
                self._delete(dst, at(dst, rel), dst_map[rel])
        files: list[tuple[str, os.stat_result, os.stat_result | None]] = []
        dirs: list[tuple[str, os.stat_result]] = [("", sst)]
        for rel in sorted(src_map):
            st = src_map[rel]
            there = dst_map.get(rel)
            path = at(dst, rel)
            if there is not None and stat_module.S_ISDIR(there.st_mode) != (
                stat_module.S_ISDIR(st.st_mode)
            ):
                self._delete(dst, path, there)
                there = None
            if stat_module.S_ISDIR(st.st_mode):
                dirs.append((rel, st))
                if there is None:
                    self.say("mkdir", dst.show(path))
                    if not self.dry_run:
                        try:
                            dst.fs.mkdir(path)
                        except OSError as exc:
                            self.reporter.oserror("cannot create directory", dst.show(path), exc)
            elif stat_module.S_ISLNK(st.st_mode):
                self._sync_link(src, dst, rel, there)
            elif stat_module.S_ISREG(st.st_mode):
                files.append((rel, st, there))
            else:
                self.reporter.error(f"skipping special file '{src.show(at(src, rel))}'")
        self._sync_files(src, dst, files)
        if self.dry_run:
            return
        # Writing into a directory changes its times: set them last, deepest first.
        for rel, st in sorted(dirs, key=lambda item: -item[0].count("/") - bool(item[0])):
            there = dst_map.get(rel) if rel else dst_st
            changed = self.copied or self.deleted
            if there is not None and _same_meta(st, there) and not changed:
                continue
            try:
                _engine.copy_metadata(src.fs, at(src, rel), st, dst.fs, at(dst, rel), True)
            except OSError as exc:
                self.reporter.oserror("cannot set times of", dst.show(at(dst, rel)), exc)

    def _sync_link(self, src: Target, dst: Target, rel: str, there: os.stat_result | None) -> None:
        s_path, d_path = _join(src.path, rel), _join(dst.path, rel)
        try:
            text = src.fs.readlink(s_path)
            if there is not None and stat_module.S_ISLNK(there.st_mode):
                if dst.fs.readlink(d_path) == text:
                    return
            self.say("link", dst.show(d_path))
            if self.dry_run:
                return
            if there is not None:
                dst.fs.unlink(d_path)
            dst.fs.symlink(text, d_path)
            self.copied += 1
        except OSError as exc:
            self.reporter.oserror("cannot copy", dst.show(d_path), exc)

    def _delete(self, dst: Target, path: str, st: os.stat_result) -> None:
        self.say("delete", dst.show(path))
        self.deleted += 1
        if self.dry_run:
            return
        try:
            if not stat_module.S_ISDIR(st.st_mode):
                dst.fs.unlink(path)
            elif isinstance(dst, Remote):
                dst.gpath.volume.path(path).rmtree(max_workers=self.workers)
            else:
                shutil.rmtree(path)
        except OSError as exc:
            self.reporter.oserror("cannot remove", dst.show(path), exc)

    def _sync_files(
        self,
        src: Target,
        dst: Target,
        files: list[tuple[str, os.stat_result, os.stat_result | None]],
    ) -> None:
        copier = _engine.copier(
            src.fs,
            dst.fs,
            follow_symlinks=False,
            preserve=True,
            workers=self.workers,
            progress=self.meter,
            on_error=None,
        )
        engine = _engine.Engine(self.workers)
        lock = threading.Lock()

        def sync_batch(batch: list[tuple[str, os.stat_result, os.stat_result | None]]) -> None:
            for rel, st, there in batch:
                s_path = _join(src.path, rel) if rel else src.path
                d_path = _join(dst.path, rel) if rel else dst.path
                try:
                    differs = self._differs(st, there)
                    if differs is None:
                        differs = _digest(src.fs, s_path) != _digest(dst.fs, d_path)
                    if not differs:
                        continue
                    self.say("copy", dst.show(d_path))
                    if self.dry_run:
                        continue
                    replace = there is not None and not stat_module.S_ISREG(there.st_mode)
                    copier.copy_file(s_path, d_path, st, in_tree=True, replace=replace)
                    with lock:
                        self.copied += 1
                except OSError as exc:
                    self.reporter.oserror("cannot copy", src.show(s_path), exc)

        for batch in engine.batches(files):
            engine.submit(sync_batch, batch)
        engine.wait()


def _same_meta(a: os.stat_result, b: os.stat_result) -> bool:
    return a.st_mtime_ns == b.st_mtime_ns and stat_module.S_IMODE(a.st_mode) == stat_module.S_IMODE(
        b.st_mode
    )


def _digest(fs: Any, path: str) -> bytes:
    digest = hashlib.sha256()
    buf = bytearray(STREAM_CHUNK)
    view = memoryview(buf)
    with fs.open_read(path) as f:
        while n := f.readinto(buf):
            digest.update(view[:n])
    return digest.digest()


__all__ = ["CANCELLED", "Local", "Meter", "Reporter", "Sync", "Transfer", "walk"]
