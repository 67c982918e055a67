"""docs/cli.md is what docs/gen_cli.py generates from the commands' help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_cli_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_cli", DOCS / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == expected, "run: python docs/gen_cli.py"
    for name in ("ls", "sync", "xattr set", "shell"):
        assert f"\n## gpath {name}\n" in expected
