"""Self-assessment ratings: the audit year a period uses, and the share rated Green or better."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..periods import Period

#: the rating scale, best first (data-contract.md: Red < Amber < Green < Blue), declared once
SCALE = ("Blue", "Green", "Amber", "Red")
NOT_ASSESSED = "Not assessed"
ORDER = SCALE + (NOT_ASSESSED,)
RANK = {r: len(SCALE) - i for i, r in enumerate(SCALE)}
GOOD = ("Blue", "Green")


def year_for(ratings: pd.DataFrame, period: Period) -> Optional[str]:
    """The latest audit year that ends on or before the period's end (metrics.md)."""
    if ratings is None or ratings.empty:
        return None
    ends = ratings.dropna(subset=["year_end_date"]).groupby("year")["year_end_date"].max()
    ends = ends[pd.to_datetime(ends).dt.date <= period.end]
    if ends.empty:
        return None
    return max((pd.Timestamp(d), y) for y, d in ends.items())[1]


def green_or_better(ratings: pd.DataFrame, year: str) -> dict:
    """Standards rated Blue or Green of all the year's standards; one not assessed counts in the denominator."""
    part = ratings[ratings["year"] == year]
    return {"count": int(part["rating"].isin(GOOD).sum()), "of": int(len(part))}


def section(figures, period: Period) -> Optional[dict]:
    ratings = figures.get("self_assessment_ratings")
    year = year_for(ratings, period)
    if year is None:
        return None
    part = ratings[ratings["year"] == year]
    return {
        "year": year,
        "frameworks": sorted(part["framework"].unique().tolist()),
        "ratings": [{"standard_id": r["standard_id"], "area": r["area"], "standard": r["standard"],
                     "framework": r["framework"], "rating": r["rating"], "source": r["rating_source"]}
                    for r in part.to_dict("records")],
        "green_or_better": green_or_better(ratings, year),
    }
