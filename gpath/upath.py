"""``GlusterUPath``: universal_pathlib's path for ``gluster://`` URLs.

Registered through the ``universal_pathlib.implementations`` entry points, so that
``UPath("gluster://server/volume/a/b.txt")`` is a :class:`GlusterUPath`.  Its ``str()``
is the full URL, host and volume included, also after ``/``, ``parent`` and
``with_name``; :attr:`path` is the in-volume path that its fsspec filesystem
(:class:`gpath.fsspec.GlusterFileSystem`) takes.  The volume's address travels in the
storage option ``url``, so a path made from a bare in-volume path keeps it too::

    p = UPath("gluster://server/volume/data") / "table.csv"
    str(p)          # 'gluster://server/volume/data/table.csv'
    p.path          # '/data/table.csv'
    p.read_bytes()

The URL form is the one of :meth:`gpath.GlusterPath.from_uri` and of the fsspec
filesystem (see :mod:`gpath._url`).  This module imports universal_pathlib and fsspec;
``import gpath`` never imports it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

import fsspec  # type: ignore[import-untyped]
from upath.core import UPath

from gpath import _url
from gpath._url import GlusterURL, parse_url
from gpath.fsspec import GlusterFileSystem

__all__ = ["GlusterUPath"]

# fsspec keeps a class in its registry only once asked for it; universal_pathlib reads
# its path rules from that registry, so ask now.
for _protocol in _url.PROTOCOLS:
    fsspec.get_filesystem_class(_protocol)


def _base_url(value: Any) -> GlusterURL | None:
    """The volume URL a path argument carries (a gluster URL, a GlusterUPath), if any."""
    if isinstance(value, GlusterUPath):
        return value._volume_url().with_path(value.path)
    text = value if isinstance(value, str) else None
    if text is None and hasattr(value, "__vfspath__") and hasattr(value, "as_uri"):
        text = value.as_uri()  # a GlusterPath
    if text is not None and _url.is_gluster_url(text):
        return parse_url(text)
    return None


def _segment(value: Any) -> str:
    if isinstance(value, UPath):
        return value.path
    if isinstance(value, str):
        return value
    vfspath = getattr(value, "__vfspath__", None)
    if vfspath is not None:
        return str(vfspath())
    fspath = getattr(value, "__fspath__", None)
    if fspath is not None:
        return str(fspath())
    raise TypeError(f"a path segment must be str or path-like, not {type(value).__name__}")


class GlusterUPath(UPath):
    """A universal_pathlib path on a GlusterFS volume (``gluster://HOST/VOLUME/path``).

    All of UPath's API works (``open``, ``read_text``, ``iterdir``, ``glob``, ``stat``,
    ``mkdir``, ``unlink``, ``rename``, ...), through :class:`gpath.fsspec.GlusterFileSystem`.
    Extra storage options are those of that filesystem (``xlator_options``, ``timeout``,
    ...).  ``str()`` is the URL with only ``%``, ``?``, ``#`` and control characters
    percent-encoded; :meth:`as_uri` encodes everything a URI must.
    """

    __slots__ = ()

    @classmethod
    def _transform_init_args(
        cls,
        args: tuple[Any, ...],
        protocol: str,
        storage_options: dict[str, Any],
    ) -> tuple[tuple[Any, ...], str, dict[str, Any]]:
        """Reduce the arguments to one in-volume path and keep the volume in ``url``."""
        options = dict(storage_options)
        given = options.get("url")
        base = _base_url(args[0]) if args else None
        if base is None:
            if given is None:
                raise ValueError(
                    "a GlusterUPath needs a gluster:// URL (gluster://HOST/VOLUME/path) "
                    "or the storage option url='gluster://HOST/VOLUME'"
                )
            base = parse_url(given).with_path(_segment(args[0]) if args else "/")
        elif given is not None:
            known = parse_url(given)
            if known.with_path("/") != base.with_path("/"):
                raise ValueError(
                    f"the path {base.display()!r} is not on the volume of url={given!r}"
                )
        joined = posixpath.join(base.path, *(_segment(arg) for arg in args[1:]))
        base = base.with_path(joined)
        options["url"] = str(base.with_path("/"))
        return (base.path,), protocol or base.scheme, options

    def _volume_url(self) -> GlusterURL:
        return parse_url(self.storage_options["url"])

    @property
    def fs(self) -> GlusterFileSystem:
        """The :class:`~gpath.fsspec.GlusterFileSystem` of the path's volume."""
        fs = super().fs
        assert isinstance(fs, GlusterFileSystem)
        return fs

    def __str__(self) -> str:
        """The URL, ``gluster://HOST/VOLUME/path`` (parses back to the same path)."""
        return self._volume_url().with_path(self.path).readable()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def as_uri(self) -> str:
        """The percent-encoded URL, the same as ``GlusterPath.as_uri()`` gives."""
        return str(self._volume_url().with_path(self.path))

    @property
    def url(self) -> GlusterURL:
        """The parsed URL of this path (:class:`gpath._url.GlusterURL`)."""
        return self._volume_url().with_path(self.path)

    @classmethod
    def _fs_factory(
        cls, urlpath: str, protocol: str, storage_options: Mapping[str, Any]
    ) -> GlusterFileSystem:
        return GlusterFileSystem(**storage_options)
