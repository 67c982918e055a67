"""The mount layer: one ``glfs_t`` from ``glfs_init`` to ``glfs_fini``, below Volume, File and Dir.

A :class:`Mount` owns the handle of one mount cycle, the registry of what is open on it
(File, Dir, raw glfds, buffered wrappers), and the one way to open something on it
(:meth:`Mount.open_child`).  This module also starts mounts (:func:`start`: handle
configuration, ``glfs_init`` under a timeout, the reason for a failure from libgfapi's log)
and ends them: ``umount()``, garbage collection, interpreter exit, and ``fork()`` (the
child drops its parent's handles without touching them).  :class:`~gpath.Volume` is the
``os``-style facade over it; File and Dir use only this module's public surface.

Mount-state rules, so that nothing ever reaches freed C memory:

* every C call runs under a hold of the mount's :class:`~gpath._handle.MountHandle`;
  :meth:`Mount.shutdown` refuses new holds, waits for running calls, closes every child
  still open (so buffered data is written), disconnects from the bricks, and only then
  calls ``glfs_fini``, exactly once (in the background unless asked to wait);
* a child is registered under the same hold as its C open, so a shutdown either waits
  for the registration and closes the child, or refuses the open;
* a File or Dir holds its Mount, so the ``glfs_t`` outlives them.
"""

from __future__ import annotations

import atexit
import enum
import errno
import io
import math
import os
import socket
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from gpath import _logsettings
from gpath._handle import CHandle, MountHandle
from gpath._lowlevel import ffi, lib
from gpath.errors import LibgfapiException, VolumeNotMounted, raise_oserror

if TYPE_CHECKING:
    from gpath._volspec import VolumeSpec
    from gpath.volume import Volume

_Child = TypeVar("_Child")
_LOG_TAIL_LINES = 12


class MountState(enum.Enum):
    """Where a :class:`~gpath.Volume` is in its life (``Volume.mount_state``)."""

    #: ``mount()`` has not succeeded yet.
    NEVER_MOUNTED = "never mounted"
    #: Connected: calls reach the volume.
    MOUNTED = "mounted"
    #: ``umount()`` ran (or the Volume was finalised); ``mount()`` connects again.
    UNMOUNTED = "unmounted"
    #: Mounted in a parent process before ``fork()``: unusable here until ``mount()``.
    FORKED = "forked"


def state_of(mount: Mount | None) -> MountState:
    """The :class:`MountState` of a Volume whose latest mount is *mount* (None: never)."""
    if mount is None:
        return MountState.NEVER_MOUNTED
    if mount.pid != os.getpid():
        return MountState.FORKED
    return MountState.UNMOUNTED if mount.handle.closed else MountState.MOUNTED


_NOT_MOUNTED_REASONS = {
    MountState.NEVER_MOUNTED: "it was never mounted (call mount() or use 'with Volume(...)')",
    MountState.FORKED: "it was mounted in the parent process; a forked child must mount its own",
    MountState.UNMOUNTED: "it was unmounted",
    MountState.MOUNTED: "it is being unmounted",
}


def source_of(volfile: str | None, proto: str, hosts: Any, port: int) -> str:
    """Where a volume is served from, as messages name it: ``host:port``, a glusterd socket,
    or a volfile."""
    if volfile is not None:
        return f"volfile {volfile}"
    if proto == "unix":
        return ", ".join(hosts)
    return ", ".join(f"[{h}]:{port}" if ":" in h else f"{h}:{port}" for h in hosts)


def not_mounted_error(volume: Volume) -> VolumeNotMounted:
    """The error for a call on *volume* while it is not mounted, saying why not."""
    where = source_of(volume.volfile, volume.protocol, volume.hosts, volume.port)
    reason = _NOT_MOUNTED_REASONS[volume.mount_state]
    return VolumeNotMounted(f"volume {volume.volname!r} on {where} is not mounted: {reason}")


# Live mounts, so a forked child can drop (never fini) handles that belong to its parent.
_LIVE_MOUNTS: weakref.WeakSet[Mount] = weakref.WeakSet()


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


class Mount:
    """One mount cycle: the ``glfs_t`` handle and everything opened through it.

    Kept apart from the Volume so that the Volume's finalizer can reach it without keeping
    the Volume alive; a Volume makes a new Mount each time it is mounted.
    """

    def __init__(self, fs: Any, volname: str, where: str) -> None:
        self.handle = MountHandle(fs)
        self.children = _Children()  # File, Dir, Glfd, buffered wrappers
        #: hook(glfs_t) run by shutdown() before the children close (gpath.aio, watchers)
        self.before_close: list[Callable[[Any], object]] = []
        self.pid = os.getpid()
        self.volname, self.where = volname, where
        _LIVE_MOUNTS.add(self)

    def _closed_error(self) -> VolumeNotMounted:
        where = f"volume {self.volname!r} on {self.where}"
        return VolumeNotMounted(f"{where} is not mounted: it was unmounted")

    def acquire(self) -> Any:
        """Begin a call: the ``glfs_t`` (``handle.release()`` when done).

        :raises VolumeNotMounted: the mount is closed or closing.
        """
        fs = self.handle.acquire()
        if fs is None:
            raise self._closed_error()
        return fs

    def register(self, child: Any) -> None:
        """Track *child* so that :meth:`shutdown` closes it (call under a hold)."""
        self.adopt(None, child)

    def adopt(self, old: Any, new: Any) -> None:
        """*new* takes over from *old* (a File from its raw glfd, a buffered wrapper from its
        File): shutdown closes the outermost layer, so buffered data is written first."""
        if self.handle.closed:
            raise self._closed_error()
        self.children.replace(old, new)

    def forget(self, child: Any) -> None:
        """*child* is closed: stop tracking it."""
        self.children.replace(child, None)

    def open_child(
        self,
        c_open: Callable[[Any], Any],
        c_close: Callable[[Any], int],
        path: Any,
        make: Callable[[CHandle], _Child],
    ) -> _Child:
        """Open something on the mount: the one way File, Dir and raw glfds come to be.

        ``c_open(glfs_t)`` returns the new C handle (NULL: raise its errno as ``OSError``
        for *path*, or raise itself); ``make(handle)`` builds the object, which is then
        registered.  All under one hold of the mount, so :meth:`shutdown` either waits for
        the registration (and then closes the child itself) or refuses the open.  If making
        or registering fails, ``c_close`` closes the handle while the mount still lives.
        """
        fs = self.acquire()
        try:
            ptr = c_open(fs)
            if ptr == ffi.NULL:
                raise_oserror(path)
            handle = CHandle(ptr)
            try:
                child = make(handle)
                self.register(child)
            except BaseException:
                handle.close(c_close)
                raise
            return child
        finally:
            self.handle.release()

    def shutdown(self, wait: bool = False) -> None:
        """Close what is still open, disconnect from the bricks, then ``glfs_fini``.

        Safe to call more than once.  Once the Files are closed their data is on the bricks,
        and once disconnected nothing is left on the servers; ``glfs_fini`` then only frees
        libgfapi's threads and memory, so unless *wait* it runs in a background thread
        (see ``Volume.umount()``).
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


def wait_background_fini(timeout: float | None) -> bool:
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
    wait_background_fini(_EXIT_FINI_WAIT)


def register_exit_hook() -> None:
    """Register :func:`_at_exit` after ``weakref.finalize``'s own exit hook (so it runs first):
    call it once the mount's finalizer exists."""
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


def finalize(mount: Mount) -> None:
    """Shut *mount* down from a finalizer (a Volume collected while mounted)."""
    try:
        mount.shutdown()
    except Exception:  # a finalizer has nobody to raise to
        pass


# How long mount() lets background glfs_fini calls end before glfs_new (see start()).
_MOUNT_FINI_WAIT = 15.0


def start(spec: VolumeSpec, timeout: float | None) -> Mount:
    """Mount the volume *spec* describes: ``glfs_new``, configure, ``glfs_init``.

    :param timeout: seconds to wait for ``glfs_init`` (None: no bound); on expiry the
        abandoned handle is finalised in the background once libgfapi gives up.
    :raises LibgfapiException: the volume could not be mounted; the message names the
        servers and the reason, with the most relevant lines of libgfapi's log.
    :raises TimeoutError: ``glfs_init`` did not finish in time.
    """
    # libgfapi is not robust when glfs_new/glfs_init/glfs_set_logging run while another
    # glfs_t is being finalised; let background finis end first.
    wait_background_fini(_MOUNT_FINI_WAIT)
    if spec.log_file is not None and spec.log_file not in ("-", "/dev/null"):
        # Before glfs_new: a handle finalised without glfs_init can leave libgfapi's
        # log-flush timer running on freed memory (a SIGSEGV minutes later).
        _logsettings.check_directory(spec.log_file)
    fs = lib.glfs_new(spec.volname.encode())
    if fs == ffi.NULL:
        err = ffi.errno or errno.ENOMEM
        raise LibgfapiException(err, f"glfs_new({spec.volname!r}) failed: {os.strerror(err)}")
    capture = _LogCapture(spec.log_file, spec.log_level)
    try:
        _configure(fs, spec, capture.path, capture.level)
    except BaseException:
        lib.glfs_fini(fs)
        capture.discard()
        raise
    try:
        ret, err, refusal = _init(fs, timeout, capture)
    except BaseException:  # Ctrl-C: the handle is reaped in the background
        capture.discard()
        raise
    where = source_of(spec.volfile, spec.proto, spec.hosts, spec.port)
    what = f"mounting volume {spec.volname!r} from {where}"
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
    if capture.path != spec.log_file:
        lib.glfs_set_logging(fs, log_arg(spec.log_file), spec.log_level)
    capture.discard()
    return Mount(fs, spec.volname, where)


def _configure(fs: Any, spec: VolumeSpec, log_path: str | None, log_level: int) -> None:
    if spec.volfile is not None:
        if lib.glfs_set_volfile(fs, os.fsencode(spec.volfile)) != 0:
            raise mount_error(f"cannot use volfile {spec.volfile!r}")
    else:
        hosts = spec.hosts if spec.proto == "unix" else answering_first(spec.hosts, spec.port)
        for host in hosts:
            port = 0 if spec.proto == "unix" else spec.port
            ret = lib.glfs_set_volfile_server(fs, spec.proto.encode(), os.fsencode(host), port)
            if ret != 0:
                raise mount_error(f"cannot use volfile server {host!r}")
    options = dict(spec.xlator_options)
    for (xlator, key), value in options.items():
        if lib.glfs_set_xlator_option(fs, xlator.encode(), key.encode(), value.encode()) != 0:
            raise mount_error(f"cannot set xlator option {xlator}.{key}")
    _prepare_logging(fs, spec.volname, log_level, options)
    if lib.glfs_set_logging(fs, log_arg(log_path), log_level) != 0:
        raise mount_error(f"cannot log to {log_path!r}")


# How long answering_first() waits for the volfile servers to accept a connection.
_PROBE_WAIT = 0.5


def answering_first(hosts: tuple[str, ...], port: int) -> tuple[str, ...]:
    """*hosts* with those whose glusterd accepts a TCP connection now put first.

    libgfapi tries volfile servers in order, and a server that is gone without a trace
    (powered off: no reset, no refusal) holds it for the kernel's whole connect timeout
    before the next is tried, longer than a mount's timeout.  So all of them are probed at
    once, for at most :data:`_PROBE_WAIT` seconds; the order is kept when the first one
    answers.  Names are resolved in the probing threads.
    """
    if len(hosts) < 2:
        return hosts
    answered: dict[str, bool] = {}
    done = threading.Condition()

    def probe(host: str) -> None:
        try:
            socket.create_connection((host, port), timeout=_PROBE_WAIT).close()
            ok = True
        except OSError:
            ok = False
        with done:
            answered[host] = ok
            done.notify_all()

    for host in dict.fromkeys(hosts):
        threading.Thread(target=probe, args=(host,), name="gpath-probe", daemon=True).start()
    deadline = time.monotonic() + _PROBE_WAIT
    count = len(set(hosts))
    with done:
        # until the first answers, or another does once the first has failed, or all have
        while not (
            answered.get(hosts[0])
            or (hosts[0] in answered and any(answered.values()))
            or len(answered) == count
        ):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            done.wait(left)
        if answered.get(hosts[0]):
            return hosts
        reachable = tuple(host for host in hosts if answered.get(host))
    return reachable + tuple(host for host in hosts if host not in reachable)


def log_arg(log_file: str | None) -> Any:
    """The ``glfs_set_logging`` argument for *log_file* (None: libgfapi's default)."""
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
        raise mount_error("cannot set the log level of io-stats")


def _known_failure(err: int, log: str) -> str | None:
    """What a failed ``glfs_init`` meant, where its errno and log lines tell it plainly."""
    if err == errno.ENOENT and "failed to get the volume file" in log:
        return "the volume does not exist on that server"
    if "Exhausted all volfile servers" in log:
        return "no glusterd could be reached there"
    return None


def _with_detail(message: str, detail: str) -> str:
    return message + "\n" + detail if detail else message


def mount_error(what: str) -> LibgfapiException:
    """A failed handle setting as an exception, with libgfapi's errno."""
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
