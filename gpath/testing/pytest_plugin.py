"""pytest fixtures for testing code that uses gpath against a real GlusterFS volume.

Installed with gpath as a pytest plugin (entry point ``pytest11``), so in your own tests::

    def test_upload(gluster_tmp_path):
        (gluster_tmp_path / "report.csv").write_text("a,b\\n")

Which volume the fixtures use is chosen per run:

``--gluster-volume HOST/VOLUME`` (or ``GPATH_TEST_VOLUME=HOST/VOLUME``)
    an existing volume, reached as any client would: no root, no harness.  The authority
    follows the ``gluster://`` URL rules: ``HOST``, ``HOST:PORT``, ``[IPv6]:PORT``, and
    several volfile servers tried in order as ``HOST1,HOST2/VOLUME`` (one port for all).
    The option wins over the variable.
``--gluster-local`` (or ``GPATH_TEST_LOCAL=1``)
    gpath's throwaway local volumes (``gpath_single``, ``gpath_dist3``, ``gpath_rep3``),
    installed, created and started by :mod:`gpath.testing.cluster` if need be: needs root
    on a Debian-like machine.  A volume given as above takes precedence.

With neither, every test using the fixtures is skipped with a message saying how to
configure one.  ``GPATH_REQUIRE_GLUSTER=1`` turns such skips into failures, so a missing
server is never a silent pass; with ``--gluster-local`` the environment variable ``CI``
does the same.  A configured volume that cannot be mounted is always an error.

Fixtures:

``gluster_volumes``
    (session) the local harness's volumes as :class:`~gpath.testing.cluster.VolumeInfo`
    by name, brought up on first use; only with ``--gluster-local``.
``gluster_mount``
    (session) a factory ``gluster_mount(volname) -> Volume`` returning one shared, mounted
    Volume per volume name (on the configured servers, or one of the local volumes).  A
    mount costs ~10 ms but an unmount several seconds, so mounts are shared and all
    unmounted together, in parallel, at the end of the session.
``gluster_volume``
    (session) the mounted configured volume (locally: ``gpath_single``).
``gluster_tmpdir``
    (function) a fresh directory (str path, non-ASCII name) on ``gluster_volume``,
    removed after the test.
``gluster_tmp_path``
    (function) the same directory as a :class:`gpath.GlusterPath`.

Several servers (only with ``--gluster-local``; root, network namespaces):

``gluster_nodes``
    (session) a :class:`~gpath.testing.cluster.NodeCluster`: three glusterd nodes on this
    machine, each in a network namespace of its own (10.213.0.11-13), with the volumes
    ``gpmn_dist3``, ``gpmn_rep3`` and ``gpmn_disp3`` (one brick per node), brought up on
    first use and reused; it can stop, start, freeze and unplug nodes.  It stays up after
    the session for the next one; ``python -m gpath.testing nodes down`` removes it.
``gluster_node_mount``
    (session) a factory ``gluster_node_mount(volname) -> Volume``: one shared Volume per
    node volume, mounted with every node as a volfile server, unmounted at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from gpath import GlusterPath, Volume
    from gpath.testing.cluster import NodeCluster, VolumeInfo

__all__ = [
    "ENV_LOCAL",
    "ENV_REQUIRE",
    "ENV_VOLUME",
    "LOCAL_VOLUME",
    "VolumeTarget",
    "make_test_dir",
    "parse_volume_target",
    "scratch_dir",
]

ENV_VOLUME = "GPATH_TEST_VOLUME"
ENV_LOCAL = "GPATH_TEST_LOCAL"
ENV_REQUIRE = "GPATH_REQUIRE_GLUSTER"
LOCAL_VOLUME = "gpath_single"  # the local volume behind gluster_volume
DEFAULT_PORT = 24007  # glusterd's management port, as in gpath's gluster:// URLs
MOUNT_TIMEOUT = 60.0

HOW_TO_CONFIGURE = (
    "no GlusterFS volume configured for the gluster_* fixtures: use an existing volume "
    f"with --gluster-volume HOST/VOLUME (or {ENV_VOLUME}=HOST/VOLUME), or gpath's "
    f"throwaway local volumes with --gluster-local (or {ENV_LOCAL}=1; root, Debian)"
)
_FORMS = "expected HOST/VOLUME, HOST:PORT/VOLUME or HOST1,HOST2/VOLUME"
_SCHEMES = ("gluster://", "gluster+tcp://")
_VOLNAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

_counter = itertools.count()


@dataclasses.dataclass(frozen=True)
class VolumeTarget:
    """An existing volume to test against: its volfile servers, port and name."""

    hosts: tuple[str, ...]
    volname: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        hosts = ",".join((f"[{h}]" if ":" in h else h) + port for h in self.hosts)
        return f"{hosts}/{self.volname}"


def _parse_server(text: str) -> tuple[str, int | None]:
    """``host``, ``host:port``, ``[v6]`` or ``[v6]:port`` -> (host, port or None)."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"unclosed '[' in host {text!r}")
        host, rest = text[1:end], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"unexpected {rest!r} after host [{host}]")
        port_text = rest[1:]
        has_port = bool(rest)
    else:
        host, colon, port_text = text.partition(":")
        has_port = bool(colon)
        if ":" in port_text:
            raise ValueError(f"an IPv6 address needs brackets, as in [{text}]")
    if not host:
        raise ValueError("no host")
    if not has_port:
        return host, None
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port {port_text!r} for host {host!r}")
    return host, int(port_text)


def parse_volume_target(text: str) -> VolumeTarget:
    """Parse ``HOST[:PORT][,HOST[:PORT]...]/VOLUME`` (an optional ``gluster://`` before it).

    :raises ValueError: with the reason, for anything else.
    """
    rest = text.strip()
    for scheme in _SCHEMES:
        if rest.lower().startswith(scheme):
            rest = rest[len(scheme) :]
            break
    authority, slash, volname = rest.partition("/")
    volname = volname.rstrip("/")
    if not slash or not volname:
        raise ValueError(f"no volume name ({_FORMS})")
    if not authority:
        raise ValueError(f"no host before the volume name ({_FORMS})")
    if "/" in volname or not _VOLNAME_RE.match(volname):
        raise ValueError(f"bad volume name {volname!r} ({_FORMS})")
    hosts: list[str] = []
    ports: set[int] = set()
    for server in authority.split(","):
        try:
            host, port = _parse_server(server.strip())
        except ValueError as exc:
            raise ValueError(f"{exc} ({_FORMS})") from None
        hosts.append(host)
        ports.add(DEFAULT_PORT if port is None else port)
    if len(ports) > 1:
        raise ValueError(f"the hosts name different ports {sorted(ports)}; one port serves all")
    return VolumeTarget(tuple(hosts), volname, ports.pop())


@dataclasses.dataclass(frozen=True)
class _Settings:
    target: VolumeTarget | None  # an existing volume, if one was given
    origin: str  # where it came from, for messages
    local: bool  # the throwaway local volumes were asked for


_SETTINGS = pytest.StashKey[_Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gpath", "gpath: the GlusterFS volume behind the gluster_* fixtures")
    group.addoption(
        "--gluster-volume",
        metavar="HOST/VOLUME",
        default=None,
        help=(
            "test against this existing volume (also HOST:PORT/VOLUME, HOST1,HOST2/VOLUME); "
            f"default: ${ENV_VOLUME}"
        ),
    )
    group.addoption(
        "--gluster-local",
        action="store_true",
        default=False,
        help=(
            "without a volume given, create and use gpath's throwaway local volumes (needs "
            f"root on Debian); also ${ENV_LOCAL}=1"
        ),
    )


def _read_settings(config: pytest.Config) -> _Settings:
    option = config.getoption("gluster_volume")
    env_value = os.environ.get(ENV_VOLUME, "")
    if option is not None:
        text, origin = str(option), f"--gluster-volume {option!r}"
    elif env_value.strip():
        text, origin = env_value, f"{ENV_VOLUME}={env_value!r}"
    else:
        text, origin = "", ""
    target = None
    if text:
        try:
            target = parse_volume_target(text)
        except ValueError as exc:
            raise pytest.UsageError(f"{origin}: {exc}") from None
    local_env = os.environ.get(ENV_LOCAL, "").strip().lower()
    if local_env not in _TRUE | _FALSE:
        raise pytest.UsageError(f"{ENV_LOCAL}={local_env!r}: expected 1 or 0")
    local = bool(config.getoption("gluster_local")) or local_env in _TRUE
    return _Settings(target, origin, local)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("help", default=False):
        return
    config.stash[_SETTINGS] = _read_settings(config)


def pytest_report_header(config: pytest.Config) -> str | None:
    settings = config.stash.get(_SETTINGS, None)
    if settings is None:
        return None
    if settings.target is not None:
        return f"gpath: gluster_* fixtures on {settings.target} (from {settings.origin})"
    if settings.local:
        return "gpath: gluster_* fixtures on the throwaway local volumes (--gluster-local)"
    return None


def _settings(config: pytest.Config) -> _Settings:
    settings = config.stash.get(_SETTINGS, None)
    return _read_settings(config) if settings is None else settings


def _must_not_skip(local: bool = False) -> bool:
    if os.environ.get(ENV_REQUIRE) == "1":
        return True
    return local and bool(os.environ.get("CI"))


def _unavailable(message: str, local: bool = False) -> NoReturn:
    """Skip with *message*, or fail where skipping is not allowed."""
    if _must_not_skip(local):
        pytest.fail(f"{message} ({ENV_REQUIRE}=1 or CI: not skipping)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def gluster_volumes(request: pytest.FixtureRequest) -> dict[str, VolumeInfo]:
    """The harness's standard volumes, created (or reused) and started (``--gluster-local``)."""
    settings = _settings(request.config)
    if settings.target is not None:
        _unavailable(
            f"this test needs gpath's local harness volumes (--gluster-local), but the run "
            f"uses the existing volume {settings.target} (from {settings.origin})"
        )
    if not settings.local:
        _unavailable(HOW_TO_CONFIGURE)
    from gpath.testing import cluster

    try:
        infos = cluster.up()
    except Exception as exc:  # no root, no apt, glusterd would not start...
        _unavailable(f"no local GlusterFS available: {exc}", local=True)
    return {info.name: info for info in infos}


@pytest.fixture(scope="session")
def gluster_mount(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Volume]]:
    """Factory returning one shared mounted Volume per volume name for the whole session."""
    from gpath import Volume

    settings = _settings(request.config)
    known: dict[str, VolumeInfo] | None = None
    if settings.target is not None:
        hosts, port = list(settings.target.hosts), settings.target.port
    elif settings.local:
        from gpath.testing.cluster import client_host

        known = request.getfixturevalue("gluster_volumes")
        hosts, port = [client_host()], DEFAULT_PORT
    else:
        _unavailable(HOW_TO_CONFIGURE)

    mounts: dict[str, Volume] = {}
    lock = threading.Lock()

    def mount(volname: str) -> Volume:
        with lock:
            if volname not in mounts:
                if known is not None and volname not in known:
                    raise KeyError(f"unknown test volume {volname!r}; have {sorted(known)}")
                volume = Volume(hosts, volname, port=port)
                volume.mount(timeout=MOUNT_TIMEOUT)
                mounts[volname] = volume
            return mounts[volname]

    yield mount
    _umount_all(list(mounts.values()))


def _umount_all(volumes: list[Volume]) -> None:
    # Unmounting costs seconds each: do them all at once.
    threads = [threading.Thread(target=v.umount) for v in volumes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture(scope="session")
def gluster_nodes(request: pytest.FixtureRequest) -> NodeCluster:
    """gpath's local cluster of three glusterd nodes, up and reused (``--gluster-local``)."""
    settings = _settings(request.config)
    if not settings.local or settings.target is not None:
        _unavailable(
            "the multi-node tests need gpath's local harness (--gluster-local, and no "
            "--gluster-volume): they start glusterd nodes in network namespaces"
        )
    from gpath.testing import cluster

    try:
        nodes = cluster.NodeCluster()
        nodes.up()
    except Exception as exc:  # no root, no netns, glusterd would not start...
        _unavailable(f"no local multi-node GlusterFS cluster: {exc}", local=True)
    return nodes


@pytest.fixture(scope="session")
def gluster_node_mount(
    gluster_nodes: NodeCluster,
) -> Iterator[Callable[[str], Volume]]:
    """Factory returning one shared Volume per node volume, every node a volfile server."""
    from gpath import Volume

    mounts: dict[str, Volume] = {}
    lock = threading.Lock()

    def mount(volname: str) -> Volume:
        with lock:
            if volname not in mounts:
                info = gluster_nodes.volume(volname)
                volume = Volume(info.hosts, volname)
                volume.mount(timeout=MOUNT_TIMEOUT)
                mounts[volname] = volume
            return mounts[volname]

    yield mount
    _umount_all(list(mounts.values()))


@pytest.fixture(scope="session")
def gluster_volume(
    request: pytest.FixtureRequest, gluster_mount: Callable[[str], Volume]
) -> Volume:
    """The mounted test volume (the configured one, or ``gpath_single``), shared by the
    session."""
    target = _settings(request.config).target
    return gluster_mount(LOCAL_VOLUME if target is None else target.volname)


def make_test_dir(volume: Volume, label: str) -> str:
    """Create a fresh directory with a non-ASCII name on *volume* and return its path."""
    safe = "".join(c if c.isalnum() else "_" for c in label)[:60]
    path = f"/gpath-tést-{next(_counter)}-{uuid.uuid4().hex[:8]}-{safe}-é✓"
    volume.mkdir(path, 0o755)
    return path


@contextlib.contextmanager
def scratch_dir(volume: Volume, label: str) -> Iterator[str]:
    """A fresh directory (see :func:`make_test_dir`), removed on exit if still mounted."""
    path = make_test_dir(volume, label)
    try:
        yield path
    finally:
        if volume.mounted:
            volume.rmtree(path, ignore_errors=True)


@pytest.fixture
def gluster_tmpdir(gluster_volume: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh directory on :func:`gluster_volume`, removed after the test."""
    with scratch_dir(gluster_volume, request.node.name) as path:
        yield path


@pytest.fixture
def gluster_tmp_path(gluster_volume: Volume, gluster_tmpdir: str) -> GlusterPath:
    """:func:`gluster_tmpdir` as a :class:`gpath.GlusterPath`."""
    return gluster_volume.path(gluster_tmpdir)
