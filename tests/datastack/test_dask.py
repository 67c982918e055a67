"""A 2-worker-process Dask LocalCluster writes, reads, groups and writes a volume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gpath.fsspec import GlusterFileSystem

JOB = Path(__file__).with_name("dask_job.py")


def test_dask_local_cluster_on_gluster(gfs: GlusterFileSystem, gdir: str, volume_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, str(JOB), f"{volume_url}{gdir}/job"],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(result["workers"]) == 2 and os.getpid() not in result["workers"]
    assert result["groups"] == list(range(9))
    assert result["x_close"] is True and result["y_equal"] is True
    assert result["counts_equal"] is True
    assert result["csv_rows"] == result["rows"] == 20_000
    parquet = gfs.ls(f"{gdir}/job/parquet", detail=False)
    assert len([p for p in parquet if p.endswith(".parquet")]) == 8
    assert len(gfs.glob(f"{gdir}/job/csv/part-*.csv")) == 8
