"""Concerns raised: the council-wide figure, by service, by category, the trend, rates and referrals.

`section` is the briefing's part; the other functions are what the Concerns
page draws, each returning the frame to chart, the table to show beside it
and the sentence that says what the chart shows. In the Scrutiny view a list
keeps its fixed order (by name, zeros included) and a hidden count is <NA>
beside its `_suppressed` flag; the sentences speak only of what is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from .. import periods, present
from ..periods import Period, quarter_of
from ..stats import SUPPRESSED, Share, describe_change
from .common import (OTHER_CATEGORIES, count_item, covers, first_row, frame_total, grouping_words, in_order, keep,
                     largest_first, share_item, sum_or_hidden, top_and_other, value, with_flags)

TREND_QUARTERS = 12  # three years of quarters: enough to see the season and the direction
HIDDEN_NOTE = "counts that could identify people are hidden ([c])"


def section(figures, period: Period) -> Optional[dict]:
    summary = first_row(figures.get("concerns_summary", period))
    if summary is None or not summary.get("concerns"):
        return None
    by_service = in_order(figures.get("concerns_by_service", period), "service", "concerns", figures.suppressed)
    by_category = in_order(figures.get("concerns_by_category", period), "category", "concerns", figures.suppressed)
    return {
        "total": value(summary, "concerns"),
        "by_service": [count_item({"service": r["service"]}, r, "concerns") for r in by_service.to_dict("records")],
        "by_category": [count_item({"category": r["category"], "statutory_category": r["statutory_category"]}, r,
                                   "concerns") for r in by_category.to_dict("records")],
        "referred_externally": share_item(summary, "referred", "concerns"),
    }


# --- the page -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    raised: object  # int, None (hidden) or "[x]" (no data for the period)
    referred: object  # int, None (hidden), "n/a" (this view gives no referrals by service) or "[x]"


def services_frame(figures, period: Period, services: tuple) -> pd.DataFrame:
    """Concerns by service for the services chosen; the published grid lists every service, so it is sorted."""
    frame = keep(figures.get("concerns_by_service", period), services)
    return frame.sort_values("service").reset_index(drop=True) if figures.suppressed else frame


def without_headcount(figures, fy: Period, services: tuple, rates_frame: pd.DataFrame) -> list[str]:
    """Services that raised concerns in the year but have no headcount recorded, so no rate."""
    raised = keep(figures.get("concerns_by_service", fy), services)
    raised = raised[raised["concerns"].fillna(0) != 0]  # a hidden count is not said to be more than 0
    return sorted(set(raised["service"]) - set(rates_frame["service"]))


def headline(figures, period: Period, services: tuple) -> Headline:
    """Concerns raised and referred externally, for the whole council or the services chosen; both `[x]` for a
    period the concern export does not cover, or one a publication does not hold (never 0)."""
    if not covers(figures, period):
        return Headline(present.NOT_AVAILABLE, present.NOT_AVAILABLE)
    if not services:
        row = first_row(figures.get("concerns_summary", period))
        if not row:
            return Headline(present.NOT_AVAILABLE, present.NOT_AVAILABLE)
        return Headline(value(row, "concerns"), value(row, "referred"))
    by_service = keep(figures.get("concerns_by_service", period), services)
    if by_service.empty:
        return Headline(0, 0)
    referred = frame_total(by_service, "referred") if "referred" in by_service.columns else "n/a"
    return Headline(frame_total(by_service, "concerns"), referred)


def change_words(now, before, before_label: str) -> str:
    if isinstance(before, str) or isinstance(now, str):
        return f"{before_label}: {before if isinstance(before, str) else present.count(before, before is None)}."
    if now is None or before is None:
        return f"{before_label}: {present.count(before, hidden=before is None)}."
    if before == 0:
        return f"{before_label}: none recorded."
    diff = now - before
    if diff == 0:
        return f"{before_label}: {before:,} (no change)."
    return f"{before_label}: {before:,} ({'up' if diff > 0 else 'down'} {abs(diff):,}, or {abs(diff) / before:.0%})."


def referred_words(now: Headline, before: Headline, before_label: str) -> str:
    a, a_of, b, b_of = before.referred, before.raised, now.referred, now.raised
    if isinstance(b, str):
        return "Referrals by service are not available in this view."
    if None in (a, a_of, b, b_of) or isinstance(a, str):
        return f"{before_label}: {referred_text(a, a_of)}."
    if not a_of:
        return f"{before_label}: no concerns to compare with."
    return f"{before_label}: {present.share(a, a_of, interval=True)}; {describe_change(Share(a, a_of), Share(b, b_of))}."


def referred_text(referred, raised, interval: bool = False) -> str:
    if isinstance(referred, str):
        return present.NOT_AVAILABLE
    return present.share(referred, raised, interval=interval)


def by_service(frame: pd.DataFrame, period: Period, raised) -> tuple[pd.DataFrame, str]:
    """The table of concerns by service and the sentence for its chart."""
    table = with_flags(frame[["service", "concerns"]], ["concerns"])
    shown = largest_first(frame, "concerns", "service")
    if len(frame) == 1 and len(shown):
        return table, f"In {period.label}, {shown.iloc[0]['service']} raised {int(shown.iloc[0]['concerns']):,} concerns."
    if not len(shown):
        return table, f"Every count by service in {period.label} is hidden ([c])."
    top, bottom = shown.iloc[0], shown.iloc[-1]
    summary = (f"In {period.label}, {top['service']} raised the most concerns ({int(top['concerns']):,} of "
               f"{present.count(raised, hidden=raised is None)})")
    if len(shown) > 1 and len(shown) == len(frame):
        return table, summary + f" and {bottom['service']} the fewest ({int(bottom['concerns']):,})."
    return table, summary + ("." if len(shown) == len(frame) else f"; {HIDDEN_NOTE}.")


def service_category(cells: pd.DataFrame, by_service_frame: pd.DataFrame, by_category: pd.DataFrame,
                     period: Period, services: tuple, suppressed: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The grid of services by categories: the cells to draw (the largest few categories, the rest added together),
    the table of every cell and the sentence."""
    if suppressed:
        cells = cells.sort_values(["service", "category"]).reset_index(drop=True)
    else:
        rank = {s: i for i, s in enumerate(by_service_frame["service"])}
        cells = (cells.assign(_rank=cells["service"].map(rank))
                 .sort_values(["_rank", "concerns", "category"], ascending=[True, False, True], na_position="last")
                 .drop(columns="_rank").reset_index(drop=True))
    if services:
        by_category = (cells.groupby("category", as_index=False)["concerns"]
                       .agg(lambda s: pd.NA if s.isna().any() else s.sum()))
    known = largest_first(by_category, "concerns", "category")
    biggest = cells.dropna(subset=["concerns"]).sort_values(["concerns", "service", "category"],
                                                            ascending=[False, True, True])
    parts = []
    if len(known) and known.iloc[0]["concerns"] > 0:
        first = known.iloc[0]
        parts.append(f"the most frequent category was {first['category']} ({int(first['concerns']):,})")
    if len(biggest) and biggest.iloc[0]["concerns"] > 0 and services != (biggest.iloc[0]["service"],):
        b = biggest.iloc[0]
        parts.append(f"the largest single cell was {b['category']} in {b['service']} ({int(b['concerns']):,})")
    summary = (f"In {period.label}, " + "; ".join(parts) + "." if parts
               else f"Every count in this grid for {period.label} is hidden ([c]).")
    if parts and cells["concerns"].isna().any():
        summary = summary[:-1] + f"; {HIDDEN_NOTE}."
    _, rest = top_and_other(by_category, "category", "concerns")
    drawn = (cells.assign(category=cells["category"].where(~cells["category"].isin(rest), OTHER_CATEGORIES))
             .pipe(sum_or_hidden, ["service", "category"], "concerns", sort=False).reset_index())
    return drawn, with_flags(cells[["service", "category", "concerns"]], ["concerns"]), summary + grouping_words(rest)


def trend_quarters(trend: pd.DataFrame, period: Period) -> list[str]:
    """The quarters drawn: up to twelve, ending with the period's last quarter in the data."""
    last_data = pd.Timestamp(trend["quarter_start"].max()).date()
    first_data = pd.Timestamp(trend["quarter_start"].min()).date()
    q = quarter_of(min(period.end, last_data))
    quarters = []
    while len(quarters) < TREND_QUARTERS and q.start >= first_data:
        quarters.append(q)
        q = q.previous()
    return [q.label for q in reversed(quarters)]


@dataclass(frozen=True)
class Trend:
    grouped: pd.DataFrame  # series, concerns over the quarters: the largest few, then the rest as one bar
    table: pd.DataFrame  # every series in every quarter, with the quarter's total
    summary: str
    order: list[str]  # every series, largest first
    labels: list[str]


def trend(frame: pd.DataFrame, labels: list[str], series: str, series_name: str) -> Optional[Trend]:
    """Concerns over the quarters by category (or statutory category): bars for the largest few, largest first,
    then the rest added together; the table gives every one in every quarter."""
    window = frame[frame["quarter_label"].isin(labels)]
    if window.empty:
        return None
    grouped = sum_or_hidden(window, ["quarter_label", series], "concerns").reset_index()
    sizes = sum_or_hidden(grouped, series, "concerns").reset_index()
    bars, rest = top_and_other(sizes, series, "concerns")
    order = (sizes.assign(_n=sizes["concerns"].astype("Float64").fillna(-1))
             .sort_values(["_n", series], ascending=[False, True])[series].tolist())
    # every quarter shows every series: a quarter with none of a category is a zero, not a gap
    full = pd.MultiIndex.from_product([labels, order], names=["quarter_label", series]).to_frame(index=False)
    grouped = full.merge(grouped, how="left", on=["quarter_label", series], indicator=True)
    grouped["concerns"] = grouped["concerns"].astype("Int64").mask(grouped["_merge"] == "left_only", 0)
    grouped = grouped.drop(columns="_merge")
    quarter_totals = sum_or_hidden(grouped, "quarter_label", "concerns", sort=False)
    known_totals = quarter_totals.dropna()
    span = f"Over the {len(labels)} quarters from {labels[0]} to {labels[-1]} (all services)"
    known = bars[bars["concerns"].notna()]
    largest = (f"the largest {series_name} was {known.iloc[0][series]} ({int(known.iloc[0]['concerns']):,})"
               if len(known) and known.iloc[0][series] != OTHER_CATEGORIES else "")
    if len(known_totals) == len(quarter_totals):
        hi, lo = known_totals.astype(int).idxmax(), known_totals.astype(int).idxmin()
        summary = (f"{span}, concerns per quarter ranged from {int(known_totals[lo]):,} ({lo}) to "
                   f"{int(known_totals[hi]):,} ({hi})" + (f"; {largest}." if largest else "."))
    elif largest:
        summary = f"{span}, {largest} among the counts shown; a quarter's total is hidden ([c]) where one of its parts is."
    else:
        summary = f"Every quarterly count from {labels[0]} to {labels[-1]} is hidden ([c])."
    noun = series_name.replace("category", "categories")
    summary += grouping_words(rest, noun)
    table = grouped.pivot(index="quarter_label", columns=series, values="concerns").reindex(index=labels, columns=order)
    table.insert(len(order), "Total", quarter_totals.reindex(labels).astype("Int64"))
    table = table.reset_index().rename(columns={"quarter_label": "Quarter"})
    table.columns.name = None
    return Trend(bars, with_flags(table, order + ["Total"]), summary, order, labels)


def rate_note(fy: Period, as_of) -> str:
    """What a rate for a year the data do not yet cover to its end is: never annualised silently."""
    if periods.is_complete(fy, as_of):
        return ""
    months = (as_of.year - fy.start.year) * 12 + as_of.month - fy.start.month + (
        1 if (as_of + dt.timedelta(days=1)).day == 1 else 0)
    return (f"{fy.label} is not complete: these rates count the concerns of "
            f"{periods.span_words(fy.start, periods.data_to(fy, as_of))} ({months} of 12 months) against the "
            "year's headcount, and are not annualised, so they read lower than a full year's would.")


def rates(frame: pd.DataFrame, fy: Period) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Concerns per 100 staff by service in a financial year: the frame to draw, its table and sentence."""
    out = frame.copy()
    out["headcount"] = out["headcount"].round().astype("Int64")
    out["_label"] = out["concerns_per_100_staff"].map(lambda v: SUPPRESSED if pd.isna(v) else f"{v:.1f}")
    shown = out.dropna(subset=["concerns_per_100_staff"]).sort_values(
        ["concerns_per_100_staff", "service"], ascending=[False, True])
    if len(shown):
        top = shown.iloc[0]
        summary = (f"In {fy.label}, {top['service']} raised the most concerns per 100 staff "
                   f"({top['concerns_per_100_staff']:.1f}: {present.count(top['concerns'])} concerns, "
                   f"{present.count(top['headcount'])} staff)")
        if len(shown) > 1:
            bottom = shown.iloc[-1]
            summary += f" and {bottom['service']} the fewest ({bottom['concerns_per_100_staff']:.1f})"
        summary += "."
    else:
        summary = f"Every rate for {fy.label} is hidden because its count is hidden ([c])."
    table = with_flags(out[["service", "concerns", "headcount", "concerns_per_100_staff"]],
                       ["concerns", "concerns_per_100_staff"])
    return out, table, summary


def referrals(frame: pd.DataFrame, period: Period, whole: Headline) -> Optional[tuple[pd.DataFrame, pd.DataFrame, str]]:
    """External referrals by destination (all services): the bars, the table with those not referred, a sentence."""
    destinations = frame[frame["is_referred"]].reset_index(drop=True) if not frame.empty else frame
    if destinations.empty or (destinations["concerns"].fillna(1) == 0).all():
        return None
    referred, raised = whole.referred, whole.raised
    known = largest_first(destinations, "concerns", "referred_to")
    if referred is None or raised is None or isinstance(referred, str):
        summary = f"Across all services, {SUPPRESSED} concerns raised in {period.label} were referred externally"
    else:
        summary = (f"Across all services, {referred:,} of {raised:,} concerns raised in {period.label} "
                   f"({Share(referred, raised).pct_rounded}%) were referred externally")
    summary += (f"; the most common destination was {known.iloc[0]['referred_to']} "
                f"({int(known.iloc[0]['concerns']):,})." if len(known) and known.iloc[0]["concerns"] > 0 else ".")
    return destinations, with_flags(frame[["referred_to", "concerns"]], ["concerns"]), summary


def mapping(frame: pd.DataFrame) -> pd.DataFrame:
    """The council's categories with the statutory category each maps to and its concerns (all services)."""
    out = (with_flags(frame[["category", "statutory_category", "concerns"]], ["concerns"])
           .sort_values(["statutory_category", "concerns", "category"], ascending=[True, False, True],
                        na_position="last"))
    return out.rename(columns={"concerns": "concerns (all services)",
                               "concerns_suppressed": "concerns (all services)_suppressed"})
