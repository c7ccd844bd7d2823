"""Reading one export file into the loader's DuckDB as text, or rejecting it whole.

Only this module opens export files. A CSV is decoded in one streaming pass
(`sg_data.decoding`) and read by DuckDB's own CSV reader, strictly and as
text (a UTF-8 file while the decoding pass checks it); a workbook is streamed
sheet by sheet (`sg_data.workbook`). Either way the cells land, trimmed, in
the temp table `_cells` with the file line (or sheet row) each record starts
on (`sg_data.csv_cells` for a CSV). This module then finds the header, maps aliases, drops identity and
unknown columns, and gives `_raw`: one text column `r_<field>` per contract
field, `_line`, and `_part` (the sheet, for a workbook with several); for a
CSV read without a profile, a view of `_cells`, else a temp table. Typing
and validation happen set-wise in SQL (`sg_data.rules`); every record is
counted here so the loader can account for each line of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import duckdb

from .contract import KINDS, Kind, column_for, is_identity, normalise_header
from .csv_cells import WHITESPACE, FileRejected, cells_sql, scan_csv
from .profiles import Profile, fill_raw, find_header, heading_key, missing_headings, unused_headings
from .workbook import NotAWorkbook, open_workbook, sheet_rows

SUFFIXES = (".csv", ".xlsx")
#: how many rows above the header a title block may take
HEADER_SEARCH_ROWS = 15
_BATCH = 20_000


@dataclass
class ReadFile:
    path: Path
    kind: Kind
    dropped_identity: list[str] = field(default_factory=list)
    dropped_unknown: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # the sheets read, in workbook order
    wide_questions: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    #: the export profile that maps this file's headings and values to the contract (sg_data.profiles)
    profile: Optional[Profile] = None
    #: every row of the file (records and empty lines), and how they divide before validation
    rows_in_file: int = 0
    header_rows: int = 0  # the header and any title rows above it (all sheets)
    blank_rows: int = 0  # blank rows below the header
    rows_read: int = 0  # rows below the header with a value in them


def kind_of(path: Path) -> Kind | None:
    """The export kind a file name names: `concerns_2023-24.csv` is concerns."""
    if path.suffix.lower() not in SUFFIXES or path.name.startswith(("~$", ".")):
        return None
    stem = path.stem.lower()
    for name in sorted(KINDS, key=len, reverse=True):
        if stem == name or re.match(rf"^{re.escape(name)}[_\-]", stem):
            return KINDS[name]
    return None


def _scan_sheet(con, ws, title: str, name: str) -> int:
    """Stream one sheet into `_cells`, each cell trimmed as `_trimmed_sql` trims a CSV's; returns the width."""
    import pyarrow as pa

    width = 1
    created = False
    batch: list[list[str]] = []
    lines: list[int] = []

    def flush():
        nonlocal created
        if not batch and created:
            return
        cols = {"_rec": pa.array(lines, pa.int64()), "_line": pa.array(lines, pa.int64())}
        for i in range(width):
            cols[f"c{i}"] = pa.array([(r[i].strip(WHITESPACE) or None) if i < len(r) else None for r in batch],
                                     pa.string())
        con.register("_batch", pa.table(cols))
        try:
            if not created:
                con.execute("create or replace temp table _cells as select * from _batch")
                created = True
            else:
                have = len(con.execute("select * from _cells limit 0").description) - 2
                for i in range(have, width):
                    con.execute(f"alter table _cells add column c{i} varchar")
                con.execute("insert into _cells by name select * from _batch")
        finally:
            con.unregister("_batch")
        batch.clear()
        lines.clear()

    try:
        for n, cells in sheet_rows(ws, title):
            width = max(width, len(cells))
            batch.append(cells)
            lines.append(n)
            if len(batch) >= _BATCH:
                flush()
    except NotAWorkbook as exc:
        raise FileRejected(name, exc.message) from None
    flush()
    return len(con.execute("select * from _cells limit 0").description) - 2


def read_export(con: duckdb.DuckDBPyConnection, path: Path, kind: Kind | None = None,
                work: Path | None = None, profile: Profile | None = None) -> ReadFile:
    """Read `path` into the temp table `_raw` of `con`, or raise `FileRejected`; a profile maps its columns."""
    kind = profile.contract if profile is not None else (kind or kind_of(path))
    name = path.name
    if kind is None:
        raise FileRejected(name, "is not named after a known export (concerns, training, survey_waves, ...).")
    read = ReadFile(path, kind, profile=profile)
    if path.suffix.lower() == ".xlsx":
        _read_workbook(con, read)
        return read
    import tempfile

    with tempfile.TemporaryDirectory(dir=work) as tmp:
        read.encoding, read.delimiter, width, counts = scan_csv(con, path, name, Path(tmp))
    _start_raw(con, kind)
    _map_part(con, read, width, None, counts["records"], counts["skips"], only_part=True)
    _finish(con, read)
    return read


def _read_workbook(con, read: ReadFile) -> None:
    name = read.path.name
    wb = open_workbook(read.path)
    read.encoding = "Excel workbook"
    _start_raw(con, read.kind)
    found = 0
    try:
        titles = list(wb.sheetnames)
        for title in titles:
            width = _scan_sheet(con, wb[title], title, name)
            records = con.execute("select count(*) from _cells").fetchone()[0]
            if _map_part(con, read, width, title if len(titles) > 1 else None, records, [], optional=True):
                found += 1
                read.sheets.append(title)
            else:
                read.skipped_sheets.append(title)
    except FileRejected:
        raise
    except Exception as exc:  # a broken sheet part inside an otherwise valid zip
        raise FileRejected(name, f"is not a readable Excel workbook ({type(exc).__name__}). "
                                 "Open it in Excel and save it again as .xlsx.") from None
    finally:
        wb.close()
    if not found:
        _missing_header(con, read, titles)
    _finish(con, read)


def _start_raw(con, kind: Kind) -> None:
    cols = ", ".join(f"r_{f.name} varchar" for f in kind.fields)
    con.execute(f"create or replace temp table _raw (_line bigint, _part varchar, {cols})")


def _top(con, width: int) -> list[list[str]]:
    rows = con.execute(f"select {cells_sql(width)} from _cells order by _rec limit {HEADER_SEARCH_ROWS}").fetchall()
    return [[(c or "").strip(WHITESPACE) for c in r] for r in rows]


def _find_header(grid: list[list[str]], kind: Kind) -> int | None:
    required = set(kind.required)
    if kind.name == "survey_responses":
        required -= {"question_id"}  # the wide form has one column per question instead
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        present = {column_for(kind, normalise_header(c)) for c in row}
        if required <= present:
            return i
    return None


def _missing_header(con, read: ReadFile, titles: list[str] | None = None) -> None:
    kind, name = read.kind, read.path.name
    where = f" of any sheet ({', '.join(titles)})" if titles and len(titles) > 1 else ""
    first: list[str] = []
    try:
        width = len(con.execute("select * from _cells limit 0").description) - 2
        first = next((r for r in _top(con, width) if any(r)), [])
    except duckdb.Error:
        pass
    if not first:
        raise FileRejected(name, "is empty: it has no header row.")
    if read.profile is not None:
        headings = read.profile.headings()
        first = max(_top(con, width), key=lambda r: len(headings) - len(missing_headings(read.profile, r)))
        raise FileRejected(
            name, "does not have the heading(s) " + ", ".join(f"'{h}'" for h in missing_headings(read.profile, first))
            + f" that profile '{read.profile.name}' reads (header looked for "
            f"in the first {HEADER_SEARCH_ROWS} rows{where}).")
    present = {column_for(kind, normalise_header(c)) for c in first}
    missing = [f for f in kind.required if f not in present]
    raise FileRejected(
        name,
        "is missing required column(s) " + ", ".join(missing)
        + f" for a {kind.name} export (header looked for in the first {HEADER_SEARCH_ROWS} rows{where}).")


def _map_part(con, read: ReadFile, width: int, part: str | None, records: int, skips: list[int],
              optional: bool = False, only_part: bool = False) -> bool:
    """Find the header in `_cells`, map its columns and append the rows below it to `_raw`.

    For a file's `only_part` read without a profile in the long form, `_raw` becomes a view of `_cells` instead:
    every cell is read in place rather than copied."""
    kind, name = read.kind, read.path.name
    top = _top(con, width)
    header_at = _find_header(top, kind) if read.profile is None else find_header(read.profile, top)
    if header_at is None:
        if optional:
            return False
        _missing_header(con, read)
    header = top[header_at]
    header_rec = con.execute(f"select _rec from _cells order by _rec limit 1 offset {header_at}").fetchone()[0]
    # the cells are trimmed already, and an empty one is NULL
    body = (f"(select _line, {', '.join(f'c{i} as t{i}' for i in range(width))} from _cells "
            f"where _rec > {header_rec} and ({' or '.join(f'c{i} is not null' for i in range(width))}))")

    if read.profile is not None:
        return _map_profiled(con, read, header, header_rec, body, part, records, skips)
    mapped: dict[int, str] = {}
    seen: dict[str, str] = {}
    wide_form = kind.name == "survey_responses" and not any(
        column_for(kind, normalise_header(h)) == "question_id" for h in header)
    wide: list[str] = []
    blank_headed = []
    for i, h in enumerate(header):
        norm = normalise_header(h)
        if not norm:
            blank_headed.append(i)
            continue
        target = column_for(kind, norm)
        if target is None:
            if is_identity(norm):
                read.dropped_identity.append(h)
            elif wide_form:
                target = f"q:{h}"
                wide.append(h)
            else:
                read.dropped_unknown.append(h)
            if target is None:
                continue
        if target in seen:
            raise FileRejected(name, f"has duplicate columns: '{seen[target]}' and '{h}' both mean {target}. "
                                     "Remove one and load again.")
        seen[target] = h
        mapped[i] = target
    for i in blank_headed:
        if con.execute(f"select count(*) from {body} where t{i} is not null").fetchone()[0]:
            read.dropped_unknown.append(f"(blank header, column {i + 1})")

    part_sql = "null" if part is None else "$part"
    params = {"part": part} if part is not None else {}
    if wide_form:
        if not wide:
            raise FileRejected(name, "has neither a question_id column (long form) nor question columns (wide form).")
        read.wide_questions.extend(wide)
        ids = {t: i for i, t in mapped.items() if not t.startswith("q:")}
        selects = []
        for i, t in mapped.items():
            if not t.startswith("q:"):
                continue
            cols = ", ".join(
                f"t{ids[f.name]}" if f.name in ids
                else ("$q" + str(i) if f.name == "question_id" else (f"t{i}" if f.name == "answer" else "null"))
                for f in kind.fields)
            params[f"q{i}"] = t[2:]
            selects.append(f"select _line, {part_sql}, {cols} from {body}")
        nonblank_rows = con.execute(f"select count(*) from {body}").fetchone()[0]
        con.execute(f"insert into _raw select * from ({' union all '.join(selects)}) order by 1, "
                    f"{2 + kind.field_names.index('question_id') + 1}", params)
    elif only_part:
        by_field = {t: i for i, t in mapped.items()}
        cols = ", ".join(f"t{by_field[f.name]} as r_{f.name}" if f.name in by_field
                         else f"cast(null as varchar) as r_{f.name}" for f in kind.fields)
        con.execute("drop table _raw")
        con.execute(f"create temp view _raw as select _line, cast(null as varchar) as _part, {cols} from {body}")
        nonblank_rows = con.execute("select count(*) from _raw").fetchone()[0]
    else:
        by_field = {t: i for i, t in mapped.items()}
        cols = ", ".join(f"t{by_field[f.name]}" if f.name in by_field else "null" for f in kind.fields)
        nonblank_rows = con.execute(f"insert into _raw select _line, {part_sql}, {cols} from {body}",
                                    params).fetchone()[0]
    _count(read, header_rec, records, skips, nonblank_rows)
    return True


def _count(read: ReadFile, header_rec: int, records: int, skips: list[int], rows: int) -> None:
    """Account for a part's rows: the header and rows above it, the rows read, and blank rows."""
    header_line_skips = sum(1 for p in skips if p <= header_rec)
    read.header_rows += header_rec + header_line_skips
    read.rows_in_file += records
    read.rows_read += rows
    read.blank_rows += records - header_rec - header_line_skips - rows


def _map_profiled(con, read: ReadFile, header: list[str], header_rec: int, body: str, part: str | None,
                  records: int, skips: list[int]) -> bool:
    """Append the rows below the header to `_raw` as the file's profile maps them.

    A row that gives nothing to load (a wide row whose unpivoted cells are all blank or skipped) is counted
    as blank."""
    profile = read.profile
    keys = [heading_key(h) for h in header]
    for h in profile.headings():
        if keys.count(heading_key(h)) > 1:
            raise FileRejected(read.path.name, f"has two columns headed '{h}', which profile '{profile.name}' "
                                               "reads; remove one and load again.")
    for h in unused_headings(profile, header):
        (read.dropped_identity if is_identity(normalise_header(h)) else read.dropped_unknown).append(h)
    params = {"part": part} if part is not None else {}
    rows = fill_raw(con, profile, header, body, "null" if part is None else "$part", params)
    _count(read, header_rec, records, skips, rows)
    return True


def _finish(con, read: ReadFile) -> None:
    if not con.execute("select count(*) from duckdb_views() where temporary and view_name = '_raw'").fetchone()[0]:
        con.execute("drop table if exists _cells")  # else `_raw` reads it; the loader drops both when done
