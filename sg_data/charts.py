"""Chart builders: pure functions from a DataFrame to an Altair chart.

No Streamlit here, so each builder is testable on its own and the briefing
renders the same charts offline. Colours come from the Government Statistical
Service's accessible categorical palette; every mark that carries a number
has the number written on it, so colour is never the only signal.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

#: GSS accessible categorical palette (analysisfunction.civilservice.gov.uk)
GSS_PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
#: Self-assessment colours, with the rating written in every cell as well
RATING_COLOURS = {"Blue": "#12436D", "Green": "#00703C", "Amber": "#F4B400", "Red": "#B10E1E",
                  "Not assessed": "#D9D9D9"}
RATING_TEXT = {"Blue": "white", "Green": "white", "Amber": "black", "Red": "white", "Not assessed": "black"}
FONT = "Arial"
WIDTH = 640


def _config(chart: alt.Chart) -> alt.Chart:
    return (chart.configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=13, labelLimit=260)
            .configure_title(font=FONT, fontSize=15, anchor="start")
            .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12, orient="bottom")
            .configure_view(stroke=None))


def _label(df: pd.DataFrame, value: str, label: str | None) -> pd.DataFrame:
    """The text written on each mark: the label column if given, else the value ([c] where suppressed)."""
    out = df.copy()
    if label and label in out:
        out["_label"] = out[label].astype(str)
    else:
        out["_label"] = out[value].map(lambda v: "[c]" if pd.isna(v) else f"{v:,.0f}" if float(v).is_integer()
                                       else f"{v:,.1f}")
    return out


def bar_chart(df: pd.DataFrame, category: str, value: str, title: str, value_title: str,
              category_title: str | None = None, label: str | None = None, colour: str = GSS_PALETTE[0]) -> alt.Chart:
    """Horizontal bars, largest first (the order of the frame), value written at the end of each bar."""
    data = _label(df, value, label)
    data[value] = data[value].astype("Float64").fillna(0)
    order = data[category].tolist()
    height = max(60, 26 * len(data))
    base = alt.Chart(data, title=title).encode(
        y=alt.Y(f"{category}:N", sort=order, title=category_title or category.replace("_", " ").capitalize()),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("_label:N", title=value_title)],
    )
    bars = base.mark_bar(color=colour)
    text = base.mark_text(align="left", dx=4, font=FONT, fontSize=12, color="#0b0c0c").encode(text="_label:N")
    return _config((bars + text).properties(width=WIDTH, height=height))


def heatmap(df: pd.DataFrame, x: str, y: str, value: str, title: str, value_title: str) -> alt.Chart:
    """A grid of counts, the count written in every cell."""
    data = _label(df, value, None)
    data["_fill"] = data[value].astype("Float64")
    data["_dark"] = data["_fill"].fillna(0) > data["_fill"].max() * 0.5 if len(data) else []
    x_order = data.groupby(x)[value].sum().sort_values(ascending=False).index.tolist()
    y_order = data.groupby(y)[value].sum().sort_values(ascending=False).index.tolist()
    base = alt.Chart(data, title=title).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=x.replace("_", " ").capitalize(), axis=alt.Axis(labelAngle=-40)),
        y=alt.Y(f"{y}:N", sort=y_order, title=y.replace("_", " ").capitalize()),
        tooltip=[alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{y}:N"), alt.Tooltip("_label:N", title=value_title)],
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color("_fill:Q", title=value_title, scale=alt.Scale(scheme="blues")))
    text = base.mark_text(font=FONT, fontSize=11).encode(
        text="_label:N", color=alt.condition("datum._dark", alt.value("white"), alt.value("#0b0c0c")))
    return _config((rect + text).properties(width=max(WIDTH, 48 * len(x_order)), height=max(120, 24 * len(y_order))))


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


def stacked_bars(df: pd.DataFrame, x: str, y: str, series: str, title: str, y_title: str,
                 x_title: str | None = None) -> alt.Chart:
    """Counts over time split by a series; the total is written above each bar."""
    totals = df.groupby(x, sort=False, as_index=False)[y].sum()
    totals["_label"] = totals[y].map(lambda v: f"{v:,.0f}")
    order = df[x].drop_duplicates().tolist()
    bars = alt.Chart(df, title=title).mark_bar().encode(
        x=alt.X(f"{x}:N", sort=order, title=x_title or x.replace("_", " ").capitalize(), axis=alt.Axis(labelAngle=-40)),
        y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color(f"{series}:N", scale=alt.Scale(range=GSS_PALETTE + ["#7F7F7F", "#B3B3B3", "#5694CA", "#F5A6C6"]),
                        title=series.replace("_", " ").capitalize()),
        tooltip=[alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{y}:Q")],
    )
    text = alt.Chart(totals).mark_text(dy=-6, font=FONT, fontSize=11).encode(
        x=alt.X(f"{x}:N", sort=order), y=alt.Y(f"{y}:Q"), text="_label:N")
    return _config((bars + text).properties(width=WIDTH, height=300))


def share_chart(df: pd.DataFrame, category: str, title: str, share: str = "share", low: str = "low",
                high: str = "high", label: str = "label", series: str | None = None,
                category_title: str | None = None) -> alt.Chart:
    """Shares as points with their 95% interval as a bar either side; the share written beside each point."""
    y = alt.Y(f"{category}:N", sort=None, title=category_title or category.replace("_", " ").capitalize())
    enc = {"y": y}
    if series:
        enc["yOffset"] = alt.YOffset(f"{series}:N")
        enc["color"] = alt.Color(f"{series}:N", scale=alt.Scale(range=GSS_PALETTE), title=series.replace("_", " ").capitalize())
    base = alt.Chart(df, title=title).encode(**enc)
    rule = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(f"{low}:Q", title="Share (with 95% confidence interval)", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")), x2=f"{high}:Q")
    point = base.mark_point(filled=True, size=70, shape="diamond").encode(
        x=alt.X(f"{share}:Q"), tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{label}:N", title="Figure")]
        + ([alt.Tooltip(f"{series}:N")] if series else []))
    text = base.mark_text(align="left", dx=8, font=FONT, fontSize=11, color="#0b0c0c").encode(
        x=alt.X(f"{high}:Q"), text=f"{label}:N")
    n = df[category].nunique() * (df[series].nunique() if series else 1)
    return _config((rule + point + text).properties(width=WIDTH, height=max(80, 26 * n)))


def rating_matrix(df: pd.DataFrame, x: str, y: str, rating: str, title: str, text: str | None = None) -> alt.Chart:
    """Standards by years, each cell coloured by rating and the rating written in it."""
    data = df.copy()
    data["_text"] = data[text] if text else data[rating]
    data["_ink"] = data[rating].map(RATING_TEXT).fillna("black")
    scale = alt.Scale(domain=list(RATING_COLOURS), range=list(RATING_COLOURS.values()))
    x_order = data[x].drop_duplicates().tolist()
    y_order = data[y].drop_duplicates().tolist()
    base = alt.Chart(data, title=title).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=x.replace("_", " ").capitalize(), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:N", sort=y_order, title=None),
        tooltip=[alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{y}:N"), alt.Tooltip("_text:N", title="Rating")],
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(color=alt.Color(f"{rating}:N", scale=scale, title="Rating"))
    label = base.mark_text(font=FONT, fontSize=10).encode(text="_text:N", color=alt.Color("_ink:N", scale=None))
    return _config((rect + label).properties(width=max(WIDTH, 70 * len(x_order)), height=max(100, 24 * len(y_order))))


def funnel_chart(df: pd.DataFrame, stage: str, value: str, title: str, label: str | None = None) -> alt.Chart:
    """The outcome funnel: sought, engaged, then the split of those engaged, a bar per stage with its count."""
    return bar_chart(df, stage, value, title, "People", category_title="Stage", label=label, colour=GSS_PALETTE[1])


def histogram(df: pd.DataFrame, band: str, value: str, title: str, value_title: str) -> alt.Chart:
    """Counts per ordered band (the frame's order), the count on each bar."""
    data = _label(df, value, None)
    data[value] = data[value].astype("Float64").fillna(0)
    order = data[band].tolist()
    base = alt.Chart(data, title=title).encode(
        x=alt.X(f"{band}:N", sort=order, title="Hours from recording to review", axis=alt.Axis(labelAngle=-30)),
        y=alt.Y(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{band}:N"), alt.Tooltip("_label:N", title=value_title)],
    )
    bars = base.mark_bar(color=GSS_PALETTE[0])
    text = base.mark_text(dy=-6, font=FONT, fontSize=11).encode(text="_label:N")
    return _config((bars + text).properties(width=WIDTH, height=260))
