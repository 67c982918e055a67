"""One Volume per volume in a process, stable path equality, and honest VolumeNotMounted."""

from __future__ import annotations

import os
import pickle
import re

import pytest

from gpath import GlusterPath, Volume, VolumeNotMounted
from gpath.testing.cluster import client_host


def test_from_uri_and_unpickling_reuse_the_mounted_volume(volume: Volume, workdir: str) -> None:
    path = volume.path(workdir, "f")
    path.write_bytes(b"x")
    stranger = Volume(client_host(), volume.volname)  # the user's, never mounted
    for found in (GlusterPath.from_uri(str(path)), pickle.loads(pickle.dumps(path))):
        assert found.volume is volume  # no second connection, never the unmounted twin
        assert found == path and found.read_bytes() == b"x"
    assert stranger.mounted is False


def test_equality_is_the_same_before_and_after_io(volume: Volume, workdir: str) -> None:
    """A lazy Volume reached as "localhost" compares the same before and after it mounts."""
    near = GlusterPath.from_uri(str(volume.path(workdir, "a")))
    far = GlusterPath.from_uri(f"gluster://localhost/{volume.volname}{workdir}/a")
    assert far.volume is not volume and not far.volume.mounted
    before = (far == near, near == volume.path(workdir, "a"), hash(far))
    assert far.parent.exists()  # the first I/O mounts the lazy Volume
    assert far.volume.mounted
    assert (far == near, near == volume.path(workdir, "a"), hash(far)) == before
    assert before[:2] == (False, True)  # another address is another volume, always
    again = GlusterPath.from_uri(f"gluster://localhost/{volume.volname}/b")
    assert again.volume is far.volume  # one lazy Volume per address


def test_from_uri_with_a_volume_of_another_address_is_refused(volume: Volume) -> None:
    uri = f"gluster://{client_host()}/{volume.volname}/a"
    assert GlusterPath.from_uri(uri, volume).volume is volume
    for bad in (
        f"gluster://otherhost/{volume.volname}/a",
        f"gluster://{client_host()}:24008/{volume.volname}/a",
        f"gluster+rdma://{client_host()}/{volume.volname}/a",
        f"gluster://{client_host()}/othervolume/a",
    ):
        with pytest.raises(ValueError, match="URI is for volume"):
            GlusterPath.from_uri(bad, volume)


def test_joining_a_path_of_the_same_volume(volume: Volume) -> None:
    assert volume.path("a") / volume.path("x/y") == volume.path("x/y")
    other = Volume("otherhost", volume.volname)
    with pytest.raises(TypeError, match="different volume"):
        volume.path("a") / other.path("x")


NOT_MOUNTED = re.compile(r"volume '(?P<vol>[^']+)' on (?P<where>\S+) is not mounted: (?P<why>.*)")


def _reason(vol: Volume) -> str:
    with pytest.raises(VolumeNotMounted) as info:
        vol.stat("/")
    match = NOT_MOUNTED.fullmatch(info.value.strerror)
    assert match is not None, info.value.strerror
    assert match["vol"] == vol.volname and match["where"] == f"{client_host()}:24007"
    return match["why"]


def test_volume_not_mounted_says_which_volume_and_why(volume: Volume) -> None:
    vol = Volume(client_host(), volume.volname)
    assert _reason(vol).startswith("it was never mounted")
    with pytest.raises(VolumeNotMounted, match="never mounted"):
        (vol.root / "x").exists()  # a path on a user's Volume never mounts it
    vol.mount()
    vol.umount()
    assert _reason(vol) == "it was unmounted"
    with pytest.raises(VolumeNotMounted, match="it was unmounted"):
        vol.fopen("/x", "rb")


def test_volume_not_mounted_in_a_forked_child(volume: Volume) -> None:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            try:
                volume.stat("/")
                message = "no error"
            except VolumeNotMounted as exc:
                message = exc.strerror
            os.write(write_end, message.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        message = reader.read().decode()
    os.waitpid(pid, 0)
    assert message.endswith(
        "is not mounted: it was mounted in the parent process; a forked child must mount its own"
    )
    assert volume.stat("/").st_mode  # the parent keeps its mount
