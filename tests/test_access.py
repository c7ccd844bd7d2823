"""Settings refuse to start when wrong; roles default to deny; the gate fails closed (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from sg_data.access import (DEFAULT_ROLES_FILE, LOCAL_BANNER, LOGIN, REFUSED, Decision, Role, RoleMap, Settings,
                            SettingsError, auth_problem, decide, load_settings, provider, role_for,
                            sign_in_configured, user_label)

# --- settings ---------------------------------------------------------------------------------------


def test_defaults():
    assert load_settings({}) == Settings("officer", 5, 10, Path("sg.duckdb"), DEFAULT_ROLES_FILE)


def test_values_read():
    s = load_settings({"SG_VIEW": " Scrutiny ", "SG_SUPPRESS_THRESHOLD": "10", "SG_MIN_GROUP": "5",
                       "SG_DB": "x.duckdb", "SG_ROLES_FILE": "r.toml", "PATH": "/bin"})
    assert s == Settings("scrutiny", 10, 5, Path("x.duckdb"), Path("r.toml"))


@pytest.mark.parametrize(
    "env, error",
    [
        ({"SG_VIEW": "scrutinty"}, "SG_VIEW=scrutinty is not a view: use officer or scrutiny"),
        ({"SG_VIEW": ""}, "SG_VIEW= is not a view: use officer or scrutiny"),
        ({"SG_VIEW": "public"}, "SG_VIEW=public is not a view: use officer or scrutiny"),
        ({"SG_SUPPRESS_THRESHOLD": "0"}, "SG_SUPPRESS_THRESHOLD=0 is not a whole number from 1 to 50"),
        ({"SG_SUPPRESS_THRESHOLD": "51"}, "SG_SUPPRESS_THRESHOLD=51 is not a whole number from 1 to 50"),
        ({"SG_SUPPRESS_THRESHOLD": "5.0"}, "SG_SUPPRESS_THRESHOLD=5.0 is not a whole number from 1 to 50"),
        ({"SG_SUPPRESS_THRESHOLD": "-1"}, "SG_SUPPRESS_THRESHOLD=-1 is not a whole number from 1 to 50"),
        ({"SG_SUPPRESS_THRESHOLD": "five"}, "SG_SUPPRESS_THRESHOLD=five is not a whole number from 1 to 50"),
        ({"SG_MIN_GROUP": "0"}, "SG_MIN_GROUP=0 is not a whole number from 1 to 100"),
        ({"SG_DB": " "}, "SG_DB is set but empty"),
        ({"SG_VEIW": "officer"},
         "SG_VEIW is not a setting; known: SG_CHECK_CHARTS, SG_COUNCIL_CODE, SG_COUNCIL_NAME, "),
    ],
)
def test_a_bad_setting_refuses_with_one_line(env, error):
    with pytest.raises(SettingsError) as exc:
        load_settings(env)
    assert str(exc.value).startswith(error)
    assert "\n" not in str(exc.value)


def test_a_folder_as_store_is_refused(tmp_path):
    with pytest.raises(SettingsError, match=r"^SG_DB=.* is a folder, not a file$"):
        load_settings({"SG_DB": str(tmp_path)})


# --- roles ------------------------------------------------------------------------------------------

ROLES = RoleMap.from_dict({
    "users": {"Ann.Officer@Council.gov.uk": "officer", "bea@council.gov.uk": "scrutiny"},
    "groups": {"sg-officers": "officer", "sg-brief": "briefing", "scrutiny-committee": "scrutiny"},
})


@pytest.mark.parametrize(
    "user, role",
    [
        ({"email": "ann.officer@council.gov.uk"}, Role.OFFICER),
        ({"email": " ANN.OFFICER@council.gov.uk "}, Role.OFFICER),
        ({"email": "bea@council.gov.uk", "groups": ["sg-officers"]}, Role.SCRUTINY),  # named user wins
        ({"email": "cat@council.gov.uk", "groups": ["sg-brief"]}, Role.BRIEFING),
        ({"email": "cat@council.gov.uk", "groups": ["sg-officers", "scrutiny-committee"]}, Role.SCRUTINY),
        ({"email": "cat@council.gov.uk", "groups": "sg-officers"}, Role.OFFICER),
        ({"email": "cat@council.gov.uk", "groups": ["other"]}, None),
        ({"email": "mallory@evil.example"}, None),
        ({"email": "ann.officer@council.gov.uk", "email_verified": False}, None),
        ({}, None),
    ],
)
def test_role_for(user, role):
    assert ROLES.role_for(user) == role


def test_role_views():
    assert [(r.view, r.sees_rows) for r in Role] == [("scrutiny", False), ("officer", False), ("officer", True)]


def test_role_map_file(tmp_path):
    f = tmp_path / "roles.toml"
    f.write_text('groups_claim = "roles"\n[users]\n"a@x.gov.uk" = "briefing"\n[groups]\nSG = "officer"\n')
    roles = RoleMap.from_file(f)
    assert role_for({"email": "a@x.gov.uk"}, roles) == Role.BRIEFING
    assert role_for({"email": "z@x.gov.uk", "roles": ["SG"]}, roles) == Role.OFFICER
    assert role_for({"email": "z@x.gov.uk", "groups": ["SG"]}, roles) is None


@pytest.mark.parametrize(
    "text, error",
    [
        ('[users]\n"a@x" = "admin"\n', r"users\.a@x = 'admin' is not a role: use officer, briefing or scrutiny"),
        ('[admins]\n"a@x" = "officer"\n', r"admins is not users, groups or groups_claim"),
        ("users = 3\n", r"\[users\] must be a table of names = role"),
        ("[users\n", r"cannot be read: "),
    ],
)
def test_role_map_refusals(tmp_path, text, error):
    f = tmp_path / "roles.toml"
    f.write_text(text)
    with pytest.raises(SettingsError, match=error):
        RoleMap.from_file(f)


def test_missing_role_map(tmp_path):
    with pytest.raises(SettingsError, match=r"^no role map at .*nope\.toml: sign-in needs one"):
        RoleMap.from_file(tmp_path / "nope.toml")


def test_shipped_role_map_names_nobody():
    roles = RoleMap.from_file(DEFAULT_ROLES_FILE)
    assert (dict(roles.users), dict(roles.groups), roles.groups_claim) == ({}, {}, "groups")


# --- sign-in configuration -------------------------------------------------------------------------

GOOD = {"auth": {
    "redirect_uri": "https://sg.council.gov.uk/oauth2callback",
    "cookie_secret": "s" * 40,
    "client_id": "id", "client_secret": "secret",
    "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration",
}}
NAMED = {"auth": {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "s" * 40,
    "microsoft": {"client_id": "id", "client_secret": "secret",
                  "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"},
}}


def _with(base, **changes):
    auth = json.loads(json.dumps(base["auth"]))
    for key, value in changes.items():
        if value is None:
            auth.pop(key, None)
        else:
            auth[key] = value
    return {"auth": auth}


def test_good_configurations():
    assert auth_problem(GOOD) is None and auth_problem(NAMED) is None
    assert sign_in_configured(GOOD) and not sign_in_configured({})
    assert provider(GOOD) is None and provider(NAMED) == "microsoft"


@pytest.mark.parametrize(
    "secrets, problem",
    [
        ({"auth": "yes"}, "[auth] in .streamlit/secrets.toml is not a table"),
        (_with(GOOD, redirect_uri=None), "auth.redirect_uri is missing"),
        (_with(GOOD, redirect_uri="https://sg.council.gov.uk/"), "auth.redirect_uri must end with /oauth2callback"),
        (_with(GOOD, redirect_uri="http://sg.council.gov.uk/oauth2callback"),
         "auth.redirect_uri must use https (plain http only for localhost)"),
        (_with(GOOD, redirect_uri="/oauth2callback"), "auth.redirect_uri is not an absolute http(s) address"),
        (_with(GOOD, cookie_secret="short"), "auth.cookie_secret is missing or shorter than 32 characters"),
        (_with(GOOD, client_secret=None), "auth.client_secret is missing"),
        (_with(GOOD, server_metadata_url="http://idp.example/.well-known"),
         "auth.server_metadata_url must use https (plain http only for localhost)"),
        (_with(NAMED, google={"client_id": "x"}), "more than one identity provider is configured"),
        (_with(GOOD, microsoft={"client_id": "x"}), "more than one identity provider is configured"),
        ({"auth": {**NAMED["auth"], "microsoft": {"client_id": "id"}}}, "auth.microsoft.client_secret is missing"),
        ({"auth": {**{k: v for k, v in NAMED["auth"].items() if k != "microsoft"},
                   "my_idp": NAMED["auth"]["microsoft"]}}, "auth.my_idp: a provider name cannot hold an underscore"),
    ],
)
def test_broken_configurations_name_the_problem_not_the_secret(secrets, problem):
    got = auth_problem(secrets)
    assert got.startswith(problem)
    assert "secret" not in got.replace("client_secret", "").replace("cookie_secret", "").replace("secrets.toml", "")


def test_missing_authlib_is_broken():
    assert auth_problem(GOOD, authlib_installed=False) == "Authlib is not installed (pip install -r requirements.txt)"


# --- the decision -----------------------------------------------------------------------------------

OFFICER_ENV = Settings()
SCRUTINY_ENV = Settings(view="scrutiny")
IN = {"is_logged_in": True, "email": "ann.officer@council.gov.uk"}


@pytest.mark.parametrize(
    "settings, secrets, address, user, roles, expected",
    [
        (OFFICER_ENV, {}, "127.0.0.1", {}, None, Decision("local", Role.OFFICER, LOCAL_BANNER)),
        (OFFICER_ENV, {}, "localhost", {}, None, Decision("local", Role.OFFICER, LOCAL_BANNER)),
        (OFFICER_ENV, {}, "::1", {}, None, Decision("local", Role.OFFICER, LOCAL_BANNER)),
        (SCRUTINY_ENV, {}, "127.0.0.1", {}, None, Decision("local", Role.SCRUTINY, LOCAL_BANNER)),
        (OFFICER_ENV, GOOD, "0.0.0.0", {"is_logged_in": False}, ROLES, Decision("login", None, LOGIN)),
        (OFFICER_ENV, GOOD, "0.0.0.0", IN, ROLES, Decision("allowed", Role.OFFICER)),
        (SCRUTINY_ENV, GOOD, "0.0.0.0", IN, ROLES, Decision("allowed", Role.SCRUTINY)),
        (OFFICER_ENV, GOOD, None, {"is_logged_in": True, "email": "x@evil.example"}, ROLES,
         Decision("refused", None, REFUSED)),
    ],
)
def test_decide(settings, secrets, address, user, roles, expected):
    assert decide(settings, secrets, address, user, roles) == expected


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "192.168.1.20", "::"])
def test_without_sign_in_only_loopback_is_served(address):
    d = decide(OFFICER_ENV, {}, address, {}, None)
    assert d.kind == "exposed" and d.role is None
    assert "Start it with --server.address 127.0.0.1" in d.message


def test_configured_but_broken_fails_closed_even_for_a_signed_in_officer():
    d = decide(OFFICER_ENV, _with(GOOD, cookie_secret="x"), "127.0.0.1", IN, ROLES)
    assert (d.kind, d.role) == ("broken", None)
    assert d.message == ("Sign-in is configured but cannot work: auth.cookie_secret is missing or shorter than 32 "
                         "characters. The dashboard stays closed until it is fixed.")
    assert decide(OFFICER_ENV, GOOD, "127.0.0.1", IN, None).kind == "broken"
    assert decide(OFFICER_ENV, GOOD, "127.0.0.1", IN, ROLES, authlib_installed=False).kind == "broken"


def test_user_label():
    assert user_label(IN) == "ann.officer@council.gov.uk"
    assert user_label({"is_logged_in": True, "sub": "abc"}) == "abc"
    assert user_label({}) == "local (sign-in not configured)"


# --- the gate in Streamlit --------------------------------------------------------------------------

def _page():
    import streamlit as st

    from sg_data.access import gate

    role = gate()
    st.write(f"served: {role.value}")


@pytest.fixture
def app(tmp_path, monkeypatch):
    for k in ("SG_VIEW", "SG_SUPPRESS_THRESHOLD", "SG_MIN_GROUP", "SG_ROLES_FILE"):
        monkeypatch.delenv(k, raising=False)
    roles = tmp_path / "roles.toml"
    roles.write_text('[users]\n"ann.officer@council.gov.uk" = "officer"\n')
    monkeypatch.setenv("SG_ROLES_FILE", str(roles))
    monkeypatch.setenv("SG_DB", str(tmp_path / "sg.duckdb"))
    old = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")
    at = AppTest.from_function(_page)
    yield at, tmp_path
    st_config.set_option("server.address", old)


def _trail(tmp_path):
    path = tmp_path / "sg.duckdb.audit.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_gate_local_serves_with_banner_and_audits(app):
    at, tmp_path = app
    at.user = {}
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [LOCAL_BANNER]
    assert [m.value for m in at.markdown] == ["served: officer"]
    at.run()
    [entry] = _trail(tmp_path)  # once per session
    assert (entry["event"], entry["user"], entry["detail"]) == ("sign_in", "local (sign-in not configured)",
                                                               {"role": "officer"})


def test_gate_refuses_to_start_on_a_bad_view(app, monkeypatch):
    at, _ = app
    monkeypatch.setenv("SG_VIEW", "scrutinty")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The dashboard cannot start: SG_VIEW=scrutinty is not a view: use officer or scrutiny"]
    assert not at.markdown


def test_gate_on_every_address_without_sign_in_stops(app):
    at, _ = app
    st_config.set_option("server.address", "0.0.0.0")
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Sign-in is not configured, so the dashboard only serves this computer")
    assert not at.markdown


def test_gate_asks_for_sign_in(app):
    at, _ = app
    at.secrets["auth"] = GOOD["auth"]
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == [LOGIN]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.markdown


def test_gate_serves_a_mapped_user_and_refuses_others(app):
    at, tmp_path = app
    at.secrets["auth"] = GOOD["auth"]
    at.user = dict(IN)
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["served: officer"]
    assert not at.warning
    other = AppTest.from_function(_page)
    other.secrets["auth"] = GOOD["auth"]
    other.user = {"is_logged_in": True, "email": "mallory@evil.example"}
    other.run()
    assert not other.exception
    assert [w.value for w in other.warning] == [REFUSED]
    assert [b.label for b in other.button] == ["Sign out"]
    assert not other.markdown
    assert [(e["event"], e["user"]) for e in _trail(tmp_path)] == [
        ("sign_in", "ann.officer@council.gov.uk"), ("refused", "mallory@evil.example")]


def test_gate_with_broken_sign_in_stays_closed(app):
    at, _ = app
    at.secrets["auth"] = _with(GOOD, client_id=None)["auth"]
    at.user = dict(IN)
    at.run()
    assert not at.exception
    assert at.error[0].value == ("Sign-in is configured but cannot work: auth.client_id is missing. "
                                 "The dashboard stays closed until it is fixed.")
    assert not at.markdown


def test_the_loaders_memory_limit_is_a_setting_the_dashboard_starts_with():
    """SG_LOAD_MEMORY_LIMIT (README, Speed) is read by the loader the Imports page runs: the dashboard starts
    with it set."""
    assert load_settings({"SG_LOAD_MEMORY_LIMIT": "2GB", "SG_CHECK_CHARTS": "1"}).view == "officer"
