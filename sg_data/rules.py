"""Validation rules: each declared once with a code, a message a person can
act on, the field it touches, and the SQL that finds the rows breaking it.

The rules run set-wise in DuckDB over a file's text columns (`parse_sql`
makes the typed columns), so a million-row export is validated in one pass.
A message never quotes the value it found: this is special-category data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .contract import Field, Kind


def _date_shapes() -> dict[str, str]:
    """Each accepted date shape (digits as 9) and its strptime format: ISO, and UK day first."""
    shapes = {"9999-99-99": "%Y-%m-%d"}
    for sep in (" ", "T"):
        shapes[f"9999-99-99{sep}99:99"] = f"%Y-%m-%d{sep}%H:%M"
        shapes[f"9999-99-99{sep}99:99:99"] = f"%Y-%m-%d{sep}%H:%M:%S"
        for k in range(1, 7):
            shapes[f"9999-99-99{sep}99:99:99.{'9' * k}"] = f"%Y-%m-%d{sep}%H:%M:%S.%f"
    for d in ("9", "99"):
        for m in ("9", "99"):
            shapes[f"{d}/{m}/9999"] = "%d/%m/%Y"
            for h in ("9", "99"):
                shapes[f"{d}/{m}/9999 {h}:99"] = "%d/%m/%Y %H:%M"
                shapes[f"{d}/{m}/9999 {h}:99:99"] = "%d/%m/%Y %H:%M:%S"
    return shapes


#: the shapes of date a column may hold; which of them a file uses is found once per file and column
DATE_SHAPES = _date_shapes()
#: a whole number, or one grouped in thousands (1,250); never 1e3, 12.0 or 1,0,0
WHOLE = r"[+-]?\d{1,15}"
GROUPED = r"[+-]?\d{1,3}(,\d{3}){1,4}"
FINANCIAL_YEAR = r"\d{4}-\d{2}"
#: dates before this are not plausible for any export
EARLIEST = dt.date(2000, 1, 1)
TRUE_WORDS = ("y", "yes", "true", "t", "1")
FALSE_WORDS = ("n", "no", "false", "f", "0")
DATE_HELP = "Use 2023-10-04, 2023-10-04 09:15 or 04/10/2023 (day first; US month-first order is never read)."


@dataclass(frozen=True)
class Rule:
    code: str
    column: str
    message: str
    bad_sql: str  # true for a row that breaks the rule; sees raw columns `r_<field>` and typed `<field>`
    table: str = ""  # the work table joined beside the row that `bad_sql` also reads, if any


@dataclass(frozen=True)
class DateForms:
    """The strptime formats one date column of one file uses: found once per file, each value tried once."""

    formats: tuple[str, ...] = tuple(dict.fromkeys(DATE_SHAPES.values()))


def _raw(f: Field) -> str:
    return f"r_{f.name}"


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def date_groups_sql(f: Field, rows: int | None = None) -> str:
    """Over `_raw` (or its first `rows`): one date column's values grouped so that each group has one shape, with
    one value of each group (its shape names the group's format). Cheap string functions only.

    Values made only of digit runs between single separators, of one length, with the first (and for / - :
    the last) position of each separator alike, have one shape: an accepted shape has each of / - : at most
    twice, and an extra one between two others would make a double separator."""
    raw = _raw(f)
    key = ", ".join([f"strpos({raw}, '{c}')" for c in "/-: T."]
                    + [f"strpos(reverse({raw}), '{c}')" for c in "/-:"])
    source = f"(select {raw} from _raw limit {int(rows)})" if rows else "_raw"
    return (f"select any_value({raw}), count(*) as n from {source} where {raw} is not null "
            f"group by length({raw}), regexp_full_match({raw}, '[0-9]+([/ :T.-][0-9]+)*'), {key} "
            "order by n desc limit 500")


def shape_of(value: str) -> str:
    return "".join("9" if ch.isdigit() and ch.isascii() else ch for ch in value)


def date_order_sql(f: Field) -> str:
    """Over `_raw`: the first line of a date with a second number over 12 (month first), and how many have a
    first number over 12 (day first)."""
    raw = _raw(f)
    return (f"min(_line) filter (where contains({raw}, '/') and try_cast(split_part({raw}, '/', 2) as integer) > 12), "
            f"count(*) filter (where contains({raw}, '/') and try_cast(split_part({raw}, '/', 1) as integer) > 12)")


def parse_sql(f: Field, forms: DateForms | None = None) -> str:
    """The typed value of a field from its text, NULL where it cannot be read."""
    raw = _raw(f)
    if f.type in ("timestamp", "date"):
        formats = (forms or DateForms()).formats
        if not formats:
            value = "cast(null as timestamp)"
        else:
            # one call per format: DuckDB's list form of try_strptime is far slower
            value = "coalesce(" + ", ".join(f"try_strptime({raw}, {_q(x)})" for x in formats) + ")"
        return value if f.type == "timestamp" else f"cast({value} as date)"
    if f.type == "integer":
        return (f"case when regexp_full_match({raw}, {_q(WHOLE)}) then cast({raw} as bigint) "
                f"when regexp_full_match({raw}, {_q(GROUPED)}) then cast(replace({raw}, ',', '') as bigint) end")
    if f.type == "boolean":
        t = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        n = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return f"case when lower({raw}) in ({t}) then true when lower({raw}) in ({n}) then false end"
    if f.type == "choice":
        whens = " ".join(f"when '{c.lower()}' then '{c}'" for c in f.choices)
        default = f"'{f.default}'" if f.default else "null"
        return f"case when {raw} is null then {default} else (case lower({raw}) {whens} end) end"
    return raw


def us_order_message(f: Field, line: int, day_first_too: bool) -> str:
    if day_first_too:
        return (f"has {f.name} dates in both orders: line {line} has a second number over 12 (month first) while "
                "others have a first number over 12 (day first), so no date in that column can be trusted. "
                f"Export every date day first (04/10/2023) or as 2023-10-04. Nothing from it is stored.")
    return (f"has {f.name} dates in US order, month first: line {line} has a second number over 12. Read day "
            "first, a date such as 03/04/2023 would be misread, so the file is not read at all. Export dates day "
            "first (04/10/2023) or as 2023-10-04 and load again.")


def field_rules(f: Field, today: dt.date | None = None) -> list[Rule]:
    raw = _raw(f)
    today = today or dt.date.today()
    rules = []
    if f.required:
        rules.append(Rule("missing-value", f.name,
                          f"{f.name} is blank but every row needs it. Fill it in at source and export again.",
                          f"{raw} is null"))
    if f.type in ("timestamp", "date"):
        rules.append(Rule("unreadable-date", f.name, f"{f.name} is not a date that can be read. {DATE_HELP}",
                          f"{raw} is not null and {f.name} is null"))
        latest = today.replace(year=today.year + f.future_years, day=min(today.day, 28))
        rules.append(Rule("implausible-date", f.name,
                          f"{f.name} is before 1 January 2000 or more than {f.future_years} year"
                          f"{'s' if f.future_years > 1 else ''} after the load; check the year at source.",
                          f"{f.name} < date '{EARLIEST}' or {f.name} > date '{latest}'"))
    elif f.type == "integer":
        rules.append(Rule("not-a-whole-number", f.name, f"{f.name} must be a whole number.",
                          f"{raw} is not null and {f.name} is null"))
        if f.minimum == 0:
            rules.append(Rule("negative-count", f.name, f"{f.name} is negative; a count cannot be below zero.",
                              f"{f.name} < 0"))
        elif f.minimum is not None or f.maximum is not None:
            rules.append(Rule("out-of-range", f.name,
                              f"{f.name} must be from {f.minimum} to {f.maximum}.",
                              f"{f.name} < {f.minimum} or {f.name} > {f.maximum}"))
    elif f.type == "boolean":
        rules.append(Rule("not-yes-or-no", f.name, f"{f.name} must be Y/N, Yes/No, TRUE/FALSE or 1/0.",
                          f"{raw} is not null and {f.name} is null"))
    elif f.type == "choice":
        rules.append(Rule("unknown-value", f.name,
                          f"{f.name} must be one of: {', '.join(f.choices)}.",
                          f"{raw} is not null and {f.name} is null"))
    if f.format == "financial-year":
        first = f"try_cast(left({raw}, 4) as integer)"
        rules.append(Rule("not-a-financial-year", f.name,
                          f"{f.name} must be a financial year written like 2020-21: two consecutive years, "
                          f"from 2000-01 to {today.year}-{(today.year + 1) % 100:02d}.",
                          f"{raw} is not null and not coalesce(regexp_full_match({raw}, {_q(FINANCIAL_YEAR)}) "
                          f"and ({first} + 1) % 100 = try_cast(right({raw}, 2) as integer) "
                          f"and {first} between {EARLIEST.year} and {today.year}, false)"))
    return rules


CROSS_RULES: dict[str, list[Rule]] = {
    "concerns": [
        Rule("review-before-raised", "reviewed_at",
             "reviewed_at is earlier than raised_at; a concern cannot be reviewed before it is recorded. Check both times.",
             "reviewed_at < raised_at"),
        Rule("closed-before-raised", "closed_at",
             "closed_at is earlier than raised_at; a concern cannot be closed before it is recorded. Check both times.",
             "closed_at < raised_at"),
    ],
    "survey_waves": [
        Rule("closed-before-opened", "closed_on", "closed_on is earlier than opened_on. Check both dates.",
             "closed_on < opened_on"),
    ],
    "outcomes": [
        Rule("engaged-over-sought", "engaged",
             "engaged is more than sought; people who engaged are a subset of those sought. Check the funnel.",
             "engaged > sought"),
        Rule("positive-over-engaged", "positive",
             "positive is more than engaged; positive outcomes are counted among those who engaged. Check the funnel.",
             "positive > engaged"),
        Rule("outcomes-over-engaged", "negative",
             "positive + negative is more than engaged; each engaged person has at most one outcome. Check the funnel.",
             "positive + coalesce(negative, 0) > engaged"),
    ],
}

DUPLICATE_RULE_CODE = "duplicate-id"


def duplicate_message(kind: Kind) -> str:
    key = " + ".join(kind.row_key)
    return (f"{key} appears more than once in this file with different content; "
            "neither copy is loaded. Keep one row per " + key + ".")


def free_text(kind: Kind) -> list[Field]:
    """The text columns a person types into (not references): screened for identifying details."""
    return [f for f in kind.fields if f.type == "text" and f.name not in kind.row_key and not f.name.endswith("_id")]


def hits_table(f: Field) -> str:
    """The work table of the identity rules each distinct value of a free-text column breaks (`identity_hits`)."""
    return f'"_hits_{f.name}"'


def identity_hits(kind: Kind) -> list[tuple[str, str, str]]:
    """For each free-text column: (work table, the SQL that fills it from `_parsed`, the join that brings its
    `hits` beside each row). Exports repeat a few service, category and outcome words on most rows, so the
    patterns run once per distinct value rather than once per row."""
    from . import identity

    cases = ", ".join(f"case when coalesce(({cond}), false) then '{rule}' end"
                      for rule, cond in identity.sql_conditions("v").items())
    out = []
    for f in free_text(kind):
        table = hits_table(f)
        fill = (f"create or replace temp table {table} as select v, list_filter([{cases}], lambda x: x is not null) "
                f"as hits from (select distinct {_raw(f)} as v from _parsed where {_raw(f)} is not null)")
        out.append((table, fill, f"left join {table} on _parsed.{_raw(f)} = {table}.v"))
    return out


def identity_rules(kind: Kind) -> list[Rule]:
    """A row whose free text holds an e-mail, phone number, postcode, NHS number, date of birth or a name is
    quarantined (sg_data.identity): the value is never stored, and the reason names the rule, not the value.
    Each rule reads its column's `identity_hits` table, joined beside the row."""
    from . import identity

    codes = list(identity.default_screener().patterns)
    return [Rule(rule, f.name, identity.message(rule), f"list_contains({hits_table(f)}.hits, '{rule}')",
                 hits_table(f)) for f in free_text(kind) for rule in codes]


def rules_for(kind: Kind, today: dt.date | None = None) -> list[Rule]:
    rules = [r for f in kind.fields for r in field_rules(f, today)]
    return rules + CROSS_RULES.get(kind.name, []) + identity_rules(kind)


def rule_catalogue() -> list[dict]:
    """Every rule, for the Data page: what a quarantine code means."""
    from .contract import KINDS

    seen = []
    for kind in KINDS.values():
        for r in rules_for(kind):
            seen.append({"file": kind.name, "column": r.column, "code": r.code, "reason": r.message})
        seen.append({"file": kind.name, "column": ", ".join(kind.row_key), "code": DUPLICATE_RULE_CODE,
                     "reason": duplicate_message(kind)})
    return seen
