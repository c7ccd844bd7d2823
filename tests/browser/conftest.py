"""Fixtures for the browser tests: a Streamlit server over the sample store, Debian's Chromium, axe-core.

- One server (`officer_server`) and one browser for the whole session; tests that
  need a server of their own (a deep link's first request, the Scrutiny view) start
  it with `start_server`, which stops it again when the test ends.
- Servers listen on 127.0.0.1 only and are stopped by their process group id.
- Every browser context aborts (and records) any request that is not to
  127.0.0.1, and the test that caused one fails: the tests send no traffic anywhere else.
- Chromium or axe-core missing: the test fails when CI=true (browser tests are
  never silently skipped on CI) and is skipped, with the reason, on a developer's machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks import browser as browser_benchmark  # the server and Chromium as the benchmark starts them
from benchmarks.browser import CHROMIUM_ARGS, free_port, healthy, serve_command

from .helpers import OUTPUT, ROOT, SETTLE_MS, open_page, screenshot

HERE = Path(__file__).resolve().parent

CHROMIUM = Path(browser_benchmark.CHROMIUM)
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"

VIEWPORT = {"width": 1280, "height": 900}
LOCAL_HOST = browser_benchmark.HOST
SERVER_START_SECONDS = 90

#: Streamlit's file picker is replaced so that the dataframe toolbar's "Download as CSV"
#: takes its fallback path (a link to a blob), which Playwright sees as a download.
NO_SAVE_PICKER = "window.showSaveFilePicker = async () => { throw new Error('no save dialog in tests'); };"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(what: str, fix: str) -> None:
    """Fail on CI, skip (with the reason) elsewhere."""
    if on_ci():
        pytest.fail(f"{what}; CI=true, where browser tests are never skipped. {fix}", pytrace=False)
    pytest.skip(f"{what}. {fix}")


# --- the server ----------------------------------------------------------------------------------

class StreamlitServer:
    """`streamlit run dashboard.py` on a free port of 127.0.0.1, in its own process group."""

    def __init__(self, name: str, db: Path, **env: str):
        self.name, self.db, self.extra_env = name, Path(db), env
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.log_path = OUTPUT / f"server-{name}.log"

    @property
    def url(self) -> str:
        return f"http://{LOCAL_HOST}:{self.port}"

    def start(self) -> "StreamlitServer":
        env = {k: v for k, v in os.environ.items() if k not in {"SG_DB", "SG_VIEW"}}
        env.update(SG_DB=str(self.db), PYTHONUNBUFFERED="1", **self.extra_env)
        OUTPUT.mkdir(exist_ok=True)
        for attempt in range(3):  # a port taken between free_port() and the bind: try another
            self.port = free_port()
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(
                    serve_command("dashboard.py", self.port),
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True)  # its own process group, stopped as one in stop()
            if self._wait_healthy():
                return self
            self.stop()
        pytest.fail(f"Streamlit server {self.name!r} did not become healthy in {SERVER_START_SECONDS}s.\n"
                    f"Log ({self.log_path}):\n{self.log_tail()}", pytrace=False)

    def _wait_healthy(self) -> bool:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if healthy(self.url):
                return True
            time.sleep(0.25)
        return False

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def officer_server(sample_db, chromium):
    server = StreamlitServer("officer", sample_db).start()
    yield server
    server.stop()


@pytest.fixture
def start_server(sample_db, chromium):
    """Start a fresh server (name, **env); it is stopped when the test ends."""
    started: list[StreamlitServer] = []

    def _start(name: str, **env: str) -> StreamlitServer:
        server = StreamlitServer(name, sample_db, **env)
        started.append(server)
        return server.start()

    yield _start
    for server in started:
        server.stop()


# --- the browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"Chromium is not installed at {CHROMIUM}",
                "Install Debian's package (`apt-get install chromium`); scripts/test.sh does this.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("Playwright for Python is not installed", "`pip install -r requirements-dev.txt`.")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        missing(f"axe-core is not installed at {AXE_JS.relative_to(ROOT)}",
                "Run `cd tests/browser && npm install` (scripts/test.sh does this).")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class LocalOnly:
    """Aborts and records every request from a context to any host but 127.0.0.1."""

    def __init__(self):
        self.blocked: list[str] = []

    def applies(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname != LOCAL_HOST

    def abort(self, route) -> None:
        self.blocked.append(route.request.url)
        route.abort()


def browser_context(browser):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, reduced_motion="reduce",
                                  locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(SETTLE_MS)
    context.add_init_script(NO_SAVE_PICKER)
    guard = LocalOnly()
    context.route(guard.applies, guard.abort)
    return context, guard


@pytest.fixture
def new_page(browser):
    """A fresh browser context (own cookies, own Streamlit session) per call."""
    opened = []

    def _new():
        context, guard = browser_context(browser)
        opened.append((context, guard))
        return context.new_page()

    yield _new
    blocked = [url for _, guard in opened for url in guard.blocked]
    for context, _ in opened:
        context.close()
    assert not blocked, f"requests to hosts other than {LOCAL_HOST} (blocked): {blocked}"


@pytest.fixture(scope="session")
def shared_context(browser):
    context, guard = browser_context(browser)
    yield context
    context.close()
    assert not guard.blocked, f"requests to hosts other than {LOCAL_HOST} (blocked): {guard.blocked}"


@pytest.fixture(scope="session")
def shown(officer_server, shared_context):
    """Each page opened once, left open and settled, for the tests that only read it."""
    pages: dict = {}

    def _shown(stem: str):
        if stem not in pages:
            page = shared_context.new_page()
            open_page(page, officer_server.url, stem)
            screenshot(page, stem)
            pages[stem] = page
        pages[stem].bring_to_front()  # a background tab's timers and drawing are throttled
        return pages[stem]

    return _shown


def pytest_collection_modifyitems(items):
    # the tests that start servers of their own run last, so a quick failure elsewhere shows first
    items.sort(key=lambda item: bool({"start_server", "scrutiny_view"} & set(getattr(item, "fixturenames", ()))))


def axe_allowlist() -> list[dict]:
    return json.loads((HERE / "axe_allowlist.json").read_text(encoding="utf-8"))["entries"]
