"""``File.originalpath``: libgfapi-python 1.2's name for ``File.name``, kept for old code."""

from __future__ import annotations

import os

from gpath import File, Volume


def test_originalpath_is_name(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/f"
    with volume.fopen(path, "w") as f:
        assert f.originalpath == f.name == path
    assert f.originalpath == path  # still there once closed, like name
    with File(volume.open(path, os.O_RDONLY)) as g:
        assert g.originalpath == g.name == path
    with File(volume.open(path, os.O_RDONLY), path="given") as h:
        assert h.originalpath == "given"


def test_originalpath_keeps_bytes(volume: Volume, workdir: str) -> None:
    path = os.fsencode(f"{workdir}/b")
    with volume.fopen(path, "w") as f:
        assert f.originalpath == path
        assert isinstance(f.originalpath, bytes)
