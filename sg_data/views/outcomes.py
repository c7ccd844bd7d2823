"""Programme outcomes with their whole funnel (the Scrutiny denominators)."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..periods import Period
from ..present import is_missing
from ..stats import SUPPRESSED, describe_change
from .common import NOT_RECORDED, count_text, hidden, share_label, share_of, value, with_flags, with_shares

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


def all_years(figures, labels: list[str]) -> pd.DataFrame:
    """Every financial year's rows, oldest first."""
    from ..periods import parse

    frames = [figures.get("outcomes", parse(label)) for label in sorted(labels) if " Q" not in label]
    frames = [fr for fr in frames if fr is not None and len(fr)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def year_shown(history: pd.DataFrame, period) -> tuple[str, str]:
    """The financial year the page shows for a period, and why where it is not the period's own: outcomes are
    recorded by financial year, so a quarter shows its year; a year with none yet shows the latest earlier year
    that has them (the page opens on the latest data, and says so)."""
    own = period.financial_year.label
    why = f"{period.label} shows {own}, the financial year that contains it." if period.label != own else ""
    years = sorted(set(history["period"])) if len(history) else []
    if own in years or not years:
        return own, why
    earlier = [y for y in years if y < own]
    if not earlier:
        return own, why
    return earlier[-1], (f"No outcomes are recorded for {own} yet, so this shows {earlier[-1]}, the latest financial "
                         f"year before it that has them.")


def notes(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(programme, measure, note) for every row whose denominator was not recorded."""
    return [(r["programme"], r["measure"], note) for r in frame.to_dict("records") for note in outcome_notes(r)]


def funnel_table(funnel: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Stage": funnel["stage"], "People": funnel["label"].str.split(" \\(").str[0],
                         "Share": funnel["label"].map(lambda t: t.split("(")[1].rstrip(")") if "(" in t else "")})


def by_programme(frame: pd.DataFrame) -> list[tuple[str, list[dict]]]:
    """Each programme (in name order) with its rows as dicts, measures in name order."""
    ordered = frame.sort_values(["programme", "measure"])
    return [(p, rows.to_dict("records")) for p, rows in ordered.groupby("programme", sort=False)]


def shown_figures(frame: pd.DataFrame) -> int:
    """How many of a frame's funnel counts are shown (neither hidden nor unrecorded)."""
    return int(sum(value(r, c) is not None for r in frame.to_dict("records") for c in STAGES))


def default_programme(history: pd.DataFrame) -> str:
    """The programme to open with: the one with the most figures shown in its latest year (then by name), so a
    Scrutiny member does not open on a funnel that is all [c]."""
    best = []
    for programme, rows in history.groupby("programme"):
        latest = rows[rows["period"] == rows["period"].max()]
        best.append((-shown_figures(latest), -shown_figures(rows), programme))
    return sorted(best)[0][2]


def programme_history(history: pd.DataFrame, programme: str) -> tuple[pd.DataFrame, list[str]]:
    rows = history[history["programme"] == programme].sort_values(["period", "measure"])
    return rows, sorted(set(history["period"]) - set(rows["period"]))


def rates_table(rates: pd.DataFrame) -> pd.DataFrame:
    return (with_flags(rates[["period", "measure", "rate", "count", "of", "label"]], ["count", "of"])
            .rename(columns={"period": "Year", "label": "Share (95% interval)"}))


def trend_summary(rates: pd.DataFrame, programme: str) -> str:
    parts = []
    for measure, part in rates[rates["rate"] == "Success"].groupby("measure", sort=False):
        known = part.dropna(subset=["share"])
        if len(known) < 2:
            continue
        first, last = known.iloc[0], known.iloc[-1]
        change = describe_change(share_of(first["count"], first["of"]), share_of(last["count"], last["of"]))
        parts.append(f"{measure}: success {change} ({first['period']} to {last['period']})")
    if not parts:
        return f"{programme}: too few years with a success rate to compare."
    return f"{programme}. " + "; ".join(parts) + "."
