"""Build script for gpath's compiled libgfapi binding (cffi API, out-of-line mode).

Used only at build time (``setup.py`` names it in ``cffi_modules``); never imported by the
package at run time.  Compiler and linker flags come from ``pkg-config glusterfs-api`` so
that ``-D_FILE_OFFSET_BITS=64`` and the include paths always match the installed library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from cffi import FFI

HERE = Path(__file__).resolve().parent
# setuptools runs this file by path, not as part of the package: import its sibling directly.
sys.path.insert(0, str(HERE))
from _symbols import OPTIONAL_SYMBOLS  # noqa: E402

MODULE_NAME = "gpath._lowlevel._glfs"
PKG_CONFIG_NAME = "glusterfs-api"
# glusterfs-api's pkg-config version 7.6.0 shipped with GlusterFS 6.0, which changed the
# pread/pwrite/fsync/fdatasync/ftruncate signatures this binding is written against.
MIN_API_VERSION = "7.6.0"

MISSING_PACKAGE_MESSAGE = """\
gpath: cannot build the libgfapi binding: {reason}.
Install the GlusterFS API development files first:
    Debian/Ubuntu:       apt-get install libglusterfs-dev uuid-dev pkg-config
    Fedora/RHEL/CentOS:  dnf install glusterfs-api-devel libuuid-devel pkgconf-pkg-config
"""


def _fail(reason: str) -> None:
    sys.stderr.write(MISSING_PACKAGE_MESSAGE.format(reason=reason))
    raise SystemExit(1)


def _pkg_config(*args: str) -> list[str]:
    if shutil.which("pkg-config") is None:
        _fail("pkg-config is not installed")
    result = subprocess.run(
        ["pkg-config", *args, PKG_CONFIG_NAME], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        _fail(
            f"pkg-config cannot find '{PKG_CONFIG_NAME}' ({result.stderr.strip() or 'not found'})"
        )
    return result.stdout.split()


def _check_library() -> None:
    _pkg_config("--exists")
    version = _pkg_config("--modversion")[0]
    check = subprocess.run(
        ["pkg-config", f"--atleast-version={MIN_API_VERSION}", PKG_CONFIG_NAME], check=False
    )
    if check.returncode != 0:
        _fail(f"{PKG_CONFIG_NAME} {version} is older than GlusterFS 6.0 (API {MIN_API_VERSION})")


# The C files of the cffi module, compiled as one unit in this order, and their declarations.
C_SOURCES = ("helpers.c", "aio.c")
CDEFS = ("cdef.h", "aio.cdef.h")


def _preamble() -> str:
    """The C source cffi compiles: the generated symbol macros, then :data:`C_SOURCES`."""
    weak = " ".join(f'_Pragma("weak {name}")' for name in OPTIONAL_SYMBOLS)
    table = ", ".join(f"(const void *)&{name}" for name in OPTIONAL_SYMBOLS)
    generated = f"#define GP_WEAK_SYMBOLS {weak}\n#define GP_OPTIONAL_SYMBOLS {table}\n"
    return generated + "".join((HERE / name).read_text() for name in C_SOURCES)


def _macro(definition: str) -> tuple[str, str | None]:
    """A ``-DNAME[=VALUE]`` flag (without ``-D``) as setuptools' (name, value) pair."""
    name, sep, value = definition.partition("=")
    return (name, value if sep else None)


def compile_options() -> dict[str, Any]:
    """The compiler and linker options of both compiled modules (``setup.py`` builds the
    extension module with them too): libgfapi's from pkg-config, and ``gpath.h``'s folder."""
    _check_library()
    cflags = _pkg_config("--cflags")
    libs = _pkg_config("--libs")
    return {
        "include_dirs": [str(HERE)] + [flag[2:] for flag in cflags if flag.startswith("-I")],
        "define_macros": [_macro(flag[2:]) for flag in cflags if flag.startswith("-D")],
        "libraries": [flag[2:] for flag in libs if flag.startswith("-l")],
        "library_dirs": [flag[2:] for flag in libs if flag.startswith("-L")],
        # -ffp-contract=off: floats as CPython
        "extra_compile_args": ["-O2", "-Wno-unused-function", "-ffp-contract=off"],
    }


def make_ffi() -> FFI:
    ffibuilder = FFI()
    ffibuilder.cdef("".join((HERE / name).read_text() for name in CDEFS))
    ffibuilder.set_source(MODULE_NAME, _preamble(), **compile_options())
    return ffibuilder


ffi = make_ffi() if os.environ.get("GPATH_SKIP_FFI_BUILD") != "1" else FFI()

if __name__ == "__main__":
    ffi.compile(tmpdir=str(HERE.parent.parent), verbose=True)
