"""Training coverage at the snapshot a period uses."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..periods import Period
from ..present import is_missing
from .common import _sum_or_na, first_row, share_item, value, with_shares


def section(figures, period: Period) -> Optional[dict]:
    by_service = figures.get("training_by_service", period)
    if by_service is None or by_service.empty:
        return None
    snapshot = pd.Timestamp(by_service["snapshot_date"].iloc[0]).date()
    snaps = figures.get("training_snapshots")
    overall = first_row(snaps.assign(_day=pd.to_datetime(snaps["snapshot_date"]).dt.date), _day=snapshot)
    return {
        "snapshot_date": snapshot.isoformat(),
        "coverage": share_item(overall, "in_date", "required"),
        "by_service": [share_item(r, "in_date", "required", {"service": r["service"]})
                       for r in by_service.to_dict("records")],
        "expiring_soon": value(overall, "expiring_soon"),
    }


# --- the page -------------------------------------------------------------------------------------

def staff_or_councillors(frame: pd.DataFrame) -> pd.Series:
    return frame["is_councillor"].map(lambda c: "Councillors" if bool(c) else "Staff")


def training_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Coverage for staff and councillors apart, then everyone: group, in_date, required, share columns."""
    rows = []
    if not frame.empty:
        groups = staff_or_councillors(frame)
        for name in ("Staff", "Councillors"):
            part = frame[groups == name]
            if len(part):
                rows.append({"group": name, "in_date": _sum_or_na(part["in_date"]),
                             "required": _sum_or_na(part["required"])})
        rows.append({"group": "Everyone", "in_date": _sum_or_na(frame["in_date"]),
                     "required": _sum_or_na(frame["required"])})
    out = pd.DataFrame(rows, columns=["group", "in_date", "required"])
    out["in_date"] = out["in_date"].astype("Int64")
    out["required"] = out["required"].astype("Int64")
    return with_shares(out, "in_date", "required")


def training_by_service(frame: pd.DataFrame) -> pd.DataFrame:
    """Coverage per service, staff services first by coverage (lowest first), Councillors last."""
    out = with_shares(frame, "in_date", "required")
    out["_order"] = out["is_councillor"].astype(bool)
    out = out.sort_values(["_order", "share", "service"], na_position="last").drop(columns="_order")
    return out.reset_index(drop=True)


def course_label(course: str, level) -> str:
    return f"{course} (level {int(level)})" if not is_missing(level) else course


def training_by_course(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["course_label"] = [course_label(c, lv) for c, lv in zip(out["course"], out["level"])]
    return with_shares(out, "in_date", "required")


def training_trend(trend: pd.DataFrame, services: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per snapshot, staff and councillors apart: in_date, required and share columns, in date order."""
    cols = ["snapshot_date", "snapshot", "group", "in_date", "required"]
    if trend.empty:
        return with_shares(pd.DataFrame(columns=cols).astype({"in_date": "Int64", "required": "Int64"}),
                           "in_date", "required")
    data = trend if not services else trend[trend["service"].isin(services)]
    data = data.assign(group=staff_or_councillors(data))
    out = (data.groupby(["snapshot_date", "group"], as_index=False)
           .agg(in_date=("in_date", _sum_or_na), required=("required", _sum_or_na)))
    out["in_date"] = out["in_date"].astype("Int64")
    out["required"] = out["required"].astype("Int64")
    out["snapshot"] = pd.to_datetime(out["snapshot_date"]).dt.strftime("%Y-%m-%d")
    out = out.sort_values(["snapshot_date", "group"], ascending=[True, False]).reset_index(drop=True)
    return with_shares(out[cols], "in_date", "required")


def expiring_by_service(frame: pd.DataFrame) -> pd.DataFrame:
    """People with a required course expiring in the next 90 days, per service, most first."""
    out = frame[["service", "people_expiring_soon"]
                + [c for c in frame.columns if c == "people_expiring_soon_suppressed"]].copy()
    out["_sort"] = out["people_expiring_soon"].astype("Float64").fillna(-1)
    out = out.sort_values(["_sort", "service"], ascending=[False, True]).drop(columns="_sort")
    return out.reset_index(drop=True)


def coverage_groups(figures, period: Period, services: tuple = ()) -> pd.DataFrame:
    """Staff, Councillors and Everyone: in date of required, with shares. For the whole council these are the
    council-wide figures (published in every view); for chosen services, the sum of those services' rows."""
    if services:
        frame = figures.get("training_by_service", period)
        return training_groups(frame[frame["service"].isin(services)])
    by_service = figures.get("training_by_service", period)
    if by_service is None or by_service.empty:
        return training_groups(by_service)
    snapshot = pd.Timestamp(by_service["snapshot_date"].iloc[0]).date()
    snaps = figures.get("training_snapshots")
    row = first_row(snaps.assign(_day=pd.to_datetime(snaps["snapshot_date"]).dt.date), _day=snapshot)
    rows = []
    for name, prefix in (("Staff", "staff_"), ("Councillors", "councillors_"), ("Everyone", "")):
        if name != "Everyone" and not row.get(f"{prefix}required"):
            continue
        rows.append({"group": name, "in_date": row[f"{prefix}in_date"], "required": row[f"{prefix}required"]})
    out = pd.DataFrame(rows, columns=["group", "in_date", "required"])
    out["in_date"] = out["in_date"].astype("Int64")
    out["required"] = out["required"].astype("Int64")
    return with_shares(out, "in_date", "required")
