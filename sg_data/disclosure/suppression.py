"""Protecting a publication: primary and complementary suppression, and the attacker's check.

The rules are metrics.md's ("Disclosure control"):

- a "people" count from 1 to the threshold is hidden (primary);
- a staff group whose denominator is under the minimum is hidden whole;
- zero is never hidden (it is shown as 0, so the attacker knows it), nor is a
  council-wide process figure (it is always shown, and the attacker uses it);
- complements (non-zero, never a process figure) are added until the
  attacker, with everything published and every identity, can prove for each
  hidden people count of 1 to the threshold no range narrower than 0 to the
  threshold, and can pin no hidden cell to one value.

The algorithm, deterministic (cells in the order they were added break ties):

1. hide the primary cells and the small staff groups;
2. the line rule: an identity gives a hidden cell away when it is its only
   unknown, or when its unknowns are all parts adding up to under the
   threshold (none of them can then reach it); each such identity gets a
   complement from its own cells (see :func:`_choose`), repeated until none
   gives anything away;
3. the attack, per component (identities joined by unknowns), one warm-started
   programme each: every hidden cell not yet shown safe is tested
   (:meth:`Component.verify`); each one that fails gets a complement from its
   own identities, unless a complement added this round already sits in one
   of them; back to 2 with the identities the new complements touch.

Hiding more only widens what the attacker cannot rule out, so a cell shown safe
stays safe, and the loop ends: at worst every candidate near a failing cell is
hidden. A cell still failing then cannot be protected by suppression (say a
breakdown of a process figure of 3), and :func:`protect` raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Iterable

import numpy as np
import pandas as pd

from .attacker import EPS, Component, components
from .system import System, _Compiled, describe

DEFAULT_THRESHOLD = 5
DEFAULT_MIN_GROUP = 10


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Failure:
    """A cell the attacker can learn too much about, or a rule the publication breaks."""

    key: Hashable
    value: int
    lower: float
    upper: float
    reason: str

    def __str__(self) -> str:
        return (
            f"{describe(self.key)}: {self.reason} "
            f"(an attacker can prove {_number(self.lower)} to {_number(self.upper)})"
        )


def _number(x: float) -> str:
    return "no limit" if x == np.inf else f"{x:g}"


class DisclosureError(Exception):
    """The publication is not safe to write; the message names the cells."""

    def __init__(self, failures: list[Failure]) -> None:
        self.failures = list(failures)
        shown = "; ".join(str(f) for f in self.failures[:5])
        more = f"; and {len(self.failures) - 5} more" if len(self.failures) > 5 else ""
        super().__init__(
            f"the publication is not safe to publish: {len(self.failures)} "
            f"problem(s) in the attacker's check: {shown}{more}"
        )


@dataclass(frozen=True)
class Protection:
    """What to hide: ``hidden`` = ``primary`` + small staff groups + complements."""

    hidden: frozenset
    primary: frozenset
    staff: frozenset = field(default_factory=frozenset)
    threshold: int = DEFAULT_THRESHOLD
    min_group: int = DEFAULT_MIN_GROUP

    @property
    def complementary(self) -> frozenset:
        return self.hidden - self.primary - self.staff

    def is_hidden(self, key: Hashable) -> bool:
        return key in self.hidden

    def why(self, key: Hashable) -> str | None:
        """Why a cell is hidden, in plain words; None when it is shown."""
        if key in self.primary:
            return f"a count from 1 to {self.threshold}"
        if key in self.staff:
            return f"a staff group of fewer than {self.min_group}"
        if key in self.hidden:
            return "hidden so that another hidden figure cannot be worked out"
        return None


# --------------------------------------------------------------------------
# The rules before any attack


def _primary(comp: _Compiled, threshold: int) -> np.ndarray:
    return comp.people & (comp.values >= 1) & (comp.values <= threshold)


def _small_groups(comp: _Compiled, min_group: int) -> np.ndarray:
    small = comp.denominator & (comp.values >= 1) & (comp.values < min_group)
    return comp.with_groups(small)


def _check_settings(threshold: int, min_group: int) -> None:
    if int(threshold) != threshold or threshold < 1:
        raise ValueError("the threshold must be a whole number of at least 1")
    if int(min_group) != min_group or min_group < 1:
        raise ValueError("the minimum staff group must be a whole number of at least 1")


# --------------------------------------------------------------------------
# Complements


class _State:
    """Hidden cells, and per identity how many unknowns and hideable cells it holds."""

    def __init__(self, comp: _Compiled, hidden: np.ndarray, primary: np.ndarray, threshold: int):
        self.comp = comp
        self.hidden = hidden
        self.primary = primary
        self.threshold = threshold
        self.unknown = hidden | comp.unpublished
        # Hideable: shown, non-zero, not a process figure.
        self.open = ~self.unknown & ~comp.process & (comp.values > 0)
        abs_a = abs(comp.a)
        unknown = self.unknown.astype(float)
        self.count = abs_a @ unknown
        self.open_count = abs_a @ self.open.astype(float)
        # The attacker knows the sum of an identity's unknowns when they are
        # all parts: none can be more than that ``mass``.
        self.unknown_totals = (-comp.a).maximum(0) @ unknown
        self.mass = abs_a @ (unknown * comp.values)
        self.primaries = abs_a @ (unknown * primary)

    def hide(self, cells: Iterable[int]) -> list[int]:
        mask = np.zeros(self.comp.n, dtype=bool)
        mask[list(cells)] = True
        added = np.flatnonzero(self.comp.with_groups(mask) & ~self.hidden)
        at = self.comp.at
        for c in added:
            eqs = at.indices[at.indptr[c] : at.indptr[c + 1]]
            signs = at.data[at.indptr[c] : at.indptr[c + 1]]
            self.hidden[c] = self.unknown[c] = True
            self.count[eqs] += 1
            self.mass[eqs] += self.comp.values[c]
            self.primaries[eqs] += self.primary[c]
            self.unknown_totals[eqs] += signs < 0
            if self.open[c]:
                self.open[c] = False
                self.open_count[eqs] -= 1
        return added.tolist()

    def exposed(self, e: int) -> tuple[list[int], float] | None:
        """The cells identity ``e`` gives away, and how far a complement must move; None if none.

        Its only unknown, when that is hidden; or, when its unknowns are all
        parts that add up to under the threshold, the hidden people counts
        among them (none can reach the threshold).
        """
        cells = self.comp.cells_of(e)
        if self.count[e] == 1:
            lone = int(cells[self.unknown[cells]][0])
            if self.hidden[lone]:
                return [lone], self.need(lone, 0.0, float(self.comp.values[lone]))
        elif (
            self.count[e] > 1
            and self.unknown_totals[e] == 0
            and self.primaries[e] > 0
            and self.mass[e] < self.threshold
        ):
            small = cells[self.unknown[cells] & self.primary[cells]]
            return small.tolist(), self.threshold - self.mass[e]
        return None

    def open_cells(self, e: int) -> np.ndarray:
        cells = self.comp.cells_of(e)
        return cells[self.open[cells]]

    def need(self, cell: int, lower: float, upper: float) -> float:
        """How far a complement must be able to move to free ``cell``."""
        if self.primary[cell]:
            return max(lower, self.threshold - upper, 1.0)
        return 1.0


def _choose(state: _State, lines: Iterable[int], need: float) -> int | None:
    """The complement from the identities ``lines`` (those of the exposed cell).

    Preferred, in order: one that leaves no other identity with a lone
    unknown (it closes a cycle through cells already hidden rather than
    opening a new one); one large enough to move by ``need``; the lowest in
    the hierarchy of totals; the smallest; the first added. A cell that
    would be left alone in an identity with nothing else to hide is never
    chosen: it would be pinned.
    """
    comp = state.comp
    lines = set(int(e) for e in lines)
    best, best_key = None, None
    for e in sorted(lines):
        for c in state.open_cells(e).tolist():
            others = [f for f in comp.equations_of(c).tolist() if f not in lines and state.count[f] == 0]
            if any(state.open_count[f] <= 1 for f in others):
                continue
            value = int(comp.values[c])
            key = (value < need, bool(others), int(comp.height[c]), value, c)
            if best_key is None or key < best_key:
                best, best_key = c, key
    return best


def _line_rule(state: _State, stuck: set[int], lines: Iterable[int]) -> None:
    """Hide a complement in every identity of ``lines`` that gives a hidden
    cell away (:meth:`_State.exposed`), and in those it opens, until none does.

    A cell so exposed with nothing beside it to hide goes in ``stuck``.
    """
    comp = state.comp
    queue = sorted(e for e in set(lines) if state.exposed(e))
    while queue:
        e = queue.pop(0)
        exposed = state.exposed(e)
        if exposed is None:
            continue
        cells, need = exposed
        if stuck.issuperset(cells):
            continue
        chosen = _choose(state, [e], need)
        if chosen is None:
            stuck.update(cells)
            continue
        for c in state.hide([chosen]):
            queue.extend(int(f) for f in comp.equations_of(c) if state.exposed(f))
        queue.sort()


# --------------------------------------------------------------------------
# Protect, check, attack


def protect(
    system: System, threshold: int = DEFAULT_THRESHOLD, min_group: int = DEFAULT_MIN_GROUP
) -> Protection:
    """Primary and complementary suppression of the whole publication.

    Raises :class:`DisclosureError` naming the cells no suppression can
    protect (a breakdown of a published process figure from 1 to the
    threshold, say): such a table must stay officer-only.
    """
    _check_settings(threshold, min_group)
    comp = system.compiled()
    primary = _primary(comp, threshold)
    staff = _small_groups(comp, min_group) & ~comp.unpublished
    state = _State(comp, primary | staff, primary, threshold)
    passed = np.zeros(comp.n, dtype=bool)
    stuck: set[int] = set()

    # One programme per component of the cells that could ever be unknown,
    # kept for the whole loop: hiding a cell frees its column.
    could_hide = state.unknown | state.open | (comp.group_of >= 0) & ~comp.process
    parts = components(comp, could_hide)
    part_of = np.full(comp.n, -1, dtype=np.int64)
    for i, (cells, _) in enumerate(parts):
        part_of[cells] = i
    models: dict[int, Component] = {}
    lines: Iterable[int] = range(comp.m)

    while True:
        _line_rule(state, stuck, lines)
        pending = state.hidden & ~passed
        pending[list(stuck)] = False
        failing: dict[int, tuple[float, float]] = {}
        for i in np.unique(part_of[pending]).tolist():
            cells, eqs = parts[i]
            if i not in models:
                models[i] = Component(comp, cells, eqs, state.unknown)
            model = models[i]
            model.sync(state.unknown)
            targets = cells[pending[cells]]
            local = np.array([model.position[int(c)] for c in targets])
            verdicts = model.verify(local, primary[targets], threshold, exact=False)
            for c, verdict in zip(targets.tolist(), verdicts):
                if verdict.safe:
                    passed[c] = True
                else:
                    failing[c] = (verdict.lower, verdict.upper)
        if not failing:
            break
        touched: set[int] = set()
        for c in sorted(failing):
            lines = set(comp.equations_of(c).tolist())
            if lines & touched:
                continue  # a complement beside it this round may be enough
            need = state.need(c, *failing[c])
            chosen = _choose(state, lines, need)
            if chosen is None:
                chosen = _choose(state, _component_lines(comp, state, c), need)
            if chosen is None:
                stuck.add(c)
                continue
            for added in state.hide([chosen]):
                touched.update(comp.equations_of(added).tolist())
        if not touched:
            break
        lines = touched

    hidden_keys = frozenset(comp.keys[c] for c in np.flatnonzero(state.hidden))
    if stuck:  # a cell with no complement of its own may have been covered by later ones: only a real failure stops
        failures = check(system, hidden_keys, threshold, min_group)
        if failures:
            raise DisclosureError(failures)
    return Protection(
        hidden=hidden_keys,
        primary=frozenset(comp.keys[c] for c in np.flatnonzero(primary)),
        staff=frozenset(comp.keys[c] for c in np.flatnonzero(staff)),
        threshold=threshold,
        min_group=min_group,
    )


def _component_lines(comp: _Compiled, state: _State, cell: int) -> list[int]:
    """Every identity of the component of ``cell``: identities joined by unknowns."""
    seen_cells, seen_lines, queue = {cell}, set(), [cell]
    while queue:
        for e in comp.equations_of(queue.pop()).tolist():
            if e in seen_lines:
                continue
            seen_lines.add(e)
            for c in comp.cells_of(e).tolist():
                if state.unknown[c] and c not in seen_cells:
                    seen_cells.add(c)
                    queue.append(c)
    return sorted(seen_lines)


def check(
    system: System,
    hidden: Iterable[Hashable],
    threshold: int = DEFAULT_THRESHOLD,
    min_group: int = DEFAULT_MIN_GROUP,
) -> list[Failure]:
    """Every way the publication with ``hidden`` suppressed breaks the rules; empty = safe.

    The rules before any attack (no small people count or small staff group
    shown, no zero or process figure hidden), then the attacker's linear
    programmes over everything published.
    """
    _check_settings(threshold, min_group)
    comp = system.compiled()
    mask = system.mask(hidden) & ~comp.unpublished
    failures: list[tuple[int, Failure]] = []

    def fail(c: int, lower: float, upper: float, reason: str) -> None:
        failures.append((c, Failure(comp.keys[c], int(comp.values[c]), lower, upper, reason)))

    primary = _primary(comp, threshold)
    for c in np.flatnonzero(primary & ~mask):
        v = float(comp.values[c])
        fail(c, v, v, f"is shown, but it is a count from 1 to {threshold}")
    for c in np.flatnonzero(_small_groups(comp, min_group) & ~mask & ~comp.unpublished):
        v = float(comp.values[c])
        fail(c, v, v, f"is shown, but its staff group has fewer than {min_group}")
    for c in np.flatnonzero(mask & comp.process):
        v = float(comp.values[c])
        fail(c, v, v, "is a process figure, which is always shown")
    for c in np.flatnonzero(mask & (comp.values == 0) & ~comp.staff):
        fail(c, 0.0, 0.0, "is a zero, which is always shown")

    unknown = mask | comp.unpublished
    for cells, eqs in components(comp, unknown):
        targets = cells[mask[cells]]
        if len(targets) == 0:
            continue
        component = Component(comp, cells, eqs, unknown)
        local = np.array([component.position[int(c)] for c in targets])
        is_primary = primary[targets]
        for c, p, verdict in zip(targets, is_primary, component.verify(local, is_primary, threshold)):
            if not verdict.safe:
                fail(c, verdict.lower, verdict.upper, _reason(p, verdict.lower, verdict.upper, threshold))
    return [f for _, f in sorted(failures, key=lambda pair: pair[0])]


def _reason(primary: bool, lower: float, upper: float, threshold: int) -> str:
    if upper - lower < 1 - EPS:
        return "can be worked out exactly"
    if lower > EPS and upper < threshold - EPS:
        return f"can be shown to be from 1 to {threshold}"
    if lower > EPS:
        return "can be shown not to be zero"
    return f"can be shown to be under {threshold}"


def attack(system: System, hidden: Iterable[Hashable]) -> dict[Hashable, tuple[float, float]]:
    """The exact range an attacker can prove for each hidden cell (``upper`` may be ``inf``)."""
    comp = system.compiled()
    mask = system.mask(hidden) & ~comp.unpublished
    unknown = mask | comp.unpublished
    out: dict[int, tuple[float, float]] = {}
    for cells, eqs in components(comp, unknown):
        targets = cells[mask[cells]]
        if len(targets) == 0:
            continue
        component = Component(comp, cells, eqs, unknown)
        local = np.array([component.position[int(c)] for c in targets])
        out.update(zip(targets.tolist(), component.ranges(local)))
    return {comp.keys[c]: out[c] for c in sorted(out)}


def attack_report(system: System, protection: Protection) -> pd.DataFrame:
    """One row per hidden cell: ``key``, ``value``, ``rule``, ``primary``, ``lower``,
    ``upper`` (the attacker's exact range) and ``safe``; for tests and debugging."""
    ranges = attack(system, protection.hidden)
    rows = []
    for key, (lower, upper) in ranges.items():
        cell = system.cells[system.index[key]]
        primary = key in protection.primary
        if primary:
            safe = lower <= EPS and upper >= protection.threshold - EPS
        else:
            safe = upper - lower >= 1 - EPS
        rows.append(
            {
                "key": key,
                "value": cell.value,
                "rule": cell.rule,
                "primary": primary,
                "lower": lower,
                "upper": upper,
                "safe": safe,
            }
        )
    columns = ["key", "value", "rule", "primary", "lower", "upper", "safe"]
    return pd.DataFrame(rows, columns=columns)
