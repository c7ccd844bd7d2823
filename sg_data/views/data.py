"""The Data page: what is loaded, how recent it is, and what was set aside (quarantine)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pandas as pd

from .. import contract, present, rules
from .common import frame_total

KIND_NAMES = {"concerns": "Concerns", "training": "Training matrix", "survey_waves": "Staff survey waves",
              "survey_questions": "Staff survey questions", "survey_responses": "Staff survey responses",
              "self_assessment": "Self-assessment", "outcomes": "Outcomes", "services": "Services",
              "categories": "Categories"}
LATEST_WORDS = {"concerns": "latest concern recorded", "training": "latest training snapshot",
                "survey_waves": "latest survey wave closed", "self_assessment": "latest audit year",
                "outcomes": "latest financial year"}


def latest_text(kind: str, latest) -> str:
    if latest is None or pd.isna(latest):
        return "nothing recorded"
    text = str(latest)
    try:
        when = pd.Timestamp(text)
        if len(text) > 10:
            text = f"{when:%d %B %Y %H:%M}"
        elif len(text) == 10:
            text = f"{when:%d %B %Y}"
    except (ValueError, TypeError):
        pass
    return f"{LATEST_WORDS.get(kind, 'latest')} {text}"


def freshness_lines(fresh: Optional[pd.DataFrame]) -> list[tuple[str, str]]:
    """(kind's name, what is stored and how recent), in the order exports are loaded."""
    if fresh is None or fresh.empty:
        return []
    order = {k: i for i, k in enumerate(KIND_NAMES)}
    fresh = fresh.assign(_order=fresh["kind"].map(order).fillna(99)).sort_values(["_order", "kind"])
    out = []
    for row in fresh.itertuples():
        loaded = f"; last loaded {row.last_loaded_at:%d %B %Y %H:%M}" if not pd.isna(row.last_loaded_at) else ""
        out.append((KIND_NAMES.get(row.kind, row.kind),
                    f"{present.count(row.rows_stored)} rows stored; {latest_text(row.kind, row.latest)}{loaded}."))
    return out


@dataclass(frozen=True)
class Loads:
    files: str
    rows_loaded: Optional[str]  # None where the view lists files only (a publication)
    rows_quarantined: Optional[str]
    table: pd.DataFrame


def loads(frame: pd.DataFrame) -> Loads:
    counted = "rows_loaded" in frame.columns  # a publication lists the files, not their rows (officer only)
    shown = frame[[c for c in ("file_name", "kind", "loaded_at", "encoding", "rows_read", "rows_loaded",
                               "rows_replaced", "rows_quarantined", "dropped_columns") if c in frame.columns]].copy()
    shown["loaded_at"] = pd.to_datetime(shown["loaded_at"]).dt.strftime("%d %b %Y %H:%M")
    if "dropped_columns" in shown:
        shown["dropped_columns"] = shown["dropped_columns"].fillna("")
    shown = shown.rename(columns={"file_name": "file", "loaded_at": "when loaded",
                                  "dropped_columns": "columns not stored"})
    return Loads(
        files=f"{frame['file_name'].nunique():,}",
        rows_loaded=present.count(frame["rows_loaded"].sum(min_count=1)) if counted else None,
        rows_quarantined=(present.count(frame_total(frame, "rows_quarantined"), missing=present.SUPPRESSED)
                          if counted else None),
        table=shown)


@dataclass(frozen=True)
class Quarantine:
    totals: pd.DataFrame  # rule, rows_quarantined (NA where hidden)
    summary: str
    by_file: pd.DataFrame


def quarantine(by_rule: pd.DataFrame, loads_frame: Optional[pd.DataFrame]) -> Quarantine:
    totals = (by_rule.groupby("rule", as_index=False)["rows_quarantined"]
              .agg(lambda s: pd.NA if s.isna().any() else s.sum())
              .sort_values(["rows_quarantined", "rule"], ascending=[False, True]).reset_index(drop=True))
    rows_total = (frame_total(loads_frame, "rows_quarantined")
                  if loads_frame is not None and "rows_quarantined" in loads_frame.columns else None)
    breaks = frame_total(by_rule, "rows_quarantined")
    top = totals.dropna(subset=["rows_quarantined"])
    summary = f"{present.count(rows_total, missing=present.SUPPRESSED)} rows were quarantined"
    if breaks is not None:
        summary += f", with {int(breaks):,} rule breaks between them (a row can break more than one rule)"
    if len(top):
        most = top[top["rows_quarantined"] == top.iloc[0]["rows_quarantined"]]["rule"].tolist()
        n = int(top.iloc[0]["rows_quarantined"])
        summary += (f"; the rule broken most often was {most[0]} ({n:,})." if len(most) == 1 else
                    f"; the rules broken most often were {', '.join(most[:-1])} and {most[-1]} ({n:,} each).")
    else:
        summary += "."
    by_file = (by_rule[["file_name", "kind", "rule", "column_name", "rows_quarantined"]]
               .rename(columns={"file_name": "file", "column_name": "column"}))
    return Quarantine(totals, summary, by_file)


def quarantine_rows(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[["file_name", "line", "column_name", "rule", "reason"]].rename(
        columns={"file_name": "file", "column_name": "column"})


def data_dictionary() -> pd.DataFrame:
    return pd.DataFrame(contract.data_dictionary())


def rule_catalogue() -> pd.DataFrame:
    return pd.DataFrame(rules.rule_catalogue())
