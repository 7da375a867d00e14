"""How matching's sentences name things: partner kinds in the singular or plural, a quota's
minimum, a count, a film, a list cut short. Staff read these in explanations and diagnoses.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.matching.types import Quota
from models.matching import FilmNeeds, PartnerKind

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


def listing(items: Iterable[str], most: int = 6) -> str:
    ordered = sorted(items)
    if len(ordered) > most:
        return ", ".join(ordered[:most]) + f" and {len(ordered) - most} more"
    return ", ".join(ordered)


def kinds_text(kinds: Iterable[PartnerKind], plural: bool, joiner: str = "or") -> str:
    words = [_NOUNS[k][1 if plural else 0] for k in sorted(kinds, key=_KINDS.index)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {joiner} {words[-1]}"


def at_least(quota: Quota) -> str:
    if quota.min == 1:
        return f"at least one {kinds_text(quota.kinds, plural=False)}"
    return f"at least {quota.min} {kinds_text(quota.kinds, plural=True)}"


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def film_name(film: FilmNeeds) -> str:
    return f"'{film.title}' ({film.id})"
