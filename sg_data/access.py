"""Who may see what: validated settings, the role map, and the sign-in gate every page passes first.

Policy (issue 12), failing closed at every step:
- a setting that is unknown or out of range stops the app with one line (`SG_VIEW=scrutinty` must never
  serve the officer view);
- sign-in configured (`[auth]` in .streamlit/secrets.toml) but broken: the app stays shut;
- sign-in configured: a user signs in with the council's identity provider (OpenID Connect, st.login) and
  gets the role the role map gives them; a user the map does not name is politely refused;
- sign-in not configured (a laptop on the sample data): the app serves this computer only (127.0.0.1),
  says so in a banner, and refuses to run on any other address.
The deployment's SG_VIEW caps every role: a Scrutiny deployment shows the Scrutiny view to everyone.
"""

from __future__ import annotations

import enum
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROLES_FILE = ROOT / "config" / "roles.toml"
VIEWS = ("officer", "scrutiny")
# every SG_ variable the project reads; any other SG_ name is taken for a typo and refused
KNOWN_SETTINGS = frozenset({
    "SG_VIEW", "SG_SUPPRESS_THRESHOLD", "SG_MIN_GROUP", "SG_DB", "SG_ROLES_FILE", "SG_NAMES_FILE",
    "SG_PSEUDONYM_KEY_FILE", "SG_COUNCIL_NAME", "SG_COUNCIL_CODE", "SG_COUNCIL_OLD_LA_CODE",
    # the loader's memory limit (sg_data.store), which the Imports page's loads use too
    "SG_LOAD_MEMORY_LIMIT",
    # "1": validate every chart's spec against the Vega-Lite schema as it is sent (the test suite; sg_data.ui)
    "SG_CHECK_CHARTS",
})


class SettingsError(Exception):
    """A setting the app refuses to start with; the message is one line."""


class Role(enum.Enum):
    # least privilege first: where groups give a person several roles, the first in this order wins
    SCRUTINY = "scrutiny"
    BRIEFING = "briefing"
    OFFICER = "officer"

    @property
    def view(self) -> str:
        """The view this role is served: briefing readers see officer (unsuppressed) aggregates."""
        return "scrutiny" if self is Role.SCRUTINY else "officer"

    @property
    def sees_rows(self) -> bool:
        """Row-level lists (overdue concern references, the quarantine, the audit page): officers only."""
        return self is Role.OFFICER


@dataclass(frozen=True)
class Settings:
    view: str = "officer"
    suppress_threshold: int = 5
    min_group: int = 10
    db: Path = Path("sg.duckdb")
    roles_file: Path = DEFAULT_ROLES_FILE


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise SettingsError(f"{name}={raw} is not a whole number from {low} to {high}")
    return int(text)


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name)
    if raw is None:
        return default
    if not raw.strip():
        raise SettingsError(f"{name} is set but empty")
    if Path(raw).is_dir():
        raise SettingsError(f"{name}={raw} is a folder, not a file")
    return Path(raw)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The deployment's settings from the environment, or SettingsError naming the one that is wrong."""
    env = os.environ if env is None else env
    unknown = sorted(k for k in env if k.startswith("SG_") and k not in KNOWN_SETTINGS)
    if unknown:
        raise SettingsError(f"{unknown[0]} is not a setting; known: {', '.join(sorted(KNOWN_SETTINGS))}")
    view = env.get("SG_VIEW")
    if view is not None:
        if view.strip().lower() not in VIEWS:
            raise SettingsError(f"SG_VIEW={view} is not a view: use officer or scrutiny")
        view = view.strip().lower()
    return Settings(
        view=view or "officer",
        suppress_threshold=_int(env, "SG_SUPPRESS_THRESHOLD", 5, 1, 50),
        min_group=_int(env, "SG_MIN_GROUP", 10, 1, 100),
        db=_path(env, "SG_DB", Path("sg.duckdb")),
        roles_file=_path(env, "SG_ROLES_FILE", DEFAULT_ROLES_FILE),
    )


# --- the role map -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoleMap:
    users: Mapping[str, Role] = field(default_factory=dict)  # e-mail (casefolded) -> role
    groups: Mapping[str, Role] = field(default_factory=dict)  # group name or id -> role
    groups_claim: str = "groups"  # the identity token's claim that lists groups (Entra ID: groups or roles)

    @classmethod
    def from_file(cls, path: str | Path) -> RoleMap:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"no role map at {path}: sign-in needs one (users and groups -> roles)") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path} cannot be read: {str(exc).splitlines()[0]}") from None
        return cls.from_dict(data, where=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "role map") -> RoleMap:
        extra = set(data) - {"users", "groups", "groups_claim"}
        if extra:
            raise SettingsError(f"{where}: {sorted(extra)[0]} is not users, groups or groups_claim")
        claim = data.get("groups_claim", "groups")
        if not isinstance(claim, str) or not claim:
            raise SettingsError(f"{where}: groups_claim must be a claim name")

        def table(name: str, fold: bool) -> dict[str, Role]:
            section = data.get(name, {})
            if not isinstance(section, Mapping):
                raise SettingsError(f"{where}: [{name}] must be a table of names = role")
            out = {}
            for key, value in section.items():
                try:
                    role = Role(value)
                except ValueError:
                    raise SettingsError(
                        f"{where}: {name}.{key} = {value!r} is not a role: use officer, briefing or scrutiny"
                    ) from None
                out[key.strip().casefold() if fold else key] = role
            return out

        return cls(users=table("users", True), groups=table("groups", False), groups_claim=claim)

    def role_for(self, user_info: Mapping[str, Any]) -> Role | None:
        """The role of a signed-in user: named by e-mail first, else the least privileged of their groups'
        roles; None (refused) when neither names them. An e-mail the provider marks unverified is ignored."""
        email = user_info.get("email")
        if isinstance(email, str) and email.strip() and user_info.get("email_verified") is not False:
            role = self.users.get(email.strip().casefold())
            if role is not None:
                return role
        groups = user_info.get(self.groups_claim) or []
        if isinstance(groups, str):
            groups = [groups]
        roles = {self.groups[g] for g in groups if isinstance(g, str) and g in self.groups}
        return next((r for r in Role if r in roles), None)


def role_for(user_info: Mapping[str, Any], roles: RoleMap | None = None) -> Role | None:
    """The role of a signed-in user under the deployment's role map (SG_ROLES_FILE or config/roles.toml)."""
    if roles is None:
        roles = RoleMap.from_file(load_settings().roles_file)
    return roles.role_for(user_info)


def capped(role: Role, settings: Settings) -> Role:
    """A Scrutiny deployment serves the Scrutiny view whatever the role."""
    return Role.SCRUTINY if settings.view == "scrutiny" else role


# --- sign-in configuration ----------------------------------------------------------------------------

_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32


def sign_in_configured(secrets: Mapping[str, Any]) -> bool:
    """True when .streamlit/secrets.toml has an [auth] section: from then on sign-in is required."""
    return "auth" in secrets


def _is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url_problem(name: str, url: Any, *, callback: bool = False) -> str | None:
    from urllib.parse import urlparse

    if not isinstance(url, str) or not url:
        return f"{name} is missing"
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        return f"{name} is not an absolute http(s) address"
    if parsed.scheme == "http" and not _is_loopback_host(parsed.hostname):
        return f"{name} must use https (plain http only for localhost)"
    if callback and not parsed.path.endswith("/oauth2callback"):
        return f"{name} must end with /oauth2callback"
    return None


def provider(secrets: Mapping[str, Any]) -> str | None:
    """The provider name to pass to st.login: None for the unnamed provider set in [auth] itself."""
    auth = secrets.get("auth") or {}
    if any(k in auth for k in _PROVIDER_KEYS):
        return None
    named = [k for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs"]
    return named[0] if len(named) == 1 else None


def auth_problem(secrets: Mapping[str, Any], authlib_installed: bool = True) -> str | None:
    """Why the configured sign-in cannot work, in words that never repeat a secret; None if it can."""
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping):
        return "[auth] in .streamlit/secrets.toml is not a table"
    problem = _url_problem("auth.redirect_uri", auth.get("redirect_uri"), callback=True)
    if problem:
        return problem
    secret = auth.get("cookie_secret")
    if not isinstance(secret, str) or len(secret) < MIN_COOKIE_SECRET:
        return f"auth.cookie_secret is missing or shorter than {MIN_COOKIE_SECRET} characters"
    named = {k: v for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs"}
    top_level = any(k in auth for k in _PROVIDER_KEYS)
    if top_level and named or len(named) > 1:
        return "more than one identity provider is configured; this dashboard signs in with one"
    if named:
        name, section = next(iter(named.items()))
        if "_" in name:
            return f"auth.{name}: a provider name cannot hold an underscore"
        where = f"auth.{name}"
    else:
        section, where = auth, "auth"
    for key in _PROVIDER_KEYS:
        if not isinstance(section.get(key), str) or not section.get(key):
            return f"{where}.{key} is missing"
    problem = _url_problem(f"{where}.server_metadata_url", section["server_metadata_url"])
    if problem:
        return problem
    if not authlib_installed:
        return "Authlib is not installed (pip install -r requirements.txt)"
    return None


# --- the decision, and the gate ----------------------------------------------------------------------

LOCAL_BANNER = ("Sign-in is not configured, so this dashboard is served on this computer only (127.0.0.1). "
                "Configure sign-in before anyone else uses it.")
REFUSED = ("You are signed in, but your account has not been given access to the safeguarding dashboard. "
           "If you need it, ask the safeguarding team to add you.")
LOGIN = "The safeguarding dashboard holds sensitive information. Sign in with your council account to continue."


@dataclass(frozen=True)
class Decision:
    kind: str  # allowed | local | login | refused | broken | exposed
    role: Role | None = None
    message: str = ""


def decide(settings: Settings, secrets: Mapping[str, Any], address: str | None, user: Mapping[str, Any],
           roles: RoleMap | None, authlib_installed: bool = True) -> Decision:
    """What the gate does for this request: a pure function of the configuration and the user."""
    if not sign_in_configured(secrets):
        if not _is_loopback_host(address):
            return Decision("exposed", message=(
                f"Sign-in is not configured, so the dashboard only serves this computer, but it was started on "
                f"{address or 'every network address'}. Start it with --server.address 127.0.0.1, "
                "or configure sign-in."))
        return Decision("local", capped(Role(settings.view), settings), LOCAL_BANNER)
    problem = auth_problem(secrets, authlib_installed) or (None if roles else "no role map is loaded")
    if problem:
        return Decision("broken", message=(
            f"Sign-in is configured but cannot work: {problem}. The dashboard stays closed until it is fixed."))
    if not user.get("is_logged_in"):
        return Decision("login", message=LOGIN)
    role = roles.role_for(user)
    if role is None:
        return Decision("refused", message=REFUSED)
    return Decision("allowed", capped(role, settings))


def user_label(user: Mapping[str, Any]) -> str:
    """Who, for the audit trail: the signed-in e-mail, else the provider's subject, else 'local'."""
    if user.get("is_logged_in"):
        for claim in ("email", "preferred_username", "sub"):
            if isinstance(user.get(claim), str) and user[claim]:
                return user[claim]
        return "signed-in user"
    return "local (sign-in not configured)"


def _secrets(st) -> dict:
    # a secrets.toml that exists but does not parse is configured-but-broken, never "not configured"
    if not st.secrets.load_if_toml_exists():
        return {}
    return st.secrets.to_dict()


def gate(settings: Settings | None = None) -> Role:
    """Run first on every page: returns the Role to serve, or shows why not and stops the page."""
    import streamlit as st
    from streamlit import config
    from streamlit.auth_util import is_authlib_installed

    try:
        settings = settings or load_settings()
        secrets = _secrets(st)
        roles = RoleMap.from_file(settings.roles_file) if sign_in_configured(secrets) else None
    except SettingsError as exc:
        st.error(f"The dashboard cannot start: {exc}")
        st.stop()
    except Exception as exc:  # an unreadable secrets.toml: closed, and no secret in the message
        st.error(f"The dashboard cannot start: .streamlit/secrets.toml cannot be read ({type(exc).__name__}).")
        st.stop()
    user = st.user.to_dict()
    d = decide(settings, secrets, config.get_option("server.address"), user, roles, is_authlib_installed())
    if d.kind in ("broken", "exposed"):
        st.error(d.message)
        st.stop()
    if d.kind == "login":
        st.info(d.message)
        st.button("Sign in", type="primary", on_click=st.login, args=(provider(secrets),))
        st.stop()
    _audit_once(d, settings, user)
    if d.kind == "refused":
        st.warning(d.message)
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if d.kind == "local":
        st.warning(d.message)
    return d.role


def _audit_once(d: Decision, settings: Settings, user: Mapping[str, Any]) -> None:
    import streamlit as st

    from . import audit

    key = f"_sg_audited_{d.kind}"
    if st.session_state.get(key):
        return
    try:
        audit.record("refused" if d.kind == "refused" else "sign_in", user=user_label(user),
                     view=d.role.view if d.role else "none", db=settings.db,
                     detail={"role": d.role.value} if d.role else None)
    except (OSError, audit.AuditError):
        # who looked must be known: without a trail, nobody looks
        st.error("The dashboard cannot record who is using it (audit trail not writable), so it stays closed.")
        st.stop()
    st.session_state[key] = True


def sign_out_button() -> None:
    """A sign-out button for the sidebar, shown only when someone is signed in."""
    import streamlit as st

    if st.user.to_dict().get("is_logged_in"):
        st.sidebar.button("Sign out", on_click=st.logout)
