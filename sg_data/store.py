"""The DuckDB store: tables derived from the contract, load bookkeeping, views."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from . import queries
from .contract import KINDS, ddl

DEFAULT_DB = "sg.duckdb"
SCHEMA_VERSION = "1"

BOOKKEEPING = """
create sequence if not exists load_seq start 1;
create table if not exists loads (
    load_id bigint not null,
    kind varchar not null,
    file_name varchar not null,
    sha256 varchar not null,
    loaded_at timestamp not null,
    encoding varchar,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_replaced bigint not null,
    rows_quarantined bigint not null,
    dropped_columns varchar
);
create table if not exists quarantine (
    load_id bigint not null,
    kind varchar not null,
    file_name varchar not null,
    line bigint not null,
    column_name varchar not null,
    rule varchar not null,
    reason varchar not null
);
create table if not exists meta (key varchar not null, value varchar);
"""


def default_path() -> str:
    return os.environ.get("SG_DB", DEFAULT_DB)


def views_fingerprint() -> str:
    text = "".join(q.sql for q in queries.views())
    return SCHEMA_VERSION + ":" + hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing and (re)create the views from `queries/`."""
    for kind in KINDS.values():
        con.execute(ddl(kind))
    con.execute(BOOKKEEPING)
    for q in queries.views():
        con.execute(f"create or replace view {q.name} as\n{q.sql}")
    con.execute("delete from meta where key = 'views'")
    con.execute("insert into meta values ('views', ?)", [views_fingerprint()])


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = str(path)
    if read_only:
        if not Path(path).exists():
            raise FileNotFoundError(f"No store at {path}. Load exports first: python -m sg_data load SOURCE_DIR --db {path}")
        _refresh_views_if_stale(path)
        return duckdb.connect(path, read_only=True)
    con = duckdb.connect(path)
    ensure_schema(con)
    return con


def _refresh_views_if_stale(path: str) -> None:
    """A store built by an older version gets this version's views, if it can be written."""
    try:
        with duckdb.connect(path, read_only=True) as ro:
            tables = {r[0] for r in ro.execute("select table_name from information_schema.tables").fetchall()}
            if "meta" not in tables:
                return  # not a full store (e.g. a published one): leave it alone
            current = ro.execute("select value from meta where key = 'views'").fetchone()
        if current and current[0] == views_fingerprint():
            return
        with duckdb.connect(path) as rw:
            ensure_schema(rw)
    except duckdb.IOException:
        pass  # another process holds it for writing; its views are used as they are


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
