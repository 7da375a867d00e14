"""The selection committee's work: who sits on it, which films each member reviews, the conflicts
of interest they declare, their scores one film at a time or by the sheet."""

from __future__ import annotations

from pydantic import BaseModel

from domain.scoring import split_sheet
from gateway.context import Context
from gateway.handles import session_update, submission_update
from intake.batch import FieldError, RowError
from intake.scores import SheetFile
from models.committee import ConflictInput, ConflictResult, Member, Relation
from models.messages import SubmissionState
from models.session import CommitteeInput, ScoreInput, ScoreSheet
from models.session_io import AssignResult
from readmodels.films import with_recorded_scores
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow


class Committee(BaseModel):
    committee: list[str]  # the members' ids


class SheetOutcome(BaseModel):
    """A sheet's rows recorded, and those refused with why (by the file or by the session)."""

    recorded: int
    refused: list[RowError]


async def set_committee(ctx: Context, session_id: str, members: list[Member]) -> Committee:
    """Set the session's committee (while the call is open)."""
    status = await session_update(
        ctx,
        session_id,
        SessionWorkflow.set_committee,
        CommitteeInput(members=members, actor=ctx.actor),
    )
    return Committee(committee=status.committee)


async def assign(ctx: Context, session_id: str) -> AssignResult:
    """Assign the films that became eligible since the last assignment (during review)."""
    return await session_update(ctx, session_id, SessionWorkflow.assign_reviews)


async def declare_conflict(
    ctx: Context,
    session_id: str,
    member_id: str,
    submission_id: str,
    relation: Relation | str,
    detail: str | None,
    actor: str | None = None,
) -> ConflictResult:
    """A member's conflict of interest with a film assigned to them (during review): the film
    goes to the least-loaded free member, or is short; the member's score of it, if any, goes.
    Declared again, it changes nothing and answers the same. `actor` is who declares it (the
    member on their page), else the staff member at the command line. A relation that is none
    of `Relation`'s is refused by its field."""
    return await session_update(
        ctx,
        session_id,
        SessionWorkflow.declare_conflict,
        ConflictInput(
            member_id=member_id,
            submission_id=submission_id,
            relation=relation,
            detail=detail,
            actor=actor or ctx.actor,
        ),
    )


async def score(
    ctx: Context, submission_id: str, member_id: str, value: float, comment: str | None
) -> SubmissionState:
    """A member's score for a film (scoring again replaces it); the film's scores as recorded."""
    state = await submission_update(
        ctx,
        submission_id,
        SubmissionWorkflow.score,
        ScoreInput(member_id=member_id, score=value, comment=comment, actor=ctx.actor),
    )
    async with ctx.database() as db:
        return await with_recorded_scores(db, state)


async def score_sheet(
    ctx: Context, session_id: str, member_id: str, sheet: SheetFile
) -> SheetOutcome:
    """A member's scores for many films, sent in parts the session takes; each row is recorded or
    refused on its own."""
    rejected, recorded, start = list(sheet.rejected), 0, 0
    for part in split_sheet(sheet.scores):
        result = await session_update(
            ctx,
            session_id,
            SessionWorkflow.score_sheet,
            ScoreSheet(member_id=member_id, scores=part, actor=ctx.actor),
        )
        recorded += result.recorded
        rejected += [
            RowError(
                row=sheet.rows[start + r.index],
                title=r.submission_id,
                errors=[FieldError(field=r.field, message=r.reason)],
            )
            for r in result.refused
        ]
        start += len(part)
    rejected.sort(key=lambda r: r.row)
    return SheetOutcome(recorded=recorded, refused=rejected)
