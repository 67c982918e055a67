"""Only here for the two compiled modules; metadata lives in pyproject.toml.

``gpath._lowlevel._glfs`` is cffi's (a setup() keyword); ``gpath._lowlevel._speedups`` is a
small extension module of the limited API, built with the same options.
"""

import os
import sys

from setuptools import Extension, setup

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpath", "_lowlevel"))
from _build import compile_options  # noqa: E402

speedups = Extension(
    "gpath._lowlevel._speedups",
    sources=["gpath/_lowlevel/speedups.c"],
    depends=["gpath/_lowlevel/gpath.h"],
    py_limited_api=True,
    **compile_options(),
)

setup(
    cffi_modules=["gpath/_lowlevel/_build.py:ffi"],
    ext_modules=[speedups],
    options={"bdist_wheel": {"py_limited_api": "cp310"}},
)
