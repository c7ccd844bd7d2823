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
            def plain(value):
                return ("plan", value.key) if isinstance(value, ChartPlan) else value
            content = (self._build.__module__, self._build.__qualname__, tuple(plain(a) for a in self._args),
                       sorted((k, plain(v)) for k, v in self._kwargs.items()))
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


def built(chart: Any) -> Any:
    """The Altair chart of a plan (anything else as it is)."""
    return chart.altair() if isinstance(chart, ChartPlan) else chart


def planned(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., ChartPlan]:
    @functools.wraps(build)
    def plan(*args, **kwargs) -> ChartPlan:
        return ChartPlan(build, args, kwargs)
    return plan
