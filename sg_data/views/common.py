"""What every view model needs: reading a count that may be hidden, and writing it into the briefing."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..present import is_missing


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
