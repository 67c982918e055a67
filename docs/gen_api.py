"""Generate docs/api.md, the API reference of gpath's path layer, from the docstrings.

Run ``python docs/gen_api.py`` after changing a public signature or docstring; the test
suite checks that docs/api.md is current.  Standard library only (``inspect``).
"""

from __future__ import annotations

import inspect
import pathlib
import re
import sys
import typing
from collections.abc import Callable, Iterator
from typing import Any

OUTPUT = pathlib.Path(__file__).resolve().parent / "api.md"

# Special methods worth documenting (the rest of the dunders are implementation details).
_DUNDERS = ("__truediv__", "__str__", "__eq__", "__hash__", "__lt__", "__vfspath__")


def _clean(doc: str | None) -> str:
    """Docstring reST roles and double backticks as Markdown code."""
    if not doc:
        return ""
    text = inspect.cleandoc(doc)
    text = re.sub(r":(?:meth|class|attr|func|data|mod|exc):`~?([^`]+)`", r"`\1`", text)
    text = text.replace("``", "`")
    text = re.sub(r"^:(raises|param) ([^:]+):", r"*\1 \2:*", text, flags=re.MULTILINE)
    return text


def _default(name: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and "mode" in name:
        return oct(value)
    return repr(value)


def _signature(func: Callable[..., Any], drop_first: bool) -> str:
    sig = inspect.signature(func)
    parts: list[str] = []
    params = list(sig.parameters.values())
    if drop_first and params:
        params = params[1:]
    star_done = False
    for param in params:
        text = param.name
        if param.kind is param.VAR_POSITIONAL:
            text = "*" + text
            star_done = True
        elif param.kind is param.VAR_KEYWORD:
            text = "**" + text
        elif param.kind is param.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if param.annotation is not param.empty:
            text += f": {_annotation(param.annotation)}"
        if param.default is not param.empty:
            text += f" = {_default(param.name, param.default)}"
        parts.append(text)
    result = f"({', '.join(parts)})"
    if sig.return_annotation is not sig.empty:
        result += f" -> {_annotation(sig.return_annotation)}"
    return result


def _annotation(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, type):
        return value.__qualname__
    return repr(value).replace("typing.", "")


def _overloads(func: Callable[..., Any]) -> list[Callable[..., Any]]:
    get = getattr(typing, "get_overloads", None)
    return list(get(func)) if get is not None else []


def _members(cls: type) -> Iterator[tuple[str, Any]]:
    seen: set[str] = set()
    for klass in reversed(cls.__mro__[:-1]):  # base classes first, then overrides
        if klass.__module__.startswith(("collections", "typing", "builtins")):
            continue
        for name, value in vars(klass).items():
            if name in seen:
                continue
            if name.startswith("_") and name not in _DUNDERS:
                continue
            seen.add(name)
    for name in seen_order(cls, seen):
        yield name, inspect.getattr_static(cls, name)


def seen_order(cls: type, names: set[str]) -> list[str]:
    """Definition order (the class body's), inherited names after the class's own."""
    order: list[str] = []
    for klass in cls.__mro__[:-1]:
        for name in vars(klass):
            if name in names and name not in order:
                order.append(name)
    return order


def _render_member(owner: str, name: str, value: Any) -> list[str]:
    lines: list[str] = []
    if isinstance(value, property):
        lines.append(f"#### `{owner}.{name}` *(property)*")
        doc = value.__doc__
    elif isinstance(value, (classmethod, staticmethod)):
        func = value.__func__
        drop = isinstance(value, classmethod)
        kind = "classmethod" if drop else "staticmethod"
        lines.append(f"#### `{owner}.{name}{_signature(func, drop)}` *({kind})*")
        doc = func.__doc__
    elif inspect.isfunction(value):
        overloads = _overloads(value)
        lines.append(f"#### `{owner}.{name}{_signature(value, True)}`")
        if overloads:
            lines.append("")
            lines.append("Overloads (what type checkers see):")
            lines.append("")
            lines.append("```python")
            for variant in overloads:
                lines.append(f"{name}{_signature(variant, True)}")
            lines.append("```")
        doc = value.__doc__
    elif inspect.ismodule(value):
        lines.append(f"#### `{owner}.{name}`")
        lines.append("")
        lines.append(f"The module `{value.__name__}`.")
        doc = None
    else:
        lines.append(f"#### `{owner}.{name}`")
        doc = None if isinstance(value, (int, str, tuple)) else getattr(value, "__doc__", None)
        if isinstance(value, (int, str)):
            lines.append("")
            lines.append(f"Value: `{value!r}`")
    text = _clean(doc)
    if text:
        lines.append("")
        lines.append(text)
    lines.append("")
    return lines


def _render_class(cls: type, title: str, owner: str, init: bool = True) -> list[str]:
    lines = [f"## `{title}`", ""]
    if init and "__init__" in vars(cls):
        signature = _signature(vars(cls)["__init__"], True).removesuffix(" -> None")
        lines += ["```python", f"{cls.__name__}{signature}", "```", ""]
    text = _clean(cls.__doc__)
    if text:
        lines += [text, ""]
    for name, value in _members(cls):
        lines += _render_member(owner, name, value)
    return lines


def render() -> str:
    """The whole of docs/api.md."""
    import gpath.path as path_module
    from gpath import _tree
    from gpath.volume import Volume

    lines = [
        "# gpath API reference: paths",
        "",
        "<!-- Generated by docs/gen_api.py from the docstrings; do not edit by hand. -->",
        "",
        _clean(path_module.__doc__),
        "",
        "Entry points on `gpath.Volume`:",
        "",
    ]
    for name in ("root", "path"):
        lines += _render_member("vol", name, inspect.getattr_static(Volume, name))
    lines += ["#### `vol / name`", "", "The same as `vol.root / name`.", ""]
    lines += _render_class(path_module.GlusterPath, "gpath.GlusterPath", "p")
    lines += _render_class(path_module.GlusterPathInfo, "gpath.path.GlusterPathInfo", "p.info")
    lines += _render_class(path_module.XAttrs, "gpath.path.XAttrs", "p.xattrs")
    lines += _render_class(path_module.VolumeSpec, "gpath.path.VolumeSpec", "spec", init=False)
    fields = ", ".join(f"{field}: int" for field in path_module.DiskUsage._fields)
    lines += [
        "## `gpath.path.DiskUsage`",
        "",
        "```python",
        f"DiskUsage({fields})",
        "```",
        "",
        _clean(path_module.DiskUsage.__doc__),
        "",
        "## `gpath.path.DEFAULT_WORKERS`",
        "",
        f"Value: `{path_module.DEFAULT_WORKERS}`",
        "",
        _clean(_tree.__doc__).split("\n\n")[0],
        "",
    ]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
