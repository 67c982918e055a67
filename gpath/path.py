"""``GlusterPath``: a pathlib-style path on a GlusterFS volume (layer 2).

A GlusterPath is an immutable value: the :class:`~gpath.Volume` it lives on plus a
normalised absolute POSIX path inside that volume.  It offers the API of
``pathlib.Path`` as of Python 3.14 (pure operations, I/O, ``info``, ``copy``/``move``)
implemented on libgfapi, plus volume extras (``rmtree``, ``xattrs``, ``copy_from``,
``statvfs``, ``disk_usage``).  Build one with ``vol.root``, ``vol.path("a/b")``,
``vol / "a"`` or :meth:`GlusterPath.from_uri`.

It is deliberately **not** ``os.PathLike``: ``open(p)``, ``os.remove(p)`` and friends
raise ``TypeError`` instead of touching a local file.  ``str(p)`` is the URI
``gluster://HOST/VOLUME/a/b``; ``p.path`` is the in-volume path ``/a/b``.
"""

from __future__ import annotations

import errno
import io
import os
import pathlib
import posixpath
import stat as stat_module
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    BinaryIO,
    ClassVar,
    Literal,
    NamedTuple,
    TypeAlias,
    TypeVar,
    Union,
    overload,
)

import attrs
from typing_extensions import Buffer, Self

from gpath import _abcpaths, _glob, _tree, _url, _volspec, _walk
from gpath._pathinfo import GlusterPathInfo
from gpath._volspec import VolumeSpec
from gpath._xattrmap import XAttrs
from gpath.dir import ListingPrefetcher, read_listing
from gpath.errors import UnsupportedOperation, is_absent, is_passed_over, oserror
from gpath.file import File

if TYPE_CHECKING:
    from gpath._watch import Watcher
    from gpath.volume import Volume

try:
    import pwd
except ImportError:  # pragma: no cover - not on Linux
    pwd = None  # type: ignore[assignment]
try:
    import grp
except ImportError:  # pragma: no cover - not on Linux
    grp = None  # type: ignore[assignment]

__all__ = ["GlusterPath", "GlusterPathInfo", "XAttrs", "VolumeSpec", "DiskUsage", "DEFAULT_WORKERS"]

DEFAULT_WORKERS = _tree.DEFAULT_WORKERS

# The mode strings of ``open()``, as in typeshed, so each mode gets its io class.
OpenTextModeUpdating: TypeAlias = Literal[
    "r+", "+r", "rt+", "r+t", "+rt", "tr+", "t+r", "+tr",
    "w+", "+w", "wt+", "w+t", "+wt", "tw+", "t+w", "+tw",
    "a+", "+a", "at+", "a+t", "+at", "ta+", "t+a", "+ta",
    "x+", "+x", "xt+", "x+t", "+xt", "tx+", "t+x", "+tx",
]  # fmt: skip
OpenTextModeWriting: TypeAlias = Literal["w", "wt", "tw", "a", "at", "ta", "x", "xt", "tx"]
OpenTextModeReading: TypeAlias = Literal["r", "rt", "tr"]
OpenTextMode: TypeAlias = OpenTextModeUpdating | OpenTextModeWriting | OpenTextModeReading
OpenBinaryModeUpdating: TypeAlias = Literal[
    "rb+", "r+b", "+rb", "br+", "b+r", "+br",
    "wb+", "w+b", "+wb", "bw+", "b+w", "+bw",
    "ab+", "a+b", "+ab", "ba+", "b+a", "+ba",
    "xb+", "x+b", "+xb", "bx+", "b+x", "+bx",
]  # fmt: skip
OpenBinaryModeWriting: TypeAlias = Literal["wb", "bw", "ab", "ba", "xb", "bx"]
OpenBinaryModeReading: TypeAlias = Literal["rb", "br"]
OpenBinaryMode: TypeAlias = OpenBinaryModeUpdating | OpenBinaryModeReading | OpenBinaryModeWriting

InVolumePath: TypeAlias = Union["GlusterPath", str]
"""A path on the same volume: a GlusterPath, or a str read from the volume's root."""


class DiskUsage(NamedTuple):
    """Total, used and free bytes of a volume, like ``shutil.disk_usage()``."""

    total: int
    used: int
    free: int


def _normalize(*segments: str | os.PathLike[str]) -> str:
    """Join *segments* below the root like ``PurePosixPath`` and return the absolute path.

    ``.`` and empty components vanish, ``..`` stays, an absolute segment starts again at
    the root.  The volume has exactly one root, so the POSIX special case of a leading
    ``//`` is collapsed to ``/``.  A ``pathlib.PureWindowsPath`` has its backslashes made
    ``/``, as ``PurePosixPath`` converts one since Python 3.12.
    """
    path = ""
    for segment in segments:
        if type(segment) is str:
            text = segment
        elif isinstance(segment, pathlib.PureWindowsPath):
            text = str(segment).replace("\\", "/")
        else:
            text = os.fspath(segment)
        if not isinstance(text, str):
            raise TypeError(
                "argument should be a str or an os.PathLike object where __fspath__ returns a "
                f"str, not {type(segment).__name__!r}"
            )
        if text.startswith("/"):
            path = text
        elif text:
            path = path + "/" + text
    return "/" + "/".join([part for part in path.split("/") if part and part != "."])


_new_object = object.__new__
_set = object.__setattr__
# Set only at construction: what a path stands for (and its hash) must never change.
_FROZEN = frozenset({"_volume", "_path", "_info", "_hash", "__weakref__"})


class GlusterPath:
    """A path on a GlusterFS volume, with the API of ``pathlib.Path`` (Python 3.14).

    ``GlusterPath(volume, *segments)`` joins *segments* below the volume's root (relative
    segments start at the root, so ``GlusterPath(vol, "a", "b").path == "/a/b"``); more
    usual are ``vol.root``, ``vol.path("a/b")`` and ``vol / "a"``.

    Pure operations (``/``, ``parent``, ``name``, ``with_suffix``...) follow
    ``pathlib.PurePosixPath``; results that are relative by nature (``relative_to()``,
    ``readlink()``) are ``pathlib.PurePosixPath``.  Two paths are equal when their URIs
    name the same volume (transport, first server, port, volume name) and the same path.

    A subclass may keep attributes of its own and override :meth:`with_segments`, through
    which all its derived paths are made, as with ``pathlib.PurePath`` in Python 3.12+.
    """

    parser: ClassVar[ModuleType] = posixpath
    """The path flavour's module, ``posixpath`` (as ``PurePath.parser``)."""

    # Plain slots rather than an attrs class: every method attrs would generate is written
    # out here, and attrs' own attributes (__attrs_attrs__, __match_args__ listing the
    # private fields...) would show in help(GlusterPath) as if they were the path API.
    __slots__ = ("_volume", "_path", "_info", "_hash", "__weakref__")
    _volume: Volume
    _path: str
    _info: GlusterPathInfo | None
    _hash: int | None

    def __init__(self, volume: Volume, *pathsegments: str | os.PathLike[str]) -> None:
        from gpath.volume import Volume

        if not isinstance(volume, Volume):
            raise TypeError(
                f"GlusterPath() needs a gpath.Volume first, not {type(volume).__name__}"
            )
        object.__setattr__(self, "_volume", volume)
        object.__setattr__(self, "_path", _normalize(*pathsegments))
        object.__setattr__(self, "_info", None)
        object.__setattr__(self, "_hash", None)

    @classmethod
    def _from_volume(cls, volume: Volume, path: str, info: GlusterPathInfo | None = None) -> Self:
        """Build from an already normalised absolute path (no checks: internal fast path)."""
        self = _new_object(cls)
        _set(self, "_volume", volume)
        _set(self, "_path", path)
        _set(self, "_info", info)
        _set(self, "_hash", None)
        return self

    def _new(self, path: str, info: GlusterPathInfo | None = None) -> Self:
        return self._from_volume(self._volume, path, info)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # GlusterPath's own paths keep the direct classmethod: no cost where nothing changes.
        if "_from_volume" not in cls.__dict__:
            # setattr: mypy rejects assigning to a method.
            setattr(cls, "_from_volume", _SubclassFromVolume())  # noqa: B010

    def _derive(self, volume: Volume, path: str, info: GlusterPathInfo | None = None) -> Self:
        """A subclass's derived path *path* (on this path's volume) from :meth:`with_segments`,
        with *info* if known (what ``_from_volume`` does on a subclass's instances)."""
        new = self.with_segments(path)
        if info is not None:
            _set(new, "_info", info)
        return new

    def __setattr__(self, name: str, value: Any) -> None:
        """Frozen, but a subclass may set attributes of its own (as pathlib's can)."""
        if type(self) is GlusterPath or name in _FROZEN:
            raise attrs.exceptions.FrozenInstanceError()
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if type(self) is GlusterPath or name in _FROZEN:
            raise attrs.exceptions.FrozenInstanceError()
        object.__delattr__(self, name)

    def _vol(self) -> Volume:
        """The Volume for I/O (a volume reconnected after unpickling mounts itself here)."""
        vol = self._volume
        if vol.mounted:  # the common case
            return vol
        return _volspec.ensure_mounted(vol)

    @classmethod
    def from_uri(cls, uri: str, volume: Volume | None = None) -> Self:
        """Parse ``gluster://HOST[:PORT]/VOLUME/path`` (as :meth:`as_uri` or ``str()`` make).

        With *volume*, the path is placed on it (its name, transport, port and one of its
        servers must match the URI's).  Otherwise the path goes on this process's mounted
        Volume for that volume, or else on the one Volume gpath keeps per address, which
        mounts itself (within its ``timeout``) on first use.  Also accepted:
        ``gluster+tcp://``, ``gluster+rdma://`` and
        ``gluster+unix:///VOLUME/path?socket=/path/to/glusterd.socket``.  Percent escapes
        in the path are decoded.

        :raises ValueError: not a gluster URI, no volume name, or a *volume* that is not
            the URI's.
        """
        if not isinstance(uri, str):
            raise TypeError(f"uri must be str, not {type(uri).__name__}")
        url = _url.parse_url(uri)
        if volume is not None and volume.volname != url.volname:
            raise ValueError(f"URI is for volume {url.volname!r}, not {volume.volname!r}")
        spec = url.spec()
        if volume is None:
            return cls._from_volume(_volspec.volume_for(spec), url.path)
        if volume.volfile is None and not _volspec.serves(volume, spec):
            raise ValueError(
                f"URI is for volume {url.volname!r} on {url.scheme}://{url.authority}, but the "
                f"Volume given is served by {', '.join(volume.hosts)} (port {volume.port}, "
                f"{volume.protocol})"
            )
        return cls._from_volume(volume, url.path)

    # -- identity ---------------------------------------------------------------------------

    @property
    def volume(self) -> Volume:
        """The :class:`~gpath.Volume` this path lives on."""
        return self._volume

    @property
    def path(self) -> str:
        """The normalised absolute path inside the volume, e.g. ``"/a/b"``."""
        return self._path

    def __vfspath__(self) -> str:
        """The in-volume path (the "virtual file system path" protocol of pathlib 3.15)."""
        return self._path

    def _uri(self, quote: bool) -> str:
        vol = self._volume
        if not vol.hosts:  # a Volume from a volfile alone has no server to name
            scheme = "gluster" if vol.protocol == "tcp" else f"gluster+{vol.protocol}"
            return f"{scheme}:///{vol.volname}{self._path}"
        # the first server only: it is what names the volume (see _volspec.address)
        url = _url.GlusterURL(vol.protocol, (vol.hosts[0],), vol.port, vol.volname, self._path)
        return url.format(quote=quote)

    def __str__(self) -> str:
        """The URI ``gluster://HOST/VOLUME/path`` (not percent-encoded; see :meth:`as_uri`)."""
        return self._uri(quote=False)

    def __repr__(self) -> str:
        return f"GlusterPath({self._uri(quote=False)!r})"

    def as_uri(self) -> str:
        """The percent-encoded URI, ``gluster://HOST[:PORT]/VOLUME/a%20b``."""
        return self._uri(quote=True)

    def as_posix(self) -> str:
        """The in-volume path with forward slashes (the same as :attr:`path`)."""
        return self._path

    def __hash__(self) -> int:
        """Hash of (volume name, path): equal paths hash equal."""
        cached = self._hash
        if cached is None:
            cached = hash((self._volume.volname, self._path))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __eq__(self, other: object) -> bool:
        """Same volume address (as the URI shows it) and same path; other types:
        NotImplemented.  Mounting or unmounting never changes the answer."""
        if not isinstance(other, GlusterPath):
            return NotImplemented
        return self._path == other._path and _volspec.same_volume(self._volume, other._volume)

    def _key(self, other: object) -> tuple[list[str], list[str]] | None:
        if not isinstance(other, GlusterPath):
            return None
        if not _volspec.same_volume(self._volume, other._volume):
            raise TypeError(
                f"cannot order paths on different volumes: {str(self)!r} and {str(other)!r} "
                "(order their .path strings to compare locations across volumes)"
            )
        return self._path.split("/"), other._path.split("/")

    def __lt__(self, other: GlusterPath) -> bool:
        """Order by path components, like pathlib; only within one volume (else TypeError)."""
        key = self._key(other)
        if key is None:
            return NotImplemented
        return key[0] < key[1]

    def __le__(self, other: GlusterPath) -> bool:
        key = self._key(other)
        if key is None:
            return NotImplemented
        return key[0] <= key[1]

    def __gt__(self, other: GlusterPath) -> bool:
        key = self._key(other)
        if key is None:
            return NotImplemented
        return key[0] > key[1]

    def __ge__(self, other: GlusterPath) -> bool:
        key = self._key(other)
        if key is None:
            return NotImplemented
        return key[0] >= key[1]

    def __reduce__(self) -> tuple[Callable[[VolumeSpec, str], GlusterPath], tuple[VolumeSpec, str]]:
        return _rebuild, (_volspec.spec_of(self._volume), self._path)

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    # -- pure operations ------------------------------------------------------------------

    def _pure(self) -> pathlib.PurePosixPath:
        return pathlib.PurePosixPath(self._path)

    def with_segments(self, *pathsegments: str | os.PathLike[str]) -> Self:
        """A new path on the same volume from *pathsegments*, joined below the root.

        Every path derived from a subclass's path (``/``, ``parent``, ``with_suffix()``,
        ``iterdir()``, ``glob()``...) is made by this method, given the new in-volume path:
        a subclass overriding it keeps its state, as in pathlib 3.12+.  Here it calls
        ``type(self)(self.volume, *pathsegments)``.
        """
        if type(self) is GlusterPath:
            return self._from_volume(self._volume, _normalize(*pathsegments))
        return type(self)(self._volume, *pathsegments)

    def joinpath(self, *pathsegments: str | os.PathLike[str] | GlusterPath) -> Self:
        """This path joined with *pathsegments*; an absolute segment restarts at the root.

        A GlusterPath segment of the same volume is absolute, so it restarts there too, as
        in pathlib; one of another volume is a ``TypeError``.
        """
        if len(pathsegments) == 1:
            return self / pathsegments[0]
        segments = [self._segment(segment) for segment in pathsegments]
        return self._from_volume(self._volume, _normalize(self._path, *segments))

    def _segment(self, segment: str | os.PathLike[str] | GlusterPath) -> str | os.PathLike[str]:
        """*segment* for joining: a GlusterPath becomes its path if it is on this volume."""
        if not isinstance(segment, GlusterPath):
            return segment
        if not _volspec.same_volume(self._volume, segment._volume):
            raise TypeError(
                f"cannot join {str(segment)!r} to {str(self)!r}: it is on a different volume"
            )
        return segment._path

    def __truediv__(self, key: str | os.PathLike[str] | GlusterPath) -> Self:
        """``p / "name"``: :meth:`joinpath` with one segment."""
        if type(key) is str and key and key != "." and "/" not in key:  # the common case
            path = self._path
            return self._from_volume(self._volume, path + key if path == "/" else path + "/" + key)
        segment = self._segment(key)
        try:
            return self._from_volume(self._volume, _normalize(self._path, segment))
        except TypeError:
            return NotImplemented

    def __rtruediv__(self, key: str | os.PathLike[str]) -> Self:
        """``"a" / p``: *key* joined with this path, which is absolute: so this path (pathlib's
        rule), as a new path object."""
        try:
            return self.with_segments(key, self._path)
        except TypeError:
            return NotImplemented

    @property
    def drive(self) -> str:
        """Always ``""`` (POSIX paths have no drive)."""
        return ""

    @property
    def root(self) -> str:
        """Always ``"/"``."""
        return "/"

    @property
    def anchor(self) -> str:
        """Always ``"/"`` (drive + root)."""
        return "/"

    @property
    def parts(self) -> tuple[str, ...]:
        """``("/", "a", "b")`` for ``/a/b``."""
        if self._path == "/":
            return ("/",)
        return ("/", *self._path[1:].split("/"))

    @property
    def name(self) -> str:
        """The final component (``""`` for the root)."""
        return self._path.rpartition("/")[2]

    @property
    def suffix(self) -> str:
        """The final component's last suffix, like ``PurePosixPath.suffix``."""
        return self._pure().suffix

    @property
    def suffixes(self) -> list[str]:
        """The final component's suffixes, like ``PurePosixPath.suffixes``."""
        return self._pure().suffixes

    @property
    def stem(self) -> str:
        """The final component without its last suffix."""
        return self._pure().stem

    @property
    def parent(self) -> Self:
        """The logical parent (the root's parent is the root)."""
        head = self._path.rpartition("/")[0]
        return self._new(head or "/")

    @property
    def parents(self) -> Sequence[Self]:
        """The logical ancestors, nearest first, ending with the root."""
        return _Parents(self)

    def with_name(self, name: str) -> Self:
        """This path with the final component replaced (``ValueError`` for the root)."""
        return self._new(str(self._pure().with_name(name)))

    def with_stem(self, stem: str) -> Self:
        """This path with the stem of the final component replaced."""
        return self._new(str(self._pure().with_stem(stem)))

    def with_suffix(self, suffix: str) -> Self:
        """This path with the suffix replaced, added (or removed with ``""``)."""
        return self._new(str(self._pure().with_suffix(suffix)))

    def is_absolute(self) -> bool:
        """Always True: a GlusterPath is absolute within its volume."""
        return True

    def is_reserved(self) -> bool:
        """Always False (POSIX has no reserved names); deprecated, as in pathlib 3.13+."""
        warnings.warn(
            "GlusterPath.is_reserved() is deprecated, as pathlib.PurePath.is_reserved() is "
            "since Python 3.13; it is always False (POSIX has no reserved names)",
            DeprecationWarning,
            stacklevel=2,
        )
        return False

    def _other_pure(
        self, other: GlusterPath | str | os.PathLike[str]
    ) -> pathlib.PurePosixPath | None:
        """*other* as a PurePosixPath; None for a GlusterPath on another volume."""
        if isinstance(other, GlusterPath):
            if not _volspec.same_volume(self._volume, other._volume):
                return None
            return pathlib.PurePosixPath(other._path)
        return pathlib.PurePosixPath(other)

    def relative_to(
        self, other: GlusterPath | str | os.PathLike[str], *, walk_up: bool = False
    ) -> pathlib.PurePosixPath:
        """The relative ``PurePosixPath`` from *other* to this path.

        *other* is a GlusterPath on the same volume or an in-volume path.  With *walk_up*,
        ``..`` entries are added when this path is not below *other*.
        :raises ValueError: the paths are unrelated (or on different volumes).
        """
        me = self._pure()
        base = self._other_pure(other)
        if base is None:
            raise ValueError(f"{str(self)!r} and {str(other)!r} are on different volumes")
        ancestors = me.parents
        step = 0
        for step, candidate in enumerate([base, *base.parents]):  # noqa: B007 - read after the loop
            if candidate == me or candidate in ancestors:
                break
            if not walk_up:
                raise ValueError(f"{self._path!r} is not in the subpath of {str(base)!r}")
            if candidate.name == "..":
                raise ValueError(f"'..' segment in {str(base)!r} cannot be walked")
        else:
            raise ValueError(f"{self._path!r} and {str(base)!r} have different anchors")
        parts = [".."] * step + list(me.parts[len(candidate.parts) :])
        return pathlib.PurePosixPath(*parts)

    def is_relative_to(self, other: GlusterPath | str | os.PathLike[str]) -> bool:
        """Whether this path is *other* or below it (False across volumes)."""
        base = self._other_pure(other)
        if base is None:
            return False
        me = self._pure()
        return base == me or base in me.parents

    def match(
        self, path_pattern: str | os.PathLike[str], *, case_sensitive: bool | None = None
    ) -> bool:
        """Match a glob pattern from the right (an absolute pattern matches the whole path).

        ``**`` is not recursive here (use :meth:`full_match`).
        :raises ValueError: the pattern is empty.
        """
        pattern = pathlib.PurePosixPath(path_pattern)
        sensitive = True if case_sensitive is None else case_sensitive
        path_parts = self.parts[::-1]
        pattern_parts = pattern.parts[::-1]
        if not pattern_parts:
            raise ValueError("empty pattern")
        if len(path_parts) < len(pattern_parts):
            return False
        if len(path_parts) > len(pattern_parts) and pattern.anchor:
            return False
        for part, pat in zip(path_parts, pattern_parts, strict=False):
            if pat == "/":
                if part != "/":
                    return False
            elif _glob.compile_name(pat, sensitive)(part) is None:
                return False
        return True

    def full_match(
        self, pattern: str | os.PathLike[str], *, case_sensitive: bool | None = None
    ) -> bool:
        """Match the whole in-volume path against a glob pattern (``**`` spans segments).

        A relative pattern never matches (paths are absolute) unless it starts with ``**``.
        """
        pure = pathlib.PurePosixPath(pattern)
        text = str(pure) if pure.parts else ""
        sensitive = True if case_sensitive is None else case_sensitive
        return _glob.compile_pattern(text, sensitive)(self._path, 0) is not None

    # -- info and status --------------------------------------------------------------------

    @property
    def info(self) -> GlusterPathInfo:
        """Cached type and status (``pathlib.types.PathInfo``), seeded by directory listings.

        ``p.info.is_file()`` answers from the listing that produced *p* (no round trip);
        the ``is_file()`` *method* asks the server every time, as in pathlib.
        """
        info = self._info
        if info is None:
            info = GlusterPathInfo(self._volume, self._path)
            object.__setattr__(self, "_info", info)
        return info

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """The ``os.stat_result`` of this path (of a symlink itself without following)."""
        return self._vol().stat(self._path, follow_symlinks=follow_symlinks)

    def lstat(self) -> os.stat_result:
        """Like :meth:`stat`, but a symlink's own status."""
        return self._vol().lstat(self._path)

    def _mode_or_none(self, follow_symlinks: bool = True) -> int | None:
        """The st_mode, or None if nothing is there; any other failure is raised."""
        vol = self._vol()  # a failed mount says nothing about the path: raised as it is
        try:
            return vol.stat(self._path, follow_symlinks=follow_symlinks).st_mode
        except (OSError, ValueError) as exc:
            if is_absent(exc):
                return None
            raise

    def exists(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path exists (a broken symlink exists only with ``follow_symlinks=False``).

        False only when nothing is there (``ENOENT``, ``ENOTDIR``, ``ELOOP``,
        ``ENAMETOOLONG``, a name that cannot exist); a failure to look, such as ``ENOTCONN``
        with every brick down or a volume that cannot be mounted, is raised.  The same holds
        for every ``is_*()`` method.
        """
        return self._mode_or_none(follow_symlinks) is not None

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a directory (asks the server; see :attr:`info` for cached)."""
        mode = self._mode_or_none(follow_symlinks)
        return mode is not None and stat_module.S_ISDIR(mode)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a regular file (asks the server; see :attr:`info` for cached)."""
        mode = self._mode_or_none(follow_symlinks)
        return mode is not None and stat_module.S_ISREG(mode)

    def is_symlink(self) -> bool:
        """Whether the path is a symbolic link."""
        mode = self._mode_or_none(False)
        return mode is not None and stat_module.S_ISLNK(mode)

    def is_fifo(self) -> bool:
        """Whether the path is a FIFO."""
        mode = self._mode_or_none()
        return mode is not None and stat_module.S_ISFIFO(mode)

    def is_socket(self) -> bool:
        """Whether the path is a socket."""
        mode = self._mode_or_none()
        return mode is not None and stat_module.S_ISSOCK(mode)

    def is_block_device(self) -> bool:
        """Whether the path is a block device."""
        mode = self._mode_or_none()
        return mode is not None and stat_module.S_ISBLK(mode)

    def is_char_device(self) -> bool:
        """Whether the path is a character device."""
        mode = self._mode_or_none()
        return mode is not None and stat_module.S_ISCHR(mode)

    def is_mount(self) -> bool:
        """True for the volume's root, the one mount point a volume has."""
        return self._path == "/"

    def is_junction(self) -> bool:
        """Always False (junctions are a Windows thing)."""
        return False

    def samefile(self, other_path: InVolumePath) -> bool:
        """Whether *other_path* is the same file (same volume and inode)."""
        other = self._coerce(other_path)
        if not _volspec.same_volume(self._volume, other._volume):
            return False
        st, other_st = self.stat(), other.stat()
        return st.st_ino == other_st.st_ino and st.st_dev == other_st.st_dev

    def owner(self, *, follow_symlinks: bool = True) -> str:
        """The owner's user name, from the file's uid through the *local* user database.

        :raises UnsupportedOperation: the uid has no local name (or no ``pwd`` module).
        """
        uid = self.stat(follow_symlinks=follow_symlinks).st_uid
        if pwd is None:
            raise UnsupportedOperation("GlusterPath.owner() needs the pwd module")
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:
            raise UnsupportedOperation(
                f"uid {uid} of {self._path!r} has no local user name"
            ) from None

    def group(self, *, follow_symlinks: bool = True) -> str:
        """The group name, from the file's gid through the *local* group database.

        :raises UnsupportedOperation: the gid has no local name (or no ``grp`` module).
        """
        gid = self.stat(follow_symlinks=follow_symlinks).st_gid
        if grp is None:
            raise UnsupportedOperation("GlusterPath.group() needs the grp module")
        try:
            return grp.getgrgid(gid).gr_name
        except KeyError:
            raise UnsupportedOperation(
                f"gid {gid} of {self._path!r} has no local group name"
            ) from None

    def statvfs(self) -> os.statvfs_result:
        """``os.statvfs_result`` of the volume."""
        return self._vol().statvfs(self._path)

    def disk_usage(self) -> DiskUsage:
        """``(total, used, free)`` bytes of the volume, as ``shutil.disk_usage()`` computes them."""
        sv = self.statvfs()
        total = sv.f_blocks * sv.f_frsize
        free = sv.f_bavail * sv.f_frsize
        used = (sv.f_blocks - sv.f_bfree) * sv.f_frsize
        return DiskUsage(total, used, free)

    @property
    def xattrs(self) -> XAttrs:
        """The extended attributes as a live ``MutableMapping[str, bytes]`` (follows symlinks)."""
        return XAttrs(self._volume, self._path, follow_symlinks=True)

    @property
    def lxattrs(self) -> XAttrs:
        """Like :attr:`xattrs`, for a symlink itself."""
        return XAttrs(self._volume, self._path, follow_symlinks=False)

    # -- resolving -------------------------------------------------------------------------

    def absolute(self) -> Self:
        """This path (it is always absolute)."""
        return self

    def expanduser(self) -> Self:
        """This path: there is no ``~`` on a volume."""
        return self

    @classmethod
    def cwd(cls) -> GlusterPath:
        """Unsupported: a volume has no current directory here (use ``vol.root``)."""
        raise UnsupportedOperation("GlusterPath.cwd() is unsupported; use vol.root")

    @classmethod
    def home(cls) -> GlusterPath:
        """Unsupported: a volume has no home directory (use ``vol.root``)."""
        raise UnsupportedOperation("GlusterPath.home() is unsupported; use vol.root")

    def resolve(self, strict: bool = False) -> Self:
        """The path with every symlink and ``..`` resolved, asking the server component by
        component (absolute link targets are taken as in-volume paths).

        Without *strict*, components that do not exist are appended as they are; with it,
        ``FileNotFoundError`` is raised.  A symlink loop raises ``OSError(ELOOP)`` when
        *strict*.
        """
        return self._new(self._vol().realpath(self._path, strict=strict))

    def readlink(self) -> pathlib.PurePosixPath:
        """The target of this symlink, as stored (it may be relative)."""
        return pathlib.PurePosixPath(self._vol().readlink(self._path))

    # -- reading and writing -----------------------------------------------------------------

    @overload
    def open(
        self,
        mode: OpenTextMode = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> io.TextIOWrapper: ...
    @overload
    def open(  # type: ignore[overload-overlap]  # File is a RawIOBase, not a typing.BinaryIO
        self,
        mode: OpenBinaryMode,
        buffering: Literal[0],
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> File: ...
    @overload
    def open(
        self,
        mode: OpenBinaryModeUpdating,
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> io.BufferedRandom: ...
    @overload
    def open(
        self,
        mode: OpenBinaryModeWriting,
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> io.BufferedWriter: ...
    @overload
    def open(
        self,
        mode: OpenBinaryModeReading,
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> io.BufferedReader: ...
    @overload
    def open(
        self,
        mode: OpenBinaryMode,
        buffering: int = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> BinaryIO: ...
    @overload
    def open(
        self,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]: ...

    def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any] | File:
        """Open the file like the built-in ``open()``, streaming through libgfapi.

        Returns ``io.TextIOWrapper`` (text modes), ``io.BufferedReader``/``BufferedWriter``/
        ``BufferedRandom`` (binary), or the raw :class:`gpath.File` with ``buffering=0``.
        The default buffer is 1 MiB.  Nothing is cached or downloaded.
        """
        if "b" not in mode and sys.version_info >= (3, 11):
            encoding = io.text_encoding(encoding)
        return self._vol().open_file(self._path, mode, buffering, encoding, errors, newline)

    def read_bytes(self) -> bytes:
        """The whole file as bytes (one allocation of the file's size)."""
        with self._vol().fopen(self._path, "rb") as f:
            return f.read()

    def read_text(
        self, encoding: str | None = None, errors: str | None = None, newline: str | None = None
    ) -> str:
        """The whole file decoded as text (universal newlines unless *newline* says otherwise)."""
        if sys.version_info >= (3, 11):
            encoding = io.text_encoding(encoding)
        with self.open("r", encoding=encoding, errors=errors, newline=newline) as f:
            return f.read()

    def write_bytes(self, data: Buffer) -> int:
        """Replace the file's content with *data* (any bytes-like object); return its size."""
        view = memoryview(data)  # type-check before truncating the file
        with self._vol().fopen(self._path, "wb") as f:
            return f.write(view)

    def write_text(
        self,
        data: str,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> int:
        """Replace the file's content with the text *data*; return the number of characters."""
        if sys.version_info >= (3, 11):
            encoding = io.text_encoding(encoding)
        if not isinstance(data, str):
            raise TypeError(f"data must be str, not {type(data).__name__}")
        with self.open("w", encoding=encoding, errors=errors, newline=newline) as f:
            return f.write(data)

    def __open_rb__(self, buffering: int = -1) -> BinaryIO:
        """Binary reader for pathlib 3.14's ``copy()`` (``magic_open``)."""
        f: Any = self.open("rb", buffering)
        return f  # type: ignore[no-any-return]

    def __open_wb__(self, buffering: int = -1) -> BinaryIO:
        """Binary writer for pathlib 3.14's ``copy()`` (``magic_open``)."""
        f: Any = self.open("wb", buffering)
        return f  # type: ignore[no-any-return]

    def __open_reader__(self) -> BinaryIO:
        """Binary reader for pathlib 3.15's ``vfsopen()``."""
        return self.__open_rb__()

    def __open_writer__(self, mode: str) -> BinaryIO:
        """Binary writer (``"w"``, ``"a"`` or ``"x"``) for pathlib 3.15's ``vfsopen()``."""
        if mode not in ("w", "a", "x"):
            raise ValueError(f"invalid writer mode: {mode!r}")
        f: Any = self.open(mode + "b")
        return f  # type: ignore[no-any-return]

    # -- directories --------------------------------------------------------------------------

    def _child(self, name: str, mode: int, raw: bytes) -> Self:
        """The path of a listing entry, its info seeded from the entry (see read_listing)."""
        path = self._path + name if self._path == "/" else self._path + "/" + name
        return self._from_volume(
            self._volume, path, GlusterPathInfo._from_listing(self._volume, path, mode, raw)
        )

    def iterdir(self) -> Iterator[Self]:
        """The directory's entries (not ``.``/``..``), in any order, each with a seeded
        :attr:`info`.  The listing is read (one readdirplus pass) when this is called, so a
        missing directory raises here, not on iteration."""
        listing = read_listing(self._vol(), self._path)
        return self._children(listing)

    def _children(self, listing: list[tuple[str, int, bytes]]) -> Iterator[Self]:
        # Per entry only a str, a GlusterPath and a lazily converted info (the hot loop of
        # iterdir() over large directories; benchmarks/run.py, "iterdir+info.is_file").
        volume, make, seed = self._volume, self._from_volume, GlusterPathInfo._from_listing
        base = "/" if self._path == "/" else self._path + "/"
        for name, mode, raw in listing:
            path = base + name
            yield make(volume, path, seed(volume, path, mode, raw))

    def glob(
        self,
        pattern: str | os.PathLike[str],
        *,
        case_sensitive: bool | None = None,
        recurse_symlinks: bool = False,
    ) -> Iterator[Self]:
        """Paths below this directory matching the relative *pattern* (pathlib 3.13+ rules).

        ``*``, ``?``, ``[seq]`` match within a name (hidden names included); ``**`` matches
        any number of directories, and a trailing ``**`` yields files and directories; a
        trailing ``/`` yields directories only.  ``**`` does not enter symlinks to
        directories unless *recurse_symlinks*.  Results have a seeded :attr:`info`.

        :raises ValueError: empty pattern.  :raises NotImplementedError: absolute pattern.
        """
        fs = _glob.VolumeGlobFS(self._vol())
        results = _glob.glob(fs, self._path, pattern, case_sensitive, recurse_symlinks)
        # the infos are the GlusterPathInfo that VolumeGlobFS seeded
        return (self._from_volume(self._volume, path, info) for path, info in results)  # type: ignore[arg-type]

    def rglob(
        self,
        pattern: str | os.PathLike[str],
        *,
        case_sensitive: bool | None = None,
        recurse_symlinks: bool = False,
    ) -> Iterator[Self]:
        """:meth:`glob` with ``**/`` in front of *pattern*."""
        raw = os.fspath(pattern)
        if not isinstance(raw, str):
            raise TypeError(
                f"pattern must be str or os.PathLike[str], not {type(pattern).__name__}"
            )
        return self.glob(
            posixpath.join("**", raw),
            case_sensitive=case_sensitive,
            recurse_symlinks=recurse_symlinks,
        )

    def walk(
        self,
        top_down: bool = True,
        on_error: Callable[[OSError], object] | None = None,
        follow_symlinks: bool = False,
    ) -> Iterator[tuple[Self, list[str], list[str]]]:
        """Walk the tree like ``pathlib.Path.walk``: yield ``(dirpath, dirnames, filenames)``.

        One readdirplus listing per directory.  Top-down, pruning *dirnames* in place limits
        the walk.  Without *follow_symlinks*, symlinks to directories are listed in
        *filenames*; with it they are walked, except into a directory that is already one of
        the current directory's ancestors (a loop).  *on_error* gets each listing's
        ``OSError``.  Without it, a directory that is gone or may not be read is passed
        over as pathlib does, but a failure to reach the volume (``ENOTCONN``...) is raised:
        a silently short walk would look like an empty tree.
        """
        vol = self._vol()
        top_id = _dir_id(vol.stat, self._path) if follow_symlinks else None

        def classify(top: Self, entry: tuple[str, int, bytes]) -> _walk.Classified:
            name, mode, raw = entry
            if stat_module.S_ISDIR(mode):
                child = top._child(name, mode, raw)
                # the listing's own stat: no round trip
                lst = child.info.stat(follow_symlinks=False) if follow_symlinks else None
                return name, True, (lst.st_dev, lst.st_ino) if lst else None, child
            if follow_symlinks and stat_module.S_ISLNK(mode):
                child = top._child(name, mode, raw)
                if child.info.is_dir():
                    return name, True, _dir_id(child.info.stat), child
            return name, False, None, None

        def report(exc: OSError) -> None:
            if on_error is not None:
                on_error(exc)
            elif not is_passed_over(exc):
                raise exc

        yield from _walk.walk(
            self,
            top_id,
            ListingPrefetcher.of(vol),
            _path_key,
            classify,
            GlusterPath.joinpath,
            top_down,
            report,
            follow_symlinks,
        )

    def mkdir(self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False) -> None:
        """Create this directory (and missing *parents*); *exist_ok* accepts an existing one.

        :raises FileExistsError: it exists (unless *exist_ok* and it is a directory).
        :raises FileNotFoundError: the parent is missing and *parents* is False.
        """
        vol = self._vol()
        try:
            vol.mkdir(self._path, mode)
        except FileNotFoundError:
            if not parents or self._path == "/":
                raise
            self.parent.mkdir(parents=True, exist_ok=True)
            self.mkdir(mode, parents=False, exist_ok=exist_ok)
        except OSError:
            if not exist_ok or not self.is_dir():
                raise

    def touch(self, mode: int = 0o666, exist_ok: bool = True) -> None:
        """Create the file if missing, else update its times (``FileExistsError`` without
        *exist_ok*)."""
        vol = self._vol()
        if exist_ok:
            try:
                vol.utime(self._path)
            except OSError:
                pass
            else:
                return
        flags = os.O_CREAT | os.O_WRONLY
        if not exist_ok:
            flags |= os.O_EXCL
        vol.open(self._path, flags, mode).close()

    def unlink(self, missing_ok: bool = False) -> None:
        """Remove this file or symlink (``IsADirectoryError`` for a directory)."""
        try:
            self._vol().unlink(self._path)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def rmdir(self) -> None:
        """Remove this empty directory (never recursive: see :meth:`rmtree`)."""
        self._vol().rmdir(self._path)

    def rmtree(
        self,
        ignore_errors: bool = False,
        on_error: Callable[[OSError], object] | None = None,
        *,
        max_workers: int | None = None,
    ) -> None:
        """Delete this directory and everything below it, never following symlinks.

        Runs on *max_workers* threads (default :data:`DEFAULT_WORKERS`, 32) sharing the
        Volume.  Each failure is passed to *on_error(exc)* (an ``OSError`` with
        ``filename``), ignored with *ignore_errors*, and otherwise raised (after the running
        tasks stop).  A symlink or file as this path is an error.
        """
        vol = self._vol()
        _tree.check_workers(max_workers)

        def report(step: str, path: Any, exc: OSError) -> None:
            if ignore_errors:
                return
            if on_error is None:
                raise exc
            with report_lock:
                on_error(exc)

        report_lock = threading.Lock()
        try:
            st = vol.lstat(self._path)
        except OSError as exc:
            report("lstat", self._path, exc)
            return
        if stat_module.S_ISLNK(st.st_mode):
            error = OSError(errno.ENOTDIR, "Cannot call rmtree on a symbolic link", self._path)
            report("lstat", self._path, error)
        elif not stat_module.S_ISDIR(st.st_mode):
            report("lstat", self._path, oserror(errno.ENOTDIR, self._path))
        else:
            _tree.rmtree(_tree.VolFS(vol), self._path, report, max_workers)

    def _delete(self) -> None:
        """Remove this file, symlink or tree (pathlib's private ``_delete``)."""
        if self.is_dir(follow_symlinks=False):
            self.rmtree()
        else:
            self.unlink()

    # -- renaming and links --------------------------------------------------------------

    def _coerce(self, target: InVolumePath) -> GlusterPath:
        """*target* as a GlusterPath; a str is an in-volume path on this volume."""
        if isinstance(target, GlusterPath):
            return target
        if isinstance(target, str):
            return self._new(_normalize(target))
        raise TypeError(
            f"expected a GlusterPath or an in-volume str path, not {type(target).__name__}"
        )

    def _same_volume_target(self, target: InVolumePath, what: str) -> GlusterPath:
        other = self._coerce(target)
        if not _volspec.same_volume(self._volume, other._volume):
            raise OSError(
                errno.EXDEV,
                f"{what} across volumes: {os.strerror(errno.EXDEV)}",
                self._path,
                None,
                other._path,
            )
        return other

    def rename(self, target: InVolumePath) -> GlusterPath:
        """Rename to *target* (same volume) and return the new path.

        POSIX ``rename(2)`` semantics, like ``os.rename``: an existing file *target* is
        replaced, and so is an empty directory when this is a directory.  A str *target* is
        an in-volume path, read from the volume root (like pathlib reads relative targets
        from the current directory); prefer ``p.with_name(...)``.
        """
        other = self._same_volume_target(target, "rename")
        self._vol().replace(self._path, other._path)  # POSIX rename(2), as os.rename
        return other.joinpath()

    def replace(self, target: InVolumePath) -> GlusterPath:
        """Rename to *target*, replacing an existing file or empty directory there."""
        other = self._same_volume_target(target, "replace")
        self._vol().replace(self._path, other._path)
        return other.joinpath()

    def symlink_to(
        self, target: GlusterPath | str | os.PathLike[str], target_is_directory: bool = False
    ) -> None:
        """Make this path a symlink to *target* (stored as given; a GlusterPath as its
        in-volume path).  *target_is_directory* is ignored, as on POSIX."""
        if isinstance(target, GlusterPath):
            text = target._path
        else:
            text = os.fspath(target)
            if not isinstance(text, str):
                raise TypeError("symlink target must be str or os.PathLike[str]")
        self._vol().symlink(text, self._path)

    def hardlink_to(self, target: InVolumePath) -> None:
        """Make this path a hard link to the same file as *target* (same volume)."""
        other = self._same_volume_target(target, "hard link")
        self._vol().link(other._path, self._path)

    def chmod(self, mode: int, *, follow_symlinks: bool = True) -> None:
        """Change the permission bits (``follow_symlinks=False`` is :meth:`lchmod`)."""
        if not follow_symlinks:
            self.lchmod(mode)
            return
        self._vol().chmod(self._path, mode)

    def lchmod(self, mode: int) -> None:
        """Unsupported: libgfapi cannot change a symlink's own mode.

        :raises UnsupportedOperation: always (never silently changes the target instead).
        """
        raise UnsupportedOperation("lchmod() is unsupported: libgfapi has no lchmod")

    def watch(self, recursive: bool = False, *, refresh: float | None = None) -> Watcher:
        """Watch this directory for other clients' changes: ``with p.watch() as events:``
        (a ``gpath.aio.Watcher``, which needs no anyio; see docs/tutorial/09)."""
        from gpath._watch import watch

        return watch(self, recursive, refresh=refresh)

    # -- copying and moving -------------------------------------------------------------

    @overload
    def copy(
        self,
        target: InVolumePath,
        *,
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> GlusterPath: ...
    @overload
    def copy(
        self,
        target: os.PathLike[str],
        *,
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> pathlib.Path: ...

    def copy(
        self,
        target: InVolumePath | os.PathLike[str],
        *,
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> GlusterPath | pathlib.Path:
        """Copy this file or directory tree to *target* and return the new path.

        *target* is a GlusterPath (same or another volume), an in-volume str, or a local
        ``os.PathLike`` such as ``pathlib.Path`` (a download; the result is a
        ``pathlib.Path``).  The bytes pass through this client, also within one volume.  A
        directory target must not exist unless *dirs_exist_ok*: then, as with
        ``shutil.copytree``, the tree is merged into it and its files replaced, so a copy can
        be run again; symlinks below the target are never followed (one where a directory
        belongs is an error, one where a file belongs is replaced).  Symlinks are followed
        unless ``follow_symlinks=False`` (then recreated); ``preserve_metadata`` copies
        times, permission bits and ``user.*`` xattrs.  Trees are copied by *max_workers*
        threads (default :data:`DEFAULT_WORKERS`, 32).
        """
        options = _copy_options(follow_symlinks, preserve_metadata, dirs_exist_ok, max_workers)
        if isinstance(target, (GlusterPath, str)):
            other = self._coerce(target)
            _ensure_distinct_paths(self, other)
            other._copy_from(self, **options)
            return other.joinpath()
        if _abcpaths.is_abc_path(target):  # a UPath or another pathlib-abc path
            return _abcpaths.copy_to(self, target, **options)  # type: ignore[no-any-return]
        local = pathlib.Path(_local_path(target, "target"))
        _tree.Copier(_tree.VolFS(self._vol()), _tree.LocalFS(), **options).copy(
            self._path, str(local)
        )
        return local

    @overload
    def copy_into(
        self,
        target_dir: InVolumePath,
        *,
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> GlusterPath: ...
    @overload
    def copy_into(
        self,
        target_dir: os.PathLike[str],
        *,
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> pathlib.Path: ...

    def copy_into(
        self,
        target_dir: InVolumePath | os.PathLike[str],
        *,
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> GlusterPath | pathlib.Path:
        """Copy this file or tree into the existing directory *target_dir* (see :meth:`copy`)."""
        name = self.name
        if not name:
            raise ValueError(f"{self!r} has an empty name")
        options: dict[str, Any] = dict(
            follow_symlinks=follow_symlinks,
            preserve_metadata=preserve_metadata,
            dirs_exist_ok=dirs_exist_ok,
            max_workers=max_workers,
        )
        if isinstance(target_dir, GlusterPath):
            return self.copy(target_dir / name, **options)
        if isinstance(target_dir, str):
            return self.copy(self._coerce(target_dir) / name, **options)
        return self.copy(pathlib.Path(_local_path(target_dir, "target_dir"), name), **options)

    def copy_from(
        self,
        source: InVolumePath | os.PathLike[str],
        *,
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> Self:
        """Make this path a copy of *source* and return it (fresh).

        *source* is a GlusterPath, an in-volume str (as everywhere in GlusterPath), or a
        local ``os.PathLike`` such as ``pathlib.Path`` (an upload).  The same rules as
        :meth:`copy`: a directory target must not exist yet unless *dirs_exist_ok*.
        """
        if isinstance(source, str):
            source = self._coerce(source)
        if isinstance(source, GlusterPath):
            _ensure_distinct_paths(source, self)
        options = _copy_options(follow_symlinks, preserve_metadata, dirs_exist_ok, max_workers)
        if _abcpaths.is_abc_path(source):  # a UPath or another pathlib-abc path
            _abcpaths.copy_from(self, source, **options)
            return self.joinpath()
        self._copy_from(source, **options)
        return self.joinpath()

    def _copy_from(
        self,
        source: GlusterPath | os.PathLike[str],
        follow_symlinks: bool = True,
        preserve_metadata: bool = False,
        *,
        dirs_exist_ok: bool = False,
        max_workers: int | None = None,
    ) -> None:
        """Copy *source* to this path (the hook pathlib 3.14's ``Path.copy`` calls on its
        target, so ``pathlib.Path("f").copy(gpath)`` uploads)."""
        dst_fs = _tree.VolFS(self._vol())
        src_fs: Any
        if isinstance(source, GlusterPath):
            src_vol = source._vol()
            src_fs = _tree.VolFS(src_vol)
            src_path = source._path
            if _volspec.same_volume(src_vol, self._volume):
                _ensure_different_files(source, self)
        else:
            src_fs = _tree.LocalFS()
            src_path = _local_path(source, "source")
        copier = _tree.Copier(
            src_fs, dst_fs, follow_symlinks, preserve_metadata, max_workers, dirs_exist_ok
        )
        copier.copy(src_path, self._path)

    @overload
    def move(self, target: InVolumePath, *, max_workers: int | None = None) -> GlusterPath: ...
    @overload
    def move(self, target: os.PathLike[str], *, max_workers: int | None = None) -> pathlib.Path: ...

    def move(
        self, target: InVolumePath | os.PathLike[str], *, max_workers: int | None = None
    ) -> GlusterPath | pathlib.Path:
        """Move this file or tree to *target* and return the new path.

        On the same volume this is one atomic ``rename`` (replacing a file or empty
        directory there); to another volume or local disk it is a copy (symlinks kept,
        metadata preserved) followed by deleting the source.
        """
        if isinstance(target, (GlusterPath, str)):
            other = self._coerce(target)
            if _volspec.same_volume(self._volume, other._volume):
                _ensure_different_files(self, other)
                self._vol().replace(self._path, other._path)
                return other.joinpath()
            moved: GlusterPath | pathlib.Path = self.copy(
                other, follow_symlinks=False, preserve_metadata=True, max_workers=max_workers
            )
        else:
            moved = self.copy(
                target, follow_symlinks=False, preserve_metadata=True, max_workers=max_workers
            )
        self._delete()
        return moved

    @overload
    def move_into(
        self, target_dir: InVolumePath, *, max_workers: int | None = None
    ) -> GlusterPath: ...
    @overload
    def move_into(
        self, target_dir: os.PathLike[str], *, max_workers: int | None = None
    ) -> pathlib.Path: ...

    def move_into(
        self, target_dir: InVolumePath | os.PathLike[str], *, max_workers: int | None = None
    ) -> GlusterPath | pathlib.Path:
        """Move this file or tree into the existing directory *target_dir* (see :meth:`move`)."""
        name = self.name
        if not name:
            raise ValueError(f"{self!r} has an empty name")
        if isinstance(target_dir, GlusterPath):
            return self.move(target_dir / name, max_workers=max_workers)
        if isinstance(target_dir, str):
            return self.move(self._coerce(target_dir) / name, max_workers=max_workers)
        return self.move(pathlib.Path(os.fspath(target_dir), name), max_workers=max_workers)


class _SubclassFromVolume:
    """``_from_volume`` of a GlusterPath subclass: on the class it builds directly, like the
    base's classmethod; on an instance, which is how derived paths are made, it builds
    through the instance's ``with_segments()`` (see ``GlusterPath._derive``)."""

    def __get__(self, obj: GlusterPath | None, cls: type[GlusterPath]) -> Callable[..., Any]:
        if obj is None:
            build: Callable[..., Any] = GlusterPath.__dict__["_from_volume"].__get__(None, cls)
            return build
        return obj._derive


_P = TypeVar("_P", bound=GlusterPath)


class _Parents(Sequence[_P]):
    """``p.parents``: the ancestors of a path, nearest first (supports slices, negatives)."""

    __slots__ = ("_path", "_heads")

    def __init__(self, path: _P) -> None:
        self._path = path
        heads: list[str] = []
        text = path.path
        while text != "/":
            text = text.rpartition("/")[0] or "/"
            heads.append(text)
        self._heads = heads

    def __len__(self) -> int:
        return len(self._heads)

    @overload
    def __getitem__(self, index: int) -> _P: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[_P, ...]: ...

    def __getitem__(self, index: int | slice) -> _P | tuple[_P, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index >= len(self) or index < -len(self):
            raise IndexError(index)
        return self._path._new(self._heads[index])

    def __repr__(self) -> str:
        return "<GlusterPath.parents>"


def _copy_options(
    follow_symlinks: bool, preserve_metadata: bool, dirs_exist_ok: bool, max_workers: int | None
) -> dict[str, Any]:
    return dict(
        follow_symlinks=follow_symlinks,
        preserve_metadata=preserve_metadata,
        dirs_exist_ok=dirs_exist_ok,
        max_workers=max_workers,
    )


def _local_path(path: object, what: str) -> str:
    """A local ``os.PathLike[str]`` as a str; anything else is a TypeError saying why (a
    plain str names a path on the volume, so it never reaches here)."""
    if isinstance(path, GlusterPath) or not isinstance(path, os.PathLike):
        raise TypeError(
            f"{what} must be a GlusterPath, an in-volume str or a local os.PathLike "
            f"(e.g. pathlib.Path), not {type(path).__name__}"
        )
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"{what} must be an os.PathLike[str], not one giving bytes")
    return text


def _path_key(path: GlusterPath) -> str:
    return path._path


def _dir_id(stat: Callable[..., os.stat_result], *args: Any) -> tuple[int, int] | None:
    """(st_dev, st_ino) from ``stat(*args)``; None where it is passed over."""
    try:
        st = stat(*args)
    except OSError as exc:
        if not is_passed_over(exc):
            raise
        return None
    return st.st_dev, st.st_ino


def _rebuild(spec: VolumeSpec, path: str) -> GlusterPath:
    """Unpickle: this process's Volume for *spec* (mounted on first I/O) and the path."""
    return GlusterPath._from_volume(_volspec.volume_for(spec), path)


def _ensure_distinct_paths(source: GlusterPath, target: GlusterPath) -> None:
    """``OSError(EINVAL)`` if *target* is *source* or below it (a copy into itself)."""
    if not _volspec.same_volume(source.volume, target.volume):
        return
    if source == target:
        message = "Source and target are the same path"
    elif source in target.parents:
        message = "Source path is a parent of target path"
    else:
        return
    raise OSError(errno.EINVAL, message, source.path, None, target.path)


def _ensure_different_files(source: GlusterPath, target: GlusterPath) -> None:
    """``OSError(EINVAL)`` if both paths are the same existing file (e.g. hard links)."""
    try:
        a, b = source.stat(), target.stat()
    except (OSError, ValueError):
        return
    if a.st_ino == b.st_ino and a.st_dev == b.st_dev:
        raise OSError(
            errno.EINVAL, "Source and target are the same file", source.path, None, target.path
        )
