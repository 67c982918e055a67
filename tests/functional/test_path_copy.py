"""copy/copy_into/move/move_into/copy_from/rmtree: within a volume, across volumes, to and
from local disk, with errors, metadata and the thread pool."""

from __future__ import annotations

import errno
import os
import pathlib
import stat
from collections.abc import Callable

import pytest

from gpath import GlusterPath, Volume


def make_tree(root: GlusterPath) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("A")
    (root / "sub" / "b.bin").write_bytes(os.urandom(200_000))
    (root / "sub" / "deeper" / "c").write_text("C")
    (root / "empty").mkdir()
    (root / "link_file").symlink_to("a.txt")
    (root / "link_dir").symlink_to("sub")


def snapshot_remote(root: GlusterPath) -> dict[str, object]:
    """relative path -> file content, ('dir',) or ('link', target), never following links."""
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in root.walk():
        for name in dirnames:
            out[str((dirpath / name).relative_to(root))] = ("dir",)
        for name in filenames:
            p = dirpath / name
            key = str(p.relative_to(root))
            out[key] = ("link", str(p.readlink())) if p.is_symlink() else p.read_bytes()
    return out


def snapshot_local(root: pathlib.Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = pathlib.Path(dirpath, name)
            key = str(p.relative_to(root))
            if p.is_symlink():
                out[key] = ("link", os.readlink(p))
            elif p.is_dir():
                out[key] = ("dir",)
            else:
                out[key] = p.read_bytes()
    return out


def test_copy_file_within_volume(gluster_tmp_path: GlusterPath) -> None:
    src = gluster_tmp_path / "src.bin"
    data = os.urandom(2 * 1024 * 1024 + 3)  # several 1 MiB pieces and a short one
    src.write_bytes(data)
    src.chmod(0o640)
    gluster_tmp_path.volume.utime(src.path, (1_000_000_000, 1_000_000_000))
    src.xattrs["user.tag"] = b"t"
    plain = src.copy(gluster_tmp_path / "plain.bin")
    assert isinstance(plain, GlusterPath) and plain.read_bytes() == data
    assert plain.stat().st_size == len(data)
    assert "user.tag" not in plain.xattrs and plain.stat().st_mtime != 1_000_000_000
    kept = src.copy(gluster_tmp_path / "kept.bin", preserve_metadata=True)
    assert kept.read_bytes() == data
    st = kept.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640 and st.st_mtime == 1_000_000_000
    assert kept.xattrs["user.tag"] == b"t"
    again = src.copy(plain)  # an existing file is replaced
    assert again == plain and again.read_bytes() == data
    by_str = src.copy(gluster_tmp_path.path + "/by_str")
    assert by_str.read_bytes() == data
    (gluster_tmp_path / "empty_dir").mkdir()
    into = src.copy_into(gluster_tmp_path / "empty_dir")
    assert into == gluster_tmp_path / "empty_dir" / "src.bin" and into.read_bytes() == data


def test_copy_errors(gluster_tmp_path: GlusterPath) -> None:
    make_tree(gluster_tmp_path)
    with pytest.raises(OSError) as info:
        gluster_tmp_path.copy(gluster_tmp_path / "sub" / "inside")
    assert info.value.errno == errno.EINVAL  # into itself
    with pytest.raises(OSError) as info:
        (gluster_tmp_path / "a.txt").copy(gluster_tmp_path / "a.txt")
    assert info.value.errno == errno.EINVAL
    hard = gluster_tmp_path / "hard"
    hard.hardlink_to(gluster_tmp_path / "a.txt")
    with pytest.raises(OSError) as info:
        (gluster_tmp_path / "a.txt").copy(hard)
    assert info.value.errno == errno.EINVAL  # the same file under two names
    with pytest.raises(FileExistsError):
        (gluster_tmp_path / "sub").copy(gluster_tmp_path / "empty")  # a directory target must not exist
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").copy(gluster_tmp_path / "x")
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "a.txt").copy(gluster_tmp_path / "no" / "x")
    with pytest.raises(IsADirectoryError):
        (gluster_tmp_path / "a.txt").copy(gluster_tmp_path / "empty")
    with pytest.raises(ValueError):
        gluster_tmp_path.volume.root.copy_into(gluster_tmp_path)
    with pytest.raises(ValueError):
        (gluster_tmp_path / "a.txt").copy(gluster_tmp_path / "x", max_workers=0)


@pytest.mark.parametrize("workers", [1, 8])
def test_copy_tree_within_and_across_volumes(
    gluster_tmp_path: GlusterPath, workers: int, gluster_mount: Callable[[str], Volume]
) -> None:
    src = gluster_tmp_path / "src"
    src.mkdir()
    make_tree(src)
    (src / "sub").chmod(0o750)
    expected = snapshot_remote(src)
    followed = src.copy(gluster_tmp_path / "followed", max_workers=workers)
    snap = snapshot_remote(followed)
    assert snap["link_file"] == b"A" and snap["link_dir"] == ("dir",)  # links were followed
    assert snap["link_dir/deeper/c"] == b"C" and snap["sub/b.bin"] == expected["sub/b.bin"]
    kept = src.copy(gluster_tmp_path / "kept", follow_symlinks=False, preserve_metadata=True, max_workers=workers)
    assert snapshot_remote(kept) == expected
    assert stat.S_IMODE((kept / "sub").stat().st_mode) == 0o750
    assert (kept / "sub").stat().st_mtime_ns == (src / "sub").stat().st_mtime_ns
    other = gluster_mount("gpath_dist3")
    target = other.root / gluster_tmp_path.name / f"copy-{workers}"
    try:
        target.parent.mkdir(exist_ok=True)
        across = src.copy(target, follow_symlinks=False, max_workers=workers)
        assert across.volume is other and snapshot_remote(across) == expected
        back = gluster_tmp_path / "back"
        moved = across.move(back)  # across volumes: copy, then delete the source
        assert moved == back and not across.exists() and snapshot_remote(back) == expected
    finally:
        target.parent.rmtree(ignore_errors=True)


def test_move_within_volume(gluster_tmp_path: GlusterPath) -> None:
    tree = gluster_tmp_path / "t"
    tree.mkdir()
    make_tree(tree)
    ino = (tree / "sub").stat().st_ino
    moved = (tree / "sub").move(gluster_tmp_path / "moved")
    assert moved == gluster_tmp_path / "moved" and moved.stat().st_ino == ino  # a rename
    assert not (tree / "sub").exists()
    f = (tree / "a.txt").move_into(moved)
    assert f == moved / "a.txt" and f.read_text() == "A"
    (gluster_tmp_path / "x").write_text("X")
    replaced = (gluster_tmp_path / "x").move(f)  # replaces a file
    assert replaced.read_text() == "X"
    with pytest.raises(OSError) as info:
        replaced.move(replaced)
    assert info.value.errno == errno.EINVAL
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").move(gluster_tmp_path / "y")


def test_download_and_upload(gluster_tmp_path: GlusterPath, tmp_path: pathlib.Path) -> None:
    src = gluster_tmp_path / "src"
    src.mkdir()
    make_tree(src)
    (src / "a.txt").chmod(0o600)
    (src / "a.txt").xattrs["user.k"] = b"v"
    expected = snapshot_remote(src)
    local = src.copy(tmp_path / "down", follow_symlinks=False, preserve_metadata=True)
    assert isinstance(local, pathlib.Path) and local == tmp_path / "down"
    assert snapshot_local(local) == expected
    assert stat.S_IMODE((local / "a.txt").stat().st_mode) == 0o600
    assert (local / "a.txt").stat().st_mtime_ns == (src / "a.txt").stat().st_mtime_ns
    try:
        assert os.getxattr(local / "a.txt", "user.k") == b"v"
    except OSError as exc:  # tmp on a file system without user xattrs
        assert exc.errno in (errno.ENOTSUP, errno.ENODATA)
    one = (src / "sub" / "b.bin").copy(tmp_path / "one.bin")
    assert one.read_bytes() == expected["sub/b.bin"]
    into = (src / "a.txt").copy_into(tmp_path)
    assert into == tmp_path / "a.txt" and into.read_text() == "A"
    with pytest.raises(FileExistsError):
        src.copy(tmp_path / "down")
    # and back up again
    up = (gluster_tmp_path / "up").copy_from(local, follow_symlinks=False, preserve_metadata=True)
    assert isinstance(up, GlusterPath) and snapshot_remote(up) == expected
    assert (up / "a.txt").xattrs.get("user.k") in (b"v", None)
    assert stat.S_IMODE((up / "a.txt").stat().st_mode) == 0o600
    single = (gluster_tmp_path / "single.bin").copy_from(one)
    assert single.read_bytes() == expected["sub/b.bin"]
    with pytest.raises(FileExistsError):
        up.copy_from(local)
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "x").copy_from(tmp_path / "missing")
    # move to local disk: download, then delete the source
    gone = up.move(tmp_path / "moved")
    assert not up.exists() and snapshot_local(gone) == expected
    back = (gluster_tmp_path / "f.txt")
    back.write_text("F")
    assert back.move_into(tmp_path) == tmp_path / "f.txt" and not back.exists()


def test_rmtree(gluster_tmp_path: GlusterPath) -> None:
    root = gluster_tmp_path / "t"
    root.mkdir()
    make_tree(root)
    outside = gluster_tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").touch()
    (root / "link_out").symlink_to(outside.path)
    root.rmtree()
    assert not root.exists() and (outside / "keep").exists()  # links are never followed
    with pytest.raises(FileNotFoundError):
        root.rmtree()
    root.rmtree(ignore_errors=True)
    errors: list[OSError] = []
    root.rmtree(on_error=errors.append)
    assert len(errors) == 1 and isinstance(errors[0], FileNotFoundError)
    with pytest.raises(NotADirectoryError):
        (outside / "keep").rmtree()
    link = gluster_tmp_path / "link"
    link.symlink_to("outside")
    with pytest.raises(OSError):
        link.rmtree()
    assert (outside / "keep").exists()


def test_rmtree_reports_each_failure(gluster_tmp_path: GlusterPath, monkeypatch: pytest.MonkeyPatch) -> None:
    root = gluster_tmp_path / "t"
    (root / "d").mkdir(parents=True)
    for i in range(5):
        (root / "d" / f"f{i}").touch()
    vol = gluster_tmp_path.volume
    real_unlink = vol.unlink

    def flaky_unlink(path: str) -> None:
        if path.endswith("f3"):
            raise PermissionError(errno.EACCES, "denied", path)
        real_unlink(path)

    monkeypatch.setattr(vol, "unlink", flaky_unlink)
    errors: list[OSError] = []
    root.rmtree(on_error=errors.append)
    kinds = sorted(type(e).__name__ for e in errors)
    assert kinds == ["OSError", "OSError", "PermissionError"]  # f3, then its two non-empty parents
    assert {e.errno for e in errors} == {errno.EACCES, errno.ENOTEMPTY}
    assert [p.name for p in (root / "d").iterdir()] == ["f3"]
    with pytest.raises(PermissionError):
        root.rmtree()
    root.rmtree(ignore_errors=True)
    monkeypatch.undo()
    root.rmtree()
    assert not root.exists()


def test_rmtree_many_files_parallel(gluster_tmp_path: GlusterPath) -> None:
    root = gluster_tmp_path / "many"
    root.mkdir()
    for d in range(4):
        (root / f"d{d}").mkdir()
        for f in range(30):
            (root / f"d{d}" / f"f{f}").touch()
    copy = root.copy(gluster_tmp_path / "copy")
    assert len(list(copy.rglob("*"))) == 124
    root.rmtree(max_workers=8)
    copy.rmtree(max_workers=1)
    assert list(gluster_tmp_path.iterdir()) == []
