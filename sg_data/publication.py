"""The publication: every published table for every period, computed once and protected once.

The Scrutiny view of a live store, the Scrutiny briefing, the published store
and the open data all read this one publication (metrics.md, "Disclosure
control"), so a figure is the same wherever it appears. It is built in four
steps:

1. every table of the catalog that may be published, for every time key it
   is keyed by (each period, financial year, snapshot), from the officer
   figures, with grids completed so that every period lists every row, zeros
   included;
2. each count becomes a cell of one linear system: its measure and the
   attributes it stands for. Tables that show the same figure name the same
   cell; the identities that link cells (a total and its parts, a year and
   its quarters, a statutory category and its categories, review statuses and
   bands, a funnel's stages) become equations, checked against the true
   values as they are built;
3. the system is protected (sg_data.disclosure) and the attacker's check is
   run over all of it; a publication that fails is not built;
4. each table comes back with its hidden counts as <NA> beside a
   `<column>_suppressed` flag, and every share, rate or median worked out from
   a hidden count hidden too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional

import duckdb
import numpy as np
import pandas as pd

from . import catalog, queries
from .catalog import BAND_STATUS, OUTCOME_GROUPS, PEOPLE, PROCESS, STAFF, STATUS_GROUPS, STATUSES, Table
from .periods import Period, overlaps, parse

DEFAULT_THRESHOLD = 5
DEFAULT_MIN_GROUP = 10
#: the review target a publication holds its timeliness figures at (its bands add up to its statuses at 24 hours)
PUBLISHED_TARGET_HOURS = 24
MANIFEST = "pub_manifest"
_WORKERS = min(4, os.cpu_count() or 1)
TIME_KEY = "time_key"

Progress = Callable[[str, float], None]


def _quiet(message: str, fraction: float) -> None:
    pass


class PublicationError(RuntimeError):
    """The publication could not be built safely; nothing was written."""


@dataclass
class Publication:
    tables: dict[str, pd.DataFrame]
    manifest: dict
    hidden: int = 0
    cells: int = 0
    #: the linear system and the hidden keys it was protected with (kept for the attacker's check; not stored)
    system: object = None
    hidden_keys: frozenset = frozenset()
    withheld_keys: frozenset = frozenset()


# --- 1. the tables -------------------------------------------------------------------------------------

def _snapshot_period(day: dt.date) -> Period:
    return Period(day, day, day.isoformat())


def time_keys(figures) -> dict[str, list]:
    """The keys each kind of table is published for.

    Concern tables are published for the periods the concern export covers, and
    no others: a period before the council's first concern is not "0 concerns",
    it is a period with no data (open data marks it unavailable by its absence).
    """
    labels = figures.period_labels()
    cov = figures.coverage()
    covered = [lab for lab in labels if overlaps(parse(lab), cov["first"], cov["last"])]
    snaps = figures.get("training_snapshots")
    return {
        "period": covered,
        "financial_year": [lab for lab in labels if " Q" not in lab],
        "snapshot": [pd.Timestamp(d).date().isoformat() for d in snaps["snapshot_date"]] if len(snaps) else [],
        "all": [""],
    }


def _period_for(t: Table, key: str) -> Optional[Period]:
    if t.time in ("period", "financial_year"):
        return parse(key)
    if t.time == "snapshot":
        return _snapshot_period(dt.date.fromisoformat(key))
    return None


class ReferenceLabels:
    """The officer store as the publication reads it: every cursor names only what the reference tables name
    (services, categories, destinations; queries/dim_reference_labels.sql), so no free text from an export reaches
    Scrutiny or the public. Everything else is the store's connection."""

    def __init__(self, con):
        self._con = con

    def cursor(self):
        cur = self._con.cursor()
        cur.execute("set variable sg_labels = 'reference'")
        return cur

    def __getattr__(self, name):
        return getattr(self._con, name)


def _grid_values(con) -> dict[str, list]:
    values = queries.run(con, "grid_values")
    out = {a: sorted(g["value"].dropna().tolist()) for a, g in values.groupby("attribute")}
    out["_statutory_of"] = dict(values[values["attribute"] == "category"][["value", "parent"]].itertuples(index=False))
    return out


def _complete(t: Table, frame: pd.DataFrame, grid: dict) -> pd.DataFrame:
    """Every row of the grid in every period, zeros included (neither a row's presence nor order may say anything)."""
    if not t.grid:
        return frame
    full = pd.MultiIndex.from_product([grid.get(d, []) for d in t.grid], names=list(t.grid)).to_frame(index=False)
    out = full.merge(frame, how="left", on=list(t.grid))
    for c in t.counts:
        out[c.column] = out[c.column].fillna(0).astype("int64")
    if "statutory_category" in out.columns and "category" in t.grid:
        out["statutory_category"] = out["category"].map(grid["_statutory_of"])
    if "is_referred" in out.columns:
        out["is_referred"] = out["referred_to"] != "Not referred externally"
    for col in t.officer_columns:
        if col in out.columns:
            out[col] = out[col].fillna(0)
    return out


def officer_tables(con, figures, progress: Progress = _quiet) -> dict[str, pd.DataFrame]:
    """Every publishable table for every key, unsuppressed, with a `time_key` column."""
    figures = figures.pinned() if hasattr(figures, "pinned") else figures
    keys = time_keys(figures)
    grid = _grid_values(con)
    tables = [t for t in catalog.TABLES if t.published]

    def one(t: Table, key: str) -> pd.DataFrame:
        frame = figures.get(t.name, _period_for(t, key), target_hours=PUBLISHED_TARGET_HOURS)
        frame = _complete(t, frame.reset_index(drop=True), grid) if t.time in ("period",) else frame
        return frame.assign(**{TIME_KEY: key})

    out = {}
    # DuckDB runs a query without holding Python's lock: two at a time keep both cores busy
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for n, t in enumerate(tables):
            progress(f"Computing {t.name.replace('_', ' ')}", n / len(tables) * 0.6)
            parts = list(pool.map(lambda key: one(t, key), keys[t.time])) or [
                one(t, "2000-01-01" if t.time == "snapshot" else "2000-01").iloc[0:0]]  # no key yet: empty, its columns
            frame = pd.concat(parts, ignore_index=True)
            frame.attrs = {}
            out[t.name] = frame
    return out


# --- 2. the linear system -------------------------------------------------------------------------------

def _row_dims(t: Table, row: dict, key: str) -> dict:
    dims = t.row_dims(row) if t.row_dims else {d: row[d] for d in t.dims}
    if t.name == "concerns_by_statutory_category":
        dims = {"category": f"statutory:{row['statutory_category']}"}
    if t.name == "review_hours":
        dims = {"status": f"band:{int(row['band_order'])}"}
    if t.name == "survey_questions":
        dims = {"wave": row["survey_id"], "question_id": row["question_id"]}
    if t.time in ("period", "financial_year"):
        dims.setdefault("period", key)
    elif "snapshot_date" in row:
        dims["snapshot"] = pd.Timestamp(row["snapshot_date"]).date().isoformat()
    return dims


def _cell_key(measure: str, dims: dict) -> tuple:
    return (measure, tuple(sorted((k, str(v)) for k, v in dims.items())))


def _klass(t: Table, measure: str, dims: dict) -> str:
    if t.klass == STAFF:
        return STAFF
    if measure == "concerns" and set(dims) - {"period"} <= {"status"} and not str(dims.get("status", "")).startswith(
            "band:"):
        return PROCESS  # council-wide: concerns raised and the review statuses
    if t.klass == PROCESS and measure in ("required", "in_date", "expiring_soon"):
        return PROCESS  # council-wide staff figures
    return PEOPLE


@dataclass
class CellSet:
    values: dict = field(default_factory=dict)
    klass: dict = field(default_factory=dict)
    group: dict = field(default_factory=dict)
    where: dict = field(default_factory=dict)

    def add(self, key, value: int, klass: str, group, where: str) -> None:
        if key in self.values:
            if self.values[key] != value:
                raise PublicationError(f"{where} and {self.where[key]} disagree on {key}: {value} against "
                                       f"{self.values[key]} (one figure, two definitions)")
            if klass == PROCESS:
                self.klass[key] = PROCESS
            return
        self.values[key], self.klass[key], self.group[key], self.where[key] = value, klass, group, where


def cells(tables: dict[str, pd.DataFrame]) -> tuple[CellSet, dict]:
    """Every count of every protected table as a cell; returns the cells and each service's staff group."""
    cs = CellSet()
    staff_of: dict = {}
    for t in catalog.TABLES:
        if t.name not in tables or not t.counts:
            continue
        frame = tables[t.name]
        for row in frame.to_dict("records"):
            dims = _row_dims(t, row, row[TIME_KEY])
            keys = {}
            group = tuple(sorted((k, str(v)) for k, v in dims.items())) if t.klass == STAFF else None
            for c in t.counts:
                value = row.get(c.column)
                if value is None or pd.isna(value):
                    continue  # not recorded (an outcome's sought or negative): no figure, nothing to protect
                cell_dims = {**dims, **dict(c.fixed)}
                key = _cell_key(c.measure, cell_dims)
                keys[c.column] = key
                cs.add(key, int(value), _klass(t, c.measure, cell_dims), group, f"{t.name}.{c.column}")
            if t.name == "training_snapshots":
                for col, grp in (("staff_required", "Staff"), ("councillors_required", "Councillors")):
                    for measure, src in (("required", col), ("in_date", col.replace("required", "in_date"))):
                        key = _cell_key(measure, {**dims, "service": f"group:{grp}"})
                        cs.add(key, int(row[src]), PROCESS, None, f"{t.name}.{src}")
            if t.name == "concerns_summary":
                key = _cell_key("concerns", {**dims, "referred_to": "group:Referred externally"})
                keys["referred"] = key
                cs.add(key, int(row["referred"]), PEOPLE, None, f"{t.name}.referred")
            if t.name == "outcomes" and "sought" in keys and "engaged" in keys:
                key = _cell_key("outcome_people", {**dims, "stage": "not_engaged"})
                cs.add(key, int(row["sought"]) - int(row["engaged"]), PEOPLE, None, "outcomes (sought - engaged)")
            if "is_councillor" in row and "service" in dims:
                staff_of[str(dims["service"])] = "Councillors" if bool(row["is_councillor"]) else "Staff"
    return cs, staff_of


def _groups(cs: CellSet, staff_of: dict, labels: list[str], statutory_of: dict) -> dict[str, dict[str, list]]:
    """For each attribute, the values that are sums of other values (metrics.md's linked tables)."""
    quarters = defaultdict(list)
    for lab in labels:
        if " Q" in lab:
            quarters[lab.split(" ")[0]].append(lab)
    by_statutory = defaultdict(list)
    for category, statutory in statutory_of.items():
        by_statutory[f"statutory:{statutory}"].append(category)
    referral_values = {dict(k[1]).get("referred_to") for k in cs.values if "referred_to" in dict(k[1])}
    status = {g: list(members) for g, members in STATUS_GROUPS.items()}
    for s in ("within_target", "late"):
        status[s] = [f"band:{b}" for b, st in BAND_STATUS.items() if st == s]
    return {
        "period": dict(quarters),
        "category": dict(by_statutory),
        "status": status,
        "referred_to": {"group:Referred externally": sorted(v for v in referral_values if v and not v.startswith(
            "group:") and v != "Not referred externally")},
        "service": {f"group:{g}": sorted(s for s, k in staff_of.items() if k == g) for g in ("Staff", "Councillors")},
        "stage": {g: list(m) for g, m in OUTCOME_GROUPS.items()},
    }


#: attributes a total may be summed over (a total over services, categories, courses, statuses, destinations)
_SUMMED = ("service", "category", "course", "status", "referred_to")


def _is_base(dim: str, value: str, groups: dict) -> bool:
    if dim == "status":
        return value in STATUSES
    return not (value.startswith(("group:", "statutory:", "band:")) or value in groups.get(dim, {}))


def equations(cs: CellSet, groups: dict) -> list[tuple[tuple, list[tuple]]]:
    """total = sum of parts, for every identity between published cells; each checked on the true values."""
    eqs = []
    # a value that is a sum of other values of the same attribute
    for key in cs.values:
        measure, dims = key[0], dict(key[1])
        for dim, value in dims.items():
            members = groups.get(dim, {}).get(value)
            if not members:
                continue
            parts = [_cell_key(measure, {**dims, dim: m}) for m in members]
            if dim == "stage" and not all(p in cs.values for p in parts):
                continue  # negative or sought not recorded: the identity cannot be written
            if not any(p in cs.values for p in parts):
                continue  # nothing published at the finer level (an outcome's year has no quarters)
            eqs.append((key, [p for p in parts if p in cs.values]))
    # a total over an attribute: the cells with one attribute more
    index = defaultdict(list)
    for key in cs.values:
        measure, dims = key[0], dict(key[1])
        for dim in _SUMMED:
            if dim in dims and _is_base(dim, dims[dim], groups):
                rest = tuple(sorted((k, v) for k, v in dims.items() if k != dim))
                index[(measure, dim, rest)].append(key)
    for key in cs.values:
        measure, dims = key
        for dim in _SUMMED:
            parts = index.get((measure, dim, dims))
            if parts and dim not in dict(dims):
                eqs.append((key, parts))
    for total, parts in eqs:
        if cs.values[total] != sum(cs.values[p] for p in parts):
            raise PublicationError(f"the identity {total} = sum of {len(parts)} parts does not hold: "
                                   f"{cs.values[total]} against {sum(cs.values[p] for p in parts)}")
    return eqs


# --- 3. protection ---------------------------------------------------------------------------------------

_RULE = {PEOPLE: "people", PROCESS: "process"}


def withheld(cs: CellSet, eqs, threshold: int) -> set:
    """People cells that no suppression can protect, because council-wide figures published as they are (class 2)
    already bound them below the threshold: three overdue concerns, by service; or a year's late reviews in a
    service, when the four quarters' council-wide late reviews add up to four. metrics.md keeps such a breakdown
    officer-only, so it is never published.

    Upper bounds are carried through the identities until nothing changes: a part is at most its total, a total
    at most the sum of its parts' bounds."""
    inf = float("inf")
    upper = {k: (float(v) if cs.klass[k] == PROCESS else inf) for k, v in cs.values.items()}
    changed = True
    while changed:
        changed = False
        for total, parts in eqs:
            for p in parts:
                if upper[total] < upper[p]:
                    upper[p], changed = upper[total], True
            bound = sum(upper[p] for p in parts)
            if bound < upper[total]:
                upper[total], changed = bound, True
    return {k for k, v in cs.values.items() if cs.klass[k] == PEOPLE and v >= 1 and upper[k] < threshold}


def linear_system(cs: CellSet, eqs, unpublished: set):
    """The publication as the attacker sees it: every cell with its rule, every identity."""
    from . import disclosure  # its solvers load with the first publication built, not with every officer page

    system = disclosure.System()
    for key, value in cs.values.items():
        klass = cs.klass[key]
        if klass == STAFF:
            rule = disclosure.STAFF_DENOMINATOR if key[0] in ("required", "answered") else disclosure.STAFF_NUMERATOR
        elif key in unpublished or dict(key[1]).get("stage") == "not_engaged":
            rule = disclosure.UNPUBLISHED  # never shown; the identities still bind it
        else:
            rule = _RULE[klass]
        system.add(disclosure.Cell(key, value, rule, cs.group.get(key)))
    for total, parts in eqs:
        system.equal(total, parts)
    return system


#: rounds of withholding what cannot be protected before the publication gives up
MAX_ROUNDS = 6


def protect(cs: CellSet, eqs, threshold: int, min_group: int, progress: Progress = _quiet):
    """Choose what to hide, then run the attacker's check over everything.

    A count that no suppression can protect, because what is published as it is (council-wide figures, zeros)
    already pins it down, is withheld: never published, shown as [c] like any hidden count, and left out of the
    attacker's programmes as an unknown (metrics.md keeps such breakdowns officer-only). Returns the system, every
    hidden key and the withheld keys."""
    from . import disclosure

    unpublished = withheld(cs, eqs, threshold)
    for round_ in range(MAX_ROUNDS):
        system = linear_system(cs, eqs, unpublished)
        try:
            protection = disclosure.protect(system, threshold=threshold, min_group=min_group)
        except disclosure.DisclosureError as exc:
            cannot = {f.key for f in exc.failures if f.key in cs.values and cs.klass[f.key] == PEOPLE}
            if not cannot or round_ == MAX_ROUNDS - 1:
                raise PublicationError(f"the figures cannot be protected: {exc}") from None
            progress(f"Withholding {len(cannot)} counts that cannot be protected, then protecting again", 0.75)
            unpublished |= cannot
            continue
        hidden = frozenset(protection.hidden) | frozenset(unpublished)
        failures = disclosure.check(system, hidden, threshold=threshold, min_group=min_group)
        if failures:
            raise PublicationError(f"the attacker's check failed for {len(failures)} hidden cells, first "
                                   f"{failures[0]}. Nothing was published.")
        return system, hidden, frozenset(unpublished)
    raise PublicationError("the figures cannot be protected")  # not reached: the last round raises


# --- 4. the protected tables --------------------------------------------------------------------------------

def _apply(t: Table, frame: pd.DataFrame, row_keys: list[dict], hidden) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in t.officer_columns if c in frame.columns]).reset_index(drop=True)
    any_hidden = np.zeros(len(out), dtype=bool)
    for c in t.counts:
        if c.column not in out.columns:
            continue
        mask = np.array([c.column in k and k[c.column] in hidden for k in row_keys], dtype=bool)
        any_hidden |= mask
        values = pd.array(pd.to_numeric(out[c.column], errors="coerce").round(), dtype="Int64")
        values[mask] = pd.NA
        out[c.column] = values
        out[f"{c.column}_suppressed"] = mask
    if t.name == "concerns_summary":
        mask = np.array([k["referred"] in hidden for k in row_keys], dtype=bool)
        values = pd.array(out["referred"].astype("int64"), dtype="Int64")
        values[mask] = pd.NA
        out["referred"], out["referred_suppressed"] = values, mask
    for col in t.derived:
        if col in out.columns:
            out[col] = out[col].astype("Float64").mask(any_hidden)
            out[f"{col}_suppressed"] = any_hidden
    return out


def build(con, threshold: int = DEFAULT_THRESHOLD, min_group: int = DEFAULT_MIN_GROUP,
          progress: Progress = _quiet) -> Publication:
    """The protected publication of an officer store (raises PublicationError where it cannot be made safe)."""
    from .figures import StoreFigures

    con = ReferenceLabels(con)
    figures = StoreFigures(con)
    tables = officer_tables(con, figures, progress)
    progress("Linking the tables", 0.6)
    cs, staff_of = cells(tables)
    grid = _grid_values(con)
    groups = _groups(cs, staff_of, figures.period_labels(), grid["_statutory_of"])
    eqs = equations(cs, groups)
    progress(f"Protecting {len(cs.values):,} figures", 0.7)
    system, hidden, unpublished = protect(cs, eqs, threshold, min_group, progress)
    progress("Writing the protected tables", 0.9)
    out = {}
    for t in catalog.TABLES:
        if t.name not in tables:
            continue
        frame = tables[t.name]
        if t.counts or t.name == "concerns_summary":
            row_keys = _row_keys(t, frame)
            out[t.name] = _apply(t, frame, row_keys, hidden)
        else:
            out[t.name] = frame.drop(columns=[c for c in t.officer_columns if c in frame.columns])
    cov = figures.coverage()
    manifest = {
        "published_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "threshold": threshold,
        "min_group": min_group,
        "target_hours": PUBLISHED_TARGET_HOURS,
        "coverage": {k: (v.isoformat() if v is not None else None) for k, v in cov.items()},
        "period_labels": figures.period_labels(),
        "default_period": figures.default_period(),
        "service_list": figures.service_list(),
        "cells": len(cs.values),
        "hidden": len(hidden),
        "withheld": len(unpublished),
    }
    progress("Publication ready", 1.0)
    return Publication(out, manifest, hidden=len(hidden), cells=len(cs.values), system=system, hidden_keys=hidden,
                       withheld_keys=unpublished)


def _row_keys(t: Table, frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict("records"):
        dims = _row_dims(t, row, row[TIME_KEY])
        keys = {c.column: _cell_key(c.measure, {**dims, **dict(c.fixed)}) for c in t.counts
                if not pd.isna(row.get(c.column))}
        if t.name == "concerns_summary":
            keys["referred"] = _cell_key("concerns", {**dims, "referred_to": "group:Referred externally"})
        out.append(keys)
    return out


# --- storing and reading back ---------------------------------------------------------------------------

def to_duckdb(pub: Publication, con: duckdb.DuckDBPyConnection) -> None:
    """Write the publication's tables into a (new, empty) DuckDB connection."""
    for name, frame in pub.tables.items():
        con.register("_frame", frame)
        con.execute(f'create table "pub_{name}" as select * from _frame')
        con.unregister("_frame")
    con.execute(f"create table {MANIFEST} (key varchar, value varchar)")
    con.execute(f"insert into {MANIFEST} values ('manifest', ?)", [json.dumps(pub.manifest, default=str)])


def in_memory(pub: Publication) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    to_duckdb(pub, con)
    return con


def is_publication(con) -> bool:
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    return MANIFEST in tables


__all__ = ["Publication", "PublicationError", "build", "to_duckdb", "in_memory", "is_publication", "MANIFEST",
           "TIME_KEY", "PUBLISHED_TARGET_HOURS"]
