"""``gluster://`` for fsspec: :class:`GlusterFileSystem`, an fsspec filesystem on gpath.

Installed with ``pip install "gpath-glusterfs[fsspec]"``; fsspec finds it through its
``fsspec.specs`` entry points for ``gluster``, ``gluster+tcp``, ``gluster+unix`` and
``gluster+rdma``, so pandas, pyarrow, Dask, xarray/zarr and universal_pathlib reach a
volume by URL::

    import pandas as pd
    df = pd.read_parquet("gluster://server/volume/data/table.parquet")

    fs, path = fsspec.core.url_to_fs("gluster://server/volume/data")
    fs.ls(path)                         # path == "/data", an in-volume path

The filesystem holds a picklable :class:`~gpath._volspec.VolumeSpec`, never a live mount:
fsspec makes one instance per thread and Dask pickles filesystems to its workers.  Every
instance in a process uses the one Volume gpath keeps for that volume (the user's mounted
one, or one that mounts itself on first use, and again in a new process or after fork).

Paths given to the methods are in-volume paths (``/a/b``; a relative one is read from the
root) or gluster URLs of the same volume.  The storage options are those of
:class:`gpath.Volume`; see :class:`GlusterFileSystem`.

This module imports fsspec; ``import gpath`` never imports it.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import io
import os
import posixpath
import stat as stat_module
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import fsspec  # type: ignore[import-untyped]
from fsspec.callbacks import DEFAULT_CALLBACK  # type: ignore[import-untyped]
from fsspec.utils import isfilelike, stringify_path  # type: ignore[import-untyped]

from gpath import _url, _volspec
from gpath._url import GlusterURL, parse_url
from gpath._volspec import VolumeSpec
from gpath.errors import UnsupportedOperation

if TYPE_CHECKING:
    from gpath.file import File
    from gpath.volume import Volume

__all__ = ["GlusterFileSystem", "GlusterFile", "GlusterWriteFile", "volume_url"]

#: Buffer of files from :meth:`GlusterFileSystem.open` and chunk of transfers (1 MiB).
DEFAULT_BLOCK_SIZE = 1 << 20
_TRANSFER_CHUNK = 4 << 20  # put/get/cat chunks: big enough to stream at wire speed
_MODES = ("rb", "wb", "ab", "xb")
_GLOB_CHARS = frozenset("*?[")


def _volume_of(spec: VolumeSpec) -> Volume:
    """This process's mounted Volume for *spec* (gpath's registry; mounts a lazy one).

    The one place that reaches gpath's private volume registry.
    """
    return _volspec.ensure_mounted(_volspec.volume_for(spec))


def volume_url(spec: VolumeSpec) -> str:
    """The ``gluster://`` URL of the root of *spec*'s volume (all its servers)."""
    if not spec.hosts:
        return f"gluster:///{spec.volname}/"
    return str(GlusterURL(spec.proto, spec.hosts, spec.port, spec.volname, "/"))


class GlusterFileSystem(fsspec.AbstractFileSystem):  # type: ignore[misc]
    """An fsspec filesystem on one GlusterFS volume, through libgfapi (no FUSE mount).

    Made by fsspec from a URL (``fsspec.filesystem("gluster", url=...)``,
    ``fsspec.core.url_to_fs("gluster://h1,h2/vol/path")``) or directly::

        GlusterFileSystem("gluster://server/volume")
        GlusterFileSystem(hosts=["s1", "s2"], volname="volume", port=24007)

    :param url: a gluster URL naming the volume (its path part is ignored).  fsspec
        passes the URL it was given here.
    :param hosts: volfile servers (a str or a sequence), or for ``proto="unix"`` the
        glusterd socket.  With *url* too, they must agree (a conflict is a ValueError).
    :param volname: the volume name (the same rule).
    :param port: the servers' port (default 24007; the same rule).
    :param proto: ``"tcp"``, ``"unix"`` or ``"rdma"`` (also ``transport=``).
    :param volfile: mount from this local volfile instead of asking a server.
    :param xlator_options: ``{(xlator, key): value}``, e.g. the TLS options
        ``{("*-client-*", "transport.socket.ssl-enabled"): "on"}``.
    :param timeout: seconds to wait for the mount (None: libgfapi's own limit).
    :param log_file: libgfapi's log file; :param log_level: its level (as for Volume).
    :param auto_mkdir: create missing parent directories when a file is written
        (default True, as pyarrow and Dask expect).
    :param block_size: the buffer of opened files (default 1 MiB).

    ``asynchronous=`` (zarr passes it) is accepted: zarr then serves this synchronous
    filesystem through fsspec's ``AsyncFileSystemWrapper``.
    """

    protocol = _url.PROTOCOLS
    root_marker = "/"
    # one instance per thread is fsspec's default; they all share the process's Volume
    cachable = True

    def __init__(
        self,
        url: str | None = None,
        *,
        hosts: str | Sequence[str] | None = None,
        volname: str | None = None,
        port: int | None = None,
        proto: str | None = None,
        transport: str | None = None,
        volfile: str | os.PathLike[str] | None = None,
        xlator_options: Mapping[tuple[str, str], str] | None = None,
        timeout: float | None = 30.0,
        log_file: str | None = None,
        log_level: int | str | None = None,
        auto_mkdir: bool = True,
        block_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("asynchronous", None)  # zarr asks; fsspec's wrapper makes it async
        kwargs.pop("loop", None)
        super().__init__(**kwargs)
        if proto is not None and transport is not None and proto != transport:
            raise ValueError(f"proto={proto!r} and transport={transport!r} disagree")
        proto = proto if proto is not None else transport
        options: dict[str, Any] = {"timeout": timeout, "log_level": log_level}
        if log_file is not None:
            options["log_file"] = log_file
        if xlator_options is not None:
            options["xlator_options"] = xlator_options
        if volfile is not None:
            options["volfile"] = volfile
        self.spec = _make_spec(url, hosts, volname, port, proto, options)
        self.auto_mkdir = bool(auto_mkdir)
        self.blocksize = DEFAULT_BLOCK_SIZE if block_size is None else int(block_size)
        self._vol: Volume | None = None
        self._vol_pid = -1
        self._fsid: str | None = None

    # -- the volume and paths --------------------------------------------------------------

    @property
    def volume(self) -> Volume:
        """The process's mounted :class:`~gpath.Volume` (mounted on first use)."""
        vol = self._vol
        if vol is not None and vol.mounted and self._vol_pid == os.getpid():
            return vol
        vol = _volume_of(self.spec)
        self._vol, self._vol_pid = vol, os.getpid()
        return vol

    @property
    def url(self) -> str:
        """The URL of the volume's root, ``gluster://HOST[,HOST...][:PORT]/VOLUME/``."""
        return volume_url(self.spec)

    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        """The in-volume path (``/a/b``) of a URL or a path (lists: each)."""
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        text = stringify_path(path)
        if _url.is_gluster_url(text):
            return parse_url(text).path
        return _url.normalize_path(text)

    @staticmethod
    def _get_kwargs_from_urls(path: str) -> dict[str, Any]:
        """The storage options a URL carries: the volume's address, as ``url``."""
        text = stringify_path(path)
        if not _url.is_gluster_url(text):
            return {}
        return {"url": str(parse_url(text).with_path("/"))}

    def unstrip_protocol(self, name: str) -> str:
        """The gluster URL of in-volume path *name* (percent-encoded)."""
        if _url.is_gluster_url(name):
            return name
        if not self.spec.hosts:
            return f"gluster:///{self.spec.volname}{_url.normalize_path(name)}"
        url = parse_url(self.url)
        return str(url.with_path(name))

    def _p(self, path: Any) -> str:
        """The in-volume path of *path*; a URL must name this filesystem's volume."""
        text = stringify_path(path)
        if not isinstance(text, str):
            raise TypeError(f"path must be str or os.PathLike, not {type(path).__name__}")
        if _url.is_gluster_url(text):
            parsed = parse_url(text)
            if _volspec.address(parsed.spec()) != _volspec.address(self.spec):
                raise ValueError(f"{text!r} is not on this filesystem's volume {self.url!r}")
            return parsed.path
        return _url.normalize_path(text)

    @property
    def fsid(self) -> str:
        """``gluster-<volume id>``: the same for every client of the volume."""
        if self._fsid is None:
            self._fsid = f"gluster-{self.volume.get_volume_id()}"
        return self._fsid

    def _isfilestore(self) -> bool:
        return True

    def sign(self, path: Any, expiration: int = 100, **kwargs: Any) -> str:
        """Refused: a volume has no signed URLs (anyone reaching the servers may mount)."""
        raise UnsupportedOperation(f"a GlusterFS volume has no signed URLs: {path!r}")

    # -- metadata --------------------------------------------------------------------------

    def _entry(self, path: str, st: os.stat_result) -> dict[str, Any]:
        """fsspec's info dict from an lstat (a symlink is followed for type and size)."""
        link = stat_module.S_ISLNK(st.st_mode)
        target = st
        info: dict[str, Any] = {}
        if link:
            vol = self.volume
            info["destination"] = vol.readlink(path)
            try:
                target = vol.stat(path)
            except OSError:  # a dangling link: described by itself
                target = st
        mode = target.st_mode
        kind = (
            "directory"
            if stat_module.S_ISDIR(mode)
            else "file"
            if stat_module.S_ISREG(mode)
            else "other"
        )
        info.update(
            name=path,
            size=target.st_size if not stat_module.S_ISDIR(mode) else 0,
            type=kind,
            created=st.st_ctime,
            islink=link,
            mode=st.st_mode,
            uid=st.st_uid,
            gid=st.st_gid,
            mtime=st.st_mtime,
            ino=st.st_ino,
            nlink=st.st_nlink,
        )
        return info

    def info(self, path: Any, **kwargs: Any) -> dict[str, Any]:
        """The details of *path* from one stat (``destination`` too for a symlink)."""
        p = self._p(path)
        return self._entry(p, self.volume.lstat(p))

    def ls(self, path: Any, detail: bool = True, **kwargs: Any) -> list[Any]:
        """The entries of directory *path*, with their stats from one readdirplus listing.

        A file lists as itself.  Sorted by name.
        """
        p = self._p(path)
        try:
            entries = self.volume.listdir_with_stat(p)
        except NotADirectoryError:
            entry = self.info(p)
            return [entry if detail else entry["name"]]
        entries.sort()
        if not detail:
            return [posixpath.join(p, name) for name, _ in entries]
        return [self._entry(posixpath.join(p, name), st) for name, st in entries]

    def exists(self, path: Any, **kwargs: Any) -> bool:
        """Whether *path* exists (a broken symlink does not); real errors raise."""
        return self.volume.exists(self._p(path))

    def lexists(self, path: Any, **kwargs: Any) -> bool:
        """Whether *path* exists, a broken symlink included."""
        try:
            self.volume.lstat(self._p(path))
        except (FileNotFoundError, NotADirectoryError):
            return False
        return True

    def isdir(self, path: Any) -> bool:
        return self.volume.isdir(self._p(path))

    def isfile(self, path: Any) -> bool:
        return self.volume.isfile(self._p(path))

    def size(self, path: Any) -> int:
        return self.volume.stat(self._p(path)).st_size

    def created(self, path: Any) -> datetime.datetime:
        """The inode change time (Gluster keeps no birth time), in UTC."""
        st = self.volume.stat(self._p(path))
        return datetime.datetime.fromtimestamp(st.st_ctime, tz=datetime.timezone.utc)

    def modified(self, path: Any) -> datetime.datetime:
        """The modification time, in UTC."""
        st = self.volume.stat(self._p(path))
        return datetime.datetime.fromtimestamp(st.st_mtime, tz=datetime.timezone.utc)

    def _identity(self, path: Any) -> bytes:
        st = self.volume.stat(self._p(path))
        # st_ino is the file's gfid folded to 64 bits: it changes when a file is replaced
        return f"{self.fsid}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}".encode()

    def ukey(self, path: Any) -> str:
        """A key that changes when *path* changes: from its gfid, mtime and size."""
        return hashlib.sha256(self._identity(path)).hexdigest()

    def checksum(self, path: Any) -> int:
        """An int from the gfid, mtime and size (not from the bytes; see :meth:`ukey`)."""
        return int.from_bytes(hashlib.sha256(self._identity(path)).digest()[:8], "big")

    # -- directories -----------------------------------------------------------------------

    def mkdir(self, path: Any, create_parents: bool = True, **kwargs: Any) -> None:
        """Create directory *path* (and its parents, unless told not to)."""
        p = self._p(path)
        vol = self.volume
        if create_parents:
            if vol.exists(p):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), p)
            vol.makedirs(p, exist_ok=True)
        else:
            vol.mkdir(p)

    def makedirs(self, path: Any, exist_ok: bool = False) -> None:
        self.volume.makedirs(self._p(path), exist_ok=exist_ok)

    def rmdir(self, path: Any) -> None:
        self.volume.rmdir(self._p(path))

    def _parent_dir(self, p: str) -> None:
        if self.auto_mkdir:
            parent = posixpath.dirname(p)
            if parent != "/":
                self.volume.makedirs(parent, exist_ok=True)

    # -- deleting and moving ---------------------------------------------------------------

    def rm_file(self, path: Any) -> None:
        """Delete a file, a symlink or an empty directory."""
        p = self._p(path)
        vol = self.volume
        _HANDLES.drop(vol, p)
        try:
            vol.unlink(p)
        except IsADirectoryError:
            vol.rmdir(p)
        except PermissionError:
            # unlink(2) of a directory is EPERM on Linux; only then is rmdir the answer
            if not vol.isdir(p):
                raise
            vol.rmdir(p)

    _rm = rm_file

    def rm(self, path: Any, recursive: bool = False, maxdepth: int | None = None) -> None:
        """Delete files, or with *recursive* whole directory trees (gpath's rmtree).

        Glob patterns are expanded; a directory without *recursive* must be empty.  The
        volume's root is never removed.
        """
        if maxdepth is not None:
            super().rm(path, recursive=recursive, maxdepth=maxdepth)
            return
        paths = path if isinstance(path, list) else [path]
        plain = [self._p(p) for p in paths if not _GLOB_CHARS.intersection(str(p))]
        if len(plain) != len(paths):
            plain = [self._p(p) for p in self.expand_path(path, recursive=False)]
        vol = self.volume
        for p in plain:
            if recursive and vol.isdir(p) and not vol.islink(p):
                if p == "/":
                    raise ValueError("refusing to remove the root of the volume")
                _HANDLES.drop(vol, p)
                vol.rmtree(p)
            else:
                self.rm_file(p)

    def mv(
        self,
        path1: Any,
        path2: Any,
        recursive: bool = False,
        maxdepth: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Move one file or tree by an atomic rename (globs and lists: copy, then delete).

        A directory *path2* receives *path1* inside it, as ``mv`` does.
        """
        lists = isinstance(path1, list) or isinstance(path2, list)
        if lists or _GLOB_CHARS.intersection(str(path1)) or maxdepth is not None:
            super().mv(path1, path2, recursive=recursive, maxdepth=maxdepth, **kwargs)
            return
        src, dst = self._p(path1), self._p(path2)
        if src == dst:
            return
        vol = self.volume
        if vol.isdir(dst) and not vol.islink(dst):
            dst = posixpath.join(dst, posixpath.basename(src))
        self._parent_dir(dst)
        vol.replace(src, dst)

    # -- copying ---------------------------------------------------------------------------

    def cp_file(self, path1: Any, path2: Any, **kwargs: Any) -> None:
        """Copy one file within the volume (streamed by gpath), or make a directory."""
        src, dst = self._p(path1), self._p(path2)
        vol = self.volume
        if vol.isdir(src):
            vol.makedirs(dst, exist_ok=True)
            return
        self._parent_dir(dst)
        vol.copyfile(src, dst)

    def put_file(
        self,
        lpath: Any,
        rpath: Any,
        callback: Any = DEFAULT_CALLBACK,
        mode: str = "overwrite",
        **kwargs: Any,
    ) -> None:
        """Upload local file *lpath* to *rpath*, reporting progress to *callback*.

        ``mode="create"`` refuses an existing *rpath* (``FileExistsError``).  A local
        directory becomes a directory.
        """
        lpath = os.fspath(lpath)
        p = self._p(rpath)
        if os.path.isdir(lpath):
            self.volume.makedirs(p, exist_ok=True)
            return
        with open(lpath, "rb") as src:
            size = os.fstat(src.fileno()).st_size
            callback.set_size(size)
            self._parent_dir(p)
            with self.open(p, "xb" if mode == "create" else "wb", block_size=0) as dst:
                _stream(src, dst, callback)

    def get_file(
        self,
        rpath: Any,
        lpath: Any,
        callback: Any = DEFAULT_CALLBACK,
        outfile: Any = None,
        **kwargs: Any,
    ) -> None:
        """Download *rpath* to local *lpath* (or into file object *outfile*), with progress."""
        p = self._p(rpath)
        if outfile is None and isfilelike(lpath):
            outfile = lpath
        vol = self.volume
        if outfile is None and vol.isdir(p):
            os.makedirs(lpath, exist_ok=True)
            return
        with vol.fopen(p, "rb") as src:
            callback.set_size(src.fstat().st_size)
            if outfile is not None:
                _stream(src, outfile, callback)
                return
            lpath = os.fspath(lpath)
            parent = os.path.dirname(lpath)
            if parent:
                os.makedirs(parent, exist_ok=True)
            with open(lpath, "wb") as dst:
                _stream(src, dst, callback)

    # -- whole files and ranges ------------------------------------------------------------

    def cat_file(
        self, path: Any, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes:
        """The bytes of *path*, or of ``[start:end]`` (negative: from the end), by pread.

        The file handle is kept open for a second after the read, for the next range of the
        same file (see :class:`_ReadHandles`).
        """
        vol = self.volume
        p = self._p(path)
        f = _HANDLES.take(vol, p)
        try:
            data = _read_range(f, start, end)
        except BaseException:
            _HANDLES.discard(f)
            raise
        _HANDLES.give(vol, p, f)
        return data

    def cat_ranges(
        self,
        paths: list[Any],
        starts: int | None | list[int | None],
        ends: int | None | list[int | None],
        max_gap: int | None = None,
        on_error: str = "return",
        **kwargs: Any,
    ) -> list[Any]:
        """Byte ranges of files, each file opened once; errors returned in place.

        *max_gap* is accepted and unused: every range is one pread, with no bytes wasted.
        """
        if not isinstance(paths, list):
            raise TypeError(f"paths must be a list, not {type(paths).__name__}")
        starts_l = starts if isinstance(starts, list) else [starts] * len(paths)
        ends_l = ends if isinstance(ends, list) else [ends] * len(paths)
        if len(starts_l) != len(paths) or len(ends_l) != len(paths):
            raise ValueError("paths, starts and ends must have the same length")
        out: list[Any] = []
        files: dict[str, File] = {}
        vol = self.volume
        try:
            for path, start, end in zip(paths, starts_l, ends_l, strict=True):
                try:
                    p = self._p(path)
                    f = files.get(p)
                    if f is None:
                        f = files[p] = _HANDLES.take(vol, p)
                    out.append(_read_range(f, start, end))
                except Exception as exc:
                    if on_error != "return":
                        raise
                    out.append(exc)
        finally:
            for p, f in files.items():
                _HANDLES.give(vol, p, f)
        return out

    def pipe_file(self, path: Any, value: bytes, mode: str = "overwrite", **kwargs: Any) -> None:
        """Write *value* as the whole of *path*; ``mode="create"`` refuses an existing file."""
        if mode not in ("overwrite", "create"):
            raise ValueError(f"mode must be 'overwrite' or 'create', not {mode!r}")
        with self.open(path, "xb" if mode == "create" else "wb", block_size=0) as f:
            f.write(value)

    def touch(self, path: Any, truncate: bool = True, **kwargs: Any) -> None:
        """Create an empty file, or (``truncate=False``) update an existing one's times."""
        p = self._p(path)
        if not truncate and self.volume.exists(p):
            self.volume.utime(p)
            return
        with self.open(p, "wb", block_size=0):
            pass

    # -- open ------------------------------------------------------------------------------

    def _open(
        self,
        path: Any,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_options: Any = None,
        **kwargs: Any,
    ) -> GlusterFile | GlusterWriteFile:
        """A buffered binary file: ``rb``, ``wb``, ``ab`` or ``xb``.

        Written files go to a temporary name in a transaction and are renamed on commit.
        """
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES} (text: 'r', 'w', ...), not {mode!r}")
        p = self._p(path)
        size = self.blocksize if block_size is None else int(block_size)
        if mode == "rb":
            return GlusterFile(self, p, size)
        self._parent_dir(p)
        return GlusterWriteFile(self, p, mode, size, autocommit)


def _make_spec(
    url: str | None,
    hosts: str | Sequence[str] | None,
    volname: str | None,
    port: int | None,
    proto: str | None,
    options: dict[str, Any],
) -> VolumeSpec:
    """The VolumeSpec of the constructor's arguments (URL and options must agree)."""
    given: dict[str, Any] = {
        name: value
        for name, value in (("hosts", hosts), ("volname", volname), ("port", port))
        if value is not None
    }
    if proto is not None:
        given["proto"] = _url.SCHEMES.get(proto.lower(), proto) if isinstance(proto, str) else proto
    if url is not None:
        if not isinstance(url, str):
            raise TypeError(f"url must be str, not {type(url).__name__}")
        return parse_url(url).spec(**given, **options)
    if "volname" not in given:
        raise ValueError("GlusterFileSystem needs a URL or volname= (and hosts= or volfile=)")
    host_list = given.get("hosts", ())
    host_tuple = (host_list,) if isinstance(host_list, str) else tuple(host_list)
    if not host_tuple and options.get("volfile") is None:
        raise ValueError("GlusterFileSystem needs hosts= (volfile servers) or volfile=")
    if host_tuple:
        base = GlusterURL(
            given.get("proto", "tcp"),
            host_tuple,
            given.get("port", _volspec.DEFAULT_PORT),
            given["volname"],
        )
        return base.spec(**options)
    spec_kwargs = {k: v for k, v in options.items() if v is not None or k == "timeout"}
    if "xlator_options" in spec_kwargs:
        spec_kwargs["xlator_options"] = tuple(sorted(dict(spec_kwargs["xlator_options"]).items()))
    if "volfile" in spec_kwargs:
        spec_kwargs["volfile"] = os.fspath(spec_kwargs["volfile"])
    if "log_level" in spec_kwargs:
        from gpath import _logsettings

        spec_kwargs["log_level"] = _logsettings.level(spec_kwargs["log_level"])
    return VolumeSpec(
        hosts=(),
        volname=given["volname"],
        proto=given.get("proto", "tcp"),
        port=given.get("port", _volspec.DEFAULT_PORT),
        **spec_kwargs,
    )


class _ReadHandles:
    """Read-only Files of recent range reads, kept open briefly for the next read.

    An open costs a round trip to the brick, as long as a 1 MiB read, and readers such
    as pyarrow and zarr read many ranges of one file.  A File is lent to one thread at a
    time; it is lent again only while the path still names the same inode (a stat, from
    the client's metadata cache, so as fresh as a new open's lookup), and closed after
    *idle* seconds unused, so a file deleted meanwhile is released soon.
    """

    def __init__(self, idle: float = 1.0, most: int = 64) -> None:
        self.idle = idle
        self.most = most
        self._lock = threading.Lock()
        self._pool: dict[tuple[int, str], list[tuple[File, int, float]]] = {}
        self._count = 0
        self._pid = os.getpid()
        self._janitor: threading.Thread | None = None
        self._ino: dict[int, int] = {}  # id(File) -> st_ino, for the Files lent out

    def _forget_after_fork(self) -> None:
        # the parent's Files are inert in a child (gpath sees to that): drop, never close
        self._lock = threading.Lock()
        self._pool, self._count, self._janitor, self._ino = {}, 0, None, {}
        self._pid = os.getpid()

    def take(self, vol: Volume, path: str) -> File:
        """An open File of *path* for this thread: a kept one if still valid, else new."""
        if self._pid != os.getpid():
            self._forget_after_fork()
        key = (id(vol), path)
        with self._lock:
            kept = self._pool.get(key)
            entry = kept.pop() if kept else None
            if entry is not None:
                self._count -= 1
        if entry is not None:
            f, ino, _ = entry
            try:
                if not f.closed and vol.stat(path).st_ino == ino:
                    self._ino[id(f)] = ino
                    return f
            except OSError:
                pass
            f.close()
        f = vol.fopen(path, "rb")
        self._ino[id(f)] = f.fstat().st_ino
        return f

    def give(self, vol: Volume, path: str, f: File) -> None:
        """Return *f* after use: kept for a while, or closed if too many are kept."""
        ino = self._ino.pop(id(f), None)
        if f.closed or ino is None:
            f.close()
            return
        with self._lock:
            if self._pid != os.getpid() or self._count >= self.most:
                keep = False
            else:
                keep = True
                self._pool.setdefault((id(vol), path), []).append((f, ino, time.monotonic()))
                self._count += 1
                if self._janitor is None:
                    self._janitor = threading.Thread(
                        target=self._sweep, name="gpath-fsspec-handles", daemon=True
                    )
                    self._janitor.start()
        if not keep:
            f.close()

    def discard(self, f: File) -> None:
        """Close a lent File instead of keeping it (its read failed)."""
        self._ino.pop(id(f), None)
        f.close()

    def _sweep(self) -> None:
        """Close what has been idle too long; end when nothing is kept."""
        while True:
            time.sleep(self.idle / 2)
            now = time.monotonic()
            stale: list[File] = []
            with self._lock:
                if self._pid != os.getpid():
                    return
                for key, entries in list(self._pool.items()):
                    fresh = [e for e in entries if now - e[2] < self.idle]
                    stale.extend(e[0] for e in entries if now - e[2] >= self.idle)
                    if fresh:
                        self._pool[key] = fresh
                    else:
                        del self._pool[key]
                self._count -= len(stale)
                done = not self._pool
                if done:
                    self._janitor = None
            for f in stale:
                try:
                    f.close()
                except OSError:
                    pass  # a failed close of a read-only file loses nothing
            if done:
                return

    def drop(self, vol: Volume, path: str) -> None:
        """Close the kept Files of *path* and below it (they are being removed)."""
        if not self._count:
            return
        below = path.rstrip("/") + "/"
        with self._lock:
            keys = [
                k
                for k in self._pool
                if k[0] == id(vol) and (k[1] == path or k[1].startswith(below))
            ]
            entries = [e for k in keys for e in self._pool.pop(k)]
            self._count -= len(entries)
        for f, _, _ in entries:
            f.close()


_HANDLES = _ReadHandles()


def _read_range(f: File, start: int | None, end: int | None) -> bytes:
    """Bytes ``[start:end]`` of open file *f* (None: the file's edge; negative: from its end)."""
    if start is None and end is None:
        f.seek(0)  # a kept File is wherever its last reader left it
        return f.readall()
    begin = 0 if start is None else start
    if begin < 0 or (end is not None and end < 0) or end is None:
        size = f.fstat().st_size
        if begin < 0:
            begin = max(0, size + begin)
        stop = size if end is None else (size + end if end < 0 else end)
    else:
        stop = end
    if stop <= begin:
        return b""
    data = f.pread(stop - begin, begin)
    if len(data) == stop - begin or not data:
        return data
    parts = [data]  # a short read: go on until the range or the file ends
    got = len(data)
    while got < stop - begin:
        more = f.pread(stop - begin - got, begin + got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _stream(src: Any, dst: Any, callback: Any) -> None:
    """Copy file object *src* to *dst* in big chunks, telling *callback* each chunk."""
    buf = bytearray(_TRANSFER_CHUNK)
    view = memoryview(buf)
    while True:
        n = src.readinto(buf)
        if not n:
            break
        written = 0
        while written < n:
            w = dst.write(view[written:n])
            written += n - written if w is None else w
        callback.relative_update(n)


def _reopen(fs: GlusterFileSystem, path: str, block_size: int, position: int) -> GlusterFile:
    """Unpickle a read-mode file: open it again and seek where it was."""
    f = GlusterFile(fs, path, block_size)
    f.seek(position)
    return f


class GlusterFile(io.BufferedReader):
    """A file of a :class:`GlusterFileSystem` opened for reading: a buffered reader.

    Seekable, with ``readinto``; pickles (as its filesystem, path and position) and opens
    again where it is unpickled.  ``size``, ``path`` and ``fs`` as fsspec files have.
    """

    def __init__(self, fs: GlusterFileSystem, path: str, block_size: int) -> None:
        raw = fs.volume.fopen(path, "rb")
        super().__init__(raw, max(block_size, io.DEFAULT_BUFFER_SIZE))
        self._file = raw
        self.fs = fs
        self.path = path
        self.blocksize = block_size
        self._size: int | None = None

    @property
    def size(self) -> int:
        """The file's size when first asked."""
        if self._size is None:
            self._size = self._file.fstat().st_size
        return self._size

    def info(self) -> dict[str, Any]:
        return self.fs.info(self.path)

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        if self.closed:
            raise ValueError(f"cannot pickle a closed file: {self.path!r}")
        return _reopen, (self.fs, self.path, self.blocksize, self.tell())

    def __getstate__(self) -> Any:  # io refuses to pickle; __reduce_ex__ does it instead
        raise TypeError("use pickle: a GlusterFile pickles through __reduce_ex__")

    def __repr__(self) -> str:
        return f"<GlusterFile {self.fs.unstrip_protocol(self.path)!r} mode='rb'>"


class GlusterWriteFile(io.BufferedWriter):
    """A file of a :class:`GlusterFileSystem` opened for writing (``wb``, ``ab``, ``xb``).

    Without *autocommit* (inside ``fs.transaction``) the bytes go to a temporary name
    in the same directory; :meth:`commit` renames it into place (for ``xb``, only if
    nothing is there yet) and :meth:`discard` deletes it.  Write files do not pickle.
    """

    def __init__(
        self, fs: GlusterFileSystem, path: str, mode: str, block_size: int, autocommit: bool
    ) -> None:
        vol = fs.volume
        self.fs = fs
        self.path = path
        self.fsmode = mode
        self.autocommit = autocommit
        self.blocksize = block_size
        self.target = path
        self._done = False
        if autocommit:
            raw = vol.fopen(path, mode)
        else:
            if mode == "xb" and fs.lexists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
            head, name = posixpath.split(path)
            self.target = posixpath.join(head, f".{name}.{uuid.uuid4().hex}.gpath-tmp")
            if mode == "ab" and vol.exists(path):
                vol.copyfile(path, self.target)
                raw = vol.fopen(self.target, "ab")
            else:
                raw = vol.fopen(self.target, "xb")
        super().__init__(raw, max(block_size, io.DEFAULT_BUFFER_SIZE))

    def commit(self) -> None:
        """Close, and move the temporary file to the path (no-op with autocommit)."""
        if not self.closed:
            self.close()
        if self.autocommit or self._done:
            return
        vol = self.fs.volume
        if self.fsmode == "xb":
            try:
                vol.link(self.target, self.path)  # refuses an existing path, atomically
            finally:
                vol.unlink(self.target)
        else:
            vol.replace(self.target, self.path)
        self._done = True

    def discard(self) -> None:
        """Close, and drop the temporary file (no-op with autocommit)."""
        if not self.closed:
            self.close()
        if self.autocommit or self._done:
            return
        try:
            self.fs.volume.unlink(self.target)
        except FileNotFoundError:
            pass
        self._done = True

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        raise TypeError(f"a file open for writing does not pickle: {self.path!r}")

    def __repr__(self) -> str:
        return f"<GlusterWriteFile {self.fs.unstrip_protocol(self.path)!r} mode={self.fsmode!r}>"
