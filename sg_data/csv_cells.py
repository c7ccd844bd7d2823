"""A CSV file into the loader's temp table `_cells`, or the file rejected whole.

The file is decoded in one streaming pass (`sg_data.decoding`) and read by DuckDB's own CSV reader, strictly and
as text (a UTF-8 file while the decoding pass checks it). Every physical line is accounted for: a record's first
line, a line inside a quoted value, or an empty line DuckDB skips; each record keeps the file line it starts on,
and only the columns with white space at a cell's edge are trimmed. `sg_data.reading` takes it from there.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import duckdb

from .decoding import HEAD as HEAD_CHARS
from .decoding import Decoded, NotText, decode_file, utf8_head

#: what trimming takes off a cell: spaces, tabs, line breaks, no-break spaces
WHITESPACE = " \t\r\n\u00a0"


class FileRejected(Exception):
    """A file that cannot be loaded at all. Nothing of it is stored."""

    def __init__(self, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first non-blank line (the header): of those that read it whole, the one that splits it
    into the most fields; a comma where none splits it. A delimiter that cuts through a quoted heading does not read
    it whole: `Reference,"Notes; actions; outcome",Category` is three headings split by commas, and split by its
    semicolons it would leave a quote mark inside a heading."""
    for line in text.splitlines():
        if line.strip(" ,;\t"):
            fields = {d: _fields(line, d) for d in (",", ";", "\t")}
            whole = {d: n for d, (n, clean) in fields.items() if clean} or {d: n for d, (n, _) in fields.items()}
            best = max(whole, key=whole.get)  # the first of equals: a comma
            return best if whole[best] > 1 else ","
    return ","


def _fields(line: str, delimiter: str) -> tuple[int, bool]:
    """How many fields the delimiter splits the line into, and whether each is whole (no stray quote mark)."""
    try:
        row = next(csv.reader([line], delimiter=delimiter))
    except csv.Error:  # a quote left open
        return 0, False
    return len(row), not any('"' in field for field in row)


def _head_width(head: str, delimiter: str) -> int:
    try:
        rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except csv.Error:
        rows = []
    if len(head) >= HEAD_CHARS:
        rows = rows[:-1] or rows  # the last row may be cut short where the head ends
    return max((len(r) for r in rows), default=1) or 1


def cells_sql(width: int) -> str:
    return ", ".join(f"c{i}" for i in range(width))


def _nl_sql(width: int) -> str:
    return " + ".join(f"(case when contains(c{i}, chr(10)) then length(c{i}) - length(replace(c{i}, chr(10), '')) "
                      f"else 0 end)" for i in range(width))


def _trimmed_sql(width: int, edged: set[int]) -> str:
    """Each cell without the white space around it, and NULL for an empty one. Only the columns in `edged` (those
    with a value that starts or ends with white space) are trimmed, and in them only such values: DuckDB's trim
    is costly over millions of cells."""
    return ", ".join(f"case when {_edged(f'c{i}')} then nullif(trim(c{i}, '{WHITESPACE}'), '') else c{i} end as c{i}"
                     if i in edged else f"c{i}" for i in range(width))


def _record_line(path: Path, record: int, delimiter: str = ",") -> int:
    """The file line a record (1-based, as DuckDB counts them) starts on, for an error message."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        line = 1
        try:
            for n, _ in enumerate(reader, start=1):
                if n == record:
                    return line
                line = reader.line_num + 1
        except csv.Error:
            pass
    return line


def _decoded(decode: Callable[[], Decoded], name: str) -> Decoded:
    """The decoding pass's result, or the file rejected with what it found."""
    try:
        return decode()
    except NotText as exc:
        raise FileRejected(name, exc.message) from None


def _read_cells(con: duckdb.DuckDBPyConnection, path: Path, head: str, name: str) -> tuple[str, int]:
    """Read a UTF-8 CSV file into `_scan` as text, one row per record, numbered; returns its delimiter and width."""
    delimiter = _sniff_delimiter(head)
    width = _head_width(head, delimiter)
    for _ in range(6):
        cols = ", ".join(f"'c{i}': 'varchar'" for i in range(width))
        try:
            con.execute(f"""
                create or replace temp table _scan as
                select _rec, _rec as _line, * exclude (_rec) from (select row_number() over () as _rec, *
                from read_csv($path, header = false, auto_detect = false,
                    delim = $delim, quote = '"', escape = '"', columns = {{{cols}}}, null_padding = true,
                    strict_mode = true, parallel = false))""", {"path": str(path), "delim": delimiter})
            return delimiter, width
        except duckdb.InvalidInputException as exc:
            text = str(exc)
            found = re.search(r"Expected Number of Columns: \d+ Found: (\d+)", text)
            if found and int(found.group(1)) > width:
                width = int(found.group(1))
                continue
            at = re.search(r"CSV Error on Line: (\d+)", text)
            line = _record_line(path, int(at.group(1)), delimiter) if at else None
            where = f" at line {line}" if line else ""
            if "unterminated quote" in text:
                why = (f"a quoted value{where} is not closed properly (an unbalanced \" quote, or text after "
                       "a closing quote)")
            else:
                why = f"a row{where} cannot be read as CSV"
            raise FileRejected(name, f"is not a well-formed CSV file: {why}. Nothing from it is stored; "
                                     "fix that row and export again.") from None
    raise FileRejected(name, "is not a well-formed CSV file: its rows have ever more columns.")


def scan_csv(con: duckdb.DuckDBPyConnection, path: Path, name: str, work: Path) -> tuple[str, str, int, dict]:
    head = utf8_head(path)
    if head is None:  # not UTF-8 from its start: decoded (or rejected) first, and its decoded copy read
        dec = _decoded(lambda: decode_file(path, work), name)
        delimiter, width = _read_cells(con, dec.path, dec.head, name)
    else:
        # DuckDB reads a UTF-8 file while its decoding pass checks the whole of it in another thread; what that
        # pass finds (not text, or not UTF-8 after all: its decoded copy is read instead) comes before any error
        # of the read
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(decode_file, path, work)
            failed: Exception | None = None
            try:
                delimiter, width = _read_cells(con, path, head, name)
            except Exception as exc:  # noqa: BLE001 - judged once the decoding pass has ended
                failed = exc
            dec = _decoded(pending.result, name)
        if dec.path != path:
            delimiter, width = _read_cells(con, dec.path, dec.head, name)
        elif failed is not None:
            raise failed
    # one pass over the cells: the records, the line breaks inside quoted values, and the columns to trim
    # (only the white space the file holds is looked for, and line breaks only where a value can be quoted)
    present = "".join(c for c, mark in ((" ", b" "), ("\t", b"\t"), ("\r", b"\r"), ("\n", b'"'), ("\u00a0", b"\xa0"))
                      if mark == b" " or mark in dec.marks)
    edged = ", ".join(f"coalesce(bool_or({_edged(f'c{i}', present)}), false)" for i in range(width))
    breaks = f"coalesce(sum({_nl_sql(width)}), 0)" if b'"' in dec.marks else "0"
    records, embedded, *edges = con.execute(f"select count(*), {breaks}, {edged} from _scan").fetchone()
    skips = _skipped_empty_lines(con, dec.empty_lines, width, int(embedded))
    # Every physical line is a record's first line, a line inside a quoted value, or an empty line DuckDB skips.
    if records > dec.lines:
        raise FileRejected(name, "ends its lines with carriage returns alone (old Mac style), which this reader "
                                 "does not take. Save it again as CSV (UTF-8) and load again.")
    if records + embedded + len(skips) != dec.lines:
        last = _record_line(dec.path, int(records), delimiter) if records else 1
        raise FileRejected(
            name,
            f"is not a well-formed CSV file: its {dec.lines:,} lines do not add up to the {records:,} rows read "
            f"({int(embedded):,} more lines inside quoted values, {len(skips):,} empty). Most likely a \" quote on "
            f"line {last:,} is never closed and swallows the lines after it. Nothing from it is stored; "
            "fix the quote and export again.")
    _number_lines(con, width, int(embedded), skips, {i for i, edged in enumerate(edges) if edged})
    return dec.encoding, delimiter, width, {"records": int(records) + len(skips), "skips": skips}


def _skipped_empty_lines(con, empty_lines, width: int, embedded: int) -> list[int]:
    """The empty lines DuckDB skipped, each as the record position it sits before.

    An empty line inside a quoted value is part of that value, not skipped."""
    if not empty_lines:
        return []
    spans: list[tuple[int, int]] = []
    if embedded:
        spans = con.execute(f"""
            select base, nl from (
                select _rec + coalesce(sum(nl) over (order by _rec rows between unbounded preceding and 1 preceding), 0)
                    as base, nl
                from (select _rec, {_nl_sql(width)} as nl from _scan))
            where nl > 0 order by base""").fetchall()
    starts = [s for s, _ in spans]
    out: list[int] = []
    for b in empty_lines:
        p = b - len(out)
        i = bisect_right(starts, p - 1) - 1
        if i >= 0 and p <= starts[i] + spans[i][1]:
            continue
        out.append(p)
    return out


def _number_lines(con, width: int, embedded: int, skips: list[int], edged: set[int]) -> None:
    """`_cells`: the scanned records, trimmed, with the file line each starts on."""
    base = ("cast(_rec + coalesce(sum(" + _nl_sql(width) + ") over (order by _rec rows between unbounded preceding "
            "and 1 preceding), 0) as bigint)") if embedded else "_rec"
    if skips:
        # skips[k - 1] is the k-th skipped line: a record at or after its position has k lines skipped before it
        last_k = {p: k for k, p in enumerate(skips, start=1)}
        con.execute("create or replace temp table _skips as select unnest($p) as p, unnest($k) as k",
                    {"p": list(last_k), "k": list(last_k.values())})
        con.execute(f"""
            create or replace temp table _cells as
            select c._rec, c._base + coalesce(s.k, 0) as _line, {_trimmed_sql(width, edged)}
            from (select *, {base} as _base from _scan) c asof left join _skips s on c._base >= s.p""")
        con.execute("drop table _skips")
    elif embedded or edged:
        con.execute(f"create or replace temp table _cells as select _rec, {base} as _line, "
                    f"{_trimmed_sql(width, edged)} from _scan")
    else:  # every record is one line, its line its number, and no cell to trim
        con.execute("alter table _scan rename to _cells")
        return
    con.execute("drop table _scan")


def _edged(cell: str, present: str = WHITESPACE) -> str:
    """True for every value that starts or ends with white space (and for the empty value), by bytes: a value
    starting with a byte below '!' (the ASCII white space), else with a no-break space, or ending with either.
    Only the white space in `present` (what the file may hold) is looked for at the end."""
    starts = f" or starts_with({cell}, chr(160))" if "\u00a0" in present else ""
    ends = "".join(f" or ends_with({cell}, chr({ord(c)}))" for c in present)
    return f"{cell} < '!'{starts}{ends}"
