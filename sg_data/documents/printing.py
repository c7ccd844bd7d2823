"""Charts for print: narrowed for A4, with fonts that resolve offline, drawn to PNG."""

from __future__ import annotations

import json
import struct
from typing import Iterable, Optional

import pandas as pd

from .. import charts
from ..stats import SUPPRESSED, Share
from ..views.common import grouping_words, top_and_other
from .model import CHART_FONT, Chart, PNG_SCALE, PRINT_LABEL_LIMIT, PRINT_WIDTH


# --- charts -------------------------------------------------------------------------------------

def _print_spec(chart) -> str:
    """The chart's Vega-Lite spec, narrowed for A4 and with a font list that resolves offline."""
    spec = json.loads(chart.to_json())

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.lower().endswith("font") and value == charts.FONT:
                    node[key] = CHART_FONT
                elif key == "labelLimit" and isinstance(value, (int, float)):
                    node[key] = min(value, PRINT_LABEL_LIMIT)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    if isinstance(spec.get("width"), (int, float)) and spec["width"] > PRINT_WIDTH:
        spec["width"] = PRINT_WIDTH
    spec["background"] = "white"
    return json.dumps(spec)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _draw(figure: Chart) -> Chart:
    if not figure.png:
        import vl_convert

        figure.png = vl_convert.vegalite_to_png(_print_spec(figure.chart), scale=PNG_SCALE)
        figure.width_px, figure.height_px = _png_size(figure.png)
    return figure


def _bar_frame(rows: Iterable[tuple[str, Optional[float], str]], category: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=[category, "value", "label"])
    frame["value"] = frame["value"].astype("Float64")
    return frame


def _share_frame(rows: Iterable[tuple[str, Optional[Share], str]], category: str) -> pd.DataFrame:
    out = []
    for name, share, label in rows:
        if share is None or share.of == 0:
            out.append({category: name, "share": None, "low": 0.0, "high": 0.0, "label": label})
        else:
            low, high = share.interval
            out.append({category: name, "share": share.proportion, "low": low, "high": high, "label": label})
    return pd.DataFrame(out, columns=[category, "share", "low", "high", "label"])


def _category_frame(names: list[str], counts: list) -> tuple[pd.DataFrame, str]:
    """A chart of categories from the brief's list: the largest few then the rest as one (`category`, `value` and
    `label`, [c] where hidden), and the sentence saying what is grouped."""
    frame, rest = top_and_other(pd.DataFrame({"category": names, "value": pd.array(counts, dtype="Int64")}),
                                "category", "value")
    frame["label"] = [SUPPRESSED if pd.isna(v) else f"{v:,}" for v in frame["value"]]
    return frame.astype({"value": "Float64"}), grouping_words(rest)
