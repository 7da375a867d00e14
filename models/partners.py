"""A session's partners as staff import them, and what matching reads of partners and films.

Partners are post-production houses, sales agents, distributors, TV buyers, funds, co-producers
and residencies who come to a session to help finish its films. A partners file is validated row
by row and field by field, like a submissions file: one bad row is refused with its field and
reason, the good rows of the same file are kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from models.matching import FilmNeeds, PartnerKind, PartnerOffer
from models.names import normalise_name
from models.programme import Genre, Slug
from models.submission import (
    Country,
    Email,
    Form,
    Language,
    Name,
    PostNeed,
    SubmissionForm,
)

# A film's key as partners name it (`models.submission.film_key`: at most 60 characters).
FilmKey = Annotated[str, Field(min_length=1, max_length=60)]
# Who, among partners, sells or shows a film somewhere: they need territories to be matched on.
TERRITORIAL = {PartnerKind.SALES_AGENT, PartnerKind.DISTRIBUTOR, PartnerKind.TV_BUYER}


class PartnerForm(Form):
    """One partner of one session, as a row of a partners file."""

    id: Slug
    name: Name
    kind: PartnerKind
    company: Name
    people: list[Name] = Field(default_factory=list, max_length=20)
    services: list[PostNeed] = Field(default_factory=list, description="post-production work")
    capacity: int = Field(ge=0, le=100, description="films it can take on at this session")
    territories: list[Country] = Field(default_factory=list, max_length=250)
    languages: list[Language] = Field(default_factory=list, max_length=20)
    genres: list[Genre] = Field(default_factory=list, description="empty: every genre")
    opt_outs: list[FilmKey] = Field(
        default_factory=list, max_length=100, description="film keys it does not want to meet"
    )
    bids: dict[FilmKey, float] = Field(
        default_factory=dict, max_length=100, description="film key -> interest from 0 to 1"
    )
    contact_email: Email | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.kind is PartnerKind.POST_HOUSE and not self.services:
            raise ValueError("a post-production house must list the services it offers")
        if self.kind in TERRITORIAL and not self.territories:
            raise ValueError(f"a {self.kind.value} must list the territories it covers")
        return self

    @field_validator("bids")
    @classmethod
    def _interests(cls, bids: dict[str, float]) -> dict[str, float]:
        for film, interest in bids.items():
            if not 0 <= interest <= 1:  # NaN too
                raise ValueError(f"bid for {film!r} must lie between 0 and 1 (got {interest:g})")
        return bids


def offer_of(session_id: str, partner: PartnerForm) -> PartnerOffer:
    """The partner as matching sees it; its opt-outs and bids name films by key, matching by
    submission id (`<session>/<film key>`)."""
    return PartnerOffer(
        id=partner.id,
        name=partner.name,
        kind=partner.kind,
        services=frozenset(s.value for s in partner.services),
        capacity=partner.capacity,
        territories=frozenset(partner.territories),
        languages=frozenset(partner.languages),
        genres=frozenset(g.value for g in partner.genres),
        people=frozenset(map(normalise_name, [partner.company, *partner.people])),
        opt_outs=frozenset(f"{session_id}/{key}" for key in partner.opt_outs),
        bids={f"{session_id}/{key}": bid for key, bid in partner.bids.items()},
    )


def needs_of(film_id: str, form: SubmissionForm, max_partners: int) -> FilmNeeds:
    """What a film asks of partners, read from its submission."""
    people = [p.company for p in form.producers] + [d.name for d in form.directors]
    return FilmNeeds(
        id=film_id,
        title=form.original_title,
        needs=frozenset(n.value for n in form.post_needs),
        genre=form.genre.value,
        languages=frozenset([*form.dialogue_languages, form.contact.language]),
        unsold=frozenset(form.history.territories_unsold),
        has_sales_agent=bool(form.history.sales_agent),
        missing_budget=Decimal(form.finance.post_budget_missing),
        people=frozenset(map(normalise_name, people)),
        max_partners=max_partners,
    )
