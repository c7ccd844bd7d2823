"""The briefing: every section of metrics.md for one period, as one object, from the figures service.

`build` returns plain data; the JSON form is that object as it is (metrics.md,
"The briefing"). A section with no data for the period is None (null). The
sections are the view models' (sg_data.views), the same functions the pages
call, and the figures are the deployment's: in the Scrutiny view the
publication's, so a hidden count is None beside `"suppressed": true`.
"""

from __future__ import annotations

import datetime as dt
import json

from . import views
from .figures import DEFAULT_TARGET_HOURS
from .periods import Period


def period_dict(period: Period, figures) -> dict:
    """The period with whether the data covers all of it (metrics.md, Periods)."""
    out = period.as_dict()
    as_of = figures.as_of()
    out["complete"] = bool(as_of is not None and as_of.date() >= period.end)
    out["data_to"] = (period.end if out["complete"] or as_of is None else max(period.start, as_of.date())).isoformat()
    return out


def build(figures, period: Period, target_hours: float = DEFAULT_TARGET_HOURS) -> dict:
    if figures.published_target is not None:
        target_hours = figures.published_target
    return {
        "period": period_dict(period, figures),
        "view": figures.view,
        "generated_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "concerns": views.concerns.section(figures, period),
        "timeliness": views.timeliness.section(figures, period, target_hours),
        "training": views.training.section(figures, period),
        "survey": views.survey.section(figures, period),
        "self_assessment": views.self_assessment.section(figures, period),
        "outcomes": views.outcomes.section(figures, period),
    }


def to_json(brief: dict) -> str:
    return json.dumps(brief, indent=2, ensure_ascii=False, default=str)
