"""AsyncGlusterPath and AsyncFile over the worker pool, under asyncio and trio."""

from __future__ import annotations

import errno
import io
import os
import time
from collections.abc import Callable

import anyio
import pytest

from gpath import ClosedError, GlusterPath, Volume
from gpath.aio import AsyncFile, AsyncGlusterPath, worker_limiter
from gpath.testing import brick_pids


def test_pure_operations_need_no_await(base: GlusterPath) -> None:
    a = AsyncGlusterPath(base)
    child = a / "dir" / "file.tar.gz"
    assert type(child) is AsyncGlusterPath
    assert child.sync == base / "dir" / "file.tar.gz"
    assert child.name == "file.tar.gz"
    assert child.suffix == ".gz"
    assert child.suffixes == [".tar", ".gz"]
    assert child.stem == "file.tar"
    assert type(child.parent) is AsyncGlusterPath
    assert child.parent.path == base.path + "/dir"
    assert child.with_suffix(".zip").path == base.path + "/dir/file.tar.zip"
    assert child.with_name("x").path == base.path + "/dir/x"
    assert [type(p) for p in child.parents][:2] == [AsyncGlusterPath, AsyncGlusterPath]
    assert str(child.relative_to(a)) == "dir/file.tar.gz"
    assert child.joinpath("x", "y").path == child.path + "/x/y"
    assert AsyncGlusterPath(child) == child and hash(AsyncGlusterPath(child)) == hash(child)
    assert a < child
    assert str(child) == str(base / "dir" / "file.tar.gz")
    with pytest.raises(TypeError):
        AsyncGlusterPath("/not/a/gluster/path")  # type: ignore[arg-type]


def test_hundred_concurrent_writes_and_reads(base: GlusterPath) -> None:
    a = AsyncGlusterPath(base)
    payloads = {f"f{i:03}.bin": os.urandom(1000 + 37 * i) for i in range(100)}
    got: dict[str, bytes] = {}

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for name, data in payloads.items():
                tg.start_soon((a / name).write_bytes, data)

        async def read(name: str) -> None:
            got[name] = await (a / name).read_bytes()

        async with anyio.create_task_group() as tg:
            for name in payloads:
                tg.start_soon(read, name)

    anyio.run(main)
    assert got == payloads
    for name, data in payloads.items():  # and what the sync API sees
        assert (base / name).read_bytes() == data


def test_listing_rename_rmtree(base: GlusterPath) -> None:
    a = AsyncGlusterPath(base)

    async def main() -> None:
        await (a / "d" / "e").mkdir(parents=True)
        for rel in ("x.txt", "y.log", "d/z.txt", "d/e/w.txt"):
            await (a / rel).write_text(rel)
        assert sorted([p.name async for p in a.iterdir()]) == ["d", "x.txt", "y.log"]
        found = [p async for p in a.glob("*.txt")]
        assert [type(p) for p in found] == [AsyncGlusterPath]
        assert [p.name for p in found] == ["x.txt"]
        deep = sorted([p.relative_to(a).as_posix() async for p in a.rglob("*.txt")])
        assert deep == ["d/e/w.txt", "d/z.txt", "x.txt"]
        walked = []
        async for dirpath, dirnames, filenames in a.walk():
            assert type(dirpath) is AsyncGlusterPath
            walked.append((dirpath.relative_to(a).as_posix(), sorted(filenames)))
            dirnames[:] = [n for n in dirnames if n != "e"]  # pruning reaches the walk
        assert sorted(walked) == [(".", ["x.txt", "y.log"]), ("d", ["z.txt"])]
        moved = await (a / "x.txt").rename(a / "d" / "moved.txt")
        assert type(moved) is AsyncGlusterPath and moved.path == base.path + "/d/moved.txt"
        assert await moved.read_text() == "x.txt"
        assert not await (a / "x.txt").exists()
        replaced = await (a / "y.log").replace(moved)
        assert await replaced.read_text() == "y.log"
        copied = await (a / "d").copy(a / "copy")
        assert isinstance(copied, AsyncGlusterPath)
        assert await (a / "copy" / "e" / "w.txt").read_text() == "d/e/w.txt"
        await (a / "d").rmtree()
        await (a / "copy").rmtree()
        assert [p async for p in a.iterdir()] == []
        st = await a.stat()
        assert st == base.stat() or st.st_ino == base.stat().st_ino
        assert await a.is_dir() and not await a.is_file()

    anyio.run(main)


def test_errors_are_the_sync_errors(base: GlusterPath) -> None:
    a = AsyncGlusterPath(base)
    (base / "file").write_bytes(b"x")

    async def main() -> None:
        with pytest.raises(FileNotFoundError) as missing:
            await (a / "nope").stat()
        assert missing.value.errno == errno.ENOENT
        assert missing.value.filename == base.path + "/nope"
        with pytest.raises(FileExistsError) as exists:
            await a.mkdir()
        assert exists.value.filename == base.path
        with pytest.raises(NotADirectoryError):
            [p async for p in (a / "file").iterdir()]
        with pytest.raises(FileNotFoundError):
            await (a / "nope").read_bytes()
        with pytest.raises(FileNotFoundError):
            await (a / "nope").open("rb")
        with pytest.raises(ValueError):
            await (a / "file").open("rq")
        assert await (a / "nope").exists() is False
        f = await (a / "file").open("rb")
        await f.close()
        with pytest.raises(ValueError, match="closed file"):  # as the sync BufferedReader
            await f.read()
        with pytest.raises(ClosedError):
            await f.pread(1, 0)
        f = await (a / "file").open("rb", buffering=0)
        await f.close()
        with pytest.raises(ClosedError):
            await f.read()
        with pytest.raises(ClosedError):
            await f.pread(1, 0)
        await f.close()  # a second close does nothing

    anyio.run(main)
    with pytest.raises(FileNotFoundError) as sync_missing:
        (base / "nope").stat()
    assert sync_missing.value.filename == base.path + "/nope"


def test_async_file_methods(base: GlusterPath) -> None:
    a = AsyncGlusterPath(base / "text.txt")

    async def main() -> None:
        async with await a.open("w", encoding="utf-8") as f:
            assert type(f) is AsyncFile
            assert isinstance(f.wrapped, io.TextIOWrapper)
            assert await f.write("one\ntwo\n") == 8
            await f.writelines(["three\n"])
            await f.flush()
        assert f.closed
        async with await a.open("r", encoding="utf-8") as f:
            assert await f.readline() == "one\n"
            assert [line async for line in f] == ["two\n", "three\n"]
            assert await f.seek(0) == 0
            assert await f.read(3) == "one"
            assert await f.tell() == 3
        async with await a.open("r+b", buffering=0) as f:
            buf = bytearray(4)
            assert await f.readinto(buf) == 4 and buf == b"one\n"
            assert await f.truncate(3) == 3
            assert await f.seek(0, os.SEEK_END) == 3

    anyio.run(main)
    assert (base / "text.txt").read_bytes() == b"one"


def _brick_fds(volname: str, path: str) -> int:
    """How many descriptors the brick process has open on the brick file *path*."""
    count = 0
    for pid in brick_pids(volname):
        if pid is None:
            continue
        fd_dir = f"/proc/{pid}/fd"
        for fd in os.listdir(fd_dir):
            try:
                if os.readlink(os.path.join(fd_dir, fd)) == path:
                    count += 1
            except OSError:
                pass
    return count


def test_cancelled_large_read_leaves_nothing_open(
    base: GlusterPath, brick_dir: Callable[[str, GlusterPath], str]
) -> None:
    big = base / "big.bin"
    data = os.urandom(1 << 20) * 48  # 48 MiB: a read of it takes well over the 20 ms below
    big.write_bytes(data)
    a = AsyncGlusterPath(big)
    on_brick = brick_dir("gpath_single", big)
    states: list[bool] = []

    async def main() -> None:
        with anyio.move_on_after(0.02) as scope:
            await a.read_bytes()
        assert scope.cancelled_caught
        for delay in (0.0, 0.001, 0.01):  # cancelled while opening: nothing stays open
            opened: AsyncFile | None = None
            with anyio.move_on_after(delay):
                opened = await a.open("rb")
            if opened is not None:
                await opened.close()
        f = await a.open("rb")
        with anyio.move_on_after(0.02) as scope:
            async with f:
                await f.read()
        assert scope.cancelled_caught
        states.append(f.closed)
        # native reads cancelled mid-flight: their buffers stay pinned until they complete
        g = await a.open("rb", buffering=0)
        with anyio.move_on_after(0.005):
            async with anyio.create_task_group() as tg:
                for i in range(16):
                    tg.start_soon(g.pread, 1 << 20, i << 20)
        await g.close()
        states.append(g.closed)
        assert await a.read_bytes() == data  # the volume is still fine

    anyio.run(main)
    assert states == [True, True]
    deadline = time.monotonic() + 10
    while _brick_fds("gpath_single", on_brick) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _brick_fds("gpath_single", on_brick) == 0


def test_worker_pool_is_bounded_per_volume(single: Volume, base: GlusterPath) -> None:
    a = AsyncGlusterPath(base)
    seen: list[int] = []

    async def main() -> None:
        limiter = worker_limiter(single)
        assert limiter is worker_limiter(single)
        assert limiter.total_tokens == 32
        limiter.total_tokens = 3

        async def one(i: int) -> None:
            await (a / f"s{i}").touch()
            seen.append(limiter.borrowed_tokens)

        async with anyio.create_task_group() as tg:
            for i in range(30):
                tg.start_soon(one, i)

    anyio.run(main)
    assert len(seen) == 30 and max(seen) <= 3
    assert len(list(base.iterdir())) == 30


def test_trio_concurrent_writes(base: GlusterPath) -> None:
    a = AsyncGlusterPath(base)
    payloads = {f"t{i:02}": os.urandom(4096 + i) for i in range(50)}
    got: dict[str, bytes] = {}

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for name, data in payloads.items():
                tg.start_soon((a / name).write_bytes, data)
        async with await (a / "native").open("w+b", buffering=0) as f:
            async with anyio.create_task_group() as tg:
                for i in range(32):
                    tg.start_soon(f.pwrite, bytes([i]) * 1000, i * 1000)
            got["native"] = await f.pread(32000, 0)
        for name in payloads:
            got[name] = await (a / name).read_bytes()

    anyio.run(main, backend="trio")
    assert got.pop("native") == b"".join(bytes([i]) * 1000 for i in range(32))
    assert got == payloads


def test_queries_answer_as_the_sync_ones(base: GlusterPath) -> None:
    (base / "file").write_bytes(b"12345")
    (base / "dir").mkdir()
    (base / "link").symlink_to("file")
    (base / "broken").symlink_to("nowhere")
    names = ["file", "dir", "link", "broken", "missing", "file/below", "a\0b", "x" * 300]
    queries = ["exists", "is_dir", "is_file", "is_symlink", "is_fifo", "is_socket"]
    queries += ["is_block_device", "is_char_device"]

    def outcome(call: Callable[[], object]) -> object:
        try:
            result = call()
        except Exception as exc:
            return (type(exc), getattr(exc, "errno", None), getattr(exc, "filename", None))
        if isinstance(result, os.stat_result):
            return (result.st_ino, result.st_mode, result.st_size, result.st_mtime_ns)
        return result

    expected = {}
    for name in names:
        p = base / name
        for q in queries:
            expected[name, q] = outcome(getattr(p, q))
        expected[name, "stat"] = outcome(p.stat)
        expected[name, "lstat"] = outcome(p.lstat)

    async def main() -> dict[tuple[str, str], object]:
        got: dict[tuple[str, str], object] = {}
        for name in names:
            a = AsyncGlusterPath(base / name)
            for q in [*queries, "stat", "lstat"]:
                try:
                    result: object = await getattr(a, q)()
                except Exception as exc:
                    result = (
                        type(exc),
                        getattr(exc, "errno", None),
                        getattr(exc, "filename", None),
                    )
                else:
                    if isinstance(result, os.stat_result):
                        result = (result.st_ino, result.st_mode, result.st_size, result.st_mtime_ns)
                got[name, q] = result
        return got

    got = anyio.run(main)
    assert got == expected
    assert expected["file", "stat"] != expected["missing", "stat"]
    assert expected["missing", "stat"][0] is FileNotFoundError  # type: ignore[index]
    assert expected["broken", "exists"] is False
