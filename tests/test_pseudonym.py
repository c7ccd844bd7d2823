"""Pseudonymous staff ids: keyed, stable, owner-only key outside the store (issue 12)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import duckdb
import pandas as pd
import pytest

from sg_data.pseudonym import (KEY_ENV, PseudonymKeyError, key_path, load_key, pseudonymise, pseudonymise_series,
                               register)

from .conftest import one_export

KEY = bytes(range(32))


def test_pseudonym_is_hmac_sha256_truncated():
    expected = hmac.new(KEY, b"P00123", hashlib.sha256).hexdigest()[:16]
    assert pseudonymise("P00123", KEY) == expected
    assert len(expected) == 16 and set(expected) <= set("0123456789abcdef")


def test_same_id_same_pseudonym_other_key_or_id_differs():
    assert pseudonymise(" P00123 ", KEY) == pseudonymise("P00123", KEY)
    assert pseudonymise("Ｐ００１２３", KEY) == pseudonymise("P00123", KEY)  # full-width digits
    assert pseudonymise("P00124", KEY) != pseudonymise("P00123", KEY)
    assert pseudonymise("P00123", bytes(32)) != pseudonymise("P00123", KEY)


def test_short_key_refused():
    with pytest.raises(PseudonymKeyError, match="at least 32 bytes"):
        pseudonymise("P1", b"short")


def test_series_and_sql_forms_agree():
    ids = pd.Series(["P1", None, "P2", "P1"], dtype=object)
    out = pseudonymise_series(ids, KEY)
    assert list(out[[0, 2, 3]]) == [pseudonymise("P1", KEY), pseudonymise("P2", KEY), pseudonymise("P1", KEY)]
    assert pd.isna(out[1])
    con = duckdb.connect()
    register(con, KEY)
    con.register("_incoming", pd.DataFrame({"staff_id": ids}))
    got = [r[0] for r in con.execute("select pseudonym(staff_id) from _incoming").fetchall()]
    assert got == [pseudonymise("P1", KEY), None, pseudonymise("P2", KEY), pseudonymise("P1", KEY)]


def test_key_made_once_owner_only_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    db = tmp_path / "sg.duckdb"
    with pytest.raises(PseudonymKeyError, match=r"no pseudonym key at .*sg\.duckdb\.key: restore it from backup"):
        load_key(db)
    key = load_key(db, create=True)
    assert len(key) == 32
    path = key_path(db)
    assert path == tmp_path / "sg.duckdb.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(db) == key == load_key(db, create=True)
    os.chmod(path, 0o644)
    assert load_key(db) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_key_file_from_environment(tmp_path, monkeypatch):
    elsewhere = tmp_path / "keys" / "sg.key"
    elsewhere.parent.mkdir()
    elsewhere.write_text("ab" * 32 + "\n")
    monkeypatch.setenv(KEY_ENV, str(elsewhere))
    assert load_key(tmp_path / "sg.duckdb") == bytes([0xAB]) * 32
    elsewhere.write_text("not hex")
    with pytest.raises(PseudonymKeyError, match=r"sg\.key is not hexadecimal text"):
        load_key(tmp_path / "sg.duckdb")
    elsewhere.write_text("ab" * 8)
    with pytest.raises(PseudonymKeyError, match=r"shorter than 32 bytes"):
        load_key(tmp_path / "sg.duckdb")


def test_a_store_of_pseudonyms_without_its_key_refuses_to_load(tmp_path):
    from sg_data import store
    from sg_data.loader import load_folder

    src = one_export(tmp_path, "training.csv", "snapshot_date,staff_id,service,course,required\n"
                                               "2023-12-31,00731,Housing Services,Safeguarding awareness,Y\n")
    db = tmp_path / "s.duckdb"
    assert load_folder(src, db).ok
    first = store.open_read_only(db).execute("select staff_id from training").fetchall()
    assert first != [("00731",)] and len(first[0][0]) == 16
    (tmp_path / "s.duckdb.key").unlink()
    with pytest.raises(store.StoreError, match=r"no pseudonym key at .*s\.duckdb\.key: restore it from backup"):
        load_folder(src, db)
    assert store.open_read_only(db).execute("select staff_id from training").fetchall() == first
