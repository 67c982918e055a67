"""Picklable volume specs, the per-process registry of Volumes, and volume identity.

A :class:`~gpath.GlusterPath` pickles as ``(VolumeSpec, path)``.  Unpickling looks the
spec up in this process's registry: the Volume the path came from when unpickled in the
same process, otherwise a new, *unmounted* Volume that mounts itself on the first I/O
("lazy" volume).  The registry is emptied in a forked child, since a ``glfs_t`` cannot be
used across ``fork()``.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from gpath.volume import Volume

DEFAULT_PORT = 24007


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
    log_file: str | None = "/dev/null"
    log_level: int = 7

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
        )

    def volume(self) -> Volume:
        """This process's Volume for the spec: a registered one, or a new lazy one."""
        return volume_for(self)


_lock = threading.Lock()
_registry: weakref.WeakValueDictionary[VolumeSpec, Volume] = weakref.WeakValueDictionary()
_specs: weakref.WeakKeyDictionary[Volume, VolumeSpec] = weakref.WeakKeyDictionary()
_lazy: weakref.WeakSet[Volume] = weakref.WeakSet()


def _reset_after_fork() -> None:
    global _lock, _registry, _specs, _lazy
    _lock = threading.Lock()
    _registry = weakref.WeakValueDictionary()
    _specs = weakref.WeakKeyDictionary()
    _lazy = weakref.WeakSet()


os.register_at_fork(after_in_child=_reset_after_fork)


def spec_of(vol: Volume) -> VolumeSpec:
    """The spec of *vol*, registering *vol* as this process's Volume for it if none is."""
    with _lock:
        spec = _specs.get(vol)
        if spec is None:
            spec = VolumeSpec.from_volume(vol)
            _specs[vol] = spec
        if _registry.get(spec) is None:
            _registry[spec] = vol
        return spec


def volume_for(spec: VolumeSpec) -> Volume:
    """The registered Volume for *spec*, or a new lazily-mounted one."""
    with _lock:
        vol = _registry.get(spec)
        if vol is None:
            vol = spec.create()
            _registry[spec] = vol
            _specs[vol] = spec
            _lazy.add(vol)
        return vol


def is_lazy(vol: Volume) -> bool:
    """True for a Volume the registry created (it mounts itself on first use)."""
    return vol in _lazy


def ensure_mounted(vol: Volume) -> Volume:
    """Return *vol*, mounting it first if the registry created it and it is not mounted.

    A Volume the user created is never mounted behind their back: using a path on it
    before ``mount()`` or after ``umount()`` raises :class:`gpath.VolumeNotMounted`.
    """
    if not vol.mounted:
        if vol not in _lazy:
            from gpath.errors import VolumeNotMounted

            raise VolumeNotMounted()
        vol.mount(timeout=120)
    return vol


def identity(vol: Volume) -> object:
    """What makes two Volumes "the same volume": its UUID once known, else its address.

    The UUID (``glfs_get_volumeid``) is read once, when the volume is mounted, so paths
    reached through ``127.0.0.1`` and ``localhost`` are equal.  A never-mounted Volume is
    identified by ``(volname, hosts, port, transport)``.
    """
    volid = vol.volid
    if volid is None and vol.mounted:
        try:
            volid = vol.get_volume_id()
        except (OSError, ValueError):
            volid = None
    if volid is not None:
        return volid
    return ("address", vol.volname, frozenset(vol.hosts), vol.port, vol.protocol)


def same_volume(a: Volume, b: Volume) -> bool:
    """True if *a* and *b* reach the same volume (see :func:`identity`)."""
    return a is b or identity(a) == identity(b)


__all__ = ["VolumeSpec", "spec_of", "volume_for", "ensure_mounted", "identity", "same_volume"]
