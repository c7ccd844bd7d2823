"""Deterministic synthetic exports of any size (fixed seed), written in a streaming way."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

SERVICES = ["Business Improvement", "Housing Services", "Community Safety", "Communities", "Environmental Health",
            "Licensing", "Planning", "Regulatory Services", "Oxford Direct Services", "Councillors"]
CATEGORIES = ["Child Safeguarding", "Self-Neglect", "Suicidal threat", "Mental Ill Health", "Domestic Abuse",
              "Hoarding", "Financial Abuse", "Exploitation", "Neglect", "Other"]


def write_concerns(path: Path, rows: int, seed: int = 20241) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2015, 4, 1)
    span = int((dt.datetime(2026, 9, 30) - start).total_seconds())
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("concern_id,raised_at,service,category,subject_group,reviewed_at,referred_to,outcome\n")
        out = []
        for i in range(rows):
            raised = start + dt.timedelta(seconds=rng.randrange(span))
            reviewed = raised + dt.timedelta(minutes=int(rng.expovariate(1 / 300)))
            out.append(f"BM-{i:08d},{raised:%Y-%m-%d %H:%M},{rng.choice(SERVICES)},{rng.choice(CATEGORIES)},"
                       f"{rng.choice(('child', 'adult'))},{reviewed:%d/%m/%Y %H:%M},"
                       f"{rng.choice(('', '', 'MASH', 'Police'))},Advice given\n")
            if len(out) >= 50_000:
                fh.write("".join(out))
                out.clear()
        fh.write("".join(out))
