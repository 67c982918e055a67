"""System packages and the machine's glusterd: install, start, and stop only our own."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from ._cli import _gluster_bin, _run
from ._config import GLFS_HEADER, GLUSTERD_READY_TIMEOUT, STATE_DIR, SYSTEM_PACKAGES, _require_root
from ._procs import _pidfd_open, _proc_comm, _proc_stat, _wait_pidfd_exit, glusterd_pids
from ._state import _glusterd_record_file, _locked, _read_json, _write_json
from ._types import HarnessError

log = logging.getLogger("gpath.testing")


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
