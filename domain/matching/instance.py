"""A matching instance as arrays: films and partners sorted by id, every pair's score, conflicts
and opt-outs as (films × partners) matrices, and the pairs the programme may choose.

Determinism: films and partners are sorted by id before anything else, so the same instance in
any order builds the same programme. `Tally` counts a matching as it grows, pair by pair, and
says whether one more pair still fits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from domain.matching.affinity import name_set, score_matrix, shares
from domain.matching.types import MatchOptions
from models.matching import FilmNeeds, PartnerKind, PartnerOffer

_KINDS = list(PartnerKind)


class Instance:
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

        self.score = score_matrix(films, partners, options.weights)
        self.coi = shares(
            [name_set(f.people) for f in films], [name_set(p.people) for p in partners]
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
        self.min_partners = np.array([f.min_partners for f in films], dtype=np.int64)
        kind = np.array([_KINDS.index(p.kind) for p in partners], dtype=np.int64)
        self.in_quota = np.array(
            [[_KINDS[k] in q.kinds for k in kind] for q in self.quotas], dtype=bool
        ).reshape(len(self.quotas), len(partners))

    def variables(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs the programme may choose: allowed, to a partner with room, and worth
        something, or of a kind some quota requires, or for a film with a min_partners (any other
        worthless pair is never needed, so leaving it out changes no optimum)."""
        required = np.zeros(len(self.partners), dtype=bool)
        for q, quota in enumerate(self.quotas):
            if quota.min > 0:
                required |= self.in_quota[q]
        usable = self.allowed & (self.capacity > 0)[None, :] & (self.max_partners > 0)[:, None]
        usable &= (self.score > 0) | required[None, :] | (self.min_partners > 0)[:, None]
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
        if not 0 <= film.min_partners <= film.max_partners:
            raise ValueError(
                f"'{film.title}' ({film.id}): min_partners {film.min_partners} is outside"
                f" [0, max_partners {film.max_partners}]"
            )
    for quota in options.quotas:
        if quota.max is not None and quota.min > quota.max:
            raise ValueError(f"quota '{quota.label}': min {quota.min} is above max {quota.max}")


class Tally:
    """A matching's counts as it grows pair by pair: per partner, per film and per (quota, film),
    and whether one more pair still fits. `solve` tops up a matching the time limit cut short
    with it; the greedy baseline (bench/greedy.py) builds on it."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        nf, np_ = len(inst.films), len(inst.partners)
        self.load = np.zeros(np_, dtype=np.int64)
        self.count = np.zeros(nf, dtype=np.int64)
        self.quota = np.zeros((len(inst.quotas), nf), dtype=np.int64)
        self.chosen: dict[int, set[int]] = {i: set() for i in range(nf)}

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

    def add(self, i: int, j: int) -> None:
        self.chosen[i].add(j)
        self.load[j] += 1
        self.count[i] += 1
        for q in self.quotas_of(j):
            self.quota[q, i] += 1
