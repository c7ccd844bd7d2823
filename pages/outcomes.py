from sg_data.frame import frame

frame()

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from sg_data import charts, ui, views  # noqa: E402
from sg_data import frame as app, periods  # noqa: E402
from sg_data.stats import describe_change  # noqa: E402

f = app.filters()
year = f.period.financial_year.label
st.title(f"Outcomes: {year}")

DEFINITIONS = ("outcome_funnel", "reach", "success", "negative_rate", "missing_denominator", "wilson_interval",
               "clear_change")
INLINE = ("outcome_funnel", "reach", "success", "negative_rate", "missing_denominator")


def _all_years() -> pd.DataFrame:
    labels = [label for label in (app.period_labels() or []) if " Q" not in label]
    frames = [app.get("outcomes", periods.parse(label)) for label in sorted(labels)]
    frames = [fr for fr in frames if len(fr)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _flags(frame: pd.DataFrame) -> None:
    for _, r in frame.iterrows():
        for note in views.outcomes.outcome_notes(r.to_dict()):
            st.warning(f"**{r['programme']}, {r['measure']}**: {note}.", icon=":material/report:")


def _funnel_table(funnel: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Stage": funnel["stage"], "People": funnel["label"].str.split(" \\(").str[0],
                         "Share": funnel["label"].map(lambda t: t.split("(")[1].rstrip(")") if "(" in t else "")})


def _trend_summary(rates: pd.DataFrame, programme: str) -> str:
    parts = []
    for measure, part in rates[rates["rate"] == "Success"].groupby("measure", sort=False):
        known = part.dropna(subset=["share"])
        if len(known) < 2:
            continue
        first, last = known.iloc[0], known.iloc[-1]
        change = describe_change(views.common.share_of(first["count"], first["of"]),
                                 views.common.share_of(last["count"], last["of"]))
        parts.append(f"{measure}: success {change} ({first['period']} to {last['period']})")
    if not parts:
        return f"{programme}: too few years with a success rate to compare."
    return f"{programme}. " + "; ".join(parts) + "."


def page() -> bool:
    st.markdown(
        "The Scrutiny Committee asked for *the contextual data needed to judge the effectiveness of these service "
        "interventions rather than the quantity of positive outcomes*. So each programme is shown as a funnel: how "
        "many people the council sought to work with, how many engaged, and of those how many had the positive "
        "outcome, a negative one, or an outcome not known; with reach, success and the negative rate as "
        "numerator of denominator.")
    st.caption("Outcomes are reported by financial year"
               + (f": {f.period.label} shows {year}, the financial year that contains the period's end."
                  if f.period.label != year else "."))
    ui.definition("outcome_funnel")
    current = app.get("outcomes", f.period)
    history = _all_years()

    st.header(f"Every programme, {year}")
    if current.empty:
        st.info(f"No outcomes are recorded for {year}. The years across the page below still show every year "
                "that has them.")
    else:
        if f.services:
            st.caption("The services filter does not apply here: every programme is shown.")
        _flags(current)
        ui.data_table(views.outcomes.outcome_table(current), f"outcomes {year}")
        st.caption("Reach: engaged of sought. Success: positive of engaged. Negative rate: negative of engaged. "
                   "Each with its 95% confidence interval. Unknown: engaged minus positive minus negative.")
        for key in ("reach", "success", "negative_rate", "missing_denominator"):
            ui.definition(key)

        for programme, rows in current.groupby("programme", sort=False):
            st.header(programme)
            for _, r in rows.iterrows():
                row = r.to_dict()
                funnel = views.outcomes.funnel_frame(row)
                ui.chart_block(
                    charts.fit_width(charts.funnel_chart(
                        funnel, "stage", "people", f"{row['measure']}: from sought to outcome, {year}",
                        label="label")),
                    views.outcomes.funnel_sentence(row), _funnel_table(funnel),
                    f"outcome funnel {programme} {row['measure']} {year}")
                for note in views.outcomes.outcome_notes(row):
                    st.caption(f"{note}.")

    st.header("One programme across the years")
    if history.empty:
        st.info("No outcomes are recorded for any year.")
        return bool(len(current))
    programmes = sorted(history["programme"].unique())
    programme = st.selectbox("Programme", programmes, key="outcomes_programme",
                             help="Compare one programme's funnel and rates across every year recorded.")
    rows = history[history["programme"] == programme].sort_values(["period", "measure"])
    missing = sorted(set(history["period"]) - set(rows["period"]))
    if missing:
        st.caption(f"No row for {programme} in {', '.join(missing)}: nothing was recorded for those years, or the "
                   "row broke a rule and was set aside when loaded (see the Data page).")
    ui.data_table(views.outcomes.outcome_table(rows, with_period=True), f"outcomes {programme} all years")
    rates = views.outcomes.outcome_rates_by_year(rows)
    measures = rates["measure"].nunique()
    ui.chart_block(
        charts.share_lines(rates, "period", f"{programme}: reach, success and negative rate by year",
                           series="rate", facet="measure" if measures > 1 else None, x_title="Financial year",
                           series_title="Rate", y_title="Share (95% interval)", height=220),
        _trend_summary(rates, programme),
        views.common.with_flags(rates[["period", "measure", "rate", "count", "of", "label"]], ["count", "of"])
        .rename(columns={"period": "Year", "label": "Share (95% interval)"}),
        f"outcome rates {programme} all years",
        caption="Reach: circles; success: squares; negative rate: triangles. The vertical bar through each point "
                "is its 95% confidence interval. Where a denominator was not recorded the chart says so at the foot.")
    return bool(len(current))


ui.definitions_block(DEFINITIONS, INLINE, page())
