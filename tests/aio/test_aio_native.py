"""Native asynchronous I/O (glfs_*_async): AsyncFile's positional calls and FutureIO."""

from __future__ import annotations

import concurrent.futures
import errno
import io
import os
import threading
from collections.abc import Callable

import anyio
import pytest

from gpath import ClosedError, GlusterPath, Volume, VolumeNotMounted
from gpath.aio import AsyncGlusterPath, FutureIO

BLOCK = 64 * 1024


def _block(task: int, index: int) -> bytes:
    return bytes([(task * 7 + index) % 251]) * (BLOCK - 1) + bytes([task])


def test_pwrite_pread_stress_verified_on_brick(
    base: GlusterPath, brick_dir: Callable[[str, GlusterPath], str]
) -> None:
    tasks, per_task = 48, 8
    path = base / "stress.bin"
    a = AsyncGlusterPath(path)
    mismatches: list[tuple[int, int]] = []

    async def main() -> None:
        async with await a.open("w+b", buffering=0) as f:

            async def writer(t: int) -> None:
                for i in range(per_task):
                    offset = (i * tasks + t) * BLOCK
                    assert await f.pwrite(_block(t, i), offset) == BLOCK

            async with anyio.create_task_group() as tg:
                for t in range(tasks):
                    tg.start_soon(writer, t)
            await f.fsync()

            async def reader(t: int) -> None:
                for i in range(per_task):
                    offset = (i * tasks + t) * BLOCK
                    if await f.pread(BLOCK, offset) != _block(t, i):
                        mismatches.append((t, i))

            async with anyio.create_task_group() as tg:
                for t in range(tasks):
                    tg.start_soon(reader, t)

    anyio.run(main)
    assert mismatches == []
    expected = b"".join(_block(t, i) for i in range(per_task) for t in range(tasks))
    with open(brick_dir("gpath_single", path), "rb") as on_brick:
        assert on_brick.read() == expected


def test_native_calls_and_their_errors(base: GlusterPath) -> None:
    path = base / "n.bin"
    path.write_bytes(b"0123456789" * 10)
    a = AsyncGlusterPath(path)

    async def main() -> None:
        async with await a.open("r+b", buffering=0) as f:
            assert await f.tell() == 0
            assert await f.pread(5, 95) == b"56789"
            assert await f.pread(10, 1000) == b""
            buf = bytearray(4)
            assert await f.preadinto(buf, 10) == 4 and buf == b"0123"
            assert await f.pwrite("é", 0) == 2
            assert await f.tell() == 0  # positional calls leave the offset alone
            await f.ftruncate(50)
            await f.zerofill(10, 10)
            await f.discard(20, 10)
            await f.fdatasync()
            await f.fsync()
            assert await f.pread(100, 0) == "é".encode() + b"23456789" + bytes(20) + (
                b"0123456789" * 2
            )
            with pytest.raises(ValueError):
                await f.pread(1, -1)
            with pytest.raises(TypeError):
                await f.pread(1.5, 0)  # type: ignore[arg-type]
            with pytest.raises(OverflowError):
                await f.pwrite(b"x", 1 << 63)
        async with await a.open("rb", buffering=0) as r:
            with pytest.raises(io.UnsupportedOperation):
                await r.pwrite(b"x", 0)
            with pytest.raises(io.UnsupportedOperation):
                await r.ftruncate(0)
        async with await a.open("wb", buffering=0) as w:
            with pytest.raises(io.UnsupportedOperation):
                await w.pread(1, 0)
        with pytest.raises(ClosedError):
            await w.pwrite(b"x", 0)

    anyio.run(main)
    # the same errors from the sync File
    with path.open("rb", buffering=0) as sync_file, pytest.raises(io.UnsupportedOperation):
        sync_file.pwrite(b"x", 0)


def test_future_io(base: GlusterPath, single: Volume) -> None:
    path = base / "futures.bin"
    with single.fopen(path.path, "w+b") as f, FutureIO(f) as fio:
        writes = [fio.pwrite(bytes([65 + i]) * 100, i * 100) for i in range(20)]
        assert [w.result(timeout=30) for w in writes] == [100] * 20
        assert fio.fsync().result(timeout=30) is None
        assert fio.pread(300, 0).result(timeout=30) == b"A" * 100 + b"B" * 100 + b"C" * 100
        assert f.tell() == 0
        assert fio.ftruncate(150).result(timeout=30) is None
        assert f.fstat().st_size == 150
        with pytest.raises(ValueError):
            fio.pread(1, -5)
    with single.fopen(path.path, "rb") as r, FutureIO(r) as fio:
        with pytest.raises(io.UnsupportedOperation):
            fio.pwrite(b"x", 0)
        assert fio.pread(1000, 0).result(timeout=30) == b"A" * 100 + b"B" * 50


def test_callback_storm(base: GlusterPath, single: Volume) -> None:
    # thousands of one-byte writes: write-behind completes most of them inside the submit
    count = 4000
    path = base / "storm.bin"
    with single.fopen(path.path, "w+b") as f, FutureIO(f) as fio:
        futures = [fio.pwrite(bytes([i % 256]), i) for i in range(count)]
        done, pending = concurrent.futures.wait(futures, timeout=60)
        assert not pending
        assert all(fut.result() == 1 for fut in futures)
        fio.fsync().result(timeout=30)
        reads = [fio.pread(1, i) for i in range(0, count, 7)]
        assert [r.result(timeout=30) for r in reads] == [
            bytes([i % 256]) for i in range(0, count, 7)
        ]
    assert path.read_bytes() == bytes(i % 256 for i in range(count))

    async def storm() -> None:
        async with await AsyncGlusterPath(path).open("r+b", buffering=0) as af:
            async with anyio.create_task_group() as tg:
                for i in range(count):
                    tg.start_soon(af.pwrite, b"\xff", i)

    anyio.run(storm)
    assert path.read_bytes() == b"\xff" * count


def test_unmount_with_requests_in_flight(single: Volume, base: GlusterPath) -> None:
    vol = Volume(single.hosts, single.volname, port=single.port)
    vol.mount(timeout=60)
    path = base.path + "/inflight.bin"
    chunk = os.urandom(1 << 20)
    f = vol.fopen(path, "w+b")
    fio = FutureIO(f)
    futures = [fio.pwrite(chunk, i << 20) for i in range(32)]
    vol.umount()  # waits for the requests in flight, then closes the Files
    done, pending = concurrent.futures.wait(futures, timeout=60)
    assert not pending
    for fut in futures:  # each finished: written in full, or failed with an OSError
        exc = fut.exception()
        assert exc is None and fut.result() == len(chunk) or isinstance(exc, OSError)
    assert f.closed
    with pytest.raises((VolumeNotMounted, ClosedError)):
        fio.pread(1, 0)
    written = single.path(path).read_bytes()
    assert len(written) % (1 << 20) == 0
    for i in range(len(written) >> 20):
        block = written[i << 20 : (i + 1) << 20]
        assert block in (chunk, bytes(len(chunk)))

    # the same from an event loop: a task awaits while another thread unmounts
    vol.mount(timeout=60)
    outcomes: list[object] = []

    async def main() -> None:
        af = await AsyncGlusterPath(vol.path(path)).open("r+b", buffering=0)

        async def write(i: int) -> None:
            try:
                outcomes.append(await af.pwrite(chunk, i << 20))
            except OSError as exc:
                outcomes.append(exc.errno)

        async with anyio.create_task_group() as tg:
            for i in range(16):
                tg.start_soon(write, i)
            await anyio.sleep(0)
            await anyio.to_thread.run_sync(vol.umount)
        await af.close()
        assert af.closed

    anyio.run(main)
    assert len(outcomes) == 16
    assert all(o == len(chunk) or o in (errno.EBADF, errno.ENOTCONN) for o in outcomes)


def test_many_threads_share_future_io(single: Volume, base: GlusterPath) -> None:
    path = base.path + "/threads.bin"
    with single.fopen(path, "w+b") as f, FutureIO(f) as fio:
        errors: list[BaseException] = []

        def work(t: int) -> None:
            try:
                for i in range(50):
                    assert fio.pwrite(bytes([t]) * 10, (t * 50 + i) * 10).result(30) == 10
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
    data = single.path(path).read_bytes()
    assert data == b"".join(bytes([t]) * 500 for t in range(8))
