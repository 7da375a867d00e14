"""One film as staff read it: where it stands (its workflow's state, with its scores as recorded)
and its timeline, from the audit log, its scores and its outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.service import RPCError

from gateway.context import Context
from gateway.handles import not_reachable, submission_handle
from models.eligibility import EligibilityReport
from models.messages import FilmStage, SubmissionState
from models.orm import OutboxRow, ScoreRow, SubmissionRow
from models.privacy import ERASED
from store import eligibility_records, keys, repository
from workflows.submission import SubmissionWorkflow


class Moment(BaseModel):
    """One line of a film's timeline: a stage it entered, a decision, a score or a message."""

    at: datetime
    kind: Literal["stage", "decision", "score", "message"]
    what: str
    actor: str | None = None
    detail: str | None = None


class FilmView(SubmissionState):
    """`submission show`: the film's state, then its timeline, oldest first; for a film whose
    personal data was erased, when (its anonymous record, read from the database alone)."""

    timeline: list[Moment]
    erased_at: datetime | None = None


async def timeline(db: AsyncSession, submission_id: str) -> list[Moment]:
    """The film's story, oldest first, from the audit log, its scores and its outbox: what an
    operator asks when a film seems stuck, without opening the database."""
    moments, stage = [], None
    for a in await repository.audit_trail(db, submission_id):
        # Its awards and its follow-up write under the film's id too: their states are theirs.
        own = not a.action.startswith(("award_", "followup_", "reported"))
        moved = own and a.to_state is not None and a.to_state != stage
        moments.append(
            Moment(
                at=a.at,
                kind="stage" if moved else "decision",
                what=f"{stage or 'new'} → {a.to_state}"
                if moved
                else a.action + (f" → {a.to_state}" if not own and a.to_state else ""),
                actor=a.actor,
                detail="; ".join(x for x in (a.action if moved else None, a.reason) if x),
            )
        )
        stage = a.to_state if moved else stage
    scores = await db.scalars(select(ScoreRow).where(ScoreRow.submission_id == submission_id))
    moments += [
        Moment(
            at=s.scored_at,
            kind="score",
            what=f"scored {s.score:g}",
            actor=s.member_id,
            detail=s.comment,
        )
        for s in scores
    ]
    sent = await db.scalars(select(OutboxRow).where(OutboxRow.submission_id == submission_id))
    moments += [
        Moment(
            at=m.sent_at or m.created_at,
            kind="message",
            what=f"{m.stage} ({m.language}) {m.status}",
            actor="wipflow",
            detail=None
            if m.recipient == ERASED
            else f"to {m.recipient}: {m.subject}"
            + (f" — {m.last_error}" if m.status == "failed" and m.last_error else ""),
        )
        for m in sent
    ]
    return sorted(moments, key=lambda m: m.at)


async def with_recorded_scores(db: AsyncSession, state: SubmissionState) -> SubmissionState:
    """The film's state with its scores as recorded, whether given on its own workflow or on a
    member's sheet sent to the session."""
    given = select(ScoreRow.member_id, ScoreRow.score).where(
        ScoreRow.submission_id == state.submission_id
    )
    return state.model_copy(update={"scores": dict((await db.execute(given)).all())})


async def anonymous(db: AsyncSession, row: SubmissionRow) -> FilmView:
    """A film as the database keeps it: its stage, its last check's outcomes, its reviewers and
    scores, its timeline. For an erased film, whose workflow is not asked (its state holds the
    withdrawal's words), and for a film of a session whose data key was forgotten, whose
    workflow's history no longer opens."""
    results = await eligibility_records.eligibility_results(db, row.id)
    check_no = max((r.check_no for r in results), default=0)
    last = [r.result() for r in results if r.check_no == check_no]
    state = SubmissionState(
        submission_id=row.id,
        session_id=row.session_id,
        title=row.original_title,
        stage=FilmStage(row.status),
        check_no=check_no,
        outcome=EligibilityReport(check_no=check_no, results=last).outcome if last else None,
        results=last,
        fix_deadline=None,
        withdrawn_reason=None,
        reviewers=await repository.reviewers_of(db, row.id),
    )
    state = await with_recorded_scores(db, state)
    return FilmView(**dict(state), timeline=await timeline(db, row.id), erased_at=row.erased_at)


async def film(ctx: Context, submission_id: str) -> FilmView:
    """Where one film stands (stage, each rule's outcome and reason) and its timeline."""
    async with ctx.database() as db:
        row = await db.get(SubmissionRow, submission_id)
        if row is not None and (
            row.erased_at is not None or await keys.forgotten_on(db, row.session_id)
        ):
            return await anonymous(db, row)
    handle = await submission_handle(ctx, submission_id)
    try:
        state = await handle.query(SubmissionWorkflow.state)
    except RPCError as exc:
        raise await not_reachable(ctx, submission_id, exc) from None
    async with ctx.database() as db:
        moments = await timeline(db, submission_id)
        state = await with_recorded_scores(db, state)
    return FilmView(**dict(state), timeline=moments)
