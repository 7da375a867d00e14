"""What a producer sees behind the signed link of an award's message: the award, who gives it,
the film's share and its value, until when it may be accepted, and the answer once given. The
link names the film and, as its occurrence, the award: a film that holds several awards has one
link per share."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel

from gateway.context import Context
from models.choices import AwardStep
from models.orm import AwardGrantRow
from notifications.links import Link, LinkState, Purpose, state_of
from readmodels.answers import LinkRefused, linked_film, open_link
from store import repository


class AwardPage(BaseModel):
    grant_id: str
    film: str
    award: str
    partner: str
    share_pct: float
    value: Decimal | None  # None: in kind, of no published value
    currency: str
    language: str  # the producer's, for the page unless they choose another
    timezone: str
    accept_by: datetime
    step: str  # an AwardStep, or declined
    link: LinkState

    @property
    def answer(self) -> str | None:
        """accepted or declined, once given (a share taken further than accepted was accepted)."""
        if self.step == "declined":
            return "declined"
        return None if self.step == AwardStep.OFFERED.value else "accepted"

    @property
    def may_answer(self) -> bool:
        return self.link is LinkState.OPEN and self.answer is None


def grant_of(link: Link) -> str:
    """The share a link opens: `<session>/<award>/<film key>`, from the film and the award."""
    session_id, film_key = link.subject.rsplit("/", 1)
    return f"{session_id}/{link.occurrence}/{film_key}"


async def award_page(ctx: Context, token: str, now: datetime | None = None) -> AwardPage:
    now = now or datetime.now(UTC)
    return await award_page_of(ctx, open_link(ctx, token, Purpose.AWARD, now), now)


async def award_page_of(ctx: Context, link: Link, now: datetime) -> AwardPage:
    """The award page of a link already opened."""
    async with ctx.database() as db:
        film, session, calendar, language = await linked_film(db, link)
        grant = await db.get(AwardGrantRow, grant_of(link))
        if grant is None or grant.submission_id != film.id:
            raise LinkRefused(gone=False)
        programme = await repository.load_programme(db, session.programme_id)
    award = next(a for a in programme.awards if a.id == grant.award_id)
    return AwardPage(
        grant_id=grant.id,
        film=film.original_title,
        award=award.name,
        partner=award.partner,
        share_pct=grant.share_pct,
        value=grant.value,
        currency=grant.currency,
        language=language,
        timezone=calendar.timezone,
        accept_by=link.act_until,
        step=grant.step,
        link=state_of(link, now),
    )
