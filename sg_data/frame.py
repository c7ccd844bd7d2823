"""The dashboard's frame: declared navigation, the store, the view and the shared filters.

`dashboard.py` calls `run(navigation())`; every file in `pages/` starts with
`frame()`. Why both: with `st.navigation` and a folder named `pages/`, the
first request to a fresh server that is a deep link (`/timeliness?period=...`)
runs the page file directly through Streamlit's automatic page discovery
(streamlit/streamlit#9624), skipping `dashboard.py`. `frame()` notices that,
installs the declared navigation (which switches the server off automatic
discovery for good) and reruns once, so the page is drawn inside the frame.
A page's `url_path` must equal its file name for the two to match.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from . import periods, present, sockets
from .periods import Period

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "pages"
SAMPLE_DIR = ROOT / "sample_data"

_IN_FRAME = "_sg_in_page_run"       # True only while dashboard.py runs a page
_RERUN_TRIED = "_sg_frame_rerun_tried"  # loop guard, cleared by every framed run

COMPARISONS = ("Previous period", "Same period last year")
#: the comparison of a period the data do not yet cover to its end, whichever was chosen
INCOMPLETE_COMPARISON = "The same months a year earlier, as the period is not complete"

#: (file stem = url path, title, icon). Overview is the default page at `/`.
PAGES = (
    ("overview", "Overview", ":material/dashboard:"),
    ("concerns", "Concerns", ":material/report:"),
    ("timeliness", "Review timeliness", ":material/schedule:"),
    ("training", "Training coverage", ":material/school:"),
    ("survey", "Staff survey", ":material/forum:"),
    ("self_assessment", "Self-assessment", ":material/fact_check:"),
    ("outcomes", "Outcomes", ":material/conversion_path:"),
    ("data", "Data", ":material/database:"),
    ("definitions", "Definitions", ":material/menu_book:"),
    ("accessibility", "Accessibility", ":material/accessibility_new:"),
    ("audit", "Audit trail", ":material/policy:"),
    ("imports", "Imports", ":material/upload_file:"),
    ("reference", "Reference tables", ":material/table_edit:"),
)
#: pages the navigation offers to officers only (a typed address in another view gets a refusal)
OFFICER_PAGES = frozenset({"audit", "imports", "reference"})


# --- the store, the deployment and its figures ----------------------------------------------------

_ROLE = "_sg_role"  # the signed-in user's role for this session (sg_data.access), set by the frame each run


def settings():
    """The deployment's settings, checked (sg_data.access): a bad one stops the page with one clear line."""
    import dataclasses

    from . import access

    try:
        s = access.load_settings()
    except access.SettingsError as exc:
        st.error(f"The dashboard cannot start: {exc}")
        st.stop()
    if "SG_DB" not in os.environ:
        s = dataclasses.replace(s, db=ROOT / "sg.duckdb")
    return s


def db_path() -> str:
    return str(settings().db)


def role():
    """The role this session is served as: from sign-in, or the configured view on a local laptop."""
    if _ROLE not in st.session_state:
        from . import access

        st.session_state[_ROLE] = access.gate(settings())
    return st.session_state[_ROLE]


def requested_view() -> str:
    return role().view


def sees_rows() -> bool:
    """Whether this user may see row-level lists (overdue concerns, quarantined rows): officers only."""
    return role().sees_rows and view() == "officer"


def view() -> str:
    """`officer` or `scrutiny`: from the role (sign-in) or SG_VIEW for a laptop, never from a widget.

    A published store (sg_data.publication) holds only protected aggregates and is always the Scrutiny view.
    """
    return figures().view


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(path: str, version: tuple):
    from . import store

    return store.connect(path, read_only=True)


def _version(path: str) -> tuple:
    """Changes when a load swaps in a new store, so the dashboard reopens it on its next run."""
    from . import store

    return store.version_token(path)


def connection():
    path = db_path()
    if not Path(path).exists():
        if "SG_DB" in os.environ:
            st.error(f"No store at {path}. Load your exports first: `python -m sg_data load SOURCE_DIR --db {path}`.")
            st.stop()
        _build_sample_store(path)
    from . import store

    try:
        return _connection(path, _version(path))
    except store.StoreError as exc:  # an older or foreign store, or one being written: one line, no traceback
        st.error(str(exc))
        st.stop()


def _build_sample_store(path: str) -> None:
    """First start on a fresh clone: build the store from the sample council, with progress shown."""
    from .loader import ensure_sample_store

    with st.status("Building the store from the sample council's exports (first start only)...",
                   expanded=True) as status:
        bar = st.progress(0.0)

        def progress(message: str, fraction: float) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        report = ensure_sample_store(path, SAMPLE_DIR, progress)
        status.update(label="Store built from the sample council." if report is None or report.ok
                      else "Store built; some sample files were rejected (see the Data page).", state="complete",
                      expanded=False)


@st.cache_resource(show_spinner=False, max_entries=2)
def _figures_box(path: str, version: tuple, requested: str) -> dict:
    """Where one store version's figures for one view are kept, once built. The box is cached, not the build:
    Streamlit replays every element a cached function drew on each later call, so a build drawn inside one
    would show its progress bar again on every page."""
    return {}


_BUILD = threading.Lock()


def _build(path: str, version: tuple, requested: str):
    from . import deployment, publication
    from .figures import StoreFigures

    con = _connection(path, version)
    if requested == "officer" or publication.is_publication(con):
        figs = deployment.figures_for(con, requested)
        # one store version never changes: what it covers, its periods and services are read once, not every run
        return figs.pinned() if isinstance(figs, StoreFigures) else figs
    s = settings()
    kept = deployment.kept(path, version, s.suppress_threshold, s.min_group)
    if kept is not None:  # built by an earlier start of a server on this very version of the store
        return kept
    with st.status("Building the Scrutiny publication: every figure protected together (first view only)...",
                   expanded=True) as status:
        bar = st.progress(0.0)
        figs = deployment.figures_for(
            con, requested, s.suppress_threshold, s.min_group,
            lambda message, fraction: bar.progress(min(max(fraction, 0.0), 1.0), text=message),
            keep_beside=(path, version))
        status.update(label="Scrutiny publication built.", state="complete", expanded=False)
    return figs


def figures():
    """This deployment's figures, decided once from the configuration (built once per store version and view;
    a second visitor during the build waits for it rather than building it again)."""
    requested = requested_view()
    connection()
    path = db_path()
    version = _version(path)
    box = _figures_box(path, version, requested)
    if "figures" not in box:
        with _BUILD:
            if "figures" not in box:
                box["figures"] = _build(path, version, requested)
    return box["figures"]


# The key holds the store's version, so an entry is right for as long as it is kept: no expiry, which made a page
# left open for ten minutes as slow as a new one; the number of entries bounds the memory (each is one table's
# figures for one period: kilobytes).
@st.cache_data(max_entries=4096, show_spinner=False)
def _get(view_name: str, path: str, version: tuple, name: str, period, target_hours):
    # The view is part of the key: officer results never serve the Scrutiny view.
    figs = figures()
    assert figs.view == view_name
    return figs.get(name, period, target_hours=target_hours)


_HIDDEN = "_sg_hidden_on_page"


def cache_key() -> tuple:
    """What every cached figure is keyed by besides its own arguments: the view, the store and its version (so
    officer results never serve the Scrutiny view, and a load is never served the figures of the store before)."""
    path = db_path()
    return view(), path, _version(path)


def get(name: str, period=None, target_hours: float = 24):
    """A catalog table for a period (a `Period`) or all time, cached per view, store version and arguments."""
    frame = _get(*cache_key(), name, period, float(target_hours))
    tally = st.session_state.get(_HIDDEN)
    if tally is not None and frame is not None:
        flags = [c for c in frame.columns if c.endswith("_suppressed")]
        tally[(name, getattr(period, "label", None))] = int(frame[flags].to_numpy().sum()) if flags else 0
    return frame


def hidden_note(tally: dict, manifest: dict) -> str:
    """Plain words on how many figures the page's tables hide, and why (the Scrutiny view, at the page's end)."""
    hidden = sum(tally.values())
    if not hidden:
        return "No figure on this page is hidden."
    threshold, min_group = manifest.get("threshold", 5), manifest.get("min_group", 10)
    return (f"{hidden:,} figure{'s' if hidden != 1 else ''} in the tables on this page "
            f"{'are' if hidden != 1 else 'is'} hidden and shown as [c]. Counts of 1 to {threshold} people are "
            "hidden so that no one can be identified, and some other counts with them, so that no hidden count "
            f"can be worked out from the figures published beside it. Staff groups of fewer than {min_group} "
            "people are hidden whole. Council-wide figures about the process are always shown.")


@st.cache_data(max_entries=256, show_spinner=False)
def _brief(view_name: str, path: str, version: tuple, period, target_hours):
    from . import briefing

    return briefing.build(figures(), period, target_hours)


def brief(period, target_hours: float = 24) -> dict:
    return _brief(*cache_key(), period, float(target_hours))


class CachedFigures:
    """The deployment's figures for a page: every table through the Streamlit cache (same interface as figures)."""

    def __init__(self, figs):
        self._figures = figs
        self.view, self.suppressed, self.published_target = figs.view, figs.suppressed, figs.published_target

    def get(self, name: str, period=None, target_hours: float = 24):
        return get(name, period, target_hours)

    def __getattr__(self, name):
        return getattr(self._figures, name)


def cached_figures() -> CachedFigures:
    return CachedFigures(figures())


def period_labels() -> list[str]:
    return figures().period_labels()


def default_period():
    return figures().default_period()


def coverage() -> dict:
    return figures().coverage()


def service_list() -> list[str]:
    return figures().service_list()


# --- the filters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    period: Period
    comparison: Period
    comparison_kind: str
    services: tuple[str, ...]  # empty = all services
    #: the data's as-of day (None: no concerns loaded)
    as_of: dt.date | None = None

    @property
    def complete(self) -> bool:
        return periods.is_complete(self.period, self.as_of)

    @property
    def data_to(self) -> dt.date:
        """The last day of the period the data reach (the period's own last day where it is complete)."""
        return periods.data_to(self.period, self.as_of)

    @property
    def dates(self) -> str:
        """`1 April 2023 to 31 March 2024`, or `April to September 2026 (year to date)` for a period the data do
        not yet cover to its end."""
        if self.complete:
            return f"{present.date(self.period.start)} to {present.date(self.period.end)}"
        return (f"{periods.span_words(self.period.start, self.data_to)} "
                f"({'quarter' if self.period.is_quarter else 'year'} to date)")

    def keep(self, frame: pd.DataFrame, column: str = "service") -> pd.DataFrame:
        if not self.services or column not in frame.columns:
            return frame
        return frame[frame[column].isin(self.services)].reset_index(drop=True)


def filters() -> Filters:
    label = st.session_state.get("period") or default_period()
    period = periods.parse(label)
    kind = st.session_state.get("comparison") or COMPARISONS[0]
    comparison = period.previous() if kind == COMPARISONS[0] else period.same_last_year()
    as_of = (coverage() or {}).get("as_of")
    as_of = as_of.date() if as_of is not None else None
    if not periods.is_complete(period, as_of):
        # half a year against a whole one says nothing: compare the same stretch of days a year earlier
        comparison, kind = periods.same_months_a_year_earlier(period, as_of), INCOMPLETE_COMPARISON
    return Filters(period, comparison, kind, tuple(st.session_state.get("services") or ()), as_of)


def _sidebar() -> None:
    labels = period_labels()
    default = default_period()
    with st.sidebar:
        st.markdown("### Filters")
        if not labels:
            st.warning("No data loaded yet.")
            return
        st.selectbox("Period", labels, index=labels.index(default) if default in labels else 0, key="period",
                     bind="query-params",
                     help="A financial year (April to March) or a quarter. The default is the latest full quarter.")
        st.radio("Compare with", COMPARISONS, key="comparison", bind="query-params")
        services = service_list()
        st.multiselect("Services", services, key="services", bind="query-params", placeholder="All services",
                       help="Current service names; a renamed service is counted under its current name.")
        st.caption(f"View: **{'Scrutiny (figures from 1 to 5 hidden)' if view() == 'scrutiny' else 'Officer'}**")
    from . import access

    access.sign_out_button()


_CSS = """
<style>
/* "63 of 70, 90%" is the figure: let it wrap rather than be cut to "63 of 70, ..." */
[data-testid="stMetricValue"] { font-size: 1.5rem; }
[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
p.sg-summary { font-size: 1rem; margin-bottom: 0.25rem; }
</style>
"""


def _banner() -> None:
    if view() == "scrutiny":
        st.info("**Scrutiny view.** Any count from 1 to 5 is hidden and shown as [c], and other figures are "
                "hidden beside it where they would let someone work it out, so that no child or adult at risk "
                "can be identified. Zero is shown as zero.", icon=":material/visibility_off:")


def _pages():
    officer = sees_rows()
    return [st.Page(PAGES_DIR / f"{stem}.py", title=title, icon=icon, url_path=stem, default=(stem == "overview"))
            for stem, title, icon in PAGES if officer or stem not in OFFICER_PAGES]


def _declared():
    """Sign-in, then the declared navigation for this user; returns the page to run."""
    # An emoji favicon is drawn in the browser; a ":material/...:" one is fetched from fonts.gstatic.com,
    # a request to a third party from every visitor (and none at all on an offline network).
    st.set_page_config(page_title="Safeguarding trends", page_icon="🛡️", layout="wide")
    from . import access

    st.session_state[_ROLE] = access.gate(settings())  # sign-in, every run: a refused user sees nothing else
    return st.navigation(_pages(), expanded=True)  # every page one click away: no "View more" to find


def navigation():
    """Declared navigation and the shared sidebar; returns the page to run."""
    sockets.once()  # before anything is sent: no 40 ms stall per file or message (sg_data/sockets.py)
    page = _declared()
    connection()
    st.html(_CSS)
    _sidebar()
    _banner()
    return page


_AUDITED = "_sg_audited_view"


def _selections() -> dict:
    return {k: st.session_state.get(k) for k in ("period", "comparison", "services", "target_hours", "brief_format")
            if st.session_state.get(k) not in (None, [], ())}


def audit(event: str, page: str | None = None, detail: dict | None = None) -> None:
    """One line in the audit trail: who, when, what, which filters and which view (never a figure)."""
    from . import access, audit as trail

    try:
        trail.record(event, user=access.user_label(st.user.to_dict()), view=role().view, page=page,
                     filters=_selections(), detail=detail, db=db_path())
    except (OSError, trail.AuditError):
        st.error("The dashboard cannot record who is using it (audit trail not writable), so it stays closed.")
        st.stop()


def download_recorder(table: str, fmt: str):
    """A callable for a download's `on_click`-free data: records the download, then returns nothing more.

    Read on the script thread (who, which view, which filters), so the click's own thread needs no Streamlit."""
    from . import access, audit as trail

    entry = dict(user=access.user_label(st.user.to_dict()), view=role().view, filters=_selections(), db=db_path())

    def record() -> None:
        try:
            trail.record("download", detail={"table": table[:200], "format": fmt}, **entry)
        except (OSError, trail.AuditError):
            pass  # the page view that showed this table is already on the trail

    return record


def run(page) -> None:
    st.session_state[_RERUN_TRIED] = False
    st.session_state[_IN_FRAME] = True
    seen = (page.url_path, repr(sorted(_selections().items())))
    last = st.session_state.get(_AUDITED)
    if seen != last:
        audit("page_view" if last is None or last[0] != seen[0] else "filter_change", page=page.url_path or "overview")
        st.session_state[_AUDITED] = seen
    st.session_state[_HIDDEN] = {}
    try:
        page.run()
        figs = figures()
        if figs.suppressed and st.session_state[_HIDDEN]:
            st.divider()
            st.caption(hidden_note(st.session_state[_HIDDEN], getattr(figs, "manifest", {})))
    finally:
        st.session_state[_IN_FRAME] = False
        st.session_state[_HIDDEN] = None


def frame() -> None:
    """The first statement of every page file (see the module docstring)."""
    if st.session_state.get(_IN_FRAME):
        return
    if not st.session_state.get(_RERUN_TRIED):
        _declared()  # enough to switch discovery off: the rerun draws the sidebar, once
        st.session_state[_RERUN_TRIED] = True
        st.rerun()
    navigation()  # reached only where there is no dashboard.py to rerun into (AppTest of one page file)


def as_of_text() -> str:
    cov = coverage()
    if not cov or cov.get("as_of") is None:
        return "No concerns are loaded."
    return f"Latest concern in the data: {cov['last']:%d %B %Y}; figures as of {cov['as_of']:%d %B %Y %H:%M}."


def published_target():
    """The review target a publication was written at, or None where any target can be computed."""
    return figures().published_target


def briefing_writer(period, fmt: str, detail: str = "summary"):
    """A callable that writes the briefing for a period in this view (the Overview's download).

    Everything Streamlit-bound is read here, on the script thread; the callable itself only renders.
    """
    from .documents import render

    figs = figures()
    brief_now = brief(period)
    recorded = download_recorder(f"briefing {period.label} {detail}", fmt)

    def write() -> bytes:
        recorded()
        return render(figs, brief_now, fmt, detail=detail)

    return write
