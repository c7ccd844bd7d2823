"""The benchmark harness runs at its smallest scale, so it cannot rot. Its timings are never asserted."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT


def test_the_benchmark_runs_at_10k_and_reports_ratios_side_by_side():
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--scale", "1e4", "--repeats", "1"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "| concerns | file | DuckDB read_csv | loader | time ratio | peak memory (floor / loader) |"
    assert re.fullmatch(r"\| 10,000 \| \d+ MB \| [\d.]+ s \| [\d.]+ s \| [\d.]+x \| [\d,]+ MB / [\d,]+ MB \|", lines[2])
    assert lines[-1].startswith("Machine: ") and "DuckDB " in lines[-1]
    # each page's server time, cold and warm, and when it sends its first chart, against a trivial page with one
    # chart, and the briefing
    start = lines.index("| page (10,000 concerns) | cold | first chart, cold | first chart / trivial page's | warm |")
    rows = [line for line in lines[start + 2:] if line.startswith("| ")]
    assert re.fullmatch(r"\| a trivial page with one chart \| [\d.]+ s \| [\d.]+ s \| 1\.0x \| [\d.]+ s \|", rows[0])
    from sg_data.frame import OFFICER_PAGES, PAGES

    timed = [re.match(r"\| (\w+) \| [\d.]+ s \| ([\d.]+ s \| [\d.]+x|no chart \| ) \| [\d.]+ s \|$", r)
             for r in rows[1:-1]]
    assert [m.group(1) for m in timed if m] == [s for s, _, _ in PAGES if s not in OFFICER_PAGES]
    charted = {m.group(1) for m in timed if m and "x" in m.group(2)}
    assert {"overview", "concerns", "timeliness"} <= charted  # the pages with charts say when they come (the others
    # have no training, survey, self-assessment or outcomes data in the synthetic export)
    assert re.fullmatch(r"\| the briefing \(build and write, DOCX\) \| [\d.]+ s \| \| \| \|", rows[-1])


def test_the_browser_step_times_the_pages_whose_server_run_sent_a_chart():
    from benchmarks.__main__ import _charted

    nan = float("nan")
    timed = [(10_000, {"pages": {"overview": {"first_chart": 0.4}, "training": {"first_chart": nan},
                                 "timeliness": {"first_chart": 0.5}}})]
    assert _charted(timed, 10_000) == ["overview", "timeliness"]
    assert _charted([], 10_000) == ["overview", "concerns", "timeliness"]  # --no-pages: the pages with charts
