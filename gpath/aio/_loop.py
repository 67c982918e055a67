"""The event-loop side of native asynchronous I/O, and the per-Volume worker pool.

Both are kept per event loop run (an anyio ``RunVar``), so asyncio and trio loops, and loops
in different threads, never share a primitive that belongs to another loop.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.lowlevel
import anyio.to_thread

from gpath.aio import _bridge, _native
from gpath.file import File
from gpath.volume import Volume

T = TypeVar("T")

#: Threads per Volume (per event loop) that run blocking calls; see :func:`worker_limiter`.
DEFAULT_WORKERS = 32

_LIMITERS: anyio.lowlevel.RunVar[weakref.WeakKeyDictionary[Volume, anyio.CapacityLimiter]] = (
    anyio.lowlevel.RunVar("gpath_aio_limiters")
)
_DRAINS: anyio.lowlevel.RunVar[weakref.WeakKeyDictionary[object, _Drain]] = anyio.lowlevel.RunVar(
    "gpath_aio_drains"
)


def worker_limiter(volume: Volume) -> anyio.CapacityLimiter:
    """The limiter bounding this event loop's worker threads for *volume*.

    Blocking calls of gpath.aio on *volume* run in anyio's worker threads, at most
    ``DEFAULT_WORKERS`` (32) at a time; set the limiter's ``total_tokens`` to change that.
    """
    try:
        limiters = _LIMITERS.get()
    except LookupError:
        limiters = weakref.WeakKeyDictionary()
        _LIMITERS.set(limiters)
    limiter = limiters.get(volume)
    if limiter is None:
        limiter = limiters[volume] = anyio.CapacityLimiter(DEFAULT_WORKERS)
    return limiter


async def run_sync(volume: Volume, func: Callable[..., T], *args: Any) -> T:
    """Run the blocking ``func(*args)`` in *volume*'s worker pool.

    A cancelled caller waits for the call to return (it cannot be stopped half-way), so a
    File is never left half-opened or half-closed, and then gets the cancellation.
    """
    result = await anyio.to_thread.run_sync(func, *args, limiter=worker_limiter(volume))
    await anyio.lowlevel.checkpoint_if_cancelled()  # a cancelled caller gets no result
    return result


class _Waiter:
    __slots__ = ("req", "event")

    def __init__(self, req: _native._Request) -> None:
        self.req = req
        self.event = anyio.Event()


class _Drain:
    """A completion queue drained by whichever waiting task holds the drainer's role."""

    def __init__(self, volume: Volume) -> None:
        self.queue = _native.new_queue(volume)
        self.draining = False
        self.waiters: set[_Waiter] = set()

    async def run(
        self, op: int, file: File, buf: Any = None, size: int = 0, offset: int = 0, length: int = 0
    ) -> _native._Request:
        return await self._wait(self.queue.submit(op, file, buf, size, offset, length))

    async def call(self, op: int, volume: Volume, path: bytes) -> _native._Request:
        """Run a path call (``GP_CALL_*``) on gpath's C threads and wait for it."""
        return await self._wait(self.queue.call(op, volume, path))

    async def _wait(self, req: _native._Request) -> _native._Request:
        waiter = _Waiter(req)
        req.notify = waiter.event.set  # collect() runs only in this loop's thread
        self.waiters.add(waiter)
        try:
            while not req.done:
                if not self.draining:
                    await self._drain_until(req)
                else:
                    await waiter.event.wait()
                    if not req.done:
                        waiter.event = anyio.Event()
                        req.notify = waiter.event.set
        finally:
            self.waiters.discard(waiter)
        return req

    async def _drain_until(self, req: _native._Request) -> None:
        self.draining = True
        try:
            self.queue.collect()
            while not req.done:
                await anyio.wait_readable(self.queue.fd)
                self.queue.collect()
        finally:
            self.draining = False
            for other in self.waiters:  # hand the role to a task still waiting
                if not other.req.done:
                    other.event.set()
                    break


def drain(volume: Volume) -> _Drain:
    """This event loop's completion queue for *volume*'s current mount."""
    key = _bridge.mount_key(volume)
    try:
        drains = _DRAINS.get()
    except LookupError:
        drains = weakref.WeakKeyDictionary()
        _DRAINS.set(drains)
    found = drains.get(key)
    if found is None or found.queue.closed:
        found = drains[key] = _Drain(volume)
    return found
