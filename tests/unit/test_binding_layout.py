"""The compiled binding takes struct layouts from the C compiler, not from hand-written code."""

from __future__ import annotations

import ctypes
import os

from gpath._lowlevel import MISSING_SYMBOLS, ffi, has_symbol


def test_struct_stat_layout_comes_from_compiler() -> None:
    # glibc x86_64/aarch64 layouts; the point is that cffi's numbers are the compiler's.
    libc = ctypes.CDLL(None, use_errno=True)
    assert ffi.sizeof("struct stat") in (128, 144)
    assert ffi.sizeof("off_t") == 8  # -D_FILE_OFFSET_BITS=64 from pkg-config
    for field in ("st_dev", "st_ino", "st_mode", "st_nlink", "st_uid", "st_gid", "st_size",
                  "st_blksize", "st_blocks", "st_atim", "st_mtim", "st_ctim"):
        assert 0 <= ffi.offsetof("struct stat", field) < ffi.sizeof("struct stat")
    # A real stat of a local file through libc, read back through the cffi layout.
    buf = ffi.new("struct stat *")
    path = os.path.abspath(__file__).encode()
    assert libc.stat(path, ctypes.c_void_p(int(ffi.cast("uintptr_t", buf)))) == 0
    expected = os.stat(path)
    assert buf.st_size == expected.st_size
    assert buf.st_ino == expected.st_ino
    assert buf.st_mode == expected.st_mode
    assert buf.st_mtim.tv_sec * 10**9 + buf.st_mtim.tv_nsec == expected.st_mtime_ns


def test_optional_symbols_are_probed() -> None:
    assert MISSING_SYMBOLS == frozenset()  # GlusterFS 10 has every optional symbol
    assert has_symbol("glfs_copy_file_range") is True
    assert has_symbol("glfs_truncate") is True


def test_build_without_headers_names_the_missing_package() -> None:
    """Building where pkg-config cannot find libgfapi fails with one clear message."""
    import subprocess
    import sys
    from pathlib import Path

    build_script = Path(__file__).resolve().parents[2] / "gpath" / "_lowlevel" / "_build.py"
    result = subprocess.run(
        [sys.executable, "-c", f"import runpy; runpy.run_path({str(build_script)!r})"],
        env={**os.environ, "PKG_CONFIG_LIBDIR": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "libglusterfs-dev" in result.stderr
    assert "glusterfs-api-devel" in result.stderr


def test_c_lives_in_c_files() -> None:
    """No C source in a Python string: the build reads the .c/.h files beside it."""
    import re
    from pathlib import Path

    lowlevel = Path(__file__).resolve().parents[2] / "gpath" / "_lowlevel"
    c_markers = re.compile(r"#include|static (int|void|PyObject)|Py_BEGIN_ALLOW_THREADS")
    for module in lowlevel.parent.rglob("*.py"):
        assert not c_markers.search(module.read_text()), module
    assert {p.name for p in lowlevel.glob("*.c")} >= {"helpers.c", "speedups.c", "aio.c"}


def test_speedups_module_is_an_extension_of_the_limited_api() -> None:
    import sys

    from gpath import _buffers, _stat
    from gpath._lowlevel import _speedups, speedups

    assert sys.implementation.name == "cpython" and speedups is _speedups
    assert _speedups.__file__ is not None and _speedups.__file__.endswith("_speedups.abi3.so")
    assert _stat.stat_path is _speedups.stat_path
    assert _buffers.read_bytes is _speedups.read_bytes
    assert type(_speedups.stat_path).__name__ == "builtin_function_or_method"
