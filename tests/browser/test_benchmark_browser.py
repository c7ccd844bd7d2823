"""The benchmark's browser step (`python -m benchmarks --browser`) runs in Chromium, so it cannot rot. Its timings
are never asserted."""

from __future__ import annotations

import re

import pytest

from benchmarks import browser

pytestmark = pytest.mark.browser


def test_the_benchmark_times_the_first_chart_drawn_against_the_trivial_pages(sample_db, chromium):
    result = browser.run_browser(str(sample_db), ["overview"], repeats=1, chromium=str(chromium))
    assert set(result) == {"trivial", "pages"} and list(result["pages"]) == ["overview"]
    assert all(0 < t < browser.DRAW_MS / 1000 for t in [result["trivial"], *result["pages"].values()])
    lines = browser.table(1815, result).splitlines()
    assert lines[0] == "| page (1,815 concerns), in Chromium | first chart drawn | / trivial page's |"
    assert lines[2] == f"| a trivial page with one chart | {result['trivial']:.2f} s | 1.0x |"
    assert re.fullmatch(r"\| overview \| [\d.]+ s \| [\d.]+x \|", lines[3]) and len(lines) == 4


def test_each_visit_asks_for_a_period_not_opened_before(sample_db):
    quarters = browser._quarters(str(sample_db))
    assert quarters[0] == "2026-27 Q2" and len(quarters) == len(set(quarters)) == 30
    assert all(re.fullmatch(r"\d{4}-\d{2} Q[1-4]", q) for q in quarters)
