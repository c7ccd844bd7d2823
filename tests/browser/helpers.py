"""What the browser tests do to and read from a page: open and wait, charts, tables, axe, screenshots."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
#: the longest wait for an action's effect (a run, a rerun, a chart drawn): generous for 2 slow cores
SETTLE_MS = 30_000

EXCEPTION = '[data-testid="stException"]'
DATAFRAME = '[data-testid="stDataFrame"]'
NAV_LINK = '[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]'

#: the app has finished its run: connected, not running, nothing left stale from the last run,
#: and no element still a skeleton (the placeholder while an element's code is fetched, the
#: first time a browser meets a chart or a table)
_SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testConnectionState === 'CONNECTED'
    && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')
    && !document.querySelector(
      '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"]');
}"""

#: what each chart drew. Streamlit's vega-embed renders SVG: marks are the children of the
#: `role-mark` groups (rect paths for bars, a path for a line, symbol paths for points, text).
#: A canvas renderer is handled too: drawn = some pixel differs from the first.
CHART_STATUS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map((el, i) => {
  const doc = el.closest('[role="graphics-document"]') || el.querySelector('[role="graphics-document"]');
  const svg = el.querySelector('svg.marks');
  const out = {index: i, visible: el.checkVisibility(), name: doc ? doc.getAttribute('aria-label') : null,
               renderer: null, marks: 0, width: 0};
  if (svg) {
    out.renderer = 'svg';
    out.marks = svg.querySelectorAll(
      '.role-mark > path, .role-mark > text, .role-mark > line, .role-mark > image, .role-mark > rect').length;
    out.width = svg.getBoundingClientRect().width;
    return out;
  }
  const canvas = el.querySelector('canvas.marks') || el.querySelector('canvas');
  if (canvas) {
    out.renderer = 'canvas';
    out.width = canvas.getBoundingClientRect().width;
    const ctx = canvas.getContext('2d');
    const px = ctx ? ctx.getImageData(0, 0, canvas.width, canvas.height).data : [];
    for (let j = 4; j < px.length; j += 4) {
      if (px[j] !== px[0] || px[j + 1] !== px[1] || px[j + 2] !== px[2] || px[j + 3] !== px[3]) {
        out.marks = 1;
        break;
      }
    }
  }
  return out;
})"""

_CHARTS_DRAWN = f"""() => ({CHART_STATUS})().every(c => !c.visible || (c.marks > 0 && c.width > 0))"""


def wait_for_charts(page, timeout: int = 5_000, patient: bool = False) -> None:
    """Until every visible chart has drawn marks (vega-embed draws after the run, and again on a
    resize), or the timeout: then the chart test says which chart is not drawn. Unless `patient`,
    it also stops once the charts have stayed as they are for a second: a chart that cannot draw
    (no width, no marks) does not then cost every wait its full timeout."""
    if patient:
        try:
            page.wait_for_function(_CHARTS_DRAWN, timeout=timeout, polling=200)
        except Exception:  # noqa: BLE001 - a playwright TimeoutError; the chart test says which chart
            pass
        return
    last, same = None, 0
    for _ in range(max(1, timeout // 200)):
        status = page.evaluate(CHART_STATUS)
        if all(not c["visible"] or (c["marks"] > 0 and c["width"] > 0) for c in status):
            return
        same = same + 1 if status == last else 0
        if same >= 5:
            return
        last = status
        page.wait_for_timeout(200)


def url_for(base: str, stem: str, query: str = "") -> str:
    path = "" if stem == "overview" else stem  # Overview is the default page, at /
    return f"{base}/{path}" + (f"?{query}" if query else "")


def settle(page, timeout: int = SETTLE_MS, charts: bool = True) -> None:
    """Wait until the app's run is over (twice in a row, so that a st.rerun() is waited for too)
    and, with `charts`, its charts are drawn or given up on (the tests say which chart is not drawn)."""
    page.wait_for_function(_SETTLED, timeout=timeout, polling=100)
    for _ in range(40):
        page.wait_for_timeout(250)
        if page.evaluate(_SETTLED):
            break
        page.wait_for_function(_SETTLED, timeout=timeout, polling=100)
    if charts:
        wait_for_charts(page)
    open_expanders(page)


#: every closed expander's summary (a chart's table and download are in one)
_CLOSED = '[data-testid="stExpander"] details:not([open]) > summary'


_GRIDS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .every(f => f.querySelector('table[role="grid"][aria-rowcount]'))"""


def open_expanders(page) -> None:
    """Open every closed expander, as a reader who wants the tables would (a click each, no rerun)."""
    if page.locator(_CLOSED).count():
        page.evaluate(f"() => document.querySelectorAll('{_CLOSED}').forEach(s => s.click())")
        # every table in them mounted (its grid drawn), as a reader would see it before using its toolbar
        page.wait_for_function(_GRIDS_DRAWN, timeout=SETTLE_MS, polling=100)
        page.wait_for_timeout(300)


def open_page(page, base: str, stem: str, query: str = "", timeout: int = SETTLE_MS) -> None:
    page.goto(url_for(base, stem, query))
    page.wait_for_selector('[data-testid="stApp"]', state="attached")
    settle(page, timeout=timeout)


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.locator(EXCEPTION).all()]


def chart_status(page) -> list[dict]:
    return page.evaluate(CHART_STATUS)


def _link_title(text: str) -> str:
    # a link's text is its icon's ligature name ("schedule"), then its title
    return [line.strip() for line in text.splitlines() if line.strip()][-1]


def nav_titles(page) -> list[str]:
    return [_link_title(t) for t in page.locator(NAV_LINK).all_inner_texts()]


def current_nav_title(page) -> str | None:
    current = page.locator(f'{NAV_LINK}[aria-current="page"]')
    return _link_title(current.inner_text()) if current.count() else None


def period_box(page):
    return page.get_by_role("combobox", name="Period", exact=True)


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def screenshot(page, name: str) -> Path:
    """The whole page: the main area scrolls inside the window, so the window is made as tall as it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height + 20), 16_000)})
    try:
        page.wait_for_timeout(300)  # charts re-fit to the new size
        wait_for_charts(page)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
        wait_for_charts(page)
    return path


# --- tables --------------------------------------------------------------------------------------

def read_csv(path: str | Path) -> list[list[str]]:
    text = Path(path).read_bytes().decode("utf-8-sig")  # strict: a CSV that is not UTF-8 fails here
    return list(csv.reader(io.StringIO(text)))


def dataframe_tables(page) -> list[dict]:
    """Every cell of every st.dataframe on the page (see dataframe_table)."""
    frames = page.locator(DATAFRAME)
    return [dataframe_table(page, frames.nth(i), f"table {i + 1}") for i in range(frames.count())]


def dataframe_table(page, frame, fallback_name: str = "table") -> dict:
    """Every cell of one st.dataframe: its header and rows.

    glide-data-grid draws cells on a canvas, and its ARIA grid holds only the rows and
    columns scrolled into view, so neither gives every cell. Streamlit's own toolbar action
    "Download as CSV" writes every row and column of the data the grid holds, whatever the
    page's own buttons do; its size is checked against the grid's aria-rowcount and aria-colcount.
    """
    region = frame.locator('[role="region"]')
    name = (region.first.get_attribute("aria-label") if region.count() else None) or fallback_name
    # The toolbar is drawn only while the pointer is over the table, and then often under the
    # app's header or the grid's scroller; the click is dispatched to the button itself. A loaded machine
    # can take longer than Playwright's 30 s to serve it.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = frame.get_by_role("button", name=re.compile(r"^Download as CSV"))
    for attempt in (1, 2):
        frame.scroll_into_view_if_needed()  # a scrolling grid out of view may not have its rows to export
        try:
            with page.expect_download(timeout=45_000) as download:
                button.dispatch_event("click")
            break
        except PlaywrightTimeout:  # a loaded machine can drop the grid's first export: once more, then say which
            if attempt == 2:
                raise AssertionError(f"{name}: the table's own CSV export never arrived") from None
            page.wait_for_timeout(1_000)
    rows = read_csv(download.value.path())
    grid = frame.locator('table[role="grid"]').first
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    assert len(body) == int(grid.get_attribute("aria-rowcount")) - 1, f"{name}: the export lost rows"
    assert len(header) == int(grid.get_attribute("aria-colcount")), f"{name}: the export lost columns"
    return {"name": name, "header": header, "rows": body}


def static_tables(page) -> list[dict]:
    """Every cell of every st.table (real HTML tables)."""
    return page.locator('[data-testid="stTable"] table').evaluate_all("""tables => tables.map((t, i) => ({
        name: t.closest('[data-testid="stTable"]').getAttribute('aria-label') || `st.table ${i + 1}`,
        header: [...t.querySelectorAll('thead th')].map(c => c.innerText.trim()),
        rows: [...t.querySelectorAll('tbody tr')]
          .map(r => [...r.querySelectorAll('th, td')].map(c => c.innerText.trim())),
    }))""")


# --- accessibility -------------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


def run_axe(page, axe_source: str, name: str) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page, one entry per element, all impacts.
    The full result is kept in test-output/axe/<name>.json for a reviewer."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    resultTypes: ['violations']})).violations""", AXE_TAGS)
    out_dir = OUTPUT / "axe"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
    return [{"rule": v["id"], "help": v["help"], "helpUrl": v["helpUrl"], "impact": n.get("impact") or v["impact"],
             "target": " ".join(str(t) for t in n["target"]), "html": n["html"],
             "summary": (n.get("failureSummary") or "").replace("\n", " ")}
            for v in violations for n in v["nodes"]]
