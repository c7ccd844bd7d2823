"""Validation rules: each declared once with a code, a message a person can
act on, the field it touches, and the SQL that finds the rows breaking it.

The rules run set-wise in DuckDB over a file's text columns (`parse_sql`
makes the typed columns), so a million-row export is validated in one pass.
A message never quotes the value it found: this is special-category data.
"""

from __future__ import annotations

from dataclasses import dataclass

from .contract import Field, Kind

DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f",
    "%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
)
_FORMATS_SQL = "[" + ", ".join(f"'{f}'" for f in DATE_FORMATS) + "]"
TRUE_WORDS = ("y", "yes", "true", "t", "1")
FALSE_WORDS = ("n", "no", "false", "f", "0")
DATE_HELP = "Use 2023-10-04, 2023-10-04 09:15 or 04/10/2023 (day first; US month-first order is never read)."


@dataclass(frozen=True)
class Rule:
    code: str
    column: str
    message: str
    bad_sql: str  # true for a row that breaks the rule; sees raw columns `r_<field>` and typed `<field>`


def _raw(f: Field) -> str:
    return f"r_{f.name}"


def parse_sql(f: Field) -> str:
    """The typed value of a field from its text, NULL where it cannot be read."""
    raw = _raw(f)
    if f.type == "timestamp":
        return f"try_strptime({raw}, {_FORMATS_SQL})"
    if f.type == "date":
        return f"cast(try_strptime({raw}, {_FORMATS_SQL}) as date)"
    if f.type == "integer":
        num = f"try_cast(replace({raw}, ',', '') as double)"
        return f"case when {num} = floor({num}) and abs({num}) < 1e15 then cast({num} as bigint) end"
    if f.type == "boolean":
        t = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        n = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return f"case when lower({raw}) in ({t}) then true when lower({raw}) in ({n}) then false end"
    if f.type == "choice":
        whens = " ".join(f"when '{c.lower()}' then '{c}'" for c in f.choices)
        default = f"'{f.default}'" if f.default else "null"
        return f"case when {raw} is null then {default} else (case lower({raw}) {whens} end) end"
    return raw


def field_rules(f: Field) -> list[Rule]:
    raw = _raw(f)
    rules = []
    if f.required:
        rules.append(Rule("missing-value", f.name,
                          f"{f.name} is blank but every row needs it. Fill it in at source and export again.",
                          f"{raw} is null"))
    if f.type in ("timestamp", "date"):
        rules.append(Rule("unreadable-date", f.name, f"{f.name} is not a date that can be read. {DATE_HELP}",
                          f"{raw} is not null and {f.name} is null"))
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


def rules_for(kind: Kind) -> list[Rule]:
    rules = [r for f in kind.fields for r in field_rules(f)]
    return rules + CROSS_RULES.get(kind.name, [])


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
