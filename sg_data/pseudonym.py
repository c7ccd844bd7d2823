"""Pseudonymous staff ids: a payroll number is stored only as a keyed hash (HMAC-SHA256).

A plain hash of a payroll number can be reversed by hashing every possible number; a keyed hash cannot
without the key, and the key lives outside the store (SG_PSEUDONYM_KEY_FILE, default `<store>.key`,
owner-only). The same id under the same key always gives the same pseudonym, so a person's training
record joins up across snapshots. Lose the key and every person gets a new pseudonym: back it up apart
from the store (a copy of the store together with its key is as good as the payroll numbers).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd

KEY_ENV = "SG_PSEUDONYM_KEY_FILE"
KEY_BYTES = 32
# 16 hex digits = 64 bits: a collision among 100,000 staff has odds of about 1 in 4 million million
LENGTH = 16


class PseudonymKeyError(Exception):
    """The key cannot be read or made; one line a person can act on."""


def _normalise(staff_id: str) -> bytes:
    # the same person exported as " 00123" or "00123", or with full-width digits, is one person
    return unicodedata.normalize("NFKC", str(staff_id)).strip().encode("utf-8")


def pseudonymise(staff_id: str, key: bytes) -> str:
    """The pseudonym of one staff id: 16 lowercase hex digits of HMAC-SHA256(key, id)."""
    if len(key) < KEY_BYTES:
        raise PseudonymKeyError(f"the pseudonym key must be at least {KEY_BYTES} bytes")
    return hmac.new(key, _normalise(staff_id), hashlib.sha256).hexdigest()[:LENGTH]


def pseudonymise_series(ids: pd.Series, key: bytes) -> pd.Series:
    """A column of staff ids as pseudonyms (nulls stay null), for a frame before it is inserted."""
    if len(key) < KEY_BYTES:
        raise PseudonymKeyError(f"the pseudonym key must be at least {KEY_BYTES} bytes")
    return ids.map(lambda v: pseudonymise(v, key), na_action="ignore")


def register(con: duckdb.DuckDBPyConnection, key: bytes, name: str = "pseudonym") -> None:
    """Make `pseudonym(staff_id)` callable in SQL on `con` (the loader's connection), e.g.
    `insert into training select pseudonym(staff_id), ... from _incoming`."""
    if len(key) < KEY_BYTES:
        raise PseudonymKeyError(f"the pseudonym key must be at least {KEY_BYTES} bytes")

    def _udf(staff_id: str) -> str:
        return pseudonymise(staff_id, key)

    con.create_function(name, _udf, [duckdb.sqltype("varchar")], duckdb.sqltype("varchar"),
                        null_handling="default", side_effects=False)


def key_path(db: str | Path) -> Path:
    """SG_PSEUDONYM_KEY_FILE if set, else `<store>.key` beside the store."""
    named = os.environ.get(KEY_ENV)
    return Path(named) if named else Path(str(db) + ".key")


def _read(path: Path) -> bytes:
    st = path.stat()
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(path, 0o600)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        raise PseudonymKeyError(f"the pseudonym key {path} is not hexadecimal text") from None
    if len(key) < KEY_BYTES:
        raise PseudonymKeyError(f"the pseudonym key {path} is shorter than {KEY_BYTES} bytes")
    return key


def load_key(db: str | Path, *, create: bool = False) -> bytes:
    """The key for store `db`. With `create`, a missing key is made (random, 0600) — pass it only for a
    new store: a store that already holds pseudonyms and has lost its key needs the key back, not a new one."""
    path = key_path(db)
    if path.is_file():
        return _read(path)
    if not create:
        raise PseudonymKeyError(
            f"no pseudonym key at {path}: restore it from backup (or set {KEY_ENV}); a new key would give "
            "every member of staff a new pseudonym"
        )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read(path)
    except OSError as exc:
        raise PseudonymKeyError(f"cannot create the pseudonym key {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
    return _read(path)
