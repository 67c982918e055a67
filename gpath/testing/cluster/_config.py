"""Settings of the harness: where its state lives, timeouts, host names, the standard volumes."""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Mapping
from pathlib import Path

from ._types import HarnessError, VolumeSpec

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
