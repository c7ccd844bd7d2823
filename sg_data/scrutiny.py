"""The Scrutiny view: the officer figures, suppressed (metrics.md, "Disclosure control").

`ScrutinySource` wraps the officer source and returns every frame with its
counts suppressed: nullable `Int64` columns holding <NA> where a figure is
hidden, and a `<column>_suppressed` flag beside each. Row-level lists are not
available at all. `PublicSource` reads the same frames back from a published,
aggregate-only store (sg_data.publish), so a councillors' deployment holds
nothing it could leak.

Tables that a page shows together are suppressed together: the concerns by
service and by category lists are the margins of the service-by-category
table, so a cell hidden in one cannot be worked out from the other.
"""

from __future__ import annotations

import json
import os
from typing import Optional

import numpy as np
import pandas as pd

from . import disclosure, metrics
from .periods import parse
from .source import OFFICER_ONLY, OfficerSource, PERIOD_METHODS, TREND_METHODS

PUBLIC_MARKER = "pub_manifest"


def threshold() -> int:
    """Counts from 1 to this are hidden (default 5, the DfE practice; SG_SUPPRESS_THRESHOLD changes it)."""
    try:
        return max(1, int(os.environ.get("SG_SUPPRESS_THRESHOLD", disclosure.DEFAULT_THRESHOLD)))
    except ValueError:
        return disclosure.DEFAULT_THRESHOLD


def _nullable(values, mask) -> pd.Series:
    values = pd.array(np.asarray(values, dtype="int64"), dtype="Int64")
    values[np.asarray(mask, dtype=bool)] = pd.NA
    return pd.Series(values)


def _table(frame: pd.DataFrame, columns: list[str], thr: int, total_col: Optional[str] = None):
    """Suppress a wide frame as a table: one row per frame row, the `columns` as cells, row and column totals.

    Returns (suppressed frame, SuppressedTable). `total_col`, if given, receives the row totals.
    """
    body = frame[columns].fillna(0).astype("int64").to_numpy()
    table = disclosure.suppress_table(body, thr)
    out = frame.copy().reset_index(drop=True)
    for j, col in enumerate(columns):
        out[col] = _nullable(body[:, j], table.body[:, j])
        out[f"{col}_suppressed"] = table.body[:, j].astype(bool)
    if total_col:
        out[total_col] = _nullable(table.row_totals, table.row_totals_suppressed)
        out[f"{total_col}_suppressed"] = np.asarray(table.row_totals_suppressed, dtype=bool)
    return out, table


def _list(frame: pd.DataFrame, col: str, thr: int) -> tuple[pd.DataFrame, bool]:
    """A one-way list whose total is published beside it."""
    out = frame.copy().reset_index(drop=True)
    counts = out[col].fillna(0).astype("int64").to_numpy()
    mask, total_suppressed = disclosure.suppress_list(counts, thr, with_total=True)
    out[col] = _nullable(counts, mask)
    out[f"{col}_suppressed"] = np.asarray(mask, dtype=bool)
    return out, total_suppressed


def _primary(frame: pd.DataFrame, cols: list[str], thr: int) -> pd.DataFrame:
    """Counts shown one by one, with no total beside them: hide those from 1 to the threshold."""
    out = frame.copy().reset_index(drop=True)
    for col in cols:
        values = out[col]
        small = values.notna() & (values >= 1) & (values <= thr)
        out[col] = values.astype("Int64").mask(small, pd.NA)
        out[f"{col}_suppressed"] = small.to_numpy(dtype=bool)
    return out


class ScrutinySource:
    """The officer figures, suppressed. Same methods as OfficerSource; row-level lists return None."""

    view = "scrutiny"
    suppressed = True

    def __init__(self, officer: OfficerSource, thr: Optional[int] = None):
        self.officer = officer
        self.con = officer.con
        self.thr = thr or threshold()
        self._concerns_cache: dict[str, tuple] = {}

    # --- pass-through: no counts of people ----------------------------------------------------
    def coverage(self):
        return self.officer.coverage()

    def period_labels(self):
        return self.officer.period_labels()

    def default_period(self):
        return self.officer.default_period()

    def published_target(self):
        return None

    def service_list(self):
        return self.officer.service_list()

    def self_assessment_ratings(self):
        return self.officer.self_assessment_ratings()

    def self_assessment_shares(self):
        return self.officer.self_assessment_shares()

    def loads_history(self):
        """Files and rows loaded; the rows quarantined per file are counts of concerns too, so listed with their total."""
        out, _ = _list(self.officer.loads_history(), "rows_quarantined", self.thr)
        return out

    def data_freshness(self):
        return self.officer.data_freshness()

    def quarantine_by_rule(self):
        out, _ = _list(self.officer.quarantine_by_rule(), "rows_quarantined", self.thr)
        return out

    def overdue_concerns(self, *args, **kwargs):
        return None

    def quarantine_rows(self):
        return None

    # --- concerns: one table per period, its margins the two lists ----------------------------
    def _concerns(self, period: str):
        if period not in self._concerns_cache:
            long = self.officer.concerns_by_service_category(period)
            if long.empty:
                self._concerns_cache[period] = (long, None, [], [])
            else:
                wide = long.pivot_table(index="service", columns="category", values="concerns", aggfunc="sum",
                                        fill_value=0)
                table = disclosure.suppress_table(wide.to_numpy(dtype="int64"), self.thr)
                self._concerns_cache[period] = (long, table, list(wide.index), list(wide.columns))
        return self._concerns_cache[period]

    def concerns_by_service_category(self, period: str) -> pd.DataFrame:
        long, table, services, categories = self._concerns(period)
        if table is None:
            return long
        i = {s: k for k, s in enumerate(services)}
        j = {c: k for k, c in enumerate(categories)}
        return _hide(long, "concerns", [bool(table.body[i[r.service], j[r.category]]) for r in long.itertuples()])

    def concerns_by_service(self, period: str) -> pd.DataFrame:
        _, table, services, _ = self._concerns(period)
        frame = self.officer.concerns_by_service(period)
        if table is None:
            return frame
        # referrals by service are not published: with the referral list beside them they would link two tables
        return _margin(frame.drop(columns=["referred"]), "service", services, table.row_totals_suppressed)

    def concerns_by_category(self, period: str) -> pd.DataFrame:
        _, table, _, categories = self._concerns(period)
        frame = self.officer.concerns_by_category(period)
        if table is None:
            return frame
        return _margin(frame, "category", categories, table.col_totals_suppressed)

    def concerns_total(self, period: str) -> Optional[int]:
        _, table, _, _ = self._concerns(period)
        if table is None:
            return 0
        return None if table.grand_total_suppressed else int(table.grand_total)

    def concerns_by_referral(self, period: str) -> pd.DataFrame:
        out, _ = _list(self.officer.concerns_by_referral(period), "concerns", self.thr)
        return out

    def concerns_per_100_staff(self, period: str) -> pd.DataFrame:
        """Per-100 rates use the financial year's concerns by service, hidden where that list hides them."""
        frame = self.officer.concerns_per_100_staff(period)
        by_service = self.concerns_by_service(_fy(period))
        hidden = set(by_service.loc[by_service["concerns_suppressed"], "service"]) \
            if "concerns_suppressed" in by_service else set()
        out = frame.reset_index(drop=True)
        mask = out["service"].isin(hidden).to_numpy() | ((out["concerns"] >= 1) & (out["concerns"] <= self.thr)).to_numpy()
        out["concerns"] = _nullable(out["concerns"], mask)
        out["concerns_suppressed"] = mask
        out["concerns_per_100_staff"] = out["concerns_per_100_staff"].mask(mask)
        return out

    def concerns_by_quarter_category(self) -> pd.DataFrame:
        """Each quarter's category list is that quarter's category margin (as on the Concerns page)."""
        frame = self.officer.concerns_by_quarter_category()
        parts = []
        for label, group in frame.groupby("quarter_label", sort=False):
            by_category = self.concerns_by_category(label)
            hidden = dict(zip(by_category["category"], by_category["concerns_suppressed"]))
            g = group.reset_index(drop=True)
            mask = [bool(hidden.get(c, False)) for c in g["category"]]
            g["concerns"] = _nullable(g["concerns"], mask)
            g["concerns_suppressed"] = mask
            parts.append(g)
        return pd.concat(parts, ignore_index=True) if parts else frame

    # --- review timeliness --------------------------------------------------------------------
    _STATUSES = ["within_target", "late", "overdue_unreviewed", "clock_running"]

    def timeliness(self, period: str, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> pd.DataFrame:
        """By service: within target and not, of the denominator (a table whose margins are the whole period).
        The whole period and each quarter: the four statuses as a list whose total is the concerns raised."""
        frame = self.officer.timeliness(period, target_hours)
        services = frame[frame["dimension"] == "service"].reset_index(drop=True)
        if services.empty:
            return frame  # no concerns: every count is zero, nothing to hide
        services["not_within"] = services["in_denominator"] - services["within_target"]
        services, table = _table(services, ["within_target", "not_within"], self.thr,
                                 total_col="in_denominator")
        for col in ("raised", "late", "overdue_unreviewed", "clock_running"):
            services[col] = pd.array([pd.NA] * len(services), dtype="Int64")
            services[f"{col}_suppressed"] = True  # shown for the whole period only
        services = _hide_medians(services, services["within_target_suppressed"] | services["in_denominator_suppressed"],
                                 self.thr).drop(columns=["not_within", "not_within_suppressed"])

        overall = _rows_as_lists(frame[frame["dimension"] == "all"], self._STATUSES, self.thr)
        margin_hidden = bool(table.col_totals_suppressed[0] or table.col_totals_suppressed[1]
                             or table.grand_total_suppressed or overall["within_target_suppressed"].iloc[0])
        if margin_hidden:  # within target and its denominator go together, or one gives away the other
            for col in ("within_target", "in_denominator"):
                overall[col] = pd.array([pd.NA], dtype="Int64")
                overall[f"{col}_suppressed"] = True
        quarters = _rows_as_lists(frame[frame["dimension"] == "quarter"], self._STATUSES, self.thr)
        return pd.concat([quarters, services, overall], ignore_index=True)

    def timeliness_by_quarter(self, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> pd.DataFrame:
        frame = self.officer.timeliness_by_quarter(target_hours)
        return frame if frame.empty else _rows_as_lists(frame, self._STATUSES, self.thr)

    def review_hours(self, period: str) -> pd.DataFrame:
        out, _ = _list(self.officer.review_hours(period), "concerns", self.thr)
        return out

    # --- training: people's courses in date or not, per service ---------------------------------
    def _coverage(self, frame: pd.DataFrame, row: str) -> pd.DataFrame:
        if frame.empty:
            return frame
        f = frame.reset_index(drop=True).copy()
        f["not_in_date"] = f["required"] - f["in_date"]
        out, _ = _table(f, ["in_date", "not_in_date"], self.thr, total_col="required")
        extra = [c for c in ("expiring_soon", "people_expiring_soon", "people_not_in_date") if c in out]
        for col in extra:
            listed, _ = _list(out[[row, col]], col, self.thr)
            out[col] = listed[col]
            out[f"{col}_suppressed"] = listed[f"{col}_suppressed"]
        return out

    def training_by_service(self, period: str) -> pd.DataFrame:
        return self._coverage(self.officer.training_by_service(period), "service")

    def training_by_course(self, period: str) -> pd.DataFrame:
        return self._coverage(self.officer.training_by_course(period), "course")

    def training_trend(self) -> pd.DataFrame:
        frame = self.officer.training_trend()
        parts = [self._coverage(g, "service") for _, g in frame.groupby("snapshot_date", sort=True)]
        return pd.concat(parts, ignore_index=True) if parts else frame

    # --- survey: shares of answers within each wave --------------------------------------------
    def survey_waves(self) -> pd.DataFrame:
        return _primary(self.officer.survey_waves(), ["respondents"], self.thr)

    def survey_questions(self) -> pd.DataFrame:
        frame = self.officer.survey_questions()
        if frame.empty:
            return frame
        out = disclosure.suppress_share_frame(frame, "positive", "answered", self.thr, by=["survey_id"])
        out.attrs = {}
        return out

    # --- outcomes: the funnel, each row a small table -----------------------------------------
    def outcomes(self, period: str) -> pd.DataFrame:
        frame = self.officer.outcomes(period)
        return frame if frame.empty else suppress_outcomes(frame, self.thr)

    # --- the briefing -------------------------------------------------------------------------
    def brief(self, period: str, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> dict:
        from . import briefing

        officer = briefing.build(self.con, parse(period), view="officer", target_hours=target_hours)
        return suppress_briefing(officer, self, target_hours)


def _hide(frame: pd.DataFrame, col: str, mask) -> pd.DataFrame:
    out = frame.reset_index(drop=True).copy()
    out[col] = _nullable(out[col], mask)
    out[f"{col}_suppressed"] = [bool(m) for m in mask]
    return out


def _margin(frame: pd.DataFrame, key: str, names: list, suppressed) -> pd.DataFrame:
    """A list that is one margin of a suppressed table: each name hidden as that table hides its total."""
    at = {name: n for n, name in enumerate(names)}
    return _hide(frame, "concerns", [bool(suppressed[at[name]]) for name in frame[key]])


def _fy(period: str) -> str:
    return parse(period).financial_year.label


def _rows_as_lists(frame: pd.DataFrame, cols: list[str], thr: int) -> pd.DataFrame:
    """Each row's statuses are a list whose total (raised) is published beside it."""
    out = frame.reset_index(drop=True).copy()
    if out.empty:
        return out
    masks = {c: [] for c in cols}
    raised_mask = []
    for r in out.itertuples():
        mask, total_suppressed = disclosure.suppress_list([int(getattr(r, c)) for c in cols], thr, with_total=True)
        for c, m in zip(cols, mask):
            masks[c].append(bool(m))
        raised_mask.append(bool(total_suppressed))
    for c in cols:
        out[c] = _nullable(out[c], masks[c])
        out[f"{c}_suppressed"] = masks[c]
    out["raised"] = _nullable(out["raised"], raised_mask)
    out["raised_suppressed"] = raised_mask
    return _derive_timeliness(out, thr)


def _derive_timeliness(out: pd.DataFrame, thr: int) -> pd.DataFrame:
    """Figures derived from suppressed parts are hidden with them."""
    hidden_den = out["raised_suppressed"] | out["clock_running_suppressed"]
    out["in_denominator"] = _nullable(out["in_denominator"].fillna(0), hidden_den)
    out["in_denominator_suppressed"] = hidden_den.to_numpy(dtype=bool)
    return _hide_medians(out, out["within_target_suppressed"] | out["late_suppressed"], thr)


def _hide_medians(out: pd.DataFrame, hidden: pd.Series, thr: int) -> pd.DataFrame:
    """The number reviewed is hidden with the counts it adds up from; a median or percentile of a handful
    of reviews would describe those reviews, so it is hidden where no more than the threshold were reviewed."""
    hidden = pd.Series(np.asarray(hidden, dtype=bool), index=out.index)
    few = out["reviewed"].astype("Float64").fillna(0) <= thr
    out["reviewed"] = _nullable(out["reviewed"].fillna(0), hidden)
    out["reviewed_suppressed"] = hidden.to_numpy(dtype=bool)
    for col in ("median_hours_to_review", "p90_hours_to_review"):
        out[col] = out[col].mask(few)
    return out


def suppress_outcomes(frame: pd.DataFrame, thr: int) -> pd.DataFrame:
    """Each row is a funnel: positive, negative and unknown add up to engaged; engaged and not engaged to sought."""
    rows = []
    for r in frame.reset_index(drop=True).to_dict("records"):
        engaged, positive = int(r["engaged"]), int(r["positive"])
        negative = None if pd.isna(r["negative"]) else int(r["negative"])
        sought = None if pd.isna(r["sought"]) else int(r["sought"])
        parts = [positive, negative, engaged - positive - negative] if negative is not None else [positive, engaged - positive]
        mask, engaged_hidden = disclosure.suppress_list(parts, thr, with_total=True)
        hidden = {"positive": mask[0], "negative": mask[1] if negative is not None else False,
                  "unknown": mask[2] if negative is not None else False, "engaged": engaged_hidden, "sought": False}
        if sought is not None:
            m2, sought_hidden = disclosure.suppress_list([sought - engaged, engaged], thr, with_total=True)
            hidden["sought"] = sought_hidden or m2[0]
            hidden["engaged"] = hidden["engaged"] or m2[1]
        out = dict(r)
        for col, h in hidden.items():
            out[f"{col}_suppressed"] = bool(h)
            if h:
                out[col] = None
        rows.append(out)
    result = pd.DataFrame(rows)
    for col in ("sought", "engaged", "positive", "negative", "unknown"):
        result[col] = result[col].astype("Float64").round().astype("Int64")
    return result


def _with_flag(d: dict, hidden: bool) -> dict:
    if hidden:
        d = {k: None if k in ("count", "of") else v for k, v in d.items()}
        d["suppressed"] = True
    return d


def suppress_briefing(brief: dict, src: ScrutinySource, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> dict:
    """The officer briefing with every count suppressed as the Scrutiny pages suppress it."""
    out = dict(brief)
    out["view"] = "scrutiny"
    period = brief["period"]["label"]
    thr = src.thr
    c = brief.get("concerns")
    if c:
        by_service = src.concerns_by_service(period)
        by_category = src.concerns_by_category(period)
        total = src.concerns_total(period)
        referral = src.concerns_by_referral(period)
        not_referred = referral[~referral["is_referred"]]
        # referred = total - not referred: hidden only when that is
        referred_hidden = bool(not_referred["concerns_suppressed"].any())
        out["concerns"] = {
            "total": total,
            **({"suppressed": True} if total is None else {}),
            "by_service": [_count_item({"service": r.service}, r.concerns, r.concerns_suppressed)
                           for r in by_service.itertuples()],
            "by_category": [_count_item({"category": r.category, "statutory_category": r.statutory_category},
                                        r.concerns, r.concerns_suppressed) for r in by_category.itertuples()],
            "referred_externally": _with_flag(dict(c["referred_externally"]), referred_hidden or total is None),
        }
    t = brief.get("timeliness")
    if t:
        frame = src.timeliness(period, target_hours)
        a = frame[frame["dimension"] == "all"].iloc[0]
        hidden = bool(a["within_target_suppressed"] or a["in_denominator_suppressed"])
        out["timeliness"] = {
            **t,
            "reviewed_within_target": _with_flag(dict(t["reviewed_within_target"]), hidden),
            "median_hours_to_review": None if pd.isna(a["median_hours_to_review"]) else float(a["median_hours_to_review"]),
            "p90_hours_to_review": None if pd.isna(a["p90_hours_to_review"]) else float(a["p90_hours_to_review"]),
            "overdue_unreviewed": None if a["overdue_unreviewed_suppressed"] else int(a["overdue_unreviewed"]),
            "late": None if a["late_suppressed"] else int(a["late"]),
            "clock_running": None if a["clock_running_suppressed"] else int(a["clock_running"]),
        }
        if any(out["timeliness"][k] is None for k in ("overdue_unreviewed", "late", "clock_running")) or hidden:
            out["timeliness"]["suppressed"] = True
    tr = brief.get("training")
    if tr:
        frame = src.training_by_service(period)
        items = [_share_item({"service": r.service}, r.in_date, r.required, r.in_date_suppressed or r.required_suppressed)
                 for r in frame.itertuples()]
        overall_hidden = _small(tr["coverage"]["count"], thr) or _small(tr["coverage"]["of"], thr) or \
            _small(tr["coverage"]["of"] - tr["coverage"]["count"], thr)
        out["training"] = {**tr, "by_service": items, "coverage": _with_flag(dict(tr["coverage"]), overall_hidden),
                           "expiring_soon": None if _small(tr["expiring_soon"], thr) else tr["expiring_soon"]}
    s = brief.get("survey")
    if s:
        questions = src.survey_questions()
        questions = questions[questions["survey_id"] == s["survey_id"]]
        hidden = dict(zip(questions["question_id"], questions["suppressed"]))
        respondents = None if _small(s["respondents"], thr) else s["respondents"]
        out["survey"] = {**s, "respondents": respondents,
                         "questions": [{**q, "positive": _with_flag(dict(q["positive"]), bool(hidden.get(q["question_id"])))}
                                       for q in s["questions"]]}
    o = brief.get("outcomes")
    if o:
        frame = src.outcomes(period)
        rows = []
        for r in frame.to_dict("records"):
            item = {k: r.get(k) for k in ("programme", "measure", "service")}
            hidden = []
            for col in ("sought", "engaged", "positive", "negative", "unknown"):
                v = r.get(col)
                item[col] = None if v is None or pd.isna(v) else int(v)
                if r.get(f"{col}_suppressed"):
                    hidden.append(col)
            if hidden:  # a null not listed here was never recorded: the denominator is missing
                item["suppressed"] = True
                item["suppressed_fields"] = hidden
            rows.append(item)
        out["outcomes"] = rows
    return out


def _small(v, thr) -> bool:
    return v is not None and 1 <= v <= thr


def _count_item(base: dict, value, hidden) -> dict:
    if hidden:
        return {**base, "count": None, "suppressed": True}
    return {**base, "count": int(value)}


def _share_item(base: dict, count, of, hidden) -> dict:
    if hidden or pd.isna(count) or pd.isna(of):
        return {**base, "count": None, "of": None if pd.isna(of) else int(of), "suppressed": True}
    return {**base, "count": int(count), "of": int(of)}


# --- the published store ------------------------------------------------------------------------

class PublicSource:
    """Reads the published, already-suppressed tables (sg_data.publish); holds no row-level data."""

    view = "scrutiny"
    suppressed = True

    def __init__(self, con):
        self.con = con
        self._manifest = json.loads(con.execute(f"select value from {PUBLIC_MARKER} where key = 'manifest'").fetchone()[0])

    def _read(self, method: str, period: Optional[str] = None) -> pd.DataFrame:
        cur = self.con.cursor()
        try:
            if period is None:
                frame = cur.execute(f"select * from pub_{method}").df()
            else:
                frame = cur.execute(f"select * exclude (period_label) from pub_{method} where period_label = ?",
                                    [period]).df()
        finally:
            cur.close()
        return _restore(frame.drop(columns=["_row"], errors="ignore"))

    def coverage(self):
        c = self._manifest["coverage"]
        import datetime as dt

        return {"first": c["first"] and dt.date.fromisoformat(c["first"]),
                "last": c["last"] and dt.date.fromisoformat(c["last"]),
                "as_of": c["as_of"] and dt.datetime.fromisoformat(c["as_of"])}

    def period_labels(self):
        return self._manifest["period_labels"]

    def default_period(self):
        return self._manifest["default_period"]

    def published_target(self):
        return self._manifest.get("target_hours", metrics.DEFAULT_TARGET_HOURS)

    def service_list(self):
        return self._manifest["service_list"]

    def overdue_concerns(self, *args, **kwargs):
        return None

    def quarantine_rows(self):
        return None

    def brief(self, period: str, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> dict:
        row = self.con.execute("select brief from pub_briefs where period_label = ?", [period]).fetchone()
        if row is None:
            raise KeyError(f"no published briefing for {period}")
        return json.loads(row[0])

    def timeliness(self, period: str, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> pd.DataFrame:
        return self._read("timeliness", period)

    def timeliness_by_quarter(self, target_hours: float = metrics.DEFAULT_TARGET_HOURS) -> pd.DataFrame:
        return self._read("timeliness_by_quarter")

    def __getattr__(self, name):
        if name in PERIOD_METHODS:
            return lambda period: self._read(name, period)
        if name in TREND_METHODS:
            return lambda: self._read(name)
        raise AttributeError(name)


def _restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts beside a `_suppressed` flag come back as nullable integers."""
    for col in list(frame.columns):
        if f"{col}_suppressed" in frame.columns:
            frame[col] = frame[col].astype("Float64").round().astype("Int64")
        if col.endswith("_suppressed") or col in ("suppressed", "is_councillor", "is_referred"):
            frame[col] = frame[col].fillna(False).astype(bool)
    return frame


def is_public_store(con) -> bool:
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    return PUBLIC_MARKER in tables


def source_for(con):
    """The Scrutiny source for a connection: the published store if that is what it is."""
    if is_public_store(con):
        return PublicSource(con)
    return ScrutinySource(OfficerSource(con))


__all__ = ["ScrutinySource", "PublicSource", "source_for", "suppress_briefing", "OFFICER_ONLY", "threshold"]
