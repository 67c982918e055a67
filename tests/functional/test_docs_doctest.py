"""The tutorial in docs/tutorial/*.md runs as doctests against a real volume.

Each page's ``pycon`` code blocks are one doctest, run with ``vol`` (the shared
``gluster_volume``: gpath's local ``gpath_single``, or the volume given with
``--gluster-volume``), ``base`` (a fresh directory on it) and ``local`` (a fresh local
directory).  ``ELLIPSIS`` is on, so ``...`` in expected output stands for the parts that
change between runs and volumes (host, volume name, random directory names).  On the local
harness every page runs a second time on ``gpath_dist3``, so no page can depend on the
volume it runs on.  The API reference docs/api.md must be what docs/gen_api.py generates
from the docstrings.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import pathlib
import re
from collections.abc import Callable, Iterator

import pytest

from gpath import GlusterPath, Volume
from gpath.testing.pytest_plugin import ENV_VOLUME, scratch_dir

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted((DOCS / "tutorial").glob("*.md"))
_FENCE = re.compile(r"^```pycon\s*$\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def doctest_source(text: str) -> str:
    """Keep only the pycon blocks, at their original line numbers (blank lines elsewhere)."""
    keep = [""] * text.count("\n")
    for block in _FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1))
        for offset, line in enumerate(block.group(1).split("\n")):
            if first + offset < len(keep):
                keep[first + offset] = line
    return "\n".join(keep) + "\n"


def test_tutorial_pages_exist() -> None:
    names = [p.stem for p in PAGES]
    assert names == [
        "01-getting-started", "02-paths", "03-reading-writing", "04-directories-globbing",
        "05-xattrs", "06-local-transfers", "07-threads", "08-dataframes", "09-async-and-watching",
    ]  # fmt: skip
    for page in PAGES:
        assert _FENCE.search(page.read_text()), f"{page.name} has no pycon examples"


# A second volume for the pages, with another name and layout (3-brick distribute).
OTHER_VOLUME = "gpath_dist3"


@pytest.fixture(params=["configured", OTHER_VOLUME])
def tutorial_base(
    request: pytest.FixtureRequest,
    gluster_volume: Volume,
    gluster_mount: Callable[[str], Volume],
) -> Iterator[GlusterPath]:
    """A fresh directory on the configured volume, then on ``gpath_dist3`` (local only)."""
    volume = gluster_volume
    if request.param == OTHER_VOLUME:
        if request.config.getoption("gluster_volume") or os.environ.get(ENV_VOLUME):
            pytest.skip(f"{OTHER_VOLUME} belongs to gpath's local harness")
        volume = gluster_mount(OTHER_VOLUME)
    with scratch_dir(volume, request.node.name) as path:
        yield volume.path(path)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_tutorial(page: pathlib.Path, tutorial_base: GlusterPath, tmp_path: pathlib.Path) -> None:
    text = page.read_text(encoding="utf-8")
    globs = {"vol": tutorial_base.volume, "base": tutorial_base, "local": tmp_path}
    test = doctest.DocTestParser().get_doctest(doctest_source(text), globs, page.stem, str(page), 0)
    assert test.examples, f"no examples in {page}"
    output: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=output.append)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, "".join(output)


def test_api_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_api", DOCS / "gen_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    assert (DOCS / "api.md").read_text(encoding="utf-8") == expected, "run: python docs/gen_api.py"
