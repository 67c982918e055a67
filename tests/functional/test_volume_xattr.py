"""Extended attributes through Volume (by path) and File (by open file)."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest

from gpath import File, Volume


@attrs.frozen
class XattrApi:
    """The four xattr calls bound to one target: a path on the Volume, or an open File."""

    get: Callable[..., bytes]
    set: Callable[..., None]
    list: Callable[..., list[str]]
    remove: Callable[..., None]


@pytest.fixture(params=["path", "file"])
def xattrs(request: pytest.FixtureRequest, volume: Volume, workdir: str) -> Iterator[XattrApi]:
    path = f"{workdir}/target"
    with volume.fopen(path, "w") as f:
        f.write("content")
    if request.param == "path":
        yield XattrApi(
            get=lambda key, size=0: volume.getxattr(path, key, size),
            set=lambda key, value, flags=0: volume.setxattr(path, key, value, flags),
            list=lambda size=0: volume.listxattr(path, size),
            remove=lambda key: volume.removexattr(path, key),
        )
    else:
        with volume.fopen(path, "r+") as file:
            yield XattrApi(
                get=file.fgetxattr, set=file.fsetxattr, list=file.flistxattr, remove=file.fremovexattr
            )


def test_set_get_list_remove(xattrs: XattrApi) -> None:
    assert xattrs.list() == []
    assert xattrs.set("user.zeta", b"last") is None
    xattrs.set("user.alpha", b"first")
    assert xattrs.get("user.alpha") == b"first"
    assert xattrs.get("user.zeta") == b"last"
    names = xattrs.list()
    assert names == ["user.alpha", "user.zeta"]
    assert all(type(name) is str for name in names)
    xattrs.remove("user.alpha")
    assert xattrs.list() == ["user.zeta"]


def test_values_are_binary_safe_bytes(xattrs: XattrApi) -> None:
    value = b"\x00head\x00\xff\xfe tail\x00"
    xattrs.set("user.bin", value)
    got = xattrs.get("user.bin")
    assert type(got) is bytes
    assert got == value
    xattrs.set("user.text", "héllo")  # str values are stored as UTF-8
    assert xattrs.get("user.text") == "héllo".encode()
    xattrs.set("user.view", memoryview(b"from a view"))
    assert xattrs.get("user.view") == b"from a view"
    xattrs.set("user.empty", b"")
    assert xattrs.get("user.empty") == b""
    xattrs.set(b"user.bytes-key", bytearray(b"ba"))
    assert xattrs.get("user.bytes-key") == b"ba"


def test_size_argument(xattrs: XattrApi) -> None:
    xattrs.set("user.sized", b"awesome")
    assert xattrs.get("user.sized", 0) == b"awesome"
    assert xattrs.get("user.sized", 7) == b"awesome"
    assert xattrs.get("user.sized", 100) == b"awesome"
    with pytest.raises(OSError) as too_small:
        xattrs.get("user.sized", 1)
    assert too_small.value.errno == errno.ERANGE
    with pytest.raises(ValueError):
        xattrs.get("user.sized", -7)
    assert xattrs.list(512) == ["user.sized"]
    with pytest.raises(OSError) as list_small:
        xattrs.list(1)
    assert list_small.value.errno == errno.ERANGE
    with pytest.raises(ValueError):
        xattrs.list(-1)


def test_flags_create_and_replace(xattrs: XattrApi) -> None:
    xattrs.set("user.k", b"one")
    xattrs.set("user.k", b"two", 0)  # 0: create or replace
    assert xattrs.get("user.k") == b"two"
    with pytest.raises(FileExistsError) as exists:
        xattrs.set("user.k", b"three", 1)  # 1: create only
    assert exists.value.errno == errno.EEXIST
    xattrs.set("user.new", b"created", 1)
    assert xattrs.get("user.new") == b"created"
    with pytest.raises(OSError) as absent:
        xattrs.set("user.absent", b"x", 2)  # 2: replace only
    assert absent.value.errno == errno.ENODATA
    xattrs.set("user.k", b"replaced", 2)
    assert xattrs.get("user.k") == b"replaced"
    with pytest.raises(ValueError):
        xattrs.set("user.k", b"x", 3)
    assert xattrs.list() == ["user.k", "user.new"]


def test_missing_attribute_errors(xattrs: XattrApi) -> None:
    with pytest.raises(OSError) as get:
        xattrs.get("user.nope")
    assert get.value.errno == errno.ENODATA
    with pytest.raises(OSError) as remove:
        xattrs.remove("user.nope")
    assert remove.value.errno == errno.ENODATA


def test_bad_keys_and_values(xattrs: XattrApi) -> None:
    with pytest.raises(ValueError):
        xattrs.set("user.a\0b", b"v")
    with pytest.raises(TypeError):
        xattrs.set(5, b"v")
    with pytest.raises(TypeError):
        xattrs.set("user.v", 5)
    with pytest.raises(ValueError):
        xattrs.get("user.a\0b")


def test_path_xattr_errors_name_the_path(volume: Volume, workdir: str) -> None:
    missing = f"{workdir}/missing"
    for call in (
        lambda: volume.getxattr(missing, "user.a"),
        lambda: volume.setxattr(missing, "user.a", b"v"),
        lambda: volume.listxattr(missing),
        lambda: volume.removexattr(missing, "user.a"),
    ):
        with pytest.raises(FileNotFoundError) as info:
            call()
        assert info.value.filename == missing


def test_directory_and_symlink_xattrs(volume: Volume, workdir: str) -> None:
    volume.mkdir(f"{workdir}/d")
    volume.setxattr(f"{workdir}/d", "user.dir", b"on a directory")
    assert volume.getxattr(f"{workdir}/d", "user.dir") == b"on a directory"
    assert volume.listxattr(f"{workdir}/d") == ["user.dir"]
    volume.symlink("d", f"{workdir}/link")
    assert volume.getxattr(f"{workdir}/link", "user.dir") == b"on a directory"
    assert volume.listxattr(f"{workdir}/link", follow_symlinks=False) == []


def test_file_xattrs_on_a_read_only_file(volume: Volume, workdir: str) -> None:
    path = f"{workdir}/ro"
    with volume.fopen(path, "w"):
        pass
    volume.setxattr(path, "user.k", b"v")
    f: Any
    with volume.fopen(path, "r") as f:
        assert isinstance(f, File)
        assert f.fgetxattr("user.k") == b"v"
        assert f.flistxattr() == ["user.k"]
