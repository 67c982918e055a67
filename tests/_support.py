"""Small helpers shared by gpath's own tests (importable because pytest puts tests/ on the path)."""

from __future__ import annotations

from gpath import Volume


def write_bytes(volume: Volume, path: str | bytes, data: bytes) -> None:
    """Create or replace the file *path* on *volume* with *data*."""
    with volume.fopen(path, "wb") as f:
        f.write(data)


def read_bytes(volume: Volume, path: str) -> bytes:
    """The whole content of the file *path* on *volume*."""
    with volume.fopen(path, "rb") as f:
        return f.read()


def symlink_tree(volume: Volume, workdir: str, content: bytes) -> str:
    """Fill *workdir* with: file (*content*), dir/, link -> file, dirlink -> dir, broken -> nowhere."""
    write_bytes(volume, f"{workdir}/file", content)
    volume.mkdir(f"{workdir}/dir")
    volume.symlink("file", f"{workdir}/link")
    volume.symlink("dir", f"{workdir}/dirlink")
    volume.symlink("nowhere", f"{workdir}/broken")
    return workdir
