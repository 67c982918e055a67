"""Regenerate ``spec_surface.json``, gpath's record of the API that libgfapi-python documents.

gpath implements the classes of the old libgfapi-python API reference (``Volume``, ``File``
and ``DirEntry``; the reference names ``Dir`` only as what ``opendir`` returns).  The JSON
file beside this script lists, per class, every documented member with its kind and, for
methods, the documented parameters, so that ``test_spec_surface.py`` can check gpath
against it on a plain clone.  It is generated from the reference, never edited by hand::

    python tests/unit/make_spec_surface.py [DOCUMENT]          # rewrite spec_surface.json
    python tests/unit/make_spec_surface.py --check [DOCUMENT]  # exit 1 if it is stale

``DOCUMENT`` defaults to ``shared/spec/libgfapi-python-api.md`` beside the repository (its
place in development and CI).

The format: ``{"classes": {CLASS: {MEMBER: ENTRY}}}`` where ENTRY is one of

* ``{"kind": "attribute"}`` - a documented (read-only) attribute;
* ``{"kind": "method" | "classmethod", "params": [{"name": N, "default": D}, ...]}`` - a
  documented explicit signature (``default`` only where one is documented; ``self`` and
  ``cls`` left out);
* ``{"kind": "method", "kwargs": [N, ...]}`` - documented as ``(**kwargs)``, with the names
  its parameter list gives (possibly none).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DOCUMENT = REPO.parent / "shared" / "spec" / "libgfapi-python-api.md"
DATA_FILE = Path(__file__).with_name("spec_surface.json")
CLASSES = ("Volume", "DirEntry", "File")

# Misspellings in the reference (a conversion from PDF), mapped to the real member names.
TYPOS = {"fqetsize": "fgetsize", "setfsqid": "setfsgid", "listdir with stat": "listdir_with_stat"}
# Lines of the reference that look like a bare attribute name but are section headings.
HEADINGS = {"Parameters", "Raises", "Returns", "Yields", "Contents", "Index", "Symbols"}

# "name (args)", maybe "classmethod " before it and a sentence after; members are lower case.
_MEMBER_RE = re.compile(
    r"^(?P<classmethod>classmethod\s+)?(?P<name>[a-z_][a-z0-9_ ]*?)\s*\((?P<args>[^)]*)\)"
    r"\s*(?:$|[A-Z])"
)
_BARE_RE = re.compile(r"^(?P<name>[a-z_]+)$")
_BULLET_RE = re.compile(r"^[-\u2022]\s+(?:\*\*)?(?P<name>[A-Za-z_]\w*)(?:\*\*)?\s")
_INLINE_PARAM_RE = re.compile(r"^Parameters\s+(?P<name>[A-Za-z_]\w*)\s+[\u2013-]")


def parse_params(args: str) -> list[dict[str, Any]]:
    """``"a, b=1, c=u'x'"`` -> ``[{"name": "a"}, {"name": "b", "default": 1}, ...]``."""
    params: list[dict[str, Any]] = []
    for part in (p.strip() for p in args.split(",")):
        if not part:
            continue
        name, eq, default = part.partition("=")
        param: dict[str, Any] = {"name": name.strip()}
        if eq:
            param["default"] = ast.literal_eval(re.sub(r"^u(['\"])", r"\1", default.strip()))
        params.append(param)
    return params


def _method(args: str, is_classmethod: bool = False) -> dict[str, Any]:
    kind = "classmethod" if is_classmethod else "method"
    if args.strip() == "**kwargs":
        return {"kind": kind, "kwargs": []}
    return {"kind": kind, "params": parse_params(args)}


def surface_from_document(text: str) -> dict[str, Any]:
    """The surface (see the module docstring) that the reference *text* documents."""
    classes: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in CLASSES}
    current: str | None = None
    member: dict[str, Any] | None = None
    in_reference = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line == "1.1 API Reference":
            in_reference = True
            continue
        if not in_reference:
            continue
        if line.startswith("1.2 Contact"):
            break
        if line == "1.1.1 Volume Class":
            current, member = "Volume", None
            continue
        if line.startswith("class gluster.gfapi.DirEntry"):
            current = "DirEntry"  # its constructor's signature is on the class line
            member = _method(line[line.index("(") + 1 : line.rindex(")")])
            classes[current]["__init__"] = member
            continue
        if line == "1.1.2 File Class":
            current, member = "File", None
            continue
        if current is None or not line or line.startswith("```"):
            continue
        if line.startswith("class gluster.gfapi."):
            continue  # "class gluster.gfapi.File (...)": its __init__ line follows
        match = _MEMBER_RE.match(line)
        if match and (match.group("name") in TYPOS or " " not in match.group("name")):
            name = TYPOS.get(match.group("name"), match.group("name"))
            member = _method(match.group("args"), bool(match.group("classmethod")))
            classes[current][name] = member
            continue
        bare = _BARE_RE.match(line)
        if bare and line not in HEADINGS:
            member = {"kind": "attribute"}
            classes[current][bare.group("name")] = member
            continue
        param = _BULLET_RE.match(line) or _INLINE_PARAM_RE.match(line)
        if param and member is not None and "kwargs" in member:
            member["kwargs"].append(param.group("name"))
    return {
        "about": (
            "Members of the libgfapi-python API reference that gpath implements; generated "
            "by tests/unit/make_spec_surface.py, do not edit by hand."
        ),
        "classes": {cls: dict(sorted(members.items())) for cls, members in classes.items()},
    }


def render(surface: dict[str, Any]) -> str:
    return json.dumps(surface, indent=2, ensure_ascii=False) + "\n"


def load(path: Path = DATA_FILE) -> dict[str, Any]:
    """The committed surface."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("document", nargs="?", type=Path, default=DEFAULT_DOCUMENT)
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    parser.add_argument("-o", "--output", type=Path, default=DATA_FILE)
    args = parser.parse_args(argv)
    text = render(surface_from_document(args.document.read_text(encoding="utf-8")))
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else None
    if args.check:
        if current != text:
            print(f"{args.output} is stale: rerun {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{args.output} matches {args.document}")
        return 0
    if current != text:
        args.output.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{cls} {len(m)}" for cls, m in json.loads(text)["classes"].items())
    print(f"{args.output}: {counts} members")
    return 0


if __name__ == "__main__":
    sys.exit(main())
