"""The server's connections answer without a 40 ms stall each (`no_nagle`).

Streamlit 1.67 serves the dashboard with uvicorn on a listening socket it binds itself, made with
`socket.socket(family)`: protocol 0, not `IPPROTO_TCP`. asyncio turns Nagle's algorithm off (TCP_NODELAY) only
on connections whose protocol is `IPPROTO_TCP`, so every connection the server accepts keeps it on. A response
is written as its headers and then its body; Nagle holds the body back until the browser acknowledges the
headers, and the browser delays that acknowledgement by 40 ms. So every file after the first on a kept-alive
connection took about 44 ms however small (measured here: 44 ms for an 845-byte file that takes 2 ms on a new
connection), and so could the page's websocket messages. A first visit fetches some 85 of Streamlit's script
files after the page has started, six at a time: the Overview's first chart was drawn about 0.15 s later than it
needed to be (README, Speed).

`no_nagle()` sets TCP_NODELAY on every TCP socket this process holds: the listening socket, whose setting every
connection accepted later inherits (Linux), and the connections already open (the first visitor's). Where the
process's open files cannot be listed (no /proc), it does nothing.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from typing import Callable, Iterator

_FDS = "/proc/self/fd"


def tcp_sockets(fds: str = _FDS, copy: Callable[[int], int] = os.dup) -> Iterator[socket.socket]:
    """Each TCP socket among the open files listed in the folder `fds` (a process's /proc/PID/fd), as a socket object
    over `copy(number)`: a duplicate, closed once the caller has it back, which leaves the process's own open. An
    option set on it is set on the socket itself. Nothing where the folder cannot be listed."""
    try:
        names = os.listdir(fds)
    except OSError:
        return
    for name in names:
        try:
            if not os.readlink(f"{fds}/{name}").startswith("socket:"):
                continue
            number = copy(int(name))
        except (OSError, ValueError):  # closed meanwhile
            continue
        try:
            sock = socket.socket(fileno=number)
        except OSError:  # the number was reused meanwhile for something that is not a socket
            os.close(number)
            continue
        with sock:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                yield sock


def no_nagle() -> int:
    """TCP_NODELAY on every TCP socket of this process; the number of sockets set."""
    count = 0
    for sock in tcp_sockets(_FDS):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            count += 1
        except OSError:
            pass
    return count


@cache
def once() -> None:
    """`no_nagle()` once per process (the listening socket's setting holds for every later connection; a second
    call, from two first runs at once, sets nothing new)."""
    no_nagle()
