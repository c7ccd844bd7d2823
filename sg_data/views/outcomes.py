"""Programme outcomes with their whole funnel (the Scrutiny denominators)."""

from __future__ import annotations

from typing import Optional

from ..periods import Period
from ..present import is_missing
from .common import hidden, value

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
