"""What users' type checkers see: checked with ``python -m mypy --strict tests/typing``.

Never executed (the functions are not called); every ``assert_type`` is a static claim.
"""

from __future__ import annotations

import io
import os
import pathlib
from collections.abc import Iterator, MutableMapping, Sequence
from typing import IO, Any, BinaryIO

from typing_extensions import assert_type

from gpath import File, GlusterPath, Volume
from gpath.path import DiskUsage, GlusterPathInfo, VolumeSpec


def construction(vol: Volume) -> None:
    assert_type(vol.root, GlusterPath)
    assert_type(vol.path("a", "b"), GlusterPath)
    assert_type(vol / "a", GlusterPath)
    assert_type(GlusterPath(vol, "a"), GlusterPath)
    assert_type(GlusterPath.from_uri("gluster://h/v/a"), GlusterPath)
    assert_type(GlusterPath.from_uri("gluster://h/v/a", vol), GlusterPath)


def pure(p: GlusterPath) -> None:
    assert_type(p / "x", GlusterPath)
    assert_type(p / pathlib.PurePosixPath("x/y"), GlusterPath)
    assert_type("x" / p, GlusterPath)
    assert_type(p.joinpath("x", "y"), GlusterPath)
    assert_type(p.with_segments("x"), GlusterPath)
    assert_type(p.parent, GlusterPath)
    assert_type(p.parents, Sequence[GlusterPath])
    assert_type(p.parents[0], GlusterPath)
    assert_type(p.name, str)
    assert_type(p.suffix, str)
    assert_type(p.suffixes, list[str])
    assert_type(p.stem, str)
    assert_type(p.parts, tuple[str, ...])
    assert_type(p.anchor, str)
    assert_type(p.path, str)
    assert_type(p.volume, Volume)
    assert_type(p.with_name("n"), GlusterPath)
    assert_type(p.with_stem("n"), GlusterPath)
    assert_type(p.with_suffix(".n"), GlusterPath)
    assert_type(p.relative_to(p.parent), pathlib.PurePosixPath)
    assert_type(p.relative_to("/a", walk_up=True), pathlib.PurePosixPath)
    assert_type(p.is_relative_to(p), bool)
    assert_type(p.match("*.py"), bool)
    assert_type(p.full_match("**/*.py", case_sensitive=False), bool)
    assert_type(p.as_posix(), str)
    assert_type(p.as_uri(), str)
    assert_type(str(p), str)
    assert_type(p == p, bool)
    assert_type(p < p, bool)
    assert_type(hash(p), int)


def opening(p: GlusterPath) -> None:
    assert_type(p.open(), io.TextIOWrapper)
    assert_type(p.open("r"), io.TextIOWrapper)
    assert_type(p.open("w", encoding="utf-8"), io.TextIOWrapper)
    assert_type(p.open("a+"), io.TextIOWrapper)
    assert_type(p.open("rb"), io.BufferedReader)
    assert_type(p.open("wb"), io.BufferedWriter)
    assert_type(p.open("ab"), io.BufferedWriter)
    assert_type(p.open("xb"), io.BufferedWriter)
    assert_type(p.open("r+b"), io.BufferedRandom)
    assert_type(p.open("rb", buffering=0), File)
    assert_type(p.open("wb", 0), File)
    size: int = 4096
    assert_type(p.open("rb", buffering=size), BinaryIO)
    mode: str = "r"
    assert_type(p.open(mode), IO[Any])
    with p.open("rb") as f:
        assert_type(f.read(), bytes)
    with p.open() as t:
        assert_type(t.read(), str)
    assert_type(p.read_bytes(), bytes)
    assert_type(p.read_text(), str)
    assert_type(p.read_text(newline=""), str)
    assert_type(p.write_bytes(b"x"), int)
    assert_type(p.write_bytes(memoryview(b"x")), int)
    assert_type(p.write_text("x", newline="\n"), int)


def status(p: GlusterPath) -> None:
    assert_type(p.stat(), os.stat_result)
    assert_type(p.stat(follow_symlinks=False), os.stat_result)
    assert_type(p.lstat(), os.stat_result)
    assert_type(p.exists(follow_symlinks=False), bool)
    assert_type(p.is_dir(), bool)
    assert_type(p.is_file(follow_symlinks=False), bool)
    assert_type(p.is_symlink(), bool)
    assert_type(p.is_fifo(), bool)
    assert_type(p.samefile(p), bool)
    assert_type(p.owner(), str)
    assert_type(p.group(follow_symlinks=False), str)
    assert_type(p.info, GlusterPathInfo)
    assert_type(p.info.is_file(), bool)
    assert_type(p.info.is_dir(follow_symlinks=False), bool)
    assert_type(p.info.stat(), os.stat_result)
    assert_type(p.statvfs(), os.statvfs_result)
    assert_type(p.disk_usage(), DiskUsage)
    assert_type(p.disk_usage().free, int)
    assert_type(p.xattrs["user.k"], bytes)
    xattrs: MutableMapping[str, bytes] = p.xattrs
    xattrs["user.k"] = b"v"
    assert_type(p.readlink(), pathlib.PurePosixPath)
    assert_type(p.resolve(), GlusterPath)
    assert_type(p.absolute(), GlusterPath)
    assert_type(p.expanduser(), GlusterPath)


def directories(p: GlusterPath) -> None:
    assert_type(p.iterdir(), Iterator[GlusterPath])
    assert_type(p.glob("*.py"), Iterator[GlusterPath])
    assert_type(p.rglob("*.py", case_sensitive=False, recurse_symlinks=True), Iterator[GlusterPath])
    for dirpath, dirnames, filenames in p.walk(top_down=False, on_error=print, follow_symlinks=True):
        assert_type(dirpath, GlusterPath)
        assert_type(dirnames, list[str])
        assert_type(filenames, list[str])
    files = [c for c in p.iterdir() if c.info.is_file()]
    assert_type(files, list[GlusterPath])
    p.mkdir(0o755, parents=True, exist_ok=True)
    p.touch(exist_ok=False)
    p.unlink(missing_ok=True)
    p.rmdir()
    p.rmtree(ignore_errors=True, on_error=print, max_workers=4)


def links_and_moves(p: GlusterPath, local: pathlib.Path) -> None:
    assert_type(p.rename(p.parent / "x"), GlusterPath)
    assert_type(p.replace("/x"), GlusterPath)
    p.symlink_to("target")
    p.symlink_to(pathlib.PurePosixPath("target"))
    p.hardlink_to(p.parent / "x")
    p.chmod(0o600)
    assert_type(p.copy(p.parent / "c"), GlusterPath)
    assert_type(p.copy("/c", follow_symlinks=False, preserve_metadata=True), GlusterPath)
    assert_type(p.copy(local), pathlib.Path)
    assert_type(p.copy_into(local), pathlib.Path)
    assert_type(p.copy_into(p.parent, max_workers=2), GlusterPath)
    assert_type(p.copy_from(local), GlusterPath)
    assert_type(p.copy_from("/in/volume", dirs_exist_ok=True), GlusterPath)
    assert_type(p.copy(local, dirs_exist_ok=True), pathlib.Path)
    assert_type(p.copy_into("/dir", dirs_exist_ok=True), GlusterPath)
    assert_type(p.move(p.parent / "m"), GlusterPath)
    assert_type(p.move(local / "m"), pathlib.Path)
    assert_type(p.move_into(local), pathlib.Path)
    assert_type(p.move_into(p.parent), GlusterPath)


def pickling(p: GlusterPath) -> None:
    spec = VolumeSpec.from_volume(p.volume)
    assert_type(spec.volume(), Volume)
    assert_type(spec.hosts, tuple[str, ...])


def misuse(p: GlusterPath) -> None:
    open(p)  # type: ignore[call-overload]  # not os.PathLike: local APIs refuse it
    os.remove(p)  # type: ignore[arg-type]
    pathlib.Path(p)  # type: ignore[arg-type]
    p.write_text(b"bytes")  # type: ignore[arg-type]
    p.open("rb").read(encoding="x")  # type: ignore[call-arg]
    p.copy_from(b"/bytes")  # type: ignore[arg-type]
    p.copy(3)  # type: ignore[call-overload]
