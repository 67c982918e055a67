"""libgfapi's log settings: refused directories, level names, environment defaults, stderr.

libgfapi creates a missing log directory itself (as whoever runs the process), so gpath
refuses such a log file before any C call; ``"-"`` logs to stderr at the level asked for.
"""

from __future__ import annotations

import errno
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gpath import Volume
from gpath.path import VolumeSpec
from gpath.testing.cluster import client_host

HOST = client_host()
LEVEL_NAMES = [
    ("none", 0), ("NONE", 0), ("emerg", 1), ("Alert", 2), ("critical", 3), ("CRIT", 3),
    ("fatal", 3), ("error", 4), ("ERR", 4), ("warning", 5), ("warn", 5), ("notice", 6),
    ("info", 7), ("INFO", 7), ("Debug", 8), ("trace", 9),
]


@pytest.fixture(autouse=True)
def _no_log_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GPATH_LOG_FILE", raising=False)
    monkeypatch.delenv("GPATH_LOG_LEVEL", raising=False)


# -- log files in directories that do not exist ----------------------------------------------------


def test_constructor_refuses_log_file_in_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "deeper"
    with pytest.raises(FileNotFoundError) as info:
        Volume(HOST, "gpath_single", log_file=str(missing / "gfapi.log"))
    assert type(info.value) is FileNotFoundError
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == str(missing)
    assert os.listdir(tmp_path) == []


def test_constructor_refuses_log_file_below_a_regular_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"not a directory")
    with pytest.raises(NotADirectoryError) as info:
        Volume(HOST, "gpath_single", log_file=str(plain / "gfapi.log"))
    assert type(info.value) is NotADirectoryError
    assert info.value.errno == errno.ENOTDIR
    assert info.value.filename == str(plain)
    with pytest.raises(NotADirectoryError) as deeper:
        Volume(HOST, "gpath_single", log_file=str(plain / "sub" / "gfapi.log"))
    assert type(deeper.value) is NotADirectoryError
    assert deeper.value.errno == errno.ENOTDIR
    assert deeper.value.filename == str(plain / "sub")
    assert plain.read_bytes() == b"not a directory"


def test_set_logging_refuses_missing_directory_unmounted(tmp_path: Path) -> None:
    vol = Volume(HOST, "gpath_single", log_file=str(tmp_path / "first.log"), log_level=5)
    with pytest.raises(FileNotFoundError) as info:
        vol.set_logging(str(tmp_path / "gone" / "gfapi.log"), 7)
    assert type(info.value) is FileNotFoundError
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == str(tmp_path / "gone")
    assert (vol.log_file, vol.log_level) == (str(tmp_path / "first.log"), 5)
    assert os.listdir(tmp_path) == []


def test_set_logging_refuses_missing_directory_mounted(
    gluster_volume: Volume, tmp_path: Path
) -> None:
    vol = Volume(HOST, "gpath_single", log_file=str(tmp_path / "first.log"), log_level=5)
    with vol:
        with pytest.raises(FileNotFoundError) as info:
            vol.set_logging(str(tmp_path / "gone" / "gfapi.log"), 7)
        assert type(info.value) is FileNotFoundError
        assert info.value.errno == errno.ENOENT
        assert info.value.filename == str(tmp_path / "gone")
        assert (vol.log_file, vol.log_level) == (str(tmp_path / "first.log"), 5)
        assert vol.get_volume_id() == gluster_volume.get_volume_id()
    assert sorted(os.listdir(tmp_path)) == ["first.log"]


def test_mount_refuses_a_log_directory_removed_after_construction(
    gluster_volume: Volume, tmp_path: Path
) -> None:
    logdir = tmp_path / "logs"
    logdir.mkdir()
    vol = Volume(HOST, "gpath_single", log_file=str(logdir / "gfapi.log"))
    logdir.rmdir()
    with pytest.raises(FileNotFoundError) as info:
        vol.mount()
    assert type(info.value) is FileNotFoundError
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == str(logdir)
    assert vol.mounted is False
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("log_file", [None, "-", "/dev/null"])
def test_destinations_that_are_no_path_of_their_own_are_allowed(log_file: str | None) -> None:
    vol = Volume(HOST, "gpath_single", log_file=log_file)
    assert vol.log_file == log_file
    assert type(vol.log_file) is type(log_file)
    vol.set_logging(log_file, 3)
    assert (vol.log_file, vol.log_level) == (log_file, 3)


def test_bare_log_file_name_is_a_file_in_the_working_directory(
    gluster_volume: Volume, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    vol = Volume(HOST, "gpath_single", log_file="gfapi.log", log_level=7)
    assert vol.log_file == "gfapi.log"
    with vol:
        assert vol.get_volume_id() == gluster_volume.get_volume_id()
    assert os.listdir(tmp_path) == ["gfapi.log"]
    assert (tmp_path / "gfapi.log").is_file()  # libgfapi alone makes it a directory
    assert b"] I [" in (tmp_path / "gfapi.log").read_bytes()


# -- level names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "number"), LEVEL_NAMES)
def test_level_names_become_numbers(name: str, number: int) -> None:
    vol = Volume(HOST, "gpath_single", log_level=name)
    assert vol.log_level == number
    assert type(vol.log_level) is int
    vol.set_logging("/dev/null", 0)
    vol.set_logging("/dev/null", name)
    assert vol.log_level == number
    assert type(vol.log_level) is int
    assert VolumeSpec.from_volume(vol).log_level == number


@pytest.mark.parametrize(
    ("level", "error"),
    [
        (True, TypeError),
        (7.0, TypeError),
        (None, TypeError),
        (b"INFO", TypeError),
        ("7", TypeError),
        ("verbose", ValueError),
        ("", ValueError),
        ("GF_LOG_INFO", ValueError),
        ("\u0131nfo", ValueError),  # dotless i: "INFO" only after a non-ASCII upper()
        (10, ValueError),
        (-1, ValueError),
    ],
)
def test_bad_levels_are_refused(level: Any, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        Volume(HOST, "gpath_single", log_level=level)
    assert type(info.value) is error
    vol = Volume(HOST, "gpath_single", log_level=4)
    with pytest.raises(error):
        vol.set_logging("/dev/null", level)
    assert vol.log_level == 4


# -- defaults from the environment -----------------------------------------------------------------


def test_environment_supplies_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = str(tmp_path / "env.log")
    monkeypatch.setenv("GPATH_LOG_FILE", log)
    monkeypatch.setenv("GPATH_LOG_LEVEL", " debug ")
    vol = Volume(HOST, "gpath_single")
    assert (vol.log_file, vol.log_level) == (log, 8)
    assert type(vol.log_file) is str
    assert type(vol.log_level) is int
    monkeypatch.setenv("GPATH_LOG_LEVEL", "3")
    assert Volume(HOST, "gpath_single").log_level == 3
    explicit = Volume(HOST, "gpath_single", "tcp", 24007, "/dev/null", 7)
    assert (explicit.log_file, explicit.log_level) == ("/dev/null", 7)
    assert Volume(HOST, "gpath_single", log_file=None).log_file is None
    assert os.listdir(tmp_path) == []  # nothing is logged before a mount


def test_empty_environment_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPATH_LOG_FILE", "")
    monkeypatch.setenv("GPATH_LOG_LEVEL", "  ")
    vol = Volume(HOST, "gpath_single")
    assert (vol.log_file, vol.log_level) == ("/dev/null", 7)


def test_bad_environment_values_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GPATH_LOG_LEVEL", "loud")
    with pytest.raises(ValueError) as level:
        Volume(HOST, "gpath_single")
    assert type(level.value) is ValueError
    assert str(level.value).startswith("$GPATH_LOG_LEVEL='loud': unknown log level 'loud'")
    assert Volume(HOST, "gpath_single", log_level=5).log_level == 5
    monkeypatch.setenv("GPATH_LOG_LEVEL", "12")
    with pytest.raises(ValueError):
        Volume(HOST, "gpath_single")
    monkeypatch.delenv("GPATH_LOG_LEVEL")
    monkeypatch.setenv("GPATH_LOG_FILE", str(tmp_path / "nowhere" / "gfapi.log"))
    with pytest.raises(FileNotFoundError) as file:
        Volume(HOST, "gpath_single")
    assert type(file.value) is FileNotFoundError
    assert file.value.filename == str(tmp_path / "nowhere")
    assert os.listdir(tmp_path) == []


def test_volume_spec_carries_the_resolved_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = str(tmp_path / "spec.log")
    monkeypatch.setenv("GPATH_LOG_FILE", log)
    monkeypatch.setenv("GPATH_LOG_LEVEL", "warning")
    from_volume = VolumeSpec.from_volume(Volume(HOST, "gpath_single"))
    by_hand = VolumeSpec(hosts=(HOST,), volname="gpath_single")
    for spec in (from_volume, by_hand):
        assert (spec.log_file, spec.log_level) == (log, 5)
        assert type(spec.log_file) is str
        assert type(spec.log_level) is int
    monkeypatch.delenv("GPATH_LOG_FILE")
    monkeypatch.delenv("GPATH_LOG_LEVEL")
    copy = pickle.loads(pickle.dumps(by_hand))
    assert copy == by_hand
    created = copy.create()
    assert (created.log_file, created.log_level) == (log, 5)
    unset = VolumeSpec(hosts=(HOST,), volname="gpath_single")
    assert (unset.log_file, unset.log_level) == ("/dev/null", 7)


# -- "-": stderr, at the level asked for -----------------------------------------------------------

_CHILD = """
import ast
import sys
from gpath import Volume
kwargs = ast.literal_eval(sys.argv[1])
vol = Volume(sys.argv[2], "gpath_single", **kwargs)
vol.mount(timeout=60)
vol.listdir("/")
vol.umount(wait=True)  # glfs_fini here: io-stats logs its unloading at INFO
print("done", vol.log_file, vol.log_level)
"""


def _line_level(line: str) -> int:
    """The level of a libgfapi log line ("[date] I [file:line:func] ..."); 99 for others."""
    match = re.match(r"\[[^]]*\] ([MACEWNIDT]) \[", line)
    return 99 if match is None else "-MACEWNIDT".index(match.group(1))


def _run_child(kwargs: dict[str, Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("GPATH_LOG_")}
    child_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", _CHILD, repr(kwargs), HOST],
        capture_output=True, text=True, timeout=120, env=child_env, check=False,
    )


@pytest.mark.parametrize(
    ("kwargs", "env", "level"),
    [
        ({"log_file": "-", "log_level": 3}, {}, 3),
        ({"log_file": "-", "log_level": "error"}, {}, 4),
        ({}, {"GPATH_LOG_FILE": "-", "GPATH_LOG_LEVEL": "3"}, 3),
    ],
    ids=["arguments", "level-name", "environment"],
)
def test_stderr_log_honours_the_level(
    gluster_volume: Volume, kwargs: dict[str, Any], env: dict[str, str], level: int
) -> None:
    result = _run_child(kwargs, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"done - {level}\n"
    # Nothing below the level: a healthy mount may still log an E line as it disconnects.
    levels = [_line_level(line) for line in result.stderr.splitlines()]
    assert [found for found in levels if found > level] == []


def test_stderr_log_shows_info_lines_at_level_info(gluster_volume: Volume) -> None:
    result = _run_child({"log_file": "-", "log_level": "INFO"}, {})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "done - 7\n"
    assert "] I [" in result.stderr
    assert "io-stats translator unloaded" in result.stderr  # io-stats logs at INFO too
