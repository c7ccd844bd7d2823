"""The live store's Scrutiny view (SG_VIEW=scrutiny) under AppTest.

The pages build the publication as a live store's Scrutiny view does, with the session's protected figures served
in place of protecting the same store again (conftest's serve_sample_publication), once for this module: the
Streamlit caches are cleared around the module rather than around each test.
"""

from __future__ import annotations

import re

import pytest

from streamlit.testing.v1 import AppTest

from sg_data.safety import md_escape

from tests.test_pages_concerns import ROOT, assert_overview_trends, open_page, texts


@pytest.fixture(scope="module", autouse=True)
def scrutiny_store(sample_db, serve_sample_publication):
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    mp = pytest.MonkeyPatch()
    serve_sample_publication(mp)
    mp.setenv("SG_DB", str(sample_db))
    mp.setenv("SG_VIEW", "scrutiny")
    yield
    mp.undo()
    st.cache_data.clear()
    st.cache_resource.clear()


def small_counts(at) -> list[str]:
    """Whole-number cells from 1 to 5 in count columns of the page's tables (shares and medians aside)."""
    found = []
    for frame in (d.value for d in at.dataframe):
        for column in frame.columns:
            if re.search(r"share|%|rate|median|hours|per 100|lower|upper|interval|percentile", str(column), re.I):
                continue
            for value in frame[column].astype(str):
                if re.fullmatch(r"[1-5]", value.strip()):
                    found.append(f"{column}={value}")
    return found


@pytest.mark.parametrize("page, period", [("concerns", "2023-24 Q3"), ("timeliness", "2026-27 Q2"), ("data", None)])
def test_scrutiny_view_hides_row_level_lists(page, period):
    at = open_page(page, period)
    words = texts(at)
    assert "Scrutiny" in "\n".join(m.value for m in at.sidebar.markdown) + words
    note = [c.value for c in at.caption if "hidden and shown as [c]" in c.value]
    if page == "concerns":
        assert len(note) == 1 and re.match(r"[1-9][0-9,]* figures in the tables on this page are hidden", note[0])
        assert "Counts of 1 to 5 people are hidden" in note[0]
        assert "[c]" in "\n".join(d.value.astype(str).to_csv() for d in at.dataframe), "nothing is hidden"
        assert not small_counts(at), small_counts(at)
        assert ("Every service's count of concerns in 2023-24 is hidden in this view ([c]), so no funnel plot is drawn."
                in words)
    if page == "timeliness":
        assert "for officers only" in words
        assert not any(m.value == f"**Table: {md_escape('overdue concerns 2026-27 Q2')}**" for m in at.markdown)
    if page == "data":
        assert "for officers only" in words
        assert not any(m.value == f"**Table: {md_escape('quarantined rows')}**" for m in at.markdown)


def test_scrutiny_navigation_has_no_audit_page():
    from sg_data import frame

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    assert [t.value for t in at.title][:1] != ["Audit trail"]
    assert not any("audit trail from" in m.value for m in at.markdown)
    assert "audit" in frame.OFFICER_PAGES


def test_scrutiny_view_never_offers_imports():
    from sg_data import frame

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    assert [t.value for t in at.title][:1] != ["Imports"] and not at.file_uploader
    assert "imports" in frame.OFFICER_PAGES
    typed = AppTest.from_file(str(ROOT / "pages" / "imports.py"), default_timeout=60)  # a typed address
    typed.run()
    assert "Imports are for officers only: they are not offered in the Scrutiny view." in texts(typed)
    assert not typed.file_uploader and not typed.exception


def test_scrutiny_overview_draws_the_same_trends_with_their_limits():
    """Concerns raised and reviewed within target are process figures, published as they are."""
    at = open_page("overview", "2023-24")
    assert_overview_trends(at)


def test_a_year_not_yet_complete_is_compared_with_nothing_it_cannot_publish():
    """The publication holds whole periods: the same months a year earlier are not in it, so the comparison is
    [x] (not available), never 0 and never the whole year."""
    at = open_page("concerns", "2026-27")
    assert at.caption[0].value.startswith("April to September 2026 (year to date)")
    assert "April to September 2025: [x]." in texts(at).splitlines()
    assert [m.value for m in at.metric if m.label == "Concerns raised"] == ["152"]


def test_the_publication_is_built_once_and_its_progress_is_not_shown_again():
    """Streamlit replays what a cached function drew: the build's progress must not return on every page."""
    at = open_page("concerns", "2023-24 Q3")
    at = open_page("timeliness", "2023-24")
    building = [s for s in at.status if "Scrutiny publication" in s.label]
    assert len(building) <= 1, [s.label for s in at.status]
    at.run()
    assert not [s for s in at.status if "Scrutiny publication" in s.label]


def test_a_restarted_server_reads_the_publication_it_kept_and_protects_nothing_again(monkeypatch):
    import streamlit as st

    from sg_data import publication

    open_page("concerns", "2023-24 Q3")  # built (or read back) and kept beside the store
    st.cache_resource.clear()  # the server restarts

    def build(*args, **kwargs):
        raise AssertionError("the publication was protected again")

    monkeypatch.setattr(publication, "build", build)
    at = open_page("concerns", "2023-24 Q3")
    assert not at.exception and not [s for s in at.status if "Scrutiny publication" in s.label]
    assert "[c]" in "\n".join(d.value.astype(str).to_csv() for d in at.dataframe)


def test_scrutiny_view_never_offers_the_reference_tables():
    from sg_data import frame

    assert "reference" in frame.OFFICER_PAGES
    typed = AppTest.from_file(str(ROOT / "pages" / "reference.py"), default_timeout=60)  # a typed address
    typed.run()
    assert "The reference tables are kept by officers: they are not offered in the Scrutiny view." in texts(typed)
    assert not typed.main.selectbox and not typed.exception and not typed.dataframe
