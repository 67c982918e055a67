"""Parsing of ``open()``-style mode strings into open(2) flags (pure logic, no I/O)."""

from __future__ import annotations

import os

import attrs


@attrs.frozen
class OpenMode:
    """What a mode string such as ``"rb+"`` asks for."""

    flags: int
    readable: bool
    writable: bool
    append: bool
    binary: bool
    text: bool


_ACCESS = {
    "r": os.O_RDONLY,
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


# Modes already parsed: parse_mode() runs on every open, and there are few distinct modes.
_PARSED: dict[str, OpenMode] = {}


def parse_mode(mode: object) -> OpenMode:
    """Parse *mode* with the grammar of the built-in ``open()``.

    Exactly one of ``r w a x``, optionally ``+``, and at most one of ``b``/``t``, each
    character at most once.  Raises ``TypeError`` for a non-str and ``ValueError`` otherwise.
    """
    if mode.__class__ is str:
        known = _PARSED.get(mode)
        if known is not None:
            return known
    if not isinstance(mode, str):
        raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
    if not mode or len(set(mode)) != len(mode) or set(mode) - set("rwaxb+t"):
        raise ValueError(f"invalid mode: {mode!r}")
    kinds = [c for c in mode if c in _ACCESS]
    if len(kinds) != 1:
        raise ValueError(
            f"invalid mode: {mode!r} (must have exactly one of create/read/write/append mode)"
        )
    binary, text = "b" in mode, "t" in mode
    if binary and text:
        raise ValueError("can't have text and binary mode at once")
    kind = kinds[0]
    flags = _ACCESS[kind]
    plus = "+" in mode
    if plus:
        flags = (flags & ~os.O_ACCMODE) | os.O_RDWR
    parsed = OpenMode(
        flags=flags,
        readable=kind == "r" or plus,
        writable=kind != "r" or plus,
        append=kind == "a",
        binary=binary,
        text=not binary,
    )
    if mode.__class__ is str:  # (not a str subclass: its hash or eq may be overridden)
        _PARSED[mode] = parsed  # valid modes are a few hundred permutations at most
    return parsed


def flags_access(flags: int) -> tuple[bool, bool]:
    """(readable, writable) for open(2) *flags*."""
    access = flags & os.O_ACCMODE
    return access in (os.O_RDONLY, os.O_RDWR), access in (os.O_WRONLY, os.O_RDWR)
