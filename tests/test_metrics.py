"""Each metric of metrics.md on tiny hand-written tables, edge cases included."""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import pytest

from sg_data import briefing, periods, queries, views
from sg_data.figures import StoreFigures
from sg_data.periods import parse

Q3 = parse("2023-24 Q3")
FY = parse("2023-24")


def insert(con, table, rows):
    cols = rows[0].keys()
    for r in rows:
        con.execute(f"insert into {table} ({', '.join(cols)}, load_id) values ({', '.join('?' * len(cols))}, 0)",
                    list(r.values()))


def concern(cid, raised, reviewed=None, service="Housing Services", category="Hoarding", referred=None):
    return {"concern_id": cid, "raised_at": raised, "service": service, "category": category,
            "subject_group": "adult", "reviewed_at": reviewed, "referred_to": referred}


T = dt.datetime


# --- periods ---------------------------------------------------------------------------------

def test_periods():
    assert parse("2023-24").as_dict() == {"label": "2023-24", "start": "2023-04-01", "end": "2024-03-31"}
    assert parse("2023-24 Q3").as_dict() == {"label": "2023-24 Q3", "start": "2023-10-01", "end": "2023-12-31"}
    assert parse("2023-24 Q4").as_dict() == {"label": "2023-24 Q4", "start": "2024-01-01", "end": "2024-03-31"}
    assert parse("2023/24 q1").label == "2023-24 Q1"
    assert parse("2023-24 Q1").previous().label == "2022-23 Q4"
    assert parse("2023-24 Q3").same_last_year().label == "2022-23 Q3"
    assert parse("2023-24").previous().label == "2022-23"
    assert periods.latest_full_quarter(dt.date(2026, 11, 22)).label == "2026-27 Q2"
    assert periods.latest_full_quarter(dt.date(2026, 9, 30)).label == "2026-27 Q2"
    assert periods.audit_year_end("2023") == dt.date(2023, 12, 31)
    assert periods.audit_year_end("2014-15") == dt.date(2015, 3, 31)
    with pytest.raises(periods.PeriodError):
        parse("2023-25")


def test_an_incomplete_period_is_named_and_compared_for_what_it_covers():
    year, as_of = parse("2026-27"), dt.date(2026, 9, 30)
    assert not periods.is_complete(year, as_of) and periods.is_complete(parse("2026-27 Q2"), as_of)
    assert periods.is_complete(year, None)   # no data at all: nothing is partial
    assert periods.data_to(year, as_of) == as_of and periods.data_to(parse("2025-26"), as_of) == dt.date(2026, 3, 31)
    assert periods.span_words(year.start, as_of) == "April to September 2026"
    assert periods.span_words(dt.date(2025, 10, 1), dt.date(2026, 3, 31)) == "October 2025 to March 2026"
    assert periods.span_words(dt.date(2026, 10, 1), dt.date(2026, 11, 15)) == "1 October to 15 November 2026"
    before = periods.same_months_a_year_earlier(year, as_of)
    assert (before.start, before.end, before.label) == (dt.date(2025, 4, 1), dt.date(2025, 9, 30),
                                                       "April to September 2025")
    q = periods.same_months_a_year_earlier(parse("2027-28 Q4"), dt.date(2028, 2, 29))   # a leap day
    assert (q.start, q.end) == (dt.date(2027, 1, 1), dt.date(2027, 2, 28))


def test_quarters_are_offered_only_from_the_first_concern():
    from sg_data.figures import period_list

    labels = period_list(dt.date(2014, 6, 1), dt.date(2019, 9, 30), concerns_from=dt.date(2019, 4, 2))
    assert labels == ["2019-20", "2019-20 Q2", "2019-20 Q1", "2018-19", "2017-18", "2016-17", "2015-16", "2014-15"]
    assert period_list(dt.date(2014, 6, 1), dt.date(2015, 3, 1)) == ["2014-15"]   # no concerns: years only


# --- concerns ----------------------------------------------------------------------------------

def test_concerns_period_edges_and_renamed_service(con):
    insert(con, "services", [
        {"service": "Customer Services", "alias_of": "Business Improvement", "year": None, "headcount": None},
        {"service": "Business Improvement", "alias_of": None, "year": "2023-24", "headcount": 150},
    ])
    insert(con, "concerns", [
        concern("A", T(2023, 3, 31, 23, 59)),                     # 2022-23
        concern("B", T(2023, 4, 1, 0, 0), service="Customer Services"),
        concern("C", T(2024, 3, 31, 23, 59), service="Business Improvement", referred="MASH"),
        concern("D", T(2024, 4, 1, 0, 0)),                        # 2024-25
        concern("E", T(2023, 6, 1), category="Self-Neglect"),
    ])
    s = views.concerns.section(StoreFigures(con), FY)
    assert s["total"] == 3
    assert s["by_service"] == [{"service": "Business Improvement", "count": 2}, {"service": "Housing Services", "count": 1}]
    assert s["referred_externally"] == {"count": 1, "of": 3}
    per100 = StoreFigures(con).get("concerns_per_100_staff", FY)
    assert per100.to_dict("records") == [
        {"service": "Business Improvement", "concerns": 2, "headcount": 150, "concerns_per_100_staff": 1.3}]
    assert views.concerns.section(StoreFigures(con), parse("2023-24 Q4"))["total"] == 1


def test_by_category_sorts_by_count_then_name(con):
    insert(con, "categories", [{"category": "Hoarding", "statutory_category": "Self-neglect", "subject_group": "adult"}])
    insert(con, "concerns", [concern("1", T(2023, 10, 1), category="Zeta"), concern("2", T(2023, 10, 1), category="Alpha"),
                             concern("3", T(2023, 10, 1)), concern("4", T(2023, 10, 2))])
    out = StoreFigures(con).get("concerns_by_category", Q3)
    assert out[["category", "statutory_category", "concerns"]].values.tolist() == [
        ["Hoarding", "Self-neglect", 2], ["Alpha", "Not mapped", 1], ["Zeta", "Not mapped", 1]]


# --- review timeliness -------------------------------------------------------------------------

def test_timeliness_exactly_24_hours_and_the_running_clock(con):
    insert(con, "concerns", [
        concern("on_time", T(2023, 10, 1, 9), T(2023, 10, 2, 9)),             # exactly 24h: within
        concern("late", T(2023, 10, 1, 9), T(2023, 10, 2, 9, 1)),              # 24h01m: late
        concern("quick", T(2023, 10, 3, 9), T(2023, 10, 3, 10)),               # 1h
        concern("overdue", T(2023, 12, 29, 8)),                                # unreviewed, 24h+ before as-of
        concern("running", T(2023, 12, 31, 12)),                               # unreviewed, clock running
        concern("reviewed_last", T(2023, 12, 31, 10), T(2023, 12, 31, 13)),    # sets the as-of time: 13:00
    ])
    t = views.timeliness.section(StoreFigures(con), Q3)
    assert t["as_of"] == "2023-12-31T13:00"
    assert t["reviewed_within_target"] == {"count": 3, "of": 5}   # running is out of the denominator
    assert (t["overdue_unreviewed"], t["late"], t["clock_running"]) == (1, 1, 1)
    # median over the 4 reviewed: 1, 3, 24, 24.0167 -> mean of 3 and 24 = 13.5
    assert t["median_hours_to_review"] == 13.5
    overdue = StoreFigures(con).get("overdue_concerns", Q3)
    assert overdue[["concern_id", "hours_waiting"]].values.tolist() == [["overdue", 53.0]]
    frame = StoreFigures(con).get("timeliness", Q3)
    all_row = frame[frame.dimension == "all"].iloc[0]
    # the identity every mart keeps: within + late + overdue + running = raised
    assert all_row.within_target + all_row.late + all_row.overdue_unreviewed + all_row.clock_running == all_row.raised


def test_timeliness_target_is_configurable(con):
    insert(con, "concerns", [concern("a", T(2023, 10, 1, 9), T(2023, 10, 1, 15)),
                             concern("b", T(2023, 10, 1, 9), T(2023, 10, 1, 11))])
    assert views.timeliness.section(StoreFigures(con), Q3, 4)["reviewed_within_target"] == {"count": 1, "of": 2}


# --- training ----------------------------------------------------------------------------------

def train(staff, snapshot, completed, expires=None, required=True, service="Housing Services", course="Safeguarding awareness"):
    return {"snapshot_date": snapshot, "staff_id": staff, "service": service, "course": course, "level": 1,
            "required": required, "completed_on": completed, "expires_on": expires}


def test_training_coverage_snapshot_and_default_expiry(con):
    D = dt.date
    insert(con, "training", [
        train("1", D(2023, 12, 31), D(2021, 1, 1)),               # blank expiry -> 2024-01-01: in date
        train("2", D(2023, 12, 31), D(2020, 12, 30)),             # -> 2023-12-30: lapsed
        train("3", D(2023, 12, 31), D(2023, 6, 1), D(2025, 6, 1)),
        train("4", D(2023, 12, 31), None),                        # never
        train("5", D(2023, 12, 31), D(2023, 6, 1), required=False),
        train("6", D(2023, 12, 31), D(2023, 1, 1), service="Councillors", course="Councillor safeguarding briefing"),
        train("1", D(2024, 3, 31), D(2021, 1, 1)),                # a later snapshot: not used for Q3
    ])
    s = views.training.section(StoreFigures(con), Q3)
    assert s["snapshot_date"] == "2023-12-31"
    assert s["coverage"] == {"count": 3, "of": 5}
    assert s["by_service"] == [{"service": "Housing Services", "count": 2, "of": 4},
                               {"service": "Councillors", "count": 1, "of": 1}]
    assert s["expiring_soon"] == 1   # staff 1: lapses 2024-01-01, within 90 days
    assert views.training.section(StoreFigures(con), parse("2022-23")) is None


def test_people_expiring_soon_are_listed_most_first_for_officers_and_by_name_where_hidden():
    import pandas as pd

    officer = pd.DataFrame({"service": ["Audit", "Benefits", "Catering"], "people_expiring_soon": [2, 9, 4]})
    assert list(views.training.expiring_by_service(officer)["service"]) == ["Benefits", "Catering", "Audit"]
    hidden = officer.assign(people_expiring_soon=pd.array([None, 9, 12], dtype="Int64"),
                            people_expiring_soon_suppressed=[True, False, False])
    assert list(views.training.expiring_by_service(hidden)["service"]) == ["Audit", "Benefits", "Catering"]


# --- survey ------------------------------------------------------------------------------------

def test_survey_wave_positive_share_and_blank_answers(con):
    insert(con, "survey_waves", [
        {"survey_id": "2022", "title": "2022", "opened_on": None, "closed_on": dt.date(2022, 11, 30), "invited": 10},
        {"survey_id": "2023", "title": "2023", "opened_on": None, "closed_on": dt.date(2023, 11, 30), "invited": None},
        {"survey_id": "2024", "title": "2024", "opened_on": None, "closed_on": dt.date(2024, 11, 30), "invited": None},
    ])
    insert(con, "survey_questions", [
        {"survey_id": "2023", "question_id": "confident", "text": "How confident?", "positive_answers": "Very confident; Quite confident"}])
    insert(con, "survey_responses", [
        {"survey_id": "2023", "response_id": "r1", "question_id": "confident", "answer": "very confident", "service": None},
        {"survey_id": "2023", "response_id": "r2", "question_id": "confident", "answer": "Not confident", "service": None},
        {"survey_id": "2023", "response_id": "r3", "question_id": "confident", "answer": None, "service": None},
        {"survey_id": "2023", "response_id": "r4", "question_id": "confident", "answer": "Quite confident", "service": None},
    ])
    s = views.survey.section(StoreFigures(con), Q3)
    assert (s["survey_id"], s["respondents"]) == ("2023", 4)
    assert s["questions"][0]["positive"] == {"count": 2, "of": 3}   # the blank answer is no answer
    assert views.survey.section(StoreFigures(con), parse("2022-23 Q2")) is None


# --- self-assessment ---------------------------------------------------------------------------

def test_self_assessment_year_and_rating_source(con):
    base = {"framework": "F", "area": "Leadership", "standard": "S", "evidence": None}
    insert(con, "self_assessment", [
        {**base, "year": "2023", "standard_id": "1", "self_rating": "Green", "peer_rating": "Blue"},
        {**base, "year": "2023", "standard_id": "2", "self_rating": "Amber", "peer_rating": None},
        {**base, "year": "2023-24", "standard_id": "1", "self_rating": "Red", "peer_rating": None},
    ])
    s = views.self_assessment.section(StoreFigures(con), Q3)  # ends 2023-12-31: the year 2023 has ended, 2023-24 not
    assert s["year"] == "2023"
    assert [(r["standard_id"], r["rating"], r["source"]) for r in s["ratings"]] == [("1", "Blue", "peer"), ("2", "Amber", "self")]
    assert views.self_assessment.section(StoreFigures(con), parse("2023-24 Q4"))["year"] == "2023-24"
    assert views.self_assessment.section(StoreFigures(con), parse("2023-24 Q2")) is None


# --- outcomes ----------------------------------------------------------------------------------

def test_outcomes_for_the_financial_year_of_the_period(con):
    insert(con, "outcomes", [
        {"period": "2020-21", "programme": "MH", "service": None, "measure": "Avoided", "sought": 41, "engaged": 27,
         "positive": 13, "negative": 6},
        {"period": "2020-21", "programme": "MH", "service": None, "measure": "Readmission", "sought": None, "engaged": 27,
         "positive": 5, "negative": None},
    ])
    out = views.outcomes.section(StoreFigures(con), parse("2020-21 Q2"))
    assert out[0] == {"programme": "MH", "measure": "Avoided", "service": None, "sought": 41, "engaged": 27,
                      "positive": 13, "negative": 6, "unknown": 8}
    assert (out[1]["sought"], out[1]["negative"], out[1]["unknown"]) == (None, None, None)
    assert views.outcomes.section(StoreFigures(con), parse("2021-22")) is None


# --- the briefing ------------------------------------------------------------------------------

def test_briefing_json_keys_and_null_sections(con):
    insert(con, "concerns", [concern("a", T(2023, 10, 1, 9), T(2023, 10, 1, 10), referred="MASH")])
    b = json.loads(briefing.to_json(briefing.build(StoreFigures(con), Q3)))
    assert b["period"] == {"label": "2023-24 Q3", "start": "2023-10-01", "end": "2023-12-31", "complete": False,
                           "data_to": "2023-10-01"}  # the data stop at the as-of time, 1 October 10:00
    assert b["view"] == "officer"
    assert b["concerns"]["total"] == 1
    assert b["concerns"]["referred_externally"] == {"count": 1, "of": 1}
    assert b["timeliness"]["target_hours"] == 24
    assert b["timeliness"]["reviewed_within_target"] == {"count": 1, "of": 1}
    assert b["timeliness"]["median_hours_to_review"] == 1.0
    for section in ("training", "survey", "self_assessment", "outcomes"):
        assert b[section] is None


# --- the queries themselves (datasette's named_parameters habit) -------------------------------

def test_every_query_declares_exactly_the_parameters_it_uses():
    for q in queries.all_queries():
        assert q.grain, f"{q.name} has no grain line"
        assert set(q.params) == q.used_params(), q.name
        assert q.sql.startswith(f"-- {q.name}\n"), f"{q.name} does not open with its name"


def test_every_mart_is_used_by_the_package():
    import pathlib

    code = "".join(p.read_text() for p in (pathlib.Path(queries.__file__).parent).glob("*.py"))
    for q in queries.all_queries():
        if not q.is_view and not q.is_shared:
            assert re.search(rf"['\"]{q.name}['\"]", code), f"query {q.name} is not used"


def test_a_shared_rule_is_written_into_each_mart_that_reads_it_and_read_by_one():
    """int_clocked_concerns states the review rule once: the marts run it as their own first CTE."""
    shared = [q for q in queries.all_queries() if q.is_shared]
    assert [q.name for q in shared] == ["int_clocked_concerns"]
    readers = sorted(q.name for q in queries.all_queries() if "int_clocked_concerns" in q.reads)
    assert readers == ["overdue_concerns", "review_timeliness_by_dimension", "review_timeliness_by_quarter"]
    for name in readers:
        sql = queries.get(name).sql
        assert sql.count("then 'clock_running'") == 1, name
        assert sql.startswith(f"-- {name}\n") and "\nwith int_clocked_concerns as (\n-- int_clocked_concerns" in sql
    # the rule itself is written nowhere else
    raw = [p.read_text() for p in queries.QUERY_DIR.glob("*.sql")]
    assert sum("then 'clock_running'" in text for text in raw) == 1


def test_a_mart_that_reads_a_shared_rule_must_open_with_a_cte(tmp_path, monkeypatch):
    (tmp_path / "int_rule.sql").write_text("-- int_rule\n-- grain: one\n-- params: none\n-- reads: stg_concerns\n"
                                           "select 1 as one\n")
    (tmp_path / "bad_mart.sql").write_text("-- bad_mart\n-- grain: one\n-- params: none\n-- reads: int_rule\n"
                                           "select * from int_rule\n")
    (tmp_path / "good_mart.sql").write_text("-- good_mart\n-- grain: one\n-- params: none\n-- reads: int_rule\n"
                                            "with r as (select * from int_rule)\nselect * from r\n")
    monkeypatch.setattr(queries, "QUERY_DIR", tmp_path)
    queries.get.cache_clear()
    try:
        with pytest.raises(ValueError, match="bad_mart reads int_rule, so it must open with a WITH clause"):
            queries.get("bad_mart")
        assert duckdb.sql(queries.get("good_mart").sql).fetchall() == [(1,)]
    finally:
        queries.get.cache_clear()


def test_unknown_parameters_are_refused(con):
    with pytest.raises(ValueError, match="takes"):
        queries.run(con, "concerns_by_service", {"start_date": dt.date(2023, 1, 1)})
