"""Frames shaped for the area pages: training, staff survey, self-assessment, outcomes.

Pure functions from the source's DataFrames (see sg_data.source) to the frames
the pages chart and tabulate, so the pages stay thin and the logic is testable
without Streamlit.

Every function tolerates the Scrutiny view's frames: count columns may be
nullable `Int64` with `<NA>` where a count is suppressed, beside a bool column
`<col>_suppressed`. A share with a suppressed part is shown as `[c]`; a total
over a suppressed part is suppressed too (adding up the rest would give it
away). In the officer view a blank count (an outcome's `sought` or `negative`)
means "not recorded", which is said in words rather than hidden.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

import pandas as pd

from .stats import SUPPRESSED, Share, describe_change, is_clear_change

NOT_RECORDED = "not recorded"
RATING_RANK = {"Red": 1, "Amber": 2, "Green": 3, "Blue": 4}


# --- shares that may have a suppressed part ------------------------------------------------------

def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def share_of(count, of) -> Optional[Share]:
    """A Share, or None where either part is missing (suppressed)."""
    if is_missing(count) or is_missing(of):
        return None
    return Share(int(count), int(of))


def share_label(count, of, interval: bool = True) -> str:
    """`"13 of 27, 48% (31%-66%)"`; `[c]` where a part is suppressed; `0 of 0, [z]`."""
    share = share_of(count, of)
    if share is None:
        return SUPPRESSED
    return share.format(interval=interval and share.of > 0)


def with_shares(df: pd.DataFrame, count: str, of: str, interval: bool = True) -> pd.DataFrame:
    """Adds `share`, `low`, `high` (proportions; missing where suppressed or 0 of 0) and `label`."""
    out = df.copy()
    shares, lows, highs, labels = [], [], [], []
    for c, n in zip(out[count], out[of]):
        s = share_of(c, n)
        if s is None or s.of == 0:
            shares.append(None), lows.append(None), highs.append(None)
        else:
            lo, hi = s.interval
            shares.append(s.proportion), lows.append(lo), highs.append(hi)
        labels.append(share_label(c, n, interval))
    out["share"] = pd.array(shares, dtype="Float64")
    out["low"] = pd.array(lows, dtype="Float64")
    out["high"] = pd.array(highs, dtype="Float64")
    out["label"] = labels
    return out


def total(series: pd.Series):
    """The sum of a count column, or None where any part is suppressed (the total would give it away)."""
    if series.isna().any():
        return None
    return int(series.sum())


def count_text(value, suppressed: bool = False) -> str:
    if suppressed:
        return SUPPRESSED
    if is_missing(value):
        return NOT_RECORDED
    return f"{int(value):,}"


def _suppressed(row, col: str) -> bool:
    flag = row.get(f"{col}_suppressed") if hasattr(row, "get") else None
    return bool(flag) if flag is not None and not is_missing(flag) else False


def flag_suppressed(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Marks missing counts as suppressed (`<col>_suppressed`) so tables show `[c]`."""
    out = df.copy()
    for col in cols:
        if col in out and out[col].isna().any():
            out[f"{col}_suppressed"] = out[col].isna()
    return out


def _sum_or_na(series: pd.Series):
    return pd.NA if series.isna().any() else int(series.sum())


def date_text(day) -> str:
    return f"{pd.Timestamp(day):%-d %B %Y}"


# --- training ------------------------------------------------------------------------------------

def staff_or_councillors(frame: pd.DataFrame) -> pd.Series:
    return frame["is_councillor"].map(lambda c: "Councillors" if bool(c) else "Staff")


def training_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Coverage for staff and councillors apart, then everyone: group, in_date, required, share columns."""
    rows = []
    if not frame.empty:
        groups = staff_or_councillors(frame)
        for name in ("Staff", "Councillors"):
            part = frame[groups == name]
            if len(part):
                rows.append({"group": name, "in_date": _sum_or_na(part["in_date"]),
                             "required": _sum_or_na(part["required"])})
        rows.append({"group": "Everyone", "in_date": _sum_or_na(frame["in_date"]),
                     "required": _sum_or_na(frame["required"])})
    out = pd.DataFrame(rows, columns=["group", "in_date", "required"])
    out["in_date"] = out["in_date"].astype("Int64")
    out["required"] = out["required"].astype("Int64")
    return with_shares(out, "in_date", "required")


def training_by_service(frame: pd.DataFrame) -> pd.DataFrame:
    """Coverage per service, staff services first by coverage (lowest first), Councillors last."""
    out = with_shares(frame, "in_date", "required")
    out["_order"] = out["is_councillor"].astype(bool)
    out = out.sort_values(["_order", "share", "service"], na_position="last").drop(columns="_order")
    return out.reset_index(drop=True)


def course_label(course: str, level) -> str:
    return f"{course} (level {int(level)})" if not is_missing(level) else course


def training_by_course(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["course_label"] = [course_label(c, lv) for c, lv in zip(out["course"], out["level"])]
    return with_shares(out, "in_date", "required")


def training_trend(trend: pd.DataFrame, services: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per snapshot, staff and councillors apart: in_date, required and share columns, in date order."""
    cols = ["snapshot_date", "snapshot", "group", "in_date", "required"]
    if trend.empty:
        return with_shares(pd.DataFrame(columns=cols).astype({"in_date": "Int64", "required": "Int64"}),
                           "in_date", "required")
    data = trend if not services else trend[trend["service"].isin(services)]
    data = data.assign(group=staff_or_councillors(data))
    out = (data.groupby(["snapshot_date", "group"], as_index=False)
           .agg(in_date=("in_date", _sum_or_na), required=("required", _sum_or_na)))
    out["in_date"] = out["in_date"].astype("Int64")
    out["required"] = out["required"].astype("Int64")
    out["snapshot"] = pd.to_datetime(out["snapshot_date"]).dt.strftime("%Y-%m-%d")
    out = out.sort_values(["snapshot_date", "group"], ascending=[True, False]).reset_index(drop=True)
    return with_shares(out[cols], "in_date", "required")


def expiring_by_service(frame: pd.DataFrame) -> pd.DataFrame:
    """People with a required course expiring in the next 90 days, per service, most first."""
    out = frame[["service", "people_expiring_soon"]
                + [c for c in frame.columns if c == "people_expiring_soon_suppressed"]].copy()
    out["_sort"] = out["people_expiring_soon"].astype("Float64").fillna(-1)
    out = out.sort_values(["_sort", "service"], ascending=[False, True]).drop(columns="_sort")
    return out.reset_index(drop=True)


# --- staff survey --------------------------------------------------------------------------------

def wave_for(waves: pd.DataFrame, end: dt.date) -> Optional[pd.Series]:
    """The latest wave with closed_on on or before the period's end (metrics.md)."""
    if waves.empty:
        return None
    ordered = waves.sort_values("closed_on")
    eligible = ordered[pd.to_datetime(ordered["closed_on"]).dt.date <= end]
    return None if eligible.empty else eligible.iloc[-1]


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


# --- self-assessment -----------------------------------------------------------------------------

def year_for(ratings: pd.DataFrame, end: dt.date) -> Optional[str]:
    """The latest audit year ending on or before the period's end (as metrics.self_assessment_year_for)."""
    if ratings.empty:
        return None
    ends = ratings.dropna(subset=["year_end_date"]).groupby("year")["year_end_date"].max()
    ends = ends[pd.to_datetime(ends).dt.date <= end]
    if ends.empty:
        return None
    return max((pd.Timestamp(d), y) for y, d in ends.items())[1]


def year_order(ratings: pd.DataFrame) -> list[str]:
    return (ratings.groupby("year")["year_end_date"].max().sort_values().index.tolist())


def framework_spans(ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per framework in the order the council used them: first and last year, years."""
    if ratings.empty:
        return pd.DataFrame(columns=["framework", "first_year", "last_year", "years", "start"])
    years = ratings.groupby(["framework", "year"], as_index=False)["year_end_date"].max()
    rows = []
    for fw, part in years.groupby("framework"):
        part = part.sort_values("year_end_date")
        rows.append({"framework": fw, "first_year": part["year"].iloc[0], "last_year": part["year"].iloc[-1],
                     "years": len(part), "start": part["year_end_date"].iloc[0]})
    return pd.DataFrame(rows).sort_values("start").reset_index(drop=True)


def _audit_name(framework: str) -> str:
    """`Section 11 (OSCB)` -> `the Section 11 (OSCB) audit`; other names are used as they are."""
    return f"the {framework} audit" if "audit" not in framework.lower() and "assessment" not in framework.lower() \
        else f"the {framework}"


def framework_change_sentences(ratings: pd.DataFrame) -> list[str]:
    spans = framework_spans(ratings)
    out = []
    for prev, nxt in zip(spans.itertuples(), spans.iloc[1:].itertuples()):
        out.append(f"In {nxt.first_year} the council moved from {_audit_name(prev.framework)} "
                   f"({prev.first_year} to {prev.last_year}) to {_audit_name(nxt.framework)}. Standards are "
                   "compared across years only within one framework; across the two, compare the share of "
                   "standards at each rating.")
    return out


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(text)))


def moderation(self_rating, peer_rating) -> str:
    """How peer review treated the council's own rating."""
    if is_missing(peer_rating) or not str(peer_rating).strip():
        return "not peer reviewed: own rating shown"
    s, p = RATING_RANK.get(str(self_rating)), RATING_RANK.get(str(peer_rating))
    if s is None or p is None or s == p:
        return "confirmed by peer review" if s == p else "peer rating shown"
    return "moderated up by peer review" if p > s else "moderated down by peer review"


_ARROW = {"moderated up by peer review": " ↑", "moderated down by peer review": " ↓",
          "not peer reviewed: own rating shown": " (own)"}


def matrix_frame(ratings: pd.DataFrame, framework: str) -> pd.DataFrame:
    """One framework's standards by years: x = year in date order, y = `standard_id standard`, cell text."""
    part = ratings[ratings["framework"] == framework].copy()
    if part.empty:
        return part.assign(standard_label=[], cell=[], moderation=[])
    part["standard_label"] = part["standard_id"].astype(str) + " " + part["standard"].astype(str)
    part["moderation"] = [moderation(s, p) for s, p in zip(part["self_rating"], part["peer_rating"])]
    part["cell"] = part["rating"].astype(str) + part["moderation"].map(lambda m: _ARROW.get(m, ""))
    first = part.groupby("standard_label")["year_end_date"].min()
    part["_first"] = part["standard_label"].map(first)
    part["_nat"] = part["standard_id"].map(_natural)
    part = part.sort_values(["year_end_date", "_first", "_nat"])
    # rows in the order standards first appear, then by number; columns in date order
    labels = (part.sort_values(["_first", "_nat"])["standard_label"].drop_duplicates().tolist())
    part["standard_label"] = pd.Categorical(part["standard_label"], categories=labels, ordered=True)
    part = part.sort_values(["year_end_date", "standard_label"]).drop(columns=["_first", "_nat"])
    part["standard_label"] = part["standard_label"].astype(str)
    return part.reset_index(drop=True)


def self_vs_peer(ratings: pd.DataFrame, year: str) -> pd.DataFrame:
    part = ratings[ratings["year"] == year].copy()
    part["_nat"] = part["standard_id"].map(_natural)
    part = part.sort_values(["framework", "_nat"])
    out = pd.DataFrame({
        "Standard": (part["standard_id"].astype(str) + " " + part["standard"].astype(str)).tolist(),
        "Rating shown": part["rating"].tolist(),
        "Source": part["rating_source"].tolist(),
        "Self rating": part["self_rating"].fillna("").tolist(),
        "Peer rating": part["peer_rating"].fillna("not peer reviewed").tolist(),
        "Peer review": [moderation(s, p) for s, p in zip(part["self_rating"], part["peer_rating"])],
        "Area": part["area"].tolist(),
    })
    return out


def rating_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Share of standards at each rating per year, years in date order, best rating first."""
    out = shares.sort_values(["year_end_date", "rating_rank"], ascending=[True, False]).copy()
    out["label"] = [share_label(c, n, interval=False) for c, n in zip(out["standards"], out["of_standards"])]
    out["standards"] = out["standards"].astype("Int64")
    out["of_standards"] = out["of_standards"].astype("Int64")
    return out.reset_index(drop=True)


# --- outcomes ------------------------------------------------------------------------------------

def outcome_notes(row) -> list[str]:
    """Why a figure cannot be worked out for a row (never a reason to hide it)."""
    notes = []
    if is_missing(row.get("sought")) and not _suppressed(row, "sought"):
        notes.append("Sought was not recorded: reach cannot be worked out")
    if is_missing(row.get("negative")) and not _suppressed(row, "negative"):
        notes.append("Negative outcomes not recorded: unknown cannot be worked out")
    return notes


def _rate(row, count: str, of: str) -> str:
    c, n = row.get(count), row.get(of)
    if (is_missing(c) and not _suppressed(row, count)) or (is_missing(n) and not _suppressed(row, of)):
        return f"cannot be worked out ({(of if is_missing(n) else count)} {NOT_RECORDED})"
    return share_label(c, n, interval=True)


def outcome_table(frame: pd.DataFrame, with_period: bool = False) -> pd.DataFrame:
    """Each programme and measure with its funnel and its three rates, all as text; notes say what is missing."""
    rows = []
    for _, r in frame.iterrows():
        row = r.to_dict()
        rows.append({
            **({"Year": row["period"]} if with_period else {}),
            "Programme": row["programme"], "Measure": row["measure"],
            "Sought": count_text(row.get("sought"), _suppressed(row, "sought")),
            "Engaged": count_text(row.get("engaged"), _suppressed(row, "engaged")),
            "Positive": count_text(row.get("positive"), _suppressed(row, "positive")),
            "Negative": count_text(row.get("negative"), _suppressed(row, "negative")),
            "Unknown": count_text(row.get("unknown"), _suppressed(row, "unknown"))
            if not (is_missing(row.get("unknown")) and not _suppressed(row, "unknown")) else "cannot be worked out",
            "Reach (engaged of sought)": _rate(row, "engaged", "sought"),
            "Success (positive of engaged)": _rate(row, "positive", "engaged"),
            "Negative rate (negative of engaged)": _rate(row, "negative", "engaged"),
            "Note": "; ".join(outcome_notes(row)),
        })
    return pd.DataFrame(rows)


STAGES = (("sought", "Sought"), ("engaged", "Engaged"), ("positive", "Positive outcome"),
          ("negative", "Negative outcome"), ("unknown", "Outcome unknown"))


def funnel_frame(row: dict) -> pd.DataFrame:
    """One programme and measure as stages: stage, people (missing where not recorded or [c]), label."""
    rows = []
    for col, name in STAGES:
        value, supp = row.get(col), _suppressed(row, col)
        if supp:
            label = SUPPRESSED
        elif is_missing(value):
            label = NOT_RECORDED if col != "unknown" else "cannot be worked out"
        else:
            label = f"{int(value):,}"
            of_col = "sought" if col == "engaged" else ("engaged" if col in ("positive", "negative", "unknown")
                                                        else None)
            if of_col:
                share = share_of(value, row.get(of_col))
                if share is not None and share.of:
                    label += f" ({share.pct_rounded}% of {of_col})"
        rows.append({"stage": name, "people": None if is_missing(value) else int(value), "label": label})
    out = pd.DataFrame(rows)
    out["people"] = out["people"].astype("Int64")
    return out


def funnel_sentence(row: dict) -> str:
    """One sentence for a funnel chart, from its figures."""
    def c(col):
        return count_text(row.get(col), _suppressed(row, col))

    parts = [f"{row['programme']}, {row['measure']} ({row['period']}): "]
    if is_missing(row.get("sought")) and not _suppressed(row, "sought"):
        parts.append(f"sought was not recorded; {c('engaged')} engaged")
    else:
        parts.append(f"{c('sought')} sought, {c('engaged')} engaged (reach {_rate(row, 'engaged', 'sought')})")
    parts.append(f"; {c('positive')} had the positive outcome (success {_rate(row, 'positive', 'engaged')})")
    if is_missing(row.get("negative")) and not _suppressed(row, "negative"):
        parts.append(", negative outcomes were not recorded, so how many are unknown cannot be worked out.")
    else:
        parts.append(f", {c('negative')} a negative outcome and {c('unknown')} unknown.")
    return "".join(parts)


def outcome_rates_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Reach, success and negative rate per year and measure, long form with share columns, for a chart."""
    rows = []
    for _, r in frame.sort_values("period").iterrows():
        row = r.to_dict()
        for name, count, of in (("Reach", "engaged", "sought"), ("Success", "positive", "engaged"),
                                ("Negative rate", "negative", "engaged")):
            c, n = row.get(count), row.get(of)
            not_recorded = ((is_missing(c) and not _suppressed(row, count))
                            or (is_missing(n) and not _suppressed(row, of)))
            rows.append({"period": row["period"], "measure": row["measure"], "rate": name,
                         "count": c, "of": n, "not_recorded": not_recorded})
    out = pd.DataFrame(rows, columns=["period", "measure", "rate", "count", "of", "not_recorded"])
    out["count"] = out["count"].astype("Int64")
    out["of"] = out["of"].astype("Int64")
    out = with_shares(out, "count", "of")
    out.loc[out["not_recorded"], "label"] = out.loc[out["not_recorded"], "rate"].map(
        lambda r: f"{r.lower()} {NOT_RECORDED}")
    return out


