"""Shared fixtures of gpath's own test suite (the public ones come from gpath.testing)."""

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
