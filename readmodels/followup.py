"""Where each followed film stands after its session: the session's list (status, reports, how
it ended) and one film's milestones, awards and follow-up timeline, as the follow-up workflows
and their activities recorded them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, PlainSerializer
from sqlalchemy import select

from gateway.context import Context
from gateway.errors import ActionError
from models.followup import FollowUpStatus
from models.orm import AwardGrantRow, FollowUpRow, MilestoneRow, SubmissionRow
from readmodels.partnering import IsoMoment
from store import repository

# The audit actions that belong to a film's follow-up timeline.
TIMELINE = ("reported", "followup_", "escalated", "award_")


class FollowedFilm(BaseModel):
    submission_id: str
    title: str
    status: FollowUpStatus
    reports: int
    last_report_at: IsoMoment | None
    completed_on: date | None  # the master delivered
    premiere: str | None  # the festival
    ended: str | None  # why the follow-up ended


class MilestoneView(BaseModel):
    expected: date | None
    done: date | None
    detail: dict[str, Any]


class FilmAward(BaseModel):
    award: str
    step: str  # an AwardStep, or declined
    overdue: bool
    # `str(datetime)` in JSON (a space before the time), as this view has always printed it.
    due: Annotated[datetime, PlainSerializer(str, return_type=str, when_used="json")] | None


class TimelineEntry(BaseModel):
    at: IsoMoment
    actor: str
    action: str
    reason: str | None


class FollowUpView(BaseModel):
    submission_id: str
    title: str
    status: FollowUpStatus
    reports: int
    milestones: dict[str, MilestoneView]  # by milestone name, those recorded
    awards: list[FilmAward]
    timeline: list[TimelineEntry]


async def followed_films(ctx: Context, session_id: str) -> list[FollowedFilm]:
    """Every followed film of a session, by title."""
    async with ctx.database() as db:
        rows = (
            await db.execute(
                select(FollowUpRow, SubmissionRow.original_title)
                .join(SubmissionRow, SubmissionRow.id == FollowUpRow.submission_id)
                .where(FollowUpRow.session_id == session_id)
                .order_by(SubmissionRow.original_title)
            )
        ).all()
    return [
        FollowedFilm(
            submission_id=f.submission_id,
            title=title,
            status=FollowUpStatus(f.status),
            reports=f.reports,
            last_report_at=f.last_report_at,
            completed_on=f.completed_on,
            premiere=f.premiere_festival,
            ended=f.ended_reason,
        )
        for f, title in rows
    ]


async def followup_view(ctx: Context, submission_id: str) -> FollowUpView:
    """One film's milestones (expected and done), its awards and its follow-up timeline."""
    async with ctx.database() as db:
        row = await db.get(FollowUpRow, submission_id)
        if row is None:
            raise ActionError(f"{submission_id} is not followed")
        title = (await db.get(SubmissionRow, submission_id)).original_title
        milestones = {
            m.milestone: MilestoneView(expected=m.expected_on, done=m.done_on, detail=m.detail)
            for m in await db.scalars(
                select(MilestoneRow).where(MilestoneRow.submission_id == submission_id)
            )
        }
        awards = [
            FilmAward(award=a.award_id, step=a.step, overdue=a.overdue, due=a.due_at)
            for a in await db.scalars(
                select(AwardGrantRow).where(AwardGrantRow.submission_id == submission_id)
            )
        ]
        timeline = [
            TimelineEntry(at=a.at, actor=a.actor, action=a.action, reason=a.reason)
            for a in await repository.audit_trail(db, submission_id)
            if a.action.startswith(TIMELINE)
        ]
    return FollowUpView(
        submission_id=submission_id,
        title=title,
        status=FollowUpStatus(row.status),
        reports=row.reports,
        milestones=milestones,
        awards=awards,
        timeline=timeline,
    )
