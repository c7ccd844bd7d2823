"""The hardened store: a read-only DuckDB connection that can reach nothing but the store, and owner-only files.

The dashboard only ever reads the store. A crafted value, a query built by mistake or a stolen session must
not turn that connection into a file reader (`read_csv('/etc/passwd')`), a file writer (`COPY ... TO`), a
door to other stores (`ATTACH`) or a downloader (extensions install themselves from the internet by default:
a SQLite file given as the store made DuckDB fetch `sqlite_scanner`). Locking the configuration stops a
later statement from switching any of that back on.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import duckdb

# DuckDB 2.0's option names (duckdb_settings()), set in this order on every reader of the store
# (sg_data.store.open_read_only): never open the store with duckdb.connect directly in the app.
HARDENED_CONFIG: dict[str, object] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_persistent_secrets": False,
    "allow_extension_repositories": "forbidden",
    # last: once locked, nothing above can be changed by SET, from any cursor
    "lock_configuration": True,
}

OWNER_ONLY = 0o600


def lock(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Switch the connection's escapes off and lock its configuration (sg_data.store.open_read_only calls this
    once the store is attached and its views defined: after it, no statement from any cursor can attach,
    read or write a file, install or load an extension, or change a setting)."""
    for key, value in HARDENED_CONFIG.items():
        literal = f"'{value}'" if isinstance(value, str) else str(value).lower()
        con.execute(f"set {key} = {literal}")
    return con


def confine(con: duckdb.DuckDBPyConnection, folders) -> duckdb.DuckDBPyConnection:
    """Lock the loader's writable connection to its source folders: it may read the exports in `folders` (and
    spill to its own temporary directory) but no other file, and it can attach, install or re-enable nothing.
    A file name that globs (`concerns_*.csv`) or climbs (`../`) stays inside the folders too."""
    allowed = sorted({os.path.join(os.path.abspath(str(f)), "") for f in folders})
    listed = ", ".join("'" + a.replace("'", "''") + "'" for a in allowed)
    con.execute(f"set allowed_directories = [{listed}]")
    return lock(con)


def store_files(path: str | Path) -> list[Path]:
    """The store and the files DuckDB keeps beside it (write-ahead log), as far as they exist."""
    path = Path(path)
    return [p for p in (path, path.with_name(path.name + ".wal")) if p.exists()]


def make_private(path: str | Path) -> list[Path]:
    """Make the store and its WAL readable and writable by their owner only (0600); returns what it changed."""
    changed = []
    for p in store_files(path):
        st = p.stat()
        # another account's file cannot be changed by us (and a 0600 one could not be read either)
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != OWNER_ONLY:
            os.chmod(p, OWNER_ONLY)
            changed.append(p)
    return changed


def is_private(path: str | Path) -> bool:
    """True when no file of the store can be read or written by group or others."""
    return all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in store_files(path))


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside (the store, its WAL, temporary files) are owner-only from their first byte.

    umask is per process: use it around the loader's and publisher's writes in the command line, not in a
    threaded server.
    """
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)
