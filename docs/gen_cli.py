"""Generate docs/cli.md, the reference of the ``gpath`` command, from its own help.

Run ``python docs/gen_cli.py`` after changing a command or option; tests/cli checks that
docs/cli.md is current.  The help is rendered at a fixed width, so the output does not
depend on the terminal.
"""

from __future__ import annotations

import pathlib
import sys

import click

from gpath.cli._app import cli

OUTPUT = pathlib.Path(__file__).resolve().parent / "cli.md"
WIDTH = 100

INTRO = """\
# The `gpath` command line

`gpath` gives a GlusterFS volume the coreutils people know, through libgfapi: no FUSE
mount and no root.  Install it with the `cli` extra (`pip install 'gpath-glusterfs[cli]'`);
`python -m gpath` is the same command.  This page is generated from the commands' own
help by `docs/gen_cli.py`; the tests check that it is current.

## Conventions

* **URLs** are `gluster://HOST[:PORT]/VOLUME/path`, the form `GlusterPath.from_uri` and
  fsspec read: several volfile servers as `gluster://h1,h2/VOLUME/path`, IPv6 hosts in
  brackets, `gluster+rdma://` and `gluster+unix:///VOLUME/path?socket=PATH`.
* **`GPATH_URL`** sets a default volume: with `GPATH_URL=gluster://HOST/VOLUME`,
  `gpath ls /dir` lists `/dir` on that volume (a relative path is taken from the URL's
  directory).  Commands that also take local paths (`cp`, `mv`, `sync`) read a plain path
  as local and `:PATH` as a path on `GPATH_URL`'s volume (`gpath cp report.csv :/in/`).
* **Volume options** (every command): `-o [XLATOR:]KEY=VALUE` sets a client translator
  option (`XLATOR` defaults to `*-client-*`, e.g. `-o
  transport.socket.ssl-own-cert=/etc/ssl/me.pem` for TLS), `--port`, `--transport`,
  `--timeout` (seconds to reach the volume, 30 by default), `--log-level` and
  `--log-file` (libgfapi's log).
* **Errors** go to stderr as coreutils word them (`gpath: cannot stat
  'gluster://h/v/x': No such file or directory`).  Exit status 0 means success, 1 that an
  operation failed (the others still ran: one failed file in a recursive copy does not
  stop the rest), 2 a usage error (a bad option or URL), 130 Ctrl-C.
* **Transfers** (`put`, `get`, `cp`, `mv`, `sync`) run trees on gpath's tree engine with
  `-j N` workers (32 by default, as in the library).  Every file is written under a temporary name
  (`.NAME.XXXX.part`) and renamed into place when complete, so an interrupted transfer
  never leaves a partial file under its final name.  `-p` keeps permission bits, times
  and `user.*` extended attributes.  A progress bar (bytes, files, rate, ETA) is drawn on
  stderr when it is a terminal; `--progress`/`--no-progress` override that.  Nothing
  but results is ever written to stdout.
* **JSON**: `ls`, `stat`, `du` and `df` take `--json` and print one JSON array; times are
  given both as float seconds and as integer nanoseconds (`mtime_ns`).
* **Shell completion** (click's): add `eval "$(_GPATH_COMPLETE=bash_source gpath)"` to
  `~/.bashrc`, or `eval "$(_GPATH_COMPLETE=zsh_source gpath)"` to `~/.zshrc`.
* **`gpath shell URL`** keeps a current directory on the volume; `cd`, `pwd`, `lcd`,
  `put`, `get` are built in and every other command runs as the subcommand of that name
  with names taken from the current directory.  Readline gives history (kept in
  `$XDG_STATE_HOME/gpath_history`, by default `~/.local/state/gpath_history`) and Tab
  completes remote names.
"""


def _commands(group: click.Group, prefix: list[str]) -> list[tuple[list[str], click.Command]]:
    out: list[tuple[list[str], click.Command]] = []
    ctx = click.Context(group, info_name=" ".join(prefix))
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        out.append(([*prefix, name], command))
        if isinstance(command, click.Group):
            out.extend(_commands(command, [*prefix, name]))
    return out


def _help(words: list[str], command: click.Command, parent: click.Context | None) -> str:
    ctx = click.Context(
        command,
        info_name=words[-1] if parent is not None else words[0],
        parent=parent,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )
    return command.get_help(ctx)


def render() -> str:
    """The text of docs/cli.md."""
    parts = [INTRO, "## Commands\n"]
    commands = _commands(cli, ["gpath"])
    parts.append(
        "\n".join(f"* [`{' '.join(words)}`](#{'-'.join(words)})" for words, _ in commands)
        + "\n"
    )
    root = click.Context(cli, info_name="gpath", terminal_width=WIDTH, max_content_width=WIDTH)
    parts.append(f"## gpath\n\n```text\n{cli.get_help(root)}\n```\n")
    for words, command in commands:
        parent = root
        if len(words) > 2:
            group = cli.get_command(root, words[1])
            assert group is not None
            parent = click.Context(group, info_name=words[1], parent=root)
        text = _help(words, command, parent)
        parts.append(f'<a id="{"-".join(words)}"></a>\n\n## {" ".join(words)}\n\n'
                     f"```text\n{text}\n```\n")
    return "\n".join(parts)


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
