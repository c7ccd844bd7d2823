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

import base64
import datetime as dt
import html
import io
import json
import re
import struct
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import pandas as pd

from . import charts, glossary, narrative, present
from .figures import DEFAULT_TARGET_HOURS
from .views.self_assessment import ORDER as RATING_ORDER
from .periods import PeriodError, parse
from .stats import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Share, format_count

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


# --- figures as text ----------------------------------------------------------------------------

class _Figures:
    """Counts and shares as printed, `[c]` where the brief hides them."""

    def __init__(self, brief: dict):
        self.scrutiny = brief.get("view") == "scrutiny"

    def hidden(self, parent: Optional[dict], key: str) -> bool:
        if not parent or parent.get(key) is not None:
            return False
        fields = parent.get("suppressed_fields")
        if fields is not None:  # the briefing names exactly which of the holder's counts are hidden
            return key in fields
        flag = parent.get("suppressed")
        if isinstance(flag, (list, tuple, set)):
            return key in flag
        if key in MAY_BE_UNRECORDED:  # blank in the source: missing, not hidden, unless its holder says so
            return bool(flag)
        return bool(flag) or self.scrutiny

    def count(self, parent: Optional[dict], key: str) -> str:
        if parent is None:
            return NOT_AVAILABLE
        value = parent.get(key)
        if value is None:
            return SUPPRESSED if self.hidden(parent, key) else NOT_AVAILABLE
        return format_count(value, False)

    def hours(self, parent: Optional[dict], key: str) -> str:
        """Hours to one decimal place; `[c]` where hidden (a median of a handful of reviews is hidden too)."""
        if parent is None or parent.get(key) is None:
            return SUPPRESSED if self.hidden(parent, key) else NOT_AVAILABLE
        return f"{float(parent[key]):.1f}"

    def value(self, parent: Optional[dict], key: str) -> Optional[float]:
        """The number for a chart: None when hidden or missing (the chart writes the label instead)."""
        if not parent or parent.get(key) is None:
            return None
        return float(parent[key])

    @staticmethod
    def share_of(d: Optional[dict]) -> Optional[Share]:
        if not d or d.get("count") is None or d.get("of") is None:
            return None
        try:
            return Share(int(d["count"]), int(d["of"]))
        except ValueError:
            return None

    def share(self, d: Optional[dict], interval: bool = False) -> str:
        """"13 of 27, 48%"; `[c]` when its count or denominator is hidden; `[x]` when there is none."""
        if d is None:
            return NOT_AVAILABLE
        if d.get("count") is None or d.get("of") is None:
            return SUPPRESSED
        s = self.share_of(d)
        if s is None:  # a count above its denominator: print what the data say
            return f"{d['count']} of {d['of']}"
        return s.format(interval=interval)

    def pair(self, count_parent: Optional[dict], count_key: str, of_parent: Optional[dict], of_key: str,
             interval: bool = False) -> str:
        """A share built from two counts held apart (engaged of sought)."""
        count = None if count_parent is None else count_parent.get(count_key)
        of = None if of_parent is None else of_parent.get(of_key)
        if count is None or of is None:
            hidden = self.hidden(count_parent, count_key) or self.hidden(of_parent, of_key)
            return SUPPRESSED if hidden else NOT_AVAILABLE
        return self.share({"count": count, "of": of}, interval)


def _date(value) -> str:
    if value is None or value == "":
        return NOT_AVAILABLE
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.strftime("%d/%m/%Y")


def _long_date(value) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def _timestamp(value) -> str:
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
        return NOT_AVAILABLE
    stamp = value if isinstance(value, dt.datetime) else pd.Timestamp(value).to_pydatetime()
    return stamp.strftime("%d/%m/%Y %H:%M")


def _who(items: list[dict], name: str, count: int) -> str:
    """The names with this count: "Leisure", "Leisure and Planning", or "4 services" when there are more."""
    names = [i[name] for i in items if i.get("count") == count]
    if len(names) == 1:
        return names[0]
    if len(names) <= 3:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return f"{len(names)} {'services' if name == 'service' else 'categories'}"


def _words(kind: str) -> str:
    return str(kind).replace("_", " ").capitalize()


# --- charts -------------------------------------------------------------------------------------

def _print_spec(chart) -> str:
    """The chart's Vega-Lite spec, narrowed for A4 and with a font list that resolves offline."""
    spec = json.loads(chart.to_json())

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.lower().endswith("font") and value == charts.FONT:
                    node[key] = CHART_FONT
                elif key == "labelLimit" and isinstance(value, (int, float)):
                    node[key] = min(value, PRINT_LABEL_LIMIT)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    if isinstance(spec.get("width"), (int, float)) and spec["width"] > PRINT_WIDTH:
        spec["width"] = PRINT_WIDTH
    spec["background"] = "white"
    return json.dumps(spec)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _draw(figure: Chart) -> Chart:
    if not figure.png:
        import vl_convert

        figure.png = vl_convert.vegalite_to_png(_print_spec(figure.chart), scale=PNG_SCALE)
        figure.width_px, figure.height_px = _png_size(figure.png)
    return figure


def _bar_frame(rows: Iterable[tuple[str, Optional[float], str]], category: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=[category, "value", "label"])
    frame["value"] = frame["value"].astype("Float64")
    return frame


def _share_frame(rows: Iterable[tuple[str, Optional[Share], str]], category: str) -> pd.DataFrame:
    out = []
    for name, share, label in rows:
        if share is None or share.of == 0:
            out.append({category: name, "share": None, "low": 0.0, "high": 0.0, "label": label})
        else:
            low, high = share.interval
            out.append({category: name, "share": share.proportion, "low": low, "high": high, "label": label})
    return pd.DataFrame(out, columns=[category, "share", "low", "high", "label"])


# --- the sections -------------------------------------------------------------------------------

class _Builder:
    def __init__(self, figures, brief: dict, comparisons: Sequence[dict]):
        self.figures = figures
        self.brief = brief
        self.comparisons = list(comparisons)
        self.f = _Figures(brief)
        self.label = brief["period"]["label"]
        view = "Scrutiny view" if self.f.scrutiny else "Officer view"
        self.doc = Document(title=f"Safeguarding briefing: {self.label}",
                            footer=f"Safeguarding briefing: {self.label}. {view}.")

    # front matter
    def front(self) -> None:
        b, doc = self.brief, self.doc
        p = b["period"]
        doc.add(Heading(doc.title, 0))
        doc.add(Paragraph(f"{_long_date(p['start'])} to {_long_date(p['end'])}", lead="Period: ", kind="meta"))
        if self.f.scrutiny:
            view = ("Scrutiny: figures from 1 to 5 hidden ([c]), and other figures hidden beside them where they "
                    "would let someone work a hidden one out. Suitable for Scrutiny and for publication.")
        else:
            view = ("Officer: figures are not suppressed, so small numbers may identify people. Not for "
                    "publication; use the Scrutiny view for Scrutiny papers.")
        doc.add(Paragraph(view, lead="View: ", kind="meta"))
        doc.add(Paragraph(_timestamp(b.get("generated_at")), lead="Made: ", kind="meta"))
        doc.add(self._staleness())
        doc.add(self._loads())
        if all(b.get(k) is None for k in ("concerns", "timeliness", "training", "survey", "self_assessment",
                                           "outcomes")):
            doc.add(Paragraph(f"There is no data in the store for {self.label}: every section below says so."))

    def _staleness(self) -> Optional[Paragraph]:
        if self.figures is None:
            return None
        cov = self.figures.coverage()
        latest, as_of = cov.get("last"), cov.get("as_of")
        if latest is None:
            return Paragraph("there are no concerns in the data.", lead="Latest concern in the data: ", kind="meta")
        text = present.date(latest)
        if as_of is not None:
            text += f" (figures as of {_timestamp(as_of)}; review timeliness is judged at that time)"
        text += "."
        if latest < dt.date.fromisoformat(self.brief["period"]["end"]):
            text += (" The data stop before the end of this period, so its figures are incomplete: load the latest "
                     "exports before relying on them.")
        return Paragraph(text, lead="Latest concern in the data: ", kind="meta")

    def _loads(self) -> Optional[Table]:
        if self.figures is None:
            return None
        loads = self.figures.get("loads_history")
        if loads is None or loads.empty:
            return None
        latest = loads.sort_values("loaded_at").drop_duplicates("file_name", keep="last")
        rows = [[r.file_name, _words(r.kind), _timestamp(r.loaded_at)] for r in latest.itertuples()]
        return Table("Files this briefing is made from", ["File", "Contents", "Loaded"], rows)

    # headline figures
    def _relation(self, other: dict) -> str:
        try:
            period = parse(self.label)
            other_label = other["period"]["label"]
        except (PeriodError, KeyError):
            return "comparison"
        unit = "quarter" if period.is_quarter else "year"
        if other_label == period.previous().label:
            return f"previous {unit}"
        if other_label == period.same_last_year().label:
            return "same quarter last year"
        return "comparison"

    def headline(self) -> None:
        doc, f = self.doc, self.f
        doc.add(Heading("Headline figures", 1))
        briefs = [self.brief] + self.comparisons
        columns = ["Figure", f"{self.label} (this {'quarter' if ' Q' in self.label else 'year'})"]
        columns += [f"{c['period']['label']} ({self._relation(c)})" for c in self.comparisons]

        def row(name, get):
            return [name] + [get(b) for b in briefs]

        def part(b, section, key):
            return (b.get(section) or {}).get(key)

        target = (self.brief.get("timeliness") or {}).get("target_hours", DEFAULT_TARGET_HOURS)
        rows = [
            row("Concerns raised", lambda b: f.count(b.get("concerns"), "total")),
            row("Referred externally", lambda b: f.share(part(b, "concerns", "referred_externally"))),
            row(f"Reviewed within {target} hours",
                lambda b: f.share(part(b, "timeliness", "reviewed_within_target"), interval=True)),
            row("Median hours to review", lambda b: f.hours(b.get("timeliness"), "median_hours_to_review")),
            row("Overdue, not yet reviewed", lambda b: f.count(b.get("timeliness"), "overdue_unreviewed")),
            row("Required training in date", lambda b: f.share(part(b, "training", "coverage"), interval=True)),
        ]
        question = narrative.headline_question(self.brief.get("survey"))
        if question is not None:
            qid = question["question_id"]

            def survey_share(b):
                sv = b.get("survey")
                match = [q for q in (sv or {}).get("questions", []) if q["question_id"] == qid]
                return f.share(match[0]["positive"], interval=True) if match else NOT_AVAILABLE

            rows.append(row(f"Staff survey: {question.get('text') or _words(qid)} (positive)", survey_share))
        rows.append(row("Self-assessment standards rated Green or better",
                        lambda b: f.share(narrative.green_or_better(b.get("self_assessment")))))
        doc.add(Table(f"Headline figures for {self.label} and the comparison periods", columns, rows))
        notes = []
        waves = [(b["period"]["label"], (b.get("survey") or {}).get("survey_id")) for b in briefs]
        if any(w for _, w in waves):
            notes.append("Survey figures come from the latest wave closed by each period's end: "
                         + "; ".join(f"{label}: {'wave ' + w if w else 'none'}" for label, w in waves) + ".")
        snaps = [(b["period"]["label"], (b.get("training") or {}).get("snapshot_date")) for b in briefs]
        if any(s for _, s in snaps):
            notes.append("Training figures come from the latest snapshot on or before each period's end: "
                         + "; ".join(f"{label}: {_date(s) if s else 'none'}" for label, s in snaps) + ".")
        notes.append("Shares compared over time carry their 95% confidence interval in brackets; a change is a "
                     "clear change only where the intervals do not overlap.")
        for n in notes:
            doc.add(Paragraph(n, kind="note"))
        comparison = self.comparisons[0] if self.comparisons else None
        doc.add(Heading("What the figures say", 2))
        doc.add(Bullets(narrative.sentences(self.brief, comparison)))

    # concerns
    def concerns(self) -> None:
        doc, f = self.doc, self.f
        doc.add(Heading("Concerns raised", 1))
        c = self.brief.get("concerns")
        if not c:
            doc.add(Paragraph(NO_DATA))
            return
        doc.add(Paragraph(f"{f.count(c, 'total')}", lead="Concerns raised: "))
        doc.add(Paragraph(f.share(c.get("referred_externally")), lead="Referred externally: "))

        doc.add(Heading("Concerns by service", 2))
        services = c.get("by_service") or []
        if not services:
            doc.add(Paragraph(NO_DATA))
        else:
            shown = [s for s in services if s.get("count") is not None]
            summary = f"{f.count(c, 'total')} concerns were raised in {self.label}"
            if shown:
                most = max(s["count"] for s in shown)
                summary += f"; {_who(shown, 'service', most)} raised the most ({most})"
                least = min(s["count"] for s in shown)
                if least < most:
                    summary += f" and {_who(shown, 'service', least)} the fewest ({least})"
            hidden = len(services) - len(shown)
            if hidden:
                summary += (f"; {hidden} service{'s are' if hidden > 1 else ' is'} hidden ([c]) because the "
                            f"numbers are small")
            summary += "."
            doc.add(Paragraph(summary))
            frame = _bar_frame(((s["service"], f.value(s, "count"), f.count(s, "count")) for s in services), "service")
            chart = charts.bar_chart(frame, "service", "value", f"Concerns raised by service, {self.label}", "Concerns",
                                     category_title="Service", label="label")
            doc.add(self.chart(chart, summary, frame, "value"))
            doc.add(Table("Concerns raised by service", ["Service", "Concerns"],
                          [[s["service"], f.count(s, "count")] for s in services]))

        doc.add(Heading("Concerns by category", 2))
        categories = c.get("by_category") or []
        if not categories:
            doc.add(Paragraph(NO_DATA))
        else:
            shown = [s for s in categories if s.get("count") is not None]
            if shown:
                top = max(s["count"] for s in shown)
                names = _who(shown, "category", top)
                summary = (f"The most frequent category was {names}, with {top} of {f.count(c, 'total')} concerns"
                           f"{' each' if ' and ' in names else ''}.")
            else:
                summary = "The counts by category are hidden ([c]) because the numbers are small."
            doc.add(Paragraph(summary))
            frame = _bar_frame(((s["category"], f.value(s, "count"), f.count(s, "count")) for s in categories),
                               "category")
            chart = charts.bar_chart(frame, "category", "value", f"Concerns raised by category, {self.label}",
                                     "Concerns", category_title="Category", label="label")
            doc.add(self.chart(chart, summary, frame, "value"))
            doc.add(Table("Concerns raised by category", ["Category", "Statutory category", "Concerns"],
                          [[s["category"], s.get("statutory_category") or "Not mapped", f.count(s, "count")]
                           for s in categories]))

    # timeliness
    def timeliness(self) -> None:
        doc, f = self.doc, self.f
        doc.add(Heading("Review timeliness", 1))
        t = self.brief.get("timeliness")
        if not t:
            doc.add(Paragraph(NO_DATA))
            return
        target = t.get("target_hours", DEFAULT_TARGET_HOURS)
        within = t.get("reviewed_within_target") or {}
        summary = (f"Reviewed within {target} hours: {f.share(within)}; the median time to review was "
                   f"{f.hours(t, 'median_hours_to_review')} hours, and {f.count(t, 'overdue_unreviewed')} "
                   f"concerns are overdue and not yet reviewed.")
        doc.add(Paragraph(summary))
        stages = [
            (f"Reviewed within {target} hours", within, "count"),
            ("Reviewed late", t, "late"),
            ("Overdue, not yet reviewed", t, "overdue_unreviewed"),
            ("Too recent to know (clock running)", t, "clock_running"),
        ]
        stages = [s for s in stages if s[2] in s[1] or s[1] is within]
        frame = _bar_frame(((name, f.value(parent, key), f.count(parent, key)) for name, parent, key in stages),
                           "review")
        chart = charts.bar_chart(frame, "review", "value", f"How concerns raised in {self.label} were reviewed",
                                 "Concerns", category_title="Review", label="label")
        doc.add(self.chart(chart, summary, frame, "value"))
        rows = [[name, f.count(parent, key)] for name, parent, key in stages]
        doc.add(Table("How concerns raised in the period were reviewed", ["Review", "Concerns"], rows))
        figures = [
            [f"Reviewed within {target} hours (of those that can be judged)", f.share(within, interval=True)],
            ["Median hours to review", f.hours(t, "median_hours_to_review")],
        ]
        if "p90_hours_to_review" in t:
            figures.append(["90th percentile hours to review", f.hours(t, "p90_hours_to_review")])
        if t.get("as_of"):
            figures.append(["Judged at (as-of time)", _timestamp(t["as_of"])])
        doc.add(Table("Review timeliness figures", ["Figure", "Value"], figures))

    # training
    def training(self) -> None:
        doc, f = self.doc, self.f
        doc.add(Heading("Training coverage", 1))
        tr = self.brief.get("training")
        if not tr:
            doc.add(Paragraph(NO_DATA))
            return
        doc.add(Paragraph(f"{_date(tr.get('snapshot_date'))} (the latest on or before the period's end).",
                          lead="Snapshot used: ", kind="meta"))
        services = tr.get("by_service") or []
        shares = [(s, f.share_of(s)) for s in services]
        known = [(s, sh) for s, sh in shares if sh is not None and sh.of]
        summary = (f"At the {_date(tr.get('snapshot_date'))} snapshot, {f.share(tr.get('coverage'))} of required "
                   f"courses were in date")
        if known:
            low = min(known, key=lambda p: p[1].proportion)
            summary += f"; coverage was lowest in {low[0]['service']} ({low[1].format()})"
        summary += "."
        doc.add(Paragraph(summary))
        if "expiring_soon" in tr:
            doc.add(Paragraph(f"{f.count(tr, 'expiring_soon')}.", lead="Required courses expiring within 90 days: "))
        if not services:
            doc.add(Paragraph(NO_DATA))
            return
        frame = _share_frame(((s["service"], sh, f.share(s)) for s, sh in shares), "service")
        chart = charts.share_chart(frame, "service", f"Required training in date by service, "
                                   f"{_date(tr.get('snapshot_date'))}", category_title="Service")
        doc.add(self.chart(chart, summary, frame, "share"))
        doc.add(Table("Required training in date by service", ["Service", "In date", "Required", "Coverage"],
                      [[s["service"], f.count(s, "count"), f.count(s, "of"), f.share(s, interval=True)]
                       for s in services]))

    # survey
    def survey(self) -> None:
        doc, f = self.doc, self.f
        doc.add(Heading("Staff survey", 1))
        sv = self.brief.get("survey")
        if not sv:
            doc.add(Paragraph(NO_DATA))
            return
        wave = sv.get("title") or f"Wave {sv.get('survey_id')}"
        closed = f", closed {_date(sv['closed_on'])}" if sv.get("closed_on") else ""
        doc.add(Paragraph(f"{wave}{closed} (the latest wave closed by the period's end).", lead="Wave used: ",
                          kind="meta"))
        respondents = f.count(sv, "respondents")
        if "invited" in sv and (sv.get("invited") is not None or f.hidden(sv, "invited")):
            rate = f.pair(sv, "respondents", sv, "invited")
            doc.add(Paragraph(f"{respondents}; response rate {rate} of those invited.", lead="Respondents: "))
        else:
            doc.add(Paragraph(f"{respondents}.", lead="Respondents: "))
        questions = sv.get("questions") or []
        if not questions:
            doc.add(Paragraph(NO_DATA))
            return
        shares = [(q, f.share_of(q.get("positive"))) for q in questions]
        known = [(q, s) for q, s in shares if s is not None and s.of]
        summary = f"In the {sv.get('survey_id')} staff survey ({respondents} respondents)"
        if known:
            hi = max(known, key=lambda p: p[1].proportion)
            lo = min(known, key=lambda p: p[1].proportion)
            summary += (f", the highest positive share was for \"{hi[0].get('text') or _words(hi[0]['question_id'])}\" "
                        f"({hi[1].pct_rounded}%) and the lowest for "
                        f"\"{lo[0].get('text') or _words(lo[0]['question_id'])}\" ({lo[1].pct_rounded}%).")
        else:
            summary += ", the positive shares are hidden ([c]) because the numbers are small."
        doc.add(Paragraph(summary))
        # The chart names each question by its short id (full questions do not fit beside a chart); the
        # table below gives the wording, in the same order.
        frame = _share_frame(((_words(q["question_id"]), s, f.share(q.get("positive"))) for q, s in shares),
                             "question")
        chart = charts.share_chart(frame, "question", f"Positive answers by question, survey {sv.get('survey_id')}",
                                   category_title="Question")
        doc.add(self.chart(chart, summary, frame, "share"))
        doc.add(Table("Positive answers by question", ["Question", "In the chart", "Positive", "Answered",
                                                       "Positive share"],
                      [[q.get("text") or _words(q["question_id"]), _words(q["question_id"]),
                        f.count(q.get("positive"), "count"),
                        f.count(q.get("positive"), "of"), f.share(q.get("positive"), interval=True)]
                       for q in questions]))

    # self-assessment
    def self_assessment(self) -> None:
        doc, f = self.doc, self.f
        doc.add(Heading("Self-assessment", 1))
        sa = self.brief.get("self_assessment")
        if not sa or not sa.get("ratings"):
            doc.add(Paragraph(NO_DATA))
            return
        frameworks = sa.get("frameworks") or sorted({r.get("framework") for r in sa["ratings"] if r.get("framework")})
        used = f"{sa.get('year')}" + (f" ({'; '.join(frameworks)})" if frameworks else "")
        doc.add(Paragraph(used + ", the latest audit year ending on or before the period's end.", lead="Year used: ",
                          kind="meta"))
        ratings = sa["ratings"]
        good = narrative.green_or_better(sa)
        summary = f"In the {sa.get('year')} self-assessment, {f.share(good)} of standards were rated Green or better"
        weak = [r for r in ratings if r.get("rating") in ("Red", "Amber")]
        if weak:
            summary += f"; {len(weak)} {'was' if len(weak) == 1 else 'were'} rated Amber or Red"
        summary += "."
        doc.add(Paragraph(summary))
        total = len(ratings)
        order = [r for r in RATING_ORDER if any(x.get("rating") == r for x in ratings)]
        order += sorted({x.get("rating") for x in ratings} - set(order) - {None})
        counts = [(r, sum(1 for x in ratings if x.get("rating") == r)) for r in order]
        frame = _bar_frame(((r, float(n), Share(n, total).format()) for r, n in counts), "rating")
        chart = charts.bar_chart(frame, "rating", "value", f"Standards by rating, self-assessment {sa.get('year')}",
                                 "Standards", category_title="Rating", label="label")
        doc.add(self.chart(chart, summary, frame, "value"))
        doc.add(Table("Standards by rating", ["Rating", "Standards"],
                      [[r, Share(n, total).format()] for r, n in counts]))
        doc.add(Table("Rating of each standard", ["Ref", "Area", "Standard", "Rating", "Rated by"],
                      [[str(r.get("standard_id", "")), r.get("area") or "", r.get("standard") or "",
                        r.get("rating") or NOT_AVAILABLE, SOURCE_WORDS.get(r.get("source"), r.get("source") or "")]
                       for r in ratings]))

    # outcomes
    def outcomes(self) -> None:
        doc, f = self.doc, self.f
        doc.add(Heading("Outcomes", 1))
        rows = self.brief.get("outcomes")
        if not rows:
            doc.add(Paragraph(NO_DATA))
            return
        try:
            fy = parse(self.label).financial_year.label
            doc.add(Paragraph(f"{fy}, the financial year that contains the period's end.", lead="Year used: ",
                              kind="meta"))
        except PeriodError:
            pass
        doc.add(Paragraph("For each programme and measure: sought, then engaged, then the split of those engaged "
                          "into positive, negative and unknown. Reach is engaged of sought; the success rate is "
                          "positive of engaged."))
        doc.add(Table("Outcomes by programme and measure",
                      ["Programme", "Measure", "Sought", "Engaged", "Positive", "Negative", "Unknown", "Reach",
                       "Success rate"],
                      [[o.get("programme") or "", o.get("measure") or "", f.count(o, "sought"), f.count(o, "engaged"),
                        f.count(o, "positive"), f.count(o, "negative"), f.count(o, "unknown"),
                        self._reach(o), f.pair(o, "positive", o, "engaged")] for o in rows]))
        for o in rows:
            name = f"{o.get('programme')}: {o.get('measure')}"
            doc.add(Heading(name, 2))
            summary = self._outcome_sentence(o)
            doc.add(Paragraph(summary))
            for note in self._missing_notes(o):
                doc.add(Paragraph(note, kind="note"))
            stages = [("Sought", "sought", None), ("Engaged", "engaged", "sought"),
                      ("Positive outcome", "positive", "engaged"), ("Negative outcome", "negative", "engaged"),
                      ("Outcome unknown", "unknown", "engaged")]
            frame = _bar_frame(((stage, f.value(o, key), self._stage_label(o, key)) for stage, key, _ in stages),
                               "stage")
            doc.add(self.chart(charts.funnel_chart(frame, "stage", "value", name, label="label"), summary, frame,
                               "value"))
            table_rows = []
            for stage, key, of in stages:
                if of is None:
                    rate = NOT_APPLICABLE
                elif key == "engaged":
                    rate = self._reach(o)
                else:
                    rate = f.pair(o, key, o, of)
                table_rows.append([stage, self._stage_label(o, key), rate])
            doc.add(Table(f"Outcome funnel: {name}", ["Stage", "People", "Of the stage before"], table_rows))

    def _stage_label(self, o: dict, key: str) -> str:
        text = self.f.count(o, key)
        if text == NOT_AVAILABLE and key in ("sought", "negative", "unknown"):
            return f"{NOT_AVAILABLE} not recorded"
        return text

    def _reach(self, o: dict) -> str:
        text = self.f.pair(o, "engaged", o, "sought")
        return "denominator missing" if text == NOT_AVAILABLE else text

    def _missing_notes(self, o: dict) -> list[str]:
        notes = []
        if o.get("sought") is None and not self.f.hidden(o, "sought"):
            notes.append("Denominator missing: the number of people sought was not recorded, so reach cannot be "
                         "worked out. The row is shown rather than hidden.")
        if o.get("negative") is None and not self.f.hidden(o, "negative"):
            notes.append("Denominator missing: negative outcomes were not recorded, so the negative rate and the "
                         "number with an unknown outcome cannot be worked out.")
        return notes

    def _outcome_sentence(self, o: dict) -> str:
        f = self.f
        reach = self._reach(o)
        success = f.pair(o, "positive", o, "engaged")
        if reach == SUPPRESSED and success == SUPPRESSED:
            return (f"{o.get('programme')} ({o.get('measure')}): the reach and success rate are hidden ([c]) because "
                    f"some of the numbers are small.")
        if reach == "denominator missing":
            first = (f"{o.get('programme')}: {f.count(o, 'engaged')} people engaged (the number sought was not "
                     f"recorded, so reach is unknown)")
        else:
            first = f"{o.get('programme')} reach: {reach} of the people sought engaged"
        return (f"{first}; success rate: {success} of those engaged had the positive outcome "
                f"({o.get('measure')}).")

    # appendix
    def appendix(self) -> None:
        doc = self.doc
        doc.add(Heading("Definitions and symbols", 1))
        doc.add(Heading("Definitions", 2))
        for t in glossary.TERMS:
            doc.add(Paragraph(t.definition, lead=f"{t.name}: "))
        doc.add(Heading("Symbols", 2))
        doc.add(Table("Symbols used in the tables", ["Symbol", "Meaning"], [
            [SUPPRESSED, "Confidential: hidden to protect individuals (a count from 1 to 5, or a figure that would "
                         "let someone work one out)."],
            [NOT_AVAILABLE, "Not available: not recorded, or no data for that period."],
            [NOT_APPLICABLE, "Not applicable: for example a share of nothing (0 of 0)."],
        ]))

    def chart(self, chart, summary: str, frame: pd.DataFrame, column: str):
        """The chart, or, when every figure in it is hidden, a sentence saying why there is none."""
        if frame[column].isna().all():
            return Paragraph("The chart is left out because every figure in it is hidden ([c]); the table shows "
                             "what can be shown.", kind="note")
        return Chart(chart, summary)

    def build(self) -> Document:
        self.front()
        self.headline()
        self.concerns()
        self.timeliness()
        self.training()
        self.survey()
        self.self_assessment()
        self.outcomes()
        self.appendix()
        return self.doc


def comparison_briefs(figures, brief: dict) -> list[dict]:
    """The previous period's and the same period last year's briefs, from the same figures (the same view)."""
    from . import briefing

    period = parse(brief["period"]["label"])
    target = (brief.get("timeliness") or {}).get("target_hours", 24)
    wanted = [period.previous()]
    if period.same_last_year() != period.previous():
        wanted.append(period.same_last_year())
    return [briefing.build(figures, p, target_hours=target) for p in wanted]


def document(figures, brief: dict, comparisons: Optional[Sequence[dict]] = None) -> Document:
    """The briefing as blocks, before it is written in a format."""
    if comparisons is None:
        comparisons = comparison_briefs(figures, brief) if figures is not None else []
    return _Builder(figures, brief, comparisons).build()


def render(figures, brief: dict, fmt: str, comparisons: Optional[Sequence[dict]] = None) -> bytes:
    """The briefing document in `fmt` (md, html, docx or pdf), as bytes.

    `comparisons` are the briefs to compare with (default: the previous period
    and the same period last year, from the same figures).
    """
    _check_format(fmt)
    return write(document(figures, brief, comparisons), fmt)


def write(doc: Document, fmt: str) -> bytes:
    """A built document in `fmt`; the charts are drawn once, so one document can be written in every format."""
    _check_format(fmt)
    return {"md": _markdown, "html": _html, "docx": _docx, "pdf": _pdf}[fmt](doc)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt}")


# --- Markdown -----------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _markdown(doc: Document) -> bytes:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append("#" * (block.level + 1) + " " + block.text)
        elif isinstance(block, Paragraph):
            text = f"**{block.lead.strip()}** {block.text}" if block.lead else block.text
            out.append(f"_{text}_" if block.kind == "note" else text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Table):
            numeric = block.numeric_columns()
            lines = [f"Table: {block.caption}", "",
                     "| " + " | ".join(_md_cell(c) for c in block.columns) + " |",
                     "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
        elif isinstance(block, Chart):
            out.append(f"_Chart (in the Word, PDF and web versions): {block.alt}_")
    out.append(f"---\n{doc.footer}")
    return ("\n\n".join(out) + "\n").encode("utf-8")


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:Arial,"Liberation Sans",Helvetica,sans-serif;color:#0b0c0c;line-height:1.45;margin:0;
background:#fff}
main{max-width:52rem;margin:0 auto;padding:1.5rem}
h1{font-size:2rem;margin:0 0 1rem}
h2{font-size:1.5rem;margin:2.2rem 0 .6rem;border-bottom:2px solid #12436D;color:#12436D}
h3{font-size:1.15rem;margin:1.6rem 0 .5rem}
p.meta{margin:.2rem 0}p.note{font-size:.92rem;color:#3d3d3d}
table{border-collapse:collapse;margin:.5rem 0 1.2rem;font-size:.95rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;vertical-align:top;text-align:left}
thead th{background:#12436D;color:#fff}td.num{text-align:right;white-space:nowrap}
figure{margin:.8rem 0}img{max-width:100%;height:auto}
footer{font-size:.9rem;color:#3d3d3d;border-top:1px solid #b1b4b6;margin-top:2rem;padding-top:.5rem}
nav ul{columns:2}
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _html(doc: Document) -> bytes:
    e = html.escape
    body: list[str] = []
    sections = [b for b in doc.blocks if isinstance(b, Heading) and b.level == 1]
    seen: dict[str, int] = {}
    contents_written = False
    for block in doc.blocks:
        if isinstance(block, Heading):
            if block.level == 0:
                body.append(f"<h1>{e(block.text)}</h1>")
                continue
            if block.level == 1 and not contents_written:
                items = "".join(f'<li><a href="#{_slug(s.text)}">{e(s.text)}</a></li>' for s in sections)
                body.append(f'<nav aria-label="Contents"><h2>Contents</h2><ul>{items}</ul></nav>')
                contents_written = True
            anchor = _slug(block.text)
            seen[anchor] = seen.get(anchor, 0) + 1
            if seen[anchor] > 1:
                anchor += f"-{seen[anchor]}"
            body.append(f'<h{block.level + 1} id="{anchor}">{e(block.text)}</h{block.level + 1}>')
        elif isinstance(block, Paragraph):
            lead = f"<strong>{e(block.lead.strip())}</strong> " if block.lead else ""
            body.append(f'<p class="{block.kind}">{lead}{e(block.text)}</p>')
        elif isinstance(block, Bullets):
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Table):
            numeric = block.numeric_columns()
            head = "".join(f'<th scope="col">{e(c)}</th>' for c in block.columns)
            rows = []
            for row in block.rows:
                cells = [f'<th scope="row">{e(row[0])}</th>']
                cells += [f'<td class="num">{e(c)}</td>' if numeric[i + 1] else f"<td>{e(c)}</td>"
                          for i, c in enumerate(row[1:])]
                rows.append("<tr>" + "".join(cells) + "</tr>")
            body.append(f"<table><caption>{e(block.caption)}</caption><thead><tr>{head}</tr></thead>"
                        f"<tbody>{''.join(rows)}</tbody></table>")
        elif isinstance(block, Chart):
            _draw(block)
            data = base64.b64encode(block.png).decode("ascii")
            body.append(f'<figure><img src="data:image/png;base64,{data}" alt="{e(block.alt)}" '
                        f'width="{block.width_px // PNG_SCALE}" height="{block.height_px // PNG_SCALE}"></figure>')
    page = (f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(doc.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + f"\n</main>\n<footer><p>{e(doc.footer)}</p></footer>\n</body>\n</html>\n")
    return page.encode("utf-8")


# --- Word ---------------------------------------------------------------------------------------

def _docx(doc: Document) -> bytes:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    usable_cm = 17.0

    styles = word.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    # The document's language: Word's spelling and screen readers use it.
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-GB")
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), "Arial")
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13)):
        style = styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x12, 0x43, 0x6D) if name != "Title" else RGBColor(0x0B, 0x0C, 0x0C)

    props = word.core_properties
    props.title = doc.title
    props.subject = doc.footer
    props.author = "Safeguarding dashboard (sg_data)"
    props.language = "en-GB"

    footer = section.footer.paragraphs[0]
    footer.text = doc.footer
    footer.style.font.size = Pt(9)

    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            p = word.add_paragraph()
            if block.lead:
                p.add_run(block.lead).bold = True
            run = p.add_run(block.text)
            if block.kind == "note":
                run.font.size = Pt(10)
            if block.kind == "meta":
                p.paragraph_format.space_after = Pt(2)
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            word.add_paragraph(block.caption, style="Caption").paragraph_format.keep_with_next = True
            numeric = block.numeric_columns()
            table = word.add_table(rows=1, cols=len(block.columns))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            header = table.rows[0]
            # Mark the first row as the header row: Word repeats it on each page and screen readers use it.
            tr_pr = header._tr.get_or_add_trPr()
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            tr_pr.append(flag)
            for i, text in enumerate(block.columns):
                cell = header.cells[i]
                run = cell.paragraphs[0].add_run(text)
                run.bold = True
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:color"), "auto")
                shading.set(qn("w:fill"), "DCE6F0")
                cell._tc.get_or_add_tcPr().append(shading)
                if numeric[i]:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in block.rows:
                cells = table.add_row().cells
                for i, text in enumerate(row):
                    cells[i].text = str(text)
                    if numeric[i]:
                        cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        par.paragraph_format.space_after = Pt(0)
                        for run in par.runs:
                            run.font.size = Pt(10)
            word.add_paragraph()
        elif isinstance(block, Chart):
            _draw(block)
            width_cm = min(usable_cm, block.width_px / PNG_SCALE * 2.54 / 96)
            word.add_picture(io.BytesIO(block.png), width=Cm(width_cm))
            picture = word.inline_shapes[-1]
            doc_pr = picture._inline.docPr
            doc_pr.set("descr", block.alt)
            doc_pr.set("title", "Chart")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------

_LATIN1 = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": "",
    "\u2264": "<=", "\u2265": ">=", "\u2192": "->", "\u2190": "<-", "\u2248": "~", "\u2260": "!=",
    "\u2122": "(TM)", "\u20ac": "EUR", "\u2713": "yes", "\u2717": "no",
})


def latin1(text: str) -> str:
    """Text the PDF core fonts can print: dashes and quotes made plain, anything else outside latin-1 a '?'."""
    return str(text).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


GSS_BLUE = (0x12, 0x43, 0x6D)


def _pdf(doc: Document) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Briefing(FPDF):
        def footer(self):
            self.set_y(-14)
            self.set_font("Helvetica", size=8)
            self.set_text_color(80, 80, 80)
            self.cell(0, 8, latin1(doc.footer), align="L")
            self.set_x(self.l_margin)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    pdf = Briefing(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(latin1(doc.title))
    pdf.set_subject(latin1(doc.footer))
    pdf.set_author("Safeguarding dashboard (sg_data)")
    pdf.set_creator("sg_data.documents")
    pdf.set_lang("en-GB")
    pdf.add_page()
    width = pdf.epw
    body_size = 10

    def write_paragraph(block: Paragraph) -> None:
        size = 9 if block.kind == "note" else body_size
        pdf.set_x(pdf.l_margin)
        if block.lead:
            pdf.set_font("Helvetica", "B", size)
            pdf.write(5, latin1(block.lead))
        pdf.set_font("Helvetica", "", size)
        if block.kind == "note":
            pdf.set_text_color(60, 60, 60)
        pdf.write(5, latin1(block.text))
        pdf.set_text_color(0, 0, 0)
        pdf.ln(6.5 if block.kind != "meta" else 5.5)

    def col_widths(block: Table, size: float) -> list[float]:
        pad = 4
        natural = []
        for i, name in enumerate(block.columns):
            pdf.set_font("Helvetica", "B", size)
            w = pdf.get_string_width(latin1(name))
            pdf.set_font("Helvetica", "", size)
            for row in block.rows:
                w = max(w, pdf.get_string_width(latin1(row[i])))
            natural.append(w + pad)
        if sum(natural) <= width:
            return natural
        natural = [w * 0.999 for w in natural]
        # Shrink the wide text columns; keep narrow ones (figures) whole so they do not wrap.
        fair = width / len(natural)
        fixed = [w for w in natural if w <= fair]
        flexible = [w for w in natural if w > fair]
        room = width - sum(fixed)
        scale = room / sum(flexible) if flexible else 1
        return [w if w <= fair else max(w * scale, 18) for w in natural]

    def table_height(block: Table) -> float:
        """A rough height: a row per line of its longest cell, wrapping at about 60 characters."""
        lines = sum(max(1, max(len(c) for c in row) // 60 + 1) for row in block.rows) + 2
        return 6 + 5.6 * lines

    def write_table(block: Table) -> None:
        size = 8.5 if len(block.columns) > 5 else 9
        # A short table is kept on one page; a long one starts with at least a few rows.
        if pdf.will_page_break(22 if len(block.rows) > 16 else table_height(block)):
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(0, 5, latin1(f"Table: {block.caption}"), new_x="LMARGIN", new_y="NEXT")
        widths = col_widths(block, size)
        numeric = block.numeric_columns()
        pdf.set_font("Helvetica", "", size)
        with pdf.table(
            width=min(sum(widths), width), col_widths=widths, align="LEFT", line_height=size * 0.5,
            text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
            headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=GSS_BLUE),
            borders_layout="HORIZONTAL_LINES", padding=1.2,
        ) as table:
            for row in [block.columns] + block.rows:
                r = table.row()
                for cell in row:
                    r.cell(latin1(cell))
        pdf.ln(4)

    def write_chart(block: Chart) -> None:
        _draw(block)
        w = min(width, block.width_px / PNG_SCALE * 25.4 / 96 * 0.95)
        h = w * block.height_px / block.width_px
        if pdf.will_page_break(h):
            pdf.add_page()
        pdf.image(io.BytesIO(block.png), x=pdf.l_margin, w=w, h=h, alt_text=latin1(block.alt))
        pdf.ln(3)

    def chart_height(block: Chart) -> float:
        _draw(block)
        return min(width, block.width_px / PNG_SCALE * 25.4 / 96 * 0.95) * block.height_px / block.width_px

    def needed_after(index: int) -> float:
        """Room for a heading and what belongs with it: its first paragraphs and, if there is one, its chart."""
        need = 14.0
        for block in doc.blocks[index + 1:index + 5]:
            if isinstance(block, Heading) and block.level <= 1:
                break
            if isinstance(block, Paragraph):
                need += 6 * (1 + len(block.text) // 110)
            elif isinstance(block, Chart):
                return need + chart_height(block) + 3
            elif isinstance(block, Table):
                return need + min(table_height(block), 70)
            else:
                break
        return max(need, 35.0)

    for index, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            if block.level == 0:
                pdf.set_font("Helvetica", "B", 20)
                pdf.multi_cell(0, 10, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
                continue
            # Keep a heading with what follows it.
            if pdf.will_page_break(min(needed_after(index), pdf.eph - 20)):
                pdf.add_page()
            pdf.ln(4 if block.level == 1 else 2)
            pdf.start_section(latin1(block.text), level=block.level - 1, strict=False)
            pdf.set_font("Helvetica", "B", 15 if block.level == 1 else 12)
            pdf.set_text_color(*GSS_BLUE)
            pdf.multi_cell(0, 7, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
            if block.level == 1:
                pdf.set_draw_color(*GSS_BLUE)
                pdf.set_line_width(0.5)
                pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
                pdf.set_line_width(0.2)
                pdf.set_draw_color(0, 0, 0)
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)
        elif isinstance(block, Paragraph):
            write_paragraph(block)
        elif isinstance(block, Bullets):
            pdf.set_font("Helvetica", "", body_size)
            for item in block.items:
                pdf.set_x(pdf.l_margin)
                pdf.cell(5, 5, "-")
                pdf.multi_cell(width - 5, 5, latin1(item), new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(1)
            pdf.ln(2)
        elif isinstance(block, Table):
            write_table(block)
        elif isinstance(block, Chart):
            write_chart(block)
    return bytes(pdf.output())
