"""Each page's server time, cold (caches empty) and warm (run again), and the briefing, on a benchmark store.

A page is run as the app runs it (AppTest through dashboard.py and its navigation), in this process, so the
time is the server's: the queries, the view models and the elements sent, not the browser's drawing. The first
chart's time is when the page sends its first chart (Streamlit sends each element as the page makes it, so this is
when the browser can start drawing it), against the trivial page's only chart.

Every page, the trivial one too, is timed in a server that has started: the process runs the trivial page and
one dashboard page first, untimed, so that no page's time holds the imports and first-run work a server does
once. Cold is then a page opened with every cache empty (the store reopened, as after a load), the median of
`REPEATS` openings (`--repeats`).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
TRIVIAL = Path(__file__).resolve().parent / "trivial_page.py"


def _timed(at, first_chart: list[float]) -> tuple[float, float]:
    """The run's time and its first chart's (NaN without one)."""
    first_chart.clear()
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0, (first_chart[0] - t0) if first_chart else float("nan")


def _first_chart_clock(first_chart: list[float]) -> None:
    """Note the time each run sends its first chart (every chart, st.altair_chart or st.vega_lite_chart, is sent
    by this one method)."""
    from streamlit.elements import vega_charts

    send = vega_charts.VegaChartsMixin._vega_lite_chart

    def noted(self, *args, **kwargs):
        if not first_chart:
            first_chart.append(time.perf_counter())
        return send(self, *args, **kwargs)

    vega_charts.VegaChartsMixin._vega_lite_chart = noted


def run_pages(db: str, repeats: str = str(REPEATS)) -> dict:
    """{"pages": {stem: {"cold", "warm", "ok"}}, "trivial": {...}, "briefing": seconds} for the officer view."""
    os.environ["SG_DB"] = db
    os.environ.pop("SG_VIEW", None)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from sg_data import briefing, documents, store
    from sg_data.figures import StoreFigures
    from sg_data.frame import OFFICER_PAGES, PAGES
    from sg_data.periods import latest_full_quarter

    first_chart: list[float] = []
    _first_chart_clock(first_chart)

    def opened(path: Path, stem: str | None):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(path), default_timeout=900)
        if stem:
            at.switch_page(f"pages/{stem}.py")
        cold, first = _timed(at, first_chart)
        return at, cold, first

    def page(path: Path, stem: str | None) -> dict:
        runs = [opened(path, stem) for _ in range(int(repeats))]
        at = runs[-1][0]
        warm, _ = _timed(at, first_chart)
        return {"cold": statistics.median(r[1] for r in runs), "first_chart": statistics.median(r[2] for r in runs),
                "warm": warm, "ok": not any(r[0].exception for r in runs)}

    opened(TRIVIAL, None)  # a started server: imports and first-run work done, for every page alike
    opened(ROOT / "dashboard.py", "definitions")
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
    trivial = result["trivial"]
    base = trivial["first_chart"]
    lines = [f"| page ({rows:,} concerns) | cold | first chart, cold | first chart / trivial page's | warm |",
             "|---|---:|---:|---:|---:|",
             f"| a trivial page with one chart | {trivial['cold']:.2f} s | {base:.2f} s | 1.0x | "
             f"{trivial['warm']:.2f} s |"]
    for stem, t in result["pages"].items():
        flag = "" if t["ok"] else " (error)"
        first = ("no chart", "") if t["first_chart"] != t["first_chart"] else (
            f"{t['first_chart']:.2f} s", f"{t['first_chart'] / base:.1f}x")
        lines.append(f"| {stem}{flag} | {t['cold']:.2f} s | {first[0]} | {first[1]} | {t['warm']:.2f} s |")
    lines.append(f"| the briefing (build and write, DOCX) | {result['briefing']:.2f} s | | | |")
    return "\n".join(lines)
