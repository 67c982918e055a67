"""Fixtures of the reliability suite (issue 6; matrix R0-R11 of reliability.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from gpath import Volume
from gpath.testing.pytest_plugin import scratch_dir


@pytest.fixture(scope="session")
def rep3(gluster_mount: Callable[[str], Volume]) -> Volume:
    """The shared mount of the replica-3 volume (network.ping-timeout 5)."""
    return gluster_mount("gpath_rep3")


@pytest.fixture
def rep3_dir(rep3: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    with scratch_dir(rep3, request.node.name) as path:
        yield path
