"""Publishing: an aggregate-only, suppressed store for Scrutiny and the public.

`python -m sg_data publish --db sg.duckdb --out public.duckdb` writes, for
every period, what the Scrutiny view shows — already suppressed — and nothing
else: no concern, staff or response is in it, so a deployment for councillors
cannot leak what it does not hold. `--format csv` writes the same tables to a
folder with a README of definitions and symbols, for the council's open data page.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd

from . import glossary, metrics
from .scrutiny import PUBLIC_MARKER, ScrutinySource
from .source import PERIOD_METHODS, TREND_METHODS, OfficerSource

#: columns that must never reach a published table (row-level identifiers)
FORBIDDEN_COLUMNS = ("concern_id", "staff_id", "response_id", "load_id", "line", "reason")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tables(con, threshold: int = 5, progress=_progress) -> dict[str, pd.DataFrame]:
    """Every published table, suppressed, keyed by its name."""
    src = ScrutinySource(OfficerSource(con), threshold)
    labels = src.period_labels()
    out: dict[str, pd.DataFrame] = {}
    for method in TREND_METHODS:
        out[f"pub_{method}"] = _clean(getattr(src, method)())
    for n, method in enumerate(PERIOD_METHODS, 1):
        progress(f"[{n}/{len(PERIOD_METHODS)}] {method} for {len(labels)} periods")
        parts = []
        for label in labels:
            frame = _clean(getattr(src, method)(label))
            if not frame.empty:
                parts.append(frame.assign(period_label=label))
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"period_label": []})
        for col in frame.columns:  # a period with no concerns has nothing hidden
            if col.endswith("_suppressed") or col == "suppressed":
                frame[col] = frame[col].astype("boolean").fillna(False).astype(bool)
        out[f"pub_{method}"] = frame
    progress("briefings")
    out["pub_briefs"] = pd.DataFrame(
        [{"period_label": label, "brief": json.dumps(src.brief(label), default=str)} for label in labels])
    cov = src.coverage()
    manifest = {
        "published_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "threshold": src.thr,
        "target_hours": metrics.DEFAULT_TARGET_HOURS,
        "coverage": {k: (v.isoformat() if v is not None else None) for k, v in cov.items()},
        "period_labels": labels,
        "default_period": src.default_period(),
        "service_list": src.service_list(),
    }
    out[PUBLIC_MARKER] = pd.DataFrame([{"key": "manifest", "value": json.dumps(manifest)}])
    return out


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in FORBIDDEN_COLUMNS if c in frame.columns])
    frame.attrs = {}
    return frame.reset_index(drop=True)


def publish(con, out: Path, fmt: str = "duckdb", threshold: int = 5) -> Path:
    published = tables(con, threshold)
    if fmt == "csv":
        return _write_csv(published, out, threshold)
    tmp = out.with_name(out.name + ".writing")
    if tmp.exists():
        tmp.unlink()
    with duckdb.connect(str(tmp)) as pub:
        for name, frame in published.items():
            pub.register("_frame", frame)
            pub.execute(f"create table {name} as select * from _frame")
            pub.unregister("_frame")
    tmp.replace(out)
    return out


def _write_csv(published: dict[str, pd.DataFrame], folder: Path, threshold: int) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, frame in published.items():
        if name in (PUBLIC_MARKER, "pub_briefs"):
            continue
        shown = frame.copy()
        for col in list(shown.columns):
            flag = f"{col}_suppressed"
            if flag in shown.columns:
                shown[col] = [("[c]" if s else ("" if pd.isna(v) else v)) for v, s in zip(shown[col], shown[flag])]
                shown = shown.drop(columns=[flag])
        shown.to_csv(folder / f"{name.removeprefix('pub_')}.csv", index=False)
    lines = [
        "# Safeguarding trends: published data",
        "",
        f"Published {dt.date.today():%d %B %Y}. Every count of people or concerns from 1 to {threshold} is hidden",
        "and shown as [c], and other figures are hidden beside it where they would let someone work it out.",
        "Zero is shown as zero. Nothing in these files identifies a person.",
        "",
        "## Symbols",
        "- [c] confidential: hidden to protect individuals",
        "- [x] not available",
        "- [z] not applicable",
        "- a blank cell: not recorded (for example sought, where the service did not record it)",
        "",
        "## Files",
    ]
    for name in sorted(published):
        if name not in (PUBLIC_MARKER, "pub_briefs"):
            lines.append(f"- {name.removeprefix('pub_')}.csv")
    lines += ["", "## Definitions", ""]
    for t in glossary.TERMS:
        lines.append(f"- **{t.name}** ({t.area}): {t.definition}")
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
