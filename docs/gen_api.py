"""Generate docs/api.md, gpath's API reference, from the docstrings.

Run ``python docs/gen_api.py`` after changing a public signature or docstring; the test
suite checks that docs/api.md is current, on every supported Python.  So the output must
not depend on the interpreter:

* signatures come from ``inspect.signature`` with the annotations as the strings the
  source wrote (every gpath module has ``from __future__ import annotations``), never from
  typing objects' reprs; ``@overload`` variants are read from the source with ``ast``
  (``typing.get_overloads`` only exists from Python 3.11 on);
* only members defined by gpath's own classes are documented: methods that attrs generates
  or that come from ``io``, ``collections.abc`` or ``typing`` bases (whose docstrings change
  between Python versions) are left out, and inherited ``io``/``collections.abc`` methods
  are only named;
* members keep the order of the class body.

Standard library only, apart from gpath itself (and attrs, which gpath uses).
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import errno
import functools
import importlib
import inspect
import pathlib
import re
import sys
import textwrap
import typing
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

OUTPUT = pathlib.Path(__file__).resolve().parent / "api.md"

# Special methods worth documenting (the rest of the dunders are implementation details).
_DUNDERS = ("__truediv__", "__str__", "__eq__", "__hash__", "__lt__", "__vfspath__", "__fspath__")
# Base classes whose inherited methods are listed by name (their docs are the stdlib's).
_NAMED_BASES = ("io", "collections.abc")


# -- docstrings ---------------------------------------------------------------------------------


def _clean(doc: str | None) -> str:
    """A docstring as Markdown: reST roles, double backticks, field lists, literal blocks
    and definition lists converted."""
    if not doc:
        return ""
    text = inspect.cleandoc(doc)
    text = re.sub(r":(?:meth|class|attr|func|data|mod|exc):`~?([^`]+)`", r"`\1`", text)
    text = text.replace("``", "`")
    # A field that a docstring starts in the middle of a line gets a line of its own.
    text = re.sub(r"(?<=\S)[ \t]+(:(?:param|raises|returns?)\b[^:\n]*:)", r"\n\1", text)
    return "\n".join(_blocks(text.split("\n")))


_FIELD = re.compile(r"^:(param|raises|returns?)\s*([^:]*):\s*(.*)$")


def _blocks(lines: list[str]) -> Iterator[str]:
    """Convert reST fields (``:param x:``), ``::`` literal blocks and definition lists."""
    i = 0
    in_list = False
    while i < len(lines):
        line = lines[i]
        field = _FIELD.match(line)
        indented_next = i + 1 < len(lines) and lines[i + 1].startswith("    ")
        if field:
            kind, name, rest = field.groups()
            if not in_list and i and lines[i - 1].strip():
                yield ""
            name = name.strip()
            if kind == "param":
                yield f"* `{name}`: {rest}"
            elif kind == "raises":
                yield f"* raises `{name}`: {rest}"
            else:
                yield f"* returns: {rest}"
            in_list = True
            i += 1
            while i < len(lines) and lines[i].startswith("    "):
                yield "  " + lines[i].strip()
                i += 1
            continue
        if line.rstrip().endswith("::") and i + 2 < len(lines) and not lines[i + 1].strip():
            block: list[str] = []
            j = i + 2
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                block.append(lines[j])
                j += 1
            while block and not block[-1].strip():
                block.pop()
            if block:
                head = line.rstrip()[:-1]
                yield head.rstrip() if head.rstrip().endswith(":") else head
                yield ""
                yield "```python"
                yield from textwrap.dedent("\n".join(block)).split("\n")
                yield "```"
                yield ""
                i = j
                in_list = False
                continue
        if line.strip() and not line.startswith(" ") and indented_next:
            # A definition list item: the term, then its indented definition.
            if not in_list and i and lines[i - 1].strip():
                yield ""
            yield f"* {line.strip()}:"
            i += 1
            while i < len(lines) and lines[i].startswith("    "):
                yield "  " + lines[i].strip()
                i += 1
            in_list = True
            continue
        if in_list and line.strip():
            yield ""
        in_list = False
        yield line
        i += 1


@functools.lru_cache(maxsize=None)
def _module_ast(name: str) -> tuple[str, ast.Module]:
    source = inspect.getsource(importlib.import_module(name))
    return source, ast.parse(source)


def _attribute_docs(module: str) -> dict[str, str]:
    """Docstrings of module-level names: a string right after the assignment, or ``#:``
    comment lines right before it (Sphinx's two conventions)."""
    source, tree = _module_ast(module)
    lines = source.split("\n")
    docs: dict[str, str] = {}
    body = tree.body
    for index, node in enumerate(body):
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        else:
            continue
        doc = ""
        following = body[index + 1] if index + 1 < len(body) else None
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            doc = following.value.value
        else:
            comments: list[str] = []
            row = node.lineno - 2
            while row >= 0 and lines[row].startswith("#:"):
                comments.insert(0, lines[row][2:].strip())
                row -= 1
            doc = " ".join(comments)
        for name in names:
            if doc:
                docs[name] = doc
    return docs


# -- signatures -----------------------------------------------------------------------------------


def _is_sentinel(value: Any) -> bool:
    """A private "not given" marker (e.g. ``Volume.mount``'s): shown as ``...``."""
    return isinstance(value, enum.Enum) and type(value).__name__.startswith("_")


def _default(name: str, value: Any) -> str:
    if _is_sentinel(value):
        return "..."
    if isinstance(value, int) and not isinstance(value, bool) and "mode" in name:
        return oct(value)
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return repr(int(value))
    return repr(value)


def _annotation(value: Any, drop_private: bool = False) -> str:
    if isinstance(value, typing.ForwardRef):  # NamedTuple makes these of some str annotations
        value = value.__forward_arg__
    text = value if isinstance(value, str) else getattr(value, "__qualname__", repr(value))
    if drop_private:  # the type of a private sentinel default is no business of the reader
        text = re.sub(r"\s*\|\s*_[A-Z]\w*", "", text)
    return text


def _signature(func: Callable[..., Any], drop_first: bool) -> str:
    sig = inspect.signature(func)
    params = list(sig.parameters.values())
    if drop_first and params:
        params = params[1:]
    items = []
    for param in params:
        annotation = None
        if param.annotation is not param.empty:
            annotation = _annotation(param.annotation, _is_sentinel(param.default))
        default = None
        if param.default is not param.empty:
            default = _default(param.name, param.default)
        items.append((param.name, param.kind, annotation, default))
    returns = None
    if sig.return_annotation is not sig.empty:
        returns = _annotation(sig.return_annotation)
    return _format(items, returns)


def _format(items: list[tuple[str, Any, str | None, str | None]], returns: str | None) -> str:
    """``(a: int, /, b: str = 'x', *, c: bool = False) -> None`` from parameter tuples."""
    kinds = inspect.Parameter
    parts: list[str] = []
    star_done = False
    for index, (name, kind, annotation, default) in enumerate(items):
        text = name
        if kind is kinds.VAR_POSITIONAL:
            text = "*" + name
            star_done = True
        elif kind is kinds.VAR_KEYWORD:
            text = "**" + name
        elif kind is kinds.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if annotation is not None:
            text += f": {annotation}"
        if default is not None:
            text += f" = {default}" if annotation is not None else f"={default}"
        parts.append(text)
        following = items[index + 1][1] if index + 1 < len(items) else None
        if kind is kinds.POSITIONAL_ONLY and following is not kinds.POSITIONAL_ONLY:
            parts.append("/")
    result = f"({', '.join(parts)})"
    if returns is not None:
        result += f" -> {returns}"
    return result


def _ast_signature(node: ast.FunctionDef, drop_first: bool) -> str:
    """The signature of a ``def`` as written (used for ``@overload`` variants)."""
    kinds = inspect.Parameter
    args = node.args
    positional = [(a, kinds.POSITIONAL_ONLY) for a in args.posonlyargs]
    positional += [(a, kinds.POSITIONAL_OR_KEYWORD) for a in args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    items: list[tuple[str, Any, str | None, str | None]] = []

    def text(expr: ast.expr | None) -> str | None:
        return None if expr is None else ast.unparse(expr)

    for (arg, kind), default in zip(positional, defaults):
        items.append((arg.arg, kind, text(arg.annotation), text(default)))
    if args.vararg is not None:
        items.append((args.vararg.arg, kinds.VAR_POSITIONAL, text(args.vararg.annotation), None))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults):
        items.append((arg.arg, kinds.KEYWORD_ONLY, text(arg.annotation), text(kw_default)))
    if args.kwarg is not None:
        items.append((args.kwarg.arg, kinds.VAR_KEYWORD, text(args.kwarg.annotation), None))
    if drop_first and items:
        items = items[1:]
    return _format(items, text(node.returns))


WIDTH = 100  # the longest line docs/api.md may have


def _split_call(text: str) -> tuple[str, list[str], str]:
    """Split ``"f(a: int, b: X[1, 2] = 'x') -> R"`` into the name, the parameters
    (``["a: int", "b: X[1, 2] = 'x'"]``) and what follows them (``" -> R"``)."""
    start = text.index("(")
    depth, quote, params, current = 0, "", [], ""
    for index in range(start + 1, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                if current.strip():
                    params.append(current.strip())
                return text[:start], params, text[index + 1 :]
            depth -= 1
        elif char == "," and depth == 0:
            params.append(current.strip())
            current = ""
            continue
        current += char
    raise ValueError(f"unbalanced signature: {text}")


def _call_lines(text: str) -> list[str]:
    """A call or signature as code lines: as is if it fits, else one parameter a line."""
    if len(text) <= WIDTH:
        return [text]
    head, params, tail = _split_call(text)
    return [f"{head}(", *(f"    {param}," for param in params), f"){tail}"]


def _heading(prefix: str, call: str, suffix: str = "") -> list[str]:
    """A member heading; a signature too long for one line goes in a code block below it."""
    line = f"#### `{prefix}{call}`{suffix}"
    if len(line) <= WIDTH:
        return [line]
    return [f"#### `{prefix}{call[: call.index('(')]}(...)`{suffix}", "", "```python",
            *_call_lines(prefix + call), "```"]  # fmt: skip


def _wrap(text: str, indent: str = "") -> str:
    """Prose wrapped at :data:`WIDTH`, never inside a `code span`."""
    protected = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(" ", "\0"), text)
    wrapped = textwrap.fill(
        protected, WIDTH, subsequent_indent=indent, break_long_words=False,
        break_on_hyphens=False,
    )  # fmt: skip
    return wrapped.replace("\0", " ")


def _overloads(func: Callable[..., Any]) -> list[ast.FunctionDef]:
    """The ``@overload`` variants of a method, from its module's source."""
    _, tree = _module_ast(func.__module__)
    scope: list[ast.stmt] = tree.body
    *outer, name = func.__qualname__.split(".")
    for part in outer:
        for node in scope:
            if isinstance(node, ast.ClassDef) and node.name == part:
                scope = node.body
                break
        else:
            return []
    found = []
    for node in scope:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            for decorator in node.decorator_list:
                target = decorator.attr if isinstance(decorator, ast.Attribute) else None
                if isinstance(decorator, ast.Name):
                    target = decorator.id
                if target == "overload":
                    found.append(node)
    return found


# -- classes and members --------------------------------------------------------------------------


def _is_gpath(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "")).startswith("gpath")


@functools.lru_cache(maxsize=None)
def _gpath_dir() -> str:
    """Where the imported gpath lives (the work tree, or an installed copy)."""
    return str(pathlib.Path(importlib.import_module("gpath").__file__ or "").resolve().parent)


def _is_gpath_function(func: Any) -> bool:
    """Written in gpath's source (not generated by attrs or dataclasses)."""
    code = getattr(inspect.unwrap(func), "__code__", None)
    if code is None:
        return False
    return str(pathlib.Path(code.co_filename).resolve()).startswith(_gpath_dir())


def _field_names(cls: type) -> set[str]:
    """Names documented in the constructor line rather than as members."""
    if dataclasses.is_dataclass(cls):
        return {field.name for field in dataclasses.fields(cls)}
    return set(getattr(cls, "_fields", ()))


def _members(cls: type) -> Iterator[tuple[str, Any]]:
    """Public members defined by *cls* and its gpath base classes, in class-body order."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        if not _is_gpath(klass):
            continue
        for name in vars(klass):
            if name.startswith("_") and name not in _DUNDERS:
                continue
            if name not in names:
                names.append(name)
    fields = _field_names(cls)
    for name in names:
        if name in fields:
            continue
        value = inspect.getattr_static(cls, name)
        func = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
        if inspect.isfunction(func) and not _is_gpath_function(func):
            continue
        if type(value).__name__ == "member_descriptor":  # a slot: documented as a field
            continue
        yield name, value


def _stdlib_original(cls: type, name: str) -> str | None:
    """Where a gpath override of a stdlib method comes from, e.g. ``io.RawIOBase.readable``."""
    for klass in cls.__mro__[1:]:
        if klass.__module__ in _NAMED_BASES and name in dir(klass):
            return f"{klass.__module__}.{klass.__qualname__}.{name}"
    return None


def _render_member(cls: type, owner: str, name: str, value: Any) -> list[str]:
    lines: list[str] = []
    if isinstance(value, property):
        lines.append(f"#### `{owner}.{name}` *(property)*")
        doc = value.__doc__
    elif isinstance(value, (classmethod, staticmethod)):
        func = value.__func__
        drop = isinstance(value, classmethod)
        kind = "classmethod" if drop else "staticmethod"
        lines += _heading(f"{cls.__name__}.", f"{name}{_signature(func, drop)}", f" *({kind})*")
        doc = func.__doc__
    elif inspect.isfunction(value):
        lines += _heading(f"{owner}.", f"{name}{_signature(value, True)}")
        overloads = _overloads(value)
        if overloads:
            lines += ["", "Overloads (what type checkers see):", "", "```python"]
            for node in overloads:
                lines += _call_lines(f"{name}{_ast_signature(node, True)}")
            lines.append("```")
        doc = value.__doc__
    elif inspect.ismodule(value):
        lines += [f"#### `{owner}.{name}`", "", f"The module `{value.__name__}`."]
        doc = None
    else:
        lines.append(f"#### `{owner}.{name}`")
        doc = None
        if isinstance(value, (int, str)):
            lines += ["", f"Value: `{value!r}`"]
    text = _clean(doc)
    if not text:
        original = _stdlib_original(cls, name)
        if original is not None:
            text = f"As `{original}`."
    if text:
        lines += ["", text]
    lines.append("")
    return lines


def _constructor(cls: type) -> str | None:
    """The call that builds *cls*: its own ``__init__``, else its attrs, dataclass or
    NamedTuple fields."""
    init = vars(cls).get("__init__")
    if init is not None and _is_gpath_function(init):
        return f"{cls.__name__}{_signature(init, True).removesuffix(' -> None')}"
    fields = getattr(cls, "__attrs_attrs__", None)
    if fields is not None:
        import attrs  # a dependency of gpath

        parts = []
        for field in fields:
            if not field.init:
                continue
            text = f"{field.name}: {_annotation(field.type)}"
            default = field.default
            factory = getattr(default, "factory", None)
            if factory is not None:
                text += f" = <{factory.__name__}()>"
            elif default is not attrs.NOTHING:
                text += f" = {_default(field.name, default)}"
            parts.append(text)
        return f"{cls.__name__}({', '.join(parts)})"
    if dataclasses.is_dataclass(cls):
        parts = []
        for dfield in dataclasses.fields(cls):
            text = f"{dfield.name}: {_annotation(dfield.type)}"
            if dfield.default is not dataclasses.MISSING:
                text += f" = {_default(dfield.name, dfield.default)}"
            parts.append(text)
        return f"{cls.__name__}({', '.join(parts)})"
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        annotations = cls.__dict__.get("__annotations__", {})
        parts = [f"{name}: {_annotation(annotations[name])}" for name in cls._fields]
        return f"{cls.__name__}({', '.join(parts)})"
    return None


def _instance_attributes(cls: type) -> list[str]:
    """Public ``self.x`` attributes the constructor sets (with their annotation if any)."""
    init = vars(cls).get("__init__")
    if init is None or not _is_gpath_function(init):
        return []
    tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        annotation = None
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets, annotation = [node.target], node.annotation
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
            ):
                text = target.attr
                if annotation is not None:
                    text += f": {ast.unparse(annotation)}"
                found.setdefault(target.attr, f"`{text}`")
                if annotation is not None:
                    found[target.attr] = f"`{text}`"
    return list(found.values())


def _bases(cls: type) -> str:
    names = []
    for base in cls.__bases__:
        if base is object or base.__module__ == "typing":
            continue
        module = base.__module__
        names.append(base.__qualname__ if module == "builtins" else f"{module}.{base.__qualname__}")
    return ", ".join(f"`{n}`" for n in names)


def _inherited(cls: type) -> list[str]:
    """A line naming the public methods that a stdlib base class provides unchanged."""
    own = {name for klass in cls.__mro__ if _is_gpath(klass) for name in vars(klass)}
    for base in cls.__mro__[1:]:
        if base.__module__ in _NAMED_BASES:
            names = sorted(n for n in dir(base) if not n.startswith("_") and n not in own)
            if not names:
                return []
            listed = ", ".join(f"`{n}()`" for n in names)
            where = f"{base.__module__}.{base.__qualname__}"
            return [_wrap(f"Inherited from `{where}`: {listed}."), ""]
    return []


def _render_class(
    cls: type, title: str, owner: str, heading: str = "###", public_init: bool = True
) -> list[str]:
    lines = [f"{heading} `{title}`", ""]
    constructor = _constructor(cls) if public_init else None
    if constructor is not None:
        lines += ["```python", *_call_lines(constructor), "```", ""]
    bases = _bases(cls)
    if bases:
        lines += [f"Bases: {bases}", ""]
    text = _clean(cls.__doc__)
    if text:
        lines += [text, ""]
    attributes = _instance_attributes(cls)
    if attributes:
        lines += [_wrap(f"Attributes set by the constructor: {', '.join(attributes)}."), ""]
    lines += _inherited(cls)
    for name, value in _members(cls):
        lines += _render_member(cls, owner, name, value)
    return lines


def _render_function(func: Callable[..., Any], title: str) -> list[str]:
    lines = [*_heading("", f"{title}{_signature(func, False)}"), ""]
    text = _clean(func.__doc__)
    if text:
        lines += [text, ""]
    return lines


def _render_constant(module: str, name: str, shown: str | None = None) -> list[str]:
    value = getattr(importlib.import_module(module), name)
    lines = [f"#### `{module}.{name}`", "", f"Value: `{shown or repr(value)}`", ""]
    doc = _attribute_docs(module).get(name)
    if doc:
        text = _clean(doc)
        lines += [_wrap(text) if "\n" not in text else text, ""]
    return lines


# -- sections --------------------------------------------------------------------------------------


def _volume_section() -> list[str]:
    from gpath.volume import Volume

    lines = [
        "## Layer 1: `Volume`, `File`, `Dir`, `DirEntry`",
        "",
        "The API of libgfapi-python 1.2 (`from gluster import gfapi`) on Python 3, with the "
        "differences listed in [migrating.md](migrating.md).",
        "",
    ]
    lines += _render_class(Volume, "gpath.Volume", "vol")
    lines += _render_constant("gpath.volume", "DEFAULT_MOUNT_TIMEOUT")
    lines += _mount_state_section()
    return lines


def _mount_state_section() -> list[str]:
    from gpath import MountState

    lines = ["### `gpath.MountState`", "", _clean(MountState.__doc__), ""]
    lines += [f"- `MountState.{state.name}`: {state.value}" for state in MountState]
    return [*lines, ""]


def _logging_section() -> list[str]:
    from gpath import _logsettings as settings

    by_number: dict[int, list[str]] = {}
    for name, number in settings.LEVELS.items():
        by_number.setdefault(number, []).append(f"`{name}`")
    rows = [f"| {number} | {', '.join(names)} |" for number, names in sorted(by_number.items())]
    return [
        "## Logging",
        "",
        "libgfapi writes its own log; gpath only chooses where and how much. "
        "`Volume(log_file=..., log_level=...)` sets both before mounting, "
        "`vol.set_logging()` changes them at any time and `vol.disable_logging()` sends the "
        "log nowhere.",
        "",
        f"* Log file: `{settings.DEFAULT_FILE}` unless given (the log is discarded). "
        "`None` lets libgfapi choose (a file under /var/log/glusterfs), `\"-\"` is "
        "standard error. Any other file must be in a directory that exists: libgfapi "
        "would create missing directories (and a directory named after a bare file name), "
        "so gpath raises `FileNotFoundError` or `NotADirectoryError` instead.",
        f"* Log level: a number from 0 to 9, or a name in any case; {settings.DEFAULT_LEVEL} "
        "unless given. `vol.log_level` always holds the number.",
        f"* Environment: when the constructor is not given `log_file`, `${settings.FILE_ENV}` "
        f"supplies it; when it is not given `log_level`, `${settings.LEVEL_ENV}` (a number or "
        "a name) does. An empty variable counts as unset; an unknown level name in "
        "the variable raises `ValueError` from the constructor. Explicit arguments always "
        "win. Paths that mount by themselves (unpickled, or from `GlusterPath.from_uri`) "
        "use the variables too.",
        "",
        "| level | names |",
        "| --- | --- |",
        *rows,
        "",
    ]


def _file_section() -> list[str]:
    from gpath import dir as dir_module
    from gpath import file as file_module

    lines = _render_class(file_module.File, "gpath.File", "f")
    lines += _render_class(file_module.Glfd, "gpath.Glfd", "fd")
    # Only gpath builds these two (from Volume.opendir() and Volume.scandir()).
    lines += _render_class(dir_module.Dir, "gpath.Dir", "d", public_init=False)
    lines += _render_class(dir_module.Dirent, "gpath.Dirent", "dirent")
    lines += _render_class(dir_module.DirEntry, "gpath.DirEntry", "entry")
    lines += _render_class(
        dir_module.ScandirIterator, "gpath.ScandirIterator", "it", public_init=False
    )
    return lines


def _errors_section() -> list[str]:
    from gpath import errors

    lines = ["## Exceptions", "", _clean(errors.__doc__), ""]
    lines += [
        "Arguments are checked before anything reaches libgfapi: a wrong type raises "
        "`TypeError`, a bad value (an embedded NUL byte, an unknown mode string, a negative "
        "size) `ValueError`, an offset beyond 64 bits `OverflowError`. A mount that does not "
        "finish within the Volume's `timeout` raises `TimeoutError`. What the volume cannot "
        "do raises `gpath.UnsupportedOperation`, never a silent no-op.",
        "",
    ]
    for name in ("LibgfapiException", "VolumeNotMounted", "ClosedError",
                 "InvalidArgumentError", "Error", "SameFileError"):  # fmt: skip
        cls = getattr(errors, name)
        public = f"gpath.{name}" if name != "InvalidArgumentError" else f"gpath.errors.{name}"
        lines += _render_class(cls, public, "exc")
    lines += [
        "### `gpath.UnsupportedOperation`",
        "",
        "The same class as `io.UnsupportedOperation` (an `OSError` and a `ValueError`): "
        "the volume or libgfapi cannot do what was asked, e.g. `lchmod()`, or `fileno()` "
        "of a File, which has no local file descriptor.",
        "",
    ]
    names = ", ".join(sorted(errno.errorcode[e] for e in errors.ABSENT_ERRNOS))
    lines += _render_constant("gpath.errors", "ABSENT_ERRNOS", f"frozenset({{{names}}})")
    lines += _render_function(errors.is_absent, "gpath.errors.is_absent")
    return lines


def _paths_section() -> list[str]:
    import gpath.path as path_module
    from gpath import _tree

    lines = [
        "## Layer 2: `GlusterPath`",
        "",
        _clean(path_module.__doc__),
        "",
        "Entry points on a Volume: `vol.root`, `vol.path(*segments)` and `vol / name` "
        "(see [`gpath.Volume`](#gpathvolume)).",
        "",
    ]
    lines += _render_class(path_module.GlusterPath, "gpath.GlusterPath", "p")
    lines += _render_class(path_module.GlusterPathInfo, "gpath.path.GlusterPathInfo", "p.info")
    lines += _render_class(path_module.XAttrs, "gpath.path.XAttrs", "p.xattrs")
    lines += _render_class(path_module.VolumeSpec, "gpath.path.VolumeSpec", "spec")
    lines += _render_class(path_module.DiskUsage, "gpath.path.DiskUsage", "usage")
    lines += [
        "#### `gpath.path.DEFAULT_WORKERS`",
        "",
        f"Value: `{path_module.DEFAULT_WORKERS}`",
        "",
        _clean(_tree.__doc__).split("\n\n")[0],
        "",
    ]
    return lines


class _OptionRecorder:
    """Stands in for pytest's parser to collect what the plugin's ``pytest_addoption`` adds."""

    def __init__(self) -> None:
        self.options: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def getgroup(self, name: str, description: str = "") -> _OptionRecorder:
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        self.options.append((names, attrs))


def _fixtures(module: str) -> Iterator[tuple[str, str, str, str]]:
    """``(name, scope, returns, doc)`` of the ``@pytest.fixture`` functions, from the source."""
    _, tree = _module_ast(module)
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            if ast.unparse(target) != "pytest.fixture":
                continue
            scope = "function"
            for keyword in call.keywords if call is not None else []:
                if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant):
                    scope = str(keyword.value.value)
            returns = ast.unparse(node.returns) if node.returns is not None else ""
            yield node.name, scope, returns, ast.get_docstring(node) or ""


def _testing_section() -> list[str]:
    from gpath.testing import pytest_plugin as plugin

    lines = [
        "## Testing: the pytest plugin",
        "",
        "`gpath.testing.pytest_plugin`, registered with pytest when gpath is installed "
        "(entry point `pytest11`).",
        "",
        _clean(plugin.__doc__),
        "",
        "### Command-line options",
        "",
    ]
    recorder = _OptionRecorder()
    plugin.pytest_addoption(recorder)  # type: ignore[arg-type]
    for names, attrs in recorder.options:
        metavar = attrs.get("metavar")
        shown = ", ".join(f"{n} {metavar}" if metavar else n for n in names)
        lines += [_wrap(f"* `{shown}`: {attrs.get('help', '')}", "  ")]
    lines.append("")
    environment = [
        (getattr(plugin, name), name) for name in ("ENV_VOLUME", "ENV_LOCAL", "ENV_REQUIRE")
        if hasattr(plugin, name)
    ]  # fmt: skip
    if environment:
        listed = ", ".join(f"`{value}` (`{name}`)" for value, name in environment)
        text = f"Environment variables (and the plugin's constants naming them): {listed}."
        lines += [_wrap(text), ""]
    lines += ["### Fixtures", ""]
    for name, scope, returns, doc in _fixtures(plugin.__name__):
        arrow = f" -> {returns}" if returns else ""
        lines += [f"#### `{name}{arrow}` *({scope} scope)*", ""]
        text = _clean(doc)
        if text:
            lines += [text, ""]
    lines += ["### Helpers", ""]
    for name in getattr(plugin, "__all__", []):
        value = getattr(plugin, name)
        if inspect.isclass(value):
            lines += _render_class(value, f"gpath.testing.pytest_plugin.{name}", "target", "####")
        elif inspect.isfunction(value):
            lines += _render_function(value, f"gpath.testing.pytest_plugin.{name}")
        else:
            lines += [f"#### `gpath.testing.pytest_plugin.{name}`", "", f"Value: `{value!r}`", ""]
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = heading.lstrip("#").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def render() -> str:
    """The whole of docs/api.md."""
    body: list[str] = []
    body += _volume_section()
    body += _logging_section()
    body += ["## Files and directories", ""]
    body += _file_section()
    body += _errors_section()
    body += _paths_section()
    body += _testing_section()
    contents = []
    for line in body:
        if line.startswith(("## ", "### ")):
            indent = "  " if line.startswith("### ") else ""
            title = line.lstrip("#").strip()
            contents.append(f"{indent}* [{title}](#{_slug(line)})")
    lines = [
        "# gpath API reference",
        "",
        "<!-- Generated by docs/gen_api.py from the docstrings; do not edit by hand. -->",
        "",
        _clean(importlib.import_module("gpath").__doc__).split("\n\n")[0],
        "",
        "See also: [the tutorial](tutorial/), [differences from pathlib]"
        "(pathlib-differences.md), [guarantees](guarantees.md), [migrating from "
        "libgfapi-python](migrating.md).",
        "",
        *contents,
        "",
        *body,
    ]
    text = "\n".join(_fit("\n".join(lines).split("\n")))
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def _fit(lines: list[str]) -> Iterator[str]:
    """Wrap prose lines longer than :data:`WIDTH` (not code, headings or table rows)."""
    in_code = False
    for line in lines:
        line = line.rstrip()
        if line.startswith("```"):
            in_code = not in_code
        if in_code or len(line) <= WIDTH or line.startswith(("#", "|")):
            yield line
            continue
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        yield _wrap(line, indent + ("  " if stripped.startswith("* ") else ""))


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
