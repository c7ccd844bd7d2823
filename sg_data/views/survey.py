"""The staff survey wave a period uses."""

from __future__ import annotations

import re
from typing import Optional

import pandas as pd

from ..periods import Period

from ..stats import SUPPRESSED, describe_change, is_clear_change
from .common import share_item, share_label, share_of, value, with_flags, with_shares


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


# --- the page -------------------------------------------------------------------------------------

def previous_wave(waves: pd.DataFrame, survey_id: str) -> Optional[pd.Series]:
    ordered = waves.sort_values("closed_on").reset_index(drop=True)
    at = ordered.index[ordered["survey_id"] == survey_id]
    if len(at) == 0 or at[0] == 0:
        return None
    return ordered.iloc[at[0] - 1]


_UPPER = {"dso": "DSO", "dsl": "DSL", "3": "3", "12": "12"}


def question_label(question_id: str) -> str:
    """`know_a_dso` -> `Know a DSO`: a short name for an axis; the table gives the full wording."""
    words = [_UPPER.get(w, w) for w in re.split(r"[_\s]+", question_id.strip()) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def wave_questions(questions: pd.DataFrame, survey_id: str) -> pd.DataFrame:
    out = questions[questions["survey_id"] == survey_id].copy()
    out["question"] = out["question_id"].map(question_label)
    return with_shares(out.reset_index(drop=True), "positive", "answered")


def question_trend(questions: pd.DataFrame) -> pd.DataFrame:
    """Every question in every wave, waves in closing order, with share columns."""
    out = questions.sort_values(["closed_on", "question_id"]).copy()
    out["question"] = out["question_id"].map(question_label)
    out["wave"] = out["survey_id"].astype(str)
    return with_shares(out.reset_index(drop=True), "positive", "answered")


def wave_changes(questions: pd.DataFrame, survey_id: str, before_id: str) -> pd.DataFrame:
    """Each question of a wave against the same question in the wave before: words for the change."""
    now = questions[questions["survey_id"] == survey_id]
    before = questions[questions["survey_id"] == before_id].set_index("question_id")
    rows = []
    for r in now.itertuples():
        this = share_of(r.positive, r.answered)
        if r.question_id in before.index:
            b = before.loc[r.question_id]
            prior = share_of(b["positive"], b["answered"])
            before_text = share_label(b["positive"], b["answered"])
        else:
            prior, before_text = None, "not asked"
        if r.question_id not in before.index:
            change, clear = "not asked in the wave before: no comparison", False
        elif this is None or prior is None:
            change, clear = f"{SUPPRESSED}: no comparison", False
        else:
            change, clear = describe_change(prior, this), is_clear_change(prior, this)
        rows.append({"question": question_label(r.question_id), "before": before_text,
                     "now": share_label(r.positive, r.answered), "change": change, "clear_change": clear})
    return pd.DataFrame(rows, columns=["question", "before", "now", "change", "clear_change"])


def wave_summary(qs: pd.DataFrame, wave_id: str) -> str:
    shown = qs.dropna(subset=["share"])
    if shown.empty:
        return f"In wave {wave_id} every question's figure is hidden ([c]) because the numbers are small."
    high, low = shown.loc[shown["share"].idxmax()], shown.loc[shown["share"].idxmin()]
    text = (f"In wave {wave_id}, {len(qs)} questions: the highest positive share is {high['question']} "
            f"({high['label'].split(' (')[0]}) and the lowest {low['question']} ({low['label'].split(' (')[0]})")
    confident = qs[qs["question_id"].str.contains("confident")]
    if len(confident) and confident.index[0] not in (high.name, low.name):
        c = confident.iloc[0]
        text += f"; {c['question']}: {c['label'].split(' (')[0]}"
    return text + "."


def questions_table(qs: pd.DataFrame) -> pd.DataFrame:
    table = with_flags(qs[["question", "label", "positive", "answered", "question_text"]], ["positive", "answered"])
    return table.rename(columns={"question_text": "Question asked", "answered": "Answered (n)",
                                 "label": "Positive share (95% interval)"})


def change_sentence(changes: pd.DataFrame, before_id: str) -> str:
    clear = changes[changes["clear_change"]]
    if clear.empty:
        return f"Against wave {before_id}, no question shows a clear change: every pair of 95% intervals overlaps."
    return (f"Against wave {before_id}, {len(clear)} of {len(changes)} questions show a clear change: "
            + "; ".join(f"{r.question} {r.change.replace(': a clear change', '')}" for r in clear.itertuples())
            + ". The others show no clear change.")


def changes_table(changes: pd.DataFrame, before_id: str, wave_id: str) -> pd.DataFrame:
    return changes.rename(columns={"before": f"Wave {before_id}", "now": f"Wave {wave_id}",
                                   "change": "Change"}).drop(columns=["clear_change"])


def trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    table = with_flags(trend[["wave", "closed_on", "question", "positive", "answered", "label"]],
                       ["positive", "answered"])
    table["closed_on"] = table["closed_on"].map(lambda d: f"{d:%Y-%m-%d}")
    return table.rename(columns={"answered": "Answered (n)", "label": "Positive share (95% interval)"})


def trend_summary(trend: pd.DataFrame) -> str:
    waves = trend["wave"].drop_duplicates().tolist()
    if not waves:
        return "There are no survey waves to show."
    changes = []
    for _, part in trend.groupby("question_id", sort=False):
        part = part.reset_index(drop=True)
        for i in range(1, len(part)):
            a = share_of(part.loc[i - 1, "positive"], part.loc[i - 1, "answered"])
            b = share_of(part.loc[i, "positive"], part.loc[i, "answered"])
            if a is not None and b is not None and is_clear_change(a, b):
                changes.append(f"{part.loc[i, 'question']}, wave {part.loc[i - 1, 'wave']} to "
                               f"{part.loc[i, 'wave']} ({describe_change(a, b).replace(': a clear change', '')})")
    text = f"{len(waves)} waves from {waves[0]} to {waves[-1]}. "
    if changes:
        return text + ("Clear changes from one wave to the next (95% intervals not overlapping): " + "; ".join(changes)
                       + ". Every other change between consecutive waves is no clear change.")
    return text + "No change from one wave to the next is a clear change (the 95% intervals overlap every time)."
