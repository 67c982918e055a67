"""The order of volfile servers a mount gives libgfapi: those that answer now go first."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from gpath._mount import answering_first


@pytest.fixture
def listening() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections (the same port on 127.0.0.2 and
    127.0.0.3 refuses them).  Silent servers need a network of their own: the multi-node
    tests unplug one."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield port
    stop.set()
    thread.join()
    server.close()


def test_one_host_is_not_probed() -> None:
    assert answering_first(("192.0.2.1",), 24007) == ("192.0.2.1",)


def test_order_kept_when_the_first_answers(listening: int) -> None:
    hosts = ("127.0.0.1", "127.0.0.2")  # the second refuses
    assert answering_first(hosts, listening) == hosts


def test_refusing_servers_go_last(listening: int) -> None:
    hosts = ("127.0.0.2", "127.0.0.3", "127.0.0.1")  # refuses, refuses, answers
    assert answering_first(hosts, listening) == ("127.0.0.1", "127.0.0.2", "127.0.0.3")


def test_no_answer_keeps_the_order(listening: int) -> None:
    hosts = ("127.0.0.3", "127.0.0.2")
    assert answering_first(hosts, listening) == hosts
