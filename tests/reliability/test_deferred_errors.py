"""R7: with write-behind a failed write may be reported late; gpath reports it by close().

``glfs_pwrite(fd, b"x", 1, 2**62)`` returns 1 (write-behind accepted it); the brick's
EFBIG comes back on the next ``fsync`` or, at the latest, ``close``.  A close that fails
raises, and the File is closed all the same.
"""

from __future__ import annotations

import errno

import pytest

from gpath import LibgfapiException, Volume
from gpath.testing.cluster import client_host

BEYOND_MAX_FILE_SIZE = 2**62  # a valid off_t, but past what the brick's ext4 allows


def test_failed_write_surfaces_at_close(gluster_volume: Volume, gluster_tmpdir: str) -> None:
    f = gluster_volume.fopen(f"{gluster_tmpdir}/efbig", "wb")
    assert f.pwrite(b"x", BEYOND_MAX_FILE_SIZE) == 1  # accepted, not yet written
    with pytest.raises(OSError) as info:
        f.close()
    assert info.value.errno == errno.EFBIG
    assert info.value.filename == f"{gluster_tmpdir}/efbig"
    assert f.closed
    f.close()  # and closing again is a quiet no-op


def test_failed_write_surfaces_at_fsync(gluster_volume: Volume, gluster_tmpdir: str) -> None:
    f = gluster_volume.fopen(f"{gluster_tmpdir}/efbig", "wb")
    f.pwrite(b"x", BEYOND_MAX_FILE_SIZE)
    with pytest.raises(OSError) as info:
        f.fsync()
    assert info.value.errno == errno.EFBIG
    try:
        f.close()  # the error was reported once; close may or may not repeat it
    except OSError as exc:
        assert exc.errno == errno.EFBIG
    assert f.closed


def test_failed_write_surfaces_leaving_with_block(gluster_volume: Volume, gluster_tmpdir: str) -> None:
    with pytest.raises(OSError) as info:
        with gluster_volume.fopen(f"{gluster_tmpdir}/efbig", "wb") as f:
            f.write(b"fine")
            f.pwrite(b"x", BEYOND_MAX_FILE_SIZE)
    assert info.value.errno == errno.EFBIG
    assert f.closed
    # what could be written, was
    with gluster_volume.fopen(f"{gluster_tmpdir}/efbig", "rb") as g:
        assert g.read(4) == b"fine"


def test_failed_write_surfaces_at_buffered_close(gluster_volume: Volume, gluster_tmpdir: str) -> None:
    f = gluster_volume.open_file(f"{gluster_tmpdir}/efbig", "wb")
    f.write(b"buffered")
    f.raw.pwrite(b"x", BEYOND_MAX_FILE_SIZE)
    with pytest.raises(OSError) as info:
        f.close()
    assert info.value.errno == errno.EFBIG
    assert f.closed and f.raw.closed


def test_failed_write_surfaces_at_umount(gluster_tmpdir: str) -> None:
    # umount() closes the Files still open and reports the first failure, still unmounting.
    vol = Volume(client_host(), "gpath_single")
    vol.mount(timeout=30)
    good = vol.fopen(f"{gluster_tmpdir}/good", "wb")
    good.write(b"kept")
    bad = vol.fopen(f"{gluster_tmpdir}/efbig", "wb")
    bad.pwrite(b"x", BEYOND_MAX_FILE_SIZE)
    with pytest.raises(LibgfapiException) as info:
        vol.umount()
    assert info.value.errno == errno.EFBIG
    assert not vol.mounted and good.closed and bad.closed
    vol.mount(timeout=30)
    try:
        with vol.fopen(f"{gluster_tmpdir}/good", "rb") as f:
            assert f.read() == b"kept"
    finally:
        vol.umount()


def test_offset_past_off_t_is_refused_up_front(gluster_volume: Volume, gluster_tmpdir: str) -> None:
    with gluster_volume.fopen(f"{gluster_tmpdir}/big", "wb") as f:
        with pytest.raises(OverflowError):
            f.pwrite(b"x", 2**63)
        with pytest.raises(OverflowError):
            f.pwrite(b"x", 2**63 - 1)  # would end past the largest offset
