from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, frame as app, periods, ui, views  # noqa: E402

vm = views.outcomes
f = app.filters()
figs = app.cached_figures()
history = vm.all_years(figs, app.period_labels() or [])
year, why = vm.year_shown(history, f.period)
st.title(f"Outcomes: {year}")

DEFINITIONS = ("outcome_funnel", "reach", "success", "negative_rate", "missing_denominator", "wilson_interval",
               "clear_change")
INLINE = ("outcome_funnel", "reach", "success", "negative_rate", "missing_denominator")


def page() -> bool:
    st.markdown(
        "The Scrutiny Committee asked for *the contextual data needed to judge the effectiveness of these service "
        "interventions rather than the quantity of positive outcomes*. So each programme is shown as a funnel: how "
        "many people the council sought to work with, how many engaged, and of those how many had the positive "
        "outcome, a negative one, or an outcome not known; with reach, success and the negative rate as "
        "numerator of denominator.")
    st.caption("Outcomes are reported by financial year" + (f". {why}" if why else "."))
    ui.definition("outcome_funnel")
    current = figs.get("outcomes", periods.parse(year))

    st.header(f"Every programme, {year}")
    if current.empty:
        st.info(f"No outcomes are recorded for {year}. The years across the page below still show every year "
                "that has them.")
    else:
        if f.services:
            st.caption("The services filter does not apply here: every programme is shown.")
        for programme, measure, note in vm.notes(current):
            st.warning(f"**{ui.escape(programme)}, {ui.escape(measure)}**: {note}.", icon=":material/report:")
        ui.data_table(vm.outcome_table(current), f"outcomes {year}")
        st.caption("Reach: engaged of sought. Success: positive of engaged. Negative rate: negative of engaged. "
                   "Each with its 95% confidence interval. Unknown: engaged minus positive minus negative.")
        for key in ("reach", "success", "negative_rate", "missing_denominator"):
            ui.definition(key)

        for programme, rows in vm.by_programme(current):
            st.header(ui.escape(programme))
            for row in rows:
                funnel = vm.funnel_frame(row)
                ui.chart_block(
                    charts.fit_width(charts.funnel_chart(
                        funnel, "stage", "people", f"{row['measure']}: from sought to outcome, {year}",
                        label="label")),
                    vm.funnel_sentence(row), vm.funnel_table(funnel),
                    f"outcome funnel {programme} {row['measure']} {year}")
                for note in vm.outcome_notes(row):
                    st.caption(f"{note}.")

    st.header("One programme across the years")
    if history.empty:
        st.info("No outcomes are recorded for any year.")
        return bool(len(current))
    programmes = sorted(history["programme"].unique())
    default = vm.default_programme(history)
    programme = st.selectbox("Programme", programmes, index=programmes.index(default), key="outcomes_programme",
                             help="Compare one programme's funnel and rates across every year recorded.")
    rows, missing = vm.programme_history(history, programme)
    if missing:
        st.caption(f"No row for {ui.escape(programme)} in {', '.join(missing)}: nothing was recorded for those years, "
                   "or the row broke a rule and was set aside when loaded (see the Data page).")
    ui.data_table(vm.outcome_table(rows, with_period=True), f"outcomes {programme} all years")
    rates = vm.outcome_rates_by_year(rows)
    ui.chart_block(
        charts.share_lines(rates, "period", f"{programme}: reach, success and negative rate by year",
                           series="rate", facet="measure" if rates["measure"].nunique() > 1 else None,
                           x_title="Financial year", series_title="Rate", y_title="Share (95% interval)", height=220),
        vm.trend_summary(rates, programme), vm.rates_table(rates), f"outcome rates {programme} all years",
        caption="Reach: circles; success: squares; negative rate: triangles. The vertical bar through each point "
                "is its 95% confidence interval. Where a denominator was not recorded the chart says so at the foot.")
    return bool(len(current))


ui.definitions_block(DEFINITIONS, INLINE, page())
