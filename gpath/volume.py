"""``Volume``: a virtual mount of a GlusterFS volume and its ``os``-style operations.

Mount-state rules (checked on every call, so nothing ever reaches freed C memory):

* every C call runs through the mount's :class:`~gpath._handle.CHandle`; ``umount()`` stops
  new calls, waits for running ones, closes every File and Dir still open (so buffered
  data is written), disconnects from the bricks, and only then calls ``glfs_fini``,
  exactly once (in the background: see :meth:`Volume.umount`);
* a File or Dir holds a reference to its Volume, so the mount outlives them;
* a Volume that is garbage-collected while mounted is finalised by ``weakref.finalize``.
"""

from __future__ import annotations

import atexit
import enum
import errno
import functools
import io
import math
import operator
import os
import posixpath
import re
import stat as stat_module
import sys
import tempfile
import threading
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, AnyStr, Literal, NoReturn, overload

from typing_extensions import Buffer, Self

from gpath import _logsettings, _shutil, _volspec, _xattr
from gpath._fspath import StrOrBytesPath, decode_like, encode, wants_bytes
from gpath._handle import CHandle, MountHandle
from gpath._lowlevel import ffi, lib, require_symbol
from gpath._modes import parse_mode
from gpath._stat import stat_path, statvfs_result, to_id, to_timespec_pair
from gpath.dir import Dir, ScandirIterator
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
_PATH_MAX = 4096
_SYMLOOP_MAX = 40  # Linux's limit of symlinks followed while resolving one path
# Every open(2) flag this platform's os module knows; other bits are refused, not passed on.
_KNOWN_OPEN_FLAGS = functools.reduce(
    operator.or_, (getattr(os, name) for name in dir(os) if name.startswith("O_")), 0
)
_LOG_TAIL_LINES = 12
DEFAULT_MOUNT_TIMEOUT = 30.0
"""Seconds a Volume waits for its mount unless told otherwise (a healthy one takes ~10 ms)."""


class _Unset(enum.Enum):
    """The type of a "not given" default, where ``None`` has a meaning of its own."""

    UNSET = enum.auto()


_UNSET = _Unset.UNSET


# Live mounts, so a forked child can drop (never fini) handles that belong to its parent.
_LIVE_MOUNTS: weakref.WeakSet[_Mount] = weakref.WeakSet()


class _Children:
    """What a mount has open (File, Dir, Glfd, buffered wrappers), held weakly.

    A dict of weak references keyed by ``id()`` under one lock: every open and close
    passes through here, and this costs a fraction of a ``WeakSet`` (whose methods are
    Python code and whose references carry callbacks).  An object that died unclosed
    leaves a dead reference behind until :meth:`drain`.
    """

    __slots__ = ("_refs", "_lock")

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}
        self._lock = threading.Lock()

    def replace(self, old: Any, new: Any) -> None:
        """Drop *old* and add *new* in one step (either may be None)."""
        with self._lock:
            if old is not None:
                self._refs.pop(id(old), None)
            if new is not None:
                self._refs[id(new)] = weakref.ref(new)

    def drain(self) -> list[Any]:
        """Remove and return everything still alive."""
        with self._lock:
            refs, self._refs = self._refs, {}
        return [obj for obj in (ref() for ref in refs.values()) if obj is not None]

    def forget_in_child(self) -> None:
        """In a forked child: make everything inert, never touching the parent's C state.

        Runs single-threaded right after ``fork()``, so it takes no lock (a thread of the
        parent may have held it at the fork) and gives the child a fresh one.
        """
        refs, self._refs, self._lock = self._refs, {}, threading.Lock()
        for ref in refs.values():
            obj = ref()
            if obj is not None:
                _forget_in_child(obj)


def _forget_in_child(obj: Any) -> None:
    """Make a File, Dir or Glfd of the parent (or an io wrapper around a File) inert."""
    for _ in range(3):  # TextIOWrapper -> Buffered* -> File
        forget = getattr(obj, "_forget_in_child", None)
        if forget is not None:
            forget()
            return
        try:
            obj = obj.buffer if isinstance(obj, io.TextIOWrapper) else obj.raw
        except (AttributeError, ValueError):  # ValueError: a detached wrapper
            return


class _Mount:
    """The C side of one mount: the glfs_t handle and everything opened through it.

    Kept apart from :class:`Volume` so that the finalizer can reach it without keeping the
    Volume alive.
    """

    def __init__(self, fs: Any) -> None:
        self.handle = MountHandle(fs)
        self.children = _Children()  # File, Dir, Glfd, buffered wrappers
        # hook(glfs_t) run by shutdown() before the children close (gpath.aio, watchers)
        self.before_close: list[Callable[[Any], object]] = []
        self.pid = os.getpid()
        _LIVE_MOUNTS.add(self)

    def shutdown(self, wait: bool = False) -> None:
        """Close what is still open, disconnect from the bricks, then ``glfs_fini``.

        Safe to call more than once.  Once the Files are closed their data is on the bricks,
        and once disconnected nothing is left on the servers; ``glfs_fini`` then only frees
        libgfapi's threads and memory, so unless *wait* it runs in a background thread
        (see :meth:`Volume.umount`).
        """
        if self.handle.closed:
            return
        fs_ptr = self.handle.detach()
        if fs_ptr is None:
            return
        try:
            first_error: BaseException | None = None
            if os.getpid() == self.pid:
                for hook in self.before_close:
                    try:
                        hook(fs_ptr)
                    except Exception as exc:  # the mount must still close
                        first_error = first_error or exc
            for child in self.children.drain():
                try:
                    child.close()
                except Exception as exc:  # keep closing the others, report the first failure
                    first_error = first_error or exc
            if os.getpid() == self.pid:
                # PARENT_DOWN before glfs_fini cancels the RPC timers that otherwise hold
                # glfs_fini for up to 10 s (see gp_disconnect in _lowlevel/helpers.c).
                lib.gp_disconnect(fs_ptr)
                if wait:
                    if lib.glfs_fini(fs_ptr) != 0 and first_error is None:
                        err = ffi.errno or errno.EIO
                        first_error = LibgfapiException(
                            err, f"glfs_fini failed: {os.strerror(err)}"
                        )
                else:
                    _fini_in_background(fs_ptr)
            if first_error is not None:
                raise first_error
        finally:
            self.handle.finish()  # a concurrent shutdown() waits for this one


# glfs_fini calls still running in the background (Volume.umount); at interpreter exit gpath
# waits for them at most _EXIT_FINI_WAIT seconds in all, then lets the process end with
# them: by then every File is closed (its data on the bricks) and the mount disconnected,
# so all that is cut short is the freeing of memory the OS reclaims anyway.
_EXIT_FINI_WAIT = 0.25
_MOUNT_FINI_WAIT = 15.0
_PENDING_FINI: set[threading.Thread] = set()
_PENDING_LOCK = threading.Lock()
_exiting = False
_exit_hook_registered = False


def _fini_in_background(fs_ptr: Any) -> None:
    if _exiting:
        return  # the process is ending: nothing left to release that outlives it
    thread = threading.Thread(target=_run_fini, args=(fs_ptr,), name="gpath-glfs-fini", daemon=True)
    with _PENDING_LOCK:
        _PENDING_FINI.add(thread)
    try:
        thread.start()
    except RuntimeError:  # no thread to be had (interpreter shutting down, or resources)
        with _PENDING_LOCK:
            _PENDING_FINI.discard(thread)
        if not (_exiting or sys.is_finalizing()):
            lib.glfs_fini(fs_ptr)


def _run_fini(fs_ptr: Any) -> None:
    try:
        lib.glfs_fini(fs_ptr)  # a failure here concerns local cleanup only: nobody to tell
    finally:
        with _PENDING_LOCK:
            _PENDING_FINI.discard(threading.current_thread())


def _wait_background_fini(timeout: float | None) -> bool:
    """Wait for background ``glfs_fini`` calls; True if none is left running."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with _PENDING_LOCK:
        threads = list(_PENDING_FINI)
    for thread in threads:
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    with _PENDING_LOCK:
        return not _PENDING_FINI


def _at_exit() -> None:
    """Unmount what is still mounted (closing, so flushing, its Files) and end quickly."""
    global _exiting
    _exiting = True
    for mount in list(_LIVE_MOUNTS):
        try:
            mount.shutdown()  # closes and disconnects; glfs_fini is skipped at exit
        except Exception:  # nobody to raise to at exit
            pass
    _wait_background_fini(_EXIT_FINI_WAIT)


def _register_exit_hook() -> None:
    """Register :func:`_at_exit` after ``weakref.finalize``'s own exit hook (so it runs first)."""
    global _exit_hook_registered
    if not _exit_hook_registered:
        _exit_hook_registered = True
        atexit.register(_at_exit)


def _forget_mounts_in_child() -> None:
    """After ``fork()``, in the child: the parent's mounts and what is open on them are
    unusable here (libgfapi's threads did not survive the fork; a C call would wait for
    them forever), so every handle is dropped without a C call: the child sees unmounted
    Volumes and closed Files, and the parent keeps using its own."""
    for mount in list(_LIVE_MOUNTS):
        mount.handle.forget()
        mount.children.forget_in_child()
    _PENDING_FINI.clear()  # those threads belong to the parent


os.register_at_fork(after_in_child=_forget_mounts_in_child)


def _finalize(mount: _Mount) -> None:
    try:
        mount.shutdown()
    except Exception:  # a finalizer has nobody to raise to
        pass


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
        self._mount: _Mount | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._mount_lock = threading.Lock()
        _volspec.register(self)

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def mounted(self) -> bool:
        """True while the volume is mounted."""
        mount = self._mount
        return mount is not None and not mount.handle.closed

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
            # libgfapi is not robust when glfs_new/glfs_init/glfs_set_logging run while
            # another glfs_t is being finalised; let background finis end first (<= ~1 s).
            _wait_background_fini(_MOUNT_FINI_WAIT)
            if self.log_file is not None and self.log_file not in ("-", "/dev/null"):
                # Before glfs_new: a handle finalised without glfs_init can leave libgfapi's
                # log-flush timer running on freed memory (a SIGSEGV minutes later).
                _logsettings.check_directory(self.log_file)
            fs = lib.glfs_new(self.volname.encode())
            if fs == ffi.NULL:
                err = ffi.errno or errno.ENOMEM
                raise LibgfapiException(
                    err, f"glfs_new({self.volname!r}) failed: {os.strerror(err)}"
                )
            capture = _LogCapture(self.log_file, self.log_level)
            try:
                self._configure(fs, capture.path, capture.level)
            except BaseException:
                lib.glfs_fini(fs)
                capture.discard()
                raise
            try:
                ret, err, refusal = _init(fs, timeout, capture)
            except BaseException:  # Ctrl-C: the handle is reaped in the background
                capture.discard()
                raise
            what = f"mounting volume {self.volname!r} from {self._where()}"
            if ret is None:  # given up: the handle is reaped in the background
                detail = capture.tail()
                capture.discard()
                if refusal is not None:
                    message = f"{what} failed: the server refused this client ({refusal})"
                    raise LibgfapiException(errno.EACCES, _with_detail(message, detail))
                message = f"{what} did not finish in {timeout} s"
                raise TimeoutError(errno.ETIMEDOUT, _with_detail(message, detail))
            if ret != 0:
                detail = capture.tail()
                err = err or errno.EIO
                reason = capture.reason() or _known_failure(err, detail)
                lib.glfs_fini(fs)  # reaps the half-built graph; glfs_t is unusable anyway
                capture.discard()
                message = f"{what} failed: {os.strerror(err)}"
                if reason:
                    message += f" ({reason})"
                raise LibgfapiException(err, _with_detail(message, detail))
            if capture.path != self.log_file:
                lib.glfs_set_logging(fs, _log_arg(self.log_file), self.log_level)
            capture.discard()
            mount = _Mount(fs)
            self._mount = mount
            self._finalizer = weakref.finalize(self, _finalize, mount)
            _register_exit_hook()

    def _configure(self, fs: Any, log_path: str | None, log_level: int) -> None:
        if self.volfile is not None:
            if lib.glfs_set_volfile(fs, os.fsencode(self.volfile)) != 0:
                raise _mount_error(f"cannot use volfile {self.volfile!r}")
        else:
            for host in self.hosts:
                port = 0 if self.protocol == "unix" else self.port
                ret = lib.glfs_set_volfile_server(
                    fs, self.protocol.encode(), os.fsencode(host), port
                )
                if ret != 0:
                    raise _mount_error(f"cannot use volfile server {host!r}")
        for (xlator, key), value in self.xlator_options.items():
            if lib.glfs_set_xlator_option(fs, xlator.encode(), key.encode(), value.encode()) != 0:
                raise _mount_error(f"cannot set xlator option {xlator}.{key}")
        _prepare_logging(fs, self.volname, log_level, self.xlator_options)
        if lib.glfs_set_logging(fs, _log_arg(log_path), log_level) != 0:
            raise _mount_error(f"cannot log to {log_path!r}")

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
        state = "mounted" if self.mounted else "not mounted"
        return f"<gpath.Volume {self.volname!r} on {self.hosts} ({state})>"

    def set_logging(self, log_file: str | None, log_level: int | str) -> None:
        """Change where and how much libgfapi logs; applies at once when mounted.

        The arguments follow the rules of the constructor's: a level may be given by name,
        and a log file in a directory that does not exist raises ``FileNotFoundError``.
        """
        log_file, log_level = _check_logging(log_file, log_level)
        if self.mounted:
            ret = self._call(lib.glfs_set_logging, _log_arg(log_file), log_level)
            if ret != 0:
                raise _mount_error(f"cannot log to {log_file!r}")
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
        raise self._not_mounted_error()

    def _call(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run ``func(glfs_t, *args)`` while the mount cannot be finalised under it."""
        handle, fs = self._acquire()
        try:
            return func(fs, *args)
        finally:
            handle.release()

    def _where(self) -> str:
        """Where the volume is served from, as messages name it: ``host:port``, a glusterd
        socket, or a volfile."""
        if self.volfile is not None:
            return f"volfile {self.volfile}"
        if self.protocol == "unix":
            return ", ".join(self.hosts)
        return ", ".join(
            f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}" for host in self.hosts
        )

    def _not_mounted_error(self) -> VolumeNotMounted:
        """The error for a call on this Volume while it is not mounted, saying why not."""
        mount = self._mount
        if mount is None:
            reason = "it was never mounted (call mount() or use 'with Volume(...)')"
        elif mount.pid != os.getpid():
            reason = "it was mounted in the parent process; a forked child must mount its own"
        else:
            reason = "it was unmounted"
        where = self._where()
        return VolumeNotMounted(f"volume {self.volname!r} on {where} is not mounted: {reason}")

    def _check_mounted(self) -> _Mount:
        mount = self._mount
        if mount is None or mount.handle.closed:
            raise self._not_mounted_error()
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

    def _register(self, child: Any) -> None:
        self._check_mounted().children.replace(None, child)

    def _forget(self, child: Any) -> None:
        mount = self._mount
        if mount is not None:
            mount.children.replace(child, None)

    def _open_child(
        self, func: Callable[[Any], Any], path: Any, adopt: Callable[[Any], Any]
    ) -> Any:
        """Open something: ``adopt(func(glfs_t))`` under one hold of the mount.

        ``func`` returns a new C handle (NULL on failure, raised as OSError) and ``adopt``
        registers it as a child of the mount.  Holding the mount across both means
        ``umount()`` either waits for the registration (and then closes the new handle
        itself) or refuses the call: a new handle is never closed after ``glfs_fini``.
        """
        handle, fs = self._acquire()
        try:
            ptr = func(fs)
            if ptr == ffi.NULL:
                raise_oserror(path)
            return adopt(ptr)
        finally:
            handle.release()

    def _register_glfd(self, ptr: Any, flags: int, path: Any) -> Glfd:
        raw = RawGlfd(CHandle(ptr), self, flags, path)
        try:
            self._register(raw)
        except VolumeNotMounted:
            raw.close()  # raced with umount(): nobody else will close it
            raise
        return Glfd(raw)

    def _adopt(self, raw: RawGlfd, file: File) -> None:
        """A File takes over a glfd: umount() now closes the File (flushing it) instead."""
        self._check_mounted().children.replace(raw, file)
        raw.adopted = True

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
        # One hold of the mount from the C open to registration (see _open_child).
        glfd: Glfd = self._open_child(
            lambda fs: _open_glfd(fs, cpath, flags, mode, b"", path, 0),
            path,
            lambda ptr: self._register_glfd(ptr, flags, path),
        )
        return glfd

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
        handle, fs = self._acquire()
        # Held from the C open to registration, so umount() either waits for the File (and
        # closes it) or refuses this call: a new glfd is never left open after glfs_fini.
        try:
            ptr = _open_glfd(fs, cpath, parsed.flags, 0o666, owner, path, lib.GP_OPEN_NOT_DIR)
            try:
                return File._opened(self, CHandle(ptr), path, mode, parsed, owner)
            except VolumeNotMounted:  # umount() began meanwhile: close it while the mount lives
                lib.glfs_close(ptr)
                raise
        finally:
            handle.release()

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
            self._check_mounted().children.replace(raw, result)
        opened: IO[Any] = result
        return opened

    def opendir(self, path: StrOrBytesPath, readdirplus: bool = False) -> Dir:
        """Open directory *path* as a :class:`Dir` stream (with stats if *readdirplus*)."""
        cpath = encode(path)

        def adopt(ptr: Any) -> Dir:
            handle = CHandle(ptr)
            try:
                return Dir(handle, self, path, readdirplus)
            except VolumeNotMounted:  # umount() began: close it here, while the mount lives
                if handle.detach() is not None:  # (the half-made Dir must not close it again)
                    try:
                        lib.glfs_closedir(ptr)
                    finally:
                        handle.finish()
                raise

        try:
            directory: Dir = self._open_child(lambda fs: lib.glfs_opendir(fs, cpath), path, adopt)
            return directory
        except NotADirectoryError:
            if cpath.strip(b"/"):
                raise
        # libgfapi says ENOTDIR for a root it could not look up (every brick down) or did
        # not look up ("//"): _stat() raises the real error or proves a directory.
        if not stat_module.S_ISDIR(self._stat(path, 1).st_mode):
            raise oserror(errno.ENOTDIR, path)
        directory = self._open_child(lambda fs: lib.glfs_opendir(fs, b"/."), path, adopt)
        return directory

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
        names: list[Any] = []
        with self.opendir(path) as directory:
            entries = directory._entries
            while count := directory._fill():
                for i in range(count):
                    name = ffi.string(entries[i].d_name)
                    if name != b"." and name != b"..":
                        names.append(decode(name))
        return names

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

    def stat(self, path: StrOrBytesPath) -> os.stat_result:
        """Return the ``os.stat_result`` of *path*, following symlinks."""
        return self._stat(path, 1)

    def lstat(self, path: StrOrBytesPath) -> os.stat_result:
        """Return the ``os.stat_result`` of *path* itself (a symlink is not followed)."""
        return self._stat(path, 0)

    def _stat(self, path: StrOrBytesPath, follow: int) -> os.stat_result:
        # Every stat()/exists() and GlusterPath.is_file() comes here.  Kept flat (see
        # docs/design/performance.md): one C call checks the path as encode() does, holds
        # the mount and fills the packed stat.
        mount = self._mount
        if mount is None:
            raise self._not_mounted_error()
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
        result = stat_path(self._check_mounted().handle.c_address, b"/.", follow)
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
        self._check_mounted()
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
        for _ in range(_PATH_MAX // 2):
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
        buf = ffi.new("char[]", _PATH_MAX + 1)
        ret = self._call(lib.glfs_readlink, encode(path), buf, _PATH_MAX)
        if ret < 0:
            raise_oserror(path)
        return decode_like(ffi.unpack(buf, ret), wants_bytes(path))  # type: ignore[return-value]

    def realpath(self, path: AnyStr | os.PathLike[AnyStr]) -> AnyStr:
        """*path* made absolute, with every symlink, ``.`` and ``..`` resolved.

        Strict like realpath(3): a missing component raises ``FileNotFoundError``, a
        symlink loop ``OSError(ELOOP)``.  Resolved here, one ``lstat`` per component:
        ``glfs_realpath`` of GlusterFS 10.3 returns symlinks unresolved.
        """
        name = encode(path)
        if not name.startswith(b"/"):
            name = os.fsencode(self.getcwd()).rstrip(b"/") + b"/" + name
        pending = [part for part in reversed(name.split(b"/")) if part]
        resolved = b""  # b"" is the root
        links = 0
        buf = ffi.new("struct stat *")
        while pending:
            part = pending.pop()
            if part == b".":
                continue
            if part == b"..":
                resolved = resolved.rpartition(b"/")[0]
                continue
            candidate = resolved + b"/" + part
            if self._call(lib.glfs_lstat, candidate, buf) != 0:
                raise_oserror(path)
            mode = buf.st_mode
            if stat_module.S_ISLNK(mode):
                links += 1
                if links > _SYMLOOP_MAX:
                    raise oserror(errno.ELOOP, path)
                target = self._readlink_bytes(candidate, path)
                if target.startswith(b"/"):
                    resolved = b""
                pending.extend(part for part in reversed(target.split(b"/")) if part)
            elif pending and not stat_module.S_ISDIR(mode):
                raise oserror(errno.ENOTDIR, path)
            else:
                resolved = candidate
        return decode_like(resolved or b"/", wants_bytes(path))  # type: ignore[return-value]

    def _readlink_bytes(self, cpath: bytes, path: Any) -> bytes:
        buf = ffi.new("char[]", _PATH_MAX + 1)
        ret = self._call(lib.glfs_readlink, cpath, buf, _PATH_MAX)
        if ret < 0:
            raise_oserror(path)
        return ffi.unpack(buf, ret)  # type: ignore[no-any-return]

    # -- working directory and identity ----------------------------------------------------------

    def chdir(self, path: StrOrBytesPath) -> None:
        """Change the mount's working directory (relative paths start there)."""
        self._path_call(lib.glfs_chdir, path)

    def getcwd(self) -> str:
        """The mount's working directory."""
        buf = ffi.new("char[]", _PATH_MAX + 1)
        if self._call(lib.glfs_getcwd, buf, _PATH_MAX + 1) == ffi.NULL:
            raise_oserror()
        return os.fsdecode(ffi.string(buf))

    def setfsuid(self, uid: int) -> None:
        """Act as file-system user *uid* for libgfapi calls made **from this OS thread**.

        libgfapi keeps this identity per thread; other threads are unaffected.
        """
        self._check_mounted()
        if lib.glfs_setfsuid(uid) != 0:
            raise_oserror()

    def setfsgid(self, gid: int) -> None:
        """Act as file-system group *gid* for libgfapi calls made from this OS thread."""
        self._check_mounted()
        if lib.glfs_setfsgid(gid) != 0:
            raise_oserror()

    def setfsgroups(self, groups: Sequence[int]) -> None:
        """Set the supplementary groups for libgfapi calls made from this OS thread."""
        self._check_mounted()
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
    ) -> None:
        """Delete the directory tree *path*.

        *onerror* is called as ``onerror(func, path, exc)`` for each failure; with
        *ignore_errors* failures are skipped; otherwise the first one is raised.
        A symlink as *path* is an error (the link is not followed).
        """
        _shutil.rmtree(self, path, ignore_errors, onerror)

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


# How many symlinks _open_glfd() follows before ELOOP (the kernel's MAXSYMLINKS).
_MAX_SYMLINK_HOPS = 40


def _raise_gp_error(vol: Volume, code: int, path: Any) -> NoReturn:
    """Raise for the int a path builtin (``stat_path``) returned instead of its result:
    ``GP_NOT_MOUNTED``, ``GP_EMBEDDED_NUL``, or an errno."""
    if code == lib.GP_NOT_MOUNTED:
        raise vol._not_mounted_error()
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
    for _ in range(_MAX_SYMLINK_HOPS):
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
            buf = ffi.new("char[]", _PATH_MAX + 1)
            size = lib.glfs_readlink(fs, cpath, buf, _PATH_MAX)
            if size >= 0:
                target = ffi.unpack(buf, size)
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


def _log_arg(log_file: str | None) -> Any:
    return ffi.NULL if log_file is None else _logsettings.c_path(log_file)


def _prepare_logging(
    fs: Any, volname: str, log_level: int, xlator_options: Mapping[tuple[str, str], str]
) -> None:
    """Before ``glfs_set_logging`` at mount: give the volume's io-stats translator the
    mount's log level (``mount()`` has checked the log directory before ``glfs_new``).

    glusterd's volfile sets io-stats' own ``log-level`` (the volume's client-log-level,
    INFO by default), which outranks the mount's level for that translator: its INFO
    lines would reach even a log at level 3.  io-stats also makes a level other than INFO
    the mount's level, so only a level it has a name for is passed on.
    """
    name = _logsettings.XLATOR_LEVEL_NAMES.get(log_level)
    if name is None or any(key == "log-level" for _, key in xlator_options):
        return  # the user's own log-level option wins
    if lib.glfs_set_xlator_option(fs, volname.encode(), b"log-level", name.encode()) != 0:
        raise _mount_error("cannot set the log level of io-stats")


def _known_failure(err: int, log: str) -> str | None:
    """What a failed ``glfs_init`` meant, where its errno and log lines tell it plainly."""
    if err == errno.ENOENT and "failed to get the volume file" in log:
        return "the volume does not exist on that server"
    if "Exhausted all volfile servers" in log:
        return "no glusterd could be reached there"
    return None


def _with_detail(message: str, detail: str) -> str:
    return message + "\n" + detail if detail else message


def _mount_error(what: str) -> LibgfapiException:
    err = ffi.errno or errno.EINVAL
    return LibgfapiException(err, f"{what}: {os.strerror(err)}")


# Log lines after which glfs_init can only fail, though it may never return: with a single
# brick, libgfapi 10.3 ignores the client's AUTH_FAILED event and waits forever (measured);
# with replicas it gives up (EIO) after about 10 s.
_REFUSAL_MARKERS = {
    "remote-error=Authentication failed": "authentication failed",
}
# Causes worth naming in the first line of a mount error (glfs_init itself says only EIO).
_FAILURE_MARKERS = {
    **_REFUSAL_MARKERS,
    "SSL routines": "TLS handshake failed",
}
# Logged (INFO) by a client transport with I/O TLS on.
_TLS_ON = b"IO path is ENABLED"
# Once refused, how long glfs_init may still finish by itself (another server may accept).
_REFUSAL_GRACE = 2.0
_INIT_POLL = 0.1


def _init(
    fs: Any, timeout: float | None, capture: _LogCapture
) -> tuple[int | None, int, str | None]:
    """Run ``glfs_init`` in a worker thread and wait for it, watching the mount's log.

    Returns ``(ret, errno, None)`` when ``glfs_init`` returned, or ``(None, ETIMEDOUT, None)``
    after *timeout*, or ``(None, EACCES, reason)`` when the log shows the server refused the
    client.  In the last two cases (and if the wait is interrupted) the handle is abandoned:
    the worker calls ``glfs_fini`` once ``glfs_init`` returns (never during it), and if it
    never returns the handle stays idle until the process ends.
    """
    outcome: list[tuple[int, int]] = []
    done = threading.Event()
    abandoned = threading.Event()
    lock = threading.Lock()

    def worker() -> None:
        ret = lib.glfs_init(fs)
        err = ffi.errno if ret != 0 else 0
        with lock:
            if abandoned.is_set():
                lib.glfs_fini(fs)  # nobody waits for it any more: release it here
                return
            outcome.append((ret, err))
            done.set()

    threading.Thread(target=worker, name="gpath-glfs-init", daemon=True).start()
    start = time.monotonic()
    deadline = None if timeout is None or math.isinf(timeout) else start + timeout
    refusal: str | None = None
    refused_at = 0.0
    try:
        while True:
            now = time.monotonic()
            wait = _INIT_POLL
            if deadline is not None:
                wait = min(wait, deadline - now)
            if done.wait(max(wait, 0.0)):
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            if refusal is None:
                refusal = capture.refusal()
                refused_at = now
            elif now - refused_at >= _REFUSAL_GRACE:
                break
    finally:  # also on KeyboardInterrupt: never leave the handle without an owner
        with lock:
            if not outcome:
                abandoned.set()
    if outcome:
        ret, err = outcome[0]
        return ret, err, None
    if refusal is not None:
        return None, errno.EACCES, refusal
    return None, errno.ETIMEDOUT, None


def _find_marker(data: bytes, markers: Mapping[str, str]) -> str | None:
    text = data.decode("utf-8", "replace")
    for marker, reason in markers.items():
        if marker in text:
            return reason
    return None


class _LogCapture:
    """Routes libgfapi's log to a private file during mount when the user's goes nowhere.

    A failed ``glfs_init`` reports only an errno (often EIO); the reason ("Authentication
    failed", "certificate verify failed") is in the log, so we keep its tail for the error.
    With the user's own log file, only what this mount appended is looked at; stderr
    (``"-"``) is left to the user, whose terminal shows the lines already.
    """

    def __init__(self, log_file: str | None, log_level: int) -> None:
        self.path = log_file
        self.level = log_level
        self._temp: str | None = None
        self._start = 0
        self._scanned = 0
        if log_file == "/dev/null":
            fd, self._temp = tempfile.mkstemp(prefix="gpath-mount-", suffix=".log")
            os.close(fd)
            self.path = self._temp
            self.level = max(log_level, 5)  # warnings and errors at least
        elif log_file is not None and log_file != "-":
            try:
                self._start = self._scanned = os.stat(log_file).st_size
            except OSError:
                pass

    def _read(self, offset: int) -> bytes:
        if self.path is None or self.path == "-":
            return b""  # "-" is stderr, not a file named "-" in the working directory
        try:
            with open(self.path, "rb") as fh:
                fh.seek(offset)
                return fh.read()
        except OSError:
            return b""

    def refusal(self) -> str | None:
        """The reason if the log written so far shows the server refusing the client."""
        data = self._read(self._scanned)
        complete = data.rfind(b"\n") + 1  # look at whole lines only
        self._scanned += complete
        return _find_marker(data[:complete], _REFUSAL_MARKERS)

    def reason(self) -> str | None:
        """A short cause of the failure if this mount's log names a known one."""
        data = self._read(self._start)
        found = _find_marker(data, _FAILURE_MARKERS)
        if (
            found is None
            and _TLS_ON in data
            and (b"disconnected from" in data or b"Connection reset by peer" in data)
            and not any(
                m in data
                for m in (b"attached to remote volume", b"Connection refused", b"No route")
            )
        ):
            # The brick often just drops a client whose certificate it does not trust:
            # the client then logs a plain disconnect or reset, no SSL error (10.3).
            found = (
                "TLS handshake failed: the brick closed the connection; is this client's "
                "certificate in its ssl.ca-list?"
            )
        return found

    def tail(self) -> str:
        lines = self._read(self._start).decode("utf-8", "replace").splitlines()
        relevant = [line for line in lines if "] E [" in line or "] W [" in line or "] C [" in line]
        chosen = (relevant or lines)[-_LOG_TAIL_LINES:]
        return "\n".join(line if len(line) <= 400 else line[:400] + "..." for line in chosen)

    def discard(self) -> None:
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except OSError:
                pass
            self._temp = None
