"""The data contract, declared once.

Every export's fields — type, required, meaning, accepted header aliases — are
declared here and nowhere else. The DuckDB tables, the pydantic row models, the
loader's parsing and the data dictionary page all derive from these
declarations, so adding a column is one edit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, create_model

FieldType = Literal["text", "timestamp", "date", "integer", "boolean", "choice"]

RATINGS = ("Blue", "Green", "Amber", "Red", "Not assessed")
#: Order of the rating scale, worst first (data-contract.md).
RATING_ORDER = {"Red": 1, "Amber": 2, "Green": 3, "Blue": 4}
SUBJECT_GROUPS = ("child", "adult", "unknown")


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool
    meaning: str
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    default: Optional[str] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    #: a date more than this many years after the load is implausible and quarantined
    future_years: int = 1
    #: a stricter form for text: "financial-year" (2020-21)
    format: Optional[str] = None

    @property
    def sql_type(self) -> str:
        return {
            "text": "varchar",
            "choice": "varchar",
            "timestamp": "timestamp",
            "date": "date",
            "integer": "bigint",
            "boolean": "boolean",
        }[self.type]


@dataclass(frozen=True)
class Kind:
    """One export file kind: its fields and its keys."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    #: a newer export replaces stored rows that share these values (data-contract.md)
    replace_key: tuple[str, ...]
    #: unique within one file; two rows with the same key and different content are quarantined
    row_key: tuple[str, ...]
    #: fields that look like identities but are pseudonymous references and are kept
    extra: dict = field(default_factory=dict)
    #: the store keeps each load's rows in this order, so that a query for one period reads only the blocks that
    #: hold it (DuckDB skips a block whose smallest and largest values fall outside the filter)
    stored_order: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


def _f(name, type_, required, meaning, *aliases, **kw) -> Field:
    return Field(name, type_, required, meaning, tuple(aliases), **kw)


CONCERNS = Kind(
    name="concerns",
    title="Safeguarding concerns",
    description="One row per safeguarding concern, exported from the concern-recording system (MyConcern, CPOMS).",
    fields=(
        _f("concern_id", "text", True, "The recording system's reference for the concern, unique.",
           "concern_ref", "concern_reference", "reference", "ref", "record_id", "case_reference"),
        _f("raised_at", "timestamp", True, "When the concern was recorded.",
           "date_raised", "raised", "raised_on", "recorded_at", "date_recorded", "created_at", "reported_at"),
        _f("service", "text", True, "The service area of the member of staff who raised it.",
           "service_area", "department", "directorate", "raised_by_service"),
        _f("team", "text", False, "Team within the service.", "team_name"),
        _f("category", "text", True, "The primary concern category, in the council's own terms.",
           "concern_category", "primary_category", "concern_type", "category_name"),
        _f("subject_group", "choice", False, "Whether the person at risk is a child or an adult.",
           "child_or_adult", "subject_type", "person_type", choices=SUBJECT_GROUPS, default="unknown"),
        _f("reviewed_at", "timestamp", False,
           "When a Designated Safeguarding Lead reviewed it; blank means not yet reviewed.",
           "dsl_reviewed_at", "date_reviewed", "reviewed_on", "review_date", "reviewed"),
        _f("referred_to", "text", False,
           "External referral (MASH, Adult Social Care, Police, ...); blank means none.",
           "referral", "referred", "external_referral", "referral_destination"),
        _f("outcome", "text", False, "Referred, Advice given, No further action, Open, ...", "concern_outcome", "status"),
        _f("closed_at", "timestamp", False, "When the concern was closed.", "date_closed", "closed_on", "closed"),
    ),
    replace_key=("concern_id",),
    row_key=("concern_id",),
    stored_order=("raised_at",),
)

TRAINING = Kind(
    name="training",
    title="Training matrix",
    description="The HR system's training matrix: one row per member of staff per course, at one snapshot.",
    fields=(
        _f("snapshot_date", "date", True, "The date the matrix was exported.", "export_date", "snapshot", "as_at", "report_date"),
        _f("staff_id", "text", True, "Pseudonymous staff reference (payroll number hashed or as-is).",
           "employee_id", "employee_number", "payroll_number", "person_id", "staff_number", "employee_ref"),
        _f("service", "text", True, "The person's service area; Councillors for elected members.",
           "service_area", "department", "directorate"),
        _f("role", "text", False, "Job role.", "job_role", "job_title", "post_title", "position"),
        _f("course", "text", True, "The course, e.g. Safeguarding awareness.", "course_name", "course_title", "training", "module"),
        _f("level", "integer", False, "1 awareness, 2 enhanced, 3 designated lead.", "course_level", "training_level",
           minimum=1, maximum=3),
        _f("required", "boolean", True, "Whether the person's role requires this course.",
           "is_required", "mandatory", "required_for_role"),
        _f("completed_on", "date", False, "Latest completion; blank means never.",
           "completion_date", "completed", "date_completed", "last_completed"),
        _f("expires_on", "date", False, "When the completion lapses; blank means completed_on + 3 years.",
           "expiry_date", "expires", "renewal_date", "due_date", future_years=10),
    ),
    replace_key=("snapshot_date",),
    row_key=("snapshot_date", "staff_id", "course"),
    stored_order=("snapshot_date",),
)

SURVEY_WAVES = Kind(
    name="survey_waves",
    title="Staff survey waves",
    description="One row per wave of the annual staff safeguarding questionnaire.",
    fields=(
        _f("survey_id", "text", True, "The wave's reference, e.g. 2023.", "wave", "wave_id"),
        _f("title", "text", False, "The wave's title."),
        _f("opened_on", "date", False, "When the survey opened.", "open_date", "opened"),
        _f("closed_on", "date", True, "When the survey closed.", "close_date", "closed"),
        _f("invited", "integer", False, "How many staff were asked.", "invited_count", "sample_size", minimum=0),
    ),
    replace_key=("survey_id",),
    row_key=("survey_id",),
)

SURVEY_QUESTIONS = Kind(
    name="survey_questions",
    title="Staff survey questions",
    description="The questions of each wave, and which answers count as positive.",
    fields=(
        _f("survey_id", "text", True, "The wave.", "wave", "wave_id"),
        _f("question_id", "text", True, "Stable reference for the question across waves.", "question", "question_ref"),
        _f("text", "text", False, "The question's wording.", "question_text", "wording"),
        _f("positive_answers", "text", False,
           "The answers that count as positive, separated by ';'.", "positive", "positive_answer"),
    ),
    replace_key=("survey_id",),
    row_key=("survey_id", "question_id"),
)

SURVEY_RESPONSES = Kind(
    name="survey_responses",
    title="Staff survey responses",
    description="One row per answer (long form); the wide form, one column per question, is also accepted.",
    fields=(
        _f("survey_id", "text", True, "The wave.", "wave", "wave_id"),
        _f("response_id", "text", True, "The response's reference.", "respondent_id", "response", "submission_id"),
        _f("question_id", "text", True, "The question answered.", "question", "question_ref"),
        _f("answer", "text", False, "The answer given; blank is no answer.", "response_text", "value"),
        _f("service", "text", False, "The respondent's service.", "service_area", "department", "directorate"),
    ),
    replace_key=("survey_id",),
    row_key=("survey_id", "response_id", "question_id"),
)

SELF_ASSESSMENT = Kind(
    name="self_assessment",
    title="Self-assessment ratings",
    description="Section 11 / joint safeguarding self-assessment ratings, one row per standard per year.",
    fields=(
        _f("year", "text", True, "The audit year as the council names it: 2014-15 or 2023.", "audit_year", "assessment_year"),
        _f("framework", "text", True, "The self-assessment framework.", "audit", "framework_name"),
        _f("area", "text", True, "The focus area the standard sits in.", "focus_area", "section"),
        _f("standard_id", "text", True, "The framework's number or code for the standard.", "standard_no", "standard_number", "ref"),
        _f("standard", "text", True, "The standard's wording, short.", "standard_text", "description"),
        _f("self_rating", "choice", True, "The council's own rating.", "self_assessment", "rating", choices=RATINGS),
        _f("peer_rating", "choice", False, "The rating after peer review or challenge.", "peer_review_rating", "moderated_rating",
           choices=RATINGS),
        _f("evidence", "text", False, "A line of evidence or the peer review's comment.", "comment", "comments", "notes"),
    ),
    replace_key=("year",),
    row_key=("year", "framework", "standard_id"),
)

OUTCOMES = Kind(
    name="outcomes",
    title="Programme outcomes",
    description="What a programme achieved, with its whole funnel: sought, engaged, positive, negative.",
    fields=(
        _f("period", "text", True, "Financial year, e.g. 2020-21.", "financial_year", "year", format="financial-year"),
        _f("programme", "text", True, "The programme.", "programme_name", "program", "project"),
        _f("service", "text", False, "The delivering service.", "service_area", "department"),
        _f("measure", "text", True, "The positive outcome counted.", "outcome_measure", "outcome"),
        _f("sought", "integer", False, "People the council sought to work with (referred or offered).",
           "referred", "offered", minimum=0),
        _f("engaged", "integer", True, "People who engaged.", "engaging", minimum=0),
        _f("positive", "integer", True, "Engaged people with the positive outcome.", "positive_outcome", "achieved", minimum=0),
        _f("negative", "integer", False, "Engaged people with a negative outcome.", "negative_outcome", minimum=0),
    ),
    replace_key=("period", "programme", "measure"),
    row_key=("period", "programme", "measure"),
)

SERVICES = Kind(
    name="services",
    title="Services",
    description="Reference table kept by officers: service names, renames and headcounts.",
    fields=(
        _f("service", "text", True, "The service's name as it appears in exports.", "service_name", "service_area"),
        _f("alias_of", "text", False, "The current name a renamed or merged service now reports under.",
           "now", "current_name", "renamed_to", "merged_into"),
        _f("year", "text", False, "The financial year the headcount is for, e.g. 2023-24.", "financial_year", "period",
           format="financial-year"),
        _f("headcount", "integer", False, "Staff in the service that financial year.", "staff", "fte", "staff_count",
           minimum=0),
    ),
    replace_key=("service", "year"),
    row_key=("service", "year"),
)

CATEGORIES = Kind(
    name="categories",
    title="Concern categories",
    description="Reference table kept by officers: the council's categories and the statutory category each maps to.",
    fields=(
        _f("category", "text", True, "The council's category.", "concern_category", "category_name"),
        _f("statutory_category", "text", True,
           "The Care Act 2014 or Working Together category it maps to, or Wellbeing (non-statutory).",
           "statutory", "statutory_type", "maps_to"),
        _f("subject_group", "choice", False, "Child, adult or unknown.", "child_or_adult", choices=SUBJECT_GROUPS),
    ),
    replace_key=("category",),
    row_key=("category",),
)

DESTINATIONS = Kind(
    name="destinations",
    title="Referral destinations",
    description="Reference table kept by officers: the agencies and teams concerns are referred to that the "
                "publication may name (any other destination is published as another agency).",
    fields=(
        _f("referred_to", "text", True, "The agency or team, as the concern export records it.", "destination",
           "agency", "referred_to_agency"),
    ),
    replace_key=("referred_to",),
    row_key=("referred_to",),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (CONCERNS, TRAINING, SURVEY_WAVES, SURVEY_QUESTIONS, SURVEY_RESPONSES,
              SELF_ASSESSMENT, OUTCOMES, SERVICES, CATEGORIES, DESTINATIONS)
}

#: Reference tables first, so that a load report reads in the order an officer thinks.
LOAD_ORDER = ("services", "categories", "destinations", "concerns", "training", "survey_waves",
              "survey_questions", "survey_responses", "self_assessment", "outcomes")

#: Header words that mark a person's identity. Such columns are dropped before anything is stored.
IDENTITY_PATTERN = re.compile(
    r"(^|_)(name|names|first_?name|forename|last_?name|surname|full_?name|given_?name|family_?name|"
    r"date_of_birth|dob|birth_?date|birthday|address|address_?line_?\d*|street|postcode|post_code|zip|"
    r"nhs|nhs_?(number|no)|ni_?number|national_insurance(_number)?|phone|telephone|tel|mobile|email|e_mail)($|_)"
)


def normalise_header(header: object) -> str:
    """`Raised At`, `raised_at` and ` RAISED_AT ` are one column (data-contract.md)."""
    text = str(header).replace("\ufeff", "").strip().lower()
    text = re.sub(r"[\s\-./]+", "_", text)
    text = re.sub(r"[^0-9a-z_]", "", text)
    return re.sub(r"_+", "_", text).strip("_")


def column_for(kind: Kind, header: str) -> Optional[str]:
    """The contract field a normalised header names, by name or alias."""
    for f in kind.fields:
        if header == f.name or header in f.aliases:
            return f.name
    return None


def is_identity(header: str) -> bool:
    return bool(IDENTITY_PATTERN.search(header))


def ddl(kind: Kind) -> str:
    cols = ",\n    ".join(f"{f.name} {f.sql_type}" for f in kind.fields)
    return f"create table if not exists {kind.name} (\n    {cols},\n    load_id bigint not null\n)"


_PY_TYPES = {
    "text": str,
    "choice": str,
    "timestamp": dt.datetime,
    "date": dt.date,
    "integer": int,
    "boolean": bool,
}


def row_model(kind: Kind) -> type[BaseModel]:
    """A pydantic model of one stored row, derived from the contract.

    `hide_input_in_errors` keeps the value of a special-category field out of
    every error message.
    """
    fields = {}
    for f in kind.fields:
        py = _PY_TYPES[f.type]
        if f.type == "choice":
            py = Literal[f.choices]  # type: ignore[valid-type]
        if f.required:
            fields[f.name] = (py, ...)
        else:
            fields[f.name] = (Optional[py], None)
    config = ConfigDict(hide_input_in_errors=True, extra="forbid", str_strip_whitespace=True)
    return create_model(f"{kind.name.title().replace('_', '')}Row", __config__=config, **fields)


ROW_MODELS: dict[str, type[BaseModel]] = {name: row_model(k) for name, k in KINDS.items()}


def data_dictionary() -> list[dict]:
    """One row per field of every export, for the Data page and the docs."""
    rows = []
    for kind in KINDS.values():
        for f in kind.fields:
            rows.append({
                "file": kind.name,
                "column": f.name,
                "type": f.type if f.type != "choice" else "one of: " + ", ".join(f.choices),
                "required": "yes" if f.required else "no",
                "meaning": f.meaning,
                "also accepted as": ", ".join(f.aliases),
            })
    return rows
