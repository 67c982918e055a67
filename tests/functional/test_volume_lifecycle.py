"""Volume lifecycle: constructor checks, mount/umount, the unmounted state, mount errors.

Unmounting costs seconds, so this module unmounts exactly once (one extra mount of the
single-brick volume); everything else uses the session's shared mounts.
"""

from __future__ import annotations

import errno
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

import gpath
from gpath import File, LibgfapiException, Volume, VolumeNotMounted
from gpath.testing.cluster import client_host

HOST = client_host()


# -- constructor -----------------------------------------------------------------------------


def test_constructor_defaults_and_attributes() -> None:
    vol = Volume(HOST, "gpath_single")
    assert vol.hosts == [HOST]
    assert vol.volname == "gpath_single"
    assert vol.port == 24007
    assert vol.log_file == "/dev/null"
    assert vol.log_level == 7
    assert vol.mounted is False
    several = Volume([HOST, "localhost"], "gpath_single", "tcp", 24007, None, 3)
    assert several.hosts == [HOST, "localhost"]
    assert several.log_file is None
    assert several.log_level == 3


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((HOST, ""), {}, ValueError),
        ((HOST, "bad/name"), {}, ValueError),
        ((HOST, "nul\0vol"), {}, ValueError),
        ((HOST, None), {}, TypeError),
        (("", "gpath_single"), {}, ValueError),
        (([], "gpath_single"), {}, ValueError),
        ((None, "gpath_single"), {}, TypeError),
        (([HOST, 5], "gpath_single"), {}, TypeError),
        ((HOST, "gpath_single"), {"proto": "udp"}, ValueError),
        ((HOST, "gpath_single"), {"port": "24007"}, TypeError),
        ((HOST, "gpath_single"), {"port": True}, TypeError),
        ((HOST, "gpath_single"), {"port": -1}, ValueError),
        ((HOST, "gpath_single"), {"port": 65536}, ValueError),
        ((HOST, "gpath_single"), {"log_level": 10}, ValueError),
        ((HOST, "gpath_single"), {"log_level": "7"}, TypeError),
        ((HOST, "gpath_single"), {"log_file": "a\0b"}, ValueError),
    ],
)
def test_constructor_rejects_bad_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        Volume(*args, **kwargs)


# -- an unmounted Volume -----------------------------------------------------------------------

UNMOUNTED_CALLS: list[tuple[str, Callable[[Volume], Any]]] = [
    ("stat", lambda v: v.stat("/")),
    ("lstat", lambda v: v.lstat("/")),
    ("exists", lambda v: v.exists("/")),
    ("isdir", lambda v: v.isdir("/")),
    ("listdir", lambda v: v.listdir("/")),
    ("scandir", lambda v: v.scandir("/")),
    ("walk", lambda v: list(v.walk("/"))),
    ("mkdir", lambda v: v.mkdir("/never")),
    ("fopen", lambda v: v.fopen("/never", "w")),
    ("open", lambda v: v.open("/never", os.O_RDONLY)),
    ("opendir", lambda v: v.opendir("/")),
    ("getxattr", lambda v: v.getxattr("/", "user.x")),
    ("get_volume_id", lambda v: v.get_volume_id()),
    ("getcwd", lambda v: v.getcwd()),
    ("statvfs", lambda v: v.statvfs("/")),
    ("access", lambda v: v.access("/", os.F_OK)),
    ("copyfile", lambda v: v.copyfile("/a", "/b")),
    ("setfsuid", lambda v: v.setfsuid(0)),
]


@pytest.mark.parametrize(("name", "call"), UNMOUNTED_CALLS, ids=[n for n, _ in UNMOUNTED_CALLS])
def test_never_mounted_volume_raises(name: str, call: Callable[[Volume], Any]) -> None:
    vol = Volume(HOST, "gpath_single")
    with pytest.raises(VolumeNotMounted) as info:
        call(vol)
    assert isinstance(info.value, LibgfapiException)
    assert isinstance(info.value, OSError)
    assert vol.mounted is False


def test_umount_of_a_never_mounted_volume_is_a_no_op() -> None:
    vol = Volume(HOST, "gpath_single")
    vol.umount()
    vol.umount()
    assert vol.mounted is False


def test_set_logging_before_mount_is_recorded() -> None:
    vol = Volume(HOST, "gpath_single")
    vol.set_logging("/tmp/gpath-never-used.log", 5)
    assert (vol.log_file, vol.log_level) == ("/tmp/gpath-never-used.log", 5)
    vol.disable_logging()
    assert (vol.log_file, vol.log_level) == ("/dev/null", 5)
    with pytest.raises(ValueError):
        vol.set_logging("/tmp/x.log", 42)


# -- mount errors (glfs_init fails: no unmount cost) -------------------------------------------


def test_mount_unknown_volume_raises_libgfapi_exception_quickly(gluster_volumes: object) -> None:
    vol = Volume(HOST, "gpath_no_such_volume_" + uuid.uuid4().hex[:6])
    start = time.monotonic()
    with pytest.raises(LibgfapiException) as info:
        vol.mount()
    assert time.monotonic() - start < 10
    assert isinstance(info.value, OSError)
    assert info.value.errno == errno.ENOENT
    assert vol.mounted is False
    with pytest.raises(VolumeNotMounted):
        vol.listdir("/")


def test_mount_unresolvable_host_raises_libgfapi_exception(gluster_volumes: object) -> None:
    vol = Volume("gpath-no-such-host.invalid", "gpath_single")
    with pytest.raises(LibgfapiException) as info:
        vol.mount()
    assert isinstance(info.value, OSError)
    assert vol.mounted is False


def test_mount_timeout_argument_is_checked() -> None:
    vol = Volume(HOST, "gpath_single")
    with pytest.raises(ValueError):
        vol.mount(timeout=0)
    with pytest.raises(TypeError):
        vol.mount(timeout="1")  # type: ignore[arg-type]
    assert vol.mounted is False


# -- the one real mount/umount cycle ---------------------------------------------------------


def test_mount_use_umount_cycle(gluster_volume: Volume, gluster_tmpdir: str, tmp_path: Any) -> None:
    """Context manager, double mount, logging, umount closing open Files/Dirs with their data."""
    log1 = tmp_path / "mount1.log"
    log2 = tmp_path / "mount2.log"
    vol = Volume(HOST, "gpath_single")
    vol.set_logging(str(log1), 7)
    with vol as entered:
        assert entered is vol
        assert vol.mounted is True
        vol.mount()  # mounting again is a no-op
        assert vol.mounted is True
        assert log1.exists()
        vol.set_logging(str(log2), 7)  # applies at once while mounted
        assert vol.log_file == str(log2)
        assert log2.exists()
        vol.disable_logging()
        assert vol.log_file == "/dev/null"

        assert vol.get_volume_id() == gluster_volume.get_volume_id()
        raw = vol.fopen(f"{gluster_tmpdir}/raw.bin", "wb")
        assert raw.write(b"written through an unclosed File") == 32
        buffered = vol.open_file(f"{gluster_tmpdir}/buffered.txt", "w")
        assert buffered.write("still in the buffer") == 19
        directory = vol.opendir(gluster_tmpdir)
        scan = vol.scandir(gluster_tmpdir)
        fd = vol.open(f"{gluster_tmpdir}/raw.bin", os.O_RDONLY)
    # __exit__ unmounted: everything open was closed first (and data flushed).
    assert vol.mounted is False
    assert raw.closed is True
    assert buffered.closed is True
    assert directory.closed is True
    with pytest.raises(gpath.ClosedError):
        raw.write(b"more")
    with pytest.raises(ValueError):
        buffered.write("more")
    with pytest.raises(gpath.ClosedError):
        list(directory)
    assert list(scan) == []
    with pytest.raises(gpath.ClosedError):
        File(fd)
    with pytest.raises(VolumeNotMounted):
        vol.stat("/")
    with pytest.raises(VolumeNotMounted):
        vol.fopen(f"{gluster_tmpdir}/raw.bin")
    vol.umount()  # idempotent
    raw.close()  # idempotent too
    assert vol.mounted is False

    # The data is on the volume, as seen from the session's mount.
    with gluster_volume.fopen(f"{gluster_tmpdir}/raw.bin", "rb") as f:
        assert f.read() == b"written through an unclosed File"
    with gluster_volume.fopen(f"{gluster_tmpdir}/buffered.txt", "rb") as f:
        assert f.read() == b"still in the buffer"
