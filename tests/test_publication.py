"""The publication: one protected set of figures behind the Scrutiny view, its briefing, the published store and
the open data. Nothing from 1 to 5 escapes, nothing row-level is held, and every place says the same."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from sg_data import briefing, catalog, disclosure, publish
from sg_data import publication as pub_module
from sg_data.cli import main
from sg_data.figures import PublishedFigures, StoreFigures
from sg_data.periods import parse, quarter_of

from .conftest import ROOT

THR = 5
#: counts of things that are not people or concerns, and may be small
NOT_PEOPLE = {"headcount", "invited", "standards", "of_standards", "band_order", "level", "rating_rank", "rows_stored"}


@pytest.fixture(scope="session")
def public_db(publication, tmp_path_factory):
    """The sample council's publication written as a published store (publish's own writer)."""
    return publish.write_store(publication, tmp_path_factory.mktemp("public") / "public.duckdb")


def small_published_counts(frame: pd.DataFrame) -> list[tuple[str, object]]:
    """Every count column with a suppression flag beside it: published values from 1 to 5."""
    bad = []
    for col in frame.columns:
        if f"{col}_suppressed" in frame.columns and col not in ("median_hours_to_review", "p90_hours_to_review",
                                                                  "concerns_per_100_staff"):
            values = pd.to_numeric(frame[col], errors="coerce")
            flag = frame[f"{col}_suppressed"].astype("boolean").fillna(False).astype(bool)
            shown = values[~flag & values.notna()]
            bad += [(col, v) for v in shown if 1 <= v <= THR]
    return bad


def brief_counts(obj, path=""):
    """Every integer count in a briefing (count, of, total, and the funnel), with where it is."""
    keys = {"count", "of", "total", "sought", "engaged", "positive", "negative", "unknown", "overdue_unreviewed",
            "late", "clock_running"}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in keys and isinstance(v, int) and not isinstance(v, bool):
                yield f"{path}.{k}", v
            else:
                yield from brief_counts(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from brief_counts(v, f"{path}[{i}]")


def people_counts(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a published table whose counts are of people at risk (class 1), not council-wide figures."""
    if name == "timeliness":
        return frame[frame["dimension"] == "service"]
    return frame


# --- the published store ------------------------------------------------------------------------------

def test_published_store_holds_no_row_level_table_and_no_small_count(public_db):
    con = duckdb.connect(str(public_db), read_only=True)
    tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
    assert "pub_manifest" in tables and "concerns" not in tables and "training" not in tables
    assert "pub_overdue_concerns" not in tables and "pub_quarantine_rows" not in tables
    for t in tables:
        cols = [r[0] for r in con.execute(f'describe "{t}"').fetchall()]
        for forbidden in ("concern_id", "staff_id", "response_id", "load_id", "raised_at", "reviewed_at", "line",
                          "reason"):
            assert forbidden not in cols, f"{t} has {forbidden}"
        if t == "pub_loads_history":  # rows read - rows loaded would give a hidden quarantine count away
            assert not {"rows_read", "rows_loaded", "rows_replaced", "rows_quarantined"} & set(cols)
        frame = con.execute(f'select * from "{t}"').df()
        name = t.removeprefix("pub_")
        if name in catalog.BY_NAME and catalog.table(name).klass == catalog.PEOPLE:
            assert small_published_counts(people_counts(name, frame)) == [], t


def test_the_scrutiny_view_of_a_live_store_is_the_published_store(scrutiny_figures, public_db):
    """One publication: the live Scrutiny view and the published store are the same numbers by construction."""
    pub = PublishedFigures(duckdb.connect(str(public_db), read_only=True))
    for name in ("concerns_by_service", "concerns_by_service_category", "timeliness", "outcomes",
                 "training_by_service", "review_hours", "concerns_by_referral"):
        for label in ("2023-24 Q3", "2023-24", "2020-21"):
            a = scrutiny_figures.get(name, parse(label)).reset_index(drop=True)
            b = pub.get(name, parse(label)).reset_index(drop=True)
            pd.testing.assert_frame_equal(a.astype(str), b.astype(str), check_dtype=False)
    assert briefing.build(pub, parse("2023-24"))["concerns"]["total"] == 276
    for name in ("overdue_concerns", "quarantine_rows"):
        assert pub.get(name, parse("2023-24")) is None


def test_every_published_table_hides_small_counts_of_people(scrutiny_figures):
    for t in catalog.TABLES:
        if t.klass != catalog.PEOPLE:
            continue
        labels = ("2023-24", "2023-24 Q3", "2026-27 Q2", "2020-21") if t.time != "all" else (None,)
        for label in labels:
            frame = scrutiny_figures.get(t.name, parse(label) if label else None)
            assert small_published_counts(people_counts(t.name, frame)) == [], (t.name, label)


def test_the_attackers_check_passes_on_the_whole_publication(publication):
    """Everything published at once, as one linear programme per hidden cell: no hidden count from 1 to 5 can be
    narrowed below 0 to 5, and no hidden cell is pinned down."""
    assert publication.hidden > 0 and publication.cells > 10_000
    assert disclosure.check(publication.system, publication.hidden_keys, threshold=THR, min_group=10) == []


def test_the_tables_hide_exactly_what_was_protected(publication):
    """The flags written into the tables are the protection: no hidden cell is shown anywhere it appears."""
    shown_hidden, shown = set(), set()
    for t in catalog.TABLES:
        if t.name not in publication.tables or not t.counts:
            continue
        frame = publication.tables[t.name]
        for row, keys in zip(frame.to_dict("records"), pub_module._row_keys(t, frame)):
            for col, key in keys.items():
                (shown_hidden if row.get(f"{col}_suppressed") else shown).add(key)
    assert not (shown & publication.hidden_keys), "a hidden cell is shown in some table"
    assert shown_hidden <= publication.hidden_keys


# --- what Scrutiny can use -------------------------------------------------------------------------------

def test_council_wide_timeliness_and_training_are_shown_for_every_complete_quarter_and_snapshot(scrutiny_figures):
    quarters = scrutiny_figures.get("timeliness_by_quarter")
    as_of = scrutiny_figures.as_of().date()
    complete = quarters[[parse(q).end <= as_of for q in quarters["value"]]]
    assert len(complete) >= 28
    assert not complete["within_target_suppressed"].any() and not complete["in_denominator_suppressed"].any()
    snaps = scrutiny_figures.get("training_snapshots")
    assert len(snaps) == 30
    assert not snaps["in_date_suppressed"].any() and not snaps["required_suppressed"].any()


def test_rows_come_in_a_fixed_order_with_zeros(scrutiny_figures):
    """Neither a row's presence nor its place may say anything: the full grid, by name, in every period."""
    a = scrutiny_figures.get("concerns_by_service_category", parse("2023-24 Q3"))
    first = quarter_of(scrutiny_figures.coverage()["first"])   # the export's first quarter: mostly zeros
    b = scrutiny_figures.get("concerns_by_service_category", first)
    assert list(a[["service", "category"]].itertuples(index=False)) == list(
        b[["service", "category"]].itertuples(index=False))
    assert (b["concerns"] == 0).sum() > len(b) / 2
    assert list(a["service"]) == sorted(a["service"])
    # before the export begins there is nothing to say: not available, never a grid of made-up zeros
    assert scrutiny_figures.get("concerns_by_service_category", parse("2016-17 Q1")).empty


# --- the briefing ---------------------------------------------------------------------------------

def test_scrutiny_briefing_json_has_nulls_and_flags(sample_db, serve_sample_publication, monkeypatch, capsys):
    """The brief command's Scrutiny view of the sample store (its publication served from the session's)."""
    serve_sample_publication(monkeypatch)
    assert main(["brief", "--db", str(sample_db), "--period", "2023-24 Q3", "--view", "scrutiny"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert b["view"] == "scrutiny"
    assert [(p, v) for p, v in brief_counts(b) if 1 <= v <= THR] == []
    hidden = [s for s in b["concerns"]["by_service"] if s["count"] is None]
    assert hidden and all(s["suppressed"] is True for s in hidden)
    assert main(["brief", "--db", str(sample_db), "--period", "2023-24 Q3"]) == 0
    officer = json.loads(capsys.readouterr().out)
    assert officer["concerns"]["total"] == b["concerns"]["total"] == 77
    assert any(1 <= s["count"] <= THR for s in officer["concerns"]["by_service"])  # the officer view is not suppressed


def test_every_scrutiny_briefing_holds_no_small_count(scrutiny_figures):
    for label in scrutiny_figures.period_labels():
        b = briefing.build(scrutiny_figures, parse(label))
        small = [(p, v) for p, v in brief_counts(b) if 1 <= v <= THR and not p.startswith(".timeliness.")]
        assert small == [], label


#: concerns raised in 2023-24 Q3 by service: small (1 to 5), middling (6 to 10) and large
Q3_BY_SERVICE = {"Housing": 3, "Licensing": 7, "Planning": 9, "Leisure": 14, "Parks": 22, "Waste": 31}


def _small_counts_store(folder) -> "duckdb.DuckDBPyConnection":
    """A store of one quarter's concerns (Q3_BY_SERVICE), two categories and each service's headcount: small
    enough to protect in a second, with counts on both sides of each threshold."""
    from sg_data import store
    from sg_data.loader import load_folder

    src = folder / "exports"
    src.mkdir()
    (src / "services.csv").write_text("service,alias_of,year,headcount\n" + "".join(
        f"{service},,2023-24,40\n" for service in Q3_BY_SERVICE))
    (src / "categories.csv").write_text("category,statutory_category\nNeglect,Care Act 2014: neglect and acts of "
                                        "omission\nSelf-Neglect,Care Act 2014: self-neglect\n")
    rows, n = ["concern_id,raised_at,service,category,subject_group,reviewed_at"], 0
    for service, count in Q3_BY_SERVICE.items():
        for i in range(count):
            day = f"2023-{10 + i % 3}-{1 + i % 28:02}"
            rows.append(f"C{n:04},{day} 09:00,{service},{('Neglect', 'Self-Neglect')[i % 2]},adult,{day} 10:00")
            n += 1
    (src / "concerns.csv").write_text("\n".join(rows) + "\n")
    report = load_folder(src, folder / "t.duckdb")
    assert report.ok, report.text()
    return store.open_read_only(folder / "t.duckdb")


def q3_by_service(pub) -> pd.DataFrame:
    frame = pub.tables["concerns_by_service"]
    return frame[frame["time_key"] == "2023-24 Q3"]


def test_threshold_is_configurable(tmp_path):
    con = _small_counts_store(tmp_path)
    try:
        at_5, pub = pub_module.build(con), pub_module.build(con, threshold=10)
    finally:
        con.close()
    assert pub.manifest["threshold"] == 10
    frame = q3_by_service(pub)
    shown = frame.loc[~frame["concerns_suppressed"], "concerns"]
    assert not shown.between(1, 10).any()
    assert frame["concerns_suppressed"].sum() > 0
    assert frame.set_index("service").loc["Planning", "concerns_suppressed"]
    # at the default threshold the same store hides Housing's 3 and shows Planning's 9: the threshold hid the 9
    frame = q3_by_service(at_5).set_index("service")
    assert frame.loc["Housing", "concerns_suppressed"] and not frame.loc["Planning", "concerns_suppressed"]
    assert frame.loc["Planning", "concerns"] == 9


# --- publishing safely ---------------------------------------------------------------------------------

def test_publish_refuses_to_overwrite_the_officer_store(sample_db, tmp_path):
    copy = tmp_path / "sg.duckdb"
    copy.write_bytes(sample_db.read_bytes())
    before = copy.read_bytes()
    run = subprocess.run([sys.executable, "-m", "sg_data", "publish", "--db", str(copy), "--out", str(copy)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and "officer store itself" in run.stderr
    assert copy.read_bytes() == before


def test_publish_never_deletes_a_folder_it_did_not_write(sample_db, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    run = subprocess.run([sys.executable, "-m", "sg_data", "publish", "--db", str(sample_db), "--out", str(out),
                          "--format", "csv"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and "did not write" in run.stderr
    assert (out / "precious.txt").read_text() == "keep me"


def test_publish_asks_for_replace_before_overwriting_its_own_publication(public_db, sample_db, tmp_path):
    out = tmp_path / "public.duckdb"
    out.write_bytes(public_db.read_bytes())
    run = subprocess.run([sys.executable, "-m", "sg_data", "publish", "--db", str(sample_db), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and "--replace" in run.stderr


def _free_text_store(folder) -> "duckdb.DuckDBPyConnection":
    """A store whose concern export and HR export use names the reference tables do not: a service, a category
    and a referral destination typed into the concern system, and a service typed into the HR system."""
    from sg_data import store
    from sg_data.loader import load_folder

    src = folder / "exports"
    src.mkdir()
    (src / "services.csv").write_text("service,alias_of,year,headcount\nHousing,,2023-24,40\n")
    (src / "categories.csv").write_text("category,statutory_category\nNeglect,Care Act 2014: neglect and acts of "
                                        "omission\n")
    (src / "destinations.csv").write_text("referred_to\nPolice\n")
    rows = ["concern_id,raised_at,service,category,subject_group,reviewed_at,referred_to"]
    for n in range(24):
        service = "Housing" if n % 2 else "Riverside flats (ask Kim)"
        category = "Neglect" if n % 3 else "Neglect - see Kim's notes"
        referred = ("Police", "Riverside surgery", "")[n % 3]
        rows.append(f"C{n:03},2023-05-{n + 1:02} 09:00,{service},{category},adult,2023-05-{n + 1:02} 10:00,{referred}")
    (src / "concerns.csv").write_text("\n".join(rows) + "\n")
    staff = ["snapshot_date,staff_id,service,course,required,completed_on"]
    staff += [f"2024-03-31,E{n:03},{'Housing' if n % 2 else 'Kim and team'},Prevent,true,2023-06-01"
              for n in range(24)]
    (src / "training.csv").write_text("\n".join(staff) + "\n")
    report = load_folder(src, folder / "t.duckdb")
    assert report.ok, report.text()
    return store.open_read_only(folder / "t.duckdb")


def test_the_publication_names_only_what_the_reference_tables_name(tmp_path):
    con = _free_text_store(tmp_path)
    try:
        officer = StoreFigures(con)
        fy = parse("2023-24")
        assert set(officer.get("concerns_by_service", fy)["service"]) == {"Housing", "Riverside flats (ask Kim)"}
        pub = pub_module.build(con)
    finally:
        con.close()
    published = PublishedFigures(pub_module.in_memory(pub))
    by_service = published.get("concerns_by_service", fy)
    assert list(by_service["service"]) == ["Housing", "Service not in the services table"]
    assert list(by_service["concerns"]) == [12, 12]
    by_category = published.get("concerns_by_category", fy)
    assert dict(zip(by_category["category"], by_category["concerns"])) == {
        "Category not in the categories table": 8, "Neglect": 16}
    by_referral = published.get("concerns_by_referral", fy)
    assert dict(zip(by_referral["referred_to"], by_referral["concerns"])) == {
        "Another agency": 8, "Not referred externally": 8, "Police": 8}
    training = published.get("training_by_service", parse("2023-24 Q4"))
    assert set(training["service"]) == {"Housing", "Service not in the services table"}
    for name, frame in pub.tables.items():
        text = frame.select_dtypes(include=["object", "string"]).astype(str)
        assert not text.apply(lambda col: col.str.contains("Kim|Riverside", regex=True)).any().any(), name


def test_a_store_of_concerns_only_publishes_every_table_training_empty_with_its_columns(tmp_path):
    """No training snapshot yet: its tables have no key to be published for. They are published empty, with their
    columns, so the publication can be stored and the Scrutiny view's Training page says there is nothing yet."""
    from sg_data import store

    from .conftest import concerns_only_store

    con = store.open_read_only(concerns_only_store(tmp_path))
    try:
        assert StoreFigures(con).get("training_snapshots").empty
        pub = pub_module.build(con)
    finally:
        con.close()
    assert all(len(frame.columns) for frame in pub.tables.values())
    empty = pub.tables["training_by_service"]
    assert empty.empty and {"service", "required", "in_date", "time_key"} <= set(empty.columns)
    scrutiny = PublishedFigures(pub_module.in_memory(pub))
    by_service = scrutiny.get("training_by_service", parse("2023-24"))
    assert by_service.empty and "in_date" in by_service.columns
    assert scrutiny.get("concerns_summary", parse("2023-24 Q3")) is not None
    out = publish.write_store(pub, tmp_path / "public.duckdb")  # and it can be stored
    with duckdb.connect(str(out), read_only=True) as c:
        assert pub_module.is_publication(c)
