"""``XAttrs``: a path's extended attributes as a live ``MutableMapping[str, bytes]``."""

from __future__ import annotations

import errno
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING

from typing_extensions import Buffer

from gpath import _volspec

if TYPE_CHECKING:
    from gpath.volume import Volume

_MISSING = (errno.ENODATA, getattr(errno, "ENOATTR", errno.ENODATA))


class XAttrs(MutableMapping[str, bytes]):
    """The extended attributes of one path, read and written on every access (no cache).

    ``p.xattrs["user.k"] = b"v"`` sets, ``p.xattrs["user.k"]`` reads (``KeyError`` if
    absent), ``del`` removes, ``in``/iteration/``len`` list the names.  Values are bytes;
    any bytes-like value may be stored, a ``str`` is refused.  Names the server hides from
    the listing can still be read, e.g. GlusterFS's virtual ``"trusted.glusterfs.pathinfo"``
    (which bricks hold the file).  ``p.lxattrs`` is the same view of a symlink itself.
    """

    __slots__ = ("_vol", "_path", "_follow")

    def __init__(self, vol: Volume, path: str, follow_symlinks: bool = True) -> None:
        self._vol = vol
        self._path = path
        self._follow = follow_symlinks

    def __repr__(self) -> str:
        kind = "xattrs" if self._follow else "lxattrs"
        return f"<{kind} of {self._path!r}>"

    def _v(self) -> Volume:
        return _volspec.ensure_mounted(self._vol)

    def __getitem__(self, name: str) -> bytes:
        _check_name(name)
        try:
            return self._v().getxattr(self._path, name, follow_symlinks=self._follow)
        except OSError as exc:
            if exc.errno in _MISSING:
                raise KeyError(name) from None
            raise

    def __setitem__(self, name: str, value: Buffer) -> None:
        self.set(name, value)

    def set(self, name: str, value: Buffer, *, create: bool = False, replace: bool = False) -> None:
        """Set *name* to *value*; with ``create`` it must not exist yet (``FileExistsError``),
        with ``replace`` it must exist already (``KeyError``)."""
        _check_name(name)
        if isinstance(value, str):
            raise TypeError("xattr values are bytes; encode the str first")
        if create and replace:
            raise ValueError("create and replace are mutually exclusive")
        flags = 1 if create else 2 if replace else 0
        try:
            self._v().setxattr(
                self._path, name, bytes(memoryview(value)), flags, follow_symlinks=self._follow
            )
        except OSError as exc:
            if replace and exc.errno in _MISSING:
                raise KeyError(name) from None
            raise

    def __delitem__(self, name: str) -> None:
        _check_name(name)
        try:
            self._v().removexattr(self._path, name, follow_symlinks=self._follow)
        except OSError as exc:
            if exc.errno in _MISSING:
                raise KeyError(name) from None
            raise

    def _names(self) -> list[str]:
        return self._v().listxattr(self._path, follow_symlinks=self._follow)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self[name]
        except KeyError:
            return False
        return True


def _check_name(name: object) -> None:
    if not isinstance(name, str):
        raise TypeError(f"xattr names are str, not {type(name).__name__}")


__all__ = ["XAttrs"]
