"""The DuckDB store: tables derived from the contract, load bookkeeping, views, versions.

Writers never touch the live file: a load works on a copy (`new_version`) and
swaps it in with one atomic rename, so a dashboard that holds the store open
read-only never blocks a load and never sees half of one; it reopens when
`version_token` changes. A read-only open never writes. The store records its
schema version; `load` migrates an older store (after a backup copy), and a
store newer than this program is refused with a clear message.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path
from typing import Iterator

import duckdb

from . import hardening, queries
from .contract import KINDS, ddl

DEFAULT_DB = "sg.duckdb"
SCHEMA_VERSION = 3
#: the loader's DuckDB memory limit; a file that needs more is reported, and the rest still load
LOAD_MEMORY_LIMIT = os.environ.get("SG_LOAD_MEMORY_LIMIT", "1GB")

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
    dropped_columns varchar,
    rows_in_file bigint,
    header_rows bigint,
    rows_blank bigint,
    rows_repeated bigint,
    skipped_sheets varchar
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

#: schema version -> the statements that bring a store of that version to the next
MIGRATIONS = {
    1: [
        "alter table loads add column rows_in_file bigint",
        "alter table loads add column header_rows bigint",
        "alter table loads add column rows_blank bigint",
        "alter table loads add column rows_repeated bigint",
        "alter table loads add column skipped_sheets varchar",
    ],
    # the referral destinations the publication may name (an empty table: every destination another agency)
    2: [ddl(KINDS["destinations"])],
}


class StoreError(Exception):
    """The store cannot be used; the message is one sentence for a person."""


class StoreBusy(StoreError):
    """Another load holds the store."""


def default_path() -> str:
    return os.environ.get("SG_DB", DEFAULT_DB)


def views_fingerprint() -> str:
    text = "".join(q.sql for q in queries.views())
    return f"{SCHEMA_VERSION}:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The store's schema version; None for an empty database or one that is not a loader store."""
    tables = _tables(con)
    if "meta" not in tables:
        return None
    row = con.execute("select value from meta where key = 'schema'").fetchone()
    if row:
        return int(row[0])
    return 1  # version 1 recorded only its views' fingerprint


def _set_meta(con, key: str, value: str) -> None:
    con.execute("delete from meta where key = ?", [key])
    con.execute("insert into meta values (?, ?)", [key, value])


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for q in queries.views():
        con.execute(f"create or replace view {q.name} as\n{q.sql}")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a new or current store to this program's schema and views (writes)."""
    version = schema_version(con)
    if version is None and _tables(con) - {"meta"}:
        raise StoreError("is a DuckDB file but not a store this program wrote (a published store?); "
                         "load into a new --db path instead.")
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(_newer(version))
    if version is not None:
        for v in range(version, SCHEMA_VERSION):
            for sql in MIGRATIONS[v]:
                con.execute(sql)
    for kind in KINDS.values():
        con.execute(ddl(kind))
    con.execute(BOOKKEEPING)
    create_views(con)
    _set_meta(con, "schema", str(SCHEMA_VERSION))
    _set_meta(con, "views", views_fingerprint())


def _newer(version: int) -> str:
    return (f"was written by a newer version of this program (store schema {version}; this program reads up to "
            f"{SCHEMA_VERSION}). Update the program, or load into a new --db path.")


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection (`open_read_only`), or a writable one with the current schema (new stores, tests)."""
    if read_only:
        return open_read_only(path)
    con = _connect_rw(path)
    try:
        _ensure_schema_of(con, path)
        _register_pseudonym(con, path)
    except BaseException:
        con.close()
        raise
    return con


def _register_pseudonym(con: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    """`pseudonym(staff_id)` for the loader, with the store's key (sg_data.pseudonym). A store that holds
    pseudonyms and has lost its key refuses: a new key would give every member of staff a new pseudonym."""
    from . import pseudonym

    try:
        key = pseudonym.load_key(path)
    except pseudonym.PseudonymKeyError as exc:
        if con.execute("select count(*) from training").fetchall()[0][0]:
            raise StoreError(f"{path}: {exc}") from None
        try:
            key = pseudonym.load_key(path, create=True)
        except pseudonym.PseudonymKeyError as exc:
            raise StoreError(f"{path}: {exc}") from None
    pseudonym.register(con, key)


def _ensure_schema_of(con, path) -> None:
    try:
        ensure_schema(con)
    except StoreError as exc:
        raise StoreError(f"{path} {exc}") from None


def _connect_rw(path: str | Path, shown: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    shown = shown or path
    con = _opened(lambda: duckdb.connect(str(path)), shown,
                  f"{shown} is open for writing by another process; try again when it has finished.")
    con.execute(f"set memory_limit = '{LOAD_MEMORY_LIMIT}'")
    return con


def _opened(open_store, shown, busy: str) -> duckdb.DuckDBPyConnection:
    """`open_store()`, with DuckDB's errors as one clear line: busy (a lock held) or not a store."""
    try:
        return open_store()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(busy) from None
        raise StoreError(f"{shown} cannot be opened as a DuckDB store ({_first_line(exc)}).") from None
    except duckdb.Error as exc:
        raise StoreError(f"{shown} cannot be opened as a DuckDB store ({_first_line(exc)}).") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def open_read_only(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the store for reading. Never writes; cheap enough to call on every dashboard run.

    A store from an older schema is refused (load it once to migrate it); one whose stored views are older than
    this program's `queries/` gets this program's views in the connection's own in-memory catalog.
    A published store (no bookkeeping) is opened as it is."""
    path = str(path)
    if not Path(path).is_file():
        raise StoreError(f"No store at {path}. Load exports first: python -m sg_data load SOURCE_DIR --db {path}")
    hardening.make_private(path)
    con = _opened(lambda: _attach_read_only(path), path,
                  f"{path} is held for writing by an older loader; try again when it has finished.")
    try:
        version = schema_version(con)
        if version is None:
            return hardening.lock(con)
        if version > SCHEMA_VERSION:
            raise StoreError(f"{path} {_newer(version)}")
        if version < SCHEMA_VERSION:
            raise StoreError(f"{path} was made by an older version of this program (store schema {version}, this "
                             f"program uses {SCHEMA_VERSION}). Upgrade it once with: python -m sg_data load "
                             f"SOURCE_DIR --db {path} (a backup copy is kept).")
        current = con.execute("select value from meta where key = 'views'").fetchone()
        if not current or current[0] != views_fingerprint():
            create_views(con)  # in the connection's own in-memory catalog: the store is not touched
    except BaseException:
        con.close()
        raise
    return hardening.lock(con)


def _attach_read_only(path: str) -> duckdb.DuckDBPyConnection:
    # duckdb.connect(path) reuses a database this process already has open on that path, so a reader would go
    # on seeing the version it first opened (duckdb/duckdb#15912). A fresh in-memory database attaching the
    # file opens whatever version the path holds now. Its own catalog gets a view of each stored table and
    # view, so every cursor of the connection (each has its own session) finds them by their plain names.
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach ? as store (read_only)", [os.path.abspath(path)])
        names = con.execute("select table_name from information_schema.tables "
                            "where table_catalog = 'store' and table_schema = 'main'").fetchall()
        for (name,) in names:
            con.execute(f'create view memory.main."{name}" as select * from store.main."{name}"')
    except BaseException:
        con.close()
        raise
    return con


def views_are_current(path: str | Path) -> bool:
    """Whether the store's own views are this program's (else a read-only open defines them in memory)."""
    with _attach_read_only(str(path)) as con:
        if schema_version(con) is None:
            return True
        current = con.execute("select value from meta where key = 'views'").fetchone()
        return bool(current) and current[0] == views_fingerprint()


def publication_path(path: str | Path) -> Path:
    """Where a Scrutiny server keeps the publication it built of the store at `path` (sg_data.deployment), so that
    its next start on the same version need not protect every figure again. Removed with the version it was built
    from: a new version (a load, a save of the reference tables, a purge) takes it away as it is swapped in."""
    path = Path(path)
    return path.with_name(path.name + ".publication")


def version_token(path: str | Path):
    """Changes whenever a load swaps in a new version of the store: reopen when it does. None if no store."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@contextlib.contextmanager
def _lock(path: Path, wait: bool) -> Iterator[None]:
    """One load at a time: an OS lock on a file beside the store, released even if the process is killed."""
    lock = path.with_name(path.name + ".lock")
    with open(lock, "a+") as fh:
        try:
            _os_lock(fh, wait)
        except (BlockingIOError, PermissionError):
            raise StoreBusy(f"{path} is being loaded by another process; try again when it has finished.") from None
        try:
            yield
        finally:
            _os_unlock(fh)


try:
    import fcntl

    def _os_lock(fh, wait: bool) -> None:
        fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))

    def _os_unlock(fh) -> None:
        fcntl.flock(fh, fcntl.LOCK_UN)
except ImportError:  # Windows
    import msvcrt

    def _os_lock(fh, wait: bool) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)

    def _os_unlock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


@contextlib.contextmanager
def new_version(path: str | Path, wait: bool = False, compact: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a copy of the store; on success the copy replaces the store atomically.

    Only one load at a time (a lock file; `StoreBusy` if taken). An older store is backed up and migrated.
    With `compact`, the new version is written afresh (`compacted`), so deleted rows leave nothing in the file.
    On any failure the store is left exactly as it was."""
    path = Path(path)
    work = path.with_name(path.name + ".loading")
    with _lock(path, wait):
        for leftover in (work, work.with_name(work.name + ".wal")):
            leftover.unlink(missing_ok=True)  # from a load that was killed
        wal = path.with_name(path.name + ".wal")
        if path.exists():
            _private_copy(path, work)
            if wal.exists():  # a writer of an older program died before its checkpoint: keep what it wrote
                _private_copy(wal, work.with_name(work.name + ".wal"))
        try:
            con = _connect_rw(work, shown=path)
            hardening.make_private(work)  # a new store is owner-only from its first load
            try:
                version = schema_version(con)
                if version is not None and version < SCHEMA_VERSION:
                    backup = path.with_name(f"{path.name}.schema{version}.bak")
                    _private_copy(path, backup)
                _ensure_schema_of(con, path)
                _register_pseudonym(con, path)
                yield con
                from . import precomputed

                precomputed.write(con)  # the trends' tables of this version, made before anyone can open it
                con.execute("checkpoint")
            finally:
                con.close()
            if compact:
                compacted(work)
            wal.unlink(missing_ok=True)
            os.replace(work, path)
            publication_path(path).unlink(missing_ok=True)  # figures of the version just replaced
        except BaseException:
            work.unlink(missing_ok=True)
            work.with_name(work.name + ".wal").unlink(missing_ok=True)
            raise


def compacted(path: Path) -> None:
    """Rewrite the store at `path` into a fresh file and put it in its place: DuckDB reuses the blocks that held
    deleted rows but does not clear them, so a purged concern's text stays in the file until it is rewritten."""
    fresh = path.with_name(path.name + ".compact")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        name = con.execute("select current_database()").fetchone()[0]
        con.execute("attach ? as fresh", [str(fresh)])
        hardening.make_private(fresh)
        con.execute(f'copy from database "{name.replace(chr(34), chr(34) * 2)}" to fresh')
        con.execute("detach fresh")
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(fresh, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _private_copy(source: Path, target: Path) -> None:
    """Copy a store file into a new owner-only file (0600 from its first byte, whatever the umask)."""
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
