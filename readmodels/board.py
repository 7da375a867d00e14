"""A session's board as staff read it: the workflow's state with the call's counts and the films'
titles from the database. `session status` prints it, `session watch` refreshes it, and every
command that moves a session answers with it."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.service import RPCError, RPCStatusCode

from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import session_handle
from models.messages import FilmStage
from models.orm import SubmissionRow
from models.partnering import PartneringStatus
from models.programme import SessionCalendar
from models.selection import Decision, OfferStatus, Release
from models.session import SessionStage, SessionStatus
from shared import partnering_workflow_id
from store import committee, keys, repository
from workflows.partnering import PartneringWorkflow
from workflows.session import SessionWorkflow

# Films that passed eligibility, whatever happened to them after.
PASSED = {
    FilmStage.ELIGIBLE,
    FilmStage.UNDER_REVIEW,
    FilmStage.OFFERED,
    FilmStage.WAITLISTED,
    FilmStage.CONFIRMED,
    FilmStage.DECLINED,
    FilmStage.LAPSED,
    FilmStage.NOT_SELECTED,
    FilmStage.CLOSED,
}


class Counts(BaseModel):
    submitted: int
    eligible: int
    ineligible: int
    needs_fix: int
    withdrawn: int
    received: int  # still being checked


class Ranked(BaseModel):
    submission_id: str
    title: str | None


class BoardOffer(BaseModel):
    submission_id: str
    title: str | None
    status: OfferStatus
    deadline: str  # ISO 8601, as the offer's workflow set it
    from_waitlist: bool


class Waitlisted(BaseModel):
    submission_id: str
    title: str | None
    position: int


class Released(BaseModel):
    submission_id: str
    title: str | None
    why: Release


class Board(BaseModel):
    session_id: str
    programme: str
    name: str
    stage: SessionStage
    slots: int
    counts: Counts
    calendar: SessionCalendar
    committee: list[str]
    ranking: list[Ranked]  # the provisional ranking, until the offers go out
    offers: list[BoardOffer]
    waitlist: list[str]
    waitlisted: list[Waitlisted]
    declined: list[Released]
    not_selected: int
    pins: dict[str, str]
    excludes: dict[str, str]
    log: list[Decision]
    partnering: PartneringStatus | None


async def session_status(ctx: Context, session_id: str) -> SessionStatus:
    async with ctx.database() as db:
        if await keys.forgotten_on(db, session_id):
            return await recorded_status(db, session_id)
    handle = await session_handle(ctx, session_id)
    try:
        return await handle.query(SessionWorkflow.status)
    except RPCError as exc:
        raise ActionError(f"no session {session_id!r} ({exc.message})") from None


async def recorded_status(db: AsyncSession, session_id: str) -> SessionStatus:
    """A session whose data key was forgotten, as the database keeps it: its stage, calendar,
    slots and committee (the workflow's own state, its pins and picks, no longer opens; each
    film's end is in its row and the counts)."""
    row = await repository.get_session(db, session_id)
    if row is None:
        raise ActionError(f"no session {session_id!r}")
    return SessionStatus(
        session_id=row.id,
        programme_id=row.programme_id,
        name=row.name,
        stage=SessionStage(row.stage),
        calendar=SessionCalendar.model_validate(row.calendar),
        slots=row.slots,
        committee=[m.member_id for m in await committee.members(db, session_id)],
        pins={},
        excludes={},
        provisional=[],
        picks=None,
    )


async def partnering_status(ctx: Context, session_id: str) -> PartneringStatus | None:
    """Where the session's partnering stands, once its lineup opened it; nothing once the
    session's data key is forgotten (its state no longer opens)."""
    async with ctx.database() as db:
        if await keys.forgotten_on(db, session_id):
            return None
    client = await ctx.client()
    handle = client.get_workflow_handle_for(
        PartneringWorkflow.run, partnering_workflow_id(session_id)
    )
    try:
        return await handle.query(PartneringWorkflow.status)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise ActionError(f"{session_id} partnering: {exc.message}") from None


async def board(ctx: Context, session_id: str) -> Board:
    """The session's status as staff read it: the workflow's state plus counts and titles."""
    status = await session_status(ctx, session_id)
    partnering = await partnering_status(ctx, session_id)
    async with ctx.database() as db:
        counts = await repository.status_counts(db, session_id)
        picks = status.picks
        named = set(status.provisional)
        if picks:
            named |= {o.submission_id for o in picks.offers}
            named |= set(picks.released) | set(picks.waitlist)
        titles = dict(
            (
                await db.execute(
                    select(SubmissionRow.id, SubmissionRow.original_title).where(
                        SubmissionRow.id.in_(named)
                    )
                )
            ).all()
        )
    return Board(
        session_id=status.session_id,
        programme=status.programme_id,
        name=status.name,
        stage=status.stage,
        slots=status.slots,
        counts=Counts(
            submitted=sum(counts.values()),
            eligible=sum(n for s, n in counts.items() if FilmStage(s) in PASSED),
            ineligible=counts.get(FilmStage.INELIGIBLE.value, 0),
            needs_fix=counts.get(FilmStage.NEEDS_FIX.value, 0),
            withdrawn=counts.get(FilmStage.WITHDRAWN.value, 0),
            received=counts.get(FilmStage.RECEIVED.value, 0),
        ),
        calendar=status.calendar,
        committee=status.committee,
        ranking=[Ranked(submission_id=s, title=titles.get(s)) for s in status.provisional]
        if not picks
        else [],
        offers=[
            BoardOffer(
                submission_id=o.submission_id,
                title=titles.get(o.submission_id),
                status=o.status,
                deadline=o.deadline.isoformat(),
                from_waitlist=o.from_waitlist,
            )
            for o in picks.offers
        ]
        if picks
        else [],
        waitlist=picks.waitlist if picks else [],
        waitlisted=[
            Waitlisted(submission_id=s, title=titles.get(s), position=i)
            for i, s in enumerate(picks.waitlist if picks else [], start=1)
        ],
        declined=[
            Released(submission_id=s, title=titles.get(s), why=why)
            for s, why in picks.released.items()
        ]
        if picks
        else [],
        not_selected=picks.not_selected if picks else 0,
        pins=status.pins,
        excludes=status.excludes,
        log=picks.log if picks else [],
        partnering=partnering,
    )
