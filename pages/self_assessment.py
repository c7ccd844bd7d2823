from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, present, ui, views  # noqa: E402
from sg_data import frame as app  # noqa: E402

vm = views.self_assessment
f = app.filters()
figs = app.cached_figures()
st.title(f"Self-assessment: {f.period.label}")

DEFINITIONS = ("self_assessment_year", "rating_shown")
INLINE = DEFINITIONS
def page() -> bool:
    ratings = figs.get("self_assessment_ratings")
    year = vm.year_for(ratings, f.period)
    if year is None:
        first = (f" The first audit year in the data is {vm.year_order(ratings)[0]}." if len(ratings) else "")
        st.info(f"No self-assessment year had ended by {present.date(f.period.end)}, the end of "
                f"{f.period.label}, so there is no rating for this period.{first}")
        return False
    st.markdown(f"The self-assessment year used for {f.period.label} is **{ui.escape(year)}** (ended "
                f"{present.date(vm.year_end(ratings, year))}): the latest audit year that ends on or before "
                f"{present.date(f.period.end)}, the end of the period.")
    ui.definition("self_assessment_year")
    for sentence in vm.framework_change_sentences(ratings):
        st.info(ui.escape(sentence), icon=":material/swap_horiz:")
    for col, (label, value, detail) in zip(st.columns(3), vm.year_figures(ratings, year)):
        with col:
            ui.figure(label, value, detail, key="rating_shown")

    st.header(f"Own rating and peer rating, {year}")
    table = vm.self_vs_peer(ratings, year)
    st.markdown(ui.escape(vm.year_sentence(ratings, table, year)))
    ui.data_table(table, f"self and peer ratings {year}")
    ui.definition("rating_shown")

    st.header("Standards by year")
    st.caption("One grid per framework: the rating shown is written in each cell. ↑ marks a rating that peer "
               "review moved up from the council's own, ↓ one it moved down; (own) a rating not peer reviewed, "
               "so the council's own. A blank cell is a standard not in "
               "that year's set: the standards were renumbered as the framework was revised. On a narrow screen a "
               "cell holds the rating's initial (B, G, A, R), with * for the council's own rating, and a standard "
               "its number: the table names each.")
    for framework in vm.framework_spans(ratings)["framework"]:
        part = vm.matrix_frame(ratings, framework)
        years = vm.matrix_years(part)
        ui.chart_block(
            charts.fit_width(charts.rating_matrix(
                part, "year", "standard_label", "rating",
                f"{framework}: rating shown for each standard, {years[0]} to {years[-1]}", text="cell")),
            vm.matrix_summary(part, framework), vm.matrix_table(part), f"self-assessment ratings {framework}")

    st.header("Share of standards at each rating")
    shares = vm.rating_shares(figs.get("self_assessment_shares"))
    ui.chart_block(
        charts.rating_bars(shares, "year", "rating", "standards",
                           "Share of standards at each rating shown, by year and framework", facet="framework",
                           y_title="Audit year"),
        vm.shares_summary(shares, year), vm.shares_table(shares),
        "self-assessment share of standards by rating",
        caption="Each bar is one year's standards; each part is written with its rating and the number of "
                "standards. Across frameworks compare these shares, not single standards.")
    return True


ui.definitions_block(DEFINITIONS, INLINE, page())
