"""The ``gpath`` command line: coreutils-style commands for ``gluster://`` URLs.

Installed with the ``cli`` extra (click, rich); ``gpath --help`` lists the commands and
docs/cli.md describes them.  Never imported by ``import gpath``.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from collections.abc import Sequence
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    from gpath.cli._transfer import CANCELLED

    CANCELLED.set()  # worker threads stop at their next write
    raise KeyboardInterrupt


def _warn(message: Warning | str, category: type[Warning], *args: object, **kw: object) -> None:
    print(f"gpath: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gpath`` command; return its exit status (0, 1 on an error, 2 on misuse)."""
    from gpath.cli._app import cli

    warnings.showwarning = _warn
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    import click

    try:
        result = cli.main(
            list(argv) if argv is not None else None, prog_name="gpath", standalone_mode=False
        )
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        return 130  # as a shell reports a command ended by Ctrl-C
    except BrokenPipeError:
        # The reader went away (``gpath cat | head``): stop quietly, as coreutils do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:  # e.g. the volume cannot be reached
        from gpath.cli._transfer import describe

        name = f" '{exc.filename}'" if exc.filename else ""
        print(f"gpath: error{name}: {describe(exc)}", file=sys.stderr)
        return 1
    return result if isinstance(result, int) else 0


__all__ = ["main"]
