"""The Reference tables page under AppTest: the category and service names the exports use that the reference
tables do not name are listed as work to do, mapped on the page and loaded as a categories or services export.

Each test works on a copy of the sample store (and its pseudonym key) that has been sent a concern in a new
category from a renamed service. The page file is run directly, as tests/test_pages_imports.py explains.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from sg_data import audit, loader
from sg_data.contract import CONCERNS
from sg_data.views import reference as vm

from tests.conftest import copy_of_store
from tests.test_pages_concerns import table, texts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(sample_db, tmp_path, monkeypatch, fresh_streamlit_caches) -> Path:
    path = copy_of_store(sample_db, tmp_path / "store")
    extra = tmp_path / "concerns_new.csv"
    extra.write_text("concern_id,raised_at,service,category,subject_group,reviewed_at,referred_to,outcome\n"
                     "MC-990001,2026-09-29 10:00,Housing Options,Cuckooing,adult,2026-09-29 12:00,,Advice\n"
                     "MC-990002,2026-09-29 11:00,Housing Options,Cuckooing,adult,2026-09-29 13:00,,Advice\n"
                     "MC-990003,2026-09-29 12:00,Licensing,Cuckooing,adult,2026-09-29 14:00,Riverside surgery,Advice\n",
                     encoding="utf-8")
    assert loader.load_files([(CONCERNS, extra, None)], path).ok
    monkeypatch.setenv("SG_DB", str(path))
    monkeypatch.delenv("SG_VIEW", raising=False)
    return path


def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "reference.py"), default_timeout=120)
    at.run()
    assert at.title[0].value == "Reference tables"
    assert not at.exception, [e.value for e in at.exception]
    return at


def statutory_of(db: Path, category: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select statutory_category from categories where category = ?", [category]).fetchone()
    finally:
        con.close()


def test_unnamed_categories_and_services_are_listed_as_work_to_do_and_loaded_when_mapped(db):
    at = page()
    assert ("To do: 1 category has no statutory category, so their concerns are counted as \u201cNot mapped\u201d and "
            "published as \u201cCategory not in the categories table\u201d; 1 service name is not in the services "
            "table, so no rename or headcount applies to them and the publication shows them as \u201cService not in "
            "the services table\u201d; 1 referral destination is not in the destinations table, so the publication "
            "counts them as \u201cAnother agency\u201d.") in texts(at)
    gaps = table(at, "categories without a statutory category")
    assert gaps[["Category", "Rows using it"]].astype(str).values.tolist() == [["Cuckooing", "3"]]
    assert table(at, "services the services table does not name")["Service"].tolist() == ["Housing Options"]
    assert table(at, "referral destinations the publication does not name")["Referred to"].tolist() == [
        "Riverside surgery"]
    load = at.button(key="reference_save")
    assert load.disabled   # nothing decided yet: nothing to load

    at.selectbox(key="statutory-Cuckooing").set_value("Working Together: extra-familial harm (criminal exploitation)")
    at.selectbox(key="group-Cuckooing").set_value("adult")
    at.selectbox(key="alias-Housing Options").set_value("Housing Services")
    at.checkbox(key="destination-Riverside surgery").check().run()
    at.button(key="reference_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    report = at.code[0].value
    assert "loaded   services.csv (services): 1 rows loaded" in report
    assert "loaded   categories.csv (categories): 1 rows loaded" in report
    assert "loaded   destinations.csv (destinations): 1 rows loaded" in report
    assert statutory_of(db, "Cuckooing") == ("Working Together: extra-familial harm (criminal exploitation)",)
    assert ("Nothing to do: every category, service and referral destination in the exports is in the reference "
            "tables.") in texts(at)
    trail = audit.read(audit.audit_path(db))
    saved = [json.loads(d) for d in trail[trail["event"] == "reference_save"]["detail"]]
    assert [(d["kind"], d["outcome"]) for d in saved] == [("services", "loaded"), ("categories", "loaded"),
                                                          ("destinations", "loaded")]


def test_a_mapping_left_undecided_loads_nothing_for_it():
    assert vm.category_rows({"A": (vm.NOT_YET, ""), "B": ("Wellbeing (non-statutory)", "")}) == [
        {"category": "B", "statutory_category": "Wellbeing (non-statutory)", "subject_group": ""}]
    assert vm.service_rows({"Old": vm.NOT_YET, "New": vm.OWN, "Renamed": "Housing Services"}) == [
        {"service": "New", "alias_of": "", "year": "", "headcount": ""},
        {"service": "Renamed", "alias_of": "Housing Services", "year": "", "headcount": ""}]
    assert vm.destination_rows(["Riverside surgery"]) == [{"referred_to": "Riverside surgery"}]
