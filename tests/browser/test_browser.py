"""The running dashboard in Debian's Chromium, page by page: what only a browser shows.

Every page of `sg_data.frame.PAGES`: it loads with no exception, every chart is drawn,
its tables are there with their text alternatives, its CSV downloads arrive and open, and
axe-core finds no serious or critical WCAG 2.2 A/AA violation that the project controls.
Then the filters (with a mouse and with the keyboard alone), the keyboard route through
the navigation, a shared link on a freshly started server, and the Scrutiny view.

`python -m pytest tests/browser -q` (scripts/test.sh runs them with everything else).
Screenshots of every page: test-output/screenshots/; axe's full results: test-output/axe/.
"""

from __future__ import annotations

import json
import re
import sys

import pytest

from sg_data.frame import OFFICER_PAGES, PAGES
from sg_data.ui import plain, slug

from tests.conftest import concerns_in, concerns_only_store, copy_of_store

from . import helpers as h
from .conftest import StreamlitServer, axe_allowlist, browser_context, missing, on_ci

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - requirements-dev.txt installs it
    if on_ci():
        raise
    pytest.skip("Playwright for Python is not installed: pip install -r requirements-dev.txt",
                allow_module_level=True)

pytestmark = pytest.mark.browser

STEMS = [stem for stem, _, _ in PAGES]
#: the pages the Scrutiny view's navigation offers (officer-only pages are not in it)
SCRUTINY_STEMS = [s for s in STEMS if s not in OFFICER_PAGES]
TITLES = {stem: title for stem, title, _ in PAGES}
#: pages that draw figures for the sample council's default period: each has a chart or a table
#: (the Imports page shows its tables only once a file is uploaded)
TABLE_PAGES = [s for s in STEMS if s not in {"definitions", "accessibility", "imports", "reference"}]
CHART_PAGES = [s for s in TABLE_PAGES if s != "audit"]  # the audit trail is a list

#: the sample council's concerns raised in 2023-24 (sample_data/README.md)
CONCERNS_2023_24 = "276"



def test_a_missing_browser_fails_on_ci_and_is_skipped_with_a_reason_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="never skipped"):
        missing("Chromium is not installed at /usr/bin/chromium", "apt-get install chromium.")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        missing("Chromium is not installed at /usr/bin/chromium", "apt-get install chromium.")


# --- every page ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_page_loads_without_exception(shown, stem):
    page = shown(stem)
    assert not h.exceptions(page), f"{stem}: Streamlit shows an exception:\n" + "\n---\n".join(h.exceptions(page))
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
    assert h.nav_titles(page) == list(TITLES.values())
    assert h.current_nav_title(page) == TITLES[stem]


@pytest.mark.parametrize("stem", STEMS)
def test_every_chart_is_drawn(shown, stem):
    page = shown(stem)
    h.wait_for_charts(page, timeout=10_000, patient=True)
    charts = h.chart_status(page)
    if stem in CHART_PAGES:
        assert charts, f"{stem}: no chart on the page for the default period"
    for c in charts:
        what = f"{stem}: chart {c['index'] + 1} ({c['name']!r})"
        assert c["visible"], f"{what} is hidden"
        assert c["renderer"], f"{what} has no SVG or canvas: vega-embed did not render"
        assert c["width"] > 0, f"{what} has no width"
        assert c["marks"] > 0, f"{what} drew its axes but no marks (bars, lines, points, text)"


@pytest.mark.parametrize("stem", STEMS)
def test_data_tables_are_shown(shown, stem):
    page = shown(stem)
    frames = page.locator(h.DATAFRAME)
    if stem in TABLE_PAGES:
        assert frames.count(), f"{stem}: no data table"
    for i in range(frames.count()):
        frame = frames.nth(i)
        expect(frame).to_be_visible()
        grid = frame.locator('table[role="grid"]')
        assert grid.count() == 1, f"{stem}: table {i + 1} has no ARIA grid"
        headers = [t.strip() for t in grid.locator('th[role="columnheader"]').all_inner_texts()]
        assert headers and all(headers), f"{stem}: table {i + 1} has a column without a name: {headers}"
        assert int(grid.get_attribute("aria-rowcount")) >= 2, f"{stem}: table {i + 1} has no rows"


@pytest.mark.parametrize("stem", STEMS)
def test_every_chart_has_a_summary_before_it_and_a_table_after_it(shown, stem):
    """WCAG 1.1.1: a chart's text alternatives are its summary (also its accessible name) and its table."""
    sequence = shown(stem).evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMain"] p.sg-summary, [data-testid="stMain"] [data-testid="stVegaLiteChart"],'
        + ' [data-testid="stMain"] [data-testid="stDataFrame"], [data-testid="stMain"] [data-testid="stTable"]')]
      .map(e => ({kind: e.matches('p.sg-summary') ? 'summary'
                        : e.matches('[data-testid="stVegaLiteChart"]') ? 'chart' : 'table',
                  id: e.id, text: e.innerText, name: e.getAttribute('aria-label')}))""")
    charts = 0
    for i, item in enumerate(sequence):
        if item["kind"] != "chart":
            continue
        charts += 1
        before = sequence[i - 1] if i else None
        after = sequence[i + 1] if i + 1 < len(sequence) else None
        what = f"{stem}: chart {charts} ({item['name']!r})"
        assert before and before["kind"] == "summary", f"{what} has no p.sg-summary right before it"
        summary = " ".join(before["text"].split())
        assert summary, f"{what}: its summary is empty"
        assert before["id"].startswith("summary-"), f"{what}: its summary has no id='summary-...'"
        assert after and after["kind"] == "table", f"{what} has no data table right after it"
        assert item["name"] == plain(summary), f"{what}: its accessible name is not its summary {summary!r}"
    assert charts == len(h.chart_status(shown(stem)))


@pytest.mark.parametrize("stem", STEMS)
def test_page_reflows_at_320_css_pixels(shown, stem):
    """WCAG 1.4.10 Reflow: 1280 pixels zoomed to 400% is 320 CSS pixels wide; nothing but a data
    table or a chart (which scroll on their own, as 1.4.10 allows) may need scrolling sideways."""
    page = shown(stem)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        h.settle(page, charts=False)
        wide = page.evaluate("""() => {
          const main = document.querySelector('[data-testid="stMain"]');
          const limit = document.documentElement.clientWidth + 1;
          return [...main.querySelectorAll('[data-testid="stElementContainer"]')]
            .filter(e => !e.querySelector('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], pre'))
            .filter(e => e.getBoundingClientRect().right > limit)
            .map(e => (e.firstElementChild?.dataset.testid || e.tagName) + ': ' + e.innerText.slice(0, 60));
        }""")
        page_width = page.evaluate("() => document.documentElement.scrollWidth")
    finally:
        page.set_viewport_size(size)
        h.wait_for_charts(page)
    assert page_width <= 320, f"{stem}: the page is {page_width} CSS pixels wide at 320"
    assert not wide, f"{stem}: at 320 CSS pixels these need scrolling sideways: {wide}"


@pytest.mark.parametrize("stem", STEMS)
def test_no_serious_accessibility_violation(shown, axe_source, stem):
    check_axe(h.run_axe(shown(stem), axe_source, stem), stem)


def check_axe(violations: list[dict], stem: str, view: str = "officer") -> None:
    """Serious and critical violations fail unless the allow-list has them (Streamlit's own);
    an allow-list entry for this page that no longer fires fails too."""
    entries = [e for e in axe_allowlist() if "*" in e["pages"] or stem in e["pages"]]
    stem = stem if view == "officer" else f"{view} {stem}"

    def allowed_by(v):
        return [e for e in entries
                if e["rule"] == v["rule"] and re.search(e["selector"], f"{v['target']} {v['html']}")]

    serious = [v for v in violations if v["impact"] in h.FAILING_IMPACTS]
    ours = [v for v in serious if not allowed_by(v)]
    assert not ours, f"{stem}: serious or critical axe-core violations:\n" + "\n".join(
        f"- {v['rule']} ({v['impact']}): {v['help']} [{v['helpUrl']}]\n    element: {v['target']}\n"
        f"    html: {v['html'][:300]}\n    {v['summary'][:400]}" for v in ours)
    fired = {id(e) for v in serious for e in allowed_by(v)}
    stale = [e for e in entries if id(e) not in fired]
    assert not stale, (f"{stem}: axe_allowlist.json entries that no longer fire here (remove them, and their "
                       f"line in pages/accessibility.py): " + json.dumps(stale, indent=1))


def test_allowlist_lets_through_only_what_it_names_and_fails_when_stale(monkeypatch):
    entry = {"rule": "aria-allowed-role", "selector": r"stSidebarNav", "pages": ["overview"],
             "reason": "example", "upstream": "https://github.com/streamlit/streamlit/issues/1"}
    monkeypatch.setattr(sys.modules[__name__], "axe_allowlist", lambda: [entry])
    streamlit_own = {"rule": "aria-allowed-role", "impact": "serious", "target": "[data-testid=stSidebarNav] ul",
                     "html": "<ul>", "help": "", "helpUrl": "", "summary": ""}
    ours = dict(streamlit_own, target="#summary-concerns", rule="color-contrast")
    minor = dict(ours, impact="moderate")
    check_axe([streamlit_own, minor], "overview")  # allowed, and a moderate one does not fail
    with pytest.raises(AssertionError, match="color-contrast"):
        check_axe([streamlit_own, ours], "overview")
    with pytest.raises(AssertionError, match="no longer fire"):
        check_axe([], "overview")
    check_axe([], "concerns")  # the entry names only the Overview


@pytest.mark.parametrize("stem", STEMS)
def test_csv_downloads_arrive_and_match_their_table(shown, stem):
    page = shown(stem)
    buttons = page.get_by_role("button", name=re.compile(r"\(CSV\)$"))
    if stem in TABLE_PAGES:
        assert buttons.count(), f"{stem}: no CSV download"
    labels = buttons.all_inner_texts()
    for label in labels:
        button = page.get_by_role("button", name=label, exact=True)
        button.scroll_into_view_if_needed()
        with page.expect_download() as info:
            button.click()
        download = info.value
        rows = h.read_csv(download.path())
        h.settle(page, charts=False)  # the click reruns the page
        what = f"{stem}: {label!r} ({download.suggested_filename})"
        assert download.suggested_filename.endswith(".csv"), what
        assert rows and rows[0] and all(c.strip() for c in rows[0]), f"{what}: no header, or a blank column name"
        assert len(set(rows[0])) == len(rows[0]), f"{what}: repeated column names {rows[0]}"
        assert len(rows) >= 2, f"{what}: a header and no rows"
        assert all(len(r) == len(rows[0]) for r in rows), f"{what}: rows of different lengths"
        # the table this file is the download of: `Table: {name}` beside `{slug(name)}.csv`
        grid = [g for g in page.locator(h.DATAFRAME).all()
                if slug((g.locator('[role="region"]').first.get_attribute("aria-label") or "").removeprefix("Table: "))
                + ".csv" == download.suggested_filename]
        assert grid, f"{what}: no table named for it on the page"
        table = h.dataframe_table(page, grid[0])  # every cell of the table, as the grid holds it
        assert table["header"] == rows[0], f"{what}: the CSV's columns {rows[0]} are not the table's {table['header']}"
        assert len(rows) - 1 == len(table["rows"]), f"{what}: {len(rows) - 1} rows, the table {len(table['rows'])}"


def test_overview_figures_csv_holds_the_figures_shown(shown):
    page = shown("overview")
    period = h.period_box(page).input_value()
    with page.expect_download() as info:
        page.get_by_role("button", name=f"Download headline figures {period} (CSV)").click()
    rows = h.read_csv(info.value.path())
    h.settle(page)
    assert rows[0] == ["Figure", "Count", "Of", "Share"]
    assert [r[0] for r in rows[1:]] == ["Referred externally", "Reviewed within 24 hours",
                                        "Required training in date", "Staff confident raising a concern"]
    for figure, count, of, share in rows[1:]:  # "1,381" in its column, "1,381 of 1,499, 92% (...)" in the share
        assert share.startswith(f"{int(count.replace(',', '')):,} of {int(of.replace(',', '')):,}, "), rows


STATEMENT_SECTIONS = ["How accessible this website is", "Feedback and contact information",
                      "Reporting accessibility problems with this website", "Enforcement procedure",
                      "Technical information about this website's accessibility", "Compliance status",
                      "Non-accessible content", "Preparation of this accessibility statement"]


def test_accessibility_statement_follows_the_model_and_lists_the_known_issues(shown):
    """The statement the 2018 regulations require (GOV.UK model), naming every Streamlit issue in the allow-list."""
    page = shown("accessibility")
    headings = [t.strip() for t in page.locator('[data-testid="stMain"] :is(h1, h2, h3)').all_inner_texts()]
    missing = [s for s in STATEMENT_SECTIONS if s not in headings]
    assert not missing, f"the accessibility statement lacks the sections {missing}; it has {headings}"
    text = " ".join(page.locator('[data-testid="stMain"]').inner_text().split())
    for words in ("partially compliant", "Web Content Accessibility Guidelines version 2.2", "AA standard",
                  "Equality and Human Rights Commission", "Equality Advisory and Support Service",
                  "safeguarding@council.example", "axe-core", "CSV", "Word"):
        assert words in text, f"the accessibility statement does not say {words!r}"
    links = set(page.locator('[data-testid="stMain"] a').evaluate_all("links => links.map(a => a.href)"))
    unlisted = [e["upstream"] for e in axe_allowlist() if e["upstream"] not in links]
    assert not unlisted, f"allow-listed Streamlit issues the statement's non-accessible content lacks: {unlisted}"


# --- filters and keyboard ------------------------------------------------------------------------

def test_period_filter_changes_the_headline(officer_server, new_page):
    page = new_page()
    h.open_page(page, officer_server.url, "overview")
    assert h.metric_value(page, "Concerns raised") != CONCERNS_2023_24, "start from another period"
    choose_period(page, "2023-24")
    expect(page.locator('[data-testid="stMetric"]', has_text="Concerns raised")
           .locator('[data-testid="stMetricValue"]')).to_have_text(CONCERNS_2023_24)
    expect(h.period_box(page)).to_have_value("2023-24")
    assert "period=2023-24" in page.url
    expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text("2023-24")
    choose_period(page, "2022-23")
    other = h.metric_value(page, "Concerns raised")
    assert other != CONCERNS_2023_24, "another period shows the same headline figure"


def choose_period(page, label: str) -> None:
    box = h.period_box(page)
    box.click()
    box.fill(label)
    page.get_by_role("option", name=label, exact=True).click()
    h.settle(page)


def tab_to(page, matches: str, presses: int = 80) -> None:
    """Press Tab until the focused element satisfies the JS predicate `matches(el)`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({matches})(document.activeElement)"):
            return
    raise AssertionError(f"{presses} presses of Tab never reached {matches}")


def test_period_filter_works_with_the_keyboard_alone(officer_server, new_page):
    page = new_page()
    h.open_page(page, officer_server.url, "overview")
    tab_to(page, "el => el.getAttribute('role') === 'combobox' && el.getAttribute('aria-label') === 'Period'")
    page.keyboard.press("Control+A")
    page.keyboard.type("2023-24")  # filters the options; the first match is highlighted
    for _ in range(10):
        highlighted = page.evaluate("""() => { const id = document.activeElement.getAttribute('aria-activedescendant');
                                               return id && document.getElementById(id)?.innerText.trim(); }""")
        if highlighted == "2023-24":
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"ArrowDown never highlighted the option 2023-24 (last: {highlighted!r})")
    page.keyboard.press("Enter")
    h.settle(page)
    expect(page.locator('[data-testid="stMetric"]', has_text="Concerns raised")
           .locator('[data-testid="stMetricValue"]')).to_have_text(CONCERNS_2023_24)
    expect(h.period_box(page)).to_have_value("2023-24")


def test_page_navigation_works_with_the_keyboard_alone(officer_server, new_page):
    page = new_page()
    h.open_page(page, officer_server.url, "overview", "period=2023-24")
    title = TITLES["timeliness"]
    tab_to(page, f"el => el.matches('[data-testid=\"stSidebarNavLink\"]') && el.innerText.trim().endsWith({title!r})")
    expect(page.locator(":focus")).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/timeliness(\?|$)"))
    h.settle(page)
    assert h.current_nav_title(page) == title
    assert not h.exceptions(page)
    expect(h.period_box(page)).to_have_value("2023-24")  # the shared filter keeps its value across pages


# --- a fresh server: a shared link, and the Scrutiny view -----------------------------------------

def test_shared_link_reopens_the_same_view_on_a_fresh_server(start_server, new_page):
    """The deep-link trap shows only on a server's first request (see sg_data/frame.py)."""
    server = start_server("deep-link")
    page = new_page()
    page.goto(f"{server.url}/concerns?period=2023-24")
    h.settle(page)
    assert not h.exceptions(page), h.exceptions(page)
    assert h.nav_titles(page) == list(TITLES.values()), "the sidebar lists file names, not the declared pages"
    assert h.current_nav_title(page) == TITLES["concerns"]
    expect(h.period_box(page)).to_have_value("2023-24")
    assert "period=2023-24" in page.url
    expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text("2023-24")
    h.screenshot(page, "deep-link-concerns-2023-24")


#: metrics.md, "Disclosure control": any count from 1 to 5 *of people or concerns* is suppressed.
#: Pages whose tables count neither, and column names whose values are not counts (quarters, levels,
#: ratings, hours...); a share ("3 of 27, 11%") is read in any column of the other pages.
NOT_PEOPLE_PAGES = {"self_assessment": "counts of the council's standards by rating, not of people or concerns",
                    # class 3: a staff group is hidden whole under 10 people, and published whole from 10 (so "3
                    # of 40 expiring" is published); tests/test_disclosure.py and the attacker's check in
                    # tests/test_publication.py hold that rule
                    "training": "staff (class 3), not people at risk",
                    "survey": "staff (class 3), not people at risk"}
NOT_A_COUNT = re.compile(r"quarter|year|wave|period|level|rating|score|rank|hour|day|week|month|pct|percent|%|share|"
                         r"rate|per 100|median|mean|average|target|question|standard|order|date|version|threshold",
                         re.I)
SHARE = re.compile(r"(?<![\d.,])(\d[\d,]*) of (\d[\d,]*)")


def small_counts(column: str, cell: str) -> list[int]:
    """Counts from 1 to 5 that a cell shows: the cell itself in a count column, or the two
    numbers of a share ("3 of 27, 11%") in any column."""
    text = cell.strip()
    counts = [int(n.replace(",", "")) for pair in SHARE.findall(text) for n in pair]
    if not NOT_A_COUNT.search(column):
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            pass
        else:
            if value.is_integer():
                counts.append(int(value))
    return [c for c in counts if 1 <= c <= 5]


def test_small_count_rule_reads_cells_as_meant():
    assert small_counts("Concerns", "3") == [3]
    assert small_counts("Concerns", "[c]") == []
    assert small_counts("Concerns", "0") == []
    assert small_counts("Concerns", "1,204") == []
    assert small_counts("Share", "3 of 27, 11% (4% to 28%)") == [3]
    assert small_counts("Quarter", "2") == []
    assert small_counts("Level", "3") == []
    assert small_counts("Reviewed within 24 hours", "12 of 14, 86%") == []


#: how long the first Scrutiny page may take: it builds the whole publication (README, Speed)
PUBLICATION_MS = 240_000
#: the build's progress, while it runs and once it is done
BUILDING = re.compile(r"^(Building the Scrutiny publication|Scrutiny publication built\.)")


@pytest.fixture(scope="module")
def scrutiny_view(sample_db, chromium, browser, axe_source, publication):
    """Every page of the Scrutiny view (SG_VIEW=scrutiny on a server of its own), visited once:
    what it showed, its axe-core violations and every cell of its tables.

    The server starts as a restarted one does, with the sample's publication kept beside the store: the session's,
    protected once for every test (a server that builds its own: test_a_scrutiny_server_builds_...)."""
    from sg_data import deployment, publication as pub, store

    deployment.keep(publication, str(sample_db), store.version_token(sample_db), pub.DEFAULT_THRESHOLD,
                    pub.DEFAULT_MIN_GROUP)
    server = StreamlitServer("scrutiny", sample_db, SG_VIEW="scrutiny").start()
    context, guard = browser_context(browser)
    page = context.new_page()
    visits = {}
    try:
        for n, stem in enumerate(SCRUTINY_STEMS):
            h.open_page(page, server.url, stem, timeout=PUBLICATION_MS if n == 0 else h.SETTLE_MS)
            h.screenshot(page, f"scrutiny-{stem}")
            visits[stem] = {"exceptions": h.exceptions(page),
                            "built": page.get_by_text(BUILDING).count(),
                            "sidebar": page.locator('[data-testid="stSidebar"]').inner_text(),
                            "axe": h.run_axe(page, axe_source, f"scrutiny-{stem}"),
                            "tables": h.dataframe_tables(page) + h.static_tables(page)}
        yield visits
    finally:
        context.close()
        server.stop()
    assert not guard.blocked, f"requests to hosts other than 127.0.0.1 (blocked): {guard.blocked}"


def test_scrutiny_view_shows_every_page(scrutiny_view):
    for stem, visit in scrutiny_view.items():
        assert not visit["exceptions"], f"Scrutiny view, {stem}: " + "\n".join(visit["exceptions"])
        assert "Scrutiny" in visit["sidebar"], f"Scrutiny view, {stem}: the sidebar does not say which view this is"


def test_a_restarted_scrutiny_server_reads_the_publication_it_kept(scrutiny_view):
    assert [stem for stem, visit in scrutiny_view.items() if visit["built"]] == []  # no build, no progress bar


def test_a_scrutiny_server_builds_its_publication_with_its_progress_and_keeps_it(chromium, new_page, tmp_path):
    """A live store's first Scrutiny page builds and protects its publication, its progress shown, and keeps it
    beside the store for the server's next start (a small store: the sample's is read back, in scrutiny_view)."""
    from sg_data import store

    db = concerns_only_store(tmp_path)
    server = StreamlitServer("scrutiny-build", db, SG_VIEW="scrutiny").start()
    try:
        page = new_page()
        h.open_page(page, server.url, "overview", timeout=PUBLICATION_MS)
        assert not h.exceptions(page)
        expect(page.get_by_text(BUILDING)).to_be_visible()
        assert page.get_by_text(BUILDING).inner_text() == "Scrutiny publication built."
        assert "Scrutiny" in page.locator('[data-testid="stSidebar"]').inner_text()
    finally:
        server.stop()
    assert store.publication_path(db).is_file()


def test_scrutiny_view_shows_no_count_from_1_to_5(scrutiny_view):
    cells, problems = 0, []
    for stem, visit in scrutiny_view.items():
        if stem in NOT_PEOPLE_PAGES:
            continue
        for table in visit["tables"]:
            for r, row in enumerate(table["rows"], start=1):
                for column, cell in zip(table["header"], row):
                    cells += 1
                    if small_counts(column, cell):
                        problems.append(f"{stem} / {table['name']} / row {r} / {column}: {cell!r}")
    assert cells, "the Scrutiny view showed no table cells at all"
    assert not problems, "the Scrutiny view shows counts from 1 to 5:\n" + "\n".join(problems)


@pytest.mark.parametrize("stem", SCRUTINY_STEMS)
def test_scrutiny_view_has_no_serious_accessibility_violation(scrutiny_view, stem):
    check_axe(scrutiny_view[stem]["axe"], stem, view="Scrutiny view")


# --- the briefing ----------------------------------------------------------------------------------

def test_overview_briefing_download_is_a_word_document_with_the_figures_shown(officer_server, new_page):
    """One click on the Overview writes the portfolio holder's briefing, with the page's headline figure in it."""
    import docx

    page = new_page()
    h.open_page(page, officer_server.url, "overview", "period=2023-24")
    shown = h.metric_value(page, "Concerns raised")
    button = page.get_by_role("button", name="Download briefing 2023-24 (DOCX)")
    with page.expect_download(timeout=90_000) as download:
        button.click()
    assert download.value.suggested_filename == "safeguarding-briefing-2023-24-officer.docx"
    document = docx.Document(download.value.path())
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings[0] == "Safeguarding briefing: 2023-24" and "Exceptions and questions to ask" in headings
    assert "Definitions" not in " ".join(headings)   # the portfolio holder's few pages
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert shown == "276" and "276" in cells

    page.get_by_text("Full pack", exact=True).click()   # the full pack: every table and the definitions
    h.settle(page)
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download full pack 2023-24 (DOCX)").click()
    assert download.value.suggested_filename == "safeguarding-full-pack-2023-24-officer.docx"
    document = docx.Document(download.value.path())
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings[0] == "Safeguarding briefing: 2023-24" and "Definitions" in " ".join(headings)
    assert "276" in [c.text for t in document.tables for row in t.rows for c in row.cells]


# --- the Imports page: an officer loads an export in the browser ------------------------------------

def load_through_imports(new_page, db, export, name: str, shown: str) -> str:
    """On a server of its own over `db`: upload `export` on the Imports page, wait for `shown`, click Load;
    returns the load report the page prints."""
    server = StreamlitServer(name, db).start()
    try:
        page = new_page()
        h.open_page(page, server.url, "imports")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(export))
        h.settle(page)
        expect(page.get_by_text(shown, exact=False).first).to_be_visible()
        page.get_by_role("button", name="Load 1 file into the store").click()
        h.settle(page, timeout=120_000)
        assert not h.exceptions(page)
        return page.locator('[data-testid="stCode"]').first.inner_text()
    finally:
        server.stop()


def test_an_officer_loads_an_export_through_the_imports_page(sample_db, chromium, new_page, tmp_path):
    """Upload, preview and load in Chromium, into a copy of the sample store: the click on Load reaches the
    page (under AppTest it cannot: tests/test_pages_imports.py), the report is shown and the rows are stored."""
    db = copy_of_store(sample_db, tmp_path / "store")
    export = tmp_path / "concerns_extra.csv"
    export.write_text("concern_id,raised_at,service,category,subject_group,reviewed_at,referred_to,outcome\n"
                      "MC-900001,2026-09-29 10:00,Housing Services,Self-Neglect,adult,2026-09-29 12:00,,Advice\n"
                      "MC-900002,2026-09-29 11:00,Licensing,Child Safeguarding,child,2026-09-29 15:00,MASH,Advice\n",
                      encoding="utf-8")
    before = concerns_in(db)
    report = load_through_imports(new_page, db, export, "imports", "Preview.")
    assert "concerns_extra.csv" in report and "2 rows loaded" in report, report
    assert concerns_in(db) == before + 2


def test_an_officer_maps_a_concern_systems_own_report_and_loads_it(sample_db, chromium, new_page, tmp_path):
    """A report with its own headings and no saved profile: the page proposes the mapping, shows the preview,
    and Load stores it through that mapping (the AppTest of the same path: tests/test_pages_imports.py)."""
    db = copy_of_store(sample_db, tmp_path / "store")
    export = tmp_path / "quarterly_concern_report.csv"   # no saved profile matches this name
    source = h.ROOT / "sample_data" / "exports" / "myconcern_report_2022-23.csv"
    export.write_text(source.read_text(encoding="utf-8").replace("MC-000", "MC-900"), encoding="utf-8")
    before = concerns_in(db)
    report = load_through_imports(new_page, db, export, "imports-mapped",
                                  "239 rows would be loaded and 2 quarantined")
    assert "1 files: 239 rows loaded, 2 rows quarantined, 0 files rejected." in report, report
    assert concerns_in(db) == before + 239
