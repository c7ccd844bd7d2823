"""The publication a Scrutiny server keeps beside the store (sg_data.deployment): read back by its next start on the
same version of the store, settings and program, never by anything else."""

from __future__ import annotations

import stat

import pandas as pd
import pytest

from sg_data import deployment, publication as pub, store
from sg_data.figures import PublishedFigures
from sg_data.periods import parse

from .conftest import copy_of_store


@pytest.fixture
def live_store(sample_db, tmp_path, publication, monkeypatch):
    """A copy of the sample store, whose publication is the session's (each build it is asked for is counted)."""
    db = copy_of_store(sample_db, tmp_path / "copy")
    builds = []

    def build(con, threshold=pub.DEFAULT_THRESHOLD, min_group=pub.DEFAULT_MIN_GROUP, progress=pub._quiet):
        builds.append((threshold, min_group))
        return publication

    monkeypatch.setattr(pub, "build", build)
    return db, builds


def _scrutiny(db, threshold=5, min_group=10):
    """What a Scrutiny server's first view does: a kept publication, or one built and kept."""
    version = store.version_token(db)
    kept = deployment.kept(str(db), version, threshold, min_group)
    if kept is not None:
        return kept
    con = store.open_read_only(db)
    return deployment.figures_for(con, "scrutiny", threshold, min_group, keep_beside=(str(db), version))


def test_a_restarted_scrutiny_server_reads_back_the_publication_it_built(live_store, publication):
    db, builds = live_store
    built = _scrutiny(db)
    at = store.publication_path(db)
    assert builds == [(5, 10)] and at.is_file()
    assert stat.S_IMODE(at.stat().st_mode) == 0o600  # owner-only, like the store
    again = _scrutiny(db)  # the next start: nothing is protected again
    assert builds == [(5, 10)]
    assert isinstance(again, PublishedFigures) and again.con is not built.con
    assert {k: v for k, v in again.manifest.items() if k != "made_for"} == publication.manifest
    for name in publication.tables:  # every protected table, cell for cell
        pd.testing.assert_frame_equal(again.con.execute(f'select * from "pub_{name}"').df(),
                                      built.con.execute(f'select * from "pub_{name}"').df(), check_dtype=False)
    period = parse("2023-24")
    for name in ("concerns_by_category", "timeliness", "concerns_by_service"):
        pd.testing.assert_frame_equal(again.get(name, period), built.get(name, period))


@pytest.mark.parametrize("changed", ["threshold", "min_group", "program", "version"])
def test_a_kept_publication_serves_only_what_it_was_made_for(live_store, monkeypatch, changed):
    db, builds = live_store
    _scrutiny(db)
    version = store.version_token(db)
    threshold, min_group = 5, 10
    if changed == "threshold":
        threshold = 3
    elif changed == "min_group":
        min_group = 20
    elif changed == "program":
        monkeypatch.setattr(deployment, "_program", lambda: "another version of the program")
    else:
        version = (version[0], version[1] + 1, version[2])  # the store's file replaced by other means
    assert deployment.kept(str(db), version, threshold, min_group) is None
    if changed != "program":  # what it was made for still reads it back
        assert deployment.kept(str(db), store.version_token(db), 5, 10) is not None


def test_a_new_version_of_the_store_takes_its_publication_away(live_store):
    """A load, a save of the reference tables or a purge: the figures of the version replaced go with it."""
    db, builds = live_store
    _scrutiny(db)
    with store.new_version(db) as con:
        con.execute("delete from concerns where raised_at < date '2020-01-01'")
    assert not store.publication_path(db).exists()
    _scrutiny(db)
    assert builds == [(5, 10), (5, 10)]


def test_a_server_that_cannot_write_beside_the_store_goes_on_from_memory(live_store, monkeypatch):
    db, builds = live_store

    def refused(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr("sg_data.publish.write_store", refused)
    figures = _scrutiny(db)
    assert figures.get("concerns_by_category", parse("2023-24")) is not None
    assert not store.publication_path(db).exists()
    _scrutiny(db)
    assert builds == [(5, 10), (5, 10)]


def test_an_unreadable_kept_publication_is_built_again_and_written_over(live_store):
    db, builds = live_store
    store.publication_path(db).write_text("not a database")
    assert deployment.kept(str(db), store.version_token(db), 5, 10) is None
    _scrutiny(db)
    assert builds == [(5, 10)]
    assert deployment.kept(str(db), store.version_token(db), 5, 10) is not None
