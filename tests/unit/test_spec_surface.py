"""Every member the libgfapi-python API reference documents exists on gpath's classes.

The documented surface is kept in the repository, in ``spec_surface.json`` beside this
test (generated from the reference by ``make_spec_surface.py``), so these checks run on a
plain clone.  Each documented member must exist; documented explicit signatures must match
by parameter name, order and default; for members documented as ``(**kwargs)`` the
parameter names from the reference's "Parameters" list must be accepted.  gpath may add
parameters, but only with defaults.

Where the reference itself is present (``shared/spec/libgfapi-python-api.md`` beside the
repository, as in development and CI), ``test_surface_matches_the_document`` also checks
that the JSON file still says what the reference says.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import gpath


def _load_maker() -> ModuleType:
    """``make_spec_surface.py`` beside this file, whatever pytest's import mode."""
    path = Path(__file__).with_name("make_spec_surface.py")
    spec = importlib.util.spec_from_file_location("gpath_tests_make_spec_surface", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


maker = _load_maker()
SURFACE: dict[str, dict[str, dict[str, Any]]] = maker.load()["classes"]

GPATH_CLASSES = {"Volume": gpath.Volume, "DirEntry": gpath.DirEntry, "File": gpath.File}

EXPECTED_VOLUME = {
    "__init__", "access", "chdir", "chmod", "chown", "copy", "copy2", "copyfile", "copyfileobj",
    "copymode", "copystat", "copytree", "disable_logging", "exists", "fopen", "get_volume_id",
    "getatime", "getctime", "getcwd", "getmtime", "getsize", "getxattr", "isdir", "isfile",
    "islink", "link", "listdir", "listdir_with_stat", "listxattr", "lstat", "makedirs", "mkdir",
    "mknod", "mount", "mounted", "open", "opendir", "readlink", "remove", "removexattr", "rename",
    "rmdir", "rmtree", "samefile", "scandir", "set_logging", "setfsgid", "setfsuid", "setxattr",
    "stat", "statvfs", "symlink", "umount", "unlink", "utime", "walk",
}
EXPECTED_DIRENTRY = {"__init__", "inode", "is_dir", "is_file", "is_symlink", "name", "path", "stat"}
EXPECTED_FILE = {
    "__init__", "close", "closed", "discard", "dup", "fallocate", "fchmod", "fchown", "fdatasync",
    "fgetsize", "fgetxattr", "fileno", "flistxattr", "fremovexattr", "fsetxattr", "fstat", "fsync",
    "ftruncate", "lseek", "mode", "name", "read", "readinto", "write", "zerofill",
}


def _documented_params(member: dict[str, Any]) -> list[tuple[str, Any]]:
    """A documented explicit signature as ``[(name, default or Parameter.empty)]``."""
    return [(p["name"], p.get("default", inspect.Parameter.empty)) for p in member["params"]]


def test_surface_lists_every_documented_member() -> None:
    assert set(SURFACE) == set(GPATH_CLASSES)
    assert set(SURFACE["Volume"]) == EXPECTED_VOLUME
    assert set(SURFACE["DirEntry"]) == EXPECTED_DIRENTRY
    assert set(SURFACE["File"]) == EXPECTED_FILE
    assert SURFACE["Volume"]["copyfileobj"]["kind"] == "classmethod"
    assert SURFACE["Volume"]["mounted"] == {"kind": "attribute"}
    assert SURFACE["Volume"]["fopen"]["kwargs"] == ["path", "mode"]
    assert SURFACE["File"]["read"]["kwargs"] == ["buflen"]
    for cls_name, members in SURFACE.items():
        for name, member in members.items():
            kind = member["kind"]
            assert kind in ("method", "classmethod", "attribute"), (cls_name, name)
            shapes = [set()] if kind == "attribute" else [{"params"}, {"kwargs"}]
            assert set(member) - {"kind"} in shapes, (cls_name, name)


def test_surface_records_documented_signatures() -> None:
    assert _documented_params(SURFACE["Volume"]["__init__"]) == [
        ("hosts", inspect.Parameter.empty),
        ("volname", inspect.Parameter.empty),
        ("proto", "tcp"),
        ("port", 24007),
        ("log_file", "/dev/null"),
        ("log_level", 7),
    ]
    assert _documented_params(SURFACE["Volume"]["makedirs"]) == [
        ("path", inspect.Parameter.empty),
        ("mode", 0o777),
    ]
    assert dict(_documented_params(SURFACE["Volume"]["copyfileobj"]))["length"] == 128 * 1024


def test_surface_matches_the_document() -> None:
    """The in-repo surface is what the reference lists (run ``make_spec_surface.py`` if not)."""
    document: Path = maker.DEFAULT_DOCUMENT
    if not document.is_file():
        pytest.skip(
            f"the libgfapi-python API reference is not at {document} (beside the repository, "
            "as in development and CI): the drift check of spec_surface.json against it is "
            "skipped; the surface tests used the in-repo copy"
        )
    documented = maker.surface_from_document(document.read_text(encoding="utf-8"))
    committed = maker.load()
    for cls_name in sorted(set(documented["classes"]) | set(committed["classes"])):
        doc_members = documented["classes"].get(cls_name, {})
        repo_members = committed["classes"].get(cls_name, {})
        assert sorted(repo_members) == sorted(doc_members), (
            f"{cls_name}: members differ from the reference; regenerate with "
            "python tests/unit/make_spec_surface.py"
        )
        for name in doc_members:
            assert repo_members[name] == doc_members[name], (
                f"{cls_name}.{name} differs from the reference; regenerate with "
                "python tests/unit/make_spec_surface.py"
            )
    assert maker.render(documented) == maker.DATA_FILE.read_text(encoding="utf-8")


MEMBERS = [(cls, name) for cls, members in SURFACE.items() for name in members]


@pytest.mark.parametrize(("cls_name", "member_name"), MEMBERS)
def test_documented_member_exists_with_compatible_signature(
    cls_name: str, member_name: str
) -> None:
    member = SURFACE[cls_name][member_name]
    cls = GPATH_CLASSES[cls_name]
    static = inspect.getattr_static(cls, member_name)
    if member["kind"] == "attribute":
        assert isinstance(static, property), f"{cls_name}.{member_name} should be a property"
        assert static.fset is None, f"{cls_name}.{member_name} is documented read-only"
        return
    if member["kind"] == "classmethod":
        assert isinstance(static, classmethod)
    function = getattr(cls, member_name)
    assert callable(function)
    signature = inspect.signature(function)
    params = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
    if "params" in member:
        documented = _documented_params(member)
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert [p.name for p in positional[: len(documented)]] == [n for n, _ in documented]
        for param, (name, default) in zip(positional, documented):
            if default is not inspect.Parameter.empty:
                assert param.default == default, f"{cls_name}.{member_name}({name}=...)"
        for param in params[len(documented) :]:  # gpath's additions must never be required
            assert param.default is not inspect.Parameter.empty or param.kind in (
                param.VAR_POSITIONAL,
                param.VAR_KEYWORD,
            ), f"{cls_name}.{member_name}: added parameter {param.name!r} has no default"
    else:
        by_name = {p.name: p for p in params}
        for name in member["kwargs"]:
            assert name in by_name, f"{cls_name}.{member_name} lacks parameter {name!r}"
            assert by_name[name].kind != inspect.Parameter.POSITIONAL_ONLY


@pytest.mark.parametrize(
    ("cls", "method", "expected"),
    [
        (
            gpath.Volume,
            "__init__",
            {"proto": "tcp", "port": 24007, "log_file": "/dev/null", "log_level": 7},
        ),
        (gpath.Volume, "mkdir", {"mode": 0o777}),
        (gpath.Volume, "makedirs", {"mode": 0o777}),
        (gpath.Volume, "open", {"mode": 0o777}),
        (gpath.Volume, "fopen", {"mode": "r"}),
        (gpath.Volume, "opendir", {"readdirplus": False}),
        (gpath.Volume, "copyfileobj", {"length": 128 * 1024}),
        (gpath.Volume, "getxattr", {"size": 0}),
        (gpath.Volume, "listxattr", {"size": 0}),
        (gpath.Volume, "setxattr", {"flags": 0}),
        (gpath.Volume, "rmtree", {"ignore_errors": False, "onerror": None}),
        (gpath.Volume, "walk", {"topdown": True, "onerror": None, "followlinks": False}),
        (gpath.Volume, "copytree", {"symlinks": False, "ignore": None}),
        (gpath.File, "__init__", {"path": None, "mode": None}),
        (gpath.File, "read", {"size": -1}),
        (gpath.File, "fgetxattr", {"size": 0}),
        (gpath.File, "flistxattr", {"size": 0}),
        (gpath.File, "fsetxattr", {"flags": 0}),
        (gpath.File, "write", {"flags": 0}),
        (gpath.DirEntry, "stat", {"follow_symlinks": False}),
        (gpath.DirEntry, "is_dir", {"follow_symlinks": False}),
        (gpath.DirEntry, "is_file", {"follow_symlinks": False}),
    ],
)
def test_defaults(cls: type, method: str, expected: dict[str, Any]) -> None:
    parameters = inspect.signature(getattr(cls, method)).parameters
    assert {name: parameters[name].default for name in expected} == expected


# Members documented as (**kwargs) whose parameters are named only in the prose.
PROSE_PARAMETERS = [
    (gpath.Volume, "link", ["source", "link_name"]),
    (gpath.Volume, "symlink", ["source", "link_name"]),
    (gpath.Volume, "rename", ["src", "dst"]),
    (gpath.Volume, "mkdir", ["path", "mode"]),
    (gpath.Volume, "utime", ["path", "times"]),
    (gpath.Volume, "stat", ["path"]),
    (gpath.Volume, "lstat", ["path"]),
    (gpath.Volume, "statvfs", ["path"]),
    (gpath.Volume, "unlink", ["path"]),
    (gpath.Volume, "rmdir", ["path"]),
    (gpath.Volume, "setfsuid", ["uid"]),
    (gpath.Volume, "setfsgid", ["gid"]),
    (gpath.File, "readinto", ["buf"]),
    (gpath.File, "write", ["data"]),
]


@pytest.mark.parametrize(("cls", "method", "names"), PROSE_PARAMETERS)
def test_parameters_named_in_the_prose(cls: type, method: str, names: list[str]) -> None:
    parameters = [p for p in inspect.signature(getattr(cls, method)).parameters if p != "self"]
    assert parameters[: len(names)] == names


def test_copyfileobj_is_a_classmethod() -> None:
    assert isinstance(inspect.getattr_static(gpath.Volume, "copyfileobj"), classmethod)


def test_exceptions_named_by_the_issue() -> None:
    import shutil

    assert issubclass(gpath.LibgfapiException, OSError)
    assert issubclass(gpath.VolumeNotMounted, gpath.LibgfapiException)
    assert issubclass(gpath.Error, shutil.Error)
    assert issubclass(gpath.SameFileError, gpath.Error)
    assert issubclass(gpath.SameFileError, shutil.SameFileError)
    assert issubclass(gpath.ClosedError, ValueError)
    assert issubclass(gpath.ClosedError, OSError)
    assert gpath.ClosedError().errno == 9  # EBADF
