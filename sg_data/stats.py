"""Shares, their 95% Wilson intervals, and the words for a change.

A figure that is a share is always shown with its numerator and denominator
("13 of 27, 48%"), and, where it is compared over time or between services,
with a 95% Wilson score interval (metrics.md). A change between two shares is
called a change only when their two intervals do not overlap; otherwise the
dashboard says "no clear change".

Percentages are rounded half up to whole numbers (0.5% shows as 1%, 2.5% as
3%), the way people round by hand, not Python's round-half-to-even.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

#: z for a two-sided 95% interval (the 97.5th percentile of the normal).
Z_95 = 1.959963984540054

#: GSS symbols, in square brackets so screen readers read them.
SUPPRESSED = "[c]"  # confidential: suppressed for disclosure control
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"


def wilson_interval(count: int, of: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for ``count`` successes of ``of`` trials.

    Returns ``(lower, upper)`` as proportions within [0, 1]. Raises
    ``ValueError`` when ``of`` is 0 (there is no proportion to bound) or when
    ``count`` is outside 0..of; :attr:`Share.interval` turns the ``of == 0``
    case into ``None``.
    """
    count, of = operator.index(count), operator.index(of)
    if of <= 0:
        raise ValueError("a Wilson interval needs at least one trial (of > 0)")
    if not 0 <= count <= of:
        raise ValueError(f"count {count} is not between 0 and {of}")
    p = count / of
    z2 = z * z
    denominator = 1 + z2 / of
    centre = (p + z2 / (2 * of)) / denominator
    half_width = (z / denominator) * math.sqrt(p * (1 - p) / of + z2 / (4 * of * of))
    # The ends are exactly 0 and 1 at count 0 and count == of; floating point
    # can stray a hair past them.
    lower = 0.0 if count == 0 else max(0.0, centre - half_width)
    upper = 1.0 if count == of else min(1.0, centre + half_width)
    return lower, upper


def _round_half_up(x: float) -> int:
    # Round to 9 places first so 0.305 * 100 = 30.499999999999996 counts as 30.5.
    return math.floor(round(x, 9) + 0.5)


def _pct_of(count: int, of: int) -> int:
    """100 * count / of rounded half up, in exact integer arithmetic."""
    return (200 * count + of) // (2 * of)


@dataclass(frozen=True)
class Share:
    """A numerator of a denominator: "13 of 27".

    ``0 <= count <= of``. A share of nothing (``of == 0``) is allowed; its
    proportion, percentage and interval are ``None`` and it formats as
    ``"0 of 0, [z]"`` (GSS "not applicable").
    """

    count: int
    of: int

    def __post_init__(self) -> None:
        try:
            count, of = operator.index(self.count), operator.index(self.of)
        except TypeError:
            raise TypeError(
                f"a share needs whole numbers, got {self.count!r} of {self.of!r}"
            ) from None
        if not 0 <= count <= of:
            raise ValueError(f"count {count} is not between 0 and {of}")
        # Store plain ints even when given numpy integers.
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "of", of)

    @property
    def proportion(self) -> float | None:
        return None if self.of == 0 else self.count / self.of

    @property
    def pct(self) -> float | None:
        """The unrounded percentage, or None when ``of`` is 0."""
        return None if self.of == 0 else 100 * self.count / self.of

    @property
    def pct_rounded(self) -> int | None:
        """The whole-number percentage shown (rounded half up)."""
        return None if self.of == 0 else _pct_of(self.count, self.of)

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% Wilson interval as proportions, or None when ``of`` is 0."""
        return None if self.of == 0 else wilson_interval(self.count, self.of)

    def format(self, interval: bool = False) -> str:
        """``"1,381 of 1,499, 92%"``; with ``interval=True`` ``"13 of 27, 48% (31% to 66%)"`` (GSS style)."""
        if self.of == 0:
            return f"0 of 0, {NOT_APPLICABLE}"
        text = f"{self.count:,} of {self.of:,}, {self.pct_rounded}%"
        if interval:
            text += f" ({self.interval_text()})"
        return text

    def interval_text(self) -> str:
        """The 95% interval in words: ``"31% to 66%"``."""
        lower, upper = self.interval
        return f"{_round_half_up(lower * 100)}% to {_round_half_up(upper * 100)}%"

    def __str__(self) -> str:
        return self.format()

    def to_dict(self) -> dict[str, int]:
        return {"count": self.count, "of": self.of}


def _is_missing(value: object) -> bool:
    try:
        return bool(value != value)  # NaN, pandas.NA (raises)
    except TypeError:
        return True


def is_clear_change(a: Share, b: Share) -> bool:
    """True only when the two 95% Wilson intervals do not overlap.

    Intervals that touch count as overlapping. A share of 0 of 0 is never a
    clear change from anything.
    """
    if a.of == 0 or b.of == 0:
        return False
    a_lower, a_upper = a.interval
    b_lower, b_upper = b.interval
    return a_upper < b_lower or b_upper < a_lower


def describe_change(before: Share, after: Share) -> str:
    """Plain words for a change between two shares, for councillors.

    - ``"up from 80% to 91%: a clear change"`` (intervals do not overlap)
    - ``"down from 85% to 70%: a clear change"``
    - ``"85% to 83%: no clear change"`` (intervals overlap: no "up" or "down",
      because the data do not show a direction)
    - ``"no comparison: one of the two is 0 of 0"`` when either has no
      denominator.

    In the rare clear change whose whole percentages are equal (very large
    denominators), one decimal place is shown so the words still differ.
    """
    if before.of == 0 or after.of == 0:
        return "no comparison: one of the two is 0 of 0"
    first, second = f"{before.pct_rounded}%", f"{after.pct_rounded}%"
    if not is_clear_change(before, after):
        return f"{first} to {second}: no clear change"
    if first == second:
        first, second = f"{before.pct:.1f}%", f"{after.pct:.1f}%"
    direction = "up" if after.proportion > before.proportion else "down"
    return f"{direction} from {first} to {second}: a clear change"
