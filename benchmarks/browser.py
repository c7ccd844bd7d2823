"""The first drawn chart in Chromium: each page opened as a visitor opens it, against the trivial page.

The pages' server times (benchmarks.pages) say when a page sends its first chart; a visitor sees it when the browser
has drawn it, after the browser has loaded Streamlit, opened its connection, and laid out everything sent before and
alongside it. Here each page is opened in a new browser context (nothing cached in it, as a new visitor) at an
address for a period that no one has opened on that server yet (its figures worked out for this visit), in a
server that has started, and timed from the start of its navigation to the first frame in which a chart is drawn (a
Vega-Lite chart's SVG or canvas with a size), as the page itself notes it. The trivial page (one Altair chart,
`trivial_page.py`) is timed the same way in a server of its own: a stock Streamlit server, without the dashboard's
own fix to its connections (sg_data/sockets.py). Both servers and the browser share this machine's cores: read the
ratios as this machine's.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = Path(__file__).resolve().parent / "trivial_page.py"
# A Streamlit server on 127.0.0.1 and Chromium against it, as the benchmark and the browser tests (tests/browser)
# both start them.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # an http_proxy in the environment must not carry 127.0.0.1 traffic elsewhere
                 "--no-proxy-server"]
HOST = "127.0.0.1"
#: the same for this process's own requests to the server
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
#: a Vega-Lite chart drawn (Streamlit's chart element holds the SVG or canvas Vega draws)
DRAWN = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
START_SECONDS = 60
DRAW_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve_command(script: str | Path, port: int) -> list[str]:
    """`streamlit run SCRIPT` on `port` of 127.0.0.1, headless, never phoning home, watching no files."""
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.address",
            HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType",
            "none"]


def healthy(url: str) -> bool:
    """Whether the server at `url` answers its health check."""
    try:
        with NO_PROXY.open(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


class _Server:
    """The benchmark's server for SCRIPT (stopped on leaving)."""

    def __init__(self, script: Path, db: str | None):
        env = {k: v for k, v in os.environ.items() if k not in ("SG_DB", "SG_VIEW")}
        if db:
            env["SG_DB"] = db
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.proc = subprocess.Popen(serve_command(script, self.port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def __enter__(self) -> "_Server":
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and self.proc.poll() is None:
            if healthy(self.url):
                return self
            time.sleep(0.25)
        self.__exit__()
        raise SystemExit(f"the benchmark's Streamlit server for {self.proc.args[4]} did not start")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


#: the page notes the time of the first frame in which a chart is drawn, from the start of its navigation. Waiting
#: for the chart from outside (Playwright's wait_for_selector) reads it late: it looks again at growing intervals, up
#: to 500 ms apart, so one page read 1.02 s or 1.47 s by when the look fell
_NOTE_DRAWN = """(() => {
  const look = () => {
    const chart = document.querySelector(%s);
    const box = chart && chart.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) { window.__sgFirstDrawn = performance.now(); return; }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})()""" % json.dumps(DRAWN)


def _first_drawn(browser, url: str) -> float:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(_NOTE_DRAWN)
        page.goto(url)
        page.wait_for_function("() => window.__sgFirstDrawn", timeout=DRAW_MS)
        return page.evaluate("window.__sgFirstDrawn") / 1000
    finally:
        context.close()


def _quarters(db: str) -> list[str]:
    """The store's quarters, newest first: each visit asks for one not yet opened."""
    from sg_data import store
    from sg_data.figures import StoreFigures

    con = store.open_read_only(db)
    try:
        return [label for label in StoreFigures(con).period_labels() if " Q" in label]
    finally:
        con.close()


def run_browser(db: str, stems: list[str], repeats: int = 3, chromium: str = CHROMIUM) -> dict:
    """{"trivial": seconds, "pages": {stem: seconds}}: medians of `repeats` first drawn charts each."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("--browser needs Playwright: pip install -r requirements-dev.txt") from None
    if not os.access(chromium, os.X_OK):
        raise SystemExit(f"--browser needs Chromium at {chromium} (apt-get install chromium)")
    # a period for each visit, not opened before on the server (the newest, the default, is the warm-up's); a
    # store with fewer quarters than visits opens some again
    pool = _quarters(db)[1:] or [""]
    fresh = iter(pool * (1 + len(stems) * repeats // len(pool)))
    with ExitStack() as stack:
        trivial = stack.enter_context(_Server(TRIVIAL, None))
        dashboard = stack.enter_context(_Server(ROOT / "dashboard.py", db))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        # started servers: their first request's imports and first-run work are not a visitor's
        _first_drawn(browser, trivial.url)
        _first_drawn(browser, dashboard.url)
        times: dict[str, list[float]] = {"trivial": [], **{stem: [] for stem in stems}}
        for _ in range(repeats):
            times["trivial"].append(_first_drawn(browser, trivial.url))
            for stem in stems:
                path = "" if stem == "overview" else stem
                times[stem].append(_first_drawn(browser, f"{dashboard.url}/{path}?period={quote_plus(next(fresh))}"))
    return {"trivial": statistics.median(times["trivial"]),
            "pages": {stem: statistics.median(times[stem]) for stem in stems}}


def table(rows: int, result: dict) -> str:
    base = result["trivial"]
    lines = [f"| page ({rows:,} concerns), in Chromium | first chart drawn | / trivial page's |", "|---|---:|---:|",
             f"| a trivial page with one chart | {base:.2f} s | 1.0x |"]
    lines += [f"| {stem} | {t:.2f} s | {t / base:.1f}x |" for stem, t in result["pages"].items()]
    return "\n".join(lines)
