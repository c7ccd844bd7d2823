"""Each page's server time, cold (caches empty) and warm (run again), and the briefing, on a benchmark store.

A page is run as the app runs it (AppTest through dashboard.py and its navigation), in this process, so the
time is the server's: the queries, the view models and the elements sent, not the browser's drawing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = Path(__file__).resolve().parent / "trivial_page.py"


def _timed(at) -> float:
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0


def run_pages(db: str) -> dict:
    """{"pages": {stem: {"cold", "warm", "ok"}}, "trivial": {...}, "briefing": seconds} for the officer view."""
    os.environ["SG_DB"] = db
    os.environ.pop("SG_VIEW", None)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from sg_data import briefing, documents, store
    from sg_data.figures import StoreFigures
    from sg_data.frame import OFFICER_PAGES, PAGES
    from sg_data.periods import latest_full_quarter

    def page(path: Path, stem: str | None) -> dict:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(path), default_timeout=900)
        if stem:
            at.switch_page(f"pages/{stem}.py")
        cold = _timed(at)
        warm = _timed(at)
        return {"cold": cold, "warm": warm, "ok": not at.exception}

    trivial = page(TRIVIAL, None)
    pages = {stem: page(ROOT / "dashboard.py", stem) for stem, _, _ in PAGES if stem not in OFFICER_PAGES}
    con = store.open_read_only(db)
    try:
        figures = StoreFigures(con)
        t0 = time.perf_counter()
        brief = briefing.build(figures, latest_full_quarter(figures.as_of().date()))
        documents.render(figures, brief, "docx", detail="summary")
        brief_seconds = time.perf_counter() - t0
    finally:
        con.close()
    return {"trivial": trivial, "pages": pages, "briefing": brief_seconds}


def table(rows: int, result: dict) -> str:
    base = result["trivial"]["cold"]
    lines = [f"| page ({rows:,} concerns) | cold | warm | cold / trivial page |", "|---|---:|---:|---:|",
             f"| a trivial page with one chart | {base:.2f} s | {result['trivial']['warm']:.2f} s | 1.0x |"]
    for stem, t in result["pages"].items():
        flag = "" if t["ok"] else " (error)"
        lines.append(f"| {stem}{flag} | {t['cold']:.2f} s | {t['warm']:.2f} s | {t['cold'] / base:.1f}x |")
    lines.append(f"| the briefing (build and write, DOCX) | {result['briefing']:.2f} s | | |")
    return "\n".join(lines)
