"""What a command-line argument names: a path on a volume or on local disk.

A remote argument is a ``gluster://`` URL, or (with ``$GPATH_URL`` set) a path on that
volume; a local one is anything else, where a command accepts both.  Each target keeps
the text the user wrote, since error messages quote it as coreutils do.
"""

from __future__ import annotations

import os
import posixpath
import stat as stat_module
from dataclasses import dataclass, field
from typing import Any

import attrs
import click

from gpath import GlusterPath
from gpath._url import GlusterURL, is_gluster_url, parse_url
from gpath._volspec import volume_for
from gpath.cli import _engine

ENV_URL = "GPATH_URL"
DEFAULT_XLATOR = "*-client-*"


@dataclass
class VolumeOptions:
    """The common options that say how to reach a volume."""

    xlator_options: dict[tuple[str, str], str] = field(default_factory=dict)
    port: int | None = None
    transport: str | None = None
    timeout: float | None = None
    log_level: str | None = None
    log_file: str | None = None


class OperationError(click.ClickException):
    """An error that ends the command with status 1, printed as coreutils print theirs."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"gpath: {self.message}", err=True)


def parse_xlator_option(text: str) -> tuple[tuple[str, str], str]:
    """``[XLATOR:]KEY=VALUE`` -> ((XLATOR, KEY), VALUE); XLATOR defaults to the clients."""
    key, eq, value = text.partition("=")
    if not eq or not key:
        raise click.BadParameter(f"expected [XLATOR:]KEY=VALUE, not {text!r}")
    xlator, colon, option = key.rpartition(":")
    if not colon:
        xlator = DEFAULT_XLATOR
    if not xlator or not option:
        raise click.BadParameter(f"expected [XLATOR:]KEY=VALUE, not {text!r}")
    return (xlator, option), value


class Target:
    """A file system and a path in it, plus the text that named it."""

    fs: Any
    path: str
    shown: str
    remote: bool

    def child(self, name: str) -> Target:
        raise NotImplementedError

    def show(self, path: str) -> str:
        """How *path* of this target's file system is named in messages and output."""
        raise NotImplementedError

    @property
    def name(self) -> str:
        return posixpath.basename(self.path.rstrip("/"))

    def stat(self) -> os.stat_result:
        return self.fs.stat(self.path)  # type: ignore[no-any-return]

    def lstat(self) -> os.stat_result:
        return self.fs.lstat(self.path)  # type: ignore[no-any-return]

    def is_dir(self) -> bool:
        try:
            return stat_module.S_ISDIR(self.stat().st_mode)
        except FileNotFoundError:
            return False

    def exists(self) -> bool:
        try:
            self.lstat()
        except FileNotFoundError:
            return False
        return True


class Remote(Target):
    """A path on a volume."""

    remote = True

    def __init__(self, gpath: GlusterPath, shown: str, url: GlusterURL) -> None:
        self.gpath = gpath
        self.url = url
        self.path = gpath.path
        self.shown = shown
        self.fs = _engine.vol_fs(gpath.volume)

    def child(self, name: str) -> Remote:
        shown = self.shown.rstrip("/") + "/" + name
        return Remote(self.gpath / name, shown, self.url.with_path(self.path + "/" + name))

    def at(self, path: str) -> Remote:
        """Another path on the same volume."""
        return Remote(
            self.gpath.volume.path(path),
            self.url.with_path(path).display(),
            self.url.with_path(path),
        )

    def show(self, path: str) -> str:
        below = _below(self.path, path)
        return self.url.with_path(path).display() if below is None else self.shown + below


class Local(Target):
    """A path on local disk."""

    remote = False

    def __init__(self, path: str, shown: str | None = None) -> None:
        self.path = path
        self.shown = path if shown is None else shown
        self.fs = _engine.local_fs()

    def child(self, name: str) -> Local:
        return Local(os.path.join(self.path, name))

    def show(self, path: str) -> str:
        below = _below(self.path, path)
        return path if below is None else self.shown + below


def _below(top: str, path: str) -> str | None:
    """What *path* adds to *top* ("" or "/a/b"), or None if it is not below it."""
    if path == top:
        return ""
    prefix = top.rstrip("/") + "/"
    return "/" + path[len(prefix) :] if path.startswith(prefix) else None


def _url_of(arg: str) -> GlusterURL:
    try:
        if is_gluster_url(arg):
            return parse_url(arg)
        base = os.environ.get(ENV_URL, "")
        if not base:
            raise click.UsageError(
                f"not a gluster URL: '{arg}' (gluster://HOST/VOLUME/path, or set {ENV_URL})"
            )
        url = parse_url(base)
        return url.with_path(posixpath.join(url.path, arg))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def remote(arg: str, options: VolumeOptions) -> Remote:
    """The remote target *arg* names (a URL, or a path on ``$GPATH_URL``'s volume)."""
    url = _url_of(arg)
    if options.port is not None:
        url = attrs.evolve(url, port=options.port)
    if options.transport is not None:
        url = attrs.evolve(url, proto=options.transport)
    kwargs: dict[str, Any] = {"xlator_options": options.xlator_options}
    if options.timeout is not None:
        kwargs["timeout"] = options.timeout if options.timeout > 0 else None
    if options.log_level is not None:
        kwargs["log_level"] = options.log_level
    if options.log_file is not None:
        kwargs["log_file"] = options.log_file
    try:
        spec = url.spec(**kwargs)
    except (TypeError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    vol = volume_for(spec)
    if not vol.mounted:
        try:
            vol.mount()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise OperationError(f"cannot reach '{arg}': {reason}") from None
    return Remote(vol.path(url.path), arg, url)


def any_target(arg: str, options: VolumeOptions) -> Target:
    """A URL, or ``:PATH`` on ``$GPATH_URL``'s volume, is remote; anything else is local."""
    if is_gluster_url(arg):
        return remote(arg, options)
    if arg.startswith(":") and os.environ.get(ENV_URL):
        return remote(arg[1:] or "/", options)
    return Local(arg)
