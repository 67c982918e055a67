"""The tree engine: parallel ``rmtree`` and recursive copies, over a file-system protocol.

Deleting or copying a tree of small files is dominated by round trips (one ``unlink`` or
``create``+``write``+``close`` per file), not by bandwidth.  libgfapi calls release the GIL
and one mounted Volume serves many threads, so these operations run on a bounded thread
pool (:data:`DEFAULT_WORKERS` threads unless told otherwise): each directory listing and
each batch of files is one task, and a directory is finished (removed, or given its
metadata) by whichever task completes its last child, so no worker ever waits for another.

The same engine copies in every direction: volume to volume, local disk to volume
(upload) and volume to local disk (download); the bytes always pass through this client.
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import stat as stat_module
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from gpath._pathinfo import XATTR_TOLERATED
from gpath._shutil import STREAM_BUFSIZE, copyfileobj

if TYPE_CHECKING:
    from gpath.volume import Volume

# A tree operation waits on one round trip per file; more requests in flight keep the
# bricks busy (how many: docs/design/performance.md).
DEFAULT_WORKERS = 32
"""Threads used by ``rmtree()`` and recursive ``copy()``/``copy_from()``/``move()`` by default."""

_MAX_BATCH = 32  # files per task, at most


def check_workers(max_workers: int | None) -> int:
    """Validate a ``max_workers`` argument (None = :data:`DEFAULT_WORKERS`)."""
    if max_workers is None:
        return DEFAULT_WORKERS
    if isinstance(max_workers, bool) or not isinstance(max_workers, int):
        raise TypeError("max_workers must be an int or None")
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    return max_workers


class Engine:
    """Runs tasks that may submit more tasks; :meth:`wait` returns when all are done.

    The first exception stops the scheduling of new tasks and is re-raised by
    :meth:`wait` once the tasks already running have finished.  With one worker the tasks
    run in the calling thread, one after the other.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = (
            ThreadPoolExecutor(workers, thread_name_prefix="gpath-tree") if workers > 1 else None
        )
        self._queue: deque[tuple[Callable[..., None], tuple[Any, ...]]] = deque()
        self._cond = threading.Condition()
        self._pending = 0
        self.error: BaseException | None = None

    def submit(self, fn: Callable[..., None], *args: Any) -> None:
        if self.error is not None:
            return
        with self._cond:
            self._pending += 1
        if self._pool is None:
            self._queue.append((fn, args))
        else:
            self._pool.submit(self._run, fn, args)

    def _run(self, fn: Callable[..., None], args: tuple[Any, ...]) -> None:
        try:
            if self.error is None:
                fn(*args)
        except BaseException as exc:
            with self._cond:
                if self.error is None:
                    self.error = exc
        finally:
            with self._cond:
                self._pending -= 1
                if self._pending == 0:
                    self._cond.notify_all()

    def wait(self) -> None:
        try:
            if self._pool is None:
                while self._queue:
                    fn, args = self._queue.popleft()
                    self._run(fn, args)
            else:
                with self._cond:
                    while self._pending:
                        self._cond.wait()
        except BaseException as exc:  # e.g. KeyboardInterrupt: stop scheduling, then drain
            if self.error is None:
                self.error = exc
            raise
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
        error = self.error
        if error is not None:
            self.error = None
            raise error

    def batches(self, items: list[Any]) -> list[list[Any]]:
        """Split *items* into batches that keep every worker busy without tiny tasks."""
        if not items:
            return []
        size = max(1, min(_MAX_BATCH, -(-len(items) // (2 * self.workers))))
        return [items[i : i + size] for i in range(0, len(items), size)]


class _Node:
    """Counts the unfinished children of a directory; the last one runs ``on_done``."""

    __slots__ = ("_count", "_lock", "_on_done")

    def __init__(self, on_done: Callable[[], None]) -> None:
        self._count = 1  # released by the task that lists the directory
        self._lock = threading.Lock()
        self._on_done = on_done

    def add(self, n: int = 1) -> None:
        with self._lock:
            self._count += n

    def done(self) -> None:
        with self._lock:
            self._count -= 1
            finished = self._count == 0
        if finished:
            self._on_done()


# -- rmtree ------------------------------------------------------------------------------------


#: What :func:`rmtree` reports a failure with: the step (``"listdir"``, ``"unlink"`` or
#: ``"rmdir"``), the path, and the error.
Report = Callable[[str, Any, OSError], None]


def rmtree(fs: _FS, path: Any, report: Report, max_workers: int | None) -> None:
    """Delete the directory tree *path* (a directory, not a symlink: the caller checks) on
    a pool of threads, never following symlinks.

    Each failure goes to ``report(step, path, exc)``, which may raise to abandon the
    operation (the first such exception is raised once the running tasks stop).  A
    directory whose listing failed is still removed if it can be, as ``shutil.rmtree`` does.
    *path* may be str or bytes.
    """
    engine = Engine(check_workers(max_workers))

    # A task that raises (report() re-raises when there is no on_error) leaves its
    # directory unfinished on purpose: the whole operation is being abandoned.
    def unlink_batch(batch: list[Any], node: _Node) -> None:
        for child in batch:
            try:
                fs.unlink(child)
            except OSError as exc:
                report("unlink", child, exc)
        node.done()

    def remove_dir(dirpath: Any, parent: _Node | None) -> None:
        def finish() -> None:
            if engine.error is not None:
                return
            try:
                fs.rmdir(dirpath)
            except OSError as exc:
                report("rmdir", dirpath, exc)
            if parent is not None:
                parent.done()

        node = _Node(finish)
        try:
            entries = fs.listdir(dirpath)
        except OSError as exc:
            report("listdir", dirpath, exc)
            entries = []
        files: list[Any] = []
        for name, lst in entries:
            child = posixpath.join(dirpath, name)
            if stat_module.S_ISDIR(lst.st_mode):
                node.add()
                engine.submit(remove_dir, child, node)
            else:
                files.append(child)
        for batch in engine.batches(files):
            node.add()
            engine.submit(unlink_batch, batch, node)
        node.done()

    engine.submit(remove_dir, path, None)
    engine.wait()


# -- file systems that copies read from and write to ------------------------------------------


class _FS(Protocol):
    def lstat(self, path: str) -> os.stat_result: ...
    def stat(self, path: str) -> os.stat_result: ...
    def listdir(self, path: str) -> list[tuple[str, os.stat_result]]: ...
    def readlink(self, path: str) -> str: ...
    def symlink(self, text: str, path: str) -> None: ...
    def mkdir(self, path: str) -> None: ...
    def unlink(self, path: str) -> None: ...
    def rmdir(self, path: str) -> None: ...
    def rename(self, src: str, dst: str) -> None: ...
    def open_read(self, path: str) -> BinaryIO: ...
    def open_write(self, path: str, in_tree: bool = False) -> BinaryIO: ...
    def utime(self, path: str, ns: tuple[int, int], follow: bool) -> None: ...
    def chmod(self, path: str, mode: int, follow: bool) -> None: ...
    def user_xattrs(self, path: str, follow: bool) -> list[tuple[str, bytes]]: ...
    def setxattr(self, path: str, name: str, value: bytes, follow: bool) -> None: ...


class VolFS:
    """A Volume seen as a file system for copies."""

    def __init__(self, vol: Volume) -> None:
        self.vol = vol

    def lstat(self, path: str) -> os.stat_result:
        return self.vol.lstat(path)

    def stat(self, path: str) -> os.stat_result:
        return self.vol.stat(path)

    def listdir(self, path: str) -> list[tuple[str, os.stat_result]]:
        return self.vol.listdir_with_stat(path)

    def readlink(self, path: str) -> str:
        return self.vol.readlink(path)

    def symlink(self, text: str, path: str) -> None:
        self.vol.symlink(text, path)

    def mkdir(self, path: str) -> None:
        self.vol.mkdir(path)

    def unlink(self, path: str) -> None:
        self.vol.unlink(path)

    def rmdir(self, path: str) -> None:
        self.vol.rmdir(path)

    def rename(self, src: str, dst: str) -> None:
        self.vol.rename(src, dst)

    def open_read(self, path: str) -> BinaryIO:
        f: Any = self.vol.fopen(path, "rb")
        return f  # type: ignore[no-any-return]

    def open_write(self, path: str, in_tree: bool = False) -> BinaryIO:
        f: Any = self.vol.fopen(path, "wb")
        return f  # type: ignore[no-any-return]

    def utime(self, path: str, ns: tuple[int, int], follow: bool) -> None:
        self.vol.utime(path, ns=ns, follow_symlinks=follow)

    def chmod(self, path: str, mode: int, follow: bool) -> None:
        if follow:  # libgfapi has no lchmod; Linux symlinks have no mode of their own anyway
            self.vol.chmod(path, mode)

    def user_xattrs(self, path: str, follow: bool) -> list[tuple[str, bytes]]:
        return [
            (name, self.vol.getxattr(path, name, follow_symlinks=follow))
            for name in self.vol.listxattr(path, follow_symlinks=follow)
            if name.startswith("user.")
        ]

    def setxattr(self, path: str, name: str, value: bytes, follow: bool) -> None:
        self.vol.setxattr(path, name, value, follow_symlinks=follow)


class LocalFS:
    """The local file system (``os``) seen the same way."""

    def lstat(self, path: str) -> os.stat_result:
        return os.lstat(path)

    def stat(self, path: str) -> os.stat_result:
        return os.stat(path)

    def listdir(self, path: str) -> list[tuple[str, os.stat_result]]:
        with os.scandir(path) as entries:
            return [(e.name, e.stat(follow_symlinks=False)) for e in entries]

    def readlink(self, path: str) -> str:
        return os.readlink(path)

    def symlink(self, text: str, path: str) -> None:
        os.symlink(text, path)

    def mkdir(self, path: str) -> None:
        os.mkdir(path)

    def unlink(self, path: str) -> None:
        os.unlink(path)

    def rmdir(self, path: str) -> None:
        os.rmdir(path)

    def rename(self, src: str, dst: str) -> None:
        os.rename(src, dst)

    def open_read(self, path: str) -> BinaryIO:
        return open(path, "rb", buffering=0)

    def open_write(self, path: str, in_tree: bool = False) -> BinaryIO:
        if not in_tree:
            return open(path, "wb")
        # Inside a tree a symlink is never written through, not even one planted meanwhile.
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW
        return open(os.open(path, flags, 0o666), "wb")

    def utime(self, path: str, ns: tuple[int, int], follow: bool) -> None:
        os.utime(path, ns=ns, follow_symlinks=follow)

    def chmod(self, path: str, mode: int, follow: bool) -> None:
        if follow or os.chmod in os.supports_follow_symlinks:
            os.chmod(path, mode, follow_symlinks=follow)

    def user_xattrs(self, path: str, follow: bool) -> list[tuple[str, bytes]]:
        if not hasattr(os, "listxattr"):
            return []
        return [
            (name, os.getxattr(path, name, follow_symlinks=follow))
            for name in os.listxattr(path, follow_symlinks=follow)
            if name.startswith("user.")
        ]

    def setxattr(self, path: str, name: str, value: bytes, follow: bool) -> None:
        if hasattr(os, "setxattr"):
            os.setxattr(path, name, value, follow_symlinks=follow)


class _Counted:
    """A writable file that reports the bytes written through it."""

    def __init__(self, f: BinaryIO, progress: Callable[[int, int], object]) -> None:
        self._f = f
        self._progress = progress

    def write(self, data: Any) -> int:
        n = self._f.write(data)
        self._progress(len(data), 0)
        return n


def _is_file_or_absent(fs: _FS, path: str) -> bool:
    try:
        return stat_module.S_ISREG(fs.lstat(path).st_mode)
    except FileNotFoundError:
        return True


def _temp_name(path: str) -> str:
    head, sep, name = path.rpartition("/")
    return f"{head}{sep}.{name}.{uuid.uuid4().hex[:12]}.part"


def _join(directory: str, name: str) -> str:
    return directory + name if directory.endswith("/") else directory + "/" + name


def copy_metadata(
    src_fs: _FS, src: str, st: os.stat_result, dst_fs: _FS, dst: str, follow: bool
) -> None:
    """Copy times, ``user.*`` xattrs and permission bits, in pathlib's order."""
    dst_fs.utime(dst, (st.st_atime_ns, st.st_mtime_ns), follow)
    try:
        attrs = src_fs.user_xattrs(src, follow)
    except OSError as exc:
        if exc.errno not in XATTR_TOLERATED:
            raise
        attrs = []
    for name, value in attrs:
        try:
            dst_fs.setxattr(dst, name, value, follow)
        except OSError as exc:
            if exc.errno not in XATTR_TOLERATED:
                raise
    dst_fs.chmod(dst, stat_module.S_IMODE(st.st_mode), follow)


class Copier:
    """Copies one file, symlink or tree from *src_fs* to *dst_fs* (pathlib 3.14 semantics).

    A directory target must not exist (``FileExistsError``) unless ``dirs_exist_ok``: then,
    as with ``shutil.copytree``, existing directories are merged into and files replaced.
    A merge never goes through a symlink below the target: one where a directory belongs
    is an error, one where a file or link belongs is replaced, never written through.
    With ``follow_symlinks`` (the default) symlinks are copied as what they point to,
    otherwise recreated as symlinks.  ``preserve_metadata`` copies times, permission bits
    and ``user.*`` extended attributes.

    Optional hooks (for the command line): ``progress(nbytes, nfiles)`` is called as bytes
    are written and as each file is finished; ``on_error(exc)`` receives the error of one
    file or directory and the copy goes on without it; with ``temp_names`` each file is
    written under a temporary name in its directory and renamed into place when complete.
    """

    def __init__(
        self,
        src_fs: _FS,
        dst_fs: _FS,
        follow_symlinks: bool,
        preserve_metadata: bool,
        max_workers: int | None,
        dirs_exist_ok: bool = False,
        progress: Callable[[int, int], object] | None = None,
        on_error: Callable[[OSError], object] | None = None,
        temp_names: bool = False,
    ) -> None:
        self.progress = progress
        self.on_error = on_error
        self.temp_names = temp_names
        self.src_fs = src_fs
        self.dst_fs = dst_fs
        self.follow = follow_symlinks
        self.preserve = preserve_metadata
        self.workers = check_workers(max_workers)
        self.merge = dirs_exist_ok

    def copy(self, src: str, dst: str) -> None:
        st = self.src_fs.lstat(src)
        if stat_module.S_ISLNK(st.st_mode):
            if not self.follow:
                self.copy_symlink(src, dst, st)
                return
            try:
                st = self.src_fs.stat(src)
            except FileNotFoundError:
                pass  # broken link: opening it below reports the error
        if stat_module.S_ISDIR(st.st_mode):
            engine = Engine(self.workers)
            engine.submit(self._copy_dir, engine, src, dst, st, None)
            engine.wait()
        else:
            self.copy_file(src, dst, st)

    def copy_symlink(self, src: str, dst: str, st: os.stat_result, replace: bool = False) -> None:
        if replace:
            self.dst_fs.unlink(dst)
        self.dst_fs.symlink(self.src_fs.readlink(src), dst)
        if self.preserve:
            copy_metadata(self.src_fs, src, st, self.dst_fs, dst, follow=False)

    def copy_file(
        self, src: str, dst: str, st: os.stat_result, in_tree: bool = False, replace: bool = False
    ) -> None:
        if replace:
            self.dst_fs.unlink(dst)
        # A temporary name keeps an interrupted copy from looking like a complete file; a
        # device, pipe or symlink named by the caller is written to (through), as cp does.
        temp = self.temp_names and (in_tree or _is_file_or_absent(self.dst_fs, dst))
        out = _temp_name(dst) if temp else dst
        try:
            # Streamed, also within one volume: see _shutil.copyfile for why not on the server.
            with self.src_fs.open_read(src) as fsrc, self.dst_fs.open_write(out, in_tree) as f:
                fdst = f if self.progress is None else _Counted(f, self.progress)
                copyfileobj(fsrc, fdst, min(STREAM_BUFSIZE, max(st.st_size, 1)))
            if self.preserve:
                copy_metadata(self.src_fs, src, st, self.dst_fs, out, follow=True)
            if out != dst:
                self.dst_fs.rename(out, dst)
        except BaseException:
            if out != dst:
                with contextlib.suppress(OSError):
                    self.dst_fs.unlink(out)
            raise
        if self.progress is not None:
            self.progress(0, 1)

    def _copy_items(
        self, items: list[tuple[bool, str, str, os.stat_result, bool]], node: _Node
    ) -> None:
        for is_link, src, dst, st, replace in items:
            try:
                if is_link:
                    self.copy_symlink(src, dst, st, replace)
                else:
                    self.copy_file(src, dst, st, in_tree=True, replace=replace)
            except OSError as exc:
                if self.on_error is None:
                    raise
                self.on_error(exc)
        node.done()  # not reached after an error: the copy is being abandoned

    def _make_dir(self, dst: str, top: bool) -> dict[str, int]:
        """Create *dst*, or in a merge accept an existing directory: the modes of what it
        already holds, by name (empty for a new directory)."""
        try:
            self.dst_fs.mkdir(dst)
            return {}
        except FileExistsError:
            if not self.merge:
                raise
        # The target itself may be a symlink the caller chose; below it, none is followed.
        st = self.dst_fs.stat(dst) if top else self.dst_fs.lstat(dst)
        if not stat_module.S_ISDIR(st.st_mode):
            raise FileExistsError(
                errno.EEXIST, "exists and is not a directory: cannot merge into it", dst
            )
        return {name: lst.st_mode for name, lst in self.dst_fs.listdir(dst)}

    def _copy_dir(
        self, engine: Engine, src: str, dst: str, st: os.stat_result, parent: _Node | None
    ) -> None:
        def finish() -> None:
            if engine.error is not None:
                return
            if self.preserve:
                copy_metadata(self.src_fs, src, st, self.dst_fs, dst, follow=True)
            if parent is not None:
                parent.done()

        node = _Node(finish)
        try:
            entries = self.src_fs.listdir(src)
            existing = self._make_dir(dst, top=parent is None)
        except OSError as exc:
            if self.on_error is None or parent is None:
                raise
            self.on_error(exc)
            parent.done()
            return
        items: list[tuple[bool, str, str, os.stat_result, bool]] = []
        for name, lst in entries:
            child_src, child_dst = _join(src, name), _join(dst, name)
            there = existing.get(name)
            # What is in the way goes first (a link, or for a link anything), but a directory
            # stays and makes the copy fail; a regular file is overwritten in place.
            in_way = there is not None and not stat_module.S_ISDIR(there)
            child_st = lst
            if stat_module.S_ISLNK(lst.st_mode):
                if not self.follow:
                    items.append((True, child_src, child_dst, lst, in_way))
                    continue
                try:
                    child_st = self.src_fs.stat(child_src)
                except FileNotFoundError:
                    pass  # broken link: copying it as a file reports the error
            if stat_module.S_ISDIR(child_st.st_mode):
                node.add()
                engine.submit(self._copy_dir, engine, child_src, child_dst, child_st, node)
            else:
                replace = in_way and there is not None and not stat_module.S_ISREG(there)
                items.append((False, child_src, child_dst, child_st, replace))
        for batch in engine.batches(items):
            node.add()
            engine.submit(self._copy_items, batch, node)
        node.done()


__all__ = [
    "DEFAULT_WORKERS",
    "Engine",
    "rmtree",
    "Copier",
    "VolFS",
    "LocalFS",
    "copy_metadata",
    "check_workers",
]
