"""Lifetime guard for C handles (``glfs_t *`` and ``glfs_fd_t *``).

libgfapi frees a handle in ``glfs_close``/``glfs_closedir``/``glfs_fini`` and any later call on
it reads freed memory.  Every call therefore goes through a :class:`CHandle`: it counts the
calls in flight, and :meth:`CHandle.detach` stops new calls and waits for the running ones
before handing the pointer back, exactly once, for the final C close.  The counting uses
``list.append``/``list.pop`` (atomic under the GIL) so the hot path takes no lock.  A mount's
``glfs_t`` has a :class:`MountHandle` instead, whose count C helpers can keep without Python.
"""

from __future__ import annotations

import errno
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

from gpath._lowlevel import ffi, lib


class CHandle:
    """A C pointer that can be used by many threads and closed by one of them."""

    __slots__ = ("ptr", "_inflight", "_closing", "release", "__weakref__")

    def __init__(self, ptr: Any) -> None:
        self.ptr: Any = ptr
        self._inflight: list[None] = []
        #: End a call begun with :meth:`acquire`.  The list's own bound ``pop``: no Python
        #: frame (docs/design/performance.md).
        self.release: Callable[[], object] = self._inflight.pop
        # Held by the one caller that detached the pointer until its final C close has
        # returned (finish()); other detach() callers wait on it.  A plain lock rather than
        # an Event: every File has a CHandle, and an Event costs a Condition per open.
        self._closing = threading.Lock()

    def acquire(self) -> Any:
        """Mark a call in flight and return the pointer, or None if the handle is closed.

        The marker goes in *before* the pointer is read: a concurrent detach() either sees
        the marker and waits, or has already cleared the pointer, which we then see.
        """
        self._inflight.append(None)
        ptr = self.ptr
        if ptr is None:
            self._inflight.pop()
        return ptr

    @property
    def closed(self) -> bool:
        return self.ptr is None

    def detach(self) -> Any:
        """Refuse new calls, wait for calls in flight, and return the pointer (None if done).

        Exactly one caller gets the pointer; it owes the final C close and then
        :meth:`finish`.  Every other caller waits for that and gets None, so "closed" always
        means closed in C as well: ``umount()`` closing a File that another thread is
        closing right then must not go on to ``glfs_fini`` under that thread's C close.
        """
        self._closing.acquire()
        ptr = self.ptr
        if ptr is None:  # closed before, or by the caller we just waited for
            self._closing.release()
            return None
        self.ptr = None
        delay = 0.0001
        while self._inflight:
            time.sleep(delay)
            delay = min(delay * 2, 0.01)
        return ptr

    def finish(self) -> None:
        """Report that the final C close of the detached pointer has returned."""
        self._closing.release()

    def close(
        self, c_close: Callable[[Any], int], closed: Callable[[], object] | None = None
    ) -> int:
        """The close protocol of every handle: once, after the calls in flight, then *closed*.

        :meth:`detach`, ``c_close(ptr)`` (the final C close), then ``closed()`` (the owner
        forgets the handle: until then ``umount()`` finds it open and waits), then
        :meth:`finish`.  Returns 0, also when the handle was closed already, or the errno
        of a failed C close, which the caller raises with its own path.
        """
        ptr = self.detach()  # waits while another thread's close is running
        if ptr is None:
            return 0
        try:
            ret = c_close(ptr)
            err = (ffi.errno or errno.EIO) if ret != 0 else 0
        finally:
            if closed is not None:
                closed()
            self.finish()  # umount() may now go on to glfs_fini
        return err

    def forget(self) -> None:
        """Drop the pointer without closing it (a forked child must not touch the parent's)."""
        self.ptr = None
        self._closing = threading.Lock()  # the parent's thread that held it does not exist here


class MountHandle(CHandle):
    """A mount's ``glfs_t *``: a :class:`CHandle` whose C helpers may also hold it.

    Python callers hold it as any CHandle (:meth:`acquire`, :attr:`release`).  C helpers
    such as ``gp_stat`` count themselves in the ``gp_mount_t`` at :attr:`c` instead, with no
    Python around the call.  :meth:`detach` waits for both kinds of call.
    """

    __slots__ = ("c", "c_address")

    def __init__(self, ptr: Any) -> None:
        super().__init__(ptr)
        self.c: Any = ffi.new("gp_mount_t *", {"fs": ptr})
        #: The address of :attr:`c` for the builtins that take it (``_stat.stat_path``).
        self.c_address = int(ffi.cast("uintptr_t", self.c))

    def detach(self) -> Any:
        ptr = super().detach()
        if ptr is not None:
            lib.gp_close_wait(self.c)  # refuses C callers, waits for them (GIL released)
        return ptr

    def forget(self) -> None:
        super().forget()
        self.c.closed = 1


def close_unclosed(resource: Any, kind: str, name: object) -> None:
    """From a ``__del__``: warn that *resource* was left open, as io does, and close it."""
    warnings.warn(f"unclosed gpath {kind} {name!r}", ResourceWarning, stacklevel=3)
    try:
        resource.close()
    except Exception:  # nothing to report to from a finalizer
        pass
