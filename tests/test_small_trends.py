"""The Overview's small trends (sg_data.views.trends): each headline figure's recent points with its signal, on
hand-made frames whose limits are worked out here by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sg_data import charts, ui
from sg_data.periods import parse
from sg_data.views import trends

#: every chart built here is built from channel objects only (a string or dict costs ~10 ms a channel)
pytestmark = pytest.mark.usefixtures("channel_objects_only")

#: 2019-20 Q1 to 2023-24 Q1, seventeen quarters in order
QUARTERS = [f"{y}-{(y + 1) % 100:02d} Q{q}" for y in range(2019, 2024) for q in range(1, 5)][:17]


def quarters_frame(raised, within, of) -> pd.DataFrame:
    """timeliness_by_quarter as the figures service gives it (the officer view: no flags)."""
    n = len(raised)
    return pd.DataFrame({"dimension": "quarter", "value": QUARTERS[:n], "raised": raised, "within_target": within,
                         "in_denominator": of})


def test_a_spike_in_concerns_is_a_special_cause_neither_improving_nor_concerning():
    """10 and 14 alternating, then 30: mean 208/16 = 13, mean moving range (14 × 4 + 20)/15 = 5.07, upper limit
    13 + 2.66 × 5.07 = 26.5, lower limit below zero so 0. The quarter of 2023-24 Q1 has not ended by the as-of
    date: it is not a point, whatever its count."""
    raised = [10, 14] * 7 + [10, 30, 99]
    small = trends.concerns_small(quarters_frame(raised, raised, raised), parse("2023-24"), dt.datetime(2023, 5, 15))
    assert small.drawn["point"].tolist() == QUARTERS[:16]
    assert small.drawn["value"].tolist() == [float(v) for v in raised[:16]]
    assert small.drawn["kind"].tolist() == ["Common cause"] * 15 + ["Special cause"]
    assert small.drawn["label"].iloc[-1] == "30"
    assert (small.signal, small.icon, small.tone) == ("Special cause, neither improving nor concerning (high)",
                                                      ":material/arrow_upward:", "violet")
    assert small.sentence == ("Concerns raised, 16 quarters from 2019-20 Q1 to 2022-23 Q4: special cause, neither "
                              "improving nor concerning (high); the latest, 30 in 2022-23 Q4, is above the usual range "
                              "(0 to 26).")
    shown = ui.table_for_display(small.table)
    assert shown.columns.tolist() == ["Quarter", "Concerns raised", "Signal"]
    assert shown.iloc[-1].tolist() == ["2022-23 Q4", "30", "Special cause: outside the process limits (high)"]
    assert not small.percent


def test_a_hidden_quarter_is_a_gap_shown_as_c_and_too_few_quarters_have_no_limits():
    frame = quarters_frame([10, 6, 10, 10, 10], [9, None, 8, 10, 7], [10, 6, 10, 10, 10])
    frame["within_target"] = frame["within_target"].astype("Int64")
    frame["within_target_suppressed"] = [False, True, False, False, False]  # as the publication gives it
    small = trends.within_target_small(frame, parse("2020-21"), dt.datetime(2024, 1, 1), 24)
    assert small.drawn["value"].isna().tolist() == [False, True, False, False, False]
    assert small.drawn["label"].tolist() == ["90%", "[c]", "80%", "100%", "70%"]
    assert small.drawn["kind"].tolist() == ["Common cause"] * 5
    assert (small.signal, small.icon, small.tone) == ("4 quarters shown: too few for limits", ":material/more_horiz:",
                                                      "gray")
    assert small.sentence == ("Reviewed within 24 hours, 5 quarters from 2019-20 Q1 to 2020-21 Q1: 90%, [c], 80%, "
                              "100%, 70%. 4 quarters shown: too few for limits (12 are needed), so no signal is read.")
    shown = ui.table_for_display(small.table)
    assert shown.columns.tolist() == ["Quarter", "Within target", "Of", "Share %", "Signal"]
    assert shown.iloc[1].tolist() == ["2019-20 Q2", "[c]", "6", "[c]", ""]
    assert shown.iloc[0].tolist() == ["2019-20 Q1", "9", "10", "90", ""]
    assert small.percent


def test_a_fall_in_a_share_where_higher_is_better_is_concerning_and_later_waves_are_not_points():
    """0.80 and 0.84 alternating, then 0.80 and 0.40: mean 9.4/12 = 0.783, mean moving range (10 × 0.04 + 0.40)/11
    = 0.0727, limits 0.783 ± 0.193: 59% to 98%. W13 closed after the period ends; another question is not read."""
    waves = [f"W{i}" for i in range(1, 14)]
    closed = [dt.date(2010 + i, 11, 1) for i in range(13)]
    frame = pd.DataFrame({"survey_id": waves, "closed_on": closed, "question_id": "confident_raising",
                          "positive": [80, 84] * 5 + [80, 40, 10], "answered": 100})
    other = frame.assign(question_id="know_a_dso", positive=1)
    small = trends.survey_small(pd.concat([other, frame]), parse("2021-22"), "confident_raising")
    assert small.drawn["point"].tolist() == waves[:12]
    assert (small.signal, small.icon, small.tone) == ("Special cause, concerning (low)", ":material/arrow_downward:",
                                                      "orange")
    assert small.sentence == ("Staff confident raising a concern, 12 waves from W1 to W12: special cause, concerning "
                              "(low); the latest, 40% in W12, is below the usual range (59% to 98%).")
    assert ui.table_for_display(small.table).iloc[-1].tolist() == [
        "W12", "40", "100", "40", "Special cause: outside the process limits (low)"]
    assert trends.survey_small(frame, parse("2021-22"), None) is None  # no headline question: no trend


def test_three_snapshots_are_too_few_for_limits_and_a_later_one_is_not_a_point():
    snaps = pd.DataFrame({"snapshot_date": pd.to_datetime(["2023-06-30", "2023-09-30", "2023-12-31", "2024-06-30"]),
                          "required": [100, 100, 200, 200], "in_date": [90, 95, 190, 10]})
    small = trends.training_small(snaps, parse("2023-24"))
    assert small.drawn["point"].tolist() == ["2023-06-30", "2023-09-30", "2023-12-31"]
    assert small.signal == "3 snapshots: too few for limits"
    assert small.sentence == ("Required training in date, 3 snapshots from 2023-06-30 to 2023-12-31: 90%, 95%, 95%. "
                              "3 snapshots: too few for limits (12 are needed), so no signal is read.")
    assert trends.training_small(snaps, parse("2022-23")) is None  # no snapshot by then
    one = trends.training_small(snaps, parse("2023-24 Q1"))
    assert (one.signal, one.sentence) == ("1 snapshot: too few for limits", (
        "Required training in date, one snapshot: 2023-06-30: 90%. 1 snapshot: too few for limits (12 are needed), "
        "so no signal is read."))


def test_self_assessment_years_count_green_or_better_of_all_standards():
    ratings = pd.DataFrame({
        "year": ["2021", "2021", "2022", "2022", "2023"],
        "year_end_date": pd.to_datetime(["2021-12-31", "2021-12-31", "2022-12-31", "2022-12-31", "2023-12-31"]),
        "rating": ["Green", "Amber", "Blue", "Green", "Red"]})
    small = trends.self_assessment_small(ratings, parse("2022-23"))
    assert small.signal == "2 years: too few for limits"
    assert small.sentence == ("Self-assessment Green or better, 2 years from 2021 to 2022: 50%, 100%. 2 years: too "
                              "few for limits (12 are needed), so no signal is read.")
    shown = ui.table_for_display(small.table)
    assert shown.columns.tolist() == ["Year", "Green or better", "Of", "Share %", "Signal"]
    assert shown.values.tolist() == [["2021", "1", "2", "50", ""], ["2022", "2", "2", "100", ""]]


def test_no_complete_quarter_and_no_data_give_no_trend():
    frame = quarters_frame([5], [5], [5])
    assert trends.concerns_small(frame, parse("2019-20"), dt.datetime(2019, 5, 1)) is None
    assert trends.concerns_small(frame, parse("2019-20"), None) is None
    assert trends.training_small(pd.DataFrame(), parse("2019-20")) is None
    assert trends.self_assessment_small(pd.DataFrame(), parse("2019-20")) is None


def test_the_sparkline_marks_special_causes_by_shape_and_writes_the_latest_figure():
    raised = [10, 14] * 7 + [10, 30]
    small = trends.concerns_small(quarters_frame(raised, raised, raised), parse("2022-23"), dt.datetime(2024, 1, 1))
    spec = charts.sparkline(small.drawn, small.percent).to_dict()
    dots, latest = spec["layer"][1], spec["layer"][2]
    assert dots["encoding"]["shape"]["scale"] == {"domain": ["Common cause", "Special cause"],
                                                  "range": ["circle", "triangle-up"]}
    assert latest["mark"]["type"] == "text" and latest["encoding"]["text"]["field"] == "label"
    assert spec["layer"][0]["encoding"]["x"]["axis"]["values"] == ["2019-20 Q1", "2022-23 Q4"]
    rows = spec["datasets"][spec["data"]["name"]]  # the chart's one data set; the text layer keeps the latest row
    assert latest["transform"] == [{"filter": "datum._last"}]
    assert [(r["point"], r["label"]) for r in rows if r["_last"]] == [("2022-23 Q4", "30")]


def test_a_share_of_a_few_standards_is_too_coarse_for_limits_and_reads_no_signal():
    """The sample council's 13 audit years: 11 standards, all Green or better for eight years, then one Amber in
    four of the last five. One standard moves the share 9 points: no limits, no 'special cause' for one standard."""
    years = [str(y) for y in range(2013, 2026)]
    shares = [11] * 8 + [10, 10, 11, 10, 10]
    ratings = pd.DataFrame([{"year": y, "year_end_date": pd.Timestamp(f"{y}-12-31"),
                             "rating": "Green" if i < n else "Amber"}
                            for y, n in zip(years, shares) for i in range(11)])
    small = trends.self_assessment_small(ratings, parse("2026-27"))
    assert (small.signal, small.icon, small.tone) == ("13 years: too coarse for limits", ":material/more_horiz:",
                                                      "gray")
    assert small.sentence == (
        "Self-assessment Green or better, 13 years from 2013 to 2025: 100%, 100%, 100%, 100%, 100%, 100%, 100%, "
        "100%, 91%, 91%, 100%, 91%, 91%. 13 years: too coarse for limits (one more or fewer of 11 moves the share 9 "
        "points: fewer than 5 of its values would lie within process limits), so no signal is read.")
    assert set(small.drawn["kind"]) == {"Common cause"} and set(small.table["signal"]) == {""}
