"""R0: inputs gpath must reject (section 4 of reliability.md), and names it must keep exact.

Rejected inputs must fail with the exact exception type *before any C call*: a spy stands
in for the compiled ``lib`` in every gpath module and records each libgfapi call, and the
server is checked for side effects (libgfapi silently cuts ``/nul\\x00evil`` to ``/nul``).
"""

from __future__ import annotations

import errno
import io
import math
import os
from collections.abc import Callable
from typing import Any

import pytest

import gpath._mount
import gpath.dir
import gpath.file
import gpath.volume
from gpath import ClosedError, LibgfapiException, Volume, VolumeNotMounted
from gpath.testing.cluster import client_host


# gpath's C helpers that check their path argument as encode() does before any libgfapi
# call (gp_check_path); tests/unit/test_fast_paths.py shows that they reject a bad path
# without touching the mount.  Calling one is not "reaching C" in the sense tested here.
PATH_CHECKING_HELPERS = frozenset({"gp_stat"})


class LibSpy:
    """Delegates to the real cffi ``lib`` and records the name of every function called
    (except the path-checking helpers)."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._real, name)
        if not callable(attr):
            return attr

        if name in PATH_CHECKING_HELPERS:
            return attr

        def recorded(*args: Any) -> Any:
            self.calls.append(name)
            return attr(*args)

        return recorded


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> LibSpy:
    real = gpath.volume.lib
    spy = LibSpy(real)
    for module in (gpath.volume, gpath.file, gpath.dir, gpath._mount):
        monkeypatch.setattr(module, "lib", spy)
    return spy


@pytest.fixture
def d(gluster_volume: Volume, gluster_tmpdir: str) -> str:
    """A fresh directory holding one file ``ok`` and one directory ``sub``."""
    gluster_volume.fopen(f"{gluster_tmpdir}/ok", "w").close()
    gluster_volume.mkdir(f"{gluster_tmpdir}/sub")
    return gluster_tmpdir


# Single-call operations: each makes exactly one libgfapi call on a valid path, so a
# rejected path must make none.  ``P`` is the bad path, ``D`` the test directory.
PathOp = Callable[[Volume, Any, str], object]
PATH_OPS: dict[str, PathOp] = {
    "stat": lambda v, p, d: v.stat(p),
    "lstat": lambda v, p, d: v.lstat(p),
    "statvfs": lambda v, p, d: v.statvfs(p),
    "open": lambda v, p, d: v.open(p, os.O_RDONLY),
    "open_creat": lambda v, p, d: v.open(p, os.O_WRONLY | os.O_CREAT, 0o644),
    "fopen_w": lambda v, p, d: v.fopen(p, "wb"),
    "fopen_r": lambda v, p, d: v.fopen(p, "rb"),
    "open_file_w": lambda v, p, d: v.open_file(p, "w"),
    "opendir": lambda v, p, d: v.opendir(p),
    "listdir": lambda v, p, d: v.listdir(p),
    "scandir": lambda v, p, d: v.scandir(p),
    "mkdir": lambda v, p, d: v.mkdir(p, 0o755),
    "mknod": lambda v, p, d: v.mknod(p),
    "rmdir": lambda v, p, d: v.rmdir(p),
    "unlink": lambda v, p, d: v.unlink(p),
    "chmod": lambda v, p, d: v.chmod(p, 0o600),
    "chown": lambda v, p, d: v.chown(p, 0, 0),
    "lchown": lambda v, p, d: v.lchown(p, 0, 0),
    "utime": lambda v, p, d: v.utime(p, (1, 2)),
    "truncate": lambda v, p, d: v.truncate(p, 0),
    "access": lambda v, p, d: v.access(p, os.F_OK),
    "readlink": lambda v, p, d: v.readlink(p),
    "realpath": lambda v, p, d: v.realpath(p),
    "chdir": lambda v, p, d: v.chdir(p),
    "rename_src": lambda v, p, d: v.rename(p, f"{d}/renamed"),
    "rename_dst": lambda v, p, d: v.rename(f"{d}/ok", p),
    "link_src": lambda v, p, d: v.link(p, f"{d}/hard"),
    "link_dst": lambda v, p, d: v.link(f"{d}/ok", p),
    "symlink_link": lambda v, p, d: v.symlink("ok", p),
    "setxattr": lambda v, p, d: v.setxattr(p, "user.k", b"v"),
    "getxattr": lambda v, p, d: v.getxattr(p, "user.k"),
    "listxattr": lambda v, p, d: v.listxattr(p),
    "removexattr": lambda v, p, d: v.removexattr(p, "user.k"),
}


def _same_kind(p: Any, text: str) -> Any:
    return text.encode() if isinstance(p, bytes) else text


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
@pytest.mark.parametrize("op", sorted(PATH_OPS))
def test_embedded_nul_rejected_before_c(
    gluster_volume: Volume, d: str, spy: LibSpy, op: str, as_bytes: bool
) -> None:
    bad: Any = f"{d}/nul\x00evil"
    if as_bytes:
        bad = bad.encode()
    with pytest.raises(ValueError, match="null"):
        PATH_OPS[op](gluster_volume, bad, d)
    assert spy.calls == []
    # libgfapi would have silently cut the name at the NUL and acted on "<d>/nul".
    assert sorted(gluster_volume.listdir(d)) == ["ok", "sub"]


def test_nul_in_other_string_arguments(gluster_volume: Volume, d: str, spy: LibSpy) -> None:
    vol = gluster_volume
    with pytest.raises(ValueError):
        vol.symlink("tar\x00get", f"{d}/lnk")  # symlink target
    with pytest.raises(ValueError):
        vol.setxattr(f"{d}/ok", "user.a\x00b", b"v")  # xattr name
    with pytest.raises(ValueError):
        vol.getxattr(f"{d}/ok", b"user.a\x00b")
    with pytest.raises(ValueError):
        vol.removexattr(f"{d}/ok", "user.a\x00b")
    with pytest.raises(ValueError):
        vol.set_logging("/tmp/x\x00y", 7)
    assert spy.calls == []
    assert sorted(vol.listdir(d)) == ["ok", "sub"]
    assert vol.listxattr(f"{d}/ok") == [] or all(not k.startswith("user.") for k in vol.listxattr(f"{d}/ok"))


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["a"], object()], ids=repr)
@pytest.mark.parametrize("op", sorted(PATH_OPS))
def test_non_path_types_are_type_errors(gluster_volume: Volume, d: str, spy: LibSpy, op: str, bad: object) -> None:
    # glfs_creat(fs, NULL) is a SIGSEGV in 10.3: None must never reach C.
    with pytest.raises(TypeError):
        PATH_OPS[op](gluster_volume, bad, d)
    assert spy.calls == []


@pytest.mark.parametrize("empty", ["", b""], ids=["str", "bytes"])
@pytest.mark.parametrize("op", sorted(PATH_OPS))
def test_empty_path_is_file_not_found(gluster_volume: Volume, d: str, spy: LibSpy, op: str, empty: Any) -> None:
    # C answers EINVAL; os.open("") and friends raise FileNotFoundError.
    if op == "access":  # os.access("") is False rather than an error
        assert gluster_volume.access(empty, os.F_OK) is False
    else:
        with pytest.raises(FileNotFoundError) as info:
            PATH_OPS[op](gluster_volume, empty, d)
        assert info.value.errno == errno.ENOENT
    assert spy.calls == []


def test_compound_operations_reject_bad_paths(gluster_volume: Volume, d: str) -> None:
    vol = gluster_volume
    for op in (
        lambda p: vol.makedirs(p),
        lambda p: list(vol.walk(p)),
        lambda p: vol.rmtree(p),
        lambda p: vol.copyfile(f"{d}/ok", p),
        lambda p: vol.copyfile(p, f"{d}/copy"),
        lambda p: vol.copytree(p, f"{d}/tree"),
    ):
        with pytest.raises(ValueError):
            op(f"{d}/nul\x00evil")
        with pytest.raises(TypeError):
            op(None)
    # The os.path-style predicates answer False, like os.path.exists("a\0b").
    for pred in (vol.exists, vol.isdir, vol.isfile, vol.islink):
        assert pred(f"{d}/ok\x00") is False
        assert pred("") is False
    assert sorted(vol.listdir(d)) == ["ok", "sub"]


def test_name_length_limits(gluster_volume: Volume, d: str, spy: LibSpy) -> None:
    vol = gluster_volume
    with vol.fopen(f"{d}/{'n' * 255}", "wb") as f:  # NAME_MAX is fine
        f.write(b"x")
    with pytest.raises(OSError) as info:
        vol.fopen(f"{d}/{'n' * 256}", "wb")  # the server answers ENAMETOOLONG
    assert info.value.errno == errno.ENAMETOOLONG
    # A path of PATH_MAX (4096) bytes or more: ENAMETOOLONG like os, before C (the server
    # would answer ENOENT, since it resolves parents first).
    spy.calls.clear()
    for length in (4096, 5025):
        long_path = d + "/" + "c" * 200 * 30
        long_path = long_path[:length]
        assert len(long_path) == length
        with pytest.raises(OSError) as info:
            vol.stat(long_path)
        assert info.value.errno == errno.ENAMETOOLONG
    assert spy.calls == []


NASTY_NAMES: list[bytes] = [
    b"bad\xff\xfe",
    b"latin1-\xe9t\xe9",
    b"ctrl\x01\x1b[31m",
    b"nl\nname",
    b"sp ace ",
    b"tab\tname",
    "emoji-\U0001f600-✓".encode(),
    b"back\\slash",
    b"-leading-dash",
    b"..dots..",
]


@pytest.mark.parametrize("name", NASTY_NAMES, ids=repr)
def test_bytes_names_round_trip(gluster_volume: Volume, d: str, name: bytes) -> None:
    vol = gluster_volume
    bdir = d.encode()
    path = bdir + b"/" + name
    with vol.fopen(path, "wb") as f:
        f.write(name)
    # bytes in, bytes out, byte-exact
    assert name in vol.listdir(bdir)
    assert [e.name for e in vol.scandir(bdir) if e.name == name] == [name]
    # str view: os.fsdecode (surrogateescape), and the str name opens the same file
    as_str = os.fsdecode(name)
    assert as_str in vol.listdir(d)
    with vol.fopen(f"{d}/{as_str}", "rb") as f:
        assert f.read() == name
    # through a symlink and xattr values as well
    vol.symlink(name, bdir + b"/link-" + name.replace(b"/", b"_"))
    assert vol.readlink(bdir + b"/link-" + name.replace(b"/", b"_")) == name
    vol.setxattr(path, "user.name", name)
    assert vol.getxattr(path, "user.name") == name
    vol.unlink(path)
    assert name not in vol.listdir(bdir)


def test_volume_root_is_a_jail(gluster_volume: Volume, d: str) -> None:
    vol = gluster_volume
    host_passwd = open("/etc/passwd", "rb").read()
    # ".." above the root stays at the volume root
    with pytest.raises(FileNotFoundError):
        vol.fopen("/../../../../etc/passwd", "rb")
    # an absolute symlink target is resolved inside the volume
    vol.symlink("/etc/passwd", f"{d}/lnk")
    with pytest.raises(FileNotFoundError):
        vol.fopen(f"{d}/lnk", "rb")
    assert vol.readlink(f"{d}/lnk") == "/etc/passwd"
    assert host_passwd  # (the host file exists; the volume simply never sees it)


def test_o_creat_is_routed_to_creat(gluster_volume: Volume, d: str) -> None:
    # glfs_open() cannot create (ENOENT); gpath uses glfs_creat for O_CREAT.
    vol = gluster_volume
    fd = vol.open(f"{d}/created", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    fd.close()
    assert vol.isfile(f"{d}/created")
    with pytest.raises(FileExistsError):
        vol.open(f"{d}/created", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)


def test_relative_paths_start_at_cwd(gluster_volume: Volume, d: str) -> None:
    # A fresh mount's cwd is "/", so "relative" means "below the root" (documented).
    assert gluster_volume.getcwd() == "/"
    assert gluster_volume.isfile(d.lstrip("/") + "/ok")


def test_opening_a_directory_for_reading_is_eisdir(gluster_volume: Volume, d: str) -> None:
    with pytest.raises(IsADirectoryError):
        gluster_volume.fopen(f"{d}/sub", "rb")  # at open(), as the built-in open() does


def test_wrong_direction_io_is_unsupported_before_c(gluster_volume: Volume, d: str, spy: LibSpy) -> None:
    vol = gluster_volume
    with vol.fopen(f"{d}/ok", "wb") as f:
        f.write(b"data")
    with vol.fopen(f"{d}/ok", "rb") as ro, vol.fopen(f"{d}/ok", "ab") as wo:
        spy.calls.clear()
        # C would report success for a write on an O_RDONLY fd and fail later at close.
        for call in (
            lambda: ro.write(b"x"),
            lambda: ro.pwrite(b"x", 0),
            lambda: ro.truncate(0),
            lambda: ro.ftruncate(0),
            lambda: ro.fallocate(0, 0, 10),
            lambda: ro.discard(0, 1),
            lambda: ro.zerofill(0, 1),
            lambda: wo.read(1),
            lambda: wo.read(),
            lambda: wo.pread(1, 0),
            lambda: wo.readinto(bytearray(1)),
            lambda: wo.readline(),
        ):
            with pytest.raises(io.UnsupportedOperation):
                call()
        assert spy.calls == []
    # nothing was written by the refused calls, and both closes were clean
    with vol.fopen(f"{d}/ok", "rb") as f:
        assert f.read() == b"data"


def test_offsets_and_sizes_checked_before_c(gluster_volume: Volume, d: str, spy: LibSpy) -> None:
    vol = gluster_volume
    with vol.fopen(f"{d}/ok", "r+b") as f:
        spy.calls.clear()
        cases: list[tuple[type[BaseException], Callable[[], object]]] = [
            (ValueError, lambda: f.pwrite(b"x", -1)),  # C: returns 1, fails at fsync (EINVAL)
            (ValueError, lambda: f.pread(1, -1)),
            (ValueError, lambda: f.pread(-1, 0)),
            (ValueError, lambda: f.ftruncate(-1)),
            (ValueError, lambda: f.fallocate(0, -1, 10)),
            (ValueError, lambda: f.zerofill(0, -5)),
            (OverflowError, lambda: f.pwrite(b"x", 2**63)),
            (OverflowError, lambda: f.pwrite(b"xy", 2**63 - 1)),  # would end beyond
            (OverflowError, lambda: f.pread(1, 2**64)),
            (OverflowError, lambda: f.lseek(2**63, os.SEEK_SET)),
            (TypeError, lambda: f.pwrite(b"x", 1.5)),  # type: ignore[arg-type]
            (TypeError, lambda: f.pwrite(None, 0)),  # type: ignore[arg-type]
            (TypeError, lambda: f.write(None)),  # type: ignore[arg-type]
            (TypeError, lambda: f.write(12)),  # type: ignore[arg-type]
            (TypeError, lambda: f.readinto(b"immutable")),
            (TypeError, lambda: f.lseek("0", 0)),  # type: ignore[arg-type]
        ]
        for exc_type, call in cases:
            with pytest.raises(exc_type):
                call()
        assert spy.calls == []
        with pytest.raises(ValueError):
            vol.truncate(f"{d}/ok", -1)
        assert spy.calls == []
    # The buffer's own length is the size: a slice of a memoryview is filled, nothing more.
    with vol.fopen(f"{d}/ok", "wb") as f:
        f.write(b"0123456789")
    buf = bytearray(b"." * 10)
    with vol.fopen(f"{d}/ok", "rb") as f:
        assert f.readinto(memoryview(buf)[2:5]) == 3
    assert buf == b"..012....."


def test_closed_file_and_dir(gluster_volume: Volume, d: str, spy: LibSpy) -> None:
    f = gluster_volume.fopen(f"{d}/ok", "r+b")
    dr = gluster_volume.opendir(d)
    f.close()
    dr.close()
    spy.calls.clear()
    for call in (
        lambda: f.read(1), lambda: f.write(b"x"), lambda: f.pread(1, 0), lambda: f.pwrite(b"x", 0),
        lambda: f.fsync(), lambda: f.fstat(), lambda: f.lseek(0, 0), lambda: f.tell(),
        lambda: f.ftruncate(0), lambda: f.fgetxattr("user.x"), lambda: f.dup(),
        lambda: f.fileno, lambda: f.lock(), lambda: next(iter(dr)), lambda: dr.read_batch(),
    ):
        with pytest.raises(ValueError) as info:
            call()
        assert isinstance(info.value, ClosedError) and info.value.errno == errno.EBADF
    f.close()  # idempotent, no C call
    dr.close()
    assert spy.calls == []


MODE_CASES: list[tuple[object, type[BaseException]]] = [
    ("", ValueError), ("rw", ValueError), ("rr", ValueError), ("z", ValueError),
    ("r+w", ValueError), ("bt", ValueError), ("rbt", ValueError), ("U", ValueError),
    (None, TypeError), (1, TypeError), (b"r", TypeError),
]


@pytest.mark.parametrize(("mode", "exc_type"), MODE_CASES, ids=repr)
def test_bad_modes(gluster_volume: Volume, d: str, spy: LibSpy, mode: object, exc_type: type[BaseException]) -> None:
    with pytest.raises(exc_type):
        gluster_volume.fopen(f"{d}/ok", mode)  # type: ignore[arg-type]
    with pytest.raises(exc_type):
        gluster_volume.open_file(f"{d}/ok", mode)  # type: ignore[arg-type]
    assert spy.calls == []


@pytest.mark.parametrize(
    ("flags", "exc_type"),
    [(None, TypeError), ("r", TypeError), (1.0, TypeError), (True, TypeError),
     (-1, ValueError), (1 << 40, ValueError), (os.O_WRONLY | os.O_RDWR, ValueError)],
    ids=repr,
)
def test_bad_open_flags(gluster_volume: Volume, d: str, spy: LibSpy, flags: object, exc_type: type[BaseException]) -> None:
    with pytest.raises(exc_type):
        gluster_volume.open(f"{d}/ok", flags)  # type: ignore[arg-type]
    assert spy.calls == []


@pytest.mark.parametrize(
    ("kwargs", "exc_type"),
    [
        ({"volname": ""}, ValueError),
        ({"volname": "/vol"}, ValueError),  # GlusterFS's bug-1507896.t: init must fail
        ({"volname": "test@_vol"}, ValueError),
        ({"volname": "a\x00b"}, ValueError),
        ({"volname": "a b"}, ValueError),
        ({"volname": None}, TypeError),
        ({"volname": b"vol"}, TypeError),
        ({"hosts": ""}, ValueError),
        ({"hosts": []}, ValueError),
        ({"hosts": "host\x00"}, ValueError),
        ({"hosts": None}, TypeError),
        ({"hosts": [None]}, TypeError),
        ({"hosts": [b"localhost"]}, TypeError),
        ({"port": "24007"}, TypeError),
        ({"port": 24007.0}, TypeError),
        ({"port": True}, TypeError),
        ({"port": -1}, ValueError),
        ({"port": 65536}, ValueError),
        ({"proto": "udp"}, ValueError),
        ({"proto": ""}, ValueError),
        ({"log_level": 10}, ValueError),
        ({"log_level": -1}, ValueError),
        ({"log_level": "7"}, TypeError),
        ({"log_file": "/tmp/a\x00b"}, ValueError),
        ({"log_file": 5}, TypeError),
        ({"xlator_options": {("*-client-*", "opt\x00"): "v"}}, ValueError),
        ({"xlator_options": {("*-client-*", "opt"): 5}}, TypeError),
        ({"xlator_options": {"opt": "v"}}, TypeError),
    ],
    ids=repr,
)
def test_bad_volume_arguments(spy: LibSpy, kwargs: dict[str, Any], exc_type: type[BaseException]) -> None:
    args: dict[str, Any] = {"hosts": client_host(), "volname": "gpath_single"}
    args.update(kwargs)
    with pytest.raises(exc_type):
        Volume(**args)
    assert spy.calls == []


def test_privileged_port_warns() -> None:
    # libgfapi 10.3 asserts port >= 1024 in its log; gpath says so up front.
    with pytest.warns(UserWarning, match="1024"):
        Volume(client_host(), "gpath_single", port=1023)


@pytest.mark.parametrize(
    ("timeout", "exc_type"),
    [(0, ValueError), (-1, ValueError), (math.nan, ValueError), ("5", TypeError),
     (True, TypeError), (None, None)],
    ids=repr,
)
def test_bad_mount_timeout(gluster_volume: Volume, spy: LibSpy, timeout: Any, exc_type: Any) -> None:
    if exc_type is None:  # mounted already: a no-op
        gluster_volume.mount(timeout=timeout)
        return
    fresh = Volume(client_host(), "gpath_single")
    with pytest.raises(exc_type):
        fresh.mount(timeout=timeout)
    assert spy.calls == []
    assert not fresh.mounted


def test_unmounted_volume_raises(spy: LibSpy) -> None:
    vol = Volume(client_host(), "gpath_single")  # never mounted
    for call in (
        lambda: vol.listdir("/"), lambda: vol.stat("/"), lambda: vol.fopen("/x", "w"),
        lambda: vol.open("/x", os.O_RDONLY), lambda: vol.mkdir("/x"), lambda: vol.getcwd(),
        lambda: vol.get_volume_id(), lambda: vol.setfsuid(0), lambda: vol.opendir("/"),
        lambda: vol.getxattr("/", "user.x"), lambda: vol.rename("/a", "/b"),
    ):
        with pytest.raises(VolumeNotMounted) as info:
            call()
        assert isinstance(info.value, ValueError) and isinstance(info.value, LibgfapiException)
    for call in (
        lambda: vol.exists("/"),  # loud, not a silent False: the Volume is misused
    ):
        with pytest.raises(VolumeNotMounted):
            call()
    vol.umount()  # no-op
    assert spy.calls == []


def test_xattr_value_limits(gluster_volume: Volume, d: str) -> None:
    vol = gluster_volume
    vol.setxattr(f"{d}/ok", "user.big", b"v" * 1024)
    assert vol.getxattr(f"{d}/ok", "user.big") == b"v" * 1024
    # Linux caps values at 64 KiB (E2BIG) and ext4 bricks at a block (ENOSPC): the
    # server's error is passed through.
    with pytest.raises(OSError) as info:
        vol.setxattr(f"{d}/ok", "user.huge", b"v" * (64 * 1024 + 1))
    assert info.value.errno in (errno.E2BIG, errno.ENOSPC, errno.ERANGE), info.value
    with pytest.raises(ValueError):
        vol.setxattr(f"{d}/ok", "user.k", b"v", flags=3)
    with pytest.raises(TypeError):
        vol.setxattr(f"{d}/ok", 5, b"v")  # type: ignore[arg-type]



def test_get_volfile_is_exactly_the_volfile(gluster_volume: Volume) -> None:
    # glfs_get_volfile copies the whole buffer it is given, not just the volfile: heap
    # memory past the volfile used to come back (and could fault at a page end).
    volfile = gluster_volume.get_volfile()
    assert b"\0" not in volfile
    assert volfile.rstrip().endswith(b"end-volume")
    assert volfile.count(b"end-volume") == volfile.count(b"\nvolume ") + volfile.startswith(b"volume ")
