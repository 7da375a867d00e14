"""The affinity of a (film, partner) pair: a score that adds up plain-English reasons, one pair at
a time (`affinity`) or every pair at once as arrays (`score_matrix`); and `conflict`, the hard
rule no score outweighs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np

from domain.matching.types import DEFAULT_WEIGHTS, Affinity, Weights
from domain.matching.wording import listing
from models.matching import FilmNeeds, PartnerKind, PartnerOffer
from models.names import normalise_name

# A distributor or TV buyer usually works one country: the territory term saturates at this many
# unsold territories, so covering the film's few key markets is worth as much as a world sales
# agent covering all of them.
_TERRITORY_SATURATION = 3

_FUNDERS = {PartnerKind.FUND, PartnerKind.CO_PRODUCER}
_SELLS = {
    PartnerKind.SALES_AGENT: "sells",
    PartnerKind.DISTRIBUTOR: "distributes",
    PartnerKind.TV_BUYER: "broadcasts",
}


@functools.lru_cache(maxsize=65536)
def _name(text: str) -> str:
    # The committee's conflict rules compare names the same way ("Cine Sur S.A." is "cine sur sa").
    return normalise_name(text)


@functools.lru_cache(maxsize=8192)
def _listed(items: frozenset[str]) -> str:
    # The same few sets of needs, languages and territories recur across thousands of pairs.
    return listing(items)


def name_set(items: Iterable[str]) -> set[str]:
    return {_name(item) for item in items} - {""}


def conflict(
    film: FilmNeeds, partner: PartnerOffer, people: tuple[set[str], set[str]] | None = None
) -> str | None:
    """Why `partner` must not be matched with `film`, or None: a hard rule, whatever the score.
    `people` is both sides' `name_set`s, when the caller has them already (a check of thousands
    of pairs names each film and partner once, not once a pair)."""
    if partner.id in film.opt_outs:
        return f"the producer of '{film.title}' opted out of {partner.name}"
    if film.id in partner.opt_outs:
        return f"{partner.name} opted out of '{film.title}'"
    ours, theirs = people or (name_set(film.people), name_set(partner.people))
    if shared := ours & theirs:
        return f"conflict of interest: {listing(shared)} on both sides"
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

    `score_matrix` computes the same scores for every pair at once, adding the terms in the same
    order, so both give the same floats (tests/test_matching.py)."""
    score, reasons = scored(film, partner, weights)
    return Affinity(score=score, reasons=reasons)


def scored(
    film: FilmNeeds, partner: PartnerOffer, weights: Weights = DEFAULT_WEIGHTS
) -> tuple[float, tuple[str, ...]]:
    """`affinity` as a plain (score, reasons) pair: a matching's explanations build thousands
    (3,700 at 500 × 300), and validating each as a model cost more than reasoning it."""
    reasons: list[str] = []
    needs = funding = territory = genre = language = bid = 0.0

    if film.needs and partner.services:
        covered = film.needs & partner.services
        needs = weights.needs * (len(covered) / len(film.needs))
        if covered:
            reasons.append(
                f"covers {_listed(frozenset(covered))} ({len(covered)} of {len(film.needs)} needs)"
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
            reasons.append(f"{verb} in {_listed(frozenset(open_))} where the film is unsold")
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
        reasons.append(f"works in {_listed(frozenset(spoken))}")

    if film.id in partner.bids:
        bid = weights.bid * partner.bids[film.id]
        reasons.append(f"bid: {partner.bids[film.id]:g}")

    return needs + funding + territory + genre + language + bid, tuple(reasons)


def _incidence(
    rows: Sequence[Iterable[str]], cols: Sequence[Iterable[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """0/1 matrices over one shared vocabulary, so that `a @ b.T` counts the common items. The
    ones are gathered as index lists and set in one assignment per matrix (a row at a time costs
    more than the product at 500 × 300)."""
    vocab: dict[str, int] = {}

    def ones(groups: Sequence[Iterable[str]]) -> tuple[list[int], list[int]]:
        at: list[int] = []
        of: list[int] = []
        for i, items in enumerate(groups):
            for item in items:
                at.append(i)
                of.append(vocab.setdefault(item, len(vocab)))
        return at, of

    spots = ones(rows), ones(cols)
    width = max(len(vocab), 1)
    a, b = np.zeros((len(rows), width)), np.zeros((len(cols), width))
    for matrix, (at, of) in zip((a, b), spots, strict=True):
        matrix[at, of] = 1.0
    return a, b


def overlap(rows: Sequence[Iterable[str]], cols: Sequence[Iterable[str]]) -> np.ndarray:
    """How many items each row shares with each column, as a (rows, cols) array: for the small
    vocabularies of needs, territories, genres and languages."""
    a, b = _incidence(rows, cols)
    return a @ b.T


def shares(rows: Sequence[Iterable[str]], cols: Sequence[Iterable[str]]) -> np.ndarray:
    """Whether each row shares an item with each column, as a (rows, cols) boolean array: for a
    large vocabulary with few items each (people and companies), where a dense product would
    multiply mostly zeros, each column's items are looked up in an index of the rows'."""
    holders: dict[str, list[int]] = {}
    for i, items in enumerate(rows):
        for item in items:
            holders.setdefault(item, []).append(i)
    out = np.zeros((len(rows), len(cols)), dtype=bool)
    for j, items in enumerate(cols):
        for item in items:
            if hit := holders.get(item):
                out[hit, j] = True
    return out


def score_matrix(
    films: Sequence[FilmNeeds], partners: Sequence[PartnerOffer], w: Weights
) -> np.ndarray:
    """`affinity(film, partner).score` for every pair, vectorised (150,000 pairs in ~50 ms)."""
    nf, np_ = len(films), len(partners)
    kinds = [p.kind for p in partners]

    need_count = np.array([len(f.needs) for f in films], dtype=float)[:, None]
    covered = overlap([f.needs for f in films], [p.services for p in partners])
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
    open_ = overlap([f.unsold for f in films], [p.territories for p in partners])
    share = np.zeros((nf, np_))
    active = seller & (unsold > 0) & ~(agent & represented)
    np.divide(open_, np.minimum(unsold, _TERRITORY_SATURATION), out=share, where=active)
    territory = w.territory * np.minimum(share, 1.0)

    fits = overlap([{f.genre} for f in films], [p.genres for p in partners]) > 0
    open_genre = np.array([not p.genres for p in partners])[None, :]
    genre = w.genre * np.where(open_genre, 0.5, fits.astype(float))

    spoken = overlap([f.languages for f in films], [p.languages for p in partners]) > 0
    language = w.language * spoken.astype(float)

    film_index = {f.id: i for i, f in enumerate(films)}
    bids = np.zeros((nf, np_))
    for j, partner in enumerate(partners):
        for film_id, value in partner.bids.items():
            if (i := film_index.get(film_id)) is not None:
                bids[i, j] = value
    bid = w.bid * bids

    return needs + funding + territory + genre + language + bid
