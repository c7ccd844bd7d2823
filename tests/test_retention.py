"""Retention: concerns past the period are purged, the purge is audited, mistakes are refused (issue 12)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from sg_data.audit import audit_path
from sg_data.cli import main
from sg_data.retention import RetentionError, cutoff, months, purge


def _store(path, raised):
    """A store of this program's schema holding concerns raised at the given times."""
    from sg_data import store

    with store.connect(path) as c:
        c.executemany("insert into concerns (concern_id, raised_at, load_id) values (?, ?, 1)",
                      [(f"C{i}", r) for i, r in enumerate(raised)])


@pytest.mark.parametrize("text, n", [("7y", 84), ("84m", 84), (" 7Y ", 84), ("12m", 12), ("100y", 1200)])
def test_months(text, n):
    assert months(text) == n


@pytest.mark.parametrize(
    "text, error",
    [("7", "give years or months, like 7y or 84m"), ("7d", "give years or months"), ("0y", "give years"),
     ("-7y", "give years"), ("7m", "under 12 months is refused as a likely mistake"), ("", "give years")],
)
def test_months_refused(text, error):
    with pytest.raises(RetentionError, match=error):
        months(text)


def test_cutoff_is_calendar_months():
    assert cutoff("7y", dt.date(2024, 5, 1)) == dt.date(2017, 5, 1)
    assert cutoff("1y", dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert cutoff("13m", dt.date(2024, 3, 31)) == dt.date(2023, 2, 28)


def test_purge_removes_only_rows_before_the_cutoff_and_audits(tmp_path):
    db = tmp_path / "sg.duckdb"
    _store(db, [dt.datetime(2017, 4, 30, 23, 59), dt.datetime(2017, 5, 1, 0, 0), dt.datetime(2010, 1, 1),
                dt.datetime(2024, 4, 1)])
    with duckdb.connect(str(db)) as con:
        assert purge(con, "7y", dt.date(2024, 5, 1), dry_run=True) == 2
        assert con.execute("select count(*) from concerns").fetchone() == (4,)
        assert not audit_path(db).exists()
        assert purge(con, "7y", dt.date(2024, 5, 1), user="ann") == 2
        assert con.execute("select concern_id from concerns order by 1").fetchall() == [("C1",), ("C3",)]
    [line] = audit_path(db).read_text().splitlines()
    entry = json.loads(line)
    assert (entry["event"], entry["user"], entry["view"]) == ("purge", "ann", "officer")
    assert entry["detail"] == {"older_than": "7y", "cutoff": "2017-05-01", "table": "concerns"}


def test_cli_purge(tmp_path, capsys):
    db = tmp_path / "sg.duckdb"
    today = dt.date.today()
    _store(db, [dt.datetime(today.year - 8, 1, 1), dt.datetime(today.year - 1, 1, 1)])
    first_kept = cutoff("7y", today).isoformat()
    assert main(["purge", "--db", str(db), "--older-than", "7y", "--dry-run"]) == 0
    assert capsys.readouterr().err == f"would remove 1 concerns raised before {first_kept}\n"
    assert main(["purge", "--db", str(db), "--older-than", "7y"]) == 0
    assert capsys.readouterr().err == f"removed 1 concerns raised before {first_kept}\n"
    assert json.loads(audit_path(db).read_text())["user"].endswith("(command line)")
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("select count(*) from concerns").fetchone() == (1,)


def test_cli_purge_refusals(tmp_path, capsys):
    db = tmp_path / "sg.duckdb"
    assert main(["purge", "--db", str(db), "--older-than", "7y"]) == 2
    assert capsys.readouterr().err == f"error: no store at {db}\n"
    assert not db.exists()
    _store(db, [dt.datetime(2000, 1, 1)])
    assert main(["purge", "--db", str(db), "--older-than", "7m"]) == 2
    assert capsys.readouterr().err == "error: --older-than 7m: under 12 months is refused as a likely mistake\n"
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("select count(*) from concerns").fetchone() == (1,)


def test_cli_purge_leaves_nothing_of_the_purged_concerns_in_the_file(tmp_path, capsys):
    """DuckDB reuses a deleted row's blocks without clearing them: the purge writes the store afresh, so the text
    of a purged concern is gone from the file's bytes, and the store still opens with its views and rows."""
    from sg_data import store

    db = tmp_path / "sg.duckdb"
    old = dt.datetime(dt.date.today().year - 9, 1, 1)
    with store.connect(db) as c:
        c.executemany("insert into concerns (concern_id, raised_at, category, load_id) values (?, ?, ?, 1)",
                      [(f"OLD-{i:04}", old, f"Riverside flats, ask for Kimberly {i}") for i in range(500)]
                      + [(f"NEW-{i:04}", dt.datetime(dt.date.today().year - 1, 1, 1), "Neglect") for i in range(500)])
        c.execute("checkpoint")
    assert db.read_bytes().count(b"Kimberly") > 0  # the test can see a purged concern's text where it is
    assert main(["purge", "--db", str(db), "--older-than", "7y"]) == 0
    assert capsys.readouterr().err.startswith("removed 500 concerns")
    data = db.read_bytes()
    assert b"Kimberly" not in data and b"OLD-0" not in data
    assert not tmp_path.joinpath("sg.duckdb.compact").exists()
    with store.open_read_only(db) as c:
        assert c.execute("select count(*) from stg_concerns").fetchone() == (500,)
        assert store.schema_version(c) == store.SCHEMA_VERSION
