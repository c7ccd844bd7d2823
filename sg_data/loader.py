"""Loading a folder of exports into the store.

A load works on a new version of the store and swaps it in whole when it
ends (`store.new_version`), so a dashboard reading the store is never blocked
and never sees half a load. For each file, in one transaction: read it (or
reject it whole), validate it set-wise in DuckDB, put the rows that break a
rule in quarantine with the file, line, column and a reason, replace the
stored rows the file covers by natural key, and record the load. Every row of
the file is accounted for: header, loaded, quarantined, repeated or blank; if
they do not add up the file is rejected. A file that fails in any other way
(out of memory included) is reported and the rest of the folder still loads.
Loading the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import duckdb

from . import profiles as profiles_
from . import hardening, store
from .contract import KINDS, LOAD_ORDER, Kind
from .profiles import Loaded, ProfileError
from .reading import FileRejected, ReadFile, kind_of, read_export
from .rules import (DATE_SHAPES, DUPLICATE_RULE_CODE, DateForms, date_groups_sql, date_order_sql, duplicate_message,
                    identity_hits, parse_sql, rules_for, shape_of, us_order_message)

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[str, float], None]


@dataclass
class FileReport:
    file: str
    kind: str
    status: str  # loaded | unchanged | rejected | ignored
    rows_read: int = 0
    rows_loaded: int = 0
    rows_replaced: int = 0
    rows_quarantined: int = 0
    dropped_identity: list[str] = field(default_factory=list)
    dropped_unknown: list[str] = field(default_factory=list)
    message: str = ""
    quarantine: list[dict] = field(default_factory=list)
    #: the row count: rows_in_file = header_rows + lines loaded + lines quarantined + repeated + blank
    rows_in_file: int = 0
    header_rows: int = 0
    lines_loaded: int = 0
    rows_repeated: int = 0
    rows_blank: int = 0
    skipped_sheets: list[str] = field(default_factory=list)
    #: the export profile that mapped the file, by its name and file
    profile: str = ""

    def accounting(self) -> str:
        return (f"every row accounted for: {self.rows_in_file:,} rows in the file = {self.header_rows:,} header "
                f"+ {self.lines_loaded:,} loaded + {self.rows_quarantined:,} quarantined + {self.rows_repeated:,} "
                f"exact repeats + {self.rows_blank:,} blank")

    def lines(self) -> list[str]:
        if self.status == "rejected":
            return [f"REJECTED {self.file}: {self.message}"]
        if self.status == "ignored":
            return [f"ignored  {self.file}: {self.message}"]
        if self.status == "unchanged":
            return [f"unchanged {self.file}: {self.message}"]
        mapped = f", profile {self.profile}" if self.profile else ""
        out = [f"loaded   {self.file} ({self.kind}{mapped}): {self.rows_loaded} rows loaded, "
               f"{self.rows_replaced} replaced, {self.rows_quarantined} quarantined"]
        out.append("         " + self.accounting())
        if self.skipped_sheets:
            out.append(f"         sheets skipped (no {self.kind} header in the first rows): "
                       + ", ".join(self.skipped_sheets))
        if self.dropped_identity:
            out.append("         identity columns dropped, never stored: " + ", ".join(self.dropped_identity))
        if self.dropped_unknown:
            out.append("         columns not in the contract, not stored: " + ", ".join(self.dropped_unknown))
        for q in self.quarantine[:20]:
            where = f"sheet '{q['part']}', line" if q.get("part") else "line"
            out.append(f"         {where} {q['line']}, {q['column_name']}: {q['reason']} [{q['rule']}]")
        if len(self.quarantine) > 20:
            out.append(f"         ... and {len(self.quarantine) - 20} more reasons (see the quarantine table)")
        return out


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.status == "rejected" for f in self.files)

    def text(self) -> str:
        lines = [line for f in self.files for line in f.lines()]
        loaded = sum(f.rows_loaded for f in self.files)
        quarantined = sum(f.rows_quarantined for f in self.files)
        rejected = sum(f.status == "rejected" for f in self.files)
        lines.append(f"{len(self.files)} files: {loaded} rows loaded, {quarantined} rows quarantined, "
                     f"{rejected} files rejected.")
        return "\n".join(lines)


def _quiet(message: str, fraction: float) -> None:
    pass


ExportFile = tuple[Optional[Kind], Path, Optional[Loaded]]


def export_files(source: Path, profiles: list[Loaded] | None = None) -> list[ExportFile]:
    """The files of a source folder in the order they are applied: by kind, then by name.

    A file a profile's patterns match is of the profile's kind; two profiles matching one file are an error."""
    found = []
    for p in sorted(source.iterdir()):
        if p.is_file() and p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith(("~$", ".")):
            profile = profiles_.match(profiles or [], p.name)
            found.append((profile.contract if profile else kind_of(p), p, profile))
        elif p.is_file():
            found.append((None, p, None))
    order = {name: i for i, name in enumerate(LOAD_ORDER)}
    return sorted(found, key=lambda kp: (order[kp[0].name] if kp[0] else 99, kp[1].name))


def load_folder(source: Path, db: str | Path, progress: Progress = _quiet, wait: bool = False,
                profiles: list[Loaded] | None = None) -> LoadReport:
    """Load every export of a folder into a new version of the store, swapped in when done.

    Without `profiles`, the profiles are those of the folder's `profiles/` (inside it, else beside it).
    Raises `ProfileError` for a profile that cannot be used (nothing is loaded), `store.StoreBusy` if
    another load holds the store, `store.StoreError` if it cannot be used."""
    source = Path(source)
    if not source.is_dir():
        raise NotADirectoryError(f"{source} is not a folder")
    if profiles is None:
        profiles = profiles_.load_all(profiles_.folder_for(source))
    return load_files(export_files(source, profiles), db, progress, wait)


def load_files(files: list[ExportFile], db: str | Path, progress: Progress = _quiet,
               wait: bool = False) -> LoadReport:
    """Load files, each with its kind and profile as `export_files` gives them, into one new version of the store."""
    report = LoadReport()
    with store.new_version(db, wait=wait) as con, tempfile.TemporaryDirectory(prefix="sg-load-") as work:
        # the load reads its files and its own working folder (a re-encoded copy of a file), nothing else
        hardening.confine(con, {path.parent for _, path, _ in files} | {work})
        for i, (kind, path, profile) in enumerate(files):
            if kind is None:
                if path.suffix.lower() in (".csv", ".xlsx"):
                    report.files.append(FileReport(path.name, "", "ignored",
                                                   message="not named after a known export (concerns, training, "
                                                           "...) and no profile's file patterns match it"))
                continue
            n = max(len(files), 1)
            report.files.append(_isolated(con, path, kind, lambda message, f, i=i: progress(message, (i + f) / n),
                                          profile, Path(work)))
        progress("Done", 1.0)
    return report


@dataclass
class Preview:
    """What loading one file would do: its report, its first rows as stored (by key), and the quarantine's reasons."""

    report: FileReport
    stored: pd.DataFrame
    quarantine: pd.DataFrame


def preview(path: Path, kind: Kind | None = None, profile: Loaded | None = None, rows: int = 20) -> Preview:
    """Load one file into a throwaway in-memory store, by the loader's own reading and rules; the store is untouched.

    Staff ids are shown as pseudonyms under a throwaway key, so they differ from the stored ones."""
    from . import pseudonym

    kind = profile.contract if profile is not None else (kind or kind_of(path))
    con = duckdb.connect(":memory:")
    work = tempfile.TemporaryDirectory(prefix="sg-preview-")
    try:
        con.execute(f"set memory_limit = '{store.LOAD_MEMORY_LIMIT}'")
        store.ensure_schema(con)
        pseudonym.register(con, os.urandom(pseudonym.KEY_BYTES))
        hardening.confine(con, [path.parent, work.name])
        if kind is None:
            report = FileReport(path.name, "", "rejected", message="is not named after a known export.")
        else:
            report = _isolated(con, path, kind, _quiet, profile, Path(work.name))
        shown = kind or KINDS["concerns"]
        stored = con.execute(f"select * exclude (load_id) from {shown.name} order by {', '.join(shown.row_key)} "
                             f"limit {int(rows)}").df()
        quarantine = con.execute("select line, column_name, rule, reason from quarantine order by line, column_name "
                                 "limit 1000").df()
    finally:
        con.close()
        work.cleanup()
    return Preview(report, stored, quarantine)


def _isolated(con: duckdb.DuckDBPyConnection, path: Path, kind: Kind, progress: Progress,
              profile: Loaded | None = None, work: Path | None = None) -> FileReport:
    """One file's load; whatever goes wrong with it is its report, and the folder goes on."""
    try:
        return load_file(con, path, kind, progress, profile, work)
    except (duckdb.OutOfMemoryException, MemoryError):
        message = (f"ran out of memory while loading (the loader's limit is {store.LOAD_MEMORY_LIMIT}); nothing "
                   "from it is stored. Split the export into smaller files, or raise SG_LOAD_MEMORY_LIMIT.")
    except OSError as exc:
        message = f"could not be read ({exc.strerror or type(exc).__name__}); nothing from it is stored."
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the folder
        message = f"could not be loaded ({type(exc).__name__}); nothing from it is stored."
    _drop_work_tables(con)
    return FileReport(path.name, kind.name, "rejected", message=message)


WORK_TABLES = ("_scan", "_cells", "_skips", "_raw", "_parsed", "_broken", "_rules", "_flags", "_good")


def _drop_work_tables(con) -> None:
    # by kind, from the catalog: a failed drop would abort the file's transaction
    views = {r[0] for r in con.execute("select view_name from duckdb_views() where temporary").fetchall()}
    for t in WORK_TABLES:
        con.execute(f"drop {'view' if t in views else 'table'} if exists {t}")


def load_file(con: duckdb.DuckDBPyConnection, path: Path, kind: Kind | None = None,
              progress: Progress = _quiet, profile: Loaded | None = None, work: Path | None = None) -> FileReport:
    """Load one export file; with a profile, the profile maps its columns (sg_data.profiles). A file that must be
    re-encoded is copied into `work` (the system's temporary folder if None)."""
    kind = profile.contract if profile is not None else (kind or kind_of(path))
    name = path.name
    if kind is None:
        return FileReport(name, "", "rejected", message="is not named after a known export.")
    sha = store.file_sha256(path)
    if profile is not None:  # the same file read through a changed profile is a different load
        sha = hashlib.sha256(f"{sha}:{profile.digest}".encode()).hexdigest()
    previous = con.execute("select loaded_at from loads where sha256 = ? and kind = ? order by loaded_at limit 1",
                           [sha, kind.name]).fetchone()
    if previous:
        return FileReport(name, kind.name, "unchanged",
                          message=f"identical to a file already loaded on {previous[0]:%d/%m/%Y %H:%M}; nothing changed.")
    progress(f"Reading {name}", 0.0)
    try:
        # into temp tables, before the transaction: a failed attempt of DuckDB's reader must not abort it
        read = read_export(con, path, kind, work=work, profile=profile)
    except FileRejected as exc:
        _drop_work_tables(con)
        return FileReport(name, kind.name, "rejected", message=exc.message)
    progress(f"Validating {read.rows_read:,} rows of {name}", 0.3)
    con.execute("begin transaction")
    try:
        report = _apply(con, read, sha, progress)
        con.execute("commit")
    except FileRejected as exc:
        con.execute("rollback")
        _drop_work_tables(con)
        return FileReport(name, kind.name, "rejected", message=exc.message)
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        raise
    return report


#: the rows a date column's formats are first looked for in (`_date_forms`)
DATE_SAMPLE_ROWS = 50_000


def _date_forms(con, kind: Kind, name: str) -> dict[str, DateForms]:
    """Each date column's formats, found once for the file; a month-first column rejects the file.

    The formats are looked for in the column's first rows, and kept if every value of the column reads by them;
    else (a value of another shape, one that is not a date, or one month first) they are found over the whole
    column. Kept, they are the whole column's formats, and no value has a second number over 12: a value with a
    / reads only by a day-first format, whose month is at most 12."""
    dated = [f for f in kind.fields if f.type in ("timestamp", "date")]
    if not dated:
        return {}
    forms = {}
    for f in dated:
        formats = _formats(con, date_groups_sql(f, DATE_SAMPLE_ROWS))
        unread = con.execute(f"select count(*) from _raw where r_{f.name} is not null "
                             f"and {parse_sql(f, DateForms(formats))} is null").fetchone()[0]
        if unread:
            formats = _formats(con, date_groups_sql(f))
            if any("/" in x for x in formats):
                us_line, day_first = con.execute(f"select {date_order_sql(f)} from _raw").fetchone()
                if us_line is not None:
                    raise FileRejected(name, us_order_message(f, us_line, bool(day_first)))
        forms[f.name] = DateForms(tuple(formats))
    return forms


def _formats(con, groups_sql: str) -> tuple[str, ...]:
    groups = con.execute(groups_sql).fetchall()
    return tuple(sorted({DATE_SHAPES[shape] for value, _ in groups if (shape := shape_of(value)) in DATE_SHAPES}))


def _stored(f, sql: str) -> str:
    """What is stored of a field: a staff id only as its keyed pseudonym (sg_data.pseudonym)."""
    return f"pseudonym({sql})" if f.name == "staff_id" else sql


def _apply(con: duckdb.DuckDBPyConnection, read: ReadFile, sha: str, progress: Progress) -> FileReport:
    kind = read.kind
    name = read.path.name
    forms = _date_forms(con, kind, name)
    # each value is typed where it is used (the rules, then the store) rather than copied into a typed table
    typed = ", ".join(f"{_stored(f, parse_sql(f, forms.get(f.name)))} as {f.name}" for f in kind.fields)
    con.execute(f"create or replace temp view _parsed as select *, {typed} from _raw")

    rules = rules_for(kind)
    load_id = con.execute("select nextval('load_seq')").fetchone()[0]
    con.execute("create or replace temp table _rules (k integer, column_name varchar, rule varchar, reason varchar)")
    con.execute("insert into _rules values " + ", ".join(["(?, ?, ?, ?)"] * (len(rules) + 1)),
                [v for i, r in enumerate(rules) for v in (i, r.column, r.code, r.message)]
                + [len(rules), ", ".join(kind.row_key), DUPLICATE_RULE_CODE, duplicate_message(kind)])
    # the identity patterns once per distinct free-text value, then every rule in one pass over the file:
    # each row's list of the rules it breaks. A column none of whose values breaks an identity rule needs neither
    # its join nor those rules.
    hits = identity_hits(kind)
    for _, fill, _ in hits:
        con.execute(fill)
    joins = {table: join for table, _, join in hits
             if con.execute(f"select exists (select 1 from {table} where len(hits) > 0)").fetchone()[0]}
    # A rule that is NULL for a row (a comparison with a blank) is not broken. A row that breaks none has an empty
    # list, which unnests to no row: with no filter, each typed value is parsed once per row, not once per rule.
    bad = {i: f"({r.bad_sql})" for i, r in enumerate(rules) if not r.table or r.table in joins}
    con.execute(f"""
        create or replace temp table _broken as
        select _line as line, _part as part, unnest(list_filter([{', '.join(f'case when {b} then {i} end'
                                                                          for i, b in bad.items())}],
                                                         lambda x: x is not null)) as k
        from _parsed {' '.join(joins.values())}""")
    for table, _, _ in hits:
        con.execute(f"drop table {table}")
    typed_key = ", ".join(kind.row_key)
    shared = con.execute(f"select count(*) from (select 1 from _parsed group by {typed_key} having count(*) > 1)"
                         ).fetchone()[0]
    if shared:
        # Two rows with one key and different content: neither can be trusted.
        key = ", ".join(f"r_{k}" for k in kind.row_key)
        content = ", ".join(f"r_{f.name}" for f in kind.fields)
        con.execute(f"""
            insert into _broken
            select _line, _part, {len(rules)} from (
                select _line, _part, count(distinct hash({content})) over (partition by {key}) as n from _parsed)
            where n > 1""")
    con.execute("create or replace temp table _flags as select line, part, column_name, rule, reason "
                "from _broken join _rules using (k)")
    con.execute("drop table _broken")
    con.execute("drop table _rules")
    file_name = "case when part is null then $name else $name || ' (sheet ' || part || ')' end"
    in_order = "coalesce(list_position($sheets, part), 0), line, column_name, rule"
    params = {"name": name, "sheets": read.sheets or [""]}
    con.execute(f"""
        insert into quarantine
        select {load_id}, '{kind.name}', {file_name}, line, column_name, rule, reason from _flags
        order by {in_order}""", params)
    quarantine = con.execute(
        f"select {file_name} as file_name, part, line, column_name, rule, reason from _flags order by {in_order} "
        "limit 1000", params).df().to_dict("records")
    quarantined = con.execute("select count(*) from (select distinct part, line from _flags)").fetchone()[0]

    fields = ", ".join(kind.field_names)
    unflagged = ("where not exists (select 1 from _flags f where f.line = _parsed._line "
                 "and f.part is not distinct from _parsed._part)") if quarantined else ""
    if shared:
        # Exact duplicate rows carry nothing new: one copy is kept.
        con.execute(f"""
            create or replace temp table _good as
            select _part, _line, {fields} from _parsed {unflagged}
            qualify row_number() over (partition by {typed_key} order by _part nulls first, _line) = 1""")
    else:
        con.execute(f"create or replace temp view _good as select _part, _line, {fields} from _parsed {unflagged}")
    progress(f"Storing {name}", 0.7)
    match = " and ".join(f"t.{k} is not distinct from g.{k}" for k in kind.replace_key)
    replaced = 0
    if con.execute(f"select exists (select 1 from {kind.name})").fetchone()[0]:
        replaced = con.execute(
            f"delete from {kind.name} t where exists (select 1 from (select distinct {', '.join(kind.replace_key)} "
            f"from _good) g where {match})").fetchone()[0]
    order = f" order by {', '.join(kind.stored_order)}" if kind.stored_order else ""
    loaded = con.execute(f"insert into {kind.name} select {fields}, {load_id} from _good{order}").fetchone()[0]
    lines_read = con.execute("select count(*) from (select distinct _part, _line from _parsed)").fetchone()[0]
    # without repeated keys, `_good` is `_parsed` less the quarantined lines, all of which are lines of `_parsed`
    lines_loaded = con.execute("select count(*) from (select distinct _part, _line from _good)").fetchone()[0] \
        if shared else lines_read - quarantined
    repeated = lines_read - lines_loaded - quarantined
    if lines_read != read.rows_read or read.rows_in_file != (
            read.header_rows + lines_loaded + quarantined + repeated + read.blank_rows):
        raise FileRejected(name, f"its rows do not add up ({read.rows_in_file:,} in the file; {read.header_rows:,} "
                                 f"header, {lines_loaded:,} loaded, {quarantined:,} quarantined, {repeated:,} repeated, "
                                 f"{read.blank_rows:,} blank), so nothing from it is stored. Please report this file.")
    dropped = read.dropped_identity + read.dropped_unknown
    con.execute(
        "insert into loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, kind.name, name, sha, dt.datetime.now().replace(microsecond=0), read.encoding or None,
         read.rows_read, loaded, replaced, quarantined, ", ".join(dropped) or None, read.rows_in_file,
         read.header_rows, read.blank_rows, repeated, ", ".join(read.skipped_sheets) or None])
    _drop_work_tables(con)
    return FileReport(name, kind.name, "loaded", rows_read=read.rows_read, rows_loaded=loaded, rows_replaced=replaced,
                      rows_quarantined=quarantined, dropped_identity=read.dropped_identity,
                      dropped_unknown=read.dropped_unknown, quarantine=quarantine, rows_in_file=read.rows_in_file,
                      header_rows=read.header_rows, lines_loaded=lines_loaded, rows_repeated=repeated,
                      rows_blank=read.blank_rows, skipped_sheets=read.skipped_sheets,
                      profile=_named(read.profile))


def _named(profile) -> str:
    return f"'{profile.name}' ({profile.file})" if profile is not None else ""


def ensure_sample_store(db: str | Path, source: Path, progress: Progress = _quiet) -> Optional[LoadReport]:
    """Build the store from the sample council if it does not exist yet."""
    db = Path(db)
    if db.exists():
        return None
    # the store appears whole when built; a second session waits for the first and finds every file unchanged;
    # the sample's files are contract-shaped, so no profile (not even a broken one beside them) is read
    return load_folder(source, db, progress, wait=True, profiles=[])


__all__ = ["load_folder", "load_files", "load_file", "preview", "Preview", "LoadReport", "FileReport",
           "ensure_sample_store", "KINDS", "ProfileError"]
