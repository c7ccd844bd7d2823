"""Reading one export file into a frame of text, or rejecting it whole.

Only this module opens export files. It decodes (UTF-8, UTF-8 with BOM,
Windows-1252), finds the delimiter and the header row, normalises headers,
maps aliases, and drops identity and unknown columns. Every value stays text
here: typing and validation happen set-wise in DuckDB (`sg_data.validate`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .contract import KINDS, Kind, column_for, is_identity, normalise_header

SUFFIXES = (".csv", ".xlsx")
#: how many rows above the header a title block may take
HEADER_SEARCH_ROWS = 15


class FileRejected(Exception):
    """A file that cannot be loaded at all. Nothing of it is stored."""

    def __init__(self, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


@dataclass
class ReadFile:
    path: Path
    kind: Kind
    frame: pd.DataFrame  # one column per contract field present, all text or None, plus `_line`
    dropped_identity: list[str] = field(default_factory=list)
    dropped_unknown: list[str] = field(default_factory=list)
    wide_questions: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def kind_of(path: Path) -> Kind | None:
    """The export kind a file name names: `concerns_2023-24.csv` is concerns."""
    if path.suffix.lower() not in SUFFIXES or path.name.startswith(("~$", ".")):
        return None
    stem = path.stem.lower()
    for name in sorted(KINDS, key=len, reverse=True):
        if stem == name or re.match(rf"^{re.escape(name)}[_\-]", stem):
            return KINDS[name]
    return None


def decode(raw: bytes, file: str) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "UTF-8 with BOM"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise FileRejected(
            file,
            f"cannot be decoded: byte {exc.start} is not UTF-8 or Windows-1252 text. "
            "Export it again as CSV (UTF-8) or as an Excel workbook.",
        ) from None


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip(" ,;\t"):
            counts = {d: line.count(d) for d in (",", ";", "\t")}
            best = max(counts, key=counts.get)
            return best if counts[best] else ","
    return ","


def _read_grid(path: Path) -> tuple[pd.DataFrame, str, str]:
    """All cells as stripped text ('' for blank), indexed by the file line (or sheet row) each came from."""
    name = path.name
    if path.suffix.lower() == ".xlsx":
        try:
            grid = pd.read_excel(path, sheet_name=0, header=None, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken workbook
            raise FileRejected(name, f"is not a readable Excel workbook ({type(exc).__name__}). "
                                     "Open it in Excel and save it again as .xlsx.") from None
        return _tidy(grid, range(1, len(grid) + 1)), "Excel workbook", ""
    raw = path.read_bytes()
    text, encoding = decode(raw, name)
    delimiter = _sniff_delimiter(text)
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    try:
        # the fast path: pandas' C parser, one grid row per line of the file
        grid = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
                           skip_blank_lines=False, engine="c", quotechar='"')
        if len(grid) == lines:
            return _tidy(grid, range(1, len(grid) + 1)), encoding, delimiter
    except (pd.errors.ParserError, ValueError):
        pass  # ragged rows or a quoted line break: the csv module knows each row's line
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows, starts = [], []
        line = 1
        for row in reader:
            rows.append(row)
            starts.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileRejected(name, f"is not a well-formed CSV file ({exc}).") from None
    width = max((len(r) for r in rows), default=0)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return _tidy(grid, starts), encoding, delimiter


def _tidy(grid: pd.DataFrame, lines) -> pd.DataFrame:
    grid = grid.fillna("").astype(str)
    for col in grid.columns:
        grid[col] = grid[col].str.strip()
    grid.index = pd.Index(list(lines), dtype="int64")
    grid.columns = range(grid.shape[1])
    return grid


def read_export(path: Path, kind: Kind | None = None) -> ReadFile:
    kind = kind or kind_of(path)
    name = path.name
    if kind is None:
        raise FileRejected(name, "is not named after a known export (concerns, training, survey_waves, ...).")
    grid, encoding, delimiter = _read_grid(path)

    top = grid.iloc[:HEADER_SEARCH_ROWS].values.tolist()
    header_at = _find_header(top, kind)
    if header_at is None:
        first = next((r for r in top if any(c for c in r)), [])
        present = {column_for(kind, normalise_header(c)) for c in first}
        missing = [f for f in kind.required if f not in present]
        if not first:
            raise FileRejected(name, "is empty: it has no header row.")
        raise FileRejected(
            name,
            "is missing required column(s) " + ", ".join(missing)
            + f" for a {kind.name} export (header looked for in the first {HEADER_SEARCH_ROWS} rows).",
        )
    header = top[header_at]
    body = grid.iloc[header_at + 1:]

    mapped: dict[int, str] = {}
    seen: dict[str, str] = {}
    dropped_identity, dropped_unknown, wide = [], [], []
    wide_form = kind.name == "survey_responses" and not any(
        column_for(kind, normalise_header(h)) == "question_id" for h in header)
    for i, h in enumerate(header):
        norm = normalise_header(h)
        if not norm:
            if (body[i] != "").any():
                dropped_unknown.append(f"(blank header, column {i + 1})")
            continue
        target = column_for(kind, norm)
        if target is None:
            if is_identity(norm):
                dropped_identity.append(h)
            elif wide_form:
                target = f"q:{h}"
                wide.append(h)
            else:
                dropped_unknown.append(h)
            if target is None:
                continue
        if target in seen:
            raise FileRejected(
                name,
                f"has duplicate columns: '{seen[target]}' and '{h}' both mean {target}. "
                "Remove one and load again.",
            )
        seen[target] = h
        mapped[i] = target

    body = body[(body != "").any(axis=1)]  # blank rows (trailing or between) carry nothing
    frame = pd.DataFrame({target: body[i].replace("", None).astype(object).to_numpy() for i, target in mapped.items()})
    frame["_line"] = body.index.to_numpy(dtype="int64")

    if wide_form:
        if not wide:
            raise FileRejected(name, "has neither a question_id column (long form) nor question columns (wide form).")
        frame = _melt_wide(frame, kind)
        if "question_id" not in frame:
            raise FileRejected(name, "could not be read as a wide survey export.")
    for f in kind.fields:
        if f.name not in frame:
            frame[f.name] = None
    frame = frame[[*kind.field_names, "_line"]]
    return ReadFile(path, kind, frame, dropped_identity, dropped_unknown, wide, encoding, delimiter)


def _find_header(grid: list[list[str]], kind: Kind) -> int | None:
    required = set(kind.required)
    if kind.name == "survey_responses":
        required -= {"question_id"}  # the wide form has one column per question instead
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        present = {column_for(kind, normalise_header(c)) for c in row}
        if required <= present:
            return i
    return None


def _melt_wide(frame: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    question_cols = [c for c in frame.columns if c.startswith("q:")]
    ids = [c for c in frame.columns if not c.startswith("q:")]
    long = frame.melt(id_vars=ids, value_vars=question_cols, var_name="question_id", value_name="answer")
    long["question_id"] = long["question_id"].str.slice(2)
    return long.sort_values(["_line", "question_id"], kind="stable").reset_index(drop=True)
