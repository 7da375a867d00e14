"""Fairness: the matching that raises the worst-off film as high as it can go (max-min), and
then, among those, the largest total.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np

from domain.matching.flow import solve_flow
from domain.matching.instance import Instance
from domain.matching.model import Solved, run_lp, run_milp, solve_total

if TYPE_CHECKING:  # SciPy loads where a fair solve starts (see model.py)
    from scipy.sparse import csr_array


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
    (after 10 s at 200 × 120 it held t = 6 of a possible 17.3). Instead, the LP relaxation bounds
    t from above, and MILPs with every film floored at a trial t and nothing to maximise decide
    feasibility, which HiGHS does well (3 s at 500 × 300). The bound itself is tried first, since
    it is often achievable; otherwise bisection between the best floor reached and the bound,
    until they meet. Stage two maximises the total with every film floored at the t reached.

    The unfair optimum comes first (one LP): whatever happens later it is a valid answer to fall
    back on (marked not optimal), its worst film is where the bisection starts, and its bound
    also bounds every fair total, since floors only remove matchings."""
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
    base = LinearConstraint(a, lo, hi)
    ones = np.ones(n)

    def probe(t: float, objective: np.ndarray, share: float) -> tuple:
        floor = LinearConstraint(rows, np.full(k, t - 1e-6), np.full(k, math.inf))
        seconds = share * (deadline - time.perf_counter())
        return run_milp(objective, [base, floor], ones, ones, seconds)

    def worst(x: np.ndarray) -> float:
        return float((rows @ np.round(x)).min())

    def close(low: float, high: float) -> bool:
        return high - low <= 1e-6 * max(1.0, abs(high))

    best, reached = plain.x, worst(plain.x)
    top = _fair_bound(inst, rows, a, lo, hi, 0.35 * (deadline - time.perf_counter()))
    if close(reached, top):  # the plain optimum already raises the worst film as far as it goes
        return plain._replace(worst_bound=top)

    proven = True
    for step in range(60):  # bisection; 60 halvings exhaust a float's precision
        if close(reached, top) or time.perf_counter() > deadline - 0.2 * limit:
            break
        trial = top if step == 0 else (reached + top) / 2
        x, _, status = probe(trial, np.zeros(n), 0.3)
        if x is not None:
            # Every helped film has at least `trial` (less HiGHS's tolerance).
            best, reached = x, max(reached, trial, worst(x))
        else:
            top = trial
            proven &= status == 2
    proven &= close(reached, top)
    x, dual, status = probe(reached, c, 1.0)
    if x is None:
        return Solved(np.round(best), plain.bound, False, top)
    # A MILP stopped early may hold a weaker bound than the plain optimum's, which also holds.
    return Solved(np.round(x), min(-dual, plain.bound), proven and status == 0, top)


def _fair_bound(
    inst: Instance, rows: csr_array, a: csr_array, lo: np.ndarray, hi: np.ndarray, seconds: float
) -> float:
    """An upper bound on t: the LP relaxation of "maximise t, every helped film's total >= t"
    (by interior point: simplex stalls on this degenerate LP, 53 s against 9 s at 500 × 300), or
    if that takes too long, the worst-off film's best total when it has every partner to itself."""
    from scipy.sparse import csr_array, hstack, vstack

    alone = np.sort(np.where(inst.allowed & (inst.capacity > 0), inst.score, 0.0), axis=1)[:, ::-1]
    best = [alone[i, : inst.max_partners[i]].sum() for i in range(len(inst.films))]
    helped = [b for b in best if b > 0]
    cheap = float(min(helped)) if helped else 0.0
    k, n = rows.shape
    matrix = vstack(
        [hstack([a, csr_array((a.shape[0], 1))]), hstack([rows, csr_array(-np.ones((k, 1)))])]
    )
    c = np.zeros(n + 1)
    c[-1] = -1.0
    x, top, _ = run_lp(
        c,
        matrix.tocsr(),
        np.concatenate([lo, np.zeros(k)]),
        np.concatenate([hi, np.full(k, math.inf)]),
        seconds,
        upper=np.append(np.ones(n), math.inf),
        method="highs-ipm",
    )
    return min(cheap, top) if x is not None else cheap
