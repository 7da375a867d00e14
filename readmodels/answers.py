"""What a producer sees behind a signed link to an offer: the film, the session, the deadline,
where the film stands, and whether the answer was already given. The link is checked here, so a
face that shows this page needs nothing but the token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.context import Context
from gateway.errors import ActionError
from models.messages import FilmStage
from models.orm import SessionRow, SubmissionRow
from models.programme import SessionCalendar
from notifications.links import Link, LinkError, LinkState, Purpose, state_of
from notifications.stages import LANGUAGES

# The stages that end an offer, and the answer each records.
ANSWERED = {FilmStage.CONFIRMED: "confirmed", FilmStage.DECLINED: "declined"}


class LinkRefused(ActionError):
    """A token that opens nothing: `gone` past its grace (410), else not ours (403). The message
    says nothing about the film, so a forged link learns nothing."""

    def __init__(self, gone: bool) -> None:
        super().__init__("this link has expired" if gone else "this link is not valid")
        self.gone = gone


class OfferPage(BaseModel):
    submission_id: str
    film: str
    session: str
    language: str  # the producer's, for the page unless they choose another
    timezone: str
    confirm_by: datetime
    event_start: datetime
    event_end: datetime
    stage: FilmStage
    link: LinkState
    answer: str | None  # confirmed or declined, once given

    @property
    def may_answer(self) -> bool:
        return self.link is LinkState.OPEN and self.stage is FilmStage.OFFERED


def open_link(ctx: Context, token: str, purpose: Purpose | None, now: datetime) -> Link:
    """The link a token carries, refused if it is not ours or past its grace."""
    try:
        link = ctx.links.verify(token, purpose)
    except LinkError:
        raise LinkRefused(gone=False) from None
    if state_of(link, now) is LinkState.GONE:
        raise LinkRefused(gone=True)
    return link


class LinkedFilm(NamedTuple):
    """The film a link opens, its session and calendar, and its producer's language."""

    row: SubmissionRow
    session: SessionRow
    calendar: SessionCalendar
    language: str


async def linked_film(db: AsyncSession, link: Link) -> LinkedFilm:
    film = await db.get(SubmissionRow, link.subject)
    if film is None:
        raise LinkRefused(gone=False)
    session = await db.get(SessionRow, film.session_id)
    language = film.contact_language if film.contact_language in LANGUAGES else "en"
    return LinkedFilm(film, session, SessionCalendar.model_validate(session.calendar), language)


async def offer_page(ctx: Context, token: str, now: datetime | None = None) -> OfferPage:
    now = now or datetime.now(UTC)
    return await page_of(ctx, open_link(ctx, token, Purpose.OFFER, now), now)


async def page_of(ctx: Context, link: Link, now: datetime) -> OfferPage:
    """The offer page of a link already opened."""
    async with ctx.database() as db:
        film, session, calendar, language = await linked_film(db, link)
    stage = FilmStage(film.status)
    return OfferPage(
        submission_id=film.id,
        film=film.original_title,
        session=session.name,
        language=language,
        timezone=calendar.timezone,
        confirm_by=link.act_until,
        event_start=calendar.event_start,
        event_end=calendar.event_end,
        stage=stage,
        link=state_of(link, now),
        answer=ANSWERED.get(stage),
    )
