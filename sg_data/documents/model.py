"""The briefing as a document model: headings, paragraphs, tables and charts, before any format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
FORMATS = ("md", "html", "docx", "pdf")

#: Section headings (Heading 1), in the order they appear.
SECTION_HEADINGS = (
    "Headline figures",
    "Concerns raised",
    "Review timeliness",
    "Training coverage",
    "Staff survey",
    "Self-assessment",
    "Outcomes",
    "Definitions and symbols",
)

NO_DATA = "No data for this period."

#: A font list that resolves offline: Arial where installed, else vl-convert's bundled sans-serif
#: (a bare "Arial" on a machine without it draws no text at all).
CHART_FONT = "Arial, Liberation Sans, Helvetica, sans-serif"
#: Narrower than on screen so that the chart's text stays legible on an A4 page.
PRINT_WIDTH = 440
PRINT_LABEL_LIMIT = 220
PNG_SCALE = 2

#: Outcome fields the exports may leave blank (metrics.md: "the denominator is missing").
MAY_BE_UNRECORDED = frozenset({"sought", "negative", "unknown"})

SOURCE_WORDS = {"peer": "Peer review", "self": "Self-rated"}


# --- the document model -------------------------------------------------------------------------

@dataclass
class Heading:
    text: str
    level: int  # 0 the title, 1 a section, 2 a subsection


@dataclass
class Paragraph:
    text: str
    lead: str = ""  # printed in bold before the text ("Period: ")
    kind: str = "body"  # body | note | meta


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]

    def numeric_columns(self) -> list[bool]:
        """Columns whose cells are all figures (right-aligned in print)."""
        out = []
        for i in range(len(self.columns)):
            cells = [r[i] for r in self.rows if r[i] != ""]
            out.append(bool(cells) and all(_FIGURE.match(c) for c in cells) and any(re.search(r"\d", c) for c in cells))
        return out


_FIGURE = re.compile(r"^(\[[cxz]\]( not recorded)?|-?[\d,.]+%?)( of [\d,]+.*)?$|^-$")


@dataclass
class Chart:
    chart: object  # an Altair chart from sg_data.charts
    alt: str  # the one-sentence summary: the picture's alt text
    png: bytes = b""
    width_px: int = 0
    height_px: int = 0


@dataclass
class Document:
    title: str
    footer: str
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> None:
        self.blocks.extend(b for b in blocks if b is not None)


#: the briefing's lengths: a cabinet member's few pages, or the full pack
DETAILS = ("summary", "full")
#: the sections of the full pack that the summary shortens to their sentences and first chart or table
AREAS = SECTION_HEADINGS[1:-1]


def shortened(blocks: list) -> list:
    """The summary: each area section keeps its heading, its sentences and its first chart or table; the
    subsections, the other tables and charts are the full pack's."""
    out, area, done = [], None, False
    for block in blocks:
        if isinstance(block, Heading) and block.level <= 1:
            area, done = (block.text if block.text in AREAS else None), False
            out.append(block)
        elif area is None:
            out.append(block)
        elif done or (isinstance(block, Heading)):
            continue
        elif isinstance(block, (Chart, Table)):
            out.append(block)
            done = True
        elif isinstance(block, Paragraph) and block.kind != "note":
            out.append(block)
    return out
