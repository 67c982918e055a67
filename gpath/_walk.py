"""The one tree walk behind ``Volume.walk`` (``os.walk``'s shape) and ``GlusterPath.walk``.

The walk is iterative (deep trees cannot exhaust the recursion limit), lists each directory
once, and takes the listings through a :class:`~gpath.dir.ListingPrefetcher`, so the
directories it visits next are listed meanwhile.  What differs between the two front ends
is given as functions: how a directory is named and listed, how an entry is classified, and
what a listing failure does.  libgfapi follows symlinks far past Linux's ELOOP limit, so
when symlinks are followed a loop is cut by identity: a directory already among the
current one's ancestors is listed but not entered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from gpath.dir import ListingPrefetcher

_Dir = TypeVar("_Dir")  # how the front end names a directory (str, bytes, GlusterPath)
_Entry = TypeVar("_Entry")  # one entry of a listing, as the front end lists it

#: ``(st_dev, st_ino)`` of a directory, or None where it cannot be known.
DirId = tuple[int, int] | None
#: What a front end tells of one entry: its name, whether the walk counts it a directory,
#: its identity (looked up only when symlinks are followed), and the entry as a directory
#: to walk into (None: made with ``join`` if the walk goes there).
Classified = tuple[Any, bool, DirId, Any]


def walk(
    top: _Dir,
    top_id: DirId,
    listings: ListingPrefetcher[list[_Entry]],
    key: Callable[[_Dir], Any],
    classify: Callable[[_Dir, _Entry], Classified],
    join: Callable[[_Dir, Any], _Dir],
    top_down: bool,
    on_error: Callable[[OSError], object],
    follow_symlinks: bool,
) -> Iterator[tuple[_Dir, list[Any], list[Any]]]:
    """Yield ``(directory, dirnames, filenames)`` for *top* and every directory below it.

    ``listings.get(key(directory))`` lists a directory; a failure goes to
    ``on_error(exc)`` (which may raise) and the directory is left out.  Top-down, the
    caller may prune or extend *dirnames* in place before the walk goes on.  *top_id* is
    *top*'s identity when *follow_symlinks*, for the loop check.
    """
    window = ListingPrefetcher.WINDOW
    stack: list[Any] = [(top, frozenset([top_id]) if top_id else frozenset())]
    try:
        while stack:
            item = stack.pop()
            if len(item) == 3:  # bottom-up: emitted after its children
                yield item
                continue
            directory, ancestors = item
            try:
                entries = listings.get(key(directory))
            except OSError as exc:
                on_error(exc)
                continue
            dirnames: list[Any] = []
            filenames: list[Any] = []
            subdirs: dict[Any, tuple[Any, DirId]] = {}
            for entry in entries:
                name, is_dir, ident, child = classify(directory, entry)
                if is_dir:
                    dirnames.append(name)
                    subdirs[name] = (child, ident)
                else:
                    filenames.append(name)
            if top_down:
                yield directory, dirnames, filenames
            else:
                stack.append((directory, dirnames, filenames))
            for name in reversed(dirnames):
                child, ident = subdirs.get(name, (None, None))  # absent: added by the caller
                if follow_symlinks and ident is not None and ident in ancestors:
                    continue  # a link back up the tree: listed, not entered
                below = ancestors | {ident} if ident is not None else ancestors
                stack.append((join(directory, name) if child is None else child, below))
            # the directories popped next, listed meanwhile
            listings.ahead(key(item[0]) for item in stack[-window:] if len(item) == 2)
    finally:
        listings.close()
