"""pytest fixtures for testing code that uses gpath against a real, throwaway local volume.

Installed with gpath as a pytest plugin (entry point ``pytest11``), so in your own tests::

    def test_upload(gluster_tmp_path):
        (gluster_tmp_path / "report.csv").write_text("a,b\\n")

Fixtures:

``gluster_volumes``
    (session) makes sure glusterd runs and the harness's standard volumes exist
    (``gpath_single``, ``gpath_dist3``, ``gpath_rep3``); needs root on a Debian-like machine.
``gluster_mount``
    (session) a factory ``gluster_mount(volname) -> Volume`` returning one shared, mounted
    Volume per volume name (a mount costs ~10 ms but an unmount several seconds, so mounts
    are shared and all unmounted together, in parallel, at the end of the session).
``gluster_volume``
    (session) the mounted single-brick volume.
``gluster_tmpdir``
    (function) a fresh directory (str path, non-ASCII name) on ``gluster_volume``,
    removed after the test.
``gluster_tmp_path``
    (function) the same directory as a :class:`gpath.GlusterPath`.

Without root or GlusterFS the fixtures skip, unless the environment sets ``CI`` or
``GPATH_REQUIRE_GLUSTER=1``: then they fail, so a broken server is never a silent pass.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from gpath import GlusterPath, Volume
    from gpath.testing.cluster import VolumeInfo

_counter = itertools.count()


def _must_not_skip() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("GPATH_REQUIRE_GLUSTER") == "1"


@pytest.fixture(scope="session")
def gluster_volumes() -> dict[str, VolumeInfo]:
    """The harness's standard volumes, created (or reused) and started."""
    from gpath.testing import cluster

    try:
        infos = cluster.up()
    except Exception as exc:  # no root, no apt, glusterd would not start...
        if _must_not_skip():
            raise
        pytest.skip(f"no local GlusterFS available: {exc}")
    return {info.name: info for info in infos}


@pytest.fixture(scope="session")
def gluster_mount(gluster_volumes: dict[str, VolumeInfo]) -> Iterator[Callable[[str], Volume]]:
    """Factory returning one shared mounted Volume per volume name for the whole session."""
    from gpath import Volume
    from gpath.testing.cluster import client_host

    mounts: dict[str, Volume] = {}
    lock = threading.Lock()

    def mount(volname: str) -> Volume:
        with lock:
            if volname not in mounts:
                if volname not in gluster_volumes:
                    raise KeyError(f"unknown test volume {volname!r}; have {sorted(gluster_volumes)}")
                volume = Volume(client_host(), volname)
                volume.mount(timeout=60)
                mounts[volname] = volume
            return mounts[volname]

    yield mount
    # Unmounting costs seconds each: do them all at once.
    threads = [threading.Thread(target=v.umount) for v in mounts.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture(scope="session")
def gluster_volume(gluster_mount: Callable[[str], Volume]) -> Volume:
    """The mounted single-brick test volume, shared by the session."""
    return gluster_mount("gpath_single")


def make_test_dir(volume: Volume, label: str) -> str:
    """Create a fresh directory with a non-ASCII name on *volume* and return its path."""
    safe = "".join(c if c.isalnum() else "_" for c in label)[:60]
    path = f"/gpath-tést-{next(_counter)}-{uuid.uuid4().hex[:8]}-{safe}-é✓"
    volume.mkdir(path, 0o755)
    return path


@contextlib.contextmanager
def scratch_dir(volume: Volume, label: str) -> Iterator[str]:
    """A fresh directory (see :func:`make_test_dir`), removed on exit if still mounted."""
    path = make_test_dir(volume, label)
    try:
        yield path
    finally:
        if volume.mounted:
            volume.rmtree(path, ignore_errors=True)


@pytest.fixture
def gluster_tmpdir(gluster_volume: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh directory on the single-brick volume, removed after the test."""
    with scratch_dir(gluster_volume, request.node.name) as path:
        yield path


@pytest.fixture
def gluster_tmp_path(gluster_volume: Volume, gluster_tmpdir: str) -> GlusterPath:
    """:func:`gluster_tmpdir` as a :class:`gpath.GlusterPath`."""
    return gluster_volume.path(gluster_tmpdir)
