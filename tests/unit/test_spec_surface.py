"""Every member the libgfapi-python documentation lists exists on gpath's classes.

The spec markdown (``shared/spec/libgfapi-python-api.md``, beside the repository) is parsed
here, so a member added to the document is checked without editing this test.  Each
documented member must exist; documented explicit signatures must match by parameter
name, order and default; for members documented as ``(**kwargs)`` the parameter names from
the "Parameters" list must be accepted.  gpath may add parameters, but only with defaults.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import gpath

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "libgfapi-python-api.md"

# Typos of the PDF-to-markdown conversion, mapped to the real member names.
TYPOS = {"fqetsize": "fgetsize", "setfsqid": "setfsgid", "listdir with stat": "listdir_with_stat"}
HEADINGS = {"Parameters", "Raises", "Returns", "Yields", "Contents", "Index", "Symbols"}

# "name (args)" optionally followed by a sentence; member names are lower case.
_MEMBER_RE = re.compile(
    r"^(?P<classmethod>classmethod\s+)?(?P<name>[a-z_][a-z0-9_ ]*?)\s*\((?P<args>[^)]*)\)"
    r"\s*(?:$|[A-Z])"
)
_BARE_RE = re.compile(r"^(?P<name>[a-z_]+)$")
_BULLET_RE = re.compile(r"^[-\u2022]\s+(?:\*\*)?(?P<name>[A-Za-z_]\w*)(?:\*\*)?\s")
_INLINE_PARAM_RE = re.compile(r"^Parameters\s+(?P<name>[A-Za-z_]\w*)\s+[\u2013-]")


@dataclass
class Member:
    name: str
    kind: str  # "method" or "attribute"
    args: str | None = None  # the explicit argument list, None for (**kwargs)
    is_classmethod: bool = False
    params: list[str] = field(default_factory=list)  # from the "Parameters" list


def _spec_text() -> str:
    if not SPEC.is_file():
        message = f"spec not found at {SPEC} (shared/ must sit beside the repository)"
        if os.environ.get("CI") or os.environ.get("GPATH_REQUIRE_GLUSTER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return SPEC.read_text(encoding="utf-8")


def parse_spec(text: str) -> dict[str, dict[str, Member]]:
    """Return ``{class: {member: Member}}`` for Volume, DirEntry and File."""
    classes: dict[str, dict[str, Member]] = {"Volume": {}, "DirEntry": {}, "File": {}}
    current: str | None = None
    member: Member | None = None
    in_reference = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line == "1.1 API Reference":
            in_reference = True
            continue
        if not in_reference:
            continue
        if line.startswith("1.2 Contact"):
            break
        if line == "1.1.1 Volume Class":
            current, member = "Volume", None
            continue
        if line.startswith("class gluster.gfapi.DirEntry"):
            current = "DirEntry"
            args = line[line.index("(") + 1 : line.rindex(")")]
            member = Member("__init__", "method", args)
            classes[current]["__init__"] = member
            continue
        if line == "1.1.2 File Class":
            current, member = "File", None
            continue
        if current is None or not line or line.startswith("```"):
            continue
        if line.startswith("class gluster.gfapi."):
            continue  # "class gluster.gfapi.File (...)": its __init__ line follows
        match = _MEMBER_RE.match(line)
        if match and (match.group("name") in TYPOS or " " not in match.group("name")):
            name = TYPOS.get(match.group("name"), match.group("name"))
            args = match.group("args").strip()
            member = Member(
                name,
                "method",
                None if args == "**kwargs" else args,
                bool(match.group("classmethod")),
            )
            classes[current][name] = member
            continue
        bare = _BARE_RE.match(line)
        if bare and line not in HEADINGS:
            member = Member(bare.group("name"), "attribute")
            classes[current][member.name] = member
            continue
        param = _BULLET_RE.match(line) or _INLINE_PARAM_RE.match(line)
        if param and member is not None and member.kind == "method":
            member.params.append(param.group("name"))
    return classes


def parse_args(args: str) -> list[tuple[str, Any]]:
    """``"a, b=1, c=u'x'"`` -> ``[("a", EMPTY), ("b", 1), ("c", "x")]``."""
    result: list[tuple[str, Any]] = []
    for part in (p.strip() for p in args.split(",")):
        if not part:
            continue
        if "=" in part:
            name, default = part.split("=", 1)
            default = re.sub(r"^u(['\"])", r"\1", default.strip())
            result.append((name.strip(), ast.literal_eval(default)))
        else:
            result.append((part, inspect.Parameter.empty))
    return result


@pytest.fixture(scope="module")
def spec() -> dict[str, dict[str, Member]]:
    return parse_spec(_spec_text())


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


def test_parser_finds_every_documented_member(spec: dict[str, dict[str, Member]]) -> None:
    assert set(spec["Volume"]) == EXPECTED_VOLUME
    assert set(spec["DirEntry"]) == EXPECTED_DIRENTRY
    assert set(spec["File"]) == EXPECTED_FILE
    assert spec["Volume"]["copyfileobj"].is_classmethod is True
    assert spec["Volume"]["mounted"].kind == "attribute"
    assert spec["Volume"]["fopen"].params == ["path", "mode"]
    assert spec["File"]["read"].params == ["buflen"]


def test_parser_reads_documented_signatures(spec: dict[str, dict[str, Member]]) -> None:
    init = spec["Volume"]["__init__"]
    assert init.args is not None
    assert parse_args(init.args) == [
        ("hosts", inspect.Parameter.empty),
        ("volname", inspect.Parameter.empty),
        ("proto", "tcp"),
        ("port", 24007),
        ("log_file", "/dev/null"),
        ("log_level", 7),
    ]
    makedirs = spec["Volume"]["makedirs"]
    assert makedirs.args is not None
    assert parse_args(makedirs.args) == [("path", inspect.Parameter.empty), ("mode", 0o777)]
    copyfileobj = spec["Volume"]["copyfileobj"]
    assert copyfileobj.args is not None
    assert dict(parse_args(copyfileobj.args))["length"] == 128 * 1024


def _members() -> list[tuple[str, str]]:
    if not SPEC.is_file():
        return [("Volume", "mount")]  # the fixture then skips or fails with a message
    parsed = parse_spec(SPEC.read_text(encoding="utf-8"))
    return [(cls, name) for cls, members in parsed.items() for name in sorted(members)]


@pytest.mark.parametrize(("cls_name", "member_name"), _members())
def test_documented_member_exists_with_compatible_signature(
    spec: dict[str, dict[str, Member]], cls_name: str, member_name: str
) -> None:
    member = spec[cls_name][member_name]
    cls = GPATH_CLASSES[cls_name]
    static = inspect.getattr_static(cls, member.name)
    if member.kind == "attribute":
        assert isinstance(static, property), f"{cls_name}.{member.name} should be a property"
        assert static.fset is None, f"{cls_name}.{member.name} is documented read-only"
        return
    if member.is_classmethod:
        assert isinstance(static, classmethod)
    function = getattr(cls, member.name)
    assert callable(function)
    signature = inspect.signature(function)
    params = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
    if member.args is not None:
        documented = parse_args(member.args)
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert [p.name for p in positional[: len(documented)]] == [n for n, _ in documented]
        for param, (name, default) in zip(positional, documented):
            if default is not inspect.Parameter.empty:
                assert param.default == default, f"{cls_name}.{member.name}({name}=...)"
        for param in params[len(documented) :]:  # gpath's additions must never be required
            assert param.default is not inspect.Parameter.empty or param.kind in (
                param.VAR_POSITIONAL,
                param.VAR_KEYWORD,
            ), f"{cls_name}.{member.name}: added parameter {param.name!r} has no default"
    else:
        by_name = {p.name: p for p in params}
        for name in member.params:
            assert name in by_name, f"{cls_name}.{member.name} lacks parameter {name!r}"
            assert by_name[name].kind != inspect.Parameter.POSITIONAL_ONLY


@pytest.mark.parametrize(
    ("cls", "method", "expected"),
    [
        (gpath.Volume, "__init__", {"proto": "tcp", "port": 24007, "log_file": "/dev/null", "log_level": 7}),
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
