"""The Scrutiny view and published data: nothing from 1 to 5 escapes, nothing row-level is held."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from sg_data import disclosure, publish
from sg_data.scrutiny import PublicSource, ScrutinySource, source_for, suppress_outcomes
from sg_data.source import OFFICER_ONLY, PERIOD_METHODS, TREND_METHODS, OfficerSource

from .conftest import ROOT

THR = 5
#: counts of things that are not people or concerns, and may be small
NOT_PEOPLE = {"headcount", "invited", "standards", "of_standards", "band_order", "level", "rating_rank", "rows_stored",
              "rows_read", "rows_loaded", "rows_replaced", "rows_quarantined"}


@pytest.fixture(scope="session")
def public_db(sample_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("public") / "public.duckdb"
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        publish.publish(con, out)
    finally:
        con.close()
    return out


def small_published_counts(frame: pd.DataFrame) -> list[tuple[str, object]]:
    """Every count column with a suppression flag beside it: published values from 1 to 5."""
    bad = []
    for col in frame.columns:
        if f"{col}_suppressed" in frame.columns:
            values = pd.to_numeric(frame[col], errors="coerce")
            flag = frame[f"{col}_suppressed"].astype("boolean").fillna(False).astype(bool)
            shown = values[~flag & values.notna()]
            bad += [(col, v) for v in shown if 1 <= v <= THR]
    return bad


def brief_counts(obj, path=""):
    """Every integer count in a briefing (count, of, total, and the funnel), with where it is."""
    keys = {"count", "of", "total", "sought", "engaged", "positive", "negative", "unknown", "respondents",
            "overdue_unreviewed", "late", "clock_running", "expiring_soon"}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in keys and isinstance(v, int) and not isinstance(v, bool):
                yield f"{path}.{k}", v
            else:
                yield from brief_counts(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from brief_counts(v, f"{path}[{i}]")


# --- the published store -------------------------------------------------------------------------

def test_published_store_holds_no_row_level_table_and_no_small_count(public_db):
    con = duckdb.connect(str(public_db), read_only=True)
    tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
    assert "pub_manifest" in tables and "concerns" not in tables and "training" not in tables
    for t in tables:
        cols = [r[0] for r in con.execute(f"describe {t}").fetchall()]
        for forbidden in ("concern_id", "staff_id", "response_id", "load_id", "raised_at", "reviewed_at"):
            assert forbidden not in cols, f"{t} has {forbidden}"
        frame = con.execute(f"select * from {t}").df()
        assert small_published_counts(frame) == [], t
        for col in cols:  # a count with no flag beside it must not be small either, unless it counts no people
            if col in NOT_PEOPLE or col.endswith("_suppressed") or f"{col}_suppressed" in cols:
                continue
            if pd.api.types.is_integer_dtype(frame[col]):
                assert not frame[col].between(1, THR).any(), f"{t}.{col} publishes a small count"
    for label, text in con.execute("select period_label, brief from pub_briefs").fetchall():
        small = [(p, v) for p, v in brief_counts(json.loads(text)) if 1 <= v <= THR]
        assert small == [], label


def test_scrutiny_view_on_the_published_store_matches_the_scrutiny_source(sample_db, public_db):
    officer = OfficerSource(duckdb.connect(str(sample_db), read_only=True))
    live = ScrutinySource(officer)
    pub = source_for(duckdb.connect(str(public_db), read_only=True))
    assert isinstance(pub, PublicSource)
    for method in ("concerns_by_service", "timeliness", "outcomes", "training_by_service"):
        a = getattr(live, method)("2023-24 Q3").reset_index(drop=True)
        b = getattr(pub, method)("2023-24 Q3").reset_index(drop=True)
        pd.testing.assert_frame_equal(a[b.columns].astype(str), b.astype(str), check_dtype=False)
    assert pub.brief("2023-24")["concerns"]["total"] == 276
    for method in OFFICER_ONLY:
        assert getattr(pub, method)() is None if method == "quarantine_rows" else getattr(pub, method)("2023-24") is None


def test_every_scrutiny_frame_hides_small_counts(sample_con):
    src = ScrutinySource(OfficerSource(sample_con))
    for label in ("2023-24", "2023-24 Q3", "2026-27 Q2", "2020-21"):
        for method in PERIOD_METHODS:
            assert small_published_counts(getattr(src, method)(label)) == [], (label, method)
    for method in TREND_METHODS:
        assert small_published_counts(getattr(src, method)()) == [], method


def test_concerns_lists_are_the_margins_of_the_service_by_category_table(sample_con):
    src = ScrutinySource(OfficerSource(sample_con))
    long, table, services, categories = src._concerns("2023-24 Q3")
    assert table.any_suppressed
    # the attacker's linear programme recovers no hidden cell exactly, and every range holds the truth
    for key, (lo, hi) in disclosure.attack_ranges(table).items():
        truth = table.values[key[1], key[2]] if key[0] == "body" else (
            table.row_totals[key[1]] if key[0] == "row_total" else table.col_totals[key[1]])
        assert hi - lo >= 1 and lo - 1e-6 <= truth <= hi + 1e-6, key
    by_service = src.concerns_by_service("2023-24 Q3")
    hidden_services = set(by_service.loc[by_service["concerns_suppressed"], "service"])
    assert hidden_services == {s for s, h in zip(services, table.row_totals_suppressed) if h}


def test_a_single_small_service_beside_a_total_is_not_recoverable():
    officer_frame = pd.DataFrame({"service": ["A", "B", "C"], "concerns": [40, 3, 20]})
    from sg_data.scrutiny import _list

    out, total_hidden = _list(officer_frame, "concerns", THR)
    assert not total_hidden
    assert out["concerns_suppressed"].tolist() == [False, True, True]  # C hides B: 63 - 40 leaves 23 to share


def test_outcome_funnel_suppression_keeps_missing_apart_from_hidden():
    frame = pd.DataFrame([
        {"period": "2020-21", "programme": "MH", "service": None, "measure": "Readmission", "sought": 41, "engaged": 27,
         "positive": 5, "negative": 4, "unknown": 18},
        {"period": "2020-21", "programme": "YA", "service": None, "measure": "Kept", "sought": None, "engaged": 30,
         "positive": 12, "negative": None, "unknown": None},
    ])
    out = suppress_outcomes(frame, THR)
    first, second = out.iloc[0], out.iloc[1]
    assert (first.positive_suppressed, first.negative_suppressed, first.unknown_suppressed) == (True, True, False)
    assert first.engaged == 27 and first.sought == 41
    assert pd.isna(second.sought) and not second.sought_suppressed  # missing, not hidden: the page says so
    assert second.positive == 12


def test_scrutiny_briefing_json_has_nulls_and_flags(sample_db):
    run = subprocess.run([sys.executable, "-m", "sg_data", "brief", "--db", str(sample_db), "--period", "2023-24 Q3",
                          "--view", "scrutiny"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    b = json.loads(run.stdout)
    assert b["view"] == "scrutiny"
    assert [(p, v) for p, v in brief_counts(b) if 1 <= v <= THR] == []
    hidden = [s for s in b["concerns"]["by_service"] if s["count"] is None]
    assert hidden and all(s["suppressed"] is True for s in hidden)
    officer = json.loads(subprocess.run([sys.executable, "-m", "sg_data", "brief", "--db", str(sample_db), "--period",
                                         "2023-24 Q3"], capture_output=True, text=True, cwd=ROOT).stdout)
    assert officer["concerns"]["total"] == b["concerns"]["total"] == 77
    assert any(1 <= s["count"] <= THR for s in officer["concerns"]["by_service"])  # the officer view is not suppressed


def test_publish_csv_writes_readme_and_symbols(sample_db, tmp_path):
    out = tmp_path / "open-data"
    run = subprocess.run([sys.executable, "-m", "sg_data", "publish", "--db", str(sample_db), "--out", str(out),
                          "--format", "csv"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    readme = (out / "README.md").read_text()
    assert "[c] confidential" in readme and "Reviewed within target" in readme
    by_service = pd.read_csv(out / "concerns_by_service.csv", dtype=str)
    assert "[c]" in set(by_service["concerns"])
    numbers = pd.to_numeric(by_service["concerns"], errors="coerce").dropna()
    assert not numbers.between(1, THR).any()
    assert not any(c.endswith("_suppressed") for c in by_service.columns)


def test_threshold_is_configurable(sample_con):
    src = ScrutinySource(OfficerSource(sample_con), thr=10)
    frame = src.concerns_by_service("2023-24 Q3")
    shown = frame.loc[~frame["concerns_suppressed"], "concerns"]
    assert not shown.between(1, 10).any()


# --- the Scrutiny view's pages --------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _clear_streamlit_caches(fresh_streamlit_caches):
    """The officer-then-Scrutiny test clears nothing itself: a cache shared across views would show here."""


def _page_values(at) -> list:
    values = []
    for df in at.dataframe:
        values += [v for v in np.asarray(df.value.astype(object)).ravel().tolist()]
    values += [m.value for m in at.metric]
    return values


def _small_numbers(values) -> list:
    out = []
    for v in values:
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 1 <= v <= THR:
            out.append(v)
        elif isinstance(v, str) and v.strip().isdigit() and 1 <= int(v) <= THR:
            out.append(v)
    return out


@pytest.mark.parametrize("page", ["overview", "concerns", "timeliness", "training", "survey", "self_assessment",
                                  "outcomes", "data", "definitions"])
def test_scrutiny_view_runs_every_page_on_the_published_store(page, public_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SG_DB", str(public_db))
    monkeypatch.delenv("SG_VIEW", raising=False)  # a published store is always the Scrutiny view
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    assert any("Scrutiny view" in i.value for i in at.info)


def test_officer_then_scrutiny_in_one_process_never_shares_results(sample_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SG_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.switch_page("pages/concerns.py")
    at.run()
    at.selectbox(key="period").set_value("2023-24 Q3").run()
    assert _small_numbers(_page_values(at)), "the officer view shows small counts (the premise of this test)"

    monkeypatch.setenv("SG_VIEW", "scrutiny")  # same process, caches not cleared
    at2 = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at2.switch_page("pages/concerns.py")
    at2.run()
    at2.selectbox(key="period").set_value("2023-24 Q3").run()
    assert not at2.exception
    assert _small_numbers(_page_values(at2)) == []
    assert "[c]" in [v for v in _page_values(at2) if isinstance(v, str)]


def test_published_store_holds_timeliness_at_one_target(public_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SG_DB", str(public_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.switch_page("pages/timeliness.py")
    at.run()
    box = at.number_input(key="target_hours")
    assert box.value == 24 and box.disabled  # another target cannot be worked out from published figures
