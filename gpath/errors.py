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
    "ABSENT_ERRNOS",
    "is_absent",
    "is_passed_over",
]


#: The errnos of a lookup that found nothing under the name (or that no such name can be):
#: the only failures ``exists()`` and the ``is_*()`` predicates turn into False.
ABSENT_ERRNOS = frozenset({_errno.ENOENT, _errno.ENOTDIR, _errno.ELOOP, _errno.ENAMETOOLONG})


def is_absent(exc: BaseException) -> bool:
    """Whether *exc*, raised by a stat, means that nothing exists under the name.

    True for the errnos of :data:`ABSENT_ERRNOS` and for a name that cannot exist
    (``ValueError``: an embedded NUL, a str that cannot be encoded), as ``os.path.exists``
    answers False for those.  Everything else is a failure to look (``ENOTCONN``, ``EIO``,
    ``EACCES``, ``ESTALE``, a failed mount, an unmounted Volume): a False would be a guess.
    """
    if isinstance(exc, OSError):
        # A failed mount carries the errno of the volfile fetch (ENOENT for an unknown
        # volume), which says nothing about the path.
        return exc.errno in ABSENT_ERRNOS and not isinstance(exc, LibgfapiException)
    return isinstance(exc, ValueError)


def is_passed_over(exc: BaseException) -> bool:
    """Whether a glob or walk may skip *exc* silently, as pathlib skips what it cannot list.

    Only for nothing there (:func:`is_absent`) or no right to look (``EACCES``, ``EPERM``);
    a failure to reach the volume is raised, or a listing would come back short.
    """
    if is_absent(exc):
        return True
    return (
        isinstance(exc, OSError)
        and not isinstance(exc, LibgfapiException)
        and exc.errno in (_errno.EACCES, _errno.EPERM)
    )
