"""The optimisation model: the constraint rows, and the HiGHS calls (through scipy) that find
the largest total affinity.

Without fairness, and when the quotas' kind sets are laminar (any two disjoint or nested, as real
quotas are), the constraint matrix is the incidence matrix of two laminar families (partner rows
on one side; film and quota rows on the other), which is totally unimodular: the LP relaxation
has an integral optimal vertex, so one dual-simplex LP (about half a second for 500 films × 300
partners, bench/matching.py) gives the optimum and proves it. The vertex is checked to be
integral, and HiGHS's MILP solves the programme otherwise: for overlapping quotas, and for
fairness (domain/matching/fairness.py), whose per-film affinity floors break total
unimodularity. HiGHS is deterministic on the same programme.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from domain.matching.diagnosis import tight
from domain.matching.instance import Instance
from domain.matching.types import Quota

if TYPE_CHECKING:  # SciPy loads where a solve needs it: importing it costs 0.3 s
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_array

# Relative MIP gap at which HiGHS may call a solution optimal (scipy's default is 1e-4, which on a
# total of 3,000 would accept a matching 0.3 below the best).
_MIP_GAP = 1e-7


def constraints(
    inst: Instance, fi: np.ndarray, pj: np.ndarray
) -> tuple[csr_array, np.ndarray, np.ndarray]:
    """Rows: each partner ≤ capacity; each film in [min_partners, max_partners]; each (quota,
    film) in [min, max]."""
    from scipy.sparse import csr_array

    nf, np_, n = len(inst.films), len(inst.partners), len(fi)
    cols = np.arange(n)
    row_parts, col_parts = [pj, np_ + fi], [cols, cols]
    lower = [np.zeros(np_), inst.min_partners.astype(float)]
    upper = [inst.capacity.astype(float), inst.max_partners.astype(float)]
    offset = np_ + nf
    for q, quota in enumerate(inst.quotas):
        if quota.min == 0 and quota.max is None:
            continue
        member = inst.in_quota[q][pj]
        row_parts.append(offset + fi[member])
        col_parts.append(cols[member])
        lower.append(np.full(nf, float(quota.min)))
        upper.append(np.full(nf, math.inf if quota.max is None else float(quota.max)))
        offset += nf
    rows, cols_ = np.concatenate(row_parts), np.concatenate(col_parts)
    matrix = csr_array((np.ones(len(rows)), (rows, cols_)), shape=(offset, n))
    return matrix, np.concatenate(lower), np.concatenate(upper)


def _laminar(quotas: Sequence[Quota]) -> bool:
    return all(
        not (a.kinds & b.kinds) or a.kinds <= b.kinds or b.kinds <= a.kinds
        for a, b in itertools.combinations(quotas, 2)
    )


class Solved(NamedTuple):
    x: np.ndarray  # 0/1 per variable
    bound: float  # on the programme's objective (epsilon costs included)
    optimal: bool
    # With fairness: an upper bound on the worst-off film's total (among films that can be helped)
    worst_bound: float | None = None


def run_milp(
    c: np.ndarray,
    constraints: list[LinearConstraint],
    integral: np.ndarray,
    upper: np.ndarray,
    seconds: float,
) -> tuple[np.ndarray | None, float, int]:
    """One HiGHS call, minimising c @ x; returns (x, lower bound on the minimum, status)."""
    from scipy.optimize import Bounds, milp

    res = milp(
        c,
        integrality=integral,
        bounds=Bounds(np.zeros(len(c)), upper),
        constraints=constraints,
        options={"time_limit": max(seconds, 0.1), "mip_rel_gap": _MIP_GAP, "presolve": True},
    )
    if res.status == 2:
        return None, math.inf, 2
    if res.x is None:
        return None, -math.inf, res.status
    dual = getattr(res, "mip_dual_bound", None)
    if not integral.any() or dual is None or not math.isfinite(dual):
        dual = res.fun if res.status == 0 else -math.inf
    return res.x, float(dual), res.status


class Lp(NamedTuple):
    """An LP's optimum: x (None unless solved), the maximum of -c @ x, HiGHS's status, and each
    variable's reduced cost (how much its cost must fall before the optimum would use it)."""

    x: np.ndarray | None
    value: float
    status: int
    reduced: np.ndarray


def run_lp(c: np.ndarray, a: csr_array, lo: np.ndarray, hi: np.ndarray, seconds: float) -> Lp:
    """An LP, minimising c @ x with lo <= a @ x <= hi and 0 <= x <= 1, by HiGHS's dual simplex,
    which ends on a vertex (an interior point would not be integral). linprog, not milp: milp
    builds a Python list of 150,000 variable types even for an LP, a third of a second at 500 ×
    300."""
    from scipy.optimize import linprog
    from scipy.sparse import vstack

    finite = np.isfinite(hi)
    # A row's lower bound goes in as -row <= -lo, unless x >= 0 implies it (lo <= 0, and no
    # negative coefficient): most rows here, so the LP stays small.
    implied = (lo <= 0) & (a.min(axis=1).toarray().ravel() >= 0)
    lower = np.isfinite(lo) & ~implied
    a_ub = vstack([a[finite], -a[lower]], format="csr")
    b_ub = np.concatenate([hi[finite], -lo[lower]])
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        bounds=(0, 1),
        method="highs-ds",
        # Presolve only slows this simple, transport-shaped LP down (0.25 s against 0.45 s).
        options={"time_limit": max(seconds, 0.1), "presolve": False},
    )
    if res.status != 0 or res.x is None:
        return Lp(None, math.inf, res.status, np.zeros(0))
    reduced = c - a_ub.T @ res.ineqlin.marginals  # the marginals are <= 0 on <= rows
    return Lp(res.x, -float(res.fun), 0, reduced)


def solve_total(
    inst: Instance, c: np.ndarray, a: csr_array, lo: np.ndarray, hi: np.ndarray, limit: float
) -> Solved:
    """The largest total: one LP when the quotas allow it (see the module docstring), else MILP."""
    from scipy.optimize import LinearConstraint

    n = len(c)
    started = time.perf_counter()
    if _laminar(inst.quotas):
        # Totally unimodular: the LP's optimal vertex is integral; check it rather than trust it.
        lp = run_lp(c, a, lo, hi, limit)
        if lp.status == 2:
            raise tight(inst)
        if lp.x is not None and np.abs(lp.x - np.round(lp.x)).max(initial=0) < 1e-6:
            return Solved(np.round(lp.x), lp.value, True)
    remaining = limit - (time.perf_counter() - started)
    x, dual, status = run_milp(c, [LinearConstraint(a, lo, hi)], np.ones(n), np.ones(n), remaining)
    if status == 2:
        raise tight(inst)
    if x is None:
        raise TimeoutError(f"HiGHS found no matching within {limit:g} s")
    return Solved(np.round(x), -dual, status == 0)
