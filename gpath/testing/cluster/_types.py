"""Records and errors of the harness: volume shapes, volume/brick states, failures."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

Layout = Literal["distribute", "replicate"]
_LAYOUTS: tuple[Layout, ...] = ("distribute", "replicate")


class VolumeSpec(NamedTuple):
    """Shape of a test volume: layout, number of bricks and options of its own."""

    layout: Layout
    bricks: int
    options: Mapping[str, str] = {}


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


def _split_brick(spec: str) -> tuple[str, str]:
    """Split ``host:/path`` (host may itself contain ':' for IPv6)."""
    idx = spec.find(":/")
    if idx < 0:
        raise HarnessError(f"unexpected brick spec {spec!r}")
    return spec[:idx], spec[idx + 1 :]
