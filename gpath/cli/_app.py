"""The ``gpath`` command: coreutils-style subcommands for ``gluster://`` URLs (click)."""

from __future__ import annotations

import fnmatch
import functools
import os
import posixpath
import shutil
import stat as stat_module
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gpath.cli import _format
from gpath.cli._targets import (
    ENV_URL,
    Local,
    Remote,
    Target,
    VolumeOptions,
    any_target,
    parse_xlator_option,
    remote,
)
from gpath.cli._transfer import (
    Meter,
    Reporter,
    Sync,
    Transfer,
    copy_stdin,
    copy_stdout,
    describe,
    remove,
    tree_totals,
    walk,
)
from gpath.path import DEFAULT_WORKERS

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_JOBS = DEFAULT_WORKERS  # the tree engine's own default


class State:
    """Per-invocation settings and the error status of one command."""

    def __init__(self) -> None:
        self.options = VolumeOptions()
        self.progress: bool | None = None
        self.reporter = Reporter()

    def remote(self, arg: str) -> Remote:
        return remote(arg, self.options)

    def any(self, arg: str) -> Target:
        return any_target(arg, self.options)

    def meter(self, description: str) -> Meter:
        show = self.progress if self.progress is not None else sys.stderr.isatty()
        return Meter(show, description)

    def finish(self) -> None:
        if self.reporter.failed:
            sys.exit(1)


def _state() -> State:
    ctx = click.get_current_context()
    state = ctx.find_object(State)
    if state is None:
        state = ctx.ensure_object(State)
    return state


def _set_xlator(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> None:
    for text in values:
        key, value = parse_xlator_option(text)
        _state().options.xlator_options[key] = value


def _setter(attr: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is not None:
            setattr(_state().options, attr, value)

    return callback


def _set_progress(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    if value is not None:
        _state().progress = value


def volume_options(f: F) -> F:
    """The options every subcommand takes: how to reach the volume."""
    decorators = [
        click.option(
            "-o",
            "--option",
            "xlator",
            multiple=True,
            metavar="[XLATOR:]KEY=VALUE",
            expose_value=False,
            callback=_set_xlator,
            help="Client translator option, e.g. transport.socket.ssl-own-cert=/etc/ssl/me.pem "
            "(XLATOR defaults to *-client-*).",
        ),
        click.option(
            "--port",
            type=click.IntRange(1, 65535),
            expose_value=False,
            callback=_setter("port"),
            help="glusterd's port (default 24007, or the URL's).",
        ),
        click.option(
            "--transport",
            type=click.Choice(["tcp", "rdma", "unix"]),
            expose_value=False,
            callback=_setter("transport"),
            help="Transport to glusterd (default: the URL's scheme).",
        ),
        click.option(
            "--timeout",
            type=float,
            expose_value=False,
            callback=_setter("timeout"),
            help="Seconds to wait for the volume (default 30; 0 waits for ever).",
        ),
        click.option(
            "--log-level",
            metavar="LEVEL",
            expose_value=False,
            callback=_setter("log_level"),
            help="libgfapi's log level, 0-9 or a name (default $GPATH_LOG_LEVEL or INFO).",
        ),
        click.option(
            "--log-file",
            metavar="PATH",
            expose_value=False,
            callback=_setter("log_file"),
            help="libgfapi's log file ('-' for stderr; default $GPATH_LOG_FILE or none).",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def _volume_params() -> list[click.Parameter]:
    """Fresh instances of the volume options, in their order."""

    def holder() -> None:
        pass

    volume_options(holder)
    return list(reversed(holder.__click_params__))  # type: ignore[attr-defined]


def transfer_options(f: F) -> F:
    """-j and --progress/--no-progress, for commands that copy."""
    f = click.option(
        "--progress/--no-progress",
        default=None,
        expose_value=False,
        callback=_set_progress,
        help="Show a progress bar on stderr (default: when stderr is a terminal).",
    )(f)
    f = click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1, 256),
        default=DEFAULT_JOBS,
        show_default=True,
        help="Parallel workers for trees.",
    )(f)
    return f


def command(name: str, **kwargs: Any) -> Callable[[F], F]:
    """A subcommand that takes the volume options and exits 1 after an error."""

    def wrap(f: F) -> F:
        @functools.wraps(f)
        def run(*args: Any, **kw: Any) -> None:
            f(*args, **kw)
            _state().finish()

        cmd = cli.command(name, **kwargs)(run)
        cmd.params.extend(_volume_params())  # after the command's own options in --help
        return cmd  # type: ignore[return-value]

    return wrap


@click.group(
    context_settings={"help_option_names": ["--help"], "max_content_width": 100},
)
@click.version_option(package_name="gpath-glusterfs", prog_name="gpath")
def cli() -> None:
    """Coreutils for GlusterFS volumes, through libgfapi (no FUSE mount, no root).

    Paths are URLs gluster://HOST[:PORT]/VOLUME/path (several servers as h1,h2).
    With GPATH_URL=gluster://HOST/VOLUME set, a plain /path means a path on that volume
    (for cp, mv and sync, which also take local paths: :/path).
    Exit status: 0 on success, 1 if an operation failed, 2 on a usage error.
    """


# -- ls --------------------------------------------------------------------------------------


def _entries(target: Remote, all_: bool) -> list[tuple[str, os.stat_result]]:
    vol = target.gpath.volume
    entries = [(str(n), st) for n, st in vol.listdir_with_stat(target.path)]
    if all_:
        entries += [(".", vol.lstat(target.path)), ("..", vol.lstat(target.gpath.parent.path))]
    else:
        entries = [(n, st) for n, st in entries if not n.startswith(".")]
    return sorted(entries)


@command("ls")
@click.option("-l", "long", is_flag=True, help="Long listing (mode, links, owner, size, time).")
@click.option("-a", "all_", is_flag=True, help="Include names starting with '.'.")
@click.option("-h", "human", is_flag=True, help="Sizes as 1.5K, 20M (with -l).")
@click.option("-R", "recursive", is_flag=True, help="List subdirectories recursively.")
@click.option("-d", "directory", is_flag=True, help="List directories themselves.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of entries.")
@click.argument("urls", nargs=-1)
def ls_cmd(
    long: bool,
    all_: bool,
    human: bool,
    recursive: bool,
    directory: bool,
    as_json: bool,
    urls: tuple[str, ...],
) -> None:
    """List directory contents."""
    state = _state()
    targets = [state.remote(u) for u in (urls or ("/",))]
    records: list[dict[str, Any]] = []
    files: list[tuple[Remote, os.stat_result]] = []
    dirs: list[Remote] = []
    for t in targets:
        try:
            st = t.lstat()
            if stat_module.S_ISLNK(st.st_mode) and not long and not directory:
                st = t.stat()
        except OSError as exc:
            state.reporter.oserror("cannot access", t.shown, exc)
            continue
        if stat_module.S_ISDIR(st.st_mode) and not directory:
            dirs.append(t)
        else:
            files.append((t, st))

    def link_of(t: Remote, st: os.stat_result) -> str | None:
        if not stat_module.S_ISLNK(st.st_mode):
            return None
        try:
            return str(t.gpath.volume.readlink(t.path))
        except OSError:
            return None

    def emit(rows: list[tuple[str, Remote, os.stat_result]]) -> None:
        if as_json:
            for name, t, st in rows:
                rec = _format.stat_dict(str(t.url), st, link_of(t, st))
                if name in (".", ".."):
                    rec["name"] = name
                records.append(rec)
        elif long:
            lines = _format.long_lines([(n, st, link_of(t, st)) for n, t, st in rows], human)
            for line in lines:
                click.echo(line)
        else:
            for name, _t, _st in rows:
                click.echo(name)

    emit([(t.shown, t, st) for t, st in files])
    queue = list(dirs)
    first = not files
    many = len(targets) > 1 or recursive
    while queue:
        d = queue.pop(0)
        try:
            entries = _entries(d, all_)
        except OSError as exc:
            state.reporter.oserror("cannot open directory", d.shown, exc)
            continue
        if many and not as_json:
            if not first:
                click.echo("")
            click.echo(f"{d.shown}:")
        if long and not as_json:
            total = sum(st.st_blocks for _, st in entries) // 2
            click.echo(f"total {_format.human(total * 1024) if human else total}")
        first = False
        rows = []
        for name, st in entries:
            child = d.child(name) if name not in (".", "..") else d
            rows.append((name, child, st))
        emit(rows)
        if recursive:
            subdirs = [
                d.child(name)
                for name, st in entries
                if stat_module.S_ISDIR(st.st_mode) and name not in (".", "..")
            ]
            queue[0:0] = subdirs
    if as_json:
        _format.print_json(records)


# -- cat, tail ---------------------------------------------------------------------------------


@command("cat")
@click.argument("urls", nargs=-1, required=True)
def cat_cmd(urls: tuple[str, ...]) -> None:
    """Write files to standard output."""
    state = _state()
    for u in urls:
        t = state.remote(u)
        try:
            copy_stdout(t, Meter(False))
        except IsADirectoryError as exc:
            state.reporter.error(f"{t.shown}: {describe(exc)}")
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            state.reporter.error(f"{t.shown}: {describe(exc)}")


@command("tail")
@click.option(
    "-n", "--lines", "lines", type=click.IntRange(0), default=None, help="Last N lines (10)."
)
@click.option("-c", "--bytes", "nbytes", type=click.IntRange(0), default=None, help="Last N bytes.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing what is appended (Ctrl-C ends).")
@click.option(
    "-s",
    "--sleep-interval",
    type=float,
    default=0.5,
    show_default=True,
    help="Seconds between checks with -f.",
)
@click.argument("url")
def tail_cmd(
    lines: int | None, nbytes: int | None, follow: bool, sleep_interval: float, url: str
) -> None:
    """Print the end of a file."""
    state = _state()
    t = state.remote(url)
    vol = t.gpath.volume
    out = sys.stdout.buffer
    try:
        f = vol.fopen(t.path, "rb")
    except OSError as exc:
        state.reporter.oserror("cannot open", t.shown, exc)
        return
    with f:
        size = f.fstat().st_size
        if nbytes is not None:
            start = max(0, size - nbytes)
        else:
            start = _tail_start(f, size, 10 if lines is None else lines)
        offset = start
        while offset < size:
            data = f.pread(min(1 << 20, size - offset), offset)
            if not data:
                break
            out.write(data)
            offset += len(data)
        out.flush()
        while follow:
            time.sleep(sleep_interval)
            data = f.pread(1 << 20, offset)
            if data:
                out.write(data)
                out.flush()
                offset += len(data)
                continue
            try:
                now = vol.stat(t.path).st_size
            except OSError as exc:
                state.reporter.oserror("cannot stat", t.shown, exc)
                return
            if now < offset:
                click.echo(f"gpath: {t.shown}: file truncated", err=True)
                offset = 0


def _tail_start(f: Any, size: int, lines: int) -> int:
    """Offset of the last *lines* lines of a file of *size* bytes."""
    if lines == 0:
        return size
    pos, found = size, 0
    end_skip = True  # a final newline ends the last line, it does not start one
    while pos > 0:
        step = min(65536, pos)
        pos -= step
        chunk = f.pread(step, pos)
        for i in range(len(chunk) - 1, -1, -1):
            if chunk[i] == 0x0A:
                if end_skip and pos + i == size - 1:
                    continue
                found += 1
                if found == lines:
                    return pos + i + 1
        end_skip = False
    return 0


# -- transfers -------------------------------------------------------------------------------


def _copy_many(
    sources: list[Target], dest: Target, transfer: Transfer, description: str
) -> list[Target]:
    """cp's rules: several sources go into an existing directory DEST; return what was done."""
    state = _state()
    try:
        dest_is_dir = dest.is_dir()
    except OSError as exc:
        state.reporter.oserror("cannot stat", dest.shown, exc)
        return []
    if len(sources) > 1 and not dest_is_dir:
        state.reporter.error(f"target '{dest.shown}' is not a directory")
        return []
    meter = transfer.meter
    done = []
    with meter.running(lambda: tree_totals(sources, transfer.workers)):
        for src in sources:
            target = dest.child(src.name) if dest_is_dir else dest
            if transfer.copy(src, target):
                done.append(src)
    return done


def _copy_command(
    sources: list[Target], dest: Target, recursive: bool, preserve: bool, jobs: int, what: str
) -> None:
    state = _state()
    transfer = Transfer(
        state.reporter, state.meter(what), recursive=recursive, preserve=preserve, workers=jobs
    )
    _copy_many(sources, dest, transfer, what)


_R = click.option("-r", "-R", "--recursive", "recursive", is_flag=True, help="Copy directories.")
_P = click.option(
    "-p", "--preserve", "preserve", is_flag=True, help="Keep mode, times and user xattrs."
)


@command("put")
@_R
@_P
@transfer_options
@click.argument("sources", nargs=-1, required=True)
@click.argument("url")
def put_cmd(sources: tuple[str, ...], url: str, recursive: bool, preserve: bool, jobs: int) -> None:
    """Upload local files (or '-' for standard input) to URL."""
    state = _state()
    dest = state.remote(url)
    if "-" in sources:
        if len(sources) > 1:
            raise click.UsageError("'-' (standard input) must be the only source")
        if dest.is_dir():
            state.reporter.error(f"cannot write standard input to directory '{dest.shown}'")
            return
        meter = state.meter("stdin")
        try:
            with meter.running(None):
                copy_stdin(dest, meter)
        except OSError as exc:
            state.reporter.oserror("cannot write", dest.shown, exc)
        return
    _copy_command([Local(s) for s in sources], dest, recursive, preserve, jobs, "put")


@command("get")
@_R
@_P
@transfer_options
@click.argument("urls", nargs=-1, required=True)
@click.argument("local")
def get_cmd(urls: tuple[str, ...], local: str, recursive: bool, preserve: bool, jobs: int) -> None:
    """Download files from URLs to a local path (or '-' for standard output)."""
    state = _state()
    sources: list[Target] = [state.remote(u) for u in urls]
    if local == "-":
        for src in sources:
            try:
                copy_stdout(src, Meter(False))
            except OSError as exc:
                if isinstance(exc, BrokenPipeError):
                    raise
                state.reporter.oserror("cannot read", src.shown, exc)
        return
    _copy_command(sources, Local(local), recursive, preserve, jobs, "get")


@command("cp")
@_R
@_P
@transfer_options
@click.argument("sources", nargs=-1, required=True)
@click.argument("dest")
def cp_cmd(sources: tuple[str, ...], dest: str, recursive: bool, preserve: bool, jobs: int) -> None:
    """Copy between local paths and URLs, in any mix (also volume to volume)."""
    state = _state()
    srcs = [state.any(s) for s in sources]
    _copy_command(srcs, state.any(dest), recursive, preserve, jobs, "cp")


@command("mv")
@transfer_options
@click.argument("sources", nargs=-1, required=True)
@click.argument("dest")
def mv_cmd(sources: tuple[str, ...], dest: str, jobs: int) -> None:
    """Move or rename (a rename on one volume; otherwise copy, then delete the source)."""
    state = _state()
    srcs = [state.any(s) for s in sources]
    target = state.any(dest)
    try:
        dest_is_dir = target.is_dir()
    except OSError as exc:
        state.reporter.oserror("cannot stat", target.shown, exc)
        return
    if len(srcs) > 1 and not dest_is_dir:
        state.reporter.error(f"target '{target.shown}' is not a directory")
        return
    moved_across: list[Target] = []
    for src in srcs:
        to = target.child(src.name) if dest_is_dir else target
        same_volume = (
            isinstance(src, Remote)
            and isinstance(to, Remote)
            and src.gpath.volume is to.gpath.volume
        )
        if same_volume or (not src.remote and not to.remote):
            try:
                if same_volume:
                    to.fs.rename(src.path, to.path)
                else:
                    shutil.move(src.path, to.path)  # also across local file systems
            except OSError as exc:
                state.reporter.oserror("cannot move", src.shown, exc)
            continue
        moved_across.append(src)
    if not moved_across:
        return
    transfer = Transfer(
        state.reporter,
        state.meter("mv"),
        recursive=True,
        preserve=True,
        workers=jobs,
        follow_symlinks=False,
    )
    for src in _copy_many(moved_across, target, transfer, "mv"):
        try:
            remove(src, jobs)
        except OSError as exc:
            state.reporter.oserror("cannot remove", src.shown, exc)


@command("sync")
@click.option("--delete", is_flag=True, help="Delete what DST has and SRC has not.")
@click.option("-n", "--dry-run", is_flag=True, help="Print what would be done; change nothing.")
@click.option("-c", "--checksum", is_flag=True, help="Compare contents, not size and mtime.")
@click.option("-v", "--verbose", is_flag=True, help="Print each change.")
@transfer_options
@click.argument("src")
@click.argument("dst")
def sync_cmd(
    src: str, dst: str, delete: bool, dry_run: bool, checksum: bool, verbose: bool, jobs: int
) -> None:
    """Make DST a copy of SRC's contents, copying only what differs (like rsync -a SRC/ DST).

    Files are compared by size and modification time (--checksum: by contents); times,
    permissions and user xattrs are preserved, so a second run copies nothing.  Either
    side may be local or a URL.
    """
    state = _state()
    s, d = state.any(src), state.any(dst)
    meter = state.meter("sync")
    sync = Sync(
        state.reporter,
        meter,
        delete=delete,
        dry_run=dry_run,
        checksum=checksum,
        verbose=verbose,
        workers=jobs,
    )
    with meter.running(None):
        sync.run(s, d)


# -- namespace -------------------------------------------------------------------------------


@command("rm")
@click.option(
    "-r",
    "-R",
    "--recursive",
    "recursive",
    is_flag=True,
    help="Remove directories and their contents.",
)
@click.option("-f", "--force", is_flag=True, help="Ignore missing files.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=DEFAULT_JOBS,
    show_default=True,
    help="Parallel workers for -r.",
)
@click.argument("urls", nargs=-1, required=True)
def rm_cmd(urls: tuple[str, ...], recursive: bool, force: bool, jobs: int) -> None:
    """Remove files (and with -r, directories)."""
    state = _state()
    for u in urls:
        t = state.remote(u)
        try:
            st = t.lstat()
            if stat_module.S_ISDIR(st.st_mode):
                if not recursive:
                    state.reporter.error(f"cannot remove '{t.shown}': Is a directory")
                    continue
                t.gpath.rmtree(max_workers=jobs)
            else:
                t.gpath.unlink()
        except FileNotFoundError as exc:
            if not force:
                state.reporter.oserror("cannot remove", t.shown, exc)
        except OSError as exc:
            state.reporter.oserror("cannot remove", t.shown, exc)


@command("mkdir")
@click.option("-p", "--parents", is_flag=True, help="Make parents as needed; no error if existing.")
@click.option(
    "-m", "--mode", default=None, help="Permission bits, in octal (default 777 less umask)."
)
@click.argument("urls", nargs=-1, required=True)
def mkdir_cmd(urls: tuple[str, ...], parents: bool, mode: str | None) -> None:
    """Create directories."""
    state = _state()
    try:
        bits = 0o777 if mode is None else int(mode, 8)
    except ValueError:
        raise click.BadParameter(f"invalid mode '{mode}'", param_hint="'-m'") from None
    for u in urls:
        t = state.remote(u)
        try:
            t.gpath.mkdir(mode=bits, parents=parents, exist_ok=parents)
        except OSError as exc:
            state.reporter.oserror("cannot create directory", t.shown, exc)


@command("rmdir")
@click.argument("urls", nargs=-1, required=True)
def rmdir_cmd(urls: tuple[str, ...]) -> None:
    """Remove empty directories."""
    state = _state()
    for u in urls:
        t = state.remote(u)
        try:
            t.gpath.rmdir()
        except OSError as exc:
            state.reporter.oserror("failed to remove", t.shown, exc)


@command("touch")
@click.option("-c", "--no-create", is_flag=True, help="Do not create missing files.")
@click.argument("urls", nargs=-1, required=True)
def touch_cmd(urls: tuple[str, ...], no_create: bool) -> None:
    """Update the times of files, creating them empty if missing."""
    state = _state()
    for u in urls:
        t = state.remote(u)
        try:
            if no_create:
                if t.exists():
                    t.gpath.volume.utime(t.path)
            else:
                t.gpath.touch()
        except OSError as exc:
            state.reporter.oserror("cannot touch", t.shown, exc)


@command("truncate")
@click.option(
    "-s", "--size", "size", required=True, help="New size: N, with K, M, G (1024) or KB, MB (1000)."
)
@click.option("-c", "--no-create", is_flag=True, help="Do not create missing files.")
@click.argument("urls", nargs=-1, required=True)
def truncate_cmd(urls: tuple[str, ...], size: str, no_create: bool) -> None:
    """Shrink or extend files to a size (extending writes a hole)."""
    state = _state()
    try:
        length = _format.parse_size(size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'-s'") from None
    for u in urls:
        t = state.remote(u)
        try:
            if not t.exists():
                if no_create:
                    continue
                t.gpath.touch()
            t.gpath.volume.truncate(t.path, length)
        except OSError as exc:
            state.reporter.oserror("cannot truncate", t.shown, exc)


# -- information -----------------------------------------------------------------------------


@command("stat")
@click.option("-L", "--dereference", is_flag=True, help="Follow symlinks.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.argument("urls", nargs=-1, required=True)
def stat_cmd(urls: tuple[str, ...], dereference: bool, as_json: bool) -> None:
    """Show file status."""
    state = _state()
    records = []
    for u in urls:
        t = state.remote(u)
        try:
            st = t.stat() if dereference else t.lstat()
            target = None
            if stat_module.S_ISLNK(st.st_mode):
                target = str(t.gpath.volume.readlink(t.path))
        except OSError as exc:
            state.reporter.oserror("cannot stat", t.shown, exc)
            continue
        if as_json:
            records.append(_format.stat_dict(str(t.url), st, target))
        else:
            click.echo(_format.stat_text(t.shown, st, target))
    if as_json:
        _format.print_json(records)


@command("du")
@click.option("-s", "--summarize", is_flag=True, help="Only a total for each argument.")
@click.option("-h", "human", is_flag=True, help="Sizes as 1.5K, 20M.")
@click.option("-b", "--bytes", "apparent", is_flag=True, help="Apparent size in bytes, not blocks.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=DEFAULT_JOBS,
    show_default=True,
    help="Parallel listings.",
)
@click.argument("urls", nargs=-1)
def du_cmd(
    urls: tuple[str, ...], summarize: bool, human: bool, apparent: bool, as_json: bool, jobs: int
) -> None:
    """Show the space files and directories use (in KiB, as du)."""
    state = _state()
    records = []

    def size_of(st: os.stat_result) -> int:
        return st.st_size if apparent else st.st_blocks * 512

    def show(n: int) -> str:
        if human:
            return _format.human(n)
        return str(n) if apparent else str(-(-n // 1024))

    for u in urls or ("/",):
        t = state.remote(u)
        try:
            top = t.lstat()
            entries = walk(t.fs, t.path, jobs) if stat_module.S_ISDIR(top.st_mode) else {}
        except OSError as exc:
            state.reporter.oserror("cannot access", t.shown, exc)
            continue
        totals: dict[str, int] = {"": size_of(top)}
        seen: set[tuple[int, int]] = set()
        for rel, st in entries.items():
            if st.st_nlink > 1 and not stat_module.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in seen:
                    continue
                seen.add(key)
            if stat_module.S_ISDIR(st.st_mode):
                totals.setdefault(rel, 0)
            n = size_of(st)
            parts = rel.split("/")
            for i in range(len(parts) - 1 if not stat_module.S_ISDIR(st.st_mode) else len(parts)):
                key_rel = "/".join(parts[: i + 1])
                totals[key_rel] = totals.get(key_rel, 0) + n
            totals[""] += n
        rows = (
            [("", totals[""])]
            if summarize
            else sorted(totals.items(), key=lambda kv: (kv[0].split("/"),), reverse=True)
        )
        for rel, n in rows:
            shown = t.shown if not rel else t.shown.rstrip("/") + "/" + rel
            if as_json:
                records.append(
                    {
                        "url": str(t.url.with_path(posixpath.join(t.path, rel))),
                        "path": shown,
                        "bytes": n,
                    }
                )
            else:
                click.echo(f"{show(n)}\t{shown}")
    if as_json:
        _format.print_json(records)


@command("df")
@click.option("-h", "human", is_flag=True, help="Sizes as 1.5K, 20M.")
@click.option("-i", "--inodes", is_flag=True, help="Inodes instead of blocks.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.argument("urls", nargs=-1)
def df_cmd(urls: tuple[str, ...], human: bool, inodes: bool, as_json: bool) -> None:
    """Show the size, use and free space of volumes (statvfs)."""
    state = _state()
    header = (
        ["Volume", "Inodes", "IUsed", "IFree", "IUse%"]
        if inodes
        else (
            ["Volume", "Size", "Used", "Avail", "Use%"]
            if human
            else ["Volume", "1K-blocks", "Used", "Available", "Use%"]
        )
    )
    rows = [header]
    records = []
    for u in urls or ("/",):
        t = state.remote(u)
        try:
            sv = t.gpath.statvfs()
        except OSError as exc:
            state.reporter.oserror("cannot read file system information for", t.shown, exc)
            continue
        volume_url = str(t.url.with_path("/"))
        size = sv.f_blocks * sv.f_frsize
        used = (sv.f_blocks - sv.f_bfree) * sv.f_frsize
        avail = sv.f_bavail * sv.f_frsize
        iused = sv.f_files - sv.f_ffree
        if as_json:
            records.append(
                {
                    "volume": volume_url,
                    "size": size,
                    "used": used,
                    "available": avail,
                    "use_percent": _percent(used, used + avail),
                    "inodes": sv.f_files,
                    "inodes_used": iused,
                    "inodes_free": sv.f_ffree,
                    "block_size": sv.f_frsize,
                    "name_max": sv.f_namemax,
                }
            )
            continue
        if inodes:
            cells = [str(sv.f_files), str(iused), str(sv.f_ffree), _pct(iused, sv.f_files)]
        elif human:
            cells = [
                _format.human(size),
                _format.human(used),
                _format.human(avail),
                _pct(used, used + avail),
            ]
        else:
            cells = [
                str(size // 1024),
                str(used // 1024),
                str(avail // 1024),
                _pct(used, used + avail),
            ]
        rows.append([volume_url, *cells])
    if as_json:
        _format.print_json(records)
    elif len(rows) > 1:
        for line in _format.columns(rows, right={1, 2, 3, 4}):
            click.echo(line)


def _percent(part: int, whole: int) -> int | None:
    return None if whole == 0 else -(-part * 100 // whole)


def _pct(part: int, whole: int) -> str:
    value = _percent(part, whole)
    return "-" if value is None else f"{value}%"


@command("find")
@click.option("-name", "--name", "name", metavar="GLOB", help="Base name matches GLOB.")
@click.option("-type", "--type", "kind", type=click.Choice(["f", "d", "l"]), help="File type.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=DEFAULT_JOBS,
    show_default=True,
    help="Parallel listings.",
)
@click.argument("url")
def find_cmd(url: str, name: str | None, kind: str | None, jobs: int) -> None:
    """Print the paths below URL (and URL itself) that match every test given."""
    state = _state()
    t = state.remote(url)
    tests = {"f": stat_module.S_ISREG, "d": stat_module.S_ISDIR, "l": stat_module.S_ISLNK}

    def matches(base: str, st: os.stat_result) -> bool:
        if name is not None and not fnmatch.fnmatchcase(base, name):
            return False
        return kind is None or tests[kind](st.st_mode)

    try:
        top = t.lstat()
        entries = walk(t.fs, t.path, jobs) if stat_module.S_ISDIR(top.st_mode) else {}
    except OSError as exc:
        state.reporter.oserror("cannot access", t.shown, exc)
        return
    if matches(t.name or "/", top):
        click.echo(t.shown)
    prefix = t.shown.rstrip("/") + "/"
    for rel in sorted(entries, key=lambda r: r.split("/")):
        if matches(rel.rsplit("/", 1)[-1], entries[rel]):
            click.echo(prefix + rel)


# -- xattr -----------------------------------------------------------------------------------


@cli.group("xattr")
def xattr_group() -> None:
    """Read and write extended attributes (get, set, list, rm)."""


def _xattr_command(name: str) -> Callable[[F], F]:
    def wrap(f: F) -> F:
        @functools.wraps(f)
        def run(*args: Any, **kw: Any) -> None:
            f(*args, **kw)
            _state().finish()

        opt = click.option(
            "-h", "--no-dereference", "nofollow", is_flag=True, help="Act on a symlink itself."
        )
        cmd = xattr_group.command(name)(opt(run))
        cmd.params.extend(_volume_params())
        return cmd  # type: ignore[return-value]

    return wrap


@_xattr_command("list")
@click.argument("url")
def xattr_list(url: str, nofollow: bool) -> None:
    """Print the names of a file's extended attributes."""
    state = _state()
    t = state.remote(url)
    try:
        names = t.gpath.volume.listxattr(t.path, follow_symlinks=not nofollow)
    except OSError as exc:
        state.reporter.oserror("cannot list attributes of", t.shown, exc)
        return
    for n in sorted(names):
        click.echo(n)


@_xattr_command("get")
@click.option("--hex", "as_hex", is_flag=True, help="Print the value in hex (0x...).")
@click.option("--raw", is_flag=True, help="Write the value's bytes as they are.")
@click.argument("url")
@click.argument("name")
def xattr_get(url: str, name: str, as_hex: bool, raw: bool, nofollow: bool) -> None:
    """Print one extended attribute's value (as text if it is UTF-8, else hex)."""
    state = _state()
    t = state.remote(url)
    try:
        value = t.gpath.volume.getxattr(t.path, name, follow_symlinks=not nofollow)
    except OSError as exc:
        state.reporter.oserror(f"cannot get attribute {name} of", t.shown, exc)
        return
    if raw:
        sys.stdout.buffer.write(value)
        return
    if not as_hex:
        try:
            click.echo(value.decode("utf-8"))
            return
        except UnicodeDecodeError:
            pass
    click.echo("0x" + value.hex())


@_xattr_command("set")
@click.option("--hex", "as_hex", is_flag=True, help="VALUE is hex (0x optional).")
@click.argument("url")
@click.argument("name")
@click.argument("value")
def xattr_set(url: str, name: str, value: str, as_hex: bool, nofollow: bool) -> None:
    """Set an extended attribute (VALUE as UTF-8 text, or hex with --hex)."""
    state = _state()
    t = state.remote(url)
    try:
        data = bytes.fromhex(value.removeprefix("0x")) if as_hex else value.encode()
    except ValueError:
        raise click.BadParameter(f"not hex: '{value}'", param_hint="VALUE") from None
    try:
        t.gpath.volume.setxattr(t.path, name, data, follow_symlinks=not nofollow)
    except OSError as exc:
        state.reporter.oserror(f"cannot set attribute {name} of", t.shown, exc)


@_xattr_command("rm")
@click.argument("url")
@click.argument("name")
def xattr_rm(url: str, name: str, nofollow: bool) -> None:
    """Remove an extended attribute."""
    state = _state()
    t = state.remote(url)
    try:
        t.gpath.volume.removexattr(t.path, name, follow_symlinks=not nofollow)
    except OSError as exc:
        state.reporter.oserror(f"cannot remove attribute {name} of", t.shown, exc)


# -- shell -----------------------------------------------------------------------------------


@command("shell")
@click.argument("url", required=False)
def shell_cmd(url: str | None) -> None:
    """Interactive shell on a volume: cd, ls, cat, put, get... with history and completion."""
    from gpath.cli._shell import Shell

    state = _state()
    t = state.remote(url or os.environ.get(ENV_URL) or "")
    try:
        if not t.is_dir():
            state.reporter.error(f"cannot cd to '{t.shown}': Not a directory")
            return
    except OSError as exc:
        state.reporter.oserror("cannot access", t.shown, exc)
        return
    Shell(t, state.options).run()
