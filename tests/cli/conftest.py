"""Fixtures of the command-line tests: a shared volume and a scratch directory per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from cli_support import Remote

from gpath import Volume
from gpath.testing.pytest_plugin import scratch_dir


@pytest.fixture(scope="session")
def cli_vol(gluster_mount: Callable[[str], Volume]) -> Volume:
    return gluster_mount("gpath_single")


@pytest.fixture(scope="module")
def cli_base(cli_vol: Volume) -> Iterator[str]:
    with scratch_dir(cli_vol, "cli") as path:
        yield path


@pytest.fixture
def remote(cli_vol: Volume, cli_base: str, request: pytest.FixtureRequest) -> Remote:
    """A fresh directory for one test, below the module's scratch directory."""
    path = f"{cli_base}/{request.node.name.replace('[', '_').replace(']', '')}"
    cli_vol.mkdir(path)
    return Remote(cli_vol, path)
