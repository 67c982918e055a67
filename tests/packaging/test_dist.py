"""gpath as a dependency: the sdist and wheel build without warnings, carry the right
metadata and files, and the wheel installs and imports in a clean virtualenv.

Marked ``packaging`` (``pytest -m packaging`` runs just these, ``-m "not packaging"``
skips them).  The build runs ``python -m build`` on a copy of the sources (so the working
tree is left alone) in build's isolated environment, which fetches setuptools and cffi
from the package index; the clean virtualenv fetches cffi, attrs and typing-extensions.
About 20-30 s in all, most of it compiling the binding and setting up environments.
"""

from __future__ import annotations

import email.message
import email.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
DIST_NAME = "gpath-glusterfs"
DIST_STEM = "gpath_glusterfs"  # the name as it appears in file names
LICENSE_EXPRESSION = "GPL-2.0-or-later OR LGPL-3.0-or-later"
LICENSE_FILES = (
    "LICENSE",
    "LICENSES/GPL-2.0-or-later.txt",
    "LICENSES/GPL-3.0-or-later.txt",
    "LICENSES/LGPL-3.0-or-later.txt",
)
# Everything an sdist is made from (no MANIFEST.in: setuptools picks the rest itself).
SOURCE_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "MANIFEST.in", "README.md", "LICENSE")
SOURCE_DIRS = ("LICENSES", "gpath")
# _glfs.c is what cffi generates; helpers.c is a source.
BUILD_LITTER = shutil.ignore_patterns("__pycache__", "*.so", "*.o", "_glfs.c", "*.egg-info")


class Built:
    """The products of one ``python -m build`` run."""

    def __init__(self, sdist: Path, wheel: Path, output: str, seconds: float) -> None:
        self.sdist = sdist
        self.wheel = wheel
        self.output = output
        self.seconds = seconds


def _clean_env() -> dict[str, str]:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    # With it set, distutils warns "byte-compiling is disabled" for every build.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV"):
        env.pop(name, None)
    return env


def _run(argv: list[str], cwd: Path, timeout: float = 600) -> str:
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env=_clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}"
    return proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("dist")
    src = base / "src"
    src.mkdir()
    for name in SOURCE_FILES:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, src / name)
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, src / name, ignore=BUILD_LITTER)
    out = base / "out"
    t0 = time.monotonic()
    output = _run([sys.executable, "-m", "build", "--outdir", str(out), str(src)], cwd=base)
    seconds = time.monotonic() - t0
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Built(sdist, wheel, output, seconds)


def _metadata(text: str) -> email.message.Message:
    return email.parser.Parser().parsestr(text)


def test_build_has_no_warnings(built: Built) -> None:
    noisy = [
        line
        for line in built.output.splitlines()
        if re.search(r"warn|deprecat", line, re.IGNORECASE)
    ]
    assert not noisy, "the build warns:\n" + "\n".join(noisy) + "\n\nfull output:\n" + built.output
    print(f"sdist + wheel built in {built.seconds:.1f}s")


def test_sdist_contents(built: Built) -> None:
    assert built.sdist.name == f"{DIST_STEM}-0.1.0.tar.gz"
    top = f"{DIST_STEM}-0.1.0"
    with tarfile.open(built.sdist) as tar:
        names = {n.removeprefix(top + "/") for n in tar.getnames()}
        pkg_info = tar.extractfile(f"{top}/PKG-INFO")
        assert pkg_info is not None
        meta = _metadata(pkg_info.read().decode())
    assert meta["Name"] == DIST_NAME
    assert meta["License-Expression"] == LICENSE_EXPRESSION
    needed = {
        "pyproject.toml",
        "setup.py",
        "README.md",
        *LICENSE_FILES,
        "gpath/py.typed",
        "gpath/_lowlevel/_build.py",
        "gpath/_lowlevel/_symbols.py",
        "gpath/_lowlevel/cdef.h",
        "gpath/_lowlevel/helpers.c",
        "gpath/_lowlevel/aio.c",
        "gpath/_lowlevel/aio.cdef.h",
        "gpath/_lowlevel/gpath.h",
        "gpath/_lowlevel/speedups.c",
    }
    assert needed <= names, f"missing from the sdist: {sorted(needed - names)}"
    built = (".so", ".o", ".c", ".pyc")
    sources = {f"gpath/_lowlevel/{name}.c" for name in ("helpers", "aio", "speedups")}
    stale = [n for n in names if n.endswith(built) and n not in sources]
    assert not stale, f"build products in the sdist: {stale}"


def test_wheel_metadata_and_files(built: Built) -> None:
    assert re.fullmatch(rf"{DIST_STEM}-0\.1\.0-cp3\d+-\w+-linux_\w+\.whl", built.wheel.name)
    info = f"{DIST_STEM}-0.1.0.dist-info"
    with zipfile.ZipFile(built.wheel) as whl:
        names = set(whl.namelist())
        meta = _metadata(whl.read(f"{info}/METADATA").decode())
        entry_points = whl.read(f"{info}/entry_points.txt").decode()
    assert meta["Name"] == DIST_NAME
    assert meta["Metadata-Version"] in ("2.4", "2.5")
    assert meta["License-Expression"] == LICENSE_EXPRESSION
    assert meta.get("License") is None  # the old free-text field, superseded
    assert sorted(meta.get_all("License-File") or []) == sorted(LICENSE_FILES)
    assert {f"{info}/licenses/{name}" for name in LICENSE_FILES} <= names
    classifiers = meta.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the expression rules
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues"}
    assert meta["Requires-Python"] == ">=3.10"
    requires = meta.get_all("Requires-Dist") or []
    for dep in ("cffi", "attrs", "typing-extensions"):
        assert any(r.startswith(dep) and "extra ==" not in r for r in requires), dep
    assert "test" in (meta.get_all("Provides-Extra") or [])

    plugin = r"^\[pytest11\]\s*\ngpath = gpath\.testing\.pytest_plugin$"
    assert re.search(plugin, entry_points, re.MULTILINE), entry_points
    assert "gpath/py.typed" in names
    assert any(re.fullmatch(r"gpath/_lowlevel/_glfs\..*\.so", n) for n in names)
    assert "gpath/_lowlevel/_speedups.abi3.so" in names  # the limited API, as _glfs
    data = {
        p.relative_to(ROOT).as_posix()
        for pattern in ("*.h", "*.pyi")
        for p in (ROOT / "gpath").rglob(pattern)
    }
    assert "gpath/_lowlevel/cdef.h" in data
    assert data <= names, f"package data missing from the wheel: {sorted(data - names)}"
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "gpath").rglob("*.py")}
    assert modules <= names, f"modules missing from the wheel: {sorted(modules - names)}"


IMPORT_CHECK = """
import importlib.metadata as md, pathlib, sys
import gpath, gpath.testing.cluster
from gpath._lowlevel import lib
assert pathlib.Path(gpath.__file__).is_relative_to(sys.prefix), gpath.__file__
assert md.version("gpath-glusterfs") == gpath.__version__, gpath.__version__
(ep,) = [e for e in md.entry_points(group="pytest11") if e.name == "gpath"]
assert ep.value == "gpath.testing.pytest_plugin" and ep.dist.name == "gpath-glusterfs"
vol = gpath.Volume("127.0.0.1", "gpath_single")
assert not vol.mounted
print("ok", gpath.__version__, vol.volname)
"""


def test_wheel_installs_and_imports_in_a_clean_venv(built: Built, tmp_path: Path) -> None:
    t0 = time.monotonic()
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "--quiet", str(built.wheel)], cwd=tmp_path)
    # -I: nothing from the working tree or the environment can stand in for the install.
    out = _run([str(py), "-I", "-c", IMPORT_CHECK], cwd=tmp_path)
    assert out.strip() == "ok 0.1.0 gpath_single"
    print(f"clean venv + install + import in {time.monotonic() - t0:.1f}s")
