"""Export profiles: one council system's export mapped to the data contract.

A profile is a small TOML file the council keeps (in `profiles/`, inside the
export folder or beside it): its name, the export kind, the file names it
matches, and for each contract column a heading of the export, a fixed value,
two headings joined (a date and a time) or another column's value; the date
order; value maps (the system's words to the contract's); and for a wide file
how to unpivot it (one column per course or per question). It is applied when
a file is read (`sg_data.reading`), before validation: its SQL turns the
file's cells into the contract's text columns in `_raw`, set-wise in DuckDB,
so the rules, quarantine and row accounting are the loader's own.

A profile is the council's text: every heading, value and word in it reaches
DuckDB as a parameter, never as SQL; its sizes are bounded; its file patterns
are names, never paths.
"""

from __future__ import annotations

import fnmatch
import hashlib
import tomllib
from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator, model_validator

from .contract import KINDS, Kind, column_for, is_identity, normalise_header

#: a profile is a few kilobytes; anything much larger is not a profile
MAX_BYTES = 64_000
MAX_TEXT = 500
MAX_ENTRIES = 1000
DATE_ORDERS = ("day-first", "month-first", "iso")
FOLDER = "profiles"
#: the prefix an unreadable date gets: never a date shape, so the rules quarantine it as unreadable-date
UNREADABLE = "not a date: "

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
Word = Annotated[str, StringConstraints(max_length=MAX_TEXT)]


class ProfileError(Exception):
    """A profile that cannot be used, named with its file and the key at fault."""

    def __init__(self, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


class Column(BaseModel):
    """Where one contract column comes from: exactly one of a heading, a fixed value, headings joined, a column."""

    model_config = ConfigDict(extra="forbid")
    heading: Optional[Text] = None
    value: Optional[Word] = None
    join: Optional[list[Text]] = None
    same_as: Optional[Text] = None

    @field_validator("join")
    @classmethod
    def _two_or_three(cls, v):
        if v is not None and not 2 <= len(v) <= 3:
            raise ValueError("join takes two or three headings, e.g. [\"Date\", \"Time\"]")
        return v

    @model_validator(mode="after")
    def _exactly_one(self):
        given = [k for k in ("heading", "value", "join", "same_as") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of heading, value, join or same_as")
        return self

    def headings(self) -> list[str]:
        return [self.heading] if self.heading else list(self.join or [])


class Unpivot(BaseModel):
    """A wide file: each of `headings` becomes one row, its heading in `heading_to`, its cell in `value_to`."""

    model_config = ConfigDict(extra="forbid")
    heading_to: Text
    value_to: Text
    headings: list[Text]
    #: a heading's value in `heading_to` (e.g. a question's text to its question_id); default the heading itself
    names: dict[Text, Word] = {}
    #: look a question's text up in the stored survey_questions of the row's survey_id
    names_from: Optional[Literal["survey_questions"]] = None
    #: cell values that mean "no row" (e.g. `N/A`); a blank cell means no row too unless skip_blank is false
    skip: list[Word] = []
    skip_blank: bool = True

    @field_validator("headings")
    @classmethod
    def _some(cls, v):
        if not 1 <= len(v) <= MAX_ENTRIES:
            raise ValueError(f"list from 1 to {MAX_ENTRIES} headings to unpivot")
        if len({heading_key(h) for h in v}) != len(v):
            raise ValueError("a heading is listed twice")
        return v


class Profile(BaseModel):
    """One system's export mapped to the contract (docs/data-contract.md, "Export profiles")."""

    model_config = ConfigDict(extra="forbid")
    name: Text
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    files: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]]
    date_order: Optional[Literal[DATE_ORDERS]] = None  # type: ignore[valid-type]
    columns: dict[str, Column] = {}
    values: dict[str, dict[Word, Word]] = {}
    unpivot: Optional[Unpivot] = None

    @field_validator("files")
    @classmethod
    def _names_only(cls, v):
        if not 1 <= len(v) <= 20:
            raise ValueError("list from 1 to 20 file name patterns, e.g. [\"myconcern_*.csv\"]")
        for p in v:
            if "/" in p or "\\" in p or ".." in p or ":" in p:
                raise ValueError(f"'{p}' is not a file name pattern: a profile matches names in the export "
                                 "folder, never paths")
        return v

    @field_validator("columns", mode="before")
    @classmethod
    def _heading_shorthand(cls, v):
        if isinstance(v, dict):
            return {k: ({"heading": s} if isinstance(s, str) else s) for k, s in v.items()}
        return v

    @field_validator("values")
    @classmethod
    def _bounded(cls, v):
        if sum(len(m) for m in v.values()) > MAX_ENTRIES:
            raise ValueError(f"at most {MAX_ENTRIES} value words in all")
        return v

    @model_validator(mode="after")
    def _fits_the_contract(self):
        kind = KINDS[self.kind]
        for name, col in self.columns.items():
            _known(kind, name, f"columns.{name}")
            for h in col.headings():
                if _identity(kind, h):
                    raise ValueError(f"columns.{name}: '{h}' looks like a person's identity (a name, date of "
                                     "birth, address, ...); such a column is never stored")
            if col.join and kind.field(name).type not in ("date", "timestamp"):
                raise ValueError(f"columns.{name}: join is for a date and a time; {name} is not a date")
        targets = set(self.columns)
        if self.unpivot:
            for key in ("heading_to", "value_to"):
                target = getattr(self.unpivot, key)
                _known(kind, target, f"unpivot.{key}")
                if target in self.columns:
                    raise ValueError(f"unpivot.{key}: {target} is also in [columns]; give it in one place")
            targets |= {self.unpivot.heading_to, self.unpivot.value_to}
            listed = {heading_key(h) for h in self.unpivot.headings}
            for h in self.unpivot.names:
                if heading_key(h) not in listed:
                    raise ValueError(f"unpivot.names: '{h}' is not one of unpivot.headings")
        for name, col in self.columns.items():
            if col.same_as and (col.same_as not in targets or col.same_as == name
                                or self.columns.get(col.same_as, Column(heading="x")).same_as):
                raise ValueError(f"columns.{name}: same_as must name another mapped column that is not itself "
                                 "a same_as")
        for name in self.values:
            _known(kind, name, f"values.{name}")
        missing = [f for f in kind.required if f not in targets]
        if missing:
            raise ValueError(f"columns: the required column(s) {', '.join(missing)} of a {kind.name} export "
                             "are not mapped")
        dated = [f.name for f in kind.fields if f.type in ("date", "timestamp") and f.name in targets]
        if dated and self.date_order is None:
            raise ValueError(f"date_order: missing; {', '.join(dated)} hold dates: say day-first (04/10/2023), "
                             "month-first (10/04/2023) or iso (2023-10-04)")
        return self

    @property
    def contract(self) -> Kind:
        return KINDS[self.kind]

    def matches(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name.lower(), p.lower()) for p in self.files)

    def headings(self) -> list[str]:
        """Every heading the profile reads, in the order given."""
        out = [h for col in self.columns.values() for h in col.headings()]
        return out + (list(self.unpivot.headings) if self.unpivot else [])


def _identity(kind: Kind, heading: str) -> bool:
    """A heading that names a person, not one of the contract's things (`Team Name` is a team)."""
    norm = normalise_header(heading)
    things = {f"{f.name}_name" for f in kind.fields}
    return is_identity(norm) and column_for(kind, norm) is None and norm not in things


def _known(kind: Kind, name: str, where: str) -> None:
    if name not in kind.field_names:
        raise ValueError(f"{where}: '{name}' is not a column of a {kind.name} export "
                         f"(one of {', '.join(kind.field_names)})")


class Loaded(Profile):
    """A profile read from its file: the file's name (for messages) and the digest of its text."""

    file: str = ""
    digest: str = ""


def heading_key(heading: str) -> str:
    """Headings match whatever their case and spacing."""
    return " ".join(str(heading).replace("\ufeff", "").split()).casefold()


def _error_lines(exc: ValidationError) -> str:
    lines = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"])
        msg = str(e["msg"]).removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "is not a profile key (name, kind, files, date_order, columns, values, unpivot)"
        lines.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(lines)


def parse(text: str, file: str) -> Loaded:
    """A profile from its TOML text, or `ProfileError` naming the file and the key."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ProfileError(file, f"is larger than {MAX_BYTES // 1000} KB; a profile is a few lines of TOML.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(file, f"is not valid TOML ({exc}).") from None
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(file, _error_lines(exc)) from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Loaded.model_validate({**profile.model_dump(), "file": file, "digest": digest})


def load(path: Path) -> Loaded:
    """Read one profile file."""
    path = Path(path)
    if not path.is_file():
        raise ProfileError(path.name, "is not a profile file.")
    if path.stat().st_size > MAX_BYTES:
        raise ProfileError(path.name, f"is larger than {MAX_BYTES // 1000} KB; a profile is a few lines of TOML.")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError(path.name, "is not UTF-8 text.") from None
    return parse(text, path.name)


def folder_for(source: Path) -> Optional[Path]:
    """The profiles of an export folder: `profiles/` inside it, else `profiles/` beside it."""
    for folder in (Path(source) / FOLDER, Path(source).parent / FOLDER):
        if folder.is_dir():
            return folder
    return None


def load_all(location: Optional[Path]) -> list[Loaded]:
    """Every profile of a folder (its `*.toml` files), or the one profile file given."""
    if location is None:
        return []
    location = Path(location)
    if not location.is_dir():
        return [load(location)]
    found = []
    for p in sorted(location.glob("*.toml")):
        if p.resolve().parent != location.resolve():
            raise ProfileError(p.name, f"links to a file outside the {location.name} folder; keep the profile itself "
                                       "there.")
        found.append(load(p))
    return found


def match(profiles: list[Loaded], file_name: str) -> Optional[Loaded]:
    """The profile whose file patterns match a name; two that both match are an error."""
    found = [p for p in profiles if p.matches(file_name)]
    if len(found) > 1:
        raise ProfileError(found[0].file, f"and {found[1].file} both match {file_name}; make their file "
                                          "patterns distinct.")
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------------------------
# Applying a profile: SQL over the reader's body of trimmed cells t0, t1, ... (sg_data.reading)
# ---------------------------------------------------------------------------------------------------------------

def find_header(profile: Profile, grid: list[list[str]]) -> Optional[int]:
    """The first of the top rows that has every heading the profile reads."""
    wanted = {heading_key(h) for h in profile.headings()}
    for i, row in enumerate(grid):
        if wanted <= {heading_key(c) for c in row}:
            return i
    return None


def missing_headings(profile: Profile, row: list[str]) -> list[str]:
    have = {heading_key(c) for c in row}
    return [h for h in dict.fromkeys(profile.headings()) if heading_key(h) not in have]


class _Sql:
    """Expressions with their parameters: every word of the profile is a parameter."""

    def __init__(self):
        self.params: dict[str, object] = {}

    def param(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"


def _mapped(sql: _Sql, expr: str, words: dict[str, str]) -> str:
    """A value map: the system's words (any case) to the contract's; a word mapped to blank is blank."""
    if not words:
        return expr
    whens = " ".join(f"when {sql.param(k.strip().lower())} then "
                     f"{sql.param(v.strip()) if v.strip() else 'null'}" for k, v in words.items())
    return f"(case lower({expr}) {whens} else {expr} end)"


def _dated(sql: _Sql, expr: str, field_type: str, order: Optional[str]) -> str:
    """A day-first or month-first date as ISO text; ISO passes; an unreadable one is marked, never guessed.

    Each value is parsed once, with the one format its shape names (a time, seconds, a 12-hour clock)."""
    if order not in ("day-first", "month-first"):
        return expr
    base = "%d/%m/%Y" if order == "day-first" else "%m/%d/%Y"
    x = f"replace(replace({expr}, '-', '/'), '.', '/')"
    colons = f"(length({expr}) - length(replace({expr}, ':', '')))"

    def parse(fmt: str) -> str:
        return f"try_strptime({x}, {sql.param(f'{base}{fmt}')})"

    parsed = (f"(case when not contains({expr}, ' ') then {parse('')} "
              f"when upper(right({expr}, 1)) = 'M' then (case when {colons} = 2 then {parse(' %I:%M:%S %p')} "
              f"else {parse(' %I:%M %p')} end) "
              f"when {colons} = 2 then {parse(' %H:%M:%S')} else {parse(' %H:%M')} end)")
    shown = "'%Y-%m-%d %H:%M:%S'" if field_type == "timestamp" else "'%Y-%m-%d'"
    return (f"(case when {expr} is null then null when substr({expr}, 5, 1) = '-' then {expr} "
            f"else coalesce(strftime({parsed}, {shown}), {sql.param(UNREADABLE)} || {expr}) end)")


def _source(sql: _Sql, col: Column, at: dict[str, int]) -> str:
    """A column's text before its value map: a heading's cell, a fixed value, or headings joined."""
    if col.heading is not None:
        return f"t{at[heading_key(col.heading)]}"
    if col.value is not None:
        return sql.param(col.value.strip()) if col.value.strip() else "cast(null as varchar)"
    first, *rest = (f"t{at[heading_key(h)]}" for h in col.join)
    return f"(case when {first} is null then null else concat_ws(' ', {first}, {', '.join(rest)}) end)"


def _final(sql: _Sql, profile: Profile, name: str, text: str) -> str:
    """A column's text after its value map, with its dates as ISO text."""
    f = profile.contract.field(name)
    mapped = _mapped(sql, text, profile.values.get(name, {}))
    return _dated(sql, mapped, f.type, profile.date_order) if f.type in ("date", "timestamp") else mapped


def _name_sql(sql: _Sql, up: Unpivot, survey_id: Optional[str]) -> str:
    """A heading's value in `heading_to`: the profile's own names, then the stored question text, then itself."""
    value = "_head"
    if up.names:
        whens = " ".join(f"when {sql.param(heading_key(k))} then {sql.param(v)}" for k, v in up.names.items())
        value = f"(case _hkey {whens} else _head end)"
    if up.names_from == "survey_questions" and survey_id:
        value = (f"coalesce((select any_value(q.question_id) from survey_questions q where q.survey_id = "
                 f"{survey_id} and lower(trim(q.text)) = _hkey), {value})")
    return value


def fill_raw(con, profile: Profile, header: list[str], body: str, part_sql: str, params: dict) -> int:
    """Append the body's rows to `_raw` as the contract's columns; returns how many file lines gave rows."""
    kind = profile.contract
    at: dict[str, int] = {}
    for i, h in enumerate(header):
        at.setdefault(heading_key(h), i)
    sql = _Sql()
    sql.params.update(params)
    texts = {name: _source(sql, col, at) for name, col in profile.columns.items() if not col.same_as}
    up = profile.unpivot
    if up:
        survey_id = _final(sql, profile, "survey_id", texts["survey_id"]) if "survey_id" in texts else None
        texts[up.heading_to] = _name_sql(sql, up, survey_id)
        texts[up.value_to] = "_cell"
    for name, col in profile.columns.items():
        if col.same_as:
            texts[name] = texts[col.same_as]
    cols = ", ".join(_final(sql, profile, f.name, texts[f.name]) if f.name in texts else "cast(null as varchar)"
                     for f in kind.fields)
    if not up:
        return con.execute(f"insert into _raw select _line, {part_sql}, {cols} from {body}", sql.params).fetchone()[0]
    heads = sql.param(list(up.headings))
    keys = sql.param([heading_key(h) for h in up.headings])
    cells = ", ".join(f"t{at[heading_key(h)]}" for h in up.headings)
    keep = ["_cell is not null"] if up.skip_blank else []
    if up.skip:
        keep.append(f"not list_contains({sql.param([s.strip().lower() for s in up.skip])}, lower(coalesce(_cell, '')))")
    where = f"where {' and '.join(keep)}" if keep else ""
    # the skip words are tested on the cell as it is; its value map and dates apply after
    con.execute(f"""
        insert into _raw select _line, {part_sql}, {cols} from (
            select *, unnest({heads}) as _head, unnest({keys}) as _hkey, unnest([{cells}]) as _cell,
                   unnest(range({len(up.headings)})) as _k
            from {body}) {where}
        order by _line, _k""", sql.params)
    return con.execute(f"select count(distinct _line) from _raw where _part is not distinct from {part_sql}",
                       params).fetchone()[0]


def unused_headings(profile: Profile, header: list[str]) -> list[str]:
    """The file's headings the profile does not read, in file order."""
    used = {heading_key(h) for h in profile.headings()}
    return [h for h in header if h and heading_key(h) not in used]
