"""Figures a page will ask for, started ahead on threads of their own through the same cache.

DuckDB works out a query without holding Python's lock, so a figure started ahead is computed while the page
builds what comes before it (its frame, its first charts). When the page asks for it (`frame.get`,
`frame.brief`), it is in the cache, or still being worked out and waited for: Streamlit's cache computes a key
once, whoever asks first. A figure already cached costs nothing to start. A thread that fails says nothing: the
page's own call meets the same error and shows it as it would have.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional

from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from . import frame as app
from .periods import Period


def _start(work: Callable[[], object]) -> None:
    ctx = get_script_run_ctx()

    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - the page's own call reports it
            pass

    thread = threading.Thread(target=run, name="sg-ahead", daemon=True)
    if ctx is not None:
        add_script_run_ctx(thread, ctx)
    thread.start()


def get(name: str, period: Optional[Period] = None, target_hours: float = 24) -> None:
    """Start `frame.get(name, period, target_hours)` (the hidden-figure tally is the page's own call's)."""
    key = app.cache_key()  # read on the script's thread, the one the page's own call will read
    _start(lambda: app._get(*key, name, period, float(target_hours)))


def brief(period: Period, target_hours: float = 24) -> None:
    """Start `frame.brief(period, target_hours)`."""
    key = app.cache_key()
    _start(lambda: app._brief(*key, period, float(target_hours)))
