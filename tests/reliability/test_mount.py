"""R4/R9: mounting fails fast and clearly, or is bounded by ``mount(timeout=...)``.

* a server that accepts TCP and never answers: ``glfs_init`` has no bound of its own, so
  ``mount(timeout)`` raises ``TimeoutError`` and the process stays healthy;
* wrong volume name, refused port: ``LibgfapiException`` (an ``OSError`` with the errno)
  within seconds;
* several volfile servers: a dead first one falls through to the next (about 3 s);
* ``auth.reject``: ``LibgfapiException(EACCES)`` within seconds, "Authentication failed" in
  the message (libgfapi 10.3 never returns from ``glfs_init`` on a 1-brick volume here).
"""

from __future__ import annotations

import errno
import math
import pathlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from gpath import LibgfapiException, Volume
from gpath._mount import answering_first
from gpath.testing import cluster
from gpath.testing.cluster import client_host

from _reliability import poll, run_child


class HungServer:
    """A TCP listener on 127.0.0.1 that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="hung-server", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.conns.append(conn)  # hold it open; read nothing, answer nothing

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung_server() -> Iterator[HungServer]:
    server = HungServer()
    yield server
    server.close()


def _init_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "gpath-glfs-init")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(call: Callable[[], object]) -> tuple[BaseException | None, float]:
    start = time.monotonic()
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - returned to the test to inspect
        return exc, time.monotonic() - start
    return None, time.monotonic() - start


def test_hung_server_mount_times_out_then_good_mount_works(
    gluster_volumes: object, hung_server: HungServer
) -> None:
    threads_before = _init_threads()
    stuck = Volume("127.0.0.1", "gpath_single", port=hung_server.port)
    exc, seconds = timed(lambda: stuck.mount(timeout=3))
    assert isinstance(exc, TimeoutError), exc
    assert exc.errno == errno.ETIMEDOUT
    assert 2.9 <= seconds < 5.0, seconds
    assert not stuck.mounted
    assert hung_server.conns, "libgfapi never connected to the hung server"
    # The process stays healthy: a good mount in the same process works at once.
    good = Volume(client_host(), "gpath_single")
    good.mount(timeout=30)
    try:
        assert good.stat("/").st_mode
    finally:
        good.umount()
    # When the hung server finally closes, glfs_init fails and the abandoned handle is
    # finalised by its worker thread (never while glfs_init runs).
    hung_server.close()
    poll(lambda: _init_threads() <= threads_before, timeout=30)


def test_wrong_volume_name_fails_fast(gluster_volumes: object) -> None:
    vol = Volume(client_host(), "gpath_no_such_volume")
    exc, seconds = timed(lambda: vol.mount(timeout=30))
    assert isinstance(exc, LibgfapiException), exc
    assert isinstance(exc, OSError) and exc.errno == errno.ENOENT
    assert "failed to get the volume file" in str(exc)
    assert seconds < 5, seconds
    assert not vol.mounted


def test_refused_port_fails_fast(gluster_volumes: object) -> None:
    vol = Volume("127.0.0.1", "gpath_single", port=_free_port())
    exc, seconds = timed(lambda: vol.mount(timeout=30))
    assert isinstance(exc, LibgfapiException), exc
    assert exc.errno == errno.ENOTCONN
    assert "Failed to connect" in str(exc) or "Exhausted all volfile servers" in str(exc)
    assert seconds < 5, seconds


def test_dead_first_volfile_server_falls_through(gluster_volumes: object) -> None:
    # glusterd listens on 0.0.0.0 only, so [::1]:24007 refuses (or has no route): a dead
    # server on the same port as the live one.
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        assert probe.connect_ex(("::1", 24007)) != 0, "[::1]:24007 answers; pick another dead host"
    hosts = ("::1", client_host())
    # the mount probes the servers first and gives libgfapi the answering one first
    assert answering_first(hosts, 24007) == (client_host(), "::1")
    vol = Volume(list(hosts), "gpath_single")
    exc, seconds = timed(lambda: vol.mount(timeout=30))
    assert exc is None, exc
    try:
        assert vol.stat("/").st_mode
        assert seconds < 10.0, seconds  # libgfapi alone spends a 3 s reconnect step on it
    finally:
        vol.umount()


def test_infinite_timeout_is_no_timeout(gluster_volumes: object) -> None:
    vol = Volume(client_host(), "gpath_single")
    vol.mount(timeout=math.inf)
    try:
        assert vol.mounted
    finally:
        vol.umount()


def test_abandoned_mount_does_not_block_exit(gluster_volumes: object) -> None:
    # A normal interpreter exit (atexit hooks, finalizers) while glfs_init is still blocked
    # in its worker thread: the process must end promptly and cleanly.
    result = run_child(
        """
        import socket
        server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(4)
        port = server.getsockname()[1]
        vol = Volume("127.0.0.1", "gpath_single", port=port)
        try:
            vol.mount(timeout=1)
        except TimeoutError:
            out("timeout")
        good = mount()
        good.listdir("/")
        out("good mount ok")
        sys.exit(0)  # NOT os._exit: the full interpreter shutdown must cope
        """
    )
    result.check(["timeout", "good mount ok"])
    assert result.seconds < 30, result.describe()


# -- authentication -----------------------------------------------------------------------

AUTH_VOLUME = "gpath_auth"


@pytest.fixture(scope="module")
def auth_volume(gluster_volumes: object) -> Iterator[str]:
    """A dedicated 1-brick volume with ``auth.reject 127.0.0.1``, deleted afterwards."""
    cluster.ensure_volume(AUTH_VOLUME, "distribute", 1)
    try:
        cluster.volume_set(AUTH_VOLUME, "auth.reject", "127.0.0.1")
        yield AUTH_VOLUME
    finally:
        cluster.delete_volume(AUTH_VOLUME)


def test_auth_rejection_fails_within_seconds(auth_volume: str) -> None:
    vol = Volume(client_host(), auth_volume)
    exc, seconds = timed(lambda: vol.mount(timeout=60))
    assert isinstance(exc, LibgfapiException), exc
    assert exc.errno == errno.EACCES
    assert "Authentication failed" in str(exc)
    assert seconds < 10, seconds
    assert not vol.mounted


def test_auth_rejection_with_own_log_file(auth_volume: str, tmp_path: pytest.TempPathFactory) -> None:
    # With the caller's own log file gpath watches what this mount appends to it.
    log = tmp_path / "gfapi.log"  # type: ignore[operator]
    vol = Volume(client_host(), auth_volume, log_file=str(log), log_level=4)
    exc, seconds = timed(lambda: vol.mount(timeout=60))
    assert isinstance(exc, LibgfapiException) and exc.errno == errno.EACCES, exc
    assert "Authentication failed" in str(exc)
    assert "Authentication failed" in log.read_text()
    assert seconds < 10, seconds
    # Old lines of the same log do not condemn a later, good mount.
    good = Volume(client_host(), "gpath_single", log_file=str(log), log_level=4)
    good.mount(timeout=30)
    try:
        assert good.mounted
    finally:
        good.umount()


def test_auth_rejection_then_exit_is_clean(auth_volume: str) -> None:
    result = run_child(
        """
        from gpath import LibgfapiException
        vol = Volume({host!r}, {vol!r})
        try:
            vol.mount()  # no timeout: the refusal alone must end the wait
        except LibgfapiException as exc:
            out("refused", exc.errno, "Authentication failed" in str(exc))
        sys.exit(0)
        """.format(host=client_host(), vol=auth_volume)
    )
    result.check([f"refused {errno.EACCES} True"])
    assert result.seconds < 20, result.describe()


def test_auth_reset_lets_the_client_in(auth_volume: str) -> None:
    cluster.volume_reset(auth_volume, "auth.reject")
    try:
        vol = Volume(client_host(), auth_volume)
        vol.mount(timeout=30)
        try:
            with vol.fopen("/hello", "wb") as f:
                f.write(b"in")
            assert vol.listdir("/") == ["hello"]
        finally:
            vol.umount()
    finally:
        cluster.volume_set(auth_volume, "auth.reject", "127.0.0.1")


def test_constructor_timeout_bounds_the_with_block(
    gluster_volumes: object, hung_server: HungServer
) -> None:
    assert Volume("127.0.0.1", "gpath_single").timeout == 30.0  # the documented default
    stuck = Volume("127.0.0.1", "gpath_single", port=hung_server.port, timeout=2)

    def enter() -> None:
        with stuck:
            raise AssertionError("mounted a server that never answers")

    exc, seconds = timed(enter)
    assert type(exc) is TimeoutError and exc.errno == errno.ETIMEDOUT
    assert f"127.0.0.1:{hung_server.port}" in str(exc) and "did not finish in 2.0 s" in str(exc)
    assert 1.9 <= seconds < 4.0, seconds
    with pytest.raises(ValueError, match="timeout must be positive"):
        Volume("127.0.0.1", "gpath_single", timeout=0)
    with pytest.raises(TypeError, match="timeout must be a number or None"):
        Volume("127.0.0.1", "gpath_single", timeout="5")  # type: ignore[arg-type]


def test_lazy_mounts_use_the_volume_timeout(
    gluster_volumes: object, hung_server: HungServer
) -> None:
    """A path unpickled (or parsed) without a mounted Volume mounts itself, bounded."""
    import pickle

    template = Volume("127.0.0.1", "gpath_single", port=hung_server.port, timeout=1.5)
    path = pickle.loads(pickle.dumps(template.root / "x"))
    assert path.volume is not template and path.volume.timeout == 1.5
    exc, seconds = timed(path.exists)
    assert type(exc) is TimeoutError, exc
    assert 1.4 <= seconds < 3.5, seconds


def test_ctrl_c_ends_a_hanging_mount_and_the_process(
    gluster_volumes: object, hung_server: HungServer, tmp_path: pathlib.Path
) -> None:
    import signal
    import subprocess
    import sys

    from _reliability import _child_env

    code = (
        "import sys\nfrom gpath import Volume\nprint('mounting', flush=True)\n"
        f"Volume('127.0.0.1', 'gpath_single', port={hung_server.port}, timeout=None).mount()\n"
    )
    env = dict(_child_env(), TMPDIR=str(tmp_path))  # where the mount's log capture goes
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "mounting\n"
    poll(lambda: bool(hung_server.conns), timeout=10, interval=0.05)  # glfs_init is waiting
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - start < 1.0
    assert proc.returncode == -signal.SIGINT  # KeyboardInterrupt, as Python exits on it
    assert stderr.rstrip().endswith("KeyboardInterrupt"), stderr
    assert list(tmp_path.iterdir()) == []  # the mount's temporary log is gone too


def test_mount_errors_name_the_server_and_the_reason(gluster_volumes: object) -> None:
    host = client_host()
    missing = Volume(host, "gpath_no_such_volume")
    with pytest.raises(LibgfapiException) as info:
        missing.mount()
    first = str(info.value).splitlines()[0]
    assert first == (
        f"[Errno 2] mounting volume 'gpath_no_such_volume' from {host}:24007 failed: "
        "No such file or directory (the volume does not exist on that server)"
    )
    port = _free_port()
    with pytest.raises(LibgfapiException) as info:
        Volume("127.0.0.1", "gpath_single", port=port).mount()
    assert str(info.value).splitlines()[0] == (
        f"[Errno 107] mounting volume 'gpath_single' from 127.0.0.1:{port} failed: "
        "Transport endpoint is not connected (no glusterd could be reached there)"
    )
