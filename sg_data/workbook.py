"""Reading an Excel workbook as a stream of rows, every sheet, with a cap on its size.

openpyxl's read-only mode parses the sheet XML as it goes, so memory stays
flat; a sheet whose used range is far beyond any export (a stray cell at
XFD1048576) is refused from its dimension or from the first row that reaches
past the cap, before anything is built.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Iterator

MAX_COLUMNS = 200
MAX_ROWS = 2_000_000


class NotAWorkbook(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cell_text(v) -> str:
    """A cell as the text a CSV export would hold."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour, v.minute, v.second) != (0, 0, 0) else v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v).strip()


def open_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise NotAWorkbook(f"is not a readable Excel workbook ({type(exc).__name__}). "
                           "Open it in Excel and save it again as .xlsx.") from None
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise NotAWorkbook(f"is not a readable Excel workbook ({type(exc).__name__}). "
                           "Open it in Excel and save it again as .xlsx.") from None


def sheet_rows(ws, title: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) for every row of a sheet, blank rows included, within the caps."""
    try:
        max_col, max_row = ws.max_column or 0, ws.max_row or 0
    except Exception:
        max_col, max_row = 0, 0
    if max_col > MAX_COLUMNS or max_row > MAX_ROWS:
        raise NotAWorkbook(
            f"sheet '{title}' has a used range of {max_row:,} rows by {max_col:,} columns (to column "
            f"{_column_letters(max_col)}), larger than any export (at most {MAX_ROWS:,} rows, {MAX_COLUMNS} columns). "
            "Delete the stray cells outside the table, or copy the table to a new workbook, and save again.")
    n = 0
    for row in ws.iter_rows(values_only=True, max_col=min(max_col, MAX_COLUMNS) + 1 if max_col else None):
        n += 1
        if n > MAX_ROWS:
            raise NotAWorkbook(f"sheet '{title}' has more than {MAX_ROWS:,} rows, more than any export.")
        cells = [cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
            raise NotAWorkbook(f"sheet '{title}' has a value beyond column {_column_letters(MAX_COLUMNS)}, "
                               "wider than any export. Delete the stray cells outside the table and save again.")
        yield n, cells[:MAX_COLUMNS]
