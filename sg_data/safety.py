"""Output safety: data is shown as text, never as markup, and downloads carry no formulas.

Names of services, categories and programmes come from council exports: a hostile or careless export can
hold Markdown, HTML, KaTeX, Streamlit directives (`:red[...]`, `:material/...:`), links, or spreadsheet
formulas. Everything the app or the command line writes from data goes through one of these functions.

- `md_escape` for text placed in st.markdown, st.caption, st.metric labels, widget labels, a Markdown file.
- `html_escape` for text placed inside HTML the app writes (st.markdown(..., unsafe_allow_html=True), an
  HTML briefing); its output is also safe Markdown.
- `neutralise_cell`, `safe_csv`, `safe_xlsx` for downloads and open data (OWASP CSV injection).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import string
import unicodedata
from decimal import Decimal
from typing import Any

import pandas as pd

# Bidirectional controls reorder what a reader sees ("Trojan Source"): a label could read as another.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
_WHITESPACE = re.compile(r"\s+")
_PUNCTUATION = frozenset(string.punctuation)  # CommonMark: any ASCII punctuation may be backslash-escaped

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> str:
    """The text as a reader should see it on one line: controls removed, whitespace runs as one space.

    Line breaks are removed because inside Markdown they start new blocks (headings, lists, tables,
    indented code) and inside an HTML block a blank line ends the block and lets Markdown resume.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch not in _BIDI and (ch.isspace() or unicodedata.category(ch) != "Cc")
    )
    return _WHITESPACE.sub(" ", text).strip()


def md_escape(value: Any) -> str:
    """Text that Markdown (CommonMark + GFM, KaTeX, Streamlit's directives and emoji) shows as itself.

    Every ASCII punctuation character is backslash-escaped, so no `*`, `_`, `#`, `|`, `[`, `!`, `<`, `$`,
    `:` or `~` can start emphasis, a heading, a table, a link, an image, HTML, maths, a directive or
    strikethrough, and `www.`/`@` cannot become automatic links. Use only where Markdown is rendered:
    in a place that shows text as it is (st.dataframe, st.text, a selectbox option) the backslashes show.
    """
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in plain(value))


def html_escape(value: Any) -> str:
    """Text for the inside of an element the app writes as HTML, and equally safe where Markdown is rendered.

    Beyond `&<>"'`, every ASCII punctuation character becomes a numeric character reference: a browser
    shows it as itself inside a raw HTML block, and Markdown reads a reference as plain text, never as a
    delimiter (so `$` cannot start maths and `*` cannot start emphasis if the HTML sits in a paragraph).
    """
    return "".join(f"&#{ord(ch)};" if ch in _PUNCTUATION else ch for ch in plain(value))


def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading `'`; anything else is unchanged.

    Numbers stay numbers (-3 is a number, not a formula); the text "-3", "=SUM(A1)", "@cmd", "+44 ..."
    are neutralised (OWASP: CSV injection).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    # column names can come from data too (a pivot by service)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            out.isetitem(i, col.map(neutralise_cell, na_action="ignore"))
    return out


def safe_csv(frame: pd.DataFrame, *, bom: bool = False) -> bytes:
    """The frame as UTF-8 CSV (no index), every formula-looking text cell and header neutralised.

    `bom=True` adds the byte-order mark Excel on Windows needs to read UTF-8 rather than Windows-1252.
    """
    text = _neutralised(frame).to_csv(index=False, lineterminator="\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value
    # openpyxl refuses control characters outright; a hostile name must not break the download
    return neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def safe_xlsx(frame: pd.DataFrame, *, sheet: str = "data") -> bytes:
    """The frame as an XLSX workbook of values only: text cells are typed as strings (never a formula),
    formula-looking text is neutralised as in CSV, and no hyperlinks are written."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    rows = [list(frame.columns), *frame.itertuples(index=False, name=None)]
    for r, row in enumerate(rows, start=1):
        for c, raw in enumerate(row, start=1):
            value = _xlsx_value(raw)
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise store text starting with "=" as a formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

