"""The Imports page under AppTest: an upload checked, mapped, previewed, loaded and its profile saved.

Each test loads into a copy of the sample store (with its pseudonym key) and saves profiles to a temporary
folder. The page file is run directly (its frame draws the navigation): after `switch_page`, AppTest starts every
run with the page's own file, whose frame reruns into `dashboard.py`, and that rerun drops a button's click. (A
browser's runs go through `dashboard.py` once the navigation is declared, so its clicks arrive.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sg_data import audit, frame, profiles
from sg_data.safety import md_escape
from sg_data.views import imports as vm

from tests.conftest import concerns_in, copy_of_store
from tests.test_pages_concerns import table, texts

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "sample_data" / "exports"
SAMPLE_CONCERNS = 1815


@pytest.fixture
def db(sample_db, tmp_path, monkeypatch, fresh_streamlit_caches) -> Path:
    """A copy of the sample store and its key, in the officer view, with an empty profiles folder."""
    path = copy_of_store(sample_db, tmp_path / "store")
    monkeypatch.setenv("SG_DB", str(path))
    monkeypatch.delenv("SG_VIEW", raising=False)
    monkeypatch.setattr(vm, "PROFILES_DIR", tmp_path / "profiles")
    return path


def new_concerns(bad_date: bool = False) -> bytes:
    """MyConcern's sample export with concern ids the sample store does not hold (MC-9...); optionally one
    reported date that is not a date (31 February)."""
    text = (EXPORTS / "myconcern_report_2022-23.csv").read_text(encoding="utf-8").replace("MC-000", "MC-900")
    if bad_date:
        text = text.replace("MC-900535,05/04/2022 10:50", "MC-900535,31/02/2022 10:50", 1)
    return text.encode("utf-8")


def page(*files: tuple[str, bytes]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "imports.py"), default_timeout=120)
    at.run()
    assert at.title[0].value == "Imports"
    if files:
        at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def events(db: Path) -> list[tuple[str, str]]:
    trail = audit.read(audit.audit_path(db))
    return [(e, d) for e, d in zip(trail["event"], trail["detail"]) if e.startswith(("import", "profile"))]


def test_an_upload_is_mapped_previewed_and_loaded_as_the_command_line_loads_it(db):
    name = "myconcern_report_2024-25.csv"
    at = page((name, new_concerns()))
    mapping = table(at, f"proposed mapping of {name}")
    first = mapping.iloc[0].to_dict()
    assert first == {"Contract column": "concern_id", "Required": "yes", "Proposed heading": "Concern Ref",
                     "Confidence": "100%", "Sample values": "MC-900535; MC-900536; MC-900537",
                     "Why": "'concern_ref' is an alias of concern_id"}
    assert [s.value for s in at.selectbox if s.label == "Heading for raised_at (required)"] == ["Date/Time Reported"]
    assert [s.value for s in at.selectbox if s.label == "Date order of this file's dates"] == ["day-first"]
    assert table(at, f"headings of {name} not mapped")["Heading"].tolist() == ["Logged Via"]
    assert "239 rows would be loaded and 2 quarantined" in texts(at)
    assert table(at, f"first rows of {name} as stored")["Concern id"].tolist()[:2] == ["MC-900535", "MC-900536"]

    path = str(db)
    before = frame._version(path)
    old = frame._connection(path, before)
    assert old.execute("select count(*) from concerns").fetchone()[0] == SAMPLE_CONCERNS
    folder = at.session_state["_sg_import_staging"].folder
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700 and db.parent not in folder.parents

    at.button(key="import_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    report = at.code[0].value.splitlines()
    assert report[0] == (f"loaded   {name} (concerns, profile 'myconcern_report' (myconcern-report.toml)): "
                         "239 rows loaded, 0 replaced, 2 quarantined")
    assert report[-1] == "1 files: 239 rows loaded, 2 rows quarantined, 0 files rejected."
    assert concerns_in(db) == SAMPLE_CONCERNS + 239
    assert not folder.exists(), "the uploaded bytes are deleted after the load"
    # the dashboard's next run opens the new version of the store
    after = frame._version(path)
    assert after != before
    assert frame._connection(path, after).execute("select count(*) from concerns").fetchone()[0] == 2054
    assert [e for e, _ in events(db)] == ["import_upload", "import_load"]
    assert '"outcome": "loaded"' in events(db)[1][1] and name in events(db)[1][1]

    at.run()  # the next run shows the report and an empty uploader
    assert "The last load finished. Its report:" in texts(at)
    assert not at.file_uploader[0].value


def test_a_saved_profile_recognises_next_quarters_file_without_asking(db):
    at = page(("myconcern_report_2024-25.csv", new_concerns()))
    at.text_input(key=next(t.key for t in at.text_input if t.label == "Profile name")).set_value(
        "MyConcern quarterly").run()
    save = next(b for b in at.button if b.label == f"Save the profile '{md_escape('MyConcern quarterly')}'")
    save.click().run()
    saved = profiles.load(vm.PROFILES_DIR / "myconcern-quarterly.toml")
    assert (saved.name, saved.kind, saved.files, saved.date_order) == (
        "MyConcern quarterly", "concerns", ["myconcern_report*.csv"], "day-first")
    assert saved.columns["concern_id"].heading == "Concern Ref"
    assert "Saved as myconcern-quarterly.toml in the profiles folder" in texts(at)

    next(b for b in at.button if b.label.startswith("Save the profile")).click().run()
    assert [e.value for e in at.error] == [md_escape(
        "A saved profile myconcern-quarterly.toml already exists. Tick 'Replace the saved profile' to overwrite "
        "it, or give the profile another name.")]
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label.startswith("Save the profile")).click().run()
    assert not at.error
    assert [d for e, d in events(db) if e == "profile_save"][-1].count('"outcome": "replaced"') == 1

    later = page(("myconcern_report_2025-26.csv", new_concerns()))
    words = texts(later)
    assert ("MyConcern quarterly (concerns): files myconcern_report*.csv; saved as myconcern-quarterly.toml"
            in words)
    assert ("A concerns export, recognised by the saved profile 'MyConcern quarterly' (myconcern-quarterly.toml)."
            in words)
    assert not [s for s in later.selectbox if s.label.startswith("Heading for")], "nothing is asked again"
    assert "239 rows would be loaded and 2 quarantined" in words


def test_the_preview_shows_a_bad_date_quarantined_and_leaves_the_store_alone(db):
    vm.PROFILES_DIR.mkdir()
    shutil.copy(ROOT / "profiles" / "myconcern.toml", vm.PROFILES_DIR)
    before = frame._version(str(db))
    at = page(("myconcern_report_2024-25.csv", new_concerns(bad_date=True)))
    assert "238 rows would be loaded and 3 quarantined" in texts(at)
    held = table(at, "rows of myconcern_report_2024-25.csv that would be quarantined")
    assert held.iloc[0][["Line", "Column name", "Rule"]].tolist() == [2, "raised_at", "unreadable-date"]
    assert held["Line"].tolist() == [2, 39, 40]
    assert frame._version(str(db)) == before and concerns_in(db) == SAMPLE_CONCERNS


def test_a_hostile_file_name_is_sanitised_and_escaped(db):
    assert vm.safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert vm.safe_name("<script>.csv") == "script.csv"
    assert vm.safe_name("..\\..\\boot.ini.XLSX") == "boot.ini.xlsx"
    assert vm.safe_name("...") == "upload"
    data = new_concerns()
    at = page(("../../etc/passwd.csv", data), ("<script>.csv", data))  # one content twice
    staged = list(at.session_state["_sg_import_staging"].files.values())
    folder = at.session_state["_sg_import_staging"].folder
    assert [(s.path.parent, s.name) for s in staged] == [(folder, "passwd.csv"), (folder, "script.csv")]
    assert [h.value for h in at.subheader][1:] == [f"1. {md_escape('../../etc/passwd.csv')}",
                                                   f"2. {md_escape('<script>.csv')}"]
    assert [b.label for b in at.button if b.key == "import_load"] == ["Load 2 files into the store"]
    shown = [n.value for n in at.main if n.type in ("markdown", "caption", "subheader", "title", "alert", "error")]
    assert not [v for v in shown if "<script>" in v]
    assert [c.value for c in at.caption if c.value.startswith("Stored")] == [
        f"Stored for loading as {md_escape('passwd.csv')}.", f"Stored for loading as {md_escape('script.csv')}."]


def test_a_file_whose_content_is_not_its_kind_is_refused_by_name(db):
    at = page(("renamed.xlsx", b"Concern Ref,Status\nMC-1,Open\n"), ("archive.csv", b"PK\x03\x04rest"),
              ("binary.csv", b"a,b\n\x00\x01\x02\n"))
    assert [e.value for e in at.error] == [md_escape(m) for m in (
        "Not accepted: renamed.xlsx is named .xlsx but is not an Excel workbook. Open it in Excel and save it again "
        "as .xlsx.",
        "Not accepted: archive.csv is named .csv but is a ZIP file or a workbook. Export it again as CSV, or upload "
        "the .xlsx file.",
        "Not accepted: binary.csv is not a text export: it holds binary data (is it a ZIP, PDF or workbook renamed "
        ".csv?). Export it again as CSV or as an Excel workbook.")]
    assert not [b for b in at.button if b.key == "import_load"], "nothing to load"
    assert [d.count('"outcome": "rejected"') for e, d in events(db)] == [1, 1, 1]


AMBIGUOUS = (b"Concern Ref,Date/Time Reported,Department,Concern Type,Child or Adult\n"
             b"MC-900001,05/04/2022 10:00,Housing,Neglect,Adult\n"
             b"MC-900002,06/04/2022 11:30,Housing,Neglect,Adult\n")


def test_a_date_order_the_values_cannot_tell_is_asked_never_guessed(db):
    at = page(("myconcern_report_2024-25.csv", AMBIGUOUS))
    why = "no date has a number over 12 before the year, so day first and month first cannot be told"
    assert [w.value for w in at.warning if "Date order" in w.value] == [
        f"**Date order not decided.** {md_escape(why)}. Choose it below."]
    assert [e.value for e in at.error] == [
        "**Not ready to load:** " + md_escape("date_order: missing; raised_at hold dates: say day-first (04/10/2023), "
                                              "month-first (10/04/2023) or iso (2023-10-04)")]
    assert not [b for b in at.button if b.key == "import_load"], "nothing loads before the order is chosen"
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Date order of this file's dates")).set_value(
        "month-first").run()
    assert not at.error
    stored = table(at, "first rows of myconcern_report_2024-25.csv as stored")
    assert [str(v) for v in stored["Raised at"]] == ["2022-05-04 10:00:00", "2022-06-04 11:30:00"]


def test_a_file_no_heading_names_asks_which_export_it_is(db):
    at = page(("export.csv", b"Ref,When\nA1,2024-01-01\n"))
    assert "cannot tell which export this is; choose which export it is" in at.error[0].value.replace("\\", "")
    ask = next(s for s in at.selectbox if s.label == f"Which export is {md_escape('export.csv')}?")
    ask.set_value("concerns").run()
    assert [s.value for s in at.selectbox if s.label == "Heading for concern_id (required)"] == ["Ref"]


def test_a_file_over_the_size_limit_is_refused_by_name(db, monkeypatch):
    monkeypatch.setattr(vm, "MAX_MB", 1)
    at = page(("myconcern_report_2024-25.csv", new_concerns() + b"," * 1_000_000))
    assert [e.value for e in at.error] == [md_escape(
        "Not accepted: myconcern_report_2024-25.csv is larger than 1 MB; load it with the command line "
        "(`python -m sg_data load`).")]


def test_a_workbook_named_after_the_contract_is_read_by_its_own_headings(db):
    name = "training-2026-09-30.xlsx"
    at = page((name, (ROOT / "sample_data" / name).read_bytes()))
    assert "A training export named after the data contract: read by its own headings." in texts(at)
    assert not [s for s in at.selectbox if s.label.startswith("Heading for")]
    assert [b.label for b in at.button if b.key == "import_load"] == ["Load 1 file into the store"]
    assert "1,599 rows would be loaded and 0 quarantined: every row accounted for: 1,602 rows in the file" in texts(at)
