"""The sample council tells the same story as the published reports.

One test per row of docs/published-figures.md that the data contract
can hold, each asserting the exact published value through the product's own
code paths (the metrics functions, the briefing, the named queries), against
the store that `sample_db` builds from sample_data once per session. Where no
named query gives a figure yet, the test reads a staging view with read-only
SQL and says so.

Not here, because the contract cannot hold it: "safeguarding trainers: 3"
(report E). sample_data/README.md says the same.

The last part checks what sample_data/README.md promises about the store as a
whole: the deliberate faults are quarantined file by file and line by line,
nothing that identifies a person is stored, and every table holds exactly the
rows the README implies.
"""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from sg_data import briefing, views
from sg_data.figures import DEFAULT_TARGET_HOURS, StoreFigures
from sg_data.contract import KINDS, is_identity, normalise_header
from sg_data.periods import parse
from sg_data.stats import Share

from .conftest import SAMPLE


def sql(con, text: str, params: dict | None = None) -> pd.DataFrame:
    """Read-only SQL on its own cursor, for figures no named query gives yet."""
    cur = con.cursor()
    try:
        return cur.execute(text, params or None).df()
    finally:
        cur.close()


def completions(con, year: int, course: str) -> int:
    frame = StoreFigures(con).get("training_completions")
    row = frame[(frame["completion_year"] == year) & (frame["course"] == course)]
    assert len(row) == 1, f"no single {course} row for {year}"
    return int(row["people"].iloc[0])


def completion_dates(con, year: int, course: str, snapshot: str) -> list:
    """The distinct days a course was completed in a year, as one snapshot shows them (no named query yet)."""
    frame = sql(con, """
        select distinct completed_on from stg_training
        where snapshot_date = $snapshot and course = $course and year(completed_on) = $year
        order by completed_on""", {"snapshot": snapshot, "course": course, "year": year})
    return [pd.Timestamp(d).date() for d in frame["completed_on"]]


def survey(con, period_label: str, wave: str) -> dict:
    summary = views.survey.section(StoreFigures(con), parse(period_label))
    assert summary is not None and summary["survey_id"] == wave, summary
    return summary


def ratings(con, period_label: str, year: str) -> list[dict]:
    summary = views.self_assessment.section(StoreFigures(con), parse(period_label))
    assert summary is not None and summary["year"] == year, summary
    return summary["ratings"]


def ratings_frame(con, year: str) -> pd.DataFrame:
    frame = StoreFigures(con).get("self_assessment_ratings")
    return frame[frame["year"] == year]


def area_ratings(rows: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["area"], set()).add(r["rating"])
    return out


# --- Concerns (report E, 2023-24) ------------------------------------------------------------------

def test_2023_24_concerns_recorded_is_276(sample_con):
    fy = parse("2023-24")
    assert views.concerns.section(StoreFigures(sample_con), fy)["total"] == 276
    assert briefing.build(StoreFigures(sample_con), fy)["concerns"]["total"] == 276


def test_2023_24_services_raising_most_are_business_improvement_then_housing_then_community_safety(sample_con):
    by_service = briefing.build(StoreFigures(sample_con), parse("2023-24"))["concerns"]["by_service"]
    top = [r["service"] for r in by_service[:3]]
    assert top == ["Business Improvement", "Housing Services", "Community Safety"]
    counts = [r["count"] for r in by_service]
    assert counts[2] > counts[3], "Community Safety must be third outright, not tied"
    frame = StoreFigures(sample_con).get("concerns_by_service", parse("2023-24"))
    assert frame[["service", "concerns"]].head(3).values.tolist() == [
        ["Business Improvement", 62], ["Housing Services", 55], ["Community Safety", 40]]
    # "incl. Contact Centre": the team's concerns count under Business Improvement (no named query by team)
    teams = sql(sample_con, """
        select distinct service from stg_concerns
        where team = 'Contact Centre' and financial_year = '2023-24'""")
    assert teams["service"].tolist() == ["Business Improvement"]


def test_2023_24_most_frequent_categories_are_the_published_five_in_order(sample_con):
    by_category = briefing.build(StoreFigures(sample_con), parse("2023-24"))["concerns"]["by_category"]
    assert [r["category"] for r in by_category[:5]] == [
        "Child Safeguarding", "Self-Neglect", "Suicidal threat", "Mental Ill Health", "Domestic Abuse"]
    counts = [r["count"] for r in by_category]
    assert counts[:6] == sorted(counts[:6], reverse=True) and len(set(counts[:6])) == 6, "no ties in the top five"


def test_policy_every_report_reviewed_within_24_hours_is_the_default_target(sample_con):
    assert DEFAULT_TARGET_HOURS == 24
    timeliness = briefing.build(StoreFigures(sample_con), parse("2023-24"))["timeliness"]
    assert timeliness["target_hours"] == 24


# --- Staff survey ----------------------------------------------------------------------------------

def test_2014_15_survey_respondents_is_29(sample_con):
    wave = survey(sample_con, "2014-15", "2014-15")
    assert wave["respondents"] == 29
    # front-line staff in Housing, Community Safety and Leisure (no named query gives respondents by service)
    services = sql(sample_con, "select distinct service from stg_survey_answers where survey_id = '2014-15'")
    assert set(services["service"]) == {"Housing Services", "Community Safety", "Leisure"}


def test_2015_16_survey_responses_over_150_is_162(sample_con):
    wave = survey(sample_con, "2015-16", "2015-16")
    assert wave["respondents"] == 162
    assert wave["respondents"] > 150


@pytest.mark.parametrize("question_id, published_pct", [
    ("know_how_to_report", 100),
    ("aware_of_procedures", 97),
    ("confident_raising", 85),
    ("know_a_dso", 70),
    ("trained_past_3_years", 93),
    ("trained_past_12_months", 50),
])
def test_2015_16_survey_share_is_as_published(sample_con, question_id, published_pct):
    wave = survey(sample_con, "2015-16", "2015-16")
    positive = {q["question_id"]: q["positive"] for q in wave["questions"]}[question_id]
    assert Share(positive["count"], positive["of"]).pct_rounded == published_pct


def test_2023_survey_responses_is_384(sample_con):
    assert survey(sample_con, "2023-24", "2023")["respondents"] == 384
    assert briefing.build(StoreFigures(sample_con), parse("2023-24"))["survey"]["respondents"] == 384


# --- Training --------------------------------------------------------------------------------------

def test_2023_internal_safeguarding_briefings_28_briefings_425_staff(sample_con):
    assert completions(sample_con, 2023, "Safeguarding awareness") == 425
    assert len(completion_dates(sample_con, 2023, "Safeguarding awareness", "2023-12-31")) == 28


def test_2023_councillor_briefings_2_briefings_in_may_and_july_15_councillors(sample_con):
    assert completions(sample_con, 2023, "Councillor safeguarding briefing") == 15
    days = completion_dates(sample_con, 2023, "Councillor safeguarding briefing", "2023-12-31")
    assert [d.month for d in days] == [5, 7]


def test_2023_domestic_abuse_courses_85_staff(sample_con):
    assert completions(sample_con, 2023, "Domestic abuse awareness") == 85


def test_2020_locality_hub_staff_trained_in_first_4_weeks_of_lockdown_is_100_pct(sample_con):
    # no named query reads by role: the staging view, read-only. Lockdown began 2020-03-23.
    row = sql(sample_con, """
        select
            count(distinct staff_id) as hub_staff,
            count(distinct staff_id) filter (
                where course = 'Safeguarding awareness' and is_required and is_in_date
                  and completed_on between date '2020-03-23' and date '2020-03-23' + interval 4 week
            ) as trained_in_first_4_weeks
        from stg_training
        where snapshot_date = date '2020-06-30' and service = 'Communities' and role = 'Locality hub officer'
    """).iloc[0]
    share = Share(int(row["trained_in_first_4_weeks"]), int(row["hub_staff"]))
    assert share.of == 14
    assert share.pct_rounded == 100 and share.count == share.of


# --- Self-assessment ratings -----------------------------------------------------------------------

def test_2012_self_assessed_meeting_all_12_standards_confirmed_by_peer_review(sample_con):
    rows = ratings(sample_con, "2012-13", "2012")
    assert len(rows) == 12
    assert {(r["rating"], r["source"]) for r in rows} == {("Green", "peer")}


def test_2013_section_11_submission_overall_green(sample_con):
    rows = ratings(sample_con, "2013-14", "2013")
    assert len(rows) == 12
    assert {(r["rating"], r["source"]) for r in rows} == {("Green", "self")}


def test_2014_15_self_assessed_green_peer_review_all_12_met_best_practice_in_5(sample_con):
    rows = ratings(sample_con, "2014-15", "2014-15")
    assert len(rows) == 12
    assert {r["source"] for r in rows} == {"peer"}
    shown = pd.Series([r["rating"] for r in rows]).value_counts().to_dict()
    assert shown == {"Green": 7, "Blue": 5}
    assert sorted(r["standard_id"] for r in rows if r["rating"] == "Blue") == ["1", "3", "5", "7", "8"]
    assert ratings_frame(sample_con, "2014-15")["self_rating"].tolist() == ["Green"] * 12


def test_2015_16_peer_review_blue_in_5_of_7_areas_green_in_2_no_amber_or_red(sample_con):
    rows = ratings(sample_con, "2015-16", "2015-16")
    assert {r["source"] for r in rows} == {"peer"}
    by_area = area_ratings(rows)
    assert len(by_area) == 7
    assert all(len(v) == 1 for v in by_area.values()), f"an area has mixed ratings: {by_area}"
    area_rating = {area: next(iter(v)) for area, v in by_area.items()}
    assert sorted(area_rating.values()) == ["Blue"] * 5 + ["Green"] * 2
    assert not {"Amber", "Red"} & {r["rating"] for r in rows}


@pytest.mark.parametrize("year", [2017, 2018, 2019, 2020])
def test_2017_to_2020_best_practice_in_all_5_subject_areas(sample_con, year):
    rows = ratings(sample_con, f"{year}-{(year + 1) % 100:02d}", str(year))
    by_area = area_ratings(rows)
    assert len(by_area) == 5
    assert all(v == {"Blue"} for v in by_area.values()), by_area
    assert {r["source"] for r in rows} == {"peer"}


def test_2023_green_on_all_standards_in_three_areas_upheld_at_peer_review(sample_con):
    rows = ratings(sample_con, "2023-24", "2023")
    assert set(area_ratings(rows)) == {
        "Leadership, Strategy and Working Together", "Commissioning Arrangements",
        "People's Experiences of Safeguarding"}
    assert len(rows) == 11
    assert {(r["rating"], r["source"]) for r in rows} == {("Green", "peer")}
    evidence = ratings_frame(sample_con, "2023")["evidence"]
    assert evidence.str.contains("peer review, February 2024").all()


# --- Outcomes --------------------------------------------------------------------------------------

def test_2020_21_mental_health_support_27_engaged_13_avoided_admission_5_avoided_readmission(sample_con):
    rows = [r for r in views.outcomes.section(StoreFigures(sample_con), parse("2020-21"))
            if r["programme"] == "Mental health tenancy support"]
    by_measure = {r["measure"]: r for r in rows}
    assert set(by_measure) == {"Avoided Mental Health Act assessment or admission", "Avoided readmission"}
    admission = by_measure["Avoided Mental Health Act assessment or admission"]
    readmission = by_measure["Avoided readmission"]
    assert (admission["engaged"], admission["positive"]) == (27, 13)
    assert (readmission["engaged"], readmission["positive"]) == (27, 5)
    # the denominators Scrutiny asked for, which the report did not publish
    assert (admission["sought"], admission["negative"], admission["unknown"]) == (41, 6, 8)
    assert (readmission["sought"], readmission["negative"]) == (41, 4)
    assert Share(admission["positive"], admission["engaged"]).format() == "13 of 27, 48%"


def test_2023_make_every_adult_matter_cohort_is_12(sample_con):
    rows = [r for r in views.outcomes.section(StoreFigures(sample_con), parse("2023-24"))
            if r["programme"] == "Make Every Adult Matter"]
    assert len(rows) == 2
    assert {r["engaged"] for r in rows} == {12}


# --- What sample_data/README.md promises about the store -------------------------------------------

#: README section 3: (file, line, column, rule) for every quarantined row and every rule it broke.
FAULTS = {
    ("concerns_2019-23.csv", 451, "reviewed_at", "review-before-raised"),      # C1
    ("concerns_2019-23.csv", 573, "concern_id", "duplicate-id"),               # C2, both copies
    ("concerns_2019-23.csv", 574, "concern_id", "duplicate-id"),
    ("concerns_2023-24.csv", 130, "reviewed_at", "review-before-raised"),      # C3
    ("concerns_2023-24.csv", 253, "raised_at", "unreadable-date"),             # C4, 31 February
    ("concerns_2024-27.csv", 230, "service", "missing-value"),                 # C5
    ("training_2019-2022.csv", 15616, "staff_id", "missing-value"),            # T1
    ("training_2023-2026.csv", 5783, "completed_on", "unreadable-date"),       # T2, 2023-13-45
    ("self_assessment.csv", 111, "self_rating", "unknown-value"),              # S1, Purple
    ("outcomes.csv", 48, "positive", "positive-over-engaged"),                 # O1: positive > engaged,
    ("outcomes.csv", 48, "negative", "outcomes-over-engaged"),                 # and so positive + negative > engaged
}


def test_deliberate_faults_are_quarantined_exactly_as_readme_says(sample_con):
    rows = StoreFigures(sample_con).get("quarantine_rows")
    found = {(r.file_name, int(r.line), r.column_name, r.rule) for r in rows.itertuples()}
    assert found == FAULTS
    lines_by_kind = rows.groupby("kind").apply(lambda g: len(set(zip(g.file_name, g.line)))).to_dict()
    assert lines_by_kind == {"concerns": 6, "training": 2, "self_assessment": 1, "outcomes": 1}


def test_quarantined_rows_are_counted_nowhere(sample_con, sample_db):
    from sg_data.pseudonym import load_key, pseudonymise

    kept = sql(sample_con, """
        select concern_id from stg_concerns
        where concern_id in ('MC-000450', 'MC-000572', 'MC-000903', 'MC-001026', 'MC-001281')""")
    assert kept.empty
    assert sql(sample_con, "select * from stg_training where staff_id is null").empty
    e10001 = pseudonymise("E10001", load_key(sample_db))
    assert not sql(sample_con, "select * from stg_training where staff_id = $id", {"id": e10001}).empty
    assert sql(sample_con, "select * from stg_training where staff_id = $id and course = 'Prevent'", {"id": e10001}).empty
    assert sql(sample_con, "select * from stg_training where staff_id = 'E10001'").empty  # never stored as it is
    ratings_2022 = ratings_frame(sample_con, "2022")
    assert len(ratings_2022) == 11 and "PE5" not in set(ratings_2022["standard_id"])
    assert "Domestic abuse sanctuary scheme" not in set(StoreFigures(sample_con).get("outcomes", parse("2022-23"))["programme"])


#: bookkeeping columns that name files and columns, not people
BOOKKEEPING_COLUMNS = {("loads", "file_name"), ("quarantine", "file_name"), ("quarantine", "column_name")}


def test_identity_columns_in_the_sample_were_dropped(sample_con):
    columns = sql(sample_con, "select table_name, column_name from information_schema.columns")
    identity = [(t, c) for t, c in columns.itertuples(index=False)
                if (is_identity(normalise_header(c)) or re.search("name|postcode", c))
                and (t, c) not in BOOKKEEPING_COLUMNS]
    assert identity == []
    loads = StoreFigures(sample_con).get("loads_history").set_index("file_name")
    dropped = [c.strip() for c in loads.loc["concerns_2024-27.csv", "dropped_columns"].split(",")]
    assert {"Subject Name", "Postcode"} <= set(dropped)
    # and no value from them reached a stored column either
    stored = sql(sample_con, """
        select * from concerns
        where list_bool_or(list_transform(
            [concern_id, service, team, category, subject_group, referred_to, outcome],
            lambda x: coalesce(regexp_matches(x, '^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$') or x = 'REDACTED', false)))""")
    assert stored.empty


#: README section 1 and "Totals after quarantine": rows read, loaded, quarantined per file
FILES = {
    "services.csv": (90, 90, 0),
    "categories.csv": (17, 17, 0),
    "destinations.csv": (6, 6, 0),
    "concerns_2019-23.csv": (775, 772, 3),
    "concerns_2023-24.csv": (278, 276, 2),
    "concerns_2024-27.csv": (768, 767, 1),
    "training-2026-09-30.xlsx": (1599, 1599, 0),
    "training_2019-2022.csv": (21213, 21212, 1),
    "training_2023-2026.csv": (21436, 21435, 1),
    "survey_waves.csv": (12, 12, 0),
    "survey_questions.csv": (80, 80, 0),
    "survey_responses_2014-2025.csv": (19743, 19743, 0),
    # wide form: 243 respondents, one stored answer per question of the 2019 wave (7)
    "survey_responses_2019-wide.csv": (243, 243 * 7, 0),
    "self_assessment.csv": (143, 142, 1),
    "outcomes.csv": (50, 49, 1),
}

TABLE_ROWS = {
    "concerns": 1815, "training": 44246, "self_assessment": 142, "outcomes": 49, "services": 90,
    "categories": 17, "destinations": 6, "survey_waves": 12, "survey_questions": 80,
    "survey_responses": 19743 + 243 * 7,
}


def test_store_holds_exactly_the_rows_readme_implies(sample_con):
    loads = StoreFigures(sample_con).get("loads_history")
    got = {r.file_name: (int(r.rows_read), int(r.rows_loaded), int(r.rows_quarantined)) for r in loads.itertuples()}
    assert got == FILES
    assert (loads["rows_replaced"] == 0).all(), "no two sample files cover the same rows"
    assert set(TABLE_ROWS) == set(KINDS)
    counts = {t: int(sql(sample_con, f"select count(*) as n from {t}")["n"].iloc[0]) for t in TABLE_ROWS}
    assert counts == TABLE_ROWS
    freshness = StoreFigures(sample_con).get("data_freshness").set_index("kind")["rows_stored"].to_dict()
    assert freshness == {k: TABLE_ROWS[k] for k in freshness}
    assert len(set(sql(sample_con, "select distinct question_id from survey_questions where survey_id = '2019'")
                   ["question_id"])) == 7


@pytest.mark.parametrize("year, concerns", [
    ("2019-20", 158), ("2020-21", 171), ("2021-22", 204), ("2022-23", 239),
    ("2023-24", 276), ("2024-25", 297), ("2025-26", 318), ("2026-27", 152),
])
def test_concerns_per_financial_year_are_as_readme(sample_con, year, concerns):
    assert views.concerns.section(StoreFigures(sample_con), parse(year))["total"] == concerns


def test_survey_respondents_per_wave_are_as_readme(sample_con):
    waves = StoreFigures(sample_con).get("survey_waves")
    assert dict(zip(waves["survey_id"], waves["respondents"].astype(int))) == {
        "2014-15": 29, "2015-16": 162, "2016": 201, "2017": 236, "2018": 259, "2019": 243,
        "2020": 188, "2021": 297, "2022": 331, "2023": 384, "2024": 402, "2025": 367}


def test_the_samples_identity_columns_are_dropped_and_none_of_their_values_stored(sample_con):
    """concerns_2024-27.csv carries `Subject Name` and `Postcode`: the loader names them as dropped and stores
    neither the columns nor a value from them."""
    dropped = sql(sample_con, "select dropped_columns from loads where file_name = 'concerns_2024-27.csv'")
    assert dropped["dropped_columns"].tolist() == ["Subject Name, Postcode, Recorded By System"]
    columns = set(sql(sample_con, "select lower(column_name) as c from information_schema.columns "
                                  "where table_name = 'concerns'")["c"])
    assert not columns & {"subject_name", "postcode", "name"}
    stored = sql(sample_con, "select count(*) as n from concerns where concat_ws('|', *columns(*)) "
                             "similar to '.*(REDACTED|OX4 2ZZ).*'")["n"].iloc[0]
    assert stored == 0
    # nor any value of theirs anywhere in the store: every text column of every table (the quarantine, the load
    # log and the tables each load keeps among them)
    with open(SAMPLE / "concerns_2024-27.csv", encoding="utf-8-sig", newline="") as fh:
        values = {v for row in csv.DictReader(fh) for v in (row["Subject Name"], row["Postcode"]) if v.strip()}
    assert "REDACTED" in values and "OX1 1ZZ" in values and len(values) > 20
    pattern = "|".join(re.escape(v) for v in sorted(values))
    text_columns = sql(sample_con, "select table_name, column_name from information_schema.columns "
                                   "where table_schema = 'main' and data_type = 'VARCHAR'")
    assert {"concerns", "quarantine", "loads"} <= set(text_columns["table_name"])
    found = [f"{t}.{c}" for t, c in text_columns.itertuples(index=False)
             if sample_con.execute(f'select count(*) from "{t}" where regexp_matches("{c}", ?)',
                                   [pattern]).fetchone()[0]]
    assert found == [], f"identity values stored in {found}"
