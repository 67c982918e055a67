"""Shared fixtures of gpath's own test suite (the public ones come from gpath.testing).

gpath's own run uses the plugin's throwaway local volumes (gpath_single, gpath_dist3,
gpath_rep3): pyproject.toml's pytest ``addopts`` passes ``--gluster-local``.  With
``--gluster-volume HOST/VOLUME`` instead, ``gluster_mount`` mounts these volume names from
that server, and the tests needing the harness itself (``gluster_volumes``) skip (fail
under ``GPATH_REQUIRE_GLUSTER=1``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from gpath import Volume
from gpath.testing.pytest_plugin import scratch_dir

# Functional tests run on both a single-brick and a 3-brick distribute volume.
FUNCTIONAL_VOLUMES = ("gpath_single", "gpath_dist3")


@pytest.fixture(params=FUNCTIONAL_VOLUMES)
def volume(request: pytest.FixtureRequest, gluster_mount: Callable[[str], Volume]) -> Volume:
    """A shared mounted Volume, once per functional test volume."""
    return gluster_mount(request.param)


@pytest.fixture
def workdir(volume: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh directory (non-ASCII name) on ``volume``, removed after the test."""
    with scratch_dir(volume, request.node.name) as path:
        yield path
