"""The catalog of figures: every table a page, the briefing or the publication shows, declared once.

Each entry names its mart (the named query in `queries/`), its grain, the time
it is keyed by, its disclosure class (metrics.md, "Disclosure control"), the
glossary term that defines it and a one-sentence summary. Its counts are
declared as cells of one fact: the measure counted and the attributes a row
and column stand for. Two tables that show the same figure (concerns by
service, and the concerns raised column of timeliness by service) name the
same cell, so the publication protects it once and shows it the same in both.

Adding a figure is one entry here plus its SQL.

Time keys:
- `period`: every financial year and quarter offered (a year is the sum of its quarters);
- `financial_year`: the financial year that contains the period (outcomes, rates per 100 staff);
- `snapshot`: the training snapshot used for the period (the latest on or before its end);
- `all`: one table over all time (trends, survey waves, self-assessment years, loads).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import pandas as pd

from . import queries

#: disclosure classes (metrics.md): people at risk by attribute, council-wide process figures, staff,
#: and reference tables that count no one
PEOPLE, PROCESS, STAFF, REFERENCE, ROW_LEVEL = "people", "process", "staff", "reference", "row_level"
#: aggregates the officer view shows that the publication does not carry (yet): never published
OFFICER_ONLY = "officer_only"

#: the review statuses (metrics.md, Review timeliness) and the groups of them a table shows
STATUSES = ("within_target", "late", "overdue_unreviewed", "clock_running")
STATUS_GROUPS = {"reviewed": ("within_target", "late"),
                 "in_denominator": ("within_target", "late", "overdue_unreviewed")}
#: council policy: a concern is reviewed within 24 hours (the target the publication and the trends' copies hold)
DEFAULT_TARGET_HOURS = 24

#: review-time bands (queries/review_hours_distribution.sql) and the status each falls in at the 24-hour target
BAND_STATUS = {1: "within_target", 2: "within_target", 3: "within_target", 4: "within_target",
               5: "late", 6: "late", 7: "late"}
#: the stages of an outcome funnel and the stages that add up to each
OUTCOME_GROUPS = {"sought": ("engaged", "not_engaged"), "engaged": ("positive", "negative", "unknown")}


@dataclass(frozen=True)
class Count:
    """A count column: the measure it counts and the attributes it stands for beyond the row's."""

    column: str
    measure: str
    fixed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    mart: Optional[str]
    time: str
    klass: str
    term: str
    summary: str
    dims: tuple[str, ...] = ()
    counts: tuple[Count, ...] = ()
    #: columns worked out from counts (shares, rates, medians): shown only where every count of the row is
    derived: tuple[str, ...] = ()
    #: columns never published (officer only: they would link tables the publication does not protect together)
    officer_columns: tuple[str, ...] = ()
    #: row -> the attributes the row stands for (default: its `dims`); may set "period" for a quarter row
    row_dims: Optional[Callable[[dict], dict]] = None
    #: how the officer figures are computed when the mart alone is not the table
    compute: Optional[Callable] = None
    grid: tuple[str, ...] = field(default=())

    @property
    def grain(self) -> str:
        return queries.get(self.mart).grain if self.mart else ""

    @property
    def published(self) -> bool:
        return self.klass not in (ROW_LEVEL, OFFICER_ONLY)


def _timeliness_dims(row: dict) -> dict:
    if row["dimension"] == "service":
        return {"service": row["value"]}
    if row["dimension"] == "quarter":
        return {"period": row["value"]}
    return {}


_STATUS_COUNTS = (
    Count("raised", "concerns"),
    *(Count(s, "concerns", (("status", s),)) for s in STATUSES),
    *(Count(g, "concerns", (("status", g),)) for g in STATUS_GROUPS),
)

TABLES: tuple[Table, ...] = (
    # --- concerns: class 1, with the council-wide total (class 2) ------------------------------------
    Table("concerns_summary", "concerns_summary", "period", PROCESS, "concerns_raised",
          "Concerns raised in the period, council-wide.",
          counts=(Count("concerns", "concerns"),)),
    Table("concerns_by_service_category", "concerns_by_service_category", "period", PEOPLE, "concerns_by_service",
          "Concerns raised by each service in each category.", dims=("service", "category"),
          counts=(Count("concerns", "concerns"),), grid=("service", "category")),
    Table("concerns_by_service", "concerns_by_service", "period", PEOPLE, "concerns_by_service",
          "Concerns raised by each service (current names).", dims=("service",),
          counts=(Count("concerns", "concerns"),), officer_columns=("referred",), grid=("service",)),
    Table("concerns_by_category", "concerns_by_category", "period", PEOPLE, "concerns_by_category",
          "Concerns raised in each of the council's categories.", dims=("category",),
          counts=(Count("concerns", "concerns"),), grid=("category",)),
    Table("concerns_by_statutory_category", "concerns_by_statutory_category", "period", PEOPLE, "statutory_category",
          "Concerns raised in each statutory category (a sum of the council's categories).",
          dims=("statutory_category",), counts=(Count("concerns", "concerns"),), grid=("statutory_category",)),
    Table("concerns_by_referral", "concerns_by_referral", "period", PEOPLE, "referred_externally",
          "Concerns by where they were referred, and those not referred externally.", dims=("referred_to",),
          counts=(Count("concerns", "concerns"),), grid=("referred_to",)),
    Table("concerns_per_100_staff", "concerns_per_100_staff_by_service", "financial_year", PEOPLE,
          "concerns_per_100_staff", "Concerns raised by a service in the financial year per 100 of its staff.",
          dims=("service",), counts=(Count("concerns", "concerns"),), derived=("concerns_per_100_staff",)),
    Table("concerns_by_quarter_category", "concerns_by_quarter_category", "all", PEOPLE, "concerns_by_category",
          "Concerns in each category in every quarter (all services).", dims=("category",),
          counts=(Count("concerns", "concerns"),), row_dims=lambda r: {"period": r["quarter_label"],
                                                                         "category": r["category"]}),
    # --- review timeliness -----------------------------------------------------------------------------
    Table("timeliness", "review_timeliness_by_dimension", "period", PEOPLE, "reviewed_within_target",
          "Concerns reviewed within the target, late, overdue and still in time: for the period, each quarter in "
          "it and each service.", counts=_STATUS_COUNTS, row_dims=_timeliness_dims,
          derived=("median_hours_to_review", "p90_hours_to_review")),
    Table("timeliness_by_quarter", "review_timeliness_by_quarter", "all", PROCESS, "reviewed_within_target",
          "Concerns reviewed within the target in every quarter, council-wide.", counts=_STATUS_COUNTS,
          row_dims=_timeliness_dims),
    Table("review_hours", "review_hours_distribution", "period", PEOPLE, "median_hours",
          "Reviewed concerns by the hours their review took.", dims=("band",),
          counts=(Count("concerns", "concerns"),)),
    # --- training: class 3 (staff) ---------------------------------------------------------------------
    Table("training_by_service", "training_coverage_by_service", "snapshot", STAFF, "training_coverage",
          "Required courses in date, of required courses, by service at the snapshot.", dims=("service",),
          counts=(Count("required", "required"), Count("in_date", "in_date"),
                  Count("expiring_soon", "expiring_soon"), Count("people_not_in_date", "people_not_in_date"),
                  Count("people_expiring_soon", "people_expiring_soon"),
                  Count("people_expiring_30_days", "people_expiring_30_days"))),
    Table("training_by_course", "training_coverage_by_course", "snapshot", STAFF, "training_coverage",
          "Required courses in date, of required courses, by course at the snapshot.", dims=("course",),
          counts=(Count("required", "required"), Count("in_date", "in_date"),
                  Count("expiring_soon", "expiring_soon"))),
    Table("training_trend", "training_coverage_by_snapshot_service", "all", STAFF, "training_coverage",
          "Required courses in date by service at every snapshot.", dims=("service",),
          counts=(Count("required", "required"), Count("in_date", "in_date"))),
    Table("training_snapshots", "training_snapshots", "all", PROCESS, "training_snapshot",
          "Council-wide training coverage at every snapshot, staff and councillors apart.",
          counts=(Count("required", "required"), Count("in_date", "in_date"),
                  Count("expiring_soon", "expiring_soon"))),
    Table("reference_gaps", "reference_gaps", "all", OFFICER_ONLY, "statutory_category",
          "Category and service names the exports use that the reference tables do not name."),
    Table("training_completions", "training_completions_by_course_year", "all", OFFICER_ONLY, "training_coverage",
          "Completions of each course in each calendar year, from the latest snapshot that records them."),
    # --- staff survey: class 3 --------------------------------------------------------------------------
    Table("survey_waves", "survey_waves_summary", "all", PROCESS, "respondents",
          "Each wave of the staff survey: when it closed, who was asked and how many answered."),
    Table("survey_questions", "survey_positive_by_question_wave", "all", STAFF, "positive_share",
          "Positive answers of answers to each question in each wave.", dims=("survey_id", "question_id"),
          counts=(Count("answered", "answered"), Count("positive", "positive"))),
    # --- self-assessment: counts standards, not people ----------------------------------------------------
    Table("self_assessment_ratings", "self_assessment_ratings", "all", REFERENCE, "rating_shown",
          "The rating shown for each standard in each audit year."),
    Table("self_assessment_shares", "self_assessment_share_by_year", "all", REFERENCE, "rating_shown",
          "Standards at each rating of all standards, per audit year and framework."),
    # --- outcomes: class 1, the funnel ---------------------------------------------------------------------
    Table("outcomes", "outcomes_by_programme", "financial_year", PEOPLE, "outcome_success",
          "Each programme's funnel: sought, engaged, positive, negative and unknown.", dims=("programme", "measure"),
          counts=tuple(Count(c, "outcome_people", (("stage", c),))
                       for c in ("sought", "engaged", "positive", "negative", "unknown"))),
    # --- what is loaded ---------------------------------------------------------------------------------------
    Table("loads_history", "loads_history", "all", REFERENCE, "quarantine",
          "Each file loaded: when, its kind and the columns dropped.",
          officer_columns=("load_id", "rows_read", "rows_loaded", "rows_replaced", "rows_quarantined")),
    Table("quarantine_by_rule", "quarantine_by_rule", "all", PEOPLE, "quarantine",
          "Rows set aside on loading, by file and rule.", dims=("file_name", "rule", "column_name"),
          counts=(Count("rows_quarantined", "quarantined"),)),
    Table("data_freshness", "data_freshness", "all", REFERENCE, "as_of",
          "How much of each kind of export is stored and how recent it is."),
    # --- row level: the officer view only -------------------------------------------------------------------
    Table("overdue_concerns", "overdue_concerns", "period", ROW_LEVEL, "overdue_unreviewed",
          "Each concern not yet reviewed and past the target (reference only, no personal details)."),
    Table("due_concerns", "due_concerns", "all", ROW_LEVEL, "as_of",
          "Each concern not yet reviewed whose review clock is still running, least time left first."),
    Table("quarantine_rows", "quarantine_rows", "all", ROW_LEVEL, "quarantine",
          "Each row set aside on loading, with its file, line, column and reason."),
)

BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no figure named {name!r} in the catalog") from None


def params(t: Table, period, options: dict) -> dict:
    """The named query's parameters for a period (a `Period`, or None for an `all` table)."""
    out = {}
    for name in queries.get(t.mart).params:
        if name == "start_date":
            out[name] = period.start
        elif name == "end_date":
            out[name] = period.end
        elif name == "financial_year":
            out[name] = period.financial_year.label
        else:
            out[name] = options[name]
    return out


def officer_frame(con, t: Table, period, options: dict) -> pd.DataFrame:
    """The unsuppressed figures of one table for one period (or all time)."""
    if t.compute is not None:
        return t.compute(con, period, options)
    return queries.run(con, t.mart, params(t, period, options))


__all__ = ["Count", "Table", "TABLES", "BY_NAME", "DEFAULT_TARGET_HOURS", "table", "params", "officer_frame", "PEOPLE",
           "PROCESS", "STAFF", "REFERENCE", "ROW_LEVEL", "STATUSES", "STATUS_GROUPS", "BAND_STATUS", "OUTCOME_GROUPS"]
