"""The attacker: what linear programmes over everything published prove about a hidden cell.

Published cells are constants; hidden (and unpublished) cells are unknowns,
each at least 0; every identity holds. The range an attacker can prove for a
hidden cell is its minimum and maximum over that polytope.

The system splits into components: identities joined by shared unknowns. A
component's programme is small, and a cell's range depends on its component
alone.

Most cells need no programme of their own. The range is an interval holding
the true value, so any feasible point (a *witness*) widens what is known to be
reachable: one programme that pushes every target down at once, and one that
pushes every target up (capped where the test is met), usually settle them
all. Only the cells no witness settles get a programme each, and for those
the exact bound is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
# scipy ships HiGHS with its bindings; linprog cannot warm-start, so the model
# is driven directly (pinned scipy; the tests exercise every call).
from scipy.optimize._highspy import _core as _highs
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from .system import _Compiled

#: Tolerance on the solver's answers (its feasibility tolerance is 1e-7).
EPS = 1e-6
_INF = _highs.kHighsInf
_UNBOUNDED = (_highs.HighsModelStatus.kUnbounded, _highs.HighsModelStatus.kUnboundedOrInfeasible)
#: Rounds of the joint push-down/push-up programmes before cells get their own.
_WITNESS_ROUNDS = 3


class AttackFailed(RuntimeError):
    """The solver failed on a programme that must be feasible (a defect, never data)."""


def components(comp: _Compiled, unknown: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(cells, equations)`` per component of the unknowns, in cell order.

    An unknown in no identity is a component of its own with no equations.
    """
    cells = np.flatnonzero(unknown)
    if len(cells) == 0:
        return []
    sub = comp.a[:, cells]
    eqs = np.flatnonzero(np.diff(sub.indptr) > 0)
    sub = sub[eqs]
    u, m = len(cells), len(eqs)
    coo = sub.tocoo()
    rows = np.concatenate([coo.col, u + coo.row])
    cols = np.concatenate([u + coo.row, coo.col])
    graph = csr_array((np.ones(len(rows)), (rows, cols)), shape=(u + m, u + m))
    _, labels = connected_components(graph, directed=False)
    cell_labels, eq_labels = labels[:u], labels[u:]
    # Components in the order of their first cell.
    order = list(dict.fromkeys(cell_labels.tolist()))
    eq_sort = np.argsort(eq_labels, kind="stable")
    eq_bounds = np.searchsorted(eq_labels[eq_sort], order), np.searchsorted(
        eq_labels[eq_sort], order, side="right"
    )
    out = []
    for k, label in enumerate(order):
        out.append(
            (
                cells[cell_labels == label],
                np.sort(eqs[eq_sort[eq_bounds[0][k] : eq_bounds[1][k]]]),
            )
        )
    return out


@dataclass
class Verdict:
    """The attacker's answer for one target: its bounds as far as needed, and whether it holds."""

    lower: float
    upper: float
    safe: bool


class Component:
    """One component's programme: ``A x = b``, ``x >= 0``, over its unknown cells.

    The columns may hold cells the attacker knows too, fixed at their values:
    a component built over every cell that could ever be hidden is then kept
    for the whole protection, and hiding a cell only frees its column
    (:meth:`sync`). One HiGHS model per component, re-solved from the last
    optimal basis as the objective and bounds change: a re-solve is a few
    pivots where a fresh programme would start from nothing. (The model is
    the HiGHS that scipy ships; ``linprog`` cannot warm-start.)
    """

    def __init__(self, comp: _Compiled, cells: np.ndarray, eqs: np.ndarray, unknown: np.ndarray):
        self.cells = cells
        self.truth = comp.values[cells].astype(float)
        rows = comp.a[eqs]
        outside = comp.values.astype(float)
        outside[cells] = 0.0
        b = -(rows @ outside)
        a = rows[:, cells].tocsc()
        a.sort_indices()
        self.position = {int(c): p for p, c in enumerate(cells)}
        self.k = k = len(cells)
        self.all = np.arange(k, dtype=np.int32)
        self.free = unknown[cells].copy()

        lp = _highs.HighsLp()
        lp.num_col_, lp.num_row_ = k, len(eqs)
        lp.col_cost_ = np.zeros(k)
        lp.col_lower_ = np.where(self.free, 0.0, self.truth)
        lp.col_upper_ = np.where(self.free, _INF, self.truth)
        lp.row_lower_ = lp.row_upper_ = np.asarray(b, dtype=float)
        lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        self.highs = _highs._Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("threads", 1)
        # The dual simplex is quicker from nothing; after that the primal: the
        # last optimum stays feasible when the objective changes or a column
        # is freed, so a re-solve takes a few pivots (the dual takes hundreds).
        self.highs.setOptionValue("simplex_strategy", 1)
        self.warm = False
        self._check(self.highs.passModel(lp), "load")

    def sync(self, unknown: np.ndarray) -> None:
        """Free the columns of cells hidden since (hiding is never undone)."""
        newly = np.flatnonzero(unknown[self.cells] & ~self.free).astype(np.int32)
        if len(newly):
            self.free[newly] = True
            self.highs.changeColsBounds(len(newly), newly, np.zeros(len(newly)), np.full(len(newly), _INF))

    # -- programmes -------------------------------------------------------

    def _check(self, status, what: str) -> None:
        if status == _highs.HighsStatus.kError:
            raise AttackFailed(f"the attacker's programme failed to {what}")

    def _solve(self, cost: np.ndarray, maximise: bool) -> np.ndarray | None:
        """The optimal point, or None when the objective has no bound."""
        h = self.highs
        h.changeObjectiveSense(_highs.ObjSense.kMaximize if maximise else _highs.ObjSense.kMinimize)
        h.changeColsCost(self.k, self.all, cost)
        self._check(h.run(), "solve")
        if not self.warm:
            h.setOptionValue("simplex_strategy", 4)
            self.warm = True
        status = h.getModelStatus()
        if status in _UNBOUNDED:
            return None
        if status != _highs.HighsModelStatus.kOptimal:
            raise AttackFailed(f"the attacker's programme ended {h.modelStatusToString(status)}")
        return np.asarray(h.getSolution().col_value)

    def push_down(self, targets: np.ndarray) -> np.ndarray:
        """A feasible point with the targets' sum as small as it can be."""
        cost = np.zeros(self.k)
        cost[targets] = 1.0
        return self._solve(cost, maximise=False)

    def push_up(self, targets: np.ndarray, caps: np.ndarray) -> np.ndarray:
        """A feasible point with the targets' sum as large as it can be, each at most its cap.

        The caps keep the programme bounded and stop one cell's rise being
        bought with another's; each cap is at least the true value, so the
        true point stays feasible and any optimum is a point the attacker
        cannot rule out.
        """
        cost = np.zeros(self.k)
        cost[targets] = 1.0
        t = np.asarray(targets, dtype=np.int32)
        h = self.highs
        h.changeColsBounds(len(t), t, np.zeros(len(t)), np.asarray(caps, dtype=float))
        try:
            return self._solve(cost, maximise=True)
        finally:
            h.changeColsBounds(len(t), t, np.zeros(len(t)), np.full(len(t), _INF))

    def lowest(self, p: int) -> tuple[float, np.ndarray]:
        """The least ``x[p]`` can be, and a point where it is."""
        cost = np.zeros(self.k)
        cost[p] = 1.0
        x = self._solve(cost, maximise=False)
        return _snap(x[p]), x

    def highest(self, p: int) -> tuple[float, np.ndarray | None]:
        """The most ``x[p]`` can be (``inf`` without bound), and a point where it is."""
        cost = np.zeros(self.k)
        cost[p] = 1.0
        x = self._solve(cost, maximise=True)
        return (np.inf, None) if x is None else (_snap(x[p]), x)

    # -- verdicts -----------------------------------------------------------

    def verify(
        self, targets: np.ndarray, primary: np.ndarray, threshold: int, exact: bool = True
    ) -> list[Verdict]:
        """Whether each target passes: a primary's range holds 0 and the
        threshold, any other's spans at least 1.

        A passing target's bounds are only as wide as needed. A failing
        target's are exact with ``exact``; without, they are what the
        attacker was seen to reach (the lower at least, the upper at most,
        the true bound), which is enough to choose a complement.
        """
        lo, hi = self.truth.copy(), self.truth.copy()
        caps = np.where(primary, float(threshold), self.truth[targets] + 1.0)

        def see(x) -> None:
            np.minimum(lo, x, out=lo)
            np.maximum(hi, x, out=hi)

        def settled(t, p) -> bool:
            return _passes(primary[t], lo[p], hi[p], threshold)

        def all_settled() -> np.ndarray:
            return np.array([settled(t, p) for t, p in enumerate(targets)], dtype=bool)

        done = all_settled()
        for _ in range(_WITNESS_ROUNDS):
            if done.all():
                break
            before = done.sum()
            see(self.push_down(targets[~done]))
            done = all_settled()
            if not done.all():
                see(self.push_up(targets[~done], caps[~done]))
                done = all_settled()
            if done.sum() < before + 8:  # a round costs about as much as eight cells alone
                break

        # The rest one by one; each optimum is a witness for the others too.
        verdicts = []
        for t, p in enumerate(targets):
            low_known = high_known = False
            if not settled(t, p) and (not primary[t] or lo[p] > EPS):
                lo[p], x = self.lowest(p)
                see(x)
                low_known = True
            if not settled(t, p) and (not primary[t] or exact or lo[p] <= EPS):
                hi[p], x = self.highest(p)
                if x is not None:
                    see(x)
                high_known = True
            safe = settled(t, p)
            if not safe and exact:
                if not low_known:
                    lo[p], x = self.lowest(p)
                if not high_known:
                    hi[p], _ = self.highest(p)
            verdicts.append(Verdict(float(lo[p]), float(hi[p]), safe))
        return verdicts

    def ranges(self, targets: np.ndarray) -> list[tuple[float, float]]:
        """Exact ``(lower, upper)`` per target (``upper`` may be ``inf``)."""
        return [(self.lowest(p)[0], self.highest(p)[0]) for p in targets]


def _passes(primary: bool, lower: float, upper: float, threshold: int) -> bool:
    if primary:
        return lower <= EPS and upper >= threshold - EPS
    return upper - lower >= 1 - EPS


def _snap(value: float) -> float:
    """A whole number when the solver's answer is one, give or take rounding."""
    nearest = round(value)
    return float(nearest) if abs(value - nearest) < EPS else float(value)
