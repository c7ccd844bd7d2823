"""How every figure is written: counts, shares, intervals, hours, dates and symbols, once.

The GSS style (Government Statistical Service): thousands separators
("1,381 of 1,499, 92%"), an interval as "81% to 95%", dates as "4 October
2023", and the symbols in square brackets so screen readers read them:
`[c]` confidential (hidden to protect people), `[x]` not available,
`[z]` not applicable. Pages, the briefing documents and the narrative all
write figures through these functions, so a figure reads the same wherever
it appears.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from typing import Optional

import pandas as pd

from .stats import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Share

NOT_RECORDED = "not recorded"

__all__ = ["SUPPRESSED", "NOT_AVAILABLE", "NOT_APPLICABLE", "NOT_RECORDED", "is_missing", "count", "share",
           "share_or_none", "interval", "hours", "date", "cell", "names"]


def is_missing(value) -> bool:
    """None, NaN and pandas' NA; a string or a number is not missing."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def count(value, hidden: bool = False, missing: str = NOT_AVAILABLE) -> str:
    """`1,381`; `[c]` where hidden; `missing` (default `[x]`) where there is no figure. Zero is `0`."""
    if hidden:
        return SUPPRESSED
    if is_missing(value):
        return missing
    return f"{int(value):,}"


def share_or_none(numerator, denominator) -> Optional[Share]:
    """A Share, or None where either part is missing (hidden or not recorded)."""
    if is_missing(numerator) or is_missing(denominator):
        return None
    return Share(int(numerator), int(denominator))


def share(numerator, denominator, interval: bool = False, hidden: bool = False, missing: str = SUPPRESSED) -> str:
    """`"13 of 27, 48%"`, with `interval=True` `"13 of 27, 48% (31% to 66%)"`; `0 of 0, [z]`.

    `[c]` where hidden; a missing part writes `missing` (`[c]` by default: in the Scrutiny view a missing part
    is a hidden one; an officer page passes `[x]` where a part was not recorded).
    """
    if hidden:
        return SUPPRESSED
    s = share_or_none(numerator, denominator)
    if s is None:
        return missing
    return s.format(interval=interval and s.of > 0)


def interval(s: Optional[Share]) -> str:
    """`"31% to 66%"`; `[z]` for a share of nothing; `[c]` where the share is hidden."""
    if s is None:
        return SUPPRESSED
    if not s.of:
        return NOT_APPLICABLE
    return s.interval_text()


def hours(value, hidden: bool = False) -> str:
    """Hours to one decimal place (`5.5`); `[c]` where hidden; `[x]` where nothing was reviewed."""
    if hidden:
        return SUPPRESSED
    if is_missing(value):
        return NOT_AVAILABLE
    return f"{float(value):.1f}"


def date(day) -> str:
    """`4 October 2023` (no leading zero)."""
    if is_missing(day):
        return NOT_AVAILABLE
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{pd.Timestamp(day):%-d %B %Y}"


def cell(value, hidden: bool = False) -> str:
    """One cell of a table shown to people: all text, so a column has one type. Blank where there is nothing."""
    if hidden:
        return SUPPRESSED
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, numbers.Number):
        f = float(value)
        if math.isfinite(f) and f.is_integer():
            return f"{int(f):,}"
        return f"{f:,.1f}"
    if isinstance(value, (dt.date, pd.Timestamp)):
        return date(value)
    return str(value)


def names(items) -> str:
    """`"A"`, `"A and B"`, `"A, B and C"`."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
