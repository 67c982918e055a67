"""Volumes: create, reuse, start, delete and tear down the harness's own volumes."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ._cli import _gluster
from ._config import (
    _VOLNAME_RE,
    BRICKS_ONLINE_TIMEOUT,
    DEFAULT_VOLUME_OPTIONS,
    STANDARD_VOLUMES,
    _brick_path_is_ours,
    _bricks_root,
    _expected_brick_paths,
    _validate_volname,
    _wipe_dir_under_bricks,
    brick_host,
)
from ._glusterd import ensure_glusterd, ensure_system_packages, stop_glusterd_if_ours
from ._procs import glusterd_pids
from ._state import _forget_volume, _locked, _record_volume, _state_volumes
from ._types import (
    _LAYOUTS,
    BrickStatus,
    GlusterCommandError,
    GlusterVolume,
    HarnessError,
    Layout,
    VolumeInfo,
    _split_brick,
)
from ._xml import _xml_op_error, parse_volume_info_xml, parse_volume_status_xml

log = logging.getLogger("gpath.testing")


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
