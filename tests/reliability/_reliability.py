"""Helpers of the reliability suite (imported by its test modules as ``_reliability``).

Tests that may crash the interpreter run their code in a child interpreter
(:func:`run_child` / :func:`spawn_child`), so a SIGSEGV fails one test instead of the run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gpath.testing.cluster import client_host

REPO_ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 150.0

# Put at the top of every child script.  ``mount()`` mounts the volume; scripts that are not
# about unmounting end with ``os._exit(0)`` after printing, so no exit-time unmount (whose
# ``glfs_fini`` cost ~10 s before gpath's fast umount) is ever waited for.
CHILD_PRELUDE = """
import errno, io, os, sys, threading, time
import gpath
from gpath import Volume, ClosedError, VolumeNotMounted

def out(*args):
    print(*args, flush=True)

def mount():
    vol = Volume({host!r}, {volname!r})
    vol.mount(timeout=60)
    return vol
"""


def child_script(code: str, volname: str = "gpath_single") -> str:
    prelude = CHILD_PRELUDE.format(host=client_host(), volname=volname)
    return prelude + "\n" + textwrap.dedent(code)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONFAULTHANDLER"] = "1"  # a crash prints the Python stack of every thread
    return env


def spawn_child(code: str, volname: str = "gpath_single") -> subprocess.Popen[str]:
    """Start a child interpreter running :data:`CHILD_PRELUDE` + *code*."""
    return subprocess.Popen(
        [sys.executable, "-c", child_script(code, volname)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_child_env(),
        cwd=str(REPO_ROOT),
    )


class ChildResult:
    """What a child interpreter did: return code, output, wall time."""

    def __init__(self, returncode: int, stdout: str, stderr: str, seconds: float) -> None:
        self.returncode, self.stdout, self.stderr, self.seconds = returncode, stdout, stderr, seconds

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def describe(self) -> str:
        return (
            f"child exited {self.returncode} after {self.seconds:.1f}s\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )

    def check(self, expected_lines: list[str] | None = None) -> ChildResult:
        """Assert a clean exit (0: no crash, no uncaught exception) and the expected output."""
        assert self.returncode == 0, self.describe()
        if expected_lines is not None:
            assert self.lines == expected_lines, self.describe()
        return self


def wait_child(proc: subprocess.Popen[str], started: float, timeout: float = CHILD_TIMEOUT) -> ChildResult:
    try:
        stdout, stderr = proc.communicate(timeout=max(1.0, timeout - (time.monotonic() - started)))
    except subprocess.TimeoutExpired:
        proc.kill()  # our own child, by its Popen handle
        stdout, stderr = proc.communicate()
        pytest.fail(f"child timed out after {timeout:.0f}s\n{stdout}\n{stderr}")
    return ChildResult(proc.returncode, stdout, stderr, time.monotonic() - started)


def run_child(code: str, volname: str = "gpath_single", timeout: float = CHILD_TIMEOUT) -> ChildResult:
    """Run *code* in a child interpreter and return its :class:`ChildResult`."""
    started = time.monotonic()
    return wait_child(spawn_child(code, volname), started, timeout)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def poll(predicate: Callable[[], bool], timeout: float, interval: float = 0.5) -> float:
    """Call *predicate* until it returns True; return the seconds it took, fail on timeout."""
    start = time.monotonic()
    last_exc: BaseException | None = None
    while True:
        try:
            if predicate():
                return time.monotonic() - start
        except Exception as exc:  # the state we wait for is not reached yet
            last_exc = exc
        if time.monotonic() - start > timeout:
            pytest.fail(f"condition not reached within {timeout:.0f}s (last error: {last_exc!r})")
        time.sleep(interval)
