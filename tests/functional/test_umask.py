"""Every call that creates something applies the process umask, as os.open/os.mkdir do.

Modes are read on the bricks themselves, and compared with what the same calls give on
local disk under the same umask.
"""

from __future__ import annotations

import os
import pathlib
import stat
from collections.abc import Callable, Iterator

import pytest

from gpath import GlusterPath, Volume
from gpath.testing.cluster import VolumeInfo

UMASKS = (0o022, 0o077, 0o002)


@pytest.fixture(params=UMASKS, ids=lambda m: f"umask{m:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    value: int = request.param
    old = os.umask(value)
    try:
        yield value
    finally:
        os.umask(old)


def brick_mode(info: VolumeInfo, path: str) -> int:
    """The permission bits of *path* on the brick that holds it (any, for a directory)."""
    modes = set()
    for brick in info.bricks:
        try:
            modes.add(stat.S_IMODE(os.lstat(brick + path).st_mode))
        except FileNotFoundError:
            continue
    assert len(modes) == 1, f"{path}: modes on the bricks {modes}"
    return modes.pop()


def _create_all(
    mkdir: Callable[[str, int], None],
    makedirs: Callable[[str, int], None],
    open_new: Callable[[str, int, int], None],
    mknod: Callable[[str, int], None],
    base: str,
) -> list[str]:
    """Run the same creating calls through one API; return the paths they made."""
    mkdir(base + "/d777", 0o777)
    mkdir(base + "/d750", 0o750)
    makedirs(base + "/m/n/leaf", 0o705)
    open_new(base + "/o666", os.O_CREAT | os.O_WRONLY, 0o666)
    open_new(base + "/o777", os.O_CREAT | os.O_RDWR | os.O_EXCL, 0o777)
    open_new(base + "/o640", os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o640)
    mknod(base + "/reg", stat.S_IFREG | 0o666)
    mknod(base + "/fifo", stat.S_IFIFO | 0o777)
    return ["/d777", "/d750", "/m", "/m/n", "/m/n/leaf", "/o666", "/o777", "/o640", "/reg", "/fifo"]


def test_os_style_calls_match_local_disk(
    umask: int,
    volume: Volume,
    workdir: str,
    gluster_volumes: dict[str, VolumeInfo],
    tmp_path: pathlib.Path,
) -> None:
    info = gluster_volumes[volume.volname]
    local = str(tmp_path)
    names = _create_all(
        os.mkdir,
        lambda p, m: os.makedirs(p, m),
        lambda p, f, m: os.close(os.open(p, f, m)),
        os.mknod,
        local,
    )
    _create_all(
        volume.mkdir,
        lambda p, m: volume.makedirs(p, m),
        lambda p, f, m: volume.open(p, f, m).close(),
        volume.mknod,
        workdir,
    )
    expected = {n: stat.S_IMODE(os.lstat(local + n).st_mode) for n in names}
    actual = {n: brick_mode(info, workdir + n) for n in names}
    assert actual == expected
    assert expected["/d777"] == 0o777 & ~umask  # the local reference itself is umasked
    assert expected["/m"] == 0o777 & ~umask  # os.makedirs: parents get the default mode


def test_file_openers_apply_umask(
    umask: int, volume: Volume, workdir: str, gluster_volumes: dict[str, VolumeInfo]
) -> None:
    info = gluster_volumes[volume.volname]
    root = volume.path(workdir)
    volume.fopen(workdir + "/fopen_w", "w").close()
    volume.fopen(workdir + "/fopen_x", "xb").close()
    volume.fopen(workdir + "/fopen_a", "a+").close()
    volume.open_file(workdir + "/open_file", "w", encoding="utf-8").close()
    (root / "write_text").write_text("x", encoding="utf-8")
    (root / "write_bytes").write_bytes(b"x")
    (root / "touch").touch()
    (root / "touch_mode").touch(mode=0o777)
    (root / "path_open").open("wb").close()
    (root / "pdir").mkdir()
    (root / "p1" / "p2" / "p3").mkdir(mode=0o700, parents=True)
    file_mode = 0o666 & ~umask
    dir_mode = 0o777 & ~umask
    expected = {
        "fopen_w": file_mode,
        "fopen_x": file_mode,
        "fopen_a": file_mode,
        "open_file": file_mode,
        "write_text": file_mode,
        "write_bytes": file_mode,
        "touch": file_mode,
        "touch_mode": 0o777 & ~umask,
        "path_open": file_mode,
        "pdir": dir_mode,
        "p1": dir_mode,
        "p1/p2": dir_mode,
        "p1/p2/p3": 0o700 & ~umask,
    }
    assert {n: brick_mode(info, f"{workdir}/{n}") for n in expected} == expected


def test_copies_apply_umask(
    umask: int,
    volume: Volume,
    workdir: str,
    gluster_volumes: dict[str, VolumeInfo],
    tmp_path: pathlib.Path,
) -> None:
    """Copies without metadata get fresh modes (umasked), as pathlib's copy() does."""
    info = gluster_volumes[volume.volname]
    src = tmp_path / "tree"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "f").write_bytes(b"data")
    os.chmod(src / "sub" / "f", 0o777)
    os.chmod(src / "sub", 0o777)
    root = volume.path(workdir)
    (root / "up").copy_from(src)
    (root / "up" / "sub" / "f").copy(root / "again")
    volume.copyfile(workdir + "/again", workdir + "/copyfile")
    assert {
        n: brick_mode(info, f"{workdir}/{n}") for n in ("up", "up/sub", "up/sub/f", "again", "copyfile")
    } == {
        "up": 0o777 & ~umask,
        "up/sub": 0o777 & ~umask,
        "up/sub/f": 0o666 & ~umask,
        "again": 0o666 & ~umask,
        "copyfile": 0o666 & ~umask,
    }
    # With metadata the source's bits are copied exactly, like shutil.copy2 and cp -p.
    (root / "kept").copy_from(src, preserve_metadata=True)
    assert brick_mode(info, workdir + "/kept/sub/f") == 0o777


def test_umask_is_read_fresh_each_time(volume: Volume, workdir: str,
                                       gluster_volumes: dict[str, VolumeInfo]) -> None:
    """No caching: a umask changed between two creates applies to the second."""
    info = gluster_volumes[volume.volname]
    root: GlusterPath = volume.path(workdir)
    old = os.umask(0o077)
    try:
        (root / "first").write_bytes(b"")
        os.umask(0o000)
        (root / "second").write_bytes(b"")
    finally:
        os.umask(old)
    assert brick_mode(info, workdir + "/first") == 0o600
    assert brick_mode(info, workdir + "/second") == 0o666
    assert os.umask(old) == old  # reading it did not change it
