"""Training coverage at the snapshot a period uses."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..periods import Period
from .common import first_row, share_item, value


def section(figures, period: Period) -> Optional[dict]:
    by_service = figures.get("training_by_service", period)
    if by_service is None or by_service.empty:
        return None
    snapshot = pd.Timestamp(by_service["snapshot_date"].iloc[0]).date()
    snaps = figures.get("training_snapshots")
    overall = first_row(snaps.assign(_day=pd.to_datetime(snaps["snapshot_date"]).dt.date), _day=snapshot)
    return {
        "snapshot_date": snapshot.isoformat(),
        "coverage": share_item(overall, "in_date", "required"),
        "by_service": [share_item(r, "in_date", "required", {"service": r["service"]})
                       for r in by_service.to_dict("records")],
        "expiring_soon": value(overall, "expiring_soon"),
    }
