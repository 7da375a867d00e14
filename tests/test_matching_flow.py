"""The min-cost flow path of the matching: on random instances (with per-film mins and maxes) it
reaches the same optimum as HiGHS's LP/MILP, or both find none; which path ran is in the result;
a film's min_partners is met, and refused when above its max. And what makes the whole solve
cheap keeps its answers: `assign` chooses what `solve` reports, conflicts found by index equal the
dense count, and each film's alternates are its best candidates by affinity, then partner id."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.matching.affinity import name_set, overlap, shares
from domain.matching.flow import solve_flow
from domain.matching.instance import Instance
from domain.matching.model import constraints, solve_total
from domain.matching.solve import assign, solve
from domain.matching.types import InfeasibleMatching, MatchOptions
from models.matching import PartnerKind
from tests.test_matching import PLAIN, POST, SELLER, film, instances, partner

ROOT = Path(__file__).resolve().parents[1]


@st.composite
def with_mins(draw, max_films: int = 6, max_partners: int = 8):
    films, partners, options = draw(instances(max_films=max_films, max_partners=max_partners))
    films = [
        f.model_copy(update={"min_partners": draw(st.integers(0, f.max_partners))}) for f in films
    ]
    return films, partners, options


def _milp_total(inst: Instance) -> float | None:
    """The programme's optimum as the LP/MILP finds it (zero pairs at -1e-6), or None."""
    fi, pj = inst.variables()
    value = inst.score[fi, pj]
    c = -np.where(value > 0, value, -1e-6)
    a, lo, hi = constraints(inst, fi, pj)
    try:
        solved = solve_total(inst, c, a, lo, hi, 30.0)
    except InfeasibleMatching:
        return None
    return float(-c @ solved.x)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_mins())
def test_the_flow_and_the_milp_reach_the_same_optimum(instance):
    films, partners, options = instance
    inst = Instance(films, partners, options)
    fi, pj = inst.variables()
    if len(fi) == 0:  # solve itself answers this case, without either
        return
    expected = _milp_total(inst)
    try:
        flowed = solve_flow(inst, fi, pj)
    except InfeasibleMatching:
        assert expected is None
        return
    if flowed is None:  # overlapping quotas: the flow declines, the MILP decides
        return
    value = inst.score[fi, pj]
    got = float(np.where(value > 0, value, -1e-6) @ flowed.x)
    assert expected is not None
    assert got == pytest.approx(expected, abs=1e-5)
    assert flowed.bound >= got - 1e-9


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_mins(max_films=5, max_partners=7))
def test_assign_chooses_what_solve_explains(instance):
    films, partners, options = instance
    try:
        result = solve(films, partners, options)
    except InfeasibleMatching:
        with pytest.raises(InfeasibleMatching):
            assign(films, partners, options)
        return
    done = assign(films, partners, options)
    chosen = {(done.inst.films[i].id, done.inst.partners[j].id) for i, j in done.pairs}
    assert chosen == {(p.film, p.partner) for p in result.pairs}
    assert (done.method, done.optimal) == (result.method, result.optimal)
    # Each film's alternates: its best allowed partners not chosen, worth something, by
    # affinity then partner id (as a sort of every pair would give them).
    inst = done.inst
    for i, f in enumerate(inst.films):
        expected = sorted(
            (-inst.score[i, j], p.id)
            for j, p in enumerate(inst.partners)
            if inst.allowed[i, j] and inst.score[i, j] > 0 and (f.id, p.id) not in chosen
        )[: MatchOptions().alternates]
        got = [(-a.affinity, a.partner) for a in result.alternates if a.film == f.id]
        assert got == expected


@given(
    st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=3), max_size=6),
    st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=3), max_size=6),
)
def test_shared_names_found_by_index_equal_the_dense_count(rows, cols):
    assert (shares(rows, cols) == (overlap(rows, cols) > 0)).all()
    assert shares([name_set({"Cine Sur S.A."})], [name_set({"CINE SUR SA"})]).all()


def test_solve_says_which_path_ran():
    films = [film("A", needs=frozenset({"grading"}))]
    partners = [
        partner("P", PartnerKind.POST_HOUSE, 1, services=frozenset({"grading"})),
        partner("S", PartnerKind.SALES_AGENT, 1),
    ]
    assert solve(films, partners, MatchOptions(quotas=(POST, SELLER))).method == "flow"
    overlapping = SELLER.model_copy(update={"kinds": frozenset(PartnerKind)})
    assert solve(films, partners, MatchOptions(quotas=(POST, overlapping))).method == "milp"


def test_a_film_gets_its_min_partners_even_worth_nothing():
    films = [film("A", min_partners=2, max_partners=3)]
    partners = [partner(f"F{k}", PartnerKind.FUND, 1) for k in range(3)]
    result = solve(films, partners, MatchOptions(weights=PLAIN))  # every pair worth 0
    assert result.objective == 0 and len(result.pairs) == 2
    assert result.method == "flow" and result.optimal
    too_many = [film("A", min_partners=4, max_partners=5)]
    with pytest.raises(InfeasibleMatching):
        solve(too_many, partners, MatchOptions(weights=PLAIN))


def test_min_partners_above_max_is_refused_by_field():
    with pytest.raises(ValidationError, match="min_partners: 3 is above max_partners 2"):
        film("A", min_partners=3, max_partners=2)
    with pytest.raises(ValidationError, match="min_partners must be 0 or more"):
        film("A", min_partners=-1)


@pytest.mark.integration  # a process of its own, so that nothing else has loaded SciPy
def test_importing_the_matching_loads_no_solver():
    """SciPy and OR-Tools load where a solve starts: importing the module stays light (0.15 s,
    where SciPy alone took 0.3 s)."""
    code = (
        "import sys, domain.matching.solve; "
        "print(sorted(m for m in ('scipy', 'ortools') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
