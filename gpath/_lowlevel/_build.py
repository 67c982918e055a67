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

from cffi import FFI

HERE = Path(__file__).resolve().parent
MODULE_NAME = "gpath._lowlevel._glfs"
PKG_CONFIG_NAME = "glusterfs-api"
# glusterfs-api's pkg-config version 7.6.0 shipped with GlusterFS 6.0, which changed the
# pread/pwrite/fsync/fdatasync/ftruncate signatures this binding is written against.
MIN_API_VERSION = "7.6.0"

MISSING_PACKAGE_MESSAGE = """\
gpath: cannot build the libgfapi binding: {reason}.
Install the GlusterFS API development files first:
    Debian/Ubuntu:       apt-get install libglusterfs-dev pkg-config
    Fedora/RHEL/CentOS:  dnf install glusterfs-api-devel pkgconf-pkg-config
"""

# Symbols newer than the GlusterFS 3.4 baseline.  They are bound weakly, so a library that
# lacks one still loads; gpath asks gp_symbol_present() before calling it.
OPTIONAL_SYMBOLS = (
    "glfs_unset_volfile_server",
    "glfs_get_volfile",
    "glfs_get_volumeid",
    "glfs_free",
    "glfs_setfsgroups",
    "glfs_truncate",
    "glfs_realpath",
    "glfs_fallocate",
    "glfs_discard",
    "glfs_zerofill",
    "glfs_copy_file_range",
)


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
        _fail(f"pkg-config cannot find '{PKG_CONFIG_NAME}' ({result.stderr.strip() or 'not found'})")
    return result.stdout.split()


def _check_library() -> None:
    _pkg_config("--exists")
    version = _pkg_config("--modversion")[0]
    check = subprocess.run(
        ["pkg-config", f"--atleast-version={MIN_API_VERSION}", PKG_CONFIG_NAME], check=False
    )
    if check.returncode != 0:
        _fail(f"{PKG_CONFIG_NAME} {version} is older than GlusterFS 6.0 (API {MIN_API_VERSION})")


def _preamble() -> str:
    weak = "\n".join(f"#pragma weak {name}" for name in OPTIONAL_SYMBOLS)
    table = ",\n    ".join(f"(const void *)&{name}" for name in OPTIONAL_SYMBOLS)
    return f"""
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <glusterfs/api/glfs.h>

{weak}

static int gp_symbol_present(int index)
{{
    static const void *const symbols[] = {{
    {table}
    }};
    if (index < 0 || index >= (int)(sizeof(symbols) / sizeof(symbols[0])))
        return 0;
    return symbols[index] != NULL;
}}

/* Read up to max directory entries (with their stat) in one call, so that listing a large directory costs one Python->C transition per batch instead of
   one per entry.  Returns the number of entries stored, 0 at the end, -1 with errno set. */
static int gp_readdirplus_batch(glfs_fd_t *fd, struct stat *stats, struct dirent *entries,
                                int max)
{{
    int count = 0;
    while (count < max) {{
        struct dirent *result = NULL;
        errno = 0;
        if (glfs_readdirplus_r(fd, &stats[count], &entries[count], &result) != 0) {{
            if (errno == 0)
                errno = EIO;
            return count > 0 ? count : -1;
        }}
        if (result == NULL)
            break;
        count++;
    }}
    return count;
}}
"""


def make_ffi() -> FFI:
    _check_library()
    cflags = _pkg_config("--cflags")
    libs = _pkg_config("--libs")
    ffibuilder = FFI()
    ffibuilder.cdef((HERE / "cdef.h").read_text())
    ffibuilder.set_source(
        MODULE_NAME,
        _preamble(),
        include_dirs=[flag[2:] for flag in cflags if flag.startswith("-I")],
        define_macros=[
            tuple(flag[2:].split("=", 1)) if "=" in flag else (flag[2:], None)  # type: ignore[misc]
            for flag in cflags
            if flag.startswith("-D")
        ],
        libraries=[flag[2:] for flag in libs if flag.startswith("-l")],
        library_dirs=[flag[2:] for flag in libs if flag.startswith("-L")],
        extra_compile_args=["-O2", "-Wno-unused-function"],
    )
    return ffibuilder


ffi = make_ffi() if os.environ.get("GPATH_SKIP_FFI_BUILD") != "1" else FFI()

if __name__ == "__main__":
    ffi.compile(tmpdir=str(HERE.parent.parent), verbose=True)
