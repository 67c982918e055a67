"""pandas, pyarrow and xarray/zarr read and write a real volume by gluster:// URL."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import xarray as xr

from gpath import Volume
from gpath.fsspec import GlusterFileSystem


def _frame(rows: int = 1000) -> pd.DataFrame:
    rng = np.random.default_rng(17)
    return pd.DataFrame(
        {
            "key": rng.integers(0, 7, rows),
            "value": rng.normal(size=rows),
            "name": [f"n{i % 13}é" for i in range(rows)],
        }
    )


def test_pandas_csv_by_url(volume_url: str, gdir: str, dvolume: Volume) -> None:
    df = _frame()
    url = f"{volume_url}{gdir}/csv/data.csv"
    df.to_csv(url, index=False)
    assert dvolume.isfile(f"{gdir}/csv/data.csv")  # the parent directory was made
    back = pd.read_csv(url)
    pd.testing.assert_frame_equal(back, df)
    gz = f"{volume_url}{gdir}/csv/data.csv.gz"
    df.to_csv(gz, index=False, compression="gzip")
    pd.testing.assert_frame_equal(pd.read_csv(gz), df)


def test_pandas_parquet_by_url(volume_url: str, gdir: str) -> None:
    df = _frame()
    url = f"{volume_url}{gdir}/one.parquet"
    df.to_parquet(url)
    pd.testing.assert_frame_equal(pd.read_parquet(url), df)
    parts = f"{volume_url}{gdir}/parts"
    df.to_parquet(parts, partition_cols=["key"])
    back = pd.read_parquet(parts)
    assert sorted(back.columns) == ["key", "name", "value"]
    back = back.sort_values("value").reset_index(drop=True)
    want = df.sort_values("value").reset_index(drop=True)
    assert back["key"].astype(int).tolist() == want["key"].tolist()
    assert back["value"].tolist() == want["value"].tolist()


def test_pyarrow_multi_file_dataset(gfs: GlusterFileSystem, gdir: str) -> None:
    fs = pafs.PyFileSystem(pafs.FSSpecHandler(gfs))
    table = pa.Table.from_pandas(_frame(3000), preserve_index=False)
    base = f"{gdir}/ds"
    pads.write_dataset(
        table,
        base,
        filesystem=fs,
        format="parquet",
        partitioning=pads.partitioning(pa.schema([("key", pa.int64())]), flavor="hive"),
        max_rows_per_file=200,
        max_rows_per_group=200,
    )
    files = gfs.find(base)
    assert len(files) >= 15 and all(f.endswith(".parquet") for f in files)
    dataset = pads.dataset(base, filesystem=fs, format="parquet", partitioning="hive")
    assert dataset.count_rows() == 3000
    got = dataset.to_table(filter=pads.field("key") == 3).to_pandas()
    want = table.to_pandas()
    assert sorted(got["value"]) == sorted(want[want["key"] == 3]["value"])
    one = pq.read_table(files[0], filesystem=fs)
    assert one.num_rows <= 200
    # pyarrow reads through many threads at once
    assert pq.read_table(base, filesystem=fs).num_rows == 3000


def test_xarray_zarr_by_url(volume_url: str, gdir: str) -> None:
    ds = xr.Dataset(
        {"t": (("x", "y"), np.arange(600, dtype="float64").reshape(20, 30))},
        coords={"x": np.arange(20), "y": np.linspace(0, 1, 30)},
        attrs={"title": "gpath"},
    )
    url = f"{volume_url}{gdir}/cube.zarr"
    ds.chunk({"x": 5}).to_zarr(url, mode="w", consolidated=False)
    back = xr.open_zarr(url, consolidated=False)
    xr.testing.assert_identical(back.load(), ds)
    assert back.attrs == {"title": "gpath"}
