"""The rules of giving an award: who may receive it, how it is split, and what a share is worth.

Pure: the partnering workflow checks a jury's decision against what it has granted already, the
grant activity checks the films' forms against the award's filters, and both name a share's
value the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from models.partnering import GrantRequest
from models.programme import LATIN_AMERICA, AwardConfig, Programme
from models.submission import SubmissionForm


def worth(value: Decimal | None, currency: str) -> str:
    """A share's value as people read it: `4300.00 EUR`, or `in kind`."""
    return "in kind" if value is None else f"{value} {currency}"


def share_value(value: Decimal | None, share_pct: float) -> Decimal | None:
    """A film's part of an award's value, to the cent (None: an award in kind)."""
    if value is None:
        return None
    return (value * Decimal(str(share_pct)) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def award_refusals(
    award: AwardConfig, form: SubmissionForm, programme: Programme, title: str
) -> list[str]:
    """Why a film may not receive an award under the award's own filters (empty: it may)."""
    rule = programme.eligibility.latam_share
    home = set(rule.countries) if rule else set(LATIN_AMERICA)
    problems = []
    filters = award.filters
    if filters.max_third_country_pct is not None:
        third = sum(p.share_pct for p in form.producers if p.country not in home)
        if third > filters.max_third_country_pct:
            problems.append(
                f"{title}: third countries hold {third:g}% of the production "
                f"(the {award.name} allows at most {filters.max_third_country_pct:g}%)"
            )
    countries = filters.majority_producer_countries
    if countries and form.country not in countries:
        problems.append(
            f"{title}: its majority producer is from {form.country} "
            f"(the {award.name} requires {', '.join(countries)})"
        )
    if filters.genres and form.genre not in filters.genres:
        problems.append(
            f"{title}: a {form.genre.value} film "
            f"(the {award.name} is for {', '.join(g.value for g in filters.genres)})"
        )
    return problems


def grant_refusals(
    award: AwardConfig,
    programme: Programme,
    shares: list[str],
    films: Mapping[str, tuple[str, SubmissionForm]],
    earlier: set[str],
) -> list[str]:
    """Every reason to refuse granting `award` to the films `shares` names: a film granted it
    before, a film not in the lineup (`films` holds the lineup's films: title and form), a film
    the award's filters exclude. Empty: the grant stands."""
    problems = []
    for submission_id in shares:
        if submission_id in earlier:  # declined since: give it to another film
            problems.append(f"{submission_id} was already granted {award.name}")
        if submission_id not in films:
            problems.append(f"{submission_id} is not in the session's lineup")
            continue
        title, form = films[submission_id]
        problems += award_refusals(award, form, programme, title)
    return problems


def split_refusal(
    request: GrantRequest,
    session_id: str,
    award_ids: list[str],
    lineup: list[str],
    given: Mapping[str, float],
) -> str | None:
    """Why a jury's decision cannot split the award this way, given the shares `given` already
    (film -> percent); None: it can. Checked by the partnering workflow before any grant."""
    if request.award_id not in award_ids:
        known = ", ".join(award_ids) or "none"
        return f"{session_id} has no award {request.award_id!r} (its awards: {known})"
    films = [f.submission_id for f in request.films]
    if len(set(films)) != len(films):
        return "a film appears twice in the decision: give it one share"
    for sid in films:
        if sid not in lineup:
            return f"{sid} is not in the session's lineup"
        if sid in given:
            return f"{sid} already holds {given[sid]:g}% of {request.award_id}"
    total = sum(given.values()) + sum(f.share_pct for f in request.films)
    if total > 100 + 1e-9:
        return (
            f"{request.award_id}: shares would add up to {total:g}% "
            f"({sum(given.values()):g}% already granted)"
        )
    return None
