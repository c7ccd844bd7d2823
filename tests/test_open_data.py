"""Open data in the Explore Education Statistics standard: the sample council's figures, the symbols, CSV safety,
and the EES rules as a check that catches each break.

The publication here is the sample council's officer tables with suppression flags set by hand: the writer must
not care how the flags were chosen (the disclosure engine chooses them in a real publish)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sg_data import catalog, ees, open_data, publication, publish
from sg_data.figures import StoreFigures
from sg_data.open_data import Council, OpenDataError, council_from_env, validate, write

FILES = {"concerns", "concerns_quarterly", "review_timeliness", "review_timeliness_quarterly", "training_coverage",
         "training_coverage_quarterly", "survey", "self_assessment", "outcomes"}
HOSTILE = '=HYPERLINK("http://x")'


def as_publication(tables: dict, manifest: dict) -> publication.Publication:
    """Officer tables in the publication's shape: counts nullable, a `_suppressed` flag beside each, none hidden."""
    out = {}
    for name, frame in tables.items():
        t = catalog.table(name)
        frame = frame.drop(columns=[c for c in t.officer_columns if c in frame.columns]).copy()
        for c in t.counts:
            if c.column in frame.columns:
                frame[c.column] = pd.array(pd.to_numeric(frame[c.column]).round(), dtype="Int64")
                frame[f"{c.column}_suppressed"] = False
        for col in t.derived:
            if col in frame.columns:
                frame[col] = frame[col].astype("Float64")
                frame[f"{col}_suppressed"] = False
        out[name] = frame
    return publication.Publication(out, dict(manifest))


def copy(pub: publication.Publication) -> publication.Publication:
    return publication.Publication({k: v.copy() for k, v in pub.tables.items()}, dict(pub.manifest))


def hide(pub, table: str, column: str, **where) -> None:
    """Hide one cell (or the cells matching `where`): <NA> and the flag set, as the disclosure engine leaves them."""
    frame = pub.tables[table]
    mask = pd.Series(True, index=frame.index)
    for k, v in where.items():
        mask &= frame[k] == v
    assert mask.any(), f"no {table} row {where}"
    frame[column] = frame[column].astype("Int64" if column in [c.column for c in catalog.table(table).counts]
                                         else "Float64")
    frame.loc[mask, column] = pd.NA
    frame.loc[mask, f"{column}_suppressed"] = True


@pytest.fixture(scope="module")
def sample_pub(sample_db) -> publication.Publication:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        figures = StoreFigures(con)
        tables = publication.officer_tables(con, figures)
        cov = figures.coverage()
        manifest = {"threshold": 5, "min_group": 10, "target_hours": 24, "period_labels": figures.period_labels(),
                    "coverage": {k: (v.isoformat() if v is not None else None) for k, v in cov.items()},
                    "published_at": "2026-12-02T18:00:00"}
    finally:
        con.close()
    return as_publication(tables, manifest)


@pytest.fixture(scope="module")
def folder(sample_pub, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("open_data")
    write(sample_pub, out, Council("Sample City Council", "E07000178"))
    return out


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def row(path: Path, **where) -> dict:
    found = [r for r in rows(path) if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, f"{len(found)} rows of {path.name} match {where}"
    return found[0]


FY2324 = {"time_period": "202324", "time_identifier": "Financial year"}


# --- the sample council ------------------------------------------------------------------------------------

def test_the_sample_council_open_data_keeps_the_ees_rules(folder):
    assert validate(folder) == []
    assert {p.name[:-len(".meta.csv")] for p in folder.glob("*.meta.csv")} == FILES
    assert (folder / "data-guidance.md").exists()


def test_concerns_2023_24_total_is_276_and_the_top_services_are_as_published(folder):
    path = folder / "concerns.csv"
    assert row(path, **FY2324, service="Total", category="Total", statutory_category="Total")["concerns"] == "276"
    services = [r for r in rows(path) if r["time_period"] == "202324" and r["category"] == "Total"
                and r["statutory_category"] == "Total" and r["service"] != "Total"]
    top = sorted(services, key=lambda r: -int(r["concerns"]))[:3]
    assert [r["service"] for r in top] == ["Business Improvement", "Housing Services", "Community Safety"]


def test_every_row_has_the_time_and_the_council_and_rows_come_by_name_with_total_last(folder):
    data = rows(folder / "concerns.csv")
    assert {(r["geographic_level"], r["country_code"], r["country_name"], r["lad_code"], r["lad_name"])
            for r in data} == {("Local authority district", "E92000001", "England", "E07000178", "Sample City Council")}
    assert {r["time_identifier"] for r in data} == {"Financial year"}
    assert min(r["time_period"] for r in data) == "201920", "no period before the first concern"
    services = list(dict.fromkeys(r["service"] for r in data if r["time_period"] == "202324"))
    assert services[-1] == "Total" and services[:-1] == sorted(services[:-1], key=str.casefold)
    quarters = rows(folder / "concerns_quarterly.csv")
    assert {r["time_identifier"] for r in quarters} == {f"Financial year Q{q}" for q in range(1, 5)}


def test_the_statutory_category_groups_the_category(folder):
    meta = {m["col_name"]: m for m in rows(folder / "concerns.meta.csv")}
    assert meta["category"]["filter_grouping_column"] == "statutory_category"
    assert meta["concerns"]["col_type"] == "Indicator" and meta["service"]["col_type"] == "Filter"
    hoarding = row(folder / "concerns.csv", **FY2324, service="Total", category="Hoarding")
    assert hoarding["statutory_category"] == "Care Act 2014: self-neglect"


def test_review_timeliness_council_wide_row_is_the_all_row(folder):
    total = row(folder / "review_timeliness.csv", **FY2324, service="Total")
    assert (total["concerns_raised"], total["reviewed_within_target"], total["reviewed_late"],
            total["in_denominator"], total["reviewed_within_target_pct"], total["median_hours_to_review"]) == (
        "276", "259", "17", "276", "93.8", "3.9")


def test_training_coverage_shows_the_snapshot_the_period_serves(folder, sample_pub):
    snaps = sample_pub.tables["training_snapshots"]
    at = snaps[pd.to_datetime(snaps["snapshot_date"]) == pd.Timestamp("2024-03-31")].iloc[0]
    total = row(folder / "training_coverage.csv", **FY2324, staff_group="Total", service="Total")
    assert (total["required"], total["in_date"]) == (str(at["required"]), str(at["in_date"]))
    staff = row(folder / "training_coverage.csv", **FY2324, staff_group="Staff", service="Total")
    assert staff["required"] == str(at["staff_required"])
    q3 = row(folder / "training_coverage_quarterly.csv", time_period="202324", time_identifier="Financial year Q3",
             staff_group="Total", service="Total")
    dec = snaps[pd.to_datetime(snaps["snapshot_date"]) == pd.Timestamp("2023-12-31")].iloc[0]
    assert q3["required"] == str(dec["required"])


def test_data_guidance_names_the_rules_with_the_manifest_figures(sample_pub, tmp_path):
    pub = copy(sample_pub)
    pub.manifest.update(threshold=7, min_group=12)
    write(pub, tmp_path, Council("Sample City Council", "E07000178"))
    guidance = (tmp_path / "data-guidance.md").read_text(encoding="utf-8")
    assert "from 1 to 7 are hidden" in guidance and "fewer than 12 people" in guidance
    assert "### concerns.csv" in guidance and "`c`: confidential" in guidance
    assert "**Reviewed within target**" in guidance  # a definition from the glossary


# --- symbols: what the publication hides stays hidden ------------------------------------------------------------

@pytest.fixture(scope="module")
def hidden_folder(sample_pub, tmp_path_factory) -> Path:
    pub = copy(sample_pub)
    hide(pub, "concerns_by_service", "concerns", time_key="2023-24", service="Leisure")
    hide(pub, "timeliness", "within_target", time_key="2023-24", dimension="service", value="Councillors")
    hide(pub, "timeliness", "median_hours_to_review", time_key="2023-24", dimension="service", value="Councillors")
    hide(pub, "timeliness", "in_denominator", time_key="2023-24", dimension="service", value="Planning")
    hide(pub, "training_by_service", "required", time_key="2024-03-31", service="Licensing")
    hide(pub, "training_by_service", "expiring_soon", time_key="2024-03-31", service="Planning")
    hide(pub, "outcomes", "engaged", time_key="2025-26", programme="Youth Ambition")
    # the totals come from the publication's own total tables: a sentinel there shows in the Total row
    pub.tables["concerns_summary"].loc[pub.tables["concerns_summary"]["time_key"] == "2023-24", "concerns"] = 999
    out = tmp_path_factory.mktemp("hidden")
    write(pub, out, Council("Sample City Council", "E07000178"))
    return out


def test_a_hidden_count_is_c_and_totals_are_the_published_totals(hidden_folder):
    path = hidden_folder / "concerns.csv"
    assert row(path, **FY2324, service="Leisure", category="Total")["concerns"] == "c"
    assert row(path, **FY2324, service="Total", category="Total", statutory_category="Total")["concerns"] == "999"
    assert validate(hidden_folder) == []


def test_no_share_beside_a_hidden_count(hidden_folder):
    timeliness = hidden_folder / "review_timeliness.csv"
    councillors = row(timeliness, **FY2324, service="Councillors")
    assert (councillors["reviewed_within_target"], councillors["reviewed_within_target_pct"],
            councillors["median_hours_to_review"], councillors["reviewed_late"]) == ("c", "c", "c", "3")
    planning = row(timeliness, **FY2324, service="Planning")
    assert (planning["in_denominator"], planning["reviewed_within_target"],
            planning["reviewed_within_target_pct"]) == ("c", "10", "c")
    training = hidden_folder / "training_coverage.csv"
    licensing = row(training, **FY2324, staff_group="Staff", service="Licensing")
    assert (licensing["required"], licensing["in_date"], licensing["in_date_pct"]) == ("c", "34", "c")
    # a group's expiring courses are never a sum over a hidden part
    assert row(training, **FY2324, staff_group="Staff", service="Total")["expiring_90_days"] == "x"
    youth = row(hidden_folder / "outcomes.csv", time_period="202526", programme="Youth Ambition")
    assert (youth["engaged"], youth["reach_pct"], youth["success_pct"], youth["negative_pct"], youth["sought"]) == (
        "c", "c", "c", "c", "531")


def test_not_recorded_is_x_and_a_share_of_nothing_is_z(folder):
    youth = row(folder / "outcomes.csv", time_period="201920", programme="Youth Ambition")
    assert (youth["negative"], youth["negative_pct"], youth["reach_pct"]) == ("x", "x", "62.1")
    wave = row(folder / "survey.csv", survey_wave="2014-15", question="Total")
    assert (wave["invited"], wave["response_rate_pct"], wave["respondents"], wave["answered"]) == ("x", "x", "29", "z")


# --- CSV safety ----------------------------------------------------------------------------------------------

def test_hostile_names_are_neutralised_and_a_service_called_total_is_not_an_aggregate(sample_pub, tmp_path):
    pub = copy(sample_pub)
    renames = {"Leisure": HOSTILE, "Licensing": "Total",
               "Planning": "\t@SUM(A1)", "Communities": "-2+3"}
    for frame in pub.tables.values():
        for col in ("service", "value"):
            if col in frame.columns:
                frame[col] = frame[col].replace(renames)
    write(pub, tmp_path, Council("Sample City Council", "E07000178"))
    assert validate(tmp_path) == []
    services = {r["service"] for r in rows(tmp_path / "concerns.csv")}
    assert {"'" + HOSTILE, "'@SUM(A1)", "'-2+3", "Total (as recorded)", "Total"} <= services
    assert not any(s.startswith(ees.FORMULA_START) for s in services)
    text = (tmp_path / "review_timeliness.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+44 1865", "'+44 1865"), ("-x", "'-x"), ("@cmd", "'@cmd"), ("\t=1", "'=1"),
    ("\r=1", "'=1"), ("  Housing\nServices ", "Housing Services"), ("-3.5", "-3.5"), ("Leisure", "Leisure"),
    ("Housing\u202e secivreS", "Housing secivreS"), ("Null\x00byte", "Null byte"), (None, "")])
def test_a_text_cell_is_one_safe_line(value, written):
    assert open_data.text(value) == written


# --- the council ---------------------------------------------------------------------------------------------

def test_the_council_comes_from_the_environment_with_sample_defaults():
    assert council_from_env({}) == Council("Sample City Council", "E07000178")
    c = council_from_env({"SG_COUNCIL_NAME": " Manchester City Council ", "SG_COUNCIL_CODE": "e08000003",
                          "SG_COUNCIL_OLD_LA_CODE": "352"})
    assert (c.name, c.code, c.level) == ("Manchester City Council", "E08000003", "Local authority")
    assert c.columns()["old_la_code"] == "352"


@pytest.mark.parametrize("env, message", [
    ({"SG_COUNCIL_CODE": "W06000015"}, "SG_COUNCIL_CODE is 'W06000015': it must be an English council's GSS code"),
    ({"SG_COUNCIL_CODE": "E0800000"}, "SG_COUNCIL_CODE is 'E0800000'"),
    ({"SG_COUNCIL_CODE": "E08000003"}, "three-digit DfE code in SG_COUNCIL_OLD_LA_CODE (it is '')"),
])
def test_a_wrong_council_setting_is_refused_by_name(env, message):
    with pytest.raises(OpenDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        council_from_env(env)


def test_an_upper_tier_council_is_published_at_local_authority_level(sample_pub, tmp_path):
    write(sample_pub, tmp_path, Council("Manchester City Council", "E08000003", "352"))
    assert validate(tmp_path) == []
    first = rows(tmp_path / "outcomes.csv")[0]
    assert (first["geographic_level"], first["new_la_code"], first["la_name"], first["old_la_code"]) == (
        "Local authority", "E08000003", "Manchester City Council", "352")


def test_publish_writes_the_open_data_folder_with_its_mark(sample_pub, tmp_path, monkeypatch):
    monkeypatch.delenv("SG_COUNCIL_CODE", raising=False)
    monkeypatch.setenv("SG_COUNCIL_NAME", "Sample City Council")
    out = publish.write_folder(sample_pub, tmp_path / "open-data")
    assert (out / publish.OPEN_DATA_MARK).exists() and validate(out) == []


# --- validate(): each EES rule, broken -----------------------------------------------------------------------

def _edit(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    change(table)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)


def _set(column: str, value: str, line: int = 1):
    def change(table):
        table[line][table[0].index(column)] = value
    return change


def _rename(old: str, new: str):
    def change(table):
        table[0][table[0].index(old)] = new
    return change


def _meta(col_name: str, field: str, value: str):
    def change(table):
        r = next(r for r in table if r[0] == col_name)
        r[table[0].index(field)] = value
    return change


BREAKS = {
    "no meta file": (lambda d: (d / "survey.meta.csv").unlink(), "survey.csv: no meta file survey.meta.csv"),
    "no data file": (lambda d: (d / "survey.csv").unlink(), "survey.meta.csv: no data file survey.csv"),
    "file name": (lambda d: [(d / "survey.csv").rename(d / "Staff survey.csv"),
                             (d / "survey.meta.csv").rename(d / "Staff survey.meta.csv")],
                  "Staff survey.csv: a file name is lowercase letters"),
    "renamed column": (lambda d: _edit(d / "concerns.csv", _rename("concerns", "Concerns raised")),
                       "column 'Concerns raised' is not snake_case"),
    "meta col not in data": (lambda d: _edit(d / "concerns.csv", _rename("concerns", "concerns_raised")),
                             "meta file line 4 ('concerns'): no such column in the data file"),
    "blank column": (lambda d: _edit(d / "concerns.csv", _rename("concerns", "")), "column 11 has a blank name"),
    "required column": (lambda d: _edit(d / "survey.csv", _rename("time_identifier", "period_type")),
                        "the required column 'time_identifier' is missing"),
    "four-digit period": (lambda d: _edit(d / "concerns.csv", _set("time_period", "2019")),
                          "line 2: time_period '2019' is not a 6-digit period for 'Financial year'"),
    "not consecutive": (lambda d: _edit(d / "concerns.csv", _set("time_period", "201922")),
                        "line 2: time_period '201922' is not two consecutive years"),
    "unknown identifier": (lambda d: _edit(d / "concerns.csv", _set("time_identifier", "Fiscal year")),
                           "time_identifier 'Fiscal year' is not one EES allows"),
    "mixed identifiers": (lambda d: _edit(d / "concerns.csv", _set("time_identifier", "Financial year Q1")),
                          "time identifiers that may not share a file: 'Financial year' with 'Financial year Q1'"),
    "geographic level": (lambda d: _edit(d / "outcomes.csv", _set("geographic_level", "District")),
                         "line 2: geographic_level 'District' is not one EES allows"),
    "geography code": (lambda d: _edit(d / "outcomes.csv", _set("lad_code", "Oxford")),
                       "line 2: lad_code 'Oxford' is not a valid lad code"),
    "country": (lambda d: _edit(d / "outcomes.csv", _set("country_name", "Wales")),
                "line 2: country_code E92000001 is England, not 'Wales'"),
    "col_type": (lambda d: _edit(d / "survey.meta.csv", _meta("respondents", "col_type", "Measure")),
                 "col_type is 'Measure', not Filter or Indicator"),
    "grouping column": (lambda d: _edit(d / "concerns.meta.csv", _meta("category", "filter_grouping_column",
                                                                        "legal_category")),
                        "its filter_grouping_column 'legal_category' is not a column of the data file"),
    "label": (lambda d: _edit(d / "survey.meta.csv", _meta("invited", "label", "")), "the label is blank"),
    "indicator unit": (lambda d: _edit(d / "survey.meta.csv", _meta("positive_pct", "indicator_unit", "percent")),
                       "indicator_unit 'percent' is not one of"),
    "indicator value": (lambda d: _edit(d / "concerns.csv", _set("concerns", "n/a")),
                        "indicator 'concerns' holds 'n/a': a number or one of the symbols"),
    "blank indicator": (lambda d: _edit(d / "concerns.csv", _set("concerns", "")), "indicator 'concerns' holds ''"),
    "undescribed column": (lambda d: _edit(d / "outcomes.meta.csv", lambda t: t.pop()),
                           "column 'negative_pct' is neither a time or geography column nor in the meta file"),
    "duplicate row": (lambda d: _edit(d / "outcomes.csv", lambda t: t.append(list(t[1]))),
                      "repeats line 2: the same time, place and filters"),
    "no total": (lambda d: _edit(d / "review_timeliness.csv",
                                 lambda t: t.__setitem__(slice(None), [r for r in t if "Total" not in r])),
                 "filter 'service' has no 'Total' row"),
    "blank filter": (lambda d: _edit(d / "outcomes.csv", _set("programme", "")), "filter 'programme' has a blank value"),
    "ragged row": (lambda d: _edit(d / "outcomes.csv", lambda t: t[1].pop()), "outcomes.csv line 2 has 17 cells, "
                   "the header 18"),
    "formula": (lambda d: _edit(d / "outcomes.csv", _set("measure", "=cmd|' /C calc'!A0")),
                "column 'measure': '=cmd|' /C calc'!A0' would run as a formula"),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_validate_catches_each_broken_rule(folder, tmp_path, name):
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    brake, expected = BREAKS[name]
    brake(broken)
    problems = validate(broken)
    assert any(expected in p for p in problems), problems


def test_write_refuses_to_leave_a_folder_that_breaks_the_rules(sample_pub, tmp_path, monkeypatch):
    monkeypatch.setattr(open_data, "validate", lambda folder: ["concerns.csv: line 2: something broke"])
    with pytest.raises(OpenDataError, match="breaks the EES rules, first of 1: concerns.csv: line 2"):
        write(sample_pub, tmp_path, Council("Sample City Council", "E07000178"))
