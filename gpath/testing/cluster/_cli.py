"""Running the ``gluster`` CLI: timeouts, transient lock retries, clear errors."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Sequence

from ._config import _GLUSTERD_DOWN_MARKERS, _TRANSIENT_MARKERS, GLUSTER_TIMEOUT
from ._types import GlusterCommandError, HarnessError
from ._xml import _xml_op_error

log = logging.getLogger("gpath.testing")


@dataclasses.dataclass(frozen=True)
class _Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + "\n" + self.stderr).strip()


def _run(argv: Sequence[str], timeout: float) -> _Result:
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        cp = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"{' '.join(argv)} timed out after {timeout:.0f}s") from exc
    except FileNotFoundError as exc:
        raise HarnessError(f"{argv[0]} not found; run ensure_system_packages()") from exc
    return _Result(tuple(argv), cp.returncode, cp.stdout or "", cp.stderr or "")


def _gluster_bin() -> str:
    return shutil.which("gluster") or "/usr/sbin/gluster"


def _gluster(
    *args: str,
    timeout: float = GLUSTER_TIMEOUT,
    attempts: int = 5,
    check: bool = True,
) -> _Result:
    """Run ``gluster --mode=script ARGS``, retrying transient lock contention."""
    argv = (_gluster_bin(), "--mode=script", *args)
    xml = "--xml" in args
    res = _Result(argv, -1, "", "")
    for attempt in range(max(1, attempts)):
        res = _run(argv, timeout)
        err: str | None
        if xml and res.stdout.strip():
            err = _xml_op_error(res.stdout)
            if err is not None and res.returncode == 0:
                res = dataclasses.replace(res, returncode=1)
        else:
            err = None if res.returncode == 0 else res.output
        if res.returncode == 0 and err is None:
            return res
        msg = f"{err or ''}\n{res.output}".lower()
        if attempt + 1 < attempts and any(m in msg for m in _TRANSIENT_MARKERS):
            log.debug("transient gluster failure, retrying: %s", msg.strip())
            time.sleep(min(1.0 + attempt, 4.0))
            continue
        if not check:
            return res
        if any(m in msg for m in _GLUSTERD_DOWN_MARKERS):
            raise GlusterCommandError(
                argv, res.returncode, f"{err or res.output} (is glusterd running? call up())"
            )
        raise GlusterCommandError(argv, res.returncode, err or res.output)
    return res
