from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import ahead, charts, frame as app, present, ui, views  # noqa: E402

vm = views.concerns
BREAKDOWNS = {"Council category": "category", "Statutory category": "statutory_category"}

f = app.filters()
figs = app.cached_figures()
period, comparison = f.period, f.comparison
scope, for_scope = ui.period_heading(f, f"Concerns raised: {period.label}")

by_service = vm.services_frame(figs, period, f.services)
now, before = vm.headline(figs, period, f.services), vm.headline(figs, comparison, f.services)

if now.raised == present.NOT_AVAILABLE:
    st.info(views.common.not_covered_words(figs, period) + " Choose another period in the sidebar.")
    ui.definition("concerns_raised")
elif not now.raised and now.raised is not None:
    st.info(f"No concerns were recorded{for_scope} in {period.label} ({present.date(period.start)} to "
            f"{present.date(period.end)}). Choose another period or service in the sidebar.")
    ui.definition("concerns_raised")
else:  # not st.stop(): under AppTest the run after a stopped run lost the sidebar
    col_count, col_referred = st.columns(2)
    with col_count:
        ui.figure("Concerns raised", present.count(now.raised, hidden=now.raised is None),
                  vm.change_words(now.raised, before.raised, comparison.label), key="concerns_raised")
        ui.definition("concerns_raised")
    with col_referred:
        ui.figure("Referred externally", vm.referred_text(now.referred, now.raised, interval=True),
                  vm.referred_words(now, before, comparison.label), key="referred_externally")
        ui.definition("referred_externally")
    ui.definition("comparison")

    st.header("Concerns by service")
    ui.definition("concerns_by_service")
    table, summary = vm.by_service(by_service, period, now.raised)
    ui.chart_block(charts.fit_width(charts.bar_chart(by_service, "service", "concerns",
                                                     f"Concerns raised by service, {period.label}", "Concerns",
                                                     category_title="Service")),
                   summary, table, f"concerns by service {period.label}")
    for later in ("concerns_by_quarter_category", "concerns_per_100_staff", "concerns_by_referral"):
        ahead.get(later, period)  # worked out while the charts before them are drawn

    st.header("Categories by service")
    cells = vm.keep(figs.get("concerns_by_service_category", period), f.services)
    if cells.empty:
        st.info(f"No concerns with a category for {scope} in {period.label}.")
    else:
        cells, table, summary = vm.service_category(cells, by_service, figs.get("concerns_by_category", period),
                                                    period, f.services, figs.suppressed)
        ui.chart_block(
            charts.all_labels(charts.fit_width(charts.heatmap(cells, "category", "service", "concerns",
                                                              f"Concerns by service and category, {period.label}",
                                                              "Concerns"))),
            summary, table, f"concerns by service and category {period.label}",
            caption="Each cell is the number of concerns a service raised in a category; darker cells hold more.")

    st.header(f"Concerns by category over {vm.TREND_QUARTERS} quarters")
    choice = st.segmented_control("Break the quarters down by", list(BREAKDOWNS), default="Council category",
                                  key="concerns_breakdown",
                                  help="Council category: the category as recorded. Statutory category: the Care Act "
                                       "2014 or Working Together category it maps to.")
    series_name = (choice or "Council category").lower()
    all_quarters = figs.get("concerns_by_quarter_category", period)
    trend = (vm.trend(all_quarters, vm.trend_quarters(all_quarters, period), BREAKDOWNS[choice or "Council category"],
                      series_name) if not all_quarters.empty else None)
    if trend is None:
        st.info(f"No concerns were recorded in the {vm.TREND_QUARTERS} quarters to {period.label}.")
    else:
        ui.chart_block(
            charts.fit_width(charts.bar_chart(trend.grouped, BREAKDOWNS[choice or "Council category"], "concerns",
                                              f"Concerns by {series_name}, {trend.labels[0]} to {trend.labels[-1]}",
                                              "Concerns", category_title=choice or "Council category")),
            trend.summary, trend.table, f"concerns by quarter and {series_name}",
            caption="Each bar is the concerns over these quarters, largest first, with the number written at its end; "
                    "the table gives every category in every quarter and each quarter's total.")
        if f.services:
            st.caption("This trend covers all services: the services filter does not apply to it.")

    fy = period.financial_year
    st.header(f"Concerns per 100 staff, {fy.label}")
    ui.definition("concerns_per_100_staff")
    rates = vm.keep(figs.get("concerns_per_100_staff", period), f.services)
    no_headcount = vm.without_headcount(figs, fy, f.services, rates)
    if period.is_quarter:
        st.caption(f"Headcount is recorded by financial year, so this shows the whole of {fy.label}, the year that "
                   f"contains {period.label}.")
    if note := vm.rate_note(fy, f.as_of):
        st.warning(note, icon=":material/hourglass_top:")
    if rates.empty:
        st.info(f"No headcount is recorded for {scope} in {fy.label}, so no rate can be shown.")
    else:
        rates, table, summary = vm.rates(rates, fy)
        ui.chart_block(
            charts.fit_width(charts.bar_chart(rates, "service", "concerns_per_100_staff",
                                              f"Concerns per 100 staff by service, {fy.label}",
                                              "Concerns per 100 staff", category_title="Service", label="_label",
                                              colour=charts.GSS_PALETTE[1])),
            summary, table, f"concerns per 100 staff {fy.label}")
        st.subheader(f"Services against the council's rate, {fy.label}")
        ui.definition("funnel_plot")
        spread = views.trends.funnel(figs.get("concerns_per_100_staff", period), fy)
        if spread is None:
            st.info(f"Every service's count of concerns in {fy.label} is hidden in this view ([c]), so no funnel "
                    "plot is drawn.")
        else:
            ui.chart_block(charts.funnel_plot(spread.points, spread.curve, spread.rate,
                                              f"Concerns per 100 staff against headcount, {fy.label}"),
                           spread.summary, spread.table,
                           f"concerns per 100 staff against the council's rate {fy.label}",
                           caption="The solid line is the rate of all services with a headcount; the dashed lines "
                                   "are the 95% limits and the dotted lines the 99.8% limits around it.")
            if f.services:
                st.caption("The funnel plot covers every service with a headcount: the services filter does not "
                           "apply to it.")
    if no_headcount:
        st.markdown(f"No headcount is recorded for {ui.escape(present.names(no_headcount))} in {fy.label}, so no rate "
                    f"is shown for {'it' if len(no_headcount) == 1 else 'them'}.")

    st.header("Where concerns were referred")
    ui.definition("referred_externally")
    st.markdown(f"**Referred externally, {period.label} ({ui.escape(scope)}):** "
                f"{vm.referred_text(now.referred, now.raised, interval=True)}.")
    referrals = vm.referrals(figs.get("concerns_by_referral", period), period,
                             now if not f.services else vm.headline(figs, period, ()))
    if referrals is None:
        st.info(f"No concerns raised in {period.label} were referred externally.")
    else:
        destinations, table, summary = referrals
        ui.chart_block(
            charts.fit_width(charts.bar_chart(destinations, "referred_to", "concerns",
                                              f"External referrals by destination, {period.label}", "Concerns referred",
                                              category_title="Referred to", colour=charts.GSS_PALETTE[2])),
            summary, table, f"concerns by referral {period.label}",
            caption="The table adds the concerns not referred externally (advice given or no further action).")
        if f.services:
            st.caption("Destinations cover all services: the services filter applies to the referred share above, "
                       "not to this chart.")

    st.header("How the council's categories map to statutory categories")
    ui.definition("statutory_category")
    categories = figs.get("concerns_by_category", period)
    if categories.empty:
        st.info(f"No categories were recorded in {period.label}.")
    else:
        st.caption(f"The categories recorded in {period.label}, with the number of concerns in each across all "
                   "services.")
        ui.data_table(vm.mapping(categories), f"category mapping {period.label}")
