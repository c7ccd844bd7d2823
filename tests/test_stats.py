import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from sg_data import present
from sg_data.stats import (
    SUPPRESSED,
    Share,
    describe_change,
    is_clear_change,
    wilson_interval,
)

Z = 1.959963984540054


def wilson_by_quadratic(count: int, of: int) -> tuple[float, float]:
    """The Wilson bounds as the roots of (p_hat - p)^2 = z^2 p (1 - p) / n,
    solved independently of the module's centre-and-half-width form."""
    a = of + Z * Z
    b = -(2 * count + Z * Z)
    c = count * count / of
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


@pytest.mark.parametrize(
    ("count", "of", "expected"),
    [
        (0, 10, (0.0, 0.2775)),
        # The brief quoted (0.3067, 0.6646); the Wilson interval is
        # (0.3074, 0.6601) by the quadratic and by scipy alike.
        (13, 27, (0.3074, 0.6601)),
        (85, 100, (0.7672, 0.9069)),
        (10, 10, (0.7225, 1.0)),
    ],
)
def test_wilson_known_values(count, of, expected):
    lower, upper = wilson_interval(count, of)
    assert (round(lower, 4), round(upper, 4)) == expected
    by_hand = wilson_by_quadratic(count, of)
    assert lower == pytest.approx(by_hand[0], abs=1e-12)
    assert upper == pytest.approx(by_hand[1], abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda of: st.tuples(st.integers(0, of), st.just(of))))
def test_wilson_matches_scipy_and_holds_the_proportion(pair):
    count, of = pair
    lower, upper = wilson_interval(count, of)
    reference = binomtest(count, of).proportion_ci(0.95, method="wilson")
    assert lower == pytest.approx(reference.low, abs=1e-9)
    assert upper == pytest.approx(reference.high, abs=1e-9)
    assert 0.0 <= lower <= count / of <= upper <= 1.0


def test_wilson_needs_trials():
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_share_format():
    share = Share(13, 27)
    assert share.format() == "13 of 27, 48%"
    assert str(share) == "13 of 27, 48%"
    assert share.format(interval=True) == "13 of 27, 48% (31% to 66%)"
    assert Share(85, 100).format(interval=True) == "85 of 100, 85% (77% to 91%)"
    assert Share(0, 10).format(interval=True) == "0 of 10, 0% (0% to 28%)"
    assert share.to_dict() == {"count": 13, "of": 27}


def test_share_properties():
    share = Share(13, 27)
    assert share.proportion == pytest.approx(13 / 27)
    assert share.pct == pytest.approx(1300 / 27)
    assert share.interval == wilson_interval(13, 27)


def test_share_of_nothing():
    share = Share(0, 0)
    assert share.proportion is None
    assert share.pct is None
    assert share.interval is None
    assert share.format() == "0 of 0, [z]"
    assert share.format(interval=True) == "0 of 0, [z]"


@pytest.mark.parametrize(
    ("count", "of", "shown"),
    [
        (1, 200, "0.5% shows as 1%"),
        (1, 8, "12.5% shows as 13%"),
        (5, 8, "62.5% shows as 63%"),
        (1, 400, "0.25% shows as 0%"),
        (3, 8, "37.5% shows as 38%"),
    ],
)
def test_percentages_round_half_up(count, of, shown):
    expected = shown.split(" shows as ")[1]
    assert Share(count, of).format().endswith(f", {expected}")


@pytest.mark.parametrize(("count", "of"), [(-1, 5), (6, 5), (1, -1)])
def test_share_rejects_impossible_counts(count, of):
    with pytest.raises(ValueError):
        Share(count, of)


def test_share_rejects_fractions():
    with pytest.raises(TypeError):
        Share(1.5, 3)


def test_present_count():
    """One way to write a count (sg_data.present): thousands separators, [c] where hidden, [x] where missing."""
    assert SUPPRESSED == "[c]"
    assert present.count(12) == "12"
    assert present.count(0) == "0"
    assert present.count(3, hidden=True) == "[c]"
    assert present.count(None) == "[x]"
    assert present.count(12.0) == "12"
    assert present.count(1381) == "1,381"
    assert present.share(1381, 1499) == "1,381 of 1,499, 92%"
    assert present.share(13, 27, interval=True) == "13 of 27, 48% (31% to 66%)"
    assert present.share(None, 27) == "[c]"
    assert present.hours(5.45) == "5.5" and present.hours(None) == "[x]" and present.hours(3, hidden=True) == "[c]"
    assert present.date("2023-10-04") == "4 October 2023"


def test_is_clear_change_both_ways():
    low, high = Share(50, 100), Share(90, 100)
    assert is_clear_change(low, high)
    assert is_clear_change(high, low)
    # 85% and 83% of 100: the intervals overlap.
    assert not is_clear_change(Share(85, 100), Share(83, 100))
    assert not is_clear_change(Share(83, 100), Share(85, 100))
    # 80% to 91% of 100 overlap too (0.711-0.867 against 0.838-0.952) ...
    assert not is_clear_change(Share(80, 100), Share(91, 100))
    # ... but not with ten times the respondents.
    assert is_clear_change(Share(800, 1000), Share(910, 1000))
    assert not is_clear_change(Share(0, 0), Share(5, 10))


def test_describe_change():
    assert describe_change(Share(800, 1000), Share(910, 1000)) == (
        "up from 80% to 91%: a clear change"
    )
    assert describe_change(Share(90, 100), Share(50, 100)) == (
        "down from 90% to 50%: a clear change"
    )
    assert describe_change(Share(85, 100), Share(83, 100)) == "85% to 83%: no clear change"
    assert describe_change(Share(8, 10), Share(8, 10)) == "80% to 80%: no clear change"
    assert describe_change(Share(0, 0), Share(8, 10)) == (
        "no comparison: one of the two is 0 of 0"
    )


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 300).flatmap(lambda of: st.tuples(st.integers(0, of), st.just(of))),
    st.integers(1, 300).flatmap(lambda of: st.tuples(st.integers(0, of), st.just(of))),
)
def test_clear_change_is_symmetric_and_worded(a, b):
    first, second = Share(*a), Share(*b)
    assert is_clear_change(first, second) == is_clear_change(second, first)
    words = describe_change(first, second)
    if is_clear_change(first, second):
        assert words.endswith(": a clear change")
        assert words.startswith("up" if second.proportion > first.proportion else "down")
    else:
        assert words.endswith(": no clear change")
