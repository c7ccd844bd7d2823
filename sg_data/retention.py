"""Retention: concerns past the council's retention period are removed, and the removal is audited.

Councils keep safeguarding concern records for a set period (often 7 years for adults; children's
records often longer, by the council's policy). `purge` removes concern rows raised before the cutoff, and
the command line writes the store afresh afterwards (`store.compacted`): DuckDB reuses a deleted row's
blocks without clearing them, so without that a purged concern's text would stay in the file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import duckdb

_PERIOD = re.compile(r"^([1-9][0-9]{0,2})([ym])$")
MIN_MONTHS = 12  # a typo ("7m" for "7y") must not delete six and a half years of records


class RetentionError(Exception):
    """The retention period is not one this command accepts; one line, no traceback."""


def months(older_than: str) -> int:
    """`7y` -> 84, `84m` -> 84. Refused: other units, zero, and anything under a year."""
    m = _PERIOD.match(older_than.strip().lower()) if isinstance(older_than, str) else None
    if not m:
        raise RetentionError(f"--older-than {older_than}: give years or months, like 7y or 84m")
    n = int(m.group(1)) * (12 if m.group(2) == "y" else 1)
    if n < MIN_MONTHS:
        raise RetentionError(f"--older-than {older_than}: under {MIN_MONTHS} months is refused as a likely mistake")
    return n


def cutoff(older_than: str, today: dt.date) -> dt.date:
    """The first day kept: `today` less the period, in calendar months (29 Feb less 1y is 28 Feb)."""
    total = today.year * 12 + (today.month - 1) - months(older_than)
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _store_path(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return row[0] if row and row[0] else None


def purge(con: duckdb.DuckDBPyConnection, older_than: str, today: dt.date, *, user: str | None = None,
          db: str | Path | None = None, dry_run: bool = False) -> int:
    """Delete concerns raised before `cutoff(older_than, today)`; returns how many.

    The purge is recorded in the audit trail of the store (`db`, or the file `con` has open) with the
    period and the cutoff, not the count: the trail holds no figures. `dry_run` counts and changes nothing.
    """
    first_kept = cutoff(older_than, today)
    params = {"cutoff": dt.datetime.combine(first_kept, dt.time())}
    count = con.execute("select count(*) from concerns where raised_at < $cutoff", params).fetchone()[0]
    if dry_run:
        return count
    con.execute("begin transaction")
    try:
        con.execute("delete from concerns where raised_at < $cutoff", params)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    con.execute("checkpoint")

    from . import audit

    store = db if db is not None else _store_path(con)
    if store:
        audit.record(
            "purge", user=user or audit.cli_user(), view="officer", db=store,
            detail={"older_than": older_than, "cutoff": first_kept.isoformat(), "table": "concerns"},
        )
    return count
