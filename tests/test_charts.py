"""Chart builders as pure functions: the data they carry, their encodings, the numbers written on marks."""

from __future__ import annotations

import pandas as pd
import pytest

from sg_data import charts


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
