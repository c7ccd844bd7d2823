"""Every chart the briefing prints, drawn to SVG by vl-convert: no title, label or figure is cut short ("…")
and every piece of text lies inside the picture, so nothing is lost at the page's edge."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
import vl_convert
from PIL import ImageFont

from sg_data import briefing, charts, documents
from sg_data.documents.model import Chart
from sg_data.documents.printing import _print_spec
from sg_data.figures import StoreFigures
from sg_data.periods import parse

SVG = "{http://www.w3.org/2000/svg}"
#: the font vl-convert draws "Arial, Liberation Sans, ..." with where Arial is not installed (metric-compatible)
FONTS = {"normal": "LiberationSans-Regular.ttf", "bold": "LiberationSans-Bold.ttf"}
#: Vega measures text its own way and rounds positions: a line may end up to this many pixels from where the font
#: file puts it, and a label ending exactly at the picture's edge is not cut
SLACK = 2.0


def _font(size: float, weight: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS["bold" if weight == "bold" else "normal"], size=round(size))


def _transform(text: str):
    """An SVG transform ("translate(3,4) rotate(-40) translate(0,-2)") as a function from a point to a point."""
    steps = re.findall(r"(translate|rotate)\(([^)]*)\)", text or "")

    def apply(x: float, y: float) -> tuple[float, float]:
        for kind, args in reversed(steps):  # the last transform acts first
            nums = [float(v) for v in re.split(r"[ ,]+", args.strip())]
            if kind == "translate":
                x, y = x + nums[0], y + (nums[1] if len(nums) > 1 else 0.0)
            else:
                a = math.radians(nums[0])
                x, y = x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)
        return x, y

    return apply


def text_boxes(svg: str) -> list[dict]:
    """Each line of text in a Vega SVG with its corners in the picture's coordinates (translations of its groups
    added up; a rotated label's box rotated with it), measured in the font it is drawn in."""
    out = []

    def walk(node, ox: float, oy: float):
        for child in node:
            move = _transform(child.get("transform"))
            if child.tag == f"{SVG}text":
                size = float(child.get("font-size", "11px").rstrip("px"))
                font = _font(size, child.get("font-weight", "normal"))
                lines = [t.text or "" for t in child.iter(f"{SVG}tspan")] or [child.text or ""]
                dys = [0.0] + [float(t.get("dy", 0)) for t in list(child.iter(f"{SVG}tspan"))[1:]]
                anchor = child.get("text-anchor", "start")
                line_y = 0.0
                for line, dy in zip(lines, dys):
                    line_y += dy
                    width = font.getlength(line)
                    left = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
                    corners = [(left, line_y - 0.8 * size), (left + width, line_y - 0.8 * size),
                               (left + width, line_y + 0.2 * size), (left, line_y + 0.2 * size)]
                    out.append({"text": line, "corners": [
                        (ox + px, oy + py) for px, py in (move(cx, cy) for cx, cy in corners)]})
            else:
                x, y = move(0.0, 0.0)  # a group is only ever translated
                walk(child, ox + x, oy + y)

    walk(ET.fromstring(svg), 0.0, 0.0)
    return out


def problems(svg: str) -> list[str]:
    """What is cut short or drawn outside the picture, in words; [] when every text is whole and inside."""
    root = ET.fromstring(svg)
    width, height = float(root.get("width")), float(root.get("height"))
    found = []
    for box in text_boxes(svg):
        if box["text"].rstrip().endswith("…"):
            found.append(f"cut short: {box['text']!r}")
        xs, ys = [c[0] for c in box["corners"]], [c[1] for c in box["corners"]]
        if min(xs) < -SLACK or min(ys) < -SLACK or max(xs) > width + SLACK or max(ys) > height + SLACK:
            found.append(f"outside the {width:.0f}x{height:.0f} picture: {box['text']!r} "
                         f"({min(xs):.0f},{min(ys):.0f})-({max(xs):.0f},{max(ys):.0f})")
    return found


def briefing_charts(figures, label: str) -> list[Chart]:
    doc = documents.document(figures, briefing.build(figures, parse(label)))
    return [b for b in doc.blocks if isinstance(b, Chart)]


def test_the_checker_finds_a_cut_label_and_text_outside_the_picture():
    import altair as alt
    import pandas as pd

    long = "Moved off the street into accommodation and kept there"
    cut = alt.Chart(pd.DataFrame({"stage": [long], "n": [3]})).mark_bar().encode(
        y=alt.Y("stage:N", axis=alt.Axis(labelLimit=80)), x="n:Q").properties(width=200)
    assert any(p.startswith("cut short") for p in problems(vl_convert.vegalite_to_svg(cut.to_json())))
    outside = alt.Chart(pd.DataFrame({"x": [1], "t": [long]})).mark_text(align="left").encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[0, 1])), text="t:N").properties(width=100, autosize="none")
    assert any(p.startswith("outside") for p in problems(vl_convert.vegalite_to_svg(outside.to_json())))
    whole = charts.bar_chart(pd.DataFrame({"stage": [long, "Engaged"], "n": [3, 5]}), "stage", "n", long, "People")
    assert problems(vl_convert.vegalite_to_svg(_print_spec(whole))) == []


@pytest.mark.parametrize("label", ["2023-24 Q3", "2025-26"])
def test_every_briefing_chart_is_drawn_whole_with_no_text_cut_or_outside(sample_con, label):
    drawn = briefing_charts(StoreFigures(sample_con), label)
    assert len(drawn) >= 10  # concerns by service and category, timeliness, training, survey, ratings, outcomes
    for n, figure in enumerate(drawn):
        svg = vl_convert.vegalite_to_svg(_print_spec(figure.chart))
        assert problems(svg) == [], f"chart {n + 1} of the {label} briefing ({figure.alt[:60]!r})"


def test_the_briefing_groups_categories_beyond_the_largest_five(sample_con):
    """The category chart draws the five largest and "Other categories"; the table beside it lists all 17."""
    figures = StoreFigures(sample_con)
    doc = documents.document(figures, briefing.build(figures, parse("2023-24")))
    chart = next(b for b in doc.blocks if isinstance(b, Chart) and "category" in b.alt)
    rows = next(iter(chart.chart.to_dict()["datasets"].values()))
    assert [r["category"] for r in rows][-1] == "Other categories" and len(rows) == 6
    values = [r["value"] for r in rows[:5]]
    assert values == sorted(values, reverse=True)
    assert sum(r["value"] for r in rows) == 276
    assert "adds the other 12 together as Other categories" in chart.alt
