"""Free text screened for identity: each rule, its false-positive controls, and Python = SQL (issue 12)."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sg_data import identity
from sg_data.identity import Hit, NamesFileError, Screener, message, read_names

S = Screener(["Tom Jones", "Jane Smith", "O'Brien"])

# (text, the rule it breaks or None); shared by the Python and the SQL forms
EXAMPLES = [
    ("jane.doe@example.org", "identity_email"),
    ("Referred to j.smith+cp@council.gov.uk today", "identity_email"),
    ("Neglect - Tom Jones 07700900123", "identity_phone"),
    ("call 07700 900123", "identity_phone"),
    ("tel +44 7700 900123", "identity_phone"),
    ("+44 (0)1865 123456", "identity_phone"),
    ("(01865) 123456", "identity_phone"),
    ("01865 123 456", "identity_phone"),
    ("lives at 1 High St OX4 1AA", "identity_postcode"),
    ("ox4 1aa", "identity_postcode"),
    ("SW1A 1AA", "identity_postcode"),
    ("OX41AA", "identity_postcode"),
    ("NHS 943 476 5919", "identity_nhs_number"),
    ("9434765919", "identity_nhs_number"),
    ("943-476-5919", "identity_nhs_number"),
    ("DOB 01/02/2015", "identity_date_of_birth"),
    ("d.o.b.: 1.2.15", "identity_date_of_birth"),
    ("date of birth 2015-02-01", "identity_date_of_birth"),
    ("born 1 Feb 2015", "identity_date_of_birth"),
    ("Born on 1st February 2015", "identity_date_of_birth"),
    ("born February 1, 2015", "identity_date_of_birth"),
    ("Mr Smith", "identity_titled_name"),
    ("seen by Mrs J Jones", "identity_titled_name"),
    ("Ms Jane Doe", "identity_titled_name"),
    ("Dr. Patel", "identity_titled_name"),
    ("MISS A. BROWN", "identity_titled_name"),
    ("Tom Jones raised it", "identity_listed_name"),
    ("spoke to jane  smith", "identity_listed_name"),
    ("o'brien family", "identity_listed_name"),
    ("Jane Smith (DOB 01/02/2015) of 1 High St OX4 1AA", "identity_postcode"),
    # false-positive controls: the words and numbers the contract's columns really hold
    ("Child Safeguarding", None),
    ("Mental Ill Health", None),
    ("Housing Services", None),
    ("MASH", None),
    ("Adult Social Care", None),
    ("Section 11 (OSCB)", None),
    ("Joint OSCB/OSAB self-assessment", None),
    ("2023-24", None),
    ("2023-24 Q3", None),
    ("Senior management commitment", None),
    ("Designated Safeguarding Lead", None),
    ("Safeguarding awareness level 2", None),
    ("Avoided Mental Health Act assessment or admission", None),
    ("Wellbeing (non-statutory)", None),
    ("Very confident;Quite confident", None),
    ("Care Act 2014", None),
    ("raised 04/10/2023 09:15", None),
    ("reviewed 2023-10-04T09:15", None),
    ("DOB not recorded", None),
    ("newborn care 01/02/2015", None),
    ("MS Teams training", None),
    ("Master Data review", None),
    ("Standard 4.1: 100% of staff", None),
    ("C-000123", None),
    ("Tom Jonesborough", None),
    ("NHS 943 476 5918", None),  # fails the mod-11 check
    ("1234567890", None),  # check digit would be 10: never valid
    ("headcount 1250", None),
    ("@ mention", None),
    ("", None),
]


@pytest.mark.parametrize("text, rule", EXAMPLES)
def test_python_form(text, rule):
    hit = S.screen(text)
    assert (hit.rule if hit else None) == rule


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    con.execute("create table t (i integer, v varchar)")
    con.executemany("insert into t values (?, ?)", [(i, text) for i, (text, _) in enumerate(EXAMPLES)])
    yield con
    con.close()


def test_sql_form_agrees_with_python(duck):
    got = dict(duck.execute(f"select i, {S.sql_rule('v')} from t").fetchall())
    assert [got[i] for i in range(len(EXAMPLES))] == [rule for _, rule in EXAMPLES]


def test_sql_patterns_agree_with_python_rule_by_rule(duck):
    for rule, pattern in S.sql_patterns().items():
        sql = {i for (i,) in duck.execute("select i from t where regexp_matches(v, $p)", {"p": pattern}).fetchall()}
        py = {i for i, (text, _) in enumerate(EXAMPLES) if S._compiled[rule].search(text)}
        assert sql == py, rule


def test_sql_null_is_no_hit(duck):
    assert duck.execute(f"select {S.sql_rule('v')} from (select null::varchar as v)").fetchone() == (None,)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 -+()@.:/ABCDEFOXaboxdMrsJone\t")), max_size=30))
def test_python_and_sql_agree_on_arbitrary_text(duck, text):
    sql = duck.execute(f"select {S.sql_rule('$v')}", {"v": text}).fetchone()[0]
    hit = S.screen(text)
    assert sql == (hit.rule if hit else None)


def test_message_names_the_rule_never_the_value():
    hit = S.screen("Neglect - Tom Jones 07700900123")
    assert hit == Hit("identity_phone", message("identity_phone"))
    assert hit.message == ("Holds what looks like a UK phone number (identity_phone); identifying details are "
                           "not stored. Remove it from the export.")
    for text, rule in EXAMPLES:
        if rule:
            assert text not in S.screen(text).message


def test_a_hostile_value_is_screened_quickly():
    # bounded repeats: no catastrophic backtracking on long runs of what the patterns look for
    for text in ("a." * 20000 + "!", "0" * 50000, "Mr " * 20000, "born " * 20000):
        S.screen(text)


def test_names_file(tmp_path, monkeypatch):
    f = tmp_path / "names.txt"
    f.write_text("# comment\n\nTom Jones\n  Ann   Lee \n", encoding="utf-8")
    assert read_names(f) == ["Tom Jones", "Ann Lee"]
    monkeypatch.setenv(identity.NAMES_ENV, str(f))
    assert identity.screen("ann lee").rule == "identity_listed_name"
    f.write_text("Bo\n", encoding="utf-8")
    with pytest.raises(NamesFileError, match=r"names.txt, line 1: a name needs at least 3 letters"):
        read_names(f)


def test_a_named_but_missing_names_file_refuses(tmp_path, monkeypatch):
    monkeypatch.setenv(identity.NAMES_ENV, str(tmp_path / "missing.txt"))
    with pytest.raises(NamesFileError, match=r"^SG_NAMES_FILE=.*missing.txt: no such file$"):
        identity.screen("anything")


def test_shipped_names_list_holds_only_the_test_names(monkeypatch):
    monkeypatch.delenv(identity.NAMES_ENV, raising=False)
    assert read_names(identity.DEFAULT_NAMES_FILE) == ["Tom Jones", "Jane Smith"]
    assert identity.screen("Tom Jones").rule == "identity_listed_name"


def test_the_loader_quarantines_identifying_free_text_and_stores_none_of_it(tmp_path):
    from sg_data import store
    from sg_data.loader import load_file

    path = tmp_path / "concerns.csv"
    path.write_text(
        "concern_id,raised_at,service,team,category,subject_group,reviewed_at,referred_to,outcome,closed_at\n"
        "C1,2024-04-02 08:05,Housing,Lettings,Neglect,child,2024-04-02 10:00,,Open,\n"
        "C2,2024-04-02 08:05,Housing,Lettings,Neglect - jo.bloggs@example.org,child,2024-04-02 10:00,,Open,\n"
        "C3,2024-04-02 08:05,Housing,Lettings,Neglect,child,2024-04-02 10:00,Call 07700 900123,Open,\n"
        "C4,2024-04-02 08:05,Housing,Mrs Smith's team,Neglect,child,2024-04-02 10:00,,Open,\n"
        "C5,2024-04-02 08:05,Housing,Lettings,Neglect,adult,2024-04-02 10:00,,Lives at SW1A 1AA,\n",
        encoding="utf-8")
    db = tmp_path / "s.duckdb"
    with store.new_version(db) as con:
        report = load_file(con, path)
    assert (report.rows_loaded, report.rows_quarantined) == (1, 4)
    reasons = {(q["line"], q["column_name"], q["rule"]) for q in report.quarantine}
    assert reasons == {(3, "category", "identity_email"), (4, "referred_to", "identity_phone"),
                       (5, "team", "identity_titled_name"), (6, "outcome", "identity_postcode")}
    for q in report.quarantine:
        assert "example.org" not in q["reason"] and "07700" not in q["reason"] and "Smith" not in q["reason"]
    con = store.open_read_only(db)
    stored = con.execute("select * from concerns").df().to_csv() + con.execute("select * from quarantine").df().to_csv()
    for value in ("jo.bloggs", "07700", "Smith", "SW1A"):
        assert value not in stored
    assert con.execute("select concern_id from concerns").fetchall() == [("C1",)]
