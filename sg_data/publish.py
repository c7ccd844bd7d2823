"""Publishing: the protected publication as a store for Scrutiny, or as open data for the public.

`python -m sg_data publish --db sg.duckdb --out public.duckdb` writes the
publication (sg_data.publication): every table for every period, protected
once, and nothing row-level, so a deployment for councillors cannot leak what
it does not hold. `--format csv` writes the same figures as open data in the
Explore Education Statistics standard (sg_data.open_data).

Publishing never destroys what it did not write: it writes into a new
temporary file or folder beside `--out` and renames it into place; it refuses
`--out` that is the officer store or any store of row-level data, and asks for
`--replace` before it overwrites a publication it wrote before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from . import publication

#: the file a folder of open data carries, so that a later publish knows the folder is its own
OPEN_DATA_MARK = ".sg-open-data"


class PublishRefused(Exception):
    """`--out` names something publishing must not overwrite; nothing was written."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _check_store_target(out: Path, db: Path | None, replace: bool) -> None:
    if db is not None and _same_file(out, db):
        raise PublishRefused(f"--out {out} is the officer store itself: publishing there would destroy it.")
    if out.is_dir():
        raise PublishRefused(f"--out {out} is a folder: a published store is one file (use --format csv for a folder).")
    if not out.exists():
        return
    try:
        with duckdb.connect(str(out), read_only=True) as con:
            ours = publication.is_publication(con)
    except duckdb.Error:
        raise PublishRefused(f"--out {out} exists and is not a published store: it is left as it is.") from None
    if not ours:
        raise PublishRefused(f"--out {out} is a store of row-level data, not a publication: it is left as it is.")
    if not replace:
        raise PublishRefused(f"--out {out} holds an earlier publication: add --replace to overwrite it.")


def _check_folder_target(out: Path, replace: bool) -> None:
    if out.is_file():
        raise PublishRefused(f"--out {out} is a file: open data is written to a folder.")
    if not out.exists():
        return
    if not (out / OPEN_DATA_MARK).exists():
        if any(out.iterdir()):
            raise PublishRefused(f"--out {out} is a folder this program did not write: it is left as it is.")
        return
    if not replace:
        raise PublishRefused(f"--out {out} holds earlier open data: add --replace to overwrite it.")


def write_store(pub: publication.Publication, out: Path) -> Path:
    """The publication as a DuckDB file, written beside `out` and renamed into place (owner-only)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".writing", dir=out.parent or ".")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        with duckdb.connect(str(tmp)) as con:
            publication.to_duckdb(pub, con)
        os.chmod(tmp, 0o600)
        tmp.replace(out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def write_folder(pub: publication.Publication, out: Path) -> Path:
    """The publication as open data, written into a new folder beside `out` and swapped into place."""
    from . import open_data

    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".writing", dir=out.parent or "."))
    try:
        open_data.write(pub, tmp)
        (tmp / OPEN_DATA_MARK).write_text("written by python -m sg_data publish\n", encoding="utf-8")
        old = None
        if out.exists():  # ours (checked): moved aside, then removed once the new folder is in place
            old = out.with_name(f".{out.name}.old")
            if old.exists():
                shutil.rmtree(old)
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out


def publish(con, out: Path, fmt: str = "duckdb", threshold: int = publication.DEFAULT_THRESHOLD,
            min_group: int = publication.DEFAULT_MIN_GROUP, db: Path | None = None, replace: bool = False,
            progress=None) -> Path:
    out = Path(out)
    if fmt == "csv":
        _check_folder_target(out, replace)
    elif fmt == "duckdb":
        _check_store_target(out, db, replace)
    else:
        raise PublishRefused(f"--format {fmt}: choose duckdb or csv")
    if not out.parent.exists():
        raise PublishRefused(f"--out {out}: the folder {out.parent} does not exist")
    pub = publication.build(con, threshold, min_group, progress=progress or (lambda m, f: None))
    return write_folder(pub, out) if fmt == "csv" else write_store(pub, out)
