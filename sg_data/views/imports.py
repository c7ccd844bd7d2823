"""The Imports page: uploaded exports checked, mapped through a profile, previewed, loaded and the profile saved.

Uploaded bytes are written to a private temporary folder (owner-only, outside the project and away from the
store) under a sanitised name, checked by content rather than by extension, and deleted after the load (or
with the session). Each file is recognised by a saved profile's file patterns (the council's `profiles/`
folder in the project, as the command line's `--profile profiles` reads it), else by its contract name, else
`profile_suggest` proposes a mapping that a person confirms column by column. The preview and the load are
the loader's own (`loader.preview`, `loader.load_files`), so what the page shows is what the command line does.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

from .. import loader, profiles
from ..contract import KINDS, LOAD_ORDER, Kind
from ..decoding import NotText, decode_file
from ..profile_suggest import SuggestError, Suggestion, suggest
from ..reading import SUFFIXES, kind_of

#: the council's saved profiles, which the Imports page reads and writes (README, "Your own council's data")
PROFILES_DIR = Path(__file__).resolve().parents[2] / profiles.FOLDER
#: the largest file the page takes, in MB (Streamlit's own upload limit is the same)
MAX_MB = 200
NONE = "(none)"
FIXED = "(a fixed value)"
CHOOSE = "(choose)"


def safe_name(name: str) -> str:
    """A file name with no folder parts and only plain characters: `../../etc/passwd.csv` is `passwd.csv`."""
    base = re.split(r"[\\/]", str(name))[-1]
    stem, suffix = os.path.splitext(base)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._")[:100] or "upload"
    suffix = suffix.lower() if suffix.lower() in SUFFIXES else re.sub(r"[^a-z0-9.]", "", suffix.lower())[:10]
    return stem + suffix


def problem(path: Path, size: int) -> Optional[str]:
    """Why an uploaded file cannot be an export, from its content, or None: a workbook is a ZIP, a CSV is text."""
    if size > MAX_MB * 1_000_000:
        return f"is larger than {MAX_MB} MB; load it with the command line (`python -m sg_data load`)."
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return "is not a CSV or Excel workbook (.xlsx) file."
    with open(path, "rb") as fh:
        zipped = fh.read(4) == b"PK\x03\x04"
    if suffix == ".xlsx":
        if not zipped or not zipfile.is_zipfile(path):
            return "is named .xlsx but is not an Excel workbook. Open it in Excel and save it again as .xlsx."
        return None
    if zipped:
        return "is named .csv but is a ZIP file or a workbook. Export it again as CSV, or upload the .xlsx file."
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        try:
            decode_file(path, Path(work))
        except NotText as exc:
            return exc.message
    return None


@dataclass
class Staged:
    """One uploaded file: its name as given (shown escaped), its safe name and path, and how it is recognised."""

    given: str
    path: Path
    sha: str
    problem: Optional[str] = None
    kind: Optional[Kind] = None
    saved: Optional[profiles.Loaded] = None
    suggestion: Optional[Suggestion] = None
    #: no saved profile, contract name or headings tell which export it is: a person chooses
    ask_kind: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def needs_mapping(self) -> bool:
        return self.problem is None and self.suggestion is not None

    def how(self) -> str:
        """How the file was recognised, in words."""
        if self.problem:
            return f"Not accepted: {self.name} {self.problem}"
        if self.saved is not None:
            return (f"A {self.kind.name} export, recognised by the saved profile '{self.saved.name}' "
                    f"({self.saved.file}).")
        if self.suggestion is None:
            return f"A {self.kind.name} export named after the data contract: read by its own headings."
        return (f"A {self.kind.name} export that no saved profile recognises: a mapping is proposed below. "
                "Check every column before loading.")


class Staging:
    """Uploaded files in a private temporary folder (0700), deleted when closed or with the session."""

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="sg-import-")
        self.folder = Path(self._dir.name)
        os.chmod(self.folder, 0o700)
        self.files: dict[str, Staged] = {}
        self.previews: dict[tuple[str, str, str], loader.Preview] = {}

    def preview(self, staged: Staged, profile: Optional[profiles.Loaded]) -> loader.Preview:
        """A file's preview with a profile, made once per file, content and profile."""
        key = (staged.name, staged.sha, getattr(profile, "digest", ""))
        if key not in self.previews:
            self.previews[key] = preview(staged, profile)
        return self.previews[key]

    def add(self, given: str, data: bytes, saved: list[profiles.Loaded]) -> Staged:
        """Write one upload to the folder (once per content and name) and recognise it."""
        sha = hashlib.sha256(data).hexdigest()
        key = f"{sha}:{given}"
        if key in self.files:
            return self.files[key]
        name = safe_name(given)
        taken = {s.name for s in self.files.values()}
        stem, suffix = os.path.splitext(name)
        n = 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        path = self.folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        staged = Staged(given, path, sha, problem(path, len(data)))
        if staged.problem is None:
            recognise(staged, saved)
        self.files[key] = staged
        return staged

    def close(self) -> None:
        self._dir.cleanup()
        self.files, self.previews = {}, {}


def upload_detail(staged: Staged) -> dict:
    """What the audit trail records of an upload: its stored name, its kind and whether it was accepted."""
    return {"file": staged.name, "kind": getattr(staged.kind, "name", ""),
            "outcome": "rejected" if staged.problem else "accepted"}


def recognise(staged: Staged, saved: list[profiles.Loaded], kind_name: Optional[str] = None) -> None:
    """A saved profile's patterns, else the contract's name, else a proposed mapping (for the given kind)."""
    try:
        staged.saved = profiles.match(saved, staged.name) if kind_name is None else None
    except profiles.ProfileError as exc:
        staged.problem = f"cannot be recognised: profile {exc}"
        return
    if staged.saved is not None:
        staged.kind = staged.saved.contract
        return
    staged.kind = kind_of(staged.path) if kind_name is None else None
    if staged.kind is not None:
        return
    try:
        staged.suggestion = suggest(staged.path, kind_name)
        staged.kind = staged.suggestion.kind
        staged.problem, staged.ask_kind = None, False
    except SuggestError as exc:
        staged.ask_kind = kind_name is None and "cannot tell" in str(exc)
        staged.problem = str(exc).removeprefix(f"{staged.name}: ").replace("give --kind", "choose which export it is")


def saved_profiles(folder: Optional[Path] = None) -> tuple[list[profiles.Loaded], Optional[str]]:
    """The saved profiles, and what is wrong with the folder if one cannot be read (then none are used)."""
    folder = Path(folder or PROFILES_DIR)
    try:
        return profiles.load_all(folder if folder.is_dir() else None), None
    except profiles.ProfileError as exc:
        return [], f"The saved profiles cannot be used: {exc}"


def saved_lines(saved: list[profiles.Loaded]) -> list[str]:
    """One line per saved profile: its name, kind, file patterns and file."""
    return [f"{p.name} ({p.kind}): files {', '.join(p.files)}; saved as {p.file}" for p in saved]


# --- the mapping ---------------------------------------------------------------------------------

@dataclass
class Mapping:
    """A person's choices for one file: each contract column's source, fixed values, the date order, the name."""

    sources: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)
    date_order: Optional[str] = None
    name: str = ""
    files: str = ""


def _label(spec) -> str:
    if isinstance(spec, str):
        return spec
    if "join" in spec:
        return " + ".join(spec["join"])
    return FIXED if "value" in spec else NONE


def unpivoted(s: Suggestion) -> set[str]:
    return {s.unpivot["heading_to"], s.unpivot["value_to"]} if s.unpivot else set()


def choices(s: Suggestion) -> dict[str, list[str]]:
    """Each contract column's options: none, every heading, a suggested join, a fixed value."""
    headings = [p.heading for p in s.proposals if p.target != "unpivot"]
    out = {}
    for f in s.kind.fields:
        if f.name in unpivoted(s):
            continue
        joined = [_label(s.columns[f.name])] if isinstance(s.columns.get(f.name), dict) and "join" in s.columns[
            f.name] else []
        out[f.name] = [NONE, *headings, *joined, FIXED]
    return out


def proposed(s: Suggestion) -> Mapping:
    """The suggestion as a person's starting choices."""
    files = s.profile()["files"]
    m = Mapping(date_order=s.date_order, name=files[0].split("*")[0].strip("_- ") or s.kind.name,
                files=", ".join(files))
    for name in choices(s):
        spec = s.columns.get(name)
        m.sources[name] = _label(spec) if spec is not None else NONE
        if isinstance(spec, dict) and "value" in spec:
            m.fixed[name] = spec["value"]
    return m


def mapping_table(s: Suggestion) -> pd.DataFrame:
    """Each contract column beside its proposed heading, the confidence, sample values and why."""
    by_target = {}
    for p in s.proposals:
        if p.target and p.target != "unpivot":
            by_target.setdefault(p.target, p)
    rows = []
    for f in s.kind.fields:
        if f.name in unpivoted(s):
            rows.append([f.name, "yes" if f.name in s.kind.required else "no", "(one row per listed heading)",
                         "", "", "a wide file: unpivoted"])
            continue
        p = by_target.get(f.name)
        spec = s.columns.get(f.name)
        heads = [spec] if isinstance(spec, str) else (spec or {}).get("join", [])
        samples = "; ".join(v for h in heads for v in s.samples.get(h, []))
        rows.append([f.name, "yes" if f.name in s.kind.required else "no", _label(spec) if spec else NONE,
                     f"{p.confidence:.0%}" if p else "", samples, p.why if p else "no heading proposed"])
    return pd.DataFrame(rows, columns=["contract column", "required", "proposed heading", "confidence",
                                       "sample values", "why"])


def unmapped_table(s: Suggestion) -> pd.DataFrame:
    """The file's headings no column takes, and why (never stored)."""
    rows = [[p.heading, "; ".join(s.samples.get(p.heading, [])) if p.why.startswith("unknown") else "", p.why]
            for p in s.proposals if p.target is None]
    return pd.DataFrame(rows, columns=["heading", "sample values", "why not mapped"])


def dated(s: Suggestion, m: Mapping) -> bool:
    """Whether a mapped column (or the unpivot) holds dates, so the date order must be given."""
    names = {n for n, src in m.sources.items() if src not in (NONE, FIXED)} | unpivoted(s)
    return any(s.kind.field(n).type in ("date", "timestamp") for n in names)


def profile_data(s: Suggestion, m: Mapping) -> dict:
    """The confirmed profile as TOML data: the suggestion's value maps and unpivot, the person's columns."""
    joins = {_label(spec): spec for spec in s.columns.values() if isinstance(spec, dict) and "join" in spec}
    columns = {}
    for name, src in m.sources.items():
        if src == FIXED:
            columns[name] = {"value": m.fixed.get(name, "")}
        elif src in joins:
            columns[name] = joins[src]
        elif src != NONE:
            columns[name] = src
    data = {"name": m.name.strip(), "kind": s.kind.name,
            "files": [p.strip() for p in m.files.split(",") if p.strip()]}
    if m.date_order and m.date_order != CHOOSE and dated(s, m):
        data["date_order"] = m.date_order
    data["columns"] = columns
    values = {k: v for k, v in s.values.items() if k in columns or k in unpivoted(s)}
    if values:
        data["values"] = values
    if s.unpivot:
        data["unpivot"] = s.unpivot
    return data


def confirm(s: Suggestion, m: Mapping, source: str) -> tuple[Optional[profiles.Loaded], str, str]:
    """The confirmed profile read back as the loader reads a saved one: (profile, its TOML, what is wrong)."""
    import tomli_w

    text = (f"# Confirmed on the dashboard's Imports page from {safe_name(source)}.\n"
            + tomli_w.dumps(profile_data(s, m)))
    try:
        return profiles.parse(text, profile_file(m.name)), text, ""
    except profiles.ProfileError as exc:
        return None, text, exc.message


def profile_file(name: str) -> str:
    """A profile's file name: the slug of its name (`MyConcern report` is `myconcern-report.toml`)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "profile"
    return f"{slug}.toml"


def save(text: str, name: str, folder: Optional[Path] = None, replace: bool = False) -> tuple[bool, str]:
    """Write a confirmed profile to the profiles folder; an existing file only with `replace`."""
    folder = Path(folder or PROFILES_DIR)
    target = folder / profile_file(name)
    if target.exists() and not replace:
        return False, (f"A saved profile {target.name} already exists. Tick 'Replace the saved profile' to "
                       "overwrite it, or give the profile another name.")
    work = folder / f".{target.name}.saving"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work.write_text(text, encoding="utf-8")
        os.replace(work, target)
    except OSError as exc:
        return False, f"The profile could not be saved in the {folder.name} folder ({exc.strerror or 'not writable'})."
    return True, f"Saved as {target.name} in the {folder.name} folder: files matching it are recognised next time."


# --- preview and load ----------------------------------------------------------------------------

def preview(staged: Staged, profile: Optional[profiles.Loaded], rows: int = 20) -> loader.Preview:
    """The loader's preview of one file with the profile confirmed for it (None: read by its own headings)."""
    return loader.preview(staged.path, staged.kind, profile, rows)


def preview_summary(p: loader.Preview) -> str:
    r = p.report
    if r.status == "rejected":
        return f"This file would be rejected: {r.file} {r.message}"
    return (f"{r.rows_loaded:,} rows would be loaded and {r.rows_quarantined:,} quarantined: {r.accounting()}. "
            "The first rows as they would be stored are below (staff ids as pseudonyms under a throwaway key).")


def load(chosen: list[tuple[Staged, Optional[profiles.Loaded]]], db: str, progress) -> loader.LoadReport:
    """Load the chosen files into a new version of the store, in the loader's order, as the command line does."""
    order = {name: i for i, name in enumerate(LOAD_ORDER)}
    files = sorted(((p.contract if p is not None else s.kind, s.path, p) for s, p in chosen),
                   key=lambda f: (order[f[0].name], f[1].name))
    return loader.load_files(files, db, progress)


def kinds() -> list[str]:
    return list(KINDS)
