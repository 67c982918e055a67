"""The single import point of the compiled libgfapi binding.

Every other gpath module gets ``ffi`` and ``lib`` (the cffi module ``_glfs``) and
``speedups`` (the extension module ``_speedups``: the two hot paths that return Python
objects made in C, see ``speedups.c``) from here; nothing else names a compiled module.
``speedups`` is None off CPython, where the callers do the same work through cffi.
Optional symbols (``_symbols.OPTIONAL_SYMBOLS``) are probed once at import.
"""

from __future__ import annotations

import io
import sys
from types import ModuleType

from ._symbols import OPTIONAL_SYMBOLS

try:
    from ._glfs import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "gpath's compiled libgfapi binding is missing or cannot be loaded "
        f"({exc}); reinstall gpath-glusterfs on a machine with libgfapi (libglusterfs-dev / "
        "glusterfs-api-devel) installed"
    ) from exc

speedups: ModuleType | None = None
if sys.implementation.name == "cpython":
    from . import _speedups  # built beside _glfs by setup.py

    speedups = _speedups

MISSING_SYMBOLS: frozenset[str] = frozenset(
    name for index, name in enumerate(OPTIONAL_SYMBOLS) if not lib.gp_symbol_present(index)
)


def has_symbol(name: str) -> bool:
    """Whether the loaded libgfapi provides the C function *name*."""
    return name not in MISSING_SYMBOLS


def require_symbol(name: str) -> None:
    """Raise io.UnsupportedOperation if the loaded libgfapi lacks the C function *name*."""
    if name in MISSING_SYMBOLS:
        raise io.UnsupportedOperation(f"{name}() is not provided by the installed libgfapi")


__all__ = ["ffi", "lib", "speedups", "MISSING_SYMBOLS", "has_symbol", "require_symbol"]
