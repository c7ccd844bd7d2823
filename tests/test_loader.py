"""The loader on golden files: each real-world export shape and its exact outcome."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest

from sg_data import contract
from sg_data.loader import load_file, load_folder
from sg_data.reading import FileRejected, kind_of, read_export

from .conftest import GOLDEN, ROOT


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def quarantine(con):
    return rows(con, "select line, column_name, rule from quarantine order by line, column_name, rule")


def test_windows_1252_is_decoded(con, load):
    report = load("concerns_cp1252.csv")
    assert report.status == "loaded" and report.rows_loaded == 2
    assert rows(con, "select team from concerns order by concern_id") == [("Café outreach",), ("Tenancy – North",)]
    assert rows(con, "select encoding from loads") == [("Windows-1252",)]


def test_bom_does_not_reach_the_first_header(con, load):
    report = load("concerns_bom.csv")
    assert report.rows_loaded == 1 and not report.dropped_unknown
    assert rows(con, "select concern_id, raised_at from concerns") == [("B1", dt.datetime(2023, 10, 4, 9, 15))]


def test_semicolons_loose_headers_and_uk_times(con, load):
    report = load("concerns_semicolon.csv")
    assert report.rows_loaded == 2
    assert rows(con, "select concern_id, raised_at, category, reviewed_at from concerns order by 1") == [
        ("S1", dt.datetime(2023, 10, 4, 9, 15), "Domestic Abuse, coercive control", dt.datetime(2023, 10, 4, 11, 15)),
        ("S2", dt.datetime(2023, 10, 5), "Exploitation", None),
    ]


def test_a_delimiter_inside_a_quoted_heading_does_not_decide_the_files_delimiter(con, tmp_path):
    # more semicolons than commas on the header line, every one of them inside one quoted heading
    path = tmp_path / "concerns.csv"
    path.write_text('Concern ID,"Notes; actions; follow-up; outcome; owner; next step",Raised At,Service,Category\n'
                    'Q1,"seen; referred",04/10/2023 09:15,Housing Services,Exploitation\n')
    report = load_file(con, path)
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 1, 0)
    assert report.dropped_unknown == ["Notes; actions; follow-up; outcome; owner; next step"]
    assert rows(con, "select concern_id, raised_at, category from concerns") == [
        ("Q1", dt.datetime(2023, 10, 4, 9, 15), "Exploitation")]


def test_duplicate_headers_reject_the_file_whole(con, load):
    report = load("concerns_dupheaders.csv")
    assert report.status == "rejected"
    assert "duplicate columns: 'Raised At' and 'raised_at' both mean raised_at" in report.message
    assert rows(con, "select count(*) from concerns") == [(0,)]
    assert rows(con, "select count(*) from loads") == [(0,)]


def test_blank_trailing_rows_and_columns_are_ignored(con, load):
    report = load("concerns_trailing.csv")
    assert (report.rows_loaded, report.rows_quarantined, report.dropped_unknown) == (2, 0, [])


def test_uk_dates_are_day_first_and_impossible_dates_quarantined(con, load):
    report = load("concerns_ukdates.csv")
    assert rows(con, "select concern_id, raised_at from concerns order by 1") == [
        ("U1", dt.datetime(2024, 2, 1)),  # 01/02/2024 is 1 February, never 2 January
        ("U4", dt.datetime(2024, 3, 2, 9, 0)),  # reviewed at the same minute: allowed
    ]
    assert quarantine(con) == [(3, "raised_at", "unreadable-date"), (4, "reviewed_at", "review-before-raised")]
    assert report.rows_quarantined == 2
    reasons = rows(con, "select file_name, reason from quarantine order by line")
    assert reasons[0][0] == "concerns_ukdates.csv"
    assert "day first" in reasons[0][1] and "31/02" not in reasons[0][1]  # no raw value echoed


def test_identity_columns_are_dropped_and_named(con, load):
    report = load("concerns_identity.csv")
    assert report.dropped_identity == ["Subject Name", "Date of Birth", "Postcode", "NHS Number", "Email", "Phone"]
    assert report.dropped_unknown == ["Recorded By System"]
    stored = {r[0] for r in rows(con, "select column_name from information_schema.columns")}
    for word in ("name", "birth", "postcode", "nhs", "email", "phone"):
        assert not any(word in c and c not in ("file_name", "column_name", "table_name") for c in stored), word
    everything = " ".join(str(v) for t in ("concerns", "loads", "quarantine")
                          for r in rows(con, f"select * from {t}") for v in r)
    for secret in ("Jane Example", "OX1 1AA", "9434765919", "j@example.org", "1950"):
        assert secret not in everything
    assert "Subject Name" in rows(con, "select dropped_columns from loads")[0][0]


def test_missing_required_column_rejects_with_its_name(con, load):
    report = load("concerns_missing_column.csv")
    assert report.status == "rejected"
    assert report.message.startswith("is missing required column(s) service for a concerns export")


def test_undecodable_file_is_rejected(con, load):
    report = load("concerns_undecodable.csv")
    assert report.status == "rejected" and "cannot be decoded" in report.message
    assert rows(con, "select count(*) from concerns") == [(0,)]


def test_duplicate_ids_identical_kept_once_conflicting_quarantined(con, load):
    report = load("concerns_duplicates.csv")
    assert rows(con, "select concern_id from concerns") == [("P1",)]
    assert quarantine(con) == [(4, "concern_id", "duplicate-id"), (5, "concern_id", "duplicate-id")]
    assert report.rows_quarantined == 2


def test_unknown_rating_is_quarantined_and_case_is_forgiven(con, load):
    load("self_assessment_badrating.csv")
    assert rows(con, "select standard_id, self_rating, peer_rating from self_assessment") == [("1", "Green", "Green")]
    assert quarantine(con) == [(3, "self_rating", "unknown-value"), (4, "peer_rating", "unknown-value")]


def test_outcome_funnel_rules(con, load):
    load("outcomes_funnel.csv")
    assert rows(con, "select programme from outcomes order by 1") == [
        ("Make Every Adult Matter",), ("Mental health tenancy support",)]
    assert quarantine(con) == [
        (3, "engaged", "engaged-over-sought"),
        (4, "negative", "outcomes-over-engaged"),  # 14 positive of 12 engaged breaks both
        (4, "positive", "positive-over-engaged"),
        (5, "negative", "outcomes-over-engaged"),
        (6, "engaged", "engaged-over-sought"),
        (6, "sought", "negative-count"),
    ]


def test_booleans_ids_and_bad_training_rows(con, load, pseudo):
    report = load("training_booleans.csv")
    assert sorted(rows(con, "select staff_id, required from training")) == sorted([
        (pseudo("007"), True), (pseudo("008"), True), (pseudo("009"), True), (pseudo("010"), False)])
    assert quarantine(con) == [(6, "completed_on", "unreadable-date"), (6, "level", "out-of-range"),
                               (6, "required", "not-yes-or-no")]
    assert report.rows_quarantined == 1


def test_excel_with_a_title_row_above_the_header(con, load, pseudo):
    report = load("training_title.xlsx")
    assert report.status == "loaded", report.message
    assert report.dropped_identity == ["Employee Name"]
    assert sorted(rows(con, "select snapshot_date, staff_id, required, completed_on from training"), key=str) == sorted([
        (dt.date(2023, 12, 31), pseudo("00731"), True, dt.date(2023, 5, 17)),
        (dt.date(2023, 12, 31), pseudo("00732"), False, None),
    ], key=str)


def test_wide_survey_export_is_read_as_long_form(con, load):
    report = load("survey_responses_wide.csv")
    assert report.dropped_identity == ["Respondent Email"]
    assert rows(con, "select response_id, question_id, answer from survey_responses order by 1, 2") == [
        ("R1", "confident_raising", "Very confident"), ("R1", "know_how_to_report", "Yes"),
        ("R2", "confident_raising", None), ("R2", "know_how_to_report", "Yes"),
        ("R3", "confident_raising", "Not confident"), ("R3", "know_how_to_report", "No"),
    ]


def test_loading_twice_changes_nothing(tmp_path):
    db = tmp_path / "s.duckdb"
    src = tmp_path / "src"
    src.mkdir()
    for name in ("concerns_ukdates.csv", "outcomes_funnel.csv"):
        shutil.copy(GOLDEN / name, src / name)
    first = load_folder(src, db)
    from sg_data import store

    def snapshot():
        c = store.connect(db)
        try:
            return {t: c.execute(f"select * from {t} order by all").fetchall()
                    for t in ("concerns", "outcomes", "quarantine", "loads")}
        finally:
            c.close()

    before = snapshot()
    second = load_folder(src, db)
    assert [f.status for f in first.files] == ["loaded", "loaded"]
    assert [f.status for f in second.files] == ["unchanged", "unchanged"]
    assert snapshot() == before


def test_newer_export_replaces_the_rows_it_covers_and_keeps_the_rest(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "concerns_2023.csv").write_text(
        "concern_id,raised_at,service,category,reviewed_at\n"
        "A1,2023-10-04,Housing Services,Hoarding,\n"
        "A2,2023-10-05,Housing Services,Hoarding,\n")
    (src / "concerns_2024.csv").write_text(
        "concern_id,raised_at,service,category,reviewed_at\n"
        "A2,2023-10-05,Housing Services,Hoarding,2023-10-05 12:00\n"
        "A3,2023-10-06,Community Safety,Exploitation,\n")
    report = load_folder(src, tmp_path / "s.duckdb")
    assert [(f.file, f.rows_loaded, f.rows_replaced) for f in report.files] == [
        ("concerns_2023.csv", 2, 0), ("concerns_2024.csv", 2, 1)]
    from sg_data import store

    c = store.connect(tmp_path / "s.duckdb")
    assert c.execute("select concern_id, reviewed_at is not null, load_id from concerns order by 1").fetchall() == [
        ("A1", False, 1), ("A2", True, 2), ("A3", False, 2)]


def test_training_snapshot_is_replaced_whole(tmp_path, pseudo):
    src = tmp_path / "src"
    src.mkdir()
    (src / "training_a.csv").write_text(
        "snapshot_date,staff_id,service,course,required\n"
        "2023-12-31,1,Housing Services,Safeguarding awareness,Y\n"
        "2023-12-31,2,Housing Services,Safeguarding awareness,Y\n"
        "2023-09-30,1,Housing Services,Safeguarding awareness,Y\n")
    (src / "training_b.csv").write_text(
        "snapshot_date,staff_id,service,course,required\n"
        "31/12/2023,1,Housing Services,Safeguarding awareness,N\n")
    load_folder(src, tmp_path / "s.duckdb")
    from sg_data import store

    c = store.connect(tmp_path / "s.duckdb")
    assert c.execute("select snapshot_date, staff_id, required from training order by 1, 2").fetchall() == [
        (dt.date(2023, 9, 30), pseudo("1", tmp_path / "s.duckdb"), True),
        (dt.date(2023, 12, 31), pseudo("1", tmp_path / "s.duckdb"), False)]


def test_failure_mid_file_stores_nothing_of_it(con):
    load_file(con, GOLDEN / "concerns_bom.csv")
    before = con.execute("select count(*) from loads").fetchone()

    class Boom(Exception):
        pass

    class FailsOnBookkeeping:
        """The connection, except that recording the load fails: the last step of a file."""

        def __getattr__(self, name):
            return getattr(con, name)

        def execute(self, sql, *args, **kwargs):
            if sql.startswith("insert into loads"):
                raise Boom("disk full")
            return con.execute(sql, *args, **kwargs)

    with pytest.raises(Boom):
        load_file(FailsOnBookkeeping(), GOLDEN / "concerns_ukdates.csv")
    assert con.execute("select count(*) from loads").fetchone() == before
    assert con.execute("select concern_id from concerns").fetchall() == [("B1",)]
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)


def test_file_names_find_their_kind():
    from pathlib import Path

    assert kind_of(Path("concerns_2023-24.csv")).name == "concerns"
    assert kind_of(Path("training-2024-06-30.xlsx")).name == "training"
    assert kind_of(Path("survey_responses_2019-wide.csv")).name == "survey_responses"
    assert kind_of(Path("survey_waves.csv")).name == "survey_waves"
    assert kind_of(Path("concernsx.csv")) is None
    assert kind_of(Path("concerns.txt")) is None


def test_headers_normalise_as_the_contract_says():
    assert {contract.normalise_header(h) for h in ("Raised At", "raised_at", " RAISED_AT ")} == {"raised_at"}
    assert contract.is_identity("subject_name") and contract.is_identity("dob")
    assert not contract.is_identity("course") and not contract.is_identity("team")


def test_pydantic_row_models_agree_with_the_store(con, load):
    """The contract's row models accept every row the set-wise validator stored."""
    for name in ("concerns_ukdates.csv", "training_booleans.csv", "outcomes_funnel.csv", "self_assessment_badrating.csv"):
        load(name)
    for kind in ("concerns", "training", "outcomes", "self_assessment"):
        model = contract.ROW_MODELS[kind]
        cur = con.execute(f"select {', '.join(contract.KINDS[kind].field_names)} from {kind}")
        names = [d[0] for d in cur.description]
        for r in cur.fetchall():
            model(**dict(zip(names, r)))


def test_row_model_hides_values_in_errors():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as err:
        contract.ROW_MODELS["concerns"](concern_id="X", raised_at="not a date Jane Example", service="S", category="C")
    assert "Jane Example" not in str(err.value)


def test_cli_exit_codes_and_no_traceback(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(GOLDEN / "concerns_bom.csv", src)
    run = lambda *a: subprocess.run([sys.executable, "-m", "sg_data", *a], capture_output=True, text=True, cwd=ROOT)
    ok = run("load", str(src), "--db", str(tmp_path / "s.duckdb"))
    assert ok.returncode == 0 and "loaded   concerns_bom.csv (concerns): 1 rows loaded" in ok.stdout
    shutil.copy(GOLDEN / "concerns_dupheaders.csv", src)
    bad = run("load", str(src), "--db", str(tmp_path / "s.duckdb"))
    assert bad.returncode == 1 and "REJECTED concerns_dupheaders.csv" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
    usage = run("load", str(tmp_path / "nowhere"))
    assert usage.returncode == 2 and "is not a folder" in usage.stderr
    period = run("brief", "--db", str(tmp_path / "s.duckdb"), "--period", "2023/25")
    assert period.returncode == 2 and "not a financial year" in period.stderr


def test_read_export_rejects_an_unknown_name(con, tmp_path):
    p = tmp_path / "people.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(FileRejected):
        read_export(con, p)
