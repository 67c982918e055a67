"""The foundation works end to end: mount, create, write, read back, delete, through C."""

from __future__ import annotations

import os

from gpath import Volume


def test_create_write_read_delete(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/smoke.bin"
    with volume.fopen(path, "wb") as f:
        assert f.write(b"Winter is coming.") == 17
    with volume.fopen(path, "rb") as f:
        assert f.read() == b"Winter is coming."
    assert volume.listdir(workdir) == ["smoke.bin"]
    volume.unlink(path)
    assert volume.listdir(workdir) == []


def test_offset_beyond_4gib_sparse(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/sparse.bin"
    offset = 5 * 2**30 + 123
    with volume.fopen(path, "w+b") as f:
        assert f.pwrite(b"tail", offset) == 4
        assert f.fgetsize() == offset + 4
        assert f.pread(4, offset) == b"tail"
        assert f.lseek(offset, os.SEEK_SET) == offset
        assert f.read(4) == b"tail"
        assert f.pread(4, 2**32) == b"\0\0\0\0"
    st = volume.stat(path)
    assert st.st_size == offset + 4
    assert st.st_blocks * 512 < 1024 * 1024  # sparse: nothing near 5 GiB allocated
