"""Named queries: one SQL file in `queries/` per query, the file name its name.

Each file opens with a header stating its grain, its parameters and what it
reads. Parameters are named (`$start_date`) and passed as a dict; the runner
checks that the parameters given are exactly the ones the header declares.
`stg_*` and `dim_*` files are views the store holds; `int_*` files hold a rule
that several marts share (dbt's ephemeral models): a mart that reads one has it
written in as its first CTE, with the same named parameters, so the rule is
written once and every mart runs it as its own; the rest are marts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
VIEWS, SHARED = ("stg_", "dim_"), "int_"


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    grain: str
    params: tuple[str, ...]
    reads: tuple[str, ...]

    @property
    def is_view(self) -> bool:
        return self.name.startswith(VIEWS)

    @property
    def is_shared(self) -> bool:
        """A rule written into the marts that read it (`int_*`), not a view or a mart of its own."""
        return self.name.startswith(SHARED)

    @property
    def body(self) -> str:
        """The SQL without its comment lines (the header among them)."""
        return "\n".join(line for line in self.sql.splitlines() if not line.lstrip().startswith("--"))

    def used_params(self) -> set[str]:
        return set(_PARAM.findall(self.body))


def _header_value(lines: list[str], key: str) -> str:
    for line in lines:
        m = re.match(rf"--\s*{key}:\s*(.*)$", line.strip())
        if m:
            return m.group(1).strip()
    return ""


def parse(path: Path) -> Query:
    sql = path.read_text(encoding="utf-8")
    header = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        header.append(line)
    params = _header_value(header, "params")
    declared = tuple(p.strip().lstrip("$") for p in params.split(",") if p.strip() and p.strip() != "none")
    reads = tuple(r.strip() for r in _header_value(header, "reads").split(",") if r.strip())
    return Query(path.stem, sql, _header_value(header, "grain"), declared, reads)


@lru_cache(maxsize=None)
def get(name: str) -> Query:
    path = QUERY_DIR / f"{name}.sql"
    if not path.exists():
        raise KeyError(f"no query named {name} in {QUERY_DIR}")
    return _inlined(parse(path))


def _inlined(query: Query) -> Query:
    """`query` with each shared rule it reads (`int_*`) written in as a CTE of that name, before its own."""
    shared = [get(name) for name in query.reads if name.startswith(SHARED)]
    if not shared:
        return query
    lines = query.sql.splitlines()
    start = next(i for i, line in enumerate(lines) if not line.startswith("--"))
    body = "\n".join(lines[start:]).lstrip()
    if not body.lower().startswith("with "):
        raise ValueError(f"query {query.name} reads {shared[0].name}, so it must open with a WITH clause")
    ctes = ",\n\n".join(f"{q.name} as (\n{q.sql}\n)" for q in shared)
    return replace(query, sql="\n".join(lines[:start]) + f"\nwith {ctes},\n\n" + body[len("with "):])


def all_queries() -> list[Query]:
    return [get(p.stem) for p in sorted(QUERY_DIR.glob("*.sql"))]


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run a named query on its own cursor (a connection is shared across threads)."""
    query = get(name)
    params = dict(params or {})
    if set(params) != set(query.params):
        raise ValueError(f"query {name} takes {sorted(query.params)}, was given {sorted(params)}")
    cur = con.cursor()
    try:
        return frame_of(cur.execute(query.sql, params or None))
    finally:
        cur.close()


def frame_of(cur) -> pd.DataFrame:
    """An executed cursor's result as a frame, its text columns str even when it is empty (DuckDB gives an empty
    result's as objects)."""
    frame = cur.df()
    if frame.empty:
        frame = frame.astype({d[0]: "str" for d in cur.description if d[1] == "VARCHAR"})
    return frame


def views() -> list[Query]:
    """Staging and dimension views, in dependency order (a view's reads come first)."""
    pending = {q.name: q for q in all_queries() if q.is_view}
    ordered: list[Query] = []
    while pending:
        ready = [q for q in pending.values() if not (set(q.reads) & set(pending) - {q.name})]
        if not ready:
            raise RuntimeError(f"views depend on each other in a cycle: {sorted(pending)}")
        for q in sorted(ready, key=lambda q: q.name):
            ordered.append(q)
            del pending[q.name]
    return ordered
