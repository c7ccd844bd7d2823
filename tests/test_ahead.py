"""Figures started ahead (sg_data.ahead): worked out once, on their own thread, and the page gets the same."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from sg_data import queries


@pytest.fixture
def counted(officer_on_sample, monkeypatch):
    """Every named query run on the sample store, by name and parameters, and the threads that ran them."""
    runs, threads = Counter(), set()
    real = queries.run

    def run(con, name, params=None):
        runs[(name, tuple(sorted((params or {}).items())))] += 1
        threads.add(threading.current_thread().name)
        return real(con, name, params)

    monkeypatch.setattr(queries, "run", run)
    return runs, threads


def _ahead_then_asked():
    import streamlit as st

    from sg_data import ahead, frame as app
    from sg_data.periods import parse

    period = parse("2023-24 Q3")
    ahead.get("timeliness_by_quarter", period, 24)
    ahead.brief(period)
    quarters = app.get("timeliness_by_quarter", period, 24)
    brief = app.brief(period)
    st.write(f"{len(quarters)} quarters; {brief['concerns']['total']} concerns")


def _asked_only():
    import streamlit as st

    from sg_data import frame as app
    from sg_data.periods import parse

    period = parse("2023-24 Q3")
    quarters = app.get("timeliness_by_quarter", period, 24)
    brief = app.brief(period)
    st.write(f"{len(quarters)} quarters; {brief['concerns']['total']} concerns")


def test_a_figure_started_ahead_is_worked_out_once_on_its_own_thread_and_the_page_gets_the_same(counted):
    runs, threads = counted
    asked = AppTest.from_function(_asked_only, default_timeout=60)
    asked.run()
    assert not asked.exception
    expected, runs_asked = [m.value for m in asked.markdown], Counter(runs)
    assert expected == ["19 quarters; 77 concerns"]  # the sample: 2019-20 Q1 to 2023-24 Q3, and the Concerns page's 77

    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    runs.clear()
    threads.clear()
    ahead = AppTest.from_function(_ahead_then_asked, default_timeout=60)
    ahead.run()
    assert not ahead.exception
    assert [m.value for m in ahead.markdown] == expected
    # the same queries as the page asking for itself, each run once: the page waited for the thread's result
    assert runs == runs_asked and set(runs.values()) == {1}
    assert "sg-ahead" in threads
