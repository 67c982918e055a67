"""``exists()`` and the ``is_*()`` predicates answer False only when nothing is there.

False is an answer about the name (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, a name that cannot
exist); a failure to look (every brick down, a volume that cannot be mounted, a refused
lookup) is raised, since a sync tool acting on a wrong False would recreate or delete data.

The brick faults run on a volume of this module's own, ``gpath_honest`` (distribute x1,
made with ``ensure_volume`` and deleted at the end), so the shared volumes stay untouched.
Its brick is signalled only through the harness (``kill_brick``: the pid from ``volume
status``, > 1, proven by ``/proc`` to be this brick's glusterfsd) and is always restarted
in ``finally`` with ``volume start force``.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator

import pytest

from gpath import GlusterPath, LibgfapiException, Volume, VolumeNotMounted
from gpath.errors import ABSENT_ERRNOS, InvalidArgumentError, is_absent
from gpath.testing import cluster
from gpath.testing.cluster import VolumeInfo, client_host
from gpath.testing.pytest_plugin import scratch_dir

from _reliability import poll

VOL = "gpath_honest"
UNKNOWN_VOL = "gpath_honest_unknown"  # never created: mounting it fails

Call = Callable[[], object]


@pytest.fixture(scope="module")
def honest(gluster_volumes: dict[str, VolumeInfo]) -> Iterator[Volume]:
    """The mounted ``gpath_honest`` volume, created for this module and deleted after it."""
    info = cluster.ensure_volume(VOL, "distribute", 1)
    assert len(info.bricks) == 1
    vol = Volume(client_host(), VOL)
    vol.mount(timeout=60)
    try:
        yield vol
    finally:
        vol.umount()
        cluster.delete_volume(VOL)


@pytest.fixture
def tree(honest: Volume, request: pytest.FixtureRequest) -> Iterator[str]:
    """A directory on ``gpath_honest`` holding ``file``, ``dir`` and ``link`` -> file."""
    # After a brick restart the client reconnects within seconds: wait for a listing.
    poll(lambda: honest.listdir("/") is not None, timeout=60)
    with scratch_dir(honest, request.node.name) as top:
        with honest.fopen(f"{top}/file", "w") as f:
            f.write("data")
        honest.mkdir(f"{top}/dir")
        honest.symlink("file", f"{top}/link")
        yield top


def raised(call: Call) -> tuple[type[BaseException], int | None, object]:
    """``(type, errno, filename)`` of what *call* raised (fails the test if it returns)."""
    with pytest.raises(OSError) as info:
        call()
    return type(info.value), info.value.errno, info.value.filename


def lookups_fail(vol: Volume, paths: list[str]) -> bool:
    """Whether stat and lstat of every path fail with ENOTCONN (no cached answer left)."""
    for path in paths:
        for stat in (vol.stat, vol.lstat):
            try:
                stat(path)
            except OSError as exc:
                if exc.errno != errno.ENOTCONN:
                    return False
            else:
                return False
    return True


# -- which errors mean "not there" ------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "absent"),
    [
        (FileNotFoundError(errno.ENOENT, "x"), True),
        (NotADirectoryError(errno.ENOTDIR, "x"), True),
        (OSError(errno.ELOOP, "x"), True),
        (OSError(errno.ENAMETOOLONG, "x"), True),
        (ValueError("embedded null byte"), True),
        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), True),
        (OSError(errno.ENOTCONN, "x"), False),
        (OSError(errno.EIO, "x"), False),
        (TimeoutError(errno.ETIMEDOUT, "x"), False),
        (PermissionError(errno.EACCES, "x"), False),
        (OSError(errno.ESTALE, "x"), False),
        (OSError("no errno at all"), False),
        (LibgfapiException(errno.ENOENT, "failed to get the volume file"), False),
        (VolumeNotMounted(), False),
        (InvalidArgumentError("bad flags"), False),
        (TypeError("not a path"), False),
    ],
    ids=repr,
)
def test_is_absent(exc: BaseException, absent: bool) -> None:
    assert is_absent(exc) is absent


def test_absent_errnos() -> None:
    expected = {errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.ENAMETOOLONG}
    assert ABSENT_ERRNOS == frozenset(expected)


# -- names that are not there: still False ------------------------------------------------------


def test_absent_names_answer_false(volume: Volume, workdir: str) -> None:
    with volume.fopen(f"{workdir}/file", "w") as f:
        f.write("x")
    volume.symlink("loop2", f"{workdir}/loop1")
    volume.symlink("loop1", f"{workdir}/loop2")
    cases = {
        "missing": (f"{workdir}/missing", errno.ENOENT),
        "below a file": (f"{workdir}/file/x", errno.ENOTDIR),
        "symlink loop": (f"{workdir}/loop1", errno.ELOOP),
        "long name": (f"{workdir}/{'n' * 300}", errno.ENAMETOOLONG),
    }
    for name, (path, err) in cases.items():
        # The errno each case really produces (so the answers below come from that errno).
        assert raised(lambda: volume.stat(path))[1] == err, name
        p = volume.path(path)
        info = volume.path(path).info
        answers = (
            p.exists(),
            volume.exists(path),
            volume.access(path, os.F_OK),
            info.exists(),
            info.is_dir(),  # answered from the first question's cached stat error
            info.is_file(),
        )
        assert answers == (False,) * 6, name
        if name != "symlink loop":  # libgfapi follows a loop to its limit: slow each time
            more = (
                p.is_dir(),
                p.is_file(),
                p.is_fifo(),
                p.is_socket(),
                p.is_block_device(),
                p.is_char_device(),
                volume.isdir(path),
                volume.isfile(path),
            )
            assert more == (False,) * 8, name
        is_link = name == "symlink loop"  # the loop's first link itself is there
        links = (
            p.is_symlink(),
            p.exists(follow_symlinks=False),
            volume.path(path).info.is_symlink(),
            volume.islink(path),
        )
        assert links == (is_link,) * 4, name


def test_names_that_cannot_exist_answer_false(volume: Volume, workdir: str) -> None:
    for path in (f"{workdir}/nul\0name", f"{workdir}/surrogate-\ud800"):
        p = volume.path(path)
        answers = (p.exists(), p.is_dir(), p.is_file(), p.is_symlink(), p.info.exists())
        assert answers == (False,) * 5, repr(path)
        vol_answers = (volume.exists(path), volume.isdir(path), volume.isfile(path))
        assert vol_answers + (volume.islink(path),) == (False,) * 4, repr(path)
    assert (volume.exists(""), volume.isdir(b""), volume.access("", os.F_OK)) == (False,) * 3
    long_path = f"{workdir}/" + "d" * 5000  # ENAMETOOLONG before C
    assert (volume.exists(long_path), volume.access(long_path, os.F_OK)) == (False, False)


def test_double_slash_root_is_the_root(volume: Volume, workdir: str) -> None:
    # libgfapi never looks "//" up: its stat came back as zeros, its opendir as ENOTDIR.
    root = volume.stat("/")
    st = volume.stat("//")
    assert (st.st_mode, st.st_ino, st.st_dev) == (root.st_mode, root.st_ino, root.st_dev)
    assert (volume.isdir("//"), volume.exists("//"), volume.islink("//")) == (True, True, False)
    assert workdir.lstrip("/") in volume.listdir("//")


# -- failures to look are raised ----------------------------------------------------------------


@pytest.mark.slow
def test_every_brick_down_raises_enotconn_then_the_same_volume_recovers(
    honest: Volume, tree: str
) -> None:
    vol = honest
    mount = vol._mount
    file, dirpath, link = f"{tree}/file", f"{tree}/dir", f"{tree}/link"
    unasked_info = vol.path(file).info  # made now, first asked while the brick is down
    down: list[tuple[str, Call, str]] = [
        ("path.exists", vol.path(file).exists, file),
        ("path.exists nofollow", lambda: vol.path(file).exists(follow_symlinks=False), file),
        ("path.is_dir", vol.path(dirpath).is_dir, dirpath),
        ("path.is_file", vol.path(file).is_file, file),
        ("path.is_symlink", vol.path(link).is_symlink, link),
        ("path.is_fifo", vol.path(file).is_fifo, file),
        ("path.is_socket", vol.path(file).is_socket, file),
        ("path.is_block_device", vol.path(file).is_block_device, file),
        ("path.is_char_device", vol.path(file).is_char_device, file),
        ("root.is_dir", vol.path("/").is_dir, "/"),
        ("root.exists", vol.path("/").exists, "/"),
        ("info.exists", unasked_info.exists, file),
        ("info.is_file", lambda: vol.path(file).info.is_file(), file),
        ("info.is_dir", lambda: vol.path(dirpath).info.is_dir(), dirpath),
        ("info.is_symlink", lambda: vol.path(link).info.is_symlink(), link),
        ("vol.exists", lambda: vol.exists(file), file),
        ("vol.isdir", lambda: vol.isdir(dirpath), dirpath),
        ("vol.isfile", lambda: vol.isfile(file), file),
        ("vol.islink", lambda: vol.islink(link), link),
        ("vol.isdir root", lambda: vol.isdir("/"), "/"),
        ("vol.access", lambda: vol.access(file, os.F_OK), file),
        ("vol.stat root", lambda: vol.stat("/"), "/"),
        ("iterdir root", lambda: list(vol.path("/").iterdir()), "/"),
        ("iterdir", lambda: list(vol.path(tree).iterdir()), tree),
        ("listdir root", lambda: vol.listdir("/"), "/"),
        ("listdir", lambda: vol.listdir(tree), tree),
        ("scandir root", lambda: vol.scandir("/"), "/"),
        ("opendir root", lambda: vol.opendir("/"), "/"),
        ("vol.walk root", lambda: list(vol.walk("/")), "/"),
        # A silently empty listing would look like an empty tree: globs and walks raise too.
        ("path.walk root", lambda: list(vol.path("/").walk()), "/"),
        ("path.walk", lambda: list(vol.path(tree).walk()), tree),
        ("glob *", lambda: list(vol.path(tree).glob("*")), tree + "/"),
        ("rglob", lambda: list(vol.path(tree).rglob("*")), tree + "/"),
        ("glob following", lambda: list(vol.path(tree).glob("**/*", recurse_symlinks=True)),
         tree),
    ]
    pid = cluster.kill_brick(VOL, 0)
    try:
        assert pid > 1
        assert cluster.brick_pids(VOL) == [None]
        # The client's metadata cache may still answer for about a second.
        poll(lambda: lookups_fail(vol, [tree, file, dirpath, link]), timeout=30)
        for name, call, filename in down:
            assert (name, *raised(call)) == (name, OSError, errno.ENOTCONN, filename)
        walk_errors: list[OSError] = []
        assert list(vol.path("/").walk(on_error=walk_errors.append)) == []
        assert [(type(e), e.errno, e.filename) for e in walk_errors] == [
            (OSError, errno.ENOTCONN, "/")
        ]
    finally:
        cluster.start_bricks(VOL)
    poll(lambda: vol.exists(file), timeout=60)
    assert vol._mount is mount  # answered by the same mount: nothing was remounted
    up = (
        vol.path(file).exists(),
        vol.path(dirpath).is_dir(),
        vol.path(file).is_file(),
        vol.path(link).is_symlink(),
        vol.path("/").is_dir(),
        unasked_info.exists(),  # the failure above was not cached
        unasked_info.is_file(),
        vol.isdir(dirpath),
        vol.isfile(file),
        vol.islink(link),
        vol.isdir("/"),
        vol.access(file, os.F_OK),
    )
    assert up == (True,) * 12
    assert sorted(vol.listdir(tree)) == ["dir", "file", "link"]
    assert sorted(p.name for p in vol.path(tree).iterdir()) == ["dir", "file", "link"]


def test_refused_lookup_raises_permission_error(honest: Volume, tree: str) -> None:
    vol = honest
    private = f"{tree}/private"
    vol.mkdir(private)
    vol.chmod(private, 0o700)
    target = f"{private}/x"  # never looked up: the server checks the search permission
    calls: dict[str, Call] = {
        "vol.exists": lambda: vol.exists(target),
        "vol.isfile": lambda: vol.isfile(target),
        "path.exists": lambda: vol.path(target).exists(),
        "path.is_file": lambda: vol.path(target).is_file(),
        "info.exists": lambda: vol.path(target).info.exists(),
    }
    results: dict[str, object] = {}

    def as_nobody() -> None:
        vol.setfsuid(65534)  # libgfapi's identity is per thread: only this one is nobody
        vol.setfsgid(65534)
        try:
            for name, call in calls.items():
                try:
                    results[name] = call()
                except OSError as exc:
                    results[name] = (type(exc), exc.errno, exc.filename)
            results["access refused"] = vol.access(private, os.R_OK)
            results["access refused below"] = vol.access(target, os.F_OK)
        finally:
            vol.setfsuid(0)
            vol.setfsgid(0)

    worker = threading.Thread(target=as_nobody)
    worker.start()
    worker.join()
    expected: dict[str, object] = {name: (PermissionError, errno.EACCES, target) for name in calls}
    # access(2) answering "no" (EACCES) is an answer about the caller, not a failure to ask.
    expected["access refused"] = False
    expected["access refused below"] = False
    assert results == expected


def test_unknown_volume_raises_the_mount_error(gluster_volumes: dict[str, VolumeInfo]) -> None:
    assert cluster.volume_info(UNKNOWN_VOL) is None
    p = GlusterPath.from_uri(f"gluster://{client_host()}/{UNKNOWN_VOL}/x")
    for call in (p.exists, p.is_file, p.is_symlink, p.info.exists):
        with pytest.raises(LibgfapiException) as info:
            call()
        # ENOENT here is the volfile's, not the path's: still raised, never False.
        assert (type(info.value), info.value.errno) == (LibgfapiException, errno.ENOENT)
        assert UNKNOWN_VOL in str(info.value)
    assert p._volume.mounted is False


def test_mount_timeout_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    def never_answers(self: Volume, *args: object, **kwargs: object) -> None:
        raise TimeoutError(errno.ETIMEDOUT, f"mounting {self.volname!r} did not finish")

    monkeypatch.setattr(Volume, "mount", never_answers)
    # (192.0.2.1 is TEST-NET-1: nothing is ever contacted, mount() is replaced)
    p = GlusterPath.from_uri("gluster://192.0.2.1/gpath_honest_timeout/x")
    for call in (p.exists, p.is_dir, p.is_symlink, p.info.exists, p.info.is_file):
        with pytest.raises(TimeoutError) as info:
            call()
        assert (type(info.value), info.value.errno) == (TimeoutError, errno.ETIMEDOUT)
