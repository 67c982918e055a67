"""Picklable volume specs, the per-process registry of Volumes, and volume identity.

A :class:`~gpath.GlusterPath` pickles as ``(VolumeSpec, path)``.  Unpickling (and
:meth:`~gpath.GlusterPath.from_uri`) finds this process's Volume for the spec: a mounted
Volume that reaches the same volume through one of the spec's servers, otherwise one
*lazy* Volume per address that mounts itself on first I/O.  So a process holds one
connection per volume, and a path never lands on a Volume the user has not mounted.

Identity is the address a URI shows (transport, first server, port, volume name): it does
not change when a Volume is mounted, so neither do path equality and hashing.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import TYPE_CHECKING

import attrs

from gpath import _logsettings, _mount

if TYPE_CHECKING:
    from gpath.volume import Volume

DEFAULT_PORT = 24007
Address = tuple[str, str, int, str]


@attrs.frozen
class VolumeSpec:
    """Everything needed to mount a Volume again, in another process: picklable, hashable.

    Built from a Volume with :meth:`from_volume`; :meth:`volume` returns this process's
    Volume for the spec (mounted lazily).  The xlator options (e.g. TLS certificate paths)
    are part of the spec, since the volume cannot be reached without them.
    """

    hosts: tuple[str, ...]
    volname: str
    proto: str = "tcp"
    port: int = DEFAULT_PORT
    volfile: str | None = None
    xlator_options: tuple[tuple[tuple[str, str], str], ...] = ()
    # Unless given: $GPATH_LOG_FILE/$GPATH_LOG_LEVEL now, so the spec carries what a Volume uses.
    log_file: str | None = attrs.field(factory=_logsettings.default_file)
    log_level: int = attrs.field(factory=_logsettings.default_level)
    timeout: float | None = 30.0

    @classmethod
    def from_volume(cls, vol: Volume) -> VolumeSpec:
        """The spec of *vol* (its connection parameters, not its mount state)."""
        return cls(
            hosts=tuple(vol.hosts),
            volname=vol.volname,
            proto=vol.protocol,
            port=vol.port,
            volfile=vol.volfile,
            xlator_options=tuple(sorted(vol.xlator_options.items())),
            log_file=vol.log_file,
            log_level=vol.log_level,
            timeout=vol.timeout,
        )

    def create(self) -> Volume:
        """A new, unmounted Volume with these parameters."""
        from gpath.volume import Volume

        return Volume(
            list(self.hosts),
            self.volname,
            self.proto,
            self.port,
            self.log_file,
            self.log_level,
            volfile=self.volfile,
            xlator_options=dict(self.xlator_options),
            timeout=self.timeout,
        )

    def volume(self) -> Volume:
        """This process's Volume for the spec: a mounted one, or the lazy one."""
        return volume_for(self)


_lock = threading.RLock()  # volume_for() creates Volumes, which register() themselves
# Every Volume of the process (they add themselves), to find a mounted one for an address.
_volumes: weakref.WeakSet[Volume] = weakref.WeakSet()
# The Volumes this registry created: they mount themselves on first use, also after fork.
_lazy: weakref.WeakValueDictionary[Address, Volume] = weakref.WeakValueDictionary()
_lazy_set: weakref.WeakSet[Volume] = weakref.WeakSet()


def _reset_after_fork() -> None:
    global _lock
    _lock = threading.RLock()  # a parent's thread may have held it at the fork


os.register_at_fork(after_in_child=_reset_after_fork)


def register(vol: Volume) -> None:
    """Note a new Volume, so that paths for its address can find it once it is mounted."""
    with _lock:
        _volumes.add(vol)


def address(vol: Volume | VolumeSpec) -> Address:
    """What names a volume in a URI: transport, first server, port and volume name.

    Two Volumes with the same address reach the same volume, so paths on them are equal;
    it depends on nothing that changes when a Volume is mounted or unmounted.
    """
    if isinstance(vol, VolumeSpec):
        proto, hosts, port, volfile = vol.proto, vol.hosts, vol.port, vol.volfile
    else:
        proto, hosts, port, volfile = vol.protocol, tuple(vol.hosts), vol.port, vol.volfile
    if volfile is not None:
        return ("volfile", volfile, 0, vol.volname)
    host = hosts[0].lower() if hosts else ""
    return (proto, host, 0 if proto == "unix" else port, vol.volname)


def serves(vol: Volume, spec: VolumeSpec) -> bool:
    """Whether mounted *vol* reaches *spec*'s volume through one of *spec*'s servers."""
    if vol.volname != spec.volname or vol.volfile != spec.volfile:
        return False
    if spec.volfile is not None:
        return True
    if vol.protocol != spec.proto or (spec.proto != "unix" and vol.port != spec.port):
        return False
    hosts = {host.lower() for host in vol.hosts}
    return any(host.lower() in hosts for host in spec.hosts)


def spec_of(vol: Volume) -> VolumeSpec:
    """The spec of *vol*: what another process needs to reach the same volume."""
    return VolumeSpec.from_volume(vol)


def volume_for(spec: VolumeSpec) -> Volume:
    """This process's Volume for *spec*: a mounted one that serves it, else a lazy one.

    A Volume the user created but has not mounted (or has unmounted) is never chosen: a
    path bound to it would raise ``VolumeNotMounted`` through no fault of its own.
    """
    with _lock:
        for mounted in list(_volumes):
            if mounted.mounted and serves(mounted, spec):
                return mounted
        key = address(spec)
        lazy = _lazy.get(key)
        if lazy is None:
            lazy = spec.create()
            _lazy[key] = lazy
            _lazy_set.add(lazy)
        return lazy


def is_lazy(vol: Volume) -> bool:
    """True for a Volume the registry created (it mounts itself on first use)."""
    return vol in _lazy_set


def ensure_mounted(vol: Volume) -> Volume:
    """Return *vol*, mounting it first if the registry created it and it is not mounted.

    A Volume the user created is never mounted behind their back: using a path on it
    before ``mount()`` or after ``umount()`` raises :class:`gpath.VolumeNotMounted`,
    saying which.  A lazy Volume mounts with its own ``timeout``, also in a forked child.
    """
    if not vol.mounted:
        if vol not in _lazy_set:
            raise _mount.not_mounted_error(vol)
        vol.mount()
    return vol


def same_volume(a: Volume, b: Volume) -> bool:
    """True if *a* and *b* reach the same volume: the same object or the same address."""
    return a is b or address(a) == address(b)


__all__ = [
    "VolumeSpec",
    "address",
    "register",
    "serves",
    "spec_of",
    "volume_for",
    "ensure_mounted",
    "same_volume",
]
