"""Which industry partner meets (or helps) which selected film: an optimal, explainable matching.

A works-in-progress session puts about six unfinished films in front of post-production houses,
sales agents, distributors, TV buyers, funds, co-producers and residencies. Every allowed pair
(film, partner) gets an *affinity*: a score that adds up plain-English reasons (the post house
covers the film's missing work, the sales agent sells where the film is still unsold, the partner
bid on it, ...). `solve` then chooses the pairs with the largest total affinity such that

* a partner takes at most `capacity` films, and a film at most `max_partners` partners;
* each film meets each quota of partner kinds (e.g. at least one post house; at least one sales
  agent or distributor) within its [min, max];
* no pair has a conflict of interest (a person or company on both sides) or an opt-out, on either
  side.

This is an integer programme solved with HiGHS through scipy. Without fairness, and when the
quotas' kind sets are laminar (any two disjoint or nested, as real quotas are), the constraint
matrix is the incidence matrix of two laminar families (partner rows on one side; film and quota
rows on the other), which is totally unimodular: the LP relaxation has an integral optimal vertex,
so one dual-simplex LP (about half a second for 500 films × 300 partners, bench/matching.py)
gives the optimum and proves it. The vertex is checked to be integral, and HiGHS's MILP solves
the programme otherwise: for overlapping quotas, and for fairness (`_solve_fair`), whose per-film
affinity floors break total unimodularity.

Zero-affinity pairs: a pair worth nothing is only chosen when a quota forces it. Pairs whose kind
no quota requires are left out of the programme altogether; the others cost a tiny `_EPSILON`, so
the solver picks them only when it must. The reported `bound` adds back the most epsilon a best
matching could lose that way, so it stays a true upper bound on the total affinity.

Determinism: films and partners are sorted by id before anything else, so the same instance in
any order builds the same programme, and HiGHS is deterministic on the same programme. Alternates
sort by affinity, then partner id.

`greedy` is the baseline the benchmark compares against (bench/matching.py), and `check` states
every violated constraint in words: the tests use it, and `solve` and `greedy` use it as a guard.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, Field, model_validator
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, hstack, vstack

from models.matching import FilmNeeds, PartnerKind, PartnerOffer
from models.names import normalise_name

# A zero-affinity pair costs this much, so it is chosen only when a quota needs it. It must stay
# far below any difference in affinity that matters, and above HiGHS's tolerances (1e-7).
_EPSILON = 1e-6
# Relative MIP gap at which HiGHS may call a solution optimal (scipy's default is 1e-4, which on a
# total of 3,000 would accept a matching 0.3 below the best).
_MIP_GAP = 1e-7
# A distributor or TV buyer usually works one country: the territory term saturates at this many
# unsold territories, so covering the film's few key markets is worth as much as a world sales
# agent covering all of them.
_TERRITORY_SATURATION = 3


_KINDS = list(PartnerKind)
_NOUNS = {
    PartnerKind.POST_HOUSE: ("post house", "post houses"),
    PartnerKind.SALES_AGENT: ("sales agent", "sales agents"),
    PartnerKind.DISTRIBUTOR: ("distributor", "distributors"),
    PartnerKind.TV_BUYER: ("TV buyer", "TV buyers"),
    PartnerKind.FUND: ("fund", "funds"),
    PartnerKind.CO_PRODUCER: ("co-producer", "co-producers"),
    PartnerKind.RESIDENCY: ("residency", "residencies"),
}
_FUNDERS = {PartnerKind.FUND, PartnerKind.CO_PRODUCER}
_SELLS = {
    PartnerKind.SALES_AGENT: "sells",
    PartnerKind.DISTRIBUTOR: "distributes",
    PartnerKind.TV_BUYER: "broadcasts",
}


class Quota(BaseModel, frozen=True):
    """Per film, how many partners of these kinds: e.g. at least one post house."""

    label: str
    kinds: frozenset[PartnerKind]
    min: int = 0
    max: int | None = None

    @model_validator(mode="after")
    def _range(self) -> Quota:
        if not self.kinds:
            raise ValueError(f"quota '{self.label}' names no partner kind")
        if self.min < 0:
            raise ValueError(f"quota '{self.label}': min {self.min} is below 0")
        if self.max is not None and self.min > self.max:
            raise ValueError(f"quota '{self.label}': min {self.min} is above max {self.max}")
        return self


class Weights(BaseModel, frozen=True):
    """What each reason is worth; a pair's affinity is at most their sum (13 by default).

    Covering the film's missing post work is the point of a WIP session, so it weighs most. A
    declared bid comes next: interest predicts a meeting that leads somewhere. Selling where the
    film is unsold, and money for a film short of post budget, are the business reasons. Genre and
    language fit make a meeting easier but decide nothing on their own."""

    needs: float = 4.0
    genre: float = 1.0
    territory: float = 2.0
    language: float = 1.0
    bid: float = 3.0
    funding: float = 2.0


class MatchOptions(BaseModel, frozen=True):
    quotas: tuple[Quota, ...] = ()
    fairness: bool = Field(
        False, description="raise the worst-off film first (max-min), then maximise the total"
    )
    alternates: int = Field(3, ge=0, description="alternates listed per film")
    weights: Weights = Weights()


# Frozen, so one shared instance is a safe default argument.
DEFAULT_WEIGHTS = Weights()
DEFAULT_OPTIONS = MatchOptions()


class Affinity(BaseModel, frozen=True):
    score: float
    reasons: tuple[str, ...]


class Pair(BaseModel, frozen=True):
    film: str
    partner: str
    kind: PartnerKind
    affinity: float
    reasons: tuple[str, ...]


class Alternate(BaseModel, frozen=True):
    film: str
    partner: str
    affinity: float
    reasons: tuple[str, ...]
    why_not: str


class MatchResult(BaseModel, frozen=True):
    pairs: tuple[Pair, ...]
    alternates: tuple[Alternate, ...]
    objective: float = Field(description="total affinity of the pairs")
    bound: float = Field(description="an upper bound on the objective, proven by the solver")
    worst_film: float = Field(description="smallest total affinity of any film")
    optimal: bool
    seconds: float

    @property
    def gap(self) -> float:
        return (self.bound - self.objective) / max(self.bound, 1e-9)


class InfeasibleMatching(ValueError):
    """No matching meets the quotas; `explanations` says why, one sentence each, for staff."""

    def __init__(self, explanations: list[str]) -> None:
        self.explanations = list(explanations)
        super().__init__("\n".join(self.explanations))


# --- the affinity of one pair ---------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _name(text: str) -> str:
    # The committee's conflict rules compare names the same way ("Cine Sur S.A." is "cine sur sa").
    return normalise_name(text)


def _names(items: Iterable[str]) -> set[str]:
    return {_name(item) for item in items} - {""}


def conflict(film: FilmNeeds, partner: PartnerOffer) -> str | None:
    """Why `partner` must not be matched with `film`, or None: a hard rule, whatever the score."""
    if partner.id in film.opt_outs:
        return f"the producer of '{film.title}' opted out of {partner.name}"
    if film.id in partner.opt_outs:
        return f"{partner.name} opted out of '{film.title}'"
    if shared := _names(film.people) & _names(partner.people):
        return f"conflict of interest: {_listing(shared)} on both sides"
    return None


def affinity(
    film: FilmNeeds, partner: PartnerOffer, weights: Weights = DEFAULT_WEIGHTS
) -> Affinity:
    """How good a match the pair is, and why. The score adds up:

    * needs: `weights.needs` × the share of the film's post needs the partner's services cover;
    * funding: `weights.funding` when a fund or co-producer meets a film short of post budget;
    * territory: `weights.territory` × the share of the film's unsold territories a sales agent,
      distributor or TV buyer works in (of at most 3; nothing for a film that has an agent and
      meets another);
    * genre: `weights.genre` if the partner takes the film's genre, half if it takes every genre
      (an open door, not a specialist);
    * language: `weights.language` if they share a language;
    * bid: `weights.bid` × the partner's declared interest.

    `_score_matrix` computes the same scores for every pair at once, adding the terms in the same
    order, so both give the same floats (tests/test_matching.py)."""
    reasons: list[str] = []
    needs = funding = territory = genre = language = bid = 0.0

    if film.needs and partner.services:
        covered = film.needs & partner.services
        needs = weights.needs * (len(covered) / len(film.needs))
        if covered:
            reasons.append(
                f"covers {_listing(covered)} ({len(covered)} of {len(film.needs)} needs)"
            )
        else:
            reasons.append("offers none of the film's post-production needs")

    if partner.kind in _FUNDERS and film.missing_budget > 0:
        funding = weights.funding * 1.0
        reasons.append(f"can help with EUR {film.missing_budget:,.0f} of post budget still missing")

    if partner.kind == PartnerKind.SALES_AGENT and film.has_sales_agent:
        reasons.append("the film already has a sales agent")
    elif partner.kind in _SELLS and film.unsold:
        open_ = film.unsold & partner.territories
        share = min(len(open_) / min(len(film.unsold), _TERRITORY_SATURATION), 1.0)
        territory = weights.territory * share
        verb = _SELLS[partner.kind]
        if open_:
            reasons.append(f"{verb} in {_listing(open_)} where the film is unsold")
        else:
            reasons.append(f"{verb} in none of the film's unsold territories")

    if not partner.genres:
        genre = weights.genre * 0.5
        reasons.append("takes every genre")
    elif film.genre in partner.genres:
        genre = weights.genre * 1.0
        reasons.append(f"works with {film.genre}")
    else:
        reasons.append(f"does not usually take {film.genre}")

    if spoken := film.languages & partner.languages:
        language = weights.language * 1.0
        reasons.append(f"works in {_listing(spoken)}")

    if film.id in partner.bids:
        bid = weights.bid * partner.bids[film.id]
        reasons.append(f"bid: {partner.bids[film.id]:g}")

    score = needs + funding + territory + genre + language + bid
    return Affinity(score=score, reasons=tuple(reasons))


def _listing(items: Iterable[str], most: int = 6) -> str:
    ordered = sorted(items)
    if len(ordered) > most:
        return ", ".join(ordered[:most]) + f" and {len(ordered) - most} more"
    return ", ".join(ordered)


# --- the instance as arrays -----------------------------------------------------------------


def _incidence(
    rows: Sequence[Iterable[str]], cols: Sequence[Iterable[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """0/1 matrices over one shared vocabulary, so that `a @ b.T` counts the common items."""
    vocab: dict[str, int] = {}
    for items in itertools.chain(rows, cols):
        for item in items:
            vocab.setdefault(item, len(vocab))

    def matrix(groups: Sequence[Iterable[str]]) -> np.ndarray:
        out = np.zeros((len(groups), max(len(vocab), 1)))
        for i, items in enumerate(groups):
            out[i, [vocab[item] for item in items]] = 1.0
        return out

    return matrix(rows), matrix(cols)


def _overlap(rows: Sequence[Iterable[str]], cols: Sequence[Iterable[str]]) -> np.ndarray:
    a, b = _incidence(rows, cols)
    return a @ b.T


def _score_matrix(
    films: Sequence[FilmNeeds], partners: Sequence[PartnerOffer], w: Weights
) -> np.ndarray:
    """`affinity(film, partner).score` for every pair, vectorised (150,000 pairs in ~50 ms)."""
    nf, np_ = len(films), len(partners)
    kinds = [p.kind for p in partners]

    need_count = np.array([len(f.needs) for f in films], dtype=float)[:, None]
    covered = _overlap([f.needs for f in films], [p.services for p in partners])
    has_services = np.array([bool(p.services) for p in partners])[None, :]
    needs = np.zeros((nf, np_))
    active = (need_count > 0) & has_services
    np.divide(covered, need_count, out=needs, where=active)
    needs = w.needs * needs

    short = np.array([f.missing_budget > 0 for f in films])[:, None]
    funder = np.array([k in _FUNDERS for k in kinds])[None, :]
    funding = w.funding * (short & funder).astype(float)

    unsold = np.array([len(f.unsold) for f in films], dtype=float)[:, None]
    seller = np.array([k in _SELLS for k in kinds])[None, :]
    agent = np.array([k == PartnerKind.SALES_AGENT for k in kinds])[None, :]
    represented = np.array([f.has_sales_agent for f in films])[:, None]
    open_ = _overlap([f.unsold for f in films], [p.territories for p in partners])
    share = np.zeros((nf, np_))
    active = seller & (unsold > 0) & ~(agent & represented)
    np.divide(open_, np.minimum(unsold, _TERRITORY_SATURATION), out=share, where=active)
    territory = w.territory * np.minimum(share, 1.0)

    fits = _overlap([{f.genre} for f in films], [p.genres for p in partners]) > 0
    open_genre = np.array([not p.genres for p in partners])[None, :]
    genre = w.genre * np.where(open_genre, 0.5, fits.astype(float))

    spoken = _overlap([f.languages for f in films], [p.languages for p in partners]) > 0
    language = w.language * spoken.astype(float)

    film_index = {f.id: i for i, f in enumerate(films)}
    bids = np.zeros((nf, np_))
    for j, partner in enumerate(partners):
        for film_id, value in partner.bids.items():
            if (i := film_index.get(film_id)) is not None:
                bids[i, j] = value
    bid = w.bid * bids

    return needs + funding + territory + genre + language + bid


class _Instance:
    """Films and partners sorted by id, with every pair's score and conflicts as (F, P) arrays."""

    def __init__(
        self, films: Sequence[FilmNeeds], partners: Sequence[PartnerOffer], options: MatchOptions
    ) -> None:
        _validate(films, partners, options)
        self.films = sorted(films, key=lambda f: f.id)
        self.partners = sorted(partners, key=lambda p: p.id)
        self.quotas = options.quotas
        self.weights = options.weights
        films, partners = self.films, self.partners
        self.film_index = {f.id: i for i, f in enumerate(films)}
        self.partner_index = {p.id: j for j, p in enumerate(partners)}

        self.score = _score_matrix(films, partners, options.weights)
        self.coi = (
            _overlap([_names(f.people) for f in films], [_names(p.people) for p in partners]) > 0
        )
        self.unwanted = np.zeros_like(self.coi)  # the producer opted out
        self.declined = np.zeros_like(self.coi)  # the partner opted out
        for i, film in enumerate(films):
            for partner_id in film.opt_outs:
                if (j := self.partner_index.get(partner_id)) is not None:
                    self.unwanted[i, j] = True
        for j, partner in enumerate(partners):
            for film_id in partner.opt_outs:
                if (i := self.film_index.get(film_id)) is not None:
                    self.declined[i, j] = True
        self.allowed = ~(self.coi | self.unwanted | self.declined)

        self.capacity = np.array([p.capacity for p in partners], dtype=np.int64)
        self.max_partners = np.array([f.max_partners for f in films], dtype=np.int64)
        kind = np.array([_KINDS.index(p.kind) for p in partners], dtype=np.int64)
        self.in_quota = np.array(
            [[_KINDS[k] in q.kinds for k in kind] for q in self.quotas], dtype=bool
        ).reshape(len(self.quotas), len(partners))

    def variables(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs the programme may choose: allowed, to a partner with room, and either worth
        something or of a kind some quota requires (a worthless pair of any other kind is never
        needed, so leaving it out changes no optimum)."""
        required = np.zeros(len(self.partners), dtype=bool)
        for q, quota in enumerate(self.quotas):
            if quota.min > 0:
                required |= self.in_quota[q]
        usable = self.allowed & (self.capacity > 0)[None, :] & (self.max_partners > 0)[:, None]
        usable &= (self.score > 0) | required[None, :]
        fi, pj = np.nonzero(usable)  # row-major: by film id, then partner id
        return fi, pj


def _validate(
    films: Sequence[FilmNeeds], partners: Sequence[PartnerOffer], options: MatchOptions
) -> None:
    for what, ids in (("films", [f.id for f in films]), ("partners", [p.id for p in partners])):
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                raise ValueError(f"two {what} share the id '{item}'")
            seen.add(item)
    for partner in partners:  # also when built with model_construct, which skips validators
        if partner.capacity < 0:
            raise ValueError(f"{partner.name} ({partner.id}) has a negative capacity")
    for film in films:
        if film.max_partners < 0:
            raise ValueError(f"'{film.title}' ({film.id}) has a negative max_partners")
    for quota in options.quotas:
        if quota.max is not None and quota.min > quota.max:
            raise ValueError(f"quota '{quota.label}': min {quota.min} is above max {quota.max}")


# --- explaining infeasibility ---------------------------------------------------------------


def _kinds_text(kinds: Iterable[PartnerKind], plural: bool, joiner: str = "or") -> str:
    words = [_NOUNS[k][1 if plural else 0] for k in sorted(kinds, key=_KINDS.index)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {joiner} {words[-1]}"


def _at_least(quota: Quota) -> str:
    if quota.min == 1:
        return f"at least one {_kinds_text(quota.kinds, plural=False)}"
    return f"at least {quota.min} {_kinds_text(quota.kinds, plural=True)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _film_name(film: FilmNeeds) -> str:
    return f"'{film.title}' ({film.id})"


def _required(quotas: Sequence[Quota]) -> tuple[int, list[Quota]]:
    """The most partners the quotas force on any film: the heaviest set of quotas with pairwise
    disjoint kinds (nested quotas share partners, so their mins must not be added up)."""
    binding = [q for q in quotas if q.min > 0]
    best: tuple[int, list[Quota]] = (0, [])
    if len(binding) > 12:  # never in practice; the largest single min is still a valid bound
        top = max(binding, key=lambda q: q.min)
        return top.min, [top]
    for size in range(1, len(binding) + 1):
        for group in itertools.combinations(binding, size):
            kinds = [k for q in group for k in q.kinds]
            if len(kinds) == len(set(kinds)) and sum(q.min for q in group) > best[0]:
                best = (sum(q.min for q in group), list(group))
    return best


def _supply(inst: _Instance, q: int) -> int:
    """How many films the partners of quota `q` can take in all."""
    allowed_films = inst.allowed.sum(axis=0)
    mask = inst.in_quota[q]
    return int(np.minimum(inst.capacity[mask], allowed_films[mask]).sum())


def _diagnose(inst: _Instance) -> None:
    """Raise InfeasibleMatching for the usual reasons, before any solver runs."""
    explanations: list[str] = []
    needed, group = _required(inst.quotas)
    for film in inst.films:
        if film.max_partners < needed:
            parts = ", ".join(f"{_at_least(q)} ('{q.label}')" for q in group)
            explanations.append(
                f"{_film_name(film)} can take only {_count(film.max_partners, 'partner')}, but "
                f"its quotas need {needed}: {parts}."
            )
    for q, quota in enumerate(inst.quotas):
        if quota.min == 0:
            continue
        mask = inst.in_quota[q]
        total = int(mask.sum())
        short = False
        for i, film in enumerate(inst.films):
            free = int((inst.allowed[i] & mask & (inst.capacity > 0)).sum())
            if free >= quota.min:
                continue
            short = True
            causes = [
                (int((mask & inst.coi[i]).sum()), "a conflict of interest"),
                (int((mask & inst.unwanted[i] & ~inst.coi[i]).sum()), "the producer's opt-out"),
                (
                    int((mask & inst.declined[i] & ~inst.coi[i] & ~inst.unwanted[i]).sum()),
                    "their own opt-out",
                ),
                (int((mask & inst.allowed[i] & (inst.capacity == 0)).sum()), "no capacity"),
            ]
            why = "; ".join(f"{n} excluded by {cause}" for n, cause in causes if n)
            explanations.append(
                f"{_film_name(film)} needs {_at_least(quota)} (quota '{quota.label}'), but only "
                f"{free} of the {total} {_kinds_text(quota.kinds, plural=True, joiner='and')} "
                f"can take it" + (f" ({why})." if why else ".")
            )
        demand = quota.min * len(inst.films)
        supply = _supply(inst, q)
        if demand > supply and not short:  # a film already named short says it better
            films = _count(len(inst.films), "film")
            need = f"{films} need {_at_least(quota)}" + (
                "" if quota.min == 1 else f" each ({demand} in all)"
            )
            explanations.append(
                f"{need} (quota '{quota.label}'); the {total} "
                f"{_kinds_text(quota.kinds, plural=True, joiner='and')} can take "
                f"{_count(supply, 'film')} in all."
            )
    if explanations:
        raise InfeasibleMatching(explanations)


def _tight(inst: _Instance) -> InfeasibleMatching:
    """The solver proved infeasibility that no simple count shows: name the tightest quotas."""
    rows = []
    for q, quota in enumerate(inst.quotas):
        if quota.min > 0:
            demand, supply = quota.min * len(inst.films), _supply(inst, q)
            rows.append((demand / max(supply, 1), quota, demand, supply))
    rows.sort(key=lambda r: (-r[0], r[1].label))
    explanations = ["No matching meets every quota at once, though no simple count shows it."]
    for _, quota, demand, supply in rows[:3]:
        explanations.append(
            f"Quota '{quota.label}' needs {demand} places with "
            f"{_kinds_text(quota.kinds, plural=True)}, which offer {supply} in all."
        )
    explanations.append(
        "Conflicts of interest, opt-outs and films' max_partners leave too few places to share "
        "between them: add capacity, lower a quota, or relax an opt-out."
    )
    return InfeasibleMatching(explanations)


# --- solving --------------------------------------------------------------------------------


def _constraints(
    inst: _Instance, fi: np.ndarray, pj: np.ndarray
) -> tuple[csr_array, np.ndarray, np.ndarray]:
    """Rows: each partner ≤ capacity; each film ≤ max_partners; each (quota, film) in [min, max]."""
    nf, np_, n = len(inst.films), len(inst.partners), len(fi)
    cols = np.arange(n)
    row_parts, col_parts = [pj, np_ + fi], [cols, cols]
    lower = [np.zeros(np_), np.zeros(nf)]
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


class _Solved(NamedTuple):
    x: np.ndarray  # 0/1 per variable
    bound: float  # on the programme's objective (epsilon costs included)
    optimal: bool


def _run(
    c: np.ndarray,
    constraints: list[LinearConstraint],
    integral: np.ndarray,
    upper: np.ndarray,
    seconds: float,
) -> tuple[np.ndarray | None, float, int]:
    """One HiGHS call, minimising c @ x; returns (x, lower bound on the minimum, status)."""
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


def _run_lp(
    c: np.ndarray,
    a: csr_array,
    lo: np.ndarray,
    hi: np.ndarray,
    seconds: float,
    *,
    upper: np.ndarray | None = None,
    method: str = "highs-ds",
) -> tuple[np.ndarray | None, float, int]:
    """An LP, minimising c @ x with lo <= a @ x <= hi and 0 <= x <= upper (default 1). By
    default HiGHS's dual simplex, which ends on a vertex (an interior point would not be
    integral). linprog, not milp: milp builds a Python list of 150,000 variable types even for
    an LP, a third of a second at 500 × 300. Returns (x, maximum of -c @ x, status)."""
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
        bounds=(0, 1) if upper is None else np.column_stack([np.zeros(len(c)), upper]),
        method=method,
        # Presolve only slows this simple, transport-shaped LP down (0.25 s against 0.45 s).
        options={"time_limit": max(seconds, 0.1), "presolve": method != "highs-ds"},
    )
    if res.status != 0 or res.x is None:
        return None, math.inf, res.status
    return res.x, -float(res.fun), 0


def _solve_total(
    inst: _Instance, c: np.ndarray, a: csr_array, lo: np.ndarray, hi: np.ndarray, limit: float
) -> _Solved:
    """The largest total: one LP when the quotas allow it (see the module docstring), else MILP."""
    n = len(c)
    started = time.perf_counter()
    if _laminar(inst.quotas):
        # Totally unimodular: the LP's optimal vertex is integral; check it rather than trust it.
        x, value, status = _run_lp(c, a, lo, hi, limit)
        if status == 2:
            raise _tight(inst)
        if x is not None and status == 0 and np.abs(x - np.round(x)).max(initial=0) < 1e-6:
            return _Solved(np.round(x), value, True)
    remaining = limit - (time.perf_counter() - started)
    x, dual, status = _run(c, [LinearConstraint(a, lo, hi)], np.ones(n), np.ones(n), remaining)
    if status == 2:
        raise _tight(inst)
    if x is None:
        raise TimeoutError(f"HiGHS found no matching within {limit:g} s")
    return _Solved(np.round(x), -dual, status == 0)


def _solve_fair(
    inst: _Instance,
    fi: np.ndarray,
    c: np.ndarray,
    a: csr_array,
    lo: np.ndarray,
    hi: np.ndarray,
    limit: float,
) -> _Solved:
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
    deadline = time.perf_counter() + limit
    n, nf = len(c), len(inst.films)
    values = np.maximum(-c, 0.0)  # each variable's affinity (the epsilon cost dropped)
    helped = np.bincount(fi, weights=(values > 0), minlength=nf) > 0
    rows = csr_array((values, (fi, np.arange(n))), shape=(nf, n))[helped]
    k = int(helped.sum())
    # The best total without fairness: a first feasible answer, the floor the bisection starts
    # from, and (floors only remove matchings) a bound on the total whatever happens next.
    plain = _solve_total(inst, c, a, lo, hi, limit)
    if k == 0:  # no film can be helped: nothing to be fair about
        return plain
    base = LinearConstraint(a, lo, hi)
    ones = np.ones(n)

    def probe(t: float, objective: np.ndarray, share: float) -> tuple:
        floor = LinearConstraint(rows, np.full(k, t - 1e-6), np.full(k, math.inf))
        seconds = share * (deadline - time.perf_counter())
        return _run(objective, [base, floor], ones, ones, seconds)

    def worst(x: np.ndarray) -> float:
        return float((rows @ np.round(x)).min())

    def close(low: float, high: float) -> bool:
        return high - low <= 1e-6 * max(1.0, abs(high))

    best, reached = plain.x, worst(plain.x)
    top = _fair_bound(inst, rows, a, lo, hi, 0.35 * (deadline - time.perf_counter()))
    if close(reached, top):  # the plain optimum already raises the worst film as far as it goes
        return plain

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
        return _Solved(np.round(best), plain.bound, False)
    # A MILP stopped early may hold a weaker bound than the plain optimum's, which also holds.
    return _Solved(np.round(x), min(-dual, plain.bound), proven and status == 0)


def _fair_bound(
    inst: _Instance, rows: csr_array, a: csr_array, lo: np.ndarray, hi: np.ndarray, seconds: float
) -> float:
    """An upper bound on t: the LP relaxation of "maximise t, every helped film's total >= t"
    (by interior point: simplex stalls on this degenerate LP, 53 s against 9 s at 500 × 300), or
    if that takes too long, the worst-off film's best total when it has every partner to itself."""
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
    x, top, _ = _run_lp(
        c,
        matrix.tocsr(),
        np.concatenate([lo, np.zeros(k)]),
        np.concatenate([hi, np.full(k, math.inf)]),
        seconds,
        upper=np.append(np.ones(n), math.inf),
        method="highs-ipm",
    )
    return min(cheap, top) if x is not None else cheap


def solve(
    films: Sequence[FilmNeeds],
    partners: Sequence[PartnerOffer],
    options: MatchOptions = DEFAULT_OPTIONS,
    *,
    time_limit: float = 30.0,
) -> MatchResult:
    """The matching with the largest total affinity (with `fairness`, the largest total among
    those that raise the worst-off film as high as it can go). Raises InfeasibleMatching when the
    quotas cannot be met, and TimeoutError when HiGHS finds no matching at all in `time_limit`.

    Without fairness 500 films × 300 partners take about half a second. Fairness is a MILP:
    instant at session scale, 0.7 s at 50 × 40, 6 to 10 s at 200 × 120; at 500 × 300 the 30 s
    limit stops it with a good floor (17.6 where the plain optimum leaves a film at 7.7) but a
    total a quarter below its bound, and `optimal` False (bench/matching.py --fairness)."""
    started = time.perf_counter()
    inst = _Instance(films, partners, options)
    _diagnose(inst)
    fi, pj = inst.variables()
    value = inst.score[fi, pj]
    c = -np.where(value > 0, value, -_EPSILON)
    a, lo, hi = _constraints(inst, fi, pj)
    limit = time_limit - (time.perf_counter() - started)
    if len(c) == 0:  # nothing worth choosing, and no quota needs anything (or _diagnose says)
        solved = _Solved(np.zeros(0), 0.0, True)
    elif options.fairness:
        solved = _solve_fair(inst, fi, c, a, lo, hi, limit)
    else:
        solved = _solve_total(inst, c, a, lo, hi, limit)
    chosen = solved.x > 0.5
    # The programme maximised affinity minus epsilon per zero pair; add back the most epsilon a
    # best matching can lose, so `bound` bounds the true total. Some best matching keeps only
    # zero pairs a quota min needs (drop the others: same total), at most Σ mins per film.
    forced = sum(q.min for q in inst.quotas) * len(inst.films)
    room = min(int((value <= 0).sum()), forced)
    bound = solved.bound + _EPSILON * room
    pairs = list(zip(fi[chosen].tolist(), pj[chosen].tolist(), strict=True))
    if not solved.optimal:
        pairs = _fill(inst, pairs, fi, pj, value)
    return _result(inst, pairs, options, bound, solved.optimal, started, "solve")


def _fill(
    inst: _Instance,
    pairs: list[tuple[int, int]],
    fi: np.ndarray,
    pj: np.ndarray,
    value: np.ndarray,
) -> list[tuple[int, int]]:
    """A matching the time limit cut short may leave room: add the best pairs that still fit.
    Adding never takes a film below a floor or a quota min, so the matching stays valid."""
    state = _Greedy(inst)
    for i, j in pairs:
        state.add(i, j)
    for k in np.lexsort((pj, fi, -value)).tolist():
        i, j = int(fi[k]), int(pj[k])
        if value[k] > 0 and j not in state.chosen[i] and state.fits(i, j):
            state.add(i, j)
            pairs.append((i, j))
    return pairs


# --- the greedy baseline --------------------------------------------------------------------


class _Greedy:
    """Mutable bookkeeping for `greedy`: counts per partner, per film and per (quota, film)."""

    def __init__(self, inst: _Instance) -> None:
        self.inst = inst
        nf, np_ = len(inst.films), len(inst.partners)
        self.load = np.zeros(np_, dtype=np.int64)
        self.count = np.zeros(nf, dtype=np.int64)
        self.quota = np.zeros((len(inst.quotas), nf), dtype=np.int64)
        self.chosen: dict[int, set[int]] = {i: set() for i in range(nf)}
        self.holders: dict[int, set[int]] = {j: set() for j in range(np_)}

    def quotas_of(self, j: int) -> list[int]:
        return [q for q in range(len(self.inst.quotas)) if self.inst.in_quota[q, j]]

    def fits(self, i: int, j: int) -> bool:
        """Adding (i, j) breaks no capacity, max_partners or quota max."""
        inst = self.inst
        return (
            self.load[j] < inst.capacity[j]
            and self.count[i] < inst.max_partners[i]
            and all(
                inst.quotas[q].max is None or self.quota[q, i] < inst.quotas[q].max
                for q in self.quotas_of(j)
            )
        )

    def spare(self, i: int, j: int) -> bool:
        """Removing (i, j) keeps film i at or above every quota min."""
        return all(self.quota[q, i] - 1 >= self.inst.quotas[q].min for q in self.quotas_of(j))

    def add(self, i: int, j: int) -> None:
        self.chosen[i].add(j)
        self.holders[j].add(i)
        self.load[j] += 1
        self.count[i] += 1
        for q in self.quotas_of(j):
            self.quota[q, i] += 1

    def remove(self, i: int, j: int) -> None:
        self.chosen[i].discard(j)
        self.holders[j].discard(i)
        self.load[j] -= 1
        self.count[i] -= 1
        for q in self.quotas_of(j):
            self.quota[q, i] -= 1

    def repair(self, i: int, q: int) -> bool:
        """Give film i one more partner of quota q: a free one; else one taken from a film that
        can spare it (the cheapest such move). Makes room on film i by dropping its weakest pair
        that no quota needs. Returns False when nothing works."""
        inst = self.inst
        score = inst.score[i]
        candidates = [
            j
            for j in np.nonzero(inst.in_quota[q] & inst.allowed[i])[0].tolist()
            if j not in self.chosen[i] and inst.capacity[j] > 0
        ]
        candidates.sort(key=lambda j: (-score[j], j))
        if self.count[i] >= inst.max_partners[i]:
            droppable = [j for j in self.chosen[i] if self.spare(i, j)]
            if not droppable:
                return False
            self.remove(i, min(droppable, key=lambda j: (score[j], j)))
        for j in candidates:
            if self.fits(i, j):
                self.add(i, j)
                return True
        moves = []
        for j in candidates:
            for g in self.holders[j]:
                if self.spare(g, j):
                    moves.append((inst.score[g, j] - score[j], j, g))
        for _, j, g in sorted(moves):
            self.remove(g, j)
            if self.fits(i, j):
                self.add(i, j)
                return True
            self.add(g, j)
        return False


def greedy(
    films: Sequence[FilmNeeds],
    partners: Sequence[PartnerOffer],
    options: MatchOptions = DEFAULT_OPTIONS,
) -> MatchResult:
    """The baseline: take pairs best first (affinity, then film id, then partner id) whenever the
    partner, the film and the film's quota maxima have room; then, film by film, repair each
    quota still below its min (`_Greedy.repair`). It never breaks a constraint, but it can fail
    to meet quotas that `solve` meets: then it raises InfeasibleMatching. `bound` is the cheap
    bound min(Σ films' best max_partners scores, Σ partners' best capacity scores), and the
    result is `optimal` only when it reaches that bound."""
    started = time.perf_counter()
    inst = _Instance(films, partners, options)
    _diagnose(inst)
    state = _Greedy(inst)
    fi, pj = inst.variables()
    value = inst.score[fi, pj]
    for k in np.lexsort((pj, fi, -value)).tolist():
        i, j = int(fi[k]), int(pj[k])
        if value[k] > 0 and state.fits(i, j):
            state.add(i, j)
    failures = []
    for i, film in enumerate(inst.films):
        for q, quota in enumerate(inst.quotas):
            while state.quota[q, i] < quota.min:
                if not state.repair(i, q):
                    failures.append(
                        f"greedy could not give {_film_name(film)} {_at_least(quota)} "
                        f"(quota '{quota.label}'): the allowed ones are full with films that "
                        f"need them too."
                    )
                    break
    if failures:
        raise InfeasibleMatching(failures)
    pairs = [(i, j) for i in sorted(state.chosen) for j in sorted(state.chosen[i])]
    bound = _cheap_bound(inst)
    reached = math.fsum(inst.score[i, j] for i, j in pairs) >= bound - 1e-9
    return _result(inst, pairs, options, bound, reached, started, "greedy")


def _cheap_bound(inst: _Instance) -> float:
    score = np.where(inst.allowed, inst.score, 0.0)
    by_film = -np.sort(-score, axis=1)
    films = sum(float(by_film[i, : inst.max_partners[i]].sum()) for i in range(len(inst.films)))
    by_partner = -np.sort(-score, axis=0)
    partners = sum(
        float(by_partner[: inst.capacity[j], j].sum()) for j in range(len(inst.partners))
    )
    return min(films, partners)


# --- results, alternates and the guard ------------------------------------------------------


def _result(
    inst: _Instance,
    pairs: list[tuple[int, int]],
    options: MatchOptions,
    bound: float,
    optimal: bool,
    started: float,
    method: str,
) -> MatchResult:
    pairs = sorted(pairs)
    films, partners = inst.films, inst.partners
    totals = np.zeros(len(films))
    for i, j in pairs:
        totals[i] += inst.score[i, j]
    out = tuple(
        Pair(
            film=films[i].id,
            partner=partners[j].id,
            kind=partners[j].kind,
            affinity=float(inst.score[i, j]),
            reasons=affinity(films[i], partners[j], inst.weights).reasons,
        )
        for i, j in pairs
    )
    objective = math.fsum(p.affinity for p in out)
    alternates = _alternates(inst, pairs, options.alternates, method, optimal)
    result = MatchResult(
        pairs=out,
        alternates=alternates,
        objective=objective,
        bound=max(bound, objective),
        worst_film=float(totals.min()) if len(films) else 0.0,
        optimal=optimal,
        seconds=time.perf_counter() - started,
    )
    if problems := check(result, films, partners, options):
        raise RuntimeError(f"{method} produced an invalid matching: " + "; ".join(problems))
    return result.model_copy(update={"seconds": time.perf_counter() - started})


def _alternates(
    inst: _Instance, pairs: list[tuple[int, int]], k: int, method: str, optimal: bool
) -> tuple[Alternate, ...]:
    """Per film, the k best allowed partners it did not get (worth something), and why not."""
    if k == 0:
        return ()
    nf = len(inst.films)
    chosen = np.zeros_like(inst.allowed)
    for i, j in pairs:
        chosen[i, j] = True
    load = chosen.sum(axis=0)
    count = chosen.sum(axis=1)
    quota_count = chosen.astype(np.int64) @ inst.in_quota.T.astype(np.int64)  # (F, Q)
    candidate = inst.allowed & ~chosen & (inst.score > 0)
    ranked = np.argsort(np.where(candidate, -inst.score, np.inf), axis=1, kind="stable")
    out = []
    for i in range(nf):
        for j in ranked[i, :k].tolist():
            if not candidate[i, j]:
                break
            film, partner = inst.films[i], inst.partners[j]
            why = _why_not(inst, chosen, load, count, quota_count, i, j, method, optimal)
            out.append(
                Alternate(
                    film=film.id,
                    partner=partner.id,
                    affinity=float(inst.score[i, j]),
                    reasons=affinity(film, partner, inst.weights).reasons,
                    why_not=why,
                )
            )
    return tuple(out)


def _why_not(
    inst: _Instance,
    chosen: np.ndarray,
    load: np.ndarray,
    count: np.ndarray,
    quota_count: np.ndarray,
    i: int,
    j: int,
    method: str,
    optimal: bool,
) -> str:
    film, partner = inst.films[i], inst.partners[j]
    score = inst.score[i, j]
    if partner.capacity == 0:
        return f"{partner.name} takes no films this session"
    if load[j] >= partner.capacity:
        size = f"{partner.capacity} film{'s' if partner.capacity != 1 else ''}"
        holders = np.nonzero(chosen[:, j])[0]
        needed = all(
            any(
                inst.in_quota[q, j] and quota_count[g, q] - 1 < quota.min
                for q, quota in enumerate(inst.quotas)
            )
            for g in holders
        )
        if needed:
            return f"{partner.name} is at capacity ({size}), each needing it for a quota"
        if (inst.score[holders, j] >= score).all():
            return f"{partner.name} is at capacity ({size}), each at least as close a fit"
        return f"{partner.name} is at capacity ({size}); moving it here would lower the total"
    if count[i] >= film.max_partners:
        return f"{_film_name(film)} already has its {film.max_partners} partners"
    for q, quota in enumerate(inst.quotas):
        if inst.in_quota[q, j] and quota.max is not None and quota_count[i, q] >= quota.max:
            return (
                f"{_film_name(film)} already has {quota.max} "
                f"{_kinds_text(quota.kinds, plural=quota.max != 1)} (quota '{quota.label}' "
                f"max {quota.max})"
            )
    if method == "greedy":
        return "there was no room when greedy reached it; the quota repair made room later"
    if not optimal:
        return "there is room, but the solver stopped before proving the matching optimal"
    return "there is room, but it is worth less than the solver's optimality tolerance"


def check(
    result: MatchResult,
    films: Sequence[FilmNeeds],
    partners: Sequence[PartnerOffer],
    options: MatchOptions = DEFAULT_OPTIONS,
) -> list[str]:
    """Every constraint `result` breaks, in words; empty when the matching is valid."""
    problems: list[str] = []
    film_of = {f.id: f for f in films}
    partner_of = {p.id: p for p in partners}
    seen: set[tuple[str, str]] = set()
    load: dict[str, int] = {}
    count: dict[str, int] = {}
    by_kind: dict[str, dict[PartnerKind, int]] = {}
    for pair in result.pairs:
        film, partner = film_of.get(pair.film), partner_of.get(pair.partner)
        if film is None or partner is None:
            problems.append(f"pair ({pair.film}, {pair.partner}) names an unknown film or partner")
            continue
        if (pair.film, pair.partner) in seen:
            problems.append(f"{partner.name} is paired with {_film_name(film)} twice")
            continue
        seen.add((pair.film, pair.partner))
        if pair.kind != partner.kind:
            problems.append(
                f"pair ({pair.film}, {pair.partner}) says {pair.kind}, not {partner.kind}"
            )
        if why := conflict(film, partner):
            problems.append(f"{partner.name} is paired with {_film_name(film)} despite {why}")
        load[partner.id] = load.get(partner.id, 0) + 1
        count[film.id] = count.get(film.id, 0) + 1
        kinds = by_kind.setdefault(film.id, {})
        kinds[partner.kind] = kinds.get(partner.kind, 0) + 1
    for partner in partners:
        if load.get(partner.id, 0) > partner.capacity:
            problems.append(
                f"{partner.name} has {load[partner.id]} films, over its capacity of "
                f"{partner.capacity}"
            )
    for film in films:
        if count.get(film.id, 0) > film.max_partners:
            problems.append(
                f"{_film_name(film)} has {count[film.id]} partners, over its max of "
                f"{film.max_partners}"
            )
        for quota in options.quotas:
            n = sum(by_kind.get(film.id, {}).get(k, 0) for k in quota.kinds)
            if n < quota.min or (quota.max is not None and n > quota.max):
                top = "∞" if quota.max is None else quota.max
                problems.append(
                    f"{_film_name(film)} has {n} for quota '{quota.label}', outside "
                    f"[{quota.min}, {top}]"
                )
    total = math.fsum(p.affinity for p in result.pairs)
    if not math.isclose(total, result.objective, rel_tol=1e-9, abs_tol=1e-6):
        problems.append(f"objective {result.objective} is not the pairs' total {total}")
    if result.bound < result.objective - 1e-6:
        problems.append(f"bound {result.bound} is below the objective {result.objective}")
    return problems


__all__ = [
    "Affinity",
    "Alternate",
    "FilmNeeds",
    "InfeasibleMatching",
    "MatchOptions",
    "MatchResult",
    "Pair",
    "PartnerKind",
    "PartnerOffer",
    "Quota",
    "Weights",
    "affinity",
    "check",
    "conflict",
    "greedy",
    "solve",
]
