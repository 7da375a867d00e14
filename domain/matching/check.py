"""Every constraint a matching breaks, in words, read from its pairs alone (not from the
solver's arrays), so tests can trust it; `solve` runs it as a guard on its own answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from domain.matching.affinity import conflict, name_set
from domain.matching.types import DEFAULT_OPTIONS, MatchOptions, MatchResult
from domain.matching.wording import film_name
from models.matching import FilmNeeds, PartnerKind, PartnerOffer


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
    people = {("f", f.id): name_set(f.people) for f in films} | {
        ("p", p.id): name_set(p.people) for p in partners
    }
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
            problems.append(f"{partner.name} is paired with {film_name(film)} twice")
            continue
        seen.add((pair.film, pair.partner))
        if pair.kind != partner.kind:
            problems.append(
                f"pair ({pair.film}, {pair.partner}) says {pair.kind}, not {partner.kind}"
            )
        if why := conflict(film, partner, (people["f", film.id], people["p", partner.id])):
            problems.append(f"{partner.name} is paired with {film_name(film)} despite {why}")
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
                f"{film_name(film)} has {count[film.id]} partners, over its max of "
                f"{film.max_partners}"
            )
        if count.get(film.id, 0) < film.min_partners:
            problems.append(
                f"{film_name(film)} has {count.get(film.id, 0)} partners, under its min of "
                f"{film.min_partners}"
            )
        for quota in options.quotas:
            n = sum(by_kind.get(film.id, {}).get(k, 0) for k in quota.kinds)
            if n < quota.min or (quota.max is not None and n > quota.max):
                top = "∞" if quota.max is None else quota.max
                problems.append(
                    f"{film_name(film)} has {n} for quota '{quota.label}', outside "
                    f"[{quota.min}, {top}]"
                )
    total = math.fsum(p.affinity for p in result.pairs)
    if not math.isclose(total, result.objective, rel_tol=1e-9, abs_tol=1e-6):
        problems.append(f"objective {result.objective} is not the pairs' total {total}")
    if result.bound < result.objective - 1e-6:
        problems.append(f"bound {result.bound} is below the objective {result.objective}")
    return problems
