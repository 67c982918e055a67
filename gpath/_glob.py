"""Glob patterns with the semantics of ``pathlib`` in Python 3.13+, written for gpath.

Python 3.11/3.12 have neither ``glob.translate()`` nor the 3.13 selector, so both live here:

* :func:`translate_name` turns one pattern segment into a regex (``*``, ``?``, ``[...]``,
  ``[!...]`` as in ``fnmatch``; wildcards never match ``/`` and do match a leading dot);
* :func:`translate` turns a whole pattern into a path regex (``**`` spans segments), used by
  ``full_match()`` and by the recursive selector;
* :class:`Selector` walks a volume with readdirplus listings, yielding each match with the
  :class:`~gpath._pathinfo.GlusterPathInfo` that the listing seeded, so results cost no
  further round trip.

Semantics (those of ``pathlib.Path.glob`` in 3.13/3.14): patterns are relative; ``**`` as a
whole segment matches any number of segments including none, and a trailing ``**`` yields
files as well as directories; a trailing ``/`` selects directories only; hidden names are
matched; ``..`` segments are kept literally; ``**`` does not descend into symlinks to
directories unless ``recurse_symlinks=True``.

With ``recurse_symlinks=True`` a symlink loop ends the descent where pathlib's would go round
it: ``**`` does not enter a directory (by ``st_dev``/``st_ino``) that is already on the chain
of directories it descended from its start, and follows at most 40 symlinked directories on
one chain, a symlink past those counting as a file (Linux's ``ELOOP`` limit, at which pathlib
stops on local disk).  Such a symlink is still yielded when it matches; only its contents are
not.  pathlib instead goes round a loop until the path holds 40 symlinks, yielding every
round's entries again (``d/self/f``, ``d/self/self/f``...); on a volume it would go round far
longer, as libgfapi follows nested symlinks up to ``PATH_MAX`` instead of 40.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from gpath._limits import SYMLOOP_MAX
from gpath._pathinfo import GlusterPathInfo
from gpath.dir import ListingPrefetcher, read_listing
from gpath.errors import is_passed_over

if TYPE_CHECKING:
    from gpath.volume import Volume

_MAGIC = re.compile(r"[*?[]")
_SPECIAL = ("", ".", "..")

# A directory's identity: (st_dev, st_ino), or None if it could not be found out.
DirId = tuple[int, int] | None

# A match function: (string, start position) -> match or None.
Matcher = Callable[[str, int], "re.Match[str] | None"]


def is_literal(part: str) -> bool:
    """True if *part* has no wildcard characters."""
    return _MAGIC.search(part) is None


def translate_name(pat: str) -> str:
    """Regex source for one path segment *pat* (no ``/``), without anchors.

    Follows ``fnmatch``: ``*`` is any run of characters, ``?`` one character, ``[seq]`` a
    character set (``[!seq]`` its complement; ``]`` first is literal; ``a-z`` ranges; a
    ``[`` without its ``]`` is literal).  ``*`` and ``?`` never match ``/``.
    """
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        i += 1
        if c == "*":
            if not out or out[-1] != "[^/]*":
                out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i
            if j < n and pat[j] == "!":
                j += 1
            if j < n and pat[j] == "]":
                j += 1
            while j < n and pat[j] != "]":
                j += 1
            if j >= n:
                out.append("\\[")
                continue
            out.append(_char_class(pat[i:j]))
            i = j + 1
        else:
            out.append(re.escape(c))
    return "".join(out)


def _char_class(body: str) -> str:
    """Regex for the inside of ``[...]`` (given without the brackets)."""
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    # Split into single characters and ranges; drop empty ranges (z-a) like fnmatch does.
    items: list[str] = []
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            lo, hi = body[k], body[k + 2]
            if lo <= hi:
                items.append(_class_char(lo) + "-" + _class_char(hi))
            k += 3
        else:
            items.append(_class_char(body[k]))
            k += 1
    if not items:
        # "[!]" and friends: fnmatch gives "any character" for a negated empty set and
        # "never" for an empty one.
        return "[^/]" if negate else "(?!)"
    inner = "".join(items)
    if negate:
        return f"[^/{inner}]"
    return f"[{inner}]"


def _class_char(c: str) -> str:
    if c in "\\]^-[&~|":
        return "\\" + c
    return c


def translate(pat: str) -> str:
    """Regex source (anchored at the end) for the whole pattern *pat*.

    ``**`` as a whole segment matches any number of segments, ``*`` as a whole segment one
    non-empty segment; empty segments (from a leading ``/``) stand for the separator.
    """
    parts = pat.split("/")
    last = len(parts) - 1
    out: list[str] = []
    for idx, part in enumerate(parts):
        if part == "*":
            out.append("[^/]+/" if idx < last else "[^/]+")
        elif part == "**":
            if idx < last:
                if parts[idx + 1] != "**":
                    out.append("(?:.+/)?")
            else:
                out.append(".*")
        else:
            if part:
                out.append(translate_name(part))
            if idx < last:
                out.append("/")
    return "(?s:" + "".join(out) + r")\Z"


@functools.lru_cache(maxsize=512)
def compile_pattern(pat: str, case_sensitive: bool) -> Matcher:
    """Compiled :func:`translate` of *pat*; call as ``match(path, start)``."""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(translate(pat), flags).match


@functools.lru_cache(maxsize=512)
def compile_name(pat: str, case_sensitive: bool) -> Callable[[str], re.Match[str] | None]:
    """Compiled matcher of one name against the segment pattern *pat*."""
    flags = 0 if case_sensitive else re.IGNORECASE
    if pat == "*":
        source = "[^/]+"
    else:
        source = translate_name(pat)
    return re.compile("(?s:" + source + r")\Z", flags).match


def parse_pattern(pattern: str | os.PathLike[str]) -> list[str]:
    """Split a glob pattern into segments like pathlib 3.13+.

    :raises TypeError: *pattern* is not a str or os.PathLike.
    :raises NotImplementedError: the pattern is absolute (pathlib's behaviour).
    :raises ValueError: the pattern is empty (``""``, ``"."``).
    """
    raw = os.fspath(pattern)
    if not isinstance(raw, str):
        raise TypeError(f"pattern must be str or os.PathLike[str], not {type(pattern).__name__}")
    if raw.startswith("/"):
        raise NotImplementedError("Non-relative patterns are unsupported")
    parts = [x for x in raw.split("/") if x and x != "."]
    if not parts:
        raise ValueError(f"Unacceptable pattern: {raw!r}")
    if raw.endswith("/"):
        parts.append("")  # a trailing slash selects directories only
    return parts


class Info(Protocol):
    """What globbing asks of a path's info (``pathlib.types.PathInfo``, and ``stat()``)."""

    def is_dir(self, *, follow_symlinks: bool = True) -> bool: ...
    def is_symlink(self) -> bool: ...
    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result: ...


class GlobFS(Protocol):
    """The file system a :class:`Selector` globs: a Volume (:class:`VolumeGlobFS`), or
    local disk in the tests, so that the selector's logic is checked against pathlib's."""

    def list_dir(self, path: str) -> list[tuple[str, Info]]:
        """``(name, info)`` of each entry of directory *path* (``path + name`` is its path)."""
        ...

    def info(self, path: str, lstat: os.stat_result | None = None) -> Info: ...
    def stat(self, path: str) -> os.stat_result: ...
    def lstat(self, path: str) -> os.stat_result: ...


class VolumeGlobFS:
    """A Volume as :class:`GlobFS`: readdirplus listings that seed each entry's info."""

    def __init__(self, vol: Volume) -> None:
        self.vol = vol
        self.stat = vol.stat
        self.lstat = vol.lstat

    def list_dir(self, path: str) -> list[tuple[str, Info]]:
        vol, seed = self.vol, GlusterPathInfo._from_listing
        return [
            (name, seed(vol, path + name, mode, raw)) for name, mode, raw in read_listing(vol, path)
        ]

    def info(self, path: str, lstat: os.stat_result | None = None) -> Info:
        return GlusterPathInfo(self.vol, path, lstat)


# An entry found while globbing: (path string, info or None if not known to exist).
Found = tuple[str, "Info | None"]


class Selector:
    """pathlib 3.13's glob selector over a :class:`GlobFS` (a Volume's readdirplus listings).

    Paths are in-volume path strings; directories carry a trailing ``/`` while the
    selector works, exactly like CPython's string globber.
    """

    def __init__(
        self,
        fs: GlobFS,
        case_sensitive: bool,
        case_pedantic: bool,
        recurse_symlinks: bool,
    ) -> None:
        self.fs = fs
        self.case_sensitive = case_sensitive
        self.case_pedantic = case_pedantic
        self.recurse_symlinks = recurse_symlinks

    # -- file system access ------------------------------------------------------------------

    def scandir(
        self, path: str, listings: ListingPrefetcher[list[tuple[str, Info]]] | None = None
    ) -> list[tuple[str, str, Info]]:
        """(name, path, info) for each entry of directory *path* (which ends in ``/``),
        through *listings* if given."""
        listing = self.fs.list_dir(path) if listings is None else listings.get(path)
        return [(name, path + name, info) for name, info in listing]

    def entries(
        self, path: str, listings: ListingPrefetcher[list[tuple[str, Info]]] | None = None
    ) -> list[tuple[str, str, Info]]:
        """:meth:`scandir`, or nothing for a directory that is gone or may not be read."""
        try:
            return self.scandir(path, listings)
        except (OSError, ValueError) as exc:
            if not is_passed_over(exc):
                raise
            return []

    def lstat_info(self, path: str) -> Info | None:
        """Info for *path* if it exists; a trailing ``/`` requires a directory (or a
        symlink to one), as POSIX path resolution does."""
        if len(path) > 1 and path.endswith("/"):
            info = self.fs.info(path.rstrip("/") or "/")
            return info if info.is_dir() else None
        try:
            st = self.fs.lstat(path)
        except (OSError, ValueError) as exc:
            if not is_passed_over(exc):
                raise
            return None
        return self.fs.info(path, st)

    # -- building selectors ----------------------------------------------------------------

    def selector(self, parts: list[str]) -> Callable[[str, Info | None, bool], Iterator[Found]]:
        """A function selecting matches of *parts* (reversed: the next part is last)."""
        if not parts:
            return self.select_exists
        part = parts.pop()
        if part == "**":
            return self.recursive_selector(part, parts)
        if part in _SPECIAL:
            return self.special_selector(part, parts)
        if not self.case_pedantic and is_literal(part):
            return self.literal_selector(part, parts)
        return self.wildcard_selector(part, parts)

    def special_selector(
        self, part: str, parts: list[str]
    ) -> Callable[[str, Info | None, bool], Iterator[Found]]:
        select_next = self.selector(parts)

        def select_special(path: str, info: Info | None, exists: bool) -> Iterator[Found]:
            new = _add_slash(path) + part
            return select_next(new, info if part == "" else None, exists)

        return select_special

    def literal_selector(
        self, part: str, parts: list[str]
    ) -> Callable[[str, Info | None, bool], Iterator[Found]]:
        while parts and is_literal(parts[-1]):
            part += "/" + parts.pop()
        select_next = self.selector(parts)

        def select_literal(path: str, info: Info | None, exists: bool) -> Iterator[Found]:
            return select_next(_add_slash(path) + part, None, False)

        return select_literal

    def wildcard_selector(
        self, part: str, parts: list[str]
    ) -> Callable[[str, Info | None, bool], Iterator[Found]]:
        match = None if part == "*" else compile_name(part, self.case_sensitive)
        dir_only = bool(parts)
        select_next = self.selector(parts) if dir_only else None

        def select_wildcard(path: str, info: Info | None, exists: bool) -> Iterator[Found]:
            entries = self.entries(_add_slash(path))
            for name, entry_path, entry_info in entries:
                if match is not None and match(name) is None:
                    continue
                if select_next is not None:
                    if not entry_info.is_dir():
                        continue
                    yield from select_next(entry_path, entry_info, True)
                else:
                    yield entry_path, entry_info

        return select_wildcard

    def recursive_selector(
        self, part: str, parts: list[str]
    ) -> Callable[[str, Info | None, bool], Iterator[Found]]:
        while parts and parts[-1] == "**":
            parts.pop()
        follow = self.recurse_symlinks
        # With recurse_symlinks CPython folds the following plain segments into the regex
        # that filters the walk.  Without it, folding is only equivalent for one final
        # segment ("**/*.py"): then it spares a second listing (or an lstat) per directory.
        only_last = len(parts) == 1 and parts[0] not in _SPECIAL and parts[0] != "**"
        folded = follow or only_last
        if folded:
            while parts and parts[-1] not in _SPECIAL:
                part += "/" + parts.pop()
        match = None if part == "**" else compile_pattern(part, self.case_sensitive)
        dir_only = bool(parts)
        select_next = self.selector(parts)
        skip_start = folded and not follow  # the unfolded form never yields the start dir

        def select_recursive(path: str, info: Info | None, exists: bool) -> Iterator[Found]:
            path = _add_slash(path)
            match_pos = len(path)
            if not skip_start and (match is None or match(path, match_pos)):
                yield from select_next(path, info, exists)
            if follow:
                yield from select_following(path, info, match_pos)
                return
            stack = [path]
            listings = ListingPrefetcher(self.fs.list_dir)
            try:
                while stack:
                    directory = stack.pop()
                    entries = self.entries(directory, listings)
                    for _name, entry_path, entry_info in entries:
                        is_dir = entry_info.is_dir(follow_symlinks=False)
                        if is_dir or not dir_only:
                            if match is None or match(entry_path, match_pos):
                                if dir_only:
                                    yield from select_next(entry_path, entry_info, True)
                                else:
                                    yield entry_path, entry_info
                            if is_dir:
                                stack.append(entry_path + "/")
                    listings.ahead(stack[-ListingPrefetcher.WINDOW :])  # listed meanwhile
            finally:
                listings.close()

        def select_following(path: str, info: Info | None, match_pos: int) -> Iterator[Found]:
            # Each pending directory carries its chain's identities and symlink count.
            start = self.dir_id(path, info)
            stack = [(path, frozenset([start]) if start else frozenset(), 0)]
            while stack:
                directory, chain, links = stack.pop()
                entries = self.entries(directory)
                for _name, entry_path, entry_info in entries:
                    is_link = entry_info.is_symlink()
                    # Past the limit, Linux's stat fails with ELOOP: pathlib sees no directory.
                    is_dir = entry_info.is_dir() and not (is_link and links >= SYMLOOP_MAX)
                    if is_dir or not dir_only:
                        if match is None or match(entry_path, match_pos):
                            if dir_only:
                                yield from select_next(entry_path, entry_info, True)
                            else:
                                yield entry_path, entry_info
                    if is_dir:
                        ident = _stat_id(entry_info)
                        if ident is None or ident not in chain:
                            below = chain | {ident} if ident else chain
                            stack.append((entry_path + "/", below, links + is_link))

        return select_recursive

    def dir_id(self, path: str, info: Info | None) -> DirId:
        """The identity of directory *path* (a symlink followed), from *info* if given."""
        if info is not None:
            return _stat_id(info)
        try:
            st = self.fs.stat(path.rstrip("/") or "/")
        except (OSError, ValueError) as exc:
            if not is_passed_over(exc):
                raise
            return None
        return st.st_dev, st.st_ino

    def select_exists(self, path: str, info: Info | None, exists: bool) -> Iterator[Found]:
        if exists:
            yield path, info
            return
        found = self.lstat_info(path)
        if found is not None:
            yield path, found


def _stat_id(info: Info) -> DirId:
    """(st_dev, st_ino) of what *info*'s path leads to; None if it cannot be stat'ed."""
    try:
        st = info.stat()
    except (OSError, ValueError) as exc:
        if not is_passed_over(exc):
            raise
        return None
    return st.st_dev, st.st_ino


def _add_slash(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def glob(
    fs: GlobFS,
    root: str,
    pattern: str | os.PathLike[str],
    case_sensitive: bool | None,
    recurse_symlinks: bool,
) -> Iterator[Found]:
    """Return an iterator of ``(path, info)`` for each match of *pattern* under *root*.

    The pattern is checked at once (errors are raised by the call, as in pathlib); the
    file system is read lazily.  *info* is seeded from the listing (or the final lstat);
    it is ``None`` only for paths whose existence is implied (``..`` segments).
    """
    parts = parse_pattern(pattern)
    if case_sensitive is None:
        case_sensitive, case_pedantic = True, False
    else:
        case_pedantic = True
    selector = Selector(fs, case_sensitive, case_pedantic, recurse_symlinks)
    select = selector.selector(parts[::-1])
    results = select(_add_slash(root), None, False)
    if parts[-1] == "":
        return ((path[:-1] if len(path) > 1 else path, info) for path, info in results)
    if parts[-1] == "**":
        return _strip_trailing_slash(results)
    return results


def _strip_trailing_slash(results: Iterator[Found]) -> Iterator[Found]:
    for path, info in results:
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        yield path, info
