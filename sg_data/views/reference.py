"""The Reference tables page: the category, service and referral destination names the exports use that the
reference tables do not name (the officers' work to do), and the rows that map them, loaded as a categories,
services or destinations export is. The publication names only what the reference tables name, so until an
officer maps a name it is published under a general label (metrics.md, "Labels").

The mappings go through the loader (its rules, quarantine and report) into a new version of the store, like any
export; the page never writes to the store itself.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd

from .. import loader
from ..contract import CATEGORIES, DESTINATIONS, SERVICES

#: the statutory categories a council category maps to (metrics.md, "Concerns"; Care Act 2014 s.42 and the
#: statutory guidance's types of abuse, Working Together 2023's categories, the Prevent duty), and wellbeing
STATUTORY = (
    "Care Act 2014: physical abuse", "Care Act 2014: domestic abuse", "Care Act 2014: sexual abuse",
    "Care Act 2014: psychological or emotional abuse", "Care Act 2014: financial or material abuse",
    "Care Act 2014: modern slavery", "Care Act 2014: discriminatory abuse", "Care Act 2014: organisational abuse",
    "Care Act 2014: neglect and acts of omission", "Care Act 2014: self-neglect",
    "Working Together: abuse or neglect of a child", "Working Together: sexual abuse (child sexual exploitation)",
    "Working Together: extra-familial harm (criminal exploitation)",
    "Prevent duty (Counter-Terrorism and Security Act 2015)", "Wellbeing (non-statutory)",
)
NOT_YET = "(not decided yet)"
OWN = "(a service of its own)"
SUBJECT_GROUPS = ("", "child", "adult", "unknown")


def split(gaps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The unnamed categories, services and referral destinations, each most used first."""
    def part(kind: str) -> pd.DataFrame:
        rows = gaps[gaps["kind"] == kind].sort_values(["rows_using", "value"], ascending=[False, True])
        return rows[["value", "rows_using", "first_seen", "last_seen"]].reset_index(drop=True)
    return part("category"), part("service"), part("destination")


def work_words(categories: pd.DataFrame, services: pd.DataFrame, destinations: pd.DataFrame) -> str:
    if categories.empty and services.empty and destinations.empty:
        return ("Nothing to do: every category, service and referral destination in the exports is in the "
                "reference tables.")
    parts = []
    if len(categories):
        parts.append(f"{len(categories)} categor{'y has' if len(categories) == 1 else 'ies have'} no statutory "
                     "category, so their concerns are counted as \u201cNot mapped\u201d and published as "
                     "\u201cCategory not in the categories table\u201d")
    if len(services):
        parts.append(f"{len(services)} service name{' is' if len(services) == 1 else 's are'} not in the services "
                     "table, so no rename or headcount applies to them and the publication shows them as "
                     "\u201cService not in the services table\u201d")
    if len(destinations):
        parts.append(f"{len(destinations)} referral destination{' is' if len(destinations) == 1 else 's are'} not "
                     "in the destinations table, so the publication counts them as \u201cAnother agency\u201d")
    return "To do: " + "; ".join(parts) + "."


def gap_table(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    return pd.DataFrame({what: frame["value"], "Rows using it": frame["rows_using"].astype("Int64"),
                         "First seen": pd.to_datetime(frame["first_seen"]).dt.strftime("%d %b %Y"),
                         "Last seen": pd.to_datetime(frame["last_seen"]).dt.strftime("%d %b %Y")})


def current_services(all_services: list[str], services: pd.DataFrame) -> list[str]:
    """The names a renamed service may report under: the services the store knows, less the unnamed ones."""
    return sorted(set(all_services) - set(services["value"]))


def category_rows(chosen: dict[str, tuple[str, str]]) -> list[dict]:
    """categories.csv rows for the categories given a statutory category (category -> (statutory, group))."""
    return [{"category": c, "statutory_category": s, "subject_group": g}
            for c, (s, g) in chosen.items() if s != NOT_YET]


def service_rows(chosen: dict[str, str]) -> list[dict]:
    """services.csv rows for the services decided (service -> the current name it reports under, or OWN)."""
    return [{"service": s, "alias_of": "" if to == OWN else to, "year": "", "headcount": ""}
            for s, to in chosen.items() if to != NOT_YET]


def destination_rows(named: list[str]) -> list[dict]:
    """destinations.csv rows for the destinations an officer agreed the publication may name."""
    return [{"referred_to": d} for d in named]


def save(categories: list[dict], services: list[dict], destinations: list[dict], db: str, progress
         ) -> loader.LoadReport:
    """Write the rows as categories, services and destinations exports in a private temporary folder and load
    them."""
    with tempfile.TemporaryDirectory(prefix="sg-reference-") as tmp:
        files = []
        for kind, rows in ((SERVICES, services), (CATEGORIES, categories), (DESTINATIONS, destinations)):
            if not rows:
                continue
            path = Path(tmp) / f"{kind.name}.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=[f.name for f in kind.fields])
                writer.writeheader()
                writer.writerows(rows)
            files.append((kind, path, None))
        return loader.load_files(files, db, progress)
