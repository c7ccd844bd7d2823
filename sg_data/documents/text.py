"""Figures of a brief as text in a document: counts, hours, shares and dates, with the symbols."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd

from .. import present
from ..stats import NOT_AVAILABLE, SUPPRESSED, Share
from .model import MAY_BE_UNRECORDED


# --- figures as text ----------------------------------------------------------------------------

class _Figures:
    """Counts and shares as printed, `[c]` where the brief hides them."""

    def __init__(self, brief: dict):
        self.scrutiny = brief.get("view") == "scrutiny"

    def hidden(self, parent: Optional[dict], key: str) -> bool:
        if not parent or parent.get(key) is not None:
            return False
        fields = parent.get("suppressed_fields")
        if fields is not None:  # the briefing names exactly which of the holder's counts are hidden
            return key in fields
        flag = parent.get("suppressed")
        if isinstance(flag, (list, tuple, set)):
            return key in flag
        if key in MAY_BE_UNRECORDED:  # blank in the source: missing, not hidden, unless its holder says so
            return bool(flag)
        return bool(flag) or self.scrutiny

    def count(self, parent: Optional[dict], key: str) -> str:
        if parent is None:
            return NOT_AVAILABLE
        value = parent.get(key)
        if value is None:
            return SUPPRESSED if self.hidden(parent, key) else NOT_AVAILABLE
        return present.count(value)

    def hours(self, parent: Optional[dict], key: str) -> str:
        """Hours to one decimal place; `[c]` where hidden (a median of a handful of reviews is hidden too)."""
        if parent is None or parent.get(key) is None:
            return SUPPRESSED if self.hidden(parent, key) else NOT_AVAILABLE
        return f"{float(parent[key]):.1f}"

    def value(self, parent: Optional[dict], key: str) -> Optional[float]:
        """The number for a chart: None when hidden or missing (the chart writes the label instead)."""
        if not parent or parent.get(key) is None:
            return None
        return float(parent[key])

    @staticmethod
    def share_of(d: Optional[dict]) -> Optional[Share]:
        if not d or d.get("count") is None or d.get("of") is None:
            return None
        try:
            return Share(int(d["count"]), int(d["of"]))
        except ValueError:
            return None

    def share(self, d: Optional[dict], interval: bool = False) -> str:
        """"13 of 27, 48%"; `[c]` when its count or denominator is hidden; `[x]` when there is none."""
        if d is None:
            return NOT_AVAILABLE
        if d.get("count") is None or d.get("of") is None:
            return SUPPRESSED
        s = self.share_of(d)
        if s is None:  # a count above its denominator: print what the data say
            return f"{d['count']} of {d['of']}"
        return s.format(interval=interval)

    def pair(self, count_parent: Optional[dict], count_key: str, of_parent: Optional[dict], of_key: str,
             interval: bool = False) -> str:
        """A share built from two counts held apart (engaged of sought)."""
        count = None if count_parent is None else count_parent.get(count_key)
        of = None if of_parent is None else of_parent.get(of_key)
        if count is None or of is None:
            hidden = self.hidden(count_parent, count_key) or self.hidden(of_parent, of_key)
            return SUPPRESSED if hidden else NOT_AVAILABLE
        return self.share({"count": count, "of": of}, interval)


def _date(value) -> str:
    if value is None or value == "":
        return NOT_AVAILABLE
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.strftime("%d/%m/%Y")


def _long_date(value) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def _timestamp(value) -> str:
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
        return NOT_AVAILABLE
    stamp = value if isinstance(value, dt.datetime) else pd.Timestamp(value).to_pydatetime()
    return stamp.strftime("%d/%m/%Y %H:%M")


def _who(items: list[dict], name: str, count: int) -> str:
    """The names with this count: "Leisure", "Leisure and Planning", or "4 services" when there are more."""
    names = [i[name] for i in items if i.get("count") == count]
    if len(names) == 1:
        return names[0]
    if len(names) <= 3:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return f"{len(names)} {'services' if name == 'service' else 'categories'}"


def _words(kind: str) -> str:
    return str(kind).replace("_", " ").capitalize()


