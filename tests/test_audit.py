"""The audit trail: append-only, owner-only, no figures; `python -m sg_data audit` prints it (issue 12)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat

import pytest

from sg_data import audit
from sg_data.audit import AuditError, audit_path, read, record
from sg_data.cli import main

T0 = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "sg.duckdb"


def test_record_appends_one_line_owner_only(db):
    record("page_view", user="ann@council.gov.uk", view="officer", page="Concerns",
           filters={"period": "2023-24 Q3", "services": ["Housing", "Adult Social Care"], "target_hours": 24},
           db=db, now=T0)
    record("download", user="ann@council.gov.uk", view="officer", page="Concerns",
           detail={"format": "csv", "table": "concerns_by_service"}, db=db, now=T0 + dt.timedelta(hours=1))
    path = audit_path(db)
    assert path.name == "sg.duckdb.audit.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == [
        {"at": "2024-05-01T09:30:00+00:00", "event": "page_view", "user": "ann@council.gov.uk", "view": "officer",
         "page": "Concerns", "filters": {"period": "2023-24 Q3", "services": ["Housing", "Adult Social Care"],
                                         "target_hours": 24}, "detail": {}},
        {"at": "2024-05-01T10:30:00+00:00", "event": "download", "user": "ann@council.gov.uk", "view": "officer",
         "page": "Concerns", "filters": {}, "detail": {"format": "csv", "table": "concerns_by_service"}},
    ]


def test_record_never_truncates_and_tightens_an_open_file(db):
    path = audit_path(db)
    path.write_text('{"at": "2020-01-01T00:00:00+00:00", "event": "load"}\n', encoding="utf-8")
    os.chmod(path, 0o644)
    record("load", user="x", view="officer", db=db, now=T0)
    assert path.read_text(encoding="utf-8").startswith('{"at": "2020-01-01T00:00:00+00:00", "event": "load"}\n{')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_record_will_not_follow_a_symlink(db, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep\n")
    audit_path(db).symlink_to(target)
    with pytest.raises(OSError):
        record("load", user="x", view="officer", db=db)
    assert target.read_text() == "keep\n"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"event": "looked"}, r"'looked' is not an audited event"),
        ({"detail": {"concerns": "12"}}, r"'concerns' is not one of cutoff, detail, file, format"),
        ({"detail": {"format": 12}}, r"detail format: text expected, got int"),
        ({"detail": {"table": " 1,234 "}}, r"a number is not recorded"),
        ({"detail": {"reason": "48%"}}, r"a number is not recorded"),
        ({"detail": {"reason": "-3.5"}}, r"a number is not recorded"),
        ({"detail": {"reason": "x" * 201}}, r"longer than 200 characters"),
        ({"filters": {"Bad Key": "x"}}, r"'Bad Key' is not a filter name"),
        ({"filters": {"services": ["s"] * 51}}, r"more than 50 values"),
        ({"filters": {"period": object()}}, r"filter period: text expected, got object"),
        ({"user": None}, r"user: text expected"),
    ],
)
def test_record_refuses_figures_and_unknown_keys(db, kwargs, error):
    args = {"event": "page_view", "user": "u", "view": "officer", **kwargs}
    with pytest.raises(AuditError, match=error):
        record(args.pop("event"), db=db, **args)
    assert not audit_path(db).exists()


def test_read_filters_since_and_skips_a_torn_line(db):
    record("load", user="a", view="officer", db=db, now=T0)
    record("publish", user="b", view="officer", detail={"out": "public.duckdb"}, db=db,
           now=T0 + dt.timedelta(days=2))
    with audit_path(db).open("a") as f:
        f.write('{"at": "2024-05-0')
    frame = read(audit_path(db))
    assert list(frame.columns) == audit.COLUMNS
    assert list(frame["event"]) == ["load", "publish"]
    later = read(audit_path(db), since="2024-05-02")
    assert list(later["event"]) == ["publish"]
    assert later.iloc[0]["detail"] == '{"out": "public.duckdb"}'
    with pytest.raises(AuditError, match=r"^--since 2024-13-01 is not a date \(YYYY-MM-DD\)$"):
        read(audit_path(db), since="2024-13-01")


def test_read_of_no_trail_is_empty(db):
    assert read(audit_path(db)).empty


def test_to_csv_neutralises_a_hostile_user_name(db):
    record("sign_in", user="=HYPERLINK(\"https://evil.example\")", view="officer", db=db, now=T0)
    rows = list(csv.reader(io.StringIO(audit.to_csv(read(audit_path(db))).decode("utf-8"))))
    assert rows[1][2] == "'=HYPERLINK(\"https://evil.example\")"


def test_cli_audit_prints_csv(db, capsys):
    record("page_view", user="ann", view="scrutiny", page="Overview", filters={"period": "2023-24"}, db=db, now=T0)
    record("download", user="bob", view="officer", detail={"format": "xlsx"}, db=db, now=T0 + dt.timedelta(days=3))
    assert main(["audit", "--db", str(db)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [
        audit.COLUMNS,
        ["2024-05-01T09:30:00+00:00", "page_view", "ann", "scrutiny", "Overview", '{"period": "2023-24"}', "{}"],
        ["2024-05-04T09:30:00+00:00", "download", "bob", "officer", "", "{}", '{"format": "xlsx"}'],
    ]
    assert main(["audit", "--db", str(db), "--since", "2024-05-02"]) == 0
    assert [r[1] for r in csv.reader(io.StringIO(capsys.readouterr().out))] == ["event", "download"]


def test_cli_audit_errors(db, capsys):
    assert main(["audit", "--db", str(db)]) == 2
    assert capsys.readouterr().err == f"error: no audit trail at {audit_path(db)}\n"
    record("load", user="a", view="officer", db=db)
    assert main(["audit", "--db", str(db), "--since", "yesterday"]) == 2
    assert capsys.readouterr().err == "error: --since yesterday is not a date (YYYY-MM-DD)\n"


def test_the_command_line_records_loads_briefings_and_publishing(tmp_path, capsys):
    from sg_data.audit import audit_path, read
    from sg_data.cli import main

    src = tmp_path / "exports"
    src.mkdir()
    (src / "concerns.csv").write_text(
        "concern_id,raised_at,service,category,subject_group,reviewed_at\n"
        "C1,2024-04-02 08:05,Housing,Neglect,child,2024-04-02 10:00\n", encoding="utf-8")
    db = tmp_path / "sg.duckdb"
    assert main(["load", str(src), "--db", str(db), "--quiet"]) == 0
    assert main(["brief", "--db", str(db), "--period", "2024-25 Q1", "--format", "json",
                 "--out", str(tmp_path / "b.json")]) == 0
    capsys.readouterr()
    trail = read(audit_path(db))
    assert trail["event"].tolist() == ["load", "briefing"]
    assert trail["user"].str.endswith("(command line)").all()
    assert json.loads(trail.iloc[0]["detail"]) == {"file": "exports", "outcome": "loaded"}
    assert json.loads(trail.iloc[1]["detail"]) == {"format": "json", "period": "2024-25 Q1", "detail": "summary"}
    assert trail.iloc[1]["view"] == "officer"
