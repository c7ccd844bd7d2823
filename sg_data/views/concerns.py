"""Concerns raised: the council-wide figure, by service, by category, and referrals."""

from __future__ import annotations

from typing import Optional

from ..periods import Period
from .common import count_item, first_row, in_order, share_item, value


def section(figures, period: Period) -> Optional[dict]:
    summary = first_row(figures.get("concerns_summary", period))
    if summary is None or not summary.get("concerns"):
        return None
    by_service = in_order(figures.get("concerns_by_service", period), "service", "concerns", figures.suppressed)
    by_category = in_order(figures.get("concerns_by_category", period), "category", "concerns", figures.suppressed)
    referred = share_item(summary, "referred", "concerns")
    return {
        "total": value(summary, "concerns"),
        "by_service": [count_item({"service": r["service"]}, r, "concerns") for r in by_service.to_dict("records")],
        "by_category": [count_item({"category": r["category"], "statutory_category": r["statutory_category"]}, r,
                                   "concerns") for r in by_category.to_dict("records")],
        "referred_externally": referred,
    }
