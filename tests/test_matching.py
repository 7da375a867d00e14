"""The film-partner matching: a hand-checked optimum, brute force on tiny random instances, the
constraints on random ones (through `check`), fairness, infeasibility explained, conflicts and
validation. Plain synchronous tests: domain/matching/ does no I/O."""

from __future__ import annotations

import random
import time
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.greedy import greedy
from domain.matching.affinity import affinity, conflict, score_matrix
from domain.matching.check import check
from domain.matching.solve import solve
from domain.matching.types import (
    InfeasibleMatching,
    MatchOptions,
    MatchResult,
    Pair,
    Quota,
    Weights,
)
from models.matching import FilmNeeds, PartnerKind, PartnerOffer

POST = Quota(label="post house", kinds=frozenset({PartnerKind.POST_HOUSE}), min=1)
SELLER = Quota(
    label="sales or distribution",
    kinds=frozenset({PartnerKind.SALES_AGENT, PartnerKind.DISTRIBUTOR}),
    min=1,
)
# Only needs, territories and bids count, so that the optimum below can be worked out by hand.
PLAIN = Weights(genre=0.0, language=0.0, funding=0.0)


def film(id: str, **fields) -> FilmNeeds:
    defaults = dict(
        title=f"Film {id}", needs=frozenset(), genre="fiction", languages={"es"}, unsold=set()
    )
    return FilmNeeds(id=id, **{**defaults, **fields})


def partner(id: str, kind: PartnerKind, capacity: int, **fields) -> PartnerOffer:
    return PartnerOffer(id=id, name=f"Partner {id}", kind=kind, capacity=capacity, **fields)


def hand_instance() -> tuple[list[FilmNeeds], list[PartnerOffer]]:
    """Affinities (PLAIN weights: needs 4 × share covered, territory 2 × share of unsold, bid 3×):

            P1 (grading)  P2 (sound_mix, dcp)  S1 (sells AR BR FR)  D1 (distributes FR)
        A        2               2                    2                 3 (bid 1.0)
        B        4               0                    2                 2
        C        0               2                    3.5 (bid 0.5)     0

    Each film takes 2 partners, so 16.5 (every film's best two: A 3+2, B 4+2, C 3.5+2) bounds the
    total. It is reached only by A: D1, P2; B: P1, S1; C: P2, S1 (P1, D1 take one film; P2, S1
    two). Giving B the distributor instead costs A its bid (15.5), and so on."""
    films = [
        film("A", needs={"grading", "sound_mix"}, unsold={"AR", "BR"}, max_partners=2),
        film("B", needs={"grading"}, unsold={"FR"}, max_partners=2),
        film("C", needs={"sound_mix", "dcp", "subtitling", "vfx"}, unsold={"AR"}, max_partners=2),
    ]
    partners = [
        partner("P1", PartnerKind.POST_HOUSE, 1, services={"grading"}),
        partner("P2", PartnerKind.POST_HOUSE, 2, services={"sound_mix", "dcp"}),
        partner("S1", PartnerKind.SALES_AGENT, 2, territories={"AR", "BR", "FR"}, bids={"C": 0.5}),
        partner("D1", PartnerKind.DISTRIBUTOR, 1, territories={"FR"}, bids={"A": 1.0}),
    ]
    return films, partners


def pairs_of(result: MatchResult) -> set[tuple[str, str]]:
    return {(p.film, p.partner) for p in result.pairs}


# --- the hand-checked instance --------------------------------------------------------------


def test_hand_checked_affinities():
    films, partners = hand_instance()
    expected = {
        "A": [2, 2, 2, 3],
        "B": [4, 0, 2, 2],
        "C": [0, 2, 3.5, 0],
    }
    for f in films:
        assert [affinity(f, p, PLAIN).score for p in partners] == expected[f.id]


@pytest.mark.parametrize("quotas", [(), (POST, SELLER)])
def test_hand_checked_optimum(quotas):
    films, partners = hand_instance()
    result = solve(films, partners, MatchOptions(quotas=quotas, weights=PLAIN))
    assert result.objective == 16.5
    assert pairs_of(result) == {
        ("A", "D1"),
        ("A", "P2"),
        ("B", "P1"),
        ("B", "S1"),
        ("C", "P2"),
        ("C", "S1"),
    }
    assert result.optimal
    assert result.bound == pytest.approx(16.5, abs=1e-5)
    assert result.worst_film == 5.0  # A: 3 + 2
    assert check(result, films, partners, MatchOptions(quotas=quotas)) == []


def test_alternates_say_why_not():
    films, partners = hand_instance()
    result = solve(films, partners, MatchOptions(weights=PLAIN))
    alternates = [a for a in result.alternates if a.film == "A"]
    # A's other positive partners, by affinity then id: P1 and S1 (both 2), each full.
    assert [a.partner for a in alternates] == ["P1", "S1"]
    assert (
        alternates[0].why_not == "Partner P1 is at capacity (1 film), each at least as close a fit"
    )
    assert "Partner S1 is at capacity (2 films)" in alternates[1].why_not
    assert any("covers grading" in r for r in alternates[0].reasons)
    # A pair worth nothing is never offered as an alternate.
    assert ("B", "P2") not in {(a.film, a.partner) for a in result.alternates}


def test_zero_affinity_pairs_only_when_a_quota_forces_them():
    films, partners = hand_instance()
    films = [f.model_copy(update={"max_partners": 5}) for f in films]
    partners = [p.model_copy(update={"capacity": 3}) for p in partners]
    plain = solve(films, partners, MatchOptions(weights=PLAIN))
    assert all(p.affinity > 0 for p in plain.pairs)
    assert ("B", "P2") not in pairs_of(plain)

    # A TV buyer worth nothing to anyone, which every film must meet.
    buyer = partner("T1", PartnerKind.TV_BUYER, 3, territories={"JP"})
    tv = Quota(label="tv", kinds=frozenset({PartnerKind.TV_BUYER}), min=1)
    films, partners = hand_instance()
    forced = solve(films, [*partners, buyer], MatchOptions(quotas=(tv,), weights=PLAIN))
    assert {p.film for p in forced.pairs if p.partner == "T1"} == {"A", "B", "C"}
    # With max 2 partners each, every film keeps its best one next to the buyer: 3 + 4 + 3.5.
    assert forced.objective == 10.5


# --- brute force on tiny random instances ---------------------------------------------------

NEEDS = ["grading", "sound_mix", "dcp"]
TERRITORIES = ["AR", "BR", "FR"]
KINDS = [
    PartnerKind.POST_HOUSE,
    PartnerKind.SALES_AGENT,
    PartnerKind.DISTRIBUTOR,
    PartnerKind.FUND,
    PartnerKind.TV_BUYER,
]
QUOTA_SETS = [
    (),
    (POST,),
    (POST, SELLER),
    (Quota(label="one seller at most", kinds=SELLER.kinds, max=1),),
    # nested: still laminar, the LP path
    (Quota(label="post or fund", kinds={PartnerKind.POST_HOUSE, PartnerKind.FUND}, max=2), POST),
    # overlapping but not nested: the MILP path
    (
        Quota(
            label="post or sales", kinds={PartnerKind.POST_HOUSE, PartnerKind.SALES_AGENT}, min=1
        ),
        SELLER,
    ),
]


@st.composite
def instances(draw, max_films: int = 3, max_partners: int = 4):
    nf = draw(st.integers(1, max_films))
    np_ = draw(st.integers(1, max_partners))
    film_ids = [f"f{i}" for i in range(nf)]
    partner_ids = [f"p{j}" for j in range(np_)]
    names = st.frozensets(
        st.sampled_from(["Cine Sur S.A.", "lux", "nord", "ana", "bo"]), max_size=1
    )
    films = [
        FilmNeeds(
            id=film_id,
            title=f"Film {film_id}",
            needs=draw(st.frozensets(st.sampled_from(NEEDS))),
            genre=draw(st.sampled_from(["fiction", "documentary"])),
            languages=draw(st.frozensets(st.sampled_from(["es", "en"]), min_size=1)),
            unsold=draw(st.frozensets(st.sampled_from(TERRITORIES))),
            has_sales_agent=draw(st.booleans()),
            missing_budget=Decimal(draw(st.sampled_from([0, 40000]))),
            people=draw(names),
            opt_outs=draw(st.frozensets(st.sampled_from(partner_ids), max_size=1)),
            max_partners=draw(st.integers(0, 3)),
        )
        for film_id in film_ids
    ]
    partners = [
        PartnerOffer(
            id=partner_id,
            name=f"Partner {partner_id}",
            kind=draw(st.sampled_from(KINDS)),
            services=draw(st.frozensets(st.sampled_from(NEEDS))),
            capacity=draw(st.integers(0, 3)),
            territories=draw(st.frozensets(st.sampled_from(TERRITORIES))),
            languages=draw(st.frozensets(st.sampled_from(["es", "en", "fr"]))),
            genres=draw(st.frozensets(st.sampled_from(["fiction", "documentary"]))),
            people=draw(names),
            opt_outs=draw(st.frozensets(st.sampled_from(film_ids), max_size=1)),
            bids=draw(st.dictionaries(st.sampled_from(film_ids), st.sampled_from([0.0, 0.3, 1.0]))),
        )
        for partner_id in partner_ids
    ]
    options = MatchOptions(quotas=draw(st.sampled_from(QUOTA_SETS)))
    return films, partners, options


def brute_force(films, partners, options, fair: bool = False) -> float | None:
    """The best total over every subset of allowed pairs, or None when no subset is valid. With
    `fair`, the best total among the subsets whose worst film that can be helped (some allowed
    partner with room is worth something to it) is as well off as possible."""
    pairs = [(f, p) for f in films for p in partners if conflict(f, p) is None]
    m = len(pairs)
    chosen = ((np.arange(2**m)[:, None] >> np.arange(m)) & 1).astype(bool)
    valid = np.ones(len(chosen), dtype=bool)
    for p in partners:
        valid &= chosen[:, [k for k, (_, q) in enumerate(pairs) if q is p]].sum(1) <= p.capacity
    for f in films:
        mine = [k for k, (g, _) in enumerate(pairs) if g is f]
        valid &= chosen[:, mine].sum(1) <= f.max_partners
        for quota in options.quotas:
            count = chosen[:, [k for k in mine if pairs[k][1].kind in quota.kinds]].sum(1)
            valid &= count >= quota.min
            if quota.max is not None:
                valid &= count <= quota.max
    if not valid.any():
        return None
    scores = np.array([affinity(f, p, options.weights).score for f, p in pairs])
    if m == 0:
        return 0.0
    chosen = chosen[valid]
    if fair:
        helped = [
            [k for k, (g, p) in enumerate(pairs) if g is f and scores[k] > 0 and p.capacity > 0]
            for f in films
            if f.max_partners > 0
        ]
        totals = [chosen[:, mine] @ scores[mine] for mine in helped if mine]
        if totals:
            worst = np.min(totals, axis=0)
            chosen = chosen[worst >= worst.max() - 1e-9]
    return float((chosen @ scores).max())


@pytest.mark.parametrize("fair", [False, True], ids=["total", "fairness"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances())
def test_solve_matches_brute_force(fair, instance):
    films, partners, options = instance
    options = options.model_copy(update={"fairness": fair})
    best = brute_force(films, partners, options, fair=fair)
    if best is None:
        with pytest.raises(InfeasibleMatching):
            solve(films, partners, options)
        return
    result = solve(films, partners, options)
    assert result.objective == pytest.approx(best, abs=1e-5)
    assert result.optimal


# --- properties on random instances ---------------------------------------------------------


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_films=7, max_partners=9))
def test_solutions_are_valid_and_beat_greedy(instance):
    films, partners, options = instance
    try:
        result = solve(films, partners, options)
    except InfeasibleMatching:
        with pytest.raises(InfeasibleMatching):
            greedy(films, partners, options)
        return
    assert check(result, films, partners, options) == []
    assert result.bound >= result.objective - 1e-6
    assert len(pairs_of(result)) == len(result.pairs)
    for pair in result.pairs:
        f = next(x for x in films if x.id == pair.film)
        p = next(x for x in partners if x.id == pair.partner)
        assert pair.affinity == affinity(f, p, options.weights).score
    try:
        baseline = greedy(films, partners, options)
    except InfeasibleMatching:
        return  # greedy may miss quotas that solve meets
    assert check(baseline, films, partners, options) == []
    assert result.objective >= baseline.objective - 1e-5


@settings(max_examples=30, deadline=None)
@given(instances(max_films=7, max_partners=9))
def test_vectorised_scores_equal_affinity(instance):
    films, partners, options = instance
    scores = score_matrix(films, partners, options.weights)
    for i, f in enumerate(films):
        for j, p in enumerate(partners):
            assert scores[i, j] == affinity(f, p, options.weights).score


@settings(max_examples=15, deadline=None)
@given(instances(max_films=6, max_partners=8), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_the_same_matching(instance, rng: random.Random):
    films, partners, options = instance
    try:
        first = solve(films, partners, options)
    except InfeasibleMatching:
        return
    rng.shuffle(films)
    rng.shuffle(partners)
    again = solve(films, partners, options)
    assert again.pairs == first.pairs
    assert again.alternates == first.alternates


# --- fairness -------------------------------------------------------------------------------


def test_fairness_raises_the_worst_off_film():
    # Only bids count. P (one film) is worth 0.9 to X and 0.3 to Y; Q only interests X.
    bids = Weights(needs=0, genre=0, territory=0, language=0, funding=0, bid=1)
    films = [film("X", max_partners=2), film("Y", max_partners=2)]
    partners = [
        partner("P", PartnerKind.POST_HOUSE, 1, bids={"X": 0.9, "Y": 0.3}),
        partner("Q", PartnerKind.POST_HOUSE, 1, bids={"X": 0.5}),
    ]
    unfair = solve(films, partners, MatchOptions(weights=bids))
    assert pairs_of(unfair) == {("X", "P"), ("X", "Q")}
    assert unfair.worst_film == 0.0

    fair = solve(films, partners, MatchOptions(weights=bids, fairness=True))
    assert pairs_of(fair) == {("X", "Q"), ("Y", "P")}
    assert fair.worst_film == pytest.approx(0.3)
    assert fair.objective == pytest.approx(0.8)
    assert fair.objective <= unfair.objective
    assert fair.optimal


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_films=5, max_partners=6))
def test_fairness_never_lowers_the_worst_film_nor_raises_the_total(instance):
    films, partners, options = instance
    try:
        unfair = solve(films, partners, options)
    except InfeasibleMatching:
        return
    fair = solve(films, partners, options.model_copy(update={"fairness": True}))
    assert check(fair, films, partners, options) == []
    assert fair.worst_film >= unfair.worst_film - 1e-5
    assert fair.objective <= unfair.objective + 1e-5


# --- infeasibility, explained ---------------------------------------------------------------


def test_too_little_post_house_capacity_is_explained_quickly():
    films = [film(f"f{i}") for i in range(6)]
    partners = [
        partner("p1", PartnerKind.POST_HOUSE, 2),
        partner("p2", PartnerKind.POST_HOUSE, 2),
    ]
    started = time.perf_counter()
    with pytest.raises(InfeasibleMatching) as raised:
        solve(films, partners, MatchOptions(quotas=(POST,)))
    assert time.perf_counter() - started < 2
    assert raised.value.explanations == [
        "6 films need at least one post house (quota 'post house'); the 2 post houses can take "
        "4 films in all."
    ]
    assert str(raised.value) == raised.value.explanations[0]
    with pytest.raises(InfeasibleMatching):
        greedy(films, partners, MatchOptions(quotas=(POST,)))


def test_a_film_whose_post_houses_are_all_excluded_is_named():
    films = [film("f1", title="Los Años", people={"Cine Sur S.A."}, opt_outs={"p2"})]
    partners = [
        partner("p1", PartnerKind.POST_HOUSE, 3, people={"cine sur sa"}),
        partner("p2", PartnerKind.POST_HOUSE, 3),
        partner("p3", PartnerKind.POST_HOUSE, 3, opt_outs={"f1"}),
        partner("s1", PartnerKind.SALES_AGENT, 3),
    ]
    with pytest.raises(InfeasibleMatching) as raised:
        solve(films, partners, MatchOptions(quotas=(POST, SELLER)))
    (explanation,) = raised.value.explanations
    assert explanation == (
        "'Los Años' (f1) needs at least one post house (quota 'post house'), but only 0 of the "
        "3 post houses can take it (1 excluded by a conflict of interest; 1 excluded by the "
        "producer's opt-out; 1 excluded by their own opt-out)."
    )


def test_max_partners_below_the_quotas_is_explained():
    films = [film("f1", title="Tierra", max_partners=1)]
    partners = [
        partner("p1", PartnerKind.POST_HOUSE, 1),
        partner("s1", PartnerKind.SALES_AGENT, 1),
    ]
    with pytest.raises(
        InfeasibleMatching, match=r"'Tierra' \(f1\) can take only 1 partner, but its"
    ):
        solve(films, partners, MatchOptions(quotas=(POST, SELLER)))


def test_infeasibility_only_the_solver_sees_names_the_tight_quota():
    # Every count adds up, but B, C and D can only use P1 and P2, which take one film each.
    films = [film(x) for x in "ABCDE"]
    partners = [
        partner("P1", PartnerKind.POST_HOUSE, 1),
        partner("P2", PartnerKind.POST_HOUSE, 1),
        partner("P3", PartnerKind.POST_HOUSE, 5, opt_outs={"B", "C", "D"}),
        partner("P4", PartnerKind.POST_HOUSE, 5, opt_outs={"B", "C", "D"}),
    ]
    started = time.perf_counter()
    with pytest.raises(InfeasibleMatching) as raised:
        solve(films, partners, MatchOptions(quotas=(POST,)))
    assert time.perf_counter() - started < 2
    text = str(raised.value)
    assert "No matching meets every quota at once" in text
    assert "Quota 'post house' needs 5 places with post houses, which offer 6 in all." in text
    with pytest.raises(InfeasibleMatching, match="greedy could not give"):
        greedy(films, partners, MatchOptions(quotas=(POST,)))


# --- conflicts, reasons, validation ---------------------------------------------------------


def test_conflict_of_interest_by_a_shared_company():
    f = film("f1", title="Los Años", people={"Cine Sur S.A.", "Ana Ruiz"})
    p = partner("p1", PartnerKind.SALES_AGENT, 2, people={"cine sur sa"})
    assert conflict(f, p) == "conflict of interest: cine sur on both sides"
    assert conflict(f, partner("p2", PartnerKind.SALES_AGENT, 2, people={"Lux"})) is None


def test_opt_outs_on_either_side_are_conflicts():
    f = film("f1", title="Los Años", opt_outs={"p1"})
    assert conflict(f, partner("p1", PartnerKind.FUND, 1)) == (
        "the producer of 'Los Años' opted out of Partner p1"
    )
    declining = partner("p2", PartnerKind.FUND, 1, opt_outs={"f1"})
    assert conflict(f, declining) == "Partner p2 opted out of 'Los Años'"


def test_conflicted_pairs_are_never_chosen():
    films, partners = hand_instance()
    films[0] = films[0].model_copy(update={"opt_outs": frozenset({"D1"})})
    result = solve(films, partners, MatchOptions(weights=PLAIN))
    assert ("A", "D1") not in pairs_of(result)
    assert check(result, films, partners) == []


def test_affinity_reasons_mention_the_covered_needs():
    f = film("f1", needs={"grading", "sound_mix", "dcp"}, unsold={"AR", "BR", "UY"})
    post = partner("p1", PartnerKind.POST_HOUSE, 1, services={"grading", "sound_mix", "vfx"})
    assert "covers grading, sound_mix (2 of 3 needs)" in affinity(f, post).reasons
    agent = partner(
        "s1", PartnerKind.SALES_AGENT, 1, territories={"AR", "BR", "US"}, bids={"f1": 0.8}
    )
    reasons = affinity(f, agent).reasons
    assert "sells in AR, BR where the film is unsold" in reasons
    assert "bid: 0.8" in reasons
    represented = f.model_copy(update={"has_sales_agent": True})
    assert "the film already has a sales agent" in affinity(represented, agent).reasons


def test_duplicate_ids_are_refused():
    films, partners = hand_instance()
    with pytest.raises(ValueError, match="two films share the id 'A'"):
        solve([*films, films[0]], partners)
    with pytest.raises(ValueError, match="two partners share the id 'P1'"):
        greedy(films, [*partners, partners[0]])


def test_bad_quotas_and_capacities_are_refused():
    with pytest.raises(ValueError, match="quota 'post house': min 2 is above max 1"):
        Quota(label="post house", kinds={PartnerKind.POST_HOUSE}, min=2, max=1)
    with pytest.raises(ValueError, match="names no partner kind"):
        Quota(label="nobody", kinds=frozenset(), min=1)
    with pytest.raises(ValueError, match="capacity must be 0 or more, got -1"):
        partner("p1", PartnerKind.POST_HOUSE, -1)
    with pytest.raises(ValueError, match="outside \\[0, 1\\]"):
        partner("p1", PartnerKind.POST_HOUSE, 1, bids={"f1": 1.5})
    # Built without validation, the solver still refuses it.
    sneaky = PartnerOffer.model_construct(
        **{**partner("p1", PartnerKind.POST_HOUSE, 1).__dict__, "capacity": -2}
    )
    with pytest.raises(ValueError, match="negative capacity"):
        solve([film("f1")], [sneaky])


def test_check_names_every_violation():
    films, partners = hand_instance()
    films[0] = films[0].model_copy(update={"opt_outs": frozenset({"P1"})})
    bad = MatchResult(
        pairs=(
            Pair(film="A", partner="P1", kind=PartnerKind.POST_HOUSE, affinity=2, reasons=()),
            Pair(film="B", partner="P1", kind=PartnerKind.POST_HOUSE, affinity=4, reasons=()),
            Pair(film="B", partner="P1", kind=PartnerKind.POST_HOUSE, affinity=4, reasons=()),
        ),
        alternates=(),
        objective=10,
        bound=1,
        worst_film=0,
        optimal=True,
        seconds=0,
    )
    problems = check(bad, films, partners, MatchOptions(quotas=(SELLER,)))
    assert "Partner P1 is paired with 'Film B' (B) twice" in problems
    assert "Partner P1 has 2 films, over its capacity of 1" in problems
    assert any("despite the producer of 'Film A' opted out" in p for p in problems)
    assert any("has 0 for quota 'sales or distribution'" in p for p in problems)
    assert "bound 1.0 is below the objective 10.0" in problems
