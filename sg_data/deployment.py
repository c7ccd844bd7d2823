"""The deployment: which figures a store is served with, decided once from the configuration.

- a published store (sg_data.publication) is always the Scrutiny view: it holds nothing else;
- an officer store in the officer view: its own figures, unsuppressed;
- an officer store in the Scrutiny view: its publication, built and protected here, read back from memory,
  so the Scrutiny view of a live store and the published store are the same numbers by construction.
"""

from __future__ import annotations

from . import publication
from .figures import OFFICER, SCRUTINY, FiguresError, PublishedFigures, StoreFigures


def figures_for(con, view: str = OFFICER, threshold: int = publication.DEFAULT_THRESHOLD,
                min_group: int = publication.DEFAULT_MIN_GROUP, progress=None):
    if view not in (OFFICER, SCRUTINY):
        raise FiguresError(f"the view must be {OFFICER} or {SCRUTINY}, not {view!r}")
    if publication.is_publication(con):
        return PublishedFigures(con)
    if view == OFFICER:
        return StoreFigures(con)
    pub = publication.build(con, threshold, min_group, progress=progress or (lambda m, f: None))
    return PublishedFigures(publication.in_memory(pub))
