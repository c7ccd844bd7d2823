"""Where pages get their figures: one interface, three sources.

- `OfficerSource`: the full store, unsuppressed (the officer view).
- `ScrutinySource` (sg_data.scrutiny): the same figures, suppressed.
- `PublicSource` (sg_data.scrutiny): the aggregate-only published store, already
  suppressed, so that a deployment for councillors holds no row-level data.

Every method takes a period label (`2023-24 Q3`) or nothing and returns a
DataFrame of aggregates, so the publisher can store each method's output per
period and `PublicSource` can read it back unchanged. Row-level lists
(overdue concerns, quarantine) are officer-only and not part of this interface.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd

from . import briefing, metrics
from .periods import Period, parse, quarters_between

#: methods that take a period label, and those that take nothing (trends over all periods)
PERIOD_METHODS = (
    "concerns_by_service", "concerns_by_category", "concerns_by_service_category", "concerns_by_referral",
    "concerns_per_100_staff", "timeliness", "review_hours", "training_by_service", "training_by_course",
    "outcomes",
)
TREND_METHODS = (
    "concerns_by_quarter_category", "timeliness_by_quarter", "training_trend", "survey_waves", "survey_questions",
    "self_assessment_ratings", "self_assessment_shares", "loads_history", "quarantine_by_rule", "data_freshness",
)
#: row-level lists: the Scrutiny and public sources return None for these
OFFICER_ONLY = ("overdue_concerns", "quarantine_rows")


class OfficerSource:
    view = "officer"
    suppressed = False

    def __init__(self, con):
        self.con = con

    # --- what the data covers ------------------------------------------------------------------
    def coverage(self) -> dict:
        """The first and last day with concerns, and the as-of time."""
        row = metrics.queries.run(self.con, "concerns_as_of").iloc[0]
        if pd.isna(row["latest_raised_at"]):
            return {"first": None, "last": None, "as_of": None}
        return {"first": pd.Timestamp(row["earliest_raised_at"]).date(),
                "last": pd.Timestamp(row["latest_raised_at"]).date(),
                "as_of": pd.Timestamp(row["as_of"]).to_pydatetime()}

    def period_labels(self) -> list[str]:
        """Financial years and quarters from the earliest data of any kind to the latest, newest first."""
        cov = self.coverage()
        starts = [cov["first"]] if cov["first"] else []
        waves = self.survey_waves()
        starts += [pd.Timestamp(d).date() for d in waves["closed_on"].dropna()]
        ratings = self.self_assessment_ratings()
        starts += [pd.Timestamp(d).date() for d in ratings["year_end_date"].dropna()]
        outcomes = metrics.outcomes_frame(self.con)
        starts += [parse(p).start for p in outcomes["period"].dropna().unique() if _is_label(p)]
        if not starts:
            return []
        last = max([cov["last"]] if cov["last"] else starts)
        return _labels(min(starts), last)

    def default_period(self) -> Optional[str]:
        return default_period(self.period_labels(), self.coverage()["as_of"])

    def published_target(self) -> Optional[int]:
        """None: timeliness can be worked out at any target from this store."""
        return None

    def service_list(self) -> list[str]:
        """Current service names in concerns or training, for the services filter."""
        return metrics.service_list(self.con)

    # --- concerns ------------------------------------------------------------------------------
    def concerns_by_service(self, period: str) -> pd.DataFrame:
        return metrics.concerns_by_service(self.con, parse(period))

    def concerns_by_category(self, period: str) -> pd.DataFrame:
        return metrics.concerns_by_category(self.con, parse(period))

    def concerns_by_service_category(self, period: str) -> pd.DataFrame:
        return metrics.concerns_by_service_category(self.con, parse(period))

    def concerns_by_referral(self, period: str) -> pd.DataFrame:
        return metrics.concerns_by_referral(self.con, parse(period))

    def concerns_per_100_staff(self, period: str) -> pd.DataFrame:
        return metrics.concerns_per_100_staff(self.con, parse(period))

    def concerns_by_quarter_category(self) -> pd.DataFrame:
        """Concerns per quarter per category (all services), every quarter in the data."""
        frame = metrics.concerns_by_quarter_category(self.con, dt.date(1900, 1, 1), dt.date(2999, 12, 31))
        if frame.empty:
            return frame.drop(columns=["service"])
        return (frame.groupby(["quarter_label", "quarter_start", "category", "statutory_category"], as_index=False)
                ["concerns"].sum().sort_values(["quarter_start", "category"]).reset_index(drop=True))

    # --- review timeliness ---------------------------------------------------------------------
    def timeliness(self, period: str, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> pd.DataFrame:
        return metrics.timeliness_frame(self.con, parse(period), target_hours)

    def timeliness_by_quarter(self, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> pd.DataFrame:
        cov = self.coverage()
        if cov["first"] is None:
            return pd.DataFrame()
        whole = Period(cov["first"], cov["last"], "all")
        frame = metrics.timeliness_frame(self.con, whole, target_hours)
        return frame[frame["dimension"] == "quarter"].reset_index(drop=True)

    def review_hours(self, period: str) -> pd.DataFrame:
        return metrics.review_hours_distribution(self.con, parse(period))

    # --- training ------------------------------------------------------------------------------
    def training_by_service(self, period: str) -> pd.DataFrame:
        return metrics.training_by_service(self.con, parse(period))

    def training_by_course(self, period: str) -> pd.DataFrame:
        return metrics.training_by_course(self.con, parse(period))

    def training_trend(self) -> pd.DataFrame:
        return metrics.training_trend(self.con)

    # --- survey, self-assessment, outcomes -----------------------------------------------------
    def survey_waves(self) -> pd.DataFrame:
        return metrics.survey_waves(self.con)

    def survey_questions(self) -> pd.DataFrame:
        return metrics.survey_questions(self.con)

    def self_assessment_ratings(self) -> pd.DataFrame:
        return metrics.self_assessment_ratings(self.con)

    def self_assessment_shares(self) -> pd.DataFrame:
        return metrics.self_assessment_shares(self.con)

    def outcomes(self, period: str) -> pd.DataFrame:
        return metrics.outcomes_for(self.con, parse(period))

    # --- what is loaded (the Data page) ---------------------------------------------------------
    def loads_history(self) -> pd.DataFrame:
        return metrics.loads_history(self.con)

    def quarantine_by_rule(self) -> pd.DataFrame:
        return metrics.quarantine_by_rule(self.con)

    def data_freshness(self) -> pd.DataFrame:
        return metrics.data_freshness(self.con)

    # --- row-level lists: officer view only -----------------------------------------------------
    def overdue_concerns(self, period: str, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> pd.DataFrame:
        return metrics.overdue_concerns(self.con, parse(period), target_hours)

    def quarantine_rows(self) -> pd.DataFrame:
        return metrics.quarantine_rows(self.con)

    # --- the briefing --------------------------------------------------------------------------
    def brief(self, period: str, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> dict:
        return briefing.build(self.con, parse(period), view=self.view, target_hours=target_hours)


def _is_label(text: str) -> bool:
    try:
        parse(text)
        return True
    except ValueError:
        return False


def _labels(first: dt.date, last: dt.date) -> list[str]:
    """Each financial year followed by its quarters, newest first."""
    quarters = quarters_between(first, last)
    years = sorted({q.financial_year.label for q in quarters})
    out = []
    for y in reversed(years):
        out.append(y)
        out.extend(reversed([q.label for q in quarters if q.financial_year.label == y]))
    return out


def default_period(labels: list[str], as_of: Optional[dt.datetime]) -> Optional[str]:
    """The latest full quarter in the data (a quarter whose last day the data reaches)."""
    if not labels:
        return None
    from .periods import latest_full_quarter

    if as_of is not None:
        label = latest_full_quarter(as_of.date()).label
        if label in labels:
            return label
    quarters = [lab for lab in labels if " Q" in lab]
    return quarters[0] if quarters else labels[0]


__all__ = ["OfficerSource", "PERIOD_METHODS", "TREND_METHODS", "OFFICER_ONLY", "default_period"]
