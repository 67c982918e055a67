"""Fast unmount is safe: nothing written is lost when a process unmounts and exits at once.

``Volume.umount()`` closes the Files, disconnects from the bricks and leaves ``glfs_fini``
(freeing local threads and memory, 0 to 1.1 s on GlusterFS 10) to a background thread; at
interpreter exit gpath unmounts what is still mounted and waits only briefly for those
threads.  These tests write from one child process that then unmounts (or not) and exits,
and verify every byte from a second, fresh process.  Timings are the benchmark's business
(``benchmarks/run.py``), not asserted here; the subprocess timeout only guards against a hang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gpath import Volume
from gpath.testing.cluster import client_host
from gpath.testing.pytest_plugin import make_test_dir, scratch_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 120.0
VOLUMES = ("gpath_single", "gpath_dist3", "gpath_rep3")

# Files of assorted sizes (0 bytes, below and above write-behind's 128 KiB aggregation and
# 1 MiB window, above one 64 MiB I/O chunk is too slow for a functional test).
SIZES = (0, 1, 4096, 131_071, 131_072 + 17, 1_048_576 * 3 + 5)

CHILD_PRELUDE = """
import hashlib, json, os, sys
from gpath import Volume

def content(name, size):
    seed = hashlib.sha256(name.encode()).digest()
    reps = size // len(seed) + 1
    return (seed * reps)[:size]

args = json.loads(sys.argv[1])
vol = Volume(args["host"], args["volname"])
vol.mount(timeout=60)
"""


def _run_child(code: str, args: dict[str, object]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONFAULTHANDLER"] = "1"
    script = CHILD_PRELUDE + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=env,
        check=False,
    )


def _check(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, f"child failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert "Fatal Python error" not in result.stderr, result.stderr
    return result.stdout.splitlines()


# The writer: plain Files closed by the user, a File and a buffered writer left open (the
# unmount, or the exit, must close and flush them), then one of three endings.
WRITER = """
files = {}
for i, size in enumerate(args["sizes"]):
    name = f"{args['dir']}/closed-{i}.bin"
    with vol.fopen(name, "wb") as f:
        f.write(content(name, size))
    files[name] = size
left_open = f"{args['dir']}/left-open.bin"
raw = vol.fopen(left_open, "wb")
data = content(left_open, 200_000)
for offset in range(0, len(data), 1000):  # small writes: write-behind aggregates them
    raw.write(data[offset:offset + 1000])
files[left_open] = 200_000
buffered_name = f"{args['dir']}/buffered.bin"
buffered = vol.open_file(buffered_name, "wb")
buffered.write(content(buffered_name, 5000))  # stays in the 1 MiB buffer until closed
files[buffered_name] = 5000
ending = args["ending"]
if ending == "umount-and-exit":
    buffered.close()
    vol.umount()  # closes `raw`; glfs_fini continues in the background
elif ending == "exit-mounted":
    buffered.close()  # `raw` and the mount are left for the interpreter exit
elif ending == "umount-remount":
    buffered.close()
    vol.umount()
    vol.mount(timeout=60)  # the same Volume object, at once
    extra = f"{args['dir']}/after-remount.bin"
    with vol.fopen(extra, "wb") as f:
        f.write(content(extra, 70_000))
    files[extra] = 70_000
    for name, size in files.items():
        with vol.fopen(name, "rb") as f:
            assert f.read() == content(name, size), name
    vol.umount()
print(json.dumps(files), flush=True)
"""

VERIFIER = """
files = json.loads(args["files"])
bad = []
for name, size in sorted(files.items()):
    with vol.fopen(name, "rb") as f:
        data = f.read()
    if data != content(name, size):
        bad.append((name, len(data), size))
found = sorted(vol.listdir(args["dir"]))
vol.umount()
print(json.dumps({"bad": bad, "listing": found}), flush=True)
"""


@pytest.fixture(params=VOLUMES)
def shared_dir(
    request: pytest.FixtureRequest, gluster_mount: Callable[[str], Volume]
) -> Iterator[tuple[str, str]]:
    """(volname, fresh directory) on each volume; the directory is removed afterwards."""
    volume = gluster_mount(request.param)
    with scratch_dir(volume, request.node.name) as path:
        yield request.param, path


@pytest.mark.parametrize("ending", ["umount-and-exit", "exit-mounted", "umount-remount"])
def test_data_written_before_a_fast_umount_and_exit_survives(shared_dir: tuple[str, str], ending: str) -> None:
    volname, directory = shared_dir
    common = {"host": client_host(), "volname": volname, "dir": directory}
    lines = _check(_run_child(WRITER, {**common, "sizes": list(SIZES), "ending": ending}))
    files = json.loads(lines[-1])
    report = json.loads(_check(_run_child(VERIFIER, {**common, "files": json.dumps(files)}))[-1])
    assert report["bad"] == []
    assert report["listing"] == sorted(os.path.basename(name) for name in files)


def test_repeated_umount_and_exit_loses_nothing(gluster_mount: Callable[[str], Volume]) -> None:
    """Several processes in a row that write and exit right after umount()."""
    volume = gluster_mount("gpath_rep3")
    directory = make_test_dir(volume, "repeated-umount-exit")
    try:
        common = {"host": client_host(), "volname": "gpath_rep3", "dir": directory}
        files: dict[str, int] = {}
        for round_ in range(5):
            code = """
            name = f"{args['dir']}/round-{args['round']}.bin"
            with vol.fopen(name, "wb") as f:
                f.write(content(name, args["size"]))
            vol.umount()
            print(json.dumps({name: args["size"]}), flush=True)
            """
            lines = _check(_run_child(code, {**common, "round": round_, "size": 100_000 * round_ + 3}))
            files.update(json.loads(lines[-1]))
        report = json.loads(_check(_run_child(VERIFIER, {**common, "files": json.dumps(files)}))[-1])
        assert report["bad"] == []
        assert len(report["listing"]) == 5
    finally:
        volume.rmtree(directory, ignore_errors=True)


def test_umount_wait_runs_glfs_fini_in_the_caller(gluster_volumes: object) -> None:
    """``umount(wait=True)`` finishes everything before returning; the Volume remounts."""
    vol = Volume(client_host(), "gpath_single")
    vol.mount(timeout=60)
    directory = make_test_dir(vol, "umount-wait")
    with vol.fopen(f"{directory}/a", "wb") as f:
        f.write(b"payload")
    vol.umount(wait=True)
    assert not vol.mounted
    vol.mount(timeout=60)
    try:
        with vol.fopen(f"{directory}/a", "rb") as f:
            assert f.read() == b"payload"
    finally:
        vol.rmtree(directory, ignore_errors=True)
        vol.umount()
