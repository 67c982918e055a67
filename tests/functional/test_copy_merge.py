"""Tree copies that can be rerun (dirs_exist_ok), never through a local symlink, and one
meaning for a str argument: a path on the volume."""

from __future__ import annotations

import errno
import os
import pathlib

import pytest

from gpath import Error, GlusterPath, Volume


def _local_tree(root: pathlib.Path, version: bytes) -> None:
    (root / "a" / "b").mkdir(parents=True, exist_ok=True)
    (root / "top.txt").write_bytes(b"top " + version)
    (root / "a" / "one.bin").write_bytes(version * 1000)
    (root / "a" / "b" / "two.txt").write_bytes(b"two " + version)


def _snapshot(root: pathlib.Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = pathlib.Path(dirpath, name)
            rel = str(full.relative_to(root))
            if full.is_symlink():
                out[rel] = "-> " + os.readlink(full)
            elif full.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = full.read_bytes()
    return out


def test_upload_twice_merges(volume: Volume, workdir: str, tmp_path: pathlib.Path) -> None:
    src = tmp_path / "src"
    _local_tree(src, b"v1")
    dst = volume.path(workdir, "up")
    assert dst.copy_from(src) == dst
    with pytest.raises(FileExistsError) as info:
        dst.copy_from(src)
    assert info.value.errno == errno.EEXIST and info.value.filename == dst.path
    _local_tree(src, b"v2")
    (src / "a" / "new.txt").write_bytes(b"new")
    assert dst.copy_from(src, dirs_exist_ok=True) == dst
    back = tmp_path / "back"
    dst.copy(back)
    assert _snapshot(back) == _snapshot(src)


def test_download_twice_merges(volume: Volume, workdir: str, tmp_path: pathlib.Path) -> None:
    src = tmp_path / "src"
    _local_tree(src, b"v1")
    remote = volume.path(workdir, "tree").copy_from(src)
    local = tmp_path / "down"
    assert remote.copy(local) == local
    (local / "a" / "only-local.txt").write_bytes(b"kept")
    with pytest.raises(FileExistsError):
        remote.copy(local)
    (remote / "a" / "b" / "two.txt").write_bytes(b"changed")
    assert remote.copy(local, dirs_exist_ok=True) == local
    assert (local / "a" / "b" / "two.txt").read_bytes() == b"changed"
    assert (local / "a" / "only-local.txt").read_bytes() == b"kept"  # a merge deletes nothing
    into = tmp_path / "into"
    into.mkdir()
    assert remote.copy_into(into) == into / "tree"
    assert remote.copy_into(into, dirs_exist_ok=True) == into / "tree"
    assert (into / "tree" / "a" / "b" / "two.txt").read_bytes() == b"changed"


def test_volume_to_volume_merge(volume: Volume, workdir: str) -> None:
    src = volume.path(workdir, "s")
    (src / "d").mkdir(parents=True)
    (src / "d" / "f").write_bytes(b"1")
    dst = volume.path(workdir, "t")
    src.copy(dst)
    (src / "d" / "f").write_bytes(b"2")
    (src / "d" / "g").write_bytes(b"3")
    with pytest.raises(FileExistsError):
        src.copy(dst)
    assert src.copy(dst, dirs_exist_ok=True) == dst
    assert sorted(p.name for p in (dst / "d").iterdir()) == ["f", "g"]
    assert (dst / "d" / "f").read_bytes() == b"2"


def test_merge_never_descends_into_a_planted_local_symlink(
    volume: Volume, workdir: str, tmp_path: pathlib.Path
) -> None:
    """A first download (links kept) plants local symlinks pointing outside the target;
    on the volume they then become a directory and a file.  A merge must write neither
    through them."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_bytes(b"untouched")
    remote = volume.path(workdir, "r")
    (remote / "d").mkdir(parents=True)
    (remote / "d" / "dirlink").symlink_to(str(outside))
    (remote / "d" / "filelink").symlink_to(str(outside / "victim.txt"))
    local = tmp_path / "local"
    remote.copy(local, follow_symlinks=False)
    assert os.readlink(local / "d" / "dirlink") == str(outside)
    # On the volume the link to a directory becomes a real directory.
    (remote / "d" / "dirlink").unlink()
    (remote / "d" / "dirlink").mkdir()
    (remote / "d" / "dirlink" / "pwn.txt").write_bytes(b"pwned")
    with pytest.raises(FileExistsError) as info:
        remote.copy(local, follow_symlinks=False, dirs_exist_ok=True)
    assert info.value.filename == str(local / "d" / "dirlink")
    assert sorted(os.listdir(outside)) == ["victim.txt"]
    # A link where a file now belongs is replaced, never written through.
    (remote / "d" / "dirlink").rmtree()
    (remote / "d" / "filelink").unlink()
    (remote / "d" / "filelink").write_bytes(b"pwned")
    remote.copy(local, follow_symlinks=False, dirs_exist_ok=True)
    assert (outside / "victim.txt").read_bytes() == b"untouched"
    assert not (local / "d" / "filelink").is_symlink()
    assert (local / "d" / "filelink").read_bytes() == b"pwned"


def test_volume_copytree_dirs_exist_ok(volume: Volume, workdir: str) -> None:
    volume.makedirs(f"{workdir}/src/sub")
    volume.path(workdir, "src", "sub", "f").write_bytes(b"1")
    volume.copytree(f"{workdir}/src", f"{workdir}/dst")
    with pytest.raises(FileExistsError):
        volume.copytree(f"{workdir}/src", f"{workdir}/dst")
    volume.path(workdir, "src", "sub", "f").write_bytes(b"22")
    volume.copytree(f"{workdir}/src", f"{workdir}/dst", dirs_exist_ok=True)
    assert volume.path(workdir, "dst", "sub", "f").read_bytes() == b"22"
    volume.symlink("sub/f", f"{workdir}/src/link")
    volume.copytree(f"{workdir}/src", f"{workdir}/dst", symlinks=True, dirs_exist_ok=True)
    with pytest.raises(Error):  # as shutil.copytree: an existing link is not replaced
        volume.copytree(f"{workdir}/src", f"{workdir}/dst", symlinks=True, dirs_exist_ok=True)


def test_a_str_is_always_a_path_on_the_volume(
    volume: Volume, workdir: str, tmp_path: pathlib.Path
) -> None:
    (tmp_path / "x").write_bytes(b"local")
    remote_x = volume.path(workdir, "x")
    remote_x.write_bytes(b"remote")
    target = volume.path(workdir, "copy")
    # The same str means the same thing to copy_from, copy, move and rename.
    assert target.copy_from(f"{workdir}/x") == target
    assert target.read_bytes() == b"remote"
    assert remote_x.copy(f"{workdir}/copy2") == volume.path(workdir, "copy2")
    moved = volume.path(workdir, "copy2").move(f"{workdir}/moved")
    assert type(moved) is GlusterPath and moved.read_bytes() == b"remote"
    # A local path is named with an os.PathLike.
    assert target.copy_from(tmp_path / "x") == target
    assert target.read_bytes() == b"local"
    assert type(remote_x.copy(tmp_path / "down")) is pathlib.PosixPath
    assert (tmp_path / "down").read_bytes() == b"remote"
    for bad in (b"/x", 3, None):
        with pytest.raises(TypeError, match="in-volume str or a local os.PathLike"):
            target.copy_from(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            remote_x.copy(bad)  # type: ignore[call-overload]
