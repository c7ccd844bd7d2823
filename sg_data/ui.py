"""Streamlit building blocks every page uses: a figure with its definition,
a chart with its text alternative, its data table and a CSV download.

Accessibility (WCAG 2.2 AA): every chart is preceded by a one-sentence
summary, which is also the chart's accessible name (`alt`; without it
vega-embed names every chart "Vega visualization"), and followed by the table
of exactly what it shows. tests/browser checks all three in Chromium.
"""

from __future__ import annotations

import html
import numbers
import re

import pandas as pd
import streamlit as st

from . import frame as app, glossary, shaping
from .stats import SUPPRESSED

DEFINITIONS_PAGE = "pages/definitions.py"


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
    period, comparison = f.period, f.comparison
    scope = names(f.services) if f.services else "all services"
    st.title(title)
    st.caption(f"{period.start:%d %B %Y} to {period.end:%d %B %Y}, for {scope}, compared with {comparison.label} "
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


def _cell(value, suppressed) -> str:
    """One cell of a table that has suppressed counts: all text, so the column has one type."""
    if suppressed:
        return "[c]"
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, numbers.Number) and float(value).is_integer():
        return f"{int(value):,}"
    return str(value)


def table_for_display(df: pd.DataFrame) -> pd.DataFrame:
    """Suppressed cells read `[c]`; column names read as words."""
    out = df.copy()
    for col in list(out.columns):
        flag = f"{col}_suppressed"
        if flag in out.columns:
            out[col] = [_cell(v, s) for v, s in zip(out[col], out[flag])]
            out = out.drop(columns=[flag])
    out.columns = [c.replace("_", " ").capitalize() if c == c.lower() else c for c in out.columns]
    return out


def chart_block(chart, summary: str, table: pd.DataFrame, name: str, *, caption: str | None = None) -> None:
    """A chart with its text alternative before it and its data table and download after it."""
    anchor = slug(name)
    st.markdown(f"<p class='sg-summary' id='summary-{anchor}'>{summary}</p>", unsafe_allow_html=True)
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
    st.altair_chart(chart, width="stretch", alt=plain(summary))
    if caption:
        st.caption(caption)
    data_table(table, name)


def data_table(table: pd.DataFrame, name: str) -> None:
    shown = table_for_display(table)
    st.markdown(f"**Table: {name}**")
    # every row in view up to 30 rows; longer tables scroll
    st.dataframe(shown, hide_index=True, width="stretch", height="content" if len(shown) <= 30 else "auto",
                 alt=f"Table: {name}")
    st.download_button(
        f"Download {name} (CSV)",
        shown.to_csv(index=False).encode("utf-8"),
        file_name=f"{slug(name)}.csv",
        mime="text/csv",
        key=f"download-{slug(name)}",
        on_click="ignore",  # a download changes nothing on the page: no rerun of every query and chart
    )


# --- the figures in words (the Concerns, Review timeliness and Data pages) ---------------------------

def count_text(v) -> str:
    """A count with thousands separators; `[c]` where it is hidden (unlike shaping.count_text, whose blank is
    "not recorded")."""
    return SUPPRESSED if v is None or pd.isna(v) else f"{int(v):,}"


def total(df: pd.DataFrame, col: str):
    """The sum of a count column, or None where a suppressed part means it cannot be told."""
    if df.empty:
        return 0
    return shaping.total(df[col])


def share_text(count, of, interval: bool = False) -> str:
    """`"13 of 27, 48%"` (with the interval if asked); `[x]` where the count is words ("n/a": not available in
    this view); `[c]` where a part is hidden."""
    if isinstance(count, str):
        return "[x]"
    s = shaping.share_of(count, of)
    return SUPPRESSED if s is None else s.format(interval=interval)


def names(items) -> str:
    """`"A"`, `"A and B"`, `"A, B and C"`."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def with_flags(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Mark NA counts as suppressed so that the table shows [c] (a no-op in the officer view); a flag column
    already there is kept as it is."""
    out = df.copy()
    for col in cols:
        flag = f"{col}_suppressed"
        if flag not in out.columns and out[col].isna().any():
            out[flag] = out[col].isna()
    return out
