"""R5: many threads on one Volume and one File (libgfapi calls release the GIL)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator

import pytest

from gpath import Volume
from gpath.testing.pytest_plugin import scratch_dir

MiB = 1024 * 1024
THREADS = 8
STRIPES_PER_THREAD = 8


@pytest.fixture
def dist3_dir(gluster_mount: Callable[[str], Volume], request: pytest.FixtureRequest) -> Iterator[tuple[Volume, str]]:
    vol = gluster_mount("gpath_dist3")
    with scratch_dir(vol, request.node.name) as path:
        yield vol, path


def stripe_data(stripe: int, round_: int) -> bytes:
    seed = hashlib.sha256(f"{stripe}/{round_}".encode()).digest()
    return seed * (MiB // len(seed))


def run_threads(target: Callable[[int], None], count: int = THREADS) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def wrapped(n: int) -> None:
        try:
            barrier.wait(30)
            target(n)
        except BaseException as exc:  # collected and reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(n,), name=f"stress-{n}") for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
        assert not thread.is_alive(), "a thread is stuck"
    return errors


def test_shared_file_disjoint_stripes(dist3_dir: tuple[Volume, str]) -> None:
    vol, d = dist3_dir
    path = f"{d}/shared.bin"
    stripes = THREADS * STRIPES_PER_THREAD
    with vol.fopen(path, "w+b") as f:
        for round_ in range(3):

            def stripe_worker(n: int) -> None:
                for k in range(n, stripes, THREADS):  # thread n owns stripes n, n+8, ...
                    data = stripe_data(k, round_)
                    assert f.pwrite(data, k * MiB) == MiB
                    assert f.pread(MiB, k * MiB) == data, f"stripe {k} round {round_}"
                    vol.stat(path)  # path calls on the same Volume, interleaved

            assert run_threads(stripe_worker) == []
            f.fsync()
            assert f.fstat().st_size == stripes * MiB
        f.seek(0)
        whole = f.read()
    assert len(whole) == stripes * MiB
    for k in range(stripes):
        assert whole[k * MiB:(k + 1) * MiB] == stripe_data(k, 2), f"stripe {k}"


def test_own_files_per_thread(dist3_dir: tuple[Volume, str]) -> None:
    vol, d = dist3_dir

    def own_file_worker(n: int) -> None:
        for round_ in range(3):
            path = f"{d}/own-{n}.bin"
            data = stripe_data(n, round_) * 4
            with vol.fopen(path, "wb") as f:
                f.write(data)
                f.fsync()
            with vol.open_file(path, "rb") as f:
                assert f.read() == data
            assert f"own-{n}.bin" in vol.listdir(d)

    assert run_threads(own_file_worker) == []


def test_shared_file_offset_writes_do_not_interleave(dist3_dir: tuple[Volume, str]) -> None:
    # write() moves the shared offset; each call is one unit under the File's lock.
    vol, d = dist3_dir
    path = f"{d}/appended.bin"
    chunk = 256 * 1024
    per_thread = 8
    with vol.fopen(path, "w+b") as f:

        def writer(n: int) -> None:
            for i in range(per_thread):
                marker = bytes([n * per_thread + i]) * chunk
                assert f.write(marker) == chunk

        assert run_threads(writer) == []
        f.seek(0)
        data = f.read()
    assert len(data) == THREADS * per_thread * chunk
    seen = sorted(data[i] for i in range(0, len(data), chunk))
    assert seen == list(range(THREADS * per_thread))
    for i in range(0, len(data), chunk):
        assert data[i:i + chunk] == bytes([data[i]]) * chunk, f"chunk at {i} interleaved"
