"""The portfolio holder's briefing as a document: Word, PDF, HTML or Markdown.

`render(figures, brief, fmt)` writes the briefing of `briefing.build` in the order
a briefing is read: what it covers and how fresh the data are, the headline
figures against the comparison periods with the sentences the Overview page
prints, one section per area (a chart, its data table and a one-sentence
summary), and the definitions and symbols.

Every figure in a section comes from the brief itself, never from the store
again, so a Scrutiny brief (already suppressed) stays suppressed: a hidden
count prints as `[c]`, and so does a share whose count or denominator is
hidden. The figures service is read only for what the brief does not hold:
the files loaded, the as-of time and the comparison briefs (from the same
figures, so in the brief's own view).

The document is first built as a short list of blocks (headings, paragraphs,
tables, charts), then written by one writer per format, so the four formats
say the same thing. Word gets real headings and tables with a header row and
charts with alt text, because councils edit the briefing in Word and it must
stay accessible; the PDF has selectable text; the HTML is one self-contained
page.
"""

from __future__ import annotations

from typing import Optional, Sequence

from ..periods import parse
from .builder import _Builder
from .model import DETAILS, FORMATS, NO_DATA, SECTION_HEADINGS, Document
from .pdf import _pdf, latin1
from .web import _html, _markdown
from .word import _docx

__all__ = ["DETAILS", "FORMATS", "NO_DATA", "SECTION_HEADINGS", "Document", "comparison_briefs", "document", "render", "write",
           "latin1"]


def comparison_briefs(figures, brief: dict) -> list[dict]:
    """The previous period's and the same period last year's briefs, from the same figures (the same view)."""
    from .. import briefing

    period = parse(brief["period"]["label"])
    target = (brief.get("timeliness") or {}).get("target_hours", 24)
    wanted = [period.previous()]
    if period.same_last_year() != period.previous():
        wanted.append(period.same_last_year())
    return [briefing.build(figures, p, target_hours=target) for p in wanted]


def document(figures, brief: dict, comparisons: Optional[Sequence[dict]] = None, detail: str = "full") -> Document:
    """The briefing as blocks, before it is written in a format: the full pack, or (`detail="summary"`) the
    portfolio holder's few pages: headline figures, what changed, the questions to ask and one chart per area."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {', '.join(DETAILS)}, not {detail}")
    if comparisons is None:
        comparisons = comparison_briefs(figures, brief) if figures is not None else []
    return _Builder(figures, brief, comparisons, detail).build()


def render(figures, brief: dict, fmt: str, comparisons: Optional[Sequence[dict]] = None, detail: str = "full"
           ) -> bytes:
    """The briefing document in `fmt` (md, html, docx or pdf), as bytes.

    `comparisons` are the briefs to compare with (default: the previous period
    and the same period last year, from the same figures).
    """
    _check_format(fmt)
    return write(document(figures, brief, comparisons, detail), fmt)


def write(doc: Document, fmt: str) -> bytes:
    """A built document in `fmt`; the charts are drawn once, so one document can be written in every format."""
    _check_format(fmt)
    return {"md": _markdown, "html": _html, "docx": _docx, "pdf": _pdf}[fmt](doc)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt}")


