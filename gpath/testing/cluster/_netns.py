"""Network namespaces of the multi-node cluster: a bridge, and one namespace with a veth per node.

The machine's own glusterd holds 0.0.0.0:24007 in the root namespace, so a second glusterd
cannot listen beside it there.  Each node therefore gets a network namespace of its own,
joined to the root namespace by a veth pair on a bridge that carries the first address of
a private /24; the client (gpath, in the root namespace) reaches every node by address.

Only links and namespaces whose names this module makes (and that the caller recorded)
are ever removed; a name that exists already but is not recorded is refused.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from ._cli import _run
from ._types import HarnessError

log = logging.getLogger("gpath.testing")

NETNS_DIR = Path("/run/netns")
IP_TIMEOUT = 30.0


@dataclasses.dataclass(frozen=True)
class Network:
    """The names and addresses of one cluster's network: bridge, namespaces, veths."""

    bridge: str
    prefix: ipaddress.IPv4Network
    namespaces: tuple[str, ...]
    host_links: tuple[str, ...]
    addresses: tuple[str, ...]

    @property
    def gateway(self) -> str:
        """The bridge's address in the root namespace (the client's source address)."""
        return str(next(self.prefix.hosts()))


def make_network(prefix: str, count: int, tag: str = "gpath-mn") -> Network:
    """Names and addresses for ``count`` nodes on the /24 ``prefix`` (nodes get .11, .12...)."""
    try:
        net = ipaddress.IPv4Network(prefix)
    except ValueError as exc:
        raise HarnessError(f"bad node network {prefix!r}: {exc}") from None
    if net.prefixlen != 24 or not net.is_private:
        raise HarnessError(f"node network {prefix} must be a private /24")
    if not 1 <= count <= 9:
        raise HarnessError(f"node count {count} out of range 1..9")
    base = int(net.network_address)
    return Network(
        bridge=f"{tag}br",
        prefix=net,
        namespaces=tuple(f"{tag}{i}" for i in range(1, count + 1)),
        host_links=tuple(f"{tag}{i}h" for i in range(1, count + 1)),
        addresses=tuple(str(ipaddress.IPv4Address(base + 10 + i)) for i in range(1, count + 1)),
    )


def _ip(*args: str, netns: str | None = None, check: bool = True) -> str:
    binary = shutil.which("ip") or "/usr/sbin/ip"
    argv = [binary, *(["-n", netns] if netns else []), *args]
    res = _run(argv, IP_TIMEOUT)
    if check and res.returncode != 0:
        raise HarnessError(f"{' '.join(argv)} failed (rc={res.returncode}): {res.output}")
    return res.stdout


def link_exists(name: str) -> bool:
    """True iff a network link of that name exists in the root namespace."""
    return Path("/sys/class/net", name).exists()


def netns_exists(name: str) -> bool:
    """True iff ``ip netns`` knows a namespace of that name."""
    return (NETNS_DIR / name).exists()


def netns_inode(name: str) -> int | None:
    """The inode identifying namespace ``name`` (as in ``/proc/PID/ns/net``), or None."""
    try:
        return os.stat(NETNS_DIR / name).st_ino
    except OSError:
        return None


def _conflicting_route(net: Network) -> str | None:
    """A route of the root namespace that already covers the node network, if any."""
    for line in _ip("-4", "route", "show").splitlines():
        dest = line.split()[0] if line.split() else ""
        if dest in ("default", "") or f"dev {net.bridge} " in line + " ":
            continue
        try:
            other = ipaddress.IPv4Network(dest, strict=False)
        except ValueError:
            continue
        if other.overlaps(net.prefix):
            return line.strip()
    return None


def ensure_network(net: Network, owned: Sequence[str]) -> list[str]:
    """Create whatever is missing of ``net``; return the names created now.

    ``owned`` lists the names this harness recorded as its own: an existing bridge or
    namespace outside it is someone else's and is refused, as is a node network that
    another route of the machine already covers.
    """
    if os.geteuid() != 0:
        raise HarnessError("the multi-node cluster needs root (network namespaces)")
    foreign = [
        n
        for n in (net.bridge, *net.namespaces, *net.host_links)
        if (link_exists(n) or netns_exists(n)) and n not in owned
    ]
    if foreign:
        raise HarnessError(
            f"{', '.join(foreign)} exist(s) but were not created by this harness; refusing "
            "to touch them (remove them, or pick another node network)"
        )
    conflict = _conflicting_route(net)
    if conflict is not None:
        raise HarnessError(
            f"the node network {net.prefix} overlaps the route {conflict!r} of this machine; "
            "set GPATH_TESTING_NODE_NET to another private /24"
        )
    created: list[str] = []
    if not link_exists(net.bridge):
        created.append(net.bridge)
        _ip("link", "add", net.bridge, "type", "bridge")
    addr = f"{net.gateway}/{net.prefix.prefixlen}"
    if addr not in _ip("-4", "-o", "addr", "show", "dev", net.bridge):
        _ip("addr", "add", addr, "dev", net.bridge)
    _ip("link", "set", net.bridge, "up")
    for ns, link, address in zip(net.namespaces, net.host_links, net.addresses, strict=True):
        if not netns_exists(ns):
            created.append(ns)
            _ip("netns", "add", ns)
        if not link_exists(link):
            created.append(link)
            _ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _ip("link", "set", link, "master", net.bridge, "up")
        node_addr = f"{address}/{net.prefix.prefixlen}"
        if node_addr not in _ip("-4", "-o", "addr", "show", "dev", "eth0", netns=ns):
            _ip("addr", "add", node_addr, "dev", "eth0", netns=ns)
        _ip("link", "set", "eth0", "up", netns=ns)
        _ip("link", "set", "lo", "up", netns=ns)
    if created:
        log.info("created %s", " ".join(created))
    return created


def set_node_link(net: Network, index: int, up: bool) -> None:
    """Bring the root-side veth of node ``index`` (0-based) up or down: cable in or out."""
    _ip("link", "set", net.host_links[index], "up" if up else "down")


def remove_network(net: Network, owned: Sequence[str]) -> list[str]:
    """Delete the namespaces, veths and bridge of ``net`` that are in ``owned``."""
    removed: list[str] = []
    for ns, link in zip(net.namespaces, net.host_links, strict=True):
        if link in owned and link_exists(link):
            _ip("link", "del", link, check=False)  # also removes its peer in the namespace
            removed.append(link)
        if ns in owned and netns_exists(ns):
            _ip("netns", "del", ns)
            removed.append(ns)
    if net.bridge in owned and link_exists(net.bridge):
        _ip("link", "del", net.bridge)
        removed.append(net.bridge)
    return removed
