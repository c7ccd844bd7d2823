"""Export profiles (issue 13): the example exports in sample_data/exports/ load through their profiles to the same
stored rows as the contract-shaped files they came from; `profile suggest` maps each of their columns and never
guesses; a bad or hostile profile gets a clear message."""

from __future__ import annotations

import csv
import shutil
import tomllib

import pytest
import tomli_w

from sg_data import profiles
from sg_data.cli import main
from sg_data.loader import load_file, load_folder
from sg_data.profile_suggest import suggest
from sg_data.profiles import ProfileError

from .conftest import ROOT, SAMPLE

EXPORTS = SAMPLE / "exports"
PROFILES = ROOT / "profiles"
DSL = "Designated Safeguarding Lead"


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def shipped(name: str) -> profiles.Loaded:
    return profiles.load(PROFILES / name)


def subset(tmp_path, source: str, name: str, keep, encoding="utf-8", delimiter=","):
    """The contract-shaped rows an example export was written from, as a file of their own."""
    out = tmp_path / name
    with open(SAMPLE / source, encoding=encoding, newline="") as f, open(out, "w", newline="") as g:
        reader, writer = csv.reader(f, delimiter=delimiter), csv.writer(g)
        writer.writerow(next(reader))
        writer.writerows(r for r in reader if any(r) and keep(r))
    return out


CASES = {
    "myconcern_report_2022-23.csv": ("myconcern.toml", "concerns", 239, 2,
                                     lambda t: subset(t, "concerns_2019-23.csv", "concerns_2022-23.csv",
                                                      lambda r: "2022-04-01" <= r[1] < "2023-04-01")),
    "cpoms_export_2023-24.csv": ("cpoms.toml", "concerns", 276, 2,
                                 lambda t: SAMPLE / "concerns_2023-24.csv"),
    "hr_training_matrix_2026-06-30.csv": ("hr_training_matrix.toml", "training", 1486, 0,
                                          lambda t: subset(t, "training_2023-2026.csv", "training_2026-06-30.csv",
                                                           lambda r: r[0] == "2026-06-30" and r[6] == "Y"
                                                           and r[4] != DSL)),
    "smartsurvey_staff_safeguarding_2019.csv": ("smartsurvey.toml", "survey_responses", 1701, 0,
                                                lambda t: SAMPLE / "survey_responses_2019-wide.csv"),
}


@pytest.mark.parametrize("export", sorted(CASES))
def test_an_export_loads_through_its_profile_to_the_rows_its_contract_file_stores(con, tmp_path, export):
    profile_file, table, loaded, quarantined, contract_file = CASES[export]
    # one store, so that staff ids take the same keyed pseudonym; the profiled export replaces what it covers
    first = load_file(con, contract_file(tmp_path))
    assert (first.status, first.rows_loaded, first.rows_quarantined) == ("loaded", loaded, quarantined)
    expected = rows(con, f"select * exclude (load_id) from {table} order by all")
    expected_quarantine = rows(con, "select line, column_name, rule from quarantine order by all")

    report = load_file(con, EXPORTS / export, profile=shipped(profile_file))
    assert (report.status, report.rows_loaded, report.rows_replaced, report.rows_quarantined) == (
        "loaded", loaded, loaded, quarantined)
    assert report.profile.endswith(f"({profile_file})")
    assert rows(con, f"select * exclude (load_id) from {table} order by all") == expected
    assert rows(con, "select line, column_name, rule from quarantine where load_id = (select max(load_id) from "
                     "loads) order by all") == expected_quarantine
    assert report.rows_in_file == report.header_rows + report.lines_loaded + report.rows_quarantined + \
        report.rows_repeated + report.rows_blank


def test_the_examples_quarantine_what_their_contract_files_do(con):
    load_file(con, EXPORTS / "cpoms_export_2023-24.csv", profile=shipped("cpoms.toml"))
    # 02/31/2024 month first cannot be read: quarantined, never guessed; a review before raising
    assert rows(con, "select file_name, line, column_name, rule from quarantine order by line") == [
        ("cpoms_export_2023-24.csv", 130, "reviewed_at", "review-before-raised"),
        ("cpoms_export_2023-24.csv", 253, "raised_at", "unreadable-date")]
    # 04/03/2023 09:33 AM month first is 3 April; "Young person" is a child
    assert rows(con, "select raised_at::varchar, subject_group from concerns where concern_id = 'MC-000775'") == [
        ("2023-04-03 09:33:00", "adult")]
    with open(EXPORTS / "cpoms_export_2023-24.csv", newline="") as f:
        young = sorted(r["Incident ID"] for r in csv.DictReader(f) if r["Person Type"] == "Young person")
    assert len(young) > 0
    assert rows(con, "select distinct subject_group from concerns where list_contains($1, concern_id)", [young]) == [
        ("child",)]


def test_identity_and_unmapped_headings_are_named_and_never_stored(con):
    report = load_file(con, EXPORTS / "hr_training_matrix_2026-06-30.csv", profile=shipped("hr_training_matrix.toml"))
    assert report.dropped_identity == ["Employee Name"] and report.dropped_unknown == []
    assert rows(con, "select dropped_columns from loads") == [("Employee Name",)]
    assert rows(con, "select course, level, count(*), count(completed_on) from training group by all order by 1") == [
        ("Councillor safeguarding briefing", 1, 48, 47), ("Domestic abuse awareness", None, 148, 141),
        ("Enhanced safeguarding", 2, 478, 459), ("Prevent", None, 123, 120),
        ("Safeguarding awareness", 1, 689, 676)]


EXPECTED = {
    "myconcern_report_2022-23.csv": ({
        "Concern Ref": "concern_id", "Date/Time Reported": "raised_at", "Logged Via": None, "Department": "service",
        "Team": "team", "Concern Type": "category", "Child or Adult": "subject_group",
        "DSL Review Date": "reviewed_at", "Referred To": "referred_to", "Status": "outcome",
        "Date Closed": "closed_at"}, "day-first"),
    "cpoms_export_2023-24.csv": ({
        "Incident ID": "concern_id", "Date Raised": "raised_at", "Time Raised": "raised_at",
        "Service Area": "service", "Team Name": "team", "Concern Category": "category", "Person Type": "subject_group",
        "Date Reviewed": "reviewed_at", "Referral": "referred_to", "Concern Outcome": "outcome",
        "Date Closed": "closed_at"}, "month-first"),
    "hr_training_matrix_2026-06-30.csv": ({
        "Report Date": "snapshot_date", "Employee Number": "staff_id", "Employee Name": None,
        "Service Area": "service", "Job Title": "role", "Safeguarding Awareness (e-learning)": "unpivot",
        "Enhanced Safeguarding": "unpivot", "Domestic Abuse Awareness": "unpivot", "Prevent (WRAP)": "unpivot",
        "Members' Briefing": "unpivot"}, "day-first"),
    "smartsurvey_staff_safeguarding_2019.csv": ({
        "Response ID": "response_id", "Submitted": None, "Which service do you work in?": "service",
        **{h: "unpivot" for h in shipped("smartsurvey.toml").unpivot.headings}}, None),
}


@pytest.mark.parametrize("export", sorted(EXPECTED))
def test_suggest_maps_every_column_of_each_example(export):
    mapping, order = EXPECTED[export]
    s = suggest(EXPORTS / export)
    assert {p.heading: p.target for p in s.proposals} == mapping
    assert s.date_order == order
    profile = shipped(CASES[export][0])
    proposed = tomllib.loads(s.toml())
    # every heading the suggestion maps, it maps as the shipped profile does
    for target, spec in proposed["columns"].items():
        assert profile.columns[target].model_dump(exclude_none=True) == (
            {"heading": spec} if isinstance(spec, str) else spec)
    if profile.unpivot:
        assert proposed["unpivot"]["headings"] == profile.unpivot.headings
        assert proposed["unpivot"].get("names", {}) == ({} if profile.kind == "training" else profile.unpivot.names)


def test_a_suggested_concern_profile_loads_as_the_shipped_one(con, tmp_path):
    out = tmp_path / "cpoms.toml"
    assert main(["profile", "suggest", str(EXPORTS / "cpoms_export_2023-24.csv"), "--out", str(out)]) == 0
    report = load_file(con, EXPORTS / "cpoms_export_2023-24.csv", profile=profiles.load(out))
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 276, 2)
    assert rows(con, "select count(*) from concerns where subject_group = 'child'")[0][0] > 0


def _write(path, header, data):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(data)
    return path


def test_suggest_leaves_unknown_and_two_way_headings_for_a_person(tmp_path):
    path = _write(tmp_path / "system_x.csv", ["Ref", "Raised", "Service/Team", "Category", "Colour"],
                  [[f"X{i}", f"2023-10-{i + 1:02d} 09:15", "Housing", "Hoarding", "Blue"] for i in range(5)])
    s = suggest(path, "concerns")
    got = {p.heading: (p.target, p.why) for p in s.proposals}
    assert got["Service/Team"] == (None, "fits both service and team")
    assert got["Colour"][0] is None
    assert "service" not in s.columns and "team" not in s.columns
    assert s.date_order == "iso"
    assert "'Service/Team' fits both service and team: map it by hand if it is either" in s.for_a_person
    assert "'Colour' matches no contract column: not mapped (not stored)" in s.for_a_person
    assert any(line.startswith("service is required") for line in s.for_a_person)


def test_suggest_never_guesses_a_date_order_the_values_cannot_tell(tmp_path):
    path = _write(tmp_path / "system_y.csv", ["Concern ID", "Date Raised", "Service", "Category"],
                  [["Y1", "03/04/2023 09:15", "Housing", "Hoarding"], ["Y2", "05/06/2023 10:00", "Housing", "Other"]])
    s = suggest(path)
    assert s.kind.name == "concerns" and s.columns["raised_at"] == "Date Raised"
    assert s.date_order is None
    assert "date_order" not in tomllib.loads(s.toml())
    assert any(line.startswith("date_order: no date has a number over 12") for line in s.for_a_person)
    # the proposal cannot be used until a person says which order
    (tmp_path / "y.toml").write_text(s.toml())
    with pytest.raises(ProfileError) as exc:
        profiles.load(tmp_path / "y.toml")
    assert str(exc.value).startswith("y.toml: date_order: missing; raised_at hold dates")


def test_suggest_cli_writes_toml_to_stdout_and_a_report_to_stderr(capsys):
    assert main(["profile", "suggest", str(EXPORTS / "myconcern_report_2022-23.csv")]) == 0
    out, err = capsys.readouterr()
    assert tomllib.loads(out)["columns"]["raised_at"] == "Date/Time Reported"
    assert "Logged Via         -> (not mapped)" in err
    assert "date order: day-first ('Date/Time Reported' has a date with a first number over 12)" in err


BAD = {
    "unknown column": ('name = "x"\nkind = "concerns"\nfiles = ["x*.csv"]\ndate_order = "iso"\n'
                       '[columns]\nconcern_id = "Ref"\nraised = "When"\n',
                       "bad.toml: columns.raised: 'raised' is not a column of a concerns export (one of concern_id, "),
    "bad toml": ('name = "x"\nkind = concerns\n', "bad.toml: is not valid TOML (Invalid value (at line 2, column 8))."),
    "unknown key": ('name = "x"\nkind = "outcomes"\nfiles = ["x*.csv"]\nfile = "y"\n',
                    "bad.toml: file: is not a profile key"),
    "unknown kind": ('name = "x"\nkind = "incidents"\nfiles = ["x*.csv"]\n', "bad.toml: kind: Input should be"),
    "a path": ('name = "x"\nkind = "categories"\nfiles = ["../secret/*.csv"]\n[columns]\ncategory = "C"\n'
               'statutory_category = "S"\n',
               "bad.toml: files: '../secret/*.csv' is not a file name pattern: a profile matches names in the export "
               "folder, never paths"),
    "required missing": ('name = "x"\nkind = "categories"\nfiles = ["c*.csv"]\n[columns]\ncategory = "C"\n',
                         "bad.toml: columns: the required column(s) statutory_category of a categories export "
                         "are not mapped"),
    "identity": ('name = "x"\nkind = "categories"\nfiles = ["c*.csv"]\n[columns]\ncategory = "Subject Name"\n'
                 'statutory_category = "S"\n',
                 "bad.toml: columns.category: 'Subject Name' looks like a person's identity"),
    "two sources": ('name = "x"\nkind = "categories"\nfiles = ["c*.csv"]\n[columns]\ncategory = "C"\n'
                    'statutory_category = { heading = "S", value = "T" }\n',
                    "bad.toml: columns.statutory_category: give exactly one of heading, value, join or same_as"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_profile_is_named_with_its_key(tmp_path, case):
    text, message = BAD[case]
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(ProfileError) as exc:
        profiles.load(tmp_path / "bad.toml")
    assert str(exc.value).startswith(message), str(exc.value)


def test_a_bad_profile_stops_the_load_with_one_line_and_stores_nothing(tmp_path, capsys):
    src = tmp_path / "exports"
    src.mkdir()
    shutil.copy(EXPORTS / "myconcern_report_2022-23.csv", src)
    (src / "profiles").mkdir()
    (src / "profiles" / "bad.toml").write_text(BAD["unknown column"][0])
    assert main(["load", str(src), "--db", str(tmp_path / "sg.duckdb"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: profile bad.toml: columns.raised: 'raised' is not a column")
    assert "Traceback" not in err
    assert not (tmp_path / "sg.duckdb").exists()


def test_the_loader_finds_profiles_inside_or_beside_the_export_folder(tmp_path):
    for where in ("inside", "beside"):
        src = tmp_path / where / "exports"
        src.mkdir(parents=True)
        shutil.copy(EXPORTS / "myconcern_report_2022-23.csv", src)
        folder = src / "profiles" if where == "inside" else src.parent / "profiles"
        folder.mkdir()
        shutil.copy(PROFILES / "myconcern.toml", folder)
        report = load_folder(src, tmp_path / f"{where}.duckdb")
        assert [(f.file, f.status, f.rows_loaded) for f in report.files] == [
            ("myconcern_report_2022-23.csv", "loaded", 239)], where


def test_load_cli_takes_a_profile_and_refuses_one_that_matches_nothing(tmp_path, capsys):
    db = str(tmp_path / "sg.duckdb")
    assert main(["load", str(EXPORTS), "--db", db, "--profile", str(PROFILES), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "4 files: 3702 rows loaded, 4 rows quarantined, 0 files rejected." in out
    assert main(["load", str(SAMPLE), "--db", db, "--profile", str(PROFILES / "cpoms.toml"), "--quiet"]) == 2
    assert "no file in sample_data matches the file patterns of cpoms.toml" in capsys.readouterr().err


def test_two_profiles_matching_one_file_are_an_error(tmp_path):
    (tmp_path / "a.toml").write_text((PROFILES / "myconcern.toml").read_text())
    (tmp_path / "b.toml").write_text((PROFILES / "myconcern.toml").read_text())
    with pytest.raises(ProfileError, match="a.toml: and b.toml both match myconcern_report_2022-23.csv"):
        profiles.match(profiles.load_all(tmp_path), "myconcern_report_2022-23.csv")


def test_a_changed_profile_reloads_the_same_file(con, tmp_path):
    profile = shipped("myconcern.toml")
    assert load_file(con, EXPORTS / "myconcern_report_2022-23.csv", profile=profile).status == "loaded"
    assert load_file(con, EXPORTS / "myconcern_report_2022-23.csv", profile=profile).status == "unchanged"
    text = (PROFILES / "myconcern.toml").read_text() + '"Web form" = "unknown"\n'
    changed = profiles.parse(text, "myconcern.toml")
    assert load_file(con, EXPORTS / "myconcern_report_2022-23.csv", profile=changed).status == "loaded"


HOSTILE = ['Ref"; drop table concerns; --', "When'); drop table loads; --", "Service -- select 1",
           'Category "quoted"']


def test_hostile_headings_and_words_are_data_never_sql(con, tmp_path):
    path = _write(tmp_path / "hostile_1.csv", HOSTILE + ["Group'"],
                  [["H1", "04/10/2023 09:15", "Housing", "x'); drop table quarantine; --", "Kid\""],
                   ["H2", "13/10/2023 10:00", "Housing", "Hoarding", "grown-up"]])
    columns = dict(zip(("concern_id", "raised_at", "service", "category"), HOSTILE))
    text = tomli_w.dumps({"name": "hostile", "kind": "concerns", "files": ["hostile_*.csv"], "date_order": "day-first",
                          "columns": {**columns, "subject_group": "Group'",
                                      "team": {"value": "'; drop table concerns; --"}},
                          "values": {"subject_group": {'Kid"': "child", "grown-up": "adult"}}})
    profile = profiles.parse(text, "hostile.toml")
    report = load_file(con, path, profile=profile)
    assert (report.status, report.rows_loaded) == ("loaded", 2), report.message
    assert rows(con, "select concern_id, raised_at::varchar, team, category, subject_group from concerns "
                     "order by 1") == [
        ("H1", "2023-10-04 09:15:00", "'; drop table concerns; --", "x'); drop table quarantine; --", "child"),
        ("H2", "2023-10-13 10:00:00", "'; drop table concerns; --", "Hoarding", "adult")]
    assert rows(con, "select count(*) from loads") == [(1,)]


def test_a_profile_too_large_is_refused(tmp_path):
    (tmp_path / "big.toml").write_text("# " + "x" * profiles.MAX_BYTES)
    with pytest.raises(ProfileError, match="big.toml: is larger than 64 KB"):
        profiles.load(tmp_path / "big.toml")


def test_survey_questions_in_the_store_name_the_question_headings(con):
    load_file(con, SAMPLE / "survey_questions.csv")
    text = (PROFILES / "smartsurvey.toml").read_text()
    text = text[:text.index("[unpivot.names]")].replace("skip_blank = false",
                                                        'skip_blank = false\nnames_from = "survey_questions"')
    report = load_file(con, EXPORTS / "smartsurvey_staff_safeguarding_2019.csv", profile=profiles.parse(text, "s.toml"))
    assert (report.status, report.rows_loaded) == ("loaded", 1701)
    assert rows(con, "select question_id, count(*), count(answer) from survey_responses group by 1 order by 1") == [
        ("aware_of_procedures", 243, 241), ("confident_raising", 243, 241), ("know_a_dso", 243, 238),
        ("know_how_to_report", 243, 241), ("know_where_policy_is", 243, 238), ("trained_past_12_months", 243, 236),
        ("trained_past_3_years", 243, 240)]


def test_a_workbook_with_a_title_row_reads_through_its_profile(con, tmp_path):
    from openpyxl import Workbook

    with open(EXPORTS / "myconcern_report_2022-23.csv", newline="") as f:
        grid = list(csv.reader(f))[:6]
    wb = Workbook()
    ws = wb.active
    ws.append(["MyConcern: concerns report"])
    for r in grid:
        ws.append(r)
    wb.save(tmp_path / "myconcern_report_q1.xlsx")
    report = load_file(con, tmp_path / "myconcern_report_q1.xlsx", profile=shipped("myconcern.toml"))
    assert (report.status, report.rows_loaded, report.header_rows, report.rows_in_file) == ("loaded", 5, 2, 7)
    assert rows(con, "select concern_id, raised_at::varchar from concerns order by 1")[:2] == [
        ("MC-000535", "2022-04-05 10:50:00"), ("MC-000536", "2022-04-07 10:19:00")]


def test_a_name_for_a_heading_not_unpivoted_is_refused(tmp_path):
    text = (PROFILES / "hr_training_matrix.toml").read_text().replace(
        '"Prevent (WRAP)" = "Prevent"', '"Prevent" = "Prevent"')
    with pytest.raises(ProfileError, match=r"^t.toml: unpivot.names: 'Prevent' is not one of unpivot.headings$"):
        profiles.parse(text, "t.toml")


def test_each_date_is_read_in_the_profile_order_once_or_quarantined(con, tmp_path):
    path = _write(tmp_path / "dates_1.csv", ["Ref", "When", "Service", "Category"],
                  [["D1", "13-10-2023 09:15:30", "Housing", "Other"], ["D2", "13.10.2023", "Housing", "Other"],
                   ["D3", "01/02/2024 01:05:09 PM", "Housing", "Other"], ["D4", "2023-10-04T09:15", "Housing", "Other"],
                   ["D5", "32/01/2024", "Housing", "Other"]])
    profile = profiles.parse('name = "d"\nkind = "concerns"\nfiles = ["dates_*.csv"]\ndate_order = "day-first"\n'
                             '[columns]\nconcern_id = "Ref"\nraised_at = "When"\nservice = "Service"\n'
                             'category = "Category"\n', "d.toml")
    report = load_file(con, path, profile=profile)
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 4, 1)
    assert rows(con, "select concern_id, raised_at::varchar from concerns order by 1") == [
        ("D1", "2023-10-13 09:15:30"), ("D2", "2023-10-13 00:00:00"), ("D3", "2024-02-01 13:05:09"),
        ("D4", "2023-10-04 09:15:00")]
    assert rows(con, "select line, column_name, rule from quarantine") == [(6, "raised_at", "unreadable-date")]


def test_a_profile_linked_from_outside_its_folder_is_refused(tmp_path):
    (tmp_path / "elsewhere.toml").write_text((PROFILES / "myconcern.toml").read_text())
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "linked.toml").symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(ProfileError, match="^linked.toml: links to a file outside the profiles folder"):
        profiles.load_all(tmp_path / "profiles")


def test_the_sample_store_is_built_without_profiles(tmp_path):
    from sg_data.loader import ensure_sample_store

    src = tmp_path / "sample"
    src.mkdir()
    shutil.copy(SAMPLE / "categories.csv", src)
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "bad.toml").write_text(BAD["bad toml"][0])
    report = ensure_sample_store(tmp_path / "sg.duckdb", src)
    assert [(f.file, f.status, f.rows_loaded) for f in report.files] == [("categories.csv", "loaded", 17)]


def test_a_file_without_a_heading_its_profile_reads_is_rejected_with_the_heading(con, tmp_path):
    profile = shipped("myconcern.toml")
    with open(EXPORTS / "myconcern_report_2022-23.csv", newline="") as f:
        grid = list(csv.reader(f))[:3]
    missing = _write(tmp_path / "myconcern_report_a.csv", ["Ref" if h == "Concern Ref" else h for h in grid[0]],
                     grid[1:])
    report = load_file(con, missing, profile=profile)
    assert (report.status, report.message) == ("rejected", "does not have the heading(s) 'Concern Ref' that profile "
                                               "'MyConcern report' reads (header looked for in the first 15 rows).")
    twice = _write(tmp_path / "myconcern_report_b.csv", grid[0] + ["department"], [r + ["x"] for r in grid[1:]])
    report = load_file(con, twice, profile=profile)
    assert (report.status, report.message) == ("rejected", "has two columns headed 'Department', which profile "
                                               "'MyConcern report' reads; remove one and load again.")
    assert rows(con, "select count(*) from loads") == [(0,)]


def test_suggest_finds_the_headings_of_a_workbook_below_its_title(tmp_path):
    from openpyxl import Workbook

    with open(EXPORTS / "hr_training_matrix_2026-06-30.csv", newline="") as f:
        grid = list(csv.reader(f))
    wb = Workbook()
    ws = wb.active
    ws.append(["Training matrix: all staff"])
    ws.append([])
    for r in grid:
        ws.append(r)
    wb.save(tmp_path / "hr_training_matrix_2026-06-30.xlsx")
    s = suggest(tmp_path / "hr_training_matrix_2026-06-30.xlsx")
    assert (s.kind.name, s.header_row, s.sampled) == ("training", 3, 737)
    assert {p.heading: p.target for p in s.proposals} == EXPECTED["hr_training_matrix_2026-06-30.csv"][0]
