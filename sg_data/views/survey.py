"""The staff survey wave a period uses."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..periods import Period
from .common import share_item, value


def wave_for(waves: pd.DataFrame, period: Period) -> Optional[dict]:
    """The latest wave with closed_on on or before the period's end (metrics.md)."""
    if waves is None or waves.empty:
        return None
    ordered = waves.sort_values("closed_on")
    eligible = ordered[pd.to_datetime(ordered["closed_on"]).dt.date <= period.end]
    return None if eligible.empty else eligible.iloc[-1].to_dict()


def section(figures, period: Period) -> Optional[dict]:
    wave = wave_for(figures.get("survey_waves"), period)
    if wave is None:
        return None
    questions = figures.get("survey_questions")
    questions = questions[questions["survey_id"] == wave["survey_id"]]
    return {
        "survey_id": wave["survey_id"],
        "title": wave["title"],
        "closed_on": pd.Timestamp(wave["closed_on"]).date().isoformat(),
        "respondents": value(wave, "respondents"),
        "invited": value(wave, "invited"),
        "questions": [{"question_id": r["question_id"], "text": r["question_text"],
                       "positive": share_item(r, "positive", "answered")} for r in questions.to_dict("records")],
    }
