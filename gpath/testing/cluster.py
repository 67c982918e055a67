"""Local single-node GlusterFS harness for gpath's tests, demos and benchmarks.

Everything here runs as root on a Debian machine and drives the real
``glusterd``/``gluster`` binaries.  It is deliberately stdlib-only so that it
can bootstrap a machine before the compiled binding even exists.

Safety model (the harness shares the machine with whatever else runs there):

* only volumes whose bricks live under ``STATE_DIR/bricks/<volname>/`` are
  ever stopped, deleted or wiped; anything else is refused;
* a ``glusterd`` is only stopped if the state dir records that this harness
  started it *and* the recorded pid still is that very process;
* processes are only signalled after their ``/proc/PID/cmdline`` proves they
  are the ``glusterfsd`` of the requested brick, through a pidfd so that a
  recycled pid can never be hit; pids ``<= 1`` are never signalled.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import json
import logging
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

__all__ = [
    "BrickStatus",
    "DEFAULT_VOLUME_OPTIONS",
    "GlusterCommandError",
    "GlusterVolume",
    "HarnessError",
    "Layout",
    "STANDARD_VOLUMES",
    "STATE_DIR",
    "VolumeInfo",
    "VolumeSpec",
    "brick_host",
    "brick_pids",
    "brick_status",
    "client_host",
    "delete_volume",
    "ensure_glusterd",
    "ensure_system_packages",
    "ensure_volume",
    "full_heal",
    "glusterd_pids",
    "heal",
    "kill_brick",
    "owned_volumes",
    "parse_heal_info",
    "parse_volume_info_xml",
    "parse_volume_status_xml",
    "signal_brick_process",
    "start_bricks",
    "stop_glusterd_if_ours",
    "teardown",
    "up",
    "verify_brick_process",
    "volume_info",
    "volume_names",
    "volume_reset",
    "volume_set",
    "wait_bricks_online",
]

log = logging.getLogger("gpath.testing")

# --------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------

#: Project-owned directory: lock file, state file, glusterd record, bricks.
STATE_DIR = Path(os.environ.get("GPATH_TESTING_DIR", "/var/lib/gpath-testing"))

#: Packages that provide glusterd, the gluster CLI, glfs.h and pkg-config.
SYSTEM_PACKAGES = ("glusterfs-server", "libglusterfs-dev", "uuid-dev", "pkg-config")
GLFS_HEADER = Path("/usr/include/glusterfs/api/glfs.h")

#: Default timeout (s) of a single gluster CLI call; the CLI itself gives up at 120 s.
GLUSTER_TIMEOUT = 150.0
#: How long to wait for glusterd to answer after starting it.
GLUSTERD_READY_TIMEOUT = 30.0
#: How long to wait for every brick of a freshly started volume to come online.
BRICKS_ONLINE_TIMEOUT = 60.0
#: How long another process may hold the harness lock before we give up.
LOCK_TIMEOUT = 900.0

Layout = Literal["distribute", "replicate"]
_LAYOUTS: tuple[Layout, ...] = ("distribute", "replicate")


class VolumeSpec(NamedTuple):
    """Shape of a test volume: layout, number of bricks and options of its own."""

    layout: Layout
    bricks: int
    options: Mapping[str, str] = {}


#: The volumes every test session may rely on.
STANDARD_VOLUMES: dict[str, VolumeSpec] = {
    "gpath_single": VolumeSpec("distribute", 1),
    "gpath_dist3": VolumeSpec("distribute", 3),
    "gpath_rep3": VolumeSpec("replicate", 3),
    # upcalls for watching: clients hear of other clients' changes
    "gpath_watch": VolumeSpec(
        "distribute",
        1,
        {
            "features.cache-invalidation": "on",
            "features.cache-invalidation-timeout": "600",
            "performance.cache-invalidation": "on",
        },
    ),
}

#: Options applied to every test volume.  The short ping timeout makes
#: fault-injection tests notice a dead brick in seconds instead of 42 s.
DEFAULT_VOLUME_OPTIONS: Mapping[str, str] = {"network.ping-timeout": "5"}

_VOLNAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TRANSIENT_MARKERS = (
    "another transaction is in progress",
    "locking failed",
    "unable to acquire lock",
    "please try again after some time",
)
_GLUSTERD_DOWN_MARKERS = ("connection failed", "gluster daemon is operational")


class HarnessError(RuntimeError):
    """The harness could not (or refused to) bring the cluster into the wanted state."""


class GlusterCommandError(HarnessError):
    """A ``gluster`` CLI call failed; keeps argv, exit code and output for diagnosis."""

    def __init__(self, argv: Sequence[str], returncode: int, output: str) -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.output = output
        short = " ".join(self.argv[2:]) if len(self.argv) > 2 else " ".join(self.argv)
        detail = output.strip().replace("\n", " | ")
        if len(detail) > 600:
            detail = detail[:600] + "..."
        super().__init__(f"gluster {short} failed (rc={returncode}): {detail}")


@dataclasses.dataclass(frozen=True)
class VolumeInfo:
    """A harness-managed volume as a libgfapi client needs to know it.

    ``bricks`` are the absolute brick directories on ``host``, in brick order
    (the index used by :func:`kill_brick`).
    """

    name: str
    host: str
    bricks: tuple[str, ...]
    layout: Layout

    @property
    def brick_specs(self) -> list[str]:
        """Bricks in gluster's ``host:/path`` notation."""
        return [f"{self.host}:{b}" for b in self.bricks]


@dataclasses.dataclass(frozen=True)
class GlusterVolume:
    """The subset of ``gluster volume info --xml`` the harness cares about."""

    name: str
    volume_id: str
    status: str  # "Created", "Started", "Stopped"
    type: str  # "Distribute", "Replicate", ...
    brick_count: int
    replica_count: int
    bricks: tuple[str, ...]  # "host:/path"
    options: Mapping[str, str]

    @property
    def started(self) -> bool:
        return self.status == "Started"

    @property
    def brick_paths(self) -> list[str]:
        return [_split_brick(b)[1] for b in self.bricks]


@dataclasses.dataclass(frozen=True)
class BrickStatus:
    """One brick line of ``gluster volume status --xml``.

    ``pid`` is None unless the brick is online with a plausible pid (> 1):
    offline bricks report ``-1`` and ``kill(-1)`` as root would hit every
    process on the machine.
    """

    host: str
    path: str
    online: bool
    pid: int | None
    port: int | None


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------


def brick_host() -> str:
    """Host name used in brick specs; gluster refuses localhost/127.0.0.1 there."""
    return os.environ.get("GPATH_TESTING_HOST") or socket.gethostname()


def client_host() -> str:
    """Volfile server a libgfapi client should use (glusterd listens on 0.0.0.0:24007)."""
    return os.environ.get("GPATH_TESTING_CLIENT_HOST") or "127.0.0.1"


def _bricks_root() -> Path:
    return STATE_DIR / "bricks"


def _expected_brick_paths(name: str, count: int) -> tuple[str, ...]:
    return tuple(str(_bricks_root() / name / f"b{i}") for i in range(count))


def _split_brick(spec: str) -> tuple[str, str]:
    """Split ``host:/path`` (host may itself contain ':' for IPv6)."""
    idx = spec.find(":/")
    if idx < 0:
        raise HarnessError(f"unexpected brick spec {spec!r}")
    return spec[:idx], spec[idx + 1 :]


def _brick_path_is_ours(volname: str, path: str) -> bool:
    """True iff ``path`` is a brick dir this harness would use for ``volname``."""
    norm = os.path.normpath(path)
    if not os.path.isabs(norm):
        return False
    return os.path.dirname(norm) == os.path.normpath(str(_bricks_root() / volname))


def _check_state_dir() -> None:
    resolved = STATE_DIR.resolve()
    if not STATE_DIR.is_absolute() or resolved == Path("/"):
        raise HarnessError(f"refusing to use {STATE_DIR!s} as GPATH_TESTING_DIR")


def _require_root(what: str) -> None:
    if os.geteuid() != 0:
        raise HarnessError(f"{what} needs root (running as uid {os.geteuid()})")


def _validate_volname(name: str) -> None:
    if not _VOLNAME_RE.match(name):
        raise HarnessError(f"invalid volume name {name!r}")


def _wipe_dir_under_bricks(path: Path) -> None:
    """rmtree ``path`` only if it really lies below ``STATE_DIR/bricks``."""
    root = os.path.realpath(_bricks_root())
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root or real == root:
        raise HarnessError(f"refusing to delete {path!s}: not below {root}")
    if os.path.islink(path):
        os.unlink(path)
    elif os.path.exists(path):
        shutil.rmtree(real)


# --------------------------------------------------------------------------
# subprocess / gluster CLI
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + "\n" + self.stderr).strip()


def _run(argv: Sequence[str], timeout: float) -> _Result:
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        cp = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"{' '.join(argv)} timed out after {timeout:.0f}s") from exc
    except FileNotFoundError as exc:
        raise HarnessError(f"{argv[0]} not found; run ensure_system_packages()") from exc
    return _Result(tuple(argv), cp.returncode, cp.stdout or "", cp.stderr or "")


def _gluster_bin() -> str:
    return shutil.which("gluster") or "/usr/sbin/gluster"


def _xml_op_error(text: str) -> str | None:
    """Error string of a ``--xml`` answer, or None if opRet == 0."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return "unparsable XML output"
    op_ret = (root.findtext("opRet") or "").strip()
    if op_ret == "0":
        return None
    return (root.findtext("opErrstr") or "").strip() or f"opRet={op_ret}"


def _gluster(
    *args: str,
    timeout: float = GLUSTER_TIMEOUT,
    attempts: int = 5,
    check: bool = True,
) -> _Result:
    """Run ``gluster --mode=script ARGS``, retrying transient lock contention."""
    argv = (_gluster_bin(), "--mode=script", *args)
    xml = "--xml" in args
    res = _Result(argv, -1, "", "")
    for attempt in range(max(1, attempts)):
        res = _run(argv, timeout)
        err: str | None
        if xml and res.stdout.strip():
            err = _xml_op_error(res.stdout)
            if err is not None and res.returncode == 0:
                res = dataclasses.replace(res, returncode=1)
        else:
            err = None if res.returncode == 0 else res.output
        if res.returncode == 0 and err is None:
            return res
        msg = f"{err or ''}\n{res.output}".lower()
        if attempt + 1 < attempts and any(m in msg for m in _TRANSIENT_MARKERS):
            log.debug("transient gluster failure, retrying: %s", msg.strip())
            time.sleep(min(1.0 + attempt, 4.0))
            continue
        if not check:
            return res
        if any(m in msg for m in _GLUSTERD_DOWN_MARKERS):
            raise GlusterCommandError(
                argv, res.returncode, f"{err or res.output} (is glusterd running? call up())"
            )
        raise GlusterCommandError(argv, res.returncode, err or res.output)
    return res


# --------------------------------------------------------------------------
# XML / text parsing (pure, unit-tested)
# --------------------------------------------------------------------------


def _int_or(text: str | None, default: int) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return default


def parse_volume_info_xml(text: str) -> list[GlusterVolume]:
    """Parse ``gluster volume info [NAME] --xml``."""
    err = _xml_op_error(text)
    if err is not None:
        raise HarnessError(f"volume info failed: {err}")
    root = ET.fromstring(text)
    vols: list[GlusterVolume] = []
    for v in root.iterfind("./volInfo/volumes/volume"):
        bricks: list[str] = []
        for b in v.iterfind("./bricks/brick"):
            name = b.findtext("name")
            if name is None:  # very old format: spec is the element text
                name = (b.text or "").strip()
            bricks.append(name.strip())
        options = {
            (o.findtext("name") or "").strip(): (o.findtext("value") or "").strip()
            for o in v.iterfind("./options/option")
        }
        vols.append(
            GlusterVolume(
                name=(v.findtext("name") or "").strip(),
                volume_id=(v.findtext("id") or "").strip(),
                status=(v.findtext("statusStr") or "").strip(),
                type=(v.findtext("typeStr") or "").strip(),
                brick_count=_int_or(v.findtext("brickCount"), len(bricks)),
                replica_count=_int_or(v.findtext("replicaCount"), 1),
                bricks=tuple(bricks),
                options=options,
            )
        )
    return vols


def _safe_pid(text: str | None) -> int | None:
    """A pid we may ever consider signalling: a plain integer > 1, else None."""
    value = _int_or(text, -1)
    return value if value > 1 else None


def parse_volume_status_xml(text: str) -> tuple[list[BrickStatus], list[BrickStatus]]:
    """Parse ``gluster volume status VOL --xml`` into (bricks, daemons).

    Brick nodes are those whose path is absolute; self-heal daemon & co. are
    reported with a pseudo path such as ``localhost``.
    """
    err = _xml_op_error(text)
    if err is not None:
        raise HarnessError(f"volume status failed: {err}")
    root = ET.fromstring(text)
    bricks: list[BrickStatus] = []
    daemons: list[BrickStatus] = []
    for node in root.iterfind("./volStatus/volumes/volume/node"):
        path = (node.findtext("path") or "").strip()
        online = (node.findtext("status") or "").strip() == "1"
        pid = _safe_pid(node.findtext("pid"))
        port = _int_or(node.findtext("port"), -1)
        entry = BrickStatus(
            host=(node.findtext("hostname") or "").strip(),
            path=path,
            online=online and pid is not None,
            pid=pid if online else None,
            port=port if port > 0 else None,
        )
        (bricks if path.startswith("/") else daemons).append(entry)
    return bricks, daemons


_HEAL_ENTRIES_RE = re.compile(r"^\s*Number of entries:\s*(\S+)\s*$", re.MULTILINE)


def parse_heal_info(text: str) -> int | None:
    """Total pending heal entries from ``gluster volume heal VOL info``.

    None if any brick could not be asked (``Number of entries: -``) or no
    brick section was found, i.e. "not known to be healed".
    """
    counts = _HEAL_ENTRIES_RE.findall(text)
    if not counts:
        return None
    total = 0
    for c in counts:
        if not c.isdigit():
            return None
        total += int(c)
    return total


# --------------------------------------------------------------------------
# /proc helpers and safe signalling
# --------------------------------------------------------------------------

_PROC = Path("/proc")


def _proc_read(pid: int, name: str, proc: Path = _PROC) -> bytes | None:
    try:
        return (proc / str(pid) / name).read_bytes()
    except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
        return None
    except PermissionError:
        return None


def _proc_comm(pid: int, proc: Path = _PROC) -> str | None:
    raw = _proc_read(pid, "comm", proc)
    return None if raw is None else raw.decode(errors="replace").strip()


def _proc_cmdline(pid: int, proc: Path = _PROC) -> list[str] | None:
    raw = _proc_read(pid, "cmdline", proc)
    if raw is None:
        return None
    return [a.decode(errors="replace") for a in raw.split(b"\0")[:-1]] if raw else []


def _proc_stat(pid: int, proc: Path = _PROC) -> tuple[str, int] | None:
    """(state letter, start time in clock ticks) from /proc/PID/stat."""
    raw = _proc_read(pid, "stat", proc)
    if raw is None:
        return None
    rest = raw.decode(errors="replace").rsplit(")", 1)[-1].split()
    try:
        return rest[0], int(rest[19])
    except (IndexError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    st = _proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def _pids_with_comm(comm: str) -> list[int]:
    pids: list[int] = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and _proc_comm(int(entry.name)) == comm:
            if _pid_alive(int(entry.name)):
                pids.append(int(entry.name))
    return sorted(pids)


def glusterd_pids() -> list[int]:
    """Pids of live processes whose comm is exactly ``glusterd``."""
    return _pids_with_comm("glusterd")


def _check_pid_value(pid: object) -> int:
    """Reject anything but a plain int > 1 (``kill(-1)``/``kill(0)`` are catastrophic)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 1:
        raise HarnessError(f"refusing to signal pid {pid!r}")
    if pid == os.getpid():
        raise HarnessError(f"refusing to signal pid {pid}: that is this process")
    return pid


def _arg_value(argv: Sequence[str], option: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == option and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(option + "="):
            return arg[len(option) + 1 :]
    return None


def verify_brick_process(
    pid: object, volname: str, brick_path: str | None = None, proc: Path = _PROC
) -> int:
    """Prove ``pid`` is the glusterfsd serving a brick of ``volname``; return it.

    Checks pid > 1, ``argv[0]`` and comm are ``glusterfsd``, ``--volfile-id`` starts
    with ``VOL.`` and, when given, ``--brick-name`` equals ``brick_path``.
    Raises :class:`HarnessError` otherwise.
    """
    checked = _check_pid_value(pid)
    _validate_volname(volname)
    argv = _proc_cmdline(checked, proc)
    if not argv:
        raise HarnessError(f"pid {checked}: no such process (or no cmdline)")
    if os.path.basename(argv[0]) != "glusterfsd":
        raise HarnessError(f"pid {checked} is {argv[0]!r}, not glusterfsd; refusing")
    comm = _proc_comm(checked, proc)
    if comm is not None and comm != "glusterfsd":
        raise HarnessError(f"pid {checked} has comm {comm!r}, not glusterfsd; refusing")
    volfile_id = _arg_value(argv, "--volfile-id")
    if volfile_id is None or not volfile_id.startswith(volname + "."):
        raise HarnessError(
            f"pid {checked} serves volfile-id {volfile_id!r}, not volume {volname!r}; refusing"
        )
    if brick_path is not None:
        name = _arg_value(argv, "--brick-name")
        if name is None or os.path.normpath(name) != os.path.normpath(brick_path):
            raise HarnessError(f"pid {checked} serves brick {name!r}, not {brick_path!r}; refusing")
    return checked


def _wait_pidfd_exit(pidfd: int | None, pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    if pidfd is not None:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        while True:
            left = deadline - time.monotonic()
            if poller.poll(max(0, int(left * 1000))):
                return True
            if left <= 0:
                return False
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return not _pid_alive(pid)


def _pidfd_open(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except ProcessLookupError as exc:
        raise HarnessError(f"pid {pid}: no such process") from exc
    except OSError as exc:
        if exc.errno in (errno.ENOSYS, errno.EINVAL, errno.EPERM):
            return None
        raise


def signal_brick_process(
    pid: object,
    volname: str,
    sig: int = signal.SIGKILL,
    brick_path: str | None = None,
    wait: float | None = None,
) -> int:
    """Verify ``pid`` is ``volname``'s glusterfsd, then send it ``sig``.

    A pidfd is opened *before* verification, so the signal goes to exactly
    the process that was verified even if the pid is recycled meanwhile.
    ``wait`` (default: 30 s for SIGKILL, 0 otherwise) bounds the wait for exit.
    """
    checked = _check_pid_value(pid)
    pidfd = _pidfd_open(checked)
    try:
        verify_brick_process(checked, volname, brick_path)
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, sig)
        else:
            os.kill(checked, sig)
        log.info("sent signal %s to glusterfsd pid %d (%s)", int(sig), checked, volname)
        if wait is None:
            wait = 30.0 if sig == signal.SIGKILL else 0.0
        if wait > 0 and not _wait_pidfd_exit(pidfd, checked, wait):
            raise HarnessError(f"glusterfsd pid {checked} still alive {wait:.0f}s after signal")
    finally:
        if pidfd is not None:
            os.close(pidfd)
    return checked


# --------------------------------------------------------------------------
# state dir: lock + json state
# --------------------------------------------------------------------------

_thread_lock = threading.RLock()
_lock_fd: int | None = None
_lock_depth = 0


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """Re-entrant inter-process lock (flock on STATE_DIR/lock) around mutations."""
    global _lock_fd, _lock_depth
    with _thread_lock:
        if _lock_depth == 0:
            _check_state_dir()
            _require_root("the GlusterFS harness")
            STATE_DIR.mkdir(parents=True, exist_ok=True)
            fd = os.open(STATE_DIR / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            deadline = time.monotonic() + LOCK_TIMEOUT
            announced = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        os.close(fd)
                        raise HarnessError(
                            f"timed out waiting for {STATE_DIR / 'lock'} (another harness run?)"
                        ) from None
                    if not announced:
                        log.info("waiting for harness lock held by another process")
                        announced = True
                    time.sleep(0.2)
            _lock_fd = fd
        _lock_depth += 1
        try:
            yield
        finally:
            _lock_depth -= 1
            if _lock_depth == 0 and _lock_fd is not None:
                os.close(_lock_fd)  # closing releases the flock
                _lock_fd = None


def _state_file() -> Path:
    return STATE_DIR / "state.json"


def _glusterd_record_file() -> Path:
    return STATE_DIR / "glusterd.json"


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: Mapping[str, object]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _state_volumes() -> dict[str, dict[str, object]]:
    vols = _read_json(_state_file()).get("volumes")
    if not isinstance(vols, dict):
        return {}
    return {str(k): v for k, v in vols.items() if isinstance(v, dict)}


def _record_volume(info: VolumeInfo) -> None:
    vols = _state_volumes()
    vols[info.name] = {
        "host": info.host,
        "layout": info.layout,
        "bricks": list(info.bricks),
        "recorded_at": time.time(),
    }
    _write_json(_state_file(), {"version": 1, "volumes": vols})


def _forget_volume(name: str) -> None:
    vols = _state_volumes()
    if vols.pop(name, None) is not None:
        _write_json(_state_file(), {"version": 1, "volumes": vols})


def owned_volumes() -> list[str]:
    """Names of volumes recorded in the state file as created by this harness."""
    return sorted(_state_volumes())


# --------------------------------------------------------------------------
# system packages and glusterd
# --------------------------------------------------------------------------


def _missing_system_bits() -> list[str]:
    missing: list[str] = []
    if not (shutil.which("glusterd") or os.access("/usr/sbin/glusterd", os.X_OK)):
        missing.append("glusterd")
    if not (shutil.which("gluster") or os.access("/usr/sbin/gluster", os.X_OK)):
        missing.append("gluster")
    if not GLFS_HEADER.is_file():
        missing.append(str(GLFS_HEADER))
    if not shutil.which("pkg-config"):
        missing.append("pkg-config")
    return missing


def ensure_system_packages() -> None:
    """Install GlusterFS server + gfapi headers via apt if anything is missing."""
    missing = _missing_system_bits()
    if not missing:
        return
    log.info("missing %s; installing %s", ", ".join(missing), " ".join(SYSTEM_PACKAGES))
    _require_root(f"installing {' '.join(SYSTEM_PACKAGES)}")
    if not shutil.which("apt-get"):
        raise HarnessError(f"missing {', '.join(missing)} and no apt-get to install them")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    steps = (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", *SYSTEM_PACKAGES],
    )
    for argv in steps:
        try:
            cp = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=1800,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise HarnessError(f"{' '.join(argv)} timed out") from exc
        if cp.returncode != 0:
            tail = (cp.stdout + cp.stderr).strip().splitlines()[-5:]
            raise HarnessError(f"{' '.join(argv)} failed (rc={cp.returncode}): {' | '.join(tail)}")
    still = _missing_system_bits()
    if still:
        raise HarnessError(f"still missing after apt-get install: {', '.join(still)}")


def _glusterd_answers(timeout: float = 10.0) -> bool:
    try:
        res = _run((_gluster_bin(), "--mode=script", "volume", "list"), timeout)
    except HarnessError:
        return False
    return res.returncode == 0


def _wait_glusterd_ready(timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if _glusterd_answers(min(10.0, max(1.0, deadline - time.monotonic()))):
            return
        if time.monotonic() > deadline:
            raise HarnessError(f"glusterd did not answer 'volume list' within {timeout:.0f}s")
        time.sleep(0.3)


def _read_glusterd_record() -> tuple[int, int] | None:
    rec = _read_json(_glusterd_record_file())
    pid, start = rec.get("pid"), rec.get("starttime")
    if isinstance(pid, int) and isinstance(start, int) and not isinstance(pid, bool):
        return pid, start
    return None


def _glusterd_record_matches(pid: int, start: int) -> bool:
    if pid <= 1 or _proc_comm(pid) != "glusterd":
        return False
    st = _proc_stat(pid)
    return st is not None and st[1] == start and st[0] not in ("Z", "X")


def _glusterd_log_tail(lines: int = 8) -> str:
    for p in (Path("/var/log/glusterfs/glusterd.log"), STATE_DIR / "glusterd-start.log"):
        with contextlib.suppress(OSError):
            tail = p.read_text(errors="replace").strip().splitlines()[-lines:]
            if tail:
                return f" (tail of {p}: {' | '.join(tail)})"
    return ""


def ensure_glusterd(timeout: float = GLUSTERD_READY_TIMEOUT) -> bool:
    """Make sure a glusterd runs and answers; return True iff we started it now.

    A glusterd we start is recorded (pid + start time) in the state dir so
    that :func:`stop_glusterd_if_ours` can stop it later - and only it.
    """
    with _locked():
        running = glusterd_pids()
        rec = _read_glusterd_record()
        if rec is not None and not _glusterd_record_matches(*rec):
            _glusterd_record_file().unlink(missing_ok=True)  # stale: not ours any more
        if running:
            _wait_glusterd_ready(timeout)
            return False
        binary = shutil.which("glusterd") or "/usr/sbin/glusterd"
        pidfile = STATE_DIR / "glusterd.pid"
        pidfile.unlink(missing_ok=True)
        t0 = time.monotonic()
        with open(STATE_DIR / "glusterd-start.log", "ab") as out:
            try:
                cp = subprocess.run(
                    [binary, "-p", str(pidfile), "--log-level", "INFO"],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=out,
                    timeout=60,
                    start_new_session=True,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise HarnessError("glusterd did not daemonize within 60s") from exc
        if cp.returncode != 0:
            raise HarnessError(f"{binary} exited with {cp.returncode}{_glusterd_log_tail()}")
        pid: int | None = None
        while time.monotonic() - t0 < timeout:
            with contextlib.suppress(OSError, ValueError):
                pid = int(pidfile.read_text().strip())
            if pid is None or _proc_comm(pid) != "glusterd":
                found = glusterd_pids()
                pid = found[0] if len(found) == 1 else None
            if pid is not None:
                break
            time.sleep(0.1)
        if pid is None or pid <= 1:
            raise HarnessError(f"glusterd started but its pid is unknown{_glusterd_log_tail()}")
        st = _proc_stat(pid)
        if st is None:
            raise HarnessError(
                f"glusterd pid {pid} vanished right after start{_glusterd_log_tail()}"
            )
        _write_json(
            _glusterd_record_file(),
            {"pid": pid, "starttime": st[1], "started_at": time.time(), "by_pid": os.getpid()},
        )
        try:
            _wait_glusterd_ready(max(1.0, timeout - (time.monotonic() - t0)))
        except HarnessError as exc:
            raise HarnessError(f"{exc}{_glusterd_log_tail()}") from None
        log.info("started glusterd pid %d in %.2fs", pid, time.monotonic() - t0)
        return True


def stop_glusterd_if_ours(timeout: float = 30.0) -> bool:
    """Stop glusterd only if the state dir says we started this very process.

    Returns True if a glusterd was stopped.  Bricks keep running, as with any
    glusterd stop; call :func:`teardown` first to stop our volumes.
    """
    with _locked():
        rec = _read_glusterd_record()
        if rec is None:
            return False
        pid, start = rec
        if not _glusterd_record_matches(pid, start):
            log.info("recorded glusterd pid %d is gone or not ours any more; not stopping", pid)
            _glusterd_record_file().unlink(missing_ok=True)
            return False
        pidfd = _pidfd_open(pid)
        try:
            if not _glusterd_record_matches(pid, start):  # re-check after pinning
                _glusterd_record_file().unlink(missing_ok=True)
                return False

            def send(sig: int) -> None:
                if pidfd is not None:
                    signal.pidfd_send_signal(pidfd, sig)
                else:
                    os.kill(pid, sig)

            send(signal.SIGTERM)
            if not _wait_pidfd_exit(pidfd, pid, timeout):
                log.warning("glusterd pid %d ignored SIGTERM for %.0fs; SIGKILL", pid, timeout)
                send(signal.SIGKILL)
                if not _wait_pidfd_exit(pidfd, pid, 10.0):
                    raise HarnessError(f"could not stop our glusterd pid {pid}")
        finally:
            if pidfd is not None:
                os.close(pidfd)
        _glusterd_record_file().unlink(missing_ok=True)
        log.info("stopped our glusterd pid %d", pid)
        return True


# --------------------------------------------------------------------------
# volumes
# --------------------------------------------------------------------------


def volume_info(name: str) -> GlusterVolume | None:
    """``gluster volume info NAME``, or None if no such volume exists."""
    _validate_volname(name)
    res = _gluster("volume", "info", name, "--xml", check=False)
    if res.returncode != 0:
        text = (_xml_op_error(res.stdout) or "") + res.output
        if "does not exist" in text.lower():
            return None
        raise GlusterCommandError(res.argv, res.returncode, text)
    vols = [v for v in parse_volume_info_xml(res.stdout) if v.name == name]
    return vols[0] if vols else None


def volume_names() -> list[str]:
    """All volume names glusterd knows (ours or not)."""
    res = _gluster("volume", "list")
    names = [line.strip() for line in res.stdout.splitlines()]
    return [n for n in names if n and _VOLNAME_RE.match(n)]


def _is_ours(vol: GlusterVolume) -> bool:
    return bool(vol.bricks) and all(_brick_path_is_ours(vol.name, p) for p in vol.brick_paths)


def _require_ours(name: str) -> GlusterVolume:
    vol = volume_info(name)
    if vol is None:
        raise HarnessError(f"volume {name!r} does not exist")
    if not _is_ours(vol):
        raise HarnessError(
            f"volume {name!r} has bricks outside {_bricks_root()!s}; not managed by this harness"
        )
    return vol


def brick_status(name: str) -> list[BrickStatus]:
    """Brick lines of ``gluster volume status NAME`` (all offline if stopped)."""
    _validate_volname(name)
    res = _gluster("volume", "status", name, "--xml", check=False)
    if res.returncode != 0:
        err = (_xml_op_error(res.stdout) or "") + res.output
        if "not started" in err.lower():
            vol = volume_info(name)
            if vol is not None:
                return [
                    BrickStatus(h, p, False, None, None)
                    for h, p in (_split_brick(b) for b in vol.bricks)
                ]
        raise GlusterCommandError(res.argv, res.returncode, err)
    return parse_volume_status_xml(res.stdout)[0]


def _daemon_status(name: str) -> list[BrickStatus]:
    res = _gluster("volume", "status", name, "--xml", check=False)
    if res.returncode != 0:
        return []
    return parse_volume_status_xml(res.stdout)[1]


def brick_pids(name: str) -> list[int | None]:
    """Pid of each brick's glusterfsd in brick order; None for an offline brick."""
    return [b.pid for b in brick_status(name)]


def wait_bricks_online(
    name: str, timeout: float = BRICKS_ONLINE_TIMEOUT, want_shd: bool | None = None
) -> list[BrickStatus]:
    """Poll volume status until every brick (and the shd for replicas) is online."""
    deadline = time.monotonic() + timeout
    if want_shd is None:
        vol = volume_info(name)
        want_shd = vol is not None and vol.replica_count > 1
    last: list[BrickStatus] = []
    while True:
        try:
            last = brick_status(name)
            shd_ok = not want_shd or any(
                d.online and d.host == "Self-heal Daemon" for d in _daemon_status(name)
            )
            if last and all(b.online for b in last) and shd_ok:
                return last
        except GlusterCommandError as exc:
            log.debug("status of %s not available yet: %s", name, exc)
        if time.monotonic() > deadline:
            states = ", ".join(f"{b.path}:{'up' if b.online else 'down'}" for b in last)
            raise HarnessError(f"bricks of {name} not all online after {timeout:.0f}s: {states}")
        time.sleep(0.5)


def _layout_matches(vol: GlusterVolume, layout: Layout, bricks: int) -> bool:
    if vol.brick_count != bricks or len(vol.bricks) != bricks:
        return False
    if layout == "replicate":
        return vol.type == "Replicate" and vol.replica_count == bricks
    return vol.type == "Distribute" and vol.replica_count <= 1


def _destroy(name: str, vol: GlusterVolume | None) -> None:
    """Stop + delete ``vol`` (must be ours) and wipe ``STATE_DIR/bricks/name``."""
    if vol is not None:
        if not _is_ours(vol):
            raise HarnessError(f"refusing to delete volume {name!r}: bricks not under our dir")
        if vol.status == "Started":
            _gluster("volume", "stop", name, "force")
        _gluster("volume", "delete", name)
    voldir = _bricks_root() / name
    if voldir.exists() or voldir.is_symlink():
        _wipe_dir_under_bricks(voldir)
    _forget_volume(name)


def ensure_volume(
    name: str,
    layout: Layout,
    bricks: int,
    options: Mapping[str, str] | None = None,
) -> VolumeInfo:
    """Idempotently provide a started volume with our brick layout.

    Reuses a matching volume, starts a stopped one, recreates a broken one
    left over from an earlier run, and refuses volumes that are not ours.
    """
    _validate_volname(name)
    if layout not in _LAYOUTS:
        raise HarnessError(f"unknown layout {layout!r}; use one of {_LAYOUTS}")
    if not isinstance(bricks, int) or bricks < 1 or (layout == "replicate" and bricks < 2):
        raise HarnessError(f"bad brick count {bricks!r} for layout {layout}")
    wanted_opts = dict(DEFAULT_VOLUME_OPTIONS)
    wanted_opts.update(options or {})
    host = brick_host()
    paths = _expected_brick_paths(name, bricks)
    specs = tuple(f"{host}:{p}" for p in paths)
    info = VolumeInfo(name=name, host=host, bricks=paths, layout=layout)
    with _locked():
        t0 = time.monotonic()
        vol = volume_info(name)
        if vol is not None and not _is_ours(vol):
            raise HarnessError(
                f"volume {name!r} exists with bricks {list(vol.bricks)} outside "
                f"{_bricks_root()!s}; refusing to touch it"
            )
        if vol is not None and (vol.bricks != specs or not _layout_matches(vol, layout, bricks)):
            log.info("volume %s is a leftover with a different layout; recreating", name)
            _destroy(name, vol)
            vol = None
        if vol is not None and not _bricks_intact(vol):
            log.info("volume %s has missing/foreign brick dirs; recreating", name)
            _destroy(name, vol)
            vol = None
        action = "reused"
        if vol is not None:
            try:
                action = _bring_up(vol, wanted_opts)
            except HarnessError as exc:
                log.warning("volume %s does not come up (%s); recreating", name, exc)
                _destroy(name, volume_info(name))
                vol = None
        if vol is None:
            vol = _create(info, specs)
            _bring_up(vol, wanted_opts)
            action = "created"
        _record_volume(info)
        log.info(
            "%s volume %s (%s x%d) in %.2fs", action, name, layout, bricks, time.monotonic() - t0
        )
        return info


def _bricks_intact(vol: GlusterVolume) -> bool:
    """Every brick dir exists and carries this volume's id (else glusterfsd won't start)."""
    try:
        want = uuid.UUID(vol.volume_id).bytes
    except ValueError:
        return False
    for path in vol.brick_paths:
        try:
            if os.getxattr(path, "trusted.glusterfs.volume-id") != want:
                return False
        except OSError:
            return False
    return True


def _create(info: VolumeInfo, specs: Sequence[str]) -> GlusterVolume:
    voldir = _bricks_root() / info.name
    if voldir.exists() or voldir.is_symlink():
        _wipe_dir_under_bricks(voldir)
    for p in info.bricks:
        Path(p).mkdir(parents=True, exist_ok=False)
    _record_volume(info)  # record before creating: a crash leaves it recognisable
    args = ["volume", "create", info.name]
    if info.layout == "replicate":
        args += ["replica", str(len(info.bricks))]
    args += [*specs, "force"]
    _gluster(*args)
    vol = volume_info(info.name)
    if vol is None:
        raise HarnessError(f"volume {info.name} vanished right after create")
    return vol


def _bring_up(vol: GlusterVolume, options: Mapping[str, str]) -> str:
    """Apply options, start the volume / its offline bricks; describe what was done."""
    for key, value in options.items():
        if vol.options.get(key) != value:
            _gluster("volume", "set", vol.name, key, value)
    want_shd = vol.replica_count > 1
    if vol.status != "Started":
        _gluster("volume", "start", vol.name)
        wait_bricks_online(vol.name, want_shd=want_shd)
        return "started"
    status = brick_status(vol.name)
    if status and all(b.online for b in status):
        if want_shd:
            wait_bricks_online(vol.name, want_shd=True)
        return "reused"
    log.info("volume %s has offline bricks; restarting them", vol.name)
    start_bricks(vol.name)
    return "restarted bricks of"


def delete_volume(name: str) -> bool:
    """Stop, delete and wipe one of our volumes; True if a gluster volume was deleted."""
    _validate_volname(name)
    with _locked():
        vol = volume_info(name)
        if vol is None and name not in _state_volumes() and not (_bricks_root() / name).exists():
            return False
        _destroy(name, vol)
        log.info("deleted volume %s", name)
        return vol is not None


def teardown(stop_glusterd: bool = False) -> list[str]:
    """Delete all our volumes (recorded or with bricks under STATE_DIR).

    With ``stop_glusterd`` also stop glusterd, but only if we started it.
    Returns the names deleted.
    """
    deleted: list[str] = []
    with _locked():
        candidates = set(_state_volumes())
        if glusterd_pids():
            for n in volume_names():
                vol = volume_info(n)
                if vol is not None and _is_ours(vol):
                    candidates.add(n)
        for n in sorted(candidates):
            if delete_volume(n):
                deleted.append(n)
        if stop_glusterd:
            stop_glusterd_if_ours()
    return deleted


def up(names: Iterable[str] | None = None) -> list[VolumeInfo]:
    """Install GlusterFS if needed, start glusterd if needed, ensure the volumes."""
    wanted = list(STANDARD_VOLUMES) if names is None else list(names)
    unknown = [n for n in wanted if n not in STANDARD_VOLUMES]
    if unknown:
        raise HarnessError(
            f"unknown standard volume(s) {unknown}; known: {sorted(STANDARD_VOLUMES)}"
        )
    with _locked():
        ensure_system_packages()
        ensure_glusterd()
        return [ensure_volume(n, *STANDARD_VOLUMES[n]) for n in wanted]


# --------------------------------------------------------------------------
# fault injection
# --------------------------------------------------------------------------


def kill_brick(name: str, index: int, sig: int = signal.SIGKILL, timeout: float = 30.0) -> int:
    """Signal the glusterfsd of brick ``index`` of our volume ``name``; return its pid.

    The pid is re-verified against /proc (glusterfsd, this volume, this brick)
    right before signalling; for SIGKILL we wait until the process is gone.
    """
    vol = _require_ours(name)
    if not 0 <= index < len(vol.bricks):
        raise HarnessError(f"volume {name} has no brick #{index}")
    pids = brick_pids(name)
    if len(pids) != len(vol.bricks):
        raise HarnessError(f"status of {name} lists {len(pids)} bricks, info {len(vol.bricks)}")
    pid = pids[index]
    if pid is None:
        raise HarnessError(f"brick #{index} of {name} is not online; nothing to signal")
    t0 = time.monotonic()
    signal_brick_process(
        pid,
        name,
        sig,
        brick_path=vol.brick_paths[index],
        wait=timeout if sig == signal.SIGKILL else 0.0,
    )
    if sig == signal.SIGKILL:
        # glusterd learns about the death asynchronously; until it has, a
        # "volume start force" is a silent no-op.  Wait so callers see a
        # consistent state.
        while True:
            status = brick_status(name)
            if index < len(status) and not status[index].online:
                break
            if time.monotonic() - t0 > timeout:
                raise HarnessError(f"glusterd still reports brick #{index} of {name} online")
            time.sleep(0.2)
    return pid


def start_bricks(name: str, timeout: float = 60.0) -> list[BrickStatus]:
    """``volume start NAME force`` (repeated) until every brick is online again."""
    vol = _require_ours(name)
    want_shd = vol.replica_count > 1
    deadline = time.monotonic() + timeout
    while True:
        try:
            _gluster("volume", "start", name, "force")
        except GlusterCommandError as exc:
            log.debug("volume start force %s: %s", name, exc)
        left = deadline - time.monotonic()
        try:
            return wait_bricks_online(name, timeout=min(1.0, max(0.5, left)), want_shd=want_shd)
        except HarnessError:
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"bricks of {name} not all online {timeout:.0f}s after start force"
                ) from None


def heal(name: str, timeout: float = 120.0) -> None:
    """Trigger self-heal and wait until ``heal info`` reports zero pending entries."""
    vol = volume_info(name)
    if vol is None:
        raise HarnessError(f"volume {name!r} does not exist")
    if "Replicate" not in vol.type and "Disperse" not in vol.type:
        raise HarnessError(f"volume {name} is {vol.type}; only replicate/disperse volumes heal")
    deadline = time.monotonic() + timeout
    last_trigger = 0.0
    last: int | None = None
    while True:
        if time.monotonic() - last_trigger > 10.0:
            # may fail while a brick is still coming up; polling "info" decides
            _gluster("volume", "heal", name, check=False)
            last_trigger = time.monotonic()
        res = _gluster("volume", "heal", name, "info", check=False)
        last = parse_heal_info(res.stdout) if res.returncode == 0 else None
        if last == 0:
            return
        if time.monotonic() > deadline:
            raise HarnessError(
                f"heal of {name} not finished after {timeout:.0f}s "
                f"(pending entries: {'unknown' if last is None else last})"
            )
        time.sleep(1.0)


def full_heal(name: str) -> None:
    """Start a full self-heal crawl of every file (``gluster volume heal NAME full``).

    An index heal only visits files the bricks' index recorded, and ``heal info`` only
    lists those; a changelog counter set without an index entry is seen by a full crawl
    alone.  This returns once the crawl is started: callers poll for the state they need.
    """
    _require_ours(name)
    _gluster("volume", "heal", name, "full")


def volume_set(name: str, key: str, value: str) -> None:
    """``gluster volume set`` on one of our volumes."""
    _require_ours(name)
    _gluster("volume", "set", name, key, value)


def volume_reset(name: str, key: str) -> None:
    """``gluster volume reset`` of one option on one of our volumes."""
    _require_ours(name)
    _gluster("volume", "reset", name, key)
