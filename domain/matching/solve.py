"""The best matching: `assign` builds the instance, rules out the plain infeasible and runs the
model (with fairness if asked); `solve` returns its pairs with their reasons and alternates,
checked. The two are apart so that what the solve costs and what explaining it costs are
measured apart (bench/matching.py --json).

Zero-affinity pairs: a pair worth nothing is only chosen when a quota forces it. Pairs whose kind
no quota requires are left out of the programme altogether; the others cost a tiny `_EPSILON`, so
the solver picks them only when it must. The reported `bound` adds back the most epsilon a best
matching could lose that way, so it stays a true upper bound on the total affinity.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from domain.matching.diagnosis import diagnose, tight
from domain.matching.explanations import build_result
from domain.matching.fairness import solve_fair
from domain.matching.flow import solve_flow
from domain.matching.instance import Instance, Tally
from domain.matching.model import Solved, constraints, solve_total
from domain.matching.types import DEFAULT_OPTIONS, MatchOptions, MatchResult
from models.matching import FilmNeeds, PartnerOffer

# A zero-affinity pair costs this much, so it is chosen only when a quota needs it. It must stay
# far below any difference in affinity that matters, and above HiGHS's tolerances (1e-7).
_EPSILON = 1e-6


class Assignment(NamedTuple):
    """The chosen pairs (film index, partner index) of `inst`, before they are explained, with
    the solver's proof: a bound on the total, whether it is optimal, which method ran, and with
    fairness the worst-off film's figures."""

    inst: Instance
    pairs: list[tuple[int, int]]
    bound: float
    optimal: bool
    method: str
    fair: dict[str, object]
    started: float


def assign(
    films: Sequence[FilmNeeds],
    partners: Sequence[PartnerOffer],
    options: MatchOptions = DEFAULT_OPTIONS,
    *,
    time_limit: float = 30.0,
) -> Assignment:
    """The pairs with the largest total affinity (with `fairness`, the largest total among those
    that raise the worst-off film as high as it can go), proven. Raises InfeasibleMatching when
    the quotas cannot be met, and TimeoutError when HiGHS finds no matching in `time_limit`.

    Without fairness, and with quotas of pairwise disjoint kinds, a min-cost flow solves it
    (`method` "flow"): at 500 films × 300 partners about 1.3 times the bare network simplex of
    the same graph, the scores, conflicts and diagnosis included (bench/matching.py --json);
    overlapping quotas go to HiGHS ("milp")."""
    started = time.perf_counter()
    inst = Instance(films, partners, options)
    diagnose(inst)
    fi, pj = inst.variables()
    value = inst.score[fi, pj]
    c = -np.where(value > 0, value, -_EPSILON)
    method = "milp"
    if len(c) == 0 and inst.min_partners.any():
        raise tight(inst)  # a film must meet someone, and no pair is left
    if len(c) == 0:  # nothing worth choosing, and no quota needs anything (or diagnose says)
        solved, method = Solved(np.zeros(0), 0.0, True), "flow"
    elif not options.fairness and (flowed := solve_flow(inst, fi, pj)) is not None:
        solved, method = flowed, "flow"
    else:  # what a flow cannot express: overlapping quotas, or fairness's per-film floors
        a, lo, hi = constraints(inst, fi, pj)
        limit = time_limit - (time.perf_counter() - started)
        if options.fairness:
            solved = solve_fair(inst, fi, pj, c, a, lo, hi, limit)
        else:
            solved = solve_total(inst, c, a, lo, hi, limit)
    chosen = solved.x > 0.5
    # The programme maximised affinity minus epsilon per zero pair; add back the most epsilon a
    # best matching can lose, so `bound` bounds the true total. Some best matching keeps only
    # zero pairs a quota min needs (drop the others: same total), at most Σ mins per film.
    forced = sum(q.min for q in inst.quotas) * len(inst.films) + int(inst.min_partners.sum())
    room = min(int((value <= 0).sum()), forced)
    bound = solved.bound + _EPSILON * room
    pairs = list(zip(fi[chosen].tolist(), pj[chosen].tolist(), strict=True))
    if not solved.optimal:
        pairs = _fill(inst, pairs, fi, pj, value)
    fair = _fair_figures(inst, pairs, fi, value, solved) if options.fairness else {}
    return Assignment(inst, pairs, bound, solved.optimal, method, fair, started)


def solve(
    films: Sequence[FilmNeeds],
    partners: Sequence[PartnerOffer],
    options: MatchOptions = DEFAULT_OPTIONS,
    *,
    time_limit: float = 30.0,
) -> MatchResult:
    """`assign`, explained: each pair with its reasons, each film's alternates with why not, the
    whole checked against every constraint (about 0.04 s more at 500 × 300)."""
    done = assign(films, partners, options, time_limit=time_limit)
    result = build_result(
        done.inst, done.pairs, options, done.bound, done.optimal, done.started, "solve"
    )
    return result.model_copy(update={"method": done.method, **done.fair})


def _fair_figures(
    inst: Instance, pairs: list[tuple[int, int]], fi: np.ndarray, value: np.ndarray, solved: Solved
) -> dict[str, object]:
    """The worst-off total among the films some pair could help (as fairness counts them), and
    its proven bound: the fairness gap, never the total's."""
    helped = np.bincount(fi, weights=value > 0, minlength=len(inst.films)) > 0
    totals = np.zeros(len(inst.films))
    for i, j in pairs:
        totals[i] += inst.score[i, j]
    worst = float(totals[helped].min()) if helped.any() else 0.0
    top = solved.worst_bound if solved.worst_bound is not None else worst
    return {"fair_worst": worst, "fair_bound": max(top, worst)}


def _fill(
    inst: Instance,
    pairs: list[tuple[int, int]],
    fi: np.ndarray,
    pj: np.ndarray,
    value: np.ndarray,
) -> list[tuple[int, int]]:
    """A matching the time limit cut short may leave room: add the best pairs that still fit.
    Adding never takes a film below a floor or a quota min, so the matching stays valid."""
    state = Tally(inst)
    for i, j in pairs:
        state.add(i, j)
    for k in np.lexsort((pj, fi, -value)).tolist():
        i, j = int(fi[k]), int(pj[k])
        if value[k] > 0 and j not in state.chosen[i] and state.fits(i, j):
            state.add(i, j)
            pairs.append((i, j))
    return pairs
