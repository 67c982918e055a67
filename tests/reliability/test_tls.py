"""R10: I/O TLS (``client.ssl``/``server.ssl``) with certificates the test makes itself.

The client's certificate paths are handed to gpath as ``xlator_options`` (passed through
to ``glfs_set_xlator_option``), which override what the volfile says.  Management TLS
(``/var/lib/glusterd/secure-access``) is process-global and shared with glusterd: it is
never touched here.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpath import LibgfapiException, Volume
from gpath.testing import cluster
from gpath.testing.cluster import client_host

TLS_VOLUME = "gpath_tls"


def _make_cert(directory: Path, name: str) -> tuple[Path, Path]:
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN=gpath-{name}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed (Debian package 'openssl')"
    directory = tmp_path_factory.mktemp("tls")
    paths: dict[str, Path] = {}
    for name in ("server", "client", "stranger"):
        paths[f"{name}.pem"], paths[f"{name}.key"] = _make_cert(directory, name)
    # The CA list trusts the server's and the client's self-signed certs, not the stranger's.
    ca = directory / "ca.pem"
    ca.write_bytes(paths["server.pem"].read_bytes() + paths["client.pem"].read_bytes())
    paths["ca"] = ca
    return paths


@pytest.fixture(scope="module")
def tls_volume(gluster_volumes: object, certs: dict[str, Path]) -> Iterator[str]:
    cluster.delete_volume(TLS_VOLUME)  # a leftover may point at certificates long gone
    cluster.ensure_volume(
        TLS_VOLUME,
        "distribute",
        1,
        options={
            "client.ssl": "on",
            "server.ssl": "on",
            "ssl.own-cert": str(certs["server.pem"]),
            "ssl.private-key": str(certs["server.key"]),
            "ssl.ca-list": str(certs["ca"]),
        },
    )
    try:
        yield TLS_VOLUME
    finally:
        cluster.delete_volume(TLS_VOLUME)


def _tls_options(certs: dict[str, Path], who: str) -> dict[tuple[str, str], str]:
    return {
        ("*-client-*", "transport.socket.ssl-own-cert"): str(certs[f"{who}.pem"]),
        ("*-client-*", "transport.socket.ssl-private-key"): str(certs[f"{who}.key"]),
        ("*-client-*", "transport.socket.ssl-ca-list"): str(certs["ca"]),
    }


def test_tls_mount_with_client_certificate(tls_volume: str, certs: dict[str, Path]) -> None:
    vol = Volume(client_host(), tls_volume, xlator_options=_tls_options(certs, "client"))
    vol.mount(timeout=30)
    try:
        volfile = vol.get_volfile()
        assert b"transport.socket.ssl-enabled on" in volfile or b"ssl-enabled" in volfile
        payload = bytes(range(256)) * 4096  # 1 MiB over TLS
        with vol.fopen("/tls.bin", "wb") as f:
            f.write(payload)
        with vol.fopen("/tls.bin", "rb") as f:
            assert f.read() == payload
        vol.unlink("/tls.bin")
    finally:
        vol.umount()


def test_untrusted_certificate_is_refused(tls_volume: str, certs: dict[str, Path]) -> None:
    vol = Volume(client_host(), tls_volume, xlator_options=_tls_options(certs, "stranger"))
    start = time.monotonic()
    with pytest.raises(LibgfapiException) as info:
        vol.mount(timeout=60)
    seconds = time.monotonic() - start
    message = str(info.value)
    assert info.value.errno in (errno.EIO, errno.EACCES, errno.ENOTCONN), message
    assert "TLS handshake failed" in message.splitlines()[0], message
    # the SSL alert when the client saw it, else the hint (the brick may just drop it)
    assert any(m in message for m in ("unknown ca", "certificate verify failed", "ssl.ca-list")), message
    assert seconds < 30, seconds  # observed 3-4 s (once 15 s) on 10.3
    assert not vol.mounted
