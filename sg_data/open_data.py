"""Open data: the publication as tidy CSV files in the Explore Education Statistics (EES) standard.

`write(pub, folder)` writes, for each table metrics.md ("Open data") names, a
data file and its `<table>.meta.csv`, and a `data-guidance.md` that says what
each file holds, what its figures mean, the symbols and the disclosure rules.
Every figure comes from the publication (sg_data.publication) as it is: a
total is the publication's own total, never a sum of parts some of which are
hidden, and a count the publication hides is `c`. A share is worked out here
only where its numerator and denominator are both published.

EES lets a file hold only time periods of one kind, so each table with
quarters is two files: the financial years (`concerns.csv`) and the quarters
(`concerns_quarterly.csv`). Names come from the council's data, so every text
cell is made safe to open in a spreadsheet (OWASP, CSV injection).

The council is named by `SG_COUNCIL_NAME` and `SG_COUNCIL_CODE` (its GSS code:
E07 a district council, published at the `Local authority district` level;
E06, E08, E09 or E10 a county, unitary, metropolitan or London council, at the
`Local authority` level, which also needs its three-digit DfE code in
`SG_COUNCIL_OLD_LA_CODE`).
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import ees
from .open_data_guidance import guidance
from .ees import TOTAL, validate
from .periods import parse

DEFAULT_COUNCIL_NAME = "Sample City Council"
DEFAULT_COUNCIL_CODE = "E07000178"
ENGLAND = ("E92000001", "England")
GUIDANCE = "data-guidance.md"


class OpenDataError(ValueError):
    """The open data cannot be written as asked (a setting is wrong, or the files break the standard)."""


# --- the council ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Council:
    name: str
    code: str
    old_la_code: str = ""

    @property
    def level(self) -> str:
        return "Local authority district" if self.code.startswith("E07") else "Local authority"

    def columns(self) -> dict[str, str]:
        geo = {"geographic_level": self.level, "country_code": ENGLAND[0], "country_name": ENGLAND[1]}
        if self.level == "Local authority district":
            return {**geo, "lad_code": self.code, "lad_name": self.name}
        return {**geo, "new_la_code": self.code, "la_name": self.name, "old_la_code": self.old_la_code}


def council_from_env(env=None) -> Council:
    """The council from SG_COUNCIL_NAME, SG_COUNCIL_CODE (and SG_COUNCIL_OLD_LA_CODE), with sample defaults."""
    env = os.environ if env is None else env
    name = text(env.get("SG_COUNCIL_NAME", "") or DEFAULT_COUNCIL_NAME)
    code = (env.get("SG_COUNCIL_CODE", "") or DEFAULT_COUNCIL_CODE).strip().upper()
    old = (env.get("SG_COUNCIL_OLD_LA_CODE", "") or "").strip()
    if not re.fullmatch(r"E(06|07|08|09|10)\d{6}", code):
        raise OpenDataError(f"SG_COUNCIL_CODE is '{code}': it must be an English council's GSS code, E06, E07, E08, "
                            "E09 or E10 and six digits (E07000178)")
    council = Council(name, code, old)
    if council.level == "Local authority" and not re.fullmatch(r"\d{3}", old):
        raise OpenDataError(f"SG_COUNCIL_CODE {code} is a {council.level.lower()}: EES also needs its three-digit "
                            f"DfE code in SG_COUNCIL_OLD_LA_CODE (it is '{old}')")
    return council


# --- cells --------------------------------------------------------------------------------------------------

def text(value) -> str:
    """A text cell safe in a spreadsheet: one line, no control or invisible characters (a right-to-left override
    could make a name read as another), no spaces at its ends, never read as a formula."""
    if value is None or pd.isna(value):
        return ""
    s = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
    return "'" + s if ees.is_formula(s) else s


def names(values: pd.Series) -> pd.Series:
    """Names from data as filter values: safe, never blank, never mistaken for an aggregate row."""
    def one(v):
        s = text(v) or "Not recorded"
        return f"{s} (as recorded)" if s.casefold() == TOTAL.casefold() else s
    return values.map(one).astype(object)


def _flag(frame: pd.DataFrame, col: str) -> pd.Series:
    flag = frame.get(f"{col}_suppressed")
    return pd.Series(False, index=frame.index) if flag is None else flag.fillna(False).astype(bool)


def _fmt(values: pd.Series, hidden: pd.Series, dp: int = 0) -> pd.Series:
    out = [("c" if h else "x" if pd.isna(v) else f"{float(v):.{dp}f}") for v, h in zip(values, hidden)]
    return pd.Series(out, index=values.index, dtype=object)


def _pct(num, num_hidden, den, den_hidden) -> pd.Series:
    """num / den x 100 to one place: `c` unless both are published, `x` if either is unknown, `z` of nothing."""
    out = []
    for n, nh, d, dh in zip(num, num_hidden, den, den_hidden):
        if nh or dh:
            out.append("c")
        elif pd.isna(n) or pd.isna(d):
            out.append("x")
        elif d == 0:
            out.append("z")
        else:
            out.append(f"{100 * float(n) / float(d):.1f}")
    return pd.Series(out, index=num.index, dtype=object)


def _time(label: str) -> tuple[str, str]:
    p = parse(label)
    return (f"{p.fy_start_year}{(p.fy_start_year + 1) % 100:02d}",
            f"Financial year Q{p.quarter}" if p.is_quarter else "Financial year")


def _with_time(frame: pd.DataFrame, key: str = "time_key") -> pd.DataFrame:
    if frame.empty:
        return frame.assign(time_period=pd.Series(dtype=object), time_identifier=pd.Series(dtype=object))
    t = frame[key].map(_time)
    return frame.assign(time_period=t.map(lambda x: x[0]), time_identifier=t.map(lambda x: x[1]))


# --- the data sets --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    label: str
    unit: str = ""
    dp: int = 0
    hint: str = ""
    group: str = ""
    default: str = ""


def filter_(name, label, hint="", group="", default=""):
    return Column(name, "Filter", label, hint=hint, group=group, default=default)


def indicator(name, label, unit="", dp=0):
    return Column(name, "Indicator", label, unit=unit, dp=dp)


@dataclass
class DataSet:
    name: str
    title: str
    about: str
    terms: tuple[str, ...]
    columns: tuple[Column, ...]
    frame: pd.DataFrame
    order: dict

    @property
    def filters(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "Filter"]


def _split(name, title, about, terms, columns, frame, order=None) -> list[DataSet]:
    """Financial years in one file and quarters in another (EES keeps one kind of period per file)."""
    order = order or {}
    quarterly = frame["time_identifier"] != "Financial year"
    out = [DataSet(name, title, about, terms, columns, frame[~quarterly], order)]
    if quarterly.any():
        out.append(DataSet(f"{name}_quarterly", f"{title}, by quarter", about, terms, columns, frame[quarterly], order))
    return [d for d in out if len(d.frame)]


def _since(frame: pd.DataFrame, first) -> pd.DataFrame:
    """Periods that end before the first concern are not offered: there is no data for them (not zero)."""
    if first is None:
        return frame.iloc[0:0]
    ends = {k: parse(k).end.isoformat() for k in frame["time_key"].unique()}
    return frame[frame["time_key"].map(ends) >= str(first)]


def _concerns(t: dict, first) -> list[DataSet]:
    parts = []
    if "concerns_by_service_category" in t:
        f = t["concerns_by_service_category"]
        parts.append(f.assign(service=names(f["service"]), category=names(f["category"]),
                              statutory_category=names(f["statutory_category"])))
    if "concerns_by_service" in t:
        f = t["concerns_by_service"]
        parts.append(f.assign(service=names(f["service"]), category=TOTAL, statutory_category=TOTAL))
    if "concerns_by_category" in t:
        f = t["concerns_by_category"]
        parts.append(f.assign(service=TOTAL, category=names(f["category"]),
                              statutory_category=names(f["statutory_category"])))
    if "concerns_by_statutory_category" in t:
        f = t["concerns_by_statutory_category"]
        parts.append(f.assign(service=TOTAL, category=TOTAL, statutory_category=names(f["statutory_category"])))
    if "concerns_summary" in t:
        parts.append(t["concerns_summary"].assign(service=TOTAL, category=TOTAL, statutory_category=TOTAL))
    if not parts:
        return []
    raw = pd.concat([p[["time_key", "service", "statutory_category", "category", "concerns", "concerns_suppressed"]]
                     for p in parts if len(p)], ignore_index=True)
    raw = _since(raw, first)
    raw["concerns"] = _fmt(raw["concerns"], raw["concerns_suppressed"])
    columns = (filter_("service", "Service", "The council service of the member of staff who raised the concern"),
               filter_("category", "Category of concern", "The council's own category",
                 group="statutory_category"),
               indicator("concerns", "Concerns raised"))
    about = ("Safeguarding concerns raised, by the service that raised them and by category. Categories are grouped "
             "by the statutory category they map to; a row whose category is Total within a statutory category is "
             "that statutory category's total.")
    return _split("concerns", "Concerns raised", about, ("concerns_raised", "concerns_by_service",
                                                         "statutory_category"), columns, _with_time(raw))


_TIMELINESS = (("raised", "concerns_raised"), ("clock_running", "clock_running"),
               ("in_denominator", "in_denominator"), ("within_target", "reviewed_within_target"),
               ("late", "reviewed_late"), ("overdue_unreviewed", "overdue_unreviewed"))


def _timeliness(t: dict, target: int, first) -> list[DataSet]:
    f = t.get("timeliness")
    if f is None or not len(f):
        return []
    f = _since(f[f["dimension"].isin(["service", "all"])], first)
    out = pd.DataFrame({"time_key": f["time_key"],
                        "service": names(f["value"]).where(f["dimension"] == "service", TOTAL)})
    for src, dst in _TIMELINESS:
        out[dst] = _fmt(f[src], _flag(f, src))
    out["reviewed_within_target_pct"] = _pct(f["within_target"], _flag(f, "within_target"),
                                             f["in_denominator"], _flag(f, "in_denominator"))
    out["median_hours_to_review"] = _fmt(f["median_hours_to_review"], _flag(f, "median_hours_to_review"), 1)
    columns = (filter_("service", "Service", "The council service of the member of staff who raised the concern"),
               indicator("concerns_raised", "Concerns raised"),
               indicator("clock_running", "Not yet reviewed, still within the target"),
               indicator("in_denominator", "Concerns counted for timeliness"),
               indicator("reviewed_within_target", f"Reviewed within {target} hours"),
               indicator("reviewed_late", f"Reviewed after {target} hours"),
               indicator("overdue_unreviewed", "Overdue, not yet reviewed"),
               indicator("reviewed_within_target_pct", f"Percentage reviewed within {target} hours", "%", 1),
               indicator("median_hours_to_review", "Median hours to review", dp=1))
    about = (f"How quickly concerns were reviewed against the {target}-hour target, council-wide (service Total) "
             "and by service.")
    return _split("review_timeliness", "Review timeliness", about,
                  ("review_target", "as_of", "reviewed_within_target", "overdue_unreviewed", "median_hours"),
                  columns, _with_time(out))


def _snapshot_for(labels: list[str], snapshots: list[str]) -> dict[str, str]:
    """Each period's snapshot: the latest on or before the period's end (periods before the first have none)."""
    out = {}
    for label in labels:
        end = parse(label).end.isoformat()
        earlier = [s for s in snapshots if s <= end]
        if earlier:
            out[label] = max(earlier)
    return out


def _training(t: dict, labels: list[str]) -> list[DataSet]:
    by_service, snaps = t.get("training_by_service"), t.get("training_snapshots")
    if by_service is None or snaps is None or not len(snaps):
        return []
    snaps = snaps.assign(snapshot=pd.to_datetime(snaps["snapshot_date"]).dt.date.map(lambda d: d.isoformat()))
    by_service = by_service.assign(
        snapshot=pd.to_datetime(by_service["snapshot_date"]).dt.date.map(lambda d: d.isoformat()),
        staff_group=by_service["is_councillor"].map(lambda c: "Councillors" if c else "Staff"),
        service=names(by_service["service"]))
    rows = [by_service[["snapshot", "staff_group", "service", "required", "in_date", "expiring_soon",
                        "required_suppressed", "in_date_suppressed", "expiring_soon_suppressed"]]]
    for group, prefix in (("Staff", "staff"), ("Councillors", "councillors")):
        # a group's expiring courses are the sum of its services' only where none of them is hidden
        members = by_service[by_service["staff_group"] == group]
        expiring = {s: (pd.NA if g["expiring_soon_suppressed"].any() else int(g["expiring_soon"].sum()))
                    for s, g in members.groupby("snapshot")}
        rows.append(pd.DataFrame({
            "snapshot": snaps["snapshot"], "staff_group": group, "service": TOTAL,
            "required": snaps[f"{prefix}_required"], "in_date": snaps[f"{prefix}_in_date"],
            "expiring_soon": snaps["snapshot"].map(expiring), "required_suppressed": False,
            "in_date_suppressed": False, "expiring_soon_suppressed": False}))
    rows.append(snaps.assign(staff_group=TOTAL, service=TOTAL, required_suppressed=_flag(snaps, "required"),
                             in_date_suppressed=_flag(snaps, "in_date"),
                             expiring_soon_suppressed=_flag(snaps, "expiring_soon"))[rows[0].columns])
    raw = pd.concat(rows, ignore_index=True)
    served = _snapshot_for(labels, sorted(snaps["snapshot"]))
    periods = pd.DataFrame({"time_key": list(served), "snapshot": list(served.values())})
    raw = periods.merge(raw, on="snapshot", how="inner")
    out = raw[["time_key", "staff_group", "service"]].copy()
    out["required"] = _fmt(raw["required"], raw["required_suppressed"])
    out["in_date"] = _fmt(raw["in_date"], raw["in_date_suppressed"])
    out["in_date_pct"] = _pct(raw["in_date"], raw["in_date_suppressed"], raw["required"], raw["required_suppressed"])
    out["expiring_90_days"] = _fmt(raw["expiring_soon"], raw["expiring_soon_suppressed"])
    columns = (filter_("staff_group", "Staff group", "Staff, or councillors"),
               filter_("service", "Service"),
               indicator("required", "Required courses"), indicator("in_date", "Required courses in date"),
               indicator("in_date_pct", "Percentage of required courses in date", "%", 1),
               indicator("expiring_90_days", "In date, expiring within 90 days"))
    about = ("Safeguarding training coverage: of the courses people's roles require, those in date. Each period "
             "shows the latest snapshot of the training matrix on or before its end.")
    return _split("training_coverage", "Training coverage", about,
                  ("training_snapshot", "training_coverage", "expiring_soon"), columns, _with_time(out),
                  {"staff_group": ["Staff", "Councillors"]})


def _fy_of(day) -> str:
    d = pd.Timestamp(day).date()
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _survey(t: dict) -> list[DataSet]:
    waves, questions = t.get("survey_waves"), t.get("survey_questions")
    if waves is None or not len(waves):
        return []
    waves = waves.assign(survey_wave=names(waves["survey_id"]), question=TOTAL)
    closed = dict(zip(waves["survey_wave"], waves["closed_on"]))
    wave_rows = pd.DataFrame({"survey_wave": waves["survey_wave"], "question": TOTAL,
                              "invited": _fmt(waves["invited"], _flag(waves, "invited")),
                              "respondents": _fmt(waves["respondents"], _flag(waves, "respondents")),
                              "response_rate_pct": _pct(waves["respondents"], _flag(waves, "respondents"),
                                                        waves["invited"], _flag(waves, "invited")),
                              "answered": "z", "positive": "z", "positive_pct": "z"})
    parts = [wave_rows]
    if questions is not None and len(questions):
        q = questions.assign(survey_wave=names(questions["survey_id"]), question=names(questions["question_text"]))
        parts.append(pd.DataFrame({
            "survey_wave": q["survey_wave"], "question": q["question"], "invited": "z", "respondents": "z",
            "response_rate_pct": "z", "answered": _fmt(q["answered"], _flag(q, "answered")),
            "positive": _fmt(q["positive"], _flag(q, "positive")),
            "positive_pct": _pct(q["positive"], _flag(q, "positive"), q["answered"], _flag(q, "answered"))}))
    raw = pd.concat(parts, ignore_index=True)
    raw["time_key"] = raw["survey_wave"].map(closed).map(_fy_of)
    latest = waves.sort_values("closed_on")["survey_wave"].iloc[-1]
    columns = (filter_("survey_wave", "Survey wave", "One round of the staff safeguarding questionnaire", default=latest),
               filter_("question", "Question", "Total: the wave as a whole"),
               indicator("invited", "Staff invited"), indicator("respondents", "Respondents"),
               indicator("response_rate_pct", "Response rate", "%", 1), indicator("answered", "Respondents who answered"),
               indicator("positive", "Positive answers"), indicator("positive_pct", "Percentage of answers positive", "%", 1))
    about = ("The staff safeguarding questionnaire: each wave (question Total: invited, respondents, response rate) "
             "and each question (answers and positive answers). A wave's period is the financial year it closed in.")
    return _split("survey", "Staff survey", about, ("survey_wave", "respondents", "positive_share"), columns,
                  _with_time(raw))


def _self_assessment(t: dict) -> list[DataSet]:
    f = t.get("self_assessment_shares")
    if f is None or not len(f):
        return []
    f = f.assign(audit_year=names(f["year"]), framework=names(f["framework"]), rating=names(f["rating"]))
    ratings = pd.DataFrame({"year_end_date": f["year_end_date"], "audit_year": f["audit_year"],
                            "framework": f["framework"], "rating": f["rating"], "standards": f["standards"],
                            "of_standards": f["of_standards"]})
    totals = ratings.drop_duplicates(["audit_year", "framework"]).assign(
        rating=TOTAL, standards=lambda x: x["of_standards"])
    raw = pd.concat([ratings, totals], ignore_index=True)
    no = pd.Series(False, index=raw.index)
    out = pd.DataFrame({"time_period": pd.to_datetime(raw["year_end_date"]).dt.year.astype(str),
                        "time_identifier": "Reporting year", "audit_year": raw["audit_year"],
                        "framework": raw["framework"], "rating": raw["rating"],
                        "standards": _fmt(raw["standards"], no),
                        "standards_pct": _pct(raw["standards"], no, raw["of_standards"], no)})
    latest = f.sort_values("year_end_date")
    columns = (filter_("audit_year", "Audit year", default=latest["audit_year"].iloc[-1]),
               filter_("framework", "Self-assessment framework", default=latest["framework"].iloc[-1]),
               filter_("rating", "Rating shown", "Red, Amber, Green or Blue; Total: all standards"),
               indicator("standards", "Standards"), indicator("standards_pct", "Percentage of standards", "%", 1))
    about = ("The council's safeguarding self-assessment: standards at each rating in each audit year. The period is "
             "the year the audit year ends in (2014-15 ends in 2015).")
    order = {"rating": ["Red", "Amber", "Green", "Blue"]}
    return [DataSet("self_assessment", "Self-assessment", about, ("self_assessment_year", "rating_shown"), columns,
                    out, order)]


def _outcomes(t: dict) -> list[DataSet]:
    f = t.get("outcomes")
    if f is None or not len(f):
        return []
    f = f.assign(service=names(f["service"]), programme=names(f["programme"]), measure=names(f["measure"]))
    out = f[["time_key", "service", "programme", "measure"]].copy()
    for col in ("sought", "engaged", "positive", "negative", "unknown"):
        out[col] = _fmt(f[col], _flag(f, col))
    out["reach_pct"] = _pct(f["engaged"], _flag(f, "engaged"), f["sought"], _flag(f, "sought"))
    out["success_pct"] = _pct(f["positive"], _flag(f, "positive"), f["engaged"], _flag(f, "engaged"))
    out["negative_pct"] = _pct(f["negative"], _flag(f, "negative"), f["engaged"], _flag(f, "engaged"))
    first = f.sort_values(["service", "programme", "measure"]).iloc[0]
    columns = (filter_("service", "Service", default=first["service"]),
               filter_("programme", "Programme", default=first["programme"]),
               filter_("measure", "Outcome measure", default=first["measure"]),
               indicator("sought", "People sought"), indicator("engaged", "People engaged"),
               indicator("positive", "Positive outcome"), indicator("negative", "Negative outcome"), indicator("unknown", "Outcome unknown"),
               indicator("reach_pct", "Reach: engaged of sought", "%", 1),
               indicator("success_pct", "Success rate: positive of engaged", "%", 1),
               indicator("negative_pct", "Negative rate: negative of engaged", "%", 1))
    about = ("Each programme's funnel by financial year: people sought, engaged, and of those engaged the positive, "
             "negative and unknown outcomes. x: not recorded.")
    return _split("outcomes", "Outcomes", about, ("outcome_funnel", "reach", "success", "negative_rate",
                                                  "missing_denominator"), columns, _with_time(out))


def data_sets(pub) -> list[DataSet]:
    t, m = pub.tables, pub.manifest
    first = (m.get("coverage") or {}).get("first")
    return (_concerns(t, first) + _timeliness(t, int(m.get("target_hours", 24)), first)
            + _training(t, m.get("period_labels", []))
            + _survey(t) + _self_assessment(t) + _outcomes(t))


# --- writing --------------------------------------------------------------------------------------------------

def _sort(ds: DataSet) -> pd.DataFrame:
    """Time, then each filter by name (a reference order where there is one), Total last: never by value."""
    cols = []
    for c in ds.filters:
        if c.group:
            cols.append(c.group)
        cols.append(c.name)

    def rank(col, v):
        ref = ds.order.get(col, [])
        return (v == TOTAL, ref.index(v) if v in ref else len(ref), v.casefold(), v)

    keys = [(r["time_period"], r["time_identifier"], *(rank(c, r[c]) for c in cols))
            for r in ds.frame.to_dict("records")]
    return ds.frame.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


def _write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([v if ees.is_number(v) else text(v) for v in r])


def _write(ds: DataSet, folder: Path, council: Council) -> None:
    frame = _sort(ds)
    geo = council.columns()
    filters = []
    for c in ds.filters:
        filters += [c.group, c.name] if c.group else [c.name]
    indicators = [c.name for c in ds.columns if c.kind == "Indicator"]
    header = ["time_period", "time_identifier", *geo, *filters, *indicators]
    values = [list(geo.values())] * len(frame)
    body = zip(frame["time_period"], frame["time_identifier"], values,
               *(frame[c].astype(str) for c in filters + indicators))
    _write_csv(folder / f"{ds.name}.csv", header, ([p, i, *g, *rest] for p, i, g, *rest in body))
    meta = [[c.name, c.kind, c.label, "", c.unit, str(c.dp) if c.kind == "Indicator" else "", c.hint, c.group,
             c.default] for c in ds.columns]
    _write_csv(folder / f"{ds.name}.meta.csv", list(ees.REQUIRED_META + ees.OPTIONAL_META), meta)


def write(pub, folder: Path, council: Council | None = None) -> None:
    """The publication as EES open data in `folder`: data and meta files per table, and the data guidance."""
    folder = Path(folder)
    council = council or council_from_env()
    sets = data_sets(pub)
    for ds in sets:
        _write(ds, folder, council)
    (folder / GUIDANCE).write_text(guidance(sets, pub, council), encoding="utf-8")
    problems = validate(folder)
    if problems:
        raise OpenDataError(f"the open data breaks the EES rules, first of {len(problems)}: {problems[0]}")


__all__ = ["write", "validate", "data_sets", "Council", "council_from_env", "OpenDataError", "text"]
