"""Review timeliness against the target (24 hours by default)."""

from __future__ import annotations

from typing import Optional

from ..periods import Period
from ..present import is_missing
from .common import first_row, hidden, share_item, value


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
