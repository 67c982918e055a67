"""UPath("gluster://...") is a GlusterUPath that keeps host and volume; copies with it."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import pytest
from upath import UPath

from gpath import GlusterPath, UnsupportedOperation, Volume
from gpath._url import parse_url
from gpath.fsspec import GlusterFileSystem
from gpath.testing.cluster import client_host
from gpath.upath import GlusterUPath


def test_str_keeps_host_and_volume_through_joins() -> None:
    p = UPath("gluster://h1,h2:24008/vol/a/b c.txt")
    assert type(p) is GlusterUPath
    assert str(p) == "gluster://h1,h2:24008/vol/a/b c.txt"
    assert p.path == "/a/b c.txt" and p.name == "b c.txt" and p.suffix == ".txt"
    assert str(p.parent) == "gluster://h1,h2:24008/vol/a"
    assert str(p.parent.parent) == "gluster://h1,h2:24008/vol/"
    assert str(p.parent.parent.parent) == "gluster://h1,h2:24008/vol/"
    assert str(p.parent / "d" / "e.csv") == "gluster://h1,h2:24008/vol/a/d/e.csv"
    assert str(p.parent / "/abs") == "gluster://h1,h2:24008/vol/abs"
    assert str(p.with_name("z.csv")) == "gluster://h1,h2:24008/vol/a/z.csv"
    assert str(UPath("gluster://h1,h2:24008/vol", "x", "y")) == "gluster://h1,h2:24008/vol/x/y"
    assert p.as_uri() == "gluster://h1,h2:24008/vol/a/b%20c.txt"
    assert repr(p) == "GlusterUPath('gluster://h1,h2:24008/vol/a/b c.txt')"
    assert p.storage_options == {"url": "gluster://h1,h2:24008/vol/"}
    assert p.url == parse_url("gluster://h1,h2:24008/vol/a/b%20c.txt")


def test_same_url_form_as_glusterpath_and_fsspec() -> None:
    for url in (
        "gluster://[::1]:24010/vol6/a%20b",
        "gluster+rdma://h/v/x",
        "gluster+unix:///v/a?socket=/run/glusterd.socket",
    ):
        up = UPath(url)
        gp = GlusterPath.from_uri(url)
        assert up.as_uri() == gp.as_uri() == url
        assert UPath(str(up)) == up
        assert GlusterFileSystem._strip_protocol(url) == up.path == gp.path
    assert UPath("gluster+unix:///v/a?socket=/run/glusterd.socket").protocol == "gluster+unix"
    odd = UPath("gluster://h/v/") / "50% off?#1"
    assert str(odd) == "gluster://h/v/50%25 off%3F%231" and UPath(str(odd)) == odd


def test_equality_and_pickling() -> None:
    a = UPath("gluster://h/v/a")
    assert a == UPath("gluster://h/v") / "a"
    assert a != UPath("gluster://h/other/a") and a != UPath("gluster://h:24008/v/a")
    assert hash(a) == hash(UPath("gluster://h/v/a"))
    assert pickle.loads(pickle.dumps(a)) == a


def test_bad_urls_and_options() -> None:
    with pytest.raises(ValueError, match="needs a gluster:// URL"):
        GlusterUPath("/a/b")
    with pytest.raises(ValueError, match="not on the volume of url="):
        UPath("gluster://h/v/a", url="gluster://h/w/")
    with pytest.raises(ValueError, match="bad port"):
        UPath("gluster://h:x/v/a")
    assert str(GlusterUPath("/a/b", url="gluster://h/v/")) == "gluster://h/v/a/b"


def test_io_on_a_real_volume(volume_url: str, gdir: str, dvolume: Volume) -> None:
    base = UPath(volume_url + gdir)
    f = base / "sub" / "hello é.txt"
    f.parent.mkdir()
    f.write_text("hi there")
    assert f.read_text() == "hi there" and f.exists() and f.is_file()
    assert f.stat().st_size == 8
    assert [str(c) for c in base.iterdir()] == [f"{volume_url}{gdir}/sub"]
    assert list(base.glob("*/*.txt")) == [f]
    assert dvolume.path(gdir, "sub", "hello é.txt").read_text() == "hi there"
    assert type(f.fs) is GlusterFileSystem and f.fs.volume is dvolume
    f.rename(base / "sub" / "moved.txt")
    assert sorted(c.name for c in (base / "sub").iterdir()) == ["moved.txt"]
    (base / "sub" / "moved.txt").unlink()
    (base / "sub").rmdir()
    assert list(base.iterdir()) == []


def test_glusterpath_copies_to_and_from_upaths(
    volume_url: str, gdir: str, dvolume: Volume, tmp_path: Path
) -> None:
    src = dvolume.path(gdir, "tree")
    (src / "d").mkdir(parents=True)
    (src / "d" / "f.bin").write_bytes(b"\x00" * 5_000_000)
    (src / "top.txt").write_text("top")
    (src / "link").symlink_to("top.txt")
    # to a GlusterUPath: gpath's own copy (another directory of the same volume)
    target = UPath(volume_url + gdir) / "copied"
    assert src.copy(target) is target
    assert dvolume.path(gdir, "copied", "d", "f.bin").read_bytes() == b"\x00" * 5_000_000
    # to and from a non-gluster pathlib-abc path: an in-memory UPath
    mem = UPath(f"memory:///{tmp_path.name}/m")
    src.copy(mem)
    assert (mem / "d" / "f.bin").read_bytes() == b"\x00" * 5_000_000
    assert (mem / "link").read_text() == "top"  # symlinks followed by default
    back = dvolume.path(gdir, "back")
    assert back.copy_from(mem) == back
    assert sorted(p.name for p in back.iterdir()) == ["d", "link", "top.txt"]
    assert (back / "d" / "f.bin").read_bytes() == b"\x00" * 5_000_000
    with pytest.raises(FileExistsError):
        back.copy_from(mem)
    back.copy_from(mem, dirs_exist_ok=True)
    with pytest.raises(UnsupportedOperation, match="preserve_metadata"):
        src.copy(UPath(f"memory:///{tmp_path.name}/n"), preserve_metadata=True)
    # from a zip archive (zipfile.Path is a pathlib-abc style readable path)
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("z/inner.txt", "zipped")
    one = dvolume.path(gdir, "from-zip.txt")
    one.copy_from(UPath(f"zip://z/inner.txt", fo=str(archive)))
    assert one.read_text() == "zipped"
    mem.fs.rm(mem.path, recursive=True)


def test_glusterupath_copy_from_a_glusterpath(volume_url: str, gdir: str, dvolume: Volume) -> None:
    dvolume.path(gdir, "a.txt").write_text("A")
    up = UPath(volume_url + gdir) / "b.txt"
    dvolume.path(gdir, "a.txt").copy(up)
    assert up.read_text() == "A"
    assert up.as_uri() == dvolume.path(gdir, "b.txt").as_uri().replace(
        f"//{dvolume.hosts[0]}/", f"//{client_host()}/"
    )


def test_only_foreign_paths_take_the_pathlib_abc_route(dvolume: Volume, gdir: str) -> None:
    from gpath import _abcpaths

    assert _abcpaths.is_abc_path(UPath("memory:///x")) is True
    assert _abcpaths.is_abc_path(UPath("gluster://h/v/x")) is True
    for own in (dvolume.path(gdir), "a/b", Path("/tmp"), b"x", 3):
        assert _abcpaths.is_abc_path(own) is False
    src = dvolume.path(gdir, "meta.txt")
    src.write_text("m")
    dvolume.utime(src.path, (1_000_000, 1_000_000))
    copy = dvolume.path(gdir, "meta-copy.txt").copy_from(src, preserve_metadata=True)
    assert copy.stat().st_mtime == 1_000_000  # gpath's own copy, metadata kept
