"""Trends with their limits (sg_data.spc): the Overview's XmR charts and the Concerns page's funnel plot.

Council-wide quarters come from `timeliness_by_quarter` (a process figure, published in every view): concerns
raised, and those reviewed within the target of those in its denominator. Only complete quarters (ending on or
before the as-of date) are drawn, up to the period chosen. The funnel compares services' concerns per 100 staff
in a financial year with the council's rate over the services with a headcount; a service whose count is hidden
takes no part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from .. import spc
from ..periods import Period, parse

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


def concerns(frame: pd.DataFrame, period: Period, as_of: Optional[dt.datetime]) -> Optional[Trend]:
    """Concerns raised per quarter, council-wide, with its XmR chart (neither direction is better)."""
    quarters = complete_quarters(frame, period, as_of)
    if quarters.empty:
        return None
    a = spc.analyse(quarters["value"], quarters["raised"], better=spc.NEITHER, floor=0.0)
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
    a = spc.analyse(quarters["value"], shares, better=spc.HIGHER, floor=0.0, ceiling=1.0)
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
