"""Streamlit building blocks every page uses: a figure with its definition,
a chart with its text alternative, its data table and a CSV download.

Accessibility (WCAG 2.2 AA): every chart is preceded by a one-sentence
summary, which is also the chart's accessible name (`alt`; without it
vega-embed names every chart "Vega visualization"), and followed by the table
of exactly what it shows. tests/browser checks all three in Chromium.
"""

from __future__ import annotations

import copy
import html
import os
import re
import threading
from collections import OrderedDict

import pandas as pd
import streamlit as st
from streamlit.elements import vega_charts

from . import chart_plan, charts, frame as app, glossary, present, safety

DEFINITIONS_PAGE = "pages/definitions.py"
#: how many charts' specs this server keeps, by content (each a chart's spec and its data as Arrow: kilobytes)
SPECS_KEPT = 512
_specs: OrderedDict[bytes, dict] = OrderedDict()
_specs_lock = threading.Lock()


def escape(text) -> str:
    """Text from the data, safe inside st.markdown and st.caption: no Markdown, HTML, link, image, LaTeX, colour
    or icon directive in it is rendered (sg_data.safety.md_escape)."""
    return safety.md_escape(text)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plain(text: str) -> str:
    """A summary as plain text (tags dropped, entities decoded), for an accessible name."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def definition(key: str) -> None:
    """The plain-words definition beside a figure (metrics.md asks for it)."""
    st.caption(glossary.definition(key))


def definitions_link() -> None:
    st.page_link(DEFINITIONS_PAGE, label="All definitions", icon=":material/menu_book:")


def period_heading(f: app.Filters, title: str) -> tuple[str, str]:
    """A page's title; under it the dates, the services and the comparison, with the as-of time; then the link to
    all definitions. Returns the scope in words ("all services" or the services named) and " for <scope>" where
    services are chosen ("" for all services)."""
    comparison = f.comparison
    scope = present.names(f.services) if f.services else "all services"
    st.title(title)
    st.caption(f"{f.dates}, for {escape(scope)}, compared with {comparison.label} "
               f"({f.comparison_kind.lower()}). {app.as_of_text()}")
    definitions_link()
    return scope, (f" for {scope}" if f.services else "")


def definitions_block(keys, inline, drawn: bool) -> None:
    """The page's definitions not already shown beside their figures (all of `keys` when the page had nothing
    to show, so `inline` were not drawn), then the link to all definitions."""
    keys = [k for k in keys if not drawn or k not in inline]
    if keys:
        st.subheader("What these figures mean" if not drawn else "More definitions")
        for key in keys:
            definition(key)
    definitions_link()


def figure(label: str, value: str, detail: str | None = None, key: str | None = None) -> None:
    """One headline figure: a label, the figure ("13 of 27, 48%") and, below, the comparison."""
    st.metric(label, value, help=glossary.term(key).definition if key else None)
    if detail:
        st.caption(detail)


def table_for_display(df: pd.DataFrame) -> pd.DataFrame:
    """Suppressed cells read `[c]`; column names read as words."""
    out = df.copy()
    for col in list(out.columns):
        flag = f"{col}_suppressed"
        if flag in out.columns:
            out[col] = [present.cell(v, bool(s)) for v, s in zip(out[col], out[flag])]
            out = out.drop(columns=[flag])
    out.columns = [c.replace("_", " ").capitalize() if c == c.lower() else c for c in out.columns]
    return out


def chart_block(chart, summary: str, table: pd.DataFrame, name: str, *, caption: str | None = None,
                small: bool = False) -> None:
    """A chart with its text alternative before it and its data table and download after it, in an expander.
    `small`: the summary in smaller type, for a small chart in a narrow column."""
    anchor = slug(name)
    size = " style='font-size: 0.875rem'" if small else ""
    # the summary holds names from the data: escaped, so no tag, style or link in a name is ever rendered
    st.markdown(f"<p class='sg-summary' id='summary-{anchor}'{size}>{safety.html_escape(summary)}</p>",
                unsafe_allow_html=True)
    if table.empty:
        st.info("No data for this period.")
        return
    flags = [c for c in table.columns if c.endswith("_suppressed")]
    if flags and table[flags].fillna(False).astype(bool).any(axis=1).all():
        # an empty chart tells a sighted reader nothing and a screen reader less (an unnamed graphic)
        st.info("No figure in this chart can be shown: each is hidden ([c]) or was not recorded, so the chart is "
                "not drawn. The table below shows each one.")
        data_table(table, name)
        return
    st.vega_lite_chart(vega_lite(chart), width="stretch", alt=plain(summary))
    if caption:
        st.caption(caption)
    # the table and its download one click away, so that a page is its figures and charts first; a closed
    # expander is still in the page for a screen reader, and its label says what it holds
    with st.expander(f"Table and download: {escape(name)}", icon=":material/table:"):
        data_table(table, name)


class _Sent:
    """An Altair chart as Streamlit's conversion reads it. Validating a spec against the Vega-Lite schema took about
    as long as building the chart, so a server does not; the test suite does (SG_CHECK_CHARTS=1, set in
    tests/conftest.py), for every chart every page test draws, and so does each builder's own test."""

    def __init__(self, chart):
        self._chart = chart

    def to_dict(self) -> dict:
        return self._chart.to_dict(validate=os.environ.get("SG_CHECK_CHARTS") == "1")


def vega_lite(chart) -> dict:
    """The chart's Vega-Lite spec exactly as `st.altair_chart` makes it (its data as Arrow, no Altair theme), made
    once per content: a rerun drawing the same figures reuses the spec made the first time (sg_data.chart_plan)
    instead of building the chart and validating it against the schema again. The spec holds only what the chart
    shows, so one kept for one viewer is only ever found by another drawing the same figures."""
    if not isinstance(chart, chart_plan.ChartPlan):
        return vega_charts._convert_altair_to_vega_lite_spec(_Sent(chart))
    key = chart.key
    with _specs_lock:
        spec = _specs.get(key)
        if spec is not None:
            _specs.move_to_end(key)
    if spec is None:
        # Streamlit's own conversion, the one st.altair_chart makes (streamlit is pinned; tests/test_charts.py
        # checks the data goes as Arrow and a spec is made once per content)
        spec = vega_charts._convert_altair_to_vega_lite_spec(_Sent(chart.altair()))
        with _specs_lock:
            _specs[key] = spec
            while len(_specs) > SPECS_KEPT:
                _specs.popitem(last=False)
    return copy.deepcopy(spec)  # Streamlit takes the data out of the spec it is given


def data_table(table: pd.DataFrame, name: str) -> None:
    shown = table_for_display(table)
    st.markdown(f"**Table: {escape(name)}**")
    # every row in view up to 30 rows; longer tables scroll
    st.dataframe(shown, hide_index=True, width="stretch", height="content" if len(shown) <= 30 else "auto",
                 alt=f"Table: {name}")
    recorded = app.download_recorder(name, "csv")

    def csv() -> bytes:  # written when clicked: the download goes on the audit trail, formulas neutralised
        recorded()
        return safety.safe_csv(shown)

    st.download_button(
        f"Download {name} (CSV)",
        csv,
        file_name=f"{slug(name)}.csv",
        mime="text/csv",
        key=f"download-{slug(name)}",
        on_click="ignore",  # a download changes nothing on the page: no rerun of every query and chart
    )


def small_trend(trend) -> None:
    """A headline figure's small trend (sg_data.views.trends.SmallTrend) under it: its signal in words beside an
    icon whose shape says it, then the chart with its sentence before it and its table one click away."""
    if trend is None:
        st.caption("No trend: nothing is recorded up to the end of this period.")
        return
    st.markdown(f":{trend.tone}[{trend.icon}] **{trend.signal}**")
    chart_block(charts.sparkline(trend.drawn, trend.percent), trend.sentence, trend.table, trend.name, small=True)
