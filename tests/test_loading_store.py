"""The store under loads: versions, migration, read-only opens, loading while it is open, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import pytest

from sg_data import precomputed, store
from sg_data.contract import KINDS
from sg_data.loader import load_folder

from .conftest import GOLDEN, ROOT, one_export

#: The bookkeeping of schema version 1, as the previous program created it.
V1_BOOKKEEPING = """
create sequence if not exists load_seq start 1;
create table loads (load_id bigint not null, kind varchar not null, file_name varchar not null,
    sha256 varchar not null, loaded_at timestamp not null, encoding varchar, rows_read bigint not null,
    rows_loaded bigint not null, rows_replaced bigint not null, rows_quarantined bigint not null,
    dropped_columns varchar);
create table quarantine (load_id bigint not null, kind varchar not null, file_name varchar not null,
    line bigint not null, column_name varchar not null, rule varchar not null, reason varchar not null);
create table meta (key varchar not null, value varchar);
"""


def run(*args):
    return subprocess.run([sys.executable, "-m", "sg_data", *args], capture_output=True, text=True, cwd=ROOT)


def folder(tmp_path, *names, sub="src"):
    src = tmp_path / sub
    src.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(GOLDEN / n, src / n)
    return src


def make_v1_store(path):
    with duckdb.connect(str(path)) as con:
        for kind in KINDS.values():
            con.execute(f"create table {kind.name} ({', '.join(f'{f.name} {f.sql_type}' for f in kind.fields)}, "
                        "load_id bigint not null)")
        con.execute(V1_BOOKKEEPING)
        con.execute("insert into meta values ('views', '1:0123456789abcdef')")
        con.execute("insert into concerns (concern_id, raised_at, service, category, subject_group, load_id) "
                    "values ('OLD1', '2023-01-02 09:00', 'Housing Services', 'Hoarding', 'adult', 1)")
        con.execute("insert into loads values (1, 'concerns', 'old.csv', 'abc', '2024-01-01', 'UTF-8', 1, 1, 0, 0, "
                    "null)")


def test_a_new_store_records_its_schema_version(tmp_path):
    load_folder(folder(tmp_path, "concerns_bom.csv"), tmp_path / "s.duckdb")
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as con:
        assert dict(con.execute("select key, value from meta").fetchall()) == {
            "schema": str(store.SCHEMA_VERSION), "views": store.views_fingerprint(),
            "precomputed": json.dumps({n: precomputed.fingerprint(n)
                                       for n in precomputed.TABLES + precomputed.QUERIES})}


def test_load_migrates_a_version_1_store_after_a_backup(tmp_path):
    db = tmp_path / "s.duckdb"
    make_v1_store(db)
    with pytest.raises(store.StoreError, match="older version of this program \\(store schema 1"):
        store.open_read_only(db)
    report = load_folder(folder(tmp_path, "concerns_bom.csv"), db)
    assert report.ok
    backup = tmp_path / "s.duckdb.schema1.bak"
    with duckdb.connect(str(backup), read_only=True) as old:
        assert old.execute("select count(*) from meta where key = 'schema'").fetchone() == (0,)
    con = store.open_read_only(db)
    try:
        assert con.execute("select concern_id from concerns order by 1").fetchall() == [("B1",), ("OLD1",)]
        assert con.execute("select file_name, rows_in_file, rows_blank from loads order by load_id").fetchall() == [
            ("old.csv", None, None), ("concerns_bom.csv", 2, 0)]
        assert store.schema_version(con) == store.SCHEMA_VERSION
        assert con.execute("select count(*) from stg_concerns").fetchone() == (2,)
    finally:
        con.close()


def test_a_store_newer_than_the_program_is_refused_clearly(tmp_path):
    db = tmp_path / "s.duckdb"
    load_folder(folder(tmp_path, "concerns_bom.csv"), db)
    with duckdb.connect(str(db)) as con:
        con.execute("update meta set value = '99' where key = 'schema'")
    before = db.read_bytes()
    with pytest.raises(store.StoreError) as err:
        store.open_read_only(db)
    assert str(err.value) == (f"{db} was written by a newer version of this program (store schema 99; this program "
                              f"reads up to {store.SCHEMA_VERSION}). Update the program, or load into a new --db path.")
    out = run("load", str(tmp_path / "src"), "--db", str(db))
    assert out.returncode == 3
    assert out.stderr.strip() == f"error: {err.value}"
    assert db.read_bytes() == before
    brief = run("brief", "--db", str(db), "--period", "2023-24")
    assert brief.returncode == 3 and "newer version" in brief.stderr and "Traceback" not in brief.stderr


def test_a_read_only_open_never_writes_even_when_views_are_stale(tmp_path):
    db = tmp_path / "s.duckdb"
    load_folder(folder(tmp_path, "concerns_bom.csv"), db)
    with duckdb.connect(str(db)) as con:
        con.execute("update meta set value = 'stale' where key = 'views'")
        con.execute("create or replace view stg_concerns as select 1 as stale")
    token, before = store.version_token(db), db.read_bytes()
    assert not store.views_are_current(db)
    con = store.open_read_only(db)
    try:
        # this program's views serve, as temporary views of this connection only
        assert con.execute("select concern_id from stg_concerns").fetchall() == [("B1",)]
    finally:
        con.close()
    assert db.read_bytes() == before and store.version_token(db) == token
    assert not (tmp_path / "s.duckdb.wal").exists()


def test_a_load_while_a_reader_holds_the_store_succeeds_and_a_new_open_sees_it(tmp_path):
    db = tmp_path / "s.duckdb"
    load_folder(folder(tmp_path, "concerns_bom.csv"), db)
    reader = store.open_read_only(db)
    token = store.version_token(db)
    try:
        src = folder(tmp_path, "concerns_semicolon.csv", sub="src2")
        out = run("load", str(src), "--db", str(db))
        assert out.returncode == 0, out.stderr
        # the open connection keeps the version it opened: never half a load
        assert reader.execute("select concern_id from concerns").fetchall() == [("B1",)]
        assert store.version_token(db) != token
        fresh = store.open_read_only(db)
        try:
            assert fresh.execute("select concern_id from concerns order by 1").fetchall() == [
                ("B1",), ("S1",), ("S2",)]
        finally:
            fresh.close()
    finally:
        reader.close()


def test_a_second_load_at_the_same_time_is_told_the_store_is_busy(tmp_path):
    db = tmp_path / "s.duckdb"
    src = folder(tmp_path, "concerns_bom.csv")
    with store.new_version(db):
        out = run("load", str(src), "--db", str(db))
    assert out.returncode == 3
    assert out.stderr.strip() == (f"error: {db} is being loaded by another process; "
                                  "try again when it has finished.")
    assert load_folder(src, db).ok


def test_a_store_that_is_not_a_store_is_unusable(tmp_path):
    db = tmp_path / "s.duckdb"
    db.write_text("this is not a database")
    out = run("load", str(folder(tmp_path, "concerns_bom.csv")), "--db", str(db))
    assert out.returncode == 3
    assert out.stderr.startswith(f"error: {db} cannot be opened as a DuckDB store (")
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert db.read_text() == "this is not a database"


def test_a_failed_load_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
    load_folder(folder(tmp_path, "concerns_bom.csv"), db)
    token = store.version_token(db)

    class Stop(Exception):
        pass

    with pytest.raises(Stop):
        with store.new_version(db) as con:
            con.execute("delete from concerns")
            raise Stop
    assert store.version_token(db) == token
    assert not (tmp_path / "s.duckdb.loading").exists()
    con = store.open_read_only(db)
    assert con.execute("select count(*) from concerns").fetchone() == (1,)
    con.close()


def test_one_file_out_of_memory_is_reported_and_the_rest_still_load(tmp_path, monkeypatch):
    from sg_data import loader

    real = loader.read_export

    def read_export(con, path, kind=None, work=None, profile=None):
        if path.name == "concerns_semicolon.csv":
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256KB")
        return real(con, path, kind, work, profile)

    monkeypatch.setattr(loader, "read_export", read_export)
    src = folder(tmp_path, "concerns_bom.csv", "concerns_semicolon.csv", "concerns_trailing.csv")
    report = load_folder(src, tmp_path / "s.duckdb")
    assert [(f.file, f.status) for f in report.files] == [
        ("concerns_bom.csv", "loaded"), ("concerns_semicolon.csv", "rejected"), ("concerns_trailing.csv", "loaded")]
    assert report.files[1].message == (
        f"ran out of memory while loading (the loader's limit is {store.LOAD_MEMORY_LIMIT}); nothing from it is "
        "stored. Split the export into smaller files, or raise SG_LOAD_MEMORY_LIMIT.")
    con = store.open_read_only(tmp_path / "s.duckdb")
    assert con.execute("select concern_id from concerns order by 1").fetchall() == [("B1",), ("T1",), ("T2",)]
    con.close()


def test_the_loader_runs_under_a_memory_limit(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    try:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()
    assert limit.replace(" ", "").lower().rstrip("b").startswith(("953.6mi", "1.0gi", "1gi", "1000.0m", "1g"))


def test_the_store_keeps_concerns_in_the_order_they_were_raised(tmp_path):
    """An export in any order is stored by raised_at (each load's rows), so a query for one quarter reads only
    the blocks that hold it; a second load's rows follow in their own order."""
    db = tmp_path / "s.duckdb"
    assert load_folder(one_export(tmp_path, "concerns.csv", "concern_id,raised_at,service,category\n"
                                  "A3,2024-03-01 09:00,S,C\nA1,2023-05-01 09:00,S,C\nA2,2023-11-20 09:00,S,C\n"), db).ok
    assert load_folder(one_export(tmp_path, "concerns.csv", "concern_id,raised_at,service,category\n"
                                  "B2,2024-06-01 09:00,S,C\nB1,2024-04-02 09:00,S,C\n"), db).ok
    with duckdb.connect(str(db), read_only=True) as con:
        assert [r[0] for r in con.execute("select concern_id from concerns order by rowid").fetchall()] == [
            "A1", "A2", "A3", "B1", "B2"]
