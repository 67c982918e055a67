"""The watching examples of docs/tutorial/09-async-and-watching.md, run on gpath_watch.

They cannot be doctests of the tutorial run (that runs every page on volumes without cache
invalidation), so the page's last ``python`` block runs here, with ``vol`` and ``base`` as
the tutorial defines them, on the harness volume that sends upcalls.
"""

from __future__ import annotations

import pathlib
import re

from gpath import GlusterPath

PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs/tutorial/09-async-and-watching.md"
_BLOCK = re.compile(r"^```python\s*$\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def test_watch_example_runs(watched: GlusterPath) -> None:
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("## Watching for changes") :]
    blocks = _BLOCK.findall(section)
    assert len(blocks) == 2
    compile(blocks[0], f"{PAGE.name} (first watch block)", "exec")  # valid, not run: loops
    exec(compile(blocks[1], PAGE.name, "exec"), {"vol": watched.volume, "base": watched})
