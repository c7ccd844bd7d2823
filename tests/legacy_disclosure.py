"""The first release's per-table disclosure control, kept only so that tests can show what it leaked.

It protected each table on its own; sg_data.disclosure protects the publication
as one system. tests/test_disclosure.py builds the old hidden sets with this
module and lets an independent attacker pin down cells that the joint
protection keeps safe.

The rules are in metrics.md ("Disclosure control"):

- Primary suppression: any published count from 1 to the threshold (5 by
  default) is suppressed, totals included. Zero is always shown.
- Secondary suppression: a suppressed cell must not be recoverable from what
  is published beside it. The test is the attacker's: knowing every published
  cell and total, that rows and columns add up to their totals, and that no
  count is negative, the attacker solves a small linear programme for the
  narrowest range each suppressed cell can take. We require that range

  * to hold more than one value for every suppressed cell, and
  * to reach from 0 to the threshold for every cell whose true value is from
    1 to the threshold (so the attacker cannot even tell it is non-zero, or
    that it is small).

  Complementary suppressions are always non-zero cells: suppressing a zero
  hides nothing, since the attacker can see the row adds up without it.

The algorithm (deterministic):

1. primary suppression;
2. the line rule: any line (a row or column, including the totals row and
   totals column, each with its total) holding exactly one unknown that is a
   suppressed cell gets a complement: a non-zero published cell of that
   line, choosing a body cell before a total and any total before the grand
   total, then a cell whose other line already holds an unknown (closing a
   cycle rather than opening a new lone suppression), then the smallest,
   then the first by position; repeated until no line changes;
3. the attack: for each suppressed cell (in position order) solve the linear
   programme; if its range fails the test, add one complement from its lines
   (the first candidate, in the same order, that on its own fixes the range,
   else the first candidate), re-apply the line rule and carry on. Adding a
   suppression only widens every range, so cells that passed stay passed;
   the loop ends at the latest when every non-zero cell near a suppression
   is suppressed, where all ranges run from 0 without bound.

Nothing here solves a linear programme when no count is from 1 to the
threshold: such a table comes back unchanged.

"Suppressed" in a result means "must not be shown". A total that is not
published (``row_totals=False``, say) is marked suppressed for that reason,
and the attacker is not given it.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Hashable, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

from sg_data.present import count as format_count

DEFAULT_THRESHOLD = 5

#: Tolerance for the linear programme's answers (the ranges are whole numbers:
#: the constraints of a table with totals are totally unimodular).
_EPS = 1e-6
#: How many suppressed figures to bound in one linear programme.
_BATCH = 32
#: How many candidate complements to try, in order of preference, before
#: settling for the first.
_TRIALS = 6


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """A two-way table of counts with its totals and what must be hidden.

    ``values`` and the totals are the true figures (the officer view); the
    boolean masks say which must not be shown (True = suppressed, show
    ``[c]``). ``row_totals[i]`` is the total of row ``i``, ``col_totals[j]``
    of column ``j``. A totals line that is not published is all suppressed.
    """

    values: np.ndarray
    body: np.ndarray
    row_totals: np.ndarray
    row_totals_suppressed: np.ndarray
    col_totals: np.ndarray
    col_totals_suppressed: np.ndarray
    grand_total: int
    grand_total_suppressed: bool
    row_totals_published: bool = True
    col_totals_published: bool = True
    threshold: int = DEFAULT_THRESHOLD

    @property
    def grand_total_published(self) -> bool:
        return self.row_totals_published or self.col_totals_published

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    @property
    def any_suppressed(self) -> bool:
        published = [self.body]
        if self.row_totals_published:
            published.append(self.row_totals_suppressed)
        if self.col_totals_published:
            published.append(self.col_totals_suppressed)
        if self.grand_total_published:
            published.append(np.array([self.grand_total_suppressed]))
        return any(bool(m.any()) for m in published)

    def display_body(self) -> list[list[str]]:
        """The body as shown: ``[c]`` for suppressed cells, else the count."""
        return [
            [display_value(v, s) for v, s in zip(row, mask)]
            for row, mask in zip(self.values.tolist(), self.body.tolist())
        ]


def display_value(v, suppressed: bool) -> str:
    """``"[c]"`` when suppressed, otherwise the count (``"0"``, ``"12"``).

    A missing value that is not suppressed shows as ``"[x]"`` (not available).
    """
    return format_count(v, bool(suppressed))


# --------------------------------------------------------------------------
# The cells, the lines they sit in, and the engine


@dataclass
class _Cells:
    """Cells of any layout, with the equations that bind them.

    Each equation is an array of cell indices whose last entry is the total of
    the others. Unpublished cells are unknown to the attacker and are never
    suppressed or chosen as complements.
    """

    values: np.ndarray  # int64
    published: np.ndarray  # bool
    level: np.ndarray  # int: 0 body, 1 total of a line, 2 grand total
    equations: list[np.ndarray]

    def __post_init__(self) -> None:
        self.lines_of: list[list[int]] = [[] for _ in range(len(self.values))]
        for e, eq in enumerate(self.equations):
            for m in eq:
                self.lines_of[m].append(e)
        self.orientation = self._orient()

    def coefficient(self, m: int, e: int) -> int:
        """+1 for a part of equation ``e``, -1 for its total."""
        return -1 if self.equations[e][-1] == m else 1

    def _orient(self) -> np.ndarray | None:
        """Signs for the equations that make the system a network: every cell
        then enters one equation (+1) and leaves another (-1), or touches only
        one. Tables with totals and lists always have them; None otherwise."""
        orientation = np.zeros(len(self.equations), dtype=np.int64)
        for start in range(len(self.equations)):
            if orientation[start]:
                continue
            orientation[start] = 1
            queue = [start]
            while queue:
                e = queue.pop()
                for m in self.equations[e]:
                    lines = self.lines_of[m]
                    if len(lines) > 2:
                        return None
                    for other in lines:
                        if other == e:
                            continue
                        # Opposite signs for the cell in its two equations.
                        sign = -orientation[e] * self.coefficient(m, e) * self.coefficient(m, other)
                        if orientation[other] == 0:
                            orientation[other] = sign
                            queue.append(other)
                        elif orientation[other] != sign:
                            return None
        return orientation

    def complement_key(self, m: int, unknown: np.ndarray, via: set[int]) -> tuple:
        """Sort key for a candidate complement ``m`` reached through the lines
        ``via``: body cells before totals and the grand total last (totals,
        the grand total above all, tend to be published elsewhere too, as a
        headline or a one-way list, so hiding them here protects little);
        then cells whose other lines already hold an unknown (so no new line
        is left with a lone suppression); then the smallest value; then
        position."""
        opens_line = any(
            not unknown[self.equations[e]].any() for e in self.lines_of[m] if e not in via
        )
        return (int(self.level[m]), opens_line, int(self.values[m]), m)


def _table_cells(
    values: np.ndarray,
    row_totals: bool,
    col_totals: bool,
    body_published: np.ndarray | None = None,
    col_totals_published: np.ndarray | None = None,
) -> _Cells:
    """Cells of an r x c table: body ``i*c+j``, row totals ``n+i``, column
    totals ``n+r+j``, grand total ``n+r+c`` (``n = r*c``)."""
    r, c = values.shape
    n = r * c
    row_sums = values.sum(axis=1)
    col_sums = values.sum(axis=0)
    flat = np.concatenate([values.ravel(), row_sums, col_sums, [values.sum()]])
    flat = flat.astype(np.int64)

    published = np.zeros(len(flat), dtype=bool)
    published[:n] = True if body_published is None else body_published.ravel()
    published[n : n + r] = row_totals
    if col_totals:
        published[n + r : n + r + c] = (
            True if col_totals_published is None else col_totals_published
        )
    published[n + r + c] = row_totals or col_totals
    level = np.zeros(len(flat), dtype=np.int64)
    level[n:] = 1
    level[n + r + c] = 2

    body = np.arange(n).reshape(r, c)
    equations = []
    if row_totals:
        equations += [np.append(body[i], n + i) for i in range(r)]
    if col_totals:
        equations += [np.append(body[:, j], n + r + j) for j in range(c)]
    if row_totals:
        equations.append(np.append(n + np.arange(r), n + r + c))
    if col_totals:
        equations.append(np.append(n + r + np.arange(c), n + r + c))
    return _Cells(flat, published, level, equations)


def _list_cells(counts: np.ndarray, with_total: bool) -> _Cells:
    """Cells of a list: items ``0..n-1``, total ``n``."""
    n = len(counts)
    flat = np.append(counts, counts.sum()).astype(np.int64)
    published = np.ones(n + 1, dtype=bool)
    published[n] = with_total
    level = np.zeros(n + 1, dtype=np.int64)
    level[n] = 2
    equations = [np.arange(n + 1)] if with_total else []
    return _Cells(flat, published, level, equations)


class _Attacker:
    """The attacker's linear programme for one state of suppression."""

    def __init__(self, cells: _Cells, suppressed: np.ndarray) -> None:
        unknown = suppressed | ~cells.published
        self.position = {int(m): p for p, m in enumerate(np.flatnonzero(unknown))}
        rows, rhs = [], []
        for eq in cells.equations:
            signs = np.ones(len(eq))
            signs[-1] = -1.0
            if not unknown[eq].any():
                continue
            row = np.zeros(len(self.position))
            known = 0.0
            for m, sign in zip(eq, signs):
                if unknown[m]:
                    row[self.position[int(m)]] += sign
                else:
                    known += sign * cells.values[m]
            rows.append(row)
            rhs.append(-known)
        self.a_eq = np.array(rows) if rows else None
        self.b_eq = np.array(rhs) if rows else None

    def range(self, m: int) -> tuple[float, float]:
        """The narrowest range the published figures allow for cell ``m``."""
        p = self.position[m]
        objective = np.zeros(len(self.position))
        objective[p] = 1.0
        lower = self._solve(objective)
        upper = self._solve(-objective)
        return lower, (np.inf if upper is None else -upper)

    def ranges(self, targets: list[int]) -> dict[int, tuple[float, float]]:
        """Every target's range in two linear programmes.

        Each programme sets many small problems side by side (one block of
        variables per problem, block-diagonal constraints): the optimum of the
        sum is every block at its own optimum, so one solve answers them all.
        The first finds each target's lowest value and, in a second set of
        blocks, whether it can rise without bound (a direction ``d >= 0`` with
        ``A d = 0`` and ``d`` of the target positive, capped at 1); the second
        finds the highest value of the targets that cannot.
        """
        if not targets:
            return {}
        if self.a_eq is None:
            return {m: (0.0, np.inf) for m in targets}
        positions = [self.position[m] for m in targets]
        zeros = np.zeros_like(self.b_eq)
        k = len(targets)
        lowest_and_rising = self._solve_blocks(
            positions + positions,
            [1.0] * k + [-1.0] * k,
            [self.b_eq] * k + [zeros] * k,
            [np.inf] * k + [1.0] * k,
        )
        lowest, rising = lowest_and_rising[:k], lowest_and_rising[k:] > _EPS
        bounded = [m for m, free in zip(targets, rising) if not free]
        highest = dict(
            zip(
                bounded,
                self._solve_blocks(
                    [self.position[m] for m in bounded],
                    [-1.0] * len(bounded),
                    [self.b_eq] * len(bounded),
                    [np.inf] * len(bounded),
                ),
            )
        )
        return {
            m: (_snap(low), _snap(highest[m]) if m in highest else np.inf)
            for m, low in zip(targets, lowest)
        }

    def _solve_blocks(self, positions, signs, b_eqs, uppers) -> np.ndarray:
        """Optimise ``sign * x[position]`` in each block; the optimal x's."""
        if not positions:
            return np.zeros(0)
        blocks = len(positions)
        size = len(self.position)
        rows, cols = np.nonzero(self.a_eq)
        data = self.a_eq[rows, cols]
        height = self.a_eq.shape[0]
        offsets = np.arange(blocks)
        a_eq = csr_array(
            (
                np.tile(data, blocks),
                (
                    (rows[None, :] + height * offsets[:, None]).ravel(),
                    (cols[None, :] + size * offsets[:, None]).ravel(),
                ),
            ),
            shape=(height * blocks, size * blocks),
        )
        columns = size * offsets + np.asarray(positions)
        objective = np.zeros(size * blocks)
        objective[columns] = signs
        upper = np.repeat(np.asarray(uppers, dtype=float), size)
        result = linprog(
            objective,
            A_eq=a_eq,
            b_eq=np.concatenate(b_eqs),
            bounds=np.column_stack([np.zeros(size * blocks), upper]),
            method="highs",
        )
        if result.status != 0:
            raise RuntimeError(f"disclosure attack failed: {result.message}")
        return result.x[columns]

    def _solve(self, objective: np.ndarray) -> float | None:
        if self.a_eq is None:
            # No equation touches any unknown: anything from 0 up is possible.
            return 0.0 if objective.sum() > 0 else None
        result = linprog(
            objective,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 3:  # unbounded
            return None
        if result.status != 0:
            raise RuntimeError(f"disclosure attack failed: {result.message}")
        return _snap(float(result.fun))


def _snap(value: float) -> float:
    """A whole number when the solver's answer is one, give or take rounding."""
    nearest = round(value)
    return float(nearest) if abs(value - nearest) < _EPS else float(value)


class _FlowAttacker:
    """The same attack, solved exactly as maximum flows.

    With its equations oriented (:meth:`_Cells._orient`) a table is a network:
    one node per equation plus a ground node for cells in a single equation,
    one edge per unknown cell, carrying its true value as flow. The attacker's
    freedom is any circulation that keeps every cell non-negative, so a cell
    can rise by the maximum flow from its edge's head back to its tail (other
    cells may rise without limit and fall by at most their values) and fall
    by the maximum flow the other way, at most its own value. This is exact,
    and much quicker than a linear programme per bound; :class:`_Attacker`
    stays the reference (``attack_ranges``) and the fallback.
    """

    def __init__(self, cells: _Cells, suppressed: np.ndarray) -> None:
        unknown = np.flatnonzero(suppressed | ~cells.published)
        self.values = cells.values
        self.ground = len(cells.equations)
        self.ends: dict[int, tuple[int, int]] = {}
        for m in unknown.tolist():
            tail = head = self.ground
            for e in cells.lines_of[m]:
                if cells.orientation[e] * cells.coefficient(m, e) > 0:
                    head = e
                else:
                    tail = e
            self.ends[m] = (tail, head)
        self.unbounded = int(cells.values[unknown].sum()) + 1
        edges = [(m, t, h) for m, (t, h) in self.ends.items() if t != h]
        self.cell = np.array([m for m, _, _ in edges], dtype=np.int64)
        tails = np.array([t for _, t, _ in edges], dtype=np.int64)
        heads = np.array([h for _, _, h in edges], dtype=np.int64)
        # Rising is unlimited (capacity ``unbounded``); falling is limited by
        # the value.
        self.rows = np.concatenate([tails, heads])
        self.cols = np.concatenate([heads, tails])
        self.capacity = np.concatenate(
            [np.full(len(edges), self.unbounded, dtype=np.int64), cells.values[self.cell]]
        )

    @staticmethod
    def fits(cells: _Cells, suppressed: np.ndarray) -> bool:
        """Whether the flows fit scipy's 32-bit capacities."""
        if cells.orientation is None:
            return False
        unknown = suppressed | ~cells.published
        unbounded = int(cells.values[unknown].sum()) + 1
        return unbounded * (2 * int(unknown.sum()) + 2) < 2**31 - 1

    def _max_flow(self, source: int, sink: int, without: int) -> int:
        keep = np.concatenate([self.cell != without] * 2) & (self.capacity > 0)
        size = self.ground + 1
        graph = csr_array(
            (self.capacity[keep].astype(np.int32), (self.rows[keep], self.cols[keep])),
            shape=(size, size),
        )
        return int(maximum_flow(graph, source, sink).flow_value)

    def range(self, m: int) -> tuple[float, float]:
        tail, head = self.ends[m]
        value = int(self.values[m])
        if tail == head:  # in no equation: nothing bounds it but zero
            return 0.0, np.inf
        rise = self._max_flow(head, tail, without=m)
        fall = min(value, self._max_flow(tail, head, without=m))
        upper = np.inf if rise >= self.unbounded else float(value + rise)
        return float(value - fall), upper


def _attacker(cells: _Cells, suppressed: np.ndarray) -> _Attacker | _FlowAttacker:
    if _FlowAttacker.fits(cells, suppressed):
        return _FlowAttacker(cells, suppressed)
    return _Attacker(cells, suppressed)


def _protected(value: int, lower: float, upper: float, threshold: int) -> bool:
    if upper - lower < 0.5:  # one value: recoverable exactly
        return False
    if 1 <= value <= threshold:
        return lower <= _EPS and upper >= threshold - _EPS
    return True


def _apply_line_rule(cells: _Cells, suppressed: np.ndarray) -> None:
    """Complement every line whose only unknown is a suppressed cell."""
    unpublished = ~cells.published
    changed = True
    while changed:
        changed = False
        for e, eq in enumerate(cells.equations):
            if (suppressed[eq] | unpublished[eq]).sum() != 1 or not suppressed[eq].any():
                continue
            candidates = [
                int(m)
                for m in eq
                if cells.published[m] and not suppressed[m] and cells.values[m] > 0
            ]
            # A suppressed cell is non-zero, so its line holds another non-zero
            # figure; a line that adds up always has a candidate.
            unknown = suppressed | unpublished
            best = min(candidates, key=lambda m: cells.complement_key(m, unknown, {e}))
            suppressed[best] = True
            changed = True


def _candidates(cells: _Cells, suppressed: np.ndarray, lines) -> list[int]:
    lines = set(lines)
    found = {
        int(m)
        for e in lines
        for m in cells.equations[e]
        if cells.published[m] and not suppressed[m] and cells.values[m] > 0
    }
    unknown = suppressed | ~cells.published
    return sorted(found, key=lambda m: cells.complement_key(m, unknown, lines))


def _choose_complement(
    cells: _Cells, suppressed: np.ndarray, m: int, threshold: int
) -> int:
    candidates = _candidates(cells, suppressed, cells.lines_of[m])
    if not candidates:
        unknown = suppressed | ~cells.published
        lines = [e for e, eq in enumerate(cells.equations) if unknown[eq].any()]
        candidates = _candidates(cells, suppressed, lines)
    if not candidates:
        # Every line touching an unknown has only zeros published beside it,
        # so every range runs from 0 without bound; we cannot get here.
        raise RuntimeError("no complementary suppression available")
    for candidate in candidates[:_TRIALS]:
        trial = suppressed.copy()
        trial[candidate] = True
        lower, upper = _attacker(cells, trial).range(m)
        if _protected(int(cells.values[m]), lower, upper, threshold):
            return candidate
    return candidates[0]


def _suppress(cells: _Cells, threshold: int) -> np.ndarray:
    values = cells.values
    suppressed = cells.published & (values >= 1) & (values <= threshold)
    if not suppressed.any():
        return suppressed
    _apply_line_rule(cells, suppressed)
    pending = set(np.flatnonzero(suppressed).tolist())
    attacker = _attacker(cells, suppressed)
    while pending:
        m = min(pending)
        lower, upper = attacker.range(m)
        if _protected(int(values[m]), lower, upper, threshold):
            pending.discard(m)
            continue
        before = suppressed.copy()
        suppressed[_choose_complement(cells, suppressed, m, threshold)] = True
        _apply_line_rule(cells, suppressed)
        pending |= set(np.flatnonzero(suppressed & ~before).tolist())
        attacker = _attacker(cells, suppressed)
    return suppressed


def _attack(cells: _Cells, suppressed: np.ndarray) -> dict[int, tuple[float, float]]:
    targets = np.flatnonzero(suppressed & cells.published)
    if len(targets) == 0:
        return {}
    attacker = _Attacker(cells, suppressed & cells.published)
    targets = [int(m) for m in targets]
    ranges: dict[int, tuple[float, float]] = {}
    # Batches of blocks: one programme per batch is quicker than one huge one.
    for start in range(0, len(targets), _BATCH):
        ranges.update(attacker.ranges(targets[start : start + _BATCH]))
    return ranges


# --------------------------------------------------------------------------
# Public API


def _as_counts(values, ndim: int) -> np.ndarray:
    array = np.asarray(values)
    if array.size == 0:
        array = array.astype(np.int64)
    if array.dtype.kind == "O":  # e.g. a nullable Int64 column
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("counts must be whole numbers, none missing") from None
    if array.ndim != ndim:
        raise ValueError(f"expected {ndim}-dimensional counts, got shape {array.shape}")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError("counts must be whole numbers, none missing")
    elif array.dtype.kind not in "iub":
        raise ValueError(f"counts must be whole numbers, got dtype {array.dtype}")
    array = array.astype(np.int64)
    if (array < 0).any():
        raise ValueError("counts cannot be negative")
    return array


def _check_threshold(threshold: int) -> int:
    threshold = operator.index(threshold)
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    return threshold


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


def suppress_table(
    values,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool = True,
    col_totals: bool = True,
) -> SuppressedTable:
    """Primary and secondary suppression of a two-way table of counts.

    ``values`` is an r x c array of non-negative whole numbers. Row totals,
    column totals and the grand total are computed from it; ``row_totals`` /
    ``col_totals`` say whether those lines are published (the grand total is
    published when either is). Unpublished totals come back all suppressed.
    """
    threshold = _check_threshold(threshold)
    values = _as_counts(values, 2)
    r, c = values.shape
    n = r * c
    cells = _table_cells(values, row_totals, col_totals)
    suppressed = _suppress(cells, threshold) | ~cells.published
    return SuppressedTable(
        values=_readonly(values),
        body=_readonly(suppressed[:n].reshape(r, c)),
        row_totals=_readonly(cells.values[n : n + r]),
        row_totals_suppressed=_readonly(suppressed[n : n + r]),
        col_totals=_readonly(cells.values[n + r : n + r + c]),
        col_totals_suppressed=_readonly(suppressed[n + r : n + r + c]),
        grand_total=int(cells.values[n + r + c]),
        grand_total_suppressed=bool(suppressed[n + r + c]),
        row_totals_published=bool(row_totals),
        col_totals_published=bool(col_totals),
        threshold=threshold,
    )


def suppress_list(
    counts: Sequence[int],
    threshold: int = DEFAULT_THRESHOLD,
    with_total: bool = True,
) -> tuple[list[bool], bool]:
    """Suppression for a list of counts, with its total published or not.

    Returns ``(mask, total_suppressed)``: one bool per item (True = show
    ``[c]``) and whether the total must be hidden (always True when
    ``with_total`` is False: it is not to be published). A single suppressed
    item beside a published total would be recoverable, so the smallest other
    non-zero item is suppressed too, or the total when there is none.
    """
    threshold = _check_threshold(threshold)
    array = _as_counts(list(counts), 1)
    cells = _list_cells(array, with_total)
    suppressed = _suppress(cells, threshold) | ~cells.published
    return suppressed[:-1].tolist(), bool(suppressed[-1])


def attack_ranges(table: SuppressedTable) -> dict[tuple, tuple[float, float]]:
    """The attacker's narrowest range for each suppressed, published figure.

    Keys are ``("body", i, j)``, ``("row_total", i)``, ``("col_total", j)``
    and ``("grand",)``; values are ``(lower, upper)`` with ``upper`` possibly
    ``inf``. Totals that are not published are unknown to the attacker and
    are not listed. Solves two linear programmes per suppressed figure.
    """
    values = np.asarray(table.values, dtype=np.int64)
    r, c = values.shape
    n = r * c
    cells = _table_cells(values, table.row_totals_published, table.col_totals_published)
    suppressed = np.concatenate(
        [
            np.asarray(table.body, dtype=bool).ravel(),
            np.asarray(table.row_totals_suppressed, dtype=bool),
            np.asarray(table.col_totals_suppressed, dtype=bool),
            [bool(table.grand_total_suppressed)],
        ]
    )
    ranges = _attack(cells, suppressed)

    def key(m: int) -> tuple:
        if m < n:
            return ("body", m // c, m % c)
        if m < n + r:
            return ("row_total", m - n)
        if m < n + r + c:
            return ("col_total", m - n - r)
        return ("grand",)

    return {key(m): bounds for m, bounds in ranges.items()}


def attack_list_ranges(
    counts: Sequence[int],
    mask: Sequence[bool],
    total_suppressed: bool,
    with_total: bool = True,
) -> dict[tuple, tuple[float, float]]:
    """:func:`attack_ranges` for a list: keys ``("item", i)`` and ``("total",)``."""
    array = _as_counts(list(counts), 1)
    cells = _list_cells(array, with_total)
    suppressed = np.append(np.asarray(mask, dtype=bool), bool(total_suppressed))
    n = len(array)
    return {
        (("total",) if m == n else ("item", m)): bounds
        for m, bounds in _attack(cells, suppressed).items()
    }


# --------------------------------------------------------------------------
# Frames, for pages and exports


def _nullable(values: np.ndarray, suppressed: np.ndarray, index) -> pd.Series:
    series = pd.Series(values, index=index, dtype="Int64")
    return series.mask(pd.Series(suppressed, index=index))


def _key(row: tuple) -> Hashable:
    return row[0] if len(row) == 1 else row


def suppress_frame(
    df: pd.DataFrame,
    count_col: str,
    threshold: int = DEFAULT_THRESHOLD,
    by: list[str] | None = None,
    *,
    rows: list[str] | None = None,
) -> pd.DataFrame:
    """Suppress a long-form frame of counts, one row per category.

    Returns a copy whose ``count_col`` is nullable ``Int64`` with ``<NA>``
    where suppressed, plus a bool column ``<count_col>_suppressed``.

    - ``by=None``: the rows form a list whose sum is treated as a published
      total. ``out.attrs["total"]`` is that total (``None`` if suppressed) and
      ``out.attrs["total_suppressed"]`` says which.
    - ``by=[col]``: a two-way table whose columns are the values of ``by`` and
      whose rows are the values of ``rows`` (default: every other column but
      ``count_col``), with row, column and grand totals treated as published.
      A combination missing from the frame counts as 0. ``out.attrs`` holds
      ``"row_totals"`` and ``"col_totals"`` (dicts key -> total or ``None``),
      ``"total"`` and ``"total_suppressed"``. Each (row, by) pair must appear
      at most once.
    """
    threshold = _check_threshold(threshold)
    out = df.copy()
    counts = _as_counts(df[count_col].to_numpy(), 1) if len(df) else np.zeros(0, np.int64)
    flag = f"{count_col}_suppressed"

    if not by:
        mask, total_suppressed = suppress_list(counts, threshold, with_total=True)
        out[count_col] = _nullable(counts, np.array(mask, dtype=bool), df.index)
        out[flag] = np.array(mask, dtype=bool)
        total = int(counts.sum())
        out.attrs["total"] = None if total_suppressed else total
        out.attrs["total_suppressed"] = total_suppressed
        return out

    by = list(by)
    if rows is None:
        rows = [col for col in df.columns if col != count_col and col not in by]
    rows = list(rows)
    if rows:
        row_keys = [_key(t) for t in df[rows].itertuples(index=False, name=None)]
    else:
        row_keys = [()] * len(df)
    col_keys = [_key(t) for t in df[by].itertuples(index=False, name=None)]
    row_order = list(dict.fromkeys(row_keys))
    col_order = list(dict.fromkeys(col_keys))
    row_at = {k: i for i, k in enumerate(row_order)}
    col_at = {k: j for j, k in enumerate(col_order)}
    positions = [(row_at[rk], col_at[ck]) for rk, ck in zip(row_keys, col_keys)]
    if len(set(positions)) != len(positions):
        raise ValueError(f"each combination of {rows} and {by} must appear at most once")

    matrix = np.zeros((len(row_order), len(col_order)), dtype=np.int64)
    for (i, j), count in zip(positions, counts):
        matrix[i, j] = count
    table = suppress_table(matrix, threshold)
    mask = np.array([bool(table.body[i, j]) for i, j in positions], dtype=bool)
    out[count_col] = _nullable(counts, mask, df.index)
    out[flag] = mask
    out.attrs["row_totals"] = {
        k: (None if table.row_totals_suppressed[i] else int(table.row_totals[i]))
        for k, i in row_at.items()
    }
    out.attrs["col_totals"] = {
        k: (None if table.col_totals_suppressed[j] else int(table.col_totals[j]))
        for k, j in col_at.items()
    }
    out.attrs["total"] = None if table.grand_total_suppressed else table.grand_total
    out.attrs["total_suppressed"] = table.grand_total_suppressed
    return out


def suppress_shares(
    counts: Sequence[int],
    ofs: Sequence[int],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    protect_complement: bool = False,
) -> dict[str, object]:
    """Suppression for a list of shares ("count of of") with their overall share.

    The attacker knows each published numerator and denominator, the overall
    numerator and denominator (the totals), and that ``count <= of``. Both
    numerators and denominators are counts of people or concerns, so each is
    suppressed from 1 to the threshold, with complements so that none can be
    recovered. With ``protect_complement=True`` the implied ``of - count``
    (e.g. the 4 in "380 of 384") is treated as a published count too and
    protected the same way; metrics.md does not ask for this, so it is off by
    default.

    Returns a dict of bool lists and bools:
    ``{"count": [...], "of": [...], "share": [...], "total_count": b,
    "total_of": b, "total_share": b}`` where True means suppressed; a share is
    suppressed when its numerator or denominator is.
    """
    threshold = _check_threshold(threshold)
    counts_arr = _as_counts(list(counts), 1)
    ofs_arr = _as_counts(list(ofs), 1)
    if counts_arr.shape != ofs_arr.shape:
        raise ValueError("counts and denominators differ in length")
    if (counts_arr > ofs_arr).any():
        raise ValueError("a share's count cannot exceed its denominator")
    k = len(counts_arr)
    # A table: one row per share, columns (count, of - count); row totals are
    # the denominators, column totals the overall count and its complement,
    # the grand total the overall denominator.
    values = np.stack([counts_arr, ofs_arr - counts_arr], axis=1).reshape(k, 2)
    body_published = np.zeros((k, 2), dtype=bool)
    body_published[:, 0] = True
    body_published[:, 1] = protect_complement
    cells = _table_cells(
        values,
        row_totals=True,
        col_totals=True,
        body_published=body_published,
        col_totals_published=np.array([True, protect_complement]),
    )
    suppressed = _suppress(cells, threshold)
    n = 2 * k
    count_mask = suppressed[0:n:2]
    of_mask = suppressed[n : n + k]
    total_count = bool(suppressed[n + k])
    total_of = bool(suppressed[n + k + 2])
    return {
        "count": count_mask.tolist(),
        "of": of_mask.tolist(),
        "share": (count_mask | of_mask).tolist(),
        "total_count": total_count,
        "total_of": total_of,
        "total_share": total_count or total_of,
    }


def suppress_share_frame(
    df: pd.DataFrame,
    count_col: str,
    of_col: str,
    threshold: int = DEFAULT_THRESHOLD,
    by: list[str] | None = None,
    *,
    protect_complement: bool = False,
) -> pd.DataFrame:
    """Suppress a frame of shares, one row per category (see :func:`suppress_shares`).

    Returns a copy with ``count_col`` and ``of_col`` as nullable ``Int64``
    (``<NA>`` where suppressed), bool columns ``<count_col>_suppressed`` and
    ``<of_col>_suppressed``, and ``suppressed`` (the share: numerator or
    denominator suppressed). The overall share of the rows is treated as
    published. With ``by``, each group is treated as its own list with its own
    overall share (groups such as periods or waves do not add up);
    ``out.attrs["totals"]`` maps each group key (``None`` without ``by``) to
    ``{"count": n | None, "of": n | None, "suppressed": bool}``.
    """
    threshold = _check_threshold(threshold)
    out = df.copy()
    count_mask = np.zeros(len(df), dtype=bool)
    of_mask = np.zeros(len(df), dtype=bool)
    totals: dict = {}
    if by:
        grouped = df.reset_index(drop=True).groupby(list(by), sort=False, dropna=False)
        groups = [
            (_key(key if isinstance(key, tuple) else (key,)), np.asarray(positions))
            for key, positions in grouped.indices.items()
        ]
    else:
        groups = [(None, np.arange(len(df)))]
    counts = _as_counts(df[count_col].to_numpy(), 1) if len(df) else np.zeros(0, np.int64)
    ofs = _as_counts(df[of_col].to_numpy(), 1) if len(df) else np.zeros(0, np.int64)
    for key, positions in groups:
        result = suppress_shares(
            counts[positions], ofs[positions], threshold, protect_complement=protect_complement
        )
        count_mask[positions] = result["count"]
        of_mask[positions] = result["of"]
        total_count, total_of = int(counts[positions].sum()), int(ofs[positions].sum())
        totals[key] = {
            "count": None if result["total_count"] else total_count,
            "of": None if result["total_of"] else total_of,
            "suppressed": result["total_share"],
        }
    out[count_col] = _nullable(counts, count_mask, df.index)
    out[of_col] = _nullable(ofs, of_mask, df.index)
    out[f"{count_col}_suppressed"] = count_mask
    out[f"{of_col}_suppressed"] = of_mask
    out["suppressed"] = count_mask | of_mask
    out.attrs["totals"] = totals
    return out
