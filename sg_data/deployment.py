"""The deployment: which figures a store is served with, decided once from the configuration.

- a published store (sg_data.publication) is always the Scrutiny view: it holds nothing else;
- an officer store in the officer view: its own figures, unsuppressed;
- an officer store in the Scrutiny view: its publication, built and protected here, read back from memory,
  so the Scrutiny view of a live store and the published store are the same numbers by construction. A server
  keeps what it built beside the store (`keep`, at `store.publication_path`), marked with what it was made from:
  the version of the store, the threshold, the minimum group and this program. Its next start finds it there
  (`kept`) and protects nothing again; anything else made it builds anew.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Optional

import duckdb

from . import publication, store
from .figures import OFFICER, SCRUTINY, FiguresError, PublishedFigures, StoreFigures

ROOT = Path(__file__).resolve().parent.parent


def figures_for(con, view: str = OFFICER, threshold: int = publication.DEFAULT_THRESHOLD,
                min_group: int = publication.DEFAULT_MIN_GROUP, progress=None,
                keep_beside: Optional[tuple[str, tuple]] = None):
    """The figures `con` is served with in `view`. `keep_beside`: the store's path and the version `con` was
    opened at, to keep a publication built here for the next start (`kept`)."""
    if view not in (OFFICER, SCRUTINY):
        raise FiguresError(f"the view must be {OFFICER} or {SCRUTINY}, not {view!r}")
    if publication.is_publication(con):
        return PublishedFigures(con)
    if view == OFFICER:
        return StoreFigures(con)
    pub = publication.build(con, threshold, min_group, progress=progress or (lambda m, f: None))
    if keep_beside is not None:
        keep(pub, *keep_beside, threshold, min_group)
    return PublishedFigures(publication.in_memory(pub))


def kept(path: str, version: tuple, threshold: int, min_group: int) -> Optional[PublishedFigures]:
    """The publication a server built before of this version of the store at `path`, at this threshold and minimum
    group, by this program; None where there is no such publication."""
    at = store.publication_path(path)
    if not at.is_file():
        return None
    try:
        con = store.open_read_only(at)
    except (store.StoreError, duckdb.Error, OSError):
        return None  # unreadable: built again, and written over
    try:
        figures = PublishedFigures(con)
        if figures.manifest.get("made_for") == made_for(version, threshold, min_group):
            return figures
    except (FiguresError, duckdb.Error):
        pass
    con.close()
    return None


def made_for(version: tuple, threshold: int, min_group: int) -> str:
    """What a kept publication is good for: one version of the store, one threshold and minimum group, this
    program (a new version of the program may protect or word the figures differently)."""
    return hashlib.sha256(json.dumps([list(version), threshold, min_group, _program()]).encode()).hexdigest()


@cache
def _program() -> str:
    """This program's code and SQL."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "sg_data").rglob("*.py"), *(ROOT / "queries").glob("*.sql")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def keep(pub: publication.Publication, path: str, version: tuple, threshold: int, min_group: int) -> None:
    """Write the publication of the store at `path` (built from `version`, at `threshold` and `min_group`) beside it,
    owner-only and renamed into place; where that folder cannot be written, the server goes on from memory and its
    next start builds the publication again."""
    from .publish import write_store

    mark = made_for(version, threshold, min_group)
    try:
        write_store(replace(pub, manifest={**pub.manifest, "made_for": mark}), store.publication_path(path))
    except (OSError, duckdb.Error):
        pass
