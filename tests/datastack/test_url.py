"""gpath._url: the one parser and formatter of gluster URLs (no volume needed)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpath._url import GlusterURL, is_gluster_url, normalize_path, parse_url
from gpath._volspec import VolumeSpec

paths = st.lists(st.text(min_size=1, max_size=8).filter(lambda s: "/" not in s and "\0" not in s), max_size=4)
hosts = st.lists(st.sampled_from(["h", "server-1.example", "10.0.0.7", "::1", "fe80::1%eth0"]), min_size=1, max_size=3)


@given(paths, hosts, st.integers(1, 65535), st.sampled_from(["tcp", "rdma"]))
def test_every_url_round_trips(parts: list[str], servers: list[str], port: int, proto: str) -> None:
    url = GlusterURL(proto, tuple(servers), port, "vol", "/" + "/".join(parts))
    assert parse_url(str(url)) == url
    assert parse_url(url.readable()) == url
    assert url.path == normalize_path("/".join(parts))


def test_forms_and_canonical_text() -> None:
    u = parse_url("gluster://h1,H2:24008/vol/a%20b/./c//")
    assert (u.proto, u.hosts, u.port, u.volname, u.path) == ("tcp", ("h1", "H2"), 24008, "vol", "/a b/c")
    assert str(u) == "gluster://h1,H2:24008/vol/a%20b/c" and u.display() == "gluster://h1,H2:24008/vol/a b/c"
    assert u.authority == "h1,H2:24008" and u.scheme == "gluster"
    assert str(parse_url("gluster+tcp://h:24007/v")) == "gluster://h/v/"
    assert parse_url("gluster://h1:24008,h2/v").port == 24008  # a port after any host
    assert str(parse_url("gluster://[::1]:24010/v6/x")) == "gluster://[::1]:24010/v6/x"
    unix = parse_url("gluster+unix:///v/a?socket=/run/glusterd.socket")
    assert (unix.proto, unix.hosts, unix.path) == ("unix", ("/run/glusterd.socket",), "/a")
    assert str(unix) == "gluster+unix:///v/a?socket=/run/glusterd.socket"
    assert parse_url("GLUSTER+RDMA://h/v/x").proto == "rdma"
    assert parse_url("gluster://h/v/%FF").path == "/\udcff"
    assert str(u.with_path("x/../y")) == "gluster://h1,H2:24008/vol/x/../y"
    assert pickle.loads(pickle.dumps(u)) == u and hash(u) == hash(parse_url(str(u)))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("file:///x", "not a gluster URL"),
        ("gluster://h", "no volume name"),
        ("gluster://h/", "no volume name"),
        ("gluster:///v/a", "no host"),
        ("gluster://h:x/v", "bad port 'x'"),
        ("gluster://h:70000/v", "bad port"),
        ("gluster://h1:1,h2:2/v", "share one port"),
        ("gluster://::1/v", "must be in brackets"),
        ("gluster://[::1/v", "no closing"),
        ("gluster://h/v#frag", "no fragment"),
        ("gluster://h/v?x=1", "unknown query parameter 'x'"),
        ("gluster://user@h/v", "no user name"),
        ("gluster://h,/v", "no host"),
        ("gluster+unix:///v/a", "needs \\?socket=PATH"),
        ("gluster+unix://h/v?socket=/s", "has no host"),
        ("gluster://h/v/a%00b", "null byte"),
    ],
)
def test_bad_urls_say_what_and_quote_the_url(bad: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        parse_url(bad)
    assert repr(bad) in str(err.value)


def test_types_and_helpers() -> None:
    with pytest.raises(TypeError):
        parse_url(b"gluster://h/v")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="proto"):
        GlusterURL("udp", ("h",), 24007, "v")
    with pytest.raises(ValueError, match="at least one server"):
        GlusterURL("tcp", (), 24007, "v")
    with pytest.raises(ValueError, match="invalid host"):
        GlusterURL("tcp", ("a/b",), 24007, "v")
    assert GlusterURL("tcp", "one-host", 24007, "v").hosts == ("one-host",)
    assert is_gluster_url("gluster+unix:///v/?socket=/s") and is_gluster_url("Gluster://h/v")
    assert not is_gluster_url("/gluster://") and not is_gluster_url(None)
    assert normalize_path("") == "/" and normalize_path("a//./b/") == "/a/b"


def test_spec_takes_volume_options_and_refuses_conflicts() -> None:
    u = parse_url("gluster://h1,h2:24008/vol/x")
    spec = u.spec(timeout=5.0, log_level="INFO", xlator_options={("x", "k"): "v"})
    assert spec == VolumeSpec(
        hosts=("h1", "h2"), volname="vol", proto="tcp", port=24008,
        xlator_options=((("x", "k"), "v"),), log_file=spec.log_file, log_level=7, timeout=5.0,
    )  # fmt: skip
    assert u.spec(port=24008, hosts=["h1", "h2"], proto="gluster").port == 24008
    with pytest.raises(ValueError, match="volname='w' conflicts with the URL"):
        u.spec(volname="w")
    with pytest.raises(TypeError, match="unknown volume option 'colour'"):
        u.spec(colour="red")
