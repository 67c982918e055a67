"""The single import point of the compiled libgfapi binding.

Every other gpath module gets ``ffi`` and ``lib`` from here; nothing else names the compiled
module.  Optional symbols (``_symbols.OPTIONAL_SYMBOLS``) are probed once at import.

Two hot paths return Python objects made in C (``read_bytes``, ``stat_path``: see their
comments in ``helpers.c``).  cffi cannot return objects, so on CPython :func:`builtin` makes
them into builtin functions once, here, from their ``PyMethodDef``; elsewhere it returns None
and the callers do the same work through cffi.
"""

from __future__ import annotations

import ctypes
import io
import sys
from collections.abc import Callable
from typing import Any

from ._symbols import OPTIONAL_SYMBOLS

try:
    from ._glfs import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "gpath's compiled libgfapi binding is missing or cannot be loaded "
        f"({exc}); reinstall gpath-glusterfs on a machine with libgfapi (libglusterfs-dev / "
        "glusterfs-api-devel) installed"
    ) from exc

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


def builtin(name: str, bound_to: object = None) -> Callable[..., Any] | None:
    """The compiled module's builtin function *name*, with *bound_to* as its C ``self``."""
    method = lib.gp_builtin_method(name.encode())
    if method == ffi.NULL or sys.implementation.name != "cpython":  # pragma: no cover
        return None
    # A prototype of our own: setting restype/argtypes on ctypes.pythonapi's shared function
    # object would change it for every other user in the process.  A py_object result is a
    # new reference, which ctypes takes over.
    prototype = ctypes.PYFUNCTYPE(
        ctypes.py_object, ctypes.c_void_p, ctypes.py_object, ctypes.py_object
    )
    new_function = prototype(("PyCFunction_NewEx", ctypes.pythonapi))
    function: Callable[..., Any] = new_function(int(ffi.cast("uintptr_t", method)), bound_to, None)
    return function


__all__ = ["ffi", "lib", "MISSING_SYMBOLS", "builtin", "has_symbol", "require_symbol"]
