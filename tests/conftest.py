"""Shared fixtures: one deterministic store built from sample_data, once per session."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from sg_data import store
from sg_data.loader import load_file, load_folder

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = ROOT / "sample_data"
# every chart a page test draws is validated against the Vega-Lite schema as it is sent (a server skips it: ui._Sent)
os.environ["SG_CHECK_CHARTS"] = "1"


@pytest.fixture
def con(tmp_path):
    """An empty store."""
    c = store.connect(tmp_path / "t.duckdb")
    yield c
    c.close()


@pytest.fixture
def pseudo(tmp_path):
    """The stored form of a staff id in a test store (the `con` fixture's by default): its keyed pseudonym."""
    from sg_data import pseudonym

    def _pseudo(staff_id: str, db=None) -> str:
        return pseudonym.pseudonymise(staff_id, pseudonym.load_key(db or tmp_path / "t.duckdb"))

    return _pseudo


@pytest.fixture
def load(con):
    """Load one golden file into the empty store; returns its FileReport."""

    def _load(name: str):
        return load_file(con, GOLDEN / name)

    return _load


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    report = load_folder(SAMPLE, db)
    assert report.ok, report.text()
    return db


@pytest.fixture(scope="session")
def sample_con(sample_db):
    c = duckdb.connect(str(sample_db), read_only=True)
    yield c
    c.close()


def copy_of_store(sample_db: Path, folder: Path) -> Path:
    """A copy of the sample store with its pseudonym key, in `folder`, for a test that loads into it (the
    session's store is shared and never changed)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sample.duckdb"
    shutil.copy2(sample_db, path)
    shutil.copy2(f"{sample_db}.key", f"{path}.key")
    return path


def concerns_in(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from concerns").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def channel_objects_only(monkeypatch):
    """Altair reads a channel given as a string or a dict (`text="n:N"`, `x=alt.value(0)`) through `from_dict`,
    which hashes its whole schema every time: about 10 ms a channel, most of a chart's build before the chart
    builders gave channel objects (`alt.Text("n:N")`, `alt.XValue(0)`). A test using this fails on any that
    does not."""
    import altair.utils.schemapi as schemapi

    def refuse(cls, *args, **kwargs):
        raise AssertionError(f"{cls.__name__}.from_dict: give Altair a channel object, not a string or a dict")

    monkeypatch.setattr(schemapi.SchemaBase, "from_dict", classmethod(refuse))


@pytest.fixture
def fresh_streamlit_caches():
    """AppTest runs in this process and shares st.cache_data and st.cache_resource between instances."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def officer_on_sample(sample_db, monkeypatch, fresh_streamlit_caches) -> Path:
    """The dashboard on the sample store in the officer view, with Streamlit's caches cleared around the test."""
    monkeypatch.setenv("SG_DB", str(sample_db))
    monkeypatch.delenv("SG_VIEW", raising=False)
    return sample_db


def one_export(tmp_path: Path, name: str, text: str) -> Path:
    """A folder (tmp_path/src) holding the export `name` with `text`, written anew on each call, to load."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / name).write_text(text)
    return src


def concerns_only_store(tmp_path: Path) -> Path:
    """A store of two concerns and nothing else (no training, survey, self-assessment or outcomes)."""
    db = tmp_path / "concerns_only.duckdb"
    name = "concerns_semicolon.csv"
    assert load_folder(one_export(tmp_path, name, (GOLDEN / name).read_text()), db).ok
    return db


@pytest.fixture(scope="session")
def publication(sample_db):
    """The sample council's publication, built and protected once (sg_data.publication)."""
    from sg_data import publication as pub

    c = duckdb.connect(str(sample_db), read_only=True)
    try:
        return pub.build(c)
    finally:
        c.close()


def _stores_of(con) -> list[Path]:
    """The database files a connection reads (the officer store attaches its file to an in-memory database)."""
    rows = con.execute("select path from duckdb_databases() where not internal and path is not null").fetchall()
    return [Path(p) for (p,) in rows if Path(p).is_file()]


@pytest.fixture(scope="session")
def serve_sample_publication(publication, sample_db):
    """Makes a Scrutiny view of the sample store in this process (a page under AppTest, the brief command) use
    the session's publication rather than protect the same figures again; any other store, threshold or minimum
    group is built as usual. Call it with a MonkeyPatch, which undoes it."""
    from sg_data import publication as pub

    real = pub.build

    def build(con, threshold=pub.DEFAULT_THRESHOLD, min_group=pub.DEFAULT_MIN_GROUP, progress=pub._quiet):
        default = (threshold, min_group) == (pub.DEFAULT_THRESHOLD, pub.DEFAULT_MIN_GROUP)
        if default and any(path.samefile(sample_db) for path in _stores_of(con)):
            progress("Publication ready", 1.0)
            return publication
        return real(con, threshold, min_group, progress)

    def serve(mp: pytest.MonkeyPatch) -> None:
        mp.setattr(pub, "build", build)

    return serve


@pytest.fixture(scope="session")
def scrutiny_figures(publication):
    """The Scrutiny view's figures: the sample council's publication, read back from memory."""
    from sg_data import publication as pub
    from sg_data.figures import PublishedFigures

    return PublishedFigures(pub.in_memory(publication))
