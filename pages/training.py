from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, present, ui, views  # noqa: E402
from sg_data import frame as app  # noqa: E402
from sg_data.stats import describe_change  # noqa: E402

f = app.filters()
st.title(f"Training coverage: {f.period.label}")

DEFINITIONS = ("training_snapshot", "training_coverage", "expiring_soon", "wilson_interval", "clear_change")
INLINE = ("training_snapshot", "training_coverage", "expiring_soon")


def _snapshot(frame):
    return None if frame.empty else frame["snapshot_date"].iloc[0]


def _compare(now, before, snapshot_now, snapshot_before) -> str | None:
    """The comparison under a headline figure; None where there is nothing to compare."""
    if snapshot_before is None:
        return f"{f.comparison.label}: no snapshot to compare with."
    if snapshot_before == snapshot_now:
        return f"{f.comparison.label} uses the same snapshot."
    a = views.common.share_of(before["in_date"], before["required"]) if before is not None else None
    b = views.common.share_of(now["in_date"], now["required"])
    if a is None or b is None or not a.of or not b.of:
        return None
    return f"Against {f.comparison.label} (snapshot {views.common.date_text(snapshot_before)}): {describe_change(a, b)}."


def _coverage_range(table) -> str:
    shown = table.dropna(subset=["share"])
    if shown.empty:
        return "Every service's coverage is hidden ([c]) because its numbers are small."
    low, high = shown.loc[shown["share"].idxmin()], shown.loc[shown["share"].idxmax()]
    if low["service"] == high["service"]:
        return f"{low['service']}: {low['label']} of required courses in date."
    return (f"coverage ranges from {low['label']} in date in {low['service']} (the lowest) to {high['label']} "
            f"in {high['service']} (the highest).")


def page() -> bool:
    whole = app.get("training_by_service", f.period)
    if whole.empty:
        st.info(f"No training snapshot had been exported on or before {views.common.date_text(f.period.end)}, "
                f"the end of {f.period.label}, so there is no training coverage for this period. "
                "Choose a later period.")
        return False
    snapshot = _snapshot(whole)
    st.markdown(f"Figures from the training matrix exported on **{views.common.date_text(snapshot)}**: the latest "
                f"snapshot on or before {views.common.date_text(f.period.end)}, the end of {f.period.label}. "
                "The matrix is a picture of who was in date on that day, not a count of training during the period.")
    ui.definition("training_snapshot")
    service_frame = f.keep(whole)
    if f.services:
        st.caption("For the selected services: " + ", ".join(f.services) + ". Councillors are a service of their own.")
    if service_frame.empty:
        st.info("None of the selected services is on the training matrix for this snapshot. Clear the services "
                "filter to see the whole council.")
        return False

    before_whole = app.get("training_by_service", f.comparison)
    figs = app.cached_figures()
    before_groups = views.training.coverage_groups(figs, f.comparison, f.services).set_index("group")
    groups = views.training.coverage_groups(figs, f.period, f.services).set_index("group")
    st.header("Required training in date")
    cols = st.columns(len(groups))
    names = {"Everyone": "Everyone (staff and councillors)", "Staff": "Staff", "Councillors": "Councillors"}
    for col, (name, row) in zip(cols, groups.iterrows()):
        with col:
            prior = before_groups.loc[name] if name in before_groups.index else None
            interval = row["label"].split(" (")[1].rstrip(")") if " (" in row["label"] else None
            detail = " ".join(t for t in (f"95% confidence interval {interval}." if interval else None,
                                          _compare(row, prior, snapshot, _snapshot(before_whole))) if t)
            ui.figure(names[name], views.common.share_label(row["in_date"], row["required"], interval=False), detail,
                      key="training_coverage")
    st.caption("Each figure: required courses in date, of required courses.")
    ui.definition("training_coverage")

    st.header("Coverage by service")
    by_service = views.training.training_by_service(service_frame)
    table = views.common.with_flags(by_service[["service", "in_date", "required", "label"]], ["in_date", "required"])
    table = table.rename(columns={"label": "Coverage (95% interval)"})
    ui.chart_block(
        charts.share_points(by_service, "service", f"Required courses in date by service, "
                            f"{views.common.date_text(snapshot)}", category_title="Service"),
        f"At the {views.common.date_text(snapshot)} snapshot: {_coverage_range(by_service)}",
        table, f"training coverage by service {f.period.label}",
        caption="The dot is the share in date; the bar either side its 95% confidence interval; the figure "
                "gives the number in date of the number required.")

    st.header("Coverage by course")
    courses = views.training.training_by_course(app.get("training_by_course", f.period))
    if f.services:
        st.caption("This chart covers the whole council: the services filter does not apply to it.")
    low = courses.dropna(subset=["share"])
    course_summary = (f"Of {len(courses)} required courses at the {views.common.date_text(snapshot)} snapshot, the lowest "
                      f"coverage is {low.loc[low['share'].idxmin(), 'course_label']} "
                      f"({low.loc[low['share'].idxmin(), 'label']}) and the highest "
                      f"{low.loc[low['share'].idxmax(), 'course_label']} "
                      f"({low.loc[low['share'].idxmax(), 'label']})." if len(low) else
                      "Coverage by course is hidden ([c]) because the numbers are small.")
    course_table = views.common.with_flags(courses[["course", "level", "in_date", "required", "expiring_soon",
                                                    "label"]], ["in_date", "required", "expiring_soon"])
    course_table["level"] = course_table["level"].map(lambda v: "" if present.is_missing(v) else str(int(v)))
    ui.chart_block(
        charts.share_points(courses, "course_label", f"Required courses in date by course and level, "
                            f"{views.common.date_text(snapshot)}", category_title=""),
        course_summary,
        course_table.rename(columns={"label": "Coverage (95% interval)",
                                     "expiring_soon": "expiring_in_90_days"}),
        f"training coverage by course {f.period.label}")

    st.header("Coverage over time")
    trend = views.training.training_trend(app.get("training_trend"), f.services)
    trend = trend[trend["snapshot_date"] <= snapshot] if len(trend) else trend
    ui.chart_block(
        charts.share_lines(trend, "snapshot", "Required courses in date at each snapshot, staff and councillors",
                           series="group", x_title="Snapshot date", series_title="Who",
                           y_title="In date (95% confidence interval)"),
        _trend_summary(trend),
        views.common.with_flags(trend[["snapshot", "group", "in_date", "required", "label"]],
                                ["in_date", "required"]).rename(columns={"label": "Coverage (95% interval)"}),
        f"training coverage by snapshot to {f.period.label}",
        caption=f"Snapshots up to {views.common.date_text(snapshot)}, the one used for {f.period.label}. Staff: circles; "
                "councillors: squares. The vertical bar through each point is its 95% confidence interval.")

    st.header("Expiring in the next 90 days")
    expiring = views.training.expiring_by_service(service_frame)
    people = views.common.total(expiring["people_expiring_soon"])
    top = expiring.dropna(subset=["people_expiring_soon"])
    if people == 0:
        exp_summary = f"No one has a required course expiring within 90 days of {views.common.date_text(snapshot)}."
    else:
        exp_summary = (f"{views.common.count_text(people, people is None)} people have a required course that expires "
                       f"within 90 days of {views.common.date_text(snapshot)}"
                       + (f"; the most are in {top.iloc[0]['service']} ({int(top.iloc[0]['people_expiring_soon'])})."
                          if len(top) and top.iloc[0]["people_expiring_soon"] > 0 else "."))
    ui.chart_block(
        charts.fit_width(charts.bar_chart(
            expiring, "service", "people_expiring_soon",
            f"People with a required course expiring within 90 days of {views.common.date_text(snapshot)}",
            "People", category_title="Service")),
        exp_summary,
        views.common.with_flags(expiring[["service", "people_expiring_soon"]], ["people_expiring_soon"]),
        f"people expiring soon by service {f.period.label}")
    ui.definition("expiring_soon")
    return True


def _trend_summary(trend) -> str:
    if trend.empty:
        return "There are no snapshots to show."
    parts = []
    for group in ("Staff", "Councillors"):
        part = trend[(trend["group"] == group)].dropna(subset=["share"])
        if part.empty:
            continue
        first, last = part.iloc[0], part.iloc[-1]
        low = part.loc[part["share"].idxmin()]
        text = (f"{group.lower()} coverage was {first['share']:.0%} at {views.common.date_text(first['snapshot_date'])} "
                f"and {last['label'].split(' (')[0]} at {views.common.date_text(last['snapshot_date'])}")
        if low.name not in (first.name, last.name):
            text += f", lowest {low['share']:.0%} at {views.common.date_text(low['snapshot_date'])}"
        parts.append(text)
    if not parts:
        return "Coverage at every snapshot is hidden ([c]) because the numbers are small."
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


ui.definitions_block(DEFINITIONS, INLINE, page())
