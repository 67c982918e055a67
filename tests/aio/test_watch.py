"""GlusterPath.watch() and AsyncGlusterPath.watch() on a volume with cache invalidation on.

The changes come from a second process with a mount of its own: the server never tells a
client about its own changes.
"""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable
import time
import warnings

import anyio
import pytest

from gpath import ClosedError, GlusterPath, Volume
from gpath.aio import AsyncGlusterPath, EventKind, WatchEvent, WatchWarning


CHILD_TIMEOUT = 120
Client = Callable[[Volume, GlusterPath, str], subprocess.Popen[str]]
WITHIN = 10.0  # seconds an event may take (they take tens of milliseconds)

CREATE_MODIFY_DELETE = """
(d / "a.txt").write_bytes(b"one")
step()
with (d / "a.txt").open("ab") as f:
    f.write(b"two")
step()
(d / "a.txt").unlink()
step()
"""


def _kinds(events: list[WatchEvent], base: GlusterPath) -> list[tuple[str, str]]:
    return [(e.kind.value, e.path.relative_to(base).as_posix()) for e in events]


def test_sync_watch_sees_create_modify_delete_in_order(
    watched: GlusterPath, other_client: Client
) -> None:
    events: list[WatchEvent] = []
    with watched.watch() as watcher:
        child = other_client(watched.volume, watched, CREATE_MODIFY_DELETE)
        started = time.monotonic()
        for _ in range(3):
            events.append(watcher.get(timeout=WITHIN))
        took = time.monotonic() - started
        assert child.wait(CHILD_TIMEOUT) == 0
    assert _kinds(events, watched) == [
        ("created", "a.txt"),
        ("modified", "a.txt"),
        ("deleted", "a.txt"),
    ]
    assert type(events[0].path) is GlusterPath
    assert events[0].stat is not None and events[0].stat.st_size == 3
    assert stat.S_ISREG(events[0].stat.st_mode)
    assert events[1].stat is not None and events[1].stat.st_size == 6
    assert events[2].stat is None and events[2].old_path is None
    assert took < 3 * WITHIN
    with pytest.raises(ClosedError):
        watcher.get(timeout=0)


def test_async_watch_sees_create_modify_delete_in_order(
    watched: GlusterPath, other_client: Client
) -> None:
    events: list[WatchEvent] = []

    async def main() -> None:
        async with AsyncGlusterPath(watched).watch() as watcher:
            child = other_client(watched.volume, watched, CREATE_MODIFY_DELETE)
            with anyio.fail_after(3 * WITHIN):
                async for event in watcher:
                    events.append(event)
                    if len(events) == 3:
                        break
            assert await anyio.to_thread.run_sync(child.wait, CHILD_TIMEOUT) == 0

    anyio.run(main)
    assert _kinds(events, watched) == [
        ("created", "a.txt"),
        ("modified", "a.txt"),
        ("deleted", "a.txt"),
    ]


def test_trio_watch_and_timeout(watched: GlusterPath, other_client: Client) -> None:
    got: list[WatchEvent] = []

    async def main() -> None:
        async with AsyncGlusterPath(watched).watch() as watcher:
            with pytest.raises(TimeoutError):
                await watcher.get(timeout=0.3)
            child = other_client(watched.volume, watched, '(d / "t").touch()\nstep()\n')
            got.append(await watcher.get(timeout=WITHIN))
            assert await anyio.to_thread.run_sync(child.wait, CHILD_TIMEOUT) == 0

    anyio.run(main, backend="trio")
    assert _kinds(got, watched) == [("created", "t")]


def test_rename_attrib_and_recursive_new_subdirectory(
    watched: GlusterPath, other_client: Client
) -> None:
    (watched / "old.txt").write_bytes(b"x")
    body = """
(d / "old.txt").rename(d / "new.txt")
step()
(d / "new.txt").chmod(0o600)
step()
(d / "sub").mkdir()
step()
(d / "sub" / "inner.txt").write_bytes(b"inner")
step()
(d / "sub" / "inner.txt").unlink()
step()
"""
    events: list[WatchEvent] = []
    with watched.watch(recursive=True) as watcher:
        child = other_client(watched.volume, watched, body)
        for _ in range(5):
            events.append(watcher.get(timeout=WITHIN))
        assert child.wait(CHILD_TIMEOUT) == 0
    assert _kinds(events, watched) == [
        ("renamed", "new.txt"),
        ("attrib", "new.txt"),
        ("created", "sub"),
        ("created", "sub/inner.txt"),
        ("deleted", "sub/inner.txt"),
    ]
    assert events[0].old_path == watched / "old.txt"
    assert events[1].stat is not None and stat.S_IMODE(events[1].stat.st_mode) == 0o600
    assert events[2].stat is not None and stat.S_ISDIR(events[2].stat.st_mode)


def test_not_recursive_ignores_subdirectories(watched: GlusterPath, other_client: Client) -> None:
    (watched / "sub").mkdir()
    body = """
(d / "sub" / "hidden.txt").write_bytes(b"x")
step()
(d / "top.txt").write_bytes(b"x")
step()
"""
    with watched.watch() as watcher:
        child = other_client(watched.volume, watched, body)
        event = watcher.get(timeout=WITHIN)
        assert child.wait(CHILD_TIMEOUT) == 0
    assert (event.kind, event.path) == (EventKind.CREATED, watched / "top.txt")


def test_watch_refuses_a_file_and_a_missing_path(
    watched: GlusterPath, other_client: Client
) -> None:
    (watched / "f").write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        watched.joinpath("f").watch().start()
    with pytest.raises(FileNotFoundError):
        with (watched / "missing").watch():
            pass
    with pytest.raises(ValueError):
        watched.watch(refresh=0)


def test_warns_when_the_volume_has_cache_invalidation_off(base: GlusterPath) -> None:
    with pytest.warns(WatchWarning, match="features.cache-invalidation on"):
        with base.watch():
            pass


def test_unmount_ends_the_watch(watch_vol: Volume, watched: GlusterPath) -> None:
    vol = Volume(watch_vol.hosts, watch_vol.volname, port=watch_vol.port)
    vol.mount(timeout=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        watcher = vol.path(watched.path).watch().start()
    vol.umount()
    with pytest.raises(ClosedError, match="unmounted"):
        watcher.get(timeout=WITHIN)
    assert list(watcher) == []
    watcher.close()
