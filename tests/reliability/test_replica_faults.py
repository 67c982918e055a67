"""R1/R2/R3/R8: brick faults and configuration changes on the replica-3 volume.

``gpath_rep3`` has ``network.ping-timeout 5``.  Bricks are signalled only through the
harness (pid from ``volume status --xml``, > 1, ``/proc/PID/cmdline`` proven to be this
volume's glusterfsd, via a pidfd) and always restarted in ``finally`` with
``volume start force`` (retried until online); a stopped brick always gets SIGCONT.
Nothing else is ever signalled and glusterd is never touched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpath import Volume
from gpath.testing import cluster
from gpath.testing.cluster import VolumeInfo

from _reliability import poll

VOL = "gpath_rep3"
MiB = 1024 * 1024

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rep3_info(gluster_volumes: dict[str, VolumeInfo]) -> VolumeInfo:
    info = gluster_volumes[VOL]
    assert len(info.bricks) == 3
    vol = cluster.volume_info(VOL)
    assert vol is not None and vol.options.get("network.ping-timeout") == "5"
    return info


@pytest.fixture
def healthy(rep3_info: VolumeInfo) -> Iterator[VolumeInfo]:
    """Every brick online before the test; after it, restarted (always) and healed."""
    cluster.start_bricks(VOL)
    try:
        yield rep3_info
    finally:
        cluster.start_bricks(VOL)
    cluster.heal(VOL, timeout=120)


@contextlib.contextmanager
def bricks_back() -> Iterator[None]:
    try:
        yield
    finally:
        cluster.start_bricks(VOL)


def brick_copy(info: VolumeInfo, index: int, path: str) -> Path:
    return Path(info.bricks[index]) / path.lstrip("/")


def brick_sha256(info: VolumeInfo, index: int, path: str) -> str:
    digest = hashlib.sha256()
    with open(brick_copy(info, index, path), "rb") as fh:
        while chunk := fh.read(4 * MiB):
            digest.update(chunk)
    return digest.hexdigest()


def gpath_sha256(vol: Volume, path: str) -> str:
    digest = hashlib.sha256()
    with vol.fopen(path, "rb") as f:
        while chunk := f.read(8 * MiB):
            digest.update(chunk)
    return digest.hexdigest()


CLEAN = b"\0" * 12  # AFR changelog: data, metadata and entry counters, 4 bytes each


def afr_xattrs(info: VolumeInfo, index: int, path: str) -> dict[str, bytes]:
    """Every ``trusted.afr.*`` xattr of one brick's copy of *path*."""
    copy = brick_copy(info, index, path)
    return {name: os.getxattr(copy, name) for name in os.listxattr(copy) if name.startswith("trusted.afr.")}


def afr_dirty(info: VolumeInfo, index: int, path: str) -> bytes:
    return afr_xattrs(info, index, path).get("trusted.afr.dirty", CLEAN)


def test_sigkill_one_brick_mid_write(rep3: Volume, rep3_dir: str, healthy: VolumeInfo) -> None:
    """R1: no error, data intact through gpath, and on all three bricks after heal."""
    path = f"{rep3_dir}/r1.bin"
    expected = hashlib.sha256()
    with bricks_back():
        with rep3.fopen(path, "wb") as f:
            for i in range(64):
                block = os.urandom(MiB)
                expected.update(block)
                assert f.write(block) == MiB
                if i == 16:
                    cluster.kill_brick(VOL, 1, signal.SIGKILL)
            f.fsync()
        assert rep3.getsize(path) == 64 * MiB
        assert gpath_sha256(rep3, path) == expected.hexdigest()  # read with the brick down
    cluster.heal(VOL, timeout=120)
    for index in range(3):
        assert brick_sha256(healthy, index, path) == expected.hexdigest(), f"brick {index}"
        assert afr_dirty(healthy, index, path) == CLEAN


def test_two_bricks_down_then_same_mount_recovers(rep3: Volume, rep3_dir: str, healthy: VolumeInfo) -> None:
    """R2: quorum lost -> ENOTCONN by close() at the latest; the same mount recovers."""
    path = f"{rep3_dir}/r2.bin"
    with rep3.fopen(path, "wb") as f:
        f.write(b"a" * MiB)
        f.fsync()
    with bricks_back():
        f = rep3.fopen(path, "r+b")
        cluster.kill_brick(VOL, 1, signal.SIGKILL)
        cluster.kill_brick(VOL, 2, signal.SIGKILL)
        first_error: OSError | None = None
        try:
            f.write(b"b" * 4096)  # write-behind may accept this...
            f.fsync()  # ...then fsync or close report the failure
        except OSError as exc:
            first_error = exc
        try:
            f.close()
        except OSError as exc:
            first_error = first_error or exc
        assert first_error is not None, "no error although quorum was lost"
        assert first_error.errno == errno.ENOTCONN, first_error
        assert f.closed
        with pytest.raises(OSError) as info:
            rep3.fopen(f"{rep3_dir}/r2-new.bin", "wb")
        assert info.value.errno == errno.ENOTCONN
    # Bricks back (bricks_back restarted them): the SAME Volume works again, no remount.

    def works() -> bool:
        with rep3.fopen(f"{rep3_dir}/r2-after.bin", "wb") as g:
            g.write(b"c" * MiB)
            g.fsync()
        return rep3.getsize(f"{rep3_dir}/r2-after.bin") == MiB

    seconds = poll(works, timeout=30)
    print(f"R2: same mount usable again {seconds:.1f}s after the bricks were restarted")
    with rep3.fopen(path, "rb") as g:
        assert g.read(MiB) == b"a" * MiB  # what was fsynced before the fault survives


def test_sigstop_brick_write_stalls_then_completes(
    rep3: Volume, rep3_dir: str, healthy: VolumeInfo
) -> None:
    """R3: a hung brick stalls writes for about the ping-timeout, then they complete."""
    path = f"{rep3_dir}/r3.bin"
    expected = hashlib.sha256()
    durations: list[float] = []
    errors: list[BaseException] = []
    stopped = threading.Event()
    resume = threading.Event()

    def writer() -> None:
        try:
            with rep3.fopen(path, "wb") as f:
                for i in range(32):
                    block = os.urandom(MiB)
                    expected.update(block)
                    start = time.monotonic()
                    f.write(block)
                    if i == 8:
                        resume.set()
                        stopped.wait(30)
                    if i in (9, 31):
                        f.fsync()  # needs every live brick: here the stall shows
                    durations.append(time.monotonic() - start)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            resume.set()

    pid = None
    with bricks_back():
        thread = threading.Thread(target=writer, name="r3-writer")
        thread.start()
        try:
            resume.wait(60)
            pid = cluster.kill_brick(VOL, 1, signal.SIGSTOP)
            stopped.set()
            thread.join(90)
            assert not thread.is_alive(), "write still stalled after 90 s"
        finally:
            stopped.set()
            if pid is not None:
                cluster.signal_brick_process(
                    pid, VOL, signal.SIGCONT, brick_path=healthy.bricks[1], wait=0
                )
            thread.join(90)
    assert not errors, errors
    stall = max(durations)
    print(f"R3: longest write/fsync with a stopped brick took {stall:.1f}s")
    assert 2.0 < stall < 30.0, durations  # ping-timeout 5: detected within ~2x
    assert gpath_sha256(rep3, path) == expected.hexdigest()
    cluster.heal(VOL, timeout=120)
    for index in range(3):
        assert brick_sha256(healthy, index, path) == expected.hexdigest(), f"brick {index}"


PERF_TOGGLES = [
    ("performance.quick-read", "off"),
    ("performance.io-cache", "off"),
    ("performance.stat-prefetch", "off"),
    ("performance.read-ahead", "off"),
    ("performance.write-behind", "off"),
    ("performance.write-behind", "on"),
]


def test_volume_set_while_writing(rep3: Volume, rep3_dir: str, healthy: VolumeInfo) -> None:
    """R8: graph switches under an open fd: no error, data intact, no AFR accusation.

    libgfapi 10.3 sometimes leaves ``trusted.afr.dirty`` at data=1 on the file (3 of 10
    runs of this module with two busy CPU hogs beside it): after moving the fd to the new
    graph it tears the old one down while that graph's AFR post-op for the last writes
    is still in flight, and its log shows the ``fxattrop`` failing with ENOTCONN on the
    old graph's clients.  The marker only asks self-heal to compare the copies; no brick
    is blamed.  So a leftover dirty data counter is allowed, but nothing else is: no
    pending counter against a brick, no metadata/entry dirtiness, and a heal must clear it
    with every copy unchanged (an index heal, or a full crawl when the index missed it).
    """
    path = f"{rep3_dir}/r8.bin"
    expected = hashlib.sha256()
    errors: list[BaseException] = []
    done = threading.Event()
    blocks = [0]
    slowest = [0.0]

    def writer() -> None:
        try:
            with rep3.fopen(path, "wb") as f:
                while not done.is_set():
                    block = os.urandom(MiB)
                    start = time.monotonic()
                    f.write(block)
                    slowest[0] = max(slowest[0], time.monotonic() - start)
                    expected.update(block)
                    blocks[0] += 1
                    time.sleep(0.02)
                f.fsync()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    thread = threading.Thread(target=writer, name="r8-writer")
    thread.start()
    try:
        for key, value in PERF_TOGGLES:
            time.sleep(0.7)
            cluster.volume_set(VOL, key, value)
        time.sleep(1.0)
    finally:
        done.set()
        thread.join(60)
        for key in dict(PERF_TOGGLES):
            cluster.volume_reset(VOL, key)
    assert not errors, errors
    print(f"R8: {blocks[0]} MiB written across {len(PERF_TOGGLES)} graph switches; "
          f"slowest write {slowest[0]:.2f}s")
    assert blocks[0] > 20
    assert rep3.getsize(path) == blocks[0] * MiB
    assert gpath_sha256(rep3, path) == expected.hexdigest()
    for index in range(3):
        assert brick_sha256(healthy, index, path) == expected.hexdigest(), f"brick {index}"
    deadline = time.monotonic() + 5  # a post-op may still be on its way; a lost one stays
    while any(afr_dirty(healthy, i, path) != CLEAN for i in range(3)) and time.monotonic() < deadline:
        time.sleep(0.5)
    for index in range(3):
        xattrs = afr_xattrs(healthy, index, path)
        counters = xattrs.pop("trusted.afr.dirty", CLEAN)
        assert counters[4:] == CLEAN[4:], f"brick {index}: metadata/entry dirty {counters.hex()}"
        assert all(value == CLEAN for value in xattrs.values()), f"brick {index} blames a copy: {xattrs}"
    dirty = [afr_dirty(healthy, index, path).hex() for index in range(3)]
    if any(value != CLEAN.hex() for value in dirty):
        print(f"R8: trusted.afr.dirty {dirty} (a post-op lost with an old graph); healing")
        cluster.heal(VOL, timeout=120)
        if any(afr_dirty(healthy, index, path) != CLEAN for index in range(3)):
            # The lost post-op can leave a counter the brick's index never recorded (seen in
            # CI: "heal info" listed nothing, the counter stayed): only a full crawl finds it.
            print("R8: still dirty after an index heal; starting a full heal")
            cluster.full_heal(VOL)
            poll(lambda: all(afr_dirty(healthy, i, path) == CLEAN for i in range(3)), timeout=120)
        for index in range(3):
            assert afr_dirty(healthy, index, path) == CLEAN, f"brick {index} still dirty after heal"
            assert brick_sha256(healthy, index, path) == expected.hexdigest(), f"brick {index} after heal"
