"""The multi-node harness itself: names, refusals, and the life of a one-node cluster.

The one-node cluster here is separate from the session's three-node one (its own tag,
network 10.213.1.0/24 and directory), so bringing it up and down touches nothing else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from gpath.testing.cluster import HarnessError, NodeCluster, NodeProcess
from gpath.testing.cluster._netns import link_exists, make_network, netns_exists
from gpath.testing.cluster._nodes import _pinned_signal, _proc_stat

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def test_network_names_and_addresses() -> None:
    net = make_network("10.213.0.0/24", 3)
    assert net.bridge == "gpath-mnbr"
    assert net.namespaces == ("gpath-mn1", "gpath-mn2", "gpath-mn3")
    assert net.host_links == ("gpath-mn1h", "gpath-mn2h", "gpath-mn3h")
    assert net.addresses == ("10.213.0.11", "10.213.0.12", "10.213.0.13")
    assert net.gateway == "10.213.0.1"
    assert all(len(n) <= 15 for n in (net.bridge, *net.namespaces, *net.host_links))


@pytest.mark.parametrize(
    ("prefix", "count", "message"),
    [
        ("10.213.0.0/16", 3, "private /24"),
        ("8.8.8.0/24", 3, "private /24"),
        ("10.213.0.0/24", 0, "out of range"),
        ("10.213.0.0/24", 10, "out of range"),
        ("10.213.0.300/24", 3, "bad node network"),
    ],
)
def test_bad_networks_are_refused(prefix: str, count: int, message: str) -> None:
    with pytest.raises(HarnessError, match=message):
        make_network(prefix, count)


@pytest.mark.parametrize("tag", ["", "x", "Upper", "much-too-long-tag", "a b"])
def test_bad_tags_are_refused(tag: str) -> None:
    with pytest.raises(HarnessError, match="bad cluster tag"):
        NodeCluster(1, "10.213.1.0/24", tag=tag)


def test_signal_refused_for_a_process_outside_our_namespaces() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        stat = _proc_stat(child.pid)
        assert stat is not None
        proc = NodeProcess(child.pid, stat[1], "glusterd", ("sleep", "30"))
        with pytest.raises(HarnessError, match="not a gluster process of our node"):
            _pinned_signal(proc, "net:[1]", signal.SIGTERM)
        assert child.poll() is None
        stale = NodeProcess(child.pid, stat[1] + 1, "glusterd", ())
        assert _pinned_signal(stale, "net:[1]", signal.SIGTERM) is False  # not that process
        assert child.poll() is None
        for bad in (0, 1, -1, os.getpid()):
            with pytest.raises(HarnessError, match="refusing to signal"):
                _pinned_signal(NodeProcess(bad, 0, "glusterd", ()), "net:[1]", signal.SIGTERM)
    finally:
        child.kill()
        child.wait()


@root_only
def test_foreign_namespace_is_refused() -> None:
    nodes = NodeCluster(1, "10.213.2.0/24", tag="gpath-mx")
    subprocess.run(["ip", "netns", "add", "gpath-mx1"], check=True)
    try:
        with pytest.raises(HarnessError, match="not created by this harness"):
            nodes.up(volumes=[])
        assert not link_exists("gpath-mxbr")  # nothing half-made
        assert not (nodes.base / "state.json").exists()
        nodes.down()
        assert netns_exists("gpath-mx1")  # not ours: left alone
    finally:
        subprocess.run(["ip", "netns", "del", "gpath-mx1"], check=True)
    assert not nodes.base.exists()


def _glusterd(nodes: NodeCluster) -> int:
    (pid,) = [p.pid for p in nodes.processes(1) if p.comm == "glusterd"]
    return pid


def _state(pid: int) -> str:
    stat = _proc_stat(pid)
    return "gone" if stat is None else stat[0]


@root_only
def test_one_node_cluster_life() -> None:
    """up, reuse, freeze (bounded), stop, start, down: and nothing is left behind."""
    nodes = NodeCluster(1, "10.213.1.0/24", tag="gpath-mt")
    base: Path = nodes.base
    try:
        assert nodes.up(volumes=[]) == {}
        first = _glusterd(nodes)
        assert os.readlink(f"/proc/{first}/ns/net") != os.readlink("/proc/self/ns/net")
        nodes.up(volumes=[])
        assert _glusterd(nodes) == first  # a second up reuses the running node
        with nodes.frozen(1, limit=1.0) as pids:
            assert pids == [first]
            assert _state(first) == "T"
            time.sleep(2.0)  # past the limit: thawed although the block still runs
            assert _state(first) in ("S", "R")
        assert nodes.stop_node(1) == [first]
        assert _state(first) in ("gone", "Z") and nodes.processes(1) == []  # Z: init reaps late
        nodes.start_node(1)
        assert _glusterd(nodes) != first
        assert nodes.gluster("volume", "list", check=False).returncode == 0
    finally:
        nodes.down()
    assert not netns_exists("gpath-mt1")
    assert not link_exists("gpath-mt1h") and not link_exists("gpath-mtbr")
    assert not base.exists()


def test_patching_the_package_reaches_its_modules(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``monkeypatch.setattr(cluster, NAME, ...)`` rebinds NAME where the modules use it."""
    from gpath.testing import cluster
    from gpath.testing.cluster import _config, _state, _volumes

    monkeypatch.setattr(cluster, "STATE_DIR", tmp_path)
    assert _config.STATE_DIR == tmp_path and _state.STATE_DIR == tmp_path
    assert NodeCluster(1, "10.213.1.0/24", tag="gpath-mt").base == tmp_path / "nodes-gpath-mt"
    monkeypatch.setattr(cluster, "brick_pids", lambda name: [4242])
    assert _volumes.brick_pids("x") == [4242]
    monkeypatch.undo()
    assert _config.STATE_DIR == cluster.STATE_DIR != tmp_path
    assert _volumes.brick_pids is cluster.brick_pids
