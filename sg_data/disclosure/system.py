"""The publication as one linear system: its cells and the identities that bind them.

Every figure the publication shows (every table, every period) is a
:class:`Cell`; every way the figures add up is an identity ``total = sum(parts)``
(:meth:`System.equal`): a table and its margins, a year and its quarters, a
statutory category and its categories, reviewed = within + late, rows read =
loaded + quarantined + blank. The attacker knows all of them, and that no count
is negative.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

import numpy as np
from scipy.sparse import csr_array

#: Class 1: people at risk by attribute; 1 to the threshold is suppressed.
PEOPLE = "people"
#: Class 2: council-wide process figures; always published, never hidden.
PROCESS = "process"
#: Class 3: staff; a group whose denominator is under the minimum is hidden whole.
STAFF_DENOMINATOR = "staff_denominator"
STAFF_NUMERATOR = "staff_numerator"
#: An ordinary published count: never primary, may be hidden as a complement.
FREE = "free"
#: Not published at all (unknown to the attacker), but bound by identities,
#: e.g. the "not in date" that makes ``in_date <= required`` an identity.
UNPUBLISHED = "unpublished"

RULES = (PEOPLE, PROCESS, STAFF_DENOMINATOR, STAFF_NUMERATOR, FREE, UNPUBLISHED)
STAFF = (STAFF_DENOMINATOR, STAFF_NUMERATOR)


def describe(key: Hashable) -> str:
    """A key as people read it: ``concerns / 2023-24 Q3 / Housing Services``."""
    if isinstance(key, tuple):
        return " / ".join(str(part) for part in key)
    return str(key)


@dataclass(frozen=True)
class Cell:
    """One published figure: its key, true count, disclosure rule and staff group.

    ``group`` ties the cells of one staff group (its numerators and its
    denominator) so they are hidden together; any cell with a group is hidden
    with the rest of it.
    """

    key: Hashable
    value: int
    rule: str = PEOPLE
    group: Hashable = None

    def __post_init__(self) -> None:
        if isinstance(self.value, bool):
            raise ValueError(f"{describe(self.key)}: a count must be a whole number, not {self.value!r}")
        try:
            value = operator.index(self.value)
        except TypeError:
            raise ValueError(
                f"{describe(self.key)}: a count must be a whole number, not {self.value!r}"
            ) from None
        if value < 0:
            raise ValueError(f"{describe(self.key)}: a count cannot be negative ({value})")
        object.__setattr__(self, "value", value)
        if self.rule not in RULES:
            raise ValueError(f"{describe(self.key)}: unknown rule {self.rule!r}; one of {RULES}")
        if self.rule in STAFF and self.group is None:
            raise ValueError(f"{describe(self.key)}: a staff cell needs its group")


class System:
    """The cells of a publication and the identities between them.

    Cells are kept in the order they are added: that order breaks every tie,
    so the same publication always gets the same protection.
    """

    def __init__(self, cells: Iterable[Cell] = ()) -> None:
        self.cells: list[Cell] = []
        self.index: dict[Hashable, int] = {}
        self.equations: list[tuple[Hashable, tuple[Hashable, ...]]] = []
        self._compiled: _Compiled | None = None
        for cell in cells:
            self.add(cell)

    def add(self, cell: Cell) -> None:
        if cell.key in self.index:
            raise ValueError(f"{describe(cell.key)}: added twice")
        self.index[cell.key] = len(self.cells)
        self.cells.append(cell)
        self._compiled = None

    def equal(self, total_key: Hashable, part_keys: Sequence[Hashable]) -> None:
        """Declare ``total = sum(parts)``; the true values must add up."""
        parts = tuple(part_keys)
        missing = [k for k in (total_key, *parts) if k not in self.index]
        if missing:
            raise ValueError(f"identity for {describe(total_key)}: no cell {describe(missing[0])}")
        if len(set(parts)) != len(parts) or total_key in parts:
            raise ValueError(f"identity for {describe(total_key)}: a cell appears twice")
        total = self.cells[self.index[total_key]].value
        added = sum(self.cells[self.index[k]].value for k in parts)
        if total != added:
            raise ValueError(
                f"identity for {describe(total_key)}: the total is {total} "
                f"but its {len(parts)} parts add up to {added}"
            )
        self.equations.append((total_key, parts))
        self._compiled = None

    def __len__(self) -> int:
        return len(self.cells)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.index

    def value(self, key: Hashable) -> int:
        return self.cells[self.index[key]].value

    def compiled(self) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self)
        return self._compiled

    def mask(self, keys: Iterable[Hashable]) -> np.ndarray:
        """A boolean mask over the cells for ``keys`` (every key must be a cell)."""
        mask = np.zeros(len(self.cells), dtype=bool)
        for key in keys:
            if key not in self.index:
                raise ValueError(f"{describe(key)}: not a cell of the publication")
            mask[self.index[key]] = True
        return mask


class _Compiled:
    """The system as arrays: values, rules, groups and the identities ``A x = 0``."""

    def __init__(self, system: System) -> None:
        cells = system.cells
        n = len(cells)
        self.keys = [c.key for c in cells]
        self.values = np.array([c.value for c in cells], dtype=np.int64)
        rules = np.array([c.rule for c in cells], dtype=object)
        self.people = rules == PEOPLE
        self.process = rules == PROCESS
        self.unpublished = rules == UNPUBLISHED
        self.staff = np.isin(rules, STAFF)
        self.denominator = rules == STAFF_DENOMINATOR

        # Cells hidden together (a staff group), as lists of cell indices.
        members: dict[Hashable, list[int]] = {}
        for i, c in enumerate(cells):
            if c.group is not None:
                members.setdefault(c.group, []).append(i)
        self.groups = list(members.values())
        self.group_of = np.full(n, -1, dtype=np.int64)
        for g, idx in enumerate(self.groups):
            self.group_of[idx] = g
        for group, idx in zip(members, self.groups):
            denominators = [i for i in idx if self.denominator[i]]
            if any(self.staff[i] for i in idx) and len(denominators) != 1:
                raise ValueError(
                    f"staff group {describe(group)}: needs exactly one denominator, "
                    f"has {len(denominators)}"
                )

        rows, cols, data = [], [], []
        for e, (total, parts) in enumerate(system.equations):
            rows.append(e)
            cols.append(system.index[total])
            data.append(-1.0)
            for k in parts:
                rows.append(e)
                cols.append(system.index[k])
                data.append(1.0)
        m = len(system.equations)
        #: equations x cells: +1 for a part, -1 for the total.
        self.a = csr_array((data, (rows, cols)), shape=(m, n))
        self.a.sum_duplicates()
        #: cells x equations, to walk from a cell to its equations.
        self.at = self.a.T.tocsr()
        self.m, self.n = m, n
        self.height = self._heights(system)

    def _heights(self, system: System) -> np.ndarray:
        """0 for a cell that is never a total, else one more than its highest part.

        Complements are taken low first: a total is often shown again
        elsewhere (a headline, a one-way list), so hiding it protects little.
        """
        height = np.zeros(self.n, dtype=np.int64)
        for _ in range(self.m + 1):
            changed = False
            for total, parts in system.equations:
                h = 1 + max(height[system.index[k]] for k in parts) if parts else 0
                t = system.index[total]
                if h > height[t] and h <= self.m:
                    height[t] = h
                    changed = True
            if not changed:
                break
        return height

    def equations_of(self, i: int) -> np.ndarray:
        return self.at.indices[self.at.indptr[i] : self.at.indptr[i + 1]]

    def cells_of(self, e: int) -> np.ndarray:
        return self.a.indices[self.a.indptr[e] : self.a.indptr[e + 1]]

    def with_groups(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` grown to whole groups (a staff group is hidden whole)."""
        out = mask.copy()
        for g in np.unique(self.group_of[mask & (self.group_of >= 0)]):
            out[self.groups[g]] = True
        return out
