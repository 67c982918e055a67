"""Whole-node faults on a real 3-node GlusterFS cluster on this machine, through gpath.

The ``gluster_nodes`` fixture runs three glusterd nodes, each in a network namespace of
its own (10.213.0.11-13), with ``gpmn_rep3`` (replica 3), ``gpmn_dist3`` (distribute 3)
and ``gpmn_disp3`` (disperse 2+1), one brick per node and ``network.ping-timeout 5``.
A stopped node has its glusterd, bricks and self-heal daemon SIGKILLed (exact pids, proven
by /proc to live in that node's namespace); a frozen node has them SIGSTOPped for a
bounded time.  Every test starts and ends with every node running and thawed.

Each test prints its figures (``-s`` shows them); docs/guarantees.md quotes them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gpath import Volume
from gpath.testing.cluster import NodeCluster, NodeVolume, parse_volume_info_xml
from gpath.testing.pytest_plugin import scratch_dir

MiB = 1024 * 1024
PING_TIMEOUT = 5.0
MOUNT_TIMEOUT = 30.0
REP, DIST, DISP = "gpmn_rep3", "gpmn_dist3", "gpmn_disp3"
ALL = (REP, DIST, DISP)
CLEAN = b"\0" * 12  # AFR changelog: data, metadata and entry counters

pytestmark = pytest.mark.slow


def poll(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> float:
    """Seconds until *predicate* holds (exceptions count as "not yet"); fails on timeout."""
    start = time.monotonic()
    last: BaseException | None = None
    while time.monotonic() - start < timeout:
        try:
            if predicate():
                return time.monotonic() - start
        except OSError as exc:
            last = exc
        time.sleep(interval)
    raise AssertionError(f"not true after {timeout}s (last error: {last!r})")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(4 * MiB):
            digest.update(chunk)
    return digest.hexdigest()


def gpath_sha256(vol: Volume, path: str) -> str:
    digest = hashlib.sha256()
    with vol.fopen(path, "rb") as f:
        while chunk := f.read(8 * MiB):
            digest.update(chunk)
    return digest.hexdigest()


def afr_pending(info: NodeVolume, index: int, path: str) -> dict[str, bytes]:
    """Non-zero ``trusted.afr.*`` changelog xattrs of brick ``index``'s copy."""
    copy = info.brick_file(index, path)
    names = [n for n in os.listxattr(copy) if n.startswith("trusted.afr.")]
    values = {n: os.getxattr(copy, n) for n in names}
    return {n: v for n, v in values.items() if v != CLEAN}


def blamed(info: NodeVolume, index: int, path: str) -> dict[str, bytes]:
    """AFR changelog xattrs of brick ``index``'s copy that accuse another brick."""
    pending = afr_pending(info, index, path)
    return {n: v for n, v in pending.items() if n != "trusted.afr.dirty"}


@pytest.fixture(scope="module")
def nodes(gluster_nodes: NodeCluster) -> NodeCluster:
    return gluster_nodes


def client_sees_every_brick(vol: Volume, info: NodeVolume) -> bool:
    """Probes written now land on every brick, whole, with nothing left pending.

    A brick the client does not see gets no copy (and the other copies blame it); on a
    distribute volume, creating a name that hashes to it fails.
    """
    stem = f"/.probe-{os.getpid()}-{time.monotonic_ns()}"
    probes = [f"{stem}-{i}" for i in range(24 if info.layout == "distribute" else 1)]
    written = []
    try:
        for probe in probes:
            with vol.fopen(probe, "wb") as f:
                written.append(probe)
                f.write(b"p" * 4096)
                f.fsync()
        homes = {i for p in probes for i in range(3) if info.brick_file(i, p).exists()}
        if info.layout == "distribute":
            return homes == {0, 1, 2}
        if not all(info.brick_file(i, probes[0]).exists() for i in range(3)):
            return False
        return info.layout != "replicate" or all(blamed(info, i, probes[0]) == {} for i in range(3))
    finally:
        for probe in written:
            vol.unlink(probe)


@pytest.fixture
def healthy(
    nodes: NodeCluster, gluster_node_mount: Callable[[str], Volume]
) -> Iterator[NodeCluster]:
    """Every node running and every brick reconnected to our client before the test;
    after it, the nodes restored (always) and healed."""
    nodes.restore(ALL)
    for name in ALL:
        # a restarted brick has a new port: the client finds it on its next reconnect
        vol, info = gluster_node_mount(name), nodes.volume(name)
        poll(lambda vol=vol, info=info: client_sees_every_brick(vol, info), timeout=30)
    try:
        yield nodes
    finally:
        nodes.restore(ALL)
    nodes.heal(REP)
    nodes.heal(DISP)


@pytest.fixture
def rep(gluster_node_mount: Callable[[str], Volume]) -> Volume:
    return gluster_node_mount(REP)


@pytest.fixture
def dist(gluster_node_mount: Callable[[str], Volume]) -> Volume:
    return gluster_node_mount(DIST)


@pytest.fixture
def disp(gluster_node_mount: Callable[[str], Volume]) -> Volume:
    return gluster_node_mount(DISP)


def workdir(vol: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    with scratch_dir(vol, request.node.name) as path:
        yield path


@pytest.fixture
def rep_dir(rep: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    yield from workdir(rep, request)


@pytest.fixture
def dist_dir(dist: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    yield from workdir(dist, request)


@pytest.fixture
def disp_dir(disp: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    yield from workdir(disp, request)


def test_three_nodes_in_their_own_namespaces(nodes: NodeCluster, rep: Volume) -> None:
    """The cluster really is three glusterds apart from the machine's, one brick each."""
    own_ns = os.readlink("/proc/self/ns/net")
    seen = set()
    for node in nodes.nodes:
        glusterd = [p for p in nodes.processes(node.index) if p.comm == "glusterd"]
        assert len(glusterd) == 1, node
        ns = os.readlink(f"/proc/{glusterd[0].pid}/ns/net")
        assert ns != own_ns
        seen.add(ns)
        assert f"management.working-directory={node.workdir}" in glusterd[0].argv
    assert len(seen) == 3
    layouts = {REP: ("Replicate", 3), DIST: ("Distribute", 1), DISP: ("Disperse", 1)}
    for name, (vtype, replica) in layouts.items():
        (info,) = parse_volume_info_xml(nodes.gluster("volume", "info", name, "--xml").stdout)
        assert (info.type, info.replica_count, info.status) == (vtype, replica, "Started")
        assert list(info.bricks) == nodes.volume(name).brick_specs
        assert info.options["network.ping-timeout"] == "5"
    root = ET.fromstring(nodes.gluster("pool", "list", "--xml").stdout)
    assert sorted(p.findtext("hostname") or "" for p in root.iter("peer")) == sorted(
        ["localhost", "10.213.0.12", "10.213.0.13"]
    )
    volfile = rep.get_volfile().decode()
    for address in nodes.hosts:
        assert f"option remote-host {address}" in volfile


def test_replica_node_stopped_mid_write(healthy: NodeCluster, rep: Volume, rep_dir: str) -> None:
    """A node lost mid-write on replica 3: no error; every brick identical after heal."""
    path = f"{rep_dir}/mid-write.bin"
    expected = hashlib.sha256()
    slowest = 0.0
    with rep.fopen(path, "wb") as f:
        for i in range(32):
            block = os.urandom(MiB)
            expected.update(block)
            t0 = time.monotonic()
            assert f.write(block) == MiB
            slowest = max(slowest, time.monotonic() - t0)
            if i == 8:
                pids = healthy.stop_node(2)
                assert len(pids) >= 3  # glusterd, the bricks, the self-heal daemon
        f.fsync()
    assert rep.getsize(path) == 32 * MiB
    assert gpath_sha256(rep, path) == expected.hexdigest()
    restart = healthy.start_node(2, [REP])
    heal = healthy.heal(REP)
    print(
        f"\nnode stopped mid-write: slowest write {slowest:.3f}s; node back in "
        f"{restart:.1f}s; heal {heal:.1f}s"
    )
    info = healthy.volume(REP)
    for index in range(3):
        assert sha256_file(info.brick_file(index, path)) == expected.hexdigest(), index
        assert afr_pending(info, index, path) == {}, index


def test_replica_two_nodes_stopped_then_same_volume_recovers(
    healthy: NodeCluster, rep: Volume, rep_dir: str
) -> None:
    """Quorum lost: ENOTCONN by close() at the latest; the same Volume works once back."""
    path = f"{rep_dir}/quorum.bin"
    with rep.fopen(path, "wb") as f:
        f.write(b"a" * MiB)
        f.fsync()
    f = rep.fopen(path, "r+b")
    healthy.stop_node(2)
    healthy.stop_node(3)
    t0 = time.monotonic()
    first: OSError | None = None
    try:
        f.write(b"b" * 4096)  # write-behind may take this...
        f.fsync()  # ...then fsync or close reports the loss
    except OSError as exc:
        first = exc
    try:
        f.close()
    except OSError as exc:
        first = first or exc
    noticed = time.monotonic() - t0
    assert f.closed
    assert first is not None, "no error although two of three nodes are gone"
    assert first.errno == errno.ENOTCONN, first
    with pytest.raises(OSError) as info:
        rep.fopen(f"{rep_dir}/new.bin", "wb")
    assert info.value.errno == errno.ENOTCONN
    assert info.value.filename == f"{rep_dir}/new.bin"
    restart = healthy.restore([REP])

    def works() -> bool:
        with rep.fopen(f"{rep_dir}/after.bin", "wb") as g:
            g.write(b"c" * MiB)
            g.fsync()
        return rep.getsize(f"{rep_dir}/after.bin") == MiB

    usable = poll(works, timeout=60)
    print(
        f"\ntwo nodes stopped: ENOTCONN after {noticed:.3f}s; nodes back in {restart:.1f}s; "
        f"same Volume usable {usable:.1f}s later"
    )
    with rep.fopen(path, "rb") as g:
        assert g.read() == b"a" * MiB  # what was fsynced before the loss survives
    healthy.heal(REP)
    vol = healthy.volume(REP)
    for index in range(3):
        assert vol.brick_file(index, path).read_bytes() == b"a" * MiB, index
        assert vol.brick_file(index, f"{rep_dir}/after.bin").read_bytes() == b"c" * MiB


def test_distribute_with_a_node_down(healthy: NodeCluster, dist: Volume, dist_dir: str) -> None:
    """Files on live nodes stay readable; those on the dead node fail fast, never hang."""
    info = healthy.volume(DIST)
    contents = {f"{dist_dir}/f{i:02d}": os.urandom(4096 + i) for i in range(24)}
    for path, data in contents.items():
        with dist.fopen(path, "wb") as f:
            f.write(data)
    home = {}
    for path in contents:
        copies = [info.brick_file(i, path) for i in range(3)]
        (index,) = [i for i, c in enumerate(copies) if c.exists() and c.stat().st_size > 0]
        home[path] = index
    assert set(home.values()) == {0, 1, 2}, home  # 24 names spread over every node
    healthy.stop_node(3)
    slowest = 0.0
    dead_errors: list[str] = []
    for path, data in contents.items():
        t0 = time.monotonic()
        if home[path] == 2:
            with pytest.raises(OSError) as exc:
                dist.fopen(path, "rb")
            # DHT in 10.3 answers ENOENT (mostly: the name looks missing) or ENOTCONN
            assert exc.value.errno in (errno.ENOTCONN, errno.ENOENT), exc.value
            assert exc.value.filename == path
            dead_errors.append(errno.errorcode[exc.value.errno])
        else:
            with dist.fopen(path, "rb") as f:
                assert f.read() == data
        slowest = max(slowest, time.monotonic() - t0)
    assert slowest < MOUNT_TIMEOUT
    listed = sorted(dist.listdir(dist_dir))
    live = sorted(os.path.basename(p) for p in contents if home[p] != 2)
    assert listed == live
    # a new name that hashes to the dead node cannot be created: ENOTCONN, not a hang
    refused = 0
    for i in range(12):
        t0 = time.monotonic()
        try:
            with dist.fopen(f"{dist_dir}/new{i}", "wb") as f:
                f.write(b"n")
        except OSError as exc:
            assert exc.errno == errno.ENOTCONN, exc
            refused += 1
        slowest = max(slowest, time.monotonic() - t0)
    assert 0 < refused < 12
    print(
        f"\ndistribute, node 3 down: slowest call {slowest:.3f}s; dead files raise "
        f"{dead_errors} (in order); {refused}/12 new names refused with ENOTCONN"
    )
    healthy.restore([DIST])
    for path, data in contents.items():
        poll(lambda path=path, data=data: dist.fopen(path, "rb").read() == data, timeout=30)


# The bounds are the mount timeouts: the default one must suffice even when unplugged.
@pytest.mark.parametrize(("fault", "bound"), [("stopped", 10.0), ("unplugged", 30.0)])
def test_mount_with_first_volfile_server_down(
    healthy: NodeCluster, rep: Volume, rep_dir: str, fault: str, bound: float
) -> None:
    """A mount whose first volfile server is down falls through to the next.

    A stopped node refuses the connection at once; an unplugged one (packets vanish, as
    with a server that lost power) would cost libgfapi's connect timeout, but the mount
    probes the servers first and lists the answering ones first; what remains is the
    wait for that node's brick.
    """
    path = f"{rep_dir}/before.bin"
    with rep.fopen(path, "wb") as f:
        f.write(b"m" * 1000)
    with contextlib.ExitStack() as stack:
        if fault == "stopped":
            healthy.stop_node(1)
        else:
            stack.enter_context(healthy.unplugged(1, limit=bound + 30))
        t0 = time.monotonic()
        vol = Volume(healthy.hosts, REP, timeout=bound)
        vol.mount()
        try:
            mounted = time.monotonic() - t0
            with vol.fopen(path, "rb") as f:
                assert f.read() == b"m" * 1000
        finally:
            vol.umount()
    print(f"\nfirst volfile server {fault}: mounted through the next in {mounted:.2f}s")
    assert mounted < bound


def test_node_that_missed_writes_comes_back_healed(
    healthy: NodeCluster, rep: Volume, rep_dir: str
) -> None:
    """A node returns after missed writes: heal completes, and its copy is what gpath reads."""
    info = healthy.volume(REP)
    old, new, gone = f"{rep_dir}/old.bin", f"{rep_dir}/new.bin", f"{rep_dir}/gone.bin"
    moved_from, moved_to = f"{rep_dir}/from.bin", f"{rep_dir}/to.bin"
    for p in (old, gone, moved_from):
        with rep.fopen(p, "wb") as f:
            f.write(b"before " + p.encode())
    healthy.heal(REP)
    healthy.stop_node(3)
    old_data, new_data = os.urandom(3 * MiB), os.urandom(2 * MiB + 7)
    with rep.fopen(old, "wb") as f:
        f.write(old_data)
    with rep.fopen(new, "wb") as f:
        f.write(new_data)
    rep.unlink(gone)
    rep.rename(moved_from, moved_to)
    rep.mkdir(f"{rep_dir}/sub")
    restart = healthy.start_node(3, [REP])
    heal = healthy.heal(REP)
    print(f"\nnode that missed writes: back in {restart:.1f}s, healed in {heal:.1f}s")
    assert info.brick_file(2, old).read_bytes() == old_data
    assert info.brick_file(2, new).read_bytes() == new_data
    assert not info.brick_file(2, gone).exists()
    assert not info.brick_file(2, moved_from).exists()
    assert info.brick_file(2, moved_to).read_bytes() == b"before " + moved_from.encode()
    assert info.brick_file(2, f"{rep_dir}/sub").is_dir()
    # Read through gpath from the returned node alone: the other two stopped, and a reader
    # that does not insist on quorum (reads need it by default).
    reader = Volume(
        healthy.hosts[2:], REP, xlator_options={(f"{REP}-replicate-0", "quorum-type"): "none"}
    )
    reader.mount(timeout=MOUNT_TIMEOUT)
    try:
        healthy.stop_node(1)
        healthy.stop_node(2)
        with reader.fopen(old, "rb") as f:
            assert f.read() == old_data
        with reader.fopen(new, "rb") as f:
            assert f.read() == new_data
        assert sorted(reader.listdir(rep_dir)) == ["new.bin", "old.bin", "sub", "to.bin"]
    finally:
        reader.umount()


@pytest.mark.parametrize("fault", ["frozen", "unplugged"])
def test_hung_node_stall_is_bounded_by_ping_timeout(
    healthy: NodeCluster, rep: Volume, rep_dir: str, fault: str
) -> None:
    """A frozen (SIGSTOP) or unplugged node stalls calls for about the ping-timeout;
    then they complete, and the data is intact on every brick after heal."""
    path = f"{rep_dir}/frozen.bin"
    expected = hashlib.sha256()
    durations: list[float] = []
    errors: list[BaseException] = []
    frozen = threading.Event()
    ready = threading.Event()

    def writer() -> None:
        try:
            with rep.fopen(path, "wb") as f:
                for i in range(24):
                    block = os.urandom(MiB)
                    expected.update(block)
                    t0 = time.monotonic()
                    f.write(block)
                    if i == 6:
                        ready.set()
                        frozen.wait(30)
                    if i in (7, 23):
                        f.fsync()  # needs every live brick: the stall shows here
                    durations.append(time.monotonic() - t0)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            ready.set()

    thread = threading.Thread(target=writer, name="frozen-node-writer")
    thread.start()
    try:
        assert ready.wait(60)
        with contextlib.ExitStack() as stack:
            if fault == "frozen":
                assert len(stack.enter_context(healthy.frozen(2, limit=60))) >= 3
            else:
                stack.enter_context(healthy.unplugged(2, limit=60))
            frozen.set()
            thread.join(55)
            assert not thread.is_alive(), "writes still stalled with the node frozen"
    finally:
        frozen.set()
        thread.join(60)
    assert not errors, errors
    stall = max(durations)
    print(f"\n{fault} node: longest write/fsync {stall:.1f}s (ping-timeout {PING_TIMEOUT:.0f}s)")
    assert PING_TIMEOUT * 0.4 < stall < PING_TIMEOUT * 3
    assert gpath_sha256(rep, path) == expected.hexdigest()
    healthy.restore([REP])
    healthy.heal(REP)
    info = healthy.volume(REP)
    for index in range(3):
        assert sha256_file(info.brick_file(index, path)) == expected.hexdigest(), index


def test_disperse_node_stopped_mid_write_then_healed(
    healthy: NodeCluster, disp: Volume, disp_dir: str
) -> None:
    """Disperse 2+1: a node lost mid-write costs nothing; its healed fragment decodes."""
    path = f"{disp_dir}/ec.bin"
    data = os.urandom(12 * MiB + 12345)
    with disp.fopen(path, "wb") as f:
        for i in range(0, len(data), MiB):
            f.write(data[i : i + MiB])
            if i == 4 * MiB:
                healthy.stop_node(3)
        f.fsync()
    assert gpath_sha256(disp, path) == hashlib.sha256(data).hexdigest()
    healthy.start_node(3, [DISP])
    heal = healthy.heal(DISP)
    info = healthy.volume(DISP)
    fragment = {info.brick_file(i, path).stat().st_size for i in range(3)}
    assert len(fragment) == 1  # every fragment whole again
    versions = {os.getxattr(info.brick_file(i, path), "trusted.ec.version") for i in range(3)}
    assert len(versions) == 1
    # Decode with the healed fragment in play: node 1 (a fragment never lost) stopped.
    poll(lambda: client_sees_every_brick(disp, info), timeout=30)
    healthy.stop_node(1)
    try:
        assert gpath_sha256(disp, path) == hashlib.sha256(data).hexdigest()
    finally:
        healthy.restore([DISP])
    print(
        f"\ndisperse 2+1, node stopped mid-write: healed in {heal:.1f}s; fragment "
        f"{fragment.pop()} bytes on each node"
    )
