"""Trends with their limits (sg_data.spc): Making Data Count's XmR chart and rules, and Spiegelhalter's funnel limits.

Each series is made by hand so that a rule fires exactly where it should; the limits and the funnel's worked
example are computed here by hand.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sg_data import spc

#: every chart built here is built from channel objects only (a string or dict costs ~10 ms a channel)
pytestmark = pytest.mark.usefixtures("channel_objects_only")

#: random.Random(1).gauss(50, 6) rounded, 24 points: noise that trips no rule
NOISE = [58, 59, 50, 45, 43, 50, 44, 41, 51, 51, 53, 45, 50, 50, 41, 53, 52, 64, 51, 49, 57, 51, 55, 48]
#: a spike at index 8 above alternating 10 and 14 (mean 212/16 = 13.25, mean moving range 84/15 = 5.6)
SPIKE = [10, 14, 10, 14, 10, 14, 10, 14, 30, 14, 10, 14, 10, 14, 10, 14]
#: exactly 7 points in a row (indices 5 to 11) above the mean of 210/17
SHIFT = [10, 14, 10, 14, 10, 13, 14, 13, 14, 13, 14, 13, 10, 14, 10, 14, 10]
#: 7 points rising in a row (indices 5 to 11, 9 to 15), mean 12, nothing else
TREND = [12, 10, 14, 10, 14, 9, 10, 11, 12, 13, 14, 15, 10, 14, 10, 14, 12]
#: two points in a row (indices 7 and 8) beyond 2 sigma, within the upper limit
NEAR = [11, 13, 11, 13, 11, 13, 11, 19, 19, 13, 11, 13, 11, 13, 11, 13, 11]


def fired(values) -> list[dict]:
    lim = spc.limits(values)
    assert lim is not None
    return spc.rules(values, lim)


def only(n: int, where: dict[int, dict]) -> list[dict]:
    return [where.get(i, {}) for i in range(n)]


# --- limits --------------------------------------------------------------------------------------

def test_limits_of_a_small_series_by_hand():
    values = [5, 9, 6, 8, 7, 7, 10, 6, 8, 9, 5, 4]
    assert spc.moving_ranges(values) == [None, 4, 3, 2, 1, 0, 3, 4, 2, 1, 4, 1]
    lim = spc.limits(values)
    assert lim.mean == 7 and lim.points == 12
    assert lim.mean_moving_range == pytest.approx(25 / 11)
    assert lim.upper == pytest.approx(7 + 2.66 * 25 / 11) and lim.upper == pytest.approx(13.04545, abs=1e-5)
    assert lim.lower == pytest.approx(7 - 2.66 * 25 / 11) and lim.lower == pytest.approx(0.95455, abs=1e-5)
    assert fired(values) == [{}] * 12


def test_limits_are_bounded_where_the_value_cannot_go():
    lim = spc.limits(SPIKE, floor=0.0)
    assert lim.mean == 13.25 and lim.mean_moving_range == pytest.approx(5.6)
    assert lim.upper == pytest.approx(13.25 + 2.66 * 5.6) and lim.lower == 0.0
    assert spc.limits(SPIKE).lower == pytest.approx(13.25 - 2.66 * 5.6)  # unbounded: below zero
    share = spc.limits([0.9, 1.0] * 6, floor=0.0, ceiling=1.0)
    assert share.upper == 1.0 and share.lower == pytest.approx(0.95 - 2.66 * 0.1)


def test_too_few_points_give_no_limits_and_say_so():
    values = [5, 9, 6, 8, 7, 7, 10, 6, 8, 9, 5]
    assert spc.limits(values) is None
    a = spc.analyse([f"Q{i}" for i in range(1, 12)], values)
    assert a.limits is None and a.variation is None and a.assurance is None
    assert a.frame["upper"].isna().all() and a.frame["rules"].tolist() == [()] * 11
    assert spc.sentence(a, "Concerns raised", "{:,.0f}".format) == (
        "Concerns raised: 11 complete quarters with a figure, fewer than the 12 needed to work out the usual range, "
        "so no process limits are shown.")


#: the sample council's self-assessment: standards Green or better of 11, 13 years (100% eight times, then 91%)
CHUNKY = [1.0] * 8 + [10 / 11, 10 / 11, 1.0, 10 / 11, 10 / 11]


def test_a_figure_too_coarse_for_its_limits_has_none_and_says_so():
    """Wheeler's chunky data: mean 12.636/13 = 0.9720, mean moving range 3/11/12 = 0.0227, limits 0.9116 to 1
    (bounded): of the shares of 11 only 11/11 lies within them, so one standard's change is read as a signal."""
    lim = spc.limits(CHUNKY, floor=0.0, ceiling=1.0)
    assert lim.lower == pytest.approx(sum(CHUNKY) / 13 - 2.66 * 3 / 11 / 12) and lim.upper == 1.0
    assert lim.lower == pytest.approx(0.91157, abs=1e-5) and spc.values_within(lim, 1 / 11) == 1
    read = spc.analyse(range(13), CHUNKY, better=spc.HIGHER, ceiling=1.0)  # without its step: a special cause
    assert read.variation == spc.CONCERNING and "outside" in read.frame["rules"].iloc[-1]
    a = spc.analyse([f"Q{i}" for i in range(1, 14)], CHUNKY, better=spc.HIGHER, ceiling=1.0, step=1 / 11)
    assert a.coarse and a.limits is None and a.variation is None
    assert a.frame["upper"].isna().all() and a.frame["rules"].tolist() == [()] * 13
    assert spc.sentence(a, "The share", spc.share_format) == (
        "The share: 13 complete quarters with a figure, which moves in steps of 9%: too coarse for process limits "
        "(fewer than 5 of its values would lie within them), so none are shown.")
    # a count whose limits hold 5 whole numbers is read; with 4 it is not
    assert spc.values_within(spc.Limits(2, 1, 0.5, 4.5, 12), 1.0) == 4
    assert spc.values_within(spc.Limits(2, 1, 0.0, 4.0, 12), 1.0) == 5
    assert not spc.analyse(range(24), NOISE, step=1.0).coarse  # 41 to 66: 26 whole numbers
    assert spc.analyse(range(12), [0, 1] * 6, step=1.0).coarse  # limits 0 to 3.16: 0, 1, 2 and 3


# --- the rules -----------------------------------------------------------------------------------

def test_noise_trips_no_rule():
    lim = spc.limits(NOISE)
    assert lim.mean == pytest.approx(1211 / 24) and lim.mean_moving_range == pytest.approx(132 / 23)
    assert fired(NOISE) == [{}] * 24
    assert spc.analyse(range(24), NOISE).variation == spc.COMMON


def test_a_point_outside_the_limits_fires_there_only():
    assert fired(SPIKE) == only(16, {8: {"outside": "high"}})
    low = [40 - v for v in SPIKE]  # the mirror image: a dip below the lower limit
    assert fired(low) == only(16, {8: {"outside": "low"}})


def test_a_run_of_seven_on_one_side_of_the_mean_is_a_shift():
    assert fired(SHIFT) == only(17, {i: {"shift": "high"} for i in range(5, 12)})
    assert fired([24 - v for v in SHIFT]) == only(17, {i: {"shift": "low"} for i in range(5, 12)})
    six = SHIFT[:5] + SHIFT[6:]  # a run of six is not enough
    assert fired(six) == [{}] * 16


def test_seven_rising_or_falling_in_a_row_is_a_trend():
    assert fired(TREND) == only(17, {i: {"trend": "high"} for i in range(5, 12)})
    assert fired(TREND[::-1]) == only(17, {i: {"trend": "low"} for i in range(5, 12)})
    six = TREND[:5] + TREND[6:]  # six rising points: not enough
    assert fired(six) == [{}] * 16
    flat = TREND[:8] + [11] + TREND[9:]  # 9 10 11 11 13: an equal neighbour breaks the trend
    assert fired(flat) == [{}] * 17


def test_two_of_three_beyond_two_sigma_on_one_side():
    lim = spc.limits(NEAR)
    assert lim.mean == pytest.approx(217 / 17) and lim.mean_moving_range == pytest.approx(2.5)
    assert lim.mean + 2 * lim.sigma < 19 < lim.upper
    assert fired(NEAR) == only(17, {7: {"two_of_three": "high"}, 8: {"two_of_three": "high"}})
    assert fired([26 - v for v in NEAR]) == only(17, {7: {"two_of_three": "low"}, 8: {"two_of_three": "low"}})


def test_a_hidden_point_is_left_out_of_the_limits_and_breaks_runs():
    shift = SHIFT[:8] + [pd.NA] + SHIFT[9:]
    assert spc.moving_ranges(shift)[8:10] == [None, None]
    lim = spc.limits(shift)
    assert lim.points == 16 and lim.mean == pytest.approx(196 / 16)
    assert lim.mean_moving_range == pytest.approx(42 / 14)
    assert fired(shift) == [{}] * 17  # 3 + hidden + 3: no run of seven
    trend = TREND[:8] + [None] + TREND[9:]
    assert fired(trend) == [{}] * 17
    near = NEAR[:10] + [pd.NA] + NEAR[11:]
    assert fired(near) == only(17, {7: {"two_of_three": "high"}, 8: {"two_of_three": "high"}})
    near = NEAR[:8] + [pd.NA] + NEAR[9:]  # every window of three holding both 19s holds the gap
    assert not any("two_of_three" in f for f in fired(near))


# --- variation, assurance and the sentence -------------------------------------------------------------

def test_variation_reads_the_latest_point_and_the_better_direction():
    ending = SHIFT[:12]  # the run of seven above the mean ends the series
    labels = [f"Q{i}" for i in range(1, 13)]
    assert spc.analyse(labels, ending, better=spc.HIGHER).variation == spc.IMPROVING
    assert spc.analyse(labels, ending, better=spc.LOWER).variation == spc.CONCERNING
    assert spc.analyse(labels, ending).variation == spc.SPECIAL_NEITHER
    assert spc.analyse(labels, [24 - v for v in ending], better=spc.HIGHER).variation == spc.CONCERNING
    assert spc.analyse(range(17), SHIFT, better=spc.HIGHER).variation == spc.COMMON  # the run is over


def test_assurance_against_a_target():
    lim = spc.limits(NOISE)  # 35.2 to 65.7
    assert spc.assurance(lim, 50, spc.HIGHER) == spc.HIT_AND_MISS
    assert spc.assurance(lim, 70, spc.HIGHER) == spc.FAILING
    assert spc.assurance(lim, 30, spc.HIGHER) == spc.PASSING
    assert spc.assurance(lim, 70, spc.LOWER) == spc.PASSING
    assert spc.assurance(lim, 30, spc.LOWER) == spc.FAILING
    assert spc.assurance(lim, None, spc.HIGHER) is None and spc.assurance(lim, 30, spc.NEITHER) is None
    assert spc.analyse(range(24), NOISE, better=spc.HIGHER, target=30).assurance == spc.PASSING


def test_sentences_say_where_the_latest_quarter_lies():
    count = "{:,.0f}".format
    labels = [f"Q{i}" for i in range(1, 13)]
    a = spc.analyse(labels, [5, 9, 6, 8, 7, 7, 10, 6, 8, 9, 5, 4])
    assert spc.sentence(a, "Concerns raised", count) == (
        "Concerns raised in Q12 (4) are within the usual range (1 to 13). Variation: common cause. The limits rest "
        "on 12 quarters, fewer than the 15 recommended: read them with care.")
    spike = [10, 14] * 6 + [30]
    a = spc.analyse([f"Q{i}" for i in range(1, 14)], spike)
    assert a.frame["rules"].iloc[-1] == ("outside",)
    assert spc.sentence(a, "Concerns raised", count) == (
        "Concerns raised in Q13 (30) are higher than the usual range (0 to 27): a special cause. Variation: special "
        "cause, neither improving nor concerning. The limits rest on 13 quarters, fewer than the 15 recommended: "
        "read them with care.")
    a = spc.analyse(range(24), [v / 100 for v in NOISE], better=spc.HIGHER, target=0.3, ceiling=1.0)
    assert spc.sentence(a, "The share reviewed within 24 hours", spc.share_format) == (
        "The share reviewed within 24 hours in 23 (48%) is within the usual range (35% to 66%). Variation: common "
        "cause. Against the target of 30%: consistently passing.")
    a = spc.analyse(labels, SHIFT[:12], better=spc.HIGHER)
    assert spc.sentence(a, "Concerns raised", count).startswith(
        "Concerns raised in Q12 (13) are within the usual range (7 to 19), but this quarter is part of a special "
        "cause (run of 7 on one side of the mean, on the high side). Variation: special cause, improving.")
    hidden = spc.analyse(range(24), NOISE[:-1] + [pd.NA])
    assert spc.sentence(hidden, "Concerns raised", count) == (
        "Concerns raised in 23 are hidden ([c]); the usual range is 35 to 66.")


def test_the_frame_lists_each_point_with_its_signal():
    a = spc.analyse([f"Q{i}" for i in range(1, 17)], SPIKE)
    assert a.frame.columns.tolist() == ["label", "value", "moving_range", "mean", "lower", "upper", "rules", "side",
                                        "signal"]
    assert a.frame["signal"].tolist() == [""] * 8 + ["outside the process limits"] + [""] * 7
    assert a.frame["side"].iloc[8] == "high" and a.frame["mean"].iloc[0] == 13.25


# --- funnel limits -------------------------------------------------------------------------------

def _poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(-mean) * mean ** i / math.factorial(i) for i in range(k + 1))


def test_funnel_limits_worked_example():
    """Two services: 2 concerns of 20 staff and 18 of 180, so the council's rate is 20 / 200 = 10 per 100 and
    the first service expects 2 concerns. Poisson(2): F(4) = 7e-2 = 0.94735, F(5) = 0.98344, F(7) = 0.99890,
    F(8) = 0.99976. Upper 95% (p = 0.975): r = 5, a = (F(5) - 0.975) / (F(5) - F(4)) = 0.23376, so 4.76624
    concerns, 23.831 per 100. Upper 99.8% (p = 0.999): r = 8, a = (F(8) - 0.999) / (F(8) - F(7)) = 0.88744, so
    7.11256 concerns, 35.563 per 100. Lower limits: F(0) = 0.135 is past both lower tails, so r = 0 and the
    limits are 0."""
    assert _poisson_cdf(4, 2) == pytest.approx(7 * math.exp(-2))
    a95 = (_poisson_cdf(5, 2) - 0.975) / (_poisson_cdf(5, 2) - _poisson_cdf(4, 2))
    a998 = (_poisson_cdf(8, 2) - 0.999) / (_poisson_cdf(8, 2) - _poisson_cdf(7, 2))
    assert a95 == pytest.approx(0.23376, abs=1e-5) and a998 == pytest.approx(0.88744, abs=1e-5)
    frame = pd.DataFrame({"service": ["A", "B"], "concerns": pd.array([2, 18], dtype="Int64"),
                          "headcount": [20.0, 180.0]})
    out, rate = spc.funnel(frame, "concerns", "headcount")
    assert rate == pytest.approx(10.0)
    a = out.iloc[0]
    assert a["rate"] == pytest.approx(10.0)
    assert a["upper_95"] == pytest.approx(23.831, abs=1e-3) and a["upper_95"] == pytest.approx((5 - a95) * 5)
    assert a["upper_99_8"] == pytest.approx(35.563, abs=1e-3) and a["upper_99_8"] == pytest.approx((8 - a998) * 5)
    assert a["lower_95"] == 0 and a["lower_99_8"] == 0
    assert out["verdict"].tolist() == [spc.USUAL, spc.USUAL]


def test_funnel_verdicts_and_hidden_counts():
    """Four services of 1,000 staff raising 110, 120, 140 and 190: the council's rate is 14 per 100, so each
    expects 140 concerns (95% limits 117 to 163, 99.8% 104 to 177, Poisson)."""
    frame = pd.DataFrame({"service": ["A", "B", "C", "D", "Hidden", "No headcount"],
                          "concerns": pd.array([110, 120, 140, 190, None, 30], dtype="Int64"),
                          "headcount": [1000.0, 1000.0, 1000.0, 1000.0, 1000.0, None]})
    out, rate = spc.funnel(frame, "concerns", "headcount")
    assert rate == pytest.approx(14.0)
    assert out["service"].tolist() == ["A", "B", "C", "D"]
    assert out["verdict"].tolist() == [spc.WORTH_A_LOOK, spc.USUAL, spc.USUAL, spc.UNUSUAL]
    assert out["side"].tolist() == ["below", "", "", "above"]
    assert 104 < out["lower_99_8"].iloc[0] * 10 < 105 and 176 < out["upper_99_8"].iloc[0] * 10 < 178
    nothing, none = spc.funnel(frame.iloc[4:5], "concerns", "headcount")
    assert nothing.empty and none is None


def test_funnel_curve_narrows_as_headcount_grows():
    curve = spc.funnel_curve(10.0, 20, 200, steps=4)
    assert curve["exposure"].tolist() == [20, 80, 140, 200]
    assert curve["upper_99_8"].iloc[0] == pytest.approx(35.563, abs=1e-3)
    assert curve["upper_99_8"].is_monotonic_decreasing and (curve["upper_99_8"] > curve["upper_95"]).all()


# --- the view models on the sample council --------------------------------------------------------

#: concerns raised per quarter, 2019-20 Q1 to 2023-24 Q4 (sample_data/README.md gives 2023-24's: 63, 56, 77, 80)
SAMPLE_RAISED = [36, 32, 44, 46, 34, 36, 50, 51, 47, 41, 57, 59, 54, 49, 67, 69, 63, 56, 77, 80]


@pytest.fixture(scope="module")
def officer(sample_con):
    from sg_data.figures import StoreFigures

    return StoreFigures(sample_con)


def test_concerns_trend_on_the_sample_council(officer):
    from sg_data.periods import parse
    from sg_data.views import trends

    t = trends.concerns(officer.get("timeliness_by_quarter"), parse("2023-24"), officer.as_of())
    assert t.table["quarter"].tolist()[0] == "2019-20 Q1" and t.table["quarter"].tolist()[-1] == "2023-24 Q4"
    assert t.table["concerns raised"].tolist() == SAMPLE_RAISED
    lim = t.analysis.limits
    assert lim.mean == pytest.approx(1048 / 20) and lim.mean_moving_range == pytest.approx(142 / 19)
    assert (lim.lower, lim.upper) == (pytest.approx(52.4 - 2.66 * 142 / 19), pytest.approx(52.4 + 2.66 * 142 / 19))
    assert t.table.iloc[-1].to_dict() == {
        "quarter": "2023-24 Q4", "concerns raised": 80, "mean": 52.4, "lower": 32.5, "upper": 72.3,
        "signal": "Special cause: outside the process limits, two of three near a limit (high)",
        "concerns raised_suppressed": False}
    assert t.summary == ("Concerns raised in 2023-24 Q4 (80) are higher than the usual range (33 to 72): a special "
                         "cause. Variation: special cause, neither improving nor concerning.")
    assert t.drawn["kind"].tolist()[-2:] == ["Special cause", "Special cause"] and t.drawn["mark"].iloc[-1] == "limit"
    assert "30 September 2026" in t.caption


def test_within_target_trend_on_the_sample_council(officer):
    from sg_data.periods import parse
    from sg_data.views import trends

    t = trends.within_target(officer.get("timeliness_by_quarter"), parse("2023-24"), officer.as_of(), 24)
    last = t.table.iloc[-1]
    assert (last["quarter"], last["within target"], last["of"], last["share %"]) == ("2023-24 Q4", 77, 80, 96.2)
    assert (last["mean %"], last["lower %"], last["upper %"]) == (94.5, 81.7, 100.0)  # bounded at 100%
    assert t.analysis.variation == spc.COMMON and t.analysis.assurance is None  # no target share: no assurance
    assert t.summary == ("The share reviewed within 24 hours in 2023-24 Q4 (96%) is within the usual range (82% to "
                         "100%). Variation: common cause.")


def test_trends_hold_only_complete_quarters_and_too_few_have_no_limits(officer):
    from sg_data.periods import parse
    from sg_data.views import trends

    quarters = officer.get("timeliness_by_quarter")
    year = trends.concerns(quarters, parse("2026-27"), officer.as_of())  # as of 30 September 2026: Q3, Q4 not over
    assert year.table["quarter"].tolist()[0] == "2021-22 Q3" and year.table["quarter"].tolist()[-1] == "2026-27 Q2"
    assert len(year.table) == trends.TREND_QUARTERS
    early = trends.concerns(quarters, parse("2020-21 Q1"), officer.as_of())
    assert len(early.table) == 5 and early.analysis.limits is None and early.table["upper"].isna().all()
    assert early.summary == ("Concerns raised: 5 complete quarters with a figure, fewer than the 12 needed to work out "
                             "the usual range, so no process limits are shown.")
    assert trends.concerns(quarters, parse("2018-19"), officer.as_of()) is None


@pytest.mark.parametrize("label", ["2026-27", "2023-24", "2023-24 Q3", "2020-21 Q1", "2018-19"])
def test_a_page_reads_only_the_quarters_its_trends_draw_and_draws_the_same(officer, label):
    """An officer page asks for its period: the store reads the 21 quarters to it, not every year since the
    first concern, and every trend drawn from them is the one drawn from the whole history."""
    from pandas.testing import assert_frame_equal

    from sg_data.figures import HISTORY_QUARTERS
    from sg_data.periods import parse
    from sg_data.views import concerns as concerns_vm, timeliness as timeliness_vm, trends

    period = parse(label)
    whole, bounded = officer.get("timeliness_by_quarter"), officer.get("timeliness_by_quarter", period)
    # the sample's 30 quarters, 2019-20 Q1 to 2026-27 Q2: the 21 to the period's last quarter, none before the first
    up_to = whole[pd.to_datetime(whole["quarter_start"]).dt.date <= period.end].tail(HISTORY_QUARTERS)
    assert len(whole) == 30 and len(bounded) == {"2026-27": 21, "2023-24": 20, "2023-24 Q3": 19, "2020-21 Q1": 5,
                                                 "2018-19": 0}[label]
    assert_frame_equal(bounded, up_to.reset_index(drop=True))
    for draw in (lambda q: trends.concerns(q, period, officer.as_of()),
                 lambda q: trends.within_target(q, period, officer.as_of(), 24)):
        mine, all_of_it = draw(bounded), draw(whole)
        assert (mine is None) == (all_of_it is None)
        if mine is not None:
            assert_frame_equal(mine.table, all_of_it.table) and mine.summary == all_of_it.summary
    assert_frame_equal(timeliness_vm.quarter_trend(bounded, period, 24)[1],
                       timeliness_vm.quarter_trend(whole, period, 24)[1])
    whole, bounded = officer.get("concerns_by_quarter_category"), officer.get("concerns_by_quarter_category", period)
    assert bounded["quarter_label"].nunique() == len(up_to) and whole["quarter_label"].nunique() == 30
    labels = concerns_vm.trend_quarters(whole, period)
    if bounded.empty:  # the page says no concerns were recorded in the quarters to the period
        assert labels == []
        return
    assert concerns_vm.trend_quarters(bounded, period) == labels
    assert_frame_equal(concerns_vm.trend(bounded, labels, "category", "category").table,
                       concerns_vm.trend(whole, labels, "category", "category").table)


def test_funnel_of_services_per_100_staff_on_the_sample_council(officer):
    from sg_data.periods import parse
    from sg_data.views import trends

    fy = parse("2023-24")
    fun = trends.funnel(officer.get("concerns_per_100_staff", fy), fy)
    assert fun.rate == pytest.approx(100 * 256 / 712)
    rows = fun.table.set_index("service")
    assert rows.loc["Community Safety", "against the council's rate"] == "Above the 99.8% limits: unusual"
    assert rows.loc["Licensing", "against the council's rate"] == "Above the 95% limits: worth a look"
    assert rows.loc["Councillors", "against the council's rate"] == "Below the 95% limits: worth a look"
    assert (rows["against the council's rate"] == "Within the 95% limits").sum() == 5
    assert rows.loc["Community Safety", ["concerns", "headcount", "per 100 staff"]].tolist() == [40, 55, 72.7]
    assert fun.summary == (
        "In 2023-24 the services with a headcount raised 36.0 concerns per 100 staff between them (256 concerns, 712 "
        "staff). Outside the 99.8% limits, unusual: Community Safety (72.7, above). Outside the 95% (but not the "
        "99.8%) limits, worth a look: Councillors (14.6, below); Licensing (72.2, above); Planning (19.4, below). "
        "5 of the 9 services are within the 95% limits.")


def test_funnel_leaves_out_a_service_whose_count_is_hidden():
    from sg_data.periods import parse
    from sg_data.views import trends

    frame = pd.DataFrame({"service": ["A", "B", "C"], "concerns": pd.array([2, 18, None], dtype="Int64"),
                          "headcount": [20.0, 180.0, 50.0]})
    fun = trends.funnel(frame, parse("2023-24"))
    assert fun.rate == pytest.approx(10.0) and fun.table["service"].tolist() == ["A", "B"]
    assert fun.summary == ("In 2023-24 the services shown raised 10.0 concerns per 100 staff between them (20 "
                           "concerns, 200 staff). Both services are within the 95% limits. 1 service whose count is "
                           "hidden ([c]) is not drawn and not in the rate.")


def test_the_scrutiny_view_has_the_same_trends_and_no_funnel_of_hidden_counts(officer, scrutiny_figures):
    from sg_data.periods import parse
    from sg_data.views import trends

    period = parse("2023-24")
    published = trends.concerns(scrutiny_figures.get("timeliness_by_quarter"), period, scrutiny_figures.as_of())
    mine = trends.concerns(officer.get("timeliness_by_quarter"), period, officer.as_of())
    assert published.summary == mine.summary
    assert published.table.equals(mine.table)
    assert trends.funnel(scrutiny_figures.get("concerns_per_100_staff", period), period) is None
