"""Financial years and quarters: the council's year (metrics.md, "Periods").

`2023-24` runs 1 April 2023 to 31 March 2024; `2023-24 Q3` is October to
December 2023.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_LABEL = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*(?:Q([1-4]))?\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @property
    def is_quarter(self) -> bool:
        return " Q" in self.label

    @property
    def fy_start_year(self) -> int:
        return fy_start_year(self.start)

    @property
    def financial_year(self) -> "Period":
        return financial_year(self.fy_start_year)

    @property
    def quarter(self) -> int | None:
        return int(self.label[-1]) if self.is_quarter else None

    def previous(self) -> "Period":
        if self.is_quarter:
            q = self.quarter - 1
            return quarter(self.fy_start_year, q) if q else quarter(self.fy_start_year - 1, 4)
        return financial_year(self.fy_start_year - 1)

    def same_last_year(self) -> "Period":
        if self.is_quarter:
            return quarter(self.fy_start_year - 1, self.quarter)
        return financial_year(self.fy_start_year - 1)

    def as_dict(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def __str__(self) -> str:
        return self.label


def fy_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def fy_start_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year(start_year: int) -> Period:
    return Period(dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31), fy_label(start_year))


def quarter(start_year: int, q: int) -> Period:
    month = 4 + 3 * (q - 1)
    year = start_year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    start = dt.date(year, month, 1)
    nm, ny = (month + 3, year) if month + 3 <= 12 else (month + 3 - 12, year + 1)
    end = dt.date(ny, nm, 1) - dt.timedelta(days=1)
    return Period(start, end, f"{fy_label(start_year)} Q{q}")


def parse(label: str) -> Period:
    """`2023-24` or `2023-24 Q3` (also `2023/24`, `2023-2024 q3`)."""
    m = _LABEL.match(label or "")
    if not m:
        raise PeriodError(f"'{label}' is not a financial year (2023-24) or a quarter (2023-24 Q3)")
    start_year = int(m.group(1))
    second = m.group(2)
    expected = start_year + 1
    if (len(second) == 2 and int(second) != expected % 100) or (len(second) == 4 and int(second) != expected):
        raise PeriodError(f"'{label}' is not a financial year: after {start_year} comes {fy_label(start_year)}")
    return quarter(start_year, int(m.group(3))) if m.group(3) else financial_year(start_year)


def quarter_of(day: dt.date) -> Period:
    start_year = fy_start_year(day)
    q = ((day.month - 4) % 12) // 3 + 1
    return quarter(start_year, q)


def latest_full_quarter(as_of: dt.date) -> Period:
    """The last quarter that has ended on or before `as_of`."""
    current = quarter_of(as_of)
    return current if current.end <= as_of else current.previous()


def quarters_between(first: dt.date, last: dt.date) -> list[Period]:
    out = []
    p = quarter_of(first)
    while p.start <= last:
        out.append(p)
        nxt = p.end + dt.timedelta(days=1)
        p = quarter_of(nxt)
    return out


def overlaps(period: Period, first: dt.date | None, last: dt.date | None) -> bool:
    """Whether any day of the period falls from `first` to `last` (none where there is no data at all)."""
    return first is not None and last is not None and period.end >= first and period.start <= last


def is_complete(period: Period, as_of: dt.date | None) -> bool:
    """Whether the data's as-of day reaches the period's last day (no data at all: nothing to be partial)."""
    return as_of is None or as_of >= period.end


def data_to(period: Period, as_of: dt.date | None) -> dt.date:
    """The last day of the period the data cover."""
    return period.end if is_complete(period, as_of) else max(period.start, as_of)


def _year_earlier(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else dt.date(day.year - 1, 2, 28)


def span_words(start: dt.date, end: dt.date) -> str:
    """`April to September 2026` for whole months, else `1 April to 15 November 2026`."""
    whole = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    first = f"{start:%B}" if whole else f"{start.day} {start:%B}"
    last = f"{end:%B %Y}" if whole else f"{end.day} {end:%B %Y}"
    if start.year != end.year:
        first += f" {start.year}"
    return f"{first} to {last}" if (start.month, start.year) != (end.month, end.year) or not whole else last


def same_months_a_year_earlier(period: Period, as_of: dt.date | None) -> Period:
    """What an incomplete period is fairly compared with: the same stretch of days one year before it."""
    last = period.same_last_year()
    end = min(last.end, _year_earlier(data_to(period, as_of)))
    return Period(last.start, end, span_words(last.start, end))


def audit_year_end(year: str) -> dt.date | None:
    """`2023` ends 2023-12-31; `2014-15` ends 2015-03-31 (metrics.md, Self-assessment)."""
    year = year.strip()
    if re.fullmatch(r"\d{4}", year):
        return dt.date(int(year), 12, 31)
    try:
        return parse(year).end
    except PeriodError:
        return None
