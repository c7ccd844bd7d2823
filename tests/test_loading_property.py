"""Any CSV the contract allows, with random blank lines, quoting, line endings and encodings, is accounted
for row by row: every row stored once, every bad row quarantined at its exact line, nothing else."""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sg_data import store
from sg_data.loader import load_file

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le")
TEXT = st.text(alphabet=st.sampled_from(list("abc XYZ,;\"'é–\n")), min_size=1, max_size=12).filter(
    lambda t: t.strip(" \n"))


@st.composite
def exports(draw):
    n = draw(st.integers(min_value=0, max_value=12))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    lines = ["concern_id,raised_at,service,category"]
    expected, bad = {}, []
    if draw(st.booleans()):
        lines.insert(0, "")  # an empty line before the header
    for i in range(n):
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            lines.append(draw(st.sampled_from(["", " ", ",,,", " , , ,"])))
        day = dt.date(2020, 1, 1) + dt.timedelta(days=draw(st.integers(0, 1500)))
        raised = draw(st.sampled_from([day.isoformat(), day.strftime("%d/%m/%Y"), f"{day:%Y-%m-%d} 09:15"]))
        broken = draw(st.integers(0, 9)) == 0
        if broken:
            raised = "not a date"
        category = draw(TEXT)
        quoted = '"' + category.replace('"', '""') + '"'
        start = len([x for line in lines for x in line.split(newline)]) + 1
        lines.append(f"C{i},{raised},Housing Services,{quoted}")
        if broken:
            bad.append(start + sum(line.count("\n") for line in lines[:-1]) - sum(
                len(line.split(newline)) - 1 for line in lines[:-1]))
        else:
            expected[f"C{i}"] = category.strip(" \t\r\n\u00a0")
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 3]))
    return text.encode(encoding), expected, n, encoding


def physical_line_of(data: str, concern_id: str) -> int:
    return data[: data.index(f"\n{concern_id},") + 1].count("\n") + 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exports())
def test_any_contract_shaped_csv_is_accounted_for_row_by_row(tmp_path_factory, export):
    raw, expected, n, encoding = export
    path = tmp_path_factory.mktemp("p") / "concerns.csv"
    path.write_bytes(raw)
    con = duckdb.connect()
    store.ensure_schema(con)
    try:
        report = load_file(con, path)
        assert report.status == "loaded", report.message
        stored = dict(con.execute("select concern_id, category from concerns").fetchall())
        assert stored == expected  # a line break inside a quoted value is kept as written
        assert report.lines_loaded == len(expected)
        assert report.rows_quarantined == n - len(expected)
        assert report.rows_repeated == 0
        assert report.rows_in_file == (report.header_rows + report.lines_loaded + report.rows_quarantined
                                       + report.rows_blank)
        text = raw.decode(encoding).lstrip("\ufeff").replace("\r\n", "\n")
        got = con.execute("select line, column_name, rule from quarantine order by line").fetchall()
        broken = sorted(physical_line_of("\n" + text, f"C{i}") - 1 for i in range(n) if f"C{i}" not in expected)
        assert got == [(line, "raised_at", "unreadable-date") for line in broken]
    finally:
        con.close()
