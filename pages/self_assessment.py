from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, ui, views  # noqa: E402
from sg_data import frame as app  # noqa: E402

f = app.filters()
st.title(f"Self-assessment: {f.period.label}")

DEFINITIONS = ("self_assessment_year", "rating_shown")
INLINE = DEFINITIONS
GOOD = ("Blue", "Green")


def _counts(ratings) -> str:
    counts = ratings["rating"].value_counts()
    order = [r for r in ("Blue", "Green", "Amber", "Red", "Not assessed") if r in counts.index]
    return ", ".join(f"{r} {counts[r]}" for r in order)


def _matrix_summary(part, framework: str) -> str:
    years = part["year"].drop_duplicates().tolist()
    text = (f"Under {framework}, {part['standard_label'].nunique()} standards over {len(years)} years "
            f"({years[0]} to {years[-1]}); ratings shown: {_counts(part)}.")
    weak = part[~part["rating"].isin(GOOD)]
    if weak.empty:
        text += " Every standard was rated Green or better in every year."
    else:
        text += " Below Green: " + "; ".join(f"{r.standard_id} {r.rating} in {r.year}" for r in weak.itertuples()) + "."
    return text


def _shares_summary(shares, year: str) -> str:
    now = shares[shares["year"] == year]
    text = f"In {year}, the year used: " + ", ".join(f"{r.rating} {r.label}" for r in now.itertuples()) + "."
    below = shares[~shares["rating"].isin(GOOD)]["year"].drop_duplicates().tolist()
    text += (" Years with any standard below Green: " + ", ".join(below) + "." if below
             else " No year has a standard below Green.")
    return text


def page() -> bool:
    ratings = app.get("self_assessment_ratings")
    year = views.self_assessment.year_for(ratings, f.period)
    if year is None:
        first = (f" The first audit year in the data is {views.self_assessment.year_order(ratings)[0]}." if len(ratings) else "")
        st.info(f"No self-assessment year had ended by {views.common.date_text(f.period.end)}, the end of "
                f"{f.period.label}, so there is no rating for this period.{first}")
        return False
    now = ratings[ratings["year"] == year]
    year_end = now["year_end_date"].max()
    st.markdown(f"The self-assessment year used for {f.period.label} is **{year}** (ended "
                f"{views.common.date_text(year_end)}): the latest audit year that ends on or before "
                f"{views.common.date_text(f.period.end)}, the end of the period.")
    ui.definition("self_assessment_year")
    for sentence in views.self_assessment.framework_change_sentences(ratings):
        st.info(sentence, icon=":material/swap_horiz:")

    good = int(now["rating"].isin(GOOD).sum())
    peer = int((now["rating_source"] == "peer").sum())
    cols = st.columns(3)
    with cols[0]:
        ui.figure(f"Standards Green or better, {year}", views.common.share_label(good, len(now), interval=False),
                  f"Framework: {', '.join(sorted(now['framework'].unique()))}.", key="rating_shown")
    with cols[1]:
        ui.figure("Rating from peer review", views.common.share_label(peer, len(now), interval=False),
                  "The rest show the council's own rating.", key="rating_shown")
    with cols[2]:
        moderated = [views.self_assessment.moderation(s, p) for s, p in zip(now["self_rating"], now["peer_rating"])]
        changed = sum(m.startswith("moderated") for m in moderated)
        ui.figure("Moderated by peer review", f"{changed} of {peer}",
                  "Standards where the peer rating differs from the council's own.", key="rating_shown")

    st.header(f"Own rating and peer rating, {year}")
    table = views.self_assessment.self_vs_peer(ratings, year)
    sources = table["Source"].value_counts()
    moderated_rows = table[table["Peer review"].str.startswith("moderated")]
    sentence = (f"In {year}, {len(table)} standards: {_counts(now)}; rating shown from peer review for "
                f"{sources.get('peer', 0)}, the council's own for {sources.get('self', 0)}. ")
    sentence += ("Peer review moderated " + "; ".join(
        f"{r['Standard'].split(' ')[0]} {r['Peer review'].split(' by')[0].replace('moderated ', '')} from "
        f"{r['Self rating']} to {r['Peer rating']}" for _, r in moderated_rows.iterrows()) + "."
                 if len(moderated_rows) else "Peer review moderated no rating.")
    st.markdown(sentence)
    ui.data_table(table, f"self and peer ratings {year}")
    ui.definition("rating_shown")

    st.header("Standards by year")
    st.caption("One grid per framework: the rating shown is written in each cell. ↑ marks a rating that peer "
               "review moved up from the council's own, ↓ one it moved down; (own) a rating not peer reviewed, "
               "so the council's own. A blank cell is a standard not in "
               "that year's set: the standards were renumbered as the framework was revised.")
    for framework in views.self_assessment.framework_spans(ratings)["framework"]:
        part = views.self_assessment.matrix_frame(ratings, framework)
        years = part["year"].drop_duplicates().tolist()
        matrix_table = part[["year", "standard_label", "rating", "rating_source", "self_rating", "peer_rating",
                             "moderation", "area"]].rename(
            columns={"standard_label": "standard", "rating": "rating_shown", "rating_source": "source",
                     "moderation": "peer_review"})
        matrix_table["peer_rating"] = matrix_table["peer_rating"].fillna("")
        ui.chart_block(
            charts.fit_width(charts.rating_matrix(
                part, "year", "standard_label", "rating",
                f"{framework}: rating shown for each standard, {years[0]} to {years[-1]}", text="cell")),
            _matrix_summary(part, framework), matrix_table, f"self-assessment ratings {framework}")

    st.header("Share of standards at each rating")
    shares = views.self_assessment.rating_shares(app.get("self_assessment_shares"))
    ui.chart_block(
        charts.rating_bars(shares, "year", "rating", "standards",
                           "Share of standards at each rating shown, by year and framework", facet="framework",
                           y_title="Audit year"),
        _shares_summary(shares, year),
        views.common.with_flags(shares[["year", "framework", "rating", "standards", "of_standards", "label"]],
                                ["standards", "of_standards"]).rename(columns={"label": "Share"}),
        "self-assessment share of standards by rating",
        caption="Each bar is one year's standards; each part is written with its rating and the number of "
                "standards. Across frameworks compare these shares, not single standards.")
    return True


ui.definitions_block(DEFINITIONS, INLINE, page())
