"""gpath: GlusterFS volumes as typed, pathlib-style Python objects, through libgfapi.

Layer 1 (``Volume``, ``File``, ``Dir``, ``DirEntry``) implements the libgfapi-python API on
Python 3; layer 2 (``GlusterPath``) is a pathlib-style path bound to a mounted Volume.

Names are loaded on first use, so ``gpath.testing`` (which sets a machine up, possibly
before the compiled binding exists) can be imported without the binding.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Dir": "gpath.dir",
    "DirEntry": "gpath.dir",
    "Dirent": "gpath.dir",
    "ScandirIterator": "gpath.dir",
    "ClosedError": "gpath.errors",
    "Error": "gpath.errors",
    "LibgfapiException": "gpath.errors",
    "SameFileError": "gpath.errors",
    "UnsupportedOperation": "gpath.errors",
    "VolumeNotMounted": "gpath.errors",
    "File": "gpath.file",
    "Glfd": "gpath.file",
    "GlusterPath": "gpath.path",
    "MountState": "gpath._mount",
    "Volume": "gpath.volume",
}

if TYPE_CHECKING:  # "X as X": explicit re-exports, so `from gpath import X` type-checks
    from gpath._mount import MountState as MountState
    from gpath.dir import Dir as Dir
    from gpath.dir import Dirent as Dirent
    from gpath.dir import DirEntry as DirEntry
    from gpath.dir import ScandirIterator as ScandirIterator
    from gpath.errors import ClosedError as ClosedError
    from gpath.errors import Error as Error
    from gpath.errors import LibgfapiException as LibgfapiException
    from gpath.errors import SameFileError as SameFileError
    from gpath.errors import UnsupportedOperation as UnsupportedOperation
    from gpath.errors import VolumeNotMounted as VolumeNotMounted
    from gpath.file import File as File
    from gpath.file import Glfd as Glfd
    from gpath.path import GlusterPath as GlusterPath
    from gpath.volume import Volume as Volume


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gpath' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*_EXPORTS, "__version__"])


__all__ = [
    "ClosedError",
    "Dir",
    "DirEntry",
    "Dirent",
    "Error",
    "File",
    "Glfd",
    "GlusterPath",
    "LibgfapiException",
    "MountState",
    "SameFileError",
    "ScandirIterator",
    "UnsupportedOperation",
    "Volume",
    "VolumeNotMounted",
]
