"""Fixtures of the gpath.aio and watch() tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator

import pytest

from gpath import GlusterPath, Volume
from gpath.testing.pytest_plugin import scratch_dir

CHILD_TIMEOUT = 120


@pytest.fixture
def single(gluster_mount: Callable[[str], Volume]) -> Volume:
    """The shared mount of gpath_single (one brick: files can be checked on the brick)."""
    return gluster_mount("gpath_single")


@pytest.fixture
def base(single: Volume, request: pytest.FixtureRequest) -> Iterator[GlusterPath]:
    """A fresh directory on gpath_single, removed after the test."""
    with scratch_dir(single, request.node.name) as path:
        yield single.path(path)


@pytest.fixture
def brick_dir(gluster_volumes: dict[str, object]) -> Callable[[str, GlusterPath], str]:
    """``brick_dir(volname, path)``: where *path* of one-brick volume *volname* lies on disk."""

    def where(volname: str, path: GlusterPath) -> str:
        info = gluster_volumes[volname]
        bricks = info.bricks  # type: ignore[attr-defined]
        assert len(bricks) == 1
        return os.path.join(bricks[0], path.path.lstrip("/"))

    return where


@pytest.fixture
def watch_vol(gluster_mount: Callable[[str], Volume]) -> Volume:
    """The shared mount of gpath_watch (cache invalidation on: it sends upcalls)."""
    return gluster_mount("gpath_watch")


@pytest.fixture
def watched(watch_vol: Volume, request: pytest.FixtureRequest) -> Iterator[GlusterPath]:
    """A fresh directory on gpath_watch, removed after the test."""
    with scratch_dir(watch_vol, request.node.name) as path:
        yield watch_vol.path(path)


@pytest.fixture
def other_client() -> Callable[[Volume, GlusterPath, str], subprocess.Popen[str]]:
    """``other_client(volume, directory, body)``: see :func:`start_other_client`."""
    return start_other_client


def start_other_client(volume: Volume, directory: GlusterPath, body: str) -> subprocess.Popen[str]:
    """Start a second process (its own mount of *volume*) running *body* with ``d`` bound to
    *directory* there and ``step()`` pausing 0.6 s; its stdout is piped."""
    script = (
        textwrap.dedent(
            f"""
        import sys, time
        from gpath import Volume
        vol = Volume({volume.hosts!r}, {volume.volname!r}, port={volume.port})
        vol.mount(timeout=60)
        d = vol.path({directory.path!r})
        def step():
            sys.stdout.flush()
            time.sleep(0.6)
        time.sleep(0.5)
        """
        )
        + textwrap.dedent(body)
        + "\nvol.umount()\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd="/"
    )
