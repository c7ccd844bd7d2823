"""Review timeliness against the target (24 hours by default): the briefing's section and the page's parts."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from .. import present
from ..catalog import BAND_STATUS
from ..figures import DEFAULT_TARGET_HOURS
from ..periods import Period
from ..present import is_missing
from ..stats import NOT_APPLICABLE, SUPPRESSED, Share, describe_change
from .common import first_row, frame_total, hidden, keep, share_item, value, with_flags

TREND_QUARTERS = 12
COUNTS = ["raised", "within_target", "late", "overdue_unreviewed", "clock_running", "in_denominator", "reviewed"]


def _hours(row, col: str) -> Optional[float]:
    v = row.get(col)
    return None if hidden(row, col) or is_missing(v) else float(v)


def section(figures, period: Period, target_hours: float = 24) -> Optional[dict]:
    frame = figures.get("timeliness", period, target_hours=target_hours)
    overall = first_row(frame, dimension="all")
    if overall is None or not overall.get("raised"):
        return None
    as_of = figures.as_of()
    out = {
        "target_hours": int(target_hours) if float(target_hours).is_integer() else target_hours,
        "reviewed_within_target": share_item(overall, "within_target", "in_denominator"),
        "median_hours_to_review": _hours(overall, "median_hours_to_review"),
        "p90_hours_to_review": _hours(overall, "p90_hours_to_review"),
        "overdue_unreviewed": value(overall, "overdue_unreviewed"),
        "late": value(overall, "late"),
        "clock_running": value(overall, "clock_running"),
        "as_of": as_of.isoformat(timespec="minutes") if as_of else None,
    }
    if any(hidden(overall, c) for c in ("overdue_unreviewed", "late", "clock_running", "within_target")):
        out["suppressed"] = True
    return out


# --- the page -------------------------------------------------------------------------------------

def overall(frame: pd.DataFrame, services: tuple) -> tuple[Optional[dict], pd.DataFrame]:
    """The period's figures for the services chosen (or the whole council), and the per-service rows."""
    if frame is None or frame.empty:
        return None, pd.DataFrame()
    by_service = keep(frame[frame["dimension"] == "service"].rename(columns={"value": "service"}), services)
    if services:
        figures = {c: frame_total(by_service, c) for c in COUNTS}
        one = len(by_service) == 1
        figures["median"] = by_service.iloc[0]["median_hours_to_review"] if one else None
        figures["p90"] = by_service.iloc[0]["p90_hours_to_review"] if one else None
    else:
        row = frame[frame["dimension"] == "all"].iloc[0]
        figures = {c: (None if pd.isna(row[c]) else int(row[c])) for c in COUNTS}
        figures["median"], figures["p90"] = row["median_hours_to_review"], row["p90_hours_to_review"]
    return figures, by_service


def against_words(now: dict, before: Optional[dict], before_label: str) -> str:
    share_now = present.share_or_none(now["within_target"], now["in_denominator"])
    share_before = present.share_or_none(before["within_target"], before["in_denominator"]) if before else None
    if not before or before["raised"] == 0:
        return f"{before_label}: no concerns recorded to compare with."
    if share_before is None or share_now is None:
        return f"{before_label}: {present.share(before['within_target'], before['in_denominator'])}."
    return f"{before_label}: {share_before.format(interval=True)}; {describe_change(share_before, share_now)}."


def with_shares(df: pd.DataFrame) -> pd.DataFrame:
    """Add share (0-1), low, high (the 95% Wilson interval) and the words: "58 of 63, 92%" and "83% to 97%"."""
    out = df.copy()
    shares = [present.share_or_none(c, o) for c, o in zip(out["within_target"], out["in_denominator"])]
    out["share"] = [s.proportion if s and s.of else None for s in shares]
    out["low"] = [s.interval[0] if s and s.of else None for s in shares]
    out["high"] = [s.interval[1] if s and s.of else None for s in shares]
    out["label"] = [SUPPRESSED if s is None else s.format() for s in shares]
    out["pct"] = [SUPPRESSED if s is None else NOT_APPLICABLE if not s.of else f"{s.pct_rounded}%" for s in shares]
    out["interval"] = [present.interval(s) for s in shares]
    return out


def quarter_trend(trend: pd.DataFrame, period: Period, target: int) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The share reviewed within target by quarter, up to the period: the frame to draw, its table, a sentence."""
    trend = trend[pd.to_datetime(trend["quarter_start"]).dt.date <= period.end].tail(TREND_QUARTERS)
    trend = with_shares(trend.rename(columns={"value": "quarter"})).reset_index(drop=True)
    known = trend.dropna(subset=["share"])
    if trend.empty:
        summary = ""
    elif len(known):
        best, worst = known.loc[known["share"].idxmax()], known.loc[known["share"].idxmin()]
        last = trend.iloc[-1]
        summary = (f"Across all services, the share reviewed within {target} hours over the {len(trend)} quarters "
                   f"from {trend.iloc[0]['quarter']} to {last['quarter']} ranged from {worst['pct']} "
                   f"({worst['quarter']}) to {best['pct']} ({best['quarter']}); in {last['quarter']} it was "
                   f"{last['label']}.")
    else:
        summary = "Every quarterly share in this range is hidden ([c])."
    trend["pct_label"] = trend["pct"]
    table = with_flags(trend[["quarter", "within_target", "in_denominator", "pct", "interval"]]
                       .rename(columns={"pct": "share"}), ["within_target", "in_denominator"])
    return trend, table, summary


def reference(now: dict, services: tuple) -> Optional[tuple[float, str]]:
    """The share the services are drawn against (a labelled rule): the council's, or that of the services chosen;
    None where it is hidden or a share of nothing."""
    share = present.share_or_none(now["within_target"], now["in_denominator"])
    if share is None or not share.of:
        return None
    return share.proportion, "Services chosen" if services else "All services"


def target_band(bands: pd.DataFrame, target: int) -> Optional[tuple[str, str]]:
    """The review-time band the target ends (marked on the chart) and the mark's name; None for a target that
    falls inside a band (the bands are fixed at the 24-hour target: catalog.BAND_STATUS)."""
    last = max(order for order, status in BAND_STATUS.items() if status == "within_target")
    ends = bands.loc[bands["band_order"] == last, "band"]
    return (ends.iloc[0], f"{target}-hour target") if target == DEFAULT_TARGET_HOURS and len(ends) else None


def drawn(rated: pd.DataFrame) -> pd.DataFrame:
    """The services whose share can be drawn (a hidden share is listed in the table, not drawn)."""
    return rated.dropna(subset=["share"])


def by_service(frame: pd.DataFrame, period: Period, target: int) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    rated = with_shares(frame)
    rated = rated[rated["in_denominator"].isna() | (rated["in_denominator"] > 0)]
    rated = rated.sort_values(["share", "service"], ascending=[False, True], na_position="last").reset_index(drop=True)
    known = rated.dropna(subset=["share"])
    if len(known) > 1 and known["pct"].nunique() == 1:
        summary = (f"In {period.label}, each of the {len(known)} services shown reviewed {known.iloc[0]['pct']} of its "
                   f"concerns within {target} hours.")
    elif len(known) > 1:
        summary = (f"In {period.label}, the share reviewed within {target} hours ranged from "
                   f"{known.iloc[-1]['label']} ({known.iloc[-1]['service']}) to {known.iloc[0]['label']} "
                   f"({known.iloc[0]['service']}); the bars show each share's 95% confidence interval.")
    elif len(known) == 1:
        only = known.iloc[0]
        summary = f"In {period.label}, {only['service']} reviewed {only['label']} within {target} hours."
    else:
        summary = f"Every share by service in {period.label} is hidden ([c])."
    if len(known) and len(known) < len(rated):
        summary = summary[:-1] + f"; {len(rated) - len(known)} services' shares are hidden ([c])."
    table = with_flags(rated[["service", "within_target", "in_denominator", "pct", "interval"]]
                       .rename(columns={"pct": "share"}), ["within_target", "in_denominator"])
    return rated, table, summary


def medians(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["service", "reviewed", "median_hours_to_review", "p90_hours_to_review"]
                + [c for c in ("reviewed_suppressed", "median_hours_to_review_suppressed",
                               "p90_hours_to_review_suppressed") if c in frame.columns]]
    out = out.sort_values(["median_hours_to_review", "service"], na_position="last")
    out = out.rename(columns={"p90_hours_to_review": "90th percentile hours",
                              "p90_hours_to_review_suppressed": "90th percentile hours_suppressed"})
    return with_flags(out, ["reviewed"])


def bands_summary(bands: pd.DataFrame, period: Period) -> tuple[object, str]:
    """(reviewed: 0, a count, or None where hidden) and the sentence for the review-time chart."""
    reviewed = frame_total(bands, "concerns")
    fast = bands[bands["band_order"] == 1]["concerns"]
    slow_total = frame_total(bands[bands["band_order"] >= 5], "concerns")
    if reviewed is None or fast.isna().any() or slow_total is None:
        return reviewed, f"Some of the counts of review times in {period.label} are hidden ([c])."
    if not reviewed:
        return reviewed, ""
    return reviewed, (f"Across all services, of {reviewed:,} concerns raised in {period.label} and reviewed, "
                      f"{int(fast.iloc[0]):,} ({Share(int(fast.iloc[0]), reviewed).pct_rounded}%) were reviewed "
                      f"within 4 hours and {slow_total:,} ({Share(slow_total, reviewed).pct_rounded}%) took more than "
                      "24 hours.")


def _waiting(frame: pd.DataFrame, hours: list[str]) -> pd.DataFrame:
    """Concerns not yet reviewed, by reference only (no personal details), in the mart's order."""
    shown = frame[["concern_id", "raised_at", "service", "category", *hours]].rename(
        columns={"concern_id": "reference"})
    shown["raised_at"] = pd.to_datetime(shown["raised_at"]).dt.strftime("%d %b %Y %H:%M")
    return shown


def overdue_list(overdue: pd.DataFrame) -> pd.DataFrame:
    """Concerns past the target and not reviewed, longest waiting first."""
    return _waiting(overdue, ["hours_waiting"])


def due_list(due: pd.DataFrame) -> pd.DataFrame:
    """Concerns whose review clock is still running, least time left first."""
    return _waiting(due, ["hours_waiting", "hours_left"])


def due_words(due: pd.DataFrame, target: int) -> str:
    many = len(due) != 1
    first = due.iloc[0]
    return (f"{len(due):,} concern{'s' if many else ''} {'are' if many else 'is'} not yet reviewed and still inside "
            f"the {target}-hour target at the as-of time; the first runs out in {first['hours_left']:.1f} hours "
            f"({first['service']}). Review {'them' if many else 'it'} before the clock runs out.")
