"""Only here because cffi's build hook is a setup() keyword; metadata lives in pyproject.toml."""

from setuptools import setup

setup(cffi_modules=["gpath/_lowlevel/_build.py:ffi"])
