"""A GlusterFS cluster of several nodes on this machine, and node-level faults on it.

Each node is one glusterd in a network namespace of its own (see ``_netns``), with its own
working, run and log directories, pid file and socket file under ``STATE_DIR/nodes/nK``,
in the manner of GlusterFS's own ``tests/cluster.rc``.  Peers are probed by address, so
the volfiles carry addresses that a client in the root namespace reaches directly.

Safety: a process is only signalled after a pidfd pins it and ``/proc`` proves that it
lives in one of our namespaces and is a glusterd, glusterfsd or glusterfs; pids ``<= 1``
and this process are never signalled.  Only recorded links, namespaces and directories
below ``STATE_DIR/nodes`` are removed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

from . import _config
from ._cli import _gluster, _Result, _run
from ._netns import (
    Network,
    ensure_network,
    make_network,
    netns_exists,
    netns_inode,
    remove_network,
    set_node_link,
)
from ._procs import _check_pid_value, _proc_cmdline, _proc_comm, _proc_stat
from ._state import _read_json, _write_json
from ._types import GlusterCommandError, GlusterVolume, HarnessError
from ._volumes import _bricks_intact
from ._xml import parse_heal_info, parse_volume_info_xml, parse_volume_status_xml

__all__ = [
    "NODE_COUNT",
    "NODE_NETWORK",
    "NODE_VOLUMES",
    "NODE_VOLUME_OPTIONS",
    "Node",
    "NodeCluster",
    "NodeLayout",
    "NodeProcess",
    "NodeVolume",
    "nodes_down",
    "nodes_up",
]

log = logging.getLogger("gpath.testing")

NodeLayout = Literal["distribute", "replicate", "disperse"]

#: The private /24 the nodes live on (the bridge takes .1, node K takes .1K).
NODE_NETWORK = os.environ.get("GPATH_TESTING_NODE_NET", "10.213.0.0/24")
#: Nodes in the default cluster.
NODE_COUNT = 3
#: Options of every node volume: a short ping timeout makes a lost node show in seconds.
NODE_VOLUME_OPTIONS: Mapping[str, str] = {"network.ping-timeout": "5"}
#: The volumes across the nodes: one brick per node each.
NODE_VOLUMES: dict[str, NodeLayout] = {
    "gpmn_dist3": "distribute",
    "gpmn_rep3": "replicate",
    "gpmn_disp3": "disperse",
}
NODE_START_TIMEOUT = 60.0
#: Prefix of the cluster's link and namespace names (``gpath-mnbr``, ``gpath-mn1``...).
NODE_TAG = "gpath-mn"
_GLUSTER_COMMS = frozenset({"glusterd", "glusterfsd", "glusterfs"})


@dataclasses.dataclass(frozen=True)
class Node:
    """One node: its index (from 1), address, network namespace and directories."""

    index: int
    address: str
    netns: str
    root: Path

    @property
    def workdir(self) -> Path:
        """glusterd's working directory (its /var/lib/glusterd)."""
        return self.root / "glusterd"

    @property
    def rundir(self) -> Path:
        """glusterd's run directory: pid files and sockets of its daemons."""
        return self.root / "run"

    @property
    def logdir(self) -> Path:
        """glusterd's log directory (brick logs go below it too)."""
        return self.root / "log"

    @property
    def sockfile(self) -> Path:
        """The socket the ``gluster`` CLI reaches this node's glusterd by."""
        return self.rundir / "glusterd.socket"

    @property
    def pidfile(self) -> Path:
        """glusterd's pid file."""
        return self.root / "glusterd.pid"

    @property
    def bricks(self) -> Path:
        """The directory holding this node's bricks."""
        return self.root / "bricks"

    def brick(self, volname: str) -> Path:
        """This node's brick directory of volume ``volname``."""
        return self.bricks / volname / "b"


@dataclasses.dataclass(frozen=True)
class NodeProcess:
    """A gluster process of a node, as /proc showed it: pid, start time, comm, argv."""

    pid: int
    starttime: int
    comm: str
    argv: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class NodeVolume:
    """A volume across the nodes: brick ``i`` is on ``nodes[i]``."""

    name: str
    layout: NodeLayout
    nodes: tuple[Node, ...]

    @property
    def hosts(self) -> list[str]:
        """Volfile servers for a client, in node order."""
        return [n.address for n in self.nodes]

    @property
    def brick_specs(self) -> list[str]:
        """Bricks in gluster's ``address:/path`` notation, in node order."""
        return [f"{n.address}:{n.brick(self.name)}" for n in self.nodes]

    def brick_file(self, index: int, path: str) -> Path:
        """Where brick ``index`` keeps its copy of volume path ``path``."""
        return self.nodes[index].brick(self.name) / path.lstrip("/")


def _ns_of(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return None


def _pinned_signal(proc: NodeProcess, ns_link: str, sig: int) -> bool:
    """Send ``sig`` to exactly ``proc`` if it still is that process; False if it is gone."""
    pid = _check_pid_value(proc.pid)
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return False
    try:
        st = _proc_stat(pid)
        if st is None or st[1] != proc.starttime or st[0] in ("Z", "X"):
            return False
        if _ns_of(pid) != ns_link or _proc_comm(pid) not in _GLUSTER_COMMS:
            raise HarnessError(f"pid {pid} is not a gluster process of our node; refusing")
        signal.pidfd_send_signal(pidfd, sig)
        return True
    finally:
        os.close(pidfd)


class NodeCluster:
    """N glusterd nodes on this machine, the volumes across them, and node faults.

    ``up()`` is idempotent and reuses a running cluster; ``down()`` removes everything the
    cluster created.  Node indexes count from 1, as in ``tests/cluster.rc``.
    """

    def __init__(
        self, count: int = NODE_COUNT, network: str | None = None, tag: str = NODE_TAG
    ) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9-]{1,9}", tag):
            raise HarnessError(f"bad cluster tag {tag!r}: 2-10 of a-z, 0-9, '-'")
        self.base = _config.STATE_DIR / ("nodes" if tag == NODE_TAG else f"nodes-{tag}")
        recorded = _read_json(self.base / "state.json")
        net_text = recorded.get("network") if network is None else network
        rec_count = recorded.get("count")
        if isinstance(rec_count, int) and network is None and count == NODE_COUNT:
            count = rec_count
        self.net: Network = make_network(
            net_text if isinstance(net_text, str) else NODE_NETWORK, count, tag
        )
        self.nodes: tuple[Node, ...] = tuple(
            Node(i, addr, ns, self.base / f"n{i}")
            for i, addr, ns in zip(
                range(1, count + 1), self.net.addresses, self.net.namespaces, strict=True
            )
        )
        self._thread_lock = threading.RLock()

    # ---- bookkeeping -----------------------------------------------------------------

    @property
    def hosts(self) -> list[str]:
        """Every node's address, in node order (the volfile servers of a client)."""
        return [n.address for n in self.nodes]

    def node(self, index: int) -> Node:
        """Node ``index`` (1..N); :class:`HarnessError` for any other value."""
        if not isinstance(index, int) or not 1 <= index <= len(self.nodes):
            raise HarnessError(f"no node {index!r}; nodes are 1..{len(self.nodes)}")
        return self.nodes[index - 1]

    def volume(self, name: str) -> NodeVolume:
        """The node volume ``name`` as a client needs it (hosts, bricks per node)."""
        if name not in NODE_VOLUMES:
            raise HarnessError(f"unknown node volume {name!r}; known: {sorted(NODE_VOLUMES)}")
        return NodeVolume(name, NODE_VOLUMES[name], self.nodes)

    def _state(self) -> dict[str, object]:
        return _read_json(self.base / "state.json")

    def _owned(self) -> list[str]:
        owned = self._state().get("owned")
        return [str(n) for n in owned] if isinstance(owned, list) else []

    def _record(self, **changes: object) -> None:
        state = self._state()
        state.update(changes)
        state.update(network=str(self.net.prefix), count=len(self.nodes))
        _write_json(self.base / "state.json", state)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise structural changes between processes (flock on STATE_DIR/nodes/lock)."""
        if os.geteuid() != 0:
            raise HarnessError("the multi-node cluster needs root")
        with self._thread_lock:
            self.base.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.base / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    # ---- processes ---------------------------------------------------------------------

    def processes(self, index: int) -> list[NodeProcess]:
        """The gluster processes living in node ``index``'s namespace, by /proc."""
        node = self.node(index)
        inode = netns_inode(node.netns)
        if inode is None:
            return []
        link = f"net:[{inode}]"
        found: list[NodeProcess] = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) <= 1:
                continue
            pid = int(entry.name)
            if _ns_of(pid) != link:
                continue
            comm = _proc_comm(pid)
            st = _proc_stat(pid)
            if comm not in _GLUSTER_COMMS or st is None or st[0] in ("Z", "X"):
                continue
            found.append(NodeProcess(pid, st[1], comm, tuple(_proc_cmdline(pid) or ())))
        return sorted(found, key=lambda p: p.pid)

    def _signal_all(self, index: int, sig: int) -> list[NodeProcess]:
        node = self.node(index)
        inode = netns_inode(node.netns)
        if inode is None:
            return []
        hit = []
        for proc in self.processes(index):
            if proc.pid == os.getpid():
                continue
            if _pinned_signal(proc, f"net:[{inode}]", sig):
                hit.append(proc)
        return hit

    def glusterd_running(self, index: int) -> bool:
        """True iff node ``index`` has a live (possibly frozen) glusterd."""
        return any(p.comm == "glusterd" for p in self.processes(index))

    # ---- the gluster CLI ---------------------------------------------------------------

    def gluster(self, *args: str, via: int | None = None, check: bool = True) -> _Result:
        """``gluster ARGS`` through node ``via``'s socket (default: the first live node)."""
        if via is None:
            live = [n.index for n in self.nodes if self.glusterd_running(n.index)]
            if not live:
                raise HarnessError("no node's glusterd is running")
            via = live[0]
        sock = f"--glusterd-sock={self.node(via).sockfile}"
        return _gluster(sock, *args, timeout=60.0, check=check)

    def _volume_info(self, name: str, via: int | None = None) -> GlusterVolume | None:
        res = self.gluster("volume", "info", name, "--xml", via=via, check=False)
        if res.returncode != 0:
            if "does not exist" in res.output.lower():
                return None
            raise GlusterCommandError(res.argv, res.returncode, res.output)
        vols = [v for v in parse_volume_info_xml(res.stdout) if v.name == name]
        return vols[0] if vols else None

    def bricks_online(self, name: str, via: int | None = None) -> list[bool]:
        """Per node, whether its brick of ``name`` is online (as glusterd sees it)."""
        res = self.gluster("volume", "status", name, "--xml", via=via, check=False)
        if res.returncode != 0:
            return [False] * len(self.nodes)
        bricks, _ = parse_volume_status_xml(res.stdout)
        by_spec = {f"{b.host}:{b.path}": b.online for b in bricks}
        return [by_spec.get(spec, False) for spec in self.volume(name).brick_specs]

    def wait_online(
        self, name: str, nodes: Iterable[int] | None = None, timeout: float = NODE_START_TIMEOUT
    ) -> float:
        """Wait until the bricks of ``name`` on ``nodes`` (default: all) are online."""
        want = [i - 1 for i in (nodes or [n.index for n in self.nodes])]
        t0 = time.monotonic()
        while True:
            with contextlib.suppress(HarnessError):
                online = self.bricks_online(name)
                if all(online[i] for i in want):
                    return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise HarnessError(f"bricks of {name} on nodes {want} not online in {timeout}s")
            time.sleep(0.3)

    # ---- glusterd of one node ------------------------------------------------------------

    def _start_glusterd(self, node: Node) -> NodeProcess:
        self._spawn_glusterd(node)
        return self._await_glusterd(node)

    def _spawn_glusterd(self, node: Node) -> None:
        for d in (node.workdir, node.rundir, node.logdir, node.bricks):
            d.mkdir(parents=True, exist_ok=True)
        node.pidfile.unlink(missing_ok=True)
        binary = shutil.which("glusterd") or "/usr/sbin/glusterd"
        ip = shutil.which("ip") or "/usr/sbin/ip"
        opts = {
            "management.working-directory": node.workdir,
            "management.transport.socket.bind-address": node.address,
            "management.run-directory": node.rundir,
            "management.glusterd-sockfile": node.sockfile,
            "management.logging-directory": node.logdir,
        }
        argv = [ip, "netns", "exec", node.netns, binary, "-LINFO"]
        for key, value in opts.items():
            argv += ["--xlator-option", f"{key}={value}"]
        argv += [f"--pid-file={node.pidfile}", f"--log-file={node.logdir / 'glusterd.log'}"]
        with open(node.logdir / "glusterd-start.log", "ab") as out:
            cp = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                timeout=60,
                start_new_session=True,
                check=False,
            )
        if cp.returncode != 0:
            raise HarnessError(f"glusterd of node {node.index} exited with {cp.returncode}")

    def _await_glusterd(self, node: Node) -> NodeProcess:
        deadline = time.monotonic() + NODE_START_TIMEOUT
        while True:
            glusterd = [p for p in self.processes(node.index) if p.comm == "glusterd"]
            if glusterd and node.sockfile.exists():
                res = self.gluster("volume", "list", via=node.index, check=False)
                if res.returncode == 0 or "no volumes present" in res.output.lower():
                    self._record(**{f"glusterd{node.index}": dataclasses.asdict(glusterd[0])})
                    return glusterd[0]
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"glusterd of node {node.index} not answering after {NODE_START_TIMEOUT}s "
                    f"(see {node.logdir / 'glusterd.log'})"
                )
            time.sleep(0.2)

    def _peers_connected(self) -> bool:
        res = self.gluster("pool", "list", "--xml", via=1, check=False)
        if res.returncode != 0:
            return False
        root = ET.fromstring(res.stdout)
        peers = root.findall("./peerStatus/peer")
        return len(peers) == len(self.nodes) and all(
            (p.findtext("connected") or "").strip() == "1" for p in peers
        )

    def _ensure_peers(self) -> None:
        deadline = time.monotonic() + NODE_START_TIMEOUT
        for node in self.nodes[1:]:
            self.gluster("peer", "probe", node.address, via=1)
        while not self._peers_connected():
            if time.monotonic() > deadline:
                res = self.gluster("pool", "list", via=1, check=False)
                raise HarnessError(f"peers not all connected: {res.output}")
            time.sleep(0.3)

    # ---- volumes -----------------------------------------------------------------------

    def _brick_is_ours(self, spec: str) -> bool:
        return any(spec.startswith(f"{n.address}:{n.bricks}/") for n in self.nodes)

    def _create_volume(self, vol: NodeVolume) -> None:
        for node in self.nodes:
            path = node.brick(vol.name)
            if path.parent.exists():
                _wipe_below(path.parent, self.base)
            path.mkdir(parents=True)
        args = ["volume", "create", vol.name]
        if vol.layout == "replicate":
            args += ["replica", str(len(self.nodes))]
        elif vol.layout == "disperse":
            args += ["disperse", str(len(self.nodes)), "redundancy", "1"]
        self.gluster(*args, *vol.brick_specs, "force")

    def ensure_volume(self, name: str) -> NodeVolume:
        """Create, start and heal-ready one of :data:`NODE_VOLUMES`; reuse it if it is."""
        vol = self.volume(name)
        info = self._volume_info(name)
        if info is not None and (list(info.bricks) != vol.brick_specs or not _bricks_intact(info)):
            if not all(self._brick_is_ours(b) for b in info.bricks):
                raise HarnessError(f"node volume {name} has bricks outside {self.base}")
            log.info("node volume %s is a leftover of another shape; recreating", name)
            if info.started:
                self.gluster("volume", "stop", name, "force")
            self.gluster("volume", "delete", name)
            info = None
        if info is None:
            self._create_volume(vol)
            info = self._volume_info(name)
            if info is None:
                raise HarnessError(f"node volume {name} vanished right after create")
        for key, value in NODE_VOLUME_OPTIONS.items():
            if info.options.get(key) != value:
                self.gluster("volume", "set", name, key, value)
        if not info.started:
            self.gluster("volume", "start", name)
        elif not all(self.bricks_online(name)):
            self.gluster("volume", "start", name, "force")
        self.wait_online(name)
        return vol

    # ---- whole cluster -----------------------------------------------------------------

    def up(self, volumes: Iterable[str] | None = None) -> dict[str, NodeVolume]:
        """Bring up network, glusterds, peers and volumes; reuse whatever already runs."""
        t0 = time.monotonic()
        names = list(NODE_VOLUMES) if volumes is None else list(volumes)
        with self._locked():
            _config._check_state_dir()
            created = ensure_network(self.net, self._owned())
            self._record(owned=sorted({*self._owned(), *created}))
            for node in self.nodes:
                set_node_link(self.net, node.index - 1, up=True)
                self._signal_all(node.index, signal.SIGCONT)  # a freeze an earlier run left
                if not self.glusterd_running(node.index):
                    self._start_glusterd(node)
            self._ensure_peers()
            vols = {name: self.ensure_volume(name) for name in names}
        log.info("node cluster %s up in %.1fs", " ".join(self.hosts), time.monotonic() - t0)
        return vols

    def down(self) -> list[str]:
        """Stop every process of our nodes, remove our namespaces, links and directories."""
        with self._locked():
            owned = self._owned()
            for node in self.nodes:
                if netns_exists(node.netns) and node.netns in owned:
                    self._kill_node(node.index)
            removed = remove_network(self.net, owned)
            if self.base.exists():
                for child in self.base.iterdir():
                    if child.name != "lock":
                        _wipe_below(child, self.base)
            (self.base / "lock").unlink(missing_ok=True)  # flock holders keep their fd
            self.base.rmdir()
        return removed

    # ---- node faults -------------------------------------------------------------------

    def _kill_node(self, index: int, timeout: float = 30.0) -> list[int]:
        node = self.node(index)
        self._signal_all(index, signal.SIGCONT)  # a frozen node dies as promptly as any
        hit = self._signal_all(index, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while self.processes(index):
            if time.monotonic() > deadline:
                left = [p.pid for p in self.processes(index)]
                raise HarnessError(f"node {index} processes {left} alive {timeout}s after KILL")
            time.sleep(0.05)
        # glusterd trusts pid files on restart; stale ones could name a recycled pid
        for pidfile in node.rundir.rglob("*.pid") if node.rundir.exists() else ():
            pidfile.unlink(missing_ok=True)
        node.pidfile.unlink(missing_ok=True)
        return [p.pid for p in hit]

    def stop_node(self, index: int) -> list[int]:
        """Kill node ``index``'s glusterd, bricks and daemons (SIGKILL, exact pids).

        Its address keeps answering, with a refusal, as a host whose gluster processes
        died; :meth:`cut_node` takes the address off the network as well.
        """
        pids = self._kill_node(index)
        log.info("stopped node %d (pids %s)", index, pids)
        return pids

    def start_node(
        self, index: int, volumes: Iterable[str] = (), timeout: float = NODE_START_TIMEOUT
    ) -> float:
        """Start node ``index``'s glusterd again (it restarts its bricks); return seconds.

        Waits until the node's bricks of ``volumes`` are online.
        """
        t0 = time.monotonic()
        node = self.node(index)
        set_node_link(self.net, index - 1, up=True)
        if not self.glusterd_running(index):
            self._start_glusterd(node)
        for name in volumes:
            self.wait_online(name, [index], timeout=timeout)
        return time.monotonic() - t0

    def restore(self, volumes: Iterable[str] = (), timeout: float = NODE_START_TIMEOUT) -> float:
        """Every node connected, thawed and running, and ``volumes`` all online; seconds."""
        t0 = time.monotonic()
        spawned = []
        for node in self.nodes:
            set_node_link(self.net, node.index - 1, up=True)
            self._signal_all(node.index, signal.SIGCONT)
            if not self.glusterd_running(node.index):
                self._spawn_glusterd(node)  # all at once: each waits for its peers
                spawned.append(node)
        for node in spawned:
            self._await_glusterd(node)
        for name in volumes:
            self.wait_online(name, timeout=timeout)
        return time.monotonic() - t0

    def cut_node(self, index: int, connected: bool = False) -> None:
        """Unplug (or, with ``connected``, plug back) node ``index``'s network cable."""
        self.node(index)
        set_node_link(self.net, index - 1, up=connected)

    @contextlib.contextmanager
    def frozen(self, index: int, limit: float = 60.0) -> Iterator[list[int]]:
        """Freeze node ``index`` (SIGSTOP to all its gluster processes) inside the block.

        Every process gets SIGCONT when the block ends, and after ``limit`` seconds at the
        latest even if the block is still running.  Yields the frozen pids.
        """
        if not 0 < limit <= 600:
            raise HarnessError(f"freeze limit {limit!r} must be in (0, 600] seconds")
        thawed = threading.Event()
        lock = threading.Lock()

        def thaw() -> None:
            with lock:
                if not thawed.is_set():
                    thawed.set()
                    self._signal_all(index, signal.SIGCONT)

        timer = threading.Timer(limit, thaw)
        timer.daemon = True
        try:
            timer.start()
            procs = self._signal_all(index, signal.SIGSTOP)
            _wait_stopped([p.pid for p in procs])
            log.info("froze node %d (pids %s)", index, [p.pid for p in procs])
            yield [p.pid for p in procs]
        finally:
            timer.cancel()
            thaw()

    @contextlib.contextmanager
    def unplugged(self, index: int, limit: float = 60.0) -> Iterator[None]:
        """Node ``index``'s cable out inside the block: packets to it vanish, as when a
        server loses power; plugged back when the block ends, or after ``limit`` seconds."""
        if not 0 < limit <= 600:
            raise HarnessError(f"unplug limit {limit!r} must be in (0, 600] seconds")
        timer = threading.Timer(limit, self.cut_node, (index, True))
        timer.daemon = True
        try:
            timer.start()
            self.cut_node(index)
            log.info("unplugged node %d", index)
            yield
        finally:
            timer.cancel()
            self.cut_node(index, connected=True)

    def freeze_node(self, index: int, seconds: float) -> list[int]:
        """Freeze node ``index`` for ``seconds`` (bounded, always thawed); return the pids."""
        with self.frozen(index, limit=seconds + 1.0) as pids:
            time.sleep(seconds)
        return pids

    def heal(self, name: str, timeout: float = 120.0) -> float:
        """Trigger self-heal of ``name`` and wait for zero pending entries; return seconds."""
        t0 = time.monotonic()
        last_trigger = 0.0
        while True:
            if time.monotonic() - last_trigger > 5.0:
                self.gluster("volume", "heal", name, check=False)
                last_trigger = time.monotonic()
            pending = self.heal_pending(name)
            if pending == 0:
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise HarnessError(f"heal of {name} not done in {timeout}s (pending: {pending})")
            time.sleep(0.5)

    def heal_pending(self, name: str) -> int | None:
        """Entries left to heal in ``name`` (None: a brick could not be asked).

        ``gluster volume heal VOL info`` would ask the machine's own glusterd whatever
        ``--glusterd-sock`` says (the CLI does not hand it on), so run glfsheal directly.
        """
        live = [n for n in self.nodes if self.glusterd_running(n.index)]
        if not live:
            raise HarnessError("no node's glusterd is running")
        argv = [_glfsheal_bin(), name, "--nolog", "glusterd-sock", str(live[0].sockfile)]
        res = _run(argv, 60.0)
        return parse_heal_info(res.stdout) if res.returncode == 0 else None

    def status(self) -> list[str]:
        """One line per node and per volume, for people."""
        lines = []
        for node in self.nodes:
            procs = self.processes(node.index)
            frozen = [p.pid for p in procs if (_proc_stat(p.pid) or ("?", 0))[0] == "T"]
            desc = ", ".join(f"{p.comm} {p.pid}" for p in procs) or "no gluster process"
            note = f" FROZEN {frozen}" if frozen else ""
            lines.append(f"node {node.index} {node.address} ({node.netns}): {desc}{note}")
        if any(self.glusterd_running(n.index) for n in self.nodes):
            for name in NODE_VOLUMES:
                info = self._volume_info(name)
                if info is None:
                    lines.append(f"{name}: absent")
                    continue
                online = self.bricks_online(name)
                marks = " ".join("up" if o else "DOWN" for o in online)
                lines.append(f"{name}: {info.status} {info.type} bricks {marks}")
        return lines


def _wait_stopped(pids: Iterable[int], timeout: float = 5.0) -> None:
    """Wait until every pid is stopped (state T) or gone: a signal is delivered lazily."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        while (st := _proc_stat(pid)) is not None and st[0] not in ("T", "t", "Z", "X"):
            if time.monotonic() > deadline:
                raise HarnessError(f"pid {pid} not stopped {timeout}s after SIGSTOP")
            time.sleep(0.01)


def _glfsheal_bin() -> str:
    """glfsheal, the helper behind ``heal info`` (in a multiarch libexec dir on Debian)."""
    candidates = [
        shutil.which("glfsheal"),
        *sorted(str(p) for p in Path("/usr/lib").glob("*/glusterfs/glfsheal")),
        "/usr/libexec/glusterfs/glfsheal",
    ]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise HarnessError("glfsheal not found (is glusterfs-server installed?)")


def _wipe_below(path: Path, root: Path) -> None:
    """rmtree ``path`` only if it really lies below ``root`` (which lies below STATE_DIR)."""
    real_root = os.path.realpath(root)
    state = os.path.realpath(_config.STATE_DIR)
    real = os.path.realpath(path)
    if os.path.commonpath([state, real_root]) != state or real_root == state:
        raise HarnessError(f"refusing to delete below {root}: not below {state}")
    if os.path.commonpath([real_root, real]) != real_root or real == real_root:
        raise HarnessError(f"refusing to delete {path}: not below {real_root}")
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.exists(path):
        shutil.rmtree(real)


def nodes_up(volumes: Sequence[str] | None = None) -> NodeCluster:
    """Bring the default node cluster up (idempotent) and return it."""
    cluster = NodeCluster()
    cluster.up(volumes)
    return cluster


def nodes_down() -> list[str]:
    """Tear the default node cluster down; return the links and namespaces removed."""
    return NodeCluster().down()
