"""The trends' tables worked out once per load (sg_data.precomputed): read wherever they are exactly what the mart
gives, never anywhere else."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from sg_data import catalog, precomputed, queries, store
from sg_data.figures import StoreFigures
from sg_data.periods import parse
from sg_data.publication import ReferenceLabels

from .conftest import copy_of_store

#: all time, a partial year, a full year, a quarter, a quarter near the first concern and a year before it
PERIODS = [None, "2026-27", "2023-24", "2023-24 Q3", "2020-21 Q1", "2018-19"]


def _live(con, figures: StoreFigures, name: str, label, target: float = 24) -> tuple[pd.DataFrame, object]:
    window = figures._history(parse(label) if label else None, figures.coverage())
    options = {"as_of": figures.as_of(), "target_hours": float(target)}
    return catalog.officer_frame(con, catalog.table(name), window, options), window


@pytest.mark.parametrize("name", precomputed.TABLES)
def test_the_load_writes_each_trend_table_and_a_page_reads_the_same_figures_from_it(sample_con, name):
    made = json.loads(sample_con.execute("select value from meta where key = 'precomputed'").fetchone()[0])
    assert made == {n: precomputed.fingerprint(n) for n in precomputed.TABLES + precomputed.QUERIES}
    figures = StoreFigures(sample_con)
    for label in PERIODS:
        live, window = _live(sample_con, figures, name, label)
        assert precomputed.read(sample_con, name, window, 24) is not None, label  # read from the copy
        pd.testing.assert_frame_equal(figures.get(name, parse(label) if label else None), live)
    # the sample's 30 quarters (2019-20 Q1 to 2026-27 Q2), every one of them in the copy
    assert sample_con.execute(f"select count(distinct quarter_start) from pre_{name}").fetchone()[0] == 30


def test_another_target_runs_the_mart(sample_con):
    figures = StoreFigures(sample_con)
    live, window = _live(sample_con, figures, "timeliness_by_quarter", "2023-24", target=48)
    assert precomputed.read(sample_con, "timeliness_by_quarter", window, 48) is None
    got = figures.get("timeliness_by_quarter", parse("2023-24"), target_hours=48)
    pd.testing.assert_frame_equal(got, live)
    at_24 = figures.get("timeliness_by_quarter", parse("2023-24"))
    assert (got["within_target"] >= at_24["within_target"]).all()
    assert (got["within_target"] > at_24["within_target"]).any()
    # a table whose mart takes no target is read from its copy at any target
    window = figures._history(parse("2023-24"), figures.coverage())
    assert precomputed.read(sample_con, "concerns_by_quarter_category", window, 48) is not None


def test_the_publications_connection_names_only_the_reference_tables_so_it_runs_the_mart(sample_db, tmp_path):
    """The copies name categories as recorded (the officer view); the publication's figures must not."""
    db = copy_of_store(sample_db, tmp_path / "copy")
    with store.new_version(db) as con:  # a category typed into the export, not one the reference table names
        con.execute("update concerns set category = 'Dispute with J. Smith' where raised_at < date '2020-01-01'")
    con = store.open_read_only(db)
    try:
        figures, labelled = StoreFigures(con), ReferenceLabels(con)
        window = figures._history(None, figures.coverage())
        for name in precomputed.TABLES:
            assert precomputed.read(con, name, window, 24) is not None
            assert precomputed.read(labelled, name, window, 24) is None
        assert "Dispute with J. Smith" in set(figures.get("concerns_by_quarter_category")["category"])
        published = StoreFigures(labelled).get("concerns_by_quarter_category")
        live, _ = _live(labelled, figures, "concerns_by_quarter_category", None)
        pd.testing.assert_frame_equal(published, live)
        assert "Dispute with J. Smith" not in set(published["category"])
        assert "Category not in the categories table" in set(published["category"])
    finally:
        con.close()


@pytest.mark.parametrize("changed", ["views", "as_of"])
def test_a_copy_made_by_other_sql_is_not_read(sample_con, monkeypatch, changed):
    """A store loaded by another version of the program (its views, marts or as-of time differ) runs this
    program's marts."""
    figures = StoreFigures(sample_con)
    live, window = _live(sample_con, figures, "timeliness_by_quarter", "2023-24")
    if changed == "views":
        monkeypatch.setattr(queries, "views", lambda: [])
    else:
        real = queries.get

        def get(name):
            q = real(name)
            return replace(q, sql=q.sql + "\n-- as another version has it") if name == "concerns_as_of" else q

        monkeypatch.setattr(queries, "get", get)
    assert precomputed.read(sample_con, "timeliness_by_quarter", window, 24) is None
    pd.testing.assert_frame_equal(figures.get("timeliness_by_quarter", parse("2023-24")), live)


def test_every_new_version_of_the_store_gets_its_own_copies(sample_db, tmp_path):
    """Not only a load: a purge writes a new version too, and its copies count what it holds."""
    db = copy_of_store(sample_db, tmp_path / "copy")
    with store.new_version(db) as con:
        con.execute("delete from concerns where raised_at < date '2023-04-01'")
    con = store.open_read_only(db)
    try:
        figures = StoreFigures(con)
        for name in precomputed.TABLES:
            live, window = _live(con, figures, name, None)
            assert precomputed.read(con, name, window, 24) is not None
            pd.testing.assert_frame_equal(figures.get(name), live)
        assert figures.get("timeliness_by_quarter")["value"].iloc[0] == "2023-24 Q1"
    finally:
        con.close()


def test_a_store_without_concerns_has_no_copies_and_no_trend(tmp_path):
    db = tmp_path / "empty.duckdb"
    with store.new_version(db):
        pass
    con = store.open_read_only(db)
    try:
        made = json.loads(con.execute("select value from meta where key = 'precomputed'").fetchone()[0])
        assert made == {"service_list": precomputed.fingerprint("service_list")}  # no trend copies
        assert StoreFigures(con).get("timeliness_by_quarter").empty
        assert StoreFigures(con).pinned().service_list() == []
    finally:
        con.close()


# --- the sidebar's list of services ----------------------------------------------------------------------------

def test_the_sidebar_reads_the_services_from_the_copy_the_load_kept(sample_con):
    kept = precomputed.whole(sample_con, "service_list")
    assert kept is not None
    pd.testing.assert_frame_equal(kept, queries.run(sample_con, "service_list"))
    services = StoreFigures(sample_con).pinned().service_list()
    assert services == queries.run(sample_con, "service_list")["service"].tolist()
    assert "Housing Services" in services and services == sorted(services)


def test_services_are_listed_as_the_store_now_holds_them_on_every_connection(sample_db, tmp_path, monkeypatch):
    """A new version (a load, a purge) gets its own list; the publication's connection, which names only the
    services the reference table names, and another program's SQL run the query."""
    db = copy_of_store(sample_db, tmp_path / "copy")
    with store.new_version(db) as con:  # a service typed into the export, not one the reference table names
        con.execute("update concerns set service = 'Team of J. Smith' where raised_at < date '2020-01-01'")
    con = store.open_read_only(db)
    try:
        officer, labelled = StoreFigures(con).pinned(), StoreFigures(ReferenceLabels(con)).pinned()
        assert precomputed.whole(con, "service_list") is not None
        assert "Team of J. Smith" in officer.service_list()
        assert precomputed.whole(labelled.con, "service_list") is None
        assert labelled.service_list() == queries.run(labelled.con, "service_list")["service"].tolist()
        assert "Team of J. Smith" not in labelled.service_list()
        monkeypatch.setattr(queries, "views", lambda: [])
        assert precomputed.whole(con, "service_list") is None
    finally:
        con.close()
