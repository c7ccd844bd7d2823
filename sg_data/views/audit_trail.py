"""The Audit trail page: the store's trail (sg_data.audit) from a day on, newest first."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .. import audit


#: what the page offers to show, in days back from today
SPANS = {"7 days": 7, "30 days": 30, "90 days": 90, "year": 366, "10 years": 3653}


def trail(db: str, since: dt.date) -> pd.DataFrame:
    frame = audit.read(audit.audit_path(db), since=since)
    return frame.iloc[::-1].reset_index(drop=True)


def summary(frame: pd.DataFrame, since: dt.date) -> str:
    if frame.empty:
        return f"Nothing has been recorded since {since:%d %B %Y}."
    people = frame["user"].nunique()
    views = (frame["event"] == "page_view").sum()
    downloads = (frame["event"] == "download").sum()
    return (f"{len(frame):,} entries since {since:%d %B %Y}: {people:,} "
            f"{'person' if people == 1 else 'people'}, {views:,} page views, {downloads:,} downloads.")
