"""A session's partners, its matching proposals and its meeting schedules, as staff read them:
each film's partners with the reasons they were chosen, and every meeting with its time and table.

Matches and meetings are versioned rows the partnering workflow's activities write; a view reads
one version (by default the latest) and names films and partners by title and name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, PlainSerializer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.context import Context
from gateway.errors import ActionError
from models.orm import MatchRow, MeetingRow, PartneringRunRow, PartnerRow, SessionRow, SubmissionRow
from models.partnering import RunSummary
from models.partners import PartnerForm

# A moment in JSON as `datetime.isoformat` writes it (`+00:00`, where pydantic writes `Z`): the
# form staff's scripts have always read.
IsoMoment = Annotated[
    datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json")
]


class MatchedPartner(BaseModel):
    partner_id: str
    partner: str  # its name
    affinity: float  # rounded to 2 places
    reasons: list[str]
    why_not: str | None


class FilmMatches(BaseModel):
    """One film's partners in a proposal: chosen, the best alternates, and those staff removed."""

    submission_id: str
    title: str
    match: list[MatchedPartner] = []
    alternate: list[MatchedPartner] = []
    removed: list[MatchedPartner] = []


class MatchingView(BaseModel):
    session_id: str
    version: int
    status: str  # proposed, approved or superseded
    summary: RunSummary
    films: list[FilmMatches]

    @property
    def gap(self) -> float:
        """How far the proposal's total affinity is below the solver's bound, as a fraction."""
        s = self.summary
        return (s.bound - s.objective) / max(s.bound, 1e-9) if s.bound else 0.0


class MeetingView(BaseModel):
    submission_id: str
    film: str  # its title
    partner_id: str
    partner: str  # its name
    status: str  # scheduled or unplaced
    starts_at: IsoMoment | None
    table: int | None
    reason: str | None  # why it could not be placed, naming film and partner


class MeetingsView(BaseModel):
    session_id: str
    version: int
    status: str
    timezone: str  # the session's, to show times in
    meetings: list[MeetingView]

    @property
    def placed(self) -> list[MeetingView]:
        return [m for m in self.meetings if m.status == "scheduled"]


async def partners(ctx: Context, session_id: str) -> list[PartnerForm]:
    """The session's partners as they were imported, by id."""
    async with ctx.database() as db:
        rows = (
            await db.scalars(
                select(PartnerRow)
                .where(PartnerRow.session_id == session_id)
                .order_by(PartnerRow.id)
            )
        ).all()
    return [PartnerForm.model_validate(row.form) for row in rows]


async def matching_view(ctx: Context, session_id: str, version: int | None = None) -> MatchingView:
    """A matching proposal (default: the latest), film by film."""
    async with ctx.database() as db:
        run = await _run_row(db, session_id, "matching", version)
        rows = (
            await db.scalars(
                select(MatchRow)
                .where(MatchRow.session_id == session_id, MatchRow.version == run.version)
                .order_by(MatchRow.submission_id, MatchRow.role, MatchRow.affinity.desc())
            )
        ).all()
        names = await titles(db, session_id)
        partner_names = await _partner_names(db, session_id)
    films: dict[str, FilmMatches] = {}
    for r in rows:
        film = films.setdefault(
            r.submission_id,
            FilmMatches(submission_id=r.submission_id, title=names.get(r.submission_id, "?")),
        )
        getattr(film, r.role).append(
            MatchedPartner(
                partner_id=r.partner_id,
                partner=partner_names.get(r.partner_id, r.partner_id),
                affinity=round(r.affinity, 2),
                reasons=r.reasons,
                why_not=r.why_not,
            )
        )
    return MatchingView(
        session_id=session_id,
        version=run.version,
        status=run.status,
        summary=RunSummary.model_validate(run.summary),
        films=list(films.values()),
    )


async def meetings_view(ctx: Context, session_id: str, version: int | None = None) -> MeetingsView:
    """A meeting schedule (default: the latest), by time and table; unplaced pairs with why."""
    async with ctx.database() as db:
        run = await _run_row(db, session_id, "meetings", version)
        rows = (
            await db.scalars(
                select(MeetingRow)
                .where(MeetingRow.session_id == session_id, MeetingRow.version == run.version)
                .order_by(MeetingRow.starts_at, MeetingRow.table_no, MeetingRow.submission_id)
            )
        ).all()
        names = await titles(db, session_id)
        partner_names = await _partner_names(db, session_id)
        tz = (await db.get(SessionRow, session_id)).timezone

    def meeting(r: MeetingRow) -> MeetingView:
        film, partner = (
            names.get(r.submission_id, "?"),
            partner_names.get(r.partner_id, r.partner_id),
        )
        return MeetingView(
            submission_id=r.submission_id,
            film=film,
            partner_id=r.partner_id,
            partner=partner,
            status=r.status,
            starts_at=r.starts_at,
            table=r.table_no,
            reason=r.reason
            and r.reason.replace(r.submission_id, film).replace(r.partner_id, partner),
        )

    return MeetingsView(
        session_id=session_id,
        version=run.version,
        status=run.status,
        timezone=tz,
        meetings=[meeting(r) for r in rows],
    )


async def _run_row(
    db: AsyncSession, session_id: str, kind: str, version: int | None
) -> PartneringRunRow:
    query = select(PartneringRunRow).where(
        PartneringRunRow.session_id == session_id, PartneringRunRow.kind == kind
    )
    if version is not None:
        query = query.where(PartneringRunRow.version == version)
    row = await db.scalar(query.order_by(PartneringRunRow.version.desc()).limit(1))
    if row is None:
        raise ActionError(f"{session_id} has no {kind} yet" + (f" v{version}" if version else ""))
    return row


async def titles(db: AsyncSession, session_id: str) -> dict[str, str]:
    """Each film of the session by its title, to name films in what staff read."""
    rows = await db.execute(
        select(SubmissionRow.id, SubmissionRow.original_title).where(
            SubmissionRow.session_id == session_id
        )
    )
    return dict(rows.tuples().all())


async def _partner_names(db: AsyncSession, session_id: str) -> dict[str, str]:
    rows = await db.execute(
        select(PartnerRow.id, PartnerRow.name).where(PartnerRow.session_id == session_id)
    )
    return dict(rows.tuples().all())
