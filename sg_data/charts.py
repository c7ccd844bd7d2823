"""Chart builders: pure functions from a DataFrame to a chart.

No Streamlit here, so each builder is testable on its own and the briefing
renders the same charts offline. Colours come from the Government Statistical
Service's accessible categorical palette; every mark that carries a number
has the number written on it, so colour is never the only signal.

A builder returns a `chart_plan.ChartPlan`: the builder and its data, built
into an Altair chart only when first asked for, so that a page drawing the
same figures again sends the spec it made the first time.
"""

from __future__ import annotations

from typing import Optional

import altair as alt
import pandas as pd

from . import chart_parts
from .chart_parts import (ABOVE_END, FONT, GSS_PALETTE, REFERENCE_COLOUR, axis_title, initials, labels, reference_rule,
                          share_domain, wrap)
from .chart_parts import house_style as _config, share_floats as _share_floats
from .chart_plan import planned as _planned

#: Self-assessment colours, with the rating written in every cell as well
RATING_COLOURS = {"Blue": "#12436D", "Green": "#00703C", "Amber": "#F4B400", "Red": "#B10E1E",
                  "Not assessed": "#D9D9D9"}
RATING_TEXT = {"Blue": "white", "Green": "white", "Amber": "black", "Red": "white", "Not assessed": "black"}
WIDTH = 640
#: a panel of a faceted chart, which Vega-Lite cannot fit to its place: narrow enough for a 390 px phone
FACET_WIDTH = 230
#: the height of a row of bars or intervals: the figure is written on a line of its own above the mark
ROW = 30


#: what a page does to a chart, planned too
fit_width, all_labels, whole_number_x = map(_planned, (chart_parts.fit_width, chart_parts.all_labels,
                                                      chart_parts.whole_number_x))


def _label(df: pd.DataFrame, value: str, label: str | None) -> pd.DataFrame:
    """The text written on each mark: the label column if given, else the value ([c] where suppressed)."""
    out = df.copy()
    if label and label in out:
        out["_label"] = out[label].astype(str)
    else:
        out["_label"] = out[value].map(lambda v: "[c]" if pd.isna(v) else f"{v:,.0f}" if float(v).is_integer()
                                       else f"{v:,.1f}")
    return out


@_planned
def bar_chart(df: pd.DataFrame, category: str, value: str, title: str, value_title: str,
              category_title: str | None = None, label: str | None = None, colour: str = GSS_PALETTE[0]) -> alt.Chart:
    """Horizontal bars, largest first (the order of the frame), value written just above the end of each bar.

    The value ends at the end of a long bar and starts at the end of a short one, so it stays inside the plot
    however narrow the chart is drawn.
    """
    data = _label(df, value, label)
    data[value] = data[value].astype("Float64").fillna(0)
    data["_long"] = data[value] >= data[value].max() / 2 if len(data) else []
    order = data[category].tolist()
    height = max(60, ROW * len(data))
    base = alt.Chart(data, title=title).encode(
        y=alt.Y(f"{category}:N", sort=order, title=category_title or category.replace("_", " ").capitalize(),
                axis=alt.Axis(**labels(order))),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=",.0f", tickMinStep=1)),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("_label:N", title=value_title)],
    )
    bars = base.mark_bar(color=colour, size=12)
    text = base.mark_text(align=ABOVE_END, dy=-13, font=FONT, fontSize=12, color="#0b0c0c").encode(
        text=alt.Text("_label:N"))
    return _config((bars + text).properties(width=WIDTH, height=height))


@_planned
def heatmap(df: pd.DataFrame, x: str, y: str, value: str, title: str, value_title: str) -> alt.Chart:
    """A grid of counts, the count written in every cell."""
    data = _label(df, value, None)
    data["_fill"] = data[value].astype("Float64")
    data["_dark"] = data["_fill"].fillna(0) > data["_fill"].max() * 0.5 if len(data) else []
    x_order = data.groupby(x)[value].sum().sort_values(ascending=False).index.tolist()
    y_order = data.groupby(y)[value].sum().sort_values(ascending=False).index.tolist()
    base = alt.Chart(data, title=title).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=x.replace("_", " ").capitalize(),
                axis=alt.Axis(labelAngle=-40, **labels(x_order))),
        y=alt.Y(f"{y}:N", sort=y_order, title=y.replace("_", " ").capitalize(), axis=alt.Axis(**labels(y_order))),
        tooltip=[alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{y}:N"), alt.Tooltip("_label:N", title=value_title)],
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color("_fill:Q", title=value_title, scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(direction="horizontal")))  # a short bar, not a column of the page's height
    text = base.mark_text(font=FONT, fontSize=11).encode(
        text=alt.Text("_label:N"), color=alt.ColorValue("#0b0c0c", condition={"test": "datum._dark", "value": "white"}))
    return _config((rect + text).properties(width=max(WIDTH, 48 * len(x_order)), height=max(120, 24 * len(y_order))))


@_planned
def line_chart(df: pd.DataFrame, x: str, y: str, title: str, y_title: str, series: str | None = None,
               x_title: str | None = None, x_type: str = "O", percent: bool = False) -> alt.Chart:
    """A trend: points on a line, a shape per series as well as a colour."""
    enc = {
        "x": alt.X(f"{x}:{x_type}", title=x_title or x.replace("_", " ").capitalize(), sort=None,
                   axis=alt.Axis(labelAngle=-40)),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%" if percent else ",.0f")),
        "tooltip": [alt.Tooltip(f"{x}:{x_type}"), alt.Tooltip(f"{y}:Q", format=".1%" if percent else ",.0f")],
    }
    if series:
        enc["color"] = alt.Color(f"{series}:N", scale=alt.Scale(range=GSS_PALETTE), title=series.replace("_", " ").capitalize())
        enc["shape"] = alt.Shape(f"{series}:N", title=series.replace("_", " ").capitalize())
        enc["tooltip"].append(alt.Tooltip(f"{series}:N"))
    chart = alt.Chart(df, title=title).mark_line(point=alt.OverlayMarkDef(size=60), color=GSS_PALETTE[0]).encode(**enc)
    return _config(chart.properties(width=WIDTH, height=280))


@_planned
def share_chart(df: pd.DataFrame, category: str, title: str, share: str = "share", low: str = "low",
                high: str = "high", label: str = "label", series: str | None = None,
                category_title: str | None = None, reference: Optional[tuple[float, str]] = None) -> alt.Chart:
    """Shares as points with their 95% interval as a bar either side; the figure written above each row.

    The axis is fitted to the intervals (`share_domain`), not 0% to 100%; `reference` (a share and its name, such as
    a target or the council-wide share) is drawn as a labelled dashed rule.
    """
    data = _share_floats(df, (share, low, high))
    order = data[category].drop_duplicates().tolist()
    domain = share_domain([*data[low], *data[high], *data[share]], reference[0] if reference else None)
    scale = alt.Scale(domain=domain, nice=False)
    y = alt.Y(f"{category}:N", sort=order, title=category_title or category.replace("_", " ").capitalize(),
              axis=alt.Axis(**labels(order)))
    enc = {"y": y}
    if series:
        enc["yOffset"] = alt.YOffset(f"{series}:N")
        enc["color"] = alt.Color(f"{series}:N", scale=alt.Scale(range=GSS_PALETTE), title=series.replace("_", " ").capitalize())
    base = alt.Chart(data, title=title).encode(**enc)
    rule = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(f"{low}:Q", title=axis_title("Share (with 95% confidence interval)"), scale=scale,
                axis=alt.Axis(format="%")), x2=alt.X2(f"{high}:Q"))
    point = base.mark_point(filled=True, size=70, shape="diamond").encode(
        x=alt.X(f"{share}:Q", scale=scale),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{label}:N", title="Figure")]
        + ([alt.Tooltip(f"{series}:N")] if series else []))
    text = base.mark_text(align="left", dx=4, dy=-13, font=FONT, fontSize=11, color="#0b0c0c").encode(
        x=alt.XValue(0), text=alt.Text(f"{label}:N"))
    layers = [rule, point, text] + ([reference_rule(*reference, "x", scale)] if reference else [])
    n = len(order) * (data[series].nunique() if series else 1)
    return _config(alt.layer(*layers).properties(width=WIDTH, height=max(80, ROW * n)))


@_planned
def rating_matrix(df: pd.DataFrame, x: str, y: str, rating: str, title: str, text: str | None = None) -> alt.Chart:
    """Standards by years, each cell coloured by rating and the rating written in it.

    Where the chart's place is too narrow for a word in every cell (a phone), a cell holds the rating's initial
    (its arrow, and * for the council's own rating), a standard is named by its number and a year is shortened
    ("14-15"); the table beside the chart names each in full.
    """
    data = df.copy()
    data["_text"] = data[text] if text else data[rating]
    data["_short"] = [initials(t, r) for t, r in zip(data["_text"], data[rating])]
    data["_ink"] = data[rating].map(RATING_TEXT).fillna("black")
    scale = alt.Scale(domain=list(RATING_COLOURS), range=list(RATING_COLOURS.values()))
    x_order = data[x].drop_duplicates().tolist()
    y_order = data[y].drop_duplicates().tolist()
    # containerSize() is [0, 0] where the chart is drawn offline (the briefing): the full words
    narrow = f"(containerSize()[0] || 100000) < {220 + 75 * len(x_order)}"
    wide_labels = labels(y_order, 40).get("labelExpr", "datum.label")
    lines = max((len(wrap(str(v), 40)) for v in y_order), default=1)
    base = alt.Chart(data, title=title).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=x.replace("_", " ").capitalize(),
                axis=alt.Axis(labelAngle=0, labelExpr=f"{narrow} ? replace(datum.label, /^20/, '') : datum.label")),
        y=alt.Y(f"{y}:N", sort=y_order, title=None,
                axis=alt.Axis(labelExpr=f"{narrow} ? split(datum.label, ' ')[0] : ({wide_labels})")),
        tooltip=[alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{y}:N"), alt.Tooltip("_text:N", title="Rating")],
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(color=alt.Color(f"{rating}:N", scale=scale, title="Rating"))
    label = base.mark_text(font=FONT, fontSize=10, text=alt.ExprRef(expr=f"{narrow} ? datum._short : datum._text")
                           ).encode(color=alt.Color("_ink:N", scale=None))
    return _config((rect + label).properties(width=max(WIDTH, 70 * len(x_order)),
                                             height=max(100, (13 * lines + 8) * len(y_order))))


@_planned
def funnel_chart(df: pd.DataFrame, stage: str, value: str, title: str, label: str | None = None) -> alt.Chart:
    """The outcome funnel: sought, engaged, then the split of those engaged, a bar per stage with its count."""
    return bar_chart(df, stage, value, title, "People", category_title="Stage", label=label, colour=GSS_PALETTE[1])


@_planned
def histogram(df: pd.DataFrame, band: str, value: str, title: str, value_title: str,
              target: Optional[tuple[str, str]] = None) -> alt.Chart:
    """Counts per ordered band (the frame's order), the count on each bar; `target` (the band it ends and its name,
    such as "24-hour target") is a dashed rule at that band's end with its name written beside it."""
    data = _label(df, value, None)
    data[value] = data[value].astype("Float64").fillna(0)
    order = data[band].tolist()
    base = alt.Chart(data, title=title).encode(
        x=alt.X(f"{band}:N", sort=order, title="Hours from recording to review", axis=alt.Axis(labelAngle=-30)),
        y=alt.Y(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{band}:N"), alt.Tooltip("_label:N", title=value_title)],
    )
    bars = base.mark_bar(color=GSS_PALETTE[0])
    text = base.mark_text(dy=-6, font=FONT, fontSize=11).encode(text=alt.Text("_label:N"))
    layers = [bars, text]
    if target:
        at = base.transform_filter(alt.FieldEqualPredicate(field=band, equal=target[0])).encode(
            x=alt.X(f"{band}:N", sort=order, bandPosition=1))
        layers += [at.mark_rule(color=REFERENCE_COLOUR, strokeWidth=1.5, strokeDash=[6, 3]).encode(y=alt.YValue(0),
                                                                                                 y2=alt.Y2Value(260)),
                   at.mark_text(align="left", baseline="top", dx=4, font=FONT, fontSize=11, fontWeight="bold",
                                color="#0b0c0c", text=target[1]).encode(y=alt.YValue(0))]
    return _config(alt.layer(*layers).properties(width=WIDTH, height=260))


@_planned
def share_trend(df: pd.DataFrame, x: str, title: str, share: str = "share", low: str = "low", high: str = "high",
                label: str = "label", y_title: str = "Share", x_title: str | None = None,
                reference: Optional[tuple[float, str]] = None) -> alt.Chart:
    """A share over time: a line through the points, the 95% interval as a shaded band, the share written on each point.

    `label` is the text written above each point (for example "92%"); a row whose share is NA (suppressed)
    has no point (its table row says [c]). The axis is fitted to the band (`share_domain`); `reference` (a share
    and its name) is drawn as a labelled dashed rule.
    """
    data = _share_floats(df, (share, low, high))
    order = data[x].drop_duplicates().tolist()
    domain = share_domain([*data[low], *data[high], *data[share]], reference[0] if reference else None)
    scale = alt.Scale(domain=domain, nice=False)
    xs = alt.X(f"{x}:N", sort=order, title=x_title or x.replace("_", " ").capitalize(), axis=alt.Axis(labelAngle=-40))
    ys = alt.Y(f"{share}:Q", title=y_title, scale=scale, axis=alt.Axis(format="%"))
    base = alt.Chart(data, title=title).encode(x=xs)
    band = base.mark_area(opacity=0.25, color=GSS_PALETTE[0]).encode(y=alt.Y(f"{low}:Q", scale=scale),
                                                                      y2=alt.Y2(f"{high}:Q"))
    line = base.mark_line(color=GSS_PALETTE[0], point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        y=ys, tooltip=[alt.Tooltip(f"{x}:N", title=x_title or x), alt.Tooltip(f"{label}:N", title="Figure")])
    text = base.mark_text(dy=-10, font=FONT, fontSize=11, color="#0b0c0c").encode(y=ys, text=alt.Text(f"{label}:N"))
    layers = [band, line, text] + ([reference_rule(*reference, "y", scale)] if reference else [])
    return _config(alt.layer(*layers).properties(width=WIDTH, height=300))


#: shapes for series, so that colour is never the only signal (Vega-Lite shape names)
SERIES_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke"]


@_planned
def share_points(df: pd.DataFrame, category: str, title: str, share: str = "share", low: str = "low",
                 high: str = "high", label: str = "label", series: str | None = None,
                 category_title: str | None = None, value_title: str = "Share (with 95% confidence interval)",
                 reference: Optional[tuple[float, str]] = None) -> alt.Chart:
    """Shares as points with their 95% interval, the figure ("13 of 27, 48% (31%-66%)") written above each row.

    Like `share_chart`, but a row whose share is NA (suppressed, or 0 of 0) still gets its label (`[c]`)
    written at the left, and a series is told apart by shape as well as colour. Rows keep the frame's order.
    The axis is fitted to the intervals (`share_domain`); `reference` (a share and its name) is a labelled rule.
    """
    data = _share_floats(df, (share, low, high))
    domain = share_domain([*data[low], *data[high], *data[share]], reference[0] if reference else None)
    order = data[category].drop_duplicates().tolist()
    enc = {"y": alt.Y(f"{category}:N", sort=order,
                      title=(category_title or None) if category_title is not None
                      else category.replace("_", " ").capitalize(), axis=alt.Axis(**labels(order)))}
    if series:
        s_title = series.replace("_", " ").capitalize()
        s_order = data[series].drop_duplicates().tolist()
        enc["yOffset"] = alt.YOffset(f"{series}:N", sort=s_order)
        enc["color"] = alt.Color(f"{series}:N", sort=s_order, scale=alt.Scale(range=GSS_PALETTE), title=s_title)
    base = alt.Chart(data, title=title).encode(**enc)
    x_scale = alt.Scale(domain=domain, nice=False)
    rule = base.mark_rule(strokeWidth=2, color=GSS_PALETTE[0]).encode(
        x=alt.X(f"{low}:Q", title=axis_title(value_title), scale=x_scale, axis=alt.Axis(format="%")),
        x2=alt.X2(f"{high}:Q"))
    point_enc = {"x": alt.X(f"{share}:Q", scale=x_scale),
                 "tooltip": [alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{label}:N", title="Figure")]
                 + ([alt.Tooltip(f"{series}:N")] if series else [])}
    if series:
        point_enc["shape"] = alt.Shape(f"{series}:N", sort=data[series].drop_duplicates().tolist(),
                                       scale=alt.Scale(range=SERIES_SHAPES), title=series.replace("_", " ").capitalize())
    point = base.mark_point(filled=True, size=80, color=GSS_PALETTE[0], opacity=1).encode(**point_enc)
    text = base.mark_text(align="left", dx=4, dy=-13, font=FONT, fontSize=11, color="#0b0c0c").encode(
        x=alt.XValue(0), text=alt.Text(f"{label}:N"))
    n = len(order) * (data[series].nunique() if series else 1)
    layers = [rule, point, text] + ([reference_rule(*reference, "x", x_scale)] if reference else [])
    return _config(alt.layer(*layers).properties(width=WIDTH, height=max(40, ROW * n)))


@_planned
def share_lines(df: pd.DataFrame, x: str, title: str, series: str | None = None, facet: str | None = None,
                share: str = "share", low: str = "low", high: str = "high", label: str = "label",
                y_title: str = "Share (95% confidence interval)", x_title: str | None = None,
                series_title: str | None = None, facet_title: str | None = None, height: int = 260,
                reference: Optional[tuple[float, str]] = None) -> alt.Chart:
    """Shares over time: points on a line per series (a shape as well as a colour), each point's 95% interval as
    a vertical bar. A row whose share is NA (suppressed) gets `[c]` written at the foot of the chart.

    With `facet`, one small panel per facet value (for example one per survey question), same scales. The axis is
    fitted to the intervals (`share_domain`); `reference` (a share and its name) is a labelled rule, drawn on a
    chart without facets.
    """
    data = _share_floats(df, (share, low, high))
    data["_na"] = data[share].isna()
    data["_c"] = data[label].where(data["_na"], "")
    order = data[x].drop_duplicates().tolist()
    s_order = data[series].drop_duplicates().tolist() if series else []
    s_title = series_title or (series.replace("_", " ").capitalize() if series else None)
    x_enc = alt.X(f"{x}:N", sort=order, title=x_title or x.replace("_", " ").capitalize(),
                  axis=alt.Axis(labelAngle=-40))
    domain = share_domain([*data[low], *data[high], *data[share]], reference[0] if reference else None)
    y_scale = alt.Scale(domain=domain, nice=False)
    tooltip = [alt.Tooltip(f"{x}:N", title=x_title or x), alt.Tooltip(f"{label}:N", title="Figure")]
    extra = {}
    if series:
        extra["color"] = alt.Color(f"{series}:N", sort=s_order, scale=alt.Scale(range=GSS_PALETTE), title=s_title)
        extra["detail"] = alt.Detail(f"{series}:N")
        tooltip.append(alt.Tooltip(f"{series}:N", title=s_title))
        if facet:
            tooltip.append(alt.Tooltip(f"{facet}:N"))
    base = alt.Chart().encode(x=x_enc, **extra)
    rule = base.mark_rule(strokeWidth=1.5, opacity=0.7, color=GSS_PALETTE[0]).encode(
        y=alt.Y(f"{low}:Q", scale=y_scale, title=y_title), y2=alt.Y2(f"{high}:Q"))
    line = base.mark_line(strokeWidth=1.5, color=GSS_PALETTE[0]).encode(
        y=alt.Y(f"{share}:Q", scale=y_scale, title=y_title, axis=alt.Axis(format="%")))
    point_extra = {}
    if series:
        point_extra["shape"] = alt.Shape(f"{series}:N", sort=s_order, scale=alt.Scale(range=SERIES_SHAPES),
                                         title=s_title)
    point = base.mark_point(filled=True, size=70, opacity=1, color=GSS_PALETTE[0]).encode(
        y=alt.Y(f"{share}:Q", scale=y_scale), tooltip=tooltip, **point_extra)
    marker = alt.Chart().transform_filter("datum._na").mark_text(
        font=FONT, fontSize=11, color="#0b0c0c", dy=-6).encode(x=x_enc, y=alt.YDatum(domain[0]), text=alt.Text("_c:N"))
    parts = [rule, line, point, marker]
    if reference and not facet:
        parts.append(reference_rule(*reference, "y", y_scale))
    layers = alt.layer(*parts, data=data)
    if facet:
        chart = layers.properties(width=FACET_WIDTH, height=height).facet(
            row=alt.Row(f"{facet}:N", sort=data[facet].drop_duplicates().tolist(),
                        title=facet_title, header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                                             labelOrient="top", labelFont=FONT, labelFontSize=13,
                                                             labelFontWeight="bold", labelLimit=0,
                                                             **labels(data[facet].unique(), 28))),
            title=title, spacing=12)
        return _config(chart)
    return _config(layers.properties(width=WIDTH, height=height, title=title))


@_planned
def rating_bars(df: pd.DataFrame, y: str, rating: str, count: str, title: str, facet: str | None = None,
                y_title: str | None = None) -> alt.Chart:
    """The share of standards at each rating, one 100% bar per year, the rating and count written in each part.

    Colours are the rating colours; the words ("Blue 5") make them unnecessary. With `facet`, one panel per
    framework (ratings are compared across years only within one framework). A suppressed (NA) count gets
    `[c]` and, having no size, no bar.
    """
    rank = {k: i for i, k in enumerate(["Blue", "Green", "Amber", "Red", "Not assessed"])}
    data = df.copy()
    data["_n"] = pd.to_numeric(data[count], errors="coerce").astype(float)
    data["_text"] = [f"{r} {'[c]' if pd.isna(v) else f'{v:,.0f}'}" for r, v in zip(data[rating], data["_n"])]
    data["_ink"] = data[rating].map(RATING_TEXT).fillna("black")
    data["_rank"] = data[rating].map(rank).fillna(len(rank))
    data["_n"] = data["_n"].fillna(0)
    keys = [facet, y] if facet else [y]
    parts = []
    for _, part in data.groupby(keys, sort=False):
        part = part.sort_values("_rank", kind="stable").copy()
        whole = part["_n"].sum()
        ends = part["_n"].cumsum() / whole if whole else part["_n"] * 0
        part["_x1"] = ends.astype(float)
        part["_x0"] = (ends - (part["_n"] / whole if whole else 0)).astype(float)
        part["_mid"] = (part["_x0"] + part["_x1"]) / 2
        parts.append(part)
    data = pd.concat(parts, ignore_index=True) if parts else data.assign(_x0=[], _x1=[], _mid=[])
    order = df[y].drop_duplicates().tolist()
    scale = alt.Scale(domain=list(RATING_COLOURS), range=list(RATING_COLOURS.values()))
    x_scale = alt.Scale(domain=[0, 1])
    y_enc = alt.Y(f"{y}:N", sort=order, title=y_title or y.replace("_", " ").capitalize())
    tooltip = [alt.Tooltip(f"{y}:N"), alt.Tooltip(f"{rating}:N", title="Rating"),
               alt.Tooltip("_text:N", title="Standards")]
    bars = alt.Chart().mark_bar(stroke="white", strokeWidth=1).encode(
        y=y_enc, x=alt.X("_x0:Q", scale=x_scale, title="Share of standards", axis=alt.Axis(format="%")),
        x2=alt.X2("_x1:Q"), color=alt.Color(f"{rating}:N", scale=scale, title="Rating"), tooltip=tooltip)
    text = alt.Chart().mark_text(font=FONT, fontSize=11, align="center").encode(
        y=y_enc, x=alt.X("_mid:Q", scale=x_scale), text=alt.Text("_text:N"), color=alt.Color("_ink:N", scale=None))
    layers = alt.layer(bars, text, data=data)
    if facet:
        chart = layers.properties(width=FACET_WIDTH, height=alt.Step(26)).facet(
            row=alt.Row(f"{facet}:N", sort=data[facet].drop_duplicates().tolist(), title=None,
                        header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                                          labelFont=FONT, labelFontSize=13, labelFontWeight="bold")),
            title=title, spacing=16).resolve_scale(y="independent")
        return _config(chart)
    return _config(layers.properties(width=WIDTH, height=max(40, 26 * len(order)), title=title))



@_planned
def xmr_chart(df: pd.DataFrame, title: str, y_title: str, percent: bool = False) -> alt.Chart:
    """An XmR chart (Making Data Count): the series as points on a line, the mean as a solid line, the process
    limits dashed, each named at its right end. A special-cause point is a triangle in another colour with its
    rule written above it ("run", "limit"), so colour is never the only signal; a hidden value has no point.

    `df` holds quarter, value, mean, lower, upper (NA without limits), kind ("Common cause"/"Special cause"), mark.
    """
    data = _share_floats(df, ("value", "mean", "lower", "upper"))
    order = data["quarter"].tolist()
    fmt = ".0%" if percent else ",.0f"
    x = alt.X("quarter:N", sort=order, title="Quarter", axis=alt.Axis(labelAngle=-40))
    y_scale = alt.Scale(zero=not percent)
    y = alt.Y("value:Q", title=y_title, scale=y_scale, axis=alt.Axis(format="%" if percent else ",.0f"))
    # a run of points with the same rule is named once, at its first point (each keeps its triangle)
    data["_mark"] = data["mark"].where(data["mark"].ne(data["mark"].shift()), "")
    # the limits are named at the left, above their lines: the latest quarters on the right stay clear
    data["_first"] = data.index == data.index[0]
    # every layer draws the one data set, given once to the whole chart: sent and converted once, not per layer
    base = alt.Chart().encode(x=x)
    line = base.mark_line(color=GSS_PALETTE[0], strokeWidth=1.5).encode(y=y)
    kinds = ["Common cause", "Special cause"]
    points = base.mark_point(filled=True, size=80, opacity=1).encode(
        y=alt.Y("value:Q", scale=y_scale),
        shape=alt.Shape("kind:N", sort=kinds, scale=alt.Scale(domain=kinds, range=["circle", "triangle-up"]),
                        title="Variation"),
        color=alt.Color("kind:N", sort=kinds, scale=alt.Scale(domain=kinds, range=[GSS_PALETTE[0], GSS_PALETTE[3]]),
                        title="Variation"),
        tooltip=[alt.Tooltip("quarter:N", title="Quarter"), alt.Tooltip("value:Q", title=y_title, format=fmt),
                 alt.Tooltip("kind:N", title="Variation")])
    marks = base.mark_text(dy=-12, font=FONT, fontSize=11, color="#0b0c0c").encode(
        y=alt.Y("value:Q", scale=y_scale), text=alt.Text("_mark:N"))
    layers = [line, points, marks]
    if data["mean"].notna().any():
        for col, name, dash in (("mean", "Mean", []), ("upper", "Upper limit", [6, 4]),
                                ("lower", "Lower limit", [6, 4])):
            rule = alt.Chart().mark_line(color=GSS_PALETTE[4], strokeWidth=1.2, strokeDash=dash).encode(
                x=x, y=alt.Y(f"{col}:Q", scale=y_scale))
            label = alt.Chart().transform_filter("datum._first").transform_calculate(
                _t=f"'{name} ' + format(datum.{col}, '{fmt}')").mark_text(
                align="left", dy=-7, font=FONT, fontSize=11, color="#0b0c0c").encode(
                x=x, y=alt.Y(f"{col}:Q", scale=y_scale), text=alt.Text("_t:N"))
            layers = [rule, label] + layers
    chart = alt.layer(*layers, data=data).properties(width=WIDTH, height=300, title=title)
    return _config(chart)


@_planned
def funnel_plot(points: pd.DataFrame, curve: pd.DataFrame, rate: float, title: str) -> alt.Chart:
    """A funnel plot (Spiegelhalter 2005): each service's rate per 100 staff against its headcount, the council's
    rate as a solid line, the 95% limits dashed and the 99.8% limits dotted. A service's shape says where it lies
    (circle within the 95% limits, triangle outside them, square outside the 99.8%) and its name is written beside
    it, so colour is never the only signal.

    `points`: service, headcount, rate, verdict; `curve`: headcount, limit, side, rate.
    """
    verdicts = ["within the 95% limits", "worth a look", "unusual"]
    x = alt.X("headcount:Q", title="Headcount (staff)", axis=alt.Axis(format=",.0f"))
    y = alt.Y("rate:Q", title="Concerns per 100 staff")
    limits = alt.Chart(curve).mark_line(color=GSS_PALETTE[4], strokeWidth=1.2).encode(
        x=x, y=y, detail=alt.Detail("side:N"),
        strokeDash=alt.StrokeDash("limit:N", sort=["95% limits", "99.8% limits"], title="Limits",
                                  scale=alt.Scale(domain=["95% limits", "99.8% limits"], range=[[6, 4], [2, 2]])))
    centre = alt.Chart(pd.DataFrame({"rate": [rate]})).mark_rule(color=GSS_PALETTE[0], strokeWidth=1.5).encode(
        y=alt.Y("rate:Q"))
    dots = alt.Chart(points).mark_point(filled=True, size=90, opacity=1).encode(
        x=x, y=y,
        shape=alt.Shape("verdict:N", sort=verdicts, title="Against the council's rate",
                        scale=alt.Scale(domain=verdicts, range=["circle", "triangle-up", "square"])),
        color=alt.Color("verdict:N", sort=verdicts, title="Against the council's rate",
                        scale=alt.Scale(domain=verdicts, range=[GSS_PALETTE[0], GSS_PALETTE[3], GSS_PALETTE[2]])),
        tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("headcount:Q", title="Headcount"),
                 alt.Tooltip("rate:Q", title="Concerns per 100 staff", format=".1f"),
                 alt.Tooltip("verdict:N", title="Against the council's rate")])
    names = alt.Chart(points).transform_filter(f"datum.verdict != '{verdicts[0]}'").transform_joinaggregate(
        _most="max(headcount)").transform_calculate(_long="datum.headcount > datum._most / 2").mark_text(
        align=ABOVE_END, dy=-12, font=FONT, fontSize=11, color="#0b0c0c").encode(x=x, y=y, text=alt.Text("service:N"))
    chart = alt.layer(limits, centre, dots, names).properties(width=WIDTH, height=340, title=title)
    return _config(chart)


@_planned
def sparkline(df: pd.DataFrame, percent: bool = False) -> alt.Chart:
    """A headline figure's small trend: its points on a line, a special cause a triangle (a circle otherwise) and
    the latest figure written at the end, so colour is never the only signal; a hidden point is a gap in the line.
    Only the first and last periods are named on the axis; the table beside it names every one.

    `df` holds point (in time order), value (NA where hidden), kind ("Common cause"/"Special cause") and label.
    """
    data = _share_floats(df, ("value",))
    order = data["point"].tolist()
    x = alt.X("point:N", sort=order, title=None,
              axis=alt.Axis(values=[order[0], order[-1]], labelAngle=0, ticks=False, labelFontSize=10))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False),
              axis=alt.Axis(format=".0%" if percent else ",.0f", tickCount=3, grid=False, labelFontSize=10))
    data["_last"] = data.index == data.index[-1]
    base = alt.Chart().encode(x=x, y=y)  # the one data set is the whole chart's (xmr_chart)
    kinds = ["Common cause", "Special cause"]
    line = base.mark_line(color=GSS_PALETTE[0], strokeWidth=1.2)
    dots = base.mark_point(filled=True, opacity=1).encode(
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "triangle-up"]), legend=None),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[GSS_PALETTE[0], GSS_PALETTE[3]]), legend=None),
        size=alt.Size("kind:N", scale=alt.Scale(domain=kinds, range=[20, 60]), legend=None),
        tooltip=[alt.Tooltip("point:N", title="Period"), alt.Tooltip("label:N", title="Figure"),
                 alt.Tooltip("kind:N", title="Variation")])
    latest = base.transform_filter("datum._last").mark_text(align="left", dx=6, font=FONT, fontSize=11,
                                                            color="#0b0c0c").encode(text=alt.Text("label:N"))
    return _config(alt.layer(line, dots, latest, data=data).properties(height=70))
