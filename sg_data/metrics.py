"""The figures of metrics.md, computed from the named queries.

Each function takes a connection and a period and returns plain data
(DataFrames or dicts). Pages, the briefing and the publisher all read these,
so a figure is computed one way only.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import duckdb
import pandas as pd

from . import queries
from .periods import Period, audit_year_end

DEFAULT_TARGET_HOURS = 24


def _dates(period: Period) -> dict:
    return {"start_date": period.start, "end_date": period.end}


def as_of(con: duckdb.DuckDBPyConnection) -> Optional[dt.datetime]:
    """The latest raised_at or reviewed_at in the store (metrics.md)."""
    row = queries.run(con, "concerns_as_of")
    value = row["as_of"].iloc[0] if len(row) else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def concerns_by_service(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "concerns_by_service", _dates(period))


def concerns_by_category(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "concerns_by_category", _dates(period))


def concerns_by_service_category(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "concerns_by_service_category", _dates(period))


def concerns_by_referral(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "concerns_by_referral", _dates(period))


def concerns_by_quarter_category(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    return queries.run(con, "concerns_by_quarter_category", {"start_date": start, "end_date": end})


def concerns_per_100_staff(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "concerns_per_100_staff_by_service", {"financial_year": period.financial_year.label})


def concerns_summary(con, period: Period) -> Optional[dict]:
    by_service = concerns_by_service(con, period)
    if by_service.empty:
        return None
    by_category = concerns_by_category(con, period)
    total = int(by_service["concerns"].sum())
    return {
        "total": total,
        "by_service": [{"service": r.service, "count": int(r.concerns)} for r in by_service.itertuples()],
        "by_category": [{"category": r.category, "count": int(r.concerns), "statutory_category": r.statutory_category}
                        for r in by_category.itertuples()],
        "referred_externally": {"count": int(by_service["referred"].sum()), "of": total},
    }


def timeliness_frame(con, period: Period, target_hours: float = DEFAULT_TARGET_HOURS,
                     as_of_time: Optional[dt.datetime] = None) -> pd.DataFrame:
    as_of_time = as_of_time or as_of(con)
    if as_of_time is None:
        return pd.DataFrame()
    return queries.run(con, "review_timeliness_by_dimension",
                       {**_dates(period), "as_of": as_of_time, "target_hours": float(target_hours)})


def timeliness_summary(con, period: Period, target_hours: float = DEFAULT_TARGET_HOURS,
                       as_of_time: Optional[dt.datetime] = None) -> Optional[dict]:
    frame = timeliness_frame(con, period, target_hours, as_of_time)
    if frame.empty:
        return None
    overall = frame[frame["dimension"] == "all"].iloc[0]
    if int(overall["raised"]) == 0:
        return None
    median = overall["median_hours_to_review"]
    return {
        "target_hours": target_hours if target_hours != int(target_hours) else int(target_hours),
        "reviewed_within_target": {"count": int(overall["within_target"]), "of": int(overall["in_denominator"])},
        "median_hours_to_review": None if pd.isna(median) else float(median),
        "p90_hours_to_review": None if pd.isna(overall["p90_hours_to_review"]) else float(overall["p90_hours_to_review"]),
        "overdue_unreviewed": int(overall["overdue_unreviewed"]),
        "late": int(overall["late"]),
        "clock_running": int(overall["clock_running"]),
        "as_of": (as_of_time or as_of(con)).isoformat(timespec="minutes"),
    }


def overdue_concerns(con, period: Period, target_hours: float = DEFAULT_TARGET_HOURS,
                     as_of_time: Optional[dt.datetime] = None) -> pd.DataFrame:
    as_of_time = as_of_time or as_of(con)
    if as_of_time is None:
        return pd.DataFrame(columns=["concern_id", "raised_at", "service", "category", "hours_waiting"])
    return queries.run(con, "overdue_concerns",
                       {**_dates(period), "as_of": as_of_time, "target_hours": float(target_hours)})


def review_hours_distribution(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "review_hours_distribution", _dates(period))


def training_by_service(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "training_coverage_by_service", {"end_date": period.end})


def training_by_course(con, period: Period) -> pd.DataFrame:
    return queries.run(con, "training_coverage_by_course", {"end_date": period.end})


def training_trend(con) -> pd.DataFrame:
    return queries.run(con, "training_coverage_by_snapshot_service")


def training_summary(con, period: Period) -> Optional[dict]:
    by_service = training_by_service(con, period)
    if by_service.empty:
        return None
    return {
        "snapshot_date": pd.Timestamp(by_service["snapshot_date"].iloc[0]).date().isoformat(),
        "coverage": {"count": int(by_service["in_date"].sum()), "of": int(by_service["required"].sum())},
        "by_service": [{"service": r.service, "count": int(r.in_date), "of": int(r.required)}
                       for r in by_service.itertuples()],
        "expiring_soon": int(by_service["expiring_soon"].sum()),
    }


def survey_waves(con) -> pd.DataFrame:
    return queries.run(con, "survey_waves_summary")


def survey_questions(con) -> pd.DataFrame:
    return queries.run(con, "survey_positive_by_question_wave")


def survey_wave_for(con, period: Period) -> Optional[pd.Series]:
    """The latest wave closed on or before the period's end (metrics.md)."""
    waves = survey_waves(con)
    waves = waves[pd.to_datetime(waves["closed_on"]).dt.date <= period.end]
    return None if waves.empty else waves.iloc[-1]


def survey_summary(con, period: Period) -> Optional[dict]:
    wave = survey_wave_for(con, period)
    if wave is None:
        return None
    questions = survey_questions(con)
    questions = questions[questions["survey_id"] == wave["survey_id"]]
    out = {
        "survey_id": wave["survey_id"],
        "title": wave["title"],
        "closed_on": pd.Timestamp(wave["closed_on"]).date().isoformat(),
        "respondents": int(wave["respondents"]),
        "invited": None if pd.isna(wave["invited"]) else int(wave["invited"]),
        "questions": [{"question_id": r.question_id, "text": r.question_text,
                       "positive": {"count": int(r.positive), "of": int(r.answered)}}
                      for r in questions.itertuples()],
    }
    return out


def self_assessment_ratings(con) -> pd.DataFrame:
    return queries.run(con, "self_assessment_ratings")


def self_assessment_year_for(con, period: Period) -> Optional[str]:
    """The latest audit year that ends on or before the period's end (metrics.md)."""
    ratings = self_assessment_ratings(con)
    years = {y: audit_year_end(y) for y in ratings["year"].unique()}
    eligible = [(end, y) for y, end in years.items() if end is not None and end <= period.end]
    return max(eligible)[1] if eligible else None


def self_assessment_summary(con, period: Period) -> Optional[dict]:
    year = self_assessment_year_for(con, period)
    if year is None:
        return None
    ratings = self_assessment_ratings(con)
    ratings = ratings[ratings["year"] == year]
    return {
        "year": year,
        "frameworks": sorted(ratings["framework"].unique().tolist()),
        "ratings": [{"standard_id": r.standard_id, "area": r.area, "standard": r.standard,
                     "framework": r.framework, "rating": r.rating, "source": r.rating_source}
                    for r in ratings.itertuples()],
    }


def outcomes_frame(con) -> pd.DataFrame:
    return queries.run(con, "outcomes_by_programme")


def outcomes_for(con, period: Period) -> pd.DataFrame:
    """Rows of the financial year that contains the period's end (metrics.md)."""
    frame = outcomes_frame(con)
    return frame[frame["period"] == period.financial_year.label].reset_index(drop=True)


def _int_or_none(v):
    return None if v is None or pd.isna(v) else int(v)


def outcomes_summary(con, period: Period) -> Optional[list]:
    frame = outcomes_for(con, period)
    if frame.empty:
        return None
    return [{"programme": r.programme, "measure": r.measure, "service": r.service,
             "sought": _int_or_none(r.sought), "engaged": int(r.engaged), "positive": int(r.positive),
             "negative": _int_or_none(r.negative), "unknown": _int_or_none(r.unknown)}
            for r in frame.itertuples()]


def self_assessment_shares(con) -> pd.DataFrame:
    return queries.run(con, "self_assessment_share_by_year")


def training_snapshots(con) -> pd.DataFrame:
    return queries.run(con, "training_snapshots")


def training_completions(con) -> pd.DataFrame:
    return queries.run(con, "training_completions_by_course_year")


# --- what is loaded (the Data page) ------------------------------------------------------------

def loads_history(con) -> pd.DataFrame:
    return queries.run(con, "loads_history")


def quarantine_rows(con) -> pd.DataFrame:
    return queries.run(con, "quarantine_rows")


def quarantine_by_rule(con) -> pd.DataFrame:
    return queries.run(con, "quarantine_by_rule")


def data_freshness(con) -> pd.DataFrame:
    return queries.run(con, "data_freshness")


def service_list(con) -> list[str]:
    return queries.run(con, "service_list")["service"].tolist()
