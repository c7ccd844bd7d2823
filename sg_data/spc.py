"""Statistical process control: trends with their limits, and funnel plots, as NHS England's "Making Data Count".

An XmR chart (individuals chart) of a series in time order: the mean, the
moving ranges between neighbouring points, and the process limits at the mean
± 2.66 × the mean moving range (2.66 = 3 / 1.128, so the limits are the mean
± 3 sigma). Making Data Count (MDC) draws shares this way too, as plain values.

Special-cause rules (MDC), each marked on the points it covers:
- `outside`: a point above the upper or below the lower process limit;
- `shift`: a run of 7 or more points in a row all above, or all below, the mean
  (a point exactly on the mean ends a run);
- `trend`: 7 or more points in a row each higher, or each lower, than the one before;
- `two_of_three`: two of three points in a row beyond 2 sigma on the same side
  (the points beyond it are marked).

A missing point (hidden `[c]`, or no data) is not used for the mean or the
limits, and breaks every run and window: no moving range is taken across it.
With fewer than 12 known points there are no limits and no rules (MDC
recommends 15 or more, 12 at the least): never an invented limit. Nor where
the figure moves in steps too coarse for its limits (Wheeler's chunky data):
a share of 11 standards moves 9 points with each one, so a series at 100%
with one year at 91% has limits that one standard's change falls outside.
Where fewer than 5 of the values the figure can take (a whole count, or a
share of its usual denominator) lie within the limits, none are drawn and no
rule is read.

The series' variation follows MDC's icons, read at the latest point: common
cause, or special cause improving, concerning or neither (where neither
direction is better, such as concerns raised: more reporting is not bad).
Assurance against a target, where there is one: consistently passing or
failing where the target lies outside the limits, hit and miss where it lies
within them.

Funnel plots compare services' rates (concerns per 100 staff) with the
council's rate, after Spiegelhalter DJ (2005), "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185-1202.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import pandas as pd

from . import present

#: MDC: limits need 12 points at the least; 15 or more are recommended
MIN_POINTS = 12
RECOMMENDED_POINTS = 15
#: a run or trend of this many points in a row is a special cause
RUN = 7
#: the fewest values a figure can take within its limits for them to be read (fewer: the data are too chunky)
LEAST_VALUES = 5
#: process limits: mean ± 2.66 × mean moving range
SCALE = 2.66

HIGHER, LOWER, NEITHER = "higher", "lower", "neither"
COMMON = "Common cause"
IMPROVING = "Special cause, improving"
CONCERNING = "Special cause, concerning"
SPECIAL_NEITHER = "Special cause, neither improving nor concerning"
PASSING, FAILING, HIT_AND_MISS = "Consistently passing", "Consistently failing", "Hit and miss"

RULES = ("outside", "two_of_three", "shift", "trend")  # in order of precedence for the side of a point
RULE_WORDS = {"outside": "outside the process limits", "two_of_three": "two of three near a limit",
              "shift": "run of 7 on one side of the mean", "trend": "7 rising or falling in a row"}

#: funnel plot limits: two-sided 95% and 99.8%
FUNNEL_LEVELS = (0.95, 0.998)
UNUSUAL, WORTH_A_LOOK, USUAL = "unusual", "worth a look", "within the 95% limits"


@dataclass(frozen=True)
class Limits:
    mean: float
    mean_moving_range: float
    lower: float
    upper: float
    points: int

    @property
    def sigma(self) -> float:
        """One sigma: a third of the distance from the mean to a (raw) process limit."""
        return SCALE * self.mean_moving_range / 3


@dataclass(frozen=True)
class Analysis:
    """A series with its limits: `frame` has label, value, moving_range, mean, lower, upper, rules, side, signal."""

    frame: pd.DataFrame
    limits: Optional[Limits]
    variation: Optional[str]
    assurance: Optional[str]
    better: str
    target: Optional[float]
    #: the figure's step (1 for a count, one over the usual denominator for a share), where it was given
    step: Optional[float] = None
    #: limits were worked out but not read: fewer than `LEAST_VALUES` of the figure's values lie within them
    coarse: bool = False


def _known(value) -> bool:
    return not present.is_missing(value)


def moving_ranges(values: Sequence) -> list[Optional[float]]:
    """|x[i] - x[i-1]| for each point after the first; None where either is missing (a gap breaks the range)."""
    out: list[Optional[float]] = [None]
    for before, now in zip(values, values[1:]):
        out.append(abs(float(now) - float(before)) if _known(before) and _known(now) else None)
    return out[:len(values)]


def limits(values: Sequence, floor: Optional[float] = None, ceiling: Optional[float] = None) -> Optional[Limits]:
    """The mean and process limits (mean ± 2.66 × mean moving range) over the known points; None with fewer than 12.

    `floor` and `ceiling` bound the limits where the value cannot go further (0 for a count; 0 and 1 for a share).
    """
    known = [float(v) for v in values if _known(v)]
    ranges = [r for r in moving_ranges(list(values)) if r is not None]
    if len(known) < MIN_POINTS or not ranges:
        return None
    mean = sum(known) / len(known)
    mr = sum(ranges) / len(ranges)
    lower, upper = mean - SCALE * mr, mean + SCALE * mr
    if floor is not None:
        lower = max(lower, floor)
    if ceiling is not None:
        upper = min(upper, ceiling)
    return Limits(mean, mr, lower, upper, len(known))


def _groups(keys: list[Optional[str]], least: int) -> list[Optional[str]]:
    """Each key kept where it belongs to `least` or more equal, non-None keys in a row; None elsewhere."""
    out: list[Optional[str]] = [None] * len(keys)
    i = 0
    while i < len(keys):
        j = i
        while j + 1 < len(keys) and keys[i] is not None and keys[j + 1] == keys[i]:
            j += 1
        if keys[i] is not None and j - i + 1 >= least:
            out[i:j + 1] = keys[i:j + 1]
        i = j + 1
    return out


def rules(values: Sequence, lim: Limits) -> list[dict[str, str]]:
    """Per point, the rules that fire and the side each says (`{"shift": "high"}`); missing points get none."""
    xs = [float(v) if _known(v) else None for v in values]
    n = len(xs)
    fired: list[dict[str, str]] = [{} for _ in xs]
    for i, x in enumerate(xs):
        if x is not None and (x > lim.upper or x < lim.lower):
            fired[i]["outside"] = "high" if x > lim.upper else "low"

    def side(i: int) -> Optional[str]:
        x = xs[i]
        return None if x is None or x == lim.mean else "high" if x > lim.mean else "low"

    def step(i: int) -> Optional[str]:  # the direction into point i; a run of RUN points has RUN - 1 steps
        if i == 0 or xs[i] is None or xs[i - 1] is None or xs[i] == xs[i - 1]:
            return None
        return "high" if xs[i] > xs[i - 1] else "low"

    for i, s in enumerate(_groups([side(i) for i in range(n)], RUN)):
        if s:
            fired[i]["shift"] = s
    # a trend of RUN points is RUN - 1 steps in one direction: the point before the first step belongs to it
    steps = _groups([step(i) for i in range(n)], RUN - 1)
    for i, s in enumerate(steps):
        if s:
            fired[i]["trend"] = s
            fired[i - 1]["trend"] = s
    two_sigma_high, two_sigma_low = lim.mean + 2 * lim.sigma, lim.mean - 2 * lim.sigma
    for i in range(n - 2):
        window = xs[i:i + 3]
        if any(x is None for x in window):
            continue
        for name, beyond in (("high", lambda x: x > two_sigma_high), ("low", lambda x: x < two_sigma_low)):
            hits = [i + k for k, x in enumerate(window) if beyond(x)]
            if len(hits) >= 2:
                for j in hits:
                    fired[j]["two_of_three"] = name
    return fired


def point_side(fired: dict[str, str]) -> Optional[str]:
    """The side a point's special cause says ("high"/"low"): that of its strongest rule (`RULES`' order)."""
    for name in RULES:
        if name in fired:
            return fired[name]
    return None


def _judge(side: Optional[str], better: str) -> str:
    if side is None:
        return COMMON
    if better == NEITHER:
        return SPECIAL_NEITHER
    return IMPROVING if (side == "high") == (better == HIGHER) else CONCERNING


def assurance(lim: Optional[Limits], target: Optional[float], better: str) -> Optional[str]:
    """MDC assurance: where the target lies against the process limits (None without a target or limits)."""
    if lim is None or target is None or better == NEITHER:
        return None
    if lim.lower <= target <= lim.upper:
        return HIT_AND_MISS
    target_above = target > lim.upper
    return FAILING if target_above == (better == HIGHER) else PASSING


def values_within(lim: Limits, step: float) -> int:
    """How many of the values a figure moving in `step`s can take lie within the limits."""
    return max(0, math.floor(lim.upper / step + 1e-9) - math.ceil(lim.lower / step - 1e-9) + 1)


def analyse(labels: Sequence[str], values: Sequence, better: str = NEITHER, target: Optional[float] = None,
            floor: Optional[float] = 0.0, ceiling: Optional[float] = None, step: Optional[float] = None) -> Analysis:
    """A series in time order with its limits, the rules per point (`side` "high", "low" or ""), and the variation
    read at its latest point. `step`: how far the figure moves with one more or one fewer (1 for a count, one over
    the usual denominator for a share); limits with fewer than `LEAST_VALUES` steps within them are not read."""
    values = list(values)
    lim = limits(values, floor, ceiling)
    coarse = bool(lim and step and values_within(lim, step) < LEAST_VALUES)
    if coarse:
        lim = None
    fired = rules(values, lim) if lim else [{} for _ in values]
    frame = pd.DataFrame({
        "label": list(labels),
        "value": pd.array([float(v) if _known(v) else None for v in values], dtype="Float64"),
        "moving_range": pd.array(moving_ranges(values), dtype="Float64"),
        "mean": pd.array([lim.mean if lim else None] * len(values), dtype="Float64"),
        "lower": pd.array([lim.lower if lim else None] * len(values), dtype="Float64"),
        "upper": pd.array([lim.upper if lim else None] * len(values), dtype="Float64"),
        "rules": [tuple(r for r in RULES if r in f) for f in fired],
    })
    sides = [point_side(f) for f in fired]
    frame["side"] = [side or "" for side in sides]
    frame["signal"] = [", ".join(RULE_WORDS[r] for r in rs) if rs else "" for rs in frame["rules"]]
    latest = next((i for i in range(len(values) - 1, -1, -1) if _known(values[i])), None)
    variation = _judge(sides[latest], better) if lim and latest is not None else None
    return Analysis(frame, lim, variation, assurance(lim, target, better), better, target, step, coarse)


def sentence(a: Analysis, what: str, fmt: Callable[[float], str]) -> str:
    """What the latest point says, in plain words: "Concerns raised in 2026-27 Q1 (72) are within the usual range
    (48 to 96)." `what` names the series ("Concerns raised"), `fmt` writes a value ("72", "92%")."""
    if a.frame.empty:
        return f"{what}: there are no complete quarters to show."
    known = a.frame.dropna(subset=["value"])
    last_label = a.frame["label"].iloc[-1]
    if a.coarse:
        return (f"{what}: {len(known)} complete quarters with a figure, which moves in steps of {fmt(a.step)}: too "
                f"coarse for process limits (fewer than {LEAST_VALUES} of its values would lie within them), so none "
                "are shown.")
    if a.limits is None:
        return (f"{what}: {len(known)} complete quarters with a figure, fewer than the {MIN_POINTS} needed to work out "
                "the usual range, so no process limits are shown.")
    verb = "is" if _singular(what) else "are"
    if known.empty or pd.isna(a.frame["value"].iloc[-1]):
        return (f"{what} in {last_label} {verb} hidden ([c]); the usual range is {fmt(a.limits.lower)} to "
                f"{fmt(a.limits.upper)}.")
    row = a.frame.iloc[-1]
    usual = f"the usual range ({fmt(a.limits.lower)} to {fmt(a.limits.upper)})"
    value = fmt(float(row["value"]))
    if "outside" in row["rules"]:
        where = "higher than" if row["side"] == "high" else "lower than"
        text = f"{what} in {last_label} ({value}) {verb} {where} {usual}: a special cause"
    else:
        text = f"{what} in {last_label} ({value}) {verb} within {usual}"
        if row["rules"]:
            text += f", but this quarter is part of a special cause ({row['signal']}, on the {row['side']} side)"
    text += f". Variation: {a.variation.lower()}."
    if a.assurance:
        text += f" Against the target of {fmt(a.target)}: {a.assurance.lower()}."
    if a.limits.points < RECOMMENDED_POINTS:
        text += (f" The limits rest on {a.limits.points} quarters, fewer than the {RECOMMENDED_POINTS} recommended: "
                 "read them with care.")
    return text


def _singular(what: str) -> bool:
    return what.lower().startswith(("the share", "share"))


# --- funnel plots ----------------------------------------------------------------------------------

def poisson_limit(expected: float, p: float) -> float:
    """The p-th quantile of a Poisson count with mean `expected`, interpolated (Spiegelhalter 2005, appendix):
    r is the smallest count with P(Y <= r) >= p, and the limit is r - a, a = (P(Y <= r) - p) / P(Y = r); not
    below 0."""
    if expected <= 0:
        return 0.0
    # scipy.special's Poisson distribution (pdtr) and its inverse (pdtrik), loaded when a funnel is drawn:
    # scipy.stats would add about a second to the first page a server opens
    from scipy.special import pdtr, pdtrik

    def cdf(k: float) -> float:
        return float(pdtr(k, expected)) if k >= 0 else 0.0

    r = max(0.0, math.floor(float(pdtrik(p, expected))))
    while r > 0 and cdf(r - 1) >= p:
        r -= 1
    while cdf(r) < p:
        r += 1
    at_r, below = cdf(r), cdf(r - 1)
    alpha = (at_r - p) / (at_r - below) if at_r > below else 0.0
    return max(0.0, r - alpha)


def funnel_limits(rate: float, exposure: float, per: float = 100.0) -> dict[str, float]:
    """The 95% and 99.8% control limits, as rates per `per`, for a unit with `exposure` (its headcount) when its
    true rate is the council's `rate` (per `per`): Poisson limits on the expected count, over the exposure."""
    expected = rate * exposure / per
    out = {}
    for level in FUNNEL_LEVELS:
        tail = (1 - level) / 2
        name = f"{level * 100:g}".replace(".", "_")
        out[f"lower_{name}"] = poisson_limit(expected, tail) * per / exposure
        out[f"upper_{name}"] = poisson_limit(expected, 1 - tail) * per / exposure
    return out


def funnel(frame: pd.DataFrame, count: str, exposure: str, per: float = 100.0) -> tuple[pd.DataFrame, Optional[float]]:
    """Each unit's rate per `per` against the funnel round the overall rate; the overall rate (None without data).

    The overall rate is the sum of the counts over the sum of the exposures of the units with both known
    (a unit whose count is hidden takes no part and is not drawn). A unit is `unusual` outside the 99.8% limits,
    `worth a look` outside the 95% limits only. Adds rate, lower_95, upper_95, lower_99_8, upper_99_8, verdict
    and side ("above"/"below"/"").
    """
    known = frame[frame[count].notna() & frame[exposure].notna() & (frame[exposure].astype("Float64") > 0)]
    known = known.reset_index(drop=True)
    if known.empty or float(known[exposure].sum()) <= 0:
        return known, None
    rate = per * float(known[count].sum()) / float(known[exposure].sum())
    rows = [funnel_limits(rate, float(n), per) for n in known[exposure]]
    out = pd.concat([known, pd.DataFrame(rows)], axis=1)
    out["rate"] = [per * float(c) / float(n) for c, n in zip(out[count], out[exposure])]
    verdicts, sides = [], []
    for r in out.to_dict("records"):
        side = "above" if r["rate"] > r["upper_95"] else "below" if r["rate"] < r["lower_95"] else ""
        beyond_998 = r["rate"] > r["upper_99_8"] or r["rate"] < r["lower_99_8"]
        verdicts.append(UNUSUAL if beyond_998 else WORTH_A_LOOK if side else USUAL)
        sides.append(side)
    out["verdict"], out["side"] = verdicts, sides
    return out, rate


def funnel_curve(rate: float, low: float, high: float, steps: int = 60, per: float = 100.0) -> pd.DataFrame:
    """The funnel's limits along exposures from `low` to `high` (for drawing): exposure and the four limits."""
    low = max(low, 1.0)
    span = [low + (high - low) * k / (steps - 1) for k in range(steps)] if high > low else [low]
    return pd.DataFrame([{"exposure": n, **funnel_limits(rate, n, per)} for n in span])


def share_format(value: float) -> str:
    """A share as a whole percentage (0.924 -> "92%")."""
    return f"{math.floor(value * 100 + 0.5):d}%"
