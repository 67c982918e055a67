"""Fault injection on our volumes: kill bricks, heal, change options."""

from __future__ import annotations

import signal
import time

from ._cli import _gluster
from ._procs import signal_brick_process
from ._types import HarnessError
from ._volumes import _require_ours, brick_pids, brick_status, volume_info
from ._xml import parse_heal_info


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
