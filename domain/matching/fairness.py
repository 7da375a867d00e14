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
from domain.matching.model import Lp, Solved, run_lp, run_milp, solve_total

if TYPE_CHECKING:  # SciPy loads where a fair solve starts (see model.py)
    from scipy.sparse import csr_array

# Denominators tried for the affinities' grid: the default weights are integers, needs count in
# sevenths at most, territories in thirds and bids in tenths, so 2,520 × 10 and its multiples
# cover them; a weight or bid with more decimals falls back to a continuous search.
_GRIDS = (1, 60, 2_520, 25_200, 252_000)

# How near paying a pair must be for stage two to try it. Wider than stage one's 0.5: at 500 ×
# 300 (seed 2050) 0.5 holds 5,100 pairs and a total 0.07 below the whole programme's optimum,
# which HiGHS proves in about 45 s; 1.0 holds 9,600 pairs and that optimum, in 4 s rather than 2.7.
_TOTAL_WITHIN = 1.0


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

    Each trial t is asked of the LP first: the largest total with every helped film floored at
    t, by dual simplex (about half a second at 500 × 300). An infeasible LP proves t out of
    reach. A feasible one gives the total's bound at t and its reduced costs, and the MILP then
    runs on the `neighbourhood` of the LP's optimum only (4,700 of 143,000 pairs): at 500 × 300
    it finds a matching at t in a tenth of a second where HiGHS on the whole programme found
    none in 15 s. Only when the neighbourhood holds no matching does the whole programme decide
    t, with nothing to maximise. The first trial is the best-alone bound (often reached); then
    bisection on the affinities' grid between the best floor reached and the lowest one not
    ruled out. A trial HiGHS could not decide only lowers the search, never the bound.

    The best matching at the t reached in a wider neighbourhood (`_TOTAL_WITHIN`) is the answer's
    total: on seven programmes of 500 × 300 it was the whole programme's optimum each time, as
    HiGHS proved given 34 to 78 s. The whole programme, floored at t, then tries to prove it with
    the time left (HiGHS proves such a total at its root node, by cuts, which takes that long at
    500 × 300). The total's bound is the LP's at t, or HiGHS's if tighter.

    The unfair optimum comes first (one flow or LP): whatever happens later it is a valid answer
    to fall back on (marked not optimal), its worst film is where the bisection starts, and its
    bound also bounds every fair total, since floors only remove matchings."""
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_array, vstack

    deadline = time.perf_counter() + limit
    n, nf = len(c), len(inst.films)
    values = np.maximum(-c, 0.0)  # each variable's affinity (the epsilon cost dropped)
    helped = np.bincount(fi, weights=(values > 0), minlength=nf) > 0
    rows = csr_array((values, (fi, np.arange(n))), shape=(nf, n))[helped]
    k = int(helped.sum())
    plain = solve_flow(inst, fi, pj) or solve_total(inst, c, a, lo, hi, limit)
    if k == 0:  # no film can be helped: nothing to be fair about
        return plain._replace(worst_bound=0.0)
    grid = Grid.of(values)
    floored = vstack([a, rows], format="csr")
    upper = np.concatenate([hi, np.full(k, math.inf)])

    def left() -> float:
        return deadline - time.perf_counter()

    def probe(t: float, objective: np.ndarray, seconds: float, cols: np.ndarray) -> tuple:
        """The MILP over the columns `cols` only, every helped film floored at t; its matching
        over every variable, HiGHS's bound on the objective, and its status."""
        if not cols.any():
            return None, -math.inf, 1
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

    every = np.ones(n, dtype=bool)
    best, reached = plain.x, worst(plain.x)
    top = grid.down(float(best_alone(c, a, lo, hi, len(inst.partners), rows).min()))  # proven
    ceiling, trial = top, top  # the ceiling is lowered also by trials HiGHS could not decide
    at: tuple[Lp, float] | None = None  # at the floor reached: the LP and its seconds
    while not grid.meets(reached, ceiling) and left() > 0.2 * limit:
        lower = np.concatenate([lo, np.full(k, trial - grid.slack())])
        started = time.perf_counter()
        lp = run_lp(c, floored, lower, upper, 0.3 * left())
        lp_seconds = time.perf_counter() - started
        x, status = None, lp.status
        if lp.x is not None:  # the neighbourhood first, then the whole programme
            near = neighbourhood(lp.x, lp.reduced)
            x, _, status = probe(trial, np.zeros(n), 0.3 * left(), near)
            if x is None:
                x, _, status = probe(trial, np.zeros(n), 0.4 * left(), every)
        if x is not None:  # every helped film has `trial` (less HiGHS's tolerance)
            best, reached, at = x, worst(x), (lp, lp_seconds)
        else:
            ceiling = grid.below(trial)
            top = ceiling if status == 2 else top
        trial = grid.middle(reached, ceiling)
    proven = grid.meets(reached, top)
    if at is None:  # the plain optimum goes as far as the search could
        return plain._replace(worst_bound=top, optimal=plain.optimal and proven)
    # Stage two: the largest total in a wider neighbourhood, then the whole programme's proof.
    lp, lp_seconds = at
    x, _, _ = probe(reached, c, 0.5 * left(), neighbourhood(lp.x, lp.reduced, _TOTAL_WITHIN))
    best = best if x is None else x
    bound, status = min(plain.bound, lp.value), 1
    # HiGHS checks its time limit only between rounds of cuts (a round took 15 s at 500 × 300),
    # so the proof starts only with time for its root node: 30 to 75 of these LPs here.
    if left() > 30 * lp_seconds:
        x, dual, status = probe(reached, c, left(), every)
        if x is not None and c @ x < c @ best - 1e-9:
            best = x
        bound = min(bound, -dual)
    return Solved(best, bound, proven and status == 0, top)


def neighbourhood(x: np.ndarray, reduced: np.ndarray, within: float = 0.5) -> np.ndarray:
    """The pairs the MILP tries at a floor: those the LP's optimum uses, and those whose reduced
    cost is within `within` of paying (a fraction of one pair's usual affinity). The LP's
    fractional pairs are few (about 500, one or two per floored film), so the best integer
    matching usually lies among pairs the LP nearly chose: at 500 × 300 this one was the whole
    programme's optimum (11,930.73, as HiGHS proved in 25 s)."""
    return (x > 1e-6) | (reduced <= within)


def best_alone(
    c: np.ndarray, a: csr_array, lo: np.ndarray, hi: np.ndarray, partners: int, rows: csr_array
) -> np.ndarray:
    """Each helped film's best total with every partner to itself, its quotas kept (the LP
    without the partners' rows, the first `partners` of `a`: one independent block per film). No
    matching gives a film more, so the smallest of these bounds t."""
    lp = run_lp(c, a[partners:], lo[partners:], hi[partners:], math.inf)
    if lp.x is None:  # no film can meet its own quotas: the fair solve never gets here
        raise RuntimeError(f"the films' own LP ended with status {lp.status}")
    return rows @ lp.x
