"""How the command line prints sizes, listings, stat results and JSON."""

from __future__ import annotations

import datetime
import grp
import json
import math
import os
import pwd
import stat as stat_module
import sys
import time
import urllib.parse
from typing import Any

_TYPES = (
    (stat_module.S_ISREG, "file", "regular file"),
    (stat_module.S_ISDIR, "directory", "directory"),
    (stat_module.S_ISLNK, "symlink", "symbolic link"),
    (stat_module.S_ISFIFO, "fifo", "fifo"),
    (stat_module.S_ISSOCK, "socket", "socket"),
    (stat_module.S_ISCHR, "char", "character special file"),
    (stat_module.S_ISBLK, "block", "block special file"),
)


def file_type(mode: int, long: bool = False) -> str:
    """``file``, ``directory``, ``symlink``... (coreutils' wording with *long*)."""
    for test, short, words in _TYPES:
        if test(mode):
            return words if long else short
    return "unknown"


def human(n: float) -> str:
    """Sizes as ``ls -h``/``du -h`` print them: 1024-based, rounded up, ``4.0K``, ``12M``."""
    if n < 1024:
        return str(int(n))
    for unit in "KMGTPE":
        n /= 1024
        if n < 1024 or unit == "E":
            if n < 10:
                return f"{math.ceil(n * 10) / 10:.1f}{unit}"
            return f"{math.ceil(n)}{unit}"
    raise AssertionError("unreachable")


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def ls_time(mtime: float, now: float) -> str:
    """``Dec  7 18:01`` within six months, else ``Dec  7  2025`` (as ls)."""
    t = time.localtime(mtime)
    if abs(now - mtime) < 182.5 * 86400:
        return time.strftime("%b %e %H:%M", t)
    return time.strftime("%b %e  %Y", t)


def long_lines(rows: list[tuple[str, os.stat_result, str | None]], human_sizes: bool) -> list[str]:
    """``ls -l`` lines for (name, lstat, symlink target) rows, columns aligned."""
    now = time.time()
    cells = []
    for name, st, target in rows:
        size = human(st.st_size) if human_sizes else str(st.st_size)
        shown = name if target is None else f"{name} -> {target}"
        cells.append(
            (
                stat_module.filemode(st.st_mode),
                str(st.st_nlink),
                user_name(st.st_uid),
                group_name(st.st_gid),
                size,
                ls_time(st.st_mtime, now),
                shown,
            )
        )
    if not cells:
        return []
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    return [
        f"{r[0]} {r[1]:>{widths[1]}} {r[2]:<{widths[2]}} {r[3]:<{widths[3]}} "
        f"{r[4]:>{widths[4]}} {r[5]} {r[6]}"
        for r in cells
    ]


def stat_dict(url: str, st: os.stat_result, target: str | None = None) -> dict[str, Any]:
    """A stat result as JSON-ready fields."""
    out: dict[str, Any] = {
        "url": url,
        "name": urllib.parse.unquote(url.rstrip("/").rsplit("/", 1)[-1]),
        "type": file_type(st.st_mode),
        "size": st.st_size,
        "mode": stat_module.S_IMODE(st.st_mode),
        "permissions": stat_module.filemode(st.st_mode),
        "nlink": st.st_nlink,
        "uid": st.st_uid,
        "gid": st.st_gid,
        "inode": st.st_ino,
        "blocks": st.st_blocks,
        "atime": st.st_atime,
        "mtime": st.st_mtime,
        "ctime": st.st_ctime,
        "atime_ns": st.st_atime_ns,
        "mtime_ns": st.st_mtime_ns,
        "ctime_ns": st.st_ctime_ns,
    }
    if target is not None:
        out["target"] = target
    return out


def _stamp(ns: int) -> str:
    dt = datetime.datetime.fromtimestamp(ns / 1e9).astimezone()
    return dt.strftime("%Y-%m-%d %H:%M:%S.") + f"{ns % 1_000_000_000:09d}" + dt.strftime(" %z")


def stat_text(shown: str, st: os.stat_result, target: str | None) -> str:
    """What coreutils' ``stat`` prints for one file."""
    name = f"'{shown}'" if target is None else f"'{shown}' -> '{target}'"
    mode = stat_module.S_IMODE(st.st_mode)
    return (
        f"  File: {name}\n"
        f"  Size: {st.st_size:<15} Blocks: {st.st_blocks:<10} IO Block: {st.st_blksize:<6} "
        f"{file_type(st.st_mode, long=True)}\n"
        f"Device: {st.st_dev:x}h/{st.st_dev}d\tInode: {st.st_ino:<11} Links: {st.st_nlink}\n"
        f"Access: ({mode:04o}/{stat_module.filemode(st.st_mode)})  "
        f"Uid: ({st.st_uid:5}/{user_name(st.st_uid):>8})   "
        f"Gid: ({st.st_gid:5}/{group_name(st.st_gid):>8})\n"
        f"Access: {_stamp(st.st_atime_ns)}\n"
        f"Modify: {_stamp(st.st_mtime_ns)}\n"
        f"Change: {_stamp(st.st_ctime_ns)}"
    )


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def columns(rows: list[list[str]], right: set[int]) -> list[str]:
    """Rows of cells as aligned text (the columns in *right* right-aligned)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append(" ".join(cells).rstrip())
    return lines


def parse_size(text: str) -> int:
    """``truncate -s`` sizes: a number with an optional K, M, G, T (1024) or KB, MB... (1000)."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50}
    raw = text.strip()
    digits = raw.rstrip("KMGTPBkmgtpbiI")
    suffix = raw[len(digits) :].upper()
    if not digits.isdigit():
        raise ValueError(f"invalid size: '{text}'")
    if suffix.endswith("IB"):
        suffix = suffix[:-2]
    decimal = suffix.endswith("B") and len(suffix) == 2
    unit = suffix[:-1] if decimal else suffix
    if unit not in units:
        raise ValueError(f"invalid size: '{text}'")
    factor = 1000 ** "KMGTP".index(unit) * 1000 if decimal else units[unit]
    return int(digits) * factor
