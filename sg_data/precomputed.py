"""Figures worked out once per load: the trends' tables over all of a store's history at the default target, and
the sidebar's list of services, written into each new version of the store before it is swapped in
(`store.new_version`), so that a page's first visit reads tens of rows rather than every concern of 21 quarters, and
its sidebar does not name the service of every concern to list the services.

A copy is the mart's own result, made by its own SQL: the same figure, not a second way to work it out. It is read
only where it is exactly what the mart would give: made by this program's SQL and views (a fingerprint), at the
target asked for, over whole quarters. Anything else runs the mart.
"""

from __future__ import annotations

import hashlib
import json
from typing import Optional

import pandas as pd

from . import catalog, queries
from .periods import Period, quarter_of

#: the tables of concerns over all time that the pages' trends read
TABLES = ("timeliness_by_quarter", "concerns_by_quarter_category")
#: queries without parameters, kept whole: the services every page's sidebar offers (a distinct over every concern)
QUERIES = ("service_list",)
TARGET_HOURS = float(catalog.DEFAULT_TARGET_HOURS)
META_KEY = "precomputed"


def fingerprint(name: str) -> str:
    """This program's SQL for the table or query: the views it reads and, for a table, its mart and the as-of time
    it is worked out at."""
    views = "".join(q.sql for q in queries.views())
    if name in QUERIES:
        return hashlib.sha256(f"{views}\n{queries.get(name).sql}".encode()).hexdigest()
    sql = queries.get(catalog.table(name).mart).sql + queries.get("concerns_as_of").sql
    return hashlib.sha256(f"{views}\n{TARGET_HOURS}\n{sql}".encode()).hexdigest()


def _order(query: queries.Query) -> str:
    """The query's own order (its last line: `order by ...`), for reading its copy back in the same order."""
    last = query.body.strip().splitlines()[-1].strip()
    if not last.lower().startswith("order by "):
        raise ValueError(f"the query {query.name} must end with its order by, to be kept as a copy")
    return last


def write(con) -> None:
    """Work out every table of `TABLES` over the whole history of the store `con` holds (a new version, being
    written) and every query of `QUERIES`, and note which SQL made them."""
    cov = queries.run(con, "concerns_as_of").iloc[0]
    made = {}
    for name in TABLES:
        con.execute(f'drop table if exists "pre_{name}"')
        if pd.isna(cov["latest_raised_at"]):
            continue  # no concerns: the pages ask the mart, which says so
        t = catalog.table(name)
        history = Period(pd.Timestamp(cov["earliest_raised_at"]).date(),
                         pd.Timestamp(cov["latest_raised_at"]).date(), "all")
        params = catalog.params(t, history, {"as_of": pd.Timestamp(cov["as_of"]).to_pydatetime(),
                                           "target_hours": TARGET_HOURS})
        con.execute(f'create table "pre_{name}" as {queries.get(t.mart).body}', params)
        made[name] = fingerprint(name)
    for name in QUERIES:
        con.execute(f'create or replace table "pre_{name}" as {queries.get(name).body}')
        made[name] = fingerprint(name)
    con.execute("delete from meta where key = ?", [META_KEY])
    con.execute("insert into meta values (?, ?)", [META_KEY, json.dumps(made)])


def read(con, name: str, window: Period, target_hours: float) -> Optional[pd.DataFrame]:
    """The table's rows for the quarters of `window`, as the mart gives them over it; None where the copy is not
    exactly that (another target, another program's SQL, no copy)."""
    mart = queries.get(catalog.table(name).mart) if name in TABLES else None
    if mart is None or ("target_hours" in mart.params and float(target_hours) != TARGET_HOURS):
        return None
    cur = con.cursor()
    try:
        if not _current(cur, name):
            return None
        # whole quarters: the window's first quarter holds no concern before its start (the first concern's day)
        return queries.frame_of(cur.execute(f'select * from "pre_{name}" where quarter_start >= ? '
                                            f"and quarter_start <= ? {_order(mart)}",
                                            [quarter_of(window.start).start, window.end]))
    finally:
        cur.close()


def whole(con, name: str) -> Optional[pd.DataFrame]:
    """A query of `QUERIES` as it gives it, from its copy; None where the copy is not exactly that."""
    if name not in QUERIES:
        return None
    cur = con.cursor()
    try:
        if not _current(cur, name):
            return None
        return queries.frame_of(cur.execute(f'select * from "pre_{name}" {_order(queries.get(name))}'))
    finally:
        cur.close()


def _current(cur, name: str) -> bool:
    """Whether the store holds a copy of `name` made by this program's SQL, on a connection that names things as
    recorded: the copies name services and categories as the officer view does; the publication's connections
    name only what the reference tables name, so they run the query."""
    made, reference_only = cur.execute("select (select value from meta where key = ?), "
                                       "(select reference_only from dim_reference_labels)", [META_KEY]).fetchone()
    return made is not None and not reference_only and json.loads(made).get(name) == fingerprint(name)


__all__ = ["TABLES", "QUERIES", "write", "read", "whole", "fingerprint"]
