import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sg_data.disclosure_legacy as disclosure
from sg_data.disclosure_legacy import (
    SuppressedTable,
    attack_list_ranges,
    attack_ranges,
    display_value,
    suppress_frame,
    suppress_list,
    suppress_share_frame,
    suppress_shares,
    suppress_table,
)

THRESHOLD = 5


# --------------------------------------------------------------------------
# Helpers: what a test of any suppressed table must hold


def published_figures(table: SuppressedTable):
    """(value, suppressed, key) for every published figure of a table."""
    r, c = table.values.shape
    for i in range(r):
        for j in range(c):
            yield int(table.values[i, j]), bool(table.body[i, j]), ("body", i, j)
    if table.row_totals_published:
        for i in range(r):
            yield int(table.row_totals[i]), bool(table.row_totals_suppressed[i]), ("row_total", i)
    if table.col_totals_published:
        for j in range(c):
            yield int(table.col_totals[j]), bool(table.col_totals_suppressed[j]), ("col_total", j)
    if table.grand_total_published:
        yield table.grand_total, table.grand_total_suppressed, ("grand",)


def assert_safe(values_by_key, suppressed_keys, ranges, threshold=THRESHOLD):
    """The attacker's test from metrics.md, for any layout."""
    assert set(ranges) == set(suppressed_keys)
    for key in suppressed_keys:
        value = values_by_key[key]
        lower, upper = ranges[key]
        assert value > 0, f"{key}: a zero was suppressed"
        assert lower - 1e-6 <= value <= upper + 1e-6, f"{key}: true value outside its range"
        assert upper - lower >= 1 - 1e-6, f"{key}={value} recoverable: range {lower}..{upper}"
        if value <= threshold:
            assert lower <= 1e-6 and upper >= threshold - 1e-6, (
                f"{key}={value}: range {lower}..{upper} does not reach 0..{threshold}"
            )


def assert_table_safe(table: SuppressedTable, threshold=THRESHOLD):
    figures = list(published_figures(table))
    for value, suppressed, key in figures:
        if not suppressed:
            assert not 1 <= value <= threshold, f"{key}={value} published"
    ranges = attack_ranges(table)
    assert_safe(
        {key: value for value, _, key in figures},
        [key for _, suppressed, key in figures if suppressed],
        ranges,
        threshold,
    )


# --------------------------------------------------------------------------
# Known traps


def test_small_pair_in_a_row_with_totals():
    table = suppress_table([[0, 0], [1, 5]])
    assert table.body.tolist() == [[False, False], [True, True]]
    # The column totals are the 1 and the 5 themselves.
    assert table.col_totals.tolist() == [1, 5]
    assert table.col_totals_suppressed.tolist() == [True, True]
    assert table.row_totals.tolist() == [0, 6]
    assert table.row_totals_suppressed.tolist() == [False, False]
    assert table.grand_total == 6 and not table.grand_total_suppressed
    ranges = attack_ranges(table)
    assert ranges[("body", 1, 0)] == (0.0, 6.0)
    assert ranges[("body", 1, 1)] == (0.0, 6.0)
    assert_table_safe(table)


def test_a_total_of_one_is_suppressed_and_not_recoverable():
    table = suppress_table([[1, 0, 0], [0, 20, 30], [0, 40, 50]])
    assert table.row_totals[0] == 1 and table.row_totals_suppressed[0]
    assert table.col_totals[0] == 1 and table.col_totals_suppressed[0]
    assert table.body[0, 0]
    # The grand total minus the other row totals would give the 1 back.
    assert table.row_totals_suppressed.sum() >= 2
    assert_table_safe(table)


def test_a_list_whose_total_is_one():
    assert suppress_list([1, 0, 0]) == ([True, False, False], True)
    assert suppress_list([0, 0, 0]) == ([False, False, False], False)


def test_one_small_item_beside_a_published_total():
    # 3 alone would be 33 - 10 - 20: the smallest other non-zero item goes too.
    assert suppress_list([3, 10, 20]) == ([True, True, False], False)
    assert suppress_list([20, 3, 10]) == ([False, True, True], False)


def test_one_small_item_and_nothing_else_non_zero_suppresses_the_total():
    assert suppress_list([3, 0, 0]) == ([True, False, False], True)


def test_two_small_items_that_add_up_to_under_the_threshold():
    # 1 + 2 = 3 is known from 103 - 100: both would be shown to be small.
    mask, total_suppressed = suppress_list([1, 2, 100])
    assert mask == [True, True, True] and not total_suppressed
    ranges = attack_list_ranges([1, 2, 100], mask, total_suppressed)
    assert ranges[("item", 0)] == (0.0, 103.0)


def test_zeros_are_never_complements():
    mask, total_suppressed = suppress_list([3, 0, 0, 12])
    assert mask == [True, False, False, True] and not total_suppressed
    # A row whose only other cells are zeros: the complement must come from
    # the total or another line, never from a zero.
    table = suppress_table([[2, 0, 0], [9, 12, 0], [7, 0, 15]])
    assert not table.body[table.values == 0].any()
    assert_table_safe(table)


def test_no_small_cells_is_unchanged_and_needs_no_linear_programme(monkeypatch):
    def no_linprog(*args, **kwargs):
        raise AssertionError("no linear programme should be solved")

    monkeypatch.setattr(disclosure, "linprog", no_linprog)
    table = suppress_table([[10, 0, 30], [0, 50, 6]])
    assert not table.any_suppressed
    assert not table.body.any()
    assert not table.row_totals_suppressed.any()
    assert not table.col_totals_suppressed.any()
    assert not table.grand_total_suppressed
    assert attack_ranges(table) == {}
    assert suppress_list([0, 6, 100]) == ([False, False, False], False)


def test_a_simple_cycle_is_enough():
    table = suppress_table([[3, 10, 20], [12, 9, 30], [40, 8, 7]])
    assert table.body.tolist() == [
        [True, True, False],
        [True, True, False],
        [False, False, False],
    ]
    assert not table.row_totals_suppressed.any()
    assert not table.col_totals_suppressed.any()
    assert_table_safe(table)


def test_small_diagonal_pair_needs_more_than_a_rectangle():
    # 3 and 1 on a diagonal: the rectangle 3, 10, 12, 1 lets the 3 fall only
    # by 1, so the attacker would know it is 2, 3 or more; more cells go.
    table = suppress_table([[3, 10, 20], [12, 1, 30], [40, 8, 50]])
    assert_table_safe(table)
    lower, upper = attack_ranges(table)[("body", 0, 0)]
    assert lower == 0 and upper >= 5


def test_threshold_is_configurable():
    assert suppress_list([7, 40, 50], threshold=10)[0] == [True, True, False]
    assert suppress_list([4, 40, 50], threshold=3)[0] == [False, False, False]
    table = suppress_table([[7, 40], [30, 50]], threshold=10)
    assert table.body[0, 0]
    assert_table_safe(table, threshold=10)
    with pytest.raises(ValueError):
        suppress_list([1], threshold=0)


def test_unpublished_totals_are_hidden_and_not_known_to_the_attacker():
    table = suppress_table([[3, 10], [20, 30]], row_totals=False, col_totals=False)
    # With no totals, nothing can be worked out: primary suppression only.
    assert table.body.tolist() == [[True, False], [False, False]]
    assert table.row_totals_suppressed.all() and table.col_totals_suppressed.all()
    assert table.grand_total_suppressed
    assert attack_ranges(table) == {("body", 0, 0): (0.0, np.inf)}

    table = suppress_table([[3, 10], [20, 30]], row_totals=False)
    assert table.body.tolist() == [[True, False], [True, False]]
    assert table.row_totals_suppressed.all()
    assert not table.col_totals_suppressed.any()
    assert_table_safe(table)


def test_rejects_what_is_not_a_count():
    with pytest.raises(ValueError):
        suppress_table([[1, -1]])
    with pytest.raises(ValueError):
        suppress_table([1, 2])
    with pytest.raises(ValueError):
        suppress_list([1.5, 2])


def test_result_is_deterministic_and_read_only():
    values = [[3, 10, 20, 1], [12, 1, 30, 0], [40, 8, 50, 2]]
    first, second = suppress_table(values), suppress_table(values)
    assert np.array_equal(first.body, second.body)
    assert np.array_equal(first.row_totals_suppressed, second.row_totals_suppressed)
    assert np.array_equal(first.col_totals_suppressed, second.col_totals_suppressed)
    with pytest.raises(ValueError):
        first.body[0, 0] = False


def test_display_value():
    assert display_value(12, False) == "12"
    assert display_value(0, False) == "0"
    assert display_value(3, True) == "[c]"
    assert display_value(pd.NA, False) == "[x]"
    table = suppress_table([[0, 0], [1, 5]])
    assert table.display_body() == [["0", "0"], ["[c]", "[c]"]]


# --------------------------------------------------------------------------
# Properties

counts = st.one_of(
    st.just(0),
    st.just(0),
    st.integers(1, 5),
    st.integers(6, 20),
    st.integers(21, 400),
)


@st.composite
def tables(draw):
    rows = draw(st.integers(2, 6))
    cols = draw(st.integers(2, 5))
    return np.array(draw(st.lists(counts, min_size=rows * cols, max_size=rows * cols))).reshape(
        rows, cols
    )


@settings(max_examples=200, deadline=None)
@given(tables())
def test_suppressed_tables_are_safe(values):
    table = suppress_table(values)
    assert np.array_equal(table.values, values)
    assert_table_safe(table)
    # A table with no small figure at all comes back untouched.
    if not any(1 <= v <= THRESHOLD for v, _, _ in published_figures(table)):
        assert not table.any_suppressed


@settings(max_examples=60, deadline=None)
@given(
    tables(),
    st.sampled_from([1, 3, 10]),
    st.sampled_from([(True, True), (True, False), (False, True)]),
)
def test_suppressed_tables_are_safe_for_any_threshold_and_totals(values, threshold, totals):
    table = suppress_table(values, threshold, row_totals=totals[0], col_totals=totals[1])
    assert_table_safe(table, threshold)


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12))
def test_suppressed_lists_are_safe(items):
    mask, total_suppressed = suppress_list(items)
    total = sum(items)
    assert len(mask) == len(items)
    for value, hidden in zip(items, mask):
        assert hidden or not 1 <= value <= THRESHOLD
    assert total_suppressed or not 1 <= total <= THRESHOLD
    values_by_key = {("item", i): v for i, v in enumerate(items)} | {("total",): total}
    suppressed_keys = [("item", i) for i, hidden in enumerate(mask) if hidden]
    if total_suppressed:
        suppressed_keys.append(("total",))
    ranges = attack_list_ranges(items, mask, total_suppressed)
    assert_safe(values_by_key, suppressed_keys, ranges)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=8), st.booleans())
def test_suppressed_shares_hide_small_numerators_and_denominators(pairs, complement):
    numerators = [min(a, b) for a, b in pairs]
    denominators = [max(a, b) for a, b in pairs]
    result = suppress_shares(numerators, denominators, protect_complement=complement)
    for i, (count, of) in enumerate(zip(numerators, denominators)):
        assert result["count"][i] or not 1 <= count <= THRESHOLD
        assert result["of"][i] or not 1 <= of <= THRESHOLD
        assert result["share"][i] == (result["count"][i] or result["of"][i])
        if complement and not result["share"][i]:
            assert not 1 <= of - count <= THRESHOLD
    assert result["total_count"] or not 1 <= sum(numerators) <= THRESHOLD
    assert result["total_of"] or not 1 <= sum(denominators) <= THRESHOLD
    # The suppressed numerators cannot be worked out from the denominators and
    # the overall share: with the total count published, never just one.
    if not result["total_count"]:
        assert sum(result["count"]) != 1


@settings(max_examples=50, deadline=None)
@given(tables(), st.sampled_from([(True, True), (True, False), (False, True)]), st.data())
def test_the_flow_attack_agrees_with_the_linear_programme(values, totals, data):
    # The suppression loop uses maximum flows; attack_ranges, the reference,
    # solves linear programmes. They must give the same ranges for any mask.
    cells = disclosure._table_cells(values, *totals)
    candidates = np.flatnonzero(cells.published & (cells.values > 0))
    if len(candidates) == 0:
        return
    chosen = data.draw(st.lists(st.sampled_from(candidates.tolist()), min_size=1, unique=True))
    suppressed = np.zeros(len(cells.values), dtype=bool)
    suppressed[chosen] = True
    flow = disclosure._FlowAttacker(cells, suppressed)
    linear = disclosure._Attacker(cells, suppressed)
    for m in chosen:
        assert flow.range(m) == pytest.approx(linear.range(m))


# --------------------------------------------------------------------------
# Frames


def test_suppress_frame_list():
    df = pd.DataFrame({"service": ["Housing", "Parks", "Libraries"], "concerns": [3, 10, 20]})
    out = suppress_frame(df, "concerns")
    assert out["concerns"].dtype == "Int64"
    assert out["concerns"].isna().tolist() == [True, True, False]
    assert out["concerns"].iloc[2] == 20
    assert out["concerns_suppressed"].tolist() == [True, True, False]
    assert out.attrs["total"] == 33 and out.attrs["total_suppressed"] is False
    # The input is left alone.
    assert df["concerns"].tolist() == [3, 10, 20]


def test_suppress_frame_list_whose_total_is_small():
    df = pd.DataFrame({"service": ["Housing", "Parks"], "concerns": [2, 0]})
    out = suppress_frame(df, "concerns")
    assert out["concerns_suppressed"].tolist() == [True, False]
    assert out["concerns"].iloc[1] == 0
    assert out.attrs["total"] is None and out.attrs["total_suppressed"] is True


def test_suppress_frame_two_way():
    df = pd.DataFrame(
        {
            "service": ["A", "A", "A", "B", "B", "B", "C", "C"],
            "quarter": ["Q1", "Q2", "Q3", "Q1", "Q2", "Q3", "Q1", "Q2"],
            "concerns": [3, 10, 20, 12, 9, 30, 40, 8],
        }
    )
    out = suppress_frame(df, "concerns", by=["quarter"])
    # C Q3 is missing: a zero. The same table as test_a_simple_cycle_is_enough
    # but for the 7.
    table = suppress_table([[3, 10, 20], [12, 9, 30], [40, 8, 0]])
    cells = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1)]
    expected = [table.body[i, j] for i, j in cells]
    assert out["concerns_suppressed"].tolist() == expected
    assert out["concerns"].isna().tolist() == expected
    assert out.attrs["row_totals"]["A"] == 33
    assert out.attrs["col_totals"]["Q3"] == 50
    assert out.attrs["total"] == 132


def test_suppress_frame_rejects_duplicate_cells():
    df = pd.DataFrame({"service": ["A", "A"], "quarter": ["Q1", "Q1"], "concerns": [3, 4]})
    with pytest.raises(ValueError):
        suppress_frame(df, "concerns", by=["quarter"])


def test_suppress_share_frame():
    df = pd.DataFrame(
        {
            "service": ["Housing", "Parks", "Libraries", "Councillors"],
            "in_date": [3, 80, 90, 4],
            "required": [10, 90, 95, 4],
        }
    )
    out = suppress_share_frame(df, "in_date", "required")
    assert out["in_date_suppressed"].tolist()[0] and out["in_date_suppressed"].tolist()[3]
    # A denominator of 4, and beside the published overall denominator (199)
    # the smallest other one too, or the 4 would be 199 - 10 - 90 - 95.
    assert out["required_suppressed"].tolist() == [True, False, False, True]
    assert out["suppressed"].tolist()[0] and out["suppressed"].tolist()[3]
    # Never a single hidden numerator beside a published overall numerator.
    assert out["in_date_suppressed"].sum() >= 2
    assert out["in_date"].dtype == "Int64" and out["required"].dtype == "Int64"
    assert out.attrs["totals"][None] == {"count": 177, "of": 199, "suppressed": False}


def test_suppress_share_frame_by_group():
    df = pd.DataFrame(
        {
            "wave": ["2022", "2022", "2023", "2023"],
            "question": ["q1", "q2", "q1", "q2"],
            "positive": [380, 200, 2, 300],
            "answered": [384, 380, 390, 390],
        }
    )
    out = suppress_share_frame(df, "positive", "answered", by=["wave"])
    assert out["suppressed"].tolist() == [False, False, True, True]
    assert set(out.attrs["totals"]) == {"2022", "2023"}
    complement = suppress_share_frame(
        df, "positive", "answered", by=["wave"], protect_complement=True
    )
    # 380 of 384 implies 4 not positive.
    assert complement["suppressed"].tolist()[0]
