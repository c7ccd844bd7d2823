from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import ahead, charts, frame as app, present, ui, views  # noqa: E402

vm = views.timeliness

f = app.filters()
figs = app.cached_figures()
period, comparison = f.period, f.comparison
scope, for_scope = ui.period_heading(f, f"Review timeliness: {period.label}")

published = figs.published_target  # a publication holds its figures at one target only
target = int(st.number_input("Review target (hours)", min_value=1, max_value=168, value=published or 24, step=1,
                             key="target_hours", disabled=published is not None,
                             help="Council policy is review by a Designated Safeguarding Lead within 24 hours. "
                                  "Change it to see the figures against another target."
                                  if published is None else
                                  f"The published figures are held at the {published}-hour target only."))
ui.definition("review_target")
ahead.get("timeliness_by_quarter", period, target)  # the longest query: worked out while the lists are drawn

now, by_service = vm.overall(figs.get("timeliness", period, target), f.services)
before, _ = vm.overall(figs.get("timeliness", comparison, target), f.services)

if not now or now["raised"] == 0:
    st.info(f"No concerns were recorded{for_scope} in {period.label} ({present.date(period.start)} to "
            f"{present.date(period.end)}), so there is nothing to time. Choose another period or service in the "
            "sidebar.")
else:  # not st.stop(): under AppTest the run after a stopped run lost the sidebar
    cols = st.columns(2) + st.columns(2)  # two rows: "259 of 276, 94% (90% to 96%)" needs half the width
    with cols[0]:
        ui.figure(f"Reviewed within {target} hours", present.share(now["within_target"], now["in_denominator"], True),
                  vm.against_words(now, before, comparison.label), key="reviewed_within_target")
    with cols[2]:
        ui.figure("Overdue, not yet reviewed", present.count(now["overdue_unreviewed"], missing=present.SUPPRESSED),
                  f"Raised more than {target} hours before the as-of time and not reviewed.", key="overdue_unreviewed")
    with cols[3]:
        ui.figure("Clock still running", present.count(now["clock_running"], missing=present.SUPPRESSED),
                  f"Not yet reviewed, raised less than {target} hours ago: too recent to know, so left out of the "
                  "denominator.", key="as_of")
    with cols[1]:
        if f.services and len(by_service) != 1:
            ui.figure("Median hours to review", "Per service",
                      "Medians cannot be added across services: see each service's median and 90th percentile below.",
                      key="median_hours")
        else:
            hidden = figs.suppressed and present.is_missing(now["median"])
            ui.figure("Median hours to review", present.hours(now["median"], hidden),
                      f"90th percentile: {present.hours(now['p90'], hidden)} hours."
                      + (f" For {ui.escape(scope)}." if f.services else ""), key="median_hours")
    for key in ("reviewed_within_target", "overdue_unreviewed", "median_hours", "as_of"):
        ui.definition(key)
    if f.services:
        st.caption(f"Figures for {ui.escape(scope)}: the counts within target and in the denominator are added over "
                   f"{'that service' if len(f.services) == 1 else 'those services'}.")

    # action first: what the Safeguarding Officers Group must act on opens the page
    st.header(f"Overdue concerns not yet reviewed: {period.label}")
    overdue = figs.get("overdue_concerns", period, target) if app.sees_rows() else None
    if overdue is None:
        st.info("The list of overdue concerns is for officers only: it is not shown in the Scrutiny view. "
                "The number overdue is shown above.")
    else:
        overdue = vm.keep(overdue, f.services)
        where = f" in {ui.escape(scope)}" if f.services else ""
        if overdue.empty:
            st.success(f"No concern raised in {period.label}{where} is overdue against the {target}-hour target.")
        else:
            many = len(overdue) != 1
            st.markdown(f"{len(overdue):,} concern{'s' if many else ''} raised in {period.label}{where} "
                        f"{'have' if many else 'has'} not been reviewed and {'are' if many else 'is'} past the "
                        f"{target}-hour target, longest waiting first; hours waiting are counted to the as-of time. "
                        "The list holds the concern reference only, no personal details.")
            ui.data_table(vm.overdue_list(overdue), f"overdue concerns {period.label}")
    if app.sees_rows():
        st.subheader(f"Clock running: review due within {target} hours")
        due = vm.keep(figs.get("due_concerns", None, target), f.services)
        if due.empty:
            st.success(f"No concern{' in ' + ui.escape(scope) if f.services else ''} is waiting inside the "
                       f"{target}-hour target at the as-of time.")
        else:
            st.markdown(vm.due_words(due, target))
            ui.data_table(vm.due_list(due), "concerns due for review")

    st.header(f"Reviewed within {target} hours, by quarter")
    ui.definition("wilson_interval")
    quarters = figs.get("timeliness_by_quarter", period, target)
    trend, table, summary = vm.quarter_trend(quarters, period, target) if not quarters.empty else (None, None, "")
    if trend is None or trend.empty:
        st.info(f"No concerns were recorded in the quarters up to {period.label}.")
    else:
        ui.chart_block(
            charts.share_trend(trend, "quarter", f"Share of concerns reviewed within {target} hours, by quarter",
                               label="pct_label", y_title=f"Reviewed within {target} hours", x_title="Quarter"),
            summary, table, f"reviewed within target by quarter {target} hours",
            caption="The line is the share reviewed within target; the shaded band is its 95% confidence interval.")
        if f.services:
            st.caption("This trend covers all services: the services filter does not apply to it.")

    st.header(f"Reviewed within {target} hours, by service: {period.label}")
    rated, table, summary = vm.by_service(by_service, period, target)
    if rated.empty:
        st.info(f"No reviewed concerns for {scope} in {period.label}.")
    else:
        ui.chart_block(
            charts.fit_width(charts.share_chart(vm.drawn(rated), "service",
                                                f"Share reviewed within {target} hours by service, {period.label}",
                                                category_title="Service", reference=vm.reference(now, f.services))),
            summary, table, f"reviewed within target by service {period.label}",
            caption="Each diamond is a service's share; the line either side is its 95% confidence interval. "
                    "Small services have wide intervals. The dashed line is the share of all the services together.")
        st.subheader("Hours to review, by service")
        st.caption("Medians and 90th percentiles are per service: they cannot be added or averaged across services.")
        ui.data_table(vm.medians(by_service), f"hours to review by service {period.label}")

    st.header(f"How long reviews took: {period.label}")
    bands = figs.get("review_hours", period)
    reviewed, summary = vm.bands_summary(bands, period)
    if reviewed == 0:
        st.info(f"No concerns raised in {period.label} have been reviewed yet.")
    else:
        ui.chart_block(
            charts.fit_width(charts.histogram(bands, "band", "concerns", f"Hours from recording to review, "
                                              f"{period.label}", "Concerns reviewed",
                                              target=vm.target_band(bands, target))),
            summary, vm.with_flags(bands[["band", "concerns"]], ["concerns"]), f"review hours {period.label}",
            caption="Each bar includes its upper bound: a review at exactly 24 hours is in the 12 to 24 hours bar. "
                    "The dashed line marks the 24-hour target, when it is the target chosen.")
        if f.services:
            st.caption("This chart covers all services: the services filter does not apply to it.")
