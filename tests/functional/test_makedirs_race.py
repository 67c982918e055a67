"""makedirs() racing itself: many threads making the same new tree at once all succeed.

A distribute volume answers EIO to a mkdir that races another mkdir of the same name before
that one has finished; makedirs asks again instead of failing (pyarrow's writer threads
and Dask's workers make the same partition directories at once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gpath import Volume


def test_concurrent_makedirs_of_one_tree(
    gluster_mount: Callable[[str], Volume], gluster_tmpdir: str
) -> None:
    vol = gluster_mount("gpath_dist3")
    vol.makedirs(gluster_tmpdir, exist_ok=True)  # gluster_tmpdir is on the default volume
    errors: list[OSError] = []
    for round_ in range(15):
        target = f"{gluster_tmpdir}/r{round_}/a/b"
        barrier = threading.Barrier(8)

        def make() -> None:
            barrier.wait()
            try:
                vol.makedirs(target, exist_ok=True)
            except OSError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=make) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert vol.isdir(target) is True
    assert errors == []
    vol.rmtree(gluster_tmpdir)
