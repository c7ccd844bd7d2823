"""A chart to be built: its builder and arguments, with a key made from their content.

A page draws the same figures on every rerun. Building an Altair chart and validating it against the Vega-Lite
schema was most of a warm page's time; a `ChartPlan` is built only when first asked for (`altair()`, `to_dict()`,
`to_json()`), and its `key` lets the page send the spec made the first time instead (`sg_data.ui.vega_lite`).
No Streamlit here: the briefing builds the same plans offline.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from typing import Any, Callable

import altair as alt
import pandas as pd


class ChartPlan:
    """A chart to be built: its builder and arguments. Equal arguments give an equal `key`, so the spec made for
    one plan serves every later plan with the same content; the chart itself is built at most once per plan."""

    __slots__ = ("_build", "_args", "_kwargs", "_key", "_chart")

    def __init__(self, build: Callable[..., Any], args: tuple, kwargs: dict):
        self._build, self._args, self._kwargs = build, args, kwargs
        self._key: bytes | None = None
        self._chart: alt.TopLevelMixin | None = None

    @property
    def key(self) -> bytes:
        """A digest of the builder's name and every argument's content (a frame's values, index and types)."""
        if self._key is None:
            content = (self._build.__module__, self._build.__qualname__, tuple(_content(a) for a in self._args),
                       sorted((k, _content(v)) for k, v in self._kwargs.items()))
            self._key = hashlib.blake2b(pickle.dumps(content, protocol=5), digest_size=20).digest()
        return self._key

    def altair(self) -> alt.TopLevelMixin:
        """The Altair chart, built on first use."""
        if self._chart is None:
            chart = self._build(*(built(a) for a in self._args), **{k: built(v) for k, v in self._kwargs.items()})
            self._chart = built(chart)
        return self._chart

    def to_dict(self, **kwargs) -> dict:
        return self.altair().to_dict(**kwargs)

    def to_json(self, **kwargs) -> str:
        return self.altair().to_json(**kwargs)


def _content(value: Any) -> Any:
    """What an argument holds, independent of how it is laid out in memory: a frame read back from Streamlit's
    cache holds the same figures as the one first computed, in other blocks, and must find the same spec."""
    if isinstance(value, ChartPlan):
        return ("plan", value.key)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        try:
            rows = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
        except TypeError:  # a cell pandas cannot hash (a list): its pickled form
            rows = pickle.dumps(frame, protocol=5)
        return ("frame", tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)), rows)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_content(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _content(v)) for k, v in value.items())))
    return value


def built(chart: Any) -> Any:
    """The Altair chart of a plan (anything else as it is)."""
    return chart.altair() if isinstance(chart, ChartPlan) else chart


def planned(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., ChartPlan]:
    @functools.wraps(build)
    def plan(*args, **kwargs) -> ChartPlan:
        return ChartPlan(build, args, kwargs)
    return plan
