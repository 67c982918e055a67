"""``Volume``: a virtual mount of a GlusterFS volume and its ``os``-style operations.

The Volume is the facade: it checks arguments, turns them into C calls and C results into
Python's own types and errors.  Each mount cycle's ``glfs_t``, what is open on it, and its
start and end belong to :mod:`gpath._mount`, whose rules keep every call away from freed C
memory; a Volume that is garbage-collected while mounted is finalised there too.
"""

from __future__ import annotations

import enum
import errno
import functools
import operator
import os
import posixpath
import re
import stat as stat_module
import threading
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, AnyStr, Literal, NoReturn, overload

from typing_extensions import Buffer, Self

from gpath import _logsettings, _mount, _shutil, _volspec, _xattr
from gpath._fspath import StrOrBytesPath, decode_like, encode, wants_bytes
from gpath._handle import MountHandle
from gpath._limits import PATH_MAX, SYMLOOP_MAX
from gpath._lowlevel import ffi, lib, require_symbol
from gpath._modes import parse_mode
from gpath._mount import MountState
from gpath._stat import stat_path, statvfs_result, to_id, to_timespec_pair
from gpath.dir import Dir, ScandirIterator, read_names
from gpath.errors import (
    ABSENT_ERRNOS,
    InvalidArgumentError,
    LibgfapiException,
    VolumeNotMounted,
    is_absent,
    oserror,
    raise_oserror,
)
from gpath.file import File, Glfd, RawGlfd, _timespecs, new_lock_owner, wrap

if TYPE_CHECKING:
    from gpath.path import GlusterPath

_VOLNAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_TRANSPORTS = ("tcp", "unix", "rdma")
# Every open(2) flag this platform's os module knows; other bits are refused, not passed on.
_KNOWN_OPEN_FLAGS = functools.reduce(
    operator.or_, (getattr(os, name) for name in dir(os) if name.startswith("O_")), 0
)
_LOG_TAIL_LINES = 12
DEFAULT_MOUNT_TIMEOUT = 30.0
"""Seconds a Volume waits for its mount unless told otherwise (a healthy one takes milliseconds)."""


class _Unset(enum.Enum):
    """The type of a "not given" default, where ``None`` has a meaning of its own."""

    UNSET = enum.auto()


_UNSET = _Unset.UNSET


class Volume:
    """A GlusterFS volume reached through libgfapi (a "virtual mount": no FUSE, no root).

    :param hosts: a host name, or a list of them tried in order, running glusterd; with
        ``proto="unix"`` the path of glusterd's socket.
    :param volname: the volume's name.
    :param proto: transport to glusterd: ``"tcp"`` (default), ``"unix"`` or ``"rdma"``.
    :param port: glusterd's port (24007).
    :param log_file: libgfapi's log file; ``None`` lets libgfapi pick its default location
        under /var/log/glusterfs, ``"-"`` logs to stderr.  The default ``"/dev/null"``
        discards the log.  Any other path must be in an existing directory, else
        ``FileNotFoundError`` (``NotADirectoryError`` if a component is not a directory)
        names the directory: libgfapi would create it.
    :param log_level: libgfapi log level, 0 (none) to 9 (trace), or its name in any case:
        ``NONE``, ``EMERG``, ``ALERT``, ``CRITICAL`` (``CRIT``, ``FATAL``), ``ERROR``
        (``ERR``), ``WARNING`` (``WARN``), ``NOTICE``, ``INFO`` (7, the default),
        ``DEBUG``, ``TRACE``; :attr:`log_level` keeps the number.  When *log_file* or
        *log_level* is not given, ``$GPATH_LOG_FILE`` and ``$GPATH_LOG_LEVEL`` (a number
        or a name) supply it if set and not empty.
    :param volfile: path of a local volfile to use instead of asking glusterd (``hosts`` is
        then ignored).
    :param xlator_options: client translator options for ``glfs_set_xlator_option``, as a
        mapping ``{(xlator_pattern, key): value}``, e.g.
        ``{("*-client-*", "transport.socket.ssl-own-cert"): "/etc/ssl/me.pem"}``.
    :param timeout: seconds :meth:`mount` waits for the volume before ``TimeoutError``
        (:data:`DEFAULT_MOUNT_TIMEOUT`, 30 s, by default; ``None`` waits for ever).  It
        bounds ``with Volume(...)`` and the mounts paths make by themselves after
        unpickling or :meth:`GlusterPath.from_uri`.

    A Volume is a context manager (``with Volume(...) as vol:`` mounts and unmounts) and may
    be shared between threads; libgfapi calls release the GIL, so threads overlap their
    round trips.
    """

    def __init__(
        self,
        hosts: str | Sequence[str],
        volname: str,
        proto: str = "tcp",
        port: int = 24007,
        log_file: str | None = _logsettings.FILE_NOT_GIVEN,
        log_level: int | str = _logsettings.LEVEL_NOT_GIVEN,
        *,
        volfile: str | os.PathLike[str] | None = None,
        xlator_options: Mapping[tuple[str, str], str] | None = None,
        timeout: float | None = DEFAULT_MOUNT_TIMEOUT,
    ) -> None:
        host_list = [hosts] if isinstance(hosts, str) else list(hosts)
        if volfile is None:
            if not host_list:
                raise ValueError("at least one host is needed")
            for host in host_list:
                if not isinstance(host, str):
                    raise TypeError(f"host must be str, not {type(host).__name__}")
                if not host or "\0" in host:
                    raise ValueError(f"invalid host: {host!r}")
        if not isinstance(volname, str):
            raise TypeError(f"volname must be str, not {type(volname).__name__}")
        if not _VOLNAME_RE.match(volname):
            raise ValueError(f"invalid volume name: {volname!r}")
        if proto not in _TRANSPORTS:
            raise ValueError(f"proto must be one of {_TRANSPORTS}, not {proto!r}")
        if isinstance(port, bool) or not isinstance(port, int):
            raise TypeError(f"port must be an int, not {type(port).__name__}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port out of range: {port}")
        if 0 < port < 1024:
            # libgfapi 10.3 asserts port >= 1024 (only logged) in rpc_transport_inet_options_build.
            warnings.warn(
                f"port {port} is below 1024; libgfapi expects glusterd on an unprivileged port",
                UserWarning,
                stacklevel=2,
            )
        log_file, log_level = _check_logging(log_file, log_level)
        options: dict[tuple[str, str], str] = {}
        for key, value in (xlator_options or {}).items():
            if not (
                isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)
            ):
                raise TypeError("xlator_options keys must be (xlator, option) tuples of str")
            if not isinstance(value, str):
                raise TypeError("xlator_options values must be str")
            if any("\0" in part for part in (*key, value)):
                raise ValueError("embedded null byte")
            options[key] = value
        self.hosts: list[str] = host_list
        self.volname = volname
        self.protocol = proto
        self.port = port
        self.log_file: str | None = log_file
        self.log_level: int = log_level
        self.volfile = None if volfile is None else os.fspath(volfile)
        self.xlator_options = options
        self.timeout = _check_timeout(timeout)
        self.volid: uuid.UUID | None = None
        self._mount: _mount.Mount | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._mount_lock = threading.Lock()
        _volspec.register(self)

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def mounted(self) -> bool:
        """True while the volume is mounted."""
        mount = self._mount
        return mount is not None and not mount.handle.closed

    @property
    def mount_state(self) -> MountState:
        """Where the Volume is in its life: never mounted, mounted, unmounted, or inherited
        mounted from a parent process across ``fork()`` (unusable until ``mount()``)."""
        return _mount.state_of(self._mount)

    def mount(self, timeout: float | None | _Unset = _UNSET) -> None:
        """Connect to the volume (a no-op if already mounted).

        :param timeout: seconds to wait for ``glfs_init``, which has no bound of its own and
            hangs on a server that accepts connections but never answers; by default the
            Volume's own :attr:`timeout`, ``None`` for no bound.  On expiry
            ``TimeoutError`` is raised and the abandoned handle is finalised in the
            background once libgfapi gives up.  Ctrl-C interrupts the wait within
            a tenth of a second.
        :raises LibgfapiException: the volume could not be mounted; the message names the
            servers and the reason, with the most relevant lines of libgfapi's log (e.g.
            "Authentication failed").
        """
        timeout = self.timeout if isinstance(timeout, _Unset) else _check_timeout(timeout)
        with self._mount_lock:
            if self.mounted:
                return
            mount = _mount.start(_volspec.VolumeSpec.from_volume(self), timeout)
            self._mount = mount
            self._finalizer = weakref.finalize(self, _mount.finalize, mount)
            _mount.register_exit_hook()

    def umount(self, wait: bool = False) -> None:
        """Unmount: close the Files and Dirs still open, disconnect, then ``glfs_fini``.

        When it returns, every File and Dir of the mount is closed (closing a File flushes
        libgfapi's write-behind, so every byte written through it is on the bricks) and the
        connections to the bricks are shut down.  What remains is ``glfs_fini`` freeing
        libgfapi's threads and memory; on GlusterFS 10 that alone takes 0 to 1.1 s (its
        event threads are stopped with one-second timed waits), so by default it runs in a
        background thread and ``umount()`` returns in milliseconds.  The Volume can be
        mounted again at once.  At interpreter exit gpath unmounts what is still mounted
        the same way, waits at most 0.25 s in total for background ``glfs_fini`` calls and
        skips ``glfs_fini`` for mounts it closes itself: nothing is lost, the OS reclaims the
        rest.

        Calling it on an unmounted Volume does nothing.

        :param wait: run ``glfs_fini`` in this thread and report its failure.
        :raises LibgfapiException: closing a File reported a write error, or (with *wait*)
            ``glfs_fini`` failed.
        """
        mount = self._mount
        if mount is None:
            return
        if self._finalizer is not None:
            self._finalizer.detach()
        try:
            mount.shutdown(wait)
        except LibgfapiException:
            raise
        except OSError as exc:
            raise LibgfapiException(
                exc.errno, f"unmount: closing an open file failed: {exc}"
            ) from exc

    def __enter__(self) -> Self:
        self.mount()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.umount()

    def __repr__(self) -> str:
        return f"<gpath.Volume {self.volname!r} on {self.hosts} ({self.mount_state.value})>"

    def set_logging(self, log_file: str | None, log_level: int | str) -> None:
        """Change where and how much libgfapi logs; applies at once when mounted.

        The arguments follow the rules of the constructor's: a level may be given by name,
        and a log file in a directory that does not exist raises ``FileNotFoundError``.
        """
        log_file, log_level = _check_logging(log_file, log_level)
        if self.mounted:
            ret = self._call(lib.glfs_set_logging, _mount.log_arg(log_file), log_level)
            if ret != 0:
                raise _mount.mount_error(f"cannot log to {log_file!r}")
        self.log_file = log_file
        self.log_level = log_level

    def disable_logging(self) -> None:
        """Send libgfapi's log to /dev/null."""
        self.set_logging("/dev/null", self.log_level)

    # -- plumbing -----------------------------------------------------------------------------

    def _acquire(self) -> tuple[MountHandle, Any]:
        """Begin a call on the mount: its handle (``release()`` it when done) and the glfs_t.

        Until released, ``umount()`` waits instead of finalising the glfs_t under the call.
        """
        mount = self._mount
        if mount is not None:
            fs = mount.handle.acquire()
            if fs is not None:
                return mount.handle, fs
        raise _mount.not_mounted_error(self)

    def _call(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run ``func(glfs_t, *args)`` while the mount cannot be finalised under it."""
        handle, fs = self._acquire()
        try:
            return func(fs, *args)
        finally:
            handle.release()

    def _current(self) -> _mount.Mount:
        """The mount, or ``VolumeNotMounted`` saying why there is none."""
        mount = self._mount
        if mount is None or mount.handle.closed:
            raise _mount.not_mounted_error(self)
        return mount

    def _path_call(self, func: Callable[..., int], path: StrOrBytesPath, *args: Any) -> None:
        """Call a ``func(fs, path, ...) -> int`` operation, raising OSError on failure."""
        cpath = encode(path)
        handle, fs = self._acquire()
        try:
            ret = func(fs, cpath, *args)
        finally:
            handle.release()
        if ret != 0:
            raise_oserror(path)

    def _create_call(
        self, func: Callable[..., int], path: StrOrBytesPath, mode: int, *args: Any
    ) -> None:
        """:meth:`_path_call` for a call that creates *path*: *mode* less the process umask
        (read only once the arguments are known good and the volume mounted)."""
        cpath = encode(path)
        handle, fs = self._acquire()
        try:
            ret = func(fs, cpath, mode & ~lib.gp_umask(), *args)
        finally:
            handle.release()
        if ret != 0:
            raise_oserror(path)

    # -- opening files and directories ----------------------------------------------------------

    def open(self, path: StrOrBytesPath, flags: int, mode: int = 0o777) -> Glfd:
        """Open *path* with ``os.open``-style *flags*; return the raw glfd for ``File(fd)``.

        ``O_CREAT`` goes through ``glfs_creat`` (libgfapi's ``glfs_open`` cannot create).
        :raises TypeError: *flags* is not an int.
        """
        if isinstance(flags, bool) or not isinstance(flags, int):
            raise TypeError("flags must be an int")
        if isinstance(mode, bool) or not isinstance(mode, int):
            raise TypeError("mode must be an int")
        if flags < 0 or flags & ~_KNOWN_OPEN_FLAGS or flags & os.O_ACCMODE == os.O_ACCMODE:
            raise InvalidArgumentError(f"invalid open flags: {flags:#o}")
        cpath = encode(path)
        mount = self._current()
        raw = mount.open_child(
            lambda fs: _open_glfd(fs, cpath, flags, mode, b"", path, 0),
            lib.glfs_close,
            path,
            lambda handle: RawGlfd(handle, mount, self, flags, path),
        )
        return Glfd(raw)

    def fopen(self, path: StrOrBytesPath, mode: str = "r") -> File:
        """Open *path* like the built-in ``open()`` but unbuffered: returns a raw :class:`File`.

        Modes are ``r w a x`` with optional ``+`` and ``b``/``t`` (both give bytes).
        :raises TypeError: *mode* is not a str.  :raises ValueError: *mode* is invalid.
        """
        # The hot path of every fopen()/open_file()/GlusterPath.open(): one C call opens,
        # fixes up O_TRUNC and sets the lock owner, and the File is built directly (no
        # intermediate Glfd).  Kept flat on purpose: each Python call between round trips
        # costs CPU (docs/design/performance.md).
        parsed = parse_mode(mode)
        cpath = encode(path)
        owner = new_lock_owner()
        mount = self._current()
        file: File = mount.open_child(
            lambda fs: _open_glfd(fs, cpath, parsed.flags, 0o666, owner, path, lib.GP_OPEN_NOT_DIR),
            lib.glfs_close,
            path,
            lambda handle: File._opened(mount, self, handle, path, mode, parsed, owner),
        )
        return file

    @overload
    def open_file(
        self,
        path: StrOrBytesPath,
        mode: Literal[
            "r",
            "w",
            "a",
            "x",
            "r+",
            "w+",
            "a+",
            "x+",
            "rt",
            "wt",
            "at",
            "xt",
            "r+t",
            "w+t",
            "a+t",
            "x+t",
        ] = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[str]: ...

    @overload
    def open_file(
        self,
        path: StrOrBytesPath,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]: ...

    def open_file(
        self,
        path: StrOrBytesPath,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        """Open *path* exactly like the built-in ``open()``: buffered, text or binary.

        Returns ``io.TextIOWrapper``, ``io.BufferedReader``/``BufferedWriter``/
        ``BufferedRandom``, or with ``buffering=0`` the raw :class:`File`.  The default
        buffer is 1 MiB, so small sequential reads cost one round trip per MiB.
        """
        raw = self.fopen(path, mode)
        result: Any = wrap(raw, mode, buffering, encoding, errors, newline)
        if result is not raw:
            # umount() must close the outermost layer, so buffered data is written first.
            self._current().adopt(raw, result)
        opened: IO[Any] = result
        return opened

    def opendir(self, path: StrOrBytesPath, readdirplus: bool = False) -> Dir:
        """Open directory *path* as a :class:`Dir` stream (with stats if *readdirplus*)."""
        cpath = encode(path)
        mount = self._current()

        def opendir_at(where: bytes) -> Dir:
            directory: Dir = mount.open_child(
                lambda fs: lib.glfs_opendir(fs, where),
                lib.glfs_closedir,
                path,
                lambda handle: Dir(handle, mount, self, path, readdirplus),
            )
            return directory

        try:
            return opendir_at(cpath)
        except NotADirectoryError:
            if cpath.strip(b"/"):
                raise
        # libgfapi says ENOTDIR for a root it could not look up (every brick down) or did
        # not look up ("//"): _stat() raises the real error or proves a directory.
        if not stat_module.S_ISDIR(self._stat(path, 1).st_mode):
            raise oserror(errno.ENOTDIR, path)
        return opendir_at(b"/.")

    @overload
    def scandir(self, path: str | os.PathLike[str] = ...) -> ScandirIterator[str]: ...
    @overload
    def scandir(self, path: bytes | os.PathLike[bytes]) -> ScandirIterator[bytes]: ...

    def scandir(self, path: StrOrBytesPath = ".") -> ScandirIterator[Any]:
        """Iterate over the entries of *path* as :class:`DirEntry` objects.

        Each entry carries the lstat that came with the listing, so type checks cost no
        further round trip.  The iterator is a context manager.
        """
        raw = os.fspath(path)
        return ScandirIterator(self, raw, self.opendir(path))

    @overload
    def listdir(self, path: str | os.PathLike[str] = ...) -> list[str]: ...
    @overload
    def listdir(self, path: bytes | os.PathLike[bytes]) -> list[bytes]: ...

    def listdir(self, path: StrOrBytesPath = ".") -> list[Any]:
        """Return the names in directory *path* (without ``.`` and ``..``), in any order."""
        # Names only: an os.stat_result per entry would cost more than the name.
        decode: Callable[[bytes], Any] = bytes if wants_bytes(path) else os.fsdecode
        with self.opendir(path) as directory:
            return read_names(directory, decode)

    @overload
    def listdir_with_stat(
        self, path: str | os.PathLike[str] = ...
    ) -> list[tuple[str, os.stat_result]]: ...
    @overload
    def listdir_with_stat(
        self, path: bytes | os.PathLike[bytes]
    ) -> list[tuple[bytes, os.stat_result]]: ...

    def listdir_with_stat(self, path: StrOrBytesPath = ".") -> list[tuple[Any, os.stat_result]]:
        """Return ``(name, lstat)`` for each entry of directory *path*, in any order."""
        return self._list(path)

    def _list(self, path: StrOrBytesPath) -> list[tuple[Any, os.stat_result]]:
        as_bytes = wants_bytes(path)
        result: list[tuple[Any, os.stat_result]] = []
        with self.opendir(path) as directory:
            while batch := directory.read_batch():
                for name, _, _, st in batch:
                    if name != b"." and name != b"..":
                        result.append((name if as_bytes else os.fsdecode(name), st))
        return result

    # -- metadata -------------------------------------------------------------------------------

    def stat(self, path: StrOrBytesPath, *, follow_symlinks: bool = True) -> os.stat_result:
        """Return the ``os.stat_result`` of *path*, following symlinks unless told not to
        (``follow_symlinks=False`` is :meth:`lstat`), as ``os.stat`` does."""
        return self._stat(path, 1 if follow_symlinks else 0)

    def lstat(self, path: StrOrBytesPath) -> os.stat_result:
        """Return the ``os.stat_result`` of *path* itself (a symlink is not followed)."""
        return self._stat(path, 0)

    def _stat(self, path: StrOrBytesPath, follow: int) -> os.stat_result:
        # Every stat()/exists() and GlusterPath.is_file() comes here.  Kept flat (see
        # docs/design/performance.md): one C call checks the path as encode() does, holds
        # the mount and fills the packed stat.
        mount = self._mount
        if mount is None:
            raise _mount.not_mounted_error(self)
        result = stat_path(
            mount.handle.c_address, path if path.__class__ is str else encode(path), follow
        )
        if isinstance(result, int):
            _raise_gp_error(self, result, path)
        if not result.st_mode:  # no file type: libgfapi did not look the root up
            return self._stat_root(path, follow)
        return result

    def _stat_root(self, path: StrOrBytesPath, follow: int) -> os.stat_result:
        """The stat of a path that ``glfs_stat`` answered with all zeros, or its real error.

        libgfapi 10.3 takes the attributes of ``/`` from its lookup of the root and ignores
        that lookup's failure (every brick down), and never looks ``//`` up at all: both
        come back as success with zeros, a "file" of no type.  ``glfs_access`` reports the
        lookup's errno; a root that does answer is stat-ed again as ``/.``.
        """
        cpath = encode(path)
        if self._call(lib.glfs_access, cpath, os.F_OK) != 0:
            raise_oserror(path)
        if cpath.strip(b"/"):
            raise oserror(errno.EIO, path)  # zeros for a path below the root: unexplained
        result = stat_path(self._current().handle.c_address, b"/.", follow)
        if isinstance(result, int):
            _raise_gp_error(self, result, path)
        if not result.st_mode:
            raise oserror(errno.EIO, path)
        return result

    def statvfs(self, path: StrOrBytesPath = "/") -> os.statvfs_result:
        """Return ``os.statvfs_result`` for the volume (*path* is any path on it)."""
        buf = ffi.new("struct statvfs *")
        self._path_call(lib.glfs_statvfs, path, buf)
        return statvfs_result(buf)

    def access(self, path: StrOrBytesPath, mode: int) -> bool:
        """Whether the caller may access *path* with *mode* (``os.F_OK``/``R_OK``/...).

        False when the answer is no: nothing is there (as for :meth:`exists`; an empty path
        included) or the access is refused (``EACCES``, ``EPERM``, ``EROFS``, ``ETXTBSY``).
        Unlike ``os.access``, a failure to ask (``ENOTCONN``, ``EIO``...) is raised.
        """
        if isinstance(mode, bool) or not isinstance(mode, int):
            raise TypeError(f"mode must be an int, not {type(mode).__name__}")
        try:
            cpath = encode(path)
        except OSError as exc:
            if exc.errno in ABSENT_ERRNOS:
                return False
            raise
        if self._call(lib.glfs_access, cpath, mode) == 0:
            return True
        err = ffi.errno or errno.EIO
        if err in ABSENT_ERRNOS or err in _ACCESS_REFUSED:
            return False
        raise oserror(err, path)

    def exists(self, path: StrOrBytesPath) -> bool:
        """True if *path* exists (False for a broken symlink).

        False only when nothing is there: ``ENOENT``, ``ENOTDIR``, ``ELOOP``,
        ``ENAMETOOLONG``, or a name that cannot exist (empty, an embedded NUL).  Any other
        failure (``ENOTCONN`` with every brick down, ``EIO``, ``EACCES``...) is raised, here
        and in :meth:`isdir`, :meth:`isfile` and :meth:`islink`.
        """
        return self._stat_or_none(path, 1) is not None

    def isdir(self, path: StrOrBytesPath) -> bool:
        """True if *path* is an existing directory (following symlinks); see :meth:`exists`."""
        st = self._stat_or_none(path, 1)
        return st is not None and stat_module.S_ISDIR(st.st_mode)

    def isfile(self, path: StrOrBytesPath) -> bool:
        """True if *path* is an existing regular file (following symlinks); see :meth:`exists`."""
        st = self._stat_or_none(path, 1)
        return st is not None and stat_module.S_ISREG(st.st_mode)

    def islink(self, path: StrOrBytesPath) -> bool:
        """True if *path* is a symbolic link; see :meth:`exists`."""
        st = self._stat_or_none(path, 0)
        return st is not None and stat_module.S_ISLNK(st.st_mode)

    def _stat_or_none(self, path: StrOrBytesPath, follow: int) -> os.stat_result | None:
        """The stat (or lstat) of *path*, or None if nothing is there (``errors.is_absent``).

        Every other failure is raised: a False would be a guess about the volume.
        """
        try:
            return self._stat(path, follow)
        except (OSError, ValueError) as exc:
            if is_absent(exc):
                return None
            raise

    def getsize(self, path: StrOrBytesPath) -> int:
        """The size of *path* in bytes."""
        return self.stat(path).st_size

    def getatime(self, path: StrOrBytesPath) -> float:
        """Last access time of *path* (seconds since the epoch)."""
        return self.stat(path).st_atime

    def getmtime(self, path: StrOrBytesPath) -> float:
        """Last modification time of *path*'s content."""
        return self.stat(path).st_mtime

    def getctime(self, path: StrOrBytesPath) -> float:
        """Last change time of *path*'s inode or content."""
        return self.stat(path).st_ctime

    def samefile(self, path1: StrOrBytesPath, path2: StrOrBytesPath) -> bool:
        """True if both paths are the same file (same device and inode)."""
        s1, s2 = self.stat(path1), self.stat(path2)
        return s1.st_ino == s2.st_ino and s1.st_dev == s2.st_dev

    def get_volume_id(self) -> uuid.UUID:
        """The volume's UUID (cached after the first call)."""
        self._current()
        if self.volid is None:
            require_symbol("glfs_get_volumeid")
            buf = ffi.new("char[]", 16)
            if self._call(lib.glfs_get_volumeid, buf, 16) < 0:
                raise_oserror()
            self.volid = uuid.UUID(bytes=ffi.unpack(buf, 16))
        return self.volid

    def get_volfile(self) -> bytes:
        """The client volfile (graph description) the mount is running."""
        require_symbol("glfs_get_volfile")
        # libgfapi copies as many bytes as the buffer holds, not as the volfile has
        # (memcpy(buf, oldvolfile, len) in glfs.c, 10.3): a larger buffer gets heap
        # memory past the volfile.  So the size is probed first (a 0-byte buffer gets
        # "-size back") and the volfile read into a buffer of exactly that size.
        for _ in range(16):  # the volfile may change in between (graph switch): retry
            size = -self._call(lib.glfs_get_volfile, ffi.NULL, 0)
            if size <= 0:
                return b""
            buf = ffi.new("char[]", size)
            if self._call(lib.glfs_get_volfile, buf, size) == size and (
                -self._call(lib.glfs_get_volfile, ffi.NULL, 0) == size
            ):
                return ffi.unpack(buf, size)  # type: ignore[no-any-return]
        raise oserror(errno.EAGAIN)

    # -- changing metadata ------------------------------------------------------------------------

    def chmod(self, path: StrOrBytesPath, mode: int) -> None:
        """Set the permission bits of *path*."""
        self._path_call(lib.glfs_chmod, path, mode)

    def chown(self, path: StrOrBytesPath, uid: int, gid: int) -> None:
        """Set owner and group of *path* (following symlinks; -1 keeps a value)."""
        self._path_call(lib.glfs_chown, path, to_id(uid, "uid"), to_id(gid, "gid"))

    def lchown(self, path: StrOrBytesPath, uid: int, gid: int) -> None:
        """Set owner and group of *path* itself, not a symlink's target."""
        self._path_call(lib.glfs_lchown, path, to_id(uid, "uid"), to_id(gid, "gid"))

    def utime(
        self,
        path: StrOrBytesPath,
        times: tuple[float, float] | None = None,
        *,
        ns: tuple[int, int] | None = None,
        follow_symlinks: bool = True,
    ) -> None:
        """Set access and modification times like ``os.utime``.

        *times* is ``(atime, mtime)`` in seconds, *ns* the same in integer nanoseconds;
        with neither, both become the current time.
        :raises TypeError: *times* is not a pair of numbers.
        """
        pair = to_timespec_pair(times, ns)
        func = lib.glfs_utimens if follow_symlinks else lib.glfs_lutimens
        self._path_call(func, path, _timespecs(pair))

    def truncate(self, path: StrOrBytesPath, length: int) -> None:
        """Cut or extend the file *path* to *length* bytes."""
        require_symbol("glfs_truncate")
        if isinstance(length, bool) or not isinstance(length, int):
            raise TypeError("length must be an int")
        if length < 0:
            raise ValueError("length must not be negative")
        self._path_call(lib.glfs_truncate, path, length)

    # -- creating and removing ---------------------------------------------------------------------

    def mkdir(self, path: StrOrBytesPath, mode: int = 0o777) -> None:
        """Create directory *path* with *mode* less the process umask, like ``os.mkdir``."""
        self._create_call(lib.glfs_mkdir, path, mode)

    def makedirs(self, path: StrOrBytesPath, mode: int = 0o777, exist_ok: bool = False) -> None:
        """Create *path* and any missing parents, like ``os.makedirs``.

        :raises FileExistsError: the leaf exists (unless *exist_ok* and it is a directory).
        """
        _shutil.makedirs(self, path, mode, exist_ok)

    def mknod(
        self, path: StrOrBytesPath, mode: int = 0o600 | stat_module.S_IFREG, dev: int = 0
    ) -> None:
        """Create a file system node (file, FIFO, device) like ``os.mknod``: the permission
        bits of *mode* less the process umask."""
        self._create_call(lib.glfs_mknod, path, mode, dev)

    def rmdir(self, path: StrOrBytesPath) -> None:
        """Remove the empty directory *path* (never recursive: see :meth:`rmtree`)."""
        self._path_call(lib.glfs_rmdir, path)

    def unlink(self, path: StrOrBytesPath) -> None:
        """Remove the file *path* (a directory raises ``IsADirectoryError``/``EPERM``)."""
        self._path_call(lib.glfs_unlink, path)

    def remove(self, path: StrOrBytesPath) -> None:
        """The same as :meth:`unlink`."""
        self.unlink(path)

    def rename(self, src: StrOrBytesPath, dst: StrOrBytesPath) -> None:
        """Rename the file or directory *src* to *dst*.

        An existing file *dst* is replaced.  An existing directory *dst* is refused with
        ``IsADirectoryError`` (the libgfapi-python contract), even when *src* is a
        directory too and POSIX would allow it: use :meth:`replace` for that.
        """
        self._rename(src, dst, refuse_directory=True)

    def replace(self, src: StrOrBytesPath, dst: StrOrBytesPath) -> None:
        """Rename *src* to *dst* with POSIX ``rename(2)`` semantics, like ``os.replace``.

        A file *dst* is replaced, and so is an empty directory *dst* when *src* is a
        directory.
        """
        self._rename(src, dst, refuse_directory=False)

    def _rename(self, src: StrOrBytesPath, dst: StrOrBytesPath, refuse_directory: bool) -> None:
        csrc, cdst = encode(src), encode(dst)
        dst_st = ffi.new("struct stat *")
        if self._call(lib.glfs_lstat, cdst, dst_st) == 0:
            if refuse_directory and stat_module.S_ISDIR(dst_st.st_mode):
                raise oserror(errno.EISDIR, src, dst)
            # Both names for one file: rename(2) does nothing.  libgfapi 10.3 sends the
            # rename anyway and its inode table then loses the entry: after the next
            # listing of the directory, readlink() of a symlink renamed onto itself
            # answers ENOENT for the life of the mount (measured).
            src_st = ffi.new("struct stat *")
            if self._call(lib.glfs_lstat, csrc, src_st) == 0:
                if src_st.st_ino == dst_st.st_ino and src_st.st_dev == dst_st.st_dev:
                    return
                self._check_rename_types(src_st, dst_st, csrc, cdst, (src, dst))
        else:
            self._check_new_parent(cdst, csrc, (src, dst), whole_src=False)
        if self._call(lib.glfs_rename, csrc, cdst) != 0:
            raise_oserror(src, dst)

    def _check_rename_types(
        self, src_st: Any, dst_st: Any, csrc: bytes, cdst: bytes, paths: tuple[Any, Any]
    ) -> None:
        """rename(2)'s answers where libgfapi's differ, for an existing *dst*, in its order.

        The kernel refuses a source above the target (EINVAL) and a target above the
        source (ENOTEMPTY) before it compares types; libgfapi checks types first (EISDIR
        for a directory onto a file, where rename(2) says ENOTDIR) and a distribute volume
        answers ENOTEMPTY for a directory onto a non-empty one below itself (measured).
        Only renames that involve a directory pay for the walk up the path.
        """
        src_dir = stat_module.S_ISDIR(src_st.st_mode)
        dst_dir = stat_module.S_ISDIR(dst_st.st_mode)
        if src_dir and self._is_ancestor(src_st, cdst):
            raise oserror(errno.EINVAL, *paths)
        if dst_dir and not src_dir and self._is_ancestor(dst_st, csrc):
            raise oserror(errno.ENOTEMPTY, *paths)
        if src_dir and not dst_dir:
            raise oserror(errno.ENOTDIR, *paths)

    def _is_ancestor(self, dir_st: Any, cpath: bytes) -> bool:
        """Whether the directory *dir_st* (a stat) is a directory above *cpath*."""
        buf = ffi.new("struct stat *")
        current = cpath
        for _ in range(PATH_MAX // 2):
            parent = _parent_of(current)
            if self._call(lib.glfs_stat, parent, buf) != 0:
                return False
            if buf.st_ino == dir_st.st_ino and buf.st_dev == dir_st.st_dev:
                return True
            if parent in (b"/", b".") or parent == current:
                return False
            current = parent
        return False

    def _check_new_parent(
        self, cnew: bytes, csrc: bytes, paths: tuple[Any, Any], whole_src: bool
    ) -> None:
        """Fail like the kernel if the directory that should receive *cnew* is not one.

        libgfapi 10.3's ``glfs_rename``/``glfs_link`` go on when the new name's parent does
        not resolve: renaming a file into a missing directory (or below a file, or a
        dangling symlink) kills the process with SIGSEGV on a single-brick volume, and
        gives EINVAL/ESTALE/EIO elsewhere (measured).  One stat of the parent first turns
        that into ``ENOENT``/``ENOTDIR`` as ``os.rename``/``os.link`` report them.  (A
        parent removed by another client between this check and the call is not covered.)

        When it fails, the source is looked at as the kernel does first: its directory for
        rename(2), the whole path (*whole_src*) for link(2); a failure there wins.
        """
        err = _directory_error(self, _parent_of(cnew))
        if err == 0:
            return
        buf = ffi.new("struct stat *")
        if whole_src:
            if self._call(lib.glfs_lstat, csrc, buf) != 0:
                err = ffi.errno or errno.EIO
        else:
            err = _directory_error(self, _parent_of(csrc)) or err
        raise oserror(err, *paths)

    def link(self, source: StrOrBytesPath, link_name: StrOrBytesPath) -> None:
        """Create a hard link *link_name* to *source*."""
        csrc, clink = encode(source), encode(link_name)
        self._check_new_parent(clink, csrc, (source, link_name), whole_src=True)
        if self._call(lib.glfs_link, csrc, clink) != 0:
            raise_oserror(source, link_name)

    def symlink(self, source: StrOrBytesPath, link_name: StrOrBytesPath) -> None:
        """Create a symbolic link *link_name* whose target is *source* (stored as given)."""
        if self._call(lib.glfs_symlink, encode(source), encode(link_name)) != 0:
            raise_oserror(source, link_name)

    def readlink(self, path: AnyStr | os.PathLike[AnyStr]) -> AnyStr:
        """The target of symbolic link *path* (str or bytes, like *path*)."""
        target = self._call(_readlink, encode(path))
        if target is None:
            raise_oserror(path)
        return decode_like(target, wants_bytes(path))  # type: ignore[return-value]

    def realpath(self, path: AnyStr | os.PathLike[AnyStr], *, strict: bool = True) -> AnyStr:
        """*path* made absolute, with every symlink, ``.`` and ``..`` resolved.

        Strict by default, like realpath(3): a missing component raises
        ``FileNotFoundError``, a symlink loop ``OSError(ELOOP)``.  With ``strict=False``
        (``os.path.realpath``'s default) what cannot be resolved is kept as it is.
        Resolved here, one ``lstat`` per component: ``glfs_realpath`` of GlusterFS 10.3
        returns symlinks unresolved.  Absolute link targets are in-volume paths.
        """
        name = encode(path)
        if not name.startswith(b"/"):
            name = os.fsencode(self.getcwd()).rstrip(b"/") + b"/" + name
        resolved = self._call(_resolve, name, strict, path)
        return decode_like(resolved, wants_bytes(path))  # type: ignore[return-value]

    # -- working directory and identity ----------------------------------------------------------

    def chdir(self, path: StrOrBytesPath) -> None:
        """Change the mount's working directory (relative paths start there)."""
        self._path_call(lib.glfs_chdir, path)

    def getcwd(self) -> str:
        """The mount's working directory."""
        buf = ffi.new("char[]", PATH_MAX + 1)
        if self._call(lib.glfs_getcwd, buf, PATH_MAX + 1) == ffi.NULL:
            raise_oserror()
        return os.fsdecode(ffi.string(buf))

    def setfsuid(self, uid: int) -> None:
        """Act as file-system user *uid* for libgfapi calls made **from this OS thread**.

        libgfapi keeps this identity per thread; other threads are unaffected.
        """
        self._current()
        if lib.glfs_setfsuid(uid) != 0:
            raise_oserror()

    def setfsgid(self, gid: int) -> None:
        """Act as file-system group *gid* for libgfapi calls made from this OS thread."""
        self._current()
        if lib.glfs_setfsgid(gid) != 0:
            raise_oserror()

    def setfsgroups(self, groups: Sequence[int]) -> None:
        """Set the supplementary groups for libgfapi calls made from this OS thread."""
        self._current()
        require_symbol("glfs_setfsgroups")
        array = ffi.new("gid_t[]", list(groups))
        if lib.glfs_setfsgroups(len(groups), array) != 0:
            raise_oserror()

    # -- extended attributes -----------------------------------------------------------------------

    def getxattr(
        self, path: StrOrBytesPath, key: str | bytes, size: int = 0, *, follow_symlinks: bool = True
    ) -> bytes:
        """The value of extended attribute *key* of *path*, as bytes.

        With *size* 0 the value's size is asked first; a non-zero *size* is used as the
        buffer size (``OSError(ERANGE)`` if too small).
        """
        cpath = encode(path)
        func = lib.glfs_getxattr if follow_symlinks else lib.glfs_lgetxattr
        return _xattr.get(
            lambda name, buf, n: self._call(func, cpath, name, buf, n), key, size, path
        )

    def listxattr(
        self, path: StrOrBytesPath, size: int = 0, *, follow_symlinks: bool = True
    ) -> list[str]:
        """The sorted names of *path*'s extended attributes."""
        cpath = encode(path)
        func = lib.glfs_listxattr if follow_symlinks else lib.glfs_llistxattr
        return _xattr.listing(lambda buf, n: self._call(func, cpath, buf, n), size, path)

    def setxattr(
        self,
        path: StrOrBytesPath,
        key: str | bytes,
        value: Buffer | str,
        flags: int = 0,
        *,
        follow_symlinks: bool = True,
    ) -> None:
        """Set extended attribute *key* of *path* to *value* (bytes-like; str as UTF-8).

        *flags*: 0 creates or replaces, 1 only creates (``FileExistsError`` if present),
        2 only replaces (``OSError(ENODATA)`` if absent).
        """
        cpath = encode(path)
        func = lib.glfs_setxattr if follow_symlinks else lib.glfs_lsetxattr
        _xattr.set_(
            lambda name, val, n, fl: self._call(func, cpath, name, val, n, fl),
            key,
            value,
            flags,
            path,
        )

    def removexattr(
        self, path: StrOrBytesPath, key: str | bytes, *, follow_symlinks: bool = True
    ) -> None:
        """Remove extended attribute *key* from *path*."""
        func = lib.glfs_removexattr if follow_symlinks else lib.glfs_lremovexattr
        self._path_call(func, path, _xattr.encode_key(key))

    # -- trees and copies (implemented in gpath._shutil) -------------------------------------------

    def walk(
        self,
        top: AnyStr | os.PathLike[AnyStr],
        topdown: bool = True,
        onerror: Callable[[OSError], object] | None = None,
        followlinks: bool = False,
    ) -> Iterator[tuple[AnyStr, list[AnyStr], list[AnyStr]]]:
        """Walk the tree under *top* like ``os.walk``, yielding (dirpath, dirnames, filenames).

        Two differences from ``os.walk``, both part of the libgfapi-python contract: with
        ``followlinks=False`` a symlink to a directory is listed in *filenames*, not
        *dirnames*; and a directory that cannot be listed raises its ``OSError`` unless
        *onerror* is given (then ``onerror(exc)`` is called and the walk goes on).
        Pruning *dirnames* in place (top-down) limits the walk, as with ``os.walk``.  With
        *followlinks*, a link back to a directory the walk is inside is listed in
        *dirnames* but not entered, so a symlink loop ends.
        """
        return _shutil.walk(self, top, topdown, onerror, followlinks)

    def rmtree(
        self,
        path: StrOrBytesPath,
        ignore_errors: bool = False,
        onerror: Callable[[Callable[..., Any], Any, BaseException], object] | None = None,
        *,
        max_workers: int | None = None,
    ) -> None:
        """Delete the directory tree *path*.

        *onerror* is called as ``onerror(func, path, exc)`` for each failure (*func* is
        :meth:`scandir`, :meth:`unlink` or :meth:`rmdir`); with *ignore_errors* failures are
        skipped; otherwise the first one is raised.  A symlink as *path* is an error (the
        link is not followed).  Runs on *max_workers* threads (by default
        ``gpath._tree.DEFAULT_WORKERS``) sharing this Volume.
        """
        _shutil.rmtree(self, path, ignore_errors, onerror, max_workers)

    @classmethod
    def copyfileobj(cls, fsrc: Any, fdst: Any, length: int = 128 * 1024) -> None:
        """Copy file object *fsrc* to *fdst* from *fsrc*'s current offset to its end."""
        _shutil.copyfileobj(fsrc, fdst, length)

    def copyfile(self, src: StrOrBytesPath, dst: StrOrBytesPath) -> None:
        """Copy the content of file *src* to file *dst* (replacing it); no metadata.

        The bytes pass through this client: GlusterFS 10's server-side ``copy_file_range``
        leaves the destination open on the brick for good, so gpath does not use it.
        :raises gpath.SameFileError: *src* and *dst* are the same file.
        """
        _shutil.copyfile(self, src, dst)

    def copymode(self, src: StrOrBytesPath, dst: StrOrBytesPath) -> None:
        """Copy the permission bits of *src* to *dst*."""
        _shutil.copymode(self, src, dst)

    def copystat(self, src: StrOrBytesPath, dst: StrOrBytesPath) -> None:
        """Copy permission bits and access/modification times of *src* to *dst*."""
        _shutil.copystat(self, src, dst)

    def copy(self, src: StrOrBytesPath, dst: StrOrBytesPath) -> None:
        """Copy file *src* to *dst* (a file, or a directory to copy into) with its mode."""
        _shutil.copy(self, src, dst, metadata=False)

    def copy2(self, src: StrOrBytesPath, dst: StrOrBytesPath) -> None:
        """Like :meth:`copy`, but also copy the times (``cp -p``)."""
        _shutil.copy(self, src, dst, metadata=True)

    def copytree(
        self,
        src: StrOrBytesPath,
        dst: StrOrBytesPath,
        symlinks: bool = False,
        ignore: Callable[[Any, list[Any]], Any] | None = None,
        dirs_exist_ok: bool = False,
    ) -> None:
        """Copy the tree *src* to the new directory *dst* with :meth:`copy2`.

        With *symlinks* links are recreated as links, otherwise their targets are copied.
        *ignore(dir, names)* returns names to skip.  With *dirs_exist_ok* an existing *dst*
        (and existing directories in it) are merged into and files in the way replaced, as
        ``shutil.copytree`` does, so the copy can be run again.  Failures are collected and
        raised together as :class:`gpath.Error`.
        """
        _shutil.copytree(self, src, dst, symlinks, ignore, dirs_exist_ok)

    # -- paths (layer 2) ---------------------------------------------------------------------------

    @property
    def root(self) -> GlusterPath:
        """The :class:`~gpath.GlusterPath` of the volume's root directory."""
        from gpath.path import GlusterPath

        return GlusterPath._from_volume(self, "/")

    def path(self, *segments: str) -> GlusterPath:
        """A :class:`~gpath.GlusterPath` for *segments* joined below the root."""
        return self.root.joinpath(*segments)

    def __truediv__(self, segment: str) -> GlusterPath:
        return self.root / segment


# access(2)'s "no" answers, as opposed to failures to ask.
_ACCESS_REFUSED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ETXTBSY})


def _parent_of(cpath: bytes) -> bytes:
    return posixpath.dirname(cpath.rstrip(b"/")) or (b"/" if cpath.startswith(b"/") else b".")


def _directory_error(vol: Volume, cpath: bytes) -> int:
    """0 if *cpath* is a directory (symlinks followed), else the errno saying why not."""
    try:
        st = vol._stat(cpath, 1)  # (not glfs_stat: its zeros for an unreachable root)
    except VolumeNotMounted:
        raise
    except OSError as exc:
        return exc.errno or errno.EIO
    return 0 if stat_module.S_ISDIR(st.st_mode) else errno.ENOTDIR


def _readlink(fs: Any, cpath: bytes) -> bytes | None:
    """The target of symlink *cpath* (inside the mount's hold), or None with errno set."""
    buf = ffi.new("char[]", PATH_MAX + 1)
    size = lib.glfs_readlink(fs, cpath, buf, PATH_MAX)
    return None if size < 0 else ffi.unpack(buf, size)


def _resolve(fs: Any, name: bytes, strict: bool, path: Any) -> bytes:
    """Absolute *name* with every symlink, ``.`` and ``..`` resolved (inside the mount's
    hold): :meth:`Volume.realpath` and ``GlusterPath.resolve()``.  Without *strict*, a
    component that cannot be looked up, or one link too many, is kept as it is."""
    pending = [part for part in reversed(name.split(b"/")) if part]
    resolved = b""  # b"" is the root
    links = 0
    st = ffi.new("struct stat *")
    while pending:
        part = pending.pop()
        if part == b".":
            continue
        if part == b"..":
            resolved = resolved.rpartition(b"/")[0]
            continue
        candidate = resolved + b"/" + part
        if lib.glfs_lstat(fs, candidate, st) != 0:
            if strict:
                raise_oserror(path)
            resolved = candidate
            continue
        mode = st.st_mode
        if stat_module.S_ISLNK(mode):
            links += 1
            if links > SYMLOOP_MAX:
                if strict:
                    raise oserror(errno.ELOOP, path)
                resolved = candidate
                continue
            target = _readlink(fs, candidate)
            if target is None:
                if strict:
                    raise_oserror(path)
                resolved = candidate
                continue
            if target.startswith(b"/"):
                resolved = b""
            pending.extend(part for part in reversed(target.split(b"/")) if part)
        elif pending and not stat_module.S_ISDIR(mode) and strict:
            raise oserror(errno.ENOTDIR, path)
        else:
            resolved = candidate
    return resolved or b"/"


def _raise_gp_error(vol: Volume, code: int, path: Any) -> NoReturn:
    """Raise for the int a path builtin (``stat_path``) returned instead of its result:
    ``GP_NOT_MOUNTED``, ``GP_EMBEDDED_NUL``, or an errno."""
    if code == lib.GP_NOT_MOUNTED:
        raise _mount.not_mounted_error(vol)
    if code == lib.GP_EMBEDDED_NUL:
        raise ValueError("embedded null byte")
    raise oserror(code, path)


def _open_glfd(
    fs: Any, cpath: bytes, flags: int, mode: int, owner: bytes, path: Any, options: int
) -> Any:
    """``open(2)`` through ``gp_open`` (see :func:`_open_failed`), inside the mount's hold.

    A new file gets *mode* less the process umask, as with ``os.open``.  With
    ``GP_OPEN_NOT_DIR`` in *options* a directory opened for reading raises
    ``IsADirectoryError``, as the built-in ``open()`` does.  Returns the glfd (with *owner*
    as its lock owner if given) or raises ``OSError``.
    """
    state = ffi.new("int *")
    ptr = lib.gp_open(fs, cpath, flags, mode, owner, len(owner), state, options)
    if ptr != ffi.NULL:
        return ptr
    return _open_failed(fs, cpath, flags, mode, owner, path, state, options)


def _open_failed(
    fs: Any,
    cpath: bytes,
    flags: int,
    mode: int,
    owner: bytes,
    path: Any,
    state: Any,
    options: int,
) -> Any:
    """After ``gp_open`` returned NULL: raise its error, or follow a dangling symlink.

    libgfapi 10.3's ``glfs_creat`` through a symlink whose target does not exist creates
    a corrupt target on the brick (measured: on one brick it shares the symlink's gfid, on
    a distribute volume it has no gfid at all and the client can neither open nor delete
    it) and still answers ENOENT.  So ``gp_open`` creates with ``O_EXCL`` (which creates
    only where nothing exists) and opens an existing name without ``O_CREAT``; a dangling
    symlink (``*state == -1``) is followed here, the way the kernel follows it.  Also,
    ``O_EXCL`` on a looping symlink answers EEXIST as the kernel does (libgfapi: ELOOP).

    Called inside the mount's hold, with errno still that of the failed ``gp_open``.
    Returns the glfd of a retried open or raises ``OSError``.
    """
    for _ in range(SYMLOOP_MAX):
        err = ffi.errno or errno.EIO
        if state[0] != -1:
            if err == errno.ELOOP and flags & os.O_EXCL and flags & os.O_CREAT:
                st = ffi.new("struct stat *")
                if lib.glfs_lstat(fs, cpath, st) == 0:
                    err = errno.EEXIST  # O_EXCL never follows the last symlink
            raise oserror(err, path)
        # Something is there, yet opening it finds nothing: a dangling symlink (or the
        # name was removed meanwhile: then simply try again).
        st = ffi.new("struct stat *")
        if lib.glfs_lstat(fs, cpath, st) == 0 and stat_module.S_ISLNK(st.st_mode):
            target = _readlink(fs, cpath)
            if target is not None:
                # Absolute targets resolve inside the volume, as libgfapi resolves them.
                cpath = (
                    target
                    if target.startswith(b"/")
                    else posixpath.join(posixpath.dirname(cpath), target)
                )
        ptr = lib.gp_open(fs, cpath, flags, mode, owner, len(owner), state, options)
        if ptr != ffi.NULL:
            return ptr
    raise oserror(errno.ELOOP, path)


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number or None, not {type(timeout).__name__}")
    if not timeout > 0:  # also refuses NaN
        raise ValueError(f"timeout must be positive, not {timeout!r}")
    return float(timeout)


def _check_logging(log_file: object, log_level: object) -> tuple[str | None, int]:
    """The Volume's ``(log_file, log_level)``: checked, level names resolved, and the
    environment's defaults for what was not given (see :mod:`gpath._logsettings`)."""
    return _logsettings.resolve(log_file, log_level)
