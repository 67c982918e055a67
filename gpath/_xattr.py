"""Extended-attribute calls shared by Volume (path, l-variants) and File (fd).

Values are bytes (binary- and NUL-safe, never decoded); names are str.  Sizes are probed
with a NULL buffer and the read retried if the value grew in between (ERANGE).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import Any

from typing_extensions import Buffer

from gpath._fspath import encode_name
from gpath._lowlevel import ffi
from gpath.errors import oserror, raise_oserror

_FLAGS = (0, 1, 2)  # 0 create-or-replace, 1 XATTR_CREATE, 2 XATTR_REPLACE
_PROBE_RETRIES = 8


def encode_key(key: str | bytes) -> bytes:
    return encode_name(key, "xattr name")


def _sized_read(call: Callable[[Any, int], int], size: int, path: Any) -> bytes:
    """Read a value whose length is learnt by calling with a NULL buffer first."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("size must be a non-negative int")
    fixed = size > 0
    for _ in range(_PROBE_RETRIES):
        if not fixed:
            size = call(ffi.NULL, 0)
            if size < 0:
                raise_oserror(path)
            if size == 0:
                return b""
        buf = ffi.new("char[]", size)
        got = call(buf, size)
        if got >= 0:
            return ffi.unpack(buf, got)  # type: ignore[no-any-return]
        if ffi.errno != errno.ERANGE or fixed:
            raise_oserror(path)
    raise oserror(errno.ERANGE, path)


def get(call: Callable[[bytes, Any, int], int], key: str | bytes, size: int, path: Any) -> bytes:
    name = encode_key(key)
    return _sized_read(lambda buf, n: call(name, buf, n), size, path)


# Bookkeeping attributes of the bricks.  A path listing never shows them, but GlusterFS
# 10.3's fd listing (flistxattr) does; they are hidden from both so the two agree.
_INTERNAL_NAMES = frozenset(
    {b"trusted.gfid", b"trusted.glusterfs.mdata", b"trusted.glusterfs.volume-id"}
)
_INTERNAL_PREFIXES = (b"trusted.gfid2path.",)


def _is_internal(name: bytes) -> bool:
    return name in _INTERNAL_NAMES or name.startswith(_INTERNAL_PREFIXES)


def listing(call: Callable[[Any, int], int], size: int, path: Any) -> list[str]:
    """Sorted attribute names (str), without GlusterFS's internal bookkeeping names."""
    raw = _sized_read(call, size, path)
    return sorted(os.fsdecode(n) for n in raw.split(b"\0") if n and not _is_internal(n))


def set_(
    call: Callable[[bytes, Any, int, int], int],
    key: str | bytes,
    value: Buffer | str,
    flags: int,
    path: Any,
) -> None:
    name = encode_key(key)
    if flags not in _FLAGS:
        raise ValueError("flags must be 0, 1 (create only) or 2 (replace only)")
    data = value.encode("utf-8") if isinstance(value, str) else value
    view = ffi.from_buffer(data)
    if call(name, view, len(view), flags) != 0:
        raise_oserror(path)
