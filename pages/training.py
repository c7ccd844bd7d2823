from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, frame as app, present, ui, views  # noqa: E402

vm = views.training
f = app.filters()
figs = app.cached_figures()
st.title(f"Training coverage: {f.period.label}")

DEFINITIONS = ("training_snapshot", "training_coverage", "expiring_soon", "wilson_interval", "clear_change")
INLINE = ("training_snapshot", "training_coverage", "expiring_soon")


def page() -> bool:
    whole = figs.get("training_by_service", f.period)
    if whole.empty:
        st.info(f"No training snapshot had been exported on or before {present.date(f.period.end)}, "
                f"the end of {f.period.label}, so there is no training coverage for this period. "
                "Choose a later period.")
        return False
    snapshot = vm.snapshot_of(whole)
    st.markdown(f"Figures from the training matrix exported on **{present.date(snapshot)}**: the latest "
                f"snapshot on or before {present.date(f.period.end)}, the end of {f.period.label}. "
                "The matrix is a picture of who was in date on that day, not a count of training during the period.")
    ui.definition("training_snapshot")
    service_frame = views.common.keep(whole, f.services)
    if f.services:
        st.caption(f"For the selected services: {ui.escape(', '.join(f.services))}. Councillors are a service of "
                   "their own.")
    if service_frame.empty:
        st.info("None of the selected services is on the training matrix for this snapshot. Clear the services "
                "filter to see the whole council.")
        return False

    st.header("Required training in date")
    groups = vm.coverage_groups(figs, f.period, f.services)
    figures = vm.headline_figures(groups, vm.coverage_groups(figs, f.comparison, f.services), snapshot,
                                  vm.snapshot_of(figs.get("training_by_service", f.comparison)), f.comparison.label)
    for col, (label, value, detail) in zip(st.columns(len(figures)), figures):
        with col:
            ui.figure(label, value, detail, key="training_coverage")
    st.caption("Each figure: required courses in date, of required courses.")
    ui.definition("training_coverage")

    if app.sees_rows():  # action first: who to remind this month
        st.header("Expiring in the next 30 days")
        table, summary = vm.expiring_within_30_days(service_frame, snapshot)
        st.markdown(summary)
        if len(table):
            ui.data_table(table, f"people expiring within 30 days by service {f.period.label}")

    st.header("Coverage by service")
    by_service = vm.training_by_service(service_frame)
    ui.chart_block(
        charts.share_points(by_service, "service", f"Required courses in date by service, {present.date(snapshot)}",
                            category_title="Service"),
        f"At the {present.date(snapshot)} snapshot: {vm.coverage_range(by_service)}",
        vm.service_table(by_service), f"training coverage by service {f.period.label}",
        caption="The dot is the share in date; the bar either side its 95% confidence interval; the figure "
                "gives the number in date of the number required.")

    st.header("Coverage by course")
    courses = vm.training_by_course(figs.get("training_by_course", f.period))
    if f.services:
        st.caption("This chart covers the whole council: the services filter does not apply to it.")
    ui.chart_block(
        charts.share_points(courses, "course_label", f"Required courses in date by course and level, "
                            f"{present.date(snapshot)}", category_title=""),
        vm.course_summary(courses, snapshot), vm.course_table(courses), f"training coverage by course {f.period.label}")

    st.header("Coverage over time")
    trend = vm.coverage_trend(figs, snapshot, f.services)
    ui.chart_block(
        charts.share_lines(trend, "snapshot", "Required courses in date at each snapshot, staff and councillors",
                           series="group", x_title="Snapshot date", series_title="Who",
                           y_title="In date (95% confidence interval)"),
        vm.trend_summary(trend), vm.trend_table(trend), f"training coverage by snapshot to {f.period.label}",
        caption=f"Snapshots up to {present.date(snapshot)}, the one used for {f.period.label}. Staff: circles; "
                "councillors: squares. The vertical bar through each point is its 95% confidence interval.")

    st.header("Expiring in the next 90 days")
    expiring, table, summary = vm.expiring(service_frame, snapshot)
    ui.chart_block(
        charts.fit_width(charts.bar_chart(
            expiring, "service", "people_expiring_soon",
            f"People with a required course expiring within 90 days of {present.date(snapshot)}",
            "People", category_title="Service")),
        summary, table, f"people expiring soon by service {f.period.label}")
    ui.definition("expiring_soon")
    return True


ui.definitions_block(DEFINITIONS, INLINE, page())
