"""A pickled GlusterPath reconnects lazily in another process (one subprocess, ~1 s)."""

from __future__ import annotations

import os
import pathlib
import pickle
import subprocess
import sys

import gpath
from gpath import GlusterPath

CHILD = r"""
import os, pickle, sys
f, d = pickle.loads(sys.stdin.buffer.read())
vol = f.volume
out = [repr(vol.mounted)]                      # nothing mounted while unpickling
out.append(f.read_text())                      # the first I/O mounts the volume
out += [repr(vol.mounted), repr(f.parent == d), repr(d.volume is vol), str(vol.get_volume_id())]
(d / "child.txt").write_text("from the child")
sys.stdout.write("\n".join(out))
sys.stdout.flush()
os._exit(0)  # skip glfs_fini at exit (it takes seconds); the parent checks the result
"""


def test_pickle_reconnects_in_a_new_process(gluster_tmp_path: GlusterPath) -> None:
    f = gluster_tmp_path / "data.txt"
    f.write_text("from the parent")
    blob = pickle.dumps([f, gluster_tmp_path])
    assert pickle.loads(blob)[0].volume is f.volume  # same process: the same Volume
    root = pathlib.Path(gpath.__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], input=blob, capture_output=True, timeout=120, env=env
    )
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().split("\n")
    assert lines == ["False", "from the parent", "True", "True", "True", str(f.volume.get_volume_id())]
    assert (gluster_tmp_path / "child.txt").read_text() == "from the child"
