"""Free text screened for what identifies a person: e-mail, phone, postcode, NHS number, date of birth,
a title with a name, a name from the council's list.

Column headers that look like identity are dropped by the loader; this module looks inside the values of
the contract's text columns (a category `Neglect - Tom Jones 07700900123`, an e-mail in `referred_to`,
evidence naming a child). A hit quarantines the row; the reason names the rule, never the value, because
the quarantine is shown to people who must not see the value either.

Two forms, which agree (tests/test_identity.py checks them on one list of examples):
- Python: `screen(text) -> Hit | None`, for a value at a time;
- DuckDB: `sql_patterns()` (rule -> RE2 pattern for `regexp_matches`) and `sql_rule(column)`, one SQL
  expression giving the first rule a value breaks (or null), for quarantining set-wise.
Patterns use only what Python's `re` (with re.ASCII) and RE2 read the same way: no look-around, `[0-9]`
not `\\d`, `[ \\t]` not `\\s`, bounded repeats so a hostile value cannot make matching slow.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

NAMES_ENV = "SG_NAMES_FILE"
DEFAULT_NAMES_FILE = Path(__file__).resolve().parent.parent / "config" / "names.txt"

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?"
_DATE = (
    r"(?:[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})\b"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}\b"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?[ \t]{{1,3}}(?:of[ \t]{{1,3}})?{_MONTH},?[ \t]{{1,3}}[0-9]{{2,4}}\b"
    rf"|{_MONTH}[ \t]{{1,3}}[0-9]{{1,2}}(?:st|nd|rd|th)?,?[ \t]{{1,3}}[0-9]{{4}}\b)"
)

# rule -> (pattern, what it looks like, in the message). Order: the first rule a value breaks is reported.
_RULES: dict[str, tuple[str, str]] = {
    "identity_email": (
        r"(?i)[a-z0-9._%+-]{1,64}@(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24}\b",
        "an e-mail address",
    ),
    "identity_phone": (
        r"(?:\+44[ \t]?(?:\(0\)[ \t]?)?|\b0044[ \t]?|\b0)[1-9](?:\)?[ \t-]?[0-9]){8,9}\b",
        "a UK phone number",
    ),
    "identity_postcode": (
        r"\b(?i:[a-z]{1,2}[0-9][a-z0-9]?[ \t]{1,2}[0-9][a-z]{2})\b|\b[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}\b",
        "a postcode",
    ),
    "identity_nhs_number": (
        r"\b[0-9]{3}[ \t-]?[0-9]{3}[ \t-]?[0-9]{4}\b",
        "an NHS number",
    ),
    "identity_date_of_birth": (
        rf"(?i)(?:\bd\.?[ \t]?o\.?[ \t]?b\b\.?|\bdate[ \t]{{1,3}}of[ \t]{{1,3}}birth|\bborn(?:[ \t]{{1,3}}on)?)"
        rf"[ \t]{{0,3}}[:.-]?[ \t]{{0,3}}{_DATE}",
        "a date of birth",
    ),
    # case matters: "MS Teams" and "Master Data" are not people; "Mrs J Jones" and "Dr. Patel" are
    "identity_titled_name": (
        r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS|MISS)\.?[ \t]{1,3}(?:[A-Z]\.?[ \t]{1,3}){0,3}[A-Z][A-Za-z'-]{0,40}",
        "a title with a name",
    ),
}
LISTED_NAME = "identity_listed_name"
RULES = (*_RULES, LISTED_NAME)


@dataclass(frozen=True)
class Hit:
    rule: str
    message: str


class NamesFileError(Exception):
    """The names list named by SG_NAMES_FILE cannot be read: screening refuses to run without it."""


def message(rule: str) -> str:
    """The reason a person reads in the quarantine: the rule, never the value."""
    what = "a name from the council's list of names" if rule == LISTED_NAME else _RULES[rule][1]
    return f"Holds what looks like {what} ({rule}); identifying details are not stored. Remove it from the export."


def _nhs_checksum_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _name_pattern(names: list[str]) -> str | None:
    if not names:
        return None
    parts = []
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        words = [re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", w) for w in name.split()]
        parts.append(r"[ \t]{1,3}".join(words))
    return r"(?i)\b(?:" + "|".join(parts) + r")\b"


def read_names(path: str | Path) -> list[str]:
    """One name a line; blank lines and lines starting # are skipped; names under 3 letters are refused
    (they would match inside ordinary words' neighbours: "Al", "Jo")."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise NamesFileError(f"Cannot read the names list {path}: {exc.__class__.__name__}") from None
    names = []
    for n, line in enumerate(lines, start=1):
        name = " ".join(line.split())
        if not name or name.startswith("#"):
            continue
        if len(name.replace(" ", "")) < 3:
            raise NamesFileError(f"{path}, line {n}: a name needs at least 3 letters")
        names.append(name)
    return names


class Screener:
    """The identity rules with one names list."""

    def __init__(self, names: list[str] | tuple[str, ...] = ()):
        self.names = tuple(names)
        self.patterns: dict[str, str] = {rule: pattern for rule, (pattern, _) in _RULES.items()}
        listed = _name_pattern(list(self.names))
        if listed:
            self.patterns[LISTED_NAME] = listed
        self._compiled = {rule: re.compile(p, re.ASCII) for rule, p in self.patterns.items()}

    def screen(self, text: object) -> Hit | None:
        if not isinstance(text, str) or not text:
            return None
        for rule, pattern in self._compiled.items():
            if rule == "identity_nhs_number":
                found = any(_nhs_checksum_ok(re.sub("[^0-9]", "", m.group())) for m in pattern.finditer(text))
            else:
                found = pattern.search(text) is not None
            if found:
                return Hit(rule, message(rule))
        return None

    def sql_patterns(self) -> dict[str, str]:
        """rule -> RE2 pattern for DuckDB's regexp_matches. The NHS pattern is the number's shape only:
        use sql_rule for the checksum."""
        return dict(self.patterns)

    def sql_conditions(self, column: str) -> dict[str, str]:
        """rule -> a DuckDB condition, true when `column` (SQL: a quoted name) breaks the rule."""
        out = {}
        for rule, pattern in self.patterns.items():
            if rule == "identity_nhs_number":
                out[rule] = _sql_nhs(column, pattern)
            else:
                out[rule] = f"regexp_matches({column}, {_sql_literal(pattern)})"
        return out

    def sql_rule(self, column: str) -> str:
        """A DuckDB expression: the first rule `column` breaks, or null. `column` is SQL (a quoted name)."""
        whens = [f"when {cond} then {_sql_literal(rule)}" for rule, cond in self.sql_conditions(column).items()]
        return "case\n    " + "\n    ".join(whens) + "\nend"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_nhs(column: str, pattern: str) -> str:
    # each number-shaped run, as its 10 digits; valid when the mod-11 check digit matches
    digits = "regexp_replace(c, '[^0-9]', '', 'g')"
    total = f"list_sum(list_transform(range(1, 10), lambda i: cast(substr({digits}, i, 1) as integer) * (11 - i)))"
    check = f"(11 - ({total}) % 11)"
    valid = (
        f"{check} <> 10 and (case when {check} = 11 then 0 else {check} end)"
        f" = cast(substr({digits}, 10, 1) as integer)"
    )
    return (
        f"coalesce(list_bool_or(list_transform(regexp_extract_all({column}, {_sql_literal(pattern)}),"
        f" lambda c: {valid})), false)"
    )


def names_file() -> Path | None:
    """SG_NAMES_FILE if set (it must exist: a named list that is missing refuses, never screens less),
    else config/names.txt if present."""
    named = os.environ.get(NAMES_ENV)
    if named:
        if not Path(named).is_file():
            raise NamesFileError(f"{NAMES_ENV}={named}: no such file")
        return Path(named)
    return DEFAULT_NAMES_FILE if DEFAULT_NAMES_FILE.is_file() else None


@functools.lru_cache(maxsize=4)
def _screener_for(path: str | None, mtime: float | None) -> Screener:
    return Screener(read_names(path) if path else ())


def default_screener() -> Screener:
    """The screener with the configured names list, rebuilt when the list changes."""
    path = names_file()
    return _screener_for(str(path) if path else None, path.stat().st_mtime if path else None)


def screen(text: object) -> Hit | None:
    """The first identity rule `text` breaks, or None."""
    return default_screener().screen(text)


def sql_patterns() -> dict[str, str]:
    return default_screener().sql_patterns()


def sql_rule(column: str) -> str:
    return default_screener().sql_rule(column)


def sql_conditions(column: str) -> dict[str, str]:
    return default_screener().sql_conditions(column)
