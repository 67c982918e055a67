"""Path arguments: str, bytes or os.PathLike in; bytes to C; names back in the caller's type."""

from __future__ import annotations

import errno
import os
import sys
from typing import TypeAlias, Union

from gpath._limits import PATH_MAX

#: Size limit of a path argument, terminating NUL included (limits.h), as the kernel applies it.

FS_ENCODING = sys.getfilesystemencoding()
FS_ERRORS = sys.getfilesystemencodeerrors()

StrOrBytesPath: TypeAlias = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def encode(path: StrOrBytesPath) -> bytes:
    """Return *path* as the bytes libgfapi receives.

    str goes through ``os.fsencode`` (surrogateescape), so a name read back as str from a
    non-UTF-8 directory entry round-trips.  An embedded NUL raises ``ValueError`` (C would
    silently cut the name there); an empty path is ``FileNotFoundError`` like ``os.stat("")``,
    and one of ``PATH_MAX`` bytes or more ``OSError(ENAMETOOLONG)`` as the kernel says (the
    server would resolve the parents first and answer ENOENT).
    """
    if path.__class__ is str:  # the common case, without os.fspath()/os.fsencode() calls
        data = path.encode(FS_ENCODING, FS_ERRORS)
    else:
        data = _encode_other(path)
    if 0 in data:  # (an int needle is a plain memchr: a third of b"\0"'s cost between round trips)
        raise ValueError("embedded null byte")
    if not data:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    if len(data) >= PATH_MAX:
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), path)
    return data


def _encode_other(path: StrOrBytesPath) -> bytes:
    raw = os.fspath(path)
    if isinstance(raw, str):
        data = os.fsencode(raw)
    elif isinstance(raw, bytes):
        data = raw
    else:  # pragma: no cover - os.fspath already rejects other types
        raise TypeError(f"expected str, bytes or os.PathLike, not {type(path).__name__}")
    return data


def encode_name(name: str | bytes, what: str = "name") -> bytes:
    """Encode a non-path string argument (an xattr name, a symlink target)."""
    if isinstance(name, str):
        data = os.fsencode(name)
    elif isinstance(name, (bytes, bytearray, memoryview)):
        data = bytes(name)
    else:
        raise TypeError(f"{what} must be str or bytes, not {type(name).__name__}")
    if b"\0" in data:
        raise ValueError("embedded null byte")
    return data


def wants_bytes(path: StrOrBytesPath) -> bool:
    """Whether results derived from *path* should be bytes (like ``os.listdir``)."""
    return isinstance(os.fspath(path), bytes)


def decode_like(name: bytes, like_bytes: bool) -> str | bytes:
    return name if like_bytes else os.fsdecode(name)
