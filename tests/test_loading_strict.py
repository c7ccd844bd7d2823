"""Hostile and messy exports (issue 11): each golden file, its exact outcome, its report, no traceback."""

from __future__ import annotations

import datetime as dt

from sg_data import contract
from sg_data.rules import field_rules



def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def quarantine(con):
    return rows(con, "select file_name, line, column_name, rule from quarantine order by all")


def stored_nothing(con):
    return rows(con, "select (select count(*) from concerns), (select count(*) from loads), "
                     "(select count(*) from quarantine)") == [(0, 0, 0)]


def test_an_unbalanced_quote_rejects_the_file_instead_of_swallowing_40_rows(con, load):
    report = load("concerns_unbalanced_quote.csv")
    assert report.status == "rejected"
    assert report.message == (
        "is not a well-formed CSV file: its 51 lines do not add up to the 11 rows read (0 more lines inside "
        "quoted values, 0 empty). Most likely a \" quote on line 11 is never closed and swallows the lines "
        "after it. Nothing from it is stored; fix the quote and export again.")
    assert report.lines() == ["REJECTED concerns_unbalanced_quote.csv: " + report.message]
    assert stored_nothing(con)


def test_text_after_a_closing_quote_names_its_line(con, tmp_path):
    from sg_data.loader import load_file

    p = tmp_path / "concerns.csv"
    p.write_text('concern_id,raised_at,service,category\nA1,2023-10-04,Housing,"Hoarding\nand more"\n'
                 'A2,2023-10-04,Housing,"Hoarding"x\n')
    report = load_file(con, p)
    assert report.status == "rejected"
    assert report.message == (
        "is not a well-formed CSV file: a quoted value at line 4 is not closed properly (an unbalanced \" quote, "
        "or text after a closing quote). Nothing from it is stored; fix that row and export again.")


def test_us_ordered_dates_reject_the_file_whole(con, load):
    report = load("concerns_usdates.csv")
    assert report.status == "rejected"
    assert report.message == (
        "has raised_at dates in US order, month first: line 3 has a second number over 12. Read day first, a "
        "date such as 03/04/2023 would be misread, so the file is not read at all. Export dates day first "
        "(04/10/2023) or as 2023-10-04 and load again.")
    assert stored_nothing(con)


def test_dates_in_both_orders_reject_the_file(con, tmp_path):
    from sg_data.loader import load_file

    p = tmp_path / "concerns.csv"
    p.write_text("concern_id,raised_at,service,category\nA1,25/12/2023,S,C\nA2,12/25/2023,S,C\n")
    report = load_file(con, p)
    assert report.status == "rejected"
    assert report.message.startswith("has raised_at dates in both orders: line 3 has a second number over 12")


def test_implausible_dates_are_quarantined_with_a_reason(con, load):
    report = load("concerns_implausible.csv")
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 1, 5)
    assert rows(con, "select concern_id, raised_at, reviewed_at from concerns") == [
        ("D6", dt.datetime(2000, 1, 1), dt.datetime(2000, 1, 1, 0, 5))]
    assert quarantine(con) == [("concerns_implausible.csv", line, col, "implausible-date")
                               for line, col in ((2, "raised_at"), (3, "raised_at"), (4, "raised_at"),
                                                 (5, "raised_at"), (6, "reviewed_at"))]
    assert rows(con, "select distinct reason from quarantine where column_name = 'raised_at'") == [
        ("raised_at is before 1 January 2000 or more than 1 year after the load; check the year at source.",)]


def test_expiry_dates_may_lie_further_ahead():
    rule = next(r for r in field_rules(contract.TRAINING.field("expires_on"), dt.date(2026, 12, 2))
                if r.code == "implausible-date")
    assert rule.message == ("expires_on is before 1 January 2000 or more than 10 years after the load; "
                            "check the year at source.")
    assert "date '2036-12-02'" in rule.bad_sql


def test_counts_are_whole_numbers_and_periods_financial_years(con, load):
    report = load("outcomes_strict.csv")
    assert (report.rows_loaded, report.rows_quarantined) == (2, 6)
    # "1,250" is grouped thousands and "+20" a signed whole number: both read
    assert rows(con, "select programme, sought from outcomes order by 1") == [
        ("Programme D", 1250), ("Programme H", 20)]
    assert quarantine(con) == [
        ("outcomes_strict.csv", 2, "sought", "not-a-whole-number"),  # "1,0,0"
        ("outcomes_strict.csv", 3, "sought", "not-a-whole-number"),  # 1e3
        ("outcomes_strict.csv", 4, "engaged", "not-a-whole-number"),  # 12.0
        ("outcomes_strict.csv", 6, "period", "not-a-financial-year"),  # abc
        ("outcomes_strict.csv", 7, "period", "not-a-financial-year"),  # 2023-25
        ("outcomes_strict.csv", 8, "period", "not-a-financial-year"),  # 2099-00
    ]
    year = dt.date.today().year
    assert rows(con, "select distinct reason from quarantine where rule = 'not-a-financial-year'") == [
        (f"period must be a financial year written like 2020-21: two consecutive years, from 2000-01 to "
         f"{year}-{(year + 1) % 100:02d}.",)]


def test_utf16_is_read_with_or_without_a_bom(con, load):
    for name in ("concerns_utf16_bom.csv", "concerns_utf16_nobom.csv"):
        report = load(name)
        assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 2, 0), name
    assert rows(con, "select concern_id, category from concerns order by 1") == [
        ("U1", "Café outreach"), ("U2", "Hoarding")]
    assert rows(con, "select file_name, encoding from loads order by 1") == [
        ("concerns_utf16_bom.csv", "UTF-16"), ("concerns_utf16_nobom.csv", "UTF-16")]


def test_blank_lines_and_quoted_line_breaks_keep_line_numbers_exact(con, load):
    report = load("concerns_blank_lines.csv")
    # 1 header; 2 empty; 3-5 L1, its category over three lines (4 empty); 6, 7 empty; 8 L2; 9 spaces;
    # 10 commas only; 11 L3; 12 empty
    assert (report.rows_in_file, report.header_rows, report.lines_loaded, report.rows_quarantined,
            report.rows_repeated, report.rows_blank) == (10, 1, 2, 1, 0, 6)
    assert report.accounting() == ("every row accounted for: 10 rows in the file = 1 header + 2 loaded "
                                   "+ 1 quarantined + 0 exact repeats + 6 blank")
    assert report.lines()[1] == "         " + report.accounting()
    assert quarantine(con) == [("concerns_blank_lines.csv", 8, "raised_at", "unreadable-date")]
    assert rows(con, "select concern_id, category from concerns order by 1") == [
        ("L1", "Hoarding\r\n\r\nand neglect"), ("L3", "Hoarding")]
    assert rows(con, "select rows_in_file, header_rows, rows_read, rows_loaded, rows_quarantined, rows_repeated, "
                     "rows_blank from loads") == [(10, 1, 3, 2, 1, 0, 6)]


def test_a_zip_renamed_csv_is_rejected(con, load):
    report = load("concerns_zip_renamed.csv")
    assert report.status == "rejected"
    assert report.message == ("cannot be decoded: byte 139 is not UTF-8 or Windows-1252 text. Export it again "
                              "as CSV (UTF-8) or as an Excel workbook.")


def test_binary_bytes_in_a_csv_are_rejected(con, tmp_path):
    from sg_data.loader import load_file

    p = tmp_path / "concerns.csv"
    p.write_bytes(b"concern_id,raised_at,service,category\nA1,2023-10-04,S\x00,C\n")
    report = load_file(con, p)
    assert report.message.startswith("is not a text export: it holds binary data")


def test_every_sheet_of_a_workbook_is_read_or_named_as_skipped(con, load, pseudo):
    report = load("training_sheets.xlsx")
    assert (report.status, report.rows_loaded, report.rows_quarantined, report.rows_blank) == ("loaded", 2, 2, 1)
    assert report.skipped_sheets == ["Notes", "Empty"]
    assert rows(con, "select staff_id, service, required from training order by service desc") == [
        (pseudo("00731"), "Housing Services", True), (pseudo("00733"), "Community Safety", False)]
    assert quarantine(con) == [
        ("training_sheets.xlsx (sheet Community Safety)", 5, "staff_id", "missing-value"),
        ("training_sheets.xlsx (sheet Housing)", 3, "required", "not-yes-or-no"),
    ]
    text = "\n".join(report.lines())
    assert "sheets skipped (no training header in the first rows): Notes, Empty" in text
    assert text.index("sheet 'Housing', line 3, required") < text.index("sheet 'Community Safety', line 5, staff_id")
    assert rows(con, "select skipped_sheets from loads") == [("Notes, Empty",)]


def test_a_workbook_with_a_cell_at_xfd1048576_is_rejected_at_once(con, load):
    report = load("training_huge_range.xlsx")
    assert report.status == "rejected"
    assert report.message == (
        "sheet 'Sheet' has a used range of 1,048,576 rows by 16,384 columns (to column XFD), larger than any "
        "export (at most 2,000,000 rows, 200 columns). Delete the stray cells outside the table, or copy the "
        "table to a new workbook, and save again.")
    assert rows(con, "select count(*) from training") == [(0,)]


def test_edge_shapes_of_csv(con, tmp_path):
    from sg_data.loader import load_file

    def load_text(name, data: bytes):
        p = tmp_path / name
        p.write_bytes(data)
        return load_file(con, p)

    header = b"concern_id,raised_at,service,category"
    assert load_text("concerns_cr.csv", header + b"\rA1,2023-10-04,Housing,Hoarding\r").message == (
        "ends its lines with carriage returns alone (old Mac style), which this reader does not take. Save it "
        "again as CSV (UTF-8) and load again.")
    assert load_text("concerns_empty.csv", b"").message == "is empty: it has no header row."
    only = load_text("concerns_header.csv", b"\xef\xbb\xbf" + header + b"\r\n")
    assert (only.status, only.rows_in_file, only.header_rows, only.lines_loaded) == ("loaded", 1, 1, 0)
    tab = load_text("concerns_tab.csv", header.replace(b",", b"\t") + b"\nT1\t2023-10-04\tHousing\tHoarding\n")
    assert (tab.status, tab.rows_loaded) == ("loaded", 1)
    ragged = load_text("concerns_ragged.csv", header + b"\nR1,2023-10-04,Housing,Hoarding,extra\n"
                                                       b"R2,2023-10-04,Housing,Hoarding\n")
    assert (ragged.rows_loaded, ragged.dropped_unknown) == (2, ["(blank header, column 5)"])


# --- the loader judges a column's dates from its first rows, and the whole file when one does not fit ---------------

def _concerns(path, dates, team=None, encoding="utf-8"):
    """A concerns export, one row per raised_at value (and its team, where given)."""
    head = "concern_id,raised_at,service,category" + (",team" if team else "") + "\n"
    body = "".join(f"C{i:06},{d},Housing,Neglect" + (f",{team[i]}" if team else "") + "\n"
                   for i, d in enumerate(dates))
    path.write_bytes((head + body).encode(encoding))
    return path


def test_a_month_first_date_after_the_first_50000_rows_rejects_the_file(con, tmp_path):
    from sg_data.loader import load_file

    report = load_file(con, _concerns(tmp_path / "concerns.csv", ["03/04/2023 09:15"] * 50_005 + ["12/25/2023 09:15"]))
    assert report.status == "rejected"
    assert report.message.startswith("has raised_at dates in US order, month first: line 50007 has a second number "
                                     "over 12.")
    assert stored_nothing(con)


def test_a_date_written_another_way_after_the_first_50000_rows_is_read(con, tmp_path):
    from sg_data.loader import load_file

    report = load_file(con, _concerns(tmp_path / "concerns.csv", ["2023-10-04 09:15"] * 50_005 + ["05/10/2023 10:30"]))
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 50_006, 0)
    assert rows(con, "select raised_at from concerns where concern_id = 'C050005'") == [(dt.datetime(2023, 10, 5,
                                                                                                      10, 30),)]


def test_a_file_that_stops_being_utf8_after_its_first_megabyte_is_read_as_windows_1252(con, tmp_path):
    from sg_data.loader import load_file

    n = 30_000  # about 1.4 MB before the one Windows-1252 byte
    teams = ["North"] * (n - 1) + ["Café outreach"]
    path = _concerns(tmp_path / "concerns.csv", ["2023-10-04 09:15"] * n, teams, encoding="cp1252")
    assert path.read_bytes()[:1_000_000].decode("utf-8") and path.stat().st_size > 1_000_000
    report = load_file(con, path)
    assert (report.status, report.rows_loaded) == ("loaded", n)
    assert rows(con, "select team from concerns where concern_id = ?", [f"C{n - 1:06}"]) == [("Café outreach",)]
    assert rows(con, "select encoding from loads") == [("Windows-1252",)]
