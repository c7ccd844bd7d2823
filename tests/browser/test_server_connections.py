"""The served dashboard's connections without Nagle's algorithm (sg_data/sockets.py), read from the server process
itself: once a page has run, its listening socket and every connection it holds have TCP_NODELAY."""

from __future__ import annotations

import ctypes
import os
import socket

import pytest

from sg_data import sockets

pytestmark = pytest.mark.browser

#: pidfd_getfd(2), Linux 5.6 and later: the same number on every architecture
_PIDFD_GETFD = 438


def tcp_sockets(pid: int) -> list[tuple[tuple, bool]]:
    """(local address, TCP_NODELAY) of each TCP socket process `pid` holds, read through a copy of each."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)

    def copy(number: int) -> int:
        fd = libc.syscall(_PIDFD_GETFD, pidfd, number, 0)
        if fd < 0:
            raise OSError(ctypes.get_errno(), f"pidfd_getfd on the server's file {number}")
        return fd

    try:
        return [(sock.getsockname()[:2], bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
                for sock in sockets.tcp_sockets(f"/proc/{pid}/fd", copy)]
    finally:
        os.close(pidfd)


def test_the_served_dashboard_holds_no_connection_with_nagle_on(officer_server, shown):
    page = shown("overview")  # a page has run, over a websocket the browser keeps open
    assert page.get_by_role("heading", name="Trends with their limits").count() == 1
    found = tcp_sockets(officer_server.proc.pid)
    address = ("127.0.0.1", officer_server.port)
    assert [a for a, _ in found].count(address) >= 2, found  # the listener and the browser's connections
    assert all(nodelay for _, nodelay in found), f"sockets with Nagle's algorithm on: {found}"
