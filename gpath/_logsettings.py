"""libgfapi's log settings: level names, defaults from the environment, the log path check.

``glfs_set_logging`` creates a missing log directory itself (``mkdir -p``, with the
rights of whoever runs the process), and for a bare file name such as ``"gfapi.log"`` it
creates a *directory* of that name.  gpath refuses a log file whose directory does not
exist, and hands libgfapi a bare name as ``"./gfapi.log"``, so the local file system only
changes where the user asked for a log file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from types import MappingProxyType

from gpath.errors import oserror

LEVELS: Mapping[str, int] = MappingProxyType(
    {
        # libgfapi's gf_loglevel_t (glusterfs/logging.h), without the GF_LOG_ prefix.
        "NONE": 0,
        "EMERG": 1,
        "ALERT": 2,
        "CRITICAL": 3,
        "ERROR": 4,
        "WARNING": 5,
        "NOTICE": 6,
        "INFO": 7,
        "DEBUG": 8,
        "TRACE": 9,
        # The names syslog and Python's logging module use for the same levels.
        "CRIT": 3,
        "FATAL": 3,
        "ERR": 4,
        "WARN": 5,
    }
)
"""Level names accepted (in any case) for ``log_level`` and ``$GPATH_LOG_LEVEL``."""

FILE_ENV = "GPATH_LOG_FILE"
LEVEL_ENV = "GPATH_LOG_LEVEL"
DEFAULT_FILE = "/dev/null"
DEFAULT_LEVEL = 7
# Where io-stats' own "log-level" option has a name for the level (the option takes no other).
XLATOR_LEVEL_NAMES: Mapping[int, str] = MappingProxyType(
    {0: "NONE", 3: "CRITICAL", 4: "ERROR", 5: "WARNING", 7: "INFO", 8: "DEBUG", 9: "TRACE"}
)


class _DefaultFile(str):
    """The type of :data:`FILE_NOT_GIVEN`."""

    __slots__ = ()


class _DefaultLevel(int):
    """The type of :data:`LEVEL_NOT_GIVEN`."""

    __slots__ = ()


# The defaults of Volume(log_file=, log_level=): equal to the documented "/dev/null" and 7
# (what the signature shows), yet told apart by identity so the environment can replace them.
FILE_NOT_GIVEN: str = _DefaultFile(DEFAULT_FILE)
LEVEL_NOT_GIVEN: int = _DefaultLevel(DEFAULT_LEVEL)


def level(value: object) -> int:
    """*value* as a libgfapi log level: an int from 0 to 9, or a name of :data:`LEVELS`."""
    if isinstance(value, bool):
        raise TypeError("log_level must be an int or a level name, not bool")
    if isinstance(value, int):
        if not 0 <= value <= 9:
            raise ValueError(f"log_level must be 0..9, not {value}")
        return int(value)
    if isinstance(value, str):
        found = LEVELS.get(value.upper()) if value.isascii() else None
        if found is not None:
            return found
        if value.strip().isdigit():
            # A number in a str is a mistaken type, as before names were accepted.
            raise TypeError(f"log_level must be an int or a level name, not {value!r}")
        raise ValueError(f"unknown log level {value!r}; the names are {', '.join(LEVELS)}")
    raise TypeError(f"log_level must be an int or a level name, not {type(value).__name__}")


def resolve(log_file: object, log_level: object) -> tuple[str | None, int]:
    """The checked ``(log_file, log_level)`` of a Volume; defaults come from the environment.

    ``$GPATH_LOG_FILE`` replaces an omitted *log_file* and ``$GPATH_LOG_LEVEL`` (a number
    or a name) an omitted *log_level*; an empty variable counts as unset.
    """
    if log_file is FILE_NOT_GIVEN:
        log_file = default_file()
    if log_level is LEVEL_NOT_GIVEN:
        log_level = default_level()
    return check_file(log_file), level(log_level)


def default_file() -> str:
    """The log file when none is given: ``$GPATH_LOG_FILE``, else ``"/dev/null"``."""
    return os.environ.get(FILE_ENV) or DEFAULT_FILE


def default_level() -> int:
    """The log level when none is given: ``$GPATH_LOG_LEVEL`` (number or name), else 7."""
    text = os.environ.get(LEVEL_ENV, "").strip()
    if not text:
        return DEFAULT_LEVEL
    try:
        return level(int(text) if text.isascii() and text.isdigit() else text)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"${LEVEL_ENV}={text!r}: {exc}") from None


def check_file(log_file: object) -> str | None:
    """*log_file* as a plain str (or None) once known to be usable without creating a directory.

    ``None`` (libgfapi's default location), ``"-"`` (stderr) and ``"/dev/null"`` are always
    fine; any other path must lie in an existing directory.
    """
    if log_file is None:
        return None
    if not isinstance(log_file, str):
        raise TypeError("log_file must be a str or None")
    if "\0" in log_file:
        raise ValueError("embedded null byte")
    log_file = str(log_file)  # never keep the FILE_NOT_GIVEN marker
    if log_file not in ("-", DEFAULT_FILE):
        check_directory(log_file)
    return log_file


def check_directory(log_file: str) -> None:
    """Raise ``FileNotFoundError``/``NotADirectoryError`` (naming the directory) unless the
    directory of *log_file* exists; libgfapi would create it."""
    directory = os.path.dirname(log_file) or "."
    mode = os.stat(directory).st_mode  # its OSError names the directory already
    if not stat.S_ISDIR(mode):
        raise oserror(errno.ENOTDIR, directory)


def c_path(log_file: str) -> bytes:
    """The path to hand ``glfs_set_logging``: a bare name gets ``./`` (libgfapi would make a
    directory of the name itself)."""
    if log_file != "-" and "/" not in log_file:
        log_file = "./" + log_file
    return os.fsencode(log_file)
