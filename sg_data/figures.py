"""The figures service: `figures.get(table, period)` for one deployment, decided once at start.

- `StoreFigures`: an officer store, unsuppressed (the officer view).
- `PublishedFigures`: a publication (sg_data.publication), already protected:
  either a published store read from disk, or the publication of a live store
  built in memory for the Scrutiny view. Both read the same tables, so the
  Scrutiny view of a live store and a published store are the same numbers by
  construction.

Every table is named in the catalog (sg_data.catalog). A period is a `Period`
all the way down; `None` asks for a table over all time. For a table of
concerns over all time (by quarter), a page gives its period instead: an
officer store then reads only the quarters a trend can draw up to that period
(`HISTORY_QUARTERS`), not every year since the first concern; a publication
holds them all already. The trends' tables are read from the copies each load makes
(sg_data.precomputed) wherever those are exactly what the query would give.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Callable, Optional

import pandas as pd

from . import catalog, precomputed, queries
from .catalog import DEFAULT_TARGET_HOURS
from .periods import Period, latest_full_quarter, parse, quarter_of, quarters_between

OFFICER, SCRUTINY = "officer", "scrutiny"
#: the most quarters a page's trend draws (sg_data.views.trends: 20), and the quarter the period ends in
HISTORY_QUARTERS = 21


class FiguresError(RuntimeError):
    pass


def period_list(first: dt.date, last: dt.date, concerns_from: Optional[dt.date] = None) -> list[str]:
    """Each financial year followed by its quarters, newest first. Quarters are offered from the quarter of the
    first concern (`concerns_from`) on: before it only the years that other data (a survey wave, a
    self-assessment) fall in, never a run of empty quarters."""
    quarters = quarters_between(first, last)
    years = sorted({q.financial_year.label for q in quarters})
    offered = [q for q in quarters if concerns_from is not None and q.end >= concerns_from]
    out = []
    for y in reversed(years):
        out.append(y)
        out.extend(reversed([q.label for q in offered if q.financial_year.label == y]))
    return out


def default_of(labels: list[str], as_of: Optional[dt.datetime]) -> Optional[str]:
    """The latest full quarter in the data (a quarter whose last day the data reaches)."""
    if not labels:
        return None
    if as_of is not None:
        label = latest_full_quarter(as_of.date()).label
        if label in labels:
            return label
    quarters = [lab for lab in labels if " Q" in lab]
    return quarters[0] if quarters else labels[0]


def _is_label(text: str) -> bool:
    try:
        parse(text)
        return True
    except ValueError:
        return False


class StoreFigures:
    """The officer store's figures, unsuppressed."""

    view = OFFICER
    suppressed = False
    published_target = None  # timeliness can be worked out at any target

    def __init__(self, con):
        self.con = con
        self._coverage: Optional[dict] = None  # set only on a pinned copy
        self._lists: Optional[dict] = None  # likewise: the period labels and services, once read

    def pinned(self) -> "StoreFigures":
        """A copy that reads what the data covers, its periods and its services once (for many figures of one
        unchanging store)."""
        copy = StoreFigures(self.con)
        copy._coverage = self.coverage()
        copy._lists = {}
        return copy

    def _once(self, key: str, read: Callable[[], list[str]]) -> list[str]:
        if self._lists is None:
            return read()
        if key not in self._lists:
            self._lists[key] = read()
        return list(self._lists[key])

    def get(self, name: str, period: Optional[Period] = None, target_hours: float = DEFAULT_TARGET_HOURS
            ) -> pd.DataFrame:
        t = catalog.table(name)
        if t.time != "all" and period is None:
            raise FiguresError(f"{name} is a figure for one period: say which")
        options = {"target_hours": float(target_hours), "as_of": self.as_of()}
        if options["as_of"] is None and "as_of" in queries.get(t.mart).params:
            return pd.DataFrame()  # no concerns loaded: nothing to time
        if t.time == "all" and "start_date" in queries.get(t.mart).params:
            cov = self.coverage()
            if cov["first"] is None:
                return pd.DataFrame()
            window = self._history(period, cov)
            stored = precomputed.read(self.con, name, window, target_hours)
            return stored if stored is not None else catalog.officer_frame(self.con, t, window, options)
        frame = catalog.officer_frame(self.con, t, period, options)
        if name == "outcomes":
            frame = frame[frame["period"] == period.financial_year.label].reset_index(drop=True)
        return frame

    @staticmethod
    def _history(period: Optional[Period], cov: dict) -> Period:
        """What a table of concerns over all time is read over: all of it, or for a page's `period` the
        `HISTORY_QUARTERS` quarters to the one it ends in (or the one the data ends in, if earlier)."""
        if period is None:
            return Period(cov["first"], cov["last"], "all")
        last = quarter_of(min(period.end, cov["last"]))
        first = last
        for _ in range(HISTORY_QUARTERS - 1):
            first = first.previous()
        # a period before the first concern reads its own quarter, which holds none
        return Period(min(max(first.start, cov["first"]), last.start), last.end, "all")

    # --- what the data covers ------------------------------------------------------------------------
    def as_of(self) -> Optional[dt.datetime]:
        if self._coverage is not None:
            return self._coverage["as_of"]
        value = queries.run(self.con, "concerns_as_of")["as_of"].iloc[0]
        return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()

    def coverage(self) -> dict:
        """The first and last day with concerns, and the as-of time."""
        if self._coverage is not None:
            return self._coverage
        row = queries.run(self.con, "concerns_as_of").iloc[0]
        if pd.isna(row["latest_raised_at"]):
            return {"first": None, "last": None, "as_of": None}
        return {"first": pd.Timestamp(row["earliest_raised_at"]).date(),
                "last": pd.Timestamp(row["latest_raised_at"]).date(),
                "as_of": pd.Timestamp(row["as_of"]).to_pydatetime()}

    def period_labels(self) -> list[str]:
        """Financial years and quarters from the earliest data of any kind to the latest, newest first."""
        return self._once("periods", self._period_labels)

    def _period_labels(self) -> list[str]:
        cov = self.coverage()
        starts = [cov["first"]] if cov["first"] else []
        waves = self.get("survey_waves")
        starts += [pd.Timestamp(d).date() for d in waves["closed_on"].dropna()]
        ratings = self.get("self_assessment_ratings")
        starts += [pd.Timestamp(d).date() for d in ratings["year_end_date"].dropna()]
        outcomes = queries.run(self.con, "outcomes_by_programme")
        starts += [parse(p).start for p in outcomes["period"].dropna().unique() if _is_label(p)]
        if not starts:
            return []
        last = max([cov["last"]] if cov["last"] else starts)
        return period_list(min(starts), last, cov["first"])

    def default_period(self) -> Optional[str]:
        return default_of(self.period_labels(), self.coverage()["as_of"])

    def service_list(self) -> list[str]:
        return self._once("services", lambda: self._whole("service_list")["service"].tolist())

    def _whole(self, name: str) -> pd.DataFrame:
        """A query without parameters, from the copy its load kept where that is exactly its result."""
        kept = precomputed.whole(self.con, name)
        return kept if kept is not None else queries.run(self.con, name)

    def store_connection(self):
        """The officer store itself (the Data page's load lists and the briefing's appendix)."""
        return self.con


class PublishedFigures:
    """A publication's figures (already protected): a published store, or a live store's publication."""

    view = SCRUTINY
    suppressed = True

    def __init__(self, con):
        self.con = con
        row = con.execute("select value from pub_manifest where key = 'manifest'").fetchone()
        if row is None:
            raise FiguresError("this store is not a publication: it has no manifest")
        self.manifest = json.loads(row[0])
        self.published_target = self.manifest.get("target_hours", DEFAULT_TARGET_HOURS)
        self._snapshots = None

    def _read(self, name: str, key: Optional[str]) -> pd.DataFrame:
        cur = self.con.cursor()
        try:
            if key is None:
                frame = cur.execute(f'select * from "pub_{name}"').df()
            else:
                frame = cur.execute(f'select * from "pub_{name}" where time_key = ?', [key]).df()
        finally:
            cur.close()
        return _restore(frame.drop(columns=["time_key"], errors="ignore"))

    def snapshot_for(self, period: Period) -> Optional[str]:
        if self._snapshots is None:
            snaps = self._read("training_snapshots", None)
            self._snapshots = sorted(pd.Timestamp(d).date().isoformat() for d in snaps["snapshot_date"])
        eligible = [s for s in self._snapshots if s <= period.end.isoformat()]
        return eligible[-1] if eligible else None

    def get(self, name: str, period: Optional[Period] = None, target_hours: float = DEFAULT_TARGET_HOURS
            ) -> Optional[pd.DataFrame]:
        t = catalog.table(name)
        if not t.published:
            return None  # row-level lists are never published
        if t.time == "all":
            return self._read(name, None)
        if period is None:
            raise FiguresError(f"{name} is a figure for one period: say which")
        if t.time == "period":
            key = period.label
        elif t.time == "financial_year":
            key = period.financial_year.label
        else:
            key = self.snapshot_for(period)
            if key is None:
                return self._read(name, "").iloc[0:0]
        return self._read(name, key)

    def coverage(self) -> dict:
        c = self.manifest["coverage"]
        return {"first": c["first"] and dt.date.fromisoformat(c["first"]),
                "last": c["last"] and dt.date.fromisoformat(c["last"]),
                "as_of": c["as_of"] and dt.datetime.fromisoformat(c["as_of"])}

    def as_of(self) -> Optional[dt.datetime]:
        return self.coverage()["as_of"]

    def period_labels(self) -> list[str]:
        return self.manifest["period_labels"]

    def default_period(self) -> Optional[str]:
        return self.manifest["default_period"]

    def service_list(self) -> list[str]:
        return self.manifest["service_list"]

    def store_connection(self):
        return None  # a publication holds no load lists or rows


def _restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts beside a `_suppressed` flag come back as nullable integers, flags as booleans."""
    for col in list(frame.columns):
        if col.endswith("_suppressed") or col in ("is_councillor", "is_referred"):
            frame[col] = frame[col].astype("boolean").fillna(False).astype(bool)
        elif f"{col}_suppressed" in frame.columns and col not in ("median_hours_to_review", "p90_hours_to_review",
                                                                  "concerns_per_100_staff"):
            frame[col] = frame[col].astype("Float64").round().astype("Int64")
    return frame


__all__ = ["StoreFigures", "PublishedFigures", "FiguresError", "OFFICER", "SCRUTINY", "period_list", "default_of"]

