"""AsyncGlusterPath: a GlusterPath whose I/O is awaited (asyncio or trio, through anyio)."""

from __future__ import annotations

import errno
import functools
import os
import pathlib
import stat as stat_module
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.lowlevel
import anyio.to_thread
from typing_extensions import Buffer, Self

from gpath._lowlevel import ffi, lib
from gpath._stat import stat_result
from gpath.aio import _bridge, _loop
from gpath.aio._file import AsyncFile
from gpath.errors import is_absent, oserror
from gpath.path import GlusterPath
from gpath.volume import Volume

if TYPE_CHECKING:
    from gpath._watch import AsyncWatcher

T = TypeVar("T")
_BATCH = 256  # results a worker hands over per trip through the pool

AsyncPathArg = "AsyncGlusterPath | GlusterPath | str"


def _sync(other: Any) -> Any:
    """The GlusterPath inside an AsyncGlusterPath; anything else as it is."""
    return other._path if isinstance(other, AsyncGlusterPath) else other


def _next_batch(iterator: Iterator[T], size: int) -> list[T]:
    batch: list[T] = []
    for item in iterator:
        batch.append(item)
        if len(batch) >= size:
            break
    return batch


class AsyncGlusterPath:
    """A path on a GlusterFS volume whose I/O methods are coroutines.

    ``AsyncGlusterPath(path)`` wraps a :class:`gpath.GlusterPath`; every I/O method of
    GlusterPath is here under the same name and arguments, to be awaited, and raises the same
    errors.  Blocking calls run in the Volume's bounded worker pool
    (:func:`gpath.aio.worker_limiter`).  ``iterdir``, ``glob``, ``rglob`` and ``walk`` are
    async iterators; ``open`` is awaited and returns an :class:`AsyncFile`.  Pure operations
    (``/``, ``parent``, ``name``, ``with_suffix``...) need no await and return
    AsyncGlusterPaths.  Works under asyncio and trio.
    """

    __slots__ = ("_path",)

    def __init__(self, path: GlusterPath | AsyncGlusterPath) -> None:
        if isinstance(path, AsyncGlusterPath):
            path = path.sync
        if not isinstance(path, GlusterPath):
            raise TypeError(f"AsyncGlusterPath wraps a GlusterPath, not {type(path).__name__}")
        self._path = path

    @classmethod
    def from_uri(cls, uri: str, volume: Volume | None = None) -> Self:
        """``AsyncGlusterPath(GlusterPath.from_uri(uri, volume))``."""
        return cls(GlusterPath.from_uri(uri, volume))

    def _wrap(self, path: GlusterPath) -> Self:
        return type(self)(path)

    async def _run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        call = functools.partial(func, *args, **kwargs) if kwargs else func
        return await _loop.run_sync(self._path.volume, call, *(() if kwargs else args))

    # -- pure ---------------------------------------------------------------------------------

    @property
    def sync(self) -> GlusterPath:
        """The wrapped :class:`gpath.GlusterPath`."""
        return self._path

    @property
    def volume(self) -> Volume:
        return self._path.volume

    @property
    def path(self) -> str:
        return self._path.path

    def __str__(self) -> str:
        return str(self._path)

    def __repr__(self) -> str:
        return f"AsyncGlusterPath({str(self._path)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AsyncGlusterPath):
            return NotImplemented
        return self._path == other._path

    def __hash__(self) -> int:
        return hash(self._path)

    def __lt__(self, other: AsyncGlusterPath) -> bool:
        return self._path < other._path

    def __le__(self, other: AsyncGlusterPath) -> bool:
        return self._path <= other._path

    def __gt__(self, other: AsyncGlusterPath) -> bool:
        return self._path > other._path

    def __ge__(self, other: AsyncGlusterPath) -> bool:
        return self._path >= other._path

    def __truediv__(self, key: str | os.PathLike[str] | GlusterPath | AsyncGlusterPath) -> Self:
        return self._wrap(self._path / _sync(key))

    def joinpath(self, *segments: str | os.PathLike[str] | GlusterPath | AsyncGlusterPath) -> Self:
        return self._wrap(self._path.joinpath(*(_sync(s) for s in segments)))

    def as_uri(self) -> str:
        return self._path.as_uri()

    def as_posix(self) -> str:
        return self._path.as_posix()

    @property
    def parts(self) -> tuple[str, ...]:
        return self._path.parts

    @property
    def name(self) -> str:
        return self._path.name

    @property
    def suffix(self) -> str:
        return self._path.suffix

    @property
    def suffixes(self) -> list[str]:
        return self._path.suffixes

    @property
    def stem(self) -> str:
        return self._path.stem

    @property
    def anchor(self) -> str:
        return self._path.anchor

    @property
    def parent(self) -> Self:
        return self._wrap(self._path.parent)

    @property
    def parents(self) -> Sequence[Self]:
        return tuple(self._wrap(p) for p in self._path.parents)

    def with_name(self, name: str) -> Self:
        return self._wrap(self._path.with_name(name))

    def with_stem(self, stem: str) -> Self:
        return self._wrap(self._path.with_stem(stem))

    def with_suffix(self, suffix: str) -> Self:
        return self._wrap(self._path.with_suffix(suffix))

    def relative_to(self, other: Any, *, walk_up: bool = False) -> pathlib.PurePosixPath:
        return self._path.relative_to(_sync(other), walk_up=walk_up)

    def is_relative_to(self, other: Any) -> bool:
        return self._path.is_relative_to(_sync(other))

    def is_absolute(self) -> bool:
        return True

    def match(
        self, path_pattern: str | os.PathLike[str], *, case_sensitive: bool | None = None
    ) -> bool:
        return self._path.match(path_pattern, case_sensitive=case_sensitive)

    def full_match(
        self, pattern: str | os.PathLike[str], *, case_sensitive: bool | None = None
    ) -> bool:
        return self._path.full_match(pattern, case_sensitive=case_sensitive)

    # -- queries ------------------------------------------------------------------------------

    async def _stat(self, follow: bool) -> os.stat_result:
        volume = self._path.volume
        if not volume.mounted:  # the sync call mounts a path that mounts itself, or says why not
            return await self._run(self._path.stat, follow_symlinks=follow)
        path = self._path.path
        cpath = _bridge.encode_path(path)
        req = await _loop.drain(volume).call(
            lib.GP_CALL_STAT if follow else lib.GP_CALL_LSTAT, volume, cpath
        )
        if req.ret < 0:
            raise oserror(req.err or errno.EIO, path)
        return stat_result(ffi.addressof(req.slot.poststat))

    async def _mode_or_none(self, follow: bool = True) -> int | None:
        try:
            return (await self._stat(follow)).st_mode
        except (OSError, ValueError) as exc:
            if is_absent(exc):
                return None
            raise

    async def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """``GlusterPath.stat``, run on gpath's C threads (no Python thread per call)."""
        return await self._stat(follow_symlinks)

    async def lstat(self) -> os.stat_result:
        return await self._stat(False)

    async def exists(self, *, follow_symlinks: bool = True) -> bool:
        return await self._mode_or_none(follow_symlinks) is not None

    async def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        mode = await self._mode_or_none(follow_symlinks)
        return mode is not None and stat_module.S_ISDIR(mode)

    async def is_file(self, *, follow_symlinks: bool = True) -> bool:
        mode = await self._mode_or_none(follow_symlinks)
        return mode is not None and stat_module.S_ISREG(mode)

    async def is_symlink(self) -> bool:
        mode = await self._mode_or_none(False)
        return mode is not None and stat_module.S_ISLNK(mode)

    async def is_fifo(self) -> bool:
        mode = await self._mode_or_none()
        return mode is not None and stat_module.S_ISFIFO(mode)

    async def is_socket(self) -> bool:
        mode = await self._mode_or_none()
        return mode is not None and stat_module.S_ISSOCK(mode)

    async def is_block_device(self) -> bool:
        mode = await self._mode_or_none()
        return mode is not None and stat_module.S_ISBLK(mode)

    async def is_char_device(self) -> bool:
        mode = await self._mode_or_none()
        return mode is not None and stat_module.S_ISCHR(mode)

    async def is_mount(self) -> bool:
        return await self._run(self._path.is_mount)

    async def samefile(self, other_path: Any) -> bool:
        return await self._run(self._path.samefile, _sync(other_path))

    async def owner(self, *, follow_symlinks: bool = True) -> str:
        return await self._run(self._path.owner, follow_symlinks=follow_symlinks)

    async def group(self, *, follow_symlinks: bool = True) -> str:
        return await self._run(self._path.group, follow_symlinks=follow_symlinks)

    async def statvfs(self) -> os.statvfs_result:
        return await self._run(self._path.statvfs)

    async def disk_usage(self) -> Any:
        return await self._run(self._path.disk_usage)

    async def resolve(self, strict: bool = False) -> Self:
        return self._wrap(await self._run(self._path.resolve, strict))

    async def readlink(self) -> pathlib.PurePosixPath:
        return await self._run(self._path.readlink)

    # -- content ------------------------------------------------------------------------------

    async def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> AsyncFile:
        """Open the file (see ``GlusterPath.open``); an :class:`AsyncFile`."""
        volume = self._path.volume
        opened = await anyio.to_thread.run_sync(
            self._path.open,
            mode,
            buffering,
            encoding,
            errors,
            newline,
            limiter=_loop.worker_limiter(volume),
        )
        try:
            await anyio.lowlevel.checkpoint_if_cancelled()
        except BaseException:  # cancelled while opening: close what was opened
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(opened.close, limiter=_loop.worker_limiter(volume))
            raise
        return AsyncFile(opened, volume)

    async def read_bytes(self) -> bytes:
        return await self._run(self._path.read_bytes)

    async def read_text(
        self, encoding: str | None = None, errors: str | None = None, newline: str | None = None
    ) -> str:
        return await self._run(self._path.read_text, encoding, errors, newline)

    async def write_bytes(self, data: Buffer) -> int:
        return await self._run(self._path.write_bytes, data)

    async def write_text(
        self,
        data: str,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> int:
        return await self._run(self._path.write_text, data, encoding, errors, newline)

    # -- listing ------------------------------------------------------------------------------

    async def _iterate(self, make: Callable[[], Iterator[GlusterPath]]) -> AsyncIterator[Self]:
        iterator = await self._run(make)  # errors of the first listing are raised here
        try:
            while True:
                batch = await self._run(_next_batch, iterator, _BATCH)
                for path in batch:
                    yield self._wrap(path)
                if len(batch) < _BATCH:
                    return
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    def iterdir(self) -> AsyncIterator[Self]:
        """The directory's entries, as an async iterator (the listing is read on first use)."""
        return self._iterate(lambda: iter(list(self._path.iterdir())))

    def glob(
        self,
        pattern: str | os.PathLike[str],
        *,
        case_sensitive: bool | None = None,
        recurse_symlinks: bool = False,
    ) -> AsyncIterator[Self]:
        """``GlusterPath.glob`` as an async iterator."""
        return self._iterate(
            lambda: self._path.glob(
                pattern, case_sensitive=case_sensitive, recurse_symlinks=recurse_symlinks
            )
        )

    def rglob(
        self,
        pattern: str | os.PathLike[str],
        *,
        case_sensitive: bool | None = None,
        recurse_symlinks: bool = False,
    ) -> AsyncIterator[Self]:
        """``GlusterPath.rglob`` as an async iterator."""
        return self._iterate(
            lambda: self._path.rglob(
                pattern, case_sensitive=case_sensitive, recurse_symlinks=recurse_symlinks
            )
        )

    async def walk(
        self,
        top_down: bool = True,
        on_error: Callable[[OSError], object] | None = None,
        follow_symlinks: bool = False,
    ) -> AsyncIterator[tuple[Self, list[str], list[str]]]:
        """``GlusterPath.walk`` as an async iterator; top-down, pruning *dirnames* in place
        limits the walk as in the sync version."""
        walker = self._path.walk(top_down, on_error, follow_symlinks)
        done: Any = object()
        try:
            while True:
                item = await self._run(next, walker, done)
                if item is done:
                    return
                dirpath, dirnames, filenames = item
                yield self._wrap(dirpath), dirnames, filenames
        finally:
            close = getattr(walker, "close", None)
            if close is not None:
                close()

    # -- changes ------------------------------------------------------------------------------

    async def mkdir(self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False) -> None:
        await self._run(self._path.mkdir, mode, parents, exist_ok)

    async def touch(self, mode: int = 0o666, exist_ok: bool = True) -> None:
        await self._run(self._path.touch, mode, exist_ok)

    async def unlink(self, missing_ok: bool = False) -> None:
        await self._run(self._path.unlink, missing_ok)

    async def rmdir(self) -> None:
        await self._run(self._path.rmdir)

    async def rmtree(
        self,
        ignore_errors: bool = False,
        on_error: Callable[[OSError], object] | None = None,
        *,
        max_workers: int | None = None,
    ) -> None:
        await self._run(self._path.rmtree, ignore_errors, on_error, max_workers=max_workers)

    async def rename(self, target: Any) -> AsyncGlusterPath:
        return AsyncGlusterPath(await self._run(self._path.rename, _sync(target)))

    async def replace(self, target: Any) -> AsyncGlusterPath:
        return AsyncGlusterPath(await self._run(self._path.replace, _sync(target)))

    async def symlink_to(self, target: Any, target_is_directory: bool = False) -> None:
        await self._run(self._path.symlink_to, _sync(target), target_is_directory)

    async def hardlink_to(self, target: Any) -> None:
        await self._run(self._path.hardlink_to, _sync(target))

    async def chmod(self, mode: int, *, follow_symlinks: bool = True) -> None:
        await self._run(self._path.chmod, mode, follow_symlinks=follow_symlinks)

    async def copy(self, target: Any, **kwargs: Any) -> AsyncGlusterPath | pathlib.Path:
        """``GlusterPath.copy``; a GlusterPath result comes back as an AsyncGlusterPath."""
        return _rewrap(await self._run(self._path.copy, _sync(target), **kwargs))

    async def copy_into(self, target_dir: Any, **kwargs: Any) -> AsyncGlusterPath | pathlib.Path:
        return _rewrap(await self._run(self._path.copy_into, _sync(target_dir), **kwargs))

    async def move(self, target: Any, **kwargs: Any) -> AsyncGlusterPath | pathlib.Path:
        return _rewrap(await self._run(self._path.move, _sync(target), **kwargs))

    async def move_into(self, target_dir: Any, **kwargs: Any) -> AsyncGlusterPath | pathlib.Path:
        return _rewrap(await self._run(self._path.move_into, _sync(target_dir), **kwargs))

    # -- watching -----------------------------------------------------------------------------

    def watch(self, recursive: bool = False, *, refresh: float | None = None) -> AsyncWatcher:
        """Watch this directory for changes other clients make (``async with`` /
        ``async for``); see ``GlusterPath.watch``."""
        from gpath._watch import AsyncWatcher, watch

        return AsyncWatcher(watch(self._path, recursive, refresh=refresh))


def _rewrap(result: Any) -> AsyncGlusterPath | pathlib.Path:
    return AsyncGlusterPath(result) if isinstance(result, GlusterPath) else result
