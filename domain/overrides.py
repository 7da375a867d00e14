"""The checks of a staff override of a matching proposal: adding a pair must still respect
conflicts of interest, opt-outs and capacities; removing one needs a pair to remove. A quota
the change leaves unmet is reported as a warning, never refused: staff may know better.

Pure: the override activity reads the proposal's pairs and asks these rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.matching.affinity import conflict
from models.matching import FilmNeeds, PartnerKind, PartnerOffer
from models.partnering_config import Quota


@dataclass(frozen=True)
class Refusal:
    """Why an override is refused, and its kind (the failure type staff see)."""

    message: str
    kind: str


def add_refusal(
    film: FilmNeeds, partner: PartnerOffer, chosen: Iterable[tuple[str, str]]
) -> Refusal | None:
    """Why `partner` may not be matched with `film`, given the proposal's chosen pairs
    (film id, partner id); None: it may."""
    if (why := conflict(film, partner)) is not None:
        return Refusal(f"{partner.name} cannot meet {film.title}: {why}", "Conflict")
    chosen = list(chosen)
    if sum(p == partner.id for _, p in chosen) >= partner.capacity:
        return Refusal(
            f"{partner.name} is at capacity ({partner.capacity} films): "
            "remove one of its films first",
            "Capacity",
        )
    if sum(f == film.id for f, _ in chosen) >= film.max_partners:
        return Refusal(
            f"{film.title} already has {film.max_partners} partners, its maximum", "Capacity"
        )
    return None


def remove_refusal(film_title: str, partner_name: str, role: str | None) -> Refusal | None:
    """Why a pair whose current role is `role` (None: not in the proposal) cannot be removed."""
    if role != "match":
        return Refusal(f"{partner_name} is not matched with {film_title}", "NotMatched")
    return None


def quota_warnings(title: str, kinds: Sequence[PartnerKind], quotas: Iterable[Quota]) -> list[str]:
    """The quotas a film's partners (their `kinds`) now miss, after an override."""
    warnings = []
    for quota in quotas:
        count = sum(k in quota.kinds for k in kinds)
        if count < quota.min:
            warnings.append(f"{title} now has {count} of {quota.label} (at least {quota.min})")
        if quota.max is not None and count > quota.max:
            warnings.append(f"{title} now has {count} of {quota.label} (at most {quota.max})")
    return warnings
