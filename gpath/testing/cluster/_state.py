"""The state directory: the inter-process lock and the JSON record of what we created."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from ._config import LOCK_TIMEOUT, STATE_DIR, _check_state_dir, _require_root
from ._types import HarnessError, VolumeInfo

log = logging.getLogger("gpath.testing")


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
