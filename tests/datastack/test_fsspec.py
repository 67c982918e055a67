"""gpath.fsspec.GlusterFileSystem on a real volume: URLs, options, every operation."""

from __future__ import annotations

import datetime
import io
import multiprocessing
import os
import pickle
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import fsspec
import pytest
from fsspec.callbacks import Callback

from gpath import Volume
from gpath.fsspec import GlusterFile, GlusterFileSystem, GlusterWriteFile
from gpath.testing.cluster import client_host


def test_registered_for_every_scheme(volume_url: str, dvolume: Volume) -> None:
    rest = volume_url.split("://", 1)[1]
    for scheme in ("gluster", "gluster+tcp"):
        fs, path = fsspec.core.url_to_fs(f"{scheme}://{rest}/a/b%20c/")
        assert type(fs) is GlusterFileSystem
        assert path == "/a/b c"
        assert fs.storage_options == {"url": f"gluster://{client_host()}/{dvolume.volname}/"}
    for scheme in ("gluster+unix", "gluster+rdma"):
        assert fsspec.get_filesystem_class(scheme) is GlusterFileSystem


def test_url_round_trip(gfs: GlusterFileSystem, volume_url: str) -> None:
    assert gfs.unstrip_protocol("/a b/c") == volume_url + "/a%20b/c"
    assert gfs.unstrip_protocol("/") == volume_url + "/"
    assert GlusterFileSystem._strip_protocol(volume_url + "/a%20b/c") == "/a b/c"
    assert GlusterFileSystem._strip_protocol("x//y/") == "/x/y"
    assert GlusterFileSystem._strip_protocol([volume_url, "/"]) == ["/", "/"]
    assert gfs._parent("/a/b") == "/a"


def test_one_instance_per_options_and_thread_shares_the_mount(
    gfs: GlusterFileSystem, volume_url: str, dvolume: Volume
) -> None:
    again = fsspec.filesystem("gluster", url=volume_url + "/")
    assert again is gfs
    assert fsspec.core.url_to_fs(volume_url + "/some/where")[0] is gfs
    assert gfs.volume is dvolume  # the mounted Volume of the process, no second connection
    with ThreadPoolExecutor(2) as pool:
        other = pool.submit(lambda: fsspec.core.url_to_fs(volume_url + "/a")[0]).result()
    assert other is not gfs and other.spec == gfs.spec and other.volume is dvolume


def test_storage_options_and_conflicts(dvolume: Volume) -> None:
    host = client_host()
    tls = {("*-client-*", "transport.socket.ssl-enabled"): "off"}
    fs = GlusterFileSystem(
        hosts=[host, "backup.invalid"],
        volname=dvolume.volname,
        port=24007,
        transport="tcp",
        xlator_options=tls,
        timeout=12.5,
        log_level="ERROR",
        skip_instance_cache=True,
    )
    spec = fs.spec
    assert spec.hosts == (host, "backup.invalid") and spec.volname == dvolume.volname
    assert spec.xlator_options == ((("*-client-*", "transport.socket.ssl-enabled"), "off"),)
    assert (spec.timeout, spec.log_level, spec.proto, spec.port) == (12.5, 4, "tcp", 24007)
    assert fs.url == f"gluster://{host},backup.invalid/{dvolume.volname}/"
    url = f"gluster://{host}/{dvolume.volname}"
    with pytest.raises(ValueError, match="port=24008 conflicts with the URL"):
        fsspec.filesystem("gluster", url=url, port=24008)
    with pytest.raises(ValueError, match="volname='other' conflicts"):
        fsspec.filesystem("gluster", url=url, volname="other")
    with pytest.raises(ValueError, match="conflicts"):
        fsspec.core.url_to_fs(url + "/x", hosts=["elsewhere"])
    with pytest.raises(ValueError, match="disagree"):
        GlusterFileSystem(url=url, proto="tcp", transport="rdma")
    with pytest.raises(ValueError, match="needs a URL or volname"):
        GlusterFileSystem(hosts=[host])
    with pytest.raises(ValueError, match="not a gluster URL"):
        GlusterFileSystem(url="s3://bucket/key")
    with pytest.raises(ValueError, match="bad port"):
        fsspec.core.url_to_fs(f"gluster://{host}:port/{dvolume.volname}/a")
    # the same options given again by name agree with the URL: no error
    assert fsspec.filesystem("gluster", url=url, port=24007, volname=dvolume.volname).spec == (
        fsspec.filesystem("gluster", url=url).spec
    )


def test_url_of_another_volume_is_refused(gfs: GlusterFileSystem) -> None:
    with pytest.raises(ValueError, match="is not on this filesystem's volume"):
        gfs.info(f"gluster://{client_host()}/othervolume/a")


def test_ls_uses_readdirplus_details(gfs: GlusterFileSystem, gdir: str, dvolume: Volume) -> None:
    gfs.pipe_file(f"{gdir}/f", b"12345")
    gfs.mkdir(f"{gdir}/d")
    dvolume.symlink("f", f"{gdir}/lnk")
    dvolume.symlink("missing", f"{gdir}/dangling")
    listing = gfs.ls(gdir, detail=True)
    assert [e["name"] for e in listing] == [f"{gdir}/{n}" for n in ("d", "dangling", "f", "lnk")]
    by = {e["name"].rsplit("/", 1)[1]: e for e in listing}
    st = dvolume.lstat(f"{gdir}/f")
    assert by["f"] == {
        "name": f"{gdir}/f",
        "size": 5,
        "type": "file",
        "created": st.st_ctime,
        "islink": False,
        "mode": st.st_mode,
        "uid": st.st_uid,
        "gid": st.st_gid,
        "mtime": st.st_mtime,
        "ino": st.st_ino,
        "nlink": 1,
    }
    assert (by["d"]["type"], by["d"]["size"], by["d"]["islink"]) == ("directory", 0, False)
    assert by["lnk"]["type"] == "file" and by["lnk"]["size"] == 5
    assert by["lnk"]["islink"] is True and by["lnk"]["destination"] == "f"
    assert stat.S_ISLNK(by["lnk"]["mode"])
    assert by["dangling"]["type"] == "other" and by["dangling"]["destination"] == "missing"
    assert gfs.ls(gdir, detail=False) == [e["name"] for e in listing]
    assert gfs.ls(f"{gdir}/f", detail=False) == [f"{gdir}/f"]
    assert gfs.info(f"{gdir}/f") == by["f"]
    with pytest.raises(FileNotFoundError) as err:
        gfs.ls(f"{gdir}/nope")
    assert err.value.errno == 2 and err.value.filename == f"{gdir}/nope"


def test_info_exists_and_times(gfs: GlusterFileSystem, gdir: str, dvolume: Volume) -> None:
    path = f"{gdir}/t"
    gfs.pipe_file(path, b"x")
    dvolume.utime(path, (1_700_000_000, 1_700_000_123))
    assert gfs.modified(path) == datetime.datetime(2023, 11, 14, 22, 15, 23, tzinfo=datetime.UTC)
    assert gfs.created(path) == datetime.datetime.fromtimestamp(
        dvolume.stat(path).st_ctime, tz=datetime.UTC
    )
    assert gfs.exists(path) and gfs.isfile(path) and not gfs.isdir(path)
    assert gfs.isdir(gdir) and not gfs.exists(f"{gdir}/no") and gfs.size(path) == 1
    dvolume.symlink("no", f"{gdir}/broken")
    assert gfs.lexists(f"{gdir}/broken") and not gfs.exists(f"{gdir}/broken")


def test_ukey_checksum_and_fsid(gfs: GlusterFileSystem, gdir: str, dvolume: Volume) -> None:
    path = f"{gdir}/k"
    gfs.pipe_file(path, b"abc")
    key, check = gfs.ukey(path), gfs.checksum(path)
    assert len(key) == 64 and isinstance(check, int)
    assert (gfs.ukey(path), gfs.checksum(path)) == (key, check)
    dvolume.utime(path, (1, 2))  # same size, another mtime
    assert gfs.ukey(path) != key and gfs.checksum(path) != check
    assert gfs.fsid == f"gluster-{dvolume.get_volume_id()}"


def test_rm_is_recursive_for_directories(gfs: GlusterFileSystem, gdir: str) -> None:
    gfs.pipe({f"{gdir}/t/a/b/c": b"1", f"{gdir}/t/x": b"2", f"{gdir}/e/keep": b""})
    with pytest.raises(OSError) as err:
        gfs.rm(f"{gdir}/t")  # not recursive: a full directory stays
    assert err.value.errno == 39
    gfs.rm(f"{gdir}/t", recursive=True)
    assert not gfs.exists(f"{gdir}/t")
    gfs.rm(f"{gdir}/e/keep")
    gfs.rm(f"{gdir}/e")  # an empty directory goes without recursive
    assert gfs.ls(gdir, detail=False) == []
    with pytest.raises(ValueError, match="root"):
        gfs.rm("/", recursive=True)
    with pytest.raises(FileNotFoundError):
        gfs.rm(f"{gdir}/gone")


def test_rm_globs_and_maxdepth(gfs: GlusterFileSystem, gdir: str) -> None:
    gfs.pipe({f"{gdir}/a.csv": b"", f"{gdir}/b.csv": b"", f"{gdir}/c.txt": b""})
    gfs.rm(f"{gdir}/*.csv")
    assert gfs.ls(gdir, detail=False) == [f"{gdir}/c.txt"]


def test_mv_renames_and_moves_into_directories(gfs: GlusterFileSystem, gdir: str) -> None:
    gfs.pipe_file(f"{gdir}/a", b"1")
    ino = gfs.info(f"{gdir}/a")["ino"]
    gfs.mv(f"{gdir}/a", f"{gdir}/new/b")  # the parent is created
    assert gfs.info(f"{gdir}/new/b")["ino"] == ino  # a rename, not a copy
    gfs.mkdir(f"{gdir}/into")
    gfs.mv(f"{gdir}/new", f"{gdir}/into")
    assert gfs.cat_file(f"{gdir}/into/new/b") == b"1"
    assert not gfs.exists(f"{gdir}/new")


def test_cp_file_streams_and_creates_parents(gfs: GlusterFileSystem, gdir: str) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    gfs.pipe_file(f"{gdir}/src", data)
    gfs.cp_file(f"{gdir}/src", f"{gdir}/deep/er/dst")
    assert gfs.cat_file(f"{gdir}/deep/er/dst") == data
    gfs.copy(f"{gdir}/deep", f"{gdir}/tree", recursive=True)
    assert gfs.find(f"{gdir}/tree") == [f"{gdir}/tree/er/dst"]


def test_cat_file_and_ranges_with_negative_offsets(gfs: GlusterFileSystem, gdir: str) -> None:
    data = bytes(range(256)) * 8
    path = f"{gdir}/r"
    gfs.pipe_file(path, data)
    assert gfs.cat_file(path) == data
    assert gfs.cat_file(path, 10, 20) == data[10:20]
    assert gfs.cat_file(path, -5) == data[-5:]
    assert gfs.cat_file(path, 100, -100) == data[100:-100]
    assert gfs.cat_file(path, None, 7) == data[:7]
    assert gfs.cat_file(path, 5000) == b"" and gfs.cat_file(path, 30, 10) == b""
    assert gfs.cat_file(path, -99999) == data
    out = gfs.cat_ranges([path, path, f"{gdir}/none", path], [0, -3, 0, 1000], [4, None, 1, 1002])
    assert out[0] == data[:4] and out[1] == data[-3:] and out[3] == data[1000:1002]
    assert isinstance(out[2], FileNotFoundError)
    assert gfs.cat_ranges([path], 0, 2, max_gap=64) == [data[:2]]
    with pytest.raises(FileNotFoundError):
        gfs.cat_ranges([f"{gdir}/none"], 0, 1, on_error="raise")
    with pytest.raises(ValueError, match="same length"):
        gfs.cat_ranges([path], [0, 1], [1, 2])
    with pytest.raises(IsADirectoryError):
        gfs.cat_file(gdir)


def test_pipe_file_modes(gfs: GlusterFileSystem, gdir: str) -> None:
    path = f"{gdir}/sub/p"
    gfs.pipe_file(path, b"one", mode="create")  # parents made
    with pytest.raises(FileExistsError):
        gfs.pipe_file(path, b"two", mode="create")
    assert gfs.cat_file(path) == b"one"
    gfs.pipe_file(path, b"three")
    assert gfs.cat_file(path) == b"three"
    with pytest.raises(ValueError, match="mode must be"):
        gfs.pipe_file(path, b"", mode="append")


def test_open_modes_seek_readinto(gfs: GlusterFileSystem, gdir: str) -> None:
    path = f"{gdir}/o.bin"
    with gfs.open(path, "xb") as f:
        assert type(f) is GlusterWriteFile
        f.write(b"hello ")
    with gfs.open(path, "ab") as f:
        f.write(b"world")
    with pytest.raises(FileExistsError):
        gfs.open(path, "xb")
    with gfs.open(path, "rb") as f:
        assert type(f) is GlusterFile and f.size == 11 and f.seekable()
        assert f.seek(-5, io.SEEK_END) == 6
        buf = bytearray(3)
        assert f.readinto(buf) == 3 and buf == b"wor"
        assert f.tell() == 9
        f.seek(0)
        assert f.read() == b"hello world"
    with gfs.open(path, "r", encoding="utf-8") as text:
        assert text.read() == "hello world"
    with gfs.open(f"{gdir}/t.txt", "w", newline="\n") as text:
        text.write("é\n")
    assert gfs.cat_file(f"{gdir}/t.txt") == "é\n".encode()
    with pytest.raises(ValueError, match="mode must be one of"):
        gfs.open(path, "r+b")
    with pytest.raises(FileNotFoundError):
        gfs.open(f"{gdir}/missing", "rb")


def test_read_file_pickles_and_reopens(gfs: GlusterFileSystem, gdir: str) -> None:
    path = f"{gdir}/pk"
    gfs.pipe_file(path, b"0123456789")
    with gfs.open(path, "rb") as f:
        f.seek(4)
        copy = pickle.loads(pickle.dumps(f))
        assert type(copy) is GlusterFile and copy.tell() == 4 and copy.read() == b"456789"
        copy.close()
    with pytest.raises(ValueError, match="closed"):
        pickle.dumps(f)
    with gfs.open(f"{gdir}/w", "wb") as w, pytest.raises(TypeError, match="does not pickle"):
        pickle.dumps(w)


def test_filesystem_pickles_as_its_spec(gfs: GlusterFileSystem, gdir: str) -> None:
    gfs.pipe_file(f"{gdir}/x", b"x")
    blob = pickle.dumps(gfs)
    assert b"Volume" not in blob.replace(b"VolumeSpec", b"")  # no live mount inside
    code = (
        "import pickle, sys; fs = pickle.loads(sys.stdin.buffer.read()); "
        f"sys.stdout.buffer.write(fs.cat_file({gdir + '/x'!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=blob, capture_output=True, timeout=120, check=True
    )
    assert out.stdout == b"x"


def _child_reads(fs: GlusterFileSystem, path: str) -> bytes:
    return fs.cat_file(path)


def test_forked_child_mounts_again(gfs: GlusterFileSystem, gdir: str) -> None:
    gfs.pipe_file(f"{gdir}/f", b"forked")
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply(_child_reads, (gfs, f"{gdir}/f")) == b"forked"
    assert gfs.cat_file(f"{gdir}/f") == b"forked"  # the parent's mount is untouched


def test_transactions_rename_on_commit(gfs: GlusterFileSystem, gdir: str) -> None:
    gfs.pipe_file(f"{gdir}/old", b"before")
    with gfs.transaction:
        with gfs.open(f"{gdir}/new", "wb") as f:
            f.write(b"new")
        with gfs.open(f"{gdir}/old", "wb") as f:
            f.write(b"after")
        with gfs.open(f"{gdir}/old2", "xb") as f:
            f.write(b"x")
        assert not gfs.exists(f"{gdir}/new") and gfs.cat_file(f"{gdir}/old") == b"before"
    assert gfs.cat_file(f"{gdir}/new") == b"new" and gfs.cat_file(f"{gdir}/old") == b"after"
    assert gfs.ls(gdir, detail=False) == [f"{gdir}/{n}" for n in ("new", "old", "old2")]
    with pytest.raises(RuntimeError), gfs.transaction:
        with gfs.open(f"{gdir}/discarded", "wb") as f:
            f.write(b"gone")
        raise RuntimeError
    assert gfs.ls(gdir, detail=False) == [f"{gdir}/{n}" for n in ("new", "old", "old2")]


class _Progress(Callback):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.updates: list[int] = []

    def relative_update(self, inc: int = 1) -> None:
        super().relative_update(inc)
        self.updates.append(inc)


def test_put_and_get_report_progress(gfs: GlusterFileSystem, gdir: str, tmp_path: Path) -> None:
    data = os.urandom(9 * 1024 * 1024 + 5)
    (tmp_path / "up.bin").write_bytes(data)
    up = _Progress()
    gfs.put_file(str(tmp_path / "up.bin"), f"{gdir}/n/up.bin", callback=up)
    assert (up.size, up.value, up.updates) == (len(data), len(data), [4 << 20, 4 << 20, len(data) - (8 << 20)])
    with pytest.raises(FileExistsError):
        gfs.put_file(str(tmp_path / "up.bin"), f"{gdir}/n/up.bin", mode="create")
    down = _Progress()
    gfs.get_file(f"{gdir}/n/up.bin", str(tmp_path / "dl" / "down.bin"), callback=down)
    assert (tmp_path / "dl" / "down.bin").read_bytes() == data
    assert (down.size, down.value) == (len(data), len(data))
    buf = io.BytesIO()
    gfs.get_file(f"{gdir}/n/up.bin", buf)
    assert buf.getvalue() == data
    gfs.get(f"{gdir}/n", str(tmp_path / "tree"), recursive=True)
    assert (tmp_path / "tree" / "up.bin").read_bytes() == data


def test_touch_and_directories(gfs: GlusterFileSystem, gdir: str, dvolume: Volume) -> None:
    gfs.touch(f"{gdir}/a/b/t")
    assert gfs.cat_file(f"{gdir}/a/b/t") == b""
    dvolume.utime(f"{gdir}/a/b/t", (5, 5))
    gfs.touch(f"{gdir}/a/b/t", truncate=False)
    assert gfs.info(f"{gdir}/a/b/t")["mtime"] > 5
    with pytest.raises(FileExistsError):
        gfs.mkdir(f"{gdir}/a")
    with pytest.raises(FileNotFoundError):
        gfs.mkdir(f"{gdir}/x/y", create_parents=False)
    gfs.makedirs(f"{gdir}/m/n", exist_ok=True)
    gfs.makedirs(f"{gdir}/m/n", exist_ok=True)
    with pytest.raises(FileExistsError):
        gfs.makedirs(f"{gdir}/m/n")
    gfs.rmdir(f"{gdir}/m/n")
    assert gfs.ls(f"{gdir}/m") == []
    assert gfs.du(f"{gdir}") == 0 and gfs.find(gdir) == [f"{gdir}/a/b/t"]
    assert gfs.glob(f"{gdir}/*/b") == [f"{gdir}/a/b"]


def test_threads_share_one_filesystem(gfs: GlusterFileSystem, gdir: str) -> None:
    """pyarrow and Dask call one filesystem from many threads at once."""
    blobs = {f"{gdir}/f{i}": os.urandom(100_000 + i) for i in range(16)}
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda kv: gfs.pipe_file(*kv), blobs.items()))
        got = list(pool.map(gfs.cat_file, blobs))
        ranged = list(pool.map(lambda p: gfs.cat_file(p, 10, -10), blobs))
    assert got == list(blobs.values())
    assert ranged == [b[10:-10] for b in blobs.values()]


def test_text_helpers_and_open_files(gfs: GlusterFileSystem, gdir: str, volume_url: str) -> None:
    url = f"{volume_url}{gdir}/txt/hello.txt"
    with fsspec.open(url, "w", encoding="utf-8") as f:
        f.write("hé")
    with fsspec.open(url, "r", encoding="utf-8") as f:
        assert f.read() == "hé"
    files = fsspec.open_files(f"{volume_url}{gdir}/txt/*.txt")
    assert [f.path for f in files] == [f"{gdir}/txt/hello.txt"]
    assert files[0].full_name == gfs.unstrip_protocol(f"{gdir}/txt/hello.txt")


def test_errors_are_oserrors_with_filenames(gfs: GlusterFileSystem, gdir: str) -> None:
    cases: list[tuple[Any, type[OSError]]] = [
        (lambda: gfs.info(f"{gdir}/no"), FileNotFoundError),
        (lambda: gfs.rmdir(f"{gdir}/no"), FileNotFoundError),
        (lambda: gfs.cp_file(f"{gdir}/no", f"{gdir}/x"), FileNotFoundError),
        (lambda: gfs.mv(f"{gdir}/no", f"{gdir}/x"), FileNotFoundError),
    ]
    for call, kind in cases:
        with pytest.raises(kind) as err:
            call()
        assert err.value.filename is not None
    with pytest.raises(TypeError):
        gfs.info(42)


def test_kept_read_handles_never_serve_a_replaced_or_deleted_file(
    gfs: GlusterFileSystem, gdir: str, dvolume: Volume
) -> None:
    path = f"{gdir}/h"
    gfs.pipe_file(path, b"first")
    assert gfs.cat_file(path, 0, 5) == b"first"  # its handle is kept for the next read
    dvolume.path(gdir, "other").write_bytes(b"second")
    dvolume.replace(f"{gdir}/other", path)  # another inode under the same name
    assert gfs.cat_file(path, 0, 6) == b"second"
    with dvolume.fopen(path, "r+b") as f:  # the same inode, rewritten in place
        f.write(b"SEC")
    assert gfs.cat_file(path) == b"SECond"
    dvolume.unlink(path)
    with pytest.raises(FileNotFoundError):
        gfs.cat_file(path, 0, 1)
    gfs.pipe_file(path, b"x")
    assert gfs.cat_ranges([path, path], [0, 0], [1, 1]) == [b"x", b"x"]
    gfs.rm(path)
    assert not dvolume.exists(path)


def test_what_a_volume_cannot_do_says_so(gfs: GlusterFileSystem, gdir: str) -> None:
    from gpath import UnsupportedOperation

    with pytest.raises(UnsupportedOperation, match="no signed URLs"):
        gfs.sign(f"{gdir}/x")


def test_a_volfile_alone_names_the_volume(tmp_path: Path) -> None:
    volfile = tmp_path / "vol.vol"
    volfile.write_text("volume x\nend-volume\n")
    fs = GlusterFileSystem(volfile=volfile, volname="vol", skip_instance_cache=True)
    assert (fs.spec.hosts, fs.spec.volfile, fs.spec.volname) == ((), str(volfile), "vol")
    assert fs.unstrip_protocol("/a") == "gluster:///vol/a"
    with pytest.raises(ValueError, match="needs hosts="):
        GlusterFileSystem(volname="vol", skip_instance_cache=True)
