"""Helpers of the command-line tests: the installed ``gpath`` script, scratch space, local trees."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from gpath import Volume
from gpath._url import parse_url

GPATH = str(Path(sys.executable).parent / "gpath")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    stdout_bytes: bytes


def run(*args: str, input: bytes | None = None, env: dict[str, str] | None = None,
        timeout: float = 60) -> Result:
    """Run the installed ``gpath`` script; progress bars off (stderr is a pipe anyway)."""
    full_env = {k: v for k, v in os.environ.items() if k != "GPATH_URL"}
    full_env.update(env or {})
    proc = subprocess.run(
        [GPATH, *args], input=input, capture_output=True, env=full_env, timeout=timeout
    )
    return Result(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        proc.stdout,
    )


@dataclass
class Remote:
    """A scratch directory on a volume, reachable as a Volume path and as URLs."""

    vol: Volume
    path: str

    def url(self, rel: str = "") -> str:
        full = self.path + ("/" + rel if rel else "")
        return str(parse_url(str(self.vol.root)).with_path(full))

    def p(self, rel: str = "") -> str:
        return self.path + ("/" + rel if rel else "")

def make_local_tree(root: Path) -> Path:
    """A small tree: nested directories, binary and empty files, odd names, a symlink."""
    (root / "d1" / "d2").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"alpha\n")
    (root / "d1" / "empty").write_bytes(b"")
    (root / "d1" / "d2" / "bin").write_bytes(bytes(range(256)) * 300)
    (root / "d1" / "spaced name é").write_bytes(b"x" * 70000)
    for i in range(30):
        (root / "d1" / f"n{i:03}").write_bytes(os.urandom(i * 37))
    os.symlink("a.txt", root / "link")
    return root


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of the contents (symlinks followed), for every file."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
