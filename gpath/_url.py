"""The one parser and formatter of gluster URLs in gpath.

The form is ``gluster://HOST[:PORT]/VOLUME/path``.  Also accepted:

* several volfile servers, ``gluster://h1,h2,h3:24008/VOLUME/path``.  A Volume has one
  port for all its servers, so a port may be written after any host (usually the last);
  every port written must be the same, and it applies to every server.  ``str()`` writes
  it once, after the last host, and only when it is not 24007;
* IPv6 literals in brackets, ``gluster://[::1]:24008/VOLUME/path``;
* the schemes ``gluster`` and ``gluster+tcp`` (TCP), ``gluster+rdma`` (RDMA) and
  ``gluster+unix`` with an empty host and the glusterd socket in the query:
  ``gluster+unix:///VOLUME/path?socket=/run/glusterd.socket``;
* percent escapes in the volume name, the path and the socket (decoded; a path keeps
  bytes that are not UTF-8 as surrogate escapes, like ``os.fsdecode``).

:func:`parse_url` gives a :class:`GlusterURL`; ``str()`` of one is the canonical,
percent-encoded URL, which :func:`parse_url` reads back to an equal value.  The scheme is
matched without regard to case; a host keeps its case (an address compares hosts without
it).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from gpath import _logsettings
from gpath._volspec import DEFAULT_PORT, VolumeSpec

__all__ = [
    "DEFAULT_PORT",
    "PROTOCOLS",
    "SCHEMES",
    "GlusterURL",
    "is_gluster_url",
    "normalize_path",
    "parse_url",
]

SCHEMES: Mapping[str, str] = {
    "gluster": "tcp",
    "gluster+tcp": "tcp",
    "gluster+rdma": "rdma",
    "gluster+unix": "unix",
}
"""URL scheme -> Volume transport."""

PROTOCOLS: tuple[str, ...] = tuple(SCHEMES)
"""Every scheme gpath answers to (what fsspec and universal_pathlib register)."""

_SCHEME_OF = {"tcp": "gluster", "rdma": "gluster+rdma", "unix": "gluster+unix"}
_SPEC_OPTIONS = ("volfile", "xlator_options", "log_file", "log_level", "timeout")
_MUST_ESCAPE = frozenset("%?#")
_HOST_BAD = frozenset("/?#@[], \t\r\n")


def normalize_path(path: str) -> str:
    """*path* as an absolute in-volume path: empty and ``.`` components go, ``..`` stays.

    This is GlusterPath's rule (pathlib's): ``""`` and ``"/"`` are the root, ``"a//b/"``
    is ``"/a/b"``, and a leading ``//`` is one root like any other.
    """
    if not isinstance(path, str):
        raise TypeError(f"path must be str, not {type(path).__name__}")
    if "\0" in path:
        raise ValueError(f"embedded null byte in path: {path!r}")
    return "/" + "/".join(part for part in path.split("/") if part and part != ".")


def _check_hosts(value: str | Iterable[str]) -> tuple[str, ...]:
    hosts = (value,) if isinstance(value, str) else tuple(value)  # one host, not its letters
    if not hosts:
        raise ValueError("a gluster URL needs at least one server")
    for host in hosts:
        if not isinstance(host, str):
            raise TypeError(f"host must be str, not {type(host).__name__}")
    return hosts


def _validate(url: GlusterURL) -> None:
    if url.proto not in _SCHEME_OF:
        raise ValueError(f"proto must be one of {tuple(_SCHEME_OF)}, not {url.proto!r}")
    if isinstance(url.port, bool) or not isinstance(url.port, int):
        raise TypeError(f"port must be an int, not {type(url.port).__name__}")
    if not 0 <= url.port <= 65535:
        raise ValueError(f"port must be 0..65535, not {url.port}")
    if not isinstance(url.volname, str):
        raise TypeError(f"volname must be str, not {type(url.volname).__name__}")
    if not url.volname or "/" in url.volname or "\0" in url.volname:
        raise ValueError(f"invalid volume name: {url.volname!r}")
    for host in url.hosts:
        if not host or "\0" in host:
            raise ValueError(f"invalid host: {host!r}")
        if url.proto != "unix" and _HOST_BAD.intersection(host):
            raise ValueError(f"invalid host: {host!r}")


@attrs.frozen
class GlusterURL:
    """A parsed gluster URL: where the volume is served, which volume, which path in it.

    ``str()`` is the canonical, percent-encoded URL; :meth:`display` is the same without
    percent-encoding (what ``str(GlusterPath)`` shows).  Hashable and picklable.
    """

    proto: str
    """Transport: ``"tcp"``, ``"unix"`` or ``"rdma"``."""
    hosts: tuple[str, ...] = attrs.field(converter=_check_hosts)
    """One or more volfile servers; for ``unix``, the glusterd socket path."""
    port: int
    """The volfile servers' port, 24007 unless the URL says otherwise."""
    volname: str
    """The volume name."""
    path: str = attrs.field(default="/", converter=normalize_path)
    """The absolute, normalised in-volume path (``"/"`` at least)."""

    def __attrs_post_init__(self) -> None:
        _validate(self)

    @property
    def scheme(self) -> str:
        """The canonical scheme: ``gluster``, ``gluster+rdma`` or ``gluster+unix``."""
        return _SCHEME_OF[self.proto]

    def spec(self, **volume_options: Any) -> VolumeSpec:
        """The :class:`~gpath._volspec.VolumeSpec` of this URL's volume.

        *volume_options* are the other arguments of :class:`~gpath.Volume`: ``volfile``,
        ``xlator_options`` (a mapping ``{(xlator, key): value}``), ``log_file``,
        ``log_level`` and ``timeout``.  ``hosts``, ``port``, ``proto`` and ``volname`` may
        be given too if they agree with the URL (a conflict is a ``ValueError``).
        """
        return VolumeSpec(**self._spec_kwargs(volume_options))

    def _spec_kwargs(self, options: Mapping[str, Any]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "hosts": self.hosts,
            "volname": self.volname,
            "proto": self.proto,
            "port": self.port,
        }
        for name, value in options.items():
            if name in kwargs:
                given = _address_option(name, value)
                if given != kwargs[name]:
                    raise ValueError(
                        f"{name}={value!r} conflicts with the URL {str(self)!r} "
                        f"(which says {kwargs[name]!r})"
                    )
            elif name not in _SPEC_OPTIONS:
                raise TypeError(f"unknown volume option {name!r}")
            elif name == "xlator_options":
                kwargs[name] = _xlator_options(value)
            elif name == "log_level":
                if value is not None:  # None: the default ($GPATH_LOG_LEVEL or 7)
                    kwargs[name] = _logsettings.level(value)
            elif name == "volfile" and value is not None:
                kwargs[name] = os.fspath(value)
            else:
                kwargs[name] = value
        return kwargs

    def with_path(self, path: str) -> GlusterURL:
        """The same volume with another in-volume *path* (normalised, absolute)."""
        return attrs.evolve(self, path=path)

    @property
    def authority(self) -> str:
        """The servers as the URL writes them, ``h1,[::1]:24008`` (empty for unix)."""
        if self.proto == "unix":
            return ""
        # "%" only occurs in an IPv6 zone ("fe80::1%eth0"), escaped in a URL as in RFC 6874
        hosts = [f"[{h.replace('%', '%25')}]" if ":" in h else h for h in self.hosts]
        text = ",".join(hosts)
        return text if self.port == DEFAULT_PORT else f"{text}:{self.port}"

    def format(self, quote: bool = True) -> str:
        """The URL, percent-encoded unless *quote* is false (then only readable)."""
        if quote:
            volname = urllib.parse.quote(self.volname, safe="")
            path = urllib.parse.quote_from_bytes(os.fsencode(self.path), safe="/")
        else:
            volname, path = self.volname, self.path
        url = f"{self.scheme}://{self.authority}/{volname}{path}"
        if self.proto == "unix":
            sockets = (urllib.parse.quote(s, safe="/") if quote else s for s in self.hosts)
            url += "?" + "&".join(f"socket={socket}" for socket in sockets)
        return url

    def readable(self) -> str:
        """The URL with only ``%``, ``?``, ``#``, controls and undecodable bytes escaped.

        Unlike :meth:`display` it always parses back to an equal value; unlike ``str()``
        it keeps spaces and non-ASCII letters as they are.
        """
        return f"{self.scheme}://{self.authority}/{self.volname}{_escape(self.path)}" + (
            "?" + "&".join(f"socket={urllib.parse.quote(s, safe='/')}" for s in self.hosts)
            if self.proto == "unix"
            else ""
        )

    def display(self) -> str:
        """The URL without percent-encoding (may not parse back if the path has ``?#%``)."""
        return self.format(quote=False)

    def __str__(self) -> str:
        """The canonical, percent-encoded URL; :func:`parse_url` reads it back."""
        return self.format(quote=True)


def _escape(text: str) -> str:
    """*text* with only what a URL cannot carry as it is percent-encoded."""
    if text.isprintable() and not _MUST_ESCAPE.intersection(text):
        return text
    out = []
    for char in text:
        if char in _MUST_ESCAPE or not char.isprintable():
            out.append(urllib.parse.quote_from_bytes(os.fsencode(char), safe=""))
        else:
            out.append(char)
    return "".join(out)


def _address_option(name: str, value: Any) -> Any:
    """An address option given beside a URL, in the URL's shapes (to compare)."""
    if name == "hosts":
        return (value,) if isinstance(value, str) else tuple(value)
    if name == "proto" and isinstance(value, str):
        return SCHEMES.get(value.lower(), value)
    return value


def _xlator_options(value: Any) -> tuple[tuple[tuple[str, str], str], ...]:
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[tuple[str, str], str]] = []
    for key, val in items:
        xlator, option = key
        for part in (xlator, option, val):
            if not isinstance(part, str):
                raise TypeError(f"xlator options are str, not {type(part).__name__}")
        out.append(((xlator, option), val))
    return tuple(sorted(out))


def is_gluster_url(text: object) -> bool:
    """True if *text* is a str whose scheme is one of :data:`PROTOCOLS` (``gluster://...``)."""
    if not isinstance(text, str):
        return False
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def _split_host(entry: str, url: str) -> tuple[str, int | None]:
    """``host``, ``host:port``, ``[v6]`` or ``[v6]:port`` -> (host, port or None)."""
    if entry.startswith("["):
        end = entry.find("]")
        if end < 0:
            raise ValueError(f"bad host in gluster URL (no closing ']'): {url!r}")
        host, rest = entry[1:end], entry[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"bad host in gluster URL: {url!r}")
        port_text = rest[1:] if rest else None
    elif entry.count(":") > 1:
        raise ValueError(f"an IPv6 host must be in brackets, [{entry}]: {url!r}")
    else:
        host, colon, port_text_ = entry.partition(":")
        port_text = port_text_ if colon else None
    host = urllib.parse.unquote(host)
    if not host:
        raise ValueError(f"no host in gluster URL: {url!r}")
    if port_text is None:
        return host, None
    if not (port_text.isascii() and port_text.isdigit()) or int(port_text) > 65535:
        raise ValueError(f"bad port {port_text!r} in gluster URL: {url!r}")
    return host, int(port_text)


def parse_url(url: str) -> GlusterURL:
    """Parse a gluster URL (see the module's docstring for the forms).

    :raises TypeError: *url* is not a str.
    :raises ValueError: not a gluster URL, or no host, no volume name, a bad port, ports
        that differ between servers, a query other than ``socket=`` for ``gluster+unix``,
        or a fragment.  The message quotes the URL.
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be str, not {type(url).__name__}")
    scheme, sep, rest = url.partition("://")
    proto = SCHEMES.get(scheme.lower())
    if not sep or proto is None:
        raise ValueError(f"not a gluster URL (gluster://HOST/VOLUME/path): {url!r}")
    if "#" in rest:
        raise ValueError(f"a gluster URL has no fragment (write '#' as %23): {url!r}")
    rest, _, query = rest.partition("?")
    authority, slash, tail = rest.partition("/")
    volname, _, inner = tail.partition("/")
    volname = urllib.parse.unquote(volname)
    if not slash or not volname:
        raise ValueError(f"no volume name in gluster URL: {url!r}")
    try:
        path = normalize_path(urllib.parse.unquote(inner, errors="surrogateescape"))
    except ValueError as exc:
        raise ValueError(f"{exc} in gluster URL: {url!r}") from None
    try:
        params = urllib.parse.parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ValueError(f"bad query in gluster URL: {url!r}") from None
    port = DEFAULT_PORT
    if proto == "unix":
        if authority:
            raise ValueError(f"a gluster+unix URL has no host (gluster+unix:///VOL): {url!r}")
        unknown = sorted(set(params) - {"socket"})
        sockets = [s for s in params.get("socket", []) if s]
        if unknown:
            raise ValueError(f"unknown query parameter {unknown[0]!r} in gluster URL: {url!r}")
        if not sockets:
            raise ValueError(f"a gluster+unix URL needs ?socket=PATH: {url!r}")
        hosts = tuple(sockets)
    else:
        if params:
            name = sorted(params)[0]
            raise ValueError(f"unknown query parameter {name!r} in gluster URL: {url!r}")
        if not authority:
            raise ValueError(f"no host in gluster URL: {url!r}")
        if "@" in authority:
            raise ValueError(f"a gluster URL takes no user name: {url!r}")
        found = [_split_host(entry, url) for entry in authority.split(",")]
        ports = {p for _, p in found if p is not None}
        if len(ports) > 1:
            raise ValueError(
                f"the servers of one volume share one port, not {sorted(ports)}: {url!r}"
            )
        if ports:
            port = ports.pop()
        hosts = tuple(host for host, _ in found)
    try:
        return GlusterURL(proto=proto, hosts=hosts, port=port, volname=volname, path=path)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{exc}: {url!r}") from None
