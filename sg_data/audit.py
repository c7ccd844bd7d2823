"""The audit trail: who looked at what, when, in which view, with which filters, and what they took away.

An information-governance lead asks "how do we know who looked?". Every page view, filter change,
download, briefing, load, publish and purge (and the Imports page's uploads, loads and saved profiles) appends
one JSON line to `<store>.audit.jsonl`, beside the store: owner-only (0600), opened O_APPEND so a writer
can only add to the end, never through a symlink. A record never holds a figure or a concern's details:
`filters` holds the selections, `detail` only the whitelisted keys below, as text, and no number at all (a count
of concerns is a figure).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import socket
import stat
from pathlib import Path
from typing import Any

import pandas as pd

EVENTS = frozenset({
    "sign_in", "refused", "page_view", "filter_change", "download", "briefing", "load", "publish",
    "purge", "audit_view", "import_upload", "import_load", "profile_save", "reference_save",
})
# what an event may say beyond who, when, which view, page and filters: names and choices, never counts
DETAIL_KEYS = frozenset({
    "format", "table", "file", "kind", "period", "out", "older_than", "cutoff", "role", "reason", "outcome", "detail",
})
COLUMNS = ["at", "event", "user", "view", "page", "filters", "detail"]
SUFFIX = ".audit.jsonl"
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_NUMBER = re.compile(r"[+-]?(?:[0-9][0-9,]*)?\.?[0-9]+%?")  # "12", "1,234", "-3.5", "48%"; not a date
_MAX_TEXT = 200
_MAX_LIST = 50
_MAX_LINE = 8192


class AuditError(Exception):
    """A record the trail refuses: an unknown event or key, or a number where none may be."""


def audit_path(db: str | Path) -> Path:
    return Path(str(db) + SUFFIX)


def cli_user() -> str:
    """Who ran a command: the account and the machine (the command line has no sign-in)."""
    return f"{getpass.getuser()}@{socket.gethostname()} (command line)"


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise AuditError(f"audit {where}: text expected, got {type(value).__name__}")
    if len(value) > _MAX_TEXT:
        raise AuditError(f"audit {where}: longer than {_MAX_TEXT} characters")
    return value


def _filter_value(value: Any, where: str) -> Any:
    # a selection: a period, a service, a target in hours, a switch; lists of those
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        if len(value) > _MAX_LIST:
            raise AuditError(f"audit {where}: more than {_MAX_LIST} values")
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_filter_value(v, where) for v in items]
    if not isinstance(value, str) and isinstance(getattr(value, "label", None), str):
        value = value.label  # a Period is recorded by its label
    return _text(value, where)


def _clean_filters(filters: dict | None) -> dict:
    out = {}
    for key, value in (filters or {}).items():
        if not isinstance(key, str) or not _KEY.match(key):
            raise AuditError(f"audit filters: {key!r} is not a filter name")
        out[key] = _filter_value(value, f"filter {key}")
    return out


def _clean_detail(detail: dict | None) -> dict:
    out = {}
    for key, value in (detail or {}).items():
        if key not in DETAIL_KEYS:
            raise AuditError(f"audit detail: {key!r} is not one of {', '.join(sorted(DETAIL_KEYS))}")
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        text = _text(value, f"detail {key}")
        if _NUMBER.fullmatch(text.strip()):
            raise AuditError(f"audit detail {key}: a number is not recorded (the trail holds no figures)")
        out[key] = text
    return out


def _open_append(path: Path) -> int:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise AuditError(f"audit trail {path} is not a regular file")
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != 0o600:
        os.fchmod(fd, 0o600)
    return fd


def record(event: str, *, user: str, view: str, page: str | None = None, filters: dict | None = None,
           detail: dict | None = None, db: str | Path | None = None,
           now: dt.datetime | None = None) -> dict:
    """Append one record to the trail of store `db` (default: $SG_DB or sg.duckdb); returns the record."""
    if event not in EVENTS:
        raise AuditError(f"audit: {event!r} is not an audited event")
    if db is None:
        from .store import default_path

        db = default_path()
    entry = {
        "at": (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds"),
        "event": event,
        "user": _text(user, "user"),
        "view": _text(view, "view"),
        "page": None if page is None else _text(page, "page"),
        "filters": _clean_filters(filters),
        "detail": _clean_detail(detail),
    }
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n").encode("utf-8")
    if len(line) > _MAX_LINE:
        raise AuditError(f"audit: a record is longer than {_MAX_LINE} bytes")
    fd = _open_append(audit_path(db))
    try:
        os.write(fd, line)  # one write of one line: appends from several sessions never interleave
    finally:
        os.close(fd)
    return entry


def _since(value: str | dt.date | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise AuditError(f"--since {value} is not a date (YYYY-MM-DD)") from None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def read(path: str | Path, since: str | dt.date | None = None) -> pd.DataFrame:
    """The trail as a frame (oldest first), from `since` (a date, UTC) on. `path` is the trail file.

    A line that is not a record (a write cut short by a crash) is skipped, not fatal: the rest is evidence.
    """
    start = _since(since)
    rows = []
    path = Path(path)
    if path.exists():
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    entry = json.loads(line)
                    at = dt.datetime.fromisoformat(entry["at"])
                except (ValueError, KeyError, TypeError):
                    continue
                if start is not None and at < start:
                    continue
                rows.append({
                    "at": entry["at"],
                    "event": entry.get("event"),
                    "user": entry.get("user"),
                    "view": entry.get("view"),
                    "page": entry.get("page"),
                    "filters": json.dumps(entry.get("filters") or {}, ensure_ascii=False, sort_keys=True),
                    "detail": json.dumps(entry.get("detail") or {}, ensure_ascii=False, sort_keys=True),
                })
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object)


def to_csv(frame: pd.DataFrame) -> bytes:
    """The trail as CSV, formula-looking cells neutralised (a user name or filter value is input too)."""
    from .safety import safe_csv

    return safe_csv(frame)
