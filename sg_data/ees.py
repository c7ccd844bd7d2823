"""The Explore Education Statistics (EES) open-data standard as code: the rules a data file and its meta file keep.

The DfE publishes its rules as the data screener (eesyscreener); the ones
here are those an upload fails on, plus the few warnings metrics.md makes
ours (snake_case names, a `Total` in every filter group). `validate(folder)`
returns the problems in plain words; an empty list means the folder keeps the
standard. The writer (sg_data.open_data) runs it on what it writes.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

#: columns every data file has (time and the country), and the geography columns of each level
REQUIRED_DATA = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name")
GEOGRAPHY = {
    "National": ("country_code", "country_name"),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("new_la_code", "la_name", "old_la_code"),
    "Local authority district": ("lad_code", "lad_name"),
}
#: the levels EES knows; the ones above are those whose columns this checks
LEVELS = frozenset(GEOGRAPHY) | {
    "RSC region", "Parliamentary constituency", "Local skills improvement plan area", "Local enterprise partnership",
    "English devolved area", "Opportunity area", "Ward", "MAT", "Sponsor", "School", "Provider", "Institution",
    "Planning area", "Police force area"}
CODE_PATTERN = {
    "country_code": r"[EKNSW]9\d{7}|K0[24]\d{6}",
    "region_code": r"E12\d{6}",
    "new_la_code": r"E(06|08|09|10)\d{6}",
    "old_la_code": r"\d{3}",
    "lad_code": r"[EWSN]0[6-9]\d{6}",
}
COUNTRIES = {"E92000001": "England", "W92000004": "Wales", "S92000003": "Scotland",
             "N92000002": "Northern Ireland", "K02000001": "United Kingdom", "K04000001": "England and Wales"}
#: observational-unit columns: never in a meta file
OB_UNITS = frozenset(REQUIRED_DATA) | {c for cols in GEOGRAPHY.values() for c in cols}

_QUARTERS = tuple(f"Financial year Q{q}" for q in range(1, 5))
#: time identifiers that may share a file (EES `acceptable_time_ids`), and their period's digits
TIME_GROUPS = (("Financial year",), _QUARTERS, ("Calendar year",), ("Academic year",), ("Tax year",),
               ("Reporting year",), ("Spring term", "Autumn term", "Summer term"),
               tuple(f"Week {w}" for w in range(1, 53)),
               ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"),
               ("Part 1 (April to September)", "Part 2 (October to March)"))
FOUR_DIGIT = frozenset({"Calendar year", "Reporting year", *TIME_GROUPS[7], *TIME_GROUPS[8]})
TIME_IDENTIFIERS = frozenset(i for group in TIME_GROUPS for i in group)

REQUIRED_META = ("col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                 "filter_hint", "filter_grouping_column")
OPTIONAL_META = ("filter_default",)
INDICATOR_UNITS = frozenset({"", "%", "pp", "£", "£m", "numberstring"})
#: GSS symbols an indicator may hold instead of a number (c confidential, x not available, z not applicable,
#: low rounds to 0, u low reliability)
SYMBOLS = frozenset({"c", "x", "z", "low", "u"})
TOTAL = "Total"

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_FILE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
#: first characters a spreadsheet reads as a formula (OWASP, CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def is_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not is_number(text)


def read(path: Path) -> tuple[list[str], list[dict], list[str]]:
    """The header, the rows as dicts (short rows padded, so that every check can read every column) and the
    problems reading them."""
    problems = []
    try:
        with path.open(encoding="utf-8", newline="") as f:
            table = list(csv.reader(f))
    except (UnicodeDecodeError, csv.Error) as exc:
        return [], [], [f"{path.name} is not a UTF-8 CSV file ({exc})"]
    header, body = (table[0], table[1:]) if table else ([], [])
    for n, r in enumerate(body, 2):
        if len(r) != len(header):
            problems.append(f"{path.name} line {n} has {len(r)} cells, the header {len(header)}")
    rows = [dict(zip(header, r + [""] * (len(header) - len(r)))) for r in body]
    return header, rows, problems


def validate(folder: Path) -> list[str]:
    """Every way the folder's data and meta files break the EES rules, in plain words (empty: none)."""
    folder = Path(folder)
    problems: list[str] = []
    metas = {p.name[:-len(".meta.csv")] for p in folder.glob("*.meta.csv")}
    datas = {p.stem for p in folder.glob("*.csv") if not p.name.endswith(".meta.csv")}
    if not datas:
        problems.append(f"{folder}: no data files")
    for name in sorted(datas - metas):
        problems.append(f"{name}.csv: no meta file {name}.meta.csv beside it")
    for name in sorted(metas - datas):
        problems.append(f"{name}.meta.csv: no data file {name}.csv beside it")
    for name in sorted(datas | metas):
        if not _FILE.match(name):
            problems.append(f"{name}.csv: a file name is lowercase letters, digits, _ and - only")
    for name in sorted(datas & metas):
        problems += [f"{name}.csv: {p}" for p in _check_pair(folder / f"{name}.csv", folder / f"{name}.meta.csv")]
    return problems


def _check_pair(data_path: Path, meta_path: Path) -> list[str]:
    header, rows, problems = read(data_path)
    meta_header, meta, meta_problems = read(meta_path)
    problems += meta_problems + _check_header(header, meta_header)
    if problems:
        return problems  # the rest reads columns by name
    problems += _check_meta(meta, header, rows)
    problems += _check_time(rows)
    problems += _check_geography(header, rows)
    filters = [m["col_name"] for m in meta if m["col_type"] == "Filter" and m["col_name"] in header]
    groups = [m["filter_grouping_column"] for m in meta
              if m["col_type"] == "Filter" and m["filter_grouping_column"] in header]
    indicators = [m["col_name"] for m in meta if m["col_type"] == "Indicator" and m["col_name"] in header]
    problems += _check_values(rows, filters, groups, indicators, meta)
    problems += _check_injection(rows, meta)
    return problems


def _check_header(header: list[str], meta_header: list[str]) -> list[str]:
    problems = []
    if not header:
        problems.append("the data file has no header row")
    for i, col in enumerate(header, 1):
        if not col.strip():
            problems.append(f"column {i} has a blank name")
        elif not _SNAKE.match(col):
            problems.append(f"column '{col}' is not snake_case (lowercase letters, digits and _, no spaces)")
    for col in sorted({c for c in header if header.count(c) > 1}):
        problems.append(f"column '{col}' appears more than once")
    for col in REQUIRED_DATA:
        if col not in header:
            problems.append(f"the required column '{col}' is missing")
    for col in REQUIRED_META:
        if col not in meta_header:
            problems.append(f"meta file: the required column '{col}' is missing")
    for col in meta_header:
        if col not in REQUIRED_META + OPTIONAL_META:
            problems.append(f"meta file: '{col}' is not a meta column EES knows")
    return problems


def _check_meta(meta: list[dict], header: list[str], rows: list[dict]) -> list[str]:
    problems = []
    names = [m["col_name"] for m in meta]
    labels = [m["label"] for m in meta]
    groups = [m["filter_grouping_column"] for m in meta if m["filter_grouping_column"]]
    for n, m in enumerate(meta, 2):
        where = f"meta file line {n} ('{m['col_name']}')"
        col = m["col_name"]
        if not col.strip():
            problems.append(f"meta file line {n}: col_name is blank")
            continue
        if col in OB_UNITS:
            problems.append(f"{where}: a time or geography column is not listed in the meta file")
        elif col not in header:
            problems.append(f"{where}: no such column in the data file")
        if m["col_type"] not in ("Filter", "Indicator"):
            problems.append(f"{where}: col_type is '{m['col_type']}', not Filter or Indicator")
        if not m["label"].strip():
            problems.append(f"{where}: the label is blank")
        if m["col_type"] == "Filter":
            for field in ("indicator_grouping", "indicator_unit", "indicator_dp"):
                if m[field]:
                    problems.append(f"{where}: a filter has no {field}")
            group = m["filter_grouping_column"]
            if group:
                if group not in header:
                    problems.append(f"{where}: its filter_grouping_column '{group}' is not a column of the data file")
                elif group == col or group in {x["col_name"] for x in meta if x["col_type"] == "Indicator"}:
                    problems.append(f"{where}: its filter_grouping_column '{group}' is not a grouping column")
                elif len({r[group] for r in rows}) > len({r[col] for r in rows}):
                    problems.append(f"{where}: the group '{group}' has more values than the filter: the wrong way "
                                    "round")
        elif m["col_type"] == "Indicator":
            for field in ("filter_hint", "filter_grouping_column", "filter_default"):
                if m.get(field):
                    problems.append(f"{where}: an indicator has no {field}")
            if m["indicator_unit"] not in INDICATOR_UNITS:
                problems.append(f"{where}: indicator_unit '{m['indicator_unit']}' is not one of "
                                f"{', '.join(sorted(u for u in INDICATOR_UNITS if u))} or blank")
            if not re.fullmatch(r"\d", m["indicator_dp"]):
                problems.append(f"{where}: indicator_dp '{m['indicator_dp']}' is not a whole number of decimal places")
    for col in sorted({c for c in names if names.count(c) > 1}):
        problems.append(f"meta file: col_name '{col}' appears more than once")
    for label in sorted({x for x in labels if x and labels.count(x) > 1}):
        problems.append(f"meta file: the label '{label}' is used more than once")
    for group in sorted({g for g in groups if groups.count(g) > 1}):
        problems.append(f"meta file: '{group}' groups more than one filter")
    described = set(names) | set(groups) | OB_UNITS
    for col in header:
        if col and col not in described:
            problems.append(f"column '{col}' is neither a time or geography column nor in the meta file")
    return problems


def _check_time(rows: list[dict]) -> list[str]:
    problems = []
    identifiers = sorted({r["time_identifier"] for r in rows})
    for ident in identifiers:
        if ident not in TIME_IDENTIFIERS:
            problems.append(f"time_identifier '{ident}' is not one EES allows")
    known = [i for i in identifiers if i in TIME_IDENTIFIERS]
    if known:
        group = next(g for g in TIME_GROUPS if known[0] in g)
        mixed = [i for i in known if i not in group]
        if mixed:
            problems.append(f"time identifiers that may not share a file: '{known[0]}' with "
                            f"{', '.join(repr(i) for i in mixed)}")
    seen = set()
    for n, r in enumerate(rows, 2):
        period, ident = r["time_period"], r["time_identifier"]
        if (period, ident) in seen:
            continue
        seen.add((period, ident))
        digits = 4 if ident in FOUR_DIGIT else 6
        if not re.fullmatch(r"\d{%d}" % digits, period):
            problems.append(f"line {n}: time_period '{period}' is not a {digits}-digit period for '{ident}'")
        elif digits == 6 and int(period[4:]) != (int(period[:4]) + 1) % 100:
            problems.append(f"line {n}: time_period '{period}' is not two consecutive years (e.g. 202324)")
    return problems


def _check_geography(header: list[str], rows: list[dict]) -> list[str]:
    problems = []
    reported: set = set()
    for n, r in enumerate(rows, 2):
        level = r["geographic_level"]
        if level not in LEVELS:
            if level not in reported:
                problems.append(f"line {n}: geographic_level '{level}' is not one EES allows")
                reported.add(level)
            continue
        for col in GEOGRAPHY.get(level, ()) + ("country_code", "country_name"):
            key = (level, col)
            if col not in header:
                if key not in reported:
                    problems.append(f"the column '{col}' that '{level}' rows need is missing")
                    reported.add(key)
                continue
            value = r[col]
            pattern = CODE_PATTERN.get(col)
            bad = not value.strip() or (pattern and not re.fullmatch(pattern, value))
            if bad and (key, value) not in reported:
                problems.append(f"line {n}: {col} '{value}' is not a valid {col.replace('_', ' ')}")
                reported.add((key, value))
        code, name = r.get("country_code", ""), r.get("country_name", "")
        if code in COUNTRIES and COUNTRIES[code] != name and (code, name) not in reported:
            problems.append(f"line {n}: country_code {code} is {COUNTRIES[code]}, not '{name}'")
            reported.add((code, name))
    return problems


def _check_values(rows, filters, groups, indicators, meta) -> list[str]:
    problems = []
    defaults = {m["col_name"]: (m.get("filter_default") or TOTAL) for m in meta if m["col_type"] == "Filter"}
    defaults.update({g: TOTAL for g in groups})
    for col in filters + groups:
        values = {r[col] for r in rows}
        for v in sorted(values):
            if not v.strip():
                problems.append(f"filter '{col}' has a blank value")
            elif v != v.strip():
                problems.append(f"filter '{col}' value '{v}' has spaces at its start or end")
        if rows and defaults.get(col) not in values:
            problems.append(f"filter '{col}' has no '{defaults.get(col)}' row (its default, the aggregate)")
    for col in indicators:
        bad = sorted({r[col] for r in rows if not is_number(r[col]) and r[col] not in SYMBOLS})
        if bad:
            shown = ", ".join(repr(b) for b in bad[:5])
            problems.append(f"indicator '{col}' holds {shown}: a number or one of the symbols "
                            f"{', '.join(sorted(SYMBOLS))} only")
    keys = [c for c in REQUIRED_DATA if c in rows[0]] if rows else []
    keys += [c for c in ("region_code", "new_la_code", "lad_code") if rows and c in rows[0]] + filters + groups
    seen: dict = {}
    for n, r in enumerate(rows, 2):
        key = tuple(r.get(c, "") for c in keys)
        if key in seen:
            problems.append(f"line {n} repeats line {seen[key]}: the same time, place and filters")
        else:
            seen[key] = n
    return problems


def _check_injection(rows, meta) -> list[str]:
    problems = []
    for what, table in (("", rows), ("meta file: ", meta)):
        for n, r in enumerate(table, 2):
            for col, value in r.items():
                if value and is_formula(value):
                    problems.append(f"{what}line {n}, column '{col}': '{value[:30]}' would run as a formula in a "
                                    "spreadsheet")
    return problems
