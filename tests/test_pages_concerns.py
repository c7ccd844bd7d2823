"""The Concerns, Review timeliness, Data and Definitions pages under AppTest, run through the frame.

Each test asserts what the page shows for the sample council (sample_data/README.md gives the figures), and
that every chart has its one-sentence summary before it and its data table and CSV download after it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sg_data import contract, glossary, rules
from sg_data.safety import md_escape

ROOT = Path(__file__).resolve().parent.parent
TITLES = {"concerns": "Concerns raised", "timeliness": "Review timeliness", "data": "Data",
          "definitions": "Definitions", "audit": "Audit trail", "overview": "Safeguarding at a glance"}


@pytest.fixture(autouse=True)
def fresh_caches(officer_on_sample):
    """Every page test on the sample store, in the officer view, with caches cleared around it."""


def open_page(page: str, period: str | None = None, services: list[str] | None = None,
              chosen: bool = False) -> AppTest:
    """The page for a period as a link to it opens it (`?period=`, the selector is bound to the address), in one
    run; `chosen`: opened on the default period, then the period chosen in the sidebar."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if period and not chosen:
        at.query_params["period"] = period
    # url_path equals the file name, so the page can be chosen before the first run (which skips the Overview)
    at.switch_page(f"pages/{page}.py").run()
    assert at.title[0].value.startswith(TITLES[page])
    if period and chosen:
        at.selectbox(key="period").set_value(period).run()
    if period:
        assert at.selectbox(key="period").value == period
    if services is not None:
        at.multiselect(key="services").set_value(services).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def table(at: AppTest, name: str) -> pd.DataFrame:
    """The dataframe that follows the caption `Table: <name>`."""
    nodes = list(at.main)
    for i, node in enumerate(nodes):
        if node.type == "markdown" and node.value == f"**Table: {md_escape(name)}**":
            return next(n for n in nodes[i + 1:] if n.type == "dataframe").value
    raise AssertionError(f"no table {name!r}")


def summaries(at: AppTest) -> list[str]:
    return [html.unescape(m.value) for m in at.markdown if "sg-summary" in m.value]


def sentences(at: AppTest) -> list[str]:
    """The charts' summaries as a person reads them (the paragraph's tag dropped)."""
    return [re.sub(r"<[^>]+>", "", s) for s in summaries(at)]


def texts(at: AppTest) -> str:
    parts = [getattr(n, "value", "") for n in at.main if n.type in ("markdown", "caption", "alert", "info")]
    parts += [n.value for n in at.info] + [n.value for n in at.success]
    # as a person reads it: entities decoded, backslash escapes of data (sg_data.safety) dropped
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", html.unescape("\n".join(str(p) for p in parts)))


def assert_charts_accessible(at: AppTest, expected: int) -> None:
    """Each chart: a summary paragraph before it, then its data table and CSV download, before the next chart."""
    nodes = [n for n in at.main if n.type in ("markdown", "vega_lite_chart", "dataframe", "download_button")]
    charts = [i for i, n in enumerate(nodes) if n.type == "vega_lite_chart"]
    assert len(charts) == expected
    for k, i in enumerate(charts):
        assert nodes[i - 1].type == "markdown" and "sg-summary" in nodes[i - 1].value
        summary = html.unescape(nodes[i - 1].value)  # the summary's text is entity-escaped (sg_data.safety)
        assert summary.count(".") >= 1 and "[x]" not in summary
        end = charts[k + 1] if k + 1 < len(charts) else len(nodes)
        following = [n.type for n in nodes[i + 1:end]]
        assert "dataframe" in following and "download_button" in following
        assert following.index("dataframe") < following.index("download_button")


def assert_links_to_definitions(at: AppTest) -> None:
    assert any(link.label == "All definitions" for link in at.get("page_link"))


# --- Concerns ------------------------------------------------------------------------------------

def test_concerns_year_shows_the_published_figures():
    at = open_page("concerns", "2023-24")
    assert at.title[0].value == "Concerns raised: 2023-24"
    assert metric(at, "Concerns raised") == "276"
    assert metric(at, "Referred externally").startswith("131 of 276, 47%")
    by_service = table(at, "concerns by service 2023-24")
    assert by_service.iloc[0].tolist() == ["Business Improvement", 62]
    assert by_service["Concerns"].sum() == 276
    cells = table(at, "concerns by service and category 2023-24")
    assert cells["Concerns"].sum() == 276 and cells.iloc[0]["Service"] == "Business Improvement"
    assert_charts_accessible(at, 6)
    assert_links_to_definitions(at)
    words = texts(at)
    assert "No headcount is recorded for Leisure and Oxford Direct Services in 2023-24" in words
    assert "**Statutory category**" in words and "**Concerns per 100 staff**" in words
    rates = table(at, "concerns per 100 staff 2023-24")
    assert rates.iloc[0]["Service"] == "Community Safety" and rates.iloc[0]["Concerns per 100 staff"] == 72.7
    assert "Leisure" not in set(rates["Service"])
    mapping = table(at, "category mapping 2023-24")
    assert len(mapping) == 17
    assert mapping.set_index("Category").loc["Suicidal threat", "Statutory category"] == "Wellbeing (non-statutory)"
    funnel = table(at, "concerns per 100 staff against the council's rate 2023-24").set_index("Service")
    assert funnel.loc["Community Safety", "Against the council's rate"] == "Above the 99.8% limits: unusual"
    assert funnel.loc["Licensing", ["95% upper", "99.8% upper"]].tolist() == [63.6, 84.2]
    assert "**Funnel plot**" in words
    assert any("In 2023-24 the services with a headcount raised 36.0 concerns per 100 staff between them" in s
               for s in summaries(at))


def test_concerns_trend_toggles_between_council_and_statutory_categories():
    at = open_page("concerns", "2023-24")
    trend = table(at, "concerns by quarter and council category")
    assert trend["Quarter"].tolist()[-1] == "2023-24 Q4" and len(trend) == 12
    assert trend.set_index("Quarter").loc[["2023-24 Q1", "2023-24 Q2", "2023-24 Q3", "2023-24 Q4"], "Total"].tolist() \
        == [63, 56, 77, 80]
    assert "Child Safeguarding" in trend.columns
    at.get("segmented_control")[0].set_value("Statutory category").run()
    assert not at.exception
    trend = table(at, "concerns by quarter and statutory category")
    assert "Wellbeing (non-statutory)" in trend.columns and "Child Safeguarding" not in trend.columns
    assert trend["Total"].iloc[-1] == 80
    assert_charts_accessible(at, 6)


def test_concerns_services_filter_narrows_the_figures():
    at = open_page("concerns", "2023-24", ["Housing Services"])
    assert metric(at, "Concerns raised") == "55"
    assert set(table(at, "concerns by service 2023-24")["Service"]) == {"Housing Services"}
    assert set(table(at, "concerns by service and category 2023-24")["Service"]) == {"Housing Services"}
    assert set(table(at, "concerns per 100 staff 2023-24")["Service"]) == {"Housing Services"}
    assert "for Housing Services" in at.caption[0].value
    assert "This trend covers all services" in texts(at)
    assert_charts_accessible(at, 6)


def test_concerns_empty_period_says_so():
    at = open_page("concerns", "2012-13")
    assert any("No concerns were recorded" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


def test_concerns_quarter_shows_year_rates_and_comparison():
    at = open_page("concerns", "2023-24 Q3", chosen=True)
    assert metric(at, "Concerns raised") == "77"
    assert "2023-24 Q2: 56" in texts(at)
    assert "Headcount is recorded by financial year" in texts(at)
    assert_charts_accessible(at, 6)


# --- Overview --------------------------------------------------------------------------------------

#: the Overview's trend sentences for 2023-24 (tests/test_spc.py works the limits out by hand)
CONCERNS_TREND_2023_24 = ("Concerns raised in 2023-24 Q4 (80) are higher than the usual range (33 to 72): a special "
                          "cause. Variation: special cause, neither improving nor concerning.")
WITHIN_TREND_2023_24 = ("The share reviewed within 24 hours in 2023-24 Q4 (96%) is within the usual range (82% to "
                        "100%). Variation: common cause.")


#: the five headline figures' small trends for 2023-24: (the signal beside its icon, the sentence)
SMALL_TRENDS_2023_24 = [
    (":violet[:material/arrow_upward:] **Special cause, neither improving nor concerning (high)**",
     "Concerns raised, 20 quarters from 2019-20 Q1 to 2023-24 Q4: special cause, neither improving nor concerning "
     "(high); the latest, 80 in 2023-24 Q4, is above the usual range (33 to 72)."),
    (":gray[:material/horizontal_rule:] **Common cause**",
     "Reviewed within 24 hours, 20 quarters from 2019-20 Q1 to 2023-24 Q4: common cause; the latest, 96% in 2023-24 "
     "Q4, is within the usual range (82% to 100%)."),
    (":blue[:material/arrow_upward:] **Special cause, improving (high)**",
     "Required training in date, 20 snapshots from 2019-06-30 to 2024-03-31: special cause, improving (high); the "
     "latest, 95% at 2024-03-31, is within the usual range (87% to 97%), and part of a special cause (two of three "
     "near a limit)."),
    (":gray[:material/more_horiz:] **10 waves: too few for limits**",
     "Staff confident raising a concern, 10 waves from 2014-15 to 2023: 70%, 85%, 86%, 88%, 89%, 88%, 68%, 82%, 86%, "
     "90%. 10 waves: too few for limits (12 are needed), so no signal is read."),
    (":gray[:material/more_horiz:] **11 years: too few for limits**",
     "Self-assessment Green or better, 11 years from 2012 to 2023: 100%, 100%, 100%, 100%, 100%, 100%, 100%, 100%, "
     "91%, 91%, 100%. 11 years: too few for limits (12 are needed), so no signal is read."),
]


def assert_small_trends(at: AppTest) -> None:
    """Each of the five headline figures, in its column: the figure, its signal in words beside its icon, then its
    small trend with the sentence before it and its table and download after it."""
    for column, (signal, sentence) in zip(at.columns[:5], SMALL_TRENDS_2023_24):
        nodes = [n for n in column if n.type in ("metric", "markdown", "vega_lite_chart", "dataframe")]
        assert [n.type for n in nodes] == ["metric", "markdown", "markdown", "vega_lite_chart", "markdown",
                                           "dataframe"]
        assert nodes[1].value == signal
        assert re.sub(r"<[^>]+>", "", html.unescape(nodes[2].value)) == sentence
    by_wave = table(at, "confident raising a concern by wave")
    assert by_wave.columns.tolist() == ["Wave", "Positive", "Of", "Share %", "Signal"]
    assert by_wave.iloc[-1].tolist() == ["2023", "341", "379", "90", ""]  # the headline figure: 341 of 379, 90%
    assert [m.value for m in at.metric][:5] == ["276", "259 of 276, 94%", "1,366 of 1,438, 95%", "341 of 379, 90%",
                                                "11 of 11, 100%"]
    assert any(c.value.startswith("Under each figure, its small trend") for c in at.caption)


def assert_overview_trends(at: AppTest) -> None:
    """The Overview of 2023-24 opens with its two XmR charts, each with its sentence, table and download; then the
    five headline figures, each with its small trend."""
    assert_charts_accessible(at, 7)
    assert sentences(at)[:2] == [CONCERNS_TREND_2023_24, WITHIN_TREND_2023_24]
    assert_small_trends(at)
    raised = table(at, "concerns raised by quarter with process limits")
    assert raised.columns.tolist() == ["Quarter", "Concerns raised", "Mean", "Lower", "Upper", "Signal"]
    assert len(raised) == 20 and raised.iloc[-1].tolist()[:5] == ["2023-24 Q4", "80", 52.4, 32.5, 72.3]
    assert raised.iloc[-1]["Signal"] == "Special cause: outside the process limits, two of three near a limit (high)"
    within = table(at, "share reviewed within 24 hours by quarter with process limits")
    assert within.iloc[-1].tolist()[:7] == ["2023-24 Q4", "77", "80", "96.2", 94.5, 81.7, 100.0]
    words = texts(at)
    assert "Only complete quarters are drawn: those that ended on or before 30 September 2026" in words
    assert "**Process limits (the usual range)**" in words and "**Special cause**" in words


def test_a_rerun_sends_the_same_charts_without_building_them_again(monkeypatch):
    """A page's rerun draws the same figures (read back from Streamlit's cache): each of its charts is sent from
    the spec made the first time, none is built again, and what is sent is the same."""
    from sg_data.chart_plan import ChartPlan

    at = open_page("overview", "2023-24")
    first = [c.proto.spec for c in at.get("vega_lite_chart")]
    built = []
    real = ChartPlan.altair
    monkeypatch.setattr(ChartPlan, "altair", lambda plan: built.append(plan) or real(plan))
    at.run()
    assert len(first) == 7 and [c.proto.spec for c in at.get("vega_lite_chart")] == first
    assert built == []


def test_overview_opens_with_trends_and_their_limits():
    at = open_page("overview", "2023-24")
    assert_overview_trends(at)
    assert at.header[0].value == "Trends with their limits"
    early = open_page("overview", "2020-21 Q1")
    assert sentences(early)[0] == ("Concerns raised: 5 complete quarters with a figure, fewer than the 12 needed to "
                                   "work out the usual range, so no process limits are shown.")
    assert table(early, "concerns raised by quarter with process limits")["Upper"].isna().all()
    assert [m.value for m in early.markdown if m.value.startswith(":gray")] == [
        f":gray[:material/more_horiz:] **{n}: too few for limits**"
        for n in ("5 quarters", "5 quarters", "5 snapshots", "6 waves", "7 years")]


# --- Review timeliness ---------------------------------------------------------------------------

def test_timeliness_year_shows_within_target_with_denominator():
    at = open_page("timeliness", "2023-24")
    assert at.number_input(key="target_hours").value == 24
    assert metric(at, "Reviewed within 24 hours").startswith("259 of 276, 94% (")
    assert metric(at, "Median hours to review") == "3.9"
    assert metric(at, "Overdue, not yet reviewed") == "0"
    by_quarter = table(at, "reviewed within target by quarter 24 hours")
    assert list(by_quarter.columns) == ["Quarter", "Within target", "In denominator", "Share", "Interval"]
    assert by_quarter["Quarter"].iloc[-1] == "2023-24 Q4" and len(by_quarter) == 12
    by_service = table(at, "reviewed within target by service 2023-24")
    assert by_service["Within target"].sum() == 259 and by_service["In denominator"].sum() == 276
    assert by_service.iloc[-1]["Service"] == "Councillors"  # 4 of 7, the lowest share
    bands = table(at, "review hours 2023-24")
    assert bands["Concerns"].sum() == 276
    assert_charts_accessible(at, 3)
    assert_links_to_definitions(at)
    assert "**Reviewed within target**" in texts(at) and "**Median hours to review**" in texts(at)


def test_timeliness_target_changes_the_figures():
    at = open_page("timeliness", "2023-24")
    at.number_input(key="target_hours").set_value(4).run()
    assert not at.exception
    figure = metric(at, "Reviewed within 4 hours")
    within, of = (int(x) for x in figure.split(",")[0].split(" of "))
    assert of == 276 and within < 259
    assert table(at, "reviewed within target by service 2023-24")["Within target"].sum() == within


def test_timeliness_overdue_list_for_officers():
    at = open_page("timeliness", "2026-27 Q2")
    assert metric(at, "Reviewed within 24 hours").startswith("63 of 70")
    assert metric(at, "Overdue, not yet reviewed") == "3"
    assert metric(at, "Clock still running") == "2"
    overdue = table(at, "overdue concerns 2026-27 Q2")
    assert overdue["Reference"].tolist() == ["MC-001813", "MC-001815", "MC-001817"]
    assert list(overdue.columns) == ["Reference", "Raised at", "Service", "Category", "Hours waiting"]
    assert any(b.label == "Download overdue concerns 2026-27 Q2 (CSV)" for b in at.download_button)
    # action first: the overdue list is the page's first table, then the concerns whose clock is running out
    assert at.dataframe[0].value["Reference"].tolist() == ["MC-001813", "MC-001815", "MC-001817"]
    due = table(at, "concerns due for review")
    assert at.dataframe[1].value.equals(due)
    assert due["Reference"].tolist() == ["MC-001818", "MC-001820"]   # the clock still running: 2, as above
    assert due["Hours left"].astype(float).tolist() == [16.7, 24.0]
    assert "the first runs out in 16.7 hours (" in texts(at)


def test_timeliness_services_filter_adds_service_rows():
    at = open_page("timeliness", "2023-24", ["Housing Services", "Councillors"])
    assert metric(at, "Reviewed within 24 hours").startswith("53 of 62")  # 49 of 55 plus 4 of 7
    assert metric(at, "Median hours to review") == "Per service"
    assert set(table(at, "hours to review by service 2023-24")["Service"]) == {"Housing Services", "Councillors"}
    assert_charts_accessible(at, 3)


def test_timeliness_empty_period_says_so():
    at = open_page("timeliness", "2012-13")
    assert any("No concerns were recorded" in i.value for i in at.info)


# --- Data ----------------------------------------------------------------------------------------

def test_data_page_lists_loads_quarantine_and_dictionary():
    at = open_page("data")
    assert metric(at, "Files loaded") == "15"
    assert metric(at, "Rows quarantined") == "10"
    assert metric(at, "Rows loaded") == "67,901"
    words = texts(at)
    assert "latest concern recorded 30 September 2026 16:45" in words
    assert "python -m sg_data load SOURCE_DIR --db sg.duckdb" in [c.value for c in at.code]
    assert "SG_DB=sg.duckdb streamlit run dashboard.py" in [c.value for c in at.code]
    loads = table(at, "files loaded")
    assert loads.set_index("File").loc["concerns_2024-27.csv", "Columns not stored"] == \
        "Subject Name, Postcode, Recorded By System"
    rows = table(at, "quarantined rows")
    assert len(rows) == 11 and len(rows[["File", "Line"]].drop_duplicates()) == 10
    assert ("concerns_2023-24.csv", 253, "raised_at", "unreadable-date") in \
        set(rows[["File", "Line", "Column", "Rule"]].itertuples(index=False, name=None))
    by_rule = table(at, "rows quarantined by rule")
    assert by_rule["Rows quarantined"].sum() == 11
    assert len(table(at, "data dictionary")) == len(contract.data_dictionary())
    assert len(table(at, "rule catalogue")) == len(rules.rule_catalogue())
    assert_charts_accessible(at, 1)
    assert_links_to_definitions(at)
    assert "**Quarantine**" in words


# --- Definitions ---------------------------------------------------------------------------------

def test_definitions_lists_every_term_by_area():
    at = open_page("definitions")
    headers = [h.value for h in at.header]
    areas = list(dict.fromkeys(t.area for t in glossary.TERMS))
    assert headers == areas + ["Symbols"]
    names = [s.value for s in at.subheader]
    assert names == [t.name for t in sorted(glossary.TERMS, key=lambda t: areas.index(t.area))]
    shown = "\n".join(m.value for m in at.markdown)
    for t in glossary.TERMS:
        assert t.definition in shown
    for symbol in ("[c]", "[x]", "[z]"):
        assert f"**{symbol}**" in shown
    assert "council's metric definitions" in shown


def test_the_audit_page_lists_who_looked_and_no_figure(sample_db):
    from sg_data import audit

    audit.record("download", user="ann@example.org", view="officer", filters={"period": "2023-24 Q3"},
                 detail={"table": "concerns by service", "format": "csv"}, db=sample_db)
    at = open_page("audit")
    trail = next(d.value for d in at.dataframe)
    assert [c.lower() for c in trail.columns] == audit.COLUMNS
    trail.columns = audit.COLUMNS
    assert trail.iloc[0]["event"] == "audit_view"  # newest first: this visit itself is on the trail
    download = trail[trail["user"] == "ann@example.org"].iloc[0]
    assert (download["event"], download["view"]) == ("download", "officer")
    assert '"period": "2023-24 Q3"' in download["filters"]
    assert "people, " in texts(at) and "downloads." in texts(at)

