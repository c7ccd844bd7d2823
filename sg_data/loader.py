"""Loading a folder of exports into the store.

For each file, in one transaction: read it (or reject it whole), validate it
set-wise in DuckDB, put the rows that break a rule in quarantine with the
file, line, column and a reason, replace the stored rows the file covers by
natural key, and record the load. Loading the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import duckdb

from . import store
from .contract import KINDS, LOAD_ORDER, Kind
from .reading import FileRejected, ReadFile, kind_of, read_export
from .rules import DUPLICATE_RULE_CODE, duplicate_message, parse_sql, rules_for

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

    def lines(self) -> list[str]:
        if self.status == "rejected":
            return [f"REJECTED {self.file}: {self.message}"]
        if self.status == "ignored":
            return [f"ignored  {self.file}: {self.message}"]
        if self.status == "unchanged":
            return [f"unchanged {self.file}: {self.message}"]
        out = [f"loaded   {self.file} ({self.kind}): {self.rows_loaded} rows loaded, "
               f"{self.rows_replaced} replaced, {self.rows_quarantined} quarantined"]
        if self.dropped_identity:
            out.append("         identity columns dropped, never stored: " + ", ".join(self.dropped_identity))
        if self.dropped_unknown:
            out.append("         columns not in the contract, not stored: " + ", ".join(self.dropped_unknown))
        for q in self.quarantine[:20]:
            out.append(f"         line {q['line']}, {q['column_name']}: {q['reason']} [{q['rule']}]")
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


def export_files(source: Path) -> list[tuple[Optional[Kind], Path]]:
    """The files of a source folder in the order they are applied: by kind, then by name."""
    found = [(kind_of(p), p) for p in sorted(source.iterdir()) if p.is_file()]
    order = {name: i for i, name in enumerate(LOAD_ORDER)}
    return sorted(found, key=lambda kp: (order[kp[0].name] if kp[0] else 99, kp[1].name))


def load_folder(source: Path, db: str | Path, progress: Progress = _quiet) -> LoadReport:
    source = Path(source)
    if not source.is_dir():
        raise NotADirectoryError(f"{source} is not a folder")
    report = LoadReport()
    files = export_files(source)
    con = store.connect(db)
    try:
        for i, (kind, path) in enumerate(files):
            if kind is None:
                if path.suffix.lower() in (".csv", ".xlsx"):
                    report.files.append(FileReport(path.name, "", "ignored",
                                                   message="not named after a known export (concerns, training, ...)"))
                continue
            n = max(len(files), 1)
            report.files.append(load_file(
                con, path, kind, lambda message, f, i=i: progress(message, (i + f) / n)))
        progress("Done", 1.0)
    finally:
        con.close()
    return report


def load_file(con: duckdb.DuckDBPyConnection, path: Path, kind: Kind | None = None,
              progress: Progress = _quiet) -> FileReport:
    kind = kind or kind_of(path)
    name = path.name
    if kind is None:
        return FileReport(name, "", "rejected", message="is not named after a known export.")
    sha = store.file_sha256(path)
    previous = con.execute("select loaded_at from loads where sha256 = ? and kind = ? order by loaded_at limit 1",
                           [sha, kind.name]).fetchone()
    if previous:
        return FileReport(name, kind.name, "unchanged",
                          message=f"identical to a file already loaded on {previous[0]:%d/%m/%Y %H:%M}; nothing changed.")
    try:
        progress(f"Reading {name}", 0.0)
        read = read_export(path, kind)
    except FileRejected as exc:
        return FileReport(name, kind.name, "rejected", message=exc.message)
    rows = len(read.frame)
    progress(f"Validating {rows:,} rows of {name}", 0.3)
    con.execute("begin transaction")
    try:
        report = _apply(con, read, sha, progress)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return report


def _apply(con: duckdb.DuckDBPyConnection, read: ReadFile, sha: str, progress: Progress) -> FileReport:
    kind = read.kind
    name = read.path.name
    frame = read.frame  # noqa: F841 - registered by name below
    con.register("_incoming", frame)
    try:
        raw_cols = ", ".join(f"nullif(trim(cast({f.name} as varchar)), '') as r_{f.name}" for f in kind.fields)
        con.execute(f"create or replace temp table _raw as select _line, {raw_cols} from _incoming")
    finally:
        con.unregister("_incoming")
    typed = ", ".join(f"{parse_sql(f)} as {f.name}" for f in kind.fields)
    con.execute(f"create or replace temp table _parsed as select *, {typed} from _raw")

    rules = rules_for(kind)
    load_id = con.execute("select nextval('load_seq')").fetchone()[0]
    flagged = []
    for r in rules:
        flagged.append(
            f"select _line as line, '{r.column}' as column_name, '{r.code}' as rule, "
            f"'{r.message.replace(chr(39), chr(39) * 2)}' as reason from _parsed where coalesce(({r.bad_sql}), false)")
    # Two rows with one key and different content: neither can be trusted.
    key = ", ".join(f"r_{k}" for k in kind.row_key)
    content = ", ".join(f"r_{f.name}" for f in kind.fields)
    dup_msg = duplicate_message(kind).replace("'", "''")
    flagged.append(
        f"select _line as line, '{', '.join(kind.row_key)}' as column_name, '{DUPLICATE_RULE_CODE}' as rule, "
        f"'{dup_msg}' as reason from (select _line, count(distinct hash({content})) over (partition by {key}) as n "
        f"from _parsed) where n > 1")
    con.execute("create or replace temp table _flags as " + "\nunion all\n".join(flagged))
    con.execute(f"""
        insert into quarantine
        select {load_id}, '{kind.name}', ?, line, column_name, rule, reason from _flags
        order by line, column_name, rule""", [name])
    quarantine = con.execute(
        "select line, column_name, rule, reason from _flags order by line, column_name, rule").df().to_dict("records")
    quarantined = con.execute("select count(distinct line) from _flags").fetchone()[0]

    fields = ", ".join(kind.field_names)
    # Exact duplicate rows carry nothing new: one copy is kept.
    con.execute(f"""
        create or replace temp table _good as
        select {fields} from _parsed
        where _line not in (select line from _flags)
        qualify row_number() over (partition by {', '.join(kind.row_key)} order by _line) = 1""")
    progress(f"Storing {name}", 0.7)
    match = " and ".join(f"t.{k} is not distinct from g.{k}" for k in kind.replace_key)
    replaced = con.execute(
        f"delete from {kind.name} t where exists (select 1 from (select distinct {', '.join(kind.replace_key)} "
        f"from _good) g where {match})").fetchone()[0]
    loaded = con.execute(f"insert into {kind.name} select {fields}, {load_id} from _good").fetchone()[0]
    dropped = read.dropped_identity + read.dropped_unknown
    rows_read = int(read.frame["_line"].nunique())
    con.execute(
        "insert into loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, kind.name, name, sha, dt.datetime.now().replace(microsecond=0), read.encoding or None,
         rows_read, loaded, replaced, quarantined, ", ".join(dropped) or None])
    for t in ("_raw", "_parsed", "_flags", "_good"):
        con.execute(f"drop table if exists {t}")
    return FileReport(name, kind.name, "loaded", rows_read=rows_read, rows_loaded=loaded, rows_replaced=replaced,
                      rows_quarantined=quarantined, dropped_identity=read.dropped_identity,
                      dropped_unknown=read.dropped_unknown, quarantine=quarantine)


def ensure_sample_store(db: str | Path, source: Path, progress: Progress = _quiet) -> Optional[LoadReport]:
    """Build the store from the sample council if it does not exist yet."""
    db = Path(db)
    if db.exists():
        return None
    tmp = db.with_name(db.name + ".building")
    if tmp.exists():
        tmp.unlink()
    report = load_folder(source, tmp, progress)
    tmp.rename(db)
    return report


__all__ = ["load_folder", "load_file", "LoadReport", "FileReport", "ensure_sample_store", "KINDS"]
