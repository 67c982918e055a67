"""setfsuid/setfsgid: libgfapi keeps the file-system identity per OS thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest

from gpath import Volume

NOBODY = 65534


def _in_thread(func: Callable[[], Any]) -> Any:
    """Run *func* in a new OS thread; return its result or re-raise its exception."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = func()
        except BaseException as exc:  # handed back to the caller
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def test_setfsuid_applies_to_the_calling_thread_only(volume: Volume, workdir: str) -> None:
    """Thread A acts as nobody and is refused; thread B, meanwhile, is still root."""
    assert volume.stat(workdir).st_uid == 0
    assert volume.stat(workdir).st_mode & 0o777 == 0o755
    a_switched = threading.Event()
    b_done = threading.Event()
    results: dict[str, Any] = {}

    def thread_a() -> None:
        volume.setfsuid(NOBODY)
        volume.setfsgid(NOBODY)
        try:
            a_switched.set()
            assert b_done.wait(30)
            try:
                volume.mkdir(f"{workdir}/by-a")
                results["a"] = "created"
            except PermissionError as exc:
                results["a"] = exc
            results["a_access"] = volume.access(workdir, os.W_OK)
        finally:
            volume.setfsuid(0)
            volume.setfsgid(0)

    def thread_b() -> None:
        assert a_switched.wait(30)
        try:
            volume.mkdir(f"{workdir}/by-b")  # root, while A is still nobody
            results["b"] = "created"
        finally:
            b_done.set()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert isinstance(results["a"], PermissionError)
    assert results["a"].filename == f"{workdir}/by-a"
    assert results["a_access"] is False
    assert results["b"] == "created"
    assert volume.listdir(workdir) == ["by-b"]


def test_files_created_under_setfsuid_are_owned_by_that_id(volume: Volume, workdir: str) -> None:
    volume.chmod(workdir, 0o777)

    def create() -> None:
        volume.setfsuid(4321)
        volume.setfsgid(8765)
        try:
            with volume.fopen(f"{workdir}/owned", "w") as f:
                f.write("x")
        finally:
            volume.setfsuid(0)
            volume.setfsgid(0)

    _in_thread(create)
    st = volume.stat(f"{workdir}/owned")
    assert (st.st_uid, st.st_gid) == (4321, 8765)


def test_setfsgid_grants_group_access(volume: Volume, workdir: str) -> None:
    shared = f"{workdir}/group-only"
    volume.mkdir(shared)
    volume.chown(shared, 0, 4242)
    volume.chmod(shared, 0o070)

    def create_as(gid: int, name: str) -> None:
        volume.setfsuid(NOBODY)
        volume.setfsgid(gid)
        try:
            volume.mkdir(f"{shared}/{name}")
        finally:
            volume.setfsuid(0)
            volume.setfsgid(0)

    _in_thread(lambda: create_as(4242, "member"))
    with pytest.raises(PermissionError):
        _in_thread(lambda: create_as(NOBODY, "outsider"))
    assert volume.listdir(shared) == ["member"]
    assert volume.stat(f"{shared}/member").st_gid == 4242
