"""Streamlit building blocks every page uses: a figure with its definition,
a chart with its text alternative, its data table and a CSV download.

Accessibility (WCAG 2.2 AA): Streamlit charts carry no alt text, so every
chart is preceded by a one-sentence summary and followed by the table of
exactly what it shows.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from . import glossary

DEFINITIONS_PAGE = "pages/definitions.py"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def definition(key: str) -> None:
    """The plain-words definition beside a figure (metrics.md asks for it)."""
    st.caption(glossary.definition(key))


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
            out[col] = [("[c]" if s else ("" if pd.isna(v) else f"{v:,.0f}" if isinstance(v, (int, float)) and float(v).is_integer() else v))
                        for v, s in zip(out[col], out[flag])]
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
    st.altair_chart(chart, width="stretch")
    if caption:
        st.caption(caption)
    data_table(table, name)


def data_table(table: pd.DataFrame, name: str) -> None:
    shown = table_for_display(table)
    st.markdown(f"**Table: {name}**")
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(
        f"Download {name} (CSV)",
        shown.to_csv(index=False).encode("utf-8"),
        file_name=f"{slug(name)}.csv",
        mime="text/csv",
        key=f"download-{slug(name)}",
    )
