"""The briefing: every section of metrics.md for one period, as one object.

`build` returns plain data; the JSON form is that object as it is (metrics.md,
"The briefing"). A section with no data for the period is None (null).
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from . import metrics
from .periods import Period


def build(con: duckdb.DuckDBPyConnection, period: Period, view: str = "officer",
          target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> dict:
    if view not in ("officer", "scrutiny"):
        raise ValueError(f"view must be officer or scrutiny, not {view}")
    brief = {
        "period": period.as_dict(),
        "view": view,
        "generated_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "concerns": metrics.concerns_summary(con, period),
        "timeliness": metrics.timeliness_summary(con, period, target_hours),
        "training": metrics.training_summary(con, period),
        "survey": metrics.survey_summary(con, period),
        "self_assessment": metrics.self_assessment_summary(con, period),
        "outcomes": metrics.outcomes_summary(con, period),
    }
    if view == "scrutiny":
        from .scrutiny import ScrutinySource, suppress_briefing
        from .source import OfficerSource

        brief = suppress_briefing(brief, ScrutinySource(OfficerSource(con)), target_hours)
    return brief


def to_json(brief: dict) -> str:
    return json.dumps(brief, indent=2, ensure_ascii=False, default=str)
