"""Fairness's proofs: the affinities' grid, the poorest film's best total alone checked as a
bound against brute force, the neighbourhood's pairs, a fair solve that agrees with brute force
on t and on the largest total at t (also when the LP's neighbourhood holds no matching), exact
(`fair_exact`) only when the worst-off film meets its proven bound and optimal only when the
total is proven too, and a probe that runs out of time never taken for a proof."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import domain.matching.fairness as fairness
from domain.matching.fairness import Grid, best_alone, neighbourhood
from domain.matching.instance import Instance
from domain.matching.model import constraints
from domain.matching.solve import solve
from domain.matching.types import InfeasibleMatching, MatchOptions, Weights
from models.matching import PartnerKind
from tests.test_matching import film, instances, partner


def test_the_grid_of_the_affinities():
    assert Grid.of(np.array([0.5, 1 / 3, 2.0, 0.3])).step == 60
    assert Grid.of(np.array([1.0, 3.0])).step == 1
    assert Grid.of(np.array([4 / 7, 0.1])).step == 2_520
    assert Grid.of(np.array([0.123456789])).step is None


def test_the_grid_rounds_bounds_down_and_searches_on_it():
    grid = Grid(60)
    assert grid.down(20.04) == pytest.approx(1202 / 60)
    assert grid.down(1202 / 60) == pytest.approx(1202 / 60)  # a bound on the grid stays
    assert grid.below(1.0) == pytest.approx(59 / 60)
    assert grid.meets(17.999999999999996, 18.0) and not grid.meets(18.0, 18 + 1 / 60)
    trial = grid.middle(1.0, 1 + 1 / 60)
    assert trial == pytest.approx(1 + 1 / 60)  # strictly above the low end, so bisection ends
    continuous = Grid(None)
    assert continuous.below(1.0) == 1.0 and continuous.meets(1.0, 1.0 + 1e-9)


def test_the_neighbourhood_is_the_lp_support_and_the_pairs_nearly_worth_it():
    x = np.array([1.0, 0.5, 0.0, 0.0, 0.0])
    reduced = np.array([-3.0, 0.0, 0.2, 0.5, 0.7])
    assert neighbourhood(x, reduced).tolist() == [True, True, True, True, False]


def brute_max_min(inst: Instance) -> tuple[float, float] | None:
    """The largest worst-off total (over films some variable helps) over every valid subset of
    the variables, and the largest total among the subsets that reach it; None when no subset
    meets the constraints."""
    fi, pj = inst.variables()
    a, lo, hi = constraints(inst, fi, pj)
    value = inst.score[fi, pj]
    n = len(fi)
    chosen = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(float)
    counts = chosen @ a.toarray().T
    valid = ((counts >= lo - 1e-9) & (counts <= hi + 1e-9)).all(axis=1)
    if not valid.any():
        return None
    helped = [np.nonzero((fi == i) & (value > 0))[0] for i in range(len(inst.films))]
    totals = [chosen[valid][:, mine] @ value[mine] for mine in helped if len(mine)]
    everything = chosen[valid] @ value
    if not totals:
        return 0.0, float(everything.max())
    worst = np.min(totals, axis=0)
    t = float(worst.max())
    return t, float(everything[worst >= t - 1e-9].max())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_films=3, max_partners=4))
def test_the_bound_holds_and_the_fair_solve_reaches_it(instance):
    check_against_brute_force(instance)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_films=3, max_partners=4))
def test_a_narrow_neighbourhood_falls_back_to_the_whole_programme(instance):
    # Tiny instances fit in the neighbourhood whole; with only the pairs the LP fully chose in
    # it (often none, or too few), the probes that find nothing there must still ask the whole
    # programme, and agree.
    def integral_only(x, reduced, within=0.5):
        return x > 1 - 1e-6

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fairness, "neighbourhood", integral_only)
        check_against_brute_force(instance)


def check_against_brute_force(instance) -> None:
    films, partners, options = instance
    inst = Instance(films, partners, options)
    fi, pj = inst.variables()
    if len(fi) > 14:
        return  # brute force over 2^n subsets
    brute = brute_max_min(inst)
    fair = options.model_copy(update={"fairness": True})
    if brute is None:
        with pytest.raises(InfeasibleMatching):
            solve(films, partners, fair)
        return
    best, total = brute
    value = inst.score[fi, pj]
    helped = np.bincount(fi, weights=value > 0, minlength=len(films)) > 0
    if helped.any():
        from scipy.sparse import csr_array

        rows = csr_array((value, (fi, np.arange(len(fi)))), shape=(len(films), len(fi)))[helped]
        a, lo, hi = constraints(inst, fi, pj)
        c = -np.where(value > 0, value, -1e-6)
        alone = best_alone(c, a, lo, hi, len(partners), rows)
        assert alone.min() >= best - 1e-6
    result = solve(films, partners, fair)
    assert result.fair_worst == pytest.approx(best, abs=1e-6)
    assert result.fair_exact and result.fair_bound == pytest.approx(best, abs=1e-6)
    assert result.objective <= total + 1e-6 <= result.bound + 2e-6
    if result.optimal:  # the total at the floor, proven too
        assert result.objective == pytest.approx(total, abs=1e-6)


def test_a_probe_out_of_time_is_no_proof(monkeypatch):
    # Only bids count: P (one film) is worth 0.9 to X and 0.3 to Y; Q only interests X. The best
    # worst-off total is 0.3, and the LP proves it. If every floor probe runs out of time, the
    # search ends below, but the bound stays 0.3 and the run is not called optimal.
    bids = Weights(needs=0, genre=0, territory=0, language=0, funding=0, bid=1)
    films = [film("X", max_partners=2), film("Y", max_partners=2)]
    partners = [
        partner("P", PartnerKind.POST_HOUSE, 1, bids={"X": 0.9, "Y": 0.3}),
        partner("Q", PartnerKind.POST_HOUSE, 1, bids={"X": 0.5}),
    ]
    real = fairness.run_milp

    def out_of_time(c, *args):
        if not np.any(c):  # a floor probe: nothing to maximise
            return None, -math.inf, 1
        return real(c, *args)

    monkeypatch.setattr(fairness, "run_milp", out_of_time)
    result = solve(films, partners, MatchOptions(weights=bids, fairness=True))
    assert result.fair_bound == pytest.approx(0.3)
    assert result.fair_worst < 0.3 and not result.optimal and not result.fair_exact
