"""The spec's "Example Usage", unchanged but for Python 3 syntax, on the local volume.

Only the connection details differ: the spec's host and volume become the local test
volume, and the example runs in a fresh directory (it uses relative paths, so the new
mount's working directory is moved there first).  It unmounts at the end, as written.
"""

from __future__ import annotations

import contextlib
import io
import stat

from gpath import Volume
from gpath.testing.cluster import client_host


def test_example_usage(gluster_volume: Volume, gluster_tmpdir: str) -> None:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        # ---- the spec's example (Python 3 syntax) ----
        volume = Volume(client_host(), "gpath_single")
        volume.mount()
        volume.chdir(gluster_tmpdir)  # not in the example: isolate its relative paths
        # Create directory
        volume.mkdir("dir1", 0o755)
        # List directories
        volume.listdir("/")
        # Create new file and write to it
        with volume.fopen("somefile.txt", "w+") as f:
            f.write("Winter is coming.")
        # Open and read file
        with volume.fopen("somefile.txt", "r") as f:
            print(f.read())
        # Delete file
        volume.unlink("somefile.txt")
        # Unmount the volume
        volume.umount()
        # ---- end of the example ----

    assert output.getvalue() == "b'Winter is coming.'\n"
    assert volume.mounted is False
    # What the example left behind, seen through the session's own mount of the volume.
    assert gluster_volume.listdir(gluster_tmpdir) == ["dir1"]
    st = gluster_volume.stat(f"{gluster_tmpdir}/dir1")
    assert stat.S_ISDIR(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o755
    assert gluster_volume.exists(f"{gluster_tmpdir}/somefile.txt") is False
