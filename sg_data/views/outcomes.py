"""Programme outcomes with their whole funnel (the Scrutiny denominators)."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..periods import Period
from ..present import is_missing
from ..stats import SUPPRESSED
from .common import NOT_RECORDED, count_text, hidden, share_label, share_of, value, with_shares

STAGES = ("sought", "engaged", "positive", "negative", "unknown")


def section(figures, period: Period) -> Optional[list]:
    frame = figures.get("outcomes", period)
    if frame is None or frame.empty:
        return None
    rows = []
    for r in frame.sort_values(["programme", "measure"]).to_dict("records"):
        item = {"programme": r["programme"], "measure": r["measure"], "service": None if is_missing(r.get("service")) else r["service"]}
        hid = []
        for col in STAGES:
            item[col] = value(r, col)
            if hidden(r, col):
                hid.append(col)
        if hid:  # a None not listed here was never recorded: the denominator is missing
            item["suppressed"] = True
            item["suppressed_fields"] = hid
        rows.append(item)
    return rows


# --- the page -------------------------------------------------------------------------------------

def outcome_notes(row) -> list[str]:
    """Why a figure cannot be worked out for a row (never a reason to hide it)."""
    notes = []
    if is_missing(row.get("sought")) and not hidden(row, "sought"):
        notes.append("Sought was not recorded: reach cannot be worked out")
    if is_missing(row.get("negative")) and not hidden(row, "negative"):
        notes.append("Negative outcomes not recorded: unknown cannot be worked out")
    return notes


def _rate(row, count: str, of: str) -> str:
    c, n = row.get(count), row.get(of)
    if (is_missing(c) and not hidden(row, count)) or (is_missing(n) and not hidden(row, of)):
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
            "Sought": count_text(row.get("sought"), hidden(row, "sought")),
            "Engaged": count_text(row.get("engaged"), hidden(row, "engaged")),
            "Positive": count_text(row.get("positive"), hidden(row, "positive")),
            "Negative": count_text(row.get("negative"), hidden(row, "negative")),
            "Unknown": count_text(row.get("unknown"), hidden(row, "unknown"))
            if not (is_missing(row.get("unknown")) and not hidden(row, "unknown")) else "cannot be worked out",
            "Reach (engaged of sought)": _rate(row, "engaged", "sought"),
            "Success (positive of engaged)": _rate(row, "positive", "engaged"),
            "Negative rate (negative of engaged)": _rate(row, "negative", "engaged"),
            "Note": "; ".join(outcome_notes(row)),
        })
    return pd.DataFrame(rows)


STAGE_NAMES = (("sought", "Sought"), ("engaged", "Engaged"), ("positive", "Positive outcome"),
               ("negative", "Negative outcome"), ("unknown", "Outcome unknown"))


def funnel_frame(row: dict) -> pd.DataFrame:
    """One programme and measure as stages: stage, people (missing where not recorded or [c]), label."""
    rows = []
    for col, name in STAGE_NAMES:
        value, supp = row.get(col), hidden(row, col)
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
        return count_text(row.get(col), hidden(row, col))

    parts = [f"{row['programme']}, {row['measure']} ({row['period']}): "]
    if is_missing(row.get("sought")) and not hidden(row, "sought"):
        parts.append(f"sought was not recorded; {c('engaged')} engaged")
    else:
        parts.append(f"{c('sought')} sought, {c('engaged')} engaged (reach {_rate(row, 'engaged', 'sought')})")
    parts.append(f"; {c('positive')} had the positive outcome (success {_rate(row, 'positive', 'engaged')})")
    if is_missing(row.get("negative")) and not hidden(row, "negative"):
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
            not_recorded = ((is_missing(c) and not hidden(row, count))
                            or (is_missing(n) and not hidden(row, of)))
            rows.append({"period": row["period"], "measure": row["measure"], "rate": name,
                         "count": c, "of": n, "not_recorded": not_recorded})
    out = pd.DataFrame(rows, columns=["period", "measure", "rate", "count", "of", "not_recorded"])
    out["count"] = out["count"].astype("Int64")
    out["of"] = out["of"].astype("Int64")
    out = with_shares(out, "count", "of")
    out.loc[out["not_recorded"], "label"] = out.loc[out["not_recorded"], "rate"].map(
        lambda r: f"{r.lower()} {NOT_RECORDED}")
    return out
