"""A Dask job on a 2-worker-process LocalCluster over gluster:// (run as a script).

Spawned workers import their main module again, so this lives in a file, guarded by
``__main__``.  Usage: ``python dask_job.py URL_OF_A_FRESH_DIRECTORY``.  Prints one JSON
line with what the test checks.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(2024)
    rows = 20_000
    return pd.DataFrame(
        {
            "group": rng.integers(0, 9, rows),
            "x": rng.normal(size=rows),
            "y": rng.integers(0, 1000, rows),
        }
    )


def main(base: str) -> None:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    df = frame()
    with (
        LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None)
        as cluster,
        Client(cluster) as client,
    ):
        ddf = dd.from_pandas(df, npartitions=8)
        ddf.to_parquet(f"{base}/parquet", write_index=False)
        back = dd.read_parquet(f"{base}/parquet")
        grouped = back.groupby("group").agg({"x": "sum", "y": "max"}).compute()
        counts = back.groupby("group").size().compute()
        back.to_csv(f"{base}/csv/part-*.csv", index=False)
        workers = client.run(lambda: __import__("os").getpid())
        csv_rows = len(dd.read_csv(f"{base}/csv/part-*.csv").compute())

    want = df.groupby("group").agg({"x": "sum", "y": "max"})
    grouped = grouped.sort_index()
    print(
        json.dumps(
            {
                "workers": sorted(workers.values()),
                "groups": grouped.index.tolist(),
                "x_close": bool(np.allclose(grouped["x"].to_numpy(), want["x"].to_numpy())),
                "y_equal": grouped["y"].tolist() == want["y"].tolist(),
                "counts_equal": counts.sort_index().tolist()
                == df.groupby("group").size().tolist(),
                "csv_rows": csv_rows,
                "rows": len(df),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
