"""What keeps a chart readable wherever it is drawn: its fonts and colours, titles and names wrapped rather than cut,
share axes fitted to their intervals, a labelled reference rule, words shortened for a narrow chart.

Shared by the builders in `charts` (and so by the pages and the briefing); no Streamlit here.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from typing import Iterable, Optional

import altair as alt
import pandas as pd

#: GSS accessible categorical palette (analysisfunction.civilservice.gov.uk)
GSS_PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
FONT = "Arial, Liberation Sans, Helvetica, sans-serif"

#: the longest line of a chart title: 15 px bold text this long fits a 390 px phone and an A4 column
TITLE_CHARS = 36
#: the longest line of an axis label: longer names wrap onto more lines rather than being cut
LABEL_CHARS = 22
#: the reference rule on a share chart (a target, or the council-wide share)
REFERENCE_COLOUR = GSS_PALETTE[3]
#: a figure above a bar's end: ending there on a long bar, starting there on a short one (`_long`), so inside the plot
ABOVE_END = alt.ExprRef(expr="datum._long ? 'right' : 'left'")


def house_style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The house look (fonts, wrapped titles, no limit that cuts text, the width fitted to the page), set on a
    builder's own new chart in place: each copy of a layered chart costs about as much as building it, and the
    `configure_*` methods copy it once each."""
    # fit the width only: Streamlit's default "fit" counts titles, axes and legends inside the height.
    # Vega-Lite cannot fit a faceted chart: with autosize it draws it 0 pixels wide, so it keeps its width.
    if not isinstance(chart, alt.FacetChart):
        chart.autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    for part in [chart, *(getattr(chart, "layer", None) or [])]:
        if isinstance(part.title, str):
            part.title = chart_title(part.title)
        if part is not chart and isinstance(part.title, alt.TitleParams) and chart.title is alt.Undefined:
            # a wrapped title goes to the top of the chart, where its frame is the whole chart (a layer's is its plot)
            chart.title, part.title = part.title, alt.Undefined
    # no limit cuts a label, title or legend entry short (limit 0): long ones are wrapped instead (wrap, labels)
    chart.config = alt.Config(
        axis=alt.AxisConfig(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=13, labelLimit=0,
                            titleLimit=0),
        title=alt.TitleConfig(font=FONT, fontSize=15, anchor="start", frame="bounds", limit=0),
        legend=alt.LegendConfig(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12, orient="bottom",
                                direction="vertical", labelLimit=0, titleLimit=0),
        view=alt.ViewConfig(stroke=None))
    return chart


def fit_width(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fit the width to the page but keep the height given for the plot itself.

    Without an `autosize`, Streamlit sizes a single or layered chart with `fit`, where the height given
    includes the title, axes and legend: a chart with long rotated labels or a bottom legend is left with
    almost no room to plot, and a discrete axis drops labels. `fit-x` fits only the width.
    """
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def all_labels(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Every label on the x axis, even where their boxes overlap.

    Vega drops labels whose bounding boxes overlap; angled labels' boxes overlap long before the text does,
    so a heatmap of 17 categories would name only every fourth column.
    """
    return chart.configure_axisX(labelOverlap=False)


def whole_number_x(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Ticks on whole numbers only along the x axis: a count of 2 should not have ticks at 0.1, 0.2, ..."""
    return chart.configure_axisX(tickMinStep=1, format="d")


def share_floats(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    """A copy with the share columns as floats, a hidden share (<NA>) as NaN: Vega-Lite reads them as numbers."""
    data = df.copy()
    for col in cols:
        data[col] = pd.to_numeric(data[col], errors="coerce").astype(float)
    return data


def wrap(text: str, width: int = TITLE_CHARS) -> list[str]:
    """A title or label as lines of at most `width` characters, broken after a colon or comma where it can be,
    so that "Concerns by service, 2023-24" keeps its phrases whole."""
    clauses = [c for c in re.split(r"(?<=[:,;])\s+", str(text).strip()) if c]
    lines: list[str] = []
    for clause in clauses:
        if lines and len(lines[-1]) + 1 + len(clause) <= width:
            lines[-1] += " " + clause
        else:
            lines.extend(textwrap.wrap(clause, width, break_long_words=False) or [clause])
    return lines or [""]


def chart_title(text: str) -> str | alt.TitleParams:
    """A chart title; a long one on more lines (Vega-Lite draws a list as lines), so none is ever cut off."""
    lines = wrap(text)
    # measured from the chart's left edge, not the plot's: long axis labels would push it past the right edge
    return text if len(lines) == 1 else alt.TitleParams(text=lines, frame="bounds", limit=0)


def axis_title(text: str, width: int = 30) -> str | list[str]:
    """An axis title, on more lines where it is long (a narrow chart would otherwise run it past its edge)."""
    lines = wrap(text, width)
    return text if len(lines) == 1 else lines


def labels(values: Iterable, width: int = LABEL_CHARS) -> dict:
    """Axis settings that write each long category name on more lines (a lookup in `labelExpr`); {} if all fit."""
    long = {str(v): wrap(str(v), width) for v in values if isinstance(v, str) and len(v) > width}
    if not long:
        return {}
    # (datum.label) in brackets: Vega-Lite writes a header's label as an expression of its own
    return {"labelExpr": json.dumps(long, ensure_ascii=False) + "[datum.label] || (datum.label)"}


def share_domain(values: Iterable, reference: Optional[float] = None, pad: float = 0.03) -> list[float]:
    """The axis of a share chart fitted to its points, their intervals and the reference, with a little room
    either side, on steps of 5 percentage points and never beyond 0% or 100%; 0% to 100% with nothing to draw."""
    shown = [float(v) for v in values if v is not None and not pd.isna(v)]
    if reference is not None:
        shown.append(float(reference))
    if not shown:
        return [0.0, 1.0]
    low, high = min(shown), max(shown)
    room = max(pad, (high - low) * 0.05)
    return [max(0.0, math.floor((low - room) * 20) / 20), min(1.0, math.ceil((high + room) * 20) / 20)]


def reference_rule(value: float, name: str, axis: str, scale: alt.Scale) -> alt.LayerChart:
    """A dashed rule at a target or reference share, its name and value written beside it: not colour alone."""
    low, high = scale.domain
    frame = pd.DataFrame({"_ref": [value], "_ref_label": [f"{name} {value:.0%}"],
                          "_long": [axis == "x" and value - low > (high - low) / 2]})
    enc = alt.X if axis == "x" else alt.Y
    # its description is the rule's text alternative for a screen reader (axe: svg-img-alt)
    rule = alt.Chart(frame).mark_rule(color=REFERENCE_COLOUR, strokeWidth=1.5, strokeDash=[6, 3]).encode(
        **{axis: enc("_ref:Q", scale=scale)}, description=alt.Description("_ref_label:N"),
        tooltip=alt.Tooltip("_ref_label:N", title="Reference"))
    # on a share-by-row chart the name sits at the foot of the plot, clear of the figures written above the rows
    where = ({"y": alt.YValue({"expr": "height"}), "align": ABOVE_END, "baseline": "bottom"} if axis == "x"
             else {"x": alt.XValue(0), "align": "left", "dy": -4, "baseline": "bottom"})
    text = alt.Chart(frame).mark_text(font=FONT, fontSize=11, color="#0b0c0c", fontWeight="bold",
                                      align=where.pop("align"), baseline=where.pop("baseline"),
                                      **{k: where.pop(k) for k in ("dx", "dy") if k in where}).encode(
        **{axis: enc("_ref:Q", scale=scale)}, text=alt.Text("_ref_label:N"), **where)
    return rule + text


def initials(text, rating) -> str:
    """A cell's words shortened for a narrow chart: "Green ↑" to "G↑", "Amber (own)" to "A*", "Not assessed"
    to "–"."""
    words = str(text)
    initial = "–" if rating == "Not assessed" else str(rating)[:1]
    rest = words[len(str(rating)):] if words.startswith(str(rating)) else ""
    return initial + rest.replace(" (own)", "*").replace(" ", "")
