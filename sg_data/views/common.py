"""What every view model needs: reading a count that may be hidden, and writing it into the briefing."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from .. import present
from ..periods import overlaps
from ..present import NOT_RECORDED, is_missing
from ..stats import SUPPRESSED, Share


def hidden(row, col: str) -> bool:
    """Whether a count in a row is hidden ([c]): its `<col>_suppressed` flag."""
    flag = row.get(f"{col}_suppressed") if hasattr(row, "get") else None
    return bool(flag) if flag is not None and not is_missing(flag) else False


def value(row, col: str) -> Optional[int]:
    """A count as a plain int, or None where it is hidden or not recorded."""
    v = row.get(col) if hasattr(row, "get") else None
    if hidden(row, col) or is_missing(v):
        return None
    return int(v)


def count_item(base: dict, row, col: str) -> dict:
    item = {**base, "count": value(row, col)}
    if hidden(row, col):
        item["suppressed"] = True
    return item


def share_item(row, count_col: str, of_col: str, base: Optional[dict] = None) -> dict:
    """`{"count": 13, "of": 27}`; a hidden part is None and the object says `"suppressed": true`."""
    item = {**(base or {}), "count": value(row, count_col), "of": value(row, of_col)}
    if hidden(row, count_col) or hidden(row, of_col):
        item["suppressed"] = True
    return item


def covers(figures, period) -> bool:
    """Whether the concern export covers any of the period: outside it there is no count at all ([x]), not 0."""
    cov = figures.coverage()
    return overlaps(period, cov["first"], cov["last"])


def not_covered_words(figures, period) -> str:
    cov = figures.coverage()
    if not cov["first"]:
        return "No concerns are loaded, so there is nothing to count."
    side = "begin" if period.end < cov["first"] else "end"
    day = cov["first"] if side == "begin" else cov["last"]
    return (f"No concerns were recorded in {period.label} as far as the data can tell: the concern data {side} on "
            f"{present.date(day)}, so {period.label} has no figure ({present.NOT_AVAILABLE}, not available), "
            "rather than 0.")


def first_row(frame: Optional[pd.DataFrame], **where) -> Optional[dict]:
    if frame is None or frame.empty:
        return None
    part = frame
    for col, v in where.items():
        part = part[part[col] == v]
    return None if part.empty else part.iloc[0].to_dict()


def in_order(frame: pd.DataFrame, name_col: str, count_col: str, suppressed: bool) -> pd.DataFrame:
    """Officer lists sort by count, largest first, then name (metrics.md); a published list keeps a fixed order,
    by name, with its zeros, so that neither the order nor the presence of a row says anything."""
    if suppressed:
        return frame.sort_values(name_col, kind="stable").reset_index(drop=True)
    shown = frame[frame[count_col].fillna(0) > 0] if count_col in frame else frame
    return shown.sort_values([count_col, name_col], ascending=[False, True], kind="stable").reset_index(drop=True)


#: a chart of categories draws the few largest and adds the rest together (its table still lists every one)
TOP_CATEGORIES = 5
OTHER_CATEGORIES = "Other categories"


def top_and_other(frame: pd.DataFrame, name_col: str, count_col: str, top: int = TOP_CATEGORIES,
                  other: str = OTHER_CATEGORIES) -> tuple[pd.DataFrame, list[str]]:
    """The `top` largest rows, largest first (then by name), and one row `other` adding up the rest; the names
    grouped come back too. A hidden count ([c], <NA>) is never ranked among the largest, and the `other` row is
    <NA> where any part of it is hidden (a sum of the parts shown would understate it)."""
    ranked = (frame.assign(_n=frame[count_col].astype("Float64").fillna(-1))
              .sort_values(["_n", name_col], ascending=[False, True], kind="stable"))
    if len(ranked) <= top + 1:  # one row left over is shown as itself, not as a group of one
        return ranked[[name_col, count_col]].reset_index(drop=True), []
    rest = ranked.iloc[top:]
    row = pd.DataFrame({name_col: [other], count_col: [total(rest[count_col])]})
    out = pd.concat([ranked.iloc[:top][[name_col, count_col]], row], ignore_index=True)
    out[count_col] = out[count_col].astype("Int64")
    return out, rest[name_col].tolist()


def grouping_words(grouped: list[str], noun: str = "categories", other: str = OTHER_CATEGORIES) -> str:
    """The sentence that says what a chart of the largest few groups together, or "" when nothing is grouped."""
    if not grouped:
        return ""
    return (f" The chart shows the {TOP_CATEGORIES} largest {noun} and adds the other {len(grouped)} together as "
            f"{other}; the table lists every one.")


# --- shares and counts that may have a hidden part --------------------------------------------------

def share_of(count, of) -> Optional[Share]:
    """A Share, or None where either part is missing (suppressed)."""
    if is_missing(count) or is_missing(of):
        return None
    return Share(int(count), int(of))


def share_label(count, of, interval: bool = True) -> str:
    """`"13 of 27, 48% (31%-66%)"`; `[c]` where a part is suppressed; `0 of 0, [z]`."""
    share = share_of(count, of)
    if share is None:
        return SUPPRESSED
    return share.format(interval=interval and share.of > 0)


def with_shares(df: pd.DataFrame, count: str, of: str, interval: bool = True) -> pd.DataFrame:
    """Adds `share`, `low`, `high` (proportions; missing where suppressed or 0 of 0) and `label`."""
    out = df.copy()
    shares, lows, highs, labels = [], [], [], []
    for c, n in zip(out[count], out[of]):
        s = share_of(c, n)
        if s is None or s.of == 0:
            shares.append(None), lows.append(None), highs.append(None)
        else:
            lo, hi = s.interval
            shares.append(s.proportion), lows.append(lo), highs.append(hi)
        labels.append(share_label(c, n, interval))
    out["share"] = pd.array(shares, dtype="Float64")
    out["low"] = pd.array(lows, dtype="Float64")
    out["high"] = pd.array(highs, dtype="Float64")
    out["label"] = labels
    return out


def total(series: pd.Series):
    """The sum of a count column, or None where any part is suppressed (the total would give it away)."""
    if series.isna().any():
        return None
    return int(series.sum())


def count_text(value, suppressed: bool = False) -> str:
    if suppressed:
        return SUPPRESSED
    if is_missing(value):
        return NOT_RECORDED
    return f"{int(value):,}"


def _sum_or_na(series: pd.Series):
    return pd.NA if series.isna().any() else int(series.sum())


def sum_or_hidden(frame: pd.DataFrame, keys: str | list[str], column: str, sort: bool = True) -> pd.Series:
    """Each group's total of `column` (Int64), or <NA> where one of its parts is hidden: a total of only the parts
    shown would understate it. `_sum_or_na` per group, set-wise rather than one Python call per group."""
    values = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    grouped = frame[[keys] if isinstance(keys, str) else list(keys)].assign(_v=values, _h=values.isna()) \
        .groupby(keys, sort=sort)
    return grouped["_v"].sum().mask(grouped["_h"].any()).rename(column)


date_text = present.date


def keep(frame: pd.DataFrame, services: tuple, column: str = "service") -> pd.DataFrame:
    if not services or frame is None or column not in frame.columns:
        return frame
    return frame[frame[column].isin(services)].reset_index(drop=True)


def frame_total(frame: pd.DataFrame, col: str):
    """The sum of a count column, or None where a hidden part means it cannot be told (0 for no rows)."""
    if frame is None or frame.empty:
        return 0
    return None if frame[col].isna().any() else int(frame[col].sum())


def with_flags(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Mark NA counts as hidden so that the table shows [c]; a flag column already there is kept."""
    out = df.copy()
    for col in cols:
        flag = f"{col}_suppressed"
        if flag not in out.columns and out[col].isna().any():
            out[flag] = out[col].isna()
    return out


def largest_first(frame: pd.DataFrame, col: str, name: str) -> pd.DataFrame:
    """The rows whose count is shown, largest first (for sentences: a list itself keeps the view's order)."""
    shown = frame.dropna(subset=[col])
    return shown.sort_values([col, name], ascending=[False, True], kind="stable").reset_index(drop=True)
