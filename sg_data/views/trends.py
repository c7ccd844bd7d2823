"""Trends with their limits (sg_data.spc): the Overview's XmR charts, the small trends under its five headline
figures, and the Concerns page's funnel plot.

Council-wide quarters come from `timeliness_by_quarter` (a process figure, published in every view): concerns
raised, and those reviewed within the target of those in its denominator. Only complete quarters (ending on or
before the as-of date) are drawn, up to the period chosen. The funnel compares services' concerns per 100 staff
in a financial year with the council's rate over the services with a headcount; a service whose count is hidden
takes no part.

Each headline figure's small trend reads the series the catalog holds, up to the point the period uses (at most
twenty): complete quarters for concerns and timeliness, training snapshots, survey waves (the headline question)
and self-assessment years. Its signal is read at the latest point; a hidden point is a gap and `[c]`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

import pandas as pd

from .. import spc
from ..periods import Period, parse
from ..stats import SUPPRESSED
from . import self_assessment

#: five years of quarters: enough for limits (Making Data Count: 15 points or more) without older history
TREND_QUARTERS = 20
#: the short label written above a special-cause point, by its strongest rule
MARKS = {"outside": "limit", "two_of_three": "2 of 3", "shift": "run", "trend": "trend"}


@dataclass(frozen=True)
class Trend:
    name: str  # the table's and download's name
    title: str
    y_title: str
    drawn: pd.DataFrame  # quarter, value, mean, lower, upper, kind, mark: what the chart draws
    table: pd.DataFrame
    summary: str
    caption: str
    analysis: spc.Analysis
    percent: bool


def complete_quarters(frame: pd.DataFrame, period: Period, as_of: Optional[dt.datetime]) -> pd.DataFrame:
    """The quarter rows that ended on or before the as-of date and start by the period's end, the latest twenty."""
    if frame is None or frame.empty or as_of is None:
        return pd.DataFrame()
    ends = frame["value"].map(lambda label: parse(label).end)
    starts = frame["value"].map(lambda label: parse(label).start)
    keep = frame[(ends <= as_of.date()) & (starts <= period.end)]
    return keep.assign(_start=starts[keep.index]).sort_values("_start").drop(columns="_start").tail(TREND_QUARTERS) \
        .reset_index(drop=True)


def _caption(quarters: pd.DataFrame, as_of: Optional[dt.datetime]) -> str:
    when = f"{as_of:%-d %B %Y}" if as_of else "the as-of date"
    return (f"Only complete quarters are drawn: those that ended on or before {when}, the as-of date of the data, "
            f"up to the period chosen (at most {TREND_QUARTERS}). The mean is the solid line and the process limits "
            "(mean ± 2.66 × the average moving range) the dashed lines; a triangle marks a special cause, named "
            "above it.")


def _drawn(a: spc.Analysis) -> pd.DataFrame:
    out = a.frame[["label", "value", "mean", "lower", "upper"]].rename(columns={"label": "quarter"})
    out["kind"] = ["Special cause" if rules else "Common cause" for rules in a.frame["rules"]]
    out["mark"] = [MARKS[rules[0]] if rules else "" for rules in a.frame["rules"]]
    return out


def _signal(a: spc.Analysis) -> list[str]:
    return [f"Special cause: {signal} ({side})" if signal else "" for signal, side in zip(a.frame["signal"],
                                                                                            a.frame["side"])]


def _limits_table(a: spc.Analysis, scale: float, digits: int) -> dict:
    return {col: [None if pd.isna(v) else round(float(v) * scale, digits) for v in a.frame[col]]
            for col in ("mean", "lower", "upper")}


def _hidden(quarters: pd.DataFrame, col: str):
    """Whether each quarter's count is hidden ([c]): in both views, so that their tables read alike."""
    flags = quarters[col].isna().to_numpy()
    if f"{col}_suppressed" in quarters:
        flags = flags | quarters[f"{col}_suppressed"].fillna(False).astype(bool).to_numpy()
    return flags


def _share_step(denominators: pd.Series) -> Optional[float]:
    """How far one more or one fewer moves a share of its usual (median) denominator; None where none is known."""
    known = pd.to_numeric(denominators, errors="coerce").dropna()
    known = known[known > 0]
    return 1.0 / float(known.median()) if len(known) else None


def concerns(frame: pd.DataFrame, period: Period, as_of: Optional[dt.datetime]) -> Optional[Trend]:
    """Concerns raised per quarter, council-wide, with its XmR chart (neither direction is better)."""
    quarters = complete_quarters(frame, period, as_of)
    if quarters.empty:
        return None
    a = spc.analyse(quarters["value"], quarters["raised"], better=spc.NEITHER, floor=0.0, step=1.0)
    table = pd.DataFrame({"quarter": quarters["value"], "concerns raised": quarters["raised"].astype("Int64"),
                          **_limits_table(a, 1.0, 1), "signal": _signal(a)})
    table["concerns raised_suppressed"] = _hidden(quarters, "raised")
    summary = spc.sentence(a, "Concerns raised", lambda v: f"{v:,.0f}")
    return Trend("concerns raised by quarter with process limits",
                 f"Concerns raised per quarter, {quarters['value'].iloc[0]} to {quarters['value'].iloc[-1]}",
                 "Concerns raised",
                 _drawn(a), table, summary, _caption(quarters, as_of), a, percent=False)


def within_target(frame: pd.DataFrame, period: Period, as_of: Optional[dt.datetime], target_hours: int
                  ) -> Optional[Trend]:
    """The share reviewed within the target per quarter, council-wide, with its XmR chart (higher is better).

    The council's policy sets the hours (24), not a share to reach, so there is no assurance line.
    """
    quarters = complete_quarters(frame, period, as_of)
    if quarters.empty:
        return None
    shares = [None if pd.isna(n) or pd.isna(d) or not d else float(n) / float(d)
              for n, d in zip(quarters["within_target"], quarters["in_denominator"])]
    a = spc.analyse(quarters["value"], shares, better=spc.HIGHER, floor=0.0, ceiling=1.0,
                    step=_share_step(quarters["in_denominator"]))
    table = pd.DataFrame({"quarter": quarters["value"],
                          "within target": quarters["within_target"].astype("Int64"),
                          "of": quarters["in_denominator"].astype("Int64"),
                          "share %": [None if s is None else round(100 * s, 1) for s in shares],
                          **{f"{k} %": v for k, v in _limits_table(a, 100.0, 1).items()}, "signal": _signal(a)})
    table["within target_suppressed"] = _hidden(quarters, "within_target")
    table["of_suppressed"] = _hidden(quarters, "in_denominator")
    table["share %_suppressed"] = table["within target_suppressed"] | table["of_suppressed"]
    what = f"The share reviewed within {target_hours} hours"
    summary = spc.sentence(a, what, spc.share_format)
    return Trend(f"share reviewed within {target_hours} hours by quarter with process limits",
                 f"Share reviewed within {target_hours} hours per quarter, {quarters['value'].iloc[0]} to "
                 f"{quarters['value'].iloc[-1]}", f"Reviewed within {target_hours} hours", _drawn(a), table, summary,
                 _caption(quarters, as_of), a,
                 percent=True)


# --- the funnel plot ------------------------------------------------------------------------------

VERDICT_WORDS = {spc.UNUSUAL: "{side} the 99.8% limits: unusual",
                 spc.WORTH_A_LOOK: "{side} the 95% limits: worth a look", spc.USUAL: "within the 95% limits"}


@dataclass(frozen=True)
class Funnel:
    points: pd.DataFrame  # service, headcount, rate, verdict, label: what the chart draws
    curve: pd.DataFrame  # headcount, limit, side, rate: the limits drawn
    rate: float
    table: pd.DataFrame
    summary: str


def funnel(frame: pd.DataFrame, fy: Period) -> Optional[Funnel]:
    """Services' concerns per 100 staff in a financial year against the council's rate: None where no service has
    both a headcount and a count shown."""
    if frame is None or frame.empty:
        return None
    points, rate = spc.funnel(frame, "concerns", "headcount")
    if rate is None:
        return None
    points = points.sort_values("service").reset_index(drop=True)
    points["verdict_words"] = [VERDICT_WORDS[v].format(side=s.capitalize()) if s else VERDICT_WORDS[v].capitalize()
                               for v, s in zip(points["verdict"], points["side"])]
    curve = spc.funnel_curve(rate, float(points["headcount"].min()) * 0.8, float(points["headcount"].max()) * 1.1)
    long = curve.melt(id_vars="exposure", var_name="limit", value_name="rate").rename(columns={"exposure": "headcount"})
    long["side"] = long["limit"].str.split("_").str[0]
    long["limit"] = long["limit"].map(lambda c: "99.8% limits" if c.endswith("99_8") else "95% limits")
    table = pd.DataFrame({
        "service": points["service"], "concerns": points["concerns"].astype("Int64"),
        "headcount": points["headcount"].round().astype("Int64"),
        "per 100 staff": points["rate"].round(1),
        "95% lower": points["lower_95"].round(1), "95% upper": points["upper_95"].round(1),
        "99.8% lower": points["lower_99_8"].round(1), "99.8% upper": points["upper_99_8"].round(1),
        "against the council's rate": points["verdict_words"]})
    left_out = len(frame) - len(points)
    return Funnel(points, long, rate, table, _funnel_summary(points, rate, fy, left_out))


def _funnel_summary(points: pd.DataFrame, rate: float, fy: Period, left_out: int) -> str:
    concerns, staff = int(points["concerns"].sum()), int(round(float(points["headcount"].sum())))
    who = "the services shown" if left_out else "the services with a headcount"
    text = (f"In {fy.label} {who} raised {rate:.1f} concerns per 100 staff between them "
            f"({concerns:,} concerns, {staff:,} staff).")
    flagged = points[points["verdict"] != spc.USUAL]
    for verdict in (spc.UNUSUAL, spc.WORTH_A_LOOK):
        part = flagged[flagged["verdict"] == verdict]
        if len(part):
            names = "; ".join(f"{r.service} ({r.rate:.1f}, {r.side})" for r in part.itertuples())
            level = "99.8%" if verdict == spc.UNUSUAL else "95% (but not the 99.8%)"
            text += f" Outside the {level} limits, {verdict}: {names}."
    usual = len(points) - len(flagged)
    text += (f" {usual} of the {len(points)} services are within the 95% limits." if len(flagged)
             else " Both services are within the 95% limits." if len(points) == 2
             else f" All {len(points)} services are within the 95% limits." if len(points) > 1
             else " The service is within the 95% limits.")
    if left_out:
        text += (f" {left_out} {'service' if left_out == 1 else 'services'} whose count is hidden ([c]) "
                 f"{'is' if left_out == 1 else 'are'} not drawn and not in the rate.")
    return text


# --- the headline figures' small trends --------------------------------------------------------------

#: the icon beside a signal (Material Symbols): its shape says the signal (an arrow up or down for a special
#: cause on that side, a flat line for common cause, dots for too few points); the words say the rest
ICONS = {"high": ":material/arrow_upward:", "low": ":material/arrow_downward:", None: ":material/horizontal_rule:"}
TOO_FEW_ICON = ":material/more_horiz:"
#: "the latest, 92% at 2026-09-30": a snapshot is a day; a quarter, wave or year a stretch of time
AT = {"snapshots": "at"}
#: MDC's colours for the icon (improving blue, concerning orange, neither purple, common cause grey): never alone
TONES = {spc.IMPROVING: "blue", spc.CONCERNING: "orange", spc.SPECIAL_NEITHER: "violet", spc.COMMON: "gray"}
SMALL_TRENDS_NOTE = ("Under each figure, its small trend over its recent periods: a circle is a point within the usual "
                     "range, a triangle a special cause, and a gap a hidden figure ([c]). The signal beside it is read "
                     "at the latest point, in the way of Making Data Count; with fewer than "
                     f"{spc.MIN_POINTS} points, or a figure that moves in steps too coarse for them, there are no "
                     "process limits, so no signal.")


@dataclass(frozen=True)
class SmallTrend:
    name: str  # the table's and download's name
    drawn: pd.DataFrame  # point, value (NA where hidden), kind ("Common cause"/"Special cause"), label
    table: pd.DataFrame
    signal: str  # "Common cause", "Special cause, improving (high)", "3 waves: too few for limits"
    icon: str
    tone: str
    sentence: str  # the text alternative
    percent: bool


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit if n != 1 else unit[:-1]}"


def _values(counts: pd.Series, hidden, ofs: Optional[pd.Series]) -> list[Optional[float]]:
    """Each point's figure: the count, or the count over `ofs` for a share; None where hidden or not recorded."""
    if ofs is None:
        return [None if h or pd.isna(c) else float(c) for c, h in zip(counts, hidden)]
    return [None if h or pd.isna(c) or pd.isna(n) or not n else float(c) / float(n)
            for c, n, h in zip(counts, ofs, hidden)]


def _signal_words(a: spc.Analysis, unit: str) -> tuple[str, str, str]:
    """The signal in words, its icon and its tone, read at the latest point."""
    if a.limits is None:
        known = int(a.frame["value"].notna().sum())
        shown = " shown" if known < len(a.frame) else ""
        return f"{_plural(known, unit)}{shown}: too {'coarse' if a.coarse else 'few'} for limits", TOO_FEW_ICON, "gray"
    side = next((s for v, s in zip(a.frame["value"][::-1], a.frame["side"][::-1]) if not pd.isna(v)), "") or None
    words = a.variation if side is None else f"{a.variation} ({side})"
    return words, ICONS[side], TONES[a.variation]


def _fmt(share: bool, digits: int = 0) -> Callable[[float], str]:
    if share:
        return spc.share_format if not digits else (lambda v: f"{100 * v:.{digits}f}%")
    return lambda v: f"{v:,.{digits}f}"


def _digits(a: spc.Analysis, share: bool) -> int:
    """The fewest decimals that keep the latest figure apart from each limit it is not equal to."""
    last = a.frame["value"].iloc[-1]
    if a.limits is None or pd.isna(last):
        return 0
    limits = [x for x in (a.limits.lower, a.limits.upper) if x != float(last)]
    return next((d for d in (0, 1) if all(_fmt(share, d)(float(last)) != _fmt(share, d)(x) for x in limits)), 2)


def _sentence(a: spc.Analysis, what: str, unit: str, share: bool, signal: str) -> str:
    labels, values = a.frame["label"].tolist(), a.frame["value"].tolist()
    span = (f"{what}, {_plural(len(labels), unit)} from {labels[0]} to {labels[-1]}" if len(labels) > 1
            else f"{what}, one {unit[:-1]}: {labels[0]}")
    fmt = _fmt(share, _digits(a, share))
    if a.limits is None:
        shown = ", ".join(SUPPRESSED if pd.isna(v) else fmt(float(v)) for v in values)
        if a.coarse:
            step = (f"one more or fewer of {1 / a.step:,.0f} moves the share {100 * a.step:.0f} points" if share
                    else "it moves in whole numbers")
            return (f"{span}: {shown}. {signal} ({step}: fewer than {spc.LEAST_VALUES} of its values would lie "
                    "within process limits), so no signal is read.")
        return f"{span}: {shown}. {signal} ({spc.MIN_POINTS} are needed), so no signal is read."
    usual = f"the usual range ({fmt(a.limits.lower)} to {fmt(a.limits.upper)})"
    last = a.frame.iloc[-1]
    if pd.isna(last["value"]):
        latest = (f"the latest, {labels[-1]}, is hidden ({SUPPRESSED}); the usual range is {fmt(a.limits.lower)} "
                  f"to {fmt(a.limits.upper)}")
    else:
        where = ("above" if last["side"] == "high" else "below") if "outside" in last["rules"] else "within"
        latest = f"the latest, {fmt(float(last['value']))} {AT.get(unit, 'in')} {labels[-1]}, is {where} {usual}"
        if last["rules"] and where == "within":
            latest += f", and part of a special cause ({last['signal']})"
    return f"{span}: {signal[:1].lower() + signal[1:]}; {latest}."


def small_trend(name: str, what: str, unit: str, labels: list[str], columns: dict[str, tuple[pd.Series, object]],
                better: str, share: bool) -> Optional[SmallTrend]:
    """A headline figure's small trend from its points in time order. `columns` names the table's counts, each
    with its values and whether each is hidden: one count, or a share's count then its denominator (`share`)."""
    if not labels:
        return None
    series = [values for values, _ in columns.values()]
    hidden_any = [any(flags) for flags in zip(*([bool(h) for h in hidden] for _, hidden in columns.values()))]
    values = _values(series[0], hidden_any, series[1] if share else None)
    a = spc.analyse(labels, values, better=better, floor=0.0, ceiling=1.0 if share else None,
                    step=_share_step(series[1]) if share else 1.0)
    fmt = _fmt(share)
    signal, icon, tone = _signal_words(a, unit)
    drawn = pd.DataFrame({"point": labels, "value": a.frame["value"],
                          "kind": ["Special cause" if r else "Common cause" for r in a.frame["rules"]],
                          "label": [SUPPRESSED if pd.isna(v) else fmt(float(v)) for v in a.frame["value"]]})
    table = pd.DataFrame({unit[:-1]: labels})
    for col, (series, flags) in columns.items():
        table[col] = pd.array([None if bool(h) or pd.isna(v) else int(v) for v, h in zip(series, flags)],
                              dtype="Int64")
        table[f"{col}_suppressed"] = [bool(h) for h in flags]
    if share:
        table["share %"] = [None if v is None else round(100 * v, 1) for v in values]
        table["share %_suppressed"] = hidden_any
    table["signal"] = _signal(a)
    return SmallTrend(name, drawn, table, signal, icon, tone, _sentence(a, what, unit, share, signal), share)


def _flags(frame: pd.DataFrame, col: str) -> list[bool]:
    return [bool(h) for h in _hidden(frame, col)]


def concerns_small(frame: pd.DataFrame, period: Period, as_of: Optional[dt.datetime]) -> Optional[SmallTrend]:
    """Concerns raised in each complete quarter (the XmR chart's series): neither direction is better."""
    q = complete_quarters(frame, period, as_of)
    if q.empty:
        return None
    return small_trend("concerns raised by quarter", "Concerns raised", "quarters",
                       q["value"].tolist(), {"concerns raised": (q["raised"], _flags(q, "raised"))}, spc.NEITHER,
                       share=False)


def within_target_small(frame: pd.DataFrame, period: Period, as_of: Optional[dt.datetime], target_hours: int
                        ) -> Optional[SmallTrend]:
    """The share reviewed within the target in each complete quarter (the XmR chart's series): higher is better."""
    q = complete_quarters(frame, period, as_of)
    if q.empty:
        return None
    return small_trend(f"reviewed within {target_hours} hours by quarter",
                       f"Reviewed within {target_hours} hours", "quarters", q["value"].tolist(),
                       {"within target": (q["within_target"], _flags(q, "within_target")),
                        "of": (q["in_denominator"], _flags(q, "in_denominator"))}, spc.HIGHER, share=True)


def _up_to(frame: Optional[pd.DataFrame], column: str, period: Period) -> pd.DataFrame:
    """The rows dated on or before the period's end (the rule each area uses for the period), oldest first, the
    latest twenty."""
    if frame is None or frame.empty:
        return pd.DataFrame()
    days = pd.to_datetime(frame[column]).dt.date
    kept = days <= period.end
    keep = frame[kept].assign(_day=days[kept])
    return keep.sort_values("_day", kind="stable").drop(columns="_day").tail(TREND_QUARTERS).reset_index(drop=True)


def training_small(snapshots: pd.DataFrame, period: Period) -> Optional[SmallTrend]:
    """Required courses in date, council-wide, at each snapshot up to the one the period uses: higher is better."""
    s = _up_to(snapshots, "snapshot_date", period)
    if s.empty:
        return None
    return small_trend("training in date by snapshot", "Required training in date",
                       "snapshots", [f"{pd.Timestamp(d):%Y-%m-%d}" for d in s["snapshot_date"]],
                       {"in date": (s["in_date"], _flags(s, "in_date")),
                        "of": (s["required"], _flags(s, "required"))}, spc.HIGHER, share=True)


def survey_small(questions: pd.DataFrame, period: Period, question_id: Optional[str]) -> Optional[SmallTrend]:
    """The headline question's positive share in each wave closed by the period's end: higher is better."""
    if question_id is None or questions is None or questions.empty:
        return None
    w = _up_to(questions[questions["question_id"] == question_id], "closed_on", period)
    if w.empty:
        return None
    return small_trend("confident raising a concern by wave", "Staff confident raising a concern",
                       "waves", w["survey_id"].astype(str).tolist(),
                       {"positive": (w["positive"], _flags(w, "positive")),
                        "of": (w["answered"], _flags(w, "answered"))}, spc.HIGHER, share=True)


def self_assessment_small(ratings: pd.DataFrame, period: Period) -> Optional[SmallTrend]:
    """Standards rated Green or better in each audit year ended by the period's end: higher is better."""
    if ratings is None or ratings.empty:
        return None
    years = _up_to(ratings.dropna(subset=["year_end_date"]).groupby("year", as_index=False)["year_end_date"].max(),
                   "year_end_date", period)
    if years.empty:
        return None
    good = [self_assessment.green_or_better(ratings, y) for y in years["year"]]
    no = [False] * len(good)
    return small_trend("Green or better by year", "Self-assessment Green or better",
                       "years", years["year"].tolist(),
                       {"green or better": (pd.Series([g["count"] for g in good]), no),
                        "of": (pd.Series([g["of"] for g in good]), no)}, spc.HIGHER, share=True)


def small_trends(figures, period: Period, target_hours: int, question_id: Optional[str]) -> list[Optional[SmallTrend]]:
    """The five headline figures' small trends, in the Overview's order, each read through the figures service."""
    quarters = figures.get("timeliness_by_quarter", period, target_hours)
    as_of = figures.coverage().get("as_of")
    return [concerns_small(quarters, period, as_of), within_target_small(quarters, period, as_of, target_hours),
            training_small(figures.get("training_snapshots"), period),
            survey_small(figures.get("survey_questions"), period, question_id),
            self_assessment_small(figures.get("self_assessment_ratings"), period)]
