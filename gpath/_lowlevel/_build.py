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
    Debian/Ubuntu:       apt-get install libglusterfs-dev pkg-config
    Fedora/RHEL/CentOS:  dnf install glusterfs-api-devel pkgconf-pkg-config
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

/* Disconnect a mount from its bricks before glfs_fini (see gpath.volume._Mount.shutdown).
 *
 * glfs_fini marks the context "cleanup started" before it sends PARENT_DOWN through the
 * graph; from then on gf_timer_call_cancel() refuses to cancel timers, so each
 * protocol/client's 10 s call_bail timer keeps its reference on the RPC client and the
 * client translator's fini waits until that timer fires: up to 10 s per glfs_fini
 * (gluster/glusterfs#1962, #2606).  Sending the same PARENT_DOWN *before* glfs_fini, as
 * glfs_fini itself does, cancels those timers while cancelling still works, and glfs_fini
 * then finds the graph already down.  The entry points are libgfapi-private
 * (GFAPI_PRIVATE_3.4.0) and libglusterfs symbols present since 3.4; they are bound weakly,
 * and without them this returns -1 and glfs_fini does everything (slowly).  All files must
 * be closed first: their data is then acknowledged by the bricks (glfs_close flushes
 * write-behind), and only background frames such as a flush-behind FLUSH can still be in
 * flight; they are unwound, and the bricks flush and release the fds of a disconnected
 * client themselves. */
extern void *glfs_active_subvol(glfs_t *fs);
extern void glfs_subvol_done(glfs_t *fs, void *subvol);
extern int xlator_notify(void *xl, int event, void *data, ...);
#pragma weak glfs_active_subvol
#pragma weak glfs_subvol_done
#pragma weak xlator_notify
#define GP_EVENT_PARENT_DOWN 17 /* GF_EVENT_PARENT_DOWN of glusterfs-fops.h (3.4 ... 11) */

static int gp_disconnect(glfs_t *fs)
{{
    void *top;
    if (glfs_active_subvol == NULL || glfs_subvol_done == NULL || xlator_notify == NULL)
        return -1;
    top = glfs_active_subvol(fs);
    if (top == NULL)
        return -1;
    xlator_notify(top, GP_EVENT_PARENT_DOWN, top, NULL);
    glfs_subvol_done(fs, top);
    return 0;
}}
"""


def _macro(definition: str) -> tuple[str, str | None]:
    """A ``-DNAME[=VALUE]`` flag (without ``-D``) as setuptools' (name, value) pair."""
    name, sep, value = definition.partition("=")
    return (name, value if sep else None)


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
            _macro(flag[2:])
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
