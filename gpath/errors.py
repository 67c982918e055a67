"""gpath's exceptions and the one helper that turns a failed C call into an OSError.

Failures of C calls are built-in ``OSError`` subclasses (``FileNotFoundError``,
``PermissionError``...) chosen by ``OSError`` itself from the errno, always with ``filename``
(and ``filename2`` for two-path calls).  Only failures that have no errno of their own get
gpath classes: mounting (``LibgfapiException``), using an unmounted volume
(``VolumeNotMounted``) and copying a file onto itself (``Error`` / ``SameFileError``).
"""

from __future__ import annotations

import errno as _errno
import io
import os
import shutil
from typing import NoReturn

from gpath._lowlevel import ffi

PathArg = object  # the user's original path argument, reported back unchanged


class LibgfapiException(OSError):
    """Mounting or configuring a volume failed (also an ``OSError`` carrying the errno)."""


class VolumeNotMounted(LibgfapiException, ValueError):
    """The Volume is not mounted (never mounted, or already unmounted)."""

    def __init__(self, message: str = "volume is not mounted") -> None:
        super().__init__(_errno.ENOTCONN, message)


class ClosedError(OSError, ValueError):
    """An operation on a closed File or Dir.

    A ``ValueError`` like every closed ``io`` object's error, and an ``OSError`` with
    ``EBADF`` like the old libgfapi-python binding's.
    """

    def __init__(self, message: str = "I/O operation on closed file") -> None:
        super().__init__(_errno.EBADF, message)


class InvalidArgumentError(OSError, ValueError):
    """An argument libgfapi would refuse (or misuse) with ``EINVAL``, caught before the call.

    Both a ``ValueError`` (a bad argument) and an ``OSError(EINVAL)``, which is what the
    libgfapi-python API reported for such calls (e.g. unknown ``open()`` flag bits).
    """

    def __init__(self, message: str) -> None:
        super().__init__(_errno.EINVAL, message)


class Error(shutil.Error):
    """A copy helper failed (``shutil.Error`` compatible); ``args[0]`` may list the reasons."""


class SameFileError(Error, shutil.SameFileError):
    """Source and destination of a copy are the same file."""


UnsupportedOperation = io.UnsupportedOperation


def oserror(err: int, filename: PathArg = None, filename2: PathArg = None) -> OSError:
    """Build the built-in OSError subclass that Python itself picks for *err*."""
    if filename is None:
        return OSError(err, os.strerror(err))
    if filename2 is None:
        return OSError(err, os.strerror(err), filename)
    return OSError(err, os.strerror(err), filename, None, filename2)


def raise_oserror(filename: PathArg = None, filename2: PathArg = None) -> NoReturn:
    """Raise the OSError for the errno the last C call left in *this* thread.

    Call it right after the failing call: cffi saves errno per thread as the call returns.
    """
    err = ffi.errno or _errno.EIO  # a failure that set no errno is still a failure
    raise oserror(err, filename, filename2)


__all__ = [
    "LibgfapiException",
    "VolumeNotMounted",
    "ClosedError",
    "InvalidArgumentError",
    "Error",
    "SameFileError",
    "UnsupportedOperation",
    "oserror",
    "raise_oserror",
]
