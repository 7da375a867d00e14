"""Fairness: the matching that raises the worst-off film as high as it can go (max-min), and
then, among those, the largest total.

Every bound reported here is proven: a probe HiGHS could not decide in its time is a reason to
search lower, never a bound (the fairness gap measures the worst-off film against what is
proven, not against where the search gave up).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from domain.matching.flow import solve_flow
from domain.matching.instance import Instance
from domain.matching.model import Solved, run_lp, run_milp, solve_total

if TYPE_CHECKING:  # SciPy loads where a fair solve starts (see model.py)
    from scipy.sparse import csr_array

# Denominators tried for the affinities' grid: the default weights are integers, needs count in
# sevenths at most, territories in thirds and bids in tenths, so 2,520 × 10 and its multiples
# cover them; a weight or bid with more decimals falls back to a continuous search.
_GRIDS = (1, 60, 2_520, 25_200, 252_000)


class Grid(NamedTuple):
    """Where the worst-off film's total can lie. When every affinity is a multiple of 1 / `step`,
    so is every film's total: a bound rounds down onto the grid, a floor proven infeasible at t
    proves t less one grid step, and the search ends exactly, in log2(range × step) probes.
    `step` None: no grid found, and "equal" means within a relative 1e-6."""

    step: int | None

    @classmethod
    def of(cls, values: np.ndarray) -> Grid:
        for g in _GRIDS:
            scaled = values * g
            if np.abs(scaled - np.rint(scaled)).max(initial=0.0) <= 1e-6:
                return cls(g)
        return cls(None)

    def down(self, bound: float) -> float:
        """The largest total on the grid at most `bound`: still a bound on every film's total."""
        return bound if self.step is None else math.floor(bound * self.step + 1e-6) / self.step

    def below(self, t: float) -> float:
        """The most a worst-off film can have when no matching gives every film `t`."""
        return t if self.step is None else t - 1 / self.step

    def slack(self) -> float:
        """How far under a floor HiGHS may leave a film without it counting as below."""
        return 1e-6 if self.step is None else 0.5 / self.step

    def meets(self, low: float, high: float) -> bool:
        if self.step is None:
            return high - low <= 1e-6 * max(1.0, abs(high))
        return round(low * self.step) >= round(high * self.step)

    def middle(self, low: float, high: float) -> float:
        """A trial strictly above `low` and at most `high` (both on the grid, low < high)."""
        if self.step is None:
            return (low + high) / 2
        units = (round(low * self.step) + round(high * self.step) + 1) // 2
        return units / self.step


def solve_fair(
    inst: Instance,
    fi: np.ndarray,
    pj: np.ndarray,
    c: np.ndarray,
    a: csr_array,
    lo: np.ndarray,
    hi: np.ndarray,
    limit: float,
) -> Solved:
    """Lexicographic: the largest t such that every film that can be helped gets at least t,
    then the largest total with every such film still at t or more.

    A film that no allowed partner can help (all its affinities are 0) is left out of the
    max-min: it would pin t at 0 and make fairness a no-op for everyone else.

    Stage one is not "maximise t" as one MILP: HiGHS finds good solutions to that very slowly
    (after 10 s at 200 × 120 it held t = 6 of a possible 17.3). Instead `FairBound` bounds t from
    above, and MILPs with every film floored at a trial t and nothing to maximise decide
    feasibility, on the `shortlist` first (0.4 s at 500 × 300, where the whole programme found
    nothing above 18 in 30 s). The bound itself is tried first, since it is often achievable (the
    poorest film's best alone at 500 × 300, the LP's at 200 × 120); otherwise bisection on the
    affinities' grid between the best floor reached and the bound. A floor proven infeasible
    lowers the bound; one HiGHS could not decide in its share of time only lowers the search.
    Stage two maximises the total with every film floored at the t reached: on the shortlist for
    a good matching soon, then on the whole programme, whose bound alone proves the total.

    The unfair optimum comes first (one flow or LP): whatever happens later it is a valid answer
    to fall back on (marked not optimal), its worst film is where the bisection starts, and its
    bound also bounds every fair total, since floors only remove matchings."""
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_array

    deadline = time.perf_counter() + limit
    n, nf = len(c), len(inst.films)
    values = np.maximum(-c, 0.0)  # each variable's affinity (the epsilon cost dropped)
    helped = np.bincount(fi, weights=(values > 0), minlength=nf) > 0
    rows = csr_array((values, (fi, np.arange(n))), shape=(nf, n))[helped]
    k = int(helped.sum())
    # The best total without fairness: a first feasible answer, the floor the bisection starts
    # from, and (floors only remove matchings) a bound on the total whatever happens next.
    plain = solve_flow(inst, fi, pj) or solve_total(inst, c, a, lo, hi, limit)
    if k == 0:  # no film can be helped: nothing to be fair about
        return plain._replace(worst_bound=0.0)
    grid = Grid.of(values)
    every = np.ones(n, dtype=bool)
    few = shortlist(inst, fi, pj, values)

    def left() -> float:
        return deadline - time.perf_counter()

    def probe(t: float, objective: np.ndarray, seconds: float, cols: np.ndarray) -> tuple:
        """The MILP over the columns `cols` only, every helped film floored at t; its matching
        over every variable."""
        base = LinearConstraint(a[:, cols], lo, hi)
        floor = LinearConstraint(rows[:, cols], np.full(k, t - grid.slack()), np.inf)
        ones = np.ones(int(cols.sum()))
        x, dual, status = run_milp(objective[cols], [base, floor], ones, ones, seconds)
        if x is None:
            return None, dual, status
        full = np.zeros(n)
        full[cols] = np.round(x)
        return full, dual, status

    def worst(x: np.ndarray) -> float:
        return float((rows @ np.round(x)).min())

    best, reached = plain.x, worst(plain.x)
    bound = FairBound(best_alone(inst)[helped], rows, a, lo, hi)
    top = grid.down(bound.top)  # proven; the LP comes only if the shortlist cannot reach it
    ceiling = top  # where the search looks: lowered also by probes that ran out of time
    trial = top
    while not grid.meets(reached, ceiling) and time.perf_counter() < deadline - 0.2 * limit:
        x, _, status = probe(trial, np.zeros(n), 0.2 * left(), few)
        if x is None and not bound.done:  # the LP, with more floors, may bring the bound down
            top = min(top, grid.down(bound.tighten(0.2 * left())))
            ceiling = min(ceiling, top)
            if trial > top:
                trial = top
                continue
        if x is None:  # the shortlist has no such matching: only the whole programme can say
            x, _, status = probe(trial, np.zeros(n), 0.3 * left(), every)
        if x is not None:  # every helped film has `trial` (less HiGHS's tolerance)
            best, reached = x, max(reached, worst(x))
        else:
            ceiling = grid.below(trial)
            top = ceiling if status == 2 else top
        trial = grid.middle(reached, ceiling)
    proven = grid.meets(reached, top)
    if reached <= worst(plain.x) and proven:  # the plain optimum already goes as far as it can
        return plain._replace(worst_bound=top)
    # Stage two: a good matching from the shortlist first (a fallback: little of the time), then
    # the whole programme, whose proof takes the most (74 s at 500 × 300 on a busy machine).
    quick, _, _ = probe(reached, c, 0.15 * left(), few)
    best = best if quick is None else quick
    x, dual, status = probe(reached, c, left(), every)
    if x is None or c @ x > c @ best:
        return Solved(best, plain.bound if x is None else min(-dual, plain.bound), False, top)
    # A MILP stopped early may hold a weaker bound than the plain optimum's, which also holds.
    return Solved(x, min(-dual, plain.bound), proven and status == 0, top)


def shortlist(inst: Instance, fi: np.ndarray, pj: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which variables the probes try first: each film's 20 best pairs, and its 3 best of each
    quota's kinds. A matching found among them is a matching; none found proves nothing, and the
    whole programme is asked. Worth it because HiGHS spends its time on the columns: at 500 ×
    300 the shortlist (10,500 of 144,000 pairs) reaches every film at 20.03 in 0.4 s, where the
    whole programme found no matching above 18 in 30 s."""
    keep = _ranks(fi, values, np.ones(len(fi), dtype=bool)) < 20
    for q, quota in enumerate(inst.quotas):
        if quota.min > 0:
            keep |= _ranks(fi, values, inst.in_quota[q][pj]) < 3
    return keep


def _ranks(fi: np.ndarray, values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Each variable's rank by value within its film, counting only `among` (others rank last)."""
    ranks = np.full(len(fi), len(fi))
    which = np.nonzero(among)[0]
    order = which[np.lexsort((-values[which], fi[which]))]
    first = np.searchsorted(fi[order], fi[order], side="left")
    ranks[order] = np.arange(len(order)) - first
    return ranks


def best_alone(inst: Instance) -> np.ndarray:
    """Each film's best total with every allowed partner to itself (its max_partners best
    affinities): no matching gives it more, so the smallest of these bounds t."""
    usable = np.where(inst.allowed & (inst.capacity > 0), inst.score, 0.0)
    ranked = -np.sort(-usable, axis=1)
    upto = np.arange(usable.shape[1])[None, :] < inst.max_partners[:, None]
    return (ranked * upto).sum(axis=1)


class FairBound:
    """An upper bound on t: the LP relaxation of "maximise t, every helped film's total >= t",
    with floors added lazily. Floors on a subset of films relax the LP, so its t bounds the full
    one, and t. It starts from the films poorest alone, where the bound is decided (at 200 × 120
    the LP with floors on the two poorest gives the full LP's 16.2, in a fifth of the time), and
    each `tighten` adds the films the last solution left below t, until there are none (the full
    LP's bound). `solve_fair` tightens only when the bound was not reached at once. Interior
    point: simplex stalls on this degenerate LP (53 s against 9 s with every floor at 500 × 300).
    Before any LP, or with none solved in time, the poorest film's best total alone bounds t.

    `alone` is each helped film's best total alone, in the order of the rows of `rows`."""

    def __init__(
        self, alone: np.ndarray, rows: csr_array, a: csr_array, lo: np.ndarray, hi: np.ndarray
    ) -> None:
        self.rows, self.a, self.lo, self.hi = rows, a, lo, hi
        self.top = float(alone.min())
        self.chosen = alone <= 1.1 * self.top
        self.done = False  # the full LP's bound reached, or an LP out of time: tighten no more

    def tighten(self, seconds: float) -> float:
        """One more LP, with the floors chosen so far; returns the bound."""
        from scipy.sparse import csr_array, hstack, vstack

        floors, a = self.rows[self.chosen], self.a
        m, n = floors.shape
        matrix = vstack(
            [hstack([a, csr_array((a.shape[0], 1))]), hstack([floors, csr_array(-np.ones((m, 1)))])]
        )
        c = np.zeros(n + 1)
        c[-1] = -1.0
        x, t, _ = run_lp(
            c,
            matrix.tocsr(),
            np.concatenate([self.lo, np.zeros(m)]),
            np.concatenate([self.hi, np.full(m, math.inf)]),
            seconds,
            upper=np.append(np.ones(n), math.inf),
            method="highs-ipm",
        )
        if x is None:
            self.done = True
            return self.top
        self.top = min(self.top, t)
        missing = ~self.chosen & (self.rows @ x[:n] < t - 1e-6)
        self.done = not missing.any()
        self.chosen |= missing
        return self.top
