"""Training coverage at the snapshot a period uses."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..periods import Period
from ..present import is_missing
from .. import present
from ..stats import describe_change
from .common import (_sum_or_na, count_text, first_row, in_order, share_item, share_label, share_of, total, value,
                     sum_or_hidden, with_flags, with_shares)


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
    keys = ["snapshot_date", "group"]
    out = pd.concat([sum_or_hidden(data, keys, "in_date"), sum_or_hidden(data, keys, "required")], axis=1) \
        .reset_index()
    out["snapshot"] = pd.to_datetime(out["snapshot_date"]).dt.strftime("%Y-%m-%d")
    out = out.sort_values(["snapshot_date", "group"], ascending=[True, False]).reset_index(drop=True)
    return with_shares(out[cols], "in_date", "required")


def expiring_by_service(frame: pd.DataFrame) -> pd.DataFrame:
    """People with a required course expiring in the next 90 days, per service: most first for officers; by name
    where figures are hidden, so that no row's place says anything about a hidden count."""
    out = frame[["service", "people_expiring_soon"]
                + [c for c in frame.columns if c == "people_expiring_soon_suppressed"]].copy()
    if "people_expiring_soon_suppressed" in out.columns:
        return in_order(out, "service", "people_expiring_soon", suppressed=True)
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


def snapshot_of(frame: pd.DataFrame):
    return None if frame is None or frame.empty else frame["snapshot_date"].iloc[0]


def compare_words(now, before, snapshot_now, snapshot_before, before_label: str) -> Optional[str]:
    """The comparison under a headline figure; None where there is nothing to compare."""
    if snapshot_before is None:
        return f"{before_label}: no snapshot to compare with."
    if snapshot_before == snapshot_now:
        return f"{before_label} uses the same snapshot."
    a = share_of(before["in_date"], before["required"]) if before is not None else None
    b = share_of(now["in_date"], now["required"])
    if a is None or b is None or not a.of or not b.of:
        return None
    return f"Against {before_label} (snapshot {present.date(snapshot_before)}): {describe_change(a, b)}."


def headline_figures(groups: pd.DataFrame, before_groups: pd.DataFrame, snapshot, snapshot_before,
                     before_label: str) -> list[tuple[str, str, str]]:
    """(label, figure, detail) for Staff, Councillors and Everyone."""
    names = {"Everyone": "Everyone (staff and councillors)", "Staff": "Staff", "Councillors": "Councillors"}
    before = before_groups.set_index("group")
    out = []
    for row in groups.to_dict("records"):
        prior = before.loc[row["group"]] if row["group"] in before.index else None
        s = share_of(row["in_date"], row["required"])
        interval = present.interval(s) if s is not None and s.of else None
        detail = " ".join(t for t in (f"95% confidence interval {interval}." if interval else None,
                                      compare_words(row, prior, snapshot, snapshot_before, before_label)) if t)
        out.append((names[row["group"]], share_label(row["in_date"], row["required"], interval=False), detail))
    return out


def coverage_range(table: pd.DataFrame) -> str:
    shown = table.dropna(subset=["share"])
    if shown.empty:
        return "Every service's coverage is hidden ([c]) because its numbers are small."
    low, high = shown.loc[shown["share"].idxmin()], shown.loc[shown["share"].idxmax()]
    if low["service"] == high["service"]:
        return f"{low['service']}: {low['label']} of required courses in date."
    return (f"coverage ranges from {low['label']} in date in {low['service']} (the lowest) to {high['label']} "
            f"in {high['service']} (the highest).")


def service_table(by_service: pd.DataFrame) -> pd.DataFrame:
    table = with_flags(by_service[["service", "in_date", "required", "label"]], ["in_date", "required"])
    return table.rename(columns={"label": "Coverage (95% interval)"})


def course_summary(courses: pd.DataFrame, snapshot) -> str:
    low = courses.dropna(subset=["share"])
    if not len(low):
        return "Coverage by course is hidden ([c]) because the numbers are small."
    lo, hi = low.loc[low["share"].idxmin()], low.loc[low["share"].idxmax()]
    return (f"Of {len(courses)} required courses at the {present.date(snapshot)} snapshot, the lowest coverage is "
            f"{lo['course_label']} ({lo['label']}) and the highest {hi['course_label']} ({hi['label']}).")


def course_table(courses: pd.DataFrame) -> pd.DataFrame:
    table = with_flags(courses[["course", "level", "in_date", "required", "expiring_soon", "label"]],
                       ["in_date", "required", "expiring_soon"])
    table["level"] = table["level"].map(lambda v: "" if is_missing(v) else str(int(v)))
    return table.rename(columns={"label": "Coverage (95% interval)", "expiring_soon": "expiring_in_90_days"})


def coverage_trend(figures, snapshot, services: tuple = ()) -> pd.DataFrame:
    """Staff and councillors at every snapshot up to `snapshot`: council-wide figures for the whole council (shown
    in every view), the services' own rows added up where services are chosen."""
    if services:
        trend = training_trend(figures.get("training_trend"), services)
    else:
        snaps = figures.get("training_snapshots")
        rows = []
        for r in snaps.to_dict("records"):
            for group, prefix in (("Staff", "staff_"), ("Councillors", "councillors_")):
                if r.get(f"{prefix}required"):
                    rows.append({"snapshot_date": r["snapshot_date"], "group": group, "in_date": r[f"{prefix}in_date"],
                                 "required": r[f"{prefix}required"]})
        trend = pd.DataFrame(rows, columns=["snapshot_date", "group", "in_date", "required"])
        trend["in_date"] = trend["in_date"].astype("Int64")
        trend["required"] = trend["required"].astype("Int64")
        trend["snapshot"] = pd.to_datetime(trend["snapshot_date"]).dt.strftime("%Y-%m-%d")
        trend = with_shares(trend.sort_values(["snapshot_date", "group"], ascending=[True, False])
                            .reset_index(drop=True)[["snapshot_date", "snapshot", "group", "in_date", "required"]],
                            "in_date", "required")
    return trend[trend["snapshot_date"] <= snapshot] if len(trend) else trend


def trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    return (with_flags(trend[["snapshot", "group", "in_date", "required", "label"]], ["in_date", "required"])
            .rename(columns={"label": "Coverage (95% interval)"}))


def trend_summary(trend: pd.DataFrame) -> str:
    if trend.empty:
        return "There are no snapshots to show."
    parts = []
    for group in ("Staff", "Councillors"):
        part = trend[(trend["group"] == group)].dropna(subset=["share"])
        if part.empty:
            continue
        first, last = part.iloc[0], part.iloc[-1]
        low = part.loc[part["share"].idxmin()]
        text = (f"{group.lower()} coverage was {first['share']:.0%} at {present.date(first['snapshot_date'])} "
                f"and {last['label'].split(' (')[0]} at {present.date(last['snapshot_date'])}")
        if low.name not in (first.name, last.name):
            text += f", lowest {low['share']:.0%} at {present.date(low['snapshot_date'])}"
        parts.append(text)
    if not parts:
        return "Coverage at every snapshot is hidden ([c]) because the numbers are small."
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def expiring(service_frame: pd.DataFrame, snapshot) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """People with a required course expiring in 90 days by service: the bars, the table and a sentence."""
    frame = expiring_by_service(service_frame)
    people = total(frame["people_expiring_soon"])
    top = frame.dropna(subset=["people_expiring_soon"])
    if people == 0:
        summary = f"No one has a required course expiring within 90 days of {present.date(snapshot)}."
    else:
        summary = (f"{count_text(people, people is None)} people have a required course that expires within 90 days "
                   f"of {present.date(snapshot)}"
                   + (f"; the most are in {top.iloc[0]['service']} ({int(top.iloc[0]['people_expiring_soon'])})."
                      if len(top) and top.iloc[0]["people_expiring_soon"] > 0 else "."))
    return frame, with_flags(frame[["service", "people_expiring_soon"]], ["people_expiring_soon"]), summary


def expiring_within_30_days(service_frame: pd.DataFrame, snapshot) -> tuple[pd.DataFrame, str]:
    """Officers' reminder list: people with a required course expiring within 30 days of the snapshot, by
    service (the services that have any), most first; and its sentence."""
    frame = in_order(service_frame, "service", "people_expiring_30_days", suppressed=False)
    table = frame[["service", "people_expiring_30_days"]].astype({"people_expiring_30_days": "Int64"})
    people = int(table["people_expiring_30_days"].sum())
    if not people:
        return table, f"No one has a required course that expires within 30 days of {present.date(snapshot)}."
    return table, (
        f"{people:,} {'person has' if people == 1 else 'people have'} a required course that expires within 30 days "
        f"of {present.date(snapshot)}, in {len(table):,} service{'s' if len(table) != 1 else ''}: remind them "
        "before it lapses.")
