"""Data tests on the sample store, in the dbt / PUDL style.

A data test is SQL that returns the bad rows: no rows is a pass, and the rows
it does return are the failure message. Run against the store that
`sample_db` builds from sample_data once per session:

- every staging view and every mart has a unique, not-null key at the grain
  its header declares (marts with parameters are run for representative
  periods);
- identities hold within and between marts: timeliness buckets add up to the
  concerns raised, the by-service and by-quarter rows add up to the `all`
  row, every split of the concerns adds up to the same total, coverage never
  exceeds what is required, a positive share never exceeds its denominator,
  and an outcome funnel never grows;
- the staging views keep referential integrity with the reference tables.

The last section shows that these tests can fail: bad rows planted in a tiny
store, and a mutated copy of a mart's SQL, are caught by the same checks.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from sg_data import queries, store
from sg_data.figures import DEFAULT_TARGET_HOURS, StoreFigures
from sg_data.periods import Period, parse

#: representative periods for marts with parameters: the published year, and the
#: latest quarter, which holds the unreviewed concerns (overdue and clock running)
PERIODS = ("2023-24", "2026-27 Q2")
#: every financial year in the sample, and two quarters, for the identities
ALL_PERIODS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26", "2026-27",
               "2023-24 Q3", "2026-27 Q2")
FINANCIAL_YEARS = tuple(p for p in ALL_PERIODS if " Q" not in p)

#: the key of every named query, at the grain its header declares
KEYS: dict[str, tuple[str, ...]] = {
    # staging and dimension views
    "stg_concerns": ("concern_id",),
    "stg_self_assessment": ("year", "framework", "standard_id"),
    "stg_survey_answers": ("survey_id", "response_id", "question_id"),
    "stg_training": ("snapshot_date", "staff_id", "course"),
    "dim_service_headcount": ("service", "financial_year"),
    "dim_reference_labels": ("reference_only",),
    "dim_service_names": ("service_as_recorded",),
    "dim_named_services": ("service",),
    # marts
    "concerns_as_of": (),  # one row
    "concerns_by_category": ("category",),
    "concerns_by_quarter_category": ("quarter_label", "category"),
    "concerns_by_statutory_category": ("statutory_category",),
    "concerns_summary": (),  # one row
    "grid_values": ("attribute", "value"),
    "concerns_by_referral": ("referred_to",),
    "concerns_by_service": ("service",),
    "concerns_by_service_category": ("service", "category"),
    "concerns_per_100_staff_by_service": ("service",),
    "data_freshness": ("kind",),
    "loads_history": ("load_id",),
    "outcomes_by_programme": ("period", "programme", "measure"),
    "overdue_concerns": ("concern_id",),
    "due_concerns": ("concern_id",),
    "reference_gaps": ("kind", "value"),
    "quarantine_by_rule": ("file_name", "rule"),
    "quarantine_rows": ("load_id", "line", "rule"),
    "review_hours_distribution": ("band",),
    "review_timeliness_by_dimension": ("dimension", "value"),
    "review_timeliness_by_quarter": ("value",),
    "int_clocked_concerns": ("concern_id",),
    "self_assessment_ratings": ("year", "framework", "standard_id"),
    "self_assessment_share_by_year": ("year", "framework", "rating"),
    "service_list": ("service",),
    "survey_positive_by_question_wave": ("survey_id", "question_id"),
    "survey_waves_summary": ("survey_id",),
    "training_completions_by_course_year": ("completion_year", "course"),
    "training_coverage_by_course": ("course",),
    "training_coverage_by_service": ("service",),
    "training_coverage_by_snapshot_service": ("snapshot_date", "service"),
    "training_snapshots": ("snapshot_date",),
}

#: columns besides the key that must never be null
NOT_NULL_EXTRA: dict[str, tuple[str, ...]] = {
    "concerns_as_of": ("as_of",),
    "concerns_summary": ("concerns", "referred"),
    "stg_concerns": ("raised_at", "service", "category", "financial_year", "quarter_label", "quarter_start"),
    "stg_self_assessment": ("year_end_date", "rating", "rating_source"),
    "stg_training": ("service", "is_required", "is_in_date"),
}

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


# --- the runner: compose marts as CTEs under a check, return the bad rows ------------------------

def param_values(con, period: Period | None) -> dict:
    values = {"as_of": StoreFigures(con).as_of(), "target_hours": float(DEFAULT_TARGET_HOURS)}
    if period is not None:
        values.update(start_date=period.start, end_date=period.end, financial_year=period.financial_year.label)
    return values


def bad_rows(con, check: str, period: Period | None = None, marts: tuple[str, ...] = (),
             sql_of: dict[str, str] | None = None) -> pd.DataFrame:
    """Run `check` with each named mart available under its own name; `sql_of` replaces a mart's SQL."""
    ctes = [f"{name} as (\n{(sql_of or {}).get(name) or queries.get(name).sql}\n)" for name in marts]
    check = check.strip()
    if ctes and check.lower().startswith("with "):
        text = "with " + ",\n".join(ctes) + ",\n" + check[5:]
    elif ctes:
        text = "with " + ",\n".join(ctes) + "\n" + check
    else:
        text = check
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    values = param_values(con, period)
    params = {name: values[name] for name in set(_PARAM.findall(code))}
    cur = con.cursor()
    try:
        return cur.execute(text, params or None).df()
    finally:
        cur.close()


def assert_no_bad_rows(frame: pd.DataFrame, what: str) -> None:
    assert frame.empty, f"{what}: {len(frame)} bad rows\n{frame.head(20).to_string()}"


def source(name: str) -> tuple[str, ...]:
    """A view is in the store already; a mart is composed in."""
    return () if queries.get(name).is_view else (name,)


def key_cases():
    for name in KEYS:
        query = queries.get(name)
        if query.params:
            for label in PERIODS:
                yield pytest.param(name, label, id=f"{name}-{label}")
        else:
            yield pytest.param(name, None, id=name)


def unique_check(name: str) -> str:
    key = KEYS[name]
    if not key:
        return f"select count(*) as rows from {name} having count(*) <> 1"
    cols = ", ".join(key)
    return f"select {cols}, count(*) as copies from {name} group by {cols} having count(*) > 1"


def not_null_check(name: str) -> str:
    cols = KEYS[name] + NOT_NULL_EXTRA.get(name, ())
    return f"select * from {name} where " + " or ".join(f"{c} is null" for c in cols)


# --- keys at the declared grain ------------------------------------------------------------------

def test_every_query_has_a_declared_key():
    assert sorted(KEYS) == sorted(q.name for q in queries.all_queries())


@pytest.mark.parametrize("name, label", key_cases())
def test_key_is_unique(sample_con, name, label):
    period = parse(label) if label else None
    assert_no_bad_rows(bad_rows(sample_con, unique_check(name), period, source(name)), f"{name} key {KEYS[name]}")


@pytest.mark.parametrize("name, label", key_cases())
def test_key_is_not_null(sample_con, name, label):
    period = parse(label) if label else None
    assert_no_bad_rows(bad_rows(sample_con, not_null_check(name), period, source(name)), f"{name} nulls")


#: queries that rightly return nothing on the sample council, and where they are tested on rows
EMPTY_ON_THE_SAMPLE = {"reference_gaps": "the sample's reference tables name every category, service and "
                                         "referral destination; "
                                         "tests/test_pages_reference.py sends a store names they do not"}


@pytest.mark.parametrize("name", [n for n in KEYS if n not in EMPTY_ON_THE_SAMPLE])
def test_key_tests_are_not_vacuous(sample_con, name):
    """A uniqueness test on no rows proves nothing: each query returns rows for a representative period."""
    labels = PERIODS if queries.get(name).params else (None,)
    counts = [len(bad_rows(sample_con, f"select * from {name}", parse(label) if label else None, source(name)))
              for label in labels]
    assert max(counts) > 0, f"{name} returns no rows for {labels}"


def test_concerns_by_quarter_category_header_names_its_grain():
    grain = queries.get("concerns_by_quarter_category").grain
    assert "per financial quarter per category" in grain and "service" not in grain.split("(")[0]


# --- identities ----------------------------------------------------------------------------------

TIMELINESS_ROWS = """
select * from review_timeliness_by_dimension
where within_target + late + overdue_unreviewed + clock_running <> raised
   or in_denominator <> raised - clock_running
   or reviewed <> within_target + late
"""

TIMELINESS_PARTS = """
with long as (
    unpivot (select dimension, raised, within_target, late, overdue_unreviewed, clock_running,
                    in_denominator, reviewed from review_timeliness_by_dimension)
    on raised, within_target, late, overdue_unreviewed, clock_running, in_denominator, reviewed
    into name measure value n
),
whole as (select measure, n from long where dimension = 'all'),
parts as (
    select d.dimension, w.measure, coalesce(sum(l.n), 0) as n
    from (values ('quarter'), ('service')) as d(dimension)
    cross join whole as w
    left join long as l on l.dimension = d.dimension and l.measure = w.measure
    group by all
)
select p.dimension, p.measure, p.n as sum_of_rows, w.n as all_row
from parts as p join whole as w using (measure)
where p.n <> w.n
union all
select 'all', 'rows', count(*), 1 from review_timeliness_by_dimension where dimension = 'all' having count(*) <> 1
"""

TIMELINESS_QUARTERS = """
with trend as (select * exclude (dimension) from review_timeliness_by_quarter),
quarters as (
    select * exclude (dimension, median_hours_to_review, p90_hours_to_review) from review_timeliness_by_dimension
    where dimension = 'quarter'
)
(select 'only in the trend' as side, * from (select * from trend except all select * from quarters))
union all
(select 'only in the quarter rows', * from (select * from quarters except all select * from trend))
"""

CONCERN_TOTALS = """
with totals as (
    select 'concerns_by_service' as mart, sum(concerns) as concerns from concerns_by_service
    union all select 'concerns_by_category', sum(concerns) from concerns_by_category
    union all select 'concerns_by_service_category', sum(concerns) from concerns_by_service_category
    union all select 'concerns_by_referral', sum(concerns) from concerns_by_referral
    union all select 'concerns_by_statutory_category', sum(concerns) from concerns_by_statutory_category
    union all select 'concerns_by_quarter_category', sum(concerns) from concerns_by_quarter_category
              where quarter_start >= $start_date and quarter_start <= $end_date
    union all select 'concerns_summary', sum(concerns) from concerns_summary
    union all select 'review_timeliness_by_dimension', sum(raised) from review_timeliness_by_dimension
              where dimension = 'all'
    union all select 'referred: concerns_by_service', sum(referred) from concerns_by_service
    union all select 'referred: concerns_summary', sum(referred) from concerns_summary
),
raised as (
    select count(*) as n, count(*) filter (where referred_to is not null) as referred
    from concerns where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),
referred as (
    select coalesce(sum(concerns), 0) as n from concerns_by_referral where is_referred
)
select t.mart, t.concerns, r.n as raised_in_period, r.referred as referred_in_period
from totals as t, raised as r
where coalesce(t.concerns, 0) <> case when t.mart like 'referred%' then r.referred else r.n end
union all
select 'referred: concerns_by_referral', f.n, r.n, r.referred from referred as f, raised as r where f.n <> r.referred
"""

CONCERN_SPLITS = """
with by_service as (
    select service, sum(concerns) as concerns from concerns_by_service_category group by service
),
by_category as (
    select category, sum(concerns) as concerns from concerns_by_service_category group by category
)
select 'service' as split, service as name, s.concerns as split_total, b.concerns as mart_total
from concerns_by_service as s full join by_service as b using (service)
where s.concerns is distinct from b.concerns
union all
select 'category', category, c.concerns, b.concerns
from concerns_by_category as c full join by_category as b using (category)
where c.concerns is distinct from b.concerns
"""

PER_100_STAFF = """
select p.service, p.concerns, s.concerns as concerns_by_service, p.headcount, p.concerns_per_100_staff
from concerns_per_100_staff_by_service as p
left join concerns_by_service as s using (service)
where p.concerns <> coalesce(s.concerns, 0)
   or p.headcount <= 0
   or p.concerns_per_100_staff <> round(100.0 * p.concerns / p.headcount, 1)
"""

REVIEW_HOURS = """
select d.concerns as in_bands, t.reviewed
from (select sum(concerns) as concerns from review_hours_distribution) as d,
     (select reviewed from review_timeliness_by_dimension where dimension = 'all') as t
where d.concerns <> t.reviewed
"""

TRAINING_AT_SNAPSHOT = """
with by_service as (
    select min(snapshot_date) as first_snapshot, max(snapshot_date) as last_snapshot,
           sum(required) as required, sum(in_date) as in_date, sum(expiring_soon) as expiring_soon
    from training_coverage_by_service
),
by_course as (
    select min(snapshot_date) as first_snapshot, max(snapshot_date) as last_snapshot,
           sum(required) as required, sum(in_date) as in_date, sum(expiring_soon) as expiring_soon
    from training_coverage_by_course
)
select 'service' as mart, service as name, required, in_date, expiring_soon
from training_coverage_by_service
where in_date > required or expiring_soon > in_date or required <= 0
   or people_not_in_date > required - in_date or people_expiring_soon > expiring_soon
   or people_expiring_30_days > people_expiring_soon
union all
select 'course', course, required, in_date, expiring_soon
from training_coverage_by_course
where in_date > required or expiring_soon > in_date or required <= 0
union all
select 'service vs course totals', null, s.required - c.required, s.in_date - c.in_date,
       s.expiring_soon - c.expiring_soon
from by_service as s, by_course as c
where s.required <> c.required or s.in_date <> c.in_date or s.expiring_soon <> c.expiring_soon
   or s.first_snapshot <> s.last_snapshot or s.first_snapshot <> c.first_snapshot
   or c.first_snapshot <> c.last_snapshot
"""

TRAINING_TREND = """
with summed as (
    select snapshot_date, sum(required) as required, sum(in_date) as in_date
    from training_coverage_by_snapshot_service group by snapshot_date
)
select 'snapshot_service' as mart, snapshot_date, service as name, required, in_date
from training_coverage_by_snapshot_service
where in_date > required or required <= 0
union all
select 'snapshots', snapshot_date, null, required, in_date
from training_snapshots
where in_date > required
   or staff_in_date > staff_required or councillors_in_date > councillors_required
   or staff_required + councillors_required <> required
   or staff_in_date + councillors_in_date <> in_date
union all
select 'snapshot_service vs snapshots', t.snapshot_date, null, s.required - t.required, s.in_date - t.in_date
from training_snapshots as t full join summed as s using (snapshot_date)
where s.required is distinct from t.required or s.in_date is distinct from t.in_date
"""

SURVEY = """
select q.survey_id, q.question_id, q.positive, q.answered, w.respondents, w.invited
from survey_positive_by_question_wave as q
left join survey_waves_summary as w using (survey_id)
where q.positive > q.answered or q.positive < 0
   or q.answered > coalesce(w.respondents, 0)
   or w.respondents > w.invited
"""

OUTCOMES = """
select * from outcomes_by_programme
where positive > engaged
   or positive + coalesce(negative, 0) > engaged
   or engaged > sought
   or unknown < 0
   or least(positive, negative, engaged, sought) < 0
   or unknown <> engaged - positive - negative
"""

SELF_ASSESSMENT = """
with summed as (
    select year, framework, sum(standards) as standards, min(of_standards) as of_min, max(of_standards) as of_max
    from self_assessment_share_by_year group by year, framework
),
rated as (
    select year, framework, count(*) as standards from self_assessment_ratings group by year, framework
)
select s.year, s.framework, s.standards, s.of_min, r.standards as rated
from summed as s full join rated as r using (year, framework)
where s.standards is distinct from r.standards or s.of_min <> s.of_max or s.standards <> s.of_max
"""

STAGING = {
    "stg_concerns": """
        select concern_id, raised_at, reviewed_at, quarter_label, quarter_start from stg_concerns
        where reviewed_at < raised_at or hours_to_review < 0
           or quarter_start > raised_at::date or quarter_start + interval 3 month <= raised_at::date
           or left(quarter_label, 7) <> financial_year
           or is_referred <> (referred_to is not null)
    """,
    "stg_training": """
        select snapshot_date, staff_id, course, completed_on, expires_on, is_in_date from stg_training
        where expires_on < completed_on
           or (is_in_date and (completed_on > snapshot_date or expires_on < snapshot_date))
           or (is_expiring_soon and not is_in_date)
           or (completed_on is null and is_in_date)
    """,
    "stg_self_assessment": """
        select year, framework, standard_id, self_rating, peer_rating, rating, rating_source from stg_self_assessment
        where rating <> coalesce(peer_rating, self_rating)
           or rating_source <> case when peer_rating is null then 'self' else 'peer' end
           or (rating in ('Red', 'Amber', 'Green', 'Blue') and rating_rank is null)
    """,
    # relationships (dbt): every staged row points at a row of its reference table
    "stg_concerns -> services, categories": """
        select concern_id, service, category from stg_concerns
        where service not in (select service from services)
           or category not in (select category from categories)
    """,
    "stg_training -> services": """
        select distinct service from stg_training where service not in (select service from services)
    """,
    "stg_survey_answers -> waves, questions": """
        select survey_id, question_id, count(*) as answers from stg_survey_answers
        where closed_on is null or question_text is null group by all
    """,
}

PERIOD_CHECKS = {
    "timeliness buckets add up to raised": (TIMELINESS_ROWS, ("review_timeliness_by_dimension",)),
    "by-service and by-quarter rows add up to all": (TIMELINESS_PARTS, ("review_timeliness_by_dimension",)),
    "the trend's quarters are the quarter rows": (TIMELINESS_QUARTERS, (
        "review_timeliness_by_quarter", "review_timeliness_by_dimension")),
    "every split of the concerns adds up to the same total": (CONCERN_TOTALS, (
        "concerns_by_service", "concerns_by_category", "concerns_by_service_category", "concerns_by_referral",
        "concerns_by_quarter_category", "review_timeliness_by_dimension",
        "concerns_by_statutory_category", "concerns_summary")),
    "service and category totals agree with service x category": (CONCERN_SPLITS, (
        "concerns_by_service", "concerns_by_category", "concerns_by_service_category")),
    "review-hour bands add up to the reviewed": (REVIEW_HOURS, (
        "review_hours_distribution", "review_timeliness_by_dimension")),
    "training in date <= required at the period's snapshot": (TRAINING_AT_SNAPSHOT, (
        "training_coverage_by_service", "training_coverage_by_course")),
}

WHOLE_STORE_CHECKS = {
    "training trend in date <= required": (TRAINING_TREND, (
        "training_coverage_by_snapshot_service", "training_snapshots")),
    "survey positive <= answered <= respondents <= invited": (SURVEY, (
        "survey_positive_by_question_wave", "survey_waves_summary")),
    "outcomes positive + negative <= engaged <= sought": (OUTCOMES, ("outcomes_by_programme",)),
    "self-assessment shares add up to the standards rated": (SELF_ASSESSMENT, (
        "self_assessment_share_by_year", "self_assessment_ratings")),
    **{name: (check, ()) for name, check in STAGING.items()},
}


@pytest.mark.parametrize("label", ALL_PERIODS)
@pytest.mark.parametrize("check", list(PERIOD_CHECKS))
def test_identity_holds_for_period(sample_con, check, label):
    sql, marts = PERIOD_CHECKS[check]
    assert_no_bad_rows(bad_rows(sample_con, sql, parse(label), marts), f"{check} ({label})")


@pytest.mark.parametrize("label", FINANCIAL_YEARS)
def test_concerns_per_100_staff_counts_the_same_concerns(sample_con, label):
    marts = ("concerns_per_100_staff_by_service", "concerns_by_service")
    assert_no_bad_rows(bad_rows(sample_con, PER_100_STAFF, parse(label), marts), f"per 100 staff ({label})")


@pytest.mark.parametrize("check", list(WHOLE_STORE_CHECKS))
def test_identity_holds_over_the_store(sample_con, check):
    sql, marts = WHOLE_STORE_CHECKS[check]
    assert_no_bad_rows(bad_rows(sample_con, sql, None, marts), check)


def test_quarantined_lines_agree_with_the_load_record(sample_con):
    frame = bad_rows(sample_con, """
        select l.file_name, l.rows_quarantined, q.lines
        from loads_history as l
        left join (select load_id, count(distinct line) as lines from quarantine_rows group by load_id) as q
            using (load_id)
        where l.rows_quarantined <> coalesce(q.lines, 0)
    """, None, ("loads_history", "quarantine_rows"))
    assert_no_bad_rows(frame, "loads.rows_quarantined vs quarantine")


# --- the data tests can fail ---------------------------------------------------------------------

def _insert(con, table: str, rows: list[dict]) -> None:
    for r in rows:
        cols = list(r)
        con.execute(f"insert into {table} ({', '.join(cols)}, load_id) values ({', '.join('?' * len(cols))}, 0)",
                    list(r.values()))


def test_data_tests_catch_planted_bad_rows(tmp_path):
    """Rows the loader would have refused, written straight into a tiny store, are each caught."""
    con = store.connect(tmp_path / "x.duckdb")
    try:
        T = dt.datetime
        concern = {"raised_at": T(2023, 10, 2, 9), "service": "Housing Services", "category": "Hoarding",
                   "reviewed_at": T(2023, 10, 2, 10)}
        _insert(con, "services", [{"service": "Housing Services", "year": "2023-24", "headcount": 10}])
        _insert(con, "categories", [
            {"category": "Hoarding", "statutory_category": "Care Act 2014: self-neglect"},
            {"category": "Self-Neglect", "statutory_category": "Care Act 2014: self-neglect"},
            # listed twice: every Self-Neglect concern fans out into two staged rows
            {"category": "Self-Neglect", "statutory_category": "Wellbeing (non-statutory)"},
        ])
        _insert(con, "concerns", [
            {**concern, "concern_id": "ok"},
            {**concern, "concern_id": "twice"},
            {**concern, "concern_id": "twice", "category": "Hoarding"},
            {**concern, "concern_id": "fanned out", "category": "Self-Neglect"},
            {**concern, "concern_id": "backwards", "reviewed_at": T(2023, 10, 1, 9)},
            {**concern, "concern_id": None},
        ])
        _insert(con, "outcomes", [
            {"period": "2022-23", "programme": "Sanctuary", "measure": "Safe at home",
             "sought": 16, "engaged": 9, "positive": 11, "negative": 0},
            {"period": "2022-23", "programme": "Outreach", "measure": "Housed",
             "sought": 20, "engaged": 12, "positive": 8, "negative": 2},
        ])

        duplicates = bad_rows(con, unique_check("stg_concerns"))
        assert sorted(duplicates["concern_id"].tolist()) == ["fanned out", "twice"]
        nulls = bad_rows(con, not_null_check("stg_concerns"))
        assert nulls["concern_id"].isna().tolist() == [True]
        staged = bad_rows(con, STAGING["stg_concerns"])
        assert staged["concern_id"].tolist() == ["backwards"]
        funnel = bad_rows(con, OUTCOMES, None, ("outcomes_by_programme",))
        assert funnel[["programme", "positive", "engaged"]].values.tolist() == [["Sanctuary", 11, 9]]
        # the fan-out also breaks the totals: 7 staged rows against 6 stored concerns
        totals = bad_rows(con, CONCERN_TOTALS, parse("2023-24 Q3"), PERIOD_CHECKS[
            "every split of the concerns adds up to the same total"][1])
        assert set(totals["raised_in_period"]) == {6} and set(totals["concerns"]) == {7}
    finally:
        con.close()


def test_timeliness_identity_catches_a_mutated_boundary(sample_con):
    """A copy of the mart that counts a review at exactly 24:00:00 as late as well as within target."""
    sql = queries.get("review_timeliness_by_dimension").sql
    right = "count(*) filter (where review_status = 'late') as late"
    assert right in sql
    mutated = sql.replace(right, "count(*) filter (where hours_to_review >= $target_hours) as late")
    marts = ("review_timeliness_by_dimension",)
    fy = parse("2023-24")
    assert bad_rows(sample_con, TIMELINESS_ROWS, fy, marts).empty
    caught = bad_rows(sample_con, TIMELINESS_ROWS, fy, marts, {"review_timeliness_by_dimension": mutated})
    # MC-000777 (2023-04-04, Q1) and MC-000968 (2023-12-27, Q3) were reviewed at exactly 24 hours
    assert set(caught.loc[caught["dimension"] == "quarter", "value"]) == {"2023-24 Q1", "2023-24 Q3"}
    assert "all" in set(caught["dimension"])


def test_the_trends_quarters_check_catches_a_mart_that_drifts(sample_con):
    """A copy of the trend's mart that counts only the reviews within target as reviewed differs from the quarter
    rows exactly in the quarters that hold a late review."""
    sql = queries.get("review_timeliness_by_quarter").sql
    right = "within_target + late as reviewed"
    assert right in sql
    marts = ("review_timeliness_by_quarter", "review_timeliness_by_dimension")
    fy = parse("2023-24")
    assert bad_rows(sample_con, TIMELINESS_QUARTERS, fy, marts).empty
    drifted = {"review_timeliness_by_quarter": sql.replace(right, "within_target as reviewed")}
    caught = bad_rows(sample_con, TIMELINESS_QUARTERS, fy, marts, drifted)
    late = bad_rows(sample_con, "select value from review_timeliness_by_dimension "
                                "where dimension = 'quarter' and late > 0", fy, ("review_timeliness_by_dimension",))
    assert len(late) >= 2
    for side in ("only in the trend", "only in the quarter rows"):
        assert sorted(caught.loc[caught["side"] == side, "value"]) == sorted(late["value"])
