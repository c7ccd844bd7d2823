"""`python -m sg_data profile suggest FILE`: a proposed export profile, for a person to check.

It reads an export's headings and a sample of its values and proposes, for
each heading, the contract column it fills, with a confidence: how like the
column's name or aliases the heading is, and whether the values have the
column's shape (dates, ids, Y/N, the council's known categories and
services). It never guesses silently: a heading that fits no column, a
heading that fits two, an identity column, a date order the values cannot
tell and a required column with no heading are left out of the profile and
listed for a person. Reference words come from `categories*.csv`,
`services*.csv` and `survey_questions*.csv` in the export's folder or the
folder above it, else the sample council's.
"""

from __future__ import annotations

import csv
import difflib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import duckdb

from .contract import KINDS, Field, Kind, column_for, is_identity, normalise_header
from .profiles import heading_key
from .reading import FileRejected, kind_of
from .rules import FALSE_WORDS, TRUE_WORDS

#: a heading is mapped only at or above this confidence
SURE = 0.6
#: two columns closer than this for one heading are a tie, left for a person
MARGIN = 0.08
SAMPLE_ROWS = 2000
#: heading words that say nothing about which column is meant
STOP = {"at", "on", "of", "the", "date", "time", "dt"}
#: heading words that say a column is a reference
ID_WORDS = {"id", "ref", "reference", "no", "number", "code"}
SUBJECT_WORDS = {"child": "child", "children": "child", "young person": "child", "young people": "child",
                 "yp": "child", "minor": "child", "adult": "adult", "adult at risk": "adult",
                 "vulnerable adult": "adult", "unknown": "unknown", "not known": "unknown", "n/k": "unknown",
                 "not recorded": "unknown"}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?")
_SLASHED = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?")
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?")
_SAMPLE_COUNCIL = Path(__file__).resolve().parent.parent / "sample_data"


class SuggestError(Exception):
    """A file that cannot be read for a suggestion."""


@dataclass
class Values:
    """What a sample of one column's values looks like."""

    values: list[str]

    def share(self, pattern: re.Pattern) -> float:
        return sum(1 for v in self.values if pattern.fullmatch(v)) / len(self.values) if self.values else 0.0

    @property
    def dates(self) -> float:
        return self.share(_ISO) + self.share(_SLASHED)

    @property
    def times(self) -> float:
        return self.share(_TIME)

    @property
    def with_time(self) -> bool:
        return any(":" in v for v in self.values)

    @property
    def yes_no(self) -> bool:
        return bool(self.values) and all(v.lower() in TRUE_WORDS + FALSE_WORDS for v in self.values)

    @property
    def whole(self) -> bool:
        return bool(self.values) and all(re.fullmatch(r"[+-]?\d{1,15}", v) for v in self.values)

    @property
    def id_like(self) -> bool:
        return (bool(self.values) and self.dates < 0.5 and len(set(self.values)) >= 0.98 * len(self.values)
                and all(any(c.isdigit() for c in v) for v in self.values))

    @property
    def words(self) -> set[str]:
        return {v.lower() for v in self.values}


@dataclass
class Proposal:
    heading: str
    target: Optional[str]  # a contract column, "unpivot", or None (left for a person)
    confidence: float
    why: str


@dataclass
class Suggestion:
    file: str
    kind: Kind
    header_row: int
    sampled: int
    proposals: list[Proposal] = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    unpivot: Optional[dict] = None
    date_order: Optional[str] = None
    date_why: str = ""
    for_a_person: list[str] = field(default_factory=list)
    #: a few of each heading's values, for a person checking the mapping
    samples: dict[str, list[str]] = field(default_factory=dict)

    def profile(self) -> dict:
        """The proposed profile, as the TOML's data."""
        out: dict = {"name": f"{Path(self.file).stem} (suggested)", "kind": self.kind.name,
                     "files": [_pattern(self.file)]}
        if self.date_order:
            out["date_order"] = self.date_order
        out["columns"] = self.columns
        if self.values:
            out["values"] = self.values
        if self.unpivot:
            out["unpivot"] = self.unpivot
        return out

    def toml(self) -> str:
        import tomli_w

        notes = "".join(f"#   - {line}\n" for line in self.for_a_person) or "#   (nothing)\n"
        return (f"# Proposed by `python -m sg_data profile suggest` from {self.file}. Check every line.\n"
                f"# Left for a person to decide:\n{notes}" + tomli_w.dumps(self.profile()))

    def report(self) -> str:
        width = max([len(p.heading) for p in self.proposals] + [10])
        lines = [f"{self.file}: a {self.kind.name} export; headings on row {self.header_row}, "
                 f"{self.sampled:,} rows sampled"]
        for p in self.proposals:
            target = p.target or "(not mapped)"
            lines.append(f"  {p.heading:<{width}} -> {target:<16} {p.confidence:4.0%}  {p.why}")
        why = f" ({self.date_why})" if self.date_why else ""
        lines.append(f"date order: {self.date_order or 'not decided'}{why}")
        lines.append("for a person to decide:" if self.for_a_person else "for a person to decide: nothing")
        lines += [f"  - {line}" for line in self.for_a_person]
        return "\n".join(lines)


def _pattern(name: str) -> str:
    """`myconcern_report_2022-23.csv` is matched by `myconcern_report*.csv`."""
    path = Path(name)
    stem = re.split(r"\d", path.stem, maxsplit=1)[0].rstrip("_- ")
    return f"{stem or path.stem}*{path.suffix.lower()}"


# ---------------------------------------------------------------------------------------------------------------
# Reading a sample
# ---------------------------------------------------------------------------------------------------------------

def _sample(path: Path) -> tuple[int, list[str], list[list[str]]]:
    """The header's row number, the headings and up to SAMPLE_ROWS rows below it, trimmed."""
    from .csv_cells import WHITESPACE, scan_csv
    from .reading import HEADER_SEARCH_ROWS, _scan_sheet

    con = duckdb.connect()
    try:
        if path.suffix.lower() == ".xlsx":
            from .workbook import open_workbook

            wb = open_workbook(path)
            try:
                width = _scan_sheet(con, wb[wb.sheetnames[0]], wb.sheetnames[0], path.name)
            finally:
                wb.close()
        else:
            with tempfile.TemporaryDirectory() as tmp:
                width = scan_csv(con, path, path.name, Path(tmp))[2]
        cols = ", ".join(f"c{i}" for i in range(width))
        rows = con.execute(f"select {cols} from _cells order by _rec limit {HEADER_SEARCH_ROWS + SAMPLE_ROWS}"
                           ).fetchall()
    finally:
        con.close()
    grid = [[(c or "").strip(WHITESPACE) for c in r] for r in rows]
    top = grid[:HEADER_SEARCH_ROWS]
    if not any(any(r) for r in top):
        raise SuggestError(f"{path.name}: no headings in its first {HEADER_SEARCH_ROWS} rows.")
    most = max(sum(1 for c in r if c) for r in top)
    at = next(i for i, r in enumerate(top) if sum(1 for c in r if c) == most)
    body = [r for r in grid[at + 1:at + 1 + SAMPLE_ROWS] if any(r)]
    return at + 1, grid[at], body


def _reference(folder: Path, stem: str) -> list[dict]:
    """A small reference table beside the export (or above it), else the sample council's."""
    for where in (folder, folder.parent, _SAMPLE_COUNCIL):
        for p in sorted(where.glob(f"{stem}*.csv")):
            if p.is_file() and p.stat().st_size < 5_000_000:
                with open(p, encoding="utf-8-sig", newline="") as fh:
                    return [{normalise_header(k): (v or "").strip() for k, v in r.items() if k}
                            for r in csv.DictReader(fh)]
    return []


# ---------------------------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------------------------

def _core(norm: str) -> set[str]:
    return {t for t in norm.split("_") if t and t not in STOP}


def name_score(heading: str, f: Field) -> tuple[float, str]:
    """How like a contract column's name or aliases a heading is, 0 to 1, and why."""
    norm = normalise_header(heading)
    if not norm:
        return 0.0, "blank heading"
    if norm == f.name or norm in f.aliases:
        return 1.0, f"'{norm}' is {'the name' if norm == f.name else 'an alias'} of {f.name}"
    best, why = 0.0, ""
    h = _core(norm)
    for c in (f.name, *f.aliases):
        core = _core(c)
        if core and core == h:
            score, reason = 0.95, f"the same words as {c}"
        elif core and h and core <= h:
            score, reason = 0.75 + 0.2 * len(core) / len(h), f"holds the words of {c}"
        else:
            ratio = difflib.SequenceMatcher(None, norm, c).ratio()
            jaccard = len(core & h) / len(core | h) if core | h else 0.0
            score, reason = 0.8 * max(ratio, jaccard), f"like {c}"
        if score > best:
            best, why = score, reason
    if f.name.endswith("_id") and h & ID_WORDS and best < 0.7:
        best, why = 0.7, f"a reference, like {f.name}"
    return best, why


def value_fit(kind: Kind, f: Field, values: Values, known: dict[str, set[str]]) -> float:
    """Whether the values have the column's shape: 1 fits, 0.5 says nothing, 0 contradicts."""
    if not values.values:
        return 0.5
    if f.type in ("date", "timestamp"):
        if values.dates >= 0.9:
            return 1.0 if (f.type == "timestamp") == values.with_time or f.type == "timestamp" else 0.9
        return 0.5 if values.times >= 0.9 else 0.0
    if values.dates >= 0.9:
        return 0.0
    if f.type == "boolean":
        return 1.0 if values.yes_no else 0.0
    if f.type == "integer":
        return 1.0 if values.whole else 0.0
    if f.type == "choice":
        words = values.words
        return sum(1 for w in words if w in SUBJECT_WORDS or w in {c.lower() for c in f.choices}) / len(words)
    if f.name in kind.row_key or f.name.endswith("_id"):
        return 1.0 if values.id_like else 0.3
    if f.name in known and known[f.name]:
        words = values.words
        return 0.5 + 0.5 * len(words & known[f.name]) / len(words)
    return 0.3 if values.yes_no else 0.5


def _known_words(folder: Path) -> dict[str, set[str]]:
    categories = _reference(folder, "categories")
    services = _reference(folder, "services")
    return {"category": {r.get("category", "").lower() for r in categories} - {""},
            "service": ({r.get("service", "").lower() for r in services}
                        | {r.get("alias_of", "").lower() for r in services}) - {""}}


def _scores(kind: Kind, heading: str, values: Values, known) -> list[tuple[float, str, str]]:
    out = []
    for f in kind.fields:
        name, why = name_score(heading, f)
        fit = value_fit(kind, f, values, known)
        confidence = name * (0.6 + 0.4 * fit)
        if fit == 0.0:
            confidence = min(confidence, 0.3)
            why += "; but the values do not fit"
        out.append((round(confidence, 2), f.name, why))
    return sorted(out, key=lambda s: -s[0])


# ---------------------------------------------------------------------------------------------------------------
# The suggestion
# ---------------------------------------------------------------------------------------------------------------

def _guess_kind(header: list[str], folder: Path) -> Optional[Kind]:
    """The kind whose names or aliases the headings use most; a wide survey by its questions' texts."""
    texts = {heading_key(r.get("text", "")) for r in _reference(folder, "survey_questions")}
    if sum(1 for h in header if heading_key(h) in texts) >= 2:
        return KINDS["survey_responses"]
    counts = {k.name: sum(1 for h in header if column_for(k, normalise_header(h))) for k in KINDS.values()}
    best = max(counts.values())
    found = [k for k, n in counts.items() if n == best]
    return KINDS[found[0]] if best >= 1 and len(found) == 1 else None


def suggest(path: Path, kind_name: Optional[str] = None) -> Suggestion:
    """Propose a profile for one export file."""
    path = Path(path)
    try:
        header_row, header, body = _sample(path)
    except FileRejected as exc:
        raise SuggestError(str(exc)) from None
    kind = KINDS[kind_name] if kind_name else (kind_of(path) or _guess_kind(header, path.parent))
    if kind is None:
        raise SuggestError(f"{path.name}: cannot tell which export this is; give --kind "
                           f"({', '.join(KINDS)}).")
    s = Suggestion(path.name, kind, header_row, len(body))
    columns = {h: Values([r[i] for r in body if i < len(r) and r[i]]) for i, h in enumerate(header) if h}
    s.samples = {h: list(dict.fromkeys(v.values))[:3] for h, v in columns.items()}
    taken = _questions(s, columns, path.parent)
    choices = _rank(s, {h: v for h, v in columns.items() if h not in taken}, _known_words(path.parent))
    _joins(s, columns, choices)
    _wide_training(s, columns, choices)
    _claims(s, choices)
    for h, (confidence, target, why) in choices.items():
        if confidence >= SURE:
            s.proposals.append(Proposal(h, target, confidence, why))
            s.columns[target] = h
        else:
            s.proposals.append(Proposal(h, None, confidence, f"unknown heading (closest: {target}, {why})"))
            s.for_a_person.append(f"'{h}' matches no contract column: not mapped (not stored)")
    s.proposals.sort(key=lambda p: header.index(p.heading))
    _value_maps(s, columns)
    _date_order(s, columns)
    mapped = set(s.columns) | ({s.unpivot["heading_to"], s.unpivot["value_to"]} if s.unpivot else set())
    for f in kind.required:
        if f not in mapped and not any(line.startswith(f"{f}:") for line in s.for_a_person):
            s.for_a_person.append(f"{f} is required and no heading gives it: add a heading or a fixed value "
                                  f"(columns.{f} = {{ value = \"...\" }})")
    return s


def _rank(s: Suggestion, columns: dict[str, Values], known) -> dict[str, tuple[float, str, str]]:
    """Each heading's best column; identity headings and ties between two columns are left for a person."""
    choices = {}
    for h, values in columns.items():
        if is_identity(normalise_header(h)) and not column_for(s.kind, normalise_header(h)):
            s.proposals.append(Proposal(h, None, 0.0, "looks like a person's identity: never stored"))
            continue
        first, second = _scores(s.kind, h, values, known)[:2]
        if first[0] >= SURE and second[0] >= SURE and first[0] - second[0] < MARGIN:
            s.proposals.append(Proposal(h, None, first[0], f"fits both {first[1]} and {second[1]}"))
            s.for_a_person.append(f"'{h}' fits both {first[1]} and {second[1]}: map it by hand if it is either")
        else:
            choices[h] = first
    return choices


def _questions(s: Suggestion, columns: dict[str, Values], folder: Path) -> set[str]:
    """A wide survey: headings that are question texts of survey_questions, unpivoted to their ids."""
    if s.kind.name != "survey_responses":
        return set()
    by_text: dict[str, set[tuple[str, str]]] = {}
    for r in _reference(folder, "survey_questions"):
        by_text.setdefault(heading_key(r.get("text", "")), set()).add(
            (r.get("question_id", ""), r.get("survey_id", "")))
    names, waves = {}, None
    for h in columns:
        found = by_text.get(heading_key(h))
        if found and len({q for q, _ in found}) == 1:
            names[h] = next(iter(found))[0]
            waves = {w for _, w in found} if waves is None else waves & {w for _, w in found}
            s.proposals.append(Proposal(h, "unpivot", 1.0, f"the text of question {names[h]}"))
    if names:
        s.unpivot = {"heading_to": "question_id", "value_to": "answer", "skip_blank": False,
                     "headings": list(names), "names": names}
        s.for_a_person.append("survey_id: the export has no wave column; give it as columns.survey_id = "
                              "{ value = \"...\" }" + (f" (these texts are in wave(s) {', '.join(sorted(waves))})"
                                                       if waves else ""))
    return set(names)


def _joins(s: Suggestion, columns: dict[str, Values], choices: dict) -> None:
    """A time column beside a date column of the same words: the two joined into one timestamp."""
    for t, values in columns.items():
        if t not in choices or values.times < 0.9:
            continue
        dates = [d for d in choices if columns[d].dates >= 0.9 and not columns[d].with_time
                 and _core(normalise_header(d)) == _core(normalise_header(t))]
        if len(dates) == 1 and s.kind.field(choices[dates[0]][1]).type == "timestamp":
            d = dates[0]
            confidence, target, why = choices.pop(d)
            del choices[t]
            s.columns[target] = {"join": [d, t]}
            s.proposals += [Proposal(d, target, confidence, why + f"; joined with '{t}'"),
                            Proposal(t, target, confidence, f"the time of '{d}'")]


def _claims(s: Suggestion, choices: dict) -> None:
    """Two headings that claim one column: the clearly better one keeps it; a tie goes to a person."""
    by_target: dict[str, list[str]] = {}
    for h, (confidence, target, _) in choices.items():
        if confidence >= SURE:
            by_target.setdefault(target, []).append(h)
    for target, heads in by_target.items():
        ranked = sorted(heads, key=lambda h: -choices[h][0])
        clear = len(ranked) == 1 or choices[ranked[0]][0] - choices[ranked[1]][0] >= MARGIN
        keep = ranked[0] if clear and target not in s.columns else None
        for h in ranked:
            if h != keep:
                confidence = choices.pop(h)[0]
                s.proposals.append(Proposal(h, None, confidence, f"{target} is claimed by another heading too"))
                s.for_a_person.append(f"'{h}' and another heading both look like {target}: choose one")


def _is_date(v: str) -> bool:
    return bool(_ISO.fullmatch(v) or _SLASHED.fullmatch(v))


def _wide_training(s: Suggestion, columns: dict[str, Values], choices: dict) -> None:
    """A wide training matrix: unmapped headings holding completion dates are courses, unpivoted."""
    if s.kind.name != "training" or "course" in s.columns or any(
            c[1] == "course" and c[0] >= SURE for c in choices.values()):
        return
    courses = [h for h, c in choices.items() if c[0] < SURE and columns[h].values and columns[h].dates >= 0.5
               and len({v for v in columns[h].values if not _is_date(v)}) <= 3]
    if len(courses) < 2:
        return
    words = sorted({v for h in courses for v in columns[h].values if not _is_date(v)})
    s.unpivot = {"heading_to": "course", "value_to": "completed_on", "headings": courses}
    for h in courses:
        del choices[h]
        s.proposals.append(Proposal(h, "unpivot", 0.8, "dates under a course's name: a wide matrix, unpivoted"))
    if words:
        s.values["completed_on"] = {w: "" for w in words}
        s.for_a_person.append("cells that are not dates (" + ", ".join(f"'{w}'" for w in words) + ") are read as "
                              "never completed (values.completed_on); change that if they mean otherwise")
    s.for_a_person.append("course names are the headings as they are: map them to the names your other "
                          "exports use in [unpivot.names]; give required (and level) per row or as a fixed value")


def _value_maps(s: Suggestion, columns: dict[str, Values]) -> None:
    """The system's words for a choice or yes/no column: known words mapped, the rest for a person."""
    for target, spec in s.columns.items():
        if not isinstance(spec, str):
            continue
        f = s.kind.field(target)
        words = sorted({v for v in columns[spec].values})
        if f.type == "choice":
            mapping = {w: SUBJECT_WORDS[w.lower()] for w in words
                       if w.lower() in SUBJECT_WORDS and w.lower() != SUBJECT_WORDS[w.lower()]}
            unknown = [w for w in words if w.lower() not in SUBJECT_WORDS and w.lower() not in
                       {c.lower() for c in f.choices}]
        elif f.type == "boolean":
            mapping, unknown = {}, [w for w in words if w.lower() not in TRUE_WORDS + FALSE_WORDS]
        else:
            continue
        if mapping:
            s.values[target] = mapping
        if unknown:
            s.for_a_person.append(f"{target}: the words {', '.join(repr(w) for w in unknown[:10])} are not "
                                  f"{' / '.join(f.choices) if f.choices else 'Y/N'}; map them in values.{target}")


def _date_order(s: Suggestion, columns: dict[str, Values]) -> None:
    """Day first or month first, told from the values; never guessed."""
    dated = []
    for target, spec in s.columns.items():
        if s.kind.field(target).type in ("date", "timestamp"):
            dated += [spec] if isinstance(spec, str) else spec.get("join", [])[:1]
    if s.unpivot and s.unpivot["value_to"] == "completed_on":
        dated += s.unpivot["headings"]
    if not dated:
        return
    day = [h for h in dated for v in columns[h].values if (m := _SLASHED.fullmatch(v)) and int(m.group(1)) > 12]
    month = [h for h in dated for v in columns[h].values if (m := _SLASHED.fullmatch(v)) and int(m.group(2)) > 12]
    slashed = any(_SLASHED.fullmatch(v) for h in dated for v in columns[h].values)
    if day and month:
        s.date_why = f"'{day[0]}' has a first number over 12 and '{month[0]}' a second: the order cannot be told"
    elif day:
        s.date_order, s.date_why = "day-first", f"'{day[0]}' has a date with a first number over 12"
    elif month:
        s.date_order, s.date_why = "month-first", f"'{month[0]}' has a date with a second number over 12"
    elif not slashed:
        s.date_order, s.date_why = "iso", "every date is written 2023-10-04"
    else:
        s.date_why = "no date has a number over 12 before the year, so day first and month first cannot be told"
    if s.date_order is None:
        s.for_a_person.append(f"date_order: {s.date_why}; set date_order = \"day-first\" or \"month-first\"")
