"""GlusterPath I/O on a real volume: status, files, directories, links, metadata, errors."""

from __future__ import annotations

import errno
import io
import os
import pathlib
import stat
import time
from pathlib import PurePosixPath

import pytest

from gpath import File, GlusterPath, Volume, VolumeNotMounted
from gpath.errors import UnsupportedOperation


def test_read_and_write(gluster_tmp_path: GlusterPath) -> None:
    f = gluster_tmp_path / "notes.txt"
    assert f.write_text("line 1\nline 2\n") == 14
    assert f.read_text() == "line 1\nline 2\n"
    assert f.read_bytes() == b"line 1\nline 2\n"
    assert f.write_text("a\nb\n", newline="\r\n") == 4
    assert f.read_bytes() == b"a\r\nb\r\n"
    assert f.read_text() == "a\nb\n"
    assert f.read_text(newline="") == "a\r\nb\r\n"
    assert f.write_text("é", encoding="latin-1") == 1
    assert f.read_bytes() == b"\xe9"
    assert f.read_text(encoding="ascii", errors="replace") == "\ufffd"
    assert f.write_bytes(bytearray(b"\0\1\2")) == 3
    assert f.write_bytes(memoryview(b"xyz")[1:]) == 2
    assert f.read_bytes() == b"yz"
    with pytest.raises(TypeError):
        f.write_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        f.write_bytes("text")  # type: ignore[arg-type]
    assert f.read_bytes() == b"yz"  # a refused write does not truncate
    big = os.urandom(3 * 1024 * 1024 + 17)
    (gluster_tmp_path / "big").write_bytes(big)
    assert (gluster_tmp_path / "big").read_bytes() == big


def test_open_returns_standard_io_objects(gluster_tmp_path: GlusterPath) -> None:
    f = gluster_tmp_path / "f.bin"
    with f.open("w") as text:
        assert isinstance(text, io.TextIOWrapper)
        text.write("hello")
    with f.open() as text:
        assert isinstance(text, io.TextIOWrapper) and text.read() == "hello"
    with f.open("rb") as reader:
        assert isinstance(reader, io.BufferedReader) and reader.read(2) == b"he"
    with f.open("ab") as writer:
        assert isinstance(writer, io.BufferedWriter)
        writer.write(b"!")
    with f.open("r+b") as rand:
        assert isinstance(rand, io.BufferedRandom)
        rand.seek(0)
        rand.write(b"H")
    with f.open("rb", buffering=0) as raw:
        assert isinstance(raw, File) and raw.read() == b"Hello!"
    with pytest.raises(FileExistsError):
        f.open("x")
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").open()
    with pytest.raises(ValueError):
        f.open("rw")
    with pytest.raises(ValueError):
        f.open("r", buffering=0)
    with pytest.raises(ValueError):
        f.open("rb", encoding="utf-8")
    with pytest.raises(IsADirectoryError):
        gluster_tmp_path.read_bytes()


def test_status(gluster_tmp_path: GlusterPath, gluster_volume: Volume) -> None:
    d, f = gluster_tmp_path / "d", gluster_tmp_path / "f"
    d.mkdir()
    f.write_bytes(b"12345")
    link, broken, fifo = gluster_tmp_path / "link", gluster_tmp_path / "broken", gluster_tmp_path / "fifo"
    link.symlink_to("f")
    broken.symlink_to("nowhere")
    gluster_volume.mknod(fifo.path, stat.S_IFIFO | 0o600)
    missing = gluster_tmp_path / "missing"

    assert f.stat().st_size == 5 and stat.S_ISREG(f.stat().st_mode)
    assert stat.S_ISLNK(link.lstat().st_mode) and stat.S_ISLNK(link.stat(follow_symlinks=False).st_mode)
    assert link.stat().st_ino == f.stat().st_ino
    with pytest.raises(FileNotFoundError):
        missing.stat()
    with pytest.raises(FileNotFoundError):
        broken.stat()
    assert (f.exists(), d.exists(), link.exists(), missing.exists()) == (True, True, True, False)
    assert not broken.exists() and broken.exists(follow_symlinks=False)
    assert d.is_dir() and not f.is_dir() and not missing.is_dir()
    assert f.is_file() and link.is_file() and not link.is_file(follow_symlinks=False)
    assert link.is_symlink() and broken.is_symlink() and not f.is_symlink() and not missing.is_symlink()
    assert fifo.is_fifo() and not f.is_fifo() and not fifo.is_file()
    assert not f.is_socket() and not f.is_block_device() and not f.is_char_device()
    assert link.samefile(f) and f.samefile(f.path) and not f.samefile(d)
    with pytest.raises(FileNotFoundError):
        f.samefile(missing)
    assert not (f / "sub").exists()  # ENOTDIR answers False, like pathlib


def test_info_is_cached_and_seeded(gluster_tmp_path: GlusterPath) -> None:
    (gluster_tmp_path / "d").mkdir()
    (gluster_tmp_path / "f").write_bytes(b"x")
    (gluster_tmp_path / "ld").symlink_to("d")
    (gluster_tmp_path / "broken").symlink_to("nowhere")
    kids = {p.name: p for p in gluster_tmp_path.iterdir()}
    assert set(kids) == {"d", "f", "ld", "broken"}
    f, d, ld, broken = kids["f"], kids["d"], kids["ld"], kids["broken"]
    assert f.info.is_file() and f.info.exists() and not f.info.is_dir() and not f.info.is_symlink()
    assert d.info.is_dir() and ld.info.is_dir() and not ld.info.is_dir(follow_symlinks=False)
    assert ld.info.is_symlink() and broken.info.is_symlink()
    assert not broken.info.exists() and broken.info.exists(follow_symlinks=False)
    assert f.info.stat().st_size == 1 and stat.S_ISLNK(ld.info.stat(follow_symlinks=False).st_mode)
    # The listing's raw stat becomes the same os.stat_result the server gives, built once.
    assert f.info.stat() == f.lstat() and f.info.stat() is f.info.stat(follow_symlinks=False)
    assert ld.info.stat(follow_symlinks=False) == ld.lstat() and ld.info.stat() == d.stat()
    with pytest.raises(FileNotFoundError):
        broken.info.stat()
    f.unlink()
    assert f.info.exists() and f.info.is_file()  # the cache does not refresh...
    assert not f.exists()  # ...the methods ask the server
    assert not f.joinpath().info.exists()  # a new path object has a new info
    fresh = gluster_tmp_path / "d"
    assert fresh.info.is_dir() and fresh.info is fresh.info
    assert repr(fresh.info) == "<GlusterPath.info>"


def test_iterdir(gluster_tmp_path: GlusterPath) -> None:
    assert list(gluster_tmp_path.iterdir()) == []
    for name in ("a", "b é", ".hidden"):
        (gluster_tmp_path / name).touch()
    children = sorted(gluster_tmp_path.iterdir())
    assert [p.name for p in children] == [".hidden", "a", "b é"]
    assert all(p.parent == gluster_tmp_path for p in children)
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").iterdir()  # raised by the call, not on iteration
    with pytest.raises(NotADirectoryError):
        (gluster_tmp_path / "a").iterdir()
    root_children = list(gluster_tmp_path.volume.root.iterdir())
    assert gluster_tmp_path in root_children


def test_mkdir(gluster_tmp_path: GlusterPath) -> None:
    d = gluster_tmp_path / "d"
    d.mkdir(mode=0o750)
    assert d.is_dir() and stat.S_IMODE(d.stat().st_mode) & 0o700 == 0o700
    with pytest.raises(FileExistsError):
        d.mkdir()
    d.mkdir(exist_ok=True)
    deep = gluster_tmp_path / "x" / "y" / "z"
    with pytest.raises(FileNotFoundError):
        deep.mkdir()
    deep.mkdir(parents=True)
    assert deep.is_dir()
    deep.mkdir(parents=True, exist_ok=True)
    f = gluster_tmp_path / "file"
    f.touch()
    with pytest.raises(FileExistsError):
        f.mkdir(exist_ok=True)  # exists, but not as a directory
    with pytest.raises(NotADirectoryError):
        (f / "sub").mkdir()
    with pytest.raises(FileExistsError):
        gluster_tmp_path.volume.root.mkdir()


def test_touch(gluster_tmp_path: GlusterPath) -> None:
    f = gluster_tmp_path / "t"
    f.touch(mode=0o600)
    assert f.is_file() and f.stat().st_size == 0
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    old = f.stat().st_mtime_ns
    gluster_tmp_path.volume.utime(f.path, (1_000_000, 1_000_000))
    f.touch()
    assert f.stat().st_mtime > 1_000_000 and f.stat().st_mtime_ns >= old - 10**9
    with pytest.raises(FileExistsError):
        f.touch(exist_ok=False)
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "no" / "t").touch()


def test_unlink_and_rmdir(gluster_tmp_path: GlusterPath) -> None:
    f, d = gluster_tmp_path / "f", gluster_tmp_path / "d"
    f.touch()
    d.mkdir()
    (d / "inner").touch()
    with pytest.raises(IsADirectoryError):
        d.unlink()
    with pytest.raises(OSError) as info:
        d.rmdir()
    assert info.value.errno == errno.ENOTEMPTY
    with pytest.raises(NotADirectoryError):
        f.rmdir()
    f.unlink()
    assert not f.exists()
    with pytest.raises(FileNotFoundError):
        f.unlink()
    f.unlink(missing_ok=True)
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").rmdir()
    (d / "inner").unlink()
    d.rmdir()
    assert not d.exists()


def test_rename_and_replace(gluster_tmp_path: GlusterPath, gluster_mount) -> None:  # type: ignore[no-untyped-def]
    a = gluster_tmp_path / "a"
    a.write_text("A")
    b = a.rename(gluster_tmp_path / "b")
    assert isinstance(b, GlusterPath) and b == gluster_tmp_path / "b"
    assert not a.exists() and b.read_text() == "A"
    c = gluster_tmp_path / "c"
    c.write_text("C")
    assert b.rename(c) == c and c.read_text() == "A"  # POSIX rename replaces a file
    d = c.replace(gluster_tmp_path.path + "/d")  # a str is an in-volume path
    assert d == gluster_tmp_path / "d" and d.read_text() == "A"
    (gluster_tmp_path / "e1").mkdir()
    (gluster_tmp_path / "e2").mkdir()
    assert (gluster_tmp_path / "e1").rename(gluster_tmp_path / "e2").is_dir()  # onto an empty dir
    (gluster_tmp_path / "full").mkdir()
    (gluster_tmp_path / "full" / "x").touch()
    with pytest.raises(OSError):
        (gluster_tmp_path / "e2").replace(gluster_tmp_path / "full")
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").rename(gluster_tmp_path / "z")
    other_volume = gluster_mount("gpath_dist3")
    with pytest.raises(OSError) as info:
        d.rename(other_volume.root / "x")
    assert info.value.errno == errno.EXDEV
    with pytest.raises(TypeError):
        d.rename(pathlib.Path("/tmp/x"))  # type: ignore[arg-type]


def test_links(gluster_tmp_path: GlusterPath) -> None:
    target = gluster_tmp_path / "dir" / "target.txt"
    target.parent.mkdir()
    target.write_text("T")
    rel, absolute, to_path = gluster_tmp_path / "rel", gluster_tmp_path / "abs", gluster_tmp_path / "obj"
    rel.symlink_to("dir/target.txt")
    absolute.symlink_to(target.path)
    to_path.symlink_to(target)
    assert rel.readlink() == PurePosixPath("dir/target.txt") and isinstance(rel.readlink(), PurePosixPath)
    assert absolute.readlink() == PurePosixPath(target.path) == to_path.readlink()
    assert rel.read_text() == absolute.read_text() == "T"
    with pytest.raises(FileExistsError):
        rel.symlink_to("x")
    with pytest.raises(OSError) as info:
        target.readlink()
    assert info.value.errno == errno.EINVAL
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").readlink()
    hard = gluster_tmp_path / "hard"
    hard.hardlink_to(target)
    assert hard.samefile(target) and target.stat().st_nlink == 2
    with pytest.raises(FileExistsError):
        hard.hardlink_to(target)
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "h2").hardlink_to(gluster_tmp_path / "missing")


def test_resolve(gluster_tmp_path: GlusterPath) -> None:
    base = gluster_tmp_path
    (base / "real" / "sub").mkdir(parents=True)
    (base / "real" / "sub" / "f").touch()
    (base / "l1").symlink_to("real")
    (base / "l2").symlink_to("l1/sub")
    (base / "abs").symlink_to(base.path + "/real")
    (base / "up").symlink_to("real/sub/..")
    (base / "loop1").symlink_to("loop2")
    (base / "loop2").symlink_to("loop1")
    assert (base / "l2" / "f").resolve() == base / "real" / "sub" / "f"
    assert (base / "abs" / "sub").resolve() == base / "real" / "sub"
    assert (base / "up").resolve() == base / "real"
    assert (base / "real" / ".." / "l1").resolve() == base / "real"
    assert (base / "l1" / "missing" / "x").resolve() == base / "real" / "missing" / "x"
    assert (base / "l1" / "missing" / "..").resolve() == base / "real"
    assert base.volume.root.resolve() == base.volume.root
    with pytest.raises(FileNotFoundError):
        (base / "l1" / "missing").resolve(strict=True)
    with pytest.raises(OSError) as info:
        (base / "loop1").resolve(strict=True)
    assert info.value.errno == errno.ELOOP
    assert (base / "loop1").resolve().parent == base  # non-strict: gives up on the loop
    assert (base / "real").absolute() == base / "real"


def test_chmod_lchmod(gluster_tmp_path: GlusterPath) -> None:
    f = gluster_tmp_path / "f"
    f.touch()
    f.chmod(0o640)
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    link = gluster_tmp_path / "l"
    link.symlink_to("f")
    link.chmod(0o600)  # follows the link
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    with pytest.raises(UnsupportedOperation):
        link.lchmod(0o644)
    with pytest.raises(UnsupportedOperation):
        link.chmod(0o644, follow_symlinks=False)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600  # never silently changed the target
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").chmod(0o600)


def test_owner_and_group(gluster_tmp_path: GlusterPath, gluster_volume: Volume) -> None:
    import grp
    import pwd

    f = gluster_tmp_path / "f"
    f.touch()
    st = f.stat()
    assert f.owner() == pwd.getpwuid(st.st_uid).pw_name
    assert f.group() == grp.getgrgid(st.st_gid).gr_name
    unknown = 54321
    try:
        pwd.getpwuid(unknown)
        pytest.skip("uid 54321 exists locally")
    except KeyError:
        pass
    gluster_volume.chown(f.path, unknown, unknown)
    with pytest.raises(UnsupportedOperation):
        f.owner()
    with pytest.raises(UnsupportedOperation):
        f.group()
    link = gluster_tmp_path / "l"
    link.symlink_to("f")
    assert link.owner(follow_symlinks=False) == pwd.getpwuid(os.getuid()).pw_name


def test_statvfs_and_disk_usage(gluster_tmp_path: GlusterPath) -> None:
    sv = gluster_tmp_path.statvfs()
    assert isinstance(sv, os.statvfs_result) and sv.f_blocks > 0
    usage = gluster_tmp_path.disk_usage()
    assert usage.total == sv.f_blocks * sv.f_frsize
    assert 0 <= usage.used <= usage.total and 0 <= usage.free <= usage.total
    assert usage == tuple(usage) and usage._fields == ("total", "used", "free")


def test_xattrs(gluster_tmp_path: GlusterPath) -> None:
    f = gluster_tmp_path / "f"
    f.touch()
    x = f.xattrs
    assert "user.k" not in x and len(x) == 0 and list(x) == []
    with pytest.raises(KeyError):
        x["user.k"]
    x["user.k"] = b"v\0binary"
    x["user.m"] = bytearray(b"2")
    assert x["user.k"] == b"v\0binary" and "user.k" in x and len(x) == 2
    assert sorted(x) == ["user.k", "user.m"] and dict(x) == {"user.k": b"v\0binary", "user.m": b"2"}
    assert f.xattrs.get("user.none") is None and f.xattrs.get("user.m") == b"2"
    del x["user.k"]
    assert "user.k" not in f.xattrs
    with pytest.raises(KeyError):
        del x["user.k"]
    x.set("user.new", b"1", create=True)
    with pytest.raises(FileExistsError):
        x.set("user.new", b"2", create=True)
    x.set("user.new", b"3", replace=True)
    assert x["user.new"] == b"3"
    with pytest.raises(KeyError):
        x.set("user.absent", b"1", replace=True)
    with pytest.raises(TypeError):
        x["user.s"] = "text"  # type: ignore[assignment]
    with pytest.raises(TypeError):
        x[b"user.b"]  # type: ignore[index]
    x.update({"user.a": b"A", "user.b": b"B"})
    assert x.pop("user.a") == b"A" and "user.a" not in x
    # GlusterFS virtual attribute: where the file lives (not listed, but readable)
    assert b"POSIX" in f.xattrs["trusted.glusterfs.pathinfo"]
    link = gluster_tmp_path / "l"
    link.symlink_to("f")
    assert link.xattrs["user.b"] == b"B" and "user.b" not in link.lxattrs
    with pytest.raises(FileNotFoundError):
        (gluster_tmp_path / "missing").xattrs["user.k"]
    with pytest.raises(FileNotFoundError):
        len((gluster_tmp_path / "missing").xattrs)


def test_glob_bad_patterns(gluster_tmp_path: GlusterPath) -> None:
    for bad in ("", ".", "./"):
        with pytest.raises(ValueError):
            gluster_tmp_path.glob(bad)  # raised by the call, as in pathlib
    with pytest.raises(NotImplementedError):
        list(gluster_tmp_path.glob("/abs/*"))
    with pytest.raises(NotImplementedError):
        list(gluster_tmp_path.rglob("/abs"))
    with pytest.raises(TypeError):
        list(gluster_tmp_path.glob(b"*"))  # type: ignore[arg-type]
    assert list((gluster_tmp_path / "missing").glob("*")) == []  # like pathlib: no error


def test_unsupported(gluster_tmp_path: GlusterPath) -> None:
    with pytest.raises(UnsupportedOperation):
        GlusterPath.cwd()
    with pytest.raises(UnsupportedOperation):
        GlusterPath.home()
    assert gluster_tmp_path.expanduser() is gluster_tmp_path


def test_unmounted_volume_is_reported() -> None:
    vol = Volume("127.0.0.1", "gpath_single")  # never mounted: a user Volume is not auto-mounted
    p = vol / "x"
    with pytest.raises(VolumeNotMounted):
        p.stat()
    with pytest.raises(VolumeNotMounted):
        p.exists()  # a usage error, never a silent "does not exist"
    with pytest.raises(VolumeNotMounted):
        p.info.is_file()
    with pytest.raises(VolumeNotMounted):
        p.read_bytes()
    with pytest.raises(VolumeNotMounted):
        list(p.glob("*"))
    with pytest.raises(VolumeNotMounted):
        p.rmtree(ignore_errors=True)
    with pytest.raises(VolumeNotMounted):
        p.xattrs["user.x"]
    assert not vol.mounted


def test_pathlib_interop_hooks(gluster_tmp_path: GlusterPath, tmp_path: pathlib.Path) -> None:
    f = gluster_tmp_path / "f"
    with f.__open_wb__() as w:
        w.write(b"abc")
    with f.__open_rb__() as r:
        assert r.read() == b"abc"
    with f.__open_writer__("a") as w:
        w.write(b"d")
    with f.__open_reader__() as r:
        assert r.read() == b"abcd"
    with pytest.raises(ValueError):
        f.__open_writer__("r")
    local = tmp_path / "up.txt"
    local.write_text("up")
    target = gluster_tmp_path / "up.txt"
    target._copy_from(local)  # what pathlib 3.14's Path.copy(target) calls
    assert target.read_text() == "up"
    assert f.info._file_id() == (f.stat().st_dev, f.stat().st_ino)
    assert f.info._mod_time_ns() == f.stat().st_mtime_ns
    assert f.info._posix_permissions() == stat.S_IMODE(f.stat().st_mode)


def test_time_of_touch_is_server_time(gluster_tmp_path: GlusterPath) -> None:
    f = gluster_tmp_path / "now"
    before = time.time()
    f.touch()
    assert abs(f.stat().st_mtime - before) < 60
