"""Test-support code for gpath: local GlusterFS harnesses, one node or several.

Importing this package is cheap on purpose (stdlib only, no compiled
binding), so bootstrapping scripts and pytest plugins can use it before
``gpath._lowlevel`` has been built.  Run ``python -m gpath.testing --help``
for the command-line interface.
"""

from __future__ import annotations

from .cluster import (
    STANDARD_VOLUMES,
    HarnessError,
    NodeCluster,
    VolumeInfo,
    brick_pids,
    client_host,
    delete_volume,
    ensure_volume,
    heal,
    kill_brick,
    start_bricks,
    teardown,
    up,
    volume_reset,
    volume_set,
)

__all__ = [
    "STANDARD_VOLUMES",
    "HarnessError",
    "NodeCluster",
    "VolumeInfo",
    "brick_pids",
    "client_host",
    "delete_volume",
    "ensure_volume",
    "heal",
    "kill_brick",
    "start_bricks",
    "teardown",
    "up",
    "volume_reset",
    "volume_set",
]
