"""Fixtures of the data-stack tests: a GlusterFileSystem on a real test volume.

Every test here runs on ``gpath_single`` and ``gpath_dist3`` (the distribute volume spreads
a dataset's files over three bricks), through the URL a user would write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gpath import Volume
from gpath.fsspec import GlusterFileSystem
from gpath.testing.cluster import client_host
from gpath.testing.pytest_plugin import scratch_dir

DATASTACK_VOLUMES = ("gpath_single", "gpath_dist3")


HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "datastack: fsspec, UPath, pandas/pyarrow/zarr and Dask")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.datastack)


@pytest.fixture(params=DATASTACK_VOLUMES)
def dvolume(request: pytest.FixtureRequest, gluster_mount: Callable[[str], Volume]) -> Volume:
    """A mounted test volume (the filesystems below reuse this one mount)."""
    return gluster_mount(request.param)


@pytest.fixture
def volume_url(dvolume: Volume) -> str:
    """``gluster://HOST/VOLUME`` of :func:`dvolume`, without a trailing slash."""
    return f"gluster://{client_host()}/{dvolume.volname}"


@pytest.fixture
def gfs(volume_url: str) -> GlusterFileSystem:
    """The GlusterFileSystem of :func:`dvolume`, as fsspec makes it from a URL."""
    import fsspec

    fs, _ = fsspec.core.url_to_fs(volume_url + "/")
    assert type(fs) is GlusterFileSystem
    return fs


@pytest.fixture
def gdir(dvolume: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh in-volume directory (non-ASCII name), removed after the test."""
    with scratch_dir(dvolume, request.node.name) as path:
        yield path
