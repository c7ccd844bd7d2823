"""The dashboard's store connection reaches nothing but the store; store files are owner-only."""

from __future__ import annotations

import os
import stat

import duckdb
import pandas as pd
import pytest

from sg_data.hardening import is_private, make_private, private_umask
from sg_data.store import StoreError, open_read_only


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "s.duckdb"
    with duckdb.connect(str(path)) as c:
        c.execute("create table concerns as select 'C1' as concern_id, 3 as n")
    os.chmod(path, 0o644)
    (tmp_path / "other.duckdb").write_bytes(b"")
    return path


@pytest.fixture
def hard(store_path):
    con = open_read_only(store_path)
    yield con
    con.close()


def test_ordinary_selects_work(hard):
    assert hard.execute("select concern_id, n from concerns").fetchall() == [("C1", 3)]
    assert hard.cursor().execute("select count(*) from concerns").fetchone() == (1,)


def test_registered_frames_still_work(hard):
    hard.register("_frame", pd.DataFrame({"x": [1, 2]}))
    assert hard.execute("select sum(x) from _frame").fetchone() == (3,)


@pytest.mark.parametrize(
    "sql, error",
    [
        ("select * from read_csv('/etc/passwd')", duckdb.PermissionException),
        ("select * from read_text('/etc/passwd')", duckdb.PermissionException),
        ("copy concerns to '{tmp}/out.csv'", duckdb.PermissionException),
        ("export database '{tmp}/exported'", duckdb.PermissionException),
        ("attach '{tmp}/other.duckdb' as other", duckdb.PermissionException),
        ("install sqlite", duckdb.PermissionException),
        ("load sqlite", duckdb.PermissionException),
        ("set enable_external_access = true", duckdb.InvalidInputException),
        ("set lock_configuration = false", duckdb.InvalidInputException),
        ("set autoinstall_known_extensions = true", duckdb.InvalidInputException),
        ("set allowed_directories = ['/']", duckdb.InvalidInputException),
        ("create table store.t2 as select 1", duckdb.InvalidInputException),
        ("delete from store.concerns", duckdb.InvalidInputException),
        ("delete from concerns", duckdb.Error),
        ("update concerns set n = 4", duckdb.Error),
    ],
)
def test_escapes_fail(hard, store_path, sql, error):
    tmp = store_path.parent
    with pytest.raises(error):
        hard.execute(sql.format(tmp=tmp))
    assert not (tmp / "out.csv").exists()
    assert not (tmp / "exported").exists()


def test_scratch_tables_never_reach_the_store(hard, store_path):
    # the reader's own catalog is in memory (so a reload is seen: sg_data.store); what is made there is lost
    hard.execute("create table t2 as select 1")
    hard.close()
    with duckdb.connect(str(store_path), read_only=True) as c:
        assert [r[0] for r in c.execute("show tables").fetchall()] == ["concerns"]
        assert c.execute("select n from concerns").fetchall() == [(3,)]


def test_a_new_cursor_cannot_unlock(hard):
    cur = hard.cursor()
    with pytest.raises(duckdb.InvalidInputException):
        cur.execute("set enable_external_access = true")
    assert cur.execute("select current_setting('enable_external_access')").fetchone() == (False,)


def test_pandas_replacement_scans_are_external_access(hard):
    pd.DataFrame({"x": [1]})  # noqa: F841 - the scan would look it up by name
    with pytest.raises(duckdb.CatalogException):
        hard.execute("select * from frame")


def test_opening_makes_the_store_owner_only(store_path):
    wal = store_path.with_name(store_path.name + ".wal")
    wal.write_bytes(b"")
    os.chmod(wal, 0o666)
    assert not is_private(store_path)
    open_read_only(store_path).close()
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert is_private(store_path)
    assert make_private(store_path) == []


def test_a_missing_store_is_one_clear_line(tmp_path):
    with pytest.raises(StoreError, match=r"^No store at .*nope\.duckdb\. Load exports first"):
        open_read_only(tmp_path / "nope.duckdb")
    assert not (tmp_path / "nope.duckdb").exists()


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_private_umask_creates_owner_only_files(tmp_path):
    before = _current_umask()
    with private_umask():
        with duckdb.connect(str(tmp_path / "new.duckdb")) as c:
            c.execute("create table t as select 1")
        (tmp_path / "plain.txt").write_text("x")
    assert stat.S_IMODE((tmp_path / "new.duckdb").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == 0o600
    assert _current_umask() == before


@pytest.fixture
def exports(tmp_path):
    """A source folder with one export, and a secret beside it that the loader must never read."""
    src = tmp_path / "exports"
    src.mkdir()
    (src / "concerns.csv").write_text("concern_id,raised_at\nC1,2024-01-01 09:00\n")
    (tmp_path / "secret.csv").write_text("secret\nthe officer store's neighbour\n")
    return src


def test_the_loader_reads_its_source_folder_and_nothing_else(exports):
    from sg_data.hardening import confine

    con = confine(duckdb.connect(":memory:"), [exports])
    try:
        assert con.execute("select count(*) from read_csv(?)", [str(exports / "concerns.csv")]).fetchone() == (1,)
        outside = [str(exports.parent / "secret.csv"), str(exports / ".." / "secret.csv"), "/etc/passwd"]
        for path in outside:
            with pytest.raises(duckdb.PermissionException):
                con.execute("select * from read_csv(?)", [path]).fetchall()
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")
        with pytest.raises(duckdb.Error):
            con.execute("set allowed_directories = ['/']")
        with pytest.raises(duckdb.Error):
            con.execute(f"attach '{exports.parent / 'other.duckdb'}' as other")
        with pytest.raises(duckdb.Error):
            con.execute(f"copy (select 1) to '{exports.parent / 'out.csv'}'")
    finally:
        con.close()
    assert not (exports.parent / "out.csv").exists() and not (exports.parent / "other.duckdb").exists()


def test_a_load_is_confined_and_still_reads_a_file_it_must_re_encode(exports, tmp_path):
    from sg_data.loader import load_folder

    (exports / "concerns.csv").write_bytes("concern_id,raised_at,service,category\n"
                                           "C1,2024-01-01 09:00,Caf\u00e9 team,Neglect\n".encode("cp1252"))
    report = load_folder(exports, tmp_path / "t.duckdb")
    assert report.ok and report.files[0].rows_loaded == 1, report.text()
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    try:
        assert con.execute("select service from concerns").fetchall() == [("Caf\u00e9 team",)]
    finally:
        con.close()
