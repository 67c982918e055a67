"""``gpath shell``: an interactive session on a volume (stdlib ``cmd`` and ``readline``).

Each command line is run by the ``gpath`` subcommand of the same name, with remote names
resolved against the current directory, so the shell behaves exactly like the commands.
"""

from __future__ import annotations

import cmd
import contextlib
import os
import posixpath
import shlex
import stat as stat_module
import sys
from typing import Any

import click

from gpath.cli._targets import Remote, VolumeOptions

# How each command's non-option arguments are read: r = remote, l = local; the last
# letter repeats.  put/get take their destination last.
_ARGS = {
    "ls": "r",
    "cat": "r",
    "stat": "r",
    "rm": "r",
    "mkdir": "r",
    "rmdir": "r",
    "touch": "r",
    "du": "r",
    "df": "r",
    "find": "r",
    "tail": "r",
    "truncate": "r",
}
_FLAG_VALUES = {"tail": {"-n", "-c", "-s"}, "truncate": {"-s"}, "find": {"-name", "-type"}}
HISTORY = os.path.join(
    os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "gpath_history"
)


class Shell(cmd.Cmd):
    """The interactive loop; ``help`` lists the commands."""

    intro: str | None = "gpath shell: 'help' lists the commands, Ctrl-D leaves."

    def __init__(self, start: Remote, options: VolumeOptions) -> None:
        super().__init__()
        self.cwd = start
        self.options = options
        self.volume_url = start.url.with_path("/")

    @property
    def prompt(self) -> str:  # type: ignore[override]
        return f"gpath:{self.cwd.path}> "

    def run(self) -> None:
        readline: Any = None
        with contextlib.suppress(ImportError):
            import readline

            readline.set_completer_delims(" \t\n")
            with contextlib.suppress(OSError):
                readline.read_history_file(HISTORY)
        try:
            while True:
                try:
                    self.cmdloop()
                    break
                except KeyboardInterrupt:
                    print("^C")
                    self.intro = None
        finally:
            if readline is not None:
                with contextlib.suppress(OSError):
                    os.makedirs(os.path.dirname(HISTORY), exist_ok=True)
                    readline.set_history_length(1000)
                    readline.write_history_file(HISTORY)

    # -- resolution ------------------------------------------------------------------------

    def url_for(self, name: str) -> str:
        path = posixpath.normpath(posixpath.join(self.cwd.path, name))
        return str(self.volume_url.with_path(path))

    def _run(self, argv: list[str]) -> None:
        from gpath.cli._app import cli
        from gpath.cli._transfer import CANCELLED

        CANCELLED.clear()  # a Ctrl-C that stopped the previous command is over
        try:
            cli.main(argv, prog_name="gpath", standalone_mode=False)
        except click.ClickException as exc:
            exc.show()
        except click.exceptions.Abort:
            print()
        except SystemExit:
            pass  # a failed command already said why
        sys.stdout.flush()

    def _convert(self, command: str, words: list[str]) -> list[str]:
        """Options stay as they are; every other word names a remote path."""
        out: list[str] = []
        takes_value = _FLAG_VALUES.get(command, set())
        skip = only_names = False
        for word in words:
            if skip:
                out.append(word)
                skip = False
            elif word == "--" and not only_names:
                out.append(word)
                only_names = True
            elif word.startswith("-") and len(word) > 1 and not only_names:
                out.append(word)
                skip = word in takes_value
            else:
                out.append(self.url_for(word))
        return out

    def default(self, line: str) -> None:
        try:
            words = shlex.split(line)
        except ValueError as exc:
            print(f"gpath: {exc}")
            return
        command, args = words[0], words[1:]
        if command not in _ARGS:
            print(f"gpath: unknown command '{command}' (try 'help')")
            return
        if command in ("ls", "du", "df", "find") and not [a for a in args if a[:1] != "-"]:
            args = [*args, "."]
        self._run([command, *self._convert(command, args)])

    def emptyline(self) -> bool:
        return False

    # -- built-ins -------------------------------------------------------------------------

    def do_cd(self, arg: str) -> None:
        """cd DIR: change the current directory (on the volume)."""
        name = shlex.split(arg)[0] if arg.strip() else "/"
        path = posixpath.normpath(posixpath.join(self.cwd.path, name))
        target = self.cwd.at(path)
        try:
            st = target.stat()
        except OSError as exc:
            print(f"gpath: cd: {name}: {exc.strerror}")
            return
        if not stat_module.S_ISDIR(st.st_mode):
            print(f"gpath: cd: {name}: Not a directory")
            return
        self.cwd = target

    def do_pwd(self, arg: str) -> None:
        """pwd: print the current directory as a URL."""
        print(self.cwd.url.display())

    def do_lcd(self, arg: str) -> None:
        """lcd DIR: change the local directory (for put and get)."""
        try:
            os.chdir(os.path.expanduser(arg.strip() or "~"))
        except OSError as exc:
            print(f"gpath: lcd: {exc.strerror}")
        print(os.getcwd())

    def do_put(self, arg: str) -> None:
        """put [-r] [-p] LOCAL... [REMOTE]: upload into the current directory or REMOTE."""
        words = shlex.split(arg)
        flags = [w for w in words if w.startswith("-") and w != "-"]
        names = [w for w in words if not (w.startswith("-") and w != "-")]
        if not names:
            print("gpath: put: LOCAL needed")
            return
        dest = names.pop() if len(names) > 1 else "."
        self._run(["put", *flags, *names, self.url_for(dest)])

    def do_get(self, arg: str) -> None:
        """get [-r] [-p] REMOTE... [LOCAL]: download into the local directory or LOCAL."""
        words = shlex.split(arg)
        flags = [w for w in words if w.startswith("-") and w != "-"]
        names = [w for w in words if not (w.startswith("-") and w != "-")]
        if not names:
            print("gpath: get: REMOTE needed")
            return
        dest = names.pop() if len(names) > 1 else "."
        self._run(["get", *flags, *[self.url_for(n) for n in names], dest])

    def do_exit(self, arg: str) -> bool:
        """exit: leave the shell (also quit, Ctrl-D)."""
        return True

    do_quit = do_exit

    def do_EOF(self, arg: str) -> bool:  # cmd calls this name on Ctrl-D
        print()
        return True

    def do_help(self, arg: str) -> None:
        """help: list the commands."""
        if arg:
            super().do_help(arg)
            return
        print("Built-in: cd, pwd, lcd, put, get, exit")
        print("Run as gpath subcommands: " + ", ".join(sorted(_ARGS)))
        print("'help CMD' or 'CMD --help' says more.")

    # -- completion ------------------------------------------------------------------------

    def remote_names(self, text: str, dirs_only: bool = False) -> list[str]:
        head, _, partial = text.rpartition("/")
        base = posixpath.normpath(posixpath.join(self.cwd.path, head)) if head else self.cwd.path
        if text.startswith("/") and not head:
            base = "/"
        prefix = head + "/" if head or text.startswith("/") else ""
        try:
            entries = self.cwd.gpath.volume.listdir_with_stat(base)
        except OSError:
            return []
        out = []
        for name, st in sorted(entries):
            name = str(name)
            if not name.startswith(partial):
                continue
            is_dir = stat_module.S_ISDIR(st.st_mode)
            if dirs_only and not is_dir:
                continue
            out.append(prefix + name + ("/" if is_dir else ""))
        return out

    def completenames(self, text: str, *ignored: Any) -> list[str]:
        names = {*_ARGS, "cd", "pwd", "lcd", "put", "get", "exit", "quit", "help"}
        return sorted(n + " " for n in names if n.startswith(text))

    def completedefault(self, text: str, line: str, begidx: int, endidx: int) -> list[str]:
        return self.remote_names(text)

    def complete_cd(self, text: str, line: str, begidx: int, endidx: int) -> list[str]:
        return self.remote_names(text, dirs_only=True)

    def complete_get(self, text: str, line: str, begidx: int, endidx: int) -> list[str]:
        return self.remote_names(text)
