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

from . import glossary

DEFINITIONS_PAGE = "pages/definitions.py"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plain(text: str) -> str:
    """A summary as plain text (tags dropped, entities decoded), for an accessible name."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def definition(key: str) -> None:
    """The plain-words definition beside a figure (metrics.md asks for it)."""
    st.caption(glossary.definition(key))


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
    )
