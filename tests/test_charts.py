"""Chart builders as pure functions: the data they carry, their encodings, the numbers written on marks."""

from __future__ import annotations

import pandas as pd
import pytest

from sg_data import chart_parts, charts

#: every chart built here is built from channel objects only (a string or dict costs ~10 ms a channel)
pytestmark = pytest.mark.usefixtures("channel_objects_only")


def spec(chart) -> dict:
    return chart.to_dict()


def layers(d: dict) -> list[dict]:
    return d.get("layer", [d])


def data_rows(d: dict) -> list[dict]:
    """The rows a chart carries (Altair moves inline data to `datasets`)."""
    datasets = d.get("datasets", {})
    return [row for rows in datasets.values() for row in rows]


def marks(d: dict) -> list[str]:
    out = []
    for layer in layers(d):
        mark = layer.get("mark")
        out.append(mark if isinstance(mark, str) else mark["type"])
    return out


def test_bar_chart_writes_counts_and_keeps_order():
    df = pd.DataFrame({"service": ["Business Improvement", "Housing Services", "Licensing"],
                       "concerns": [62, 55, pd.NA]}).astype({"concerns": "Int64"})
    d = spec(charts.bar_chart(df, "service", "concerns", "Concerns by service", "Concerns"))
    assert marks(d) == ["bar", "text"]
    rows = data_rows(d)
    assert [r["_label"] for r in rows] == ["62", "55", "[c]"]  # a hidden count is written as [c], drawn as 0
    assert [r["concerns"] for r in rows] == [62, 55, 0]
    y = layers(d)[0]["encoding"]["y"]
    assert y["field"] == "service" and y["sort"] == ["Business Improvement", "Housing Services", "Licensing"]
    assert layers(d)[0]["encoding"]["x"]["title"] == "Concerns"
    assert {layer.get("title") for layer in layers(d)} >= {"Concerns by service"}
    assert d["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_heatmap_has_a_number_in_every_cell():
    df = pd.DataFrame({"service": ["A", "A", "B"], "category": ["x", "y", "x"], "concerns": [12, 3, 7]})
    d = spec(charts.heatmap(df, "category", "service", "concerns", "Categories by service", "Concerns"))
    assert marks(d) == ["rect", "text"]
    assert len(data_rows(d)) == 3
    assert layers(d)[1]["encoding"]["text"]["field"] == "_label"


def test_line_chart_series_have_shapes_as_well_as_colours():
    df = pd.DataFrame({"snapshot": ["2023-06-30", "2023-09-30"] * 2, "coverage": [0.9, 0.92, 0.8, 0.85],
                       "group": ["Staff", "Staff", "Councillors", "Councillors"]})
    d = spec(charts.line_chart(df, "snapshot", "coverage", "Coverage", "Share in date", series="group", percent=True))
    enc = d["encoding"]
    assert enc["color"]["field"] == "group" and enc["shape"]["field"] == "group"
    assert enc["y"]["axis"]["format"] == "%"


def test_rating_matrix_writes_the_rating_in_each_cell():
    df = pd.DataFrame({"year": ["2022", "2023"], "standard": ["1 Leadership", "1 Leadership"],
                       "rating": ["Amber", "Green"]})
    d = spec(charts.rating_matrix(df, "year", "standard", "rating", "Ratings"))
    assert marks(d) == ["rect", "text"]
    assert [r["_text"] for r in data_rows(d)] == ["Amber", "Green"]
    assert [r["_ink"] for r in data_rows(d)] == ["black", "white"]  # legible on amber and on green
    scale = layers(d)[0]["encoding"]["color"]["scale"]
    assert scale["domain"][:4] == ["Blue", "Green", "Amber", "Red"]


def test_share_chart_draws_interval_point_and_label():
    df = pd.DataFrame({"service": ["A", "B"], "share": [0.48, 0.9], "low": [0.31, 0.8], "high": [0.66, 0.95],
                       "label": ["13 of 27, 48%", "90 of 100, 90%"]})
    d = spec(charts.share_chart(df, "service", "Within target by service"))
    assert marks(d) == ["rule", "point", "text"]
    assert layers(d)[0]["encoding"]["x2"]["field"] == "high"
    assert [r["label"] for r in data_rows(d)] == ["13 of 27, 48%", "90 of 100, 90%"]


@pytest.mark.parametrize("builder", ["histogram", "funnel_chart"])
def test_ordered_bars_keep_the_frame_order(builder):
    df = pd.DataFrame({"band": ["Up to 4 hours", "4 to 8 hours", "Over 72 hours"], "concerns": [40, 10, 2]})
    chart = getattr(charts, builder)(df, "band", "concerns", "Title", *(["Concerns"] if builder == "histogram" else []))
    d = spec(chart)
    sorts = [layer["encoding"].get("x", {}).get("sort") or layer["encoding"].get("y", {}).get("sort")
             for layer in layers(d)]
    assert ["Up to 4 hours", "4 to 8 hours", "Over 72 hours"] in sorts
    assert [r["_label"] for r in data_rows(d)] == ["40", "10", "2"]


def test_fonts_fall_back_to_what_a_machine_has():
    assert "sans-serif" in charts.FONT


# --- charts people read: fitted axes, a marked reference, nothing cut, the largest few and the rest --------------

def test_share_axis_is_fitted_to_the_intervals_and_the_reference_never_cutting_one():
    assert chart_parts.share_domain([0.86, 0.93, 0.97, 0.99]) == [0.8, 1.0]
    assert chart_parts.share_domain([0.31, 0.48, 0.66]) == [0.25, 0.7]
    assert chart_parts.share_domain([0.31, 0.48, 0.66], reference=0.95) == [0.25, 1.0]
    assert chart_parts.share_domain([0.0, 0.02]) == [0.0, 0.05]  # padded, and never below 0%
    assert chart_parts.share_domain([pd.NA, None]) == [0.0, 1.0]  # nothing to draw: the whole range


def test_share_points_draw_on_the_fitted_axis_with_the_reference_named():
    df = pd.DataFrame({"service": ["A", "B"], "share": [0.9, 0.95], "low": [0.84, 0.88], "high": [0.94, 0.98],
                       "label": ["90 of 100, 90%", "19 of 20, 95%"]})
    d = spec(charts.share_points(df, "service", "Within target by service", reference=(0.92, "All services")))
    assert layers(d)[0]["encoding"]["x"]["scale"] == {"domain": [0.8, 1.0], "nice": False}
    rule, name = [part for layer in layers(d) for part in layer.get("layer", [])
                  if "_ref" in str(part.get("encoding", {}))]
    assert rule["mark"]["strokeDash"] == [6, 3] and name["encoding"]["text"]["field"] == "_ref_label"
    assert [r["_ref_label"] for r in data_rows(d) if "_ref_label" in r] == ["All services 92%"]
    timeliness = spec(charts.share_chart(df, "service", "Within target"))
    assert timeliness["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0.8, 1.0]


def test_long_titles_and_names_wrap_instead_of_being_cut():
    assert chart_parts.wrap("Tenancy sustainment: Moved off the street into accommodation, 2025-26") == [
        "Tenancy sustainment:", "Moved off the street into", "accommodation, 2025-26"]
    df = pd.DataFrame({"stage": ["Moved off the street into accommodation", "Engaged"], "n": [3, 5]})
    d = spec(charts.bar_chart(df, "stage", "n", "Tenancy sustainment: Moved off the street into accommodation",
                              "People"))
    assert d["title"] == {"text": ["Tenancy sustainment:", "Moved off the street into", "accommodation"],
                          "frame": "bounds", "limit": 0}
    assert d["config"]["axis"]["labelLimit"] == 0 and d["config"]["title"]["limit"] == 0
    assert d["config"]["legend"]["labelLimit"] == 0
    expr = d["layer"][0]["encoding"]["y"]["axis"]["labelExpr"]
    assert '"Moved off the street into accommodation": ["Moved off the street", "into accommodation"]' in expr
    assert "Engaged" not in expr  # a short name is written as it is
    assert chart_parts.chart_title("Concerns by service") == "Concerns by service"


def test_no_stacked_bars_remain():
    assert not hasattr(charts, "stacked_bars") and not hasattr(charts, "stacked_counts")


def test_the_largest_five_then_the_rest_as_one():
    from sg_data.views.common import grouping_words, top_and_other

    df = pd.DataFrame({"category": list("abcdefgh"), "concerns": [5, 40, 12, 12, 3, 30, 1, 7]})
    drawn, rest = top_and_other(df, "category", "concerns")
    assert drawn["category"].tolist() == ["b", "f", "c", "d", "h", "Other categories"]
    assert drawn["concerns"].tolist() == [40, 30, 12, 12, 7, 9]
    assert rest == ["a", "e", "g"]
    assert grouping_words(rest) == (" The chart shows the 5 largest categories and adds the other 3 together as Other "
                                    "categories; the table lists every one.")
    hidden = df.assign(concerns=pd.array([5, 40, 12, 12, None, 30, 1, 7], dtype="Int64"))
    drawn, rest = top_and_other(hidden, "category", "concerns")
    assert drawn["concerns"].tolist()[:5] == [40, 30, 12, 12, 7] and pd.isna(drawn["concerns"].iloc[-1])
    six, none = top_and_other(df.head(6), "category", "concerns")
    assert len(six) == 6 and none == [] and grouping_words(none) == ""  # one left over is shown as itself


def test_the_concerns_trend_draws_the_largest_five_and_tables_every_category():
    from sg_data.views.concerns import trend

    cats = {"a": 50, "b": 40, "c": 30, "d": 20, "e": 10, "f": 4, "g": 2}
    rows = [{"quarter_label": q, "category": c, "concerns": n} for q in ("Q1", "Q2") for c, n in cats.items()]
    t = trend(pd.DataFrame(rows), ["Q1", "Q2"], "category", "council category")
    assert t.grouped["category"].tolist() == ["a", "b", "c", "d", "e", "Other categories"]
    assert t.grouped["concerns"].tolist() == [100, 80, 60, 40, 20, 12]
    assert t.table.columns.tolist() == ["Quarter", "a", "b", "c", "d", "e", "f", "g", "Total"]
    assert t.table["Total"].tolist() == [156, 156]
    assert t.summary.endswith("The chart shows the 5 largest council categories and adds the other 2 together as "
                              "Other categories; the table lists every one.")


def test_a_narrow_rating_matrix_writes_initials():
    assert chart_parts.initials("Green ↑", "Green") == "G↑"
    assert chart_parts.initials("Amber (own)", "Amber") == "A*"
    assert chart_parts.initials("Not assessed", "Not assessed") == "–"
    d = spec(charts.rating_matrix(pd.DataFrame({"year": ["2022"], "standard": ["1 Leadership"], "rating": ["Amber"],
                                                "cell": ["Amber (own)"]}), "year", "standard", "rating", "R",
                                  text="cell"))
    assert [r["_short"] for r in data_rows(d)] == ["A*"]
    assert "containerSize()[0]" in layers(d)[1]["mark"]["text"]["expr"]  # the words where there is room


def test_the_review_time_chart_marks_the_24_hour_target_at_the_end_of_its_band():
    from sg_data.views.timeliness import target_band

    bands = pd.DataFrame({"band_order": [1, 4, 5], "band": ["Up to 4 hours", "12 to 24 hours", "24 to 48 hours"],
                          "concerns": [40, 10, 2]})
    assert target_band(bands, 24) == ("12 to 24 hours", "24-hour target")
    assert target_band(bands, 4) is None  # inside a band: no mark rather than a wrong one
    d = spec(charts.histogram(bands, "band", "concerns", "Hours", "Concerns", target=target_band(bands, 24)))
    rule, name = layers(d)[2:]
    assert rule["mark"]["strokeDash"] == [6, 3] and rule["encoding"]["x"]["bandPosition"] == 1
    assert rule["transform"] == [{"filter": {"field": "band", "equal": "12 to 24 hours"}}]
    assert name["mark"]["text"] == "24-hour target"


def test_a_chart_drawn_again_with_the_same_figures_is_sent_without_being_built_again(monkeypatch):
    """A rerun draws the same figures: the spec made the first time is sent again; other figures get their own."""
    from streamlit.elements import vega_charts

    from sg_data import ui

    made = []
    convert = vega_charts._convert_altair_to_vega_lite_spec
    monkeypatch.setattr(vega_charts, "_convert_altair_to_vega_lite_spec", lambda c: made.append(c) or convert(c))
    monkeypatch.setattr(ui, "_specs", type(ui._specs)())

    def drawn(counts):
        df = pd.DataFrame({"service": ["Housing", "Licensing"], "concerns": counts}).astype({"concerns": "Int64"})
        return charts.fit_width(charts.bar_chart(df, "service", "concerns", "Concerns by service", "Concerns"))

    first = ui.vega_lite(drawn([62, 55]))
    assert len(made) == 1 and first["autosize"] == {"type": "fit-x", "contains": "padding"}
    again = drawn([62, 55])
    assert ui.vega_lite(again) == first and len(made) == 1
    other = ui.vega_lite(drawn([62, pd.NA]))
    assert len(made) == 2 and other != first
    # the data goes as Arrow, under a name made from its content, as st.altair_chart sends it
    assert [type(v) for v in first["datasets"].values()] == [bytes] and first["datasets"] != other["datasets"]


def test_the_same_figures_read_back_from_a_cache_find_the_same_chart():
    """A frame Streamlit's cache gives back holds the same figures as the one computed, laid out anew: its plan has
    the same key; a changed figure, column or type does not."""
    import pickle

    df = pd.DataFrame({"service": ["Housing", "Licensing"], "concerns": [62, 55], "share": [0.5, 0.25]})
    df["concerns"] = df["concerns"].astype("Int64")

    def key(frame):
        return charts.bar_chart(frame, "service", "concerns", "Concerns by service", "Concerns").key

    assert key(pickle.loads(pickle.dumps(df))) == key(df) == key(df.copy())
    assert key(df.assign(concerns=pd.array([62, 56], dtype="Int64"))) != key(df)
    assert key(df.astype({"concerns": "float64"})) != key(df)
    assert key(df.rename(columns={"share": "rate"})) != key(df)


def test_the_tests_validate_every_chart_a_page_sends_and_a_server_does_not(monkeypatch):
    import altair as alt
    from altair.utils.schemapi import SchemaValidationError

    from sg_data import ui

    broken = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x=alt.X("a:Q"))
    broken.width = "wide"  # not a width Vega-Lite knows
    with pytest.raises(SchemaValidationError):
        ui.vega_lite(broken)
    monkeypatch.delenv("SG_CHECK_CHARTS")
    assert ui.vega_lite(broken)["width"] == "wide"


def test_a_channel_given_as_a_string_or_a_dict_is_refused_here():
    """The guard every chart test here runs under: the slow way in is caught, the channel object is not."""
    import altair as alt

    with pytest.raises(AssertionError, match="give Altair a channel object"):
        alt.Chart().mark_text().encode(text="n:N")
    with pytest.raises(AssertionError, match="give Altair a channel object"):
        alt.Chart().mark_text().encode(x=alt.value(0))
    assert alt.Chart().mark_text().encode(text=alt.Text("n:N"), x=alt.XValue(0)).to_dict()["encoding"] == {
        "text": {"field": "n", "type": "nominal"}, "x": {"value": 0}}
