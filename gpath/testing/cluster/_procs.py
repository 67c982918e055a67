"""Processes by /proc: finding glusterd, proving a pid is a given brick, safe signalling."""

from __future__ import annotations

import errno
import logging
import os
import select
import signal
import time
from collections.abc import Sequence
from pathlib import Path

from ._config import _validate_volname
from ._types import HarnessError

log = logging.getLogger("gpath.testing")


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


def _netns_link(pid: int | str) -> str | None:
    try:
        return os.readlink(_PROC / str(pid) / "ns" / "net")
    except OSError:
        return None


def glusterd_pids() -> list[int]:
    """Pids of live processes whose comm is exactly ``glusterd``, in our network namespace.

    The glusterds of the multi-node cluster live in namespaces of their own and serve
    other addresses: they are not the glusterd that 127.0.0.1:24007 reaches.
    """
    here = _netns_link("self")
    return [p for p in _pids_with_comm("glusterd") if _netns_link(p) in (here, None)]


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
