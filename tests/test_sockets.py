"""The server's connections without Nagle's algorithm (sg_data/sockets.py): what Streamlit's own listening socket
leaves on, set off for the connections already open and inherited by every later one."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sg_data import sockets

ROOT = Path(__file__).resolve().parent.parent
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd (Linux)")


def _nodelay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


@pytest.fixture
def listener():
    """A listening socket bound as Streamlit 1.67 binds its own (`socket.socket(family)`: protocol 0)."""
    sock = socket.socket(socket.AF_INET)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    opened = [sock]
    yield sock, opened
    for s in opened:
        s.close()


def _connect(listener) -> tuple[socket.socket, socket.socket]:
    sock, opened = listener
    client = socket.create_connection(sock.getsockname())
    served, _ = sock.accept()
    opened += [client, served]
    return client, served


@linux_only
def test_the_server_side_of_a_connection_keeps_nagle_on_until_it_is_set_off(listener):
    _, served = _connect(listener)
    assert served.proto == 0 and not _nodelay(served)  # what asyncio leaves alone: the 40 ms stall's cause


@linux_only
def test_connections_open_before_and_accepted_after_are_set_and_other_sockets_are_left(listener):
    sock, opened = listener
    first, before = _connect(listener)
    a, b = socket.socketpair()  # a Unix socket: no TCP option to set, and no error
    opened += [a, b]
    files = len(os.listdir("/proc/self/fd"))
    assert sockets.no_nagle() >= 3  # the listener, and both ends of the connection open before
    assert _nodelay(sock) and _nodelay(before)
    assert len(os.listdir("/proc/self/fd")) == files  # every duplicate closed
    client, after = _connect(listener)
    assert _nodelay(after)  # inherited from the listener
    before.sendall(b"open")  # the duplicates were closed, not the sockets they were made from
    a.sendall(b"open")
    assert first.recv(4) == b"open" and b.recv(4) == b"open"


def test_without_a_list_of_open_files_nothing_is_set(monkeypatch, listener):
    monkeypatch.setattr(sockets, "_FDS", "/no/such/folder")
    assert sockets.no_nagle() == 0
    assert not _nodelay(_connect(listener)[1])


def test_the_dashboard_sets_it_once_per_process(monkeypatch, officer_on_sample):
    calls = []
    sockets.once.cache_clear()
    monkeypatch.setattr(sockets, "no_nagle", lambda: calls.append(1) or 0)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/concerns.py").run()
    assert not at.exception and calls == [1]
    sockets.once.cache_clear()  # the next first run in this process sets the real sockets again
