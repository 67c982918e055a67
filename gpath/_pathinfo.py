"""``GlusterPathInfo``: the ``pathlib.types.PathInfo`` protocol (Python 3.14) for GlusterPath.

Paths yielded by ``iterdir()``, ``glob()``, ``rglob()`` and ``walk()`` come with an info
seeded from the readdirplus listing, which carries each entry's lstat: asking
``p.info.is_file()`` then costs no round trip (a symlink needs one ``stat`` when followed,
cached too).  Any other path gets an empty info that stats on first use and caches.

As in pathlib, the info never refreshes; a new path object (``p.joinpath()``) has a new
one.  Unlike the ``stat()``/``is_*()`` *methods* of the path, which ask the server every
time.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module
from typing import TYPE_CHECKING

from gpath import _volspec
from gpath._stat import stat_from_raw
from gpath.errors import is_absent

if TYPE_CHECKING:
    from gpath.volume import Volume

_new_object = object.__new__

# Errors that mean "the attribute cannot be copied here" (pathlib's list for xattrs).
XATTR_TOLERATED = frozenset({errno.EPERM, errno.ENOTSUP, errno.ENODATA, errno.EINVAL, errno.EACCES})

# A stat, the error of fetching it, not fetched yet (None), or a listing's raw struct stat.
_Cached = os.stat_result | OSError | ValueError | None | bytes


class GlusterPathInfo:
    """Cached file type and status of one path (``pathlib.types.PathInfo`` + ``stat()``).

    The query methods answer False only when nothing is there (``errors.is_absent``, and
    that answer is cached); any other failure of the stat is raised and not cached, so a
    later call asks again (unlike pathlib, whose info answers False for every ``OSError``).
    """

    __slots__ = ("_vol", "_path", "_lmode", "_lstat", "_stat")

    def __init__(self, vol: Volume, path: str, lstat: os.stat_result | None = None) -> None:
        self._vol = vol
        self._path = path
        self._lmode: int | None = None if lstat is None else lstat.st_mode
        self._lstat: _Cached = lstat
        self._stat: _Cached = None
        if lstat is not None and not stat_module.S_ISLNK(lstat.st_mode):
            self._stat = lstat  # not a symlink: following it changes nothing

    @classmethod
    def _from_listing(cls, vol: Volume, path: str, mode: int, raw: bytes) -> GlusterPathInfo:
        """An info seeded by a listing entry: its lstat mode, and its struct stat as bytes
        (made an ``os.stat_result`` only if ``stat()`` is asked; see ``dir.read_listing``)."""
        info = _new_object(cls)
        info._vol = vol
        info._path = path
        info._lmode = mode
        info._lstat = raw
        info._stat = None if stat_module.S_ISLNK(mode) else raw
        return info

    def __repr__(self) -> str:
        return "<GlusterPath.info>"

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """The cached ``os.stat_result`` (fetched once); raises ``OSError`` like ``stat()``.

        An extension of the PathInfo protocol (proposed for CPython as gh-139174).
        """
        if follow_symlinks:
            cached = self._stat
            if cached is None:
                cached = self._fetch(True)
        else:
            cached = self._lstat
            if cached is None:
                cached = self._fetch(False)
        if isinstance(cached, bytes):
            return self._materialize(cached)
        if isinstance(cached, os.stat_result):
            return cached
        assert isinstance(cached, Exception)
        raise cached

    def _materialize(self, raw: bytes) -> os.stat_result:
        """Turn the listing's raw struct stat into the cached ``os.stat_result``."""
        st = stat_from_raw(raw)
        self._lstat = st
        if self._stat is raw:
            self._stat = st
        return st

    def _fetch(self, follow: bool) -> _Cached:
        vol = _volspec.ensure_mounted(self._vol)
        result: _Cached
        try:
            result = vol.stat(self._path) if follow else vol.lstat(self._path)
        except (OSError, ValueError) as exc:
            if not is_absent(exc):
                raise  # a failure to look (ENOTCONN...): not cached, not "does not exist"
            result = exc
        if follow:
            self._stat = result
        else:
            self._lstat = result
            if isinstance(result, os.stat_result):
                self._lmode = result.st_mode
                if not stat_module.S_ISLNK(result.st_mode):
                    self._stat = result
        return result

    def _mode(self, follow: bool) -> int | None:
        lmode = self._lmode
        if lmode is not None and (not follow or not stat_module.S_ISLNK(lmode)):
            return lmode  # the lstat's mode answers (the hot path of iterdir + is_file)
        try:
            return self.stat(follow_symlinks=follow).st_mode
        except (OSError, ValueError) as exc:
            if is_absent(exc):
                return None
            raise

    def exists(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path existed when first asked (a broken symlink only without following)."""
        return self._mode(follow_symlinks) is not None

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a directory (or a symlink to one, when following)."""
        mode = self._mode(follow_symlinks)
        return mode is not None and stat_module.S_ISDIR(mode)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a regular file (or a symlink to one, when following)."""
        mode = self._mode(follow_symlinks)
        return mode is not None and stat_module.S_ISREG(mode)

    def is_symlink(self) -> bool:
        """Whether the path is a symbolic link."""
        mode = self._mode(False)
        return mode is not None and stat_module.S_ISLNK(mode)

    # -- what pathlib 3.14's copy() looks for on an info (duck-typed hooks) ----------------

    def _posix_permissions(self, *, follow_symlinks: bool = True) -> int:
        return stat_module.S_IMODE(self.stat(follow_symlinks=follow_symlinks).st_mode)

    def _file_id(self, *, follow_symlinks: bool = True) -> tuple[int, int]:
        st = self.stat(follow_symlinks=follow_symlinks)
        return st.st_dev, st.st_ino

    def _access_time_ns(self, *, follow_symlinks: bool = True) -> int:
        return self.stat(follow_symlinks=follow_symlinks).st_atime_ns

    def _mod_time_ns(self, *, follow_symlinks: bool = True) -> int:
        return self.stat(follow_symlinks=follow_symlinks).st_mtime_ns

    def _xattrs(self, *, follow_symlinks: bool = True) -> list[tuple[str, bytes]]:
        """The ``user.*`` extended attributes (others belong to the server)."""
        vol = _volspec.ensure_mounted(self._vol)
        try:
            return [
                (name, vol.getxattr(self._path, name, follow_symlinks=follow_symlinks))
                for name in vol.listxattr(self._path, follow_symlinks=follow_symlinks)
                if name.startswith("user.")
            ]
        except OSError as exc:
            if exc.errno not in XATTR_TOLERATED:
                raise
            return []


__all__ = ["GlusterPathInfo", "XATTR_TOLERATED"]
