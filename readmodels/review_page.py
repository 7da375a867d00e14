"""What a committee member sees behind the link of their invitation or reminder: the films
assigned to them (with the screener and its password, shown only here), their own score and
comment of each, the other members' scores of a film once they have scored it themselves, their
progress, and the conflicts they declared.

The link names the session and the member (its occurrence): it opens that member's page of that
session and nothing else. Scoring is open while the session is in review and its deadline, as
it stands now (staff may move it), has not passed; after that the page is read-only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.context import Context
from models.orm import CommitteeMemberRow, ScoreRow, SessionRow, SubmissionRow
from models.programme import Programme, SessionCalendar
from models.session import SessionStage
from notifications.links import Link, LinkError, Purpose
from notifications.stages import LANGUAGES
from readmodels.answers import LinkRefused, open_link
from store import committee, repository

# Films a page shows at once: a member of a call of 2,000 films has some 500 to score.
PER_PAGE = 20
SHOWS = ("todo", "scored", "all")


class OtherScore(BaseModel):
    member: str  # the member's name
    score: float
    comment: str | None


class ReviewFilm(BaseModel):
    submission_id: str
    title: str
    english_title: str | None
    logline: str
    synopsis: str
    country: str  # the majority producer's, ISO code
    genre: str
    runtime_min: int  # expected final runtime
    cut_runtime_min: int
    post_stage: str
    directors: list[str]
    producers: list[str]  # "company (country)"
    screener_url: str
    screener_password: str | None
    subtitles: list[str]
    currency: str
    budget: Decimal
    missing: Decimal  # post-production budget still missing
    post_needs: list[str]
    score: float | None  # the member's own
    comment: str | None
    others: list[OtherScore] | None  # None: hidden until the member has scored the film


class DeclaredConflict(BaseModel):
    submission_id: str
    title: str
    why: str


class ReviewPage(BaseModel):
    session_id: str
    session: str
    programme: str
    member_id: str
    member: str  # the member's name
    language: str  # the member's, for the page unless they choose another
    timezone: str
    review_deadline: datetime
    score_min: float
    score_max: float
    may_score: bool
    assigned: int
    scored: int
    show: str  # todo, scored or all
    page: int
    pages: int
    films: list[ReviewFilm]  # this page's
    conflicts: list[DeclaredConflict]


class MemberDoor(BaseModel):
    """What an answer on a member's page is checked against: the link, whether scoring is open,
    the programme's range, and the film's tie to the member (assigned, or a conflict: why)."""

    link: Link
    may_score: bool
    score_min: float
    score_max: float
    assigned: bool
    conflict: str | None


class MemberAt(NamedTuple):
    """The session a member's link opens, the member, the programme and the calendar as they
    stand now."""

    session: SessionRow
    member: CommitteeMemberRow
    programme: Programme
    calendar: SessionCalendar


async def member_at(db: AsyncSession, link: Link) -> MemberAt:
    """What a member's link opens, refused (403) if the session or the member is not ours."""
    session = await db.get(SessionRow, link.subject)
    member = await committee.member(db, link.subject, link.occurrence)
    if session is None or member is None:
        raise LinkRefused(gone=False)
    programme = await repository.load_programme(db, session.programme_id)
    return MemberAt(session, member, programme, SessionCalendar.model_validate(session.calendar))


async def door_of(ctx: Context, link: Link, submission_id: str, now: datetime) -> MemberDoor:
    async with ctx.database() as db:
        session, member, programme, calendar = await member_at(db, link)
        assigned = await committee.assigned(db, session.id, member.member_id, submission_id)
        conflicts = await committee.conflicts_of(db, session.id, member.member_id)
    return MemberDoor(
        link=link,
        may_score=scoring_open(session, calendar, now),
        score_min=programme.selection.score_min,
        score_max=programme.selection.score_max,
        assigned=assigned,
        conflict=next((c.why for c, _ in conflicts if c.submission_id == submission_id), None),
    )


def scoring_open(session: SessionRow, calendar: SessionCalendar, now: datetime) -> bool:
    return session.stage == SessionStage.REVIEW.value and now <= calendar.review_deadline


def member_of(ctx: Context, token: str) -> str | None:
    """Whose answers a token carries, for the throttle, if it is a member's link of ours:
    members of one committee often share an office's address, so their answers are counted per
    member rather than per address (a token not ours is counted by address, as at every door)."""
    try:
        return f"member {ctx.links.verify(token, Purpose.REVIEW).ref}"
    except LinkError:
        return None


async def review_page(
    ctx: Context, token: str, show: str = "todo", page: int = 1, now: datetime | None = None
) -> ReviewPage:
    now = now or datetime.now(UTC)
    return await review_page_of(ctx, open_link(ctx, token, Purpose.REVIEW, now), show, page, now)


async def review_page_of(
    ctx: Context, link: Link, show: str, page: int, now: datetime
) -> ReviewPage:
    """The member's page of a link already opened: `show` which films (those still to score,
    those scored, all) and which `page` of them."""
    show = show if show in SHOWS else "todo"
    async with ctx.database() as db:
        session, member, programme, calendar = await member_at(db, link)
        # A member of a call of 2,000 films has some 500: only the page's 20 are read whole.
        mine = await committee.assignments_of(db, session.id, member.member_id)
        chosen = [sid for sid, scored in mine if show == "all" or (show == "scored") == scored]
        pages = max(1, -(-len(chosen) // PER_PAGE))
        page = min(max(page, 1), pages)
        shown_ids = chosen[(page - 1) * PER_PAGE : page * PER_PAGE]
        shown = await committee.films(db, shown_ids)
        scores = await committee.scores_of(db, shown_ids)
        names = {m.member_id: m.name for m in await committee.members(db, session.id)}
        declared = await committee.conflicts_of(db, session.id, member.member_id, "declared")
    given = {s.submission_id: s for s in scores if s.member_id == member.member_id}
    others: dict[str, list[OtherScore]] = {}
    for s in scores:
        if s.member_id != member.member_id:
            others.setdefault(s.submission_id, []).append(
                OtherScore(
                    member=names.get(s.member_id, s.member_id), score=s.score, comment=s.comment
                )
            )
    return ReviewPage(
        session_id=session.id,
        session=session.name,
        programme=programme.name,
        member_id=member.member_id,
        member=member.name,
        language=member.language if member.language in LANGUAGES else "en",
        timezone=calendar.timezone,
        review_deadline=calendar.review_deadline,
        score_min=programme.selection.score_min,
        score_max=programme.selection.score_max,
        may_score=scoring_open(session, calendar, now),
        assigned=len(mine),
        scored=sum(scored for _, scored in mine),
        show=show,
        page=page,
        pages=pages,
        films=[card(f, given.get(f.id), others.get(f.id, [])) for f in shown],
        conflicts=[
            DeclaredConflict(submission_id=c.submission_id, title=title, why=c.why)
            for c, title in declared
        ],
    )


def card(film: SubmissionRow, mine: ScoreRow | None, others: list[OtherScore]) -> ReviewFilm:
    """A film as its reviewer reads it; the others' scores only once the reviewer has scored."""
    form = film.form
    finance = film.finance
    return ReviewFilm(
        submission_id=film.id,
        title=film.original_title,
        english_title=film.english_title,
        logline=form.get("logline", ""),
        synopsis=form.get("synopsis", ""),
        country=film.country,
        genre=film.genre,
        runtime_min=film.runtime_expected_min,
        cut_runtime_min=film.cut_runtime_min,
        post_stage=film.post_stage,
        directors=[d["name"] for d in film.directors],
        producers=[f"{p['company']} ({p['country']})" for p in film.producers],
        screener_url=film.screener["url"],
        screener_password=film.screener.get("password"),
        subtitles=film.screener.get("subtitles", []),
        currency=finance.get("currency", "EUR"),
        budget=Decimal(str(finance["total_budget"])),
        missing=Decimal(str(finance["post_budget_missing"])),
        post_needs=film.post_needs,
        score=mine.score if mine else None,
        comment=mine.comment if mine else None,
        others=sorted(others, key=lambda o: o.member) if mine else None,
    )
