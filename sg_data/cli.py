"""`python -m sg_data load|profile suggest|brief|publish|audit|purge`: the command line.

Exit codes: 0 done; 1 a file was rejected (the rest loaded); 2 usage; 3 the store is
busy (another load) or unusable (newer, older for a read, not a store). Each failure is
one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import store
from .contract import KINDS
from .periods import PeriodError, parse


def _progress(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def cmd_load(args) -> int:
    from .loader import load_folder

    from . import profiles

    source = Path(args.source)
    if not source.is_dir():
        print(f"error: {source} is not a folder of exports", file=sys.stderr)
        return 2
    try:
        found = profiles.load_all(Path(args.profile) if args.profile else profiles.folder_for(source))
    except profiles.ProfileError as exc:
        print(f"error: profile {exc}", file=sys.stderr)
        return 2
    if args.profile and not any(p.matches(f.name) for p in found for f in source.iterdir()):
        print(f"error: no file in {source.name} matches the file patterns of {Path(args.profile).name}",
              file=sys.stderr)
        return 2
    try:
        report = load_folder(source, args.db, progress=_progress if not args.quiet else (lambda m, f: None),
                             profiles=found)
    except profiles.ProfileError as exc:
        print(f"error: profile {exc}", file=sys.stderr)
        return 2
    except store.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    print(report.text())
    recorded = _audit(args.db, "load", "officer", {
        "file": source.name[:200], "outcome": "loaded" if report.ok else "loaded; some files rejected"})
    return (0 if report.ok else 1) if recorded else EXIT_AUDIT


EXIT_STORE = 3
EXIT_AUDIT = 4


def _audit(db, event: str, view: str, detail: dict) -> bool:
    """Record a command on the store's audit trail; say so, in one line, if it cannot be recorded."""
    from . import audit

    try:
        audit.record(event, user=audit.cli_user(), view=view, detail=detail, db=db)
        return True
    except (OSError, audit.AuditError) as exc:
        print(f"error: the {event} is done but could not be recorded in the audit trail: {exc}", file=sys.stderr)
        return False


def _open(db: str):
    if not Path(db).exists():
        print(f"error: no store at {db}. Load exports first: python -m sg_data load SOURCE_DIR --db {db}",
              file=sys.stderr)
        return None
    try:
        return store.open_read_only(db)
    except store.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise _StoreUnusable from None


class _StoreUnusable(Exception):
    pass


def cmd_profile_suggest(args) -> int:
    from .profile_suggest import SuggestError, suggest

    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return 2
    try:
        suggestion = suggest(path, args.kind)
    except SuggestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(suggestion.report(), file=sys.stderr)
    if args.out:
        Path(args.out).write_text(suggestion.toml(), encoding="utf-8")
        print(f"wrote {args.out}: check it, then load with --profile {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(suggestion.toml())
    return 0


def cmd_brief(args) -> int:
    from . import briefing

    try:
        period = parse(args.period)
    except PeriodError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    con = _open(args.db)
    if con is None:
        return 2
    try:
        from .access import load_settings
        from .deployment import figures_for

        settings = load_settings()
        figures = figures_for(con, args.view, settings.suppress_threshold, settings.min_group, progress=_progress)
        brief = briefing.build(figures, period, target_hours=args.target_hours)
        if args.format == "json":
            output = briefing.to_json(brief).encode("utf-8")
        else:
            from . import documents

            output = documents.render(figures, brief, args.format, detail=args.detail)
    finally:
        con.close()
    if args.out:
        Path(args.out).write_bytes(output)
        print(f"wrote {args.out}", file=sys.stderr)
    elif args.format in ("json", "md", "html"):
        sys.stdout.write(output.decode("utf-8") + ("\n" if args.format == "json" else ""))
    else:
        print(f"error: --format {args.format} is binary; give --out FILE", file=sys.stderr)
        return 2
    detail = {"period": period.label, "format": args.format, "detail": args.detail}
    return 0 if _audit(args.db, "briefing", figures.view, detail) else EXIT_AUDIT


def cmd_publish(args) -> int:
    from . import publication
    from .publish import PublishRefused, publish

    con = _open(args.db)
    if con is None:
        return 2
    try:
        from .access import load_settings

        settings = load_settings()
        written = publish(con, Path(args.out), fmt=args.format,
                          threshold=args.threshold or settings.suppress_threshold,
                          min_group=args.min_group or settings.min_group,
                          db=Path(args.db), replace=args.replace, progress=_progress)
    except PublishRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except publication.PublicationError as exc:
        print(f"error: not published: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    print(f"published {written}", file=sys.stderr)
    detail = {"out": str(written)[:200], "format": args.format}
    return 0 if _audit(args.db, "publish", "scrutiny", detail) else EXIT_AUDIT


def cmd_audit(args) -> int:
    from . import audit

    try:
        frame = audit.read(audit.audit_path(args.db), since=args.since)
    except audit.AuditError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not audit.audit_path(args.db).exists():
        print(f"error: no audit trail at {audit.audit_path(args.db)}", file=sys.stderr)
        return 2
    sys.stdout.write(audit.to_csv(frame).decode("utf-8"))
    return 0


def cmd_purge(args) -> int:
    import datetime as dt

    from . import retention

    if not Path(args.db).exists():
        print(f"error: no store at {args.db}", file=sys.stderr)
        return 2
    try:
        retention.months(args.older_than)
        # on a copy swapped in whole, like a load: a dashboard reading the store never sees half a purge
        with store.new_version(args.db, compact=not args.dry_run) as con:
            count = retention.purge(con, args.older_than, dt.date.today(), db=args.db, dry_run=args.dry_run)
    except (retention.RetentionError, store.StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    first_kept = retention.cutoff(args.older_than, dt.date.today())
    verb = "would remove" if args.dry_run else "removed"
    print(f"{verb} {count} concerns raised before {first_kept.isoformat()}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sg_data", description="Safeguarding trends: load, brief, publish.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("load", help="load a folder of exports into the store")
    p.add_argument("source", help="folder of export files (concerns*.csv, training*.xlsx, ...)")
    p.add_argument("--db", default=store.default_path(), help="the store (default sg.duckdb, or $SG_DB)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--profile", help="an export profile (.toml) or a folder of them, for files whose names match "
                                     "(default: the profiles/ folder inside SOURCE, else beside it)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("profile", help="export profiles: map a system's own export to the data contract")
    profile_sub = p.add_subparsers(dest="profile_command", required=True)
    p = profile_sub.add_parser("suggest", help="propose a profile for an export, for a person to check")
    p.add_argument("file", help="one export file (.csv or .xlsx)")
    p.add_argument("--kind", choices=list(KINDS), help="the export kind (default: from the name or the headings)")
    p.add_argument("--out", help="write the profile here (default: standard output); the report goes to stderr")
    p.set_defaults(func=cmd_profile_suggest)

    p = sub.add_parser("brief", help="the briefing for one period")
    p.add_argument("--db", default=store.default_path())
    p.add_argument("--period", required=True, help="a financial year (2023-24) or a quarter (2023-24 Q3)")
    p.add_argument("--format", default="json", choices=["json", "md", "html", "docx", "pdf"])
    p.add_argument("--view", default="officer", choices=["officer", "scrutiny"])
    p.add_argument("--target-hours", type=float, default=24.0, help="the review target (default 24)")
    p.add_argument("--detail", default="summary", choices=["summary", "full"],
                   help="summary: the portfolio holder's few pages (default); full: every section's tables and the "
                        "definitions (md, html, docx, pdf)")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("publish", help="write the aggregate-only, suppressed store for Scrutiny and the public")
    p.add_argument("--db", default=store.default_path())
    p.add_argument("--out", required=True, help="public.duckdb, or a folder with --format csv")
    p.add_argument("--format", default="duckdb", choices=["duckdb", "csv"])
    p.add_argument("--threshold", type=int, default=None,
                   help="counts from 1 to this are suppressed (default $SG_SUPPRESS_THRESHOLD or 5)")
    p.add_argument("--min-group", type=int, default=None,
                   help="staff groups with fewer people than this in the denominator are hidden (default $SG_MIN_GROUP or 10)")
    p.add_argument("--replace", action="store_true", help="overwrite a publication this program wrote before")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("audit", help="print the audit trail (who looked at what, when) as CSV")
    p.add_argument("--db", default=store.default_path())
    p.add_argument("--since", help="only records from this date on (YYYY-MM-DD, UTC)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("purge", help="remove concerns past the retention period (recorded in the audit trail)")
    p.add_argument("--db", default=store.default_path())
    p.add_argument("--older-than", required=True, help="the retention period: 7y or 84m (at least 12m)")
    p.add_argument("--dry-run", action="store_true", help="count what would be removed; change nothing")
    p.set_defaults(func=cmd_purge)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except _StoreUnusable:
        return EXIT_STORE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: a person sees a sentence, not a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
