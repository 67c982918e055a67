"""fsspec's own reusable test suite (Copy, Get, Put, Open, Pipe) on a real volume."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator

import fsspec.tests.abstract as abstract
import pytest

from gpath import Volume
from gpath.fsspec import GlusterFileSystem


@pytest.fixture
def dvolume(gluster_mount: Callable[[str], Volume]) -> Volume:
    """The distribute volume only: the suite's 274 cases take half a minute per volume."""
    return gluster_mount("gpath_dist3")


class GlusterFixtures(abstract.AbstractFixtures):  # type: ignore[misc]
    @pytest.fixture
    def fs(self, gfs: GlusterFileSystem) -> GlusterFileSystem:
        return gfs

    @pytest.fixture
    def fs_join(self) -> Callable[..., str]:
        return posixpath.join

    @pytest.fixture
    def fs_path(self, gdir: str) -> Iterator[str]:
        yield gdir

    @pytest.fixture
    def supports_empty_directories(self) -> bool:
        return True


class TestGlusterCopy(abstract.AbstractCopyTests, GlusterFixtures):  # type: ignore[misc]
    pass


class TestGlusterGet(abstract.AbstractGetTests, GlusterFixtures):  # type: ignore[misc]
    pass


class TestGlusterPut(abstract.AbstractPutTests, GlusterFixtures):  # type: ignore[misc]
    pass


class TestGlusterOpen(abstract.AbstractOpenTests, GlusterFixtures):  # type: ignore[misc]
    pass


class TestGlusterPipe(abstract.AbstractPipeTests, GlusterFixtures):  # type: ignore[misc]
    pass
