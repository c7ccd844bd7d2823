"""The briefing's sections, built from a brief into the document model (the same order in every format)."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Sequence

import pandas as pd

from .. import charts, glossary, narrative, present
from ..figures import DEFAULT_TARGET_HOURS
from ..periods import PeriodError, parse
from ..stats import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Share
from ..views.self_assessment import ORDER as RATING_ORDER
from .model import Bullets, Chart, Document, Heading, NO_DATA, Paragraph, SOURCE_WORDS, Table, shortened
from .text import _Figures, _date, _long_date, _timestamp, _who, _words
from .printing import _bar_frame, _category_frame, _share_frame


# --- the sections -------------------------------------------------------------------------------



class _Builder:
    def __init__(self, figures, brief: dict, comparisons: Sequence[dict], detail: str = "full"):
        self.detail = detail
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
        loads = self._loads()
        if self.detail == "full":
            doc.add(loads)
        elif loads is not None:
            doc.add(Paragraph(f"Made from {len(loads.rows)} export files; the full pack lists them with every "
                              "section's tables and the definitions.", kind="meta"))
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

        def part(b, section, key):
            return (b.get(section) or {}).get(key)

        target = (self.brief.get("timeliness") or {}).get("target_hours", DEFAULT_TARGET_HOURS)
        question = narrative.headline_question(self.brief.get("survey"))
        signals = self._signals(target, question)
        columns.append("Trend: signal")

        def row(name, get, signal=NOT_APPLICABLE):
            return [name] + [get(b) for b in briefs] + [signal]

        rows = [
            row("Concerns raised", lambda b: f.count(b.get("concerns"), "total"), signals[0]),
            row("Referred externally", lambda b: f.share(part(b, "concerns", "referred_externally"))),
            row(f"Reviewed within {target} hours",
                lambda b: f.share(part(b, "timeliness", "reviewed_within_target"), interval=True), signals[1]),
            row("Median hours to review", lambda b: f.hours(b.get("timeliness"), "median_hours_to_review")),
            row("Overdue, not yet reviewed", lambda b: f.count(b.get("timeliness"), "overdue_unreviewed")),
            row("Required training in date", lambda b: f.share(part(b, "training", "coverage"), interval=True),
                signals[2]),
        ]
        if question is not None:
            qid = question["question_id"]

            def survey_share(b):
                sv = b.get("survey")
                match = [q for q in (sv or {}).get("questions", []) if q["question_id"] == qid]
                return f.share(match[0]["positive"], interval=True) if match else NOT_AVAILABLE

            rows.append(row(f"Staff survey: {question.get('text') or _words(qid)} (positive)", survey_share,
                            signals[3]))
        rows.append(row("Self-assessment standards rated Green or better",
                        lambda b: f.share(narrative.green_or_better(b.get("self_assessment"))), signals[4]))
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
        notes.append("Trend: the signal of each figure's run of recent quarters, snapshots, waves or years against "
                     "its process limits (the Overview draws them): common cause is the usual variation; a special "
                     "cause is a point outside the limits, a run on one side of the mean or a trend.")
        for n in notes:
            doc.add(Paragraph(n, kind="note"))
        comparison = self.comparisons[0] if self.comparisons else None
        doc.add(Heading("What the figures say", 2))
        doc.add(Bullets(narrative.sentences(self.brief, comparison)))
        doc.add(Heading("Exceptions and questions to ask", 2))
        asks = narrative.questions(self.brief, comparison)
        doc.add(Bullets(asks) if asks else Paragraph("Nothing stands out: no concern is overdue, no share fell "
                                                     "clearly and every standard is rated Green or better."))

    def _signals(self, target: float, question: Optional[dict]) -> list[str]:
        """The five headline figures' trend signals over their recent periods, as the Overview's small trends say
        them (concerns, within target, training, survey, self-assessment)."""
        from ..views import trends

        try:
            period = parse(self.label)
        except PeriodError:
            return [NOT_AVAILABLE] * 5
        qid = question["question_id"] if question else None
        return [t.signal if t is not None else NOT_AVAILABLE
                for t in trends.small_trends(self.figures, period, int(target), qid)]

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
            frame, grouped = _category_frame([s["category"] for s in categories], [s.get("count") for s in categories])
            summary += grouped
            doc.add(Paragraph(summary))
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
        if self.detail == "full":
            self.appendix()
            return self.doc
        self.doc.blocks = shortened(self.doc.blocks)
        self.doc.add(Paragraph(f"{SUPPRESSED} hidden to protect individuals; {NOT_AVAILABLE} not available; "
                               f"{NOT_APPLICABLE} not applicable. Every definition is in the full pack.", kind="note"))
        return self.doc
